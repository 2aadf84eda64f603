"""PCA: scratchlearn vs scikit-learn (pytest-benchmark).

    PYTHONPATH=python python -m pytest benchmarks/bench_decomposition.py --benchmark-only
"""

import numpy as np
import pytest

from sklearn import decomposition as sk

from scratchlearn import decomposition as sl

LIBS = {"scratchlearn": sl, "sklearn": sk}


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    n, d = 200_000, 100
    X = rng.randn(n, d) / np.sqrt(np.arange(1, d + 1))
    X = X @ np.linalg.qr(rng.randn(d, d))[0].T + 1.0
    return np.ascontiguousarray(X)


@pytest.mark.parametrize("lib", list(LIBS))
def test_pca_fit(benchmark, data, lib):
    benchmark.group = "PCA(10).fit 200,000x100 float64"
    mod = LIBS[lib]
    model = benchmark.pedantic(lambda: mod.PCA(n_components=10).fit(data), rounds=5, iterations=1)
    assert model.explained_variance_ratio_.sum() > 0.2


@pytest.mark.parametrize("lib", list(LIBS))
def test_pca_fit_float32(benchmark, data, lib):
    benchmark.group = "PCA(10).fit 200,000x100 float32"
    X = data.astype(np.float32)
    mod = LIBS[lib]
    benchmark.pedantic(lambda: mod.PCA(n_components=10).fit(X), rounds=5, iterations=1)


@pytest.mark.parametrize("lib", list(LIBS))
def test_pca_fit_randomized(benchmark, data, lib):
    benchmark.group = "PCA(10, randomized).fit 200,000x100 float64"
    mod = LIBS[lib]
    benchmark.pedantic(
        lambda: mod.PCA(n_components=10, svd_solver="randomized", random_state=0).fit(data),
        rounds=3, iterations=1)


@pytest.mark.parametrize("lib", list(LIBS))
def test_pca_transform(benchmark, data, lib):
    benchmark.group = "PCA(10).transform 200,000x100 float64"
    model = LIBS[lib].PCA(n_components=10).fit(data)
    benchmark.pedantic(lambda: model.transform(data), rounds=5, iterations=1)
