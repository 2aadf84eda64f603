"""pytest-benchmark: linear-model fits, scratchlearn vs scikit-learn, grouped by workload.

Run: pytest benchmarks/bench_linear_model.py --benchmark-only
Workloads: LinearRegression and Ridge on 400,000 x 100, LogisticRegression on 160,000 x 50 (binary
and 5 classes), Lasso on 100,000 x 200, SGDClassifier on 100,000 x 50; the shapes of issue 13:
multinomial LogisticRegression at 3, 5, 10, 20 classes x 10, 50, 200 features (20,000 samples),
Lasso and ElasticNet at 20, 100, 200 (100,000 samples) and 500 features (40,000 samples), and a
Lasso warm-started along 8 alphas (40,000 x 50 and x 500).
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
IDS = ["linreg", "ridge", "logreg2", "logreg5", "logreg2_newton", "lasso", "sgd"]
for _k in (3, 5, 10, 20):
    for _d in (10, 50, 200):
        CASES.append(("LogisticRegression", {}, f"clf{_k}", (20000, _d)))
        IDS.append(f"logreg{_k}_{_d}f")
for _d in (20, 100, 200, 500):
    _shape = (100000 if _d <= 200 else 40000, _d)
    CASES.append(("Lasso", {"alpha": 0.05}, "sparse", _shape))
    IDS.append(f"lasso_{_d}f")
    CASES.append(("ElasticNet", {"alpha": 0.05, "l1_ratio": 0.5}, "sparse", _shape))
    IDS.append(f"enet_{_d}f")
for _d in (50, 500):
    CASES.append(("Lasso", {"path": True}, "sparse", (40000, _d)))
    IDS.append(f"lasso_path_{_d}f")
_ALPHAS = np.geomspace(1.0, 0.01, 8)
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
            _DATA[key] = _classification(n, d, int(kind[3:]), np.float64)
    return _DATA[key]


def _fit(est, params, data):
    if params.get("path"):
        model = est(warm_start=True)
        for a in _ALPHAS:
            model.set_params(alpha=float(a)).fit(data["X"], data["y"])
        return model
    return est(**params).fit(data["X"], data["y"])


@pytest.mark.parametrize("lib", ["scratchlearn", "sklearn"])
@pytest.mark.parametrize("name,params,kind,shape", CASES, ids=IDS)
def test_linear_model_fit(benchmark, lib, name, params, kind, shape):
    if lib == "scratchlearn":
        import scratchlearn.linear_model as mod
    else:
        import sklearn.linear_model as mod
    data = _data(kind, shape)
    est = getattr(mod, name)
    benchmark.group = f"{name}{params or ''} fit {shape[0]}x{shape[1]} {kind}"
    model = benchmark.pedantic(lambda: _fit(est, params, data), rounds=3, warmup_rounds=0)
    score = model.score(data["X"], data["y"])
    n_classes = int(kind[3:]) if kind.startswith("clf") else 0
    assert score > (0.5 if n_classes <= 2 else 1.5 / n_classes)
