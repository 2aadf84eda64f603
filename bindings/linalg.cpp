// Bindings for the matrix product: gemm on two 2-d arrays writing into a preallocated output.
#include "common.hpp"
#include "scratchlearn/gemm.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
void gemm_into(const py::array& a_in, const py::array& b_in, py::array& c_out, bool trans_a,
               bool trans_b, double alpha, double beta, int n_threads) {
    carray<T> A = carray<T>::ensure(a_in);
    carray<T> B = carray<T>::ensure(b_in);
    if (!A || !B) throw std::invalid_argument("gemm: inputs could not be converted");
    auto C = py::array_t<T, py::array::c_style>::ensure(c_out);
    if (!C || C.ptr() != c_out.ptr())
        throw std::invalid_argument("gemm: out must be a C-contiguous array of the inputs' dtype");
    check_ndim(A, 2, "A");
    check_ndim(B, 2, "B");
    check_ndim(C, 2, "out");
    const index_t m = trans_a ? A.shape(1) : A.shape(0);
    const index_t k = trans_a ? A.shape(0) : A.shape(1);
    const index_t kb = trans_b ? B.shape(1) : B.shape(0);
    const index_t n = trans_b ? B.shape(0) : B.shape(1);
    if (k != kb) throw std::invalid_argument("gemm: inner dimensions differ");
    if (C.shape(0) != m || C.shape(1) != n) throw std::invalid_argument("gemm: out has the wrong shape");
    const T* pa = A.data();
    const T* pb = B.data();
    T* pc = C.mutable_data();
    const index_t lda = A.shape(1), ldb = B.shape(1), ldc = C.shape(1);
    py::gil_scoped_release release;
    gemm<T>(trans_a, trans_b, m, n, k, T(alpha), pa, lda, pb, ldb, T(beta), pc, ldc, n_threads);
}

}  // namespace

void register_linalg(py::module_& m) {
    m.def(
        "gemm_into",
        [](const py::array& a, const py::array& b, py::array& c, bool ta, bool tb, double alpha,
           double beta, int n_threads) {
            if (is_float32(c))
                gemm_into<float>(a, b, c, ta, tb, alpha, beta, n_threads);
            else
                gemm_into<double>(a, b, c, ta, tb, alpha, beta, n_threads);
        },
        py::arg("a"), py::arg("b"), py::arg("out"), py::arg("trans_a"), py::arg("trans_b"),
        py::arg("alpha"), py::arg("beta"), py::arg("n_threads"));
}
