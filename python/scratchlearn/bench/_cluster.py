"""k-means workloads: KMeans (fixed iterations from given centres, and the default k-means++ fit)
and MiniBatchKMeans. Quality is the inertia (lower is better)."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _data(n, d, k, dtype, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(k, d) * 6.0
    y = rng.randint(0, k, n)
    X = (centers[y] + rng.randn(n, d) * 2.5).astype(dtype)
    init = X[rng.choice(n, k, replace=False)].copy()
    return {"X": X, "init": init, "k": k}


def _inertia(data, model):
    return float(model.inertia_)


def _ours_fixed(max_iter):
    def run(data, state):
        from scratchlearn.cluster import KMeans

        return KMeans(data["k"], init=data["init"], n_init=1, tol=0.0, max_iter=max_iter).fit(data["X"])
    return run


def _peer_fixed(max_iter):
    def run(data, state):
        from sklearn.cluster import KMeans

        return KMeans(data["k"], init=data["init"], n_init=1, tol=0.0, max_iter=max_iter).fit(data["X"])
    return run


def _ours_pp(data, state):
    from scratchlearn.cluster import KMeans

    return KMeans(data["k"], random_state=0).fit(data["X"])


def _peer_pp(data, state):
    from sklearn.cluster import KMeans

    return KMeans(data["k"], random_state=0).fit(data["X"])


def _ours_mb(data, state):
    from scratchlearn.cluster import MiniBatchKMeans

    return MiniBatchKMeans(data["k"], random_state=0).fit(data["X"])


def _peer_mb(data, state):
    from sklearn.cluster import MiniBatchKMeans

    return MiniBatchKMeans(data["k"], random_state=0).fit(data["X"])


def workloads(quick):
    n, d, k = (20000, 20, 16) if quick else (200000, 20, 16)
    max_iter = 10 if quick else 50
    repeats = 3 if quick else 5
    out = []
    for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
        out.append(Workload(
            name=f"kmeans_fit_fixed_{tag}",
            family="cluster",
            description=f"KMeans lloyd {max_iter} iterations from given centres, {n}x{d} k={k} {tag}",
            setup=lambda dtype=dtype: _data(n, d, k, dtype),
            ours=_ours_fixed(max_iter),
            peer=_peer_fixed(max_iter),
            score=_inertia,
            metric="inertia",
            repeats=repeats,
            extra={"flops": 2.0 * n * d * k * (max_iter + 1)},
        ))
    out.append(Workload(
        name="kmeans_fit_kmeanspp_f64",
        family="cluster",
        description=f"KMeans default fit (k-means++, tol=1e-4), {n // 2}x{d} k={k} f64",
        setup=lambda: _data(n // 2, d, k, np.float64, seed=1),
        ours=_ours_pp,
        peer=_peer_pp,
        score=_inertia,
        metric="inertia",
        repeats=repeats,
    ))
    out.append(Workload(
        name="minibatch_kmeans_fit_f64",
        family="cluster",
        description=f"MiniBatchKMeans default fit, {n}x{d} k={k} f64",
        setup=lambda: _data(n, d, k, np.float64, seed=2),
        ours=_ours_mb,
        peer=_peer_mb,
        score=_inertia,
        metric="inertia",
        repeats=repeats,
    ))
    return out
