import os

import numpy as np
import pytest

# Keep thread counts predictable in the test run (2-core CI); tests that compare n_jobs pass them
# explicitly.
os.environ.setdefault("OMP_NUM_THREADS", "2")

from scratchlearn import _core  # noqa: E402  (after the thread count is set)


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture(params=list(_core.cpu_info()["isa_available"]))
def isa(request):
    """Runs the test on one kernel path (generic, avx2, avx512: each that this CPU runs)."""
    before = _core.get_isa()
    _core.set_isa(request.param)
    yield request.param
    _core.set_isa(before)
