"""MLPClassifier / MLPRegressor: scratchlearn vs scikit-learn (pytest-benchmark), same
random_state on both sides (same initial weights and shuffling).

    python -m pytest benchmarks/bench_neural_network.py --benchmark-only
"""

import warnings

import numpy as np
import pytest

from sklearn import neural_network as sk

from scratchlearn import neural_network as sl

LIBS = {"scratchlearn": sl, "sklearn": sk}


def _data(n, d, k, dtype, regression=False, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    H = np.tanh(X @ rng.randn(d, 8) / np.sqrt(d))
    if regression:
        y = H @ rng.randn(8) + 0.1 * rng.randn(n)
    else:
        y = np.argmax(H @ rng.randn(8, k) + 0.3 * rng.randn(n, k), axis=1)
    return X.astype(dtype), y


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("lib", list(LIBS))
def test_classifier_adam_256_128(benchmark, lib, dtype):
    X, y = _data(24000, 64, 4, dtype)
    benchmark.group = f"MLPClassifier(256, 128) adam 20 epochs, 24000x64, 4 classes {np.dtype(dtype).name}"
    cls = LIBS[lib].MLPClassifier
    m = benchmark.pedantic(
        lambda: _fit(cls(hidden_layer_sizes=(256, 128), max_iter=20, random_state=0), X, y),
        rounds=2, iterations=1)
    assert np.mean(m.predict(X) == y) > 0.6


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("lib", list(LIBS))
def test_regressor_adam_128(benchmark, lib, dtype):
    X, y = _data(20000, 50, 1, dtype, regression=True, seed=1)
    benchmark.group = f"MLPRegressor(128,) adam 20 epochs, 20000x50 {np.dtype(dtype).name}"
    cls = LIBS[lib].MLPRegressor
    m = benchmark.pedantic(
        lambda: _fit(cls(hidden_layer_sizes=(128,), max_iter=20, random_state=0), X, y),
        rounds=2, iterations=1)
    assert m.score(X, y) > 0.5


@pytest.mark.parametrize("lib", list(LIBS))
def test_classifier_lbfgs_64(benchmark, lib):
    X, y = _data(5000, 30, 5, np.float64, seed=2)
    benchmark.group = "MLPClassifier(64,) lbfgs max_iter=200, 5000x30, 5 classes f64"
    cls = LIBS[lib].MLPClassifier
    m = benchmark.pedantic(
        lambda: _fit(cls(hidden_layer_sizes=(64,), solver="lbfgs", max_iter=200, random_state=0), X, y),
        rounds=2, iterations=1)
    assert np.mean(m.predict(X) == y) > 0.6
