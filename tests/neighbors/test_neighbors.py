"""k-nearest neighbours against scikit-learn's brute force."""

import pickle
import threading
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn.exceptions import NotFittedError
from scratchlearn.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

import sklearn.neighbors as sk_neighbors  # noqa: E402  (a test dependency: missing is an error, not a skip)
import sklearn.datasets as datasets  # noqa: E402  (a test dependency: missing is an error, not a skip)

METRICS = [
    ("euclidean", {}),
    ("sqeuclidean", {}),
    ("manhattan", {}),
    ("chebyshev", {}),
    ("cosine", {}),
    ("minkowski", {"p": 3}),
    ("minkowski", {"p": 1.5}),
    ("minkowski", {"p": 2}),
    ("minkowski", {"p": 1}),
]
DTYPES = [np.float64, np.float32]
RTOL = {np.float64: 1e-6, np.float32: 1e-4}


def exact_dist(a, b, metric, p):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    diff = np.abs(a - b)
    if metric == "euclidean" or (metric == "minkowski" and p == 2):
        return np.sqrt((diff**2).sum())
    if metric == "sqeuclidean":
        return (diff**2).sum()
    if metric == "manhattan" or (metric == "minkowski" and p == 1):
        return diff.sum()
    if metric == "chebyshev":
        return diff.max()
    if metric == "cosine":
        na, nb = np.linalg.norm(a), np.linalg.norm(b)
        na, nb = (na or 1.0), (nb or 1.0)
        return max(0.0, 1 - a @ b / (na * nb))
    return (diff**p).sum() ** (1 / p)


def assert_same_neighbors(ours, theirs, X, Q, metric, p, rtol, atol=1e-12):
    """Distances agree; indices agree except where the distances tie."""
    d1, i1 = ours
    d2, i2 = theirs
    assert d1.shape == d2.shape and i1.shape == i2.shape
    assert_allclose(d1, d2, rtol=rtol, atol=atol)
    rows, cols = np.nonzero(i1 != i2)
    for r, c in zip(rows, cols):
        # Our neighbour is at the same distance as scikit-learn's: a tie.
        mine = exact_dist(Q[r], X[i1[r, c]], metric, p)
        assert mine == pytest.approx(d2[r, c], rel=rtol, abs=atol), (r, c)


def sk_nn(**kw):
    return sk_neighbors.NearestNeighbors(algorithm="brute", **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric,kw", METRICS)
def test_kneighbors_random_matches_sklearn(metric, kw, dtype):
    rng = np.random.RandomState(42)
    X = rng.randn(300, 7).astype(dtype)
    Q = rng.randn(57, 7).astype(dtype)
    ours = NearestNeighbors(n_neighbors=6, metric=metric, **kw).fit(X).kneighbors(Q)
    theirs = sk_nn(n_neighbors=6, metric=metric, **kw).fit(X).kneighbors(Q)
    assert ours[0].dtype == dtype
    assert ours[1].dtype == np.int64
    assert_same_neighbors(ours, theirs, X, Q, metric, kw.get("p", 2), RTOL[dtype])
    # Random data has no ties: the indices are exactly scikit-learn's.
    assert_array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric,kw", METRICS)
@pytest.mark.parametrize("loader", ["iris", "digits"])
def test_kneighbors_real_data_matches_sklearn(loader, metric, kw, dtype):
    X = getattr(datasets, f"load_{loader}")().data.astype(dtype)
    Q = X[::7]
    ours = NearestNeighbors(n_neighbors=5, metric=metric, **kw).fit(X).kneighbors(Q)
    theirs = sk_nn(n_neighbors=5, metric=metric, **kw).fit(X).kneighbors(Q)
    assert_same_neighbors(ours, theirs, X, Q, metric, kw.get("p", 2), RTOL[dtype], atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_kneighbors_without_X_excludes_each_point(dtype):
    rng = np.random.RandomState(1)
    X = rng.randn(120, 4).astype(dtype)
    X[10] = X[11]  # an exact duplicate pair
    ours = NearestNeighbors(n_neighbors=4).fit(X).kneighbors()
    theirs = sk_nn(n_neighbors=4).fit(X).kneighbors()
    assert_same_neighbors(ours, theirs, X, X, "euclidean", 2, RTOL[dtype], atol=1e-6)
    assert not np.any(ours[1] == np.arange(120)[:, None])
    assert ours[1][10, 0] == 11 and ours[1][11, 0] == 10


@pytest.mark.parametrize(
    "n_train,n_features,n_queries,k",
    [(1, 3, 4, 1), (9, 2, 5, 9), (50, 1, 13, 3), (40, 1000, 6, 5), (300, 5, 1, 7), (2000, 3, 3, 50)],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_odd_sizes(n_train, n_features, n_queries, k, dtype):
    rng = np.random.RandomState(n_train + n_features)
    X = rng.rand(n_train, n_features).astype(dtype)
    Q = rng.rand(n_queries, n_features).astype(dtype)
    ours = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(Q)
    theirs = sk_nn(n_neighbors=k).fit(X).kneighbors(Q)
    assert_same_neighbors(ours, theirs, X, Q, "euclidean", 2, RTOL[dtype])


def test_return_distance_false_and_graph():
    import scipy  # noqa: F401  (a test dependency)
    rng = np.random.RandomState(3)
    X = rng.randn(60, 3)
    nn = NearestNeighbors(n_neighbors=3).fit(X)
    ind = nn.kneighbors(X[:5], return_distance=False)
    assert_array_equal(ind, nn.kneighbors(X[:5])[1])
    sk = sk_nn(n_neighbors=3).fit(X)
    for mode in ("connectivity", "distance"):
        g1 = nn.kneighbors_graph(X[:10], mode=mode).toarray()
        g2 = sk.kneighbors_graph(X[:10], mode=mode).toarray()
        assert_allclose(g1, g2, rtol=1e-12, atol=1e-12)
    assert_allclose(nn.kneighbors_graph().toarray(), sk.kneighbors_graph().toarray())
    with pytest.raises(ValueError, match="mode must be"):
        nn.kneighbors_graph(mode="weights")


def jittered(X, seed=0):
    """Real data plus a tiny deterministic jitter: it breaks the exact ties that iris and digits
    are full of (whose order depends on rounding), without changing the data's structure."""
    return X + 1e-3 * np.random.RandomState(seed).rand(*X.shape)


def _weighting(name):
    if name == "callable":
        return lambda d: np.exp(-d)
    return name


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weights", ["uniform", "distance", "callable"])
@pytest.mark.parametrize("metric,kw", METRICS[:6])
def test_classifier_matches_sklearn(weights, metric, kw, dtype):
    data = datasets.load_iris()
    X, y = jittered(data.data).astype(dtype), data.target
    rng = np.random.RandomState(0)
    perm = rng.permutation(len(y))
    tr, te = perm[:100], perm[100:]
    ours = KNeighborsClassifier(n_neighbors=7, weights=_weighting(weights), metric=metric, **kw)
    theirs = sk_neighbors.KNeighborsClassifier(
        n_neighbors=7, weights=_weighting(weights), metric=metric, algorithm="brute", **kw
    )
    ours.fit(X[tr], y[tr])
    # The reference sees the same values in float64: scikit-learn computes some float32 distances
    # (cosine) in float32, whose rounding 1/d weights amplify; ours are exact in double.
    theirs.fit(X[tr].astype(np.float64), y[tr])
    assert_allclose(ours.predict_proba(X[te]), theirs.predict_proba(X[te].astype(np.float64)),
                    rtol=1e-5, atol=1e-6)
    assert_array_equal(ours.predict(X[te]), theirs.predict(X[te]))
    assert ours.score(X[te], y[te]) == pytest.approx(theirs.score(X[te], y[te]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_classifier_digits_and_string_labels(dtype):
    data = datasets.load_digits()
    X = jittered(data.data).astype(dtype)
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
    y = names[data.target]
    ours = KNeighborsClassifier(n_neighbors=3, weights="distance").fit(X[:1200], y[:1200])
    theirs = sk_neighbors.KNeighborsClassifier(n_neighbors=3, weights="distance", algorithm="brute")
    theirs.fit(X[:1200], y[:1200])
    assert_array_equal(ours.classes_, theirs.classes_)
    assert_array_equal(ours.predict(X[1200:]), theirs.predict(X[1200:]))
    assert ours.score(X[1200:], y[1200:]) > 0.95


def test_classifier_multioutput():
    rng = np.random.RandomState(5)
    X = rng.randn(80, 4)
    Y = np.stack([(X[:, 0] > 0).astype(int), np.where(X[:, 1] > 0, "a", "b")], axis=1)
    ours = KNeighborsClassifier(n_neighbors=5).fit(X, Y)
    theirs = sk_neighbors.KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(X, Y)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    for a, b in zip(ours.predict_proba(X[:10]), theirs.predict_proba(X[:10])):
        assert_allclose(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weights", ["uniform", "distance", "callable"])
@pytest.mark.parametrize("multi", [False, True])
def test_regressor_matches_sklearn(weights, multi, dtype):
    data = datasets.load_diabetes()
    X = data.data.astype(dtype)
    y = data.target
    if multi:
        y = np.stack([y, np.sqrt(y), -y], axis=1)
    ours = KNeighborsRegressor(n_neighbors=4, weights=_weighting(weights)).fit(X[:300], y[:300])
    theirs = sk_neighbors.KNeighborsRegressor(n_neighbors=4, weights=_weighting(weights), algorithm="brute")
    theirs.fit(X[:300], y[:300])
    assert_allclose(ours.predict(X[300:]), theirs.predict(X[300:]), rtol=RTOL[dtype] * 10)
    assert ours.score(X[300:], y[300:]) == pytest.approx(theirs.score(X[300:], y[300:]), rel=1e-4)


def test_distance_weights_with_exact_match():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 10.0, 20.0, 30.0])
    reg = KNeighborsRegressor(n_neighbors=2, weights="distance").fit(X, y)
    assert_allclose(reg.predict([[1.0]]), [10.0])  # exact match takes all the weight
    assert_allclose(reg.predict([[1.5]]), [15.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_n_jobs_gives_identical_results(dtype):
    rng = np.random.RandomState(7)
    X = rng.randn(3000, 16).astype(dtype)
    Q = rng.randn(700, 16).astype(dtype)
    for metric in ("euclidean", "manhattan", "cosine"):
        a = NearestNeighbors(n_neighbors=9, metric=metric, n_jobs=1).fit(X).kneighbors(Q)
        b = NearestNeighbors(n_neighbors=9, metric=metric, n_jobs=2).fit(X).kneighbors(Q)
        c = NearestNeighbors(n_neighbors=9, metric=metric, n_jobs=-1).fit(X).kneighbors(Q)
        assert_array_equal(a[0], b[0])
        assert_array_equal(a[1], b[1])
        assert_array_equal(a[1], c[1])


def test_accepts_lists_fortran_strided_and_dataframes():
    import pandas as pd  # noqa: E402  (a test dependency: missing is an error, not a skip)
    rng = np.random.RandomState(2)
    X = rng.randn(50, 6)
    y = (X[:, 0] > 0).astype(int)
    ref = KNeighborsClassifier(n_neighbors=3).fit(X, y).predict_proba(X)
    for variant in (X.tolist(), np.asfortranarray(X), np.repeat(X, 2, axis=1)[:, ::2]):
        assert_allclose(KNeighborsClassifier(n_neighbors=3).fit(variant, y).predict_proba(variant), ref)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    clf = KNeighborsClassifier(n_neighbors=3).fit(df, pd.Series(y))
    assert_array_equal(clf.feature_names_in_, df.columns.to_numpy(dtype=object))
    assert_allclose(clf.predict_proba(df), ref)
    ints = KNeighborsClassifier(n_neighbors=3).fit((X * 10).astype(int), y)
    assert ints._fit_X.dtype == np.float64


def test_pickle_roundtrip():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y = rng.randint(0, 3, 40)
    clf = KNeighborsClassifier(n_neighbors=3, weights="distance").fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))


# ---- rejected input ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "params,match",
    [
        ({"n_neighbors": 0}, "'n_neighbors' parameter of"),
        ({"n_neighbors": 2.5}, "'n_neighbors' parameter of"),
        ({"algorithm": "fastest"}, "'algorithm' parameter of"),
        ({"metric": "hamming"}, "metric 'hamming' is not supported"),
        ({"metric": "minkowski", "p": 0}, "'p' parameter of"),
        ({"metric": "minkowski", "p": -1}, "'p' parameter of"),
        ({"leaf_size": 0}, "'leaf_size' parameter of"),
        ({"n_jobs": 0}, "'n_jobs' parameter of"),
        ({"n_jobs": 1.5}, "'n_jobs' parameter of"),
        ({"metric_params": {"w": 1}}, "metric_params may only hold the key 'p'"),
    ],
)
def test_bad_parameters(params, match):
    X = np.random.RandomState(0).randn(10, 2)
    y = np.arange(10) % 2
    for est in (NearestNeighbors(**params), KNeighborsClassifier(**params), KNeighborsRegressor(**params)):
        with pytest.raises(ValueError, match=match):
            est.fit(X, y)


def test_bad_weights():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="'weights' parameter of KNeighborsClassifier"):
        KNeighborsClassifier(weights="gaussian").fit(X, [0, 1, 0, 1])
    with pytest.raises(ValueError, match="weights callable returned shape"):
        KNeighborsRegressor(n_neighbors=2, weights=lambda d: d[:, :1]).fit(X, [0.0, 1, 2, 3]).predict(X)


def test_too_many_neighbors():
    X = np.random.RandomState(0).randn(5, 2)
    nn = NearestNeighbors(n_neighbors=6).fit(X)
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit, but n_neighbors = 6, n_samples_fit = 5"):
        nn.kneighbors(X)
    with pytest.raises(ValueError, match="n_neighbors = 5, n_samples_fit = 5"):
        NearestNeighbors(n_neighbors=5).fit(X).kneighbors()
    with pytest.raises(ValueError, match="n_neighbors must be a positive integer"):
        NearestNeighbors().fit(X).kneighbors(X, n_neighbors=-1)


@pytest.mark.parametrize(
    "X,exc,match",
    [
        ([[1.0, np.nan], [2.0, 3.0]], ValueError, "Input X contains NaN"),
        ([[1.0, np.inf], [2.0, 3.0]], ValueError, "Input X contains infinity"),
        ([["a", "b"], ["c", "d"]], ValueError, "non-numeric"),
        (np.array([[1 + 2j, 3], [4, 5]]), ValueError, "Complex data not supported"),
        ([1.0, 2.0], ValueError, "Expected 2D array, got 1D array"),
        (np.zeros((2, 2, 2)), ValueError, "Found array with dim 3"),
        (np.zeros((0, 3)), ValueError, r"0 sample\(s\)"),
        (np.zeros((2, 0)), ValueError, r"0 feature\(s\)"),
        (np.array([[{"a": 1}, 2.0], [3.0, 4.0]], dtype=object), TypeError, "must contain numbers only"),
    ],
)
def test_bad_data_at_fit(X, exc, match):
    y = np.arange(np.shape(X)[0]) % 2
    with pytest.raises(exc, match=match):
        KNeighborsClassifier(n_neighbors=1).fit(X, y)


def test_bad_targets():
    X = np.random.RandomState(0).randn(6, 2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        KNeighborsClassifier().fit(X, [0, 1])
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        KNeighborsClassifier().fit(X, np.linspace(0, 1, 6))
    with pytest.raises(ValueError, match="requires y to be passed"):
        KNeighborsRegressor().fit(X, None)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        KNeighborsRegressor().fit(X, [0, 1, 2, np.nan, 4, 5])


def test_predict_checks():
    rng = np.random.RandomState(0)
    X = rng.randn(10, 3)
    clf = KNeighborsClassifier(n_neighbors=3).fit(X, np.arange(10) % 2)
    with pytest.raises(ValueError, match="X has 2 features, but KNeighborsClassifier is expecting 3 features"):
        clf.predict(X[:, :2])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.predict([[np.nan, 0, 0]])
    with pytest.raises(NotFittedError, match="not fitted yet"):
        KNeighborsClassifier().predict(X)
    with pytest.raises(NotFittedError):
        NearestNeighbors().kneighbors(X)
    with pytest.raises(TypeError, match="Sparse data was passed"):
        import scipy.sparse as scipy_sparse  # noqa: E402  (a test dependency: missing is an error, not a skip)
        clf.predict(scipy_sparse.csr_matrix(X))


def _counter_progress_during(call):
    """Fraction of its solo speed at which a pure-Python counter thread ran during ``call()``.
    Near 0 if ``call`` held the GIL (only a switch interval of progress at its end)."""
    state = {"run": True, "count": 0}

    def counter():
        while state["run"]:
            state["count"] += 1

    t = threading.Thread(target=counter)
    t.start()
    try:
        c0, t0 = state["count"], time.perf_counter()
        time.sleep(0.2)
        rate = (state["count"] - c0) / (time.perf_counter() - t0)
        c1, t1 = state["count"], time.perf_counter()
        call()
        elapsed = time.perf_counter() - t1
        done = state["count"] - c1
    finally:
        state["run"] = False
        t.join()
    return done / (rate * elapsed)


def test_python_thread_runs_while_kneighbors_computes():
    """Load-independent evidence that the GIL is released: a pure-Python thread keeps counting
    during a long kneighbors call."""
    import re

    rng = np.random.RandomState(0)
    X = rng.randn(4000, 64)
    Q = rng.randn(2000, 64)
    nn = NearestNeighbors(n_neighbors=5, metric="manhattan", n_jobs=1).fit(X)
    # The measure itself tells a GIL-holding call apart (a regular-expression backtrack holds it).
    held = _counter_progress_during(lambda: re.match(r"(a*)*b", "a" * 24))
    released = _counter_progress_during(lambda: nn.kneighbors(Q))
    assert held < 0.1, held
    assert released > 0.25, released


def test_unpickled_float32_arrays_stay_float32():
    # An unpickled array's dtype is equal to, but not the same object as, numpy's float32.
    X = pickle.loads(pickle.dumps(np.random.RandomState(0).rand(30, 3).astype(np.float32)))
    dist, ind = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(X[:4])
    assert dist.dtype == np.float32
    assert_array_equal(ind[:, 0], np.arange(4))


# Not cosine: 1 − cos(θ) for points 1e-9 apart is ~1e-20, below double precision's own resolution
# at 1, so no float64 computation (ours or scikit-learn's) can order such points.
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean"])
def test_float64_neighbours_closer_than_float32_resolution(metric):
    """The product is screened in single precision; neighbours whose distances differ far below
    its resolution must still come back in exact (float64) order."""
    rng = np.random.RandomState(3)
    base = rng.randn(60) * 10
    # 80 points near base: distinct in single precision (values ~10 resolve to ~1e-6), but their
    # distances (~1e-8 .. 1e-6 squared) lie far below the single-precision screening error (~1e-2).
    X = np.vstack([rng.randn(500, 60) * 10,
                   base + 1e-5 * rng.randn(40, 60),
                   base + 1e-4 * rng.randn(40, 60)])
    perm = rng.permutation(len(X))
    X = X[perm]
    Q = np.vstack([base, base + 1e-6 * rng.randn(60)])
    ours = NearestNeighbors(n_neighbors=30, metric=metric).fit(X).kneighbors(Q)
    exact = np.array([[exact_dist(q, x, metric, 2) for x in X] for q in Q])
    order = np.lexsort((np.tile(np.arange(len(X)), (2, 1)), exact))[:, :30]
    assert_array_equal(ours[1], order)
    assert_allclose(ours[0], np.take_along_axis(exact, order, axis=1), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("isa", list(__import__("scratchlearn")._core.cpu_info()["isa_available"]))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
def test_every_kernel_path_gives_the_same_neighbours(isa, dtype, metric):
    """The product and the screening scan run per instruction set (generic, AVX2, ...); the exact
    re-ranking makes the answer the same on every path, bit for bit, and scikit-learn's. Blobs in
    30-d: the distances crowd together, so many values pass the screen; 1037 training points end
    in a partial block and a partial scan word; k = 300 is more than a first block holds."""
    from scratchlearn import _core

    rng = np.random.RandomState(5)
    centers = rng.randn(4, 30) * 2.0
    X = (centers[rng.randint(0, 4, 1037)] + rng.randn(1037, 30) * 3.0).astype(dtype)
    Q = (centers[rng.randint(0, 4, 70)] + rng.randn(70, 30) * 3.0).astype(dtype)
    before = _core.get_isa()
    results = {}
    try:
        for path in ("generic", isa):
            _core.set_isa(path)
            results[path] = [NearestNeighbors(n_neighbors=k, metric=metric, n_jobs=2).fit(X).kneighbors(Q)
                             for k in (1, 7, 300)]
    finally:
        _core.set_isa(before)
    for k, ours, ref in zip((1, 7, 300), results[isa], results["generic"]):
        assert_array_equal(ours[1], ref[1])
        assert_array_equal(ours[0], ref[0])
        theirs = sk_nn(n_neighbors=k, metric=metric).fit(X).kneighbors(Q)
        assert_same_neighbors(ours, theirs, X, Q, metric, 2, RTOL[dtype], atol=1e-6)


@pytest.mark.parametrize("scale", [1e-20, 1e20, 1e30])
@pytest.mark.parametrize("k", [1, 5, 40])
def test_float32_values_beyond_single_precision_squares(scale, k):
    """float32 data whose squares leave single precision's range (they would overflow or underflow
    in a single-precision product) are screened in double, and the neighbours stay exact."""
    rng = np.random.RandomState(11)
    X = (rng.randn(700, 6) * scale).astype(np.float32)
    Q = (rng.randn(25, 6) * scale).astype(np.float32)
    dist, ind = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(Q)
    exact = np.sqrt(((Q.astype(np.float64)[:, None, :] - X.astype(np.float64)[None]) ** 2).sum(-1))
    order = np.argsort(exact, axis=1, kind="stable")[:, :k]
    assert_array_equal(ind, order)
    assert_allclose(dist, np.take_along_axis(exact, order, axis=1).astype(np.float32), rtol=1e-6)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean"])
@pytest.mark.parametrize("k", [1, 5, 8])
def test_float64_close_neighbours_few_k(metric, k):
    """As above with k <= 8, where the first block's limits start from its group minima rather
    than from +inf: that start must carry the same error margin, or close neighbours are lost."""
    rng = np.random.RandomState(3)
    base = rng.randn(60) * 10
    X = np.vstack([rng.randn(500, 60) * 10,
                   base + 1e-5 * rng.randn(40, 60),
                   base + 1e-4 * rng.randn(40, 60)])
    X = X[rng.permutation(len(X))]
    Q = np.vstack([base, base + 1e-6 * rng.randn(60)])
    ours = NearestNeighbors(n_neighbors=k, metric=metric).fit(X).kneighbors(Q)
    exact = np.array([[exact_dist(q, x, metric, 2) for x in X] for q in Q])
    order = np.lexsort((np.tile(np.arange(len(X)), (2, 1)), exact))[:, :k]
    assert_array_equal(ours[1], order)
    assert_allclose(ours[0], np.take_along_axis(exact, order, axis=1), rtol=1e-12, atol=1e-300)
