// _core.naive_bayes: the naive Bayes kernels (cpp/src/naive_bayes/): per-class moments and sums
// (dense and CSR), Gaussian joint log-likelihoods, CSR linear scores, log-normalisation, argmax.
// Dense linear scores X·Wᵀ + b are _core.linalg.affine.
#include "common.hpp"
#include "scratchlearn/naive_bayes.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using iarray = carray<std::int64_t>;

iarray class_index(const iarray& cls, index_t n) {
    check_ndim(cls, 1, "class indices");
    if (cls.shape(0) != n) throw std::invalid_argument("naive_bayes: class indices and X differ in length");
    return cls;
}

// Shape checks of a CSR matrix (the core checks indptr's order and the column indices).
template <class T>
void check_csr(const carray<T>& data, const iarray& indices, const iarray& indptr, index_t n, index_t d) {
    check_ndim(data, 1, "data");
    check_ndim(indices, 1, "indices");
    check_ndim(indptr, 1, "indptr");
    if (n < 0 || d < 0) throw std::invalid_argument("naive_bayes: negative CSR shape");
    if (indptr.shape(0) != n + 1) throw std::invalid_argument("naive_bayes: indptr must have n_rows + 1 entries");
    if (indices.shape(0) != data.shape(0)) throw std::invalid_argument("naive_bayes: indices and data differ in length");
    const std::int64_t last = indptr.data()[n];
    if (last < 0 || last > data.shape(0)) throw std::invalid_argument("naive_bayes: indptr[-1] out of range");
}

template <class T>
py::tuple class_moments(const typed<T>& x_in, const iarray& cls_in, index_t n_classes,
                        const py::object& sw_in, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    const iarray cls = class_index(cls_in, n);
    carray<T> swh;
    const T* pw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    if (n_classes < 1) throw std::invalid_argument("naive_bayes: n_classes must be >= 1");
    py::array_t<double> wsum(n_classes);
    py::array_t<T> mean({n_classes, d}), var({n_classes, d});
    const T* px = X.data();
    const std::int64_t* pc = cls.data();
    double* pws = wsum.mutable_data();
    T *pm = mean.mutable_data(), *pv = var.mutable_data();
    {
        py::gil_scoped_release release;
        nb_class_moments<T>(px, n, d, pc, n_classes, pw, pws, pm, pv, n_threads);
    }
    return py::make_tuple(wsum, mean, var);
}

template <class T>
py::array class_sums(const typed<T>& x_in, const iarray& cls_in, index_t n_classes,
                     const py::object& sw_in, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    const iarray cls = class_index(cls_in, n);
    carray<T> swh;
    const T* pw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    if (n_classes < 1) throw std::invalid_argument("naive_bayes: n_classes must be >= 1");
    py::array_t<double> out({n_classes, d});
    const T* px = X.data();
    const std::int64_t* pc = cls.data();
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_class_sums_dense<T>(px, n, d, pc, n_classes, pw, po, n_threads);
    }
    return out;
}

template <class T>
py::array class_sums_csr(const typed<T>& data_in, const iarray& indices, const iarray& indptr,
                         index_t n, index_t d, const iarray& cls_in, index_t n_classes,
                         const py::object& sw_in, int n_threads) {
    carray<T> data = c_order(data_in, 1, "data");
    check_csr<T>(data, indices, indptr, n, d);
    const iarray cls = class_index(cls_in, n);
    carray<T> swh;
    const T* pw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    if (n_classes < 1) throw std::invalid_argument("naive_bayes: n_classes must be >= 1");
    py::array_t<double> out({n_classes, d});
    const T* pd = data.data();
    const std::int64_t *pi = indices.data(), *pp = indptr.data(), *pc = cls.data();
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_class_sums_csr<T>(pd, pi, pp, n, d, pc, n_classes, pw, po, n_threads);
    }
    return out;
}

template <class T>
py::array gaussian_jll(const typed<T>& x_in, const carray<T>& theta, const carray<T>& var,
                       const carray<T>& prior_in, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    check_ndim(theta, 2, "theta");
    check_ndim(var, 2, "var");
    const index_t n = X.shape(0), d = X.shape(1), C = theta.shape(0);
    if (theta.shape(1) != d || var.shape(0) != C || var.shape(1) != d)
        throw std::invalid_argument("naive_bayes: theta/var shapes do not match X");
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    carray<T> prior = as_vector<T>(prior_in, C, "log_prior");
    py::array_t<T> out({n, C});
    const T *px = X.data(), *pt = theta.data(), *pv = var.data(), *pp = prior.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_gaussian_jll<T>(px, n, d, pt, pv, pp, C, po, n_threads);
    }
    return out;
}

template <class T>
py::array linear_csr(const typed<T>& data_in, const iarray& indices, const iarray& indptr, index_t n,
                     index_t d, const carray<T>& W, const carray<T>& b_in, int n_threads) {
    carray<T> data = c_order(data_in, 1, "data");
    check_csr<T>(data, indices, indptr, n, d);
    check_ndim(W, 2, "W");
    const index_t C = W.shape(0);
    if (W.shape(1) != d) throw std::invalid_argument("naive_bayes: W and X differ in feature count");
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    carray<T> b = as_vector<T>(b_in, C, "bias");
    py::array_t<T> out({n, C});
    const T *pd = data.data(), *pw = W.data(), *pb = b.data();
    const std::int64_t *pi = indices.data(), *pp = indptr.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_linear_csr<T>(pd, pi, pp, n, d, pw, pb, C, po, n_threads);
    }
    return out;
}

template <class T>
py::tuple log_normalize(const typed<T>& a_in, int n_threads) {
    carray<T> A = c_order(a_in, 2, "scores");
    const index_t n = A.shape(0), C = A.shape(1);
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    py::array_t<T> out = copy_of(A);
    py::array_t<T> lse(n);
    T *po = out.mutable_data(), *pl = lse.mutable_data();
    {
        py::gil_scoped_release release;
        nb_log_normalize<T>(po, n, C, pl, n_threads);
    }
    return py::make_tuple(out, lse);
}

template <class T>
py::array row_argmax(const typed<T>& a_in, int n_threads) {
    carray<T> A = c_order(a_in, 2, "scores");
    const index_t n = A.shape(0), C = A.shape(1);
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    py::array_t<std::int64_t> out(n);
    const T* pa = A.data();
    std::int64_t* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_row_argmax<T>(pa, n, C, po, n_threads);
    }
    return out;
}

}  // namespace

void register_naive_bayes(py::module_& m) {
    auto f = family_module(m, "naive_bayes", "Naive Bayes kernels (cpp/src/naive_bayes/).");
    def_float(f, "class_moments", &class_moments<float>, &class_moments<double>,
              "Per-class (weight sums, means, variances) of the rows of X.",
              py::arg("X").noconvert(), py::arg("cls"), py::arg("n_classes"),
              py::arg("sample_weight"), py::arg("n_threads"));
    def_float(f, "class_sums", &class_sums<float>, &class_sums<double>,
              "Per-class weighted sums of the rows of dense X (float64).", py::arg("X").noconvert(),
              py::arg("cls"), py::arg("n_classes"), py::arg("sample_weight"), py::arg("n_threads"));
    def_float(f, "class_sums_csr", &class_sums_csr<float>, &class_sums_csr<double>,
              "Per-class weighted sums of the rows of a CSR matrix (float64).",
              py::arg("data").noconvert(), py::arg("indices"), py::arg("indptr"), py::arg("n_rows"),
              py::arg("n_cols"), py::arg("cls"), py::arg("n_classes"), py::arg("sample_weight"),
              py::arg("n_threads"));
    def_float(f, "gaussian_jll", &gaussian_jll<float>, &gaussian_jll<double>,
              "Gaussian naive Bayes joint log-likelihood (n × n_classes).", py::arg("X").noconvert(),
              py::arg("theta"), py::arg("var"), py::arg("log_prior"), py::arg("n_threads"));
    def_float(f, "linear_csr", &linear_csr<float>, &linear_csr<double>, "X · Wᵀ + b for a CSR X.",
              py::arg("data").noconvert(), py::arg("indices"), py::arg("indptr"), py::arg("n_rows"),
              py::arg("n_cols"), py::arg("W"), py::arg("b"), py::arg("n_threads"));
    def_float(f, "log_normalize", &log_normalize<float>, &log_normalize<double>,
              "(scores − logsumexp(scores, axis=1), logsumexp) computed stably.",
              py::arg("scores").noconvert(), py::arg("n_threads"));
    def_float(f, "row_argmax", &row_argmax<float>, &row_argmax<double>,
              "Row-wise argmax (first maximum; NaN wins as in numpy).", py::arg("scores").noconvert(),
              py::arg("n_threads"));
}
