"""Python threads calling scratchlearn at once: every public estimator (found by walking the
package) fitted from four threads at the same time gives bit for bit what a serial fit gives, each
thread on its own data and all on the same data; and OpenMP coexists with threadpoolctl: it reports
our runtime, and its limits reach our core.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from _estimators import ESTIMATORS, ESTIMATOR_IDS, fit, fitted_state, make, outputs, problem
from scratchlearn import _core

N_THREADS = 4
pytestmark = pytest.mark.filterwarnings("ignore")  # warnings of fits in threads (small max_iter)


def _without_timings(value):
    """A search's fitted state without its wall-clock measurements (cv_results_' mean / std
    fit and score times, refit_time_), which no two fits share."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items()
                if not (isinstance(k, str) and (k.endswith("_time") or k.endswith("_time_")))}
    return value


def _fit_and_predict(cls, seed):
    est = make(cls)
    X, y = problem(est, n=60, d=5, seed=seed)
    fit(est, X, y)
    return {**_without_timings(fitted_state(est)), **outputs(est, X)}


def _same_value(va, vb, who):
    """va and vb equal bit for bit: arrays by their bytes, nested estimators (the steps of a
    Pipeline, the fitted transformers of a ColumnTransformer) by their state, containers item by
    item."""
    if isinstance(va, np.ndarray) or isinstance(vb, np.ndarray):
        va, vb = np.asarray(va), np.asarray(vb)
        assert va.dtype == vb.dtype and va.shape == vb.shape, who
        if va.dtype.kind == "O":
            assert len(va.ravel()) == len(vb.ravel()), who
            for x, y in zip(va.ravel(), vb.ravel()):
                _same_value(x, y, who)
        else:
            assert va.tobytes() == vb.tobytes(), f"{who} differs from the serial fit"
    elif hasattr(va, "toarray") and hasattr(vb, "toarray"):  # a sparse output
        _same_value(va.toarray(), vb.toarray(), who)
    elif hasattr(va, "__dict__") and type(va).__module__.startswith("scratchlearn"):
        assert type(va) is type(vb), who
        _assert_same(vars(va), vars(vb), who)
    elif isinstance(va, (list, tuple)):
        assert type(va) is type(vb) and len(va) == len(vb), who
        for i, (x, y) in enumerate(zip(va, vb)):
            _same_value(x, y, f"{who}[{i}]")
    elif isinstance(va, dict):
        _assert_same(va, vb, who)
    elif isinstance(va, float) and va != va:
        assert vb != vb, who
    else:
        assert va == vb, f"{who}: {va!r} != {vb!r}"


def _assert_same(a, b, who):
    assert sorted(a, key=str) == sorted(b, key=str), who
    for key in a:
        _same_value(a[key], b[key], f"{who}: {key}")


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
