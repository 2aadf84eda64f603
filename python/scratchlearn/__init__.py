"""scratchlearn: scikit-learn's estimators on a small, readable C++17/OpenMP core.

Change an import, keep your code::

    from scratchlearn.neighbors import KNeighborsClassifier

``python -m scratchlearn.bench`` measures the speedup on your machine.
"""

# How long an idle OpenMP thread spins before it sleeps. libgomp reads this once, when the
# runtime is loaded (by the first import of the core, just below), and its default (300,000
# spins: 15-20 ms on CPUs whose PAUSE instruction takes ~140 cycles) is a poor fit for the
# machines this library runs on: on a virtual machine a long-spinning thread is descheduled
# by the hypervisor's pause-loop exits, and on a busy machine a spinning thread that was
# preempted makes the whole team wait a scheduler slice. Both made one short parallel region
# cost 4-16 ms instead of microseconds. 10,000 spins (about 0.5 ms) keeps back-to-back regions
# hot and puts an idle team to sleep, so it is woken at once. It is set only for the load of
# our runtime and restored at once (scikit-learn's or any other copy of the runtime is not
# affected), and never if the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT.
_SPIN_DEFAULT = "10000"


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
