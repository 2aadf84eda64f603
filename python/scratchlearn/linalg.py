"""Dense linear algebra on scratchlearn's own matrix product (cpp/src/gemm/)."""

from __future__ import annotations

import numpy as np

from . import _core
from ._validation import resolve_n_jobs

__all__ = ["gemm"]


def gemm(A, B, *, trans_a=False, trans_b=False, alpha=1.0, beta=0.0, out=None, n_jobs=None):
    """C = alpha · op(A) · op(B) + beta · C, with op(M) = Mᵀ when trans_*.

    A and B must be 2-d float32 or float64 arrays of one dtype (other numeric dtypes become float64).
    With ``out`` (C-contiguous, right shape and dtype) the result is written there and returned;
    otherwise a new array is returned (``beta`` then multiplies zeros).
    """
    A = np.asarray(A)
    B = np.asarray(B)
    for name, M in (("A", A), ("B", B)):
        if M.ndim != 2:
            raise ValueError(f"gemm: {name} must be 2-dimensional, got {M.ndim} dimensions.")
        if M.dtype.kind not in "biuf":
            raise ValueError(f"gemm: {name} must be numeric, got dtype {M.dtype}.")
    dtype = np.float32 if (A.dtype == np.float32 and B.dtype == np.float32) else np.float64
    if A.dtype != B.dtype and (A.dtype.kind == "f" and B.dtype.kind == "f"):
        raise ValueError(f"gemm: A and B have different dtypes ({A.dtype} and {B.dtype}).")
    A = np.ascontiguousarray(A, dtype=dtype)
    B = np.ascontiguousarray(B, dtype=dtype)
    m, k = (A.shape[1], A.shape[0]) if trans_a else A.shape
    kb, n = (B.shape[1], B.shape[0]) if trans_b else B.shape
    if k != kb:
        raise ValueError(f"gemm: inner dimensions differ: op(A) is {m}x{k}, op(B) is {kb}x{n}.")
    if out is None:
        out = np.zeros((m, n), dtype=dtype)
    else:
        if not isinstance(out, np.ndarray) or out.dtype != dtype:
            raise ValueError(f"gemm: out must be a numpy array of dtype {np.dtype(dtype).name}.")
        if out.shape != (m, n):
            raise ValueError(f"gemm: out has shape {out.shape}, expected {(m, n)}.")
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("gemm: out must be C-contiguous and writeable.")
    _core.gemm_into(A, B, out, bool(trans_a), bool(trans_b), float(alpha), float(beta),
                    resolve_n_jobs(n_jobs))
    return out
