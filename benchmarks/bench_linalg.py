"""pytest-benchmark: scratchlearn.linalg.gemm vs numpy's matmul (its BLAS), same data, same run.

Run: pytest benchmarks/bench_linalg.py --benchmark-only   (groups pair the two per shape)
GFLOP/s = 2·m·n·k / time; `python -m scratchlearn.bench --only gemm` prints them directly.
"""

import numpy as np
import pytest

from scratchlearn.bench._gemm import _out, _setup
from scratchlearn.linalg import gemm

SHAPES = [(256, 256, 256, False), (1024, 1024, 1024, False), (2048, 2048, 2048, False),
          (50000, 512, 64, False), (5000, 20000, 50, True)]


@pytest.mark.parametrize("lib", ["scratchlearn", "numpy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("m,n,k,trans_b", SHAPES, ids=lambda v: str(v))
def test_gemm(benchmark, lib, dtype, m, n, k, trans_b):
    data = _setup(m, n, k, trans_b, dtype)
    out = _out(data)
    A, B = data["A"], data["B"]
    benchmark.group = f"gemm {m}x{k}x{n}{'T' if trans_b else ''} {np.dtype(dtype).name}"
    benchmark.extra_info["gflop"] = 2.0 * m * n * k / 1e9
    if lib == "scratchlearn":
        C = benchmark.pedantic(gemm, args=(A, B), kwargs={"trans_b": trans_b, "out": out},
                               rounds=3, warmup_rounds=1)
    else:
        Bop = B.T if trans_b else B
        C = benchmark.pedantic(np.matmul, args=(A, Bop), kwargs={"out": out}, rounds=3,
                               warmup_rounds=1)
    rows = data["rows"]
    ref = A[rows].astype(np.float64) @ (B.T if trans_b else B).astype(np.float64)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    assert np.max(np.abs(C[rows] - ref)) <= tol * np.max(np.abs(ref))
