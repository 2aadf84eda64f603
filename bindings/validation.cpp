// Bindings for the input checks: a parallel finiteness test on contiguous float arrays.
#include "common.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/validation.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
int kind_of(const py::array& a, int n_threads) {
    const T* p = static_cast<const T*>(a.data());
    const index_t n = static_cast<index_t>(a.size());
    py::gil_scoped_release release;
    return nonfinite_kind<T>(p, n, n_threads);
}

}  // namespace

void register_validation(py::module_& m) {
    m.def(
        "nonfinite_kind",
        [](const py::array& a, int n_threads) {
            const bool contiguous = (a.flags() & (py::array::c_style | py::array::f_style)) != 0;
            if (!contiguous)
                throw std::invalid_argument("nonfinite_kind: the array must be contiguous");
            if (a.dtype().equal(py::dtype::of<float>())) return kind_of<float>(a, n_threads);
            if (a.dtype().equal(py::dtype::of<double>())) return kind_of<double>(a, n_threads);
            throw std::invalid_argument("nonfinite_kind: the array must be float32 or float64");
        },
        py::arg("a"), py::arg("n_threads"),
        "0 if every value is finite, 1 if some is NaN, 2 if some is infinite (and none NaN).");
}
