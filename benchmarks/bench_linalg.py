"""pytest-benchmark: scratchlearn.linalg.gemm vs numpy's matmul (its BLAS), same data, same run,
over every shape class of the bench (scratchlearn.bench._gemm.shape_classes): small squares, an
MLP layer's three products (NN, TN, NT), tall-skinny, short-wide, the kNN product, large squares.

Run: pytest benchmarks/bench_linalg.py --benchmark-only   (groups pair the two per shape)
GFLOP/s = 2·m·n·k / time (in extra_info["gflop"] per call); `python -m scratchlearn.bench --only
gemm` prints the GFLOP/s table directly. Threads: OMP_NUM_THREADS / threadpoolctl on both sides.
"""

import numpy as np
import pytest

from scratchlearn.bench._gemm import _ops, _out, _setup, shape_classes
from scratchlearn.linalg import gemm

SHAPES = [s for s in shape_classes(quick=False) if s[1] * s[2] * s[3] <= 2048 ** 3]


@pytest.mark.parametrize("lib", ["scratchlearn", "numpy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("cls,m,n,k,trans_a,trans_b", SHAPES,
                         ids=lambda v: str(v))
def test_gemm(benchmark, lib, dtype, cls, m, n, k, trans_a, trans_b):
    data = _setup(m, n, k, trans_b, dtype, trans_a=trans_a)
    out = _out(data)
    A, B = data["A"], data["B"]
    ops = ("T" if trans_a else "N") + ("T" if trans_b else "N")
    benchmark.group = f"gemm {cls} {m}x{k}x{n} {ops} {np.dtype(dtype).name}"
    benchmark.extra_info["gflop"] = 2.0 * m * n * k / 1e9
    rounds = 3 if m * n * k >= 10 ** 9 else 20
    if lib == "scratchlearn":
        C = benchmark.pedantic(gemm, args=(A, B), kwargs={"trans_a": trans_a, "trans_b": trans_b,
                                                          "out": out},
                               rounds=rounds, warmup_rounds=1)
    else:
        Ao, Bo = _ops(data)
        C = benchmark.pedantic(np.matmul, args=(Ao, Bo), kwargs={"out": out}, rounds=rounds,
                               warmup_rounds=1)
    rows = data["rows"]
    Ao, Bo = _ops(data)
    ref = Ao[rows].astype(np.float64) @ Bo.astype(np.float64)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    assert np.max(np.abs(C[rows] - ref)) <= tol * np.max(np.abs(ref))
