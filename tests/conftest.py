import os

import numpy as np
import pytest

# Keep thread counts predictable in the test run (2-core CI); tests that compare n_jobs pass them
# explicitly.
os.environ.setdefault("OMP_NUM_THREADS", "2")


@pytest.fixture
def rng():
    return np.random.RandomState(0)
