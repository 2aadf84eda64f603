"""scratchlearn.linear_model against scikit-learn."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import linear_model as sk
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris

from scratchlearn import linear_model as sl
from scratchlearn.exceptions import ConvergenceWarning, NotFittedError


def _reg_data(n=150, d=8, k=None, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.5, 3, d) + rng.uniform(-2, 2, d)
    shape = (d,) if k is None else (d, k)
    y = X @ rng.randn(*shape) + 0.3 * rng.randn(*((n,) if k is None else (n, k))) + 1.5
    return X.astype(dtype), y.astype(dtype)


def _diabetes(dtype=np.float64):
    X, y = load_diabetes(return_X_y=True)
    return X.astype(dtype), y.astype(dtype)


TOL = {np.float64: dict(rtol=1e-8, atol=1e-9), np.float32: dict(rtol=2e-3, atol=2e-3)}


# ------------------------------------------------------------------ LinearRegression / Ridge


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("data", ["random", "diabetes", "multi"])
def test_linear_regression_matches_sklearn(dtype, fit_intercept, data):
    if data == "random":
        X, y = _reg_data(dtype=dtype)
    elif data == "multi":
        X, y = _reg_data(k=3, dtype=dtype)
    else:
        X, y = _diabetes(dtype)
    ours = sl.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X.astype(np.float64), y.astype(np.float64))
    scale = np.abs(ref.coef_).max()
    tol = TOL[dtype]
    assert ours.coef_.dtype == dtype and ours.coef_.shape == ref.coef_.shape
    assert_allclose(ours.coef_, ref.coef_, rtol=tol["rtol"], atol=tol["atol"] * scale)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=tol["rtol"], atol=tol["atol"] * max(1, scale))
    assert ours.rank_ == ref.rank_
    assert_allclose(ours.singular_, ref.singular_, rtol=1e-6 if dtype == np.float64 else 1e-3)
    assert_allclose(ours.predict(X), ref.predict(X.astype(np.float64)), rtol=1e-5 if dtype == np.float32 else 1e-9,
                    atol=1e-3 * np.abs(y).max() if dtype == np.float32 else 1e-8)


@pytest.mark.parametrize("case", ["duplicated", "collinear", "wide", "wide_multi", "ill"])
def test_linear_regression_rank_deficient_is_min_norm(case):
    rng = np.random.RandomState(1)
    X, y = _reg_data(n=60, d=6, seed=2)
    if case == "duplicated":
        X = np.hstack([X, X[:, :2]])
    elif case == "collinear":
        X = np.hstack([X, X[:, :1] * 3 - 2 * X[:, 1:2]])
    elif case == "wide":
        X = rng.randn(20, 45)
        y = rng.randn(20)
    elif case == "wide_multi":
        X = rng.randn(15, 30)
        y = rng.randn(15, 2)
    else:  # badly conditioned but full rank
        X = np.hstack([X, X[:, :1] + 1e-5 * rng.randn(60, 1)])
    sw = rng.uniform(0.5, 2, X.shape[0])
    ours = sl.LinearRegression().fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression().fit(X, y, sample_weight=sw)
    assert ours.rank_ == ref.rank_
    atol = 1e-7 * np.abs(ref.coef_).max()
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=atol)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-7)
    assert_allclose(ours.singular_, ref.singular_, rtol=1e-7, atol=1e-10 * ref.singular_[0])


def test_linear_regression_tol_cuts_small_singular_values():
    rng = np.random.RandomState(3)
    X, y = _reg_data(n=80, d=5)
    X = np.hstack([X, X[:, :1] + 1e-4 * rng.randn(80, 1)])
    for tol in (1e-3, 1e-8):
        ours = sl.LinearRegression(tol=tol).fit(X, y)
        ref = sk.LinearRegression(tol=tol).fit(X, y)
        assert ours.rank_ == ref.rank_
        assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("Est", [sl.LinearRegression, sl.Ridge])
def test_sample_weight_equals_repetition(Est):
    X, y = _reg_data(n=40, d=5)
    rep = np.random.RandomState(0).randint(0, 4, 40)
    a = Est().fit(X, y, sample_weight=rep)
    b = Est().fit(np.repeat(X, rep, axis=0), np.repeat(y, rep))
    assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-10)
    assert_allclose(a.intercept_, b.intercept_, rtol=1e-9)


@pytest.mark.parametrize("multi", [False, True])
def test_linear_regression_positive(multi):
    X, y = _reg_data(n=100, d=7, k=2 if multi else None, seed=5)
    ours = sl.LinearRegression(positive=True).fit(X, y)
    ref = sk.LinearRegression(positive=True).fit(X, y)
    assert np.all(ours.coef_ >= 0)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7)


def test_linear_regression_n_jobs_equal():
    X, y = _reg_data(n=5000, d=20, k=2)
    a = sl.LinearRegression(n_jobs=1).fit(X, y)
    b = sl.LinearRegression(n_jobs=2).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=0)
    assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "lsqr"])
@pytest.mark.parametrize("data", ["random", "diabetes", "multi", "wide", "collinear"])
def test_ridge_matches_sklearn(dtype, solver, data):
    rng = np.random.RandomState(0)
    if data == "random":
        X, y = _reg_data(dtype=dtype)
    elif data == "multi":
        X, y = _reg_data(k=3, dtype=dtype)
    elif data == "wide":
        X, y = rng.randn(30, 60).astype(dtype), rng.randn(30).astype(dtype)
    elif data == "collinear":
        X, y = _reg_data(dtype=dtype)
        X = np.hstack([X, X[:, :2]])
    else:
        X, y = _diabetes(dtype)
    sw = rng.uniform(0.2, 3, X.shape[0])
    alpha = 0.7
    ours = sl.Ridge(alpha=alpha, solver=solver).fit(X, y, sample_weight=sw)
    ref = sk.Ridge(alpha=alpha, solver="cholesky").fit(X.astype(np.float64), y.astype(np.float64),
                                                        sample_weight=sw)
    tol = TOL[dtype]
    scale = np.abs(ref.coef_).max()
    assert ours.coef_.dtype == dtype
    assert_allclose(ours.coef_, ref.coef_, rtol=tol["rtol"] * 10, atol=tol["atol"] * scale)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=tol["rtol"] * 10, atol=tol["atol"] * max(1, scale))


def test_ridge_alpha_per_target_and_positive():
    X, y = _reg_data(k=3)
    alphas = np.array([0.1, 5.0, 50.0])
    assert_allclose(sl.Ridge(alpha=alphas).fit(X, y).coef_, sk.Ridge(alpha=alphas).fit(X, y).coef_,
                    rtol=1e-9)
    ours = sl.Ridge(alpha=3.0, positive=True).fit(X[:, :], y[:, 0])
    ref = sk.Ridge(alpha=3.0, positive=True, tol=1e-12, max_iter=100000).fit(X, y[:, 0])
    assert ours.solver_ == "lbfgs"
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)


def test_least_squares_bad_parameters():
    X, y = _reg_data(n=20, d=3)
    with pytest.raises(ValueError, match="fit_intercept must be a bool"):
        sl.LinearRegression(fit_intercept="yes").fit(X, y)
    with pytest.raises(ValueError, match="tol must be >= 0"):
        sl.LinearRegression(tol=-1).fit(X, y)
    with pytest.raises(ValueError, match="alpha must be non-negative"):
        sl.Ridge(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="Number of targets and number of penalties"):
        sl.Ridge(alpha=[1.0, 2.0, 3.0]).fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="solver must be one of"):
        sl.Ridge(solver="magic").fit(X, y)
    with pytest.raises(ValueError, match="does not support positive fitting"):
        sl.Ridge(solver="svd", positive=True).fit(X, y)
    with pytest.raises(ValueError, match="only when positive=True"):
        sl.Ridge(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        sl.LinearRegression().fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="contains NaN"):
        sl.Ridge().fit(np.full((3, 2), np.nan), [1, 2, 3])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sl.LinearRegression().fit(X, y[:-1])
    with pytest.raises(NotFittedError):
        sl.Ridge().predict(X)
    m = sl.LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but LinearRegression is expecting 3"):
        m.predict(X[:, :2])
