// _core.cluster: k-means (cpp/src/cluster/kmeans.cpp): full Lloyd/Elkan runs, the assignment step,
// distances to centres, and the squared distances k-means++ seeding needs.
#include <cstdint>

#include "common.hpp"
#include "scratchlearn/cluster.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
py::tuple fit(const typed<T>& x_in, const carray<T>& W, const carray<T>& C0,
              const py::object& algorithm_in, int max_iter, double tol, int n_threads) {
    auto X = c_order(x_in, 2, "X");
    check_ndim(W, 1, "sample_weight");
    check_ndim(C0, 2, "init");
    const index_t n = X.shape(0), d = X.shape(1), k = C0.shape(0);
    if (W.shape(0) != n) throw std::invalid_argument("kmeans: sample_weight length differs from n_samples");
    if (C0.shape(1) != d) throw std::invalid_argument("kmeans: initial centres have the wrong number of features");
    const auto algorithm = enum_arg<KMeansAlgorithm>(algorithm_in, "algorithm", "kmeans");
    py::array_t<T> centers = copy_of(C0);
    py::array_t<std::int32_t> labels(n);
    const T *px = X.data(), *pw = W.data();
    T* pc = centers.mutable_data();
    std::int32_t* pl = labels.mutable_data();
    KMeansRun run;
    {
        CoreCall release;
        run = algorithm == KMeansAlgorithm::Elkan
                  ? kmeans_elkan<T>(px, n, d, pw, pc, k, max_iter, tol, pl, n_threads)
                  : kmeans_lloyd<T>(px, n, d, pw, pc, k, max_iter, tol, pl, n_threads,
                                    algorithm == KMeansAlgorithm::Lloyd);
    }
    return py::make_tuple(centers, labels, run.inertia, run.n_iter, run.strict);
}

template <class T>
py::tuple assign(const typed<T>& x_in, const carray<T>& W, const carray<T>& C, bool with_sums,
                 int n_threads) {
    auto X = c_order(x_in, 2, "X");
    check_ndim(W, 1, "sample_weight");
    check_ndim(C, 2, "centers");
    const index_t n = X.shape(0), d = X.shape(1), k = C.shape(0);
    if (W.shape(0) != n) throw std::invalid_argument("kmeans: sample_weight length differs from n_samples");
    if (C.shape(1) != d) throw std::invalid_argument("kmeans: centres have the wrong number of features");
    py::array_t<std::int32_t> labels(n);
    py::array_t<double> sums({with_sums ? k : index_t(0), d});
    py::array_t<double> weights(with_sums ? k : index_t(0));
    const T *px = X.data(), *pw = W.data(), *pc = C.data();
    std::int32_t* pl = labels.mutable_data();
    double* ps = with_sums ? sums.mutable_data() : nullptr;
    double* pws = with_sums ? weights.mutable_data() : nullptr;
    double inertia;
    {
        CoreCall release;
        inertia = kmeans_assign<T>(px, n, d, pw, pc, k, pl, ps, pws, n_threads);
    }
    return py::make_tuple(labels, inertia, sums, weights);
}

// X − its column means into `out` (X itself to centre in place): returns (the means, whether
// out was written: with only_if_offset, only when the means are far from the origin).
template <class T>
py::tuple center(const typed<T>& x_in, py::array_t<T>& out, bool only_if_offset, int n_threads) {
    auto X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    if (out.ndim() != 2 || out.shape(0) != n || out.shape(1) != d || !out.writeable() ||
        !(out.flags() & py::array::c_style))
        throw std::invalid_argument("kmeans: out must be a writeable C-contiguous array shaped like X");
    if (out.data() != X.data() && !(out.data() + n * d <= X.data() || X.data() + n * d <= out.data()))
        throw std::invalid_argument("kmeans: out overlaps X without being X");
    py::array_t<T> mean(d);
    const T* px = X.data();
    T* po = out.mutable_data();
    T* pm = mean.mutable_data();
    bool written;
    {
        CoreCall release;
        written = kmeans_center<T>(px, n, d, po, pm, only_if_offset, n_threads);
    }
    return py::make_tuple(mean, written);
}

template <class T>
py::array transform(const typed<T>& x_in, const carray<T>& C, int n_threads) {
    auto X = c_order(x_in, 2, "X");
    check_ndim(C, 2, "centers");
    const index_t n = X.shape(0), d = X.shape(1), k = C.shape(0);
    if (C.shape(1) != d) throw std::invalid_argument("kmeans: centres have the wrong number of features");
    py::array_t<T> out({n, k});
    const T *px = X.data(), *pc = C.data();
    T* po = out.mutable_data();
    {
        CoreCall release;
        kmeans_transform<T>(px, n, d, pc, k, po, n_threads);
    }
    return out;
}

template <class T>
py::array sq_distances(const typed<T>& x_in, const carray<T>& XN, const carray<T>& Y, int n_threads) {
    auto X = c_order(x_in, 2, "X");
    check_ndim(XN, 1, "x_sq_norms");
    check_ndim(Y, 2, "Y");
    const index_t n = X.shape(0), d = X.shape(1), m = Y.shape(0);
    if (XN.shape(0) != n) throw std::invalid_argument("kmeans: x_sq_norms length differs from n_samples");
    if (Y.shape(1) != d) throw std::invalid_argument("kmeans: Y has the wrong number of features");
    py::array_t<T> out({m, n});
    const T *px = X.data(), *pn = XN.data(), *py_ = Y.data();
    T* po = out.mutable_data();
    {
        CoreCall release;
        kmeans_sq_distances<T>(px, n, d, pn, py_, m, po, n_threads);
    }
    return out;
}

template <class T>
py::array plusplus(const typed<T>& x_in, const carray<T>& XN, const carray<T>& W, index_t k,
                   index_t first, const carray<double>& draws, int n_threads) {
    auto X = c_order(x_in, 2, "X");
    check_ndim(XN, 1, "x_squared_norms");
    check_ndim(W, 1, "sample_weight");
    check_ndim(draws, 2, "draws");
    const index_t n = X.shape(0), d = X.shape(1), t = draws.shape(1);
    if (XN.shape(0) != n) throw std::invalid_argument("kmeans_plusplus: x_squared_norms length differs from n_samples");
    if (W.shape(0) != n) throw std::invalid_argument("kmeans_plusplus: sample_weight length differs from n_samples");
    if (k < 1 || draws.shape(0) != k - 1) throw std::invalid_argument("kmeans_plusplus: draws must be (n_clusters - 1) x n_local_trials");
    py::array_t<std::int64_t> indices(k);
    const T *px = X.data(), *pn = XN.data(), *pw = W.data();
    const double* pd = draws.data();
    std::int64_t* pi = indices.mutable_data();
    {
        py::gil_scoped_release release;
        kmeans_plusplus<T>(px, n, d, pn, pw, k, first, pd, t, pi, n_threads);
    }
    return indices;
}

}  // namespace

void register_cluster(py::module_& m) {
    auto f = family_module(m, "cluster", "k-means (cpp/src/cluster/).");
    def_enum<KMeansAlgorithm>(f, "KMeansAlgorithm", "The iteration of a k-means run.",
                              {{"lloyd", KMeansAlgorithm::Lloyd}, {"elkan", KMeansAlgorithm::Elkan},
                               {"lloyd_full", KMeansAlgorithm::LloydFull}});
    def_float(f, "kmeans_fit", &fit<float>, &fit<double>,
              "One k-means run: (centers, labels, inertia, n_iter, strict_convergence).",
              py::arg("X").noconvert(), py::arg("sample_weight"), py::arg("init"),
              py::arg("algorithm"), py::arg("max_iter"), py::arg("tol"), py::arg("n_threads"));
    def_float(f, "kmeans_assign", &assign<float>, &assign<double>,
              "Nearest centres: (labels, inertia, per-cluster weighted sums, per-cluster weights).",
              py::arg("X").noconvert(), py::arg("sample_weight"), py::arg("centers"),
              py::arg("with_sums"), py::arg("n_threads"));
    def_float(f, "kmeans_center", &center<float>, &center<double>,
              "out = X minus its column means (out may be X): (the means, whether out was written; "
              "with only_if_offset, only when |mean|^2 exceeds the rows' mean |x - mean|^2).",
              py::arg("X").noconvert(), py::arg("out").noconvert(), py::arg("only_if_offset"),
              py::arg("n_threads"));
    def_float(f, "kmeans_transform", &transform<float>, &transform<double>,
              "Euclidean distances from every row of X to every centre (n_samples x n_clusters).",
              py::arg("X").noconvert(), py::arg("centers"), py::arg("n_threads"));
    def_float(f, "kmeans_sq_distances", &sq_distances<float>, &sq_distances<double>,
              "Squared euclidean distances from every row of Y to every row of X (len(Y) x len(X)).",
              py::arg("X").noconvert(), py::arg("x_sq_norms"), py::arg("Y"), py::arg("n_threads"));
    def_float(f, "kmeans_plusplus", &plusplus<float>, &plusplus<double>,
              "Greedy k-means++ seeding from the first centre and the uniform draws: the indices.",
              py::arg("X").noconvert(), py::arg("x_squared_norms"), py::arg("sample_weight"),
              py::arg("n_clusters"), py::arg("first"), py::arg("draws"), py::arg("n_threads"));
}
