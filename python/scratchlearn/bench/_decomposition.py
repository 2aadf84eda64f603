"""Benchmark workloads for the decomposition family (PCA)."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _data(n, d, dtype=np.float64):
    def setup():
        rng = np.random.RandomState(0)
        # A decaying spectrum, so that the leading components are well defined.
        scales = 1.0 / np.sqrt(np.arange(1, d + 1))
        X = rng.randn(n, d) * scales
        X = X @ np.linalg.qr(rng.randn(d, d))[0].T
        X += 1.0
        return {"X": np.ascontiguousarray(X, dtype=dtype)}
    return setup


def _explained(data, model):
    return float(np.sum(model.explained_variance_ratio_))


def _fit(lib, **params):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.decomposition import PCA
        else:
            from sklearn.decomposition import PCA
        return PCA(**params).fit(data["X"])
    return run


def workloads(quick: bool) -> list[Workload]:
    n = 20_000 if quick else 200_000
    d, k = 100, 10
    flops = 2.0 * n * d * d / 2  # the scatter matrix (one triangle's worth of work, syrk)
    out = []
    for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
        out.append(Workload(
            name=f"pca_fit_{tag}",
            family="decomposition",
            description=f"PCA(n_components={k}).fit {n}x{d} {tag} (auto: covariance_eigh)",
            setup=_data(n, d, dtype),
            ours=_fit("ours", n_components=k),
            peer=_fit("peer", n_components=k),
            score=_explained,
            metric="explained variance ratio",
            extra={"flops": flops},
        ))
    out.append(Workload(
        name="pca_fit_randomized_f64",
        family="decomposition",
        description=f"PCA(n_components={k}, svd_solver='randomized').fit {n}x{d}",
        setup=_data(n, d),
        ours=_fit("ours", n_components=k, svd_solver="randomized", random_state=0),
        peer=_fit("peer", n_components=k, svd_solver="randomized", random_state=0),
        score=_explained,
        metric="explained variance ratio",
    ))
    return out
