"""Threads: the one place where ``n_jobs`` becomes the ``n_threads`` every core call takes."""

from __future__ import annotations

import numbers
import os

__all__ = ["n_threads", "cpu_count", "thread_budget"]


def cpu_count():
    """The threads an OpenMP region of the core uses by default (honours OMP_NUM_THREADS)."""
    global _default_threads
    if _default_threads is None:
        try:
            from .. import _core

            _default_threads = _core.default_threads
        except Exception:  # pragma: no cover - core missing
            return os.cpu_count() or 1
    return max(1, int(_default_threads()))


_default_threads = None  # the core's function, looked up once


def n_threads(n_jobs=None):
    """Threads for the core: None or -1 = all (honouring OMP_NUM_THREADS), k > 0 = k,
    -2 = all but one, and so on. 0 and non-integers are rejected."""
    if n_jobs is None:
        return budgeted(cpu_count())
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise ValueError(f"n_jobs must be None or a non-zero integer, got {n_jobs!r}.")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, -1 (all cores) or a positive count.")
    if n_jobs < 0:
        return budgeted(max(1, cpu_count() + 1 + n_jobs))
    return budgeted(n_jobs)


# ---- thread budgets: concurrent fits share the cores --------------------------------------------

import contextlib as _contextlib
import threading as _threading

_budget = _threading.local()


@_contextlib.contextmanager
def thread_budget(k):
    """Within this block, on this Python thread, every core call uses at most ``k`` threads
    (a search running fits on several Python threads gives each its share of the cores)."""
    previous = getattr(_budget, "value", None)
    _budget.value = max(1, int(k))
    try:
        yield
    finally:
        _budget.value = previous


def budgeted(threads):
    """``threads`` capped by the budget of the calling Python thread (see thread_budget)."""
    # (The thread-local's __dict__: getattr with a default costs an AttributeError, about
    # 0.3 us, whenever no budget is set, which is on every call but inside searches.)
    cap = _budget.__dict__.get("value")
    return threads if cap is None else max(1, min(threads, cap))
