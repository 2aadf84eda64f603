// Bindings for brute-force k-nearest neighbours.
#include "common.hpp"
#include "scratchlearn/neighbors.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
py::tuple knn(const py::array& x_in, const py::array& q_in, index_t k, int metric, double p,
              int n_threads) {
    carray<T> X = carray<T>::ensure(x_in);
    carray<T> Q = carray<T>::ensure(q_in);
    if (!X || !Q) throw std::invalid_argument("kneighbors: inputs could not be converted");
    check_ndim(X, 2, "X");
    check_ndim(Q, 2, "queries");
    if (X.shape(1) != Q.shape(1))
        throw std::invalid_argument("kneighbors: queries and training data differ in feature count");
    if (metric < 0 || metric > static_cast<int>(Metric::Cosine))
        throw std::invalid_argument("kneighbors: unknown metric code");
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
        knn_search<T>(px, n, pq, nq, d, k, static_cast<Metric>(metric), p, pd, pi, n_threads);
    }
    return py::make_tuple(dist, ind);
}

}  // namespace

void register_neighbors(py::module_& m) {
    m.def(
        "knn_search",
        [](const py::array& X, const py::array& Q, index_t k, int metric, double p, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return knn<decltype(tag)>(X, Q, k, metric, p, n_threads);
            });
        },
        py::arg("X"), py::arg("Q"), py::arg("k"), py::arg("metric"), py::arg("p"),
        py::arg("n_threads"),
        "k nearest rows of X for every row of Q: (distances, indices), ascending, ties by index.");
}
