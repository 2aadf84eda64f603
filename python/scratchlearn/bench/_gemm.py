"""Matrix-product workloads: scratchlearn.linalg.gemm against numpy's matmul (its BLAS), GFLOP/s.

Square products (256 … 4096) and the skinny shapes the estimators produce: a 64-feature layer of
an MLP-like model on 50000 rows (50000×64 · 64×512) and the kNN distance product
(5000×50 · (20000×50)ᵀ). Both sides write into a preallocated output. The score is the largest
relative error of 64 sampled rows against a float64 product (numpy's side is scored the same).
"""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _setup(m, n, k, trans_b, dtype, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, k)).astype(dtype)
    B = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    rows = np.sort(rng.choice(m, size=min(64, m), replace=False))
    return {"A": A, "B": B, "trans_b": trans_b, "rows": rows}


def _out(data):
    m = data["A"].shape[0]
    n = data["B"].shape[0] if data["trans_b"] else data["B"].shape[1]
    return np.empty((m, n), dtype=data["A"].dtype)


def _ours(data, out):
    from scratchlearn.linalg import gemm

    return gemm(data["A"], data["B"], trans_b=data["trans_b"], out=out)


def _peer(data, out):
    B = data["B"].T if data["trans_b"] else data["B"]
    return np.matmul(data["A"], B, out=out)


def _score(data, C):
    rows = data["rows"]
    B = data["B"].T if data["trans_b"] else data["B"]
    ref = data["A"][rows].astype(np.float64) @ B.astype(np.float64)
    return float(np.max(np.abs(C[rows] - ref)) / max(np.max(np.abs(ref)), 1e-300))


def workloads(quick):
    if quick:
        shapes = [(256, 256, 256, False), (512, 512, 512, False), (5000, 512, 64, False),
                  (1000, 4000, 50, True)]
    else:
        shapes = [(s, s, s, False) for s in (256, 512, 1024, 2048, 4096)]
        shapes += [(50000, 512, 64, False), (5000, 20000, 50, True)]
    out = []
    for dtype, tag in ((np.float32, "f32"), (np.float64, "f64")):
        for m, n, k, tb in shapes:
            square = m == n == k
            name = f"gemm_{m}_{tag}" if square else f"gemm_{m}x{k}x{n}{'T' if tb else ''}_{tag}"
            desc = (f"gemm {m}x{k} · {'(' + str(n) + 'x' + str(k) + ')ᵀ' if tb else str(k) + 'x' + str(n)}"
                    f" {tag} vs numpy matmul")
            big = 2.0 * m * n * k >= 1e11
            out.append(Workload(
                name=name,
                family="linalg",
                description=desc,
                setup=lambda m=m, n=n, k=k, tb=tb, dtype=dtype: _setup(m, n, k, tb, dtype),
                ours=_ours,
                peer=_peer,
                prepare_ours=_out,
                prepare_peer=_out,
                score=_score,
                metric="max rel err",
                repeats=3 if quick or big else 5,
                extra={"flops": 2.0 * m * n * k},
            ))
    return out
