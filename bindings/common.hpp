// Helpers shared by the thin binding files: array checks and dtype dispatch.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>
#include <algorithm>

namespace scratchlearn::bind {

namespace py = pybind11;

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Raises ValueError unless `a` has `ndim` dimensions.
inline void check_ndim(const py::array& a, int ndim, const char* name) {
    if (a.ndim() != ndim)
        throw std::invalid_argument(std::string(name) + " must be " + std::to_string(ndim) +
                                    "-dimensional, got " + std::to_string(a.ndim()) + " dimensions");
}

// `a` as a C-contiguous array of T with `ndim` dimensions (converted once if it is not one
// already); ValueError naming `name` otherwise.
template <class T>
carray<T> as_array(const py::handle& a, int ndim, const char* name) {
    carray<T> out = carray<T>::ensure(a);
    if (!out) throw std::invalid_argument(std::string(name) + " could not be converted to an array of numbers");
    check_ndim(out, ndim, name);
    return out;
}

// A 1-d array of exactly `len` entries.
template <class T>
carray<T> as_vector(const py::handle& a, std::ptrdiff_t len, const char* name) {
    carray<T> out = as_array<T>(a, 1, name);
    if (out.shape(0) != len)
        throw std::invalid_argument(std::string(name) + " has " + std::to_string(out.shape(0)) +
                                    " entries, expected " + std::to_string(len));
    return out;
}

// An optional 1-d array of `len` entries (e.g. sample weights): nullptr when `a` is None, else its
// data, kept alive by `holder`.
template <class T>
const T* optional_vector(const py::object& a, std::ptrdiff_t len, const char* name, carray<T>& holder) {
    if (a.is_none()) return nullptr;
    holder = as_vector<T>(a, len, name);
    return holder.data();
}

// A new array holding a copy of `a`: outputs that start from an initial value.
template <class T>
py::array_t<T> copy_of(const carray<T>& a) {
    py::array_t<T> out(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()));
    std::copy(a.data(), a.data() + a.size(), out.mutable_data());
    return out;
}

inline bool is_float32(const py::array& a) { return a.dtype().equal(py::dtype::of<float>()); }

// Calls f(float{}) or f(double{}) according to the dtype of `a` (anything else runs as double).
template <class F>
decltype(auto) dispatch_float(const py::array& a, F&& f) {
    if (is_float32(a)) return f(float{});
    return f(double{});
}

// ---- The registration kit -------------------------------------------------------------------
//
// A core function templated on the float type is bound once for float32 and once for float64 under
// one Python name:
//
//     template <class T>
//     py::array predict(carray<T> X, carray<T> coef, int n_threads);   // converts, releases the GIL
//
//     void register_family(py::module_& m) {
//         auto f = family_module(m, "family", "what it holds");
//         def_float(f, "predict", &predict<float>, &predict<double>, "doc",
//                   py::arg("X").noconvert(), py::arg("coef"), py::arg("n_threads"));
//     }
//
// The first (dtype-defining) argument is marked `.noconvert()`: a C-contiguous float32 array reaches
// the float overload and a float64 one the double overload, never a silent cast of the user's data;
// the other array arguments are converted to that type. Each wrapper converts its inputs and
// allocates its outputs with the GIL held, then releases it (py::gil_scoped_release) around the core
// call. Preconditions on the data are checked in the core (`require`), not here.
template <class F32, class F64, class... Extra>
void def_float(py::module_& m, const char* name, F32 f32, F64 f64, const Extra&... extra) {
    m.def(name, f64, extra...);
    m.def(name, f32, extra...);
}

// The submodule `_core.<name>` of one kernel family.
inline py::module_ family_module(py::module_& m, const char* name, const char* doc) {
    return m.def_submodule(name, doc);
}

// `_core._testing`: entry points that only the tests call (shared by every family).
inline py::module_ testing_module(py::module_& m) {
    if (py::hasattr(m, "_testing")) return m.attr("_testing").cast<py::module_>();
    return m.def_submodule("_testing", "Test-only entry points of the core; not part of the API.");
}

}  // namespace scratchlearn::bind
