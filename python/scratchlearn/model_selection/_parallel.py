"""How the fits of a search or a cross-validation run: serially, on Python threads in this
process, or on a joblib backend (loky, threading, dask, ...) when the user asks for one.

Threads are the default for n_jobs > 1: scratchlearn's estimators release the GIL in the core, so
fits on several Python threads really run at once. The cores are divided between them: with
w concurrent fits each runs under a thread budget of max(1, cores // w) OpenMP threads
(utils.parallel.thread_budget), and the BLAS / OpenMP pools of other libraries (a scikit-learn
estimator in the search) are limited the same way through threadpoolctl when it is installed, so
the machine is never oversubscribed. BLAS limits are process-wide (set once around the pool);
OpenMP's are per thread (omp_set_num_threads sets the calling thread's own value), so each worker
thread sets its own. The same budget applies when the user picks a thread-based joblib backend.

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
    """Other libraries' BLAS and OpenMP pools at ``per_fit`` threads (BLAS for the process; OpenMP
    for the calling thread only, see _budgeted)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=per_fit):
        yield


def _openmp_controller():
    """threadpoolctl's controller of the loaded OpenMP runtimes, or None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController().select(user_api="openmp")


def _budgeted(func, per_fit, openmp):
    """``func`` run under a budget of ``per_fit`` threads: scratchlearn's core calls
    (thread_budget) and, on this worker thread, the OpenMP runtimes of other libraries (their
    per-thread setting, which a limit set on the calling thread does not reach)."""
    def run(*t):
        with thread_budget(per_fit), (openmp.limit(limits=per_fit) if openmp is not None
                                      else contextlib.nullcontext()):
            return func(*t)
    return run


def _thread_backend_workers(n_jobs, n_tasks):
    """Concurrent tasks of the active joblib backend when it runs them on threads, else None."""
    import joblib.parallel as jp

    backend, default_n_jobs = jp.get_active_backend()
    if not getattr(backend, "uses_threads", False):
        return None
    n = backend.effective_n_jobs(n_jobs if n_jobs is not None else default_n_jobs)
    return max(1, min(int(n), n_tasks))


def run_tasks(func, tasks, n_jobs=None, backend=None, pre_dispatch="2*n_jobs", threads=True):
    """[func(*t) for t in tasks], in order, run as the module docstring says. ``threads=False``:
    tasks that would run on this process's threads run in the calling thread instead, one after
    the other, each with all the cores (for tasks whose core calls use the cores themselves and
    whose Python part, holding the GIL, would only contend); a joblib backend is used as ever."""
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
                return _run_joblib(func, tasks, n_jobs if n_jobs is not None else -1,
                                   pre_dispatch)
        return _run_joblib(func, tasks, n_jobs, pre_dispatch)
    workers = _n_workers(n_jobs, len(tasks)) if threads else 1
    if workers == 1:
        return [func(*t) for t in tasks]
    per_fit = max(1, cpu_count() // workers)
    run = _budgeted(func, per_fit, _openmp_controller())
    with _limit_other_pools(per_fit), ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda t: run(*t), tasks))


def _run_joblib(func, tasks, n_jobs, pre_dispatch):
    """The tasks on the active joblib backend; a thread-based one (joblib's 'threading') gets
    the cores divided between its workers as our own threads do. Process-based backends limit
    their workers' threads themselves (loky, dask.distributed's workers)."""
    import joblib

    workers = _thread_backend_workers(n_jobs, len(tasks))
    if workers is None or workers == 1:
        return joblib.Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch)(
            joblib.delayed(func)(*t) for t in tasks)
    per_fit = max(1, cpu_count() // workers)
    run = _budgeted(func, per_fit, _openmp_controller())
    with _limit_other_pools(per_fit):
        return joblib.Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch)(
            joblib.delayed(run)(*t) for t in tasks)
