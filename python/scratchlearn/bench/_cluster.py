"""k-means workloads: KMeans (fixed iterations from given centres, and the default k-means++ fit)
and MiniBatchKMeans, plus sweeps over k (2 to 256) and d (2 to 100) in both dtypes: Lloyd and
Elkan from given centres, k-means++ seeding, the default fit and MiniBatchKMeans. Quality is the
inertia (lower is better)."""

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


def _fixed(lib, algorithm, max_iter):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.cluster import KMeans
        else:
            from sklearn.cluster import KMeans
        return KMeans(data["k"], init=data["init"], n_init=1, tol=0.0, max_iter=max_iter,
                      algorithm=algorithm).fit(data["X"])
    return run


def _seeding(lib):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.cluster import kmeans_plusplus
        else:
            from sklearn.cluster import kmeans_plusplus
        return kmeans_plusplus(data["X"], data["k"], random_state=0)
    return run


def _seeding_potential(data, result):
    """Σ min_c ‖x − c‖² of the seeds (the k-means++ potential)."""
    X = data["X"].astype(np.float64)
    C = result[0].astype(np.float64)
    d2 = (X * X).sum(1)[:, None] + (C * C).sum(1)[None, :] - 2.0 * X @ C.T
    return float(np.maximum(d2.min(1), 0).sum())


def _sweep(quick):
    """Rows over k and d, both dtypes: the target holds at every shape, not at one."""
    n = 10000 if quick else 50000
    max_iter = 5 if quick else 10
    repeats = 1 if quick else 3
    out = []
    tags = ((np.float64, "f64"), (np.float32, "f32"))
    for d in (2, 10, 50, 100):
        for k in (2, 8, 20, 64, 128, 256):
            for dtype, tag in tags:
                out.append(Workload(
                    name=f"kmeans_lloyd_d{d}_k{k}_{tag}", family="cluster",
                    description=f"KMeans lloyd {max_iter} iterations from given centres, {n}x{d} k={k} {tag}",
                    setup=lambda d=d, k=k, dtype=dtype: _data(n, d, k, dtype, seed=3),
                    ours=_fixed("ours", "lloyd", max_iter), peer=_fixed("peer", "lloyd", max_iter),
                    score=_inertia, metric="inertia", repeats=repeats,
                    extra={"flops": 2.0 * n * d * k * (max_iter + 1)}))
    for d in (2, 20, 100):
        for k in (8, 64, 256):
            for dtype, tag in tags:
                out.append(Workload(
                    name=f"kmeans_elkan_d{d}_k{k}_{tag}", family="cluster",
                    description=f"KMeans elkan {max_iter} iterations from given centres, {n}x{d} k={k} {tag}",
                    setup=lambda d=d, k=k, dtype=dtype: _data(n, d, k, dtype, seed=4),
                    ours=_fixed("ours", "elkan", max_iter), peer=_fixed("peer", "elkan", max_iter),
                    score=_inertia, metric="inertia", repeats=repeats))
    for d in (2, 20, 100):
        for k in (8, 64, 256):
            for dtype, tag in tags:
                out.append(Workload(
                    name=f"kmeans_plusplus_d{d}_k{k}_{tag}", family="cluster",
                    description=f"kmeans_plusplus seeding (greedy), {n}x{d} k={k} {tag}",
                    setup=lambda d=d, k=k, dtype=dtype: _data(n, d, k, dtype, seed=5),
                    ours=_seeding("ours"), peer=_seeding("peer"),
                    score=_seeding_potential, metric="potential", repeats=repeats))
    for d, k in ((2, 8), (10, 64), (50, 128), (100, 20)):
        for dtype, tag in tags:
            out.append(Workload(
                name=f"kmeans_default_d{d}_k{k}_{tag}", family="cluster",
                description=f"KMeans default fit (k-means++, tol=1e-4), {2 * n}x{d} k={k} {tag}",
                setup=lambda d=d, k=k, dtype=dtype: _data(2 * n, d, k, dtype, seed=6),
                ours=_ours_pp, peer=_peer_pp, score=_inertia, metric="inertia", repeats=repeats))
            out.append(Workload(
                name=f"minibatch_kmeans_d{d}_k{k}_{tag}", family="cluster",
                description=f"MiniBatchKMeans default fit, {2 * n}x{d} k={k} {tag}",
                setup=lambda d=d, k=k, dtype=dtype: _data(2 * n, d, k, dtype, seed=7),
                ours=_ours_mb, peer=_peer_mb, score=_inertia, metric="inertia", repeats=repeats))
    return out


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
    return out + _sweep(quick)
