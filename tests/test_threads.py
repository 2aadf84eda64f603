"""Thread-count independence, through the public estimators.

Every family fits and predicts with 1, 2 and 3 threads, and everything it produces (every fitted
attribute, every prediction / transform / neighbour query) is compared bit for bit: the core's
reductions run in a fixed order, so results do not depend on the thread count (../DESIGN.md).

Estimators with ``n_jobs`` get it; the others take all cores (``BaseEstimator._n_threads``,
honouring OpenMP's thread limit), which is set with threadpoolctl (omp_set_num_threads) around fit
and predict; each test first checks that the estimator really sees that many threads, so a limit
that did not reach the core fails rather than passing trivially. Data are sized so the core's
regions start more than one thread (as the core-level thread tests in the family test files do).
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn import datasets
from threadpoolctl import threadpool_limits

from scratchlearn import _core
from scratchlearn.cluster import KMeans, MiniBatchKMeans
from scratchlearn.decomposition import PCA
from scratchlearn.linear_model import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from scratchlearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from scratchlearn.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

THREADS = (1, 2, 3)
OUTPUT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                  "transform", "score_samples", "inverse_transform")


def _blobs(n, d, centers, seed=0, std=3.0):
    X, y = datasets.make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=std,
                               random_state=seed)
    return X, y


def _regression(n, d, n_targets=1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    W = rng.randn(d, n_targets)
    Y = X @ W + 0.3 * rng.randn(n, n_targets)
    return X, (Y.ravel() if n_targets == 1 else Y)


def _counts(n, d, k, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, k, n)
    rates = rng.gamma(1.0, 1.0, (k, d))
    X = rng.poisson(rates[y] * (rng.rand(n, d) < 0.4)).astype(np.float64)
    return X, y


def _fitted_state(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


def _outputs(est, X_query):
    out = {}
    for name in OUTPUT_METHODS:
        if name == "inverse_transform":
            if hasattr(est, "inverse_transform") and "transform" in out:
                out[name] = est.inverse_transform(out["transform"])
        elif hasattr(est, name):
            out[name] = getattr(est, name)(X_query)
    if hasattr(est, "kneighbors"):
        out["kneighbors_dist"], out["kneighbors_ind"] = est.kneighbors(X_query)
    return out


def _run(make, fit, X_query, threads, *, n_jobs):
    """Fit (``fit(est)``) and query one estimator with ``threads`` threads; return all it made."""
    if n_jobs:
        est = make(n_jobs=threads)
        assert est._n_threads() == threads
        fit(est)
        return {**_fitted_state(est), **_outputs(est, X_query)}
    with threadpool_limits(limits=threads, user_api="openmp"):
        est = make()
        assert est._n_threads() == threads == _core.default_threads()
        fit(est)
        return {**_fitted_state(est), **_outputs(est, X_query)}


def _assert_thread_independent(make, fit, X_query, *, n_jobs):
    reference = _run(make, fit, X_query, THREADS[0], n_jobs=n_jobs)
    assert reference, "nothing to compare"
    for threads in THREADS[1:]:
        other = _run(make, fit, X_query, threads, n_jobs=n_jobs)
        assert sorted(other) == sorted(reference)
        for key, value in reference.items():
            assert_array_equal(other[key], value,
                               err_msg=f"{key} differs between 1 and {threads} threads")


def _fit_xy(X, y, **kw):
    return lambda est: est.fit(X, y, **kw)


def _fit_x(X, **kw):
    return lambda est: est.fit(X, **kw)


DTYPES = [np.float64, np.float32]


# ---- estimators with n_jobs ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_kmeans(dtype, algorithm):
    # n·k·d = 3.8M multiply-adds per pass: three threads' worth (cpp/src/kmeans/kmeans.cpp)
    X = _blobs(60000, 8, 8, std=5.0)[0].astype(dtype)
    w = np.random.RandomState(1).rand(len(X))
    make = lambda **kw: KMeans(8, n_init=1, algorithm=algorithm, random_state=0, **kw)  # noqa: E731
    _assert_thread_independent(make, _fit_x(X, sample_weight=w), X, n_jobs=True)


def test_minibatch_kmeans():
    # batches of 50000 × 8 centres × 8 features: three threads' worth per step
    X = _blobs(100000, 8, 8)[0]
    make = lambda **kw: MiniBatchKMeans(8, random_state=0, batch_size=50000, max_iter=5, **kw)  # noqa: E731
    _assert_thread_independent(make, _fit_x(X), X, n_jobs=True)

    def partial(est):
        for chunk in np.array_split(X, 2):
            est.partial_fit(chunk)
    _assert_thread_independent(make, partial, X, n_jobs=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nearest_neighbors(dtype):
    X, y = _blobs(4000, 12, 5, std=4.0)  # 2500 queries: 40 blocks of 64
    X = X.astype(dtype)
    for cls, target in [(NearestNeighbors, None), (KNeighborsClassifier, y),
                        (KNeighborsRegressor, y + 0.1 * X[:, 0])]:
        for weights in (["uniform"] if cls is NearestNeighbors else ["uniform", "distance"]):
            kw = {} if cls is NearestNeighbors else {"weights": weights}
            make = lambda cls=cls, kw=kw, **nj: cls(n_neighbors=7, **kw, **nj)  # noqa: E731
            fit = _fit_x(X) if target is None else _fit_xy(X, target)
            _assert_thread_independent(make, fit, X[:2500] + 0.01, n_jobs=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_regression(dtype):
    X, Y = _regression(10000, 24, n_targets=2)
    X, Y = X.astype(dtype), Y.astype(dtype)
    w = np.random.RandomState(2).rand(len(X))
    _assert_thread_independent(LinearRegression, _fit_xy(X, Y, sample_weight=w), X[:1000],
                               n_jobs=True)


@pytest.mark.parametrize("solver, extra", [("lbfgs", {}), ("newton-cholesky", {}),
                                           ("saga", {"l1_ratio": 0.5, "max_iter": 30})])
def test_logistic_regression(solver, extra):
    X, y = _blobs(30000, 10, 3, std=6.0)  # n·d·K = 900k: three threads (cpp/src/linear/logistic.cpp)
    make = lambda **kw: LogisticRegression(solver=solver, random_state=0, **extra, **kw)  # noqa: E731
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's iteration cap is on purpose
        _assert_thread_independent(make, _fit_xy(X, y), X, n_jobs=True)


@pytest.mark.parametrize("average", [False, True])
def test_sgd_classifier(average):
    X, y = _blobs(4000, 10, 4, std=6.0)  # one-vs-rest problems run in parallel, one per class
    make = lambda **kw: SGDClassifier(random_state=0, average=average, max_iter=20, tol=None, **kw)  # noqa: E731
    _assert_thread_independent(make, _fit_xy(X, y), X[:1500], n_jobs=True)

    def partial(est):
        for chunk_X, chunk_y in zip(np.array_split(X, 3), np.array_split(y, 3)):
            est.partial_fit(chunk_X, chunk_y, classes=np.unique(y))
    _assert_thread_independent(make, partial, X[:1500], n_jobs=True)


# ---- estimators without n_jobs: the OpenMP thread limit -------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_sgd_regressor(dtype):
    # one problem: the core runs it on one thread; the limit must still reach it unchanged
    X, y = _regression(4000, 10)
    X, y = X.astype(dtype), y.astype(dtype)
    make = lambda: SGDRegressor(random_state=0, max_iter=20, tol=None)  # noqa: E731
    _assert_thread_independent(make, _fit_xy(X, y), X[:1500], n_jobs=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_ridge_lasso_elastic_net(dtype):
    # n·d = 240k: three threads for coordinate descent's passes
    X, Y = _regression(10000, 24, n_targets=2)
    X, Y = X.astype(dtype), Y.astype(dtype)
    w = np.random.RandomState(3).rand(len(X))
    for make in (lambda: Ridge(alpha=0.5), lambda: Ridge(alpha=0.5, solver="cholesky"),
                 lambda: Lasso(alpha=0.01), lambda: ElasticNet(alpha=0.01, l1_ratio=0.3)):
        _assert_thread_independent(make, _fit_xy(X, Y[:, 0], sample_weight=w), X[:1000],
                                   n_jobs=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("params", [{}, {"n_components": 4, "whiten": True},
                                    {"n_components": 3, "svd_solver": "randomized",
                                     "random_state": 0}])
def test_pca(dtype, params):
    # 90000 rows: every row-parallel pass of cpp/src/decomposition/pca.cpp starts threads
    rng = np.random.RandomState(4)
    X = (rng.randn(90000, 9) @ rng.randn(9, 9) + 5.0).astype(dtype)
    make = lambda: PCA(**params)  # noqa: E731
    _assert_thread_independent(make, _fit_x(X), X, n_jobs=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_nb(dtype):
    X, y = _blobs(70000, 7, 5)  # 70000 rows: three threads in every row-parallel pass
    X = X.astype(dtype)
    w = np.random.RandomState(5).rand(len(X))
    _assert_thread_independent(GaussianNB, _fit_xy(X, y, sample_weight=w), X, n_jobs=False)

    def partial(est):
        for chunk_X, chunk_y in zip(np.array_split(X, 3), np.array_split(y, 3)):
            est.partial_fit(chunk_X, chunk_y, classes=np.unique(y))
    _assert_thread_independent(GaussianNB, partial, X, n_jobs=False)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("cls", [MultinomialNB, BernoulliNB])
def test_discrete_nb(cls, sparse):
    X, y = _counts(70000, 30, 5)
    w = np.random.RandomState(6).rand(len(X))
    Xf = sp.csr_matrix(X) if sparse else X
    _assert_thread_independent(cls, _fit_xy(Xf, y, sample_weight=w), Xf, n_jobs=False)


# ---- validation's finiteness pass -----------------------------------------------------------

@pytest.mark.parametrize("bad, message", [(np.nan, "Input X contains NaN"),
                                          (np.inf, "Input X contains infinity")])
def test_large_input_finiteness_check(bad, message):
    # 800k values, 13 blocks: the core's parallel finiteness pass; the bad value in the last block
    X = _blobs(100000, 8, 3)[0]
    X[-1, -1] = bad
    for threads in THREADS:
        with pytest.raises(ValueError, match=message):
            KMeans(3, n_jobs=threads).fit(X)
        with threadpool_limits(limits=threads, user_api="openmp"):
            with pytest.raises(ValueError, match=message):
                PCA().fit(X)
