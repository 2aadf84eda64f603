// _core.linalg: the dense kernels every family shares (cpp/src/linalg/, scratchlearn/linalg.hpp and
// gemm.hpp): the matrix product (zero-copy for row-strided views), the centred scatter,
// X·op(W) + b, and the dense factorizations and solves (symmetric eigen, Jacobi SVD, QR and LU of
// tall matrices, Cholesky and SVD least squares, NNLS). Test-only entry points (packed
// products, syrk_ata, gemv, sq_dist_argmin, the thread threshold) go in _core._testing.

#include "common.hpp"
#include "scratchlearn/linalg.hpp"
#include "scratchlearn/task_pool.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using darray = carray<double>;

template <class T>
void gemm_into(const py::array& a_in, const py::array& b_in, const typed<T>& c_out, bool trans_a,
               bool trans_b, double alpha, double beta, int n_threads) {
    check_ndim(a_in, 2, "A");
    check_ndim(b_in, 2, "B");
    check_ndim(c_out, 2, "out");
    py::array a_keep, b_keep;
    const RowView<T> A = input_view<T>(a_in, a_keep, "gemm", "A");
    const RowView<T> B = input_view<T>(b_in, b_keep, "gemm", "B");
    auto C = row_view<T>(c_out);
    if (!C || !c_out.writeable())
        throw std::invalid_argument(
            "gemm: out must be a writeable array of the inputs' dtype with contiguous rows");
    const index_t m = trans_a ? A.cols : A.rows;
    const index_t k = trans_a ? A.rows : A.cols;
    const index_t kb = trans_b ? B.cols : B.rows;
    const index_t n = trans_b ? B.rows : B.cols;
    if (k != kb) throw std::invalid_argument("gemm: inner dimensions differ");
    if (C->rows != m || C->cols != n) throw std::invalid_argument("gemm: out has the wrong shape");
    if (n_threads <= 0) n_threads = default_threads();  // 0: all the threads OpenMP would use
    py::gil_scoped_release release;
    // The product reads A and B while writing C: the core copies an input that overlaps C.
    gemm_unaliased<T>(trans_a, trans_b, m, n, k, T(alpha), A.ptr, A.ld, B.ptr, B.ld, T(beta), C->ptr,
                      C->ld, n_threads);
}

template <class T>
py::tuple centred_scatter_t(const typed<T>& x_in, const py::object& y_in, const py::object& sw_in,
                            bool centre, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    carray<T> Y;
    index_t k = 0;
    if (!y_in.is_none()) {
        Y = as_array<T>(y_in, 2, "Y");
        if (Y.shape(0) != n) throw std::invalid_argument("centred_scatter: X and Y differ in rows");
        k = Y.shape(1);
    }
    carray<T> swh;
    const T* sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    py::array_t<double> mean(d + k), S({d, d + k});
    const T* px = X.data();
    const T* py_ = k ? Y.data() : nullptr;
    double *pm = mean.mutable_data(), *ps = S.mutable_data();
    {
        py::gil_scoped_release release;
        centred_scatter<T>(n, d, px, k, py_, sw, centre, pm, ps, n_threads);
    }
    return py::make_tuple(mean, S);
}

template <class T>
py::array affine_t(const typed<T>& x_in, const carray<T>& W, const carray<T>& b, bool trans_w,
                   int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    check_ndim(W, 2, "W");
    check_ndim(b, 1, "b");
    const index_t n = X.shape(0), d = X.shape(1);
    const index_t k = trans_w ? W.shape(0) : W.shape(1);
    if ((trans_w ? W.shape(1) : W.shape(0)) != d)
        throw std::invalid_argument("affine: W and X differ in feature count");
    if (b.shape(0) != k) throw std::invalid_argument("affine: b has the wrong length");
    py::array_t<T> out({n, k});
    const T *px = X.data(), *pw = W.data(), *pb = b.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        affine<T>(px, n, d, pw, trans_w, k, pb, po, n_threads);
    }
    return out;
}

// Q of the thin QR (lu = false) or P·L of the LU (lu = true) of a tall matrix.
template <class T>
py::array tall_op(const typed<T>& a_in, bool lu, int n_threads) {
    carray<T> A = c_order(a_in, 2, "A");
    const index_t m = A.shape(0), k = A.shape(1);
    if (m < k) throw std::invalid_argument("the matrix must have at least as many rows as columns");
    py::array_t<T> out = copy_of(A);
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
py::array orthonormalize_t(const typed<T>& a, int n_threads) { return tall_op<T>(a, false, n_threads); }
template <class T>
py::array lu_t(const typed<T>& a, int n_threads) { return tall_op<T>(a, true, n_threads); }

py::tuple symmetric_eigen_t(const darray& a_in) {
    const darray A = as_square(a_in, "symmetric_eigen: A");
    const index_t d = A.shape(0);
    py::array_t<double> work = copy_of(A), w(d), V({d, d});
    double *pa = work.mutable_data(), *pw = w.mutable_data(), *pv = V.mutable_data();
    {
        py::gil_scoped_release release;
        symmetric_eigen(d, pa, pw, pv);
    }
    return py::make_tuple(w, V);
}

py::tuple jacobi_svd_t(const darray& B) {
    check_ndim(B, 2, "B");
    const index_t r = B.shape(0), c = B.shape(1);
    if (r > c) throw std::invalid_argument("jacobi_svd: B must have no more rows than columns");
    py::array_t<double> work = copy_of(B), U({r, r}), s(r), Vt({r, c});
    double *pb = work.mutable_data(), *pu = U.mutable_data(), *ps = s.mutable_data(),
           *pv = Vt.mutable_data();
    {
        py::gil_scoped_release release;
        jacobi_svd_rows(r, c, pb, pu, ps, pv);
    }
    return py::make_tuple(U, s, Vt);
}

py::tuple cholesky_solve_t(const darray& g_in, const darray& B, const darray& al) {
    const darray G = as_square(g_in, "G");
    check_ndim(B, 2, "B");
    check_ndim(al, 1, "alpha");
    const index_t d = G.shape(0), k = B.shape(1);
    if (B.shape(0) != d) throw std::invalid_argument("cholesky_solve: B has the wrong rows");
    py::array_t<double> W({d, k});
    double* pw = W.mutable_data();
    double r;
    {
        py::gil_scoped_release release;
        r = cholesky_solve(d, k, G.data(), B.data(), al.data(), al.shape(0), pw);
    }
    return py::make_tuple(W, r);
}

py::tuple svd_least_squares_t(const darray& A0, const darray& B, const darray& al, double cond,
                              double abs_cut) {
    check_ndim(A0, 2, "A");
    check_ndim(B, 2, "B");
    check_ndim(al, 1, "alpha");
    const index_t m = A0.shape(0), p = A0.shape(1), k = B.shape(1);
    if (B.shape(0) != m) throw std::invalid_argument("svd_least_squares: B has the wrong rows");
    py::array_t<double> A = copy_of(A0), W({p, k}), s(std::min(m, p));
    double *pa = A.mutable_data(), *pw = W.mutable_data(), *ps = s.mutable_data();
    index_t rank;
    {
        py::gil_scoped_release release;
        rank = svd_least_squares(m, p, k, pa, B.data(), al.data(), al.shape(0), cond, abs_cut, pw, ps);
    }
    return py::make_tuple(W, rank, s);
}

py::tuple nnls_gram_t(const darray& g_in, const darray& b_in, double alpha, const darray& w_in,
                      index_t max_sweeps, double tol) {
    const darray G = as_square(g_in, "G");
    const index_t d = G.shape(0);
    darray b = as_vector<double>(b_in, d, "b");
    py::array_t<double> w = copy_of(as_vector<double>(w_in, d, "w0"));
    double* pw = w.mutable_data();
    index_t sweeps;
    {
        py::gil_scoped_release release;
        sweeps = nnls_gram(d, G.data(), b.data(), alpha, pw, max_sweeps, tol);
    }
    return py::make_tuple(w, sweeps);
}

// ---- test-only ------------------------------------------------------------------------------

template <class T>
py::array syrk_t(const typed<T>& a_in, double alpha, int n_threads) {
    carray<T> A = c_order(a_in, 2, "A");
    const index_t n = A.shape(0), d = A.shape(1);
    py::array_t<T> C({d, d});
    const T* pa = A.data();
    T* pc = C.mutable_data();
    {
        py::gil_scoped_release release;
        syrk_ata<T>(n, d, T(alpha), pa, std::max<index_t>(1, d), T(0), pc, std::max<index_t>(1, d),
                    n_threads);
    }
    return C;
}

template <class T>
void gemv_into(const carray<T>& A, const carray<T>& x, const typed<T>& y_out, bool trans,
               double alpha, double beta, int n_threads) {
    check_ndim(A, 2, "A");
    check_ndim(x, 1, "x");
    auto y = py::array_t<T, py::array::c_style>::ensure(y_out);
    if (!y || y.ptr() != y_out.ptr() || !y_out.writeable())
        throw std::invalid_argument("gemv: y must be a writeable C-contiguous array of the dtype");
    check_ndim(y, 1, "y");
    const index_t m = A.shape(0), n = A.shape(1);
    if (x.shape(0) != (trans ? m : n)) throw std::invalid_argument("gemv: x has the wrong length");
    if (y.shape(0) != (trans ? n : m)) throw std::invalid_argument("gemv: y has the wrong length");
    const T *pa = A.data(), *px = x.data();
    T* py_ = y.mutable_data();
    py::gil_scoped_release release;
    gemv<T>(trans, m, n, T(alpha), pa, std::max<index_t>(1, n), px, T(beta), py_, n_threads);
}

template <class T>
py::tuple argmin_t(const typed<T>& x_in, const carray<T>& C, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    check_ndim(C, 2, "C");
    if (X.shape(1) != C.shape(1))
        throw std::invalid_argument("sq_dist_argmin: X and C differ in feature count");
    if (C.shape(0) < 1) throw std::invalid_argument("sq_dist_argmin: C has no rows");
    const index_t n = X.shape(0), k = C.shape(0), d = X.shape(1);
    py::array_t<std::int64_t> labels(n);
    py::array_t<T> dist(n);
    const T *px = X.data(), *pc = C.data();
    std::int64_t* pl = labels.mutable_data();
    T* pd = dist.mutable_data();
    {
        py::gil_scoped_release release;
        sq_dist_argmin<T>(px, n, pc, k, d, nullptr, nullptr, pl, pd, n_threads);
    }
    return py::make_tuple(labels, dist);
}

// op(A)·op(B) through the packed product in column blocks (the core's gemm_packed_columns).
template <class T>
py::array packed_product(const typed<T>& a_in, const carray<T>& B, bool ta, bool tb, index_t block,
                         int n_threads, bool pack_a) {
    carray<T> A = c_order(a_in, 2, "A");
    check_ndim(B, 2, "B");
    const index_t m = ta ? A.shape(1) : A.shape(0), k = ta ? A.shape(0) : A.shape(1);
    const index_t kb = tb ? B.shape(1) : B.shape(0), n = tb ? B.shape(0) : B.shape(1);
    if (k != kb) throw std::invalid_argument("gemm_packed: inner dimensions differ");
    py::array_t<T> C({m, n});
    const T *pa = A.data(), *pb = B.data();
    T* pc = C.mutable_data();
    const index_t lda = std::max<index_t>(1, A.shape(1)), ldb = std::max<index_t>(1, B.shape(1));
    {
        py::gil_scoped_release release;  // scoped: returning C touches its reference count
        gemm_packed_columns<T>(ta, tb, m, n, k, pa, lda, pb, ldb, pc, std::max<index_t>(1, n), block,
                               pack_a, n_threads);
    }
    return C;
}

}  // namespace

void register_linalg(py::module_& m) {
    auto f = family_module(m, "linalg", "Shared dense kernels and factorizations (cpp/src/linalg/).");
    def_float(f, "gemm_into", &gemm_into<float>, &gemm_into<double>,
              "out ← alpha·op(a)·op(b) + beta·out. Arrays whose rows are contiguous (C order or views "
              "of row/column blocks of one) are used in place, with their row stride as leading "
              "dimension; out's dtype decides the precision. n_threads 0: the default count.",
              py::arg("a"), py::arg("b"), py::arg("out").noconvert(), py::arg("trans_a"),
              py::arg("trans_b"), py::arg("alpha"), py::arg("beta"), py::arg("n_threads"));
    def_float(f, "centred_scatter", &centred_scatter_t<float>, &centred_scatter_t<double>,
              "(mean of [X | Y], S = centred weighted [X | Y] scatter restricted to X's rows, "
              "d × (d + k)); Y and sample_weight may be None.",
              py::arg("X").noconvert(), py::arg("Y"), py::arg("sample_weight"), py::arg("centre"),
              py::arg("n_threads"));
    def_float(f, "affine", &affine_t<float>, &affine_t<double>,
              "X · op(W) + b on the gemm (op(W) = Wᵀ when trans_w): linear scores and projections.",
              py::arg("X").noconvert(), py::arg("W"), py::arg("b"), py::arg("trans_w"),
              py::arg("n_threads"));
    def_float(f, "orthonormalize_columns", &orthonormalize_t<float>, &orthonormalize_t<double>,
              "Q of the thin QR of a tall matrix (shifted Cholesky-QR; Gram-Schmidt twice).",
              py::arg("A").noconvert(), py::arg("n_threads"));
    def_float(f, "lu_permuted_l", &lu_t<float>, &lu_t<double>,
              "P·L of the partial-pivoting LU of a tall matrix.", py::arg("A").noconvert(),
              py::arg("n_threads"));
    f.def("symmetric_eigen", &symmetric_eigen_t, py::arg("A"),
          "(eigenvalues descending, eigenvectors as rows) of a symmetric matrix (lower triangle read).");
    f.def("jacobi_svd", &jacobi_svd_t, py::arg("B"),
          "Thin SVD (U, s, Vt) of a wide matrix by one-sided Jacobi rotations.");
    f.def("cholesky_solve", &cholesky_solve_t, py::arg("G"), py::arg("B"), py::arg("alpha"),
          "W solving (G + alpha_j I) w_j = b_j by Cholesky, and the smallest pivot ratio.");
    f.def("svd_least_squares", &svd_least_squares_t, py::arg("A"), py::arg("B"), py::arg("alpha"),
          py::arg("cond"), py::arg("abs_cut"),
          "Minimum-norm (ridge-filtered) least squares by QR + Jacobi SVD: (W, rank, singular values).");

    f.def("nnls_gram", &nnls_gram_t, "Non-negative least squares on the normal equations: (w, sweeps).",
          py::arg("G"), py::arg("b"), py::arg("alpha"), py::arg("w0"), py::arg("max_sweeps"),
          py::arg("tol"));

    auto t = testing_module(m);
    def_float(t, "gemm_packed_product", &packed_product<float>, &packed_product<double>,
              "op(a)·op(b) with b packed once (PackedB) and multiplied in column blocks "
              "(gemm_packed); with pack_a, a is packed once too (PackedA).",
              py::arg("a").noconvert(), py::arg("b"), py::arg("trans_a"), py::arg("trans_b"),
              py::arg("block"), py::arg("n_threads"), py::arg("pack_a") = false);
    t.def(
        "pool_tasks",
        [](std::int64_t count, int n_threads, std::int64_t fail_at) {
            std::vector<std::int64_t> runs;
            {
                py::gil_scoped_release release;
                runs = pool_task_runs(count, n_threads, fail_at);
            }
            return to_numpy(runs);
        },
        py::arg("count"), py::arg("n_threads"), py::arg("fail_at") = -1,
        "Runs `count` tasks on the task pool; per task, how many times it ran.");
    t.def("gemm_set_min_thread_work", &gemm_set_min_thread_work, py::arg("madds"),
          "Multiply-adds per thread below which gemm uses fewer threads; returns the previous value.");
    t.def("gemm_set_direct_mode", &gemm_set_direct_mode, py::arg("mode"),
          "-1: the shape rule picks the direct (unpacked) path, 0: never, 1: always; returns the "
          "previous mode.");
    def_float(t, "syrk_ata", &syrk_t<float>, &syrk_t<double>, "alpha·aᵀa (both triangles).",
              py::arg("a").noconvert(), py::arg("alpha"), py::arg("n_threads"));
    def_float(t, "gemv_into", &gemv_into<float>, &gemv_into<double>, "y ← alpha·op(a)·x + beta·y.",
              py::arg("a"), py::arg("x"), py::arg("y").noconvert(), py::arg("trans"),
              py::arg("alpha"), py::arg("beta"), py::arg("n_threads"));
    def_float(t, "sq_dist_argmin", &argmin_t<float>, &argmin_t<double>,
              "(labels, squared distances) of the nearest row of C for every row of X.",
              py::arg("X").noconvert(), py::arg("C"), py::arg("n_threads"));
}
