"""PolynomialFeatures and FunctionTransformer against scikit-learn."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import preprocessing as sk

from scratchlearn import preprocessing as sl


@pytest.mark.parametrize("kw", [{}, {"degree": 3}, {"interaction_only": True}, {"include_bias": False},
                                {"degree": (2, 3)}, {"degree": 0}, {"degree": (0, 2), "include_bias": False},
                                {"order": "F"}], ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_polynomial_matches_sklearn(kw, dtype, rng):
    X = rng.randn(30, 4).astype(dtype)
    a, b = sl.PolynomialFeatures(**kw), sk.PolynomialFeatures(**kw)
    A, B = a.fit_transform(X), b.fit_transform(X)
    assert A.dtype == B.dtype
    assert_allclose(A, B, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert a.n_output_features_ == b.n_output_features_
    assert_array_equal(a.powers_, b.powers_)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert_array_equal(a.get_feature_names_out(["p", "q", "r", "s"]),
                       b.get_feature_names_out(["p", "q", "r", "s"]))


def test_polynomial_errors(rng):
    X = rng.randn(5, 2)
    with pytest.raises(ValueError, match="empty output array"):
        sl.PolynomialFeatures(degree=0, include_bias=False).fit(X)
    with pytest.raises(ValueError, match="min_degree <= max_degree"):
        sl.PolynomialFeatures(degree=(3, 2)).fit(X)
    with pytest.raises(ValueError, match="expecting 2 features"):
        sl.PolynomialFeatures().fit(X).transform(rng.randn(3, 3))


def test_function_transformer(rng):
    X = rng.rand(20, 3) + 0.1
    a = sl.FunctionTransformer(np.log, np.exp, feature_names_out="one-to-one")
    b = sk.FunctionTransformer(np.log, np.exp, feature_names_out="one-to-one")
    assert_allclose(a.fit_transform(X), b.fit_transform(X))
    assert_allclose(a.inverse_transform(a.transform(X)), X)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert_allclose(sl.FunctionTransformer().fit_transform(X), X)
    kw = sl.FunctionTransformer(lambda Z, c: Z + c, kw_args={"c": 1.0}).fit_transform(X)
    assert_allclose(kw, X + 1)
    with pytest.warns(UserWarning, match="not strictly inverse"):
        sl.FunctionTransformer(np.log, np.sqrt).fit(X)
    with pytest.raises(AttributeError):
        sl.FunctionTransformer(np.log).fit(X).get_feature_names_out()
    named = sl.FunctionTransformer(np.log, feature_names_out=lambda est, names: [f"log_{n}" for n in names]).fit(X)
    assert_array_equal(named.get_feature_names_out(), ["log_x0", "log_x1", "log_x2"])
    with pytest.raises(ValueError):
        sl.FunctionTransformer(validate=True).fit([["a", "b"]])
