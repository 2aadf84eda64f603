// Bindings for k-means (cpp/src/kmeans/kmeans.cpp): full Lloyd/Elkan runs, the assignment step,
// distances to centres, and the squared distances k-means++ seeding needs.
#include <cstdint>
#include <string>

#include "common.hpp"
#include "scratchlearn/kmeans.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
py::tuple fit(const py::array& x_in, const py::array& w_in, const py::array& c_in,
              const std::string& algorithm, int max_iter, double tol, int n_threads) {
    auto X = as_array<T>(x_in, 2, "X");
    auto W = as_array<T>(w_in, 1, "sample_weight");
    auto C0 = as_array<T>(c_in, 2, "init");
    const index_t n = X.shape(0), d = X.shape(1), k = C0.shape(0);
    if (W.shape(0) != n) throw std::invalid_argument("kmeans: sample_weight length differs from n_samples");
    if (C0.shape(1) != d) throw std::invalid_argument("kmeans: initial centres have the wrong number of features");
    if (algorithm != "lloyd" && algorithm != "elkan")
        throw std::invalid_argument("kmeans: algorithm must be 'lloyd' or 'elkan'");
    py::array_t<T> centers({k, d});
    py::array_t<std::int32_t> labels(n);
    std::copy(C0.data(), C0.data() + k * d, centers.mutable_data());
    const T* px = X.data();
    const T* pw = W.data();
    T* pc = centers.mutable_data();
    std::int32_t* pl = labels.mutable_data();
    KMeansRun run;
    {
        py::gil_scoped_release release;
        if (algorithm == "elkan")
            run = kmeans_elkan<T>(px, n, d, pw, pc, k, max_iter, tol, pl, n_threads);
        else
            run = kmeans_lloyd<T>(px, n, d, pw, pc, k, max_iter, tol, pl, n_threads);
    }
    return py::make_tuple(centers, labels, run.inertia, run.n_iter, run.strict);
}

template <class T>
py::tuple assign(const py::array& x_in, const py::array& w_in, const py::array& c_in,
                 bool with_sums, int n_threads) {
    auto X = as_array<T>(x_in, 2, "X");
    auto W = as_array<T>(w_in, 1, "sample_weight");
    auto C = as_array<T>(c_in, 2, "centers");
    const index_t n = X.shape(0), d = X.shape(1), k = C.shape(0);
    if (W.shape(0) != n) throw std::invalid_argument("kmeans: sample_weight length differs from n_samples");
    if (C.shape(1) != d) throw std::invalid_argument("kmeans: centres have the wrong number of features");
    if (k < 1) throw std::invalid_argument("kmeans: at least one centre is needed");
    py::array_t<std::int32_t> labels(n);
    py::array_t<double> sums({with_sums ? k : index_t(0), d});
    py::array_t<double> weights(with_sums ? k : index_t(0));
    const T* px = X.data();
    const T* pw = W.data();
    const T* pc = C.data();
    std::int32_t* pl = labels.mutable_data();
    double* ps = with_sums ? sums.mutable_data() : nullptr;
    double* pws = with_sums ? weights.mutable_data() : nullptr;
    double inertia;
    {
        py::gil_scoped_release release;
        inertia = kmeans_assign<T>(px, n, d, pw, pc, k, pl, ps, pws, n_threads);
    }
    return py::make_tuple(labels, inertia, sums, weights);
}

template <class T>
py::array transform(const py::array& x_in, const py::array& c_in, int n_threads) {
    auto X = as_array<T>(x_in, 2, "X");
    auto C = as_array<T>(c_in, 2, "centers");
    const index_t n = X.shape(0), d = X.shape(1), k = C.shape(0);
    if (C.shape(1) != d) throw std::invalid_argument("kmeans: centres have the wrong number of features");
    if (k < 1) throw std::invalid_argument("kmeans: at least one centre is needed");
    py::array_t<T> out({n, k});
    const T* px = X.data();
    const T* pc = C.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        kmeans_transform<T>(px, n, d, pc, k, po, n_threads);
    }
    return out;
}

template <class T>
py::array sq_distances(const py::array& x_in, const py::array& xn_in, const py::array& y_in,
                       int n_threads) {
    auto X = as_array<T>(x_in, 2, "X");
    auto XN = as_array<T>(xn_in, 1, "x_sq_norms");
    auto Y = as_array<T>(y_in, 2, "Y");
    const index_t n = X.shape(0), d = X.shape(1), m = Y.shape(0);
    if (XN.shape(0) != n) throw std::invalid_argument("kmeans: x_sq_norms length differs from n_samples");
    if (Y.shape(1) != d) throw std::invalid_argument("kmeans: Y has the wrong number of features");
    py::array_t<T> out({m, n});
    const T* px = X.data();
    const T* pn = XN.data();
    const T* py_ = Y.data();
    T* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        kmeans_sq_distances<T>(px, n, d, pn, py_, m, po, n_threads);
    }
    return out;
}

}  // namespace

void register_cluster(py::module_& m) {
    m.def(
        "kmeans_fit",
        [](const py::array& X, const py::array& w, const py::array& init, const std::string& algorithm,
           int max_iter, double tol, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return fit<decltype(tag)>(X, w, init, algorithm, max_iter, tol, n_threads);
            });
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("init"), py::arg("algorithm"),
        py::arg("max_iter"), py::arg("tol"), py::arg("n_threads"),
        "One k-means run: (centers, labels, inertia, n_iter, strict_convergence).");
    m.def(
        "kmeans_assign",
        [](const py::array& X, const py::array& w, const py::array& centers, bool with_sums,
           int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return assign<decltype(tag)>(X, w, centers, with_sums, n_threads);
            });
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centers"), py::arg("with_sums"),
        py::arg("n_threads"),
        "Nearest centres: (labels, inertia, per-cluster weighted sums, per-cluster weights).");
    m.def(
        "kmeans_transform",
        [](const py::array& X, const py::array& centers, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return transform<decltype(tag)>(X, centers, n_threads);
            });
        },
        py::arg("X"), py::arg("centers"), py::arg("n_threads"),
        "Euclidean distances from every row of X to every centre (n_samples x n_clusters).");
    m.def(
        "kmeans_sq_distances",
        [](const py::array& X, const py::array& x_sq_norms, const py::array& Y, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return sq_distances<decltype(tag)>(X, x_sq_norms, Y, n_threads);
            });
        },
        py::arg("X"), py::arg("x_sq_norms"), py::arg("Y"), py::arg("n_threads"),
        "Squared euclidean distances from every row of Y to every row of X (len(Y) x len(X)).");
}
