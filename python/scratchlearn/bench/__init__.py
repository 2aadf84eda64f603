"""``python -m scratchlearn.bench``: scratchlearn against scikit-learn, side by side, on this machine.

Each family contributes workloads in ``scratchlearn/bench/_<family>.py`` (see ``_common.py``).
"""

from .runner import discover, main, run

__all__ = ["discover", "main", "run"]
