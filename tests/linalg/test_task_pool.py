"""The task pool behind the GEMM's threads (cpp/src/task_pool.cpp): every task exactly once,
errors rethrown, concurrent callers, fork. Also run under ThreadSanitizer (.ci/sanitize.sh), with
explicit thread counts so that the pool is used there too."""

import numpy as np
import pytest

from scratchlearn import _core
from scratchlearn.linalg import gemm


@pytest.mark.parametrize("count", [1, 2, 3, 17, 1000])
@pytest.mark.parametrize("n_threads", [1, 2, 8])
def test_task_pool_runs_every_task_once(count, n_threads):
    for _ in range(20):  # many jobs in a row: workers awake, asleep and arriving late
        runs = _core._testing.pool_tasks(count, n_threads).tolist()
        assert runs == [1] * count


def test_task_pool_rethrows_a_task_error_and_recovers():
    with pytest.raises(ValueError, match="task 5 failed"):
        _core._testing.pool_tasks(64, 2, fail_at=5)
    assert _core._testing.pool_tasks(64, 2).tolist() == [1] * 64


def test_task_pool_from_many_python_threads():
    # Concurrent callers: one gets the pool, the others fall back to OpenMP; all results exact.
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(1)
    A = rng.standard_normal((300, 200)).astype(np.float32)
    B = rng.standard_normal((200, 250)).astype(np.float32)
    expect = gemm(A, B, n_jobs=1)
    with ThreadPoolExecutor(4) as ex:
        outs = list(ex.map(lambda _: gemm(A, B, n_jobs=2), range(16)))
    for out in outs:
        np.testing.assert_array_equal(out, expect)


def test_task_pool_survives_fork():
    import os

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    if "libtsan" in os.environ.get("LD_PRELOAD", ""):
        pytest.skip("ThreadSanitizer cannot start threads in the child of a multi-threaded fork")
    assert _core._testing.pool_tasks(32, 2).tolist() == [1] * 32  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # the child: its own pool, the parent's threads are gone
        ok = _core._testing.pool_tasks(32, 2).tolist() == [1] * 32
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_task_pool_groups_more_tasks_than_one_job_holds():
    runs = _core._testing.pool_tasks((1 << 20) + 5, 2)
    assert runs.shape == ((1 << 20) + 5,) and int(runs.min()) == 1 and int(runs.max()) == 1
