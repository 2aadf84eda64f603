"""k-nearest-neighbour workloads: brute-force predict in 50-d, low-dimensional predict with
algorithm='auto' (the trees) at several (n, d, k), and radius queries."""

from __future__ import annotations

import math

import numpy as np

from ._common import Workload


def _data(n_train, n_query, d, dtype, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(10, d) * 2.0
    y = rng.randint(0, 10, n_train + n_query)
    X = (centers[y] + rng.randn(n_train + n_query, d) * 3.0).astype(dtype)
    return {"X": X[:n_train], "y": y[:n_train], "Q": X[n_train:], "yq": y[n_train:]}


def _uniform(n_train, n_query, d, dtype, per_ball, seed=0):
    """Uniform points in the unit cube, labels from a few hyperplanes, and the radius that holds
    about `per_ball` training points."""
    rng = np.random.RandomState(seed)
    X = rng.rand(n_train + n_query, d).astype(dtype)
    W = rng.randn(d, 3)
    y = ((X @ W - W.sum(0) / 2) > 0).astype(int) @ np.array([1, 2, 4])
    unit_ball = math.pi ** (d / 2) / math.gamma(d / 2 + 1)
    r = (per_ball / (n_train * unit_ball)) ** (1.0 / d)
    return {"X": X[:n_train], "y": y[:n_train], "Q": X[n_train:], "yq": y[n_train:], "radius": r}


def _accuracy(data, pred):
    return float(np.mean(pred == data["yq"]))


def _classifier(lib, algorithm, k):
    def fit(data):
        if lib == "ours":
            from scratchlearn.neighbors import KNeighborsClassifier
        else:
            from sklearn.neighbors import KNeighborsClassifier
        return KNeighborsClassifier(n_neighbors=k, algorithm=algorithm).fit(data["X"], data["y"])
    return fit


def _predict(data, model):
    return model.predict(data["Q"])


def _radius_model(lib, kind):
    def fit(data):
        if lib == "ours":
            from scratchlearn import neighbors as nb
        else:
            from sklearn import neighbors as nb
        if kind == "classifier":
            return nb.RadiusNeighborsClassifier(radius=data["radius"], outlier_label="most_frequent") \
                .fit(data["X"], data["y"])
        return nb.NearestNeighbors(radius=data["radius"]).fit(data["X"])
    return fit


def _radius_query(data, model):
    return model.radius_neighbors(data["Q"])


def _mean_count(data, result):
    return float(np.mean([len(r) for r in result[1]]))


def workloads(quick):
    out = []
    n_train, n_query, d = (5000, 1000, 50) if quick else (20000, 5000, 50)
    for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
        out.append(Workload(
            name=f"knn_predict_{tag}",
            family="neighbors",
            description=f"KNeighborsClassifier(brute) predict {n_query} q vs {n_train}x{d} {tag}",
            setup=lambda dtype=dtype: _data(n_train, n_query, d, dtype),
            ours=_predict,
            peer=_predict,
            prepare_ours=_classifier("ours", "brute", 5),
            prepare_peer=_classifier("peer", "brute", 5),
            score=_accuracy,
            metric="accuracy",
            repeats=3 if quick else 5,
        ))
    # Low dimension, algorithm='auto' (both libraries pick the kd-tree): (n_train, n_query, d, k).
    # (Fewer queries where scikit-learn's own tree is slow, to keep the run short.)
    low = [(20000, 5000, 2, 5), (20000, 5000, 6, 5)] if quick else [
        (100000, 20000, 2, 5), (100000, 10000, 6, 5), (100000, 2000, 10, 5),
        (100000, 5000, 6, 15), (30000, 10000, 4, 1), (300000, 20000, 3, 5), (100000, 5000, 8, 5)]
    for n, nq, dim, k in low:
        for dtype, tag in ((np.float64, "f64"),) + (((np.float32, "f32"),) if (dim == 6 and k == 5) else ()):
            out.append(Workload(
                name=f"knn_lowdim_n{n}_d{dim}_k{k}_{tag}",
                family="neighbors",
                description=f"KNeighborsClassifier(auto) predict {nq} q vs {n}x{dim}, k={k} {tag}",
                setup=lambda n=n, nq=nq, dim=dim, dtype=dtype: _data(n, nq, dim, dtype),
                ours=_predict,
                peer=_predict,
                prepare_ours=_classifier("ours", "auto", k),
                prepare_peer=_classifier("peer", "auto", k),
                score=_accuracy,
                metric="accuracy",
                repeats=3,
            ))
    # Radius queries: about 10 training points per ball.
    rad = [(20000, 2000, 3)] if quick else [(100000, 10000, 3), (100000, 10000, 6)]
    for n, nq, dim in rad:
        out.append(Workload(
            name=f"radius_neighbors_n{n}_d{dim}",
            family="neighbors",
            description=f"NearestNeighbors(auto).radius_neighbors {nq} q vs {n}x{dim} (~10 per ball)",
            setup=lambda n=n, nq=nq, dim=dim: _uniform(n, nq, dim, np.float64, 10),
            ours=_radius_query,
            peer=_radius_query,
            prepare_ours=_radius_model("ours", "nn"),
            prepare_peer=_radius_model("peer", "nn"),
            score=_mean_count,
            metric="mean neighbours",
            repeats=3 if quick else 5,
        ))
        out.append(Workload(
            name=f"radius_classifier_n{n}_d{dim}",
            family="neighbors",
            description=f"RadiusNeighborsClassifier(auto) predict {nq} q vs {n}x{dim} (~10 per ball)",
            setup=lambda n=n, nq=nq, dim=dim: _uniform(n, nq, dim, np.float64, 10),
            ours=_predict,
            peer=_predict,
            prepare_ours=_radius_model("ours", "classifier"),
            prepare_peer=_radius_model("peer", "classifier"),
            score=_accuracy,
            metric="accuracy",
            repeats=3 if quick else 5,
        ))
    return out
