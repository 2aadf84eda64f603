"""scratchlearn.metrics.pairwise against sklearn.metrics.pairwise: every distance, kernel and
paired distance on random data (float64 and float32, X against itself and against Y), the
metric names of pairwise_distances / pairwise_kernels, the chunked and argmin reductions, and
bad input."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import pairwise as skp

from scratchlearn.metrics import pairwise as slp

RNG = np.random.default_rng(0)
X = RNG.random((30, 5))
Y = RNG.random((20, 5))


def _same(a, b, rtol=1e-10, atol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype
    assert a.shape == b.shape
    assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


FUNCS = ["euclidean_distances", "manhattan_distances", "cosine_similarity", "cosine_distances",
         "linear_kernel", "polynomial_kernel", "sigmoid_kernel", "rbf_kernel", "laplacian_kernel",
         "additive_chi2_kernel", "chi2_kernel"]


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_functions(name, dtype):
    ours, theirs = getattr(slp, name), getattr(skp, name)
    tol = 1e-10 if dtype == np.float64 else 2e-5
    Xd, Yd = X.astype(dtype), Y.astype(dtype)
    _same(ours(Xd, Yd), theirs(Xd, Yd), rtol=tol, atol=tol)
    _same(ours(Xd), theirs(Xd), rtol=tol, atol=tol)


def test_kernel_parameters_and_euclidean_options():
    for kw in ({"gamma": 0.3}, {"gamma": 0.1, "degree": 2, "coef0": 0.5}):
        _same(slp.polynomial_kernel(X, Y, **kw), skp.polynomial_kernel(X, Y, **kw))
    _same(slp.rbf_kernel(X, Y, gamma=2.0), skp.rbf_kernel(X, Y, gamma=2.0))
    _same(slp.sigmoid_kernel(X, Y, gamma=0.2, coef0=0), skp.sigmoid_kernel(X, Y, gamma=0.2, coef0=0))
    _same(slp.chi2_kernel(X, Y, gamma=0.5), skp.chi2_kernel(X, Y, gamma=0.5))
    _same(slp.euclidean_distances(X, Y, squared=True), skp.euclidean_distances(X, Y, squared=True))
    xx, yy = (X ** 2).sum(1), (Y ** 2).sum(1)
    _same(slp.euclidean_distances(X, Y, X_norm_squared=xx, Y_norm_squared=yy),
          skp.euclidean_distances(X, Y, X_norm_squared=xx, Y_norm_squared=yy))
    assert_array_equal(np.diag(slp.euclidean_distances(X)), 0.0)
    Z = X.copy()
    Z[3] = 0.0  # a zero row: cosine similarity 0
    _same(slp.cosine_similarity(Z, Y), skp.cosine_similarity(Z, Y))


def test_nan_euclidean_and_haversine():
    Xn = X.copy()
    Xn[RNG.random(X.shape) < 0.3] = np.nan
    Xn[0] = np.nan  # a row with nothing present
    _same(slp.nan_euclidean_distances(Xn), skp.nan_euclidean_distances(Xn))
    _same(slp.nan_euclidean_distances(Xn, Y, squared=True),
          skp.nan_euclidean_distances(Xn, Y, squared=True))
    Xm = np.where(np.isnan(Xn), -1.0, Xn)
    _same(slp.nan_euclidean_distances(Xm, missing_values=-1.0),
          skp.nan_euclidean_distances(Xm, missing_values=-1.0))
    _same(slp.pairwise_distances(Xn, metric="nan_euclidean"),
          skp.pairwise_distances(Xn, metric="nan_euclidean"))
    _same(slp.haversine_distances(X[:, :2], Y[:, :2]), skp.haversine_distances(X[:, :2], Y[:, :2]))
    with pytest.raises(ValueError, match="only valid in 2 dimensions"):
        slp.haversine_distances(X)


@pytest.mark.parametrize("metric", ["euclidean", "cityblock", "cosine", "l1", "l2", "manhattan",
                                    "sqeuclidean", "chebyshev", "braycurtis", "canberra",
                                    "correlation", "minkowski"])
def test_pairwise_distances_by_name(metric):
    _same(slp.pairwise_distances(X, Y, metric=metric), skp.pairwise_distances(X, Y, metric=metric))
    _same(slp.pairwise_distances(X, metric=metric), skp.pairwise_distances(X, metric=metric))


def test_pairwise_distances_other_metrics():
    _same(slp.pairwise_distances(X, Y, metric="minkowski", p=3),
          skp.pairwise_distances(X, Y, metric="minkowski", p=3))
    _same(slp.pairwise_distances(X, metric="seuclidean"), skp.pairwise_distances(X, metric="seuclidean"))
    _same(slp.pairwise_distances(X, metric="mahalanobis"),
          skp.pairwise_distances(X, metric="mahalanobis"), rtol=1e-8, atol=1e-10)
    B = X > 0.5
    for metric in ("jaccard", "dice", "hamming", "rogerstanimoto", "russellrao", "sokalsneath",
                   "yule"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _same(slp.pairwise_distances(B, metric=metric), skp.pairwise_distances(B, metric=metric))

    def cheb(a, b):
        return np.abs(a - b).max()

    _same(slp.pairwise_distances(X, Y, metric=cheb), skp.pairwise_distances(X, Y, metric=cheb))
    D = skp.euclidean_distances(X, Y)
    assert slp.pairwise_distances(D, metric="precomputed") is not None
    _same(slp.pairwise_distances(D, metric="precomputed"), D)
    with pytest.raises(ValueError, match="Unknown metric"):
        slp.pairwise_distances(X, metric="nope")
    with pytest.raises(ValueError, match="'V' parameter is required"):
        slp.pairwise_distances(X, Y, metric="seuclidean")
    with pytest.raises(ValueError, match="Incompatible dimension"):
        slp.pairwise_distances(X, Y[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        slp.pairwise_distances(np.full((2, 2), np.nan))


@pytest.mark.parametrize("metric", ["linear", "poly", "polynomial", "rbf", "sigmoid", "cosine",
                                    "laplacian", "chi2", "additive_chi2"])
def test_pairwise_kernels_by_name(metric):
    _same(slp.pairwise_kernels(X, Y, metric=metric), skp.pairwise_kernels(X, Y, metric=metric))


def test_pairwise_kernels_options():
    kw = dict(metric="rbf", filter_params=True, gamma=0.3, degree=2)
    _same(slp.pairwise_kernels(X, Y, **kw), skp.pairwise_kernels(X, Y, **kw))

    def k(a, b):
        return float(np.dot(a, b) ** 2)

    _same(slp.pairwise_kernels(X, Y, metric=k), skp.pairwise_kernels(X, Y, metric=k))
    with pytest.raises(ValueError, match="Unknown kernel"):
        slp.pairwise_kernels(X, metric="nope")
    with pytest.raises(ValueError, match="negative values"):
        slp.chi2_kernel(-X)


@pytest.mark.parametrize("metric", ["euclidean", "cosine", "manhattan", "l1", "cityblock", "l2"])
def test_paired(metric):
    _same(slp.paired_distances(X[:20], Y, metric=metric),
          skp.paired_distances(X[:20], Y, metric=metric))
    with pytest.raises(ValueError, match="same shape"):
        slp.paired_distances(X, Y, metric=metric)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine", "sqeuclidean"])
@pytest.mark.parametrize("axis", [0, 1])
def test_argmin_min(metric, axis):
    a = slp.pairwise_distances_argmin_min(X, Y, metric=metric, axis=axis)
    b = skp.pairwise_distances_argmin_min(X, Y, metric=metric, axis=axis)
    assert_array_equal(a[0], b[0])
    _same(a[1], b[1])
    assert_array_equal(slp.pairwise_distances_argmin(X, Y, metric=metric, axis=axis),
                       skp.pairwise_distances_argmin(X, Y, metric=metric, axis=axis))


def test_chunked():
    chunks = list(slp.pairwise_distances_chunked(X, working_memory=0.001))
    assert len(chunks) > 1
    _same(np.vstack(chunks), skp.pairwise_distances(X))

    def reduce(D, start):
        return D.argmin(axis=1), D.min(axis=1)

    ours = list(slp.pairwise_distances_chunked(X, Y, reduce_func=reduce, working_memory=0.001))
    theirs = list(skp.pairwise_distances_chunked(X, Y, reduce_func=reduce, working_memory=0.001))
    assert_array_equal(np.concatenate([c[0] for c in ours]), np.concatenate([c[0] for c in theirs]))
    _same(np.concatenate([c[1] for c in ours]), np.concatenate([c[1] for c in theirs]))
    with pytest.raises(TypeError, match="None"):
        list(slp.pairwise_distances_chunked(X, reduce_func=lambda D, s: None))


def test_distance_metric():
    from sklearn.metrics import DistanceMetric as SkDM

    from scratchlearn.metrics import DistanceMetric
    for name, kw in (("euclidean", {}), ("manhattan", {}), ("chebyshev", {}),
                     ("minkowski", {"p": 3})):
        _same(DistanceMetric.get_metric(name, **kw).pairwise(X, Y),
              SkDM.get_metric(name, **kw).pairwise(X, Y))
    dm = DistanceMetric.get_metric("euclidean")
    assert_allclose(dm.rdist_to_dist(dm.dist_to_rdist([1.0, 2.0])), [1.0, 2.0])
    with pytest.raises(ValueError, match="Unrecognized metric"):
        DistanceMetric.get_metric("nope")
