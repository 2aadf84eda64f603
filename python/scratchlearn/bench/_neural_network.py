"""Multi-layer perceptron workloads: MLPClassifier (adam, lbfgs) and MLPRegressor (adam) fits on
synthetic data, both sides from the same random_state (same initial weights, same shuffling), so
the quality scores (training accuracy / R²) should agree. ``extra["flops"]`` counts the layers'
multiply-adds (forward + both backward products, 6·n·Σ units_i·units_{i+1} per epoch)."""

from __future__ import annotations

import warnings

import numpy as np

from ._common import Workload


def _data(n, d, k, dtype, seed=0, regression=False):
    def setup():
        rng = np.random.RandomState(seed)
        X = rng.randn(n, d)
        W = rng.randn(d, 8)
        H = np.tanh(X @ W / np.sqrt(d))
        if regression:
            y = H @ rng.randn(8) + 0.1 * rng.randn(n)
        else:
            y = np.argmax(H @ rng.randn(8, k) + 0.3 * rng.randn(n, k), axis=1)
        return {"X": X.astype(dtype), "y": y}
    return setup


def _flops(n, units, epochs):
    return 6.0 * n * sum(a * b for a, b in zip(units[:-1], units[1:])) * epochs


def _gemm_alone(batch, units, dtype):
    """GFLOP/s of the project's GEMM alone on the layer products of one batch (forward
    batch×fi·fi×fo, weight gradient fiᵀ×batch·batch×fo, back-propagated delta batch×fo·(fi×fo)ᵀ for
    all but the first layer), timed best of a few rounds: the figure the fit's own GFLOP/s is
    compared with, to show how much of a fit is spent in the GEMM."""
    def measure():
        import time
        from scratchlearn.linalg import gemm
        rng = np.random.RandomState(0)
        calls, flops = [], 0.0
        for i, (fi, fo) in enumerate(zip(units[:-1], units[1:])):
            X = rng.randn(batch, fi).astype(dtype)
            W = rng.randn(fi, fo).astype(dtype)
            D = rng.randn(batch, fo).astype(dtype)
            calls.append((X, W, False, False, np.empty((batch, fo), dtype)))
            calls.append((X, D, True, False, np.empty((fi, fo), dtype)))
            flops += 4.0 * batch * fi * fo
            if i > 0:
                calls.append((D, W, False, True, np.empty((batch, fi), dtype)))
                flops += 2.0 * batch * fi * fo
        rounds = max(1, int(2e8 / flops))
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(rounds):
                for a, b, ta, tb, out in calls:
                    gemm(a, b, trans_a=ta, trans_b=tb, out=out)
            best = min(best, (time.perf_counter() - t) / rounds)
        return flops / best / 1e9
    return measure


def _fit(module, cls, params):
    def run(data, state):
        mod = __import__(module, fromlist=[cls])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(mod, cls)(**params).fit(data["X"], data["y"])
    return run


def _accuracy(data, model):
    return float(np.mean(model.predict(data["X"]) == data["y"]))


def _r2(data, model):
    y = data["y"]
    p = model.predict(data["X"])
    return float(1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2))


def _workload(name, desc, setup, cls, params, score, metric, flops, repeats, gemm_alone=None):
    extra = {"flops": flops}
    if gemm_alone is not None:
        extra["gemm_alone"] = gemm_alone
    return Workload(
        name=name, family="neural_network", description=desc, setup=setup,
        ours=_fit("scratchlearn.neural_network", cls, params),
        peer=_fit("sklearn.neural_network", cls, params),
        score=score, metric=metric, repeats=repeats, extra=extra,
    )


def workloads(quick):
    repeats = 1 if quick else 3
    out = []
    # the named case, and other sizes/shapes around it
    # (n, d, classes, hidden, epochs, batch_size)
    cases = [(24000, 64, 4, (256, 128), 20, "auto")]
    if quick:
        cases = [(6000, 64, 4, (256, 128), 5, "auto")]
    else:
        cases += [(8000, 32, 10, (128,), 20, "auto"), (50000, 100, 3, (512,), 5, "auto"),
                  (5000, 20, 4, (64,), 20, "auto"), (50000, 200, 3, (512,), 3, "auto"),
                  (12000, 64, 4, (256, 128), 5, 64), (24000, 100, 4, (256, 128), 10, 512)]
    for n, d, k, hidden, epochs, batch in cases:
        units = [d, *hidden, k]
        bsz = min(200, n) if batch == "auto" else batch
        btag = "" if batch == "auto" else f"_b{batch}"
        for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
            params = dict(hidden_layer_sizes=hidden, max_iter=epochs, random_state=0,
                          batch_size=batch)
            out.append(_workload(
                f"mlp_clf_adam_{n}x{d}_{'x'.join(map(str, hidden))}{btag}_{tag}",
                f"MLPClassifier{hidden} adam {epochs} epochs, {n}x{d}, {k} classes, "
                f"batch {batch} {tag}",
                _data(n, d, k, dtype), "MLPClassifier", params, _accuracy, "accuracy",
                _flops(n, units, epochs), repeats, _gemm_alone(bsz, units, dtype)))
    reg_cases = [(20000, 50, (128,), 20)] if not quick else [(5000, 50, (128,), 5)]
    if not quick:
        reg_cases += [(60000, 20, (64, 64), 10), (10000, 200, (128,), 20)]
    for n, d, hidden, epochs in reg_cases:
        for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
            params = dict(hidden_layer_sizes=hidden, max_iter=epochs, random_state=0)
            out.append(_workload(
                f"mlp_reg_adam_{n}x{d}_{'x'.join(map(str, hidden))}_{tag}",
                f"MLPRegressor{hidden} adam {epochs} epochs, {n}x{d} {tag}",
                _data(n, d, 1, dtype, seed=1, regression=True), "MLPRegressor", params, _r2, "r2",
                _flops(n, [d, *hidden, 1], epochs), repeats,
                _gemm_alone(min(200, n), [d, *hidden, 1], dtype)))
    lb_cases = [(5000, 30, 5, 200)] if not quick else [(2000, 30, 5, 50)]
    if not quick:
        lb_cases += [(20000, 64, 3, 100), (5000, 200, 4, 100)]
    for n, d, k, iters in lb_cases:
        params = dict(hidden_layer_sizes=(64,), solver="lbfgs", max_iter=iters, random_state=0)
        out.append(_workload(
            f"mlp_clf_lbfgs_{n}x{d}_f64",
            f"MLPClassifier(64,) lbfgs max_iter={iters}, {n}x{d}, {k} classes f64",
            _data(n, d, k, np.float64, seed=2), "MLPClassifier", params, _accuracy, "accuracy",
            None, repeats))
    for w in out:
        if w.extra.get("flops") is None:
            w.extra = {}
    return out
