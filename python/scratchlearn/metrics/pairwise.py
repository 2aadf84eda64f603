"""Pairwise distances, kernels and paired distances between the rows of two matrices.

How it works
------------
The euclidean family (euclidean, squared euclidean, nan-euclidean, the RBF kernel) expands
‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y, so the bulk of the work is one matrix product on the project's
GEMM (cpp/src/linalg/, ``scratchlearn.linalg.gemm``), done in float64 (float32 input is widened
for it and the result narrowed back, as the cancellation in the expansion needs the digits).
The dot-product kernels (linear, polynomial, sigmoid, cosine) are one product too. The L1 family
(manhattan, Chebyshev, Minkowski, the Laplacian and chi² kernels) is summed in row blocks whose
(block × m × d) difference cube stays within a few megabytes. Metrics without such a form (the
rest of scipy.spatial.distance's) are scipy's ``cdist`` when scipy is installed.
``pairwise_distances_chunked`` and ``pairwise_distances_argmin_min`` never hold more than a
block of rows of the distance matrix. O(n m d) time for every metric.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np

from ..linalg import gemm
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.parallel import n_threads as _resolve_threads
from ..utils.validation import check_array

__all__ = ["additive_chi2_kernel", "chi2_kernel", "cosine_distances", "cosine_similarity",
           "distance_metrics", "euclidean_distances", "haversine_distances", "kernel_metrics",
           "laplacian_kernel", "linear_kernel", "manhattan_distances", "nan_euclidean_distances",
           "paired_cosine_distances", "paired_distances", "paired_euclidean_distances",
           "paired_manhattan_distances", "pairwise_distances", "pairwise_distances_argmin",
           "pairwise_distances_argmin_min", "pairwise_distances_chunked", "pairwise_kernels",
           "polynomial_kernel", "rbf_kernel", "sigmoid_kernel", "DistanceMetric"]

_BLOCK_BYTES = 8 << 20  # the difference cube of the L1 family, per block
_WORKING_MEMORY_MIB = 1024  # a chunk of the distance matrix, by default (scikit-learn's default)


def _float_dtype(*arrays):
    return np.float32 if all(a.dtype == np.float32 for a in arrays if a is not None) \
        else np.float64


def check_pairwise_arrays(X, Y, *, ensure_all_finite=True, dtype="float", precomputed=False,
                          copy=False):
    """(X, Y) as 2-d float arrays of the same width (Y is X when Y is None; float32 kept when
    both are float32). ``precomputed``: X holds distances to Y's rows (n_X × n_Y)."""
    allow_nan = ensure_all_finite == "allow-nan"
    finite = bool(ensure_all_finite) and not allow_nan
    X = check_array(X, dtype=None, ensure_all_finite=finite, input_name="X")
    Y_given = Y is not None and Y is not X
    Y = check_array(Y, dtype=None, ensure_all_finite=finite, input_name="Y") if Y_given else X
    if allow_nan:
        for name, A in (("X", X), ("Y", Y)):
            if A.dtype.kind == "f" and np.isinf(A).any():
                raise ValueError(f"Input {name} contains infinity or a value too large for "
                                 f"{A.dtype!r}.")
    if dtype == "float":
        dt = _float_dtype(X, Y) if X.dtype.kind == "f" and Y.dtype.kind == "f" else np.float64
        if X.dtype.kind not in "fiub" or Y.dtype.kind not in "fiub":
            raise ValueError("The pairwise functions need numeric arrays; got dtypes "
                             f"{X.dtype} and {Y.dtype}.")
        X = X.astype(dt, copy=copy)
        Y = Y.astype(dt, copy=copy) if Y_given else X
    if precomputed:
        if Y_given and X.shape[1] != Y.shape[0]:
            raise ValueError(f"Precomputed metric requires shape (n_queries, n_indexed). Got "
                             f"({X.shape[0]}, {X.shape[1]}) for {Y.shape[0]} indexed.")
    elif X.shape[1] != Y.shape[1]:
        raise ValueError(f"Incompatible dimension for X and Y matrices: X.shape[1] == "
                         f"{X.shape[1]} while Y.shape[1] == {Y.shape[1]}")
    return X, Y


def check_paired_arrays(X, Y):
    """(X, Y) of the same shape (as check_pairwise_arrays)."""
    X, Y = check_pairwise_arrays(X, Y)
    if X.shape != Y.shape:
        raise ValueError(f"X and Y should be of same shape. They were respectively {X.shape} "
                         f"and {Y.shape} long.")
    return X, Y


def _product(A, B):
    """A · Bᵀ in float64 on the project's GEMM."""
    A = np.ascontiguousarray(A, dtype=np.float64)
    B = np.ascontiguousarray(B, dtype=np.float64)
    if A.shape[0] == 0 or B.shape[0] == 0 or A.shape[1] == 0:
        return np.zeros((A.shape[0], B.shape[0]))
    return gemm(A, B, trans_b=True)


def _row_sq_norms(A):
    A = np.asarray(A, dtype=np.float64)
    return np.einsum("ij,ij->i", A, A)


# ---- the euclidean family ---------------------------------------------------------------------

def euclidean_distances(X, Y=None, *, Y_norm_squared=None, squared=False, X_norm_squared=None):
    """‖x − y‖ between every row of X and every row of Y (Y = X by default), from
    ‖x‖² + ‖y‖² − 2 x·y (one GEMM; the norms may be passed precomputed)."""
    same = Y is None or Y is X
    X, Y = check_pairwise_arrays(X, Y)
    if X_norm_squared is not None:
        XX = check_array(X_norm_squared, ensure_2d=False, dtype=np.float64,
                         input_name="X_norm_squared").reshape(-1)
        if XX.shape[0] != X.shape[0]:
            raise ValueError(f"Incompatible dimensions for X of shape {X.shape} and "
                             f"X_norm_squared of shape {np.shape(X_norm_squared)}.")
    else:
        XX = _row_sq_norms(X)
    if same:
        YY = XX
    elif Y_norm_squared is not None:
        YY = check_array(Y_norm_squared, ensure_2d=False, dtype=np.float64,
                         input_name="Y_norm_squared").reshape(-1)
        if YY.shape[0] != Y.shape[0]:
            raise ValueError(f"Incompatible dimensions for Y of shape {Y.shape} and "
                             f"Y_norm_squared of shape {np.shape(Y_norm_squared)}.")
    else:
        YY = _row_sq_norms(Y)
    D = _product(X, Y)
    D *= -2.0
    D += XX[:, None]
    D += YY[None, :]
    np.maximum(D, 0.0, out=D)
    if same:
        np.fill_diagonal(D, 0.0)
    if not squared:
        np.sqrt(D, out=D)
    return D.astype(X.dtype, copy=False)


def nan_euclidean_distances(X, Y=None, *, squared=False, missing_values=np.nan, copy=True):
    """Euclidean distances over the coordinates present in both rows, scaled up by
    n_features / n_present (NaN where two rows share no present coordinate)."""
    same = Y is None or Y is X
    X, Y = check_pairwise_arrays(X, Y, ensure_all_finite="allow-nan", copy=copy)
    is_nan = missing_values is None or (isinstance(missing_values, float)
                                        and np.isnan(missing_values))
    mX = np.isnan(X) if is_nan else (X == missing_values)
    mY = mX if same else (np.isnan(Y) if is_nan else (Y == missing_values))
    Xz = np.where(mX, 0.0, X).astype(np.float64)
    Yz = Xz if same else np.where(mY, 0.0, Y).astype(np.float64)
    pX = (~mX).astype(np.float64)
    pY = pX if same else (~mY).astype(np.float64)
    D = _product(Xz * Xz, pY)
    D += _product(pX, Yz * Yz)
    D -= 2.0 * _product(Xz, Yz)
    np.maximum(D, 0.0, out=D)
    if same:
        np.fill_diagonal(D, 0.0)
    count = _product(pX, pY)
    D[count == 0] = np.nan
    np.maximum(count, 1.0, out=count)
    D /= count
    D *= X.shape[1]
    if not squared:
        np.sqrt(D, out=D)
    return D.astype(X.dtype, copy=False)


# ---- the L1 family ----------------------------------------------------------------------------

def _blocked(X, Y, reduce_rows):
    """(n_X, n_Y) float64 of ``reduce_rows(X_block[:, None, :], Y[None, :, :])`` per row block."""
    n, m, d = X.shape[0], Y.shape[0], max(X.shape[1], 1)
    out = np.empty((n, m))
    step = max(1, _BLOCK_BYTES // (8 * max(m, 1) * d))
    Xf, Yf = X.astype(np.float64, copy=False), Y.astype(np.float64, copy=False)
    for start in range(0, n, step):
        out[start:start + step] = reduce_rows(Xf[start:start + step, None, :], Yf[None, :, :])
    return out


def manhattan_distances(X, Y=None):
    """Σ |x − y| between every row of X and every row of Y."""
    X, Y = check_pairwise_arrays(X, Y)
    return _blocked(X, Y, lambda a, b: np.abs(a - b).sum(axis=2))  # float64, as scikit-learn


def _chebyshev(X, Y):
    return _blocked(X, Y, lambda a, b: np.abs(a - b).max(axis=2) if a.shape[2] else
                    np.zeros((a.shape[0], b.shape[1])))


def _minkowski(X, Y, p=2, w=None):
    if p <= 0:
        raise ValueError(f"p must be greater than 0, got {p}")
    if np.isinf(p):
        return _chebyshev(X, Y)
    wt = 1.0 if w is None else np.asarray(w, dtype=np.float64)
    return _blocked(X, Y, lambda a, b: (wt * np.abs(a - b) ** p).sum(axis=2) ** (1.0 / p))


# ---- cosine -----------------------------------------------------------------------------------

def _normalized_rows(A):
    A = np.asarray(A, dtype=np.float64)
    norms = np.sqrt(_row_sq_norms(A))
    norms[norms == 0] = 1.0
    return A / norms[:, None]


def cosine_similarity(X, Y=None, dense_output=True):
    """x·y / (‖x‖ ‖y‖) between every row of X and every row of Y (0 for a zero row)."""
    X, Y = check_pairwise_arrays(X, Y)
    Xn = _normalized_rows(X)
    Yn = Xn if Y is X else _normalized_rows(Y)
    return _product(Xn, Yn).astype(X.dtype, copy=False)


def cosine_distances(X, Y=None):
    """1 − cosine similarity, clipped to [0, 2] (0 on the diagonal when Y is X)."""
    same = Y is None or Y is X
    S = cosine_similarity(X, Y).astype(np.float64)
    S *= -1
    S += 1
    np.clip(S, 0, 2, out=S)
    if same:
        np.fill_diagonal(S, 0.0)
    X = check_array(X, dtype=None, input_name="X")
    return S.astype(_float_dtype(X, None if same else check_array(Y, dtype=None)), copy=False)


def haversine_distances(X, Y=None):
    """The great-circle distance on the unit sphere between points given as (latitude,
    longitude) in radians."""
    X, Y = check_pairwise_arrays(X, Y)
    if X.shape[1] != 2 or Y.shape[1] != 2:
        raise ValueError("Haversine distance only valid in 2 dimensions")
    lat1, lon1 = X[:, 0:1].astype(np.float64), X[:, 1:2].astype(np.float64)
    lat2, lon2 = Y[:, 0].astype(np.float64), Y[:, 1].astype(np.float64)
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return (2 * np.arcsin(np.sqrt(h))).astype(X.dtype, copy=False)


# ---- kernels ----------------------------------------------------------------------------------

def _gamma(gamma, X):
    return 1.0 / X.shape[1] if gamma is None else gamma


def linear_kernel(X, Y=None, dense_output=True):
    """x·y between every row of X and every row of Y."""
    X, Y = check_pairwise_arrays(X, Y)
    return _product(X, Y).astype(X.dtype, copy=False)


def polynomial_kernel(X, Y=None, degree=3, gamma=None, coef0=1):
    """(γ x·y + coef0)^degree, γ = 1 / n_features by default."""
    X, Y = check_pairwise_arrays(X, Y)
    K = _product(X, Y)
    K *= _gamma(gamma, X)
    K += coef0
    K **= degree
    return K.astype(X.dtype, copy=False)


def sigmoid_kernel(X, Y=None, gamma=None, coef0=1):
    """tanh(γ x·y + coef0), γ = 1 / n_features by default."""
    X, Y = check_pairwise_arrays(X, Y)
    K = _product(X, Y)
    K *= _gamma(gamma, X)
    K += coef0
    np.tanh(K, out=K)
    return K.astype(X.dtype, copy=False)


def rbf_kernel(X, Y=None, gamma=None):
    """exp(−γ ‖x − y‖²), γ = 1 / n_features by default."""
    X, Y = check_pairwise_arrays(X, Y)
    K = euclidean_distances(X, Y if Y is not X else None, squared=True).astype(np.float64)
    K *= -_gamma(gamma, X)
    np.exp(K, out=K)
    return K.astype(X.dtype, copy=False)


def laplacian_kernel(X, Y=None, gamma=None):
    """exp(−γ ‖x − y‖₁), γ = 1 / n_features by default."""
    X, Y = check_pairwise_arrays(X, Y)
    K = -_gamma(gamma, X) * manhattan_distances(X, Y if Y is not X else None)
    return np.exp(K, out=K)  # float64, as the manhattan distances


def additive_chi2_kernel(X, Y=None):
    """−Σ (x − y)² / (x + y) over the coordinates (0/0 counts 0); X and Y non-negative."""
    X, Y = check_pairwise_arrays(X, Y)
    if (X < 0).any():
        raise ValueError("X contains negative values.")
    if Y is not X and (Y < 0).any():
        raise ValueError("Y contains negative values.")

    def chi2(a, b):
        num, den = (a - b) ** 2, a + b
        with np.errstate(divide="ignore", invalid="ignore"):
            return -np.where(den == 0, 0.0, num / den).sum(axis=2)

    return _blocked(X, Y, chi2).astype(X.dtype, copy=False)


def chi2_kernel(X, Y=None, gamma=1.0):
    """exp(γ · additive_chi2_kernel(X, Y))."""
    K = additive_chi2_kernel(X, Y).astype(np.float64)
    K *= gamma
    np.exp(K, out=K)
    X = check_array(X, dtype=None)
    return K.astype(np.float32 if X.dtype == np.float32 and
                    (Y is None or np.asarray(Y).dtype == np.float32) else np.float64)


# ---- paired distances -------------------------------------------------------------------------

def paired_euclidean_distances(X, Y):
    """‖X[i] − Y[i]‖ for each row i."""
    X, Y = check_paired_arrays(X, Y)
    diff = X.astype(np.float64) - Y
    return np.sqrt(np.einsum("ij,ij->i", diff, diff)).astype(X.dtype, copy=False)


def paired_manhattan_distances(X, Y):
    """Σ |X[i] − Y[i]| for each row i."""
    X, Y = check_paired_arrays(X, Y)
    return np.abs(X.astype(np.float64) - Y).sum(axis=1).astype(X.dtype, copy=False)


def paired_cosine_distances(X, Y):
    """½ ‖X[i]/‖X[i]‖ − Y[i]/‖Y[i]‖‖² = 1 − cos(X[i], Y[i]) for each row i."""
    X, Y = check_paired_arrays(X, Y)
    diff = _normalized_rows(X) - _normalized_rows(Y)
    return (0.5 * np.einsum("ij,ij->i", diff, diff)).astype(X.dtype, copy=False)


PAIRED_DISTANCES = {"cosine": paired_cosine_distances, "euclidean": paired_euclidean_distances,
                    "l2": paired_euclidean_distances, "l1": paired_manhattan_distances,
                    "manhattan": paired_manhattan_distances,
                    "cityblock": paired_manhattan_distances}


def paired_distances(X, Y, *, metric="euclidean", **kwds):
    """The distance of X[i] to Y[i] for each row i, by a metric name of PAIRED_DISTANCES or a
    callable of two rows."""
    if isinstance(metric, str):
        if metric not in PAIRED_DISTANCES:
            raise ValueError(f"Unknown distance {metric!r}: use one of "
                             f"{sorted(PAIRED_DISTANCES)} or a callable.")
        return PAIRED_DISTANCES[metric](X, Y)
    if callable(metric):
        X, Y = check_paired_arrays(X, Y)
        return np.array([metric(x, y, **kwds) for x, y in zip(X, Y)], dtype=np.float64)
    raise ValueError(f"Unknown distance {metric!r}")


# ---- by name ----------------------------------------------------------------------------------

PAIRWISE_DISTANCE_FUNCTIONS = {
    "cityblock": manhattan_distances, "cosine": cosine_distances,
    "euclidean": euclidean_distances, "haversine": haversine_distances,
    "l2": euclidean_distances, "l1": manhattan_distances, "manhattan": manhattan_distances,
    "precomputed": None, "nan_euclidean": nan_euclidean_distances,
}

_NUMPY_METRICS = {"sqeuclidean", "chebyshev", "minkowski"}

_SCIPY_METRICS = {"braycurtis", "canberra", "chebyshev", "correlation", "dice", "hamming",
                  "jaccard", "mahalanobis", "minkowski", "rogerstanimoto", "russellrao",
                  "seuclidean", "sokalsneath", "sqeuclidean", "yule"}

_VALID_METRICS = sorted(set(PAIRWISE_DISTANCE_FUNCTIONS) | _SCIPY_METRICS)

PAIRWISE_BOOLEAN_FUNCTIONS = ["dice", "jaccard", "rogerstanimoto", "russellrao", "sokalsneath",
                              "yule"]

PAIRWISE_KERNEL_FUNCTIONS = {
    "additive_chi2": additive_chi2_kernel, "chi2": chi2_kernel, "linear": linear_kernel,
    "polynomial": polynomial_kernel, "poly": polynomial_kernel, "rbf": rbf_kernel,
    "laplacian": laplacian_kernel, "sigmoid": sigmoid_kernel, "cosine": cosine_similarity,
}

KERNEL_PARAMS = {
    "additive_chi2": (), "chi2": frozenset(["gamma"]), "cosine": (), "linear": (),
    "poly": frozenset(["gamma", "degree", "coef0"]),
    "polynomial": frozenset(["gamma", "degree", "coef0"]), "rbf": frozenset(["gamma"]),
    "laplacian": frozenset(["gamma"]), "sigmoid": frozenset(["gamma", "coef0"]),
}


def distance_metrics():
    """The metric names ``pairwise_distances`` computes itself, with their functions."""
    return dict(PAIRWISE_DISTANCE_FUNCTIONS)


def kernel_metrics():
    """The kernel names ``pairwise_kernels`` accepts, with their functions."""
    return dict(PAIRWISE_KERNEL_FUNCTIONS)


def _callable_pairs(X, Y, metric, kwds):
    same = Y is X
    out = np.zeros((X.shape[0], Y.shape[0]))
    if same:
        for i, j in itertools.combinations(range(X.shape[0]), 2):
            out[i, j] = out[j, i] = metric(X[i], X[j], **kwds)
        for i in range(X.shape[0]):  # a metric need not be 0 on identical rows
            out[i, i] = metric(X[i], X[i], **kwds)
        return out
    for i in range(X.shape[0]):
        for j in range(Y.shape[0]):
            out[i, j] = metric(X[i], Y[j], **kwds)
    return out


def _scipy_cdist(X, Y, metric, kwds):
    try:
        from scipy.spatial.distance import cdist, pdist, squareform
    except ImportError as e:
        raise ImportError(f"The metric {metric!r} is computed by scipy.spatial.distance, which "
                          "needs scipy: pip install scipy") from e
    dtype = bool if metric in PAIRWISE_BOOLEAN_FUNCTIONS else np.float64
    kwds = dict(kwds)
    needed = {"seuclidean": "V", "mahalanobis": "VI"}.get(metric)
    if needed is not None and needed not in kwds:
        if Y is not X:
            raise ValueError(f"The '{needed}' parameter is required for the {metric} metric when "
                             "Y is passed.")
        Xf = np.asarray(X, dtype=np.float64)
        kwds[needed] = (np.var(Xf, axis=0, ddof=1) if metric == "seuclidean"
                        else np.linalg.inv(np.cov(Xf.T)).T)
    if Y is X:  # the condensed form: each pair once, the diagonal exactly zero
        return squareform(pdist(np.asarray(X, dtype=dtype), metric=metric, **kwds))
    return cdist(np.asarray(X, dtype=dtype), np.asarray(Y, dtype=dtype), metric=metric, **kwds)


def pairwise_distances(X, Y=None, metric="euclidean", *, n_jobs=None, ensure_all_finite=True,
                       **kwds):
    """The (n_X, n_Y) distance matrix between the rows of X and Y (Y = X by default) by a
    metric name ('euclidean', 'l2', 'sqeuclidean', 'manhattan' / 'cityblock' / 'l1', 'cosine',
    'chebyshev', 'minkowski' with p=, 'haversine', 'nan_euclidean', scipy's other names when
    scipy is installed, 'precomputed': X itself) or a callable of two rows."""
    if not (callable(metric) or metric in _VALID_METRICS):
        raise ValueError(f"Unknown metric {metric!r}. Valid metrics are {_VALID_METRICS}, or "
                         "'precomputed', or a callable")
    same = Y is None or Y is X
    if metric == "precomputed":
        X, _ = check_pairwise_arrays(X, Y, ensure_all_finite=ensure_all_finite,
                                     precomputed=True)
        if (X < 0).any():
            raise ValueError("Precomputed distance matrix contains negative values.")
        return X
    if metric == "nan_euclidean":
        return nan_euclidean_distances(X, Y, **kwds)
    if isinstance(metric, str) and metric in PAIRWISE_DISTANCE_FUNCTIONS:
        X, Y = check_pairwise_arrays(X, Y, ensure_all_finite=ensure_all_finite)
        return PAIRWISE_DISTANCE_FUNCTIONS[metric](X, None if same else Y, **kwds)
    if isinstance(metric, str) and metric in _NUMPY_METRICS:
        X, Y = check_pairwise_arrays(X, Y, ensure_all_finite=ensure_all_finite)
        if metric == "sqeuclidean":
            return euclidean_distances(X, None if same else Y, squared=True)
        if metric == "chebyshev":
            D = _chebyshev(X, Y)
        else:
            D = _minkowski(X, Y, **kwds)
        return D
    if isinstance(metric, str):
        X, Y = check_pairwise_arrays(X, Y, ensure_all_finite=ensure_all_finite,
                                     dtype=None if metric in PAIRWISE_BOOLEAN_FUNCTIONS
                                     else "float")
        return _scipy_cdist(X, X if same else Y, metric, kwds)
    X, Y = check_pairwise_arrays(X, Y, ensure_all_finite=ensure_all_finite, dtype=None)
    return _callable_pairs(X, X if same else Y, metric, kwds)


def pairwise_kernels(X, Y=None, metric="linear", *, filter_params=False, n_jobs=None, **kwds):
    """The (n_X, n_Y) kernel matrix by a name of PAIRWISE_KERNEL_FUNCTIONS, 'precomputed' or a
    callable of two rows; ``filter_params`` drops the keywords the named kernel does not take."""
    if metric == "precomputed":
        X, _ = check_pairwise_arrays(X, Y, precomputed=True)
        return X
    if isinstance(metric, str):
        if metric not in PAIRWISE_KERNEL_FUNCTIONS:
            raise ValueError(f"Unknown kernel {metric!r}: use one of "
                             f"{sorted(PAIRWISE_KERNEL_FUNCTIONS)}, 'precomputed' or a callable.")
        if filter_params:
            kwds = {k: kwds[k] for k in kwds if k in KERNEL_PARAMS[metric]}
        return PAIRWISE_KERNEL_FUNCTIONS[metric](X, Y, **kwds)
    if callable(metric):
        same = Y is None or Y is X
        X, Y = check_pairwise_arrays(X, Y)
        return _callable_pairs(X, X if same else Y, metric, kwds)
    raise ValueError(f"Unknown kernel {metric!r}")


def _chunk_rows(n_rows, row_bytes, working_memory):
    if working_memory is None:
        working_memory = _WORKING_MEMORY_MIB
    return int(max(1, min(n_rows, (working_memory * (1 << 20)) // max(row_bytes, 1))))


def pairwise_distances_chunked(X, Y=None, *, reduce_func=None, metric="euclidean", n_jobs=None,
                               working_memory=None, **kwds):
    """Yield the distance matrix a block of rows at a time (each block within
    ``working_memory`` MiB), optionally reduced by ``reduce_func(D_chunk, start)``."""
    same = Y is None or Y is X
    if metric == "precomputed":
        X, Yc = check_pairwise_arrays(X, Y, precomputed=True)
        n_Y = X.shape[1]
    else:
        finite = "allow-nan" if metric == "nan_euclidean" else kwds.get("ensure_all_finite",
                                                                           True)
        X, Yc = check_pairwise_arrays(X, Y, ensure_all_finite=finite,
                                      dtype=None if callable(metric) else "float")
        n_Y = Yc.shape[0]
    n_X = X.shape[0]
    step = _chunk_rows(n_X, 8 * n_Y, working_memory)
    for start in range(0, n_X, step):
        stop = min(n_X, start + step)
        if metric == "precomputed":
            D = X[start:stop]
        else:
            D = pairwise_distances(X[start:stop], X if same else Yc, metric=metric, **kwds)
            if same and metric in ("euclidean", "l2", "sqeuclidean", "nan_euclidean"):
                # the diagonal of a matrix against itself is exactly zero
                D[np.arange(stop - start), np.arange(start, stop)] = 0.0
        if reduce_func is not None:
            result = reduce_func(D, start)
            _check_chunk(result, stop - start)
            D = result
        yield D


def _check_chunk(result, n):
    parts = result if isinstance(result, tuple) else (result,)
    for part in parts:
        if part is None:
            raise TypeError("reduce_func returned None")
        if isinstance(part, list) or hasattr(part, "shape"):
            if len(part) != n:
                raise ValueError(f"reduce_func returned {len(part)} rows for a chunk of {n}; "
                                 "it must return one value per row.")
        else:
            raise TypeError("reduce_func returned an object of type "
                            f"{type(part).__name__}; an array or list is expected.")


def pairwise_distances_argmin_min(X, Y, *, axis=1, metric="euclidean", metric_kwargs=None):
    """For each row of X, the index of the closest row of Y and its distance (axis=0: for each
    row of Y, in X), a block of rows of the distance matrix at a time."""
    validate_parameter_constraints({"axis": [Interval(numbers.Integral, 0, 1, closed="both")]},
                                   {"axis": axis}, caller_name="pairwise_distances_argmin_min")
    X, Y = check_pairwise_arrays(X, Y)
    if axis == 0:
        X, Y = Y, X
    kw = metric_kwargs or {}
    n = X.shape[0]
    idx = np.empty(n, dtype=np.intp)
    val = np.empty(n, dtype=np.float64)
    step = _chunk_rows(n, 8 * max(Y.shape[0], 1), None)
    sq = metric == "euclidean" and not kw.get("squared", False)
    for start in range(0, n, step):
        block = X[start:start + step]
        if sq:
            D = euclidean_distances(block, Y, squared=True).astype(np.float64)
        else:
            D = pairwise_distances(block, Y, metric=metric, **kw).astype(np.float64)
        j = np.argmin(D, axis=1)
        idx[start:start + step] = j
        val[start:start + step] = D[np.arange(D.shape[0]), j]
    if sq:
        np.sqrt(val, out=val)
    return idx, val.astype(X.dtype, copy=False)


def pairwise_distances_argmin(X, Y, *, axis=1, metric="euclidean", metric_kwargs=None):
    """For each row of X, the index of the closest row of Y (axis=0: the other way round)."""
    return pairwise_distances_argmin_min(X, Y, axis=axis, metric=metric,
                                         metric_kwargs=metric_kwargs)[0]


class DistanceMetric:
    """A distance by name, with ``pairwise(X, Y=None)`` (scikit-learn's DistanceMetric
    interface): ``DistanceMetric.get_metric('euclidean')``, ``get_metric('minkowski', p=3)``,
    or any name of pairwise_distances."""

    def __init__(self, metric="euclidean", dtype=np.float64, **kwargs):
        self.metric = metric
        self.dtype = np.dtype(dtype)
        self.kwargs = kwargs

    @classmethod
    def get_metric(cls, metric, dtype=np.float64, **kwargs):
        if isinstance(metric, DistanceMetric):
            return metric
        if not (callable(metric) or metric in _VALID_METRICS or metric in _NUMPY_METRICS):
            raise ValueError(f"Unrecognized metric {metric!r}")
        if metric == "pyfunc":
            metric = kwargs.pop("func")
        return cls(metric, dtype=dtype, **kwargs)

    def pairwise(self, X, Y=None):
        X = np.asarray(X, dtype=self.dtype)
        Y = None if Y is None else np.asarray(Y, dtype=self.dtype)
        return pairwise_distances(X, Y, metric=self.metric, **self.kwargs).astype(self.dtype)

    def _is_euclidean(self):
        return self.metric in ("euclidean", "l2") or (
            self.metric == "minkowski" and self.kwargs.get("p", 2) == 2)

    def dist_to_rdist(self, dist):
        """The reduced distance (squared for euclidean), cheaper to rank by."""
        dist = np.asarray(dist, dtype=np.float64)
        return dist ** 2 if self._is_euclidean() else dist

    def rdist_to_dist(self, rdist):
        rdist = np.asarray(rdist, dtype=np.float64)
        return np.sqrt(rdist) if self._is_euclidean() else rdist

    def __repr__(self):
        return f"DistanceMetric(metric={self.metric!r})"
