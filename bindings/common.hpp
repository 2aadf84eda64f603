// Helpers shared by the thin binding files: array checks and dtype dispatch.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>

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

inline bool is_float32(const py::array& a) { return a.dtype().equal(py::dtype::of<float>()); }

// Calls f(float{}) or f(double{}) according to the dtype of `a` (anything else runs as double).
template <class F>
decltype(auto) dispatch_float(const py::array& a, F&& f) {
    if (is_float32(a)) return f(float{});
    return f(double{});
}

}  // namespace scratchlearn::bind
