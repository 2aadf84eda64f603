// scratchlearn._core: one extension module; each kernel family registers its own functions.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_config(py::module_& m);
void register_linalg(py::module_& m);
void register_neighbors(py::module_& m);
void register_linear_model(py::module_& m);
void register_naive_bayes(py::module_& m);
void register_cluster(py::module_& m);
void register_validation(py::module_& m);
void register_tree(py::module_& m);
void register_svm(py::module_& m);
void register_neural_network(py::module_& m);
void register_metrics(py::module_& m);
void register_preprocessing(py::module_& m);

PYBIND11_MODULE(_core, m) {
    m.doc() = "scratchlearn's compiled core (C++17/OpenMP). Use the public estimators instead.";
    register_config(m);
    register_linalg(m);
    register_neighbors(m);
    register_linear_model(m);
    register_naive_bayes(m);
    register_cluster(m);
    register_validation(m);
    register_tree(m);
    register_svm(m);
    register_neural_network(m);
    register_metrics(m);
    register_preprocessing(m);
}
