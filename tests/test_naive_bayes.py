import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn import datasets
from sklearn import naive_bayes as sk

from scratchlearn import _core
from scratchlearn import naive_bayes as sl
from scratchlearn.exceptions import NotFittedError

DTYPES = [np.float64, np.float32]


def _tol(dtype):
    return dict(rtol=1e-9, atol=1e-9) if dtype == np.float64 else dict(rtol=2e-4, atol=2e-4)


def _gaussian_data(rng, n=600, d=6, k=3):
    y = rng.randint(0, k, n)
    centres = rng.randn(k, d) * 2
    X = centres[y] + rng.randn(n, d) * (1 + rng.rand(d))
    return X + 10, y


def _assert_gaussian_equal(ours, ref, X, dtype):
    tol = _tol(dtype)
    assert_array_equal(ours.classes_, ref.classes_)
    assert_allclose(ours.class_count_, ref.class_count_, **tol)
    assert_allclose(ours.class_prior_, ref.class_prior_, **tol)
    assert_allclose(ours.theta_, ref.theta_, **tol)
    assert_allclose(ours.var_, ref.var_, **tol)
    assert ours.epsilon_ == pytest.approx(ref.epsilon_, rel=tol["rtol"])
    assert ours.theta_.dtype == dtype and ours.var_.dtype == dtype
    jtol = dict(rtol=1e-9, atol=1e-8) if dtype == np.float64 else dict(rtol=1e-3, atol=2e-2)
    assert_allclose(ours.predict_joint_log_proba(X), ref.predict_joint_log_proba(X), **jtol)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9 if dtype == np.float64 else 1e-3)
    assert np.mean(ours.predict(X) == ref.predict(X)) >= (1.0 if dtype == np.float64 else 0.995)


# ----------------------------------------------------------------------------------- GaussianNB


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_random(rng, dtype, weighted):
    X, y = _gaussian_data(rng)
    X = X.astype(dtype)
    sw = rng.rand(len(y)) if weighted else None
    ours = sl.GaussianNB().fit(X, y, sample_weight=sw)
    ref = sk.GaussianNB().fit(X, y, sample_weight=sw)
    _assert_gaussian_equal(ours, ref, X, dtype)
    proba = ours.predict_proba(X)
    assert proba.dtype == dtype
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_digits])
def test_gaussian_real_data(dtype, loader):
    X, y = loader(return_X_y=True)
    X = X.astype(dtype)
    ours = sl.GaussianNB().fit(X, y)
    ref = sk.GaussianNB().fit(X, y)
    _assert_gaussian_equal(ours, ref, X, dtype)
    assert ours.score(X, y) == pytest.approx(ref.score(X, y), abs=0.002)


def test_gaussian_string_labels_and_priors(rng):
    X, y = _gaussian_data(rng, k=3)
    labels = np.array(["b", "a", "c"])[y]
    ours = sl.GaussianNB(priors=[0.2, 0.3, 0.5], var_smoothing=1e-3).fit(X, labels)
    ref = sk.GaussianNB(priors=[0.2, 0.3, 0.5], var_smoothing=1e-3).fit(X, labels)
    _assert_gaussian_equal(ours, ref, X, np.float64)
    assert set(ours.predict(X)) <= {"a", "b", "c"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_partial_fit_equals_fit(rng, dtype):
    X, y = _gaussian_data(rng, n=900)
    X = X.astype(dtype)
    sw = rng.rand(len(y))
    full = sl.GaussianNB().fit(X, y, sample_weight=sw)
    part = sl.GaussianNB()
    ref = sk.GaussianNB()
    for s in range(0, 900, 300):
        part.partial_fit(X[s:s + 300], y[s:s + 300], classes=[0, 1, 2], sample_weight=sw[s:s + 300])
        ref.partial_fit(X[s:s + 300], y[s:s + 300], classes=[0, 1, 2], sample_weight=sw[s:s + 300])
    tol = _tol(dtype)
    assert_allclose(part.theta_, full.theta_, **tol)
    # var_ differs from a single fit only through epsilon_ (scikit-learn's batch-wise epsilon).
    assert_allclose(part.var_ - part.epsilon_, full.var_ - full.epsilon_, **tol)
    assert_allclose(part.class_count_, full.class_count_, **tol)
    _assert_gaussian_equal(part, ref, X, dtype)


def test_gaussian_partial_fit_class_missing_in_batch(rng):
    X, y = _gaussian_data(rng, k=4)
    ours, ref = sl.GaussianNB(), sk.GaussianNB()
    first = y != 3
    for est in (ours, ref):
        est.partial_fit(X[first], y[first], classes=np.arange(4))
        est.partial_fit(X[~first], y[~first])
    _assert_gaussian_equal(ours, ref, X, np.float64)


def test_gaussian_large_offsets_float32(rng):
    # Large means and small spreads: the expanded form must not lose the differences.
    X, y = _gaussian_data(rng, n=400, d=5)
    X = (X * 0.01 + 1000).astype(np.float32)
    ours = sl.GaussianNB().fit(X, y)
    ref = sk.GaussianNB().fit(X.astype(np.float64), y)
    jll_ref = ref.predict_joint_log_proba(X.astype(np.float64))
    assert_allclose(ours.predict_joint_log_proba(X), jll_ref, rtol=1e-3, atol=0.1)
    assert np.mean(ours.predict(X) == ref.predict(X)) >= 0.99


def test_gaussian_threads_identical(rng):
    X, y = _gaussian_data(rng, n=5000, d=7, k=5)
    sw = rng.rand(len(y))
    cls = y.astype(np.int64)
    for dtype in DTYPES:
        Xd = X.astype(dtype)
        a = _core.nb_class_moments(Xd, cls, 5, sw.astype(dtype), 1)
        b = _core.nb_class_moments(Xd, cls, 5, sw.astype(dtype), 2)
        for u, v in zip(a, b):
            assert_array_equal(u, v)
        m = sl.GaussianNB().fit(Xd, y)
        j1 = _core.nb_gaussian_jll(Xd, m.theta_, m.var_, np.log(m.class_prior_).astype(dtype), 1)
        j2 = _core.nb_gaussian_jll(Xd, m.theta_, m.var_, np.log(m.class_prior_).astype(dtype), 2)
        assert_array_equal(j1, j2)


def test_gaussian_rejects(rng):
    X, y = _gaussian_data(rng, n=60)
    with pytest.raises(ValueError, match="var_smoothing"):
        sl.GaussianNB(var_smoothing=-1).fit(X, y)
    with pytest.raises(ValueError, match="Number of priors must match number of classes"):
        sl.GaussianNB(priors=[0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="The sum of the priors should be 1"):
        sl.GaussianNB(priors=[0.5, 0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="Priors must be non-negative"):
        sl.GaussianNB(priors=[-0.5, 0.5, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        sl.GaussianNB().partial_fit(X, y)
    est = sl.GaussianNB().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="is not the same as on last call"):
        est.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"do not exist in the initial classes"):
        est.partial_fit(X, y + 5)
    with pytest.raises(ValueError, match="X has 5 features, but GaussianNB is expecting 6"):
        est.partial_fit(X[:, :5], y)
    with pytest.raises(ValueError, match="X has 5 features, but GaussianNB is expecting 6"):
        est.predict(X[:, :5])
    with pytest.raises(ValueError, match="Unknown label type"):
        sl.GaussianNB().fit(X, rng.rand(60))
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sl.GaussianNB().fit(Xn, y)
    with pytest.raises(ValueError, match="at least one non-zero"):
        sl.GaussianNB().fit(X, y, sample_weight=np.zeros(60))
    with pytest.raises(ValueError, match=r"sample_weight.shape"):
        sl.GaussianNB().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(NotFittedError):
        sl.GaussianNB().predict(X)


def test_core_rejects_bad_class_index():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="class index out of range"):
        _core.nb_class_moments(X, np.array([0, 1, 5, 0]), 2, None, 1)
    with pytest.raises(ValueError, match="differ in length"):
        _core.nb_class_moments(X, np.array([0, 1]), 2, None, 1)
