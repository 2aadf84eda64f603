// Bindings for nearest-neighbour search: brute force, kd-tree and ball tree (k nearest, radius).
#include "common.hpp"
#include "scratchlearn/neighbors.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
void check_queries(const carray<T>& X, const carray<T>& Q) {
    check_ndim(X, 2, "X");
    check_ndim(Q, 2, "queries");
    if (X.shape(1) != Q.shape(1))
        throw std::invalid_argument("queries and training data differ in feature count");
}

template <class T>
py::tuple knn(carray<T> X, carray<T> Q, index_t k, Metric metric, double p, int n_threads) {
    check_queries(X, Q);
    const index_t n = X.shape(0), nq = Q.shape(0), d = X.shape(1);
    if (k < 1 || k > n) throw std::invalid_argument("kneighbors: k must be in [1, n_train]");
    py::array_t<T> dist({nq, k});
    py::array_t<std::int64_t> ind({nq, k});
    const T* px = X.data();
    const T* pq = Q.data();
    T* pd = dist.mutable_data();
    std::int64_t* pi = ind.mutable_data();
    {
        py::gil_scoped_release release;
        knn_search<T>(px, n, pq, nq, d, k, metric, p, pd, pi, n_threads);
    }
    return py::make_tuple(dist, ind);
}

// (indptr, indices, distances) as numpy arrays.
template <class T>
py::tuple radius_arrays(const RadiusNeighbors<T>& r) {
    py::array_t<std::int64_t> indptr(static_cast<py::ssize_t>(r.indptr.size()), r.indptr.data());
    py::array_t<std::int64_t> indices(static_cast<py::ssize_t>(r.indices.size()), r.indices.data());
    py::array_t<T> dist(static_cast<py::ssize_t>(r.distances.size()), r.distances.data());
    return py::make_tuple(indptr, indices, dist);
}

template <class T>
py::tuple radius(carray<T> X, carray<T> Q, double radius, Metric metric, double p,
                 bool sort_results, int n_threads) {
    check_queries(X, Q);
    RadiusNeighbors<T> out;
    {
        py::gil_scoped_release release;
        radius_search<T>(X.data(), X.shape(0), Q.data(), Q.shape(0), X.shape(1), radius, metric,
                         p, sort_results, out, n_threads);
    }
    return radius_arrays(out);
}

template <class T>
py::tuple build(carray<T> X, TreeKind kind, index_t leaf_size, Metric metric, double p) {
    check_ndim(X, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    const index_t n_nodes = tree_node_count(n, leaf_size);
    py::array_t<std::int64_t> perm(n);
    py::array_t<std::int64_t> node_range({n_nodes, index_t(2)});
    py::array_t<double> node_geom({n_nodes, tree_geom_width(kind, d)});
    std::int64_t* pp = perm.mutable_data();
    std::int64_t* pr = node_range.mutable_data();
    double* pg = node_geom.mutable_data();
    const T* px = X.data();
    {
        py::gil_scoped_release release;
        tree_build<T>(kind, px, n, d, leaf_size, metric, p, pp, pr, pg);
    }
    return py::make_tuple(perm, node_range, node_geom);
}

// The tree passed back from Python, its arrays' shapes checked.
template <class T>
TreeView<T> view(const carray<T>& data, const carray<std::int64_t>& perm,
                 const carray<std::int64_t>& node_range, const carray<double>& node_geom,
                 TreeKind kind) {
    check_ndim(data, 2, "data");
    const index_t d = data.shape(0), n = data.shape(1);  // feature by feature
    check_ndim(perm, 1, "perm");
    check_ndim(node_range, 2, "node_range");
    check_ndim(node_geom, 2, "node_geom");
    if (perm.shape(0) != n) throw std::invalid_argument("perm must have one entry per tree row");
    if (node_range.shape(1) != 2 || node_geom.shape(0) != node_range.shape(0) ||
        node_geom.shape(1) != tree_geom_width(kind, d))
        throw std::invalid_argument("node_range / node_geom do not match the tree's layout");
    return TreeView<T>{kind, data.data(), perm.data(), n, d, node_range.data(), node_geom.data(),
                       node_range.shape(0)};
}

template <class T>
py::tuple t_knn(carray<T> data, carray<std::int64_t> perm, carray<std::int64_t> node_range,
                carray<double> node_geom, TreeKind kind, carray<T> Q, index_t k, Metric metric,
                double p, int n_threads) {
    const TreeView<T> t = view(data, perm, node_range, node_geom, kind);
    check_ndim(Q, 2, "queries");
    if (Q.shape(1) != t.d) throw std::invalid_argument("queries and training data differ in feature count");
    const index_t nq = Q.shape(0);
    if (k < 1 || k > t.n) throw std::invalid_argument("kneighbors: k must be in [1, n_train]");
    py::array_t<T> dist({nq, k});
    py::array_t<std::int64_t> ind({nq, k});
    T* pd = dist.mutable_data();
    std::int64_t* pi = ind.mutable_data();
    const T* pq = Q.data();
    {
        py::gil_scoped_release release;
        tree_knn<T>(t, pq, nq, k, metric, p, pd, pi, n_threads);
    }
    return py::make_tuple(dist, ind);
}

template <class T>
py::tuple t_radius(carray<T> data, carray<std::int64_t> perm, carray<std::int64_t> node_range,
                   carray<double> node_geom, TreeKind kind, carray<T> Q, double radius,
                   Metric metric, double p, bool sort_results, int n_threads) {
    const TreeView<T> t = view(data, perm, node_range, node_geom, kind);
    check_ndim(Q, 2, "queries");
    if (Q.shape(1) != t.d) throw std::invalid_argument("queries and training data differ in feature count");
    RadiusNeighbors<T> out;
    {
        py::gil_scoped_release release;
        tree_radius<T>(t, Q.data(), Q.shape(0), radius, metric, p, sort_results, out, n_threads);
    }
    return radius_arrays(out);
}

py::array_t<double> vote(const carray<std::int64_t>& ind_in, const carray<std::int64_t>& labels_in,
                         index_t n_classes, const py::object& w_in, int n_threads) {
    carray<std::int64_t> ind = as_array<std::int64_t>(ind_in, 2, "ind");
    carray<std::int64_t> labels = as_array<std::int64_t>(labels_in, 1, "labels");
    const index_t nq = ind.shape(0), k = ind.shape(1);
    carray<double> w;
    if (!w_in.is_none()) {
        w = as_array<double>(w_in, 2, "weights");
        if (w.shape(0) != nq || w.shape(1) != k)
            throw std::invalid_argument("knn_vote: weights must have the shape of ind");
    }
    const double* pw = w_in.is_none() ? nullptr : w.data();
    if (n_classes < 1) throw std::invalid_argument("knn_vote: n_classes must be >= 1");
    py::array_t<double> totals({nq, n_classes});
    const std::int64_t* pi = ind.data();
    const std::int64_t* pl = labels.data();
    double* pt = totals.mutable_data();
    const index_t n_train = labels.shape(0);
    {
        py::gil_scoped_release release;
        knn_vote(pi, nq, k, pl, n_train, n_classes, pw, pt, n_threads);
    }
    return totals;
}

}  // namespace

void register_neighbors(py::module_& m) {
    auto f = family_module(m, "neighbors", "Nearest-neighbour search: brute force, kd-tree, ball tree.");
    py::enum_<Metric>(f, "Metric", "Distances the core computes.")
        .value("euclidean", Metric::Euclidean)
        .value("sqeuclidean", Metric::SqEuclidean)
        .value("manhattan", Metric::Manhattan)
        .value("chebyshev", Metric::Chebyshev)
        .value("minkowski", Metric::Minkowski)
        .value("cosine", Metric::Cosine);
    py::enum_<TreeKind>(f, "TreeKind", "The two space-partitioning trees.")
        .value("kd_tree", TreeKind::KDTree)
        .value("ball_tree", TreeKind::BallTree);
    f.def("vote", &vote, py::arg("ind"), py::arg("labels"), py::arg("n_classes"), py::arg("weights"),
          py::arg("n_threads"),
          "The neighbours' vote totals per class (n_queries × n_classes), weights None or n_queries × k.");
    f.def("tree_supports", &tree_supports, py::arg("metric"), py::arg("p"),
          "Whether the trees can search with this metric (minkowski family, p >= 1).");

    def_float(f, "knn_search", &knn<float>, &knn<double>,
              "k nearest rows of X for every row of Q by brute force: (distances, indices), "
              "ascending, ties by index.",
              py::arg("X").noconvert(), py::arg("Q"), py::arg("k"), py::arg("metric"), py::arg("p"),
              py::arg("n_threads"));
    def_float(f, "radius_search", &radius<float>, &radius<double>,
              "Rows of X within `radius` of each row of Q by brute force: (indptr, indices, "
              "distances), each row sorted by (distance, index) if sort_results else by index.",
              py::arg("X").noconvert(), py::arg("Q"), py::arg("radius"), py::arg("metric"),
              py::arg("p"), py::arg("sort_results"), py::arg("n_threads"));
    def_float(f, "tree_build", &build<float>, &build<double>,
              "Build a kd-tree or ball tree over X: (perm, node_range, node_geom).",
              py::arg("X").noconvert(), py::arg("kind"), py::arg("leaf_size"), py::arg("metric"),
              py::arg("p"));
    def_float(f, "tree_knn", &t_knn<float>, &t_knn<double>,
              "k nearest neighbours from a built tree (data = X[perm].T, feature by feature): (distances, indices).",
              py::arg("data").noconvert(), py::arg("perm"), py::arg("node_range"),
              py::arg("node_geom"), py::arg("kind"), py::arg("Q"), py::arg("k"), py::arg("metric"),
              py::arg("p"), py::arg("n_threads"));
    def_float(f, "tree_radius", &t_radius<float>, &t_radius<double>,
              "Radius neighbours from a built tree: (indptr, indices, distances).",
              py::arg("data").noconvert(), py::arg("perm"), py::arg("node_range"),
              py::arg("node_geom"), py::arg("kind"), py::arg("Q"), py::arg("radius"),
              py::arg("metric"), py::arg("p"), py::arg("sort_results"), py::arg("n_threads"));
}
