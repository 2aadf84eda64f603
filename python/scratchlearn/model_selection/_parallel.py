"""How the fits of a search or a cross-validation run: serially, on Python threads in this
process, or on a joblib backend (loky, threading, dask, ...) when the user asks for one.

Threads are the default for n_jobs > 1: scratchlearn's estimators release the GIL in the core, so
fits on several Python threads really run at once. The cores are divided between them: with
w concurrent fits each runs under a thread budget of max(1, cores // w) OpenMP threads
(utils.parallel.thread_budget), and the BLAS / OpenMP pools of other libraries (a scikit-learn
estimator in the search) are limited the same way through threadpoolctl when it is installed, so
the machine is never oversubscribed.

joblib is used only when asked for: ``backend="loky"`` (or any joblib backend name) on the
search, or an active ``joblib.parallel_backend(...)`` / ``joblib.parallel_config(backend=...)``
context, which is how a search runs on a Dask cluster (``parallel_backend("dask")`` with a
dask.distributed Client). joblib is optional (the ``dask`` extra brings it).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

from ..utils.parallel import cpu_count, thread_budget

_THREAD_NAMES = {None, "threads", "threading"}


def _active_joblib_backend():
    """(backend, n_jobs) of a joblib backend the user activated in a context, else None."""
    try:
        import joblib.parallel as jp
    except ImportError:
        return None
    config = getattr(getattr(jp, "_backend", None), "config", None)
    if not config:
        return None
    backend, n_jobs = config.get("backend"), config.get("n_jobs")
    if backend is None or type(backend).__name__ == "_Sentinel":
        return None
    if type(n_jobs).__name__ == "_Sentinel":
        n_jobs = None
    return backend, n_jobs


def _n_workers(n_jobs, n_tasks):
    cores = cpu_count()
    if n_jobs is None:
        n = 1
    elif n_jobs < 0:
        n = max(1, cores + 1 + n_jobs)
    else:
        n = int(n_jobs)
    return max(1, min(n, n_tasks))


@contextlib.contextmanager
def _limit_other_pools(per_fit):
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=per_fit):
        yield


def run_tasks(func, tasks, n_jobs=None, backend=None, pre_dispatch="2*n_jobs"):
    """[func(*t) for t in tasks], in order, run as the module docstring says."""
    tasks = list(tasks)
    active = _active_joblib_backend() if backend is None else None
    if (backend not in _THREAD_NAMES) or active is not None:
        import joblib

        if active is not None and n_jobs is None:
            n_jobs = active[1] if active[1] is not None else -1
        if backend not in _THREAD_NAMES:
            # A backend named here is activated as a context (as the user would), which builds
            # it with its own defaults (joblib's dask backend needs that).
            with joblib.parallel_config(backend=backend):
                return joblib.Parallel(n_jobs=n_jobs if n_jobs is not None else -1,
                                       pre_dispatch=pre_dispatch)(
                    joblib.delayed(func)(*t) for t in tasks)
        return joblib.Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch)(
            joblib.delayed(func)(*t) for t in tasks)
    workers = _n_workers(n_jobs, len(tasks))
    if workers == 1:
        return [func(*t) for t in tasks]
    per_fit = max(1, cpu_count() // workers)

    def budgeted(t):
        with thread_budget(per_fit):
            return func(*t)

    with _limit_other_pools(per_fit), ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(budgeted, tasks))
