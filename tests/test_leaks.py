"""Memory: 1,000 fit/predict cycles of every estimator family (the estimators of each public
package, found by walking it, taken in turn) in a fresh subprocess keep its resident set flat.

The resident set is read after a warm-up of 100 cycles (allocator pools, caches and lazily imported
modules settle) and again at the end; the growth must stay under LIMIT_MIB. Tiny data: what is
measured is what each call leaves behind, not the model size.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from _estimators import ESTIMATORS

CYCLES = 1000
WARMUP = 100
LIMIT_MIB = 4.0

FAMILIES = sorted({cls.__module__.split(".")[1] for cls in ESTIMATORS})

SCRIPT = textwrap.dedent("""
    import gc, json, os, sys, warnings
    import numpy as np
    warnings.simplefilter("ignore")
    sys.path.insert(0, {tests!r})
    from _estimators import ESTIMATORS, fit, make, problem
    classes = [c for c in ESTIMATORS if c.__module__.split(".")[1] == {family!r}]
    page = os.sysconf("SC_PAGE_SIZE")

    def rss():
        gc.collect()
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page

    data = {{}}
    for cls in classes:
        for dtype in (np.float64, np.float32):
            est = make(cls)
            data[cls, dtype] = problem(est, n=20, d=3, dtype=dtype)
    keys = list(data)
    start = None
    for i in range({cycles}):
        if i == {warmup}:
            start = rss()
        cls, dtype = keys[i % len(keys)]
        X, y = data[cls, dtype]
        est = fit(make(cls), X, y)
        for name in ("predict", "transform", "predict_proba", "score_samples"):
            if hasattr(est, name):
                getattr(est, name)(X)
        del est
    print(json.dumps({{"growth": rss() - start, "estimators": [c.__name__ for c in classes]}}))
""")


@pytest.mark.parametrize("family", FAMILIES)
def test_fit_predict_cycles_keep_rss_flat(family):
    code = SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__)), family=family,
                         cycles=CYCLES, warmup=WARMUP)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    growth_mib = report["growth"] / 2**20
    print(f"{family}: {CYCLES} cycles over {report['estimators']}: RSS growth {growth_mib:.2f} MiB")
    assert growth_mib < LIMIT_MIB, f"{family}: RSS grew {growth_mib:.2f} MiB over {CYCLES} cycles"
