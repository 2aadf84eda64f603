// Bindings for PCA and the dense eigen/SVD helpers (cpp/src/decomposition/).
#include <algorithm>

#include "common.hpp"
#include "scratchlearn/eigen.hpp"
#include "scratchlearn/pca.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using darray = carray<double>;

template <class T>
py::array tall_op(const py::array& a_in, bool lu, int n_threads) {
    carray<T> A = carray<T>::ensure(a_in);
    if (!A) throw std::invalid_argument("tall matrix could not be converted");
    check_ndim(A, 2, "A");
    const index_t m = A.shape(0), k = A.shape(1);
    if (m < k) throw std::invalid_argument("the matrix must have at least as many rows as columns");
    py::array_t<T> out({m, k});
    std::copy(A.data(), A.data() + m * k, out.mutable_data());
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        if (lu)
            lu_permuted_l<T>(m, k, po, n_threads);
        else
            orthonormalize_columns<T>(m, k, po, n_threads);
    }
    return out;
}

template <class T>
py::array affine(const py::array& x_in, const py::array& w_in, const py::array& b_in, bool trans_w,
                 int n_threads) {
    carray<T> X = carray<T>::ensure(x_in);
    carray<T> W = carray<T>::ensure(w_in);
    carray<T> b = carray<T>::ensure(b_in);
    if (!X || !W || !b) throw std::invalid_argument("pca_affine: inputs could not be converted");
    check_ndim(X, 2, "X");
    check_ndim(W, 2, "W");
    check_ndim(b, 1, "b");
    const index_t n = X.shape(0), d = X.shape(1);
    const index_t k = trans_w ? W.shape(0) : W.shape(1);
    if ((trans_w ? W.shape(1) : W.shape(0)) != d)
        throw std::invalid_argument("pca_affine: W and X differ in feature count");
    if (b.shape(0) != k) throw std::invalid_argument("pca_affine: b has the wrong length");
    py::array_t<T> out({n, k});
    const T *px = X.data(), *pw = W.data(), *pb = b.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        pca_affine<T>(px, n, d, pw, trans_w, k, pb, po, n_threads);
    }
    return out;
}

}  // namespace

void register_decomposition(py::module_& m) {
    m.def(
        "symmetric_eigen",
        [](const py::array& a_in) {
            darray A = darray::ensure(a_in);
            if (!A) throw std::invalid_argument("symmetric_eigen: A could not be converted");
            check_ndim(A, 2, "A");
            const index_t d = A.shape(0);
            if (A.shape(1) != d) throw std::invalid_argument("symmetric_eigen: A must be square");
            py::array_t<double> work({d, d}), w(d), V({d, d});
            std::copy(A.data(), A.data() + d * d, work.mutable_data());
            double* pa = work.mutable_data();
            double* pw = w.mutable_data();
            double* pv = V.mutable_data();
            {
                py::gil_scoped_release release;
                symmetric_eigen(d, pa, pw, pv);
            }
            return py::make_tuple(w, V);
        },
        py::arg("A"),
        "(eigenvalues descending, eigenvectors as rows) of a symmetric matrix (lower triangle read).");
    m.def(
        "jacobi_svd",
        [](const py::array& b_in) {
            darray B = darray::ensure(b_in);
            if (!B) throw std::invalid_argument("jacobi_svd: B could not be converted");
            check_ndim(B, 2, "B");
            const index_t r = B.shape(0), c = B.shape(1);
            if (r > c) throw std::invalid_argument("jacobi_svd: B must have no more rows than columns");
            py::array_t<double> work({r, c}), U({r, r}), s(r), Vt({r, c});
            std::copy(B.data(), B.data() + r * c, work.mutable_data());
            double* pb = work.mutable_data();
            double* pu = U.mutable_data();
            double* ps = s.mutable_data();
            double* pv = Vt.mutable_data();
            {
                py::gil_scoped_release release;
                jacobi_svd_rows(r, c, pb, pu, ps, pv);
            }
            return py::make_tuple(U, s, Vt);
        },
        py::arg("B"), "Thin SVD (U, s, Vt) of a wide matrix by one-sided Jacobi rotations.");
    m.def(
        "orthonormalize_columns",
        [](const py::array& A, int n_threads) {
            return dispatch_float(A, [&](auto tag) { return tall_op<decltype(tag)>(A, false, n_threads); });
        },
        py::arg("A"), py::arg("n_threads"), "Q of the thin QR of a tall matrix (Gram-Schmidt twice).");
    m.def(
        "lu_permuted_l",
        [](const py::array& A, int n_threads) {
            return dispatch_float(A, [&](auto tag) { return tall_op<decltype(tag)>(A, true, n_threads); });
        },
        py::arg("A"), py::arg("n_threads"), "P·L of the partial-pivoting LU of a tall matrix.");
    m.def(
        "pca_affine",
        [](const py::array& X, const py::array& W, const py::array& b, bool trans_w, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return affine<decltype(tag)>(X, W, b, trans_w, n_threads);
            });
        },
        py::arg("X"), py::arg("W"), py::arg("b"), py::arg("trans_w"), py::arg("n_threads"),
        "X · op(W) + b on the gemm (op(W) = Wᵀ when trans_w).");
}
