"""Decision-tree workloads: DecisionTreeClassifier / DecisionTreeRegressor fit (exact splitter,
default parameters) at several sizes. Quality: held-out accuracy / R²."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _cls_data(n, d, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n + 2000, d)
    w = rng.randn(d)
    y = ((X @ w + 0.5 * np.sin(3 * X[:, 0]) + 0.5 * rng.randn(n + 2000)) > 0).astype(int)
    return {"X": X[:n], "y": y[:n], "Xt": X[n:], "yt": y[n:]}


def _reg_data(n, d, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n + 2000, d)
    y = X[:, 0] * 2 + np.sin(2 * X[:, 1]) + X[:, 2] * X[:, 3] + 0.3 * rng.randn(n + 2000)
    return {"X": X[:n], "y": y[:n], "Xt": X[n:], "yt": y[n:]}


def _score(data, model):
    return float(model.score(data["Xt"], data["yt"]))


def _fit(module, name):
    def run(data, state):
        if module == "ours":
            from scratchlearn import tree
        else:
            from sklearn import tree
        return getattr(tree, name)(random_state=0).fit(data["X"], data["y"])
    return run


def workloads(quick):
    sizes = [(20000, 20)] if quick else [(100000, 20), (30000, 20), (100000, 5), (50000, 50), (20000, 10),
                                         (200000, 50)]
    out = []
    for n, d in sizes:
        for name, data, tag in (("DecisionTreeClassifier", _cls_data, "clf"),
                                ("DecisionTreeRegressor", _reg_data, "reg")):
            out.append(Workload(
                name=f"tree_{tag}_fit_{n}x{d}",
                family="tree",
                description=f"{name} fit (exact, defaults) {n}x{d} f64",
                setup=lambda data=data, n=n, d=d: data(n, d),
                ours=_fit("ours", name),
                peer=_fit("peer", name),
                score=_score,
                metric="accuracy" if tag == "clf" else "r2",
                repeats=1 if not quick else 1,
            ))
    return out
