"""Scalers, normalisers and their functions against scikit-learn: random and real data, NaN,
float32 and float64, partial_fit, sample weights, the core kernels, bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import datasets
from sklearn import preprocessing as sk

from scratchlearn import _core
from scratchlearn import preprocessing as sl
from scratchlearn.exceptions import NotFittedError

DTYPES = [np.float64, np.float32]


def _tol(dtype):
    return dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)


def _data(rng, n=300, d=6, nan=0.0, dtype=np.float64):
    X = (rng.randn(n, d) * (1 + 3 * rng.rand(d)) + 5 * rng.randn(d)).astype(dtype)
    if nan:
        X[rng.rand(n, d) < nan] = np.nan
    return X


SCALERS = [
    (sl.StandardScaler, sk.StandardScaler, {}),
    (sl.StandardScaler, sk.StandardScaler, {"with_mean": False}),
    (sl.StandardScaler, sk.StandardScaler, {"with_std": False}),
    (sl.MinMaxScaler, sk.MinMaxScaler, {}),
    (sl.MinMaxScaler, sk.MinMaxScaler, {"feature_range": (-2, 3), "clip": True}),
    (sl.MaxAbsScaler, sk.MaxAbsScaler, {}),
    (sl.RobustScaler, sk.RobustScaler, {}),
    (sl.RobustScaler, sk.RobustScaler, {"quantile_range": (10.0, 80.0), "unit_variance": True}),
    (sl.RobustScaler, sk.RobustScaler, {"with_centering": False}),
]
ATTRS = ["mean_", "var_", "scale_", "n_samples_seen_", "min_", "data_min_", "data_max_",
         "data_range_", "max_abs_", "center_"]


@pytest.mark.parametrize("ours, ref, kw", SCALERS, ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nan", [0.0, 0.1])
def test_scalers_match_sklearn(ours, ref, kw, dtype, nan, rng):
    X = _data(rng, nan=nan, dtype=dtype)
    X_new = _data(rng, n=50, nan=nan, dtype=dtype)
    a, b = ours(**kw), ref(**kw)
    A, B = a.fit_transform(X), b.fit_transform(X)
    assert A.dtype == B.dtype == dtype
    assert_allclose(A, B, **_tol(dtype))
    assert_array_equal(np.isnan(A), np.isnan(X))
    assert_allclose(a.transform(X_new), b.transform(X_new), **_tol(dtype))
    assert_allclose(a.inverse_transform(A), b.inverse_transform(B), **_tol(dtype))
    for attr in ATTRS:
        if hasattr(b, attr):
            va, vb = getattr(a, attr), getattr(b, attr)
            if vb is None:
                assert va is None, attr
            else:
                assert_allclose(va, vb, **_tol(dtype), err_msg=attr)
                assert np.asarray(va).dtype == np.asarray(vb).dtype or attr == "n_samples_seen_", attr
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())


@pytest.mark.parametrize("dtype", DTYPES)
def test_standard_scaler_partial_fit_and_weights(dtype, rng):
    X = _data(rng, n=400, nan=0.05, dtype=dtype)
    a, b = sl.StandardScaler(), sk.StandardScaler()
    for chunk in np.array_split(X, 5):
        a.partial_fit(chunk)
        b.partial_fit(chunk)
    assert_allclose(a.mean_, b.mean_, **_tol(dtype))
    assert_allclose(a.var_, b.var_, **_tol(dtype))
    assert_allclose(a.n_samples_seen_, b.n_samples_seen_)
    w = rng.rand(X.shape[0])
    a = sl.StandardScaler().fit(X, sample_weight=w)
    b = sk.StandardScaler().fit(X, sample_weight=w)
    for attr in ("mean_", "var_", "scale_", "n_samples_seen_"):
        assert_allclose(getattr(a, attr), getattr(b, attr), **_tol(dtype))
    # no NaN: a plain integer count
    a = sl.StandardScaler().fit(_data(rng))
    assert a.n_samples_seen_ == 300


def test_minmax_maxabs_partial_fit(rng):
    X = _data(rng, n=200)
    for ours, ref in ((sl.MinMaxScaler, sk.MinMaxScaler), (sl.MaxAbsScaler, sk.MaxAbsScaler)):
        a, b = ours(), ref()
        for chunk in np.array_split(X, 4):
            a.partial_fit(chunk)
            b.partial_fit(chunk)
        assert_allclose(a.transform(X), b.transform(X))
        assert a.n_samples_seen_ == b.n_samples_seen_


def test_real_data_and_constant_columns():
    X = datasets.load_diabetes().data.copy()
    X[:, 2] = 3.0  # a constant column keeps scale 1
    for ours, ref in ((sl.StandardScaler, sk.StandardScaler), (sl.RobustScaler, sk.RobustScaler),
                      (sl.MinMaxScaler, sk.MinMaxScaler), (sl.MaxAbsScaler, sk.MaxAbsScaler)):
        assert_allclose(ours().fit_transform(X), ref().fit_transform(X), rtol=1e-10, atol=1e-12)


def test_all_nan_column_and_copy(rng):
    X = _data(rng, n=50)
    X[:, 1] = np.nan
    with np.errstate(all="ignore"):
        ref = sk.StandardScaler().fit(X)
    ours = sl.StandardScaler().fit(X)
    assert np.isnan(ours.mean_[1]) and np.isnan(ref.mean_[1])
    Xc = X.copy()
    out = sl.StandardScaler(copy=False).fit(Xc).transform(Xc)
    assert out is Xc or np.shares_memory(out, Xc)
    out2 = sl.StandardScaler().fit(X).transform(X)
    assert not np.shares_memory(out2, X)


def test_large_blocks_and_threads(rng):
    # several row blocks of the moments pass and the column band of the quantile selection
    X = _data(rng, n=40000, d=9, nan=0.02)
    for ours, ref in ((sl.StandardScaler, sk.StandardScaler), (sl.RobustScaler, sk.RobustScaler)):
        assert_allclose(ours().fit_transform(X), ref().fit_transform(X), rtol=1e-9, atol=1e-11)
    r1 = _core.preprocessing.moments(X, None, None, 1)
    r2 = _core.preprocessing.moments(X, None, None, 2)
    for a, b in zip(r1, r2):
        assert_array_equal(a, b)
    q1 = _core.preprocessing.quantiles(X, np.array([0.1, 0.5, 0.9]), None, False, 1)
    q2 = _core.preprocessing.quantiles(X, np.array([0.1, 0.5, 0.9]), None, False, 2)
    assert_array_equal(q1, q2)
    assert_array_equal(q1, np.nanpercentile(X, [10, 50, 90], axis=0))


@pytest.mark.parametrize("n", [3000, 50000, 300000])
def test_quantile_band_fallback_on_adversarial_order(n, isa):
    # sorted columns, few distinct values, a periodic column: the band placement may miss and the
    # exact fallback answers; the result is numpy's every time (n = 300000 takes the row-sampled
    # band over the whole array, n = 50000 the band of each gathered column)
    X = np.stack([np.arange(n, dtype=float), np.tile([0.0, 1.0, 2.0], n // 3 + 1)[:n],
                  np.where(np.arange(n) % 4096 == 2048, 1e9, 0.0), np.ones(n)], axis=1)
    for q in ([0.5], [0.25, 0.75], [0.0, 1.0]):
        assert_array_equal(_core.preprocessing.quantiles(X, np.array(q), None, False, 2),
                           np.percentile(X, np.array(q) * 100, axis=0))
    assert_array_equal(_core.preprocessing.quantiles(X, np.array([0.5]), None, True, 2)[0],
                       np.median(X, axis=0))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [511, 512, 1023, 1024, 1025, 1500, 4095, 4096, 9000])
def test_quantile_column_band_sizes_and_orders(n, dtype, isa):
    # up to 1024 rows each gathered column is selected by the quickselect (its band only from
    # 16384 values); above 1024 rows, with at most four
    # quantiles, a band placed from ~4·sqrt(n) sampled rows is kept in one pass and then selected
    # through its own sampled band (with more quantiles the columns are gathered): exact at the
    # edges of those sizes, for random, sorted, reversed, duplicated, infinite and missing-laden
    # columns, at ranks near both ends; on every kernel path (the vector band pass and split give
    # the portable loops' parts value for value)
    rng = np.random.default_rng(n)
    cols = [rng.standard_normal(n), np.arange(n, dtype=float), np.arange(n, dtype=float)[::-1],
            rng.integers(0, 5, n).astype(float), np.where(rng.random(n) < 0.3, np.inf, rng.random(n)),
            np.where(rng.random(n) < 0.3, -np.inf, rng.standard_normal(n)),
            np.repeat(rng.standard_normal(n // 8 + 1), 8)[:n], np.sin(np.arange(n) * 0.01)]
    X = np.stack(cols, axis=1).astype(dtype)
    Xm = X.copy()
    Xm[rng.random(X.shape) < 0.1] = np.nan
    qsets = [np.array([0.0, 0.001, 0.1, 0.5, 0.77, 0.999, 1.0]), np.array([0.001, 0.5, 0.999]),
             np.array([0.25, 0.75])]
    finite = [0, 1, 2, 3, 6, 7]  # numpy's lerp turns an infinite end into NaN: compared by median only
    for A in (X, Xm):
        for q in qsets:
            got = _core.preprocessing.quantiles(A, q, None, False, 2)
            assert_array_equal(got[:, finite], np.nanquantile(A[:, finite].astype(np.float64), q, axis=0))
        med = _core.preprocessing.quantiles(A, np.array([0.5]), None, True, 1)[0]
        assert_array_equal(med, np.nanmedian(A, axis=0))
    # a missing value marker other than NaN is skipped the same way
    Xv = np.where(np.isnan(Xm), -7.0, Xm).astype(dtype)
    assert_array_equal(_core.preprocessing.quantiles(Xv, np.array([0.5]), -7.0, True, 2)[0],
                       np.nanmedian(Xm, axis=0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_quantile_selection_small_sizes_and_ties(dtype):
    # the selection (an out-of-place quickselect, a sort from 24 values down): every size from 1
    # to 70 present values and a few larger ones, with heavy ties (the pivot often the smallest
    # value, which splits off its equals), all-equal and two-valued columns, and ranks at both
    # ends and either side of a split
    rng = np.random.default_rng(7)
    q = np.array([0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0])
    for n in list(range(1, 71)) + [97, 255, 1000, 3001]:
        cols = [rng.standard_normal(n), rng.integers(0, 3, n).astype(float), np.full(n, 2.5),
                np.where(rng.random(n) < 0.9, 0.0, 1.0), np.sort(rng.integers(0, 4, n)).astype(float),
                -np.arange(n, dtype=float)]
        X = np.stack(cols, axis=1).astype(dtype)
        assert_array_equal(_core.preprocessing.quantiles(X, q, None, False, 2),
                           np.quantile(X.astype(np.float64), q, axis=0))
        assert_array_equal(_core.preprocessing.quantiles(X, np.array([0.5]), None, True, 1)[0],
                           np.median(X, axis=0))


@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_normalizer_binarizer_functions(norm, dtype, rng):
    X = _data(rng, dtype=dtype)
    X[3] = 0
    assert_allclose(sl.Normalizer(norm=norm).fit_transform(X), sk.Normalizer(norm=norm).fit_transform(X),
                    **_tol(dtype))
    assert_allclose(sl.normalize(X, norm=norm, axis=0), sk.normalize(X, norm=norm, axis=0), **_tol(dtype))
    Xn, n1 = sl.normalize(X, norm=norm, return_norm=True)
    _, n2 = sk.normalize(X, norm=norm, return_norm=True)
    assert_allclose(n1, n2, **_tol(dtype))
    assert_array_equal(sl.Binarizer(threshold=0.5).fit_transform(X), sk.Binarizer(threshold=0.5).fit_transform(X))
    assert_array_equal(sl.binarize(X, threshold=1.0), sk.binarize(X, threshold=1.0))
    assert_allclose(sl.scale(X), sk.scale(X), **_tol(dtype))
    assert_allclose(sl.scale(X, axis=1), sk.scale(X, axis=1), **_tol(dtype))
    assert_allclose(sl.minmax_scale(X, (1, 2)), sk.minmax_scale(X, (1, 2)), **_tol(dtype))
    assert_allclose(sl.maxabs_scale(X), sk.maxabs_scale(X), **_tol(dtype))
    assert_allclose(sl.robust_scale(X), sk.robust_scale(X), **_tol(dtype))
    assert_allclose(sl.scale(X[:, 0]), sk.scale(X[:, 0]), **_tol(dtype))


def test_bad_input_messages(rng):
    X = _data(rng, n=20)
    with pytest.raises(ValueError, match="infinity"):
        sl.StandardScaler().fit(np.where(X > 6, np.inf, X))
    with pytest.raises(ValueError, match="infinity"):
        sl.StandardScaler().fit(X).transform(np.full_like(X, np.inf))
    with pytest.raises(ValueError, match="infinity"):
        sl.MinMaxScaler().fit(np.where(X > 6, -np.inf, X))
    with pytest.raises(ValueError, match="infinity"):
        sl.RobustScaler().fit(np.where(X > 6, np.inf, X))
    with pytest.raises(ValueError, match="numbers only|could not convert"):
        sl.StandardScaler().fit(np.array([["a", 1.0], ["b", 2.0]], dtype=object))
    with pytest.raises(ValueError, match="Minimum of desired feature range must be smaller"):
        sl.MinMaxScaler(feature_range=(2, 1)).fit(X)
    with pytest.raises(ValueError, match="Invalid quantile range"):
        sl.RobustScaler(quantile_range=(80.0, 20.0)).fit(X)
    with pytest.raises(ValueError, match="expecting 6 features"):
        sl.StandardScaler().fit(X).transform(X[:, :3])
    with pytest.raises(NotFittedError):
        sl.StandardScaler().transform(X)
    with pytest.raises(ValueError, match="2D array"):
        sl.StandardScaler().fit(X[:, 0])
    with pytest.raises(TypeError, match="dense data is required"):
        import scipy.sparse as sp

        sl.StandardScaler().fit(sp.csr_matrix(X))
    with pytest.raises(ValueError, match="must be a float32 or float64 array"):
        _core.preprocessing.moments(X.astype(np.int64), None, None, 1)
    with pytest.raises(ValueError, match="quantiles must be in"):
        _core.preprocessing.quantiles(X, np.array([1.5]), None, False, 1)


def test_pandas_input_and_set_output(rng):
    import pandas as pd

    X = _data(rng, n=40, d=3)
    df = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(40) * 2)
    a = sl.StandardScaler().set_output(transform="pandas")
    out = a.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b", "c"] and (out.index == df.index).all()
    assert_allclose(out.to_numpy(), sk.StandardScaler().fit_transform(df))
    assert_array_equal(a.feature_names_in_, ["a", "b", "c"])
    with pytest.warns(UserWarning, match="feature names"):
        a.transform(X)
    assert isinstance(sl.StandardScaler().fit_transform(df), np.ndarray)
    with pytest.raises(ValueError, match="output config must be"):
        sl.StandardScaler().set_output(transform="arrow")
