"""The dense one-hot kernel of the core (the ones written into fresh zeros on the task pool),
on its own: every entry, a keep mask, bad arguments. Only numpy and pytest, so the sanitizer
run (.ci/sanitize.sh) runs it."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_hot_core_writes_the_ones_and_checks_its_arguments(dtype):
    from scratchlearn import _core

    r = np.random.RandomState(0)
    cols = np.stack([r.randint(0, 7, 300), 7 + r.randint(0, 5, 300)], axis=1).astype(np.int64)
    keep = (r.rand(300, 2) > 0.3).astype(np.uint8)
    for k, threads in ((None, 1), (keep, 2)):
        out = np.zeros((300, 12), dtype=dtype)
        _core.preprocessing.one_hot(cols, k, out, threads)
        expected = np.zeros((300, 12), dtype=dtype)
        for i in range(300):
            for j in range(2):
                if k is None or k[i, j]:
                    expected[i, cols[i, j]] = 1
        assert_array_equal(out, expected)
    bad = cols.copy()
    bad[5, 1] = 12
    with pytest.raises(ValueError, match="out of range"):
        _core.preprocessing.one_hot(bad, None, np.zeros((300, 12), dtype=dtype), 2)
    keep_bad = np.ones((300, 2), np.uint8)
    keep_bad[5, 1] = 0  # a dropped entry's column is not used
    _core.preprocessing.one_hot(bad, keep_bad, np.zeros((300, 12), dtype=dtype), 2)
    with pytest.raises(ValueError, match="C-contiguous"):
        _core.preprocessing.one_hot(cols, None, np.zeros((12, 300), dtype=dtype).T, 2)
    with pytest.raises(ValueError, match="shape of cols"):
        _core.preprocessing.one_hot(cols, keep[:10], np.zeros((300, 12), dtype=dtype), 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fill_missing_indicator_core_fills_and_marks_in_one_pass(dtype):
    # the filled values then one 0/1 column per requested column (every column in order, a
    # subset, none), with NaN or a marker as the missing value, on 1 and 2 threads; bad columns
    from scratchlearn import _core

    r = np.random.RandomState(1)
    X = r.randn(5000, 7).astype(dtype)
    X[r.rand(5000, 7) < 0.1] = np.nan
    fill = r.randn(7).astype(dtype)
    for columns in (np.arange(7), np.array([0, 3, 6]), np.array([5, 1]), np.zeros(0, np.int64)):
        for threads in (1, 2):
            out, replaced = _core.preprocessing.fill_missing_indicator(X, None, fill,
                                                                       columns.astype(np.int64), threads)
            miss = np.isnan(X)
            assert out.dtype == dtype and out.shape == (5000, 7 + columns.size)
            assert_array_equal(out[:, :7], np.where(miss, fill, X))
            assert_array_equal(out[:, 7:], miss[:, columns].astype(dtype))
            assert replaced == miss.sum()
    Xm = np.where(np.isnan(X), dtype(-3), X)
    out, replaced = _core.preprocessing.fill_missing_indicator(Xm, -3.0, fill, np.arange(7), 2)
    assert_array_equal(out[:, :7], np.where(Xm == -3, fill, Xm))
    assert_array_equal(out[:, 7:], (Xm == -3).astype(dtype))
    with pytest.raises(ValueError, match="out of range"):
        _core.preprocessing.fill_missing_indicator(X, None, fill, np.array([0, 7]), 1)
