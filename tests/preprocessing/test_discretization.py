"""KBinsDiscretizer against scikit-learn: every strategy and encoding, quantile methods,
subsampling, inverse_transform, feature names, bad input."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import preprocessing as sk

from scratchlearn import preprocessing as sl


@pytest.mark.parametrize("strategy", ["uniform", "quantile", "kmeans"])
@pytest.mark.parametrize("encode", ["ordinal", "onehot", "onehot-dense"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kbins_matches_sklearn(strategy, encode, dtype, rng):
    X = np.concatenate([rng.randn(150, 2), rng.rand(150, 1) * 5, np.ones((150, 1))], axis=1).astype(dtype)
    kw = dict(n_bins=[3, 4, 5, 2], strategy=strategy, encode=encode)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = sl.KBinsDiscretizer(**kw).fit(X), sk.KBinsDiscretizer(**kw).fit(X)
    A, B = a.transform(X), b.transform(X)
    if encode == "onehot":
        A, B = A.toarray(), B.toarray()
    assert A.dtype == B.dtype
    assert_array_equal(A, B)
    assert_array_equal(a.n_bins_, b.n_bins_)
    for ea, eb in zip(a.bin_edges_, b.bin_edges_):
        assert_allclose(ea, eb, rtol=1e-6 if strategy == "kmeans" else 1e-12)
    assert_allclose(a.inverse_transform(a.transform(X)), b.inverse_transform(b.transform(X)), rtol=1e-6)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())


@pytest.mark.parametrize("method", ["linear", "inverted_cdf", "hazen"])
def test_quantile_methods_and_subsample(method, rng):
    X = rng.randn(600, 3)
    kw = dict(encode="ordinal", quantile_method=method, subsample=200, random_state=0)
    assert_array_equal(sl.KBinsDiscretizer(**kw).fit_transform(X), sk.KBinsDiscretizer(**kw).fit_transform(X))


def test_bad_input(rng):
    X = rng.randn(20, 2)
    with pytest.raises(ValueError, match="invalid number of bins at indices 1"):
        sl.KBinsDiscretizer(n_bins=[3, 1]).fit(X)
    with pytest.raises(ValueError, match="n_bins must be a scalar or array of shape"):
        sl.KBinsDiscretizer(n_bins=[3, 3, 3]).fit(X)
    with pytest.raises(ValueError, match="contains NaN"):
        sl.KBinsDiscretizer().fit(np.where(X > 1, np.nan, X))
    with pytest.warns(UserWarning, match="Feature 0 is constant"):
        sl.KBinsDiscretizer(encode="ordinal").fit(np.c_[np.ones(20), X[:, 0]])


@pytest.mark.parametrize("method", ["averaged_inverted_cdf", "inverted_cdf"])
def test_weighted_quantile_edges(method, rng):
    X = rng.randn(200, 3)
    sw = rng.randint(0, 4, 200).astype(float)
    kw = dict(quantile_method=method, encode="ordinal")
    a, b = sl.KBinsDiscretizer(**kw).fit(X, sample_weight=sw), sk.KBinsDiscretizer(**kw).fit(X, sample_weight=sw)
    for ea, eb in zip(a.bin_edges_, b.bin_edges_):
        assert_allclose(ea, eb)
    with pytest.raises(ValueError, match="quantile_method should either be set"):
        sl.KBinsDiscretizer(quantile_method="linear").fit(X, sample_weight=sw)
