"""scratchlearn: scikit-learn's estimators on a small, readable C++17/OpenMP core.

Change an import, keep your code::

    from scratchlearn.neighbors import KNeighborsClassifier

``python -m scratchlearn.bench`` measures the speedup on your machine.
"""

# How long an idle OpenMP thread spins before it sleeps. libgomp reads this once, when the
# runtime is loaded (by the first import of the core, just below). Its default (300,000 spins,
# 1-5 ms of PAUSE loops here) keeps a team hot across the short serial gaps between a fit's
# parallel regions, but on a busy machine, or with several fits on Python threads at once
# (GridSearchCV's n_jobs), the spinning threads take cores the working ones need: measured with
# three busy processes on the 2 cores, GridSearchCV over KNN took 1.2 s at the default and
# 0.8 s at 100,000 spins, large-k KMeans 0.44 s and 0.33 s. Shorter counts cost idle-machine
# speed instead: at 10,000 spins (well under 0.1 ms) a logistic regression or a lasso path ran
# 2.4x slower, as its team fell asleep between regions and each wake-up cost 30-230 us. At
# 100,000 the idle figures equal the default's. It is set only for the load of our runtime and
# removed at once (scikit-learn's or any other copy of the runtime is not affected), and never
# if the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT.
_SPIN_DEFAULT = "100000"


def _load_core():
    import os

    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        from . import _core  # noqa: F401
        return None
    os.environ["GOMP_SPINCOUNT"] = _SPIN_DEFAULT
    try:
        from . import _core  # noqa: F401
    finally:
        del os.environ["GOMP_SPINCOUNT"]
    return _SPIN_DEFAULT


_omp_spin_set = _load_core()

from ._config import show_config  # noqa: E402
from .base import clone  # noqa: E402
from .exceptions import ConvergenceWarning, NotFittedError  # noqa: E402

__version__ = "0.1.0"

__all__ = ["show_config", "clone", "NotFittedError", "ConvergenceWarning", "__version__"]
