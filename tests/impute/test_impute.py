"""SimpleImputer and MissingIndicator against scikit-learn: every strategy, NaN / None / a value as
the missing marker, object columns, pandas frames, add_indicator, keep_empty_features, bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import impute as sk

from scratchlearn import impute as sl

STRATEGIES = ["mean", "median", "most_frequent", "constant"]


def _data(rng, n=200, d=5, dtype=np.float64):
    X = rng.randn(n, d).round(2).astype(dtype)
    X[rng.rand(n, d) < 0.15] = np.nan
    X[:, 3] = np.nan  # all missing
    return X


def _both(kw, X, Xt=None):
    Xt = X if Xt is None else Xt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = sl.SimpleImputer(**kw).fit(X), sk.SimpleImputer(**kw).fit(X)
        return a, b, a.transform(Xt), b.transform(Xt)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("extra", [{}, {"add_indicator": True}, {"keep_empty_features": True}], ids=str)
def test_numeric_matches_sklearn(strategy, dtype, extra, rng):
    X = _data(rng, dtype=dtype)
    kw = dict(strategy=strategy, **extra)
    a, b, A, B = _both(kw, X, _data(rng, n=30, dtype=dtype))
    assert A.dtype == B.dtype
    assert_allclose(A, B, rtol=1e-6 if dtype == np.float32 else 1e-12)
    assert a.statistics_.dtype == b.statistics_.dtype
    assert_allclose(a.statistics_.astype(float), b.statistics_.astype(float),
                    rtol=1e-6 if dtype == np.float32 else 1e-12)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    if extra.get("add_indicator"):
        assert_allclose(a.inverse_transform(A), b.inverse_transform(B))


def test_empty_features_warn(rng):
    X = _data(rng)
    with pytest.warns(UserWarning, match=r"Skipping features without any observed values: \[3\]"):
        sl.SimpleImputer().fit(X)


@pytest.mark.parametrize("missing", [0, -1.5])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_value_as_missing(missing, strategy, rng):
    X = rng.randint(-2, 3, (60, 4)).astype(float)
    X[X == -2] = -1.5
    a, b, A, B = _both(dict(strategy=strategy, missing_values=missing), X)
    assert_allclose(A, B)
    a, b, A, B = _both(dict(strategy=strategy, missing_values=missing, add_indicator=True), X)
    assert_allclose(A, B)


def test_large_median_matches(rng):
    # the quantile band path of the core (n > 32768)
    X = rng.randn(40000, 3)
    X[rng.rand(40000, 3) < 0.05] = np.nan
    _, _, A, B = _both(dict(strategy="median"), X)
    assert_array_equal(A, B)


def test_object_columns_none_and_nan():
    X = np.array([["a", "x"], [None, "y"], ["a", np.nan], ["b", "y"], ["b", None]], dtype=object)
    for kw in (dict(strategy="most_frequent", missing_values=None),
               dict(strategy="constant", missing_values=np.nan),
               dict(strategy="constant", missing_values=None, fill_value="?"),
               dict(strategy="most_frequent", missing_values=np.nan)):
        Xc = X.copy()
        if kw["missing_values"] is None:
            Xc[2, 1] = "y"
        else:
            Xc[[1, 4], [0, 1]] = ["a", "x"]
        a, b, A, B = _both(kw, Xc)
        assert_array_equal(A, B)
        assert _eq(a.statistics_, b.statistics_)


def _eq(a, b):
    return pd.Series(a).equals(pd.Series(b))


def test_pandas_frames(rng):
    df = pd.DataFrame({"n": [1.0, np.nan, 3.0, 3.0], "s": ["a", None, "b", "b"],
                       "c": pd.Categorical(["u", "v", None, "v"])})
    a, b, A, B = _both(dict(strategy="most_frequent", missing_values=np.nan), df[["n", "c"]])
    assert_array_equal(A, B)
    a, b, A, B = _both(dict(strategy="median"), df[["n"]])
    assert_array_equal(A, B)
    out = sl.SimpleImputer(strategy="mean").set_output(transform="pandas").fit_transform(df[["n"]])
    ref = sk.SimpleImputer(strategy="mean").set_output(transform="pandas").fit_transform(df[["n"]])
    pd.testing.assert_frame_equal(out, ref)


def test_bad_input(rng):
    with pytest.raises(ValueError, match="Cannot use mean strategy with non-numeric data"):
        sl.SimpleImputer().fit(np.array([["a"], ["b"]], dtype=object))
    with pytest.raises(ValueError, match="Cannot use median strategy with non-numeric data"):
        sl.SimpleImputer(strategy="median").fit([["a", 1.0]])
    with pytest.raises(ValueError, match="infinity"):
        sl.SimpleImputer().fit(np.array([[1.0], [np.inf]]))
    with pytest.raises(ValueError, match="contains NaN"):
        sl.SimpleImputer(missing_values=0).fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="cannot be cast to the input data"):
        sl.SimpleImputer(strategy="constant", fill_value="x").fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="expecting 1 features"):
        sl.SimpleImputer().fit([[1.0], [2.0]]).transform([[1.0, 2.0]])
    with pytest.raises(ValueError, match="add_indicator=True"):
        sl.SimpleImputer().fit([[1.0]]).inverse_transform([[1.0]])


@pytest.mark.parametrize("features", ["missing-only", "all"])
def test_missing_indicator(features, rng):
    X = _data(rng)
    X[:, 0] = 1.0
    a = sl.MissingIndicator(features=features).fit(X)
    b = sk.MissingIndicator(features=features).fit(X)
    assert_array_equal(a.transform(X), b.transform(X))
    assert_array_equal(a.features_, b.features_)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert_array_equal(sl.MissingIndicator(features=features).fit_transform(X),
                       sk.MissingIndicator(features=features).fit_transform(X))
    if features == "missing-only":
        Xn = X.copy()
        Xn[0, 0] = np.nan
        with pytest.raises(ValueError, match=r"The features \[0\] have missing values in transform"):
            a.transform(Xn)
    Xo = np.array([["a", None], [None, "b"]], dtype=object)
    assert_array_equal(sl.MissingIndicator(missing_values=None).fit_transform(Xo),
                       sk.MissingIndicator(missing_values=None).fit_transform(Xo))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("marker", [np.nan, -1, 0.5, 0.1])
@pytest.mark.parametrize("where", ["spread", "late", "none"])
def test_indicator_features_from_the_core_scan(dtype, marker, where, rng):
    """MissingIndicator's fit and SimpleImputer(add_indicator) take the columns holding a missing
    value from the core's scan (which stops once every column has been seen missing): the same
    features_ and indicators as scikit-learn's mask, when every column has one early ("spread"),
    when one column's only missing entry is in the last row, past the scan's checkpoints ("late"),
    and with columns that have none. 0.1 is a marker float32 cannot hold: as in numpy's X == 0.1
    (scikit-learn's mask), the entries equal to float32(0.1) are the missing ones, for the
    statistics and the fill too."""
    n, d = 203, 7
    X = rng.randn(n, d).round(1).astype(dtype)
    X[X == dtype(marker)] = 2.0
    put = rng.rand(n, d) < 0.2
    if where == "late":
        put[:, 4] = False
        put[n - 1, 4] = True
    if where == "none":
        put[:, [1, 5]] = False
    X[put] = dtype(marker)
    a = sl.MissingIndicator(missing_values=marker).fit(X)
    b = sk.MissingIndicator(missing_values=marker).fit(X)
    assert_array_equal(a.features_, b.features_)
    assert a.features_.size == (d if where != "none" else d - 2)
    assert_array_equal(a.transform(X), b.transform(X))
    kw = {"strategy": "median", "add_indicator": True, "missing_values": marker}
    ia, ib, ta, tb = _both(kw, X)
    assert_array_equal(ia.indicator_.features_, ib.indicator_.features_)
    assert_allclose(ta, tb)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("extra", [{}, {"add_indicator": True}, {"keep_empty_features": True}], ids=str)
def test_knn_imputer_matches_sklearn(weights, extra, rng):
    X = rng.randn(120, 5)
    X[rng.rand(120, 5) < 0.2] = np.nan
    X[:, 4] = np.nan
    X[0, :4] = np.nan  # a row with nothing in common with anyone: the column means
    Xt = rng.randn(30, 5)
    Xt[rng.rand(30, 5) < 0.3] = np.nan
    kw = dict(n_neighbors=3, weights=weights, **extra)
    a, b = sl.KNNImputer(**kw).fit(X), sk.KNNImputer(**kw).fit(X)
    assert_allclose(a.transform(X), b.transform(X), rtol=1e-10, atol=1e-12)
    assert_allclose(a.transform(Xt), b.transform(Xt), rtol=1e-10, atol=1e-12)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())


def test_knn_imputer_value_marker_and_errors(rng):
    X = rng.randint(0, 4, (40, 3)).astype(float)
    a, b = sl.KNNImputer(missing_values=0), sk.KNNImputer(missing_values=0)
    assert_allclose(a.fit_transform(X), b.fit_transform(X))
    with pytest.raises(ValueError, match="infinity"):
        sl.KNNImputer().fit(np.array([[1.0, np.inf], [2.0, 3.0]]))
    with pytest.raises(ValueError, match="expecting 3 features"):
        sl.KNNImputer().fit(X).transform(X[:, :2])
