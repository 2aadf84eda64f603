"""kd-tree and ball tree, radius queries, precomputed and callable metrics, against brute force
and scikit-learn."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn.neighbors import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestNeighbors,
    RadiusNeighborsClassifier,
    RadiusNeighborsRegressor,
)

import sklearn.neighbors as sk_neighbors  # noqa: E402  (a test dependency: missing is an error, not a skip)
import sklearn.datasets as datasets  # noqa: E402  (a test dependency: missing is an error, not a skip)

DTYPES = [np.float64, np.float32]
RTOL = {np.float64: 1e-6, np.float32: 1e-4}
ALGORITHMS = ["brute", "kd_tree", "ball_tree"]
TREE_METRICS = [("euclidean", {}), ("manhattan", {}), ("chebyshev", {}), ("minkowski", {"p": 3}),
                ("minkowski", {"p": 1.5})]


def exact(Q, X, metric, p):
    diff = np.abs(Q.astype(np.float64)[:, None, :] - X.astype(np.float64)[None])
    if metric == "euclidean":
        return np.sqrt((diff ** 2).sum(-1))
    if metric == "manhattan":
        return diff.sum(-1)
    if metric == "chebyshev":
        return diff.max(-1)
    return ((diff ** p).sum(-1)) ** (1 / p)


def lex_knn(D, k):
    """k smallest per row by (distance, index)."""
    order = np.lexsort((np.broadcast_to(np.arange(D.shape[1]), D.shape), D), axis=1)[:, :k]
    return np.take_along_axis(D, order, axis=1), order


def all_algorithms(X, Q, k, **kw):
    return {a: NearestNeighbors(n_neighbors=k, algorithm=a, **kw).fit(X).kneighbors(Q)
            for a in ALGORITHMS}


# ---- k nearest: trees equal brute force ------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric,kw", TREE_METRICS)
@pytest.mark.parametrize("d,leaf_size,k", [(2, 1, 1), (3, 5, 7), (6, 30, 5), (10, 12, 17)])
def test_trees_equal_brute_and_sklearn(metric, kw, dtype, d, leaf_size, k):
    rng = np.random.RandomState(d + k)
    X = rng.randn(600, d).astype(dtype)
    Q = rng.randn(83, d).astype(dtype)
    res = {a: NearestNeighbors(n_neighbors=k, algorithm=a, leaf_size=leaf_size, metric=metric, **kw)
           .fit(X).kneighbors(Q) for a in ALGORITHMS}
    for a in ("kd_tree", "ball_tree"):
        assert res[a][0].dtype == dtype and res[a][1].dtype == np.int64
        assert_array_equal(res[a][1], res["brute"][1])
        assert_array_equal(res[a][0], res["brute"][0])
    theirs = sk_neighbors.NearestNeighbors(n_neighbors=k, algorithm="kd_tree", metric=metric, **kw) \
        .fit(X).kneighbors(Q)
    assert_allclose(res["kd_tree"][0], theirs[0], rtol=RTOL[dtype], atol=1e-6)
    assert_array_equal(res["kd_tree"][1], theirs[1])
    # And the exact answer, computed here in double.
    dist, ind = lex_knn(exact(Q, X, metric, kw.get("p", 2)), k)
    assert_array_equal(res["kd_tree"][1], ind)
    assert_allclose(res["kd_tree"][0], dist.astype(dtype), rtol=1e-12 if dtype == np.float64 else 1e-6)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
def test_trees_order_ties_by_index_as_brute_force(metric):
    """Integer grid points: distances tie everywhere; every algorithm orders ties by index."""
    rng = np.random.RandomState(0)
    X = rng.randint(0, 4, size=(400, 3)).astype(np.float64)  # many exact duplicates too
    Q = rng.randint(0, 4, size=(50, 3)).astype(np.float64)
    res = all_algorithms(X, Q, 12, metric=metric, leaf_size=4)
    dist, ind = lex_knn(exact(Q, X, metric, 2), 12)
    for a in ALGORITHMS:
        assert_array_equal(res[a][1], ind, err_msg=a)
        assert_array_equal(res[a][0], dist, err_msg=a)


@pytest.mark.parametrize("n", [1, 2, 3, 31, 64, 65])
@pytest.mark.parametrize("leaf_size", [1, 2, 30])
def test_tree_small_and_odd_sizes(n, leaf_size):
    rng = np.random.RandomState(n)
    X = rng.randn(n, 4)
    Q = rng.randn(9, 4)
    k = min(n, 3)
    res = all_algorithms(X, Q, k, leaf_size=leaf_size)
    for a in ("kd_tree", "ball_tree"):
        assert_array_equal(res[a][1], res["brute"][1])
        assert_array_equal(res[a][0], res["brute"][0])


def test_tree_leaf_size_is_honoured():
    X = np.random.RandomState(0).randn(1000, 3)
    for leaf_size in (1, 7, 40, 2000):
        for alg in ("kd_tree", "ball_tree"):
            nn = NearestNeighbors(algorithm=alg, leaf_size=leaf_size).fit(X)
            sk = sk_neighbors.NearestNeighbors(algorithm=alg, leaf_size=leaf_size).fit(X)
            n_nodes = nn._tree_node_range.shape[0]
            assert n_nodes == sk._tree.get_arrays()[2].shape[0]  # scikit-learn's layout
            leaves = nn._tree_node_range[n_nodes // 2:]
            sizes = leaves[:, 1] - leaves[:, 0]
            assert sizes.sum() == 1000
            if leaf_size <= 1000:
                assert sizes.min() >= min(leaf_size, 1000) and sizes.max() <= 2 * leaf_size
            assert sorted(nn._tree_perm) == list(range(1000))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loader,features", [("load_iris", None), ("load_breast_cancer", slice(0, 8)),
                                             ("load_digits", slice(20, 30))])
def test_trees_real_data_match_sklearn(loader, features, dtype):
    X, y = getattr(datasets, loader)(return_X_y=True)
    if features is not None:
        X = X[:, features]
    X = X.astype(dtype)
    Q, X = X[::5], X[np.arange(len(X)) % 5 != 0]
    brute = NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X).kneighbors(Q)
    theirs = sk_neighbors.NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X).kneighbors(Q)
    D = exact(Q, X, "euclidean", 2)
    for alg in ALGORITHMS:
        ours = NearestNeighbors(n_neighbors=6, algorithm=alg).fit(X).kneighbors(Q)
        # Every algorithm: brute force's answer, bit for bit (real data has ties: duplicated rows,
        # integer pixels, ordered by index).
        assert_array_equal(ours[1], brute[1])
        assert_array_equal(ours[0], brute[0])
        assert_allclose(ours[0], theirs[0], rtol=RTOL[dtype], atol=1e-5)
        # Where scikit-learn's index differs, the two points are at the same distance (a tie).
        rows, cols = np.nonzero(ours[1] != theirs[1])
        assert_allclose(D[rows, ours[1][rows, cols]], D[rows, theirs[1][rows, cols]], rtol=1e-6)


def test_trees_kneighbors_without_X_and_classifier():
    X, y = datasets.load_iris(return_X_y=True)
    # Jittered: iris has exact ties at the k-th distance, which scikit-learn's trees break in
    # their own walk order (ours by index); the votes are compared where no tie decides them.
    X = X + np.random.RandomState(0).randn(*X.shape) * 1e-3
    for alg in ("kd_tree", "ball_tree"):
        ours = NearestNeighbors(n_neighbors=4, algorithm=alg).fit(X).kneighbors()
        ref = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(X).kneighbors()
        assert_array_equal(ours[1], ref[1])
        for weights in ("uniform", "distance"):
            ours = KNeighborsClassifier(5, algorithm=alg, weights=weights).fit(X, y).predict_proba(X)
            theirs = sk_neighbors.KNeighborsClassifier(5, algorithm=alg, weights=weights).fit(X, y) \
                .predict_proba(X)
            assert_allclose(ours, theirs)
            ours = KNeighborsRegressor(5, algorithm=alg, weights=weights).fit(X, y * 1.5).predict(X)
            theirs = sk_neighbors.KNeighborsRegressor(5, algorithm=alg, weights=weights) \
                .fit(X, y * 1.5).predict(X)
            assert_allclose(ours, theirs)


@pytest.mark.parametrize(
    "kwargs,n,d",
    [
        ({}, 200, 5), ({}, 200, 15), ({}, 200, 16), ({"n_neighbors": 100}, 200, 5),
        ({"n_neighbors": 99}, 200, 5), ({"metric": "cosine"}, 200, 5),
        ({"metric": "sqeuclidean"}, 200, 5), ({"metric": "chebyshev"}, 200, 5),
        ({"metric": "minkowski", "p": 0.5}, 200, 5), ({"metric": "minkowski", "p": 3}, 200, 5),
        ({"metric": "l1"}, 200, 5), ({"algorithm": "ball_tree"}, 200, 40),
        ({"algorithm": "kd_tree", "metric": "manhattan"}, 200, 40), ({"algorithm": "brute"}, 200, 2),
    ],
)
def test_auto_chooses_as_sklearn(kwargs, n, d):
    X = np.random.RandomState(0).randn(n, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sk_neighbors.NearestNeighbors(**kwargs).fit(X)._fit_method
    assert NearestNeighbors(**kwargs).fit(X)._fit_method == theirs


def test_auto_radius_estimators_use_trees():
    X = np.random.RandomState(0).randn(50, 3)
    y = np.arange(50) % 2
    assert RadiusNeighborsClassifier().fit(X, y)._fit_method == "kd_tree"
    assert RadiusNeighborsRegressor(metric="cosine").fit(X, y)._fit_method == "brute"
    assert NearestNeighbors(metric="precomputed").fit(np.abs(X[:, :1] - X[:, 0]))._fit_method == "brute"


@pytest.mark.parametrize("dtype", DTYPES)
def test_n_jobs_gives_identical_tree_results(dtype):
    rng = np.random.RandomState(1)
    X = rng.randn(3000, 4).astype(dtype)
    Q = rng.randn(700, 4).astype(dtype)
    for alg in ALGORITHMS:
        one = NearestNeighbors(n_neighbors=9, algorithm=alg, n_jobs=1, radius=0.4).fit(X)
        two = NearestNeighbors(n_neighbors=9, algorithm=alg, n_jobs=2, radius=0.4).fit(X)
        for a, b in zip(one.kneighbors(Q), two.kneighbors(Q)):
            assert_array_equal(a, b)
        for a, b in zip(one.radius_neighbors(Q), two.radius_neighbors(Q)):
            for ra, rb in zip(a, b):
                assert_array_equal(ra, rb)


def test_tree_pickle_roundtrip():
    rng = np.random.RandomState(2)
    X, y = rng.randn(300, 3), rng.randint(0, 3, 300)
    for alg in ("kd_tree", "ball_tree"):
        clf = KNeighborsClassifier(algorithm=alg).fit(X, y)
        clf2 = pickle.loads(pickle.dumps(clf))
        assert_array_equal(clf2.predict(X), clf.predict(X))
        rad = RadiusNeighborsRegressor(radius=0.8, algorithm=alg).fit(X, y * 1.0)
        assert_array_equal(pickle.loads(pickle.dumps(rad)).predict(X[:20]), rad.predict(X[:20]))


def test_mixed_query_dtype_against_tree():
    rng = np.random.RandomState(3)
    X = rng.randn(500, 3).astype(np.float32)
    Q = rng.randn(20, 3)
    for alg in ALGORITHMS:
        d, i = NearestNeighbors(n_neighbors=3, algorithm=alg).fit(X).kneighbors(Q)
        # Queries are computed in the model's precision.
        assert d.dtype == np.float32
        assert_array_equal(i, lex_knn(exact(Q.astype(np.float32), X, "euclidean", 2), 3)[1])


# ---- radius queries -----------------------------------------------------------------------------

def _flat(res):
    """(row, index, distance) of object-array radius results, each row's entries in order."""
    d, i = res
    assert d.dtype == object and i.dtype == object
    rows = np.repeat(np.arange(len(i)), [len(r) for r in i])
    return rows, np.concatenate(list(i)), np.concatenate(list(d)).astype(np.float64)


def assert_radius_equal(ours, theirs, rtol, sort):
    """Same neighbours per row (in the same order when sorted by distance), same distances."""
    r1, i1, d1 = _flat(ours)
    r2, i2, d2 = _flat(theirs)
    assert len(ours[1]) == len(theirs[1])
    if sort:
        assert_allclose(d1, d2, rtol=rtol, atol=1e-6)
    o1, o2 = np.lexsort((i1, r1)), np.lexsort((i2, r2))
    assert_array_equal(r1[o1], r2[o2])
    assert_array_equal(i1[o1], i2[o2])
    assert_allclose(d1[o1], d2[o2], rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("metric,kw,radius", [("euclidean", {}, 0.9), ("manhattan", {}, 1.4),
                                              ("chebyshev", {}, 0.5), ("minkowski", {"p": 3}, 0.8)])
def test_radius_neighbors_match_sklearn(algorithm, metric, kw, radius, dtype):
    rng = np.random.RandomState(4)
    X = rng.randn(400, 4).astype(dtype)
    Q = rng.randn(60, 4).astype(dtype)
    nn = NearestNeighbors(radius=radius, algorithm=algorithm, metric=metric, **kw).fit(X)
    sk = sk_neighbors.NearestNeighbors(radius=radius, algorithm="brute", metric=metric, **kw).fit(X)
    for sort in (False, True):
        ours = nn.radius_neighbors(Q, sort_results=sort)
        assert ours[0][0].dtype == dtype and ours[1][0].dtype == np.int64
        assert_radius_equal(ours, sk.radius_neighbors(Q, sort_results=sort), RTOL[dtype], sort)
        rows, ind, dist = _flat(ours)
        same_row = rows[1:] == rows[:-1]
        if sort:  # by (distance, index) within each row
            assert np.all((dist[1:] > dist[:-1]) | ((dist[1:] == dist[:-1]) & (ind[1:] > ind[:-1]))
                          | ~same_row)
        else:  # by index
            assert np.all((ind[1:] > ind[:-1]) | ~same_row)
    # X=None: each training point without itself.
    assert_radius_equal(nn.radius_neighbors(radius=radius / 2),
                        sk.radius_neighbors(radius=radius / 2), RTOL[dtype], False)
    ind = nn.radius_neighbors(Q, return_distance=False)
    assert ind.dtype == object and len(ind) == len(Q)
    assert_array_equal(np.concatenate(list(ind)), _flat(ours)[1][np.lexsort((_flat(ours)[1], _flat(ours)[0]))])


@pytest.mark.parametrize("metric", ["sqeuclidean", "cosine"])
def test_radius_brute_only_metrics(metric):
    rng = np.random.RandomState(5)
    X, Q = rng.randn(400, 6), rng.randn(30, 6)
    ours = NearestNeighbors(radius=0.3 if metric == "cosine" else 6.0, metric=metric).fit(X)
    theirs = sk_neighbors.NearestNeighbors(radius=ours.radius, metric=metric).fit(X)
    assert_radius_equal(ours.radius_neighbors(Q, sort_results=True),
                        theirs.radius_neighbors(Q, sort_results=True), 1e-6, True)


def test_radius_all_algorithms_identical_and_real_data():
    X, _ = datasets.load_digits(return_X_y=True)
    X = X[:, 26:32]
    res = {a: NearestNeighbors(radius=6.0, algorithm=a).fit(X[200:]).radius_neighbors(X[:200], sort_results=True)
           for a in ALGORITHMS}
    theirs = sk_neighbors.NearestNeighbors(radius=6.0).fit(X[200:]).radius_neighbors(X[:200])
    for a in ALGORITHMS:
        for r in range(200):
            assert_array_equal(res[a][1][r], res["brute"][1][r])
            assert_array_equal(res[a][0][r], res["brute"][0][r])
            assert_array_equal(np.sort(res[a][1][r]), np.sort(theirs[1][r]))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_radius_neighbors_graph_matches_sklearn(algorithm):
    rng = np.random.RandomState(6)
    X, Q = rng.randn(300, 3), rng.randn(40, 3)
    nn = NearestNeighbors(radius=0.7, algorithm=algorithm).fit(X)
    sk = sk_neighbors.NearestNeighbors(radius=0.7).fit(X)
    for mode in ("connectivity", "distance"):
        g, h = nn.radius_neighbors_graph(Q, mode=mode), sk.radius_neighbors_graph(Q, mode=mode)
        assert g.format == "csr" and g.shape == (40, 300)
        assert_allclose(g.toarray(), h.toarray(), rtol=1e-12)
        assert_allclose(nn.radius_neighbors_graph(mode=mode).toarray(),
                        sk.radius_neighbors_graph(mode=mode).toarray(), rtol=1e-12)
    g = nn.radius_neighbors_graph(Q, radius=0.3, mode="distance", sort_results=True)
    for r in range(40):
        row = g.data[g.indptr[r]:g.indptr[r + 1]]
        assert np.all(np.diff(row) >= 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("weights", ["uniform", "distance", lambda d: d ** 2 + 1.0])
def test_radius_classifier_matches_sklearn(algorithm, weights, dtype):
    X, y = datasets.load_iris(return_X_y=True)
    X = X.astype(dtype)
    rng = np.random.RandomState(7)
    Q = (X[rng.randint(0, 150, 60)] + rng.randn(60, 4) * 0.5).astype(dtype)
    for label in ("most_frequent", 2, 7):
        ours = RadiusNeighborsClassifier(radius=0.6, algorithm=algorithm, weights=weights,
                                         outlier_label=label).fit(X, y)
        theirs = sk_neighbors.RadiusNeighborsClassifier(radius=0.6, weights=weights,
                                                        outlier_label=label).fit(X, y)
        with warnings.catch_warnings(record=True) as w1:
            warnings.simplefilter("always")
            p1 = ours.predict_proba(Q)
        with warnings.catch_warnings(record=True) as w2:
            warnings.simplefilter("always")
            p2 = theirs.predict_proba(Q)
        assert_allclose(p1, p2, rtol=1e-5, atol=1e-7)
        assert len(w1) == len(w2)
        assert_array_equal(ours.predict(Q), theirs.predict(Q))
        assert ours.outlier_label_ == theirs.outlier_label_
    # Without an outlier label a query with no neighbour is an error.
    ours = RadiusNeighborsClassifier(radius=0.6, algorithm=algorithm).fit(X, y)
    with pytest.raises(ValueError, match="No neighbors found for test samples"):
        ours.predict(Q)
    assert_array_equal(ours.predict(X), sk_neighbors.RadiusNeighborsClassifier(radius=0.6).fit(X, y).predict(X))


def test_radius_classifier_multioutput_and_strings():
    rng = np.random.RandomState(8)
    X = rng.randn(200, 3)
    Y = np.stack([rng.randint(0, 3, 200), rng.randint(0, 2, 200)], axis=1)
    Q = rng.randn(50, 3) * 1.5
    ours = RadiusNeighborsClassifier(radius=0.5, outlier_label=[0, 1]).fit(X, Y)
    theirs = sk_neighbors.RadiusNeighborsClassifier(radius=0.5, outlier_label=[0, 1]).fit(X, Y)
    assert_array_equal(ours.predict(Q), theirs.predict(Q))
    for a, b in zip(ours.predict_proba(Q), theirs.predict_proba(Q)):
        assert_allclose(a, b)
    ys = np.array(["a", "b", "c"])[Y[:, 0]]
    ours = RadiusNeighborsClassifier(radius=0.5, outlier_label="most_frequent").fit(X, ys)
    theirs = sk_neighbors.RadiusNeighborsClassifier(radius=0.5, outlier_label="most_frequent").fit(X, ys)
    assert_array_equal(ours.predict(Q), theirs.predict(Q))


def test_radius_classifier_bad_outlier_labels():
    X, y = np.random.RandomState(0).randn(20, 2), np.arange(20) % 2
    with pytest.raises(ValueError, match="The length of outlier_label"):
        RadiusNeighborsClassifier(outlier_label=[0, 1]).fit(X, y)
    with pytest.raises(TypeError, match="is inconsistent with classes"):
        RadiusNeighborsClassifier(outlier_label="x").fit(X, y)
    with pytest.raises(TypeError, match="is supposed to be a scalar"):
        RadiusNeighborsClassifier(outlier_label=[[1, 2]]).fit(X, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("weights", ["uniform", "distance", lambda d: 1.0 / (d + 1.0)])
def test_radius_regressor_matches_sklearn(algorithm, weights, dtype):
    X, y = datasets.load_diabetes(return_X_y=True)
    X = (X[:, :4] * 10).astype(dtype)
    Y = np.stack([y, y ** 0.5], axis=1)
    Q = X[:100] + np.random.RandomState(9).randn(100, 4).astype(dtype) * 0.3
    for target in (y, Y):
        ours = RadiusNeighborsRegressor(radius=0.8, algorithm=algorithm, weights=weights).fit(X[100:], target[100:])
        theirs = sk_neighbors.RadiusNeighborsRegressor(radius=0.8, weights=weights).fit(X[100:], target[100:])
        with warnings.catch_warnings(record=True) as w1:
            warnings.simplefilter("always")
            p1 = ours.predict(Q)
        with warnings.catch_warnings(record=True) as w2:
            warnings.simplefilter("always")
            p2 = theirs.predict(Q)
        assert np.isnan(p1).any()  # some queries have no neighbour
        assert_allclose(p1, p2, rtol=1e-6 if dtype == np.float64 else 1e-4)
        assert [str(w.message) for w in w1] == [str(w.message) for w in w2]


def test_radius_distance_weights_with_exact_match():
    X = np.array([[0.0], [1.0], [2.0]])
    reg = RadiusNeighborsRegressor(radius=1.5, weights="distance").fit(X, [0.0, 10.0, 20.0])
    # [1.0] is a training point: it takes all the weight; [0.5]: weights 2, 2, 2/3.
    assert_allclose(reg.predict([[1.0], [0.5]]), [10.0, (20 + 20 / 1.5) / (4 + 2 / 3)])


# ---- precomputed and callable metrics -------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_precomputed_matches_sklearn(dtype):
    rng = np.random.RandomState(10)
    X, Q = rng.randn(120, 3), rng.randn(30, 3)
    D = exact(X, X, "euclidean", 2).astype(dtype)
    Dq = exact(Q, X, "euclidean", 2).astype(dtype)
    ours = NearestNeighbors(n_neighbors=4, radius=0.8, metric="precomputed").fit(D)
    theirs = sk_neighbors.NearestNeighbors(n_neighbors=4, radius=0.8, metric="precomputed").fit(D)
    for a, b in zip(ours.kneighbors(Dq), theirs.kneighbors(Dq)):
        assert_allclose(a, b, rtol=RTOL[dtype])
    assert ours.kneighbors(Dq)[0].dtype == dtype
    for a, b in zip(ours.kneighbors(), theirs.kneighbors()):
        assert_allclose(a, b, rtol=RTOL[dtype])
    assert_radius_equal(ours.radius_neighbors(Dq, sort_results=True),
                        theirs.radius_neighbors(Dq, sort_results=True), RTOL[dtype], True)
    assert_radius_equal(ours.radius_neighbors(), theirs.radius_neighbors(), RTOL[dtype], False)
    # Same neighbours as the euclidean search on the points themselves.
    assert_array_equal(ours.kneighbors(Dq)[1],
                       NearestNeighbors(n_neighbors=4).fit(X.astype(dtype)).kneighbors(Q.astype(dtype))[1])
    y = rng.randint(0, 3, 120)
    clf = KNeighborsClassifier(n_neighbors=5, metric="precomputed").fit(D, y)
    skc = sk_neighbors.KNeighborsClassifier(n_neighbors=5, metric="precomputed").fit(D, y)
    assert_allclose(clf.predict_proba(Dq), skc.predict_proba(Dq))
    rad = RadiusNeighborsRegressor(radius=1.0, metric="precomputed").fit(D, y * 1.0)
    skr = sk_neighbors.RadiusNeighborsRegressor(radius=1.0, metric="precomputed").fit(D, y * 1.0)
    assert_allclose(rad.predict(Dq), skr.predict(Dq), rtol=1e-6)


def test_precomputed_bad_shapes_and_values():
    D = np.abs(np.random.RandomState(0).randn(10, 10))
    with pytest.raises(ValueError, match="Precomputed matrix must be square. Input is a 10x5 matrix."):
        NearestNeighbors(metric="precomputed").fit(D[:, :5])
    nn = NearestNeighbors(n_neighbors=2, metric="precomputed").fit(D)
    with pytest.raises(ValueError, match=r"Precomputed metric requires shape \(n_queries, n_indexed\). "
                                         r"Got \(3, 4\) for 10 indexed."):
        nn.kneighbors(D[:3, :4])
    with pytest.raises(ValueError, match="Negative values in data passed to precomputed distance matrix"):
        NearestNeighbors(metric="precomputed").fit(-D)
    with pytest.raises(ValueError, match="Negative values in data passed to precomputed distance matrix"):
        nn.radius_neighbors(-D[:2])
    with pytest.raises(ValueError, match="not valid for algorithm='kd_tree'"):
        NearestNeighbors(metric="precomputed", algorithm="kd_tree").fit(D)


def _weighted_l1(a, b, scale=1.0):
    return scale * float(np.abs(a - b).sum())


@pytest.mark.parametrize("algorithm", ["auto", "brute", "ball_tree"])
def test_callable_metric_matches_sklearn(algorithm):
    rng = np.random.RandomState(11)
    X, Q = rng.randn(60, 3), rng.randn(12, 3)
    y = rng.randint(0, 2, 60)
    kw = dict(metric=_weighted_l1, metric_params={"scale": 2.0}, algorithm=algorithm)
    ours = NearestNeighbors(n_neighbors=5, radius=3.0, **kw).fit(X)
    theirs = sk_neighbors.NearestNeighbors(n_neighbors=5, radius=3.0, **kw).fit(X)
    for a, b in zip(ours.kneighbors(Q), theirs.kneighbors(Q)):
        assert_allclose(a, b)
    assert_radius_equal(ours.radius_neighbors(Q, sort_results=True),
                        theirs.radius_neighbors(Q, sort_results=True), 1e-12, True)
    # Same as the built-in manhattan distance, doubled.
    d, i = NearestNeighbors(n_neighbors=5, metric="manhattan").fit(X).kneighbors(Q)
    assert_array_equal(ours.kneighbors(Q)[1], i)
    assert_allclose(ours.kneighbors(Q)[0], 2 * d)
    clf = KNeighborsClassifier(3, metric=lambda a, b: float(np.abs(a - b).max())).fit(X, y)
    skc = sk_neighbors.KNeighborsClassifier(3, metric=lambda a, b: float(np.abs(a - b).max())).fit(X, y)
    assert_array_equal(clf.predict(Q), skc.predict(Q))


# ---- rejected input ---------------------------------------------------------------------------------

def test_bad_radius_and_algorithm_metric_combinations():
    X = np.random.RandomState(0).randn(30, 3)
    y = np.arange(30) % 2
    for est in (NearestNeighbors(radius=-1.0), RadiusNeighborsClassifier(radius=-0.5),
                RadiusNeighborsRegressor(radius=-2)):
        with pytest.raises(ValueError, match="radius"):
            est.fit(X, y)
    nn = NearestNeighbors().fit(X)
    with pytest.raises(ValueError, match="radius must be a non-negative number, got -1"):
        nn.radius_neighbors(X, radius=-1)
    with pytest.raises(ValueError, match="return_distance must be True if sort_results is True"):
        nn.radius_neighbors(X, return_distance=False, sort_results=True)
    with pytest.raises(ValueError, match="sort_results=True can only be used with mode='distance'"):
        nn.radius_neighbors_graph(X, sort_results=True)
    with pytest.raises(ValueError, match="mode must be 'connectivity' or 'distance'"):
        nn.radius_neighbors_graph(X, mode="weights")
    with pytest.raises(ValueError, match="algorithm"):
        NearestNeighbors(algorithm="octree").fit(X)
    with pytest.raises(ValueError, match="metric"):
        RadiusNeighborsClassifier(metric="hamming").fit(X, y)
    with pytest.raises(ValueError, match="Metric 'cosine' not valid for algorithm='kd_tree'"):
        NearestNeighbors(algorithm="kd_tree", metric="cosine").fit(X)
    with pytest.raises(ValueError, match="Metric 'sqeuclidean' not valid for algorithm='ball_tree'"):
        NearestNeighbors(algorithm="ball_tree", metric="sqeuclidean").fit(X)
    with pytest.raises(ValueError, match='algorithm="ball_tree" does not support 0 < p < 1'):
        NearestNeighbors(algorithm="ball_tree", p=0.5).fit(X)
    with pytest.raises(ValueError, match="kd_tree does not support callable metric"):
        NearestNeighbors(algorithm="kd_tree", metric=_weighted_l1).fit(X)
    with pytest.raises(ValueError, match="'weights' parameter of RadiusNeighborsRegressor"):
        RadiusNeighborsRegressor(weights="gaussian").fit(X, y)


def test_core_rejects_corrupt_trees():
    from scratchlearn import _core

    nb = _core.neighbors
    X = np.random.RandomState(0).randn(100, 3)
    nn = NearestNeighbors(algorithm="kd_tree", leaf_size=5).fit(X)
    args = [nn._tree_data, nn._tree_perm, nn._tree_node_range, nn._tree_node_geom, nb.TreeKind.kd_tree]
    Q = X[:3]
    bad_perm = nn._tree_perm.copy()
    bad_perm[0] = 1000
    with pytest.raises(ValueError, match="corrupt index permutation"):
        nb.tree_knn(args[0], bad_perm, *args[2:], Q, 2, nb.Metric.euclidean, 2.0, 1)
    bad_range = nn._tree_node_range.copy()
    bad_range[1, 1] = 10 ** 9
    with pytest.raises(ValueError, match="corrupt node ranges"):
        nb.tree_radius(args[0], args[1], bad_range, *args[3:], Q, 0.5, nb.Metric.euclidean, 2.0, True, 1)
    with pytest.raises(ValueError, match="do not match the tree's layout"):
        nb.tree_knn(*args[:4], nb.TreeKind.ball_tree, Q, 2, nb.Metric.euclidean, 2.0, 1)
    with pytest.raises(ValueError, match="k must be in"):
        nb.tree_knn(*args, Q, 101, nb.Metric.euclidean, 2.0, 1)
    with pytest.raises(ValueError, match="the trees support"):
        nb.tree_knn(*args, Q, 2, nb.Metric.cosine, 2.0, 1)
    with pytest.raises(ValueError, match="radius must be >= 0"):
        nb.radius_search(X, Q, -1.0, nb.Metric.euclidean, 2.0, False, 1)
    with pytest.raises(ValueError, match="leaf_size must be >= 1"):
        nb.tree_build(X, nb.TreeKind.kd_tree, 0, nb.Metric.euclidean, 2.0)


def test_core_tree_supports_the_minkowski_family():
    # which metrics the trees search with: the minkowski family with p >= 1 (else brute force)
    from scratchlearn import _core

    M = _core.neighbors.Metric
    assert all(_core.neighbors.tree_supports(m, 2.0) for m in (M.euclidean, M.manhattan, M.chebyshev))
    assert _core.neighbors.tree_supports(M.minkowski, 1.0) and _core.neighbors.tree_supports(M.minkowski, 3.5)
    assert not _core.neighbors.tree_supports(M.minkowski, 0.5)
    assert not _core.neighbors.tree_supports(M.cosine, 2.0)
    assert not _core.neighbors.tree_supports(M.sqeuclidean, 2.0)


def test_vote_core_sums_in_neighbour_order_and_checks_its_arguments():
    from scratchlearn import _core

    rng = np.random.RandomState(0)
    ind = rng.randint(0, 50, size=(37, 6)).astype(np.int64)
    labels = rng.randint(0, 4, size=50).astype(np.int64)
    w = rng.rand(37, 6)
    flat = np.repeat(np.arange(37), 6) * 4 + labels[ind].ravel()
    for weights in (None, w):
        expected = np.bincount(flat, weights=None if weights is None else weights.ravel(),
                               minlength=37 * 4).reshape(37, 4)
        for threads in (1, 2):
            assert_array_equal(_core.neighbors.vote(ind, labels, 4, weights, threads), expected)
    bad = ind.copy()
    bad[3, 2] = 50
    with pytest.raises(ValueError, match="neighbour index is out of range"):
        _core.neighbors.vote(bad, labels, 4, None, 2)
    with pytest.raises(ValueError, match="label is out of range"):
        _core.neighbors.vote(ind, np.where(labels == 3, 4, labels), 4, None, 2)
    with pytest.raises(ValueError, match="shape of ind"):
        _core.neighbors.vote(ind, labels, 4, w[:, :5], 2)
