// Bindings for the matrix product family: gemm (zero-copy for row-strided views), syrk_ata, gemv
// and the fused squared-distance argmin.
#include <pybind11/stl.h>

#include <optional>

#include "common.hpp"
#include "scratchlearn/gemm.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

// A 2-d array whose rows are contiguous and equally spaced (C order, or a view selecting a block of
// rows and columns of one): pointer, shape and leading dimension, without a copy.
template <class T>
struct RowView {
    T* ptr;
    index_t rows, cols, ld;
};

template <class T>
std::optional<RowView<T>> row_view(const py::array& a) {
    if (a.ndim() != 2 || !a.dtype().equal(py::dtype::of<T>())) return std::nullopt;
    const index_t rows = a.shape(0), cols = a.shape(1);
    const index_t isz = static_cast<index_t>(sizeof(T));
    if (rows == 0 || cols == 0)  // nothing is read or written: any strides will do
        return RowView<T>{static_cast<T*>(const_cast<void*>(a.data())), rows, cols,
                          std::max<index_t>(1, cols)};
    if (cols > 1 && a.strides(1) != isz) return std::nullopt;
    index_t ld = std::max<index_t>(1, cols);
    if (rows > 1) {
        const index_t s0 = a.strides(0);
        if (s0 <= 0 || s0 % isz != 0 || s0 / isz < cols) return std::nullopt;
        ld = std::max<index_t>(ld, s0 / isz);
    }
    return RowView<T>{static_cast<T*>(const_cast<void*>(a.data())), rows, cols, ld};
}

template <class T>
void gemm_into(const py::array& a_in, const py::array& b_in, py::array& c_out, bool trans_a,
               bool trans_b, double alpha, double beta, int n_threads) {
    check_ndim(a_in, 2, "A");
    check_ndim(b_in, 2, "B");
    check_ndim(c_out, 2, "out");
    // Inputs: used in place when their rows are contiguous, else converted once to C order.
    py::array a_keep = a_in, b_keep = b_in;
    auto A = row_view<T>(a_keep);
    if (!A) {
        a_keep = carray<T>::ensure(a_in);
        if (!a_keep) throw std::invalid_argument("gemm: A could not be converted");
        A = row_view<T>(a_keep);
        if (!A) throw std::invalid_argument("gemm: A could not be converted");
    }
    auto B = row_view<T>(b_keep);
    if (!B) {
        b_keep = carray<T>::ensure(b_in);
        if (!b_keep) throw std::invalid_argument("gemm: B could not be converted");
        B = row_view<T>(b_keep);
        if (!B) throw std::invalid_argument("gemm: B could not be converted");
    }
    auto C = row_view<T>(c_out);
    if (!C || !c_out.writeable())
        throw std::invalid_argument(
            "gemm: out must be a writeable array of the inputs' dtype with contiguous rows");
    const index_t m = trans_a ? A->cols : A->rows;
    const index_t k = trans_a ? A->rows : A->cols;
    const index_t kb = trans_b ? B->cols : B->rows;
    const index_t n = trans_b ? B->rows : B->cols;
    if (k != kb) throw std::invalid_argument("gemm: inner dimensions differ");
    if (C->rows != m || C->cols != n) throw std::invalid_argument("gemm: out has the wrong shape");
    py::gil_scoped_release release;
    gemm<T>(trans_a, trans_b, m, n, k, T(alpha), A->ptr, A->ld, B->ptr, B->ld, T(beta), C->ptr,
            C->ld, n_threads);
}

template <class T>
py::array syrk(const py::array& a_in, double alpha, int n_threads) {
    carray<T> A = carray<T>::ensure(a_in);
    if (!A) throw std::invalid_argument("syrk_ata: A could not be converted");
    check_ndim(A, 2, "A");
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
void gemv_into(const py::array& a_in, const py::array& x_in, py::array& y_out, bool trans,
               double alpha, double beta, int n_threads) {
    carray<T> A = carray<T>::ensure(a_in);
    carray<T> x = carray<T>::ensure(x_in);
    if (!A || !x) throw std::invalid_argument("gemv: inputs could not be converted");
    check_ndim(A, 2, "A");
    check_ndim(x, 1, "x");
    auto y = py::array_t<T, py::array::c_style>::ensure(y_out);
    if (!y || y.ptr() != y_out.ptr() || !y_out.writeable())
        throw std::invalid_argument("gemv: y must be a writeable C-contiguous array of the dtype");
    check_ndim(y, 1, "y");
    const index_t m = A.shape(0), n = A.shape(1);
    if (x.shape(0) != (trans ? m : n)) throw std::invalid_argument("gemv: x has the wrong length");
    if (y.shape(0) != (trans ? n : m)) throw std::invalid_argument("gemv: y has the wrong length");
    const T* pa = A.data();
    const T* px = x.data();
    T* py_ = y.mutable_data();
    py::gil_scoped_release release;
    gemv<T>(trans, m, n, T(alpha), pa, std::max<index_t>(1, n), px, T(beta), py_, n_threads);
}

template <class T>
py::tuple argmin(const py::array& x_in, const py::array& c_in, int n_threads) {
    carray<T> X = carray<T>::ensure(x_in);
    carray<T> C = carray<T>::ensure(c_in);
    if (!X || !C) throw std::invalid_argument("sq_dist_argmin: inputs could not be converted");
    check_ndim(X, 2, "X");
    check_ndim(C, 2, "C");
    if (X.shape(1) != C.shape(1))
        throw std::invalid_argument("sq_dist_argmin: X and C differ in feature count");
    if (C.shape(0) < 1) throw std::invalid_argument("sq_dist_argmin: C has no rows");
    const index_t n = X.shape(0), k = C.shape(0), d = X.shape(1);
    py::array_t<std::int64_t> labels(n);
    py::array_t<T> dist(n);
    const T* px = X.data();
    const T* pc = C.data();
    std::int64_t* pl = labels.mutable_data();
    T* pd = dist.mutable_data();
    {
        py::gil_scoped_release release;
        sq_dist_argmin<T>(px, n, pc, k, d, nullptr, nullptr, pl, pd, n_threads);
    }
    return py::make_tuple(labels, dist);
}

// For tests: op(A)·op(B) through PackedB + gemm_packed, in column blocks of `block` columns
// (with op(A) packed once too, PackedA, when pack_a).
template <class T>
py::array packed_product(const py::array& a_in, const py::array& b_in, bool ta, bool tb,
                         index_t block, int n_threads, bool pack_a) {
    carray<T> A = carray<T>::ensure(a_in);
    carray<T> B = carray<T>::ensure(b_in);
    if (!A || !B) throw std::invalid_argument("gemm_packed: inputs could not be converted");
    check_ndim(A, 2, "A");
    check_ndim(B, 2, "B");
    const index_t m = ta ? A.shape(1) : A.shape(0), k = ta ? A.shape(0) : A.shape(1);
    const index_t kb = tb ? B.shape(1) : B.shape(0), n = tb ? B.shape(0) : B.shape(1);
    if (k != kb) throw std::invalid_argument("gemm_packed: inner dimensions differ");
    if (block < 1) throw std::invalid_argument("gemm_packed: block must be >= 1");
    py::array_t<T> C({m, n});
    const T* pa = A.data();
    const T* pb = B.data();
    T* pc = C.mutable_data();
    {
        py::gil_scoped_release release;
        PackedB<T> packed(tb, k, n, pb, std::max<index_t>(1, B.shape(1)), n_threads);
        PackedA<T> apacked;
        if (pack_a) apacked.assign(ta, m, pa, std::max<index_t>(1, A.shape(1)), packed);
        for (index_t j0 = 0; j0 < n; j0 += block) {
            if (pack_a)
                gemm_packed<T>(apacked, j0, std::min(block, n - j0), T(1), packed, T(0), pc + j0,
                               std::max<index_t>(1, n), n_threads);
            else
                gemm_packed<T>(ta, m, j0, std::min(block, n - j0), T(1), pa,
                               std::max<index_t>(1, A.shape(1)), packed, T(0), pc + j0,
                               std::max<index_t>(1, n), n_threads);
        }
    }
    return C;
}

template <class T>
py::tuple centred_scatter_t(const py::array& x_in, const py::object& y_in, const py::object& sw_in,
                            bool centre, int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    if (n < 1 || d < 1) throw std::invalid_argument("centred_scatter: X must not be empty");
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
        py::arg("alpha"), py::arg("beta"), py::arg("n_threads"),
        "out ← alpha·op(a)·op(b) + beta·out. Arrays whose rows are contiguous (C order or views of "
        "row/column blocks of one) are used in place, with their row stride as leading dimension.");
    m.def(
        "gemm_packed_product",
        [](const py::array& a, const py::array& b, bool ta, bool tb, index_t block, int n_threads,
           bool pack_a) {
            return dispatch_float(a, [&](auto tag) {
                return packed_product<decltype(tag)>(a, b, ta, tb, block, n_threads, pack_a);
            });
        },
        py::arg("a"), py::arg("b"), py::arg("trans_a"), py::arg("trans_b"), py::arg("block"),
        py::arg("n_threads"), py::arg("pack_a") = false,
        "op(a)·op(b) with b packed once (PackedB) and multiplied in column blocks (gemm_packed); "
        "with pack_a, a is packed once too (PackedA).");
    m.def("gemm_set_min_thread_work", &gemm_set_min_thread_work, py::arg("madds"),
          "Multiply-adds per thread below which gemm uses fewer threads; returns the previous "
          "value (tests and tuning).");
    m.def(
        "syrk_ata",
        [](const py::array& a, double alpha, int n_threads) {
            return dispatch_float(a, [&](auto tag) { return syrk<decltype(tag)>(a, alpha, n_threads); });
        },
        py::arg("a"), py::arg("alpha"), py::arg("n_threads"), "alpha·aᵀa (both triangles).");
    m.def(
        "gemv_into",
        [](const py::array& a, const py::array& x, py::array& y, bool trans, double alpha,
           double beta, int n_threads) {
            if (is_float32(y))
                gemv_into<float>(a, x, y, trans, alpha, beta, n_threads);
            else
                gemv_into<double>(a, x, y, trans, alpha, beta, n_threads);
        },
        py::arg("a"), py::arg("x"), py::arg("y"), py::arg("trans"), py::arg("alpha"),
        py::arg("beta"), py::arg("n_threads"), "y ← alpha·op(a)·x + beta·y.");
    m.def(
        "sq_dist_argmin",
        [](const py::array& X, const py::array& C, int n_threads) {
            return dispatch_float(X, [&](auto tag) { return argmin<decltype(tag)>(X, C, n_threads); });
        },
        py::arg("X"), py::arg("C"), py::arg("n_threads"),
        "(labels, squared distances) of the nearest row of C for every row of X.");
    m.def(
        "centred_scatter",
        [](const py::array& X, const py::object& Y, const py::object& sw, bool centre,
           int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return centred_scatter_t<decltype(tag)>(X, Y, sw, centre, n_threads);
            });
        },
        py::arg("X"), py::arg("Y"), py::arg("sample_weight"), py::arg("centre"),
        py::arg("n_threads"),
        "(mean of [X | Y], S = centred weighted [X | Y] scatter restricted to X's rows, "
        "d × (d + k)); Y and sample_weight may be None.");
}
