"""SplineTransformer against scikit-learn's: every extrapolation mode, degree, knot placement
(uniform, quantile, given), include_bias, weights, missing values, float32; bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import SplineTransformer as SkSpline

from scratchlearn.preprocessing import SplineTransformer

RNG = np.random.default_rng(0)
X = RNG.normal(size=(120, 3))
X_NEW = RNG.normal(size=(60, 3)) * 2  # many values beyond the fitted knots


def _check(kw, X_fit=X, X_new=X_NEW, fit_kw=None):
    fit_kw = fit_kw or {}
    a, b = SplineTransformer(**kw).fit(X_fit, **fit_kw), SkSpline(**kw).fit(X_fit, **fit_kw)
    A, B = a.transform(X_new), b.transform(X_new)
    assert A.dtype == B.dtype and A.shape == B.shape
    assert_allclose(A, B, rtol=1e-10, atol=1e-12)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert a.n_features_out_ == b.n_features_out_


@pytest.mark.parametrize("extrapolation", ["constant", "continue", "periodic"])
@pytest.mark.parametrize("degree", [1, 2, 3, 4])
@pytest.mark.parametrize("knots", ["uniform", "quantile"])
@pytest.mark.parametrize("include_bias", [True, False])
def test_matches_scikit_learn(extrapolation, degree, knots, include_bias):
    for n_knots in (degree + 1, 5, 8):
        _check(dict(n_knots=n_knots, degree=degree, knots=knots, extrapolation=extrapolation,
                    include_bias=include_bias))


@pytest.mark.parametrize("degree", [2, 3, 4])
def test_linear_extrapolation(degree):
    for knots in ("uniform", "quantile"):
        _check(dict(n_knots=5, degree=degree, knots=knots, extrapolation="linear"))
    # degree 1 on one feature (scikit-learn's degree-1 linear extrapolation is only consistent
    # feature by feature; on one feature both are the tangent continuation)
    _check(dict(n_knots=4, degree=1, extrapolation="linear"), X[:, :1], X_NEW[:, :1])


def test_degree_zero_and_error_mode():
    for ext in ("continue", "periodic"):
        _check(dict(n_knots=5, degree=0, extrapolation=ext))
    _check(dict(n_knots=5, degree=3, extrapolation="error"), X, X)
    with pytest.raises(ValueError, match="beyond the limits of the knots"):
        SplineTransformer(extrapolation="error").fit(X).transform(X_NEW)


def test_given_knots_weights_missing_float32():
    K = np.array([[-1.0, -2, -1], [0, 0, 0], [1, 0.5, 2], [2, 3, 3]])
    _check(dict(knots=K, degree=2))
    w = RNG.random(X.shape[0])
    w[:10] = 0
    for knots in ("uniform", "quantile"):
        _check(dict(knots=knots), fit_kw={"sample_weight": w})
    Xn = X.copy()
    Xn[::7, 1] = np.nan
    for ext in ("constant", "linear", "continue", "periodic", "error"):
        _check(dict(handle_missing="zeros", extrapolation=ext), Xn, Xn)
    X32 = X.astype(np.float32)
    A = SplineTransformer().fit(X32).transform(X32)
    B = SkSpline().fit(X32).transform(X32)
    assert A.dtype == B.dtype == np.float32
    assert_allclose(A, B, rtol=1e-5, atol=1e-6)
    F = SplineTransformer(order="F").fit_transform(X)
    assert F.flags.f_contiguous
    S = SplineTransformer(sparse_output=True).fit(X).transform(X_NEW)
    assert sp.issparse(S) and S.format == "csr"
    assert_allclose(S.toarray(), SkSpline().fit(X).transform(X_NEW), rtol=1e-10, atol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="handle_missing='error'"):
        SplineTransformer().fit(np.array([[np.nan], [1.0], [2.0]]))
    with pytest.raises(ValueError, match="Periodic splines require degree < n_knots"):
        SplineTransformer(n_knots=3, degree=3, extrapolation="periodic").fit(X)
    with pytest.raises(ValueError, match="sorted without duplicates"):
        SplineTransformer(knots=np.array([[0.0], [0.0], [1.0]])).fit(X[:, :1])
    with pytest.raises(ValueError, match="knots.shape\\[1\\] == n_features"):
        SplineTransformer(knots=np.array([[0.0], [1.0]])).fit(X)
    with pytest.raises(ValueError, match="n_knots"):
        SplineTransformer(n_knots=1).fit(X)
    with pytest.raises(ValueError, match="features"):
        SplineTransformer().fit(X).transform(X[:, :2])
