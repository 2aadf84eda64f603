"""Python threads calling scratchlearn at once: every public estimator (found by walking the
package) fitted from four threads at the same time gives bit for bit what a serial fit gives, each
thread on its own data and all on the same data; and OpenMP coexists with threadpoolctl: it reports
our runtime, and its limits reach our core.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from _estimators import MODELS as ESTIMATORS, MODEL_IDS as ESTIMATOR_IDS, fit, fitted_state, make, outputs, problem
from scratchlearn import _core

N_THREADS = 4
pytestmark = pytest.mark.filterwarnings("ignore")  # warnings of fits in threads (small max_iter)


def _fit_and_predict(cls, seed):
    est = make(cls)
    X, y = problem(est, n=60, d=5, seed=seed)
    fit(est, X, y)
    return {**fitted_state(est), **outputs(est, X)}


def _assert_same(a, b, who):
    assert sorted(a) == sorted(b), who
    for key in a:
        va, vb = a[key], b[key]
        if isinstance(va, np.ndarray) or isinstance(vb, np.ndarray):
            va, vb = np.asarray(va), np.asarray(vb)
            assert va.dtype == vb.dtype and va.shape == vb.shape, f"{who}: {key}"
            if va.dtype.kind == "O":
                assert all(x == y for x, y in zip(va.ravel(), vb.ravel())), f"{who}: {key}"
            else:
                assert va.tobytes() == vb.tobytes(), f"{who}: {key} differs from the serial fit"
        elif hasattr(va, "__dict__") and type(va).__module__.startswith("scratchlearn"):
            _assert_same({k: v for k, v in vars(va).items()}, {k: v for k, v in vars(vb).items()},
                         f"{who}: {key}")
        elif isinstance(va, list) and va and isinstance(va[0], np.ndarray):
            assert len(va) == len(vb) and all(x.tobytes() == y.tobytes() for x, y in zip(va, vb)), key
        elif isinstance(va, float) and va != va:
            assert vb != vb, f"{who}: {key}"
        elif isinstance(va, list) and va and hasattr(va[0], "__dict__"):
            assert len(va) == len(vb), key
        else:
            assert va == vb, f"{who}: {key}: {va!r} != {vb!r}"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_four_threads_equal_serial(cls):
    seeds = list(range(N_THREADS))
    serial = [_fit_and_predict(cls, s) for s in seeds]
    with ThreadPoolExecutor(max_workers=N_THREADS) as ex:
        threaded = list(ex.map(lambda s: _fit_and_predict(cls, s), seeds))  # each its own data
        same = list(ex.map(lambda s: _fit_and_predict(cls, 0), seeds))  # all the same data
    for s in seeds:
        _assert_same(serial[s], threaded[s], f"{cls.__name__} seed {s}")
        _assert_same(serial[0], same[s], f"{cls.__name__} shared data, thread {s}")


def _our_openmp():
    return [info for info in threadpool_info() if info["user_api"] == "openmp"]


def test_threadpoolctl_reports_our_openmp_runtime():
    assert _core.have_openmp()
    libs = _our_openmp()
    assert libs, threadpool_info()
    # the runtime _core itself is linked to is among them (its file is mapped in this process)
    with open("/proc/self/maps") as f:
        mapped = f.read()
    assert any(info["filepath"] in mapped for info in libs)
    assert all(info["num_threads"] >= 1 for info in libs)


def test_threadpool_limits_reach_the_core():
    before = _core.default_threads()
    with threadpool_limits(limits=1):
        assert _core.default_threads() == 1
        est = make(ESTIMATORS[0])
        assert est._n_threads() == 1 or "n_jobs" in est.get_params()
    with threadpool_limits(limits=1, user_api="openmp"):
        assert _core.default_threads() == 1
    assert _core.default_threads() == before
