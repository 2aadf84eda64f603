// Build and runtime facts: OpenMP availability and thread count.
#include <pybind11/pybind11.h>

#include "scratchlearn/parallel.hpp"

namespace py = pybind11;

void register_config(py::module_& m) {
    m.def("have_openmp", &scratchlearn::have_openmp, "Whether the core was built with OpenMP.");
    m.def("default_threads", &scratchlearn::default_threads,
          "Threads an OpenMP region uses by default (honours OMP_NUM_THREADS).");
}
