"""pytest-benchmark: SVC / SVR fits and SVC predict, scratchlearn vs scikit-learn.

The issue's workloads: SVC(rbf, C=1) fit on 12,000 × 20 (binary), predict of 3,000 rows against
that model, SVC fit with 4 classes on 8,000 × 16, SVR(rbf) fit on 8,000 × 12, and the cost of
probability=True. Run: pytest benchmarks/bench_svm.py --benchmark-only
"""

import numpy as np
import pytest

from scratchlearn.bench._svm import _classification, _regression


def _module(lib):
    if lib == "scratchlearn":
        import scratchlearn.svm as m
    else:
        import sklearn.svm as m
    return m


DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
LIBS = pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])


@LIBS
@DTYPES
@pytest.mark.parametrize("n", [3000, 12000])
def test_svc_fit_binary(benchmark, lib, dtype, n):
    data = _classification(n, 20, 2, dtype)
    benchmark.group = f"SVC fit binary {n}x20 {np.dtype(dtype).name}"
    model = benchmark.pedantic(lambda: _module(lib).SVC().fit(data["X"], data["y"]), rounds=3)
    assert np.mean(model.predict(data["Xt"]) == data["yt"]) > 0.7


@LIBS
@DTYPES
def test_svc_predict(benchmark, lib, dtype):
    data = _classification(12000, 20, 2, dtype)
    model = _module(lib).SVC().fit(data["X"], data["y"])
    Xq = data["X"][:3000]
    benchmark.group = f"SVC predict 3000 vs 12000x20 model {np.dtype(dtype).name}"
    pred = benchmark.pedantic(lambda: model.predict(Xq), rounds=5, warmup_rounds=1)
    assert pred.shape == (3000,)


@LIBS
@DTYPES
def test_svc_fit_multiclass(benchmark, lib, dtype):
    data = _classification(8000, 16, 4, dtype)
    benchmark.group = f"SVC fit 4 classes 8000x16 {np.dtype(dtype).name}"
    model = benchmark.pedantic(lambda: _module(lib).SVC().fit(data["X"], data["y"]), rounds=3)
    assert np.mean(model.predict(data["Xt"]) == data["yt"]) > 0.5


@LIBS
@pytest.mark.parametrize("n,d,kw", [(6000, 50, {}), (6000, 8, {"C": 10.0}), (5000, 20, {"kernel": "poly"})],
                         ids=["6000x50", "6000x8-C10", "5000x20-poly"])
def test_svc_fit_other_shapes(benchmark, lib, n, d, kw):
    data = _classification(n, d, 2, np.float64)
    benchmark.group = f"SVC fit binary {n}x{d} {kw}"
    model = benchmark.pedantic(lambda: _module(lib).SVC(**kw).fit(data["X"], data["y"]), rounds=3)
    assert np.mean(model.predict(data["Xt"]) == data["yt"]) > 0.6


@LIBS
@pytest.mark.parametrize("n,d", [(8000, 12), (4000, 30)])
def test_svr_fit_shapes(benchmark, lib, n, d):
    data = _regression(n, d, np.float64)
    benchmark.group = f"SVR fit {n}x{d} float64"
    benchmark.pedantic(lambda: _module(lib).SVR().fit(data["X"], data["y"]), rounds=3)


@LIBS
@DTYPES
def test_svr_fit(benchmark, lib, dtype):
    data = _regression(8000, 12, dtype)
    benchmark.group = f"SVR fit 8000x12 {np.dtype(dtype).name}"
    benchmark.pedantic(lambda: _module(lib).SVR().fit(data["X"], data["y"]), rounds=3)


@LIBS
@pytest.mark.parametrize("probability", [False, True])
def test_svc_probability_cost(benchmark, lib, probability):
    data = _classification(4000, 20, 2, np.float64)
    benchmark.group = f"SVC fit 4000x20 probability={probability}"
    kw = {"probability": True, "random_state": 0} if probability else {}  # (deprecated: warns)
    benchmark.pedantic(lambda: _module(lib).SVC(**kw).fit(data["X"], data["y"]), rounds=3)
