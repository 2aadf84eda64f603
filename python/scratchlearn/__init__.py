"""scratchlearn: scikit-learn's estimators on a small, readable C++17/OpenMP core.

Change an import, keep your code::

    from scratchlearn.neighbors import KNeighborsClassifier

``python -m scratchlearn.bench`` measures the speedup on your machine.
"""

from ._config import show_config
from .base import clone
from .exceptions import ConvergenceWarning, NotFittedError

__version__ = "0.1.0"

__all__ = ["show_config", "clone", "NotFittedError", "ConvergenceWarning", "__version__"]
