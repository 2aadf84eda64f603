"""Input validation shared by every estimator."""

import warnings

import numpy as np
import pytest

from scratchlearn.utils.multiclass import check_classification_targets, type_of_target
from scratchlearn.utils.parallel import n_threads as resolve_n_jobs
from scratchlearn.utils.validation import (
    check_array,
    check_random_state,
    check_sample_weight,
    validate_data,
)
from scratchlearn.neighbors import KNeighborsRegressor


def test_dtypes_and_order():
    a = check_array(np.asfortranarray(np.ones((3, 2), dtype=np.float32)))
    assert a.dtype == np.float32 and a.flags.c_contiguous
    assert check_array([[1, 2], [3, 4]]).dtype == np.float64
    assert check_array(np.array([[True, False]])).dtype == np.float64
    assert check_array(np.array([[1, 2]], dtype=object)).dtype == np.float64
    strided = np.arange(24.0).reshape(4, 6)[:, ::2]
    out = check_array(strided)
    assert out.flags.c_contiguous and np.array_equal(out, strided)
    base = np.ones((4, 3))
    assert check_array(base) is base  # no copy when nothing needs converting


def test_dataframe_float32_stays_float32():
    import pandas as pd
    df = pd.DataFrame({"a": np.ones(3, np.float32), "b": np.zeros(3, np.float32)})
    assert check_array(df).dtype == np.float32
    df64 = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    assert check_array(df64).dtype == np.float64


@pytest.mark.parametrize(
    "X,exc,match",
    [
        ([[np.nan]], ValueError, "Input X contains NaN"),
        ([[np.inf]], ValueError, "Input X contains infinity"),
        ([[-np.inf, 1.0]], ValueError, "Input X contains infinity"),
        ([["x"]], ValueError, "non-numeric"),
        ([[1j]], ValueError, "Complex data not supported"),
        (3.0, ValueError, "Expected 2D array, got scalar array"),
        ([1.0], ValueError, "Expected 2D array, got 1D array"),
        (np.zeros((1, 1, 1)), ValueError, "Found array with dim 3"),
        (np.zeros((0, 2)), ValueError, r"Found array with 0 sample\(s\) \(shape=\(0, 2\)\)"),
        (np.zeros((2, 0)), ValueError, r"Found array with 0 feature\(s\) \(shape=\(2, 0\)\)"),
        (None, ValueError, "Expected X to be array-like, got None"),
    ],
)
def test_rejections(X, exc, match):
    with pytest.raises(exc, match=match):
        check_array(X)


def test_sparse_rejected_with_clear_message():
    import scipy.sparse as sp
    with pytest.raises(TypeError, match="Sparse data was passed for X.*dense data is required"):
        check_array(sp.csr_matrix(np.eye(3)))
    out = check_array(sp.csc_matrix(np.eye(3)), accept_sparse=True)
    assert out.format == "csr"


def test_feature_count_and_names_checked():
    import pandas as pd
    X = np.random.RandomState(0).randn(10, 3)
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    reg = KNeighborsRegressor(n_neighbors=2).fit(df, np.arange(10.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg.predict(df)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        reg.predict(X)
    with pytest.raises(ValueError, match="The feature names should match those that were passed during fit"):
        reg.predict(df[["c", "b", "a"]])
    reg2 = KNeighborsRegressor(n_neighbors=2).fit(X, np.arange(10.0))
    with pytest.warns(UserWarning, match="X has feature names, but KNeighborsRegressor was fitted without"):
        reg2.predict(df)
    with pytest.raises(ValueError, match="X has 2 features, but KNeighborsRegressor is expecting 3"):
        reg2.predict(X[:, :2])


def test_type_of_target():
    assert type_of_target([0, 1, 1]) == "binary"
    assert type_of_target(["a", "b", "c"]) == "multiclass"
    assert type_of_target([0.5, 1.0]) == "continuous"
    assert type_of_target([[0, 1], [2, 0]]) == "multiclass-multioutput"
    assert type_of_target([[0.5, 1], [2, 0]]) == "continuous-multioutput"
    assert type_of_target([1.0, 2.0, 3.0]) == "multiclass"
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        check_classification_targets([0.1, 0.2])


def test_sample_weight():
    X = np.zeros((3, 2), dtype=np.float32)
    assert check_sample_weight(None, X).dtype == np.float32
    assert np.array_equal(check_sample_weight(2, X), [2, 2, 2])
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(2,\), expected \(3,\)"):
        check_sample_weight([1, 2], X)
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        check_sample_weight([1, -2, 1], X)


def test_n_jobs_and_random_state():
    assert resolve_n_jobs(3) == 3
    assert resolve_n_jobs(None) >= 1
    assert resolve_n_jobs(-1) == resolve_n_jobs(None)
    with pytest.raises(ValueError, match="n_jobs == 0"):
        resolve_n_jobs(0)
    with pytest.raises(ValueError, match="n_jobs must be None or a non-zero integer"):
        resolve_n_jobs("all")
    assert check_random_state(3).randint(100) == np.random.RandomState(3).randint(100)
    with pytest.raises(ValueError, match="random_state must be None, an int"):
        check_random_state("seed")


def test_validate_data_records_n_features():
    class Dummy:
        pass

    d = Dummy()
    X, y = validate_data(d, [[1, 2], [3, 4]], [0, 1])
    assert d.n_features_in_ == 2
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        validate_data(d, [[1, 2], [3, 4]], [0, 1, 2])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_large_arrays_checked_in_the_core(dtype, order):
    from scratchlearn import _core

    X = np.asarray(np.random.RandomState(0).randn(700, 300), dtype=dtype, order=order)
    assert X.size >= 1 << 16  # the core's path
    assert check_array(X) is not None
    assert _core.validation.nonfinite_kind(X, 2) == 0
    for where in [(0, 0), (350, 150), (699, 299)]:
        Y = X.copy(order=order)
        Y[where] = np.inf
        assert _core.validation.nonfinite_kind(Y, 1) == _core.validation.nonfinite_kind(Y, 2) == 2
        with pytest.raises(ValueError, match="Input X contains infinity"):
            check_array(Y)
        Y[where[0], (where[1] + 1) % 300] = np.nan
        assert _core.validation.nonfinite_kind(Y, 2) == 1
        with pytest.raises(ValueError, match="Input X contains NaN"):
            check_array(Y)
    # A strided view takes numpy's path and is checked all the same.
    Z = np.repeat(X, 2, axis=1)[:, ::2]
    Z[3, 4] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        check_array(Z)
    with pytest.raises(ValueError, match="must be contiguous"):
        _core.validation.nonfinite_kind(Z, 2)
    with pytest.raises(ValueError, match="float32 or float64"):
        _core.validation.nonfinite_kind(np.zeros(10, dtype=np.int64), 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_infinity_check_where_nan_is_allowed(dtype, order):
    # the imputers' check: NaN (a missing value) passes, +inf / -inf anywhere fail, in the core's
    # pass for large data and numpy's for small, through assert_no_infinity and the core function
    from scratchlearn import _core
    from scratchlearn.utils.validation import assert_no_infinity

    rng = np.random.RandomState(1)
    for shape in [(700, 300), (20, 7)]:
        X = np.asarray(rng.randn(*shape), dtype=dtype, order=order)
        X[rng.rand(*shape) < 0.1] = np.nan
        X[0, 0] = np.finfo(dtype).max  # huge but finite
        assert_no_infinity(X)
        if X.size >= 1 << 16:
            assert not _core.validation.any_infinite(X, 2)
        for where in [(0, 1), (shape[0] // 2, shape[1] // 2), (shape[0] - 1, shape[1] - 1)]:
            for v in (np.inf, -np.inf):
                Y = X.copy(order=order)
                Y[where] = v
                with pytest.raises(ValueError, match="Input X contains infinity"):
                    assert_no_infinity(Y)
                if Y.size >= 1 << 16:
                    assert _core.validation.any_infinite(Y, 1) and _core.validation.any_infinite(Y, 2)
    with pytest.raises(ValueError, match="must be contiguous"):
        _core.validation.any_infinite(np.zeros((10, 10), dtype=dtype)[:, ::2], 2)
    with pytest.raises(ValueError, match="float32 or float64"):
        _core.validation.any_infinite(np.zeros(10, dtype=np.int64), 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_infinity_check_on_the_bits_next_to_infinity(dtype):
    # the core tests the bits without the sign against +inf's: the NaNs next to it (the smallest
    # and largest payloads), the largest finite value, zeros, denormals and both infinities, at
    # every position of short and long arrays (the vectorised body and its tail)
    from scratchlearn import _core

    ui = np.uint32 if dtype == np.float32 else np.uint64
    inf_bits = int(np.array(np.inf, dtype=dtype).view(ui))
    sign = 1 << (8 * np.dtype(dtype).itemsize - 1)
    patterns = [inf_bits, inf_bits | sign, inf_bits + 1, (inf_bits + 1) | sign, inf_bits - 1,
                (inf_bits - 1) | sign, (sign - 1), 0, sign, 1]
    for bits in patterns:
        v = np.array(bits, dtype=ui).view(dtype)
        for n in (1, 2, 5, 31, 70001):
            for where in {0, n // 2, n - 1}:
                X = np.full(n, 0.5, dtype=dtype)
                X[where] = v
                assert _core.validation.any_infinite(X, 2) == bool(np.isinf(X).any()), (bits, n, where)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("missing", [None, -1.0, 0.1])
def test_fill_missing_core_every_width(dtype, missing):
    # NaN, and a marker value when one is given (0.1 is not exactly a float32: then only NaN
    # matches in float32), replaced by the column's fill and counted; every width 1..19 covers
    # the vector body and its tail; in place and out of place give the same
    from scratchlearn import _core

    rng = np.random.RandomState(3)
    for d in range(1, 20):
        X = rng.randint(-2, 3, size=(37, d)).astype(dtype) / 10 * 10
        X[rng.rand(37, d) < 0.2] = np.nan
        if missing is not None:
            X[rng.rand(37, d) < 0.2] = dtype(missing)
        fill = rng.randn(d).astype(dtype)
        miss = np.isnan(X)
        if missing is not None and float(dtype(missing)) == missing:
            miss |= X == dtype(missing)
        expected = np.where(miss, fill, X)
        out, count = _core.preprocessing.fill_missing(X, missing, fill, False, 2)
        np.testing.assert_array_equal(out, expected)
        assert count == miss.sum()
        Y = X.copy()
        out2, count2 = _core.preprocessing.fill_missing(Y, missing, fill, True, 1)
        np.testing.assert_array_equal(Y, expected)
        assert count2 == count
