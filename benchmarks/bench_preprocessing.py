"""StandardScaler, SimpleImputer(median), OneHotEncoder / OrdinalEncoder and the
Pipeline(StandardScaler, PCA, LogisticRegression): scratchlearn vs scikit-learn (pytest-benchmark),
each at several shapes.

    PYTHONPATH=python python -m pytest benchmarks/bench_preprocessing.py --benchmark-only
"""

import numpy as np
import pytest

from scratchlearn.bench._preprocessing import _classification, _dense, _strings

LIBS = ["scratchlearn", "sklearn"]


def _mods(lib):
    if lib == "scratchlearn":
        from scratchlearn import decomposition, impute, linear_model, pipeline, preprocessing
    else:
        from sklearn import decomposition, impute, linear_model, pipeline, preprocessing
    return preprocessing, impute, pipeline, decomposition, linear_model


@pytest.fixture(scope="module", params=[(1_000_000, 50), (200_000, 200), (2_000_000, 10)], ids=str)
def dense(request):
    n, d = request.param
    return _dense(n, d)()["X"], f"{n}x{d}"


@pytest.fixture(scope="module", params=[(1_000_000, 50), (200_000, 200)], ids=str)
def dense_nan(request):
    n, d = request.param
    return _dense(n, d, 0.05)()["X"], f"{n}x{d}"


@pytest.fixture(scope="module", params=[(1_000_000, 3, 500), (300_000, 10, 50)], ids=str)
def strings(request):
    n, d, k = request.param
    return _strings(n, d, k)()["X"], f"{n}x{d}, {k} categories"


@pytest.mark.parametrize("lib", LIBS)
def test_standard_scaler(benchmark, dense, lib):
    X, shape = dense
    benchmark.group = f"StandardScaler fit_transform {shape}"
    pre = _mods(lib)[0]
    out = benchmark.pedantic(lambda: pre.StandardScaler().fit_transform(X), rounds=3, iterations=1)
    assert out.shape == X.shape


@pytest.mark.parametrize("lib", LIBS)
def test_median_imputer(benchmark, dense_nan, lib):
    X, shape = dense_nan
    benchmark.group = f"SimpleImputer(median) fit_transform {shape}, 5% NaN"
    imp = _mods(lib)[1]
    out = benchmark.pedantic(lambda: imp.SimpleImputer(strategy="median").fit_transform(X), rounds=1,
                             iterations=1)
    assert not np.isnan(out).any()


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("strategy,add_indicator", [("median", False), ("mean", False),
                                                    ("most_frequent", False), ("median", True)])
@pytest.mark.parametrize("shape", [(500, 20), (1_000, 50), (3_000, 30)], ids=str)
@pytest.mark.parametrize("lib", LIBS)
def test_imputer_small(benchmark, shape, strategy, add_indicator, dtype, lib):
    n, d = shape
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d)).astype(dtype)
    X[rng.random((n, d)) < 0.05] = np.nan
    benchmark.group = (f"SimpleImputer({strategy}{', add_indicator' if add_indicator else ''}) "
                       f"fit_transform {n}x{d} {np.dtype(dtype).name}, 5% NaN (small)")
    imp = _mods(lib)[1]
    out = benchmark(lambda: imp.SimpleImputer(strategy=strategy, add_indicator=add_indicator).fit_transform(X))
    assert not np.isnan(out).any()


@pytest.mark.parametrize("kind", ["OneHotEncoder", "OrdinalEncoder"])
@pytest.mark.parametrize("lib", LIBS)
def test_encoders(benchmark, strings, kind, lib):
    X, shape = strings
    benchmark.group = f"{kind} fit_transform {shape}"
    pre = _mods(lib)[0]
    out = benchmark.pedantic(lambda: getattr(pre, kind)().fit_transform(X), rounds=3, iterations=1)
    assert out.shape[0] == X.shape[0]


@pytest.mark.parametrize("shape", [(200_000, 50, 10), (500_000, 20, 5)], ids=str)
@pytest.mark.parametrize("lib", LIBS)
def test_pipeline(benchmark, shape, lib):
    n, d, k = shape
    data = _classification(n, d)()
    pre, _, pipe, dec, lin = _mods(lib)
    benchmark.group = f"Pipeline(StandardScaler, PCA({k}), LogisticRegression) fit {n}x{d}"
    model = benchmark.pedantic(
        lambda: pipe.make_pipeline(pre.StandardScaler(), dec.PCA(k), lin.LogisticRegression()).fit(
            data["X"], data["y"]), rounds=3, iterations=1)
    assert model.score(data["X"][:10000], data["y"][:10000]) > 0.6
