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


# ---- the layers against the GEMM they stand on ---------------------------------------------------
# One epoch of the core (minibatch 200, Adam, relu) against the same GEMM calls alone on the same
# shapes (forward A·W, backward Aᵀ·δ and δ·Wᵀ per layer): the difference is everything the layers add
# (bias + activation, loss, derivatives, optimiser step). GFLOP/s = 6·n·Σ units_i·units_{i+1} / time.

def _layer_shapes(units, bs):
    shapes = []
    for i in range(len(units) - 1):
        fi, fo = units[i], units[i + 1]
        shapes.append((bs, fo, fi, False, False))
        shapes.append((fi, fo, bs, True, False))
        if i > 0:
            shapes.append((bs, fi, fo, False, True))
    return shapes


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("what", ["epoch", "gemms_alone"])
def test_epoch_vs_its_gemms(benchmark, what, dtype):
    from scratchlearn import _core
    from scratchlearn.linalg import gemm

    nn = _core.neural_network
    n, units, bs = 24000, [64, 256, 128, 4], 200
    rng = np.random.RandomState(0)
    X = rng.randn(n, units[0]).astype(dtype)
    Y = np.eye(units[-1], dtype=dtype)[rng.randint(0, units[-1], n)]
    P = sum(a * b + b for a, b in zip(units[:-1], units[1:]))
    flops = 6.0 * n * sum(a * b for a, b in zip(units[:-1], units[1:]))
    benchmark.group = f"one epoch 24000x64 (256, 128) 4 outputs vs its GEMMs {np.dtype(dtype).name}"
    if what == "epoch":
        def run():
            p = rng.uniform(-0.1, 0.1, P).astype(dtype)
            s1, s2 = np.zeros_like(p), np.zeros_like(p)
            nn.epoch(X, Y, None, None, p, s1, s2, units=units, hidden=nn.Activation.relu,
                     output=nn.Activation.softmax, loss=nn.Loss.log_loss, alpha=1e-4,
                     batch_size=bs, solver=nn.Solver.adam, learning_rate_init=1e-3,
                     learning_rate=1e-3, momentum=0.9, nesterov=True, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-8, t=0, n_threads=2)
    else:
        mats = []
        for m, nc, k, ta, tb in _layer_shapes(units, bs):
            A = rng.randn(*((k, m) if ta else (m, k))).astype(dtype)
            B = rng.randn(*((nc, k) if tb else (k, nc))).astype(dtype)
            mats.append((A, B, np.zeros((m, nc), dtype), ta, tb))

        def run():
            for _ in range(n // bs):
                for A, B, C, ta, tb in mats:
                    gemm(A, B, trans_a=ta, trans_b=tb, out=C, n_jobs=2)
    benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info["GFLOP/s"] = flops / benchmark.stats.stats.median / 1e9
