// _core.validation: the input checks (cpp/src/validation.cpp): a parallel finiteness test.
#include "common.hpp"
#include "scratchlearn/validation.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

// Any contiguous layout (C or Fortran): the values are read in memory order.
template <class T>
std::pair<const T*, index_t> values_of(const typed<T>& a, const char* who) {
    if ((a.flags() & (py::array::c_style | py::array::f_style)) == 0)
        throw std::invalid_argument(std::string(who) + ": the array must be contiguous");
    return {a.data(), static_cast<index_t>(a.size())};
}

template <class T>
int kind_of(const typed<T>& a, int n_threads) {
    const auto [p, n] = values_of(a, "nonfinite_kind");
    py::gil_scoped_release release;
    return nonfinite_kind<T>(p, n, n_threads);
}

template <class T>
bool inf_of(const typed<T>& a, int n_threads) {
    const auto [p, n] = values_of(a, "any_infinite");
    py::gil_scoped_release release;
    return any_infinite<T>(p, n, n_threads);
}

}  // namespace

void register_validation(py::module_& m) {
    auto f = family_module(m, "validation", "Input checks (cpp/src/validation.cpp).");
    def_float(f, "nonfinite_kind", &kind_of<float>, &kind_of<double>,
              "0 if every value is finite, 1 if some is NaN, 2 if some is infinite (and none NaN).",
              py::arg("a").noconvert(), py::arg("n_threads"));
    def_float(f, "any_infinite", &inf_of<float>, &inf_of<double>,
              "Whether some value is +inf or -inf (NaN does not count).",
              py::arg("a").noconvert(), py::arg("n_threads"));
}
