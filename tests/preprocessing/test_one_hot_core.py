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
