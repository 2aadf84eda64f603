"""k-nearest-neighbour workloads."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _data(n_train, n_query, d, dtype, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(10, d) * 2.0
    y = rng.randint(0, 10, n_train + n_query)
    X = (centers[y] + rng.randn(n_train + n_query, d) * 3.0).astype(dtype)
    return {"X": X[:n_train], "y": y[:n_train], "Q": X[n_train:], "yq": y[n_train:]}


def _accuracy(data, pred):
    return float(np.mean(pred == data["yq"]))


def _ours_fit(data):
    from scratchlearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(data["X"], data["y"])


def _peer_fit(data):
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(data["X"], data["y"])


def _predict(data, model):
    return model.predict(data["Q"])


def workloads(quick):
    n_train, n_query, d = (5000, 1000, 50) if quick else (20000, 5000, 50)
    out = []
    for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
        out.append(Workload(
            name=f"knn_predict_{tag}",
            family="neighbors",
            description=f"KNeighborsClassifier(brute) predict {n_query} q vs {n_train}x{d} {tag}",
            setup=lambda dtype=dtype: _data(n_train, n_query, d, dtype),
            ours=_predict,
            peer=_predict,
            prepare_ours=_ours_fit,
            prepare_peer=_peer_fit,
            score=_accuracy,
            metric="accuracy",
            repeats=3 if quick else 5,
        ))
    return out
