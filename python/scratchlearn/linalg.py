"""Dense linear algebra on scratchlearn's own matrix product (cpp/src/linalg/)."""

from __future__ import annotations

import numpy as np

from . import _core
from .utils.parallel import _budget
from .utils.parallel import n_threads as _resolve_threads

__all__ = ["gemm"]

_ND = np.ndarray
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _rows_contiguous(M):
    """Whether M's rows are contiguous and equally spaced (C order, or a block view of one)."""
    if M.ndim != 2:
        return False
    rows, cols = M.shape
    if rows == 0 or cols == 0:
        return True
    if cols > 1 and M.strides[1] != M.itemsize:
        return False
    if rows > 1:
        s0 = M.strides[0]
        if s0 <= 0 or s0 % M.itemsize or s0 // M.itemsize < cols:
            return False
    return True


def gemm(A, B, *, trans_a=False, trans_b=False, alpha=1.0, beta=0.0, out=None, n_jobs=None):
    """C = alpha · op(A) · op(B) + beta · C, with op(M) = Mᵀ when trans_*.

    Parameters
    ----------
    A, B : array-like, 2-d
        float32 or float64 of one dtype (other numeric dtypes become float64; two float dtypes
        that differ are rejected). Arrays whose rows are contiguous (C order, or a view of a block
        of rows and columns of one) are read in place; others are copied once to C order.
    trans_a, trans_b : bool
        Use Aᵀ (Bᵀ) instead of A (B).
    alpha, beta : float
        Scalars of the update. With ``beta == 0`` the previous content of ``out`` is never read
        (NaN there does not propagate).
    out : ndarray, optional
        Where to write C (right shape and dtype, writeable, rows contiguous: C order or a block
        view). Returned. Without it a new array is returned (``beta`` then multiplies zeros).
    n_jobs : int or None
        Threads (None or -1: all cores). The result does not depend on it.

    Returns
    -------
    ndarray of shape (m, n)

    How it works
    ------------
    The GotoBLAS/BLIS scheme in cpp/src/linalg/gemm.cpp: op(B) is packed into kc × nc blocks (L3),
    op(A) into mc × kc blocks (L2), both in micro-panels with zero-padded edges, and a
    register-blocked micro-kernel (6 × 16 floats on AVX2, 14 × 32 on AVX-512) runs kc fused
    multiply-adds per tile. The micro-kernel's instruction set is chosen at import from the CPU
    (``scratchlearn.show_config()``; ``SCRATCHLEARN_ISA`` forces one). 2·m·n·k flops.
    """
    if out is not None and type(A) is _ND and type(B) is _ND and type(out) is _ND:
        # The common call (float arrays of out's dtype, out given) goes straight to the core,
        # which checks dimensions, shapes and layout (copying an input whose rows are not
        # contiguous, or one that overlaps out); on any complaint the checked path below runs and
        # names the problem. A small product is over in about a microsecond, so this path keeps
        # its own cost to a few attribute reads (n_threads 0: the core's default thread count).
        dt = out.dtype
        if ((dt is _F64 or dt is _F32) and A.dtype is dt and B.dtype is dt
                and (trans_a is False or trans_a is True) and (trans_b is False or trans_b is True)):
            try:
                threads = (0 if n_jobs is None and _budget.__dict__.get("value") is None
                           else _resolve_threads(n_jobs))
                _core.linalg.gemm_into(A, B, out, trans_a, trans_b, alpha, beta, threads)
                return out
            except (ValueError, TypeError):
                pass
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
    A = A if A.dtype == dtype and _rows_contiguous(A) else np.ascontiguousarray(A, dtype=dtype)
    B = B if B.dtype == dtype and _rows_contiguous(B) else np.ascontiguousarray(B, dtype=dtype)
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
        if not _rows_contiguous(out) or not out.flags.writeable:
            raise ValueError("gemm: out must be writeable with contiguous rows (C order or a block "
                             "view of a C-ordered array).")
        # (An input overlapping out is copied by the core before the product.)
    _core.linalg.gemm_into(A, B, out, bool(trans_a), bool(trans_b), float(alpha), float(beta),
                    _resolve_threads(n_jobs))
    return out
