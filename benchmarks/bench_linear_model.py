"""pytest-benchmark: linear-model fits, scratchlearn vs scikit-learn, grouped by workload.

Run: pytest benchmarks/bench_linear_model.py --benchmark-only
Workloads (the issue's targets): LinearRegression and Ridge on 400,000 x 100, LogisticRegression on
160,000 x 50 (binary and 5 classes), Lasso on 100,000 x 200, SGDClassifier on 100,000 x 50.
"""

import numpy as np
import pytest

from scratchlearn.bench._linear_model import _classification, _regression

CASES = [
    ("LinearRegression", {}, "reg", (400000, 100)),
    ("Ridge", {"alpha": 1.0}, "reg", (400000, 100)),
    ("LogisticRegression", {}, "clf2", (160000, 50)),
    ("LogisticRegression", {}, "clf5", (160000, 50)),
    ("LogisticRegression", {"solver": "newton-cholesky"}, "clf2", (160000, 50)),
    ("Lasso", {"alpha": 0.05}, "sparse", (100000, 200)),
    ("SGDClassifier", {"random_state": 0}, "clf2", (100000, 50)),
]
_DATA = {}


def _data(kind, shape):
    key = (kind, shape)
    if key not in _DATA:
        n, d = shape
        if kind == "reg":
            _DATA[key] = _regression(n, d, np.float64)
        elif kind == "sparse":
            _DATA[key] = _regression(n, d, np.float64, sparse_coef=True)
        else:
            _DATA[key] = _classification(n, d, 2 if kind == "clf2" else 5, np.float64)
    return _DATA[key]


@pytest.mark.parametrize("lib", ["scratchlearn", "sklearn"])
@pytest.mark.parametrize("name,params,kind,shape", CASES,
                         ids=["linreg", "ridge", "logreg2", "logreg5", "logreg2_newton", "lasso", "sgd"])
def test_linear_model_fit(benchmark, lib, name, params, kind, shape):
    if lib == "scratchlearn":
        import scratchlearn.linear_model as mod
    else:
        import sklearn.linear_model as mod
    data = _data(kind, shape)
    est = getattr(mod, name)
    benchmark.group = f"{name}{params or ''} fit {shape[0]}x{shape[1]} {kind}"
    model = benchmark.pedantic(lambda: est(**params).fit(data["X"], data["y"]), rounds=3,
                               warmup_rounds=0)
    score = model.score(data["X"], data["y"])
    assert score > (0.5 if kind != "clf5" else 0.4)
