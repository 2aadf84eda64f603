"""Matrix-product workloads: scratchlearn.linalg.gemm against numpy's matmul (its BLAS), GFLOP/s.

Every shape class the estimators produce: small squares (32 … 256); an MLP layer's three products
at batch sizes 32 … 512 (forward X·W "NN", weight gradient Xᵀ·Δ "TN", back-propagated
Δ·Wᵀ "NT"); tall-skinny and short-wide products; the kNN distance product; large squares
(1024 … 4096). Both sides write into a preallocated output. The score is the largest relative
error of 64 sampled rows against a float64 product (numpy's side is scored the same).
"""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _setup(m, n, k, trans_b, dtype, seed=0, trans_a=False):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    B = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    rows = np.sort(rng.choice(m, size=min(64, m), replace=False))
    return {"A": A, "B": B, "trans_a": trans_a, "trans_b": trans_b, "rows": rows}


def _ops(data):
    A = data["A"].T if data.get("trans_a") else data["A"]
    B = data["B"].T if data["trans_b"] else data["B"]
    return A, B


def _out(data):
    A, B = _ops(data)
    return np.empty((A.shape[0], B.shape[1]), dtype=data["A"].dtype)


def _ours(data, out):
    from scratchlearn.linalg import gemm

    for _ in range(data.get("inner", 1)):
        gemm(data["A"], data["B"], trans_a=data.get("trans_a", False), trans_b=data["trans_b"],
             out=out)
    return out


def _peer(data, out):
    A, B = _ops(data)
    for _ in range(data.get("inner", 1)):
        np.matmul(A, B, out=out)
    return out


def _score(data, C):
    rows = data["rows"]
    A, B = _ops(data)
    ref = A[rows].astype(np.float64) @ B.astype(np.float64)
    return float(np.max(np.abs(C[rows] - ref)) / max(np.max(np.abs(ref)), 1e-300))


def shape_classes(quick=False):
    """(class, m, n, k, trans_a, trans_b) of every shape class the bench and benchmarks/ cover."""
    out = [("small", s, s, s, False, False) for s in ((64, 256) if quick else (32, 64, 128, 256))]
    # An MLP layer fi → fo on a batch: forward (batch×fi)·(fi×fo), weight gradient
    # (batch×fi)ᵀ·(batch×fo), back-propagated (batch×fo)·(fi×fo)ᵀ.
    layers = [(200, 64, 256), (200, 256, 128), (200, 128, 4)] if quick else [
        (32, 16, 16), (64, 100, 10), (200, 64, 256), (200, 256, 128), (200, 128, 4),
        (256, 784, 128), (512, 1024, 1024), (512, 16, 1024)]
    for batch, fi, fo in layers:
        out.append(("mlp_fwd", batch, fo, fi, False, False))
        out.append(("mlp_grad", fi, fo, batch, True, False))
        out.append(("mlp_back", batch, fi, fo, False, True))
    out += [("tall", 50000, 16, 128, False, False), ("short_wide", 16, 50000, 128, False, False)]
    if not quick:
        out += [("tall", 20000, 64, 64, False, False), ("short_wide", 64, 20000, 64, False, False),
                ("tall", 50000, 512, 64, False, False)]
    out.append(("knn", 1000, 4000, 50, False, True) if quick else ("knn", 5000, 20000, 50, False, True))
    out += [("large", s, s, s, False, False) for s in ((1024,) if quick else (1024, 2048, 4096))]
    return out


def workloads(quick):
    out = []
    for dtype, tag in ((np.float32, "f32"), (np.float64, "f64")):
        for cls, m, n, k, ta, tb in shape_classes(quick):
            ops = ("T" if ta else "N") + ("T" if tb else "N")
            name = f"gemm_{cls}_{m}x{k}x{n}_{ops}_{tag}"
            desc = (f"gemm [{cls}] op(A) {m}x{k} · op(B) {k}x{n} ({ops}) {tag} vs numpy matmul")
            # A small product is timed over `inner` calls in a row (a few ms in all).
            inner = max(1, int(2e7 / (2.0 * m * n * k)))
            flops = 2.0 * m * n * k * inner
            out.append(Workload(
                name=name,
                family="linalg",
                description=desc,
                setup=lambda m=m, n=n, k=k, ta=ta, tb=tb, dtype=dtype, inner=inner: dict(
                    _setup(m, n, k, tb, dtype, trans_a=ta), inner=inner),
                ours=_ours,
                peer=_peer,
                prepare_ours=_out,
                prepare_peer=_out,
                score=_score,
                metric="max rel err",
                repeats=3 if quick or flops >= 1e11 else 7,
                extra={"flops": flops},
            ))
    return out
