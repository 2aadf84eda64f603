"""Ctrl-C during a long fit: SIGINT returns control with KeyboardInterrupt, promptly, and leaves
no thread running; the process then carries on normally (a second fit works).

Each case runs in a subprocess that starts a fit which would take far longer than the test (a
tolerance of zero and a huge iteration cap), is sent SIGINT once its fit is under way, and reports
what it caught. The test's own timeout only guards against a hang (no timing is asserted).
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

SCRIPT = textwrap.dedent("""
    import sys, threading, time, warnings
    import numpy as np
    warnings.simplefilter("ignore")
    from {module} import {name}
    import scratchlearn.cluster._kmeans as _kmeans
    _kmeans._ELKAN_MIN_FEATURES = 0  # 'elkan' on its bounded pass, whatever the width
    rng = np.random.RandomState(0)
    X = rng.randn({n}, {d})
    y = (X[:, 0] + 0.5 * rng.randn({n}) > 0).astype(int) if {classify} else X @ rng.randn({d})
    est = {name}(**{params})
    print("fitting", flush=True)
    try:
        est.fit(X, y) if {supervised} else est.fit(X)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    print("threads", threading.active_count(), flush=True)
    small = {name}(**{params_small})
    small.fit(X[:50], y[:50]) if {supervised} else small.fit(X[:50])
    print("refit ok", flush=True)
""")

CASES = {
    "KMeans": ("scratchlearn.cluster", 200000, 8, False, False,
               dict(n_clusters=200, n_init=1, max_iter=10**9, tol=0.0, random_state=0, algorithm="lloyd"),
               dict(n_clusters=3, n_init=1)),
    "KMeans-elkan": ("scratchlearn.cluster", 200000, 8, False, False,
                     dict(n_clusters=50, n_init=1, max_iter=10**9, tol=0.0, random_state=0,
                          algorithm="elkan"),
                     dict(n_clusters=3, n_init=1)),
    "SVC": ("scratchlearn.svm", 8000, 10, True, True, dict(C=1e6, tol=1e-12, max_iter=-1),
            dict(max_iter=100)),
    "Lasso": ("scratchlearn.linear_model", 5000, 200, False, True,
              dict(alpha=1e-8, tol=0.0, max_iter=10**9), dict(alpha=0.1)),
    "SGDRegressor": ("scratchlearn.linear_model", 20000, 20, False, True,
                     dict(max_iter=10**8, tol=None, random_state=0), dict(max_iter=5)),
    "LogisticRegression": ("scratchlearn.linear_model", 20000, 30, True, True,
                           dict(C=1e8, tol=0.0, max_iter=10**8, solver="saga"), dict(max_iter=5)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_sigint_interrupts_a_long_fit(case):
    module, n, d, classify, supervised, params, small = CASES[case]
    name = case.split("-")[0]
    code = SCRIPT.format(module=module, name=name, n=n, d=d, classify=classify,
                         supervised=supervised, params=params, params_small=small)
    env = dict(os.environ, OMP_NUM_THREADS="2")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "fitting"
        time.sleep(1.0)  # well inside the fit (its set-up is milliseconds)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    lines = out.split()
    assert proc.returncode == 0, err[-2000:]
    assert "interrupted" in out and "finished" not in out, out + err[-2000:]
    assert "threads 1" in out, out  # no Python thread left behind
    assert "refit ok" in out, out + err[-2000:]
