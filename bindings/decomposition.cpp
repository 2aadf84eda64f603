// Bindings for PCA (cpp/src/decomposition/).
#include "common.hpp"

namespace py = pybind11;

void register_decomposition(py::module_& m) { (void)m; }
