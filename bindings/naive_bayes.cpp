// Bindings for the naive Bayes kernels (cpp/src/naive_bayes/).
#include <string>

#include "common.hpp"
#include "scratchlearn/naive_bayes.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using iarray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

iarray class_index(const py::array& cls_in, index_t n) {
    iarray cls = as_array<std::int64_t>(cls_in, 1, "class indices");
    if (cls.shape(0) != n)
        throw std::invalid_argument("naive_bayes: class indices and X differ in length");
    return cls;
}

struct Csr {
    iarray indices, indptr;
    index_t n, d;
};

template <class T>
Csr check_csr(const carray<T>& data, const py::array& indices_in, const py::array& indptr_in,
              index_t n, index_t d) {
    Csr s{iarray::ensure(indices_in), iarray::ensure(indptr_in), n, d};
    if (!s.indices || !s.indptr) throw std::invalid_argument("naive_bayes: CSR arrays could not be converted");
    check_ndim(s.indices, 1, "indices");
    check_ndim(s.indptr, 1, "indptr");
    if (n < 0 || d < 0) throw std::invalid_argument("naive_bayes: negative CSR shape");
    if (s.indptr.shape(0) != n + 1) throw std::invalid_argument("naive_bayes: indptr must have n_rows + 1 entries");
    if (s.indices.shape(0) != data.shape(0)) throw std::invalid_argument("naive_bayes: indices and data differ in length");
    const std::int64_t last = s.indptr.data()[n];
    if (last < 0 || last > data.shape(0)) throw std::invalid_argument("naive_bayes: indptr[-1] out of range");
    return s;
}

template <class T>
py::tuple class_moments(const py::array& x_in, const py::array& cls_in, index_t n_classes,
                        const py::object& sw_in, int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    iarray cls = class_index(cls_in, n);
    carray<T> swh;
    const T* pw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    if (n_classes < 1) throw std::invalid_argument("naive_bayes: n_classes must be >= 1");
    py::array_t<double> wsum(n_classes);
    py::array_t<T> mean({n_classes, d}), var({n_classes, d});
    const T* px = X.data();
    const std::int64_t* pc = cls.data();
    double* pws = wsum.mutable_data();
    T* pm = mean.mutable_data();
    T* pv = var.mutable_data();
    {
        py::gil_scoped_release release;
        nb_class_moments<T>(px, n, d, pc, n_classes, pw, pws, pm, pv, n_threads);
    }
    return py::make_tuple(wsum, mean, var);
}

template <class T>
py::array class_sums(const py::array& x_in, const py::array& cls_in, index_t n_classes,
                     const py::object& sw_in, int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    iarray cls = class_index(cls_in, n);
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
py::array class_sums_csr(const py::array& data_in, const py::array& indices, const py::array& indptr,
                         index_t n, index_t d, const py::array& cls_in, index_t n_classes,
                         const py::object& sw_in, int n_threads) {
    carray<T> data = as_array<T>(data_in, 1, "data");
    Csr s = check_csr<T>(data, indices, indptr, n, d);
    iarray cls = class_index(cls_in, n);
    carray<T> swh;
    const T* pw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    if (n_classes < 1) throw std::invalid_argument("naive_bayes: n_classes must be >= 1");
    py::array_t<double> out({n_classes, d});
    const T* pd = data.data();
    const std::int64_t* pi = s.indices.data();
    const std::int64_t* pp = s.indptr.data();
    const std::int64_t* pc = cls.data();
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_class_sums_csr<T>(pd, pi, pp, n, d, pc, n_classes, pw, po, n_threads);
    }
    return out;
}

template <class T>
py::array gaussian_jll(const py::array& x_in, const py::array& theta_in, const py::array& var_in,
                       const py::array& prior_in, int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    carray<T> theta = as_array<T>(theta_in, 2, "theta");
    carray<T> var = as_array<T>(var_in, 2, "var");
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
py::array linear_dense(const py::array& x_in, const py::array& w_in, const py::array& b_in,
                       int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    carray<T> W = as_array<T>(w_in, 2, "W");
    const index_t n = X.shape(0), d = X.shape(1), C = W.shape(0);
    if (W.shape(1) != d) throw std::invalid_argument("naive_bayes: W and X differ in feature count");
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    carray<T> b = as_vector<T>(b_in, C, "bias");
    py::array_t<T> out({n, C});
    const T *px = X.data(), *pw = W.data(), *pb = b.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_linear_dense<T>(px, n, d, pw, pb, C, po, n_threads);
    }
    return out;
}

template <class T>
py::array linear_csr(const py::array& data_in, const py::array& indices, const py::array& indptr,
                     index_t n, index_t d, const py::array& w_in, const py::array& b_in,
                     int n_threads) {
    carray<T> data = as_array<T>(data_in, 1, "data");
    Csr s = check_csr<T>(data, indices, indptr, n, d);
    carray<T> W = as_array<T>(w_in, 2, "W");
    const index_t C = W.shape(0);
    if (W.shape(1) != d) throw std::invalid_argument("naive_bayes: W and X differ in feature count");
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    carray<T> b = as_vector<T>(b_in, C, "bias");
    py::array_t<T> out({n, C});
    const T *pd = data.data(), *pw = W.data(), *pb = b.data();
    const std::int64_t* pi = s.indices.data();
    const std::int64_t* pp = s.indptr.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        nb_linear_csr<T>(pd, pi, pp, n, d, pw, pb, C, po, n_threads);
    }
    return out;
}

template <class T>
py::tuple log_normalize(const py::array& a_in, int n_threads) {
    carray<T> A = as_array<T>(a_in, 2, "scores");
    const index_t n = A.shape(0), C = A.shape(1);
    if (C < 1) throw std::invalid_argument("naive_bayes: at least one class is needed");
    py::array_t<T> out = copy_of(A);
    py::array_t<T> lse(n);
    T* po = out.mutable_data();
    T* pl = lse.mutable_data();
    {
        py::gil_scoped_release release;
        nb_log_normalize<T>(po, n, C, pl, n_threads);
    }
    return py::make_tuple(out, lse);
}

template <class T>
py::array row_argmax(const py::array& a_in, int n_threads) {
    carray<T> A = as_array<T>(a_in, 2, "scores");
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
    m.def(
        "nb_class_moments",
        [](const py::array& X, const py::array& cls, index_t n_classes, const py::object& sw,
           int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return class_moments<decltype(tag)>(X, cls, n_classes, sw, n_threads);
            });
        },
        py::arg("X"), py::arg("cls"), py::arg("n_classes"), py::arg("sample_weight"),
        py::arg("n_threads"), "Per-class (weight sums, means, variances) of the rows of X.");
    m.def(
        "nb_class_sums",
        [](const py::array& X, const py::array& cls, index_t n_classes, const py::object& sw,
           int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return class_sums<decltype(tag)>(X, cls, n_classes, sw, n_threads);
            });
        },
        py::arg("X"), py::arg("cls"), py::arg("n_classes"), py::arg("sample_weight"),
        py::arg("n_threads"), "Per-class weighted sums of the rows of dense X (float64).");
    m.def(
        "nb_class_sums_csr",
        [](const py::array& data, const py::array& indices, const py::array& indptr, index_t n,
           index_t d, const py::array& cls, index_t n_classes, const py::object& sw, int n_threads) {
            return dispatch_float(data, [&](auto tag) {
                return class_sums_csr<decltype(tag)>(data, indices, indptr, n, d, cls, n_classes, sw,
                                                     n_threads);
            });
        },
        py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("n_rows"),
        py::arg("n_cols"), py::arg("cls"), py::arg("n_classes"), py::arg("sample_weight"),
        py::arg("n_threads"), "Per-class weighted sums of the rows of a CSR matrix (float64).");
    m.def(
        "nb_gaussian_jll",
        [](const py::array& X, const py::array& theta, const py::array& var,
           const py::array& log_prior, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return gaussian_jll<decltype(tag)>(X, theta, var, log_prior, n_threads);
            });
        },
        py::arg("X"), py::arg("theta"), py::arg("var"), py::arg("log_prior"), py::arg("n_threads"),
        "Gaussian naive Bayes joint log-likelihood (n × n_classes).");
    m.def(
        "nb_linear",
        [](const py::array& X, const py::array& W, const py::array& b, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return linear_dense<decltype(tag)>(X, W, b, n_threads);
            });
        },
        py::arg("X"), py::arg("W"), py::arg("b"), py::arg("n_threads"), "X · Wᵀ + b (dense X).");
    m.def(
        "nb_linear_csr",
        [](const py::array& data, const py::array& indices, const py::array& indptr, index_t n,
           index_t d, const py::array& W, const py::array& b, int n_threads) {
            return dispatch_float(data, [&](auto tag) {
                return linear_csr<decltype(tag)>(data, indices, indptr, n, d, W, b, n_threads);
            });
        },
        py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("n_rows"),
        py::arg("n_cols"), py::arg("W"), py::arg("b"), py::arg("n_threads"),
        "X · Wᵀ + b for a CSR X.");
    m.def(
        "nb_log_normalize",
        [](const py::array& A, int n_threads) {
            return dispatch_float(A, [&](auto tag) {
                return log_normalize<decltype(tag)>(A, n_threads);
            });
        },
        py::arg("scores"), py::arg("n_threads"),
        "(scores − logsumexp(scores, axis=1), logsumexp) computed stably.");
    m.def(
        "nb_row_argmax",
        [](const py::array& A, int n_threads) {
            return dispatch_float(A, [&](auto tag) { return row_argmax<decltype(tag)>(A, n_threads); });
        },
        py::arg("scores"), py::arg("n_threads"), "Row-wise argmax (first maximum; NaN wins as in numpy).");
}
