"""Clustering metrics: the silhouette (unsupervised) and the agreement of two labelings (adjusted
Rand index, mutual information, homogeneity / completeness / V-measure)."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from .. import _core
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.multiclass import type_of_target
from ..utils.parallel import n_threads
from ..utils.validation import check_array, check_random_state, check_X_y
from . import _counts
from ._base import check_consistent_length

__all__ = ["silhouette_score", "silhouette_samples", "adjusted_rand_score", "rand_score",
           "mutual_info_score", "normalized_mutual_info_score", "homogeneity_score",
           "completeness_score", "v_measure_score", "homogeneity_completeness_v_measure",
           "contingency_matrix", "pair_confusion_matrix", "adjusted_mutual_info_score",
           "expected_mutual_information", "entropy", "calinski_harabasz_score",
           "davies_bouldin_score", "consensus_score"]

_CORE_METRICS = {"euclidean", "sqeuclidean", "manhattan", "cityblock", "l1", "l2", "chebyshev",
                 "cosine", "minkowski"}


def _validate(constraints, caller, **params):
    validate_parameter_constraints(constraints, params, caller_name=caller)


def _check_clusterings(labels_true, labels_pred):
    labels_true = check_array(labels_true, ensure_2d=False, ensure_min_samples=0, dtype=None,
                              input_name="labels_true")
    labels_pred = check_array(labels_pred, ensure_2d=False, ensure_min_samples=0, dtype=None,
                              input_name="labels_pred")
    for name, labels in (("labels_true", labels_true), ("labels_pred", labels_pred)):
        if labels.ndim != 1:
            raise ValueError(f"{name} must be 1D: shape is {labels.shape}")
        if labels.size and labels.dtype.kind == "f" and type_of_target(labels) == "continuous":
            warnings.warn("Clustering metrics expects discrete values but received continuous "
                          f"values for label, and {type_of_target(labels)} values for target")
    check_consistent_length(labels_true, labels_pred)
    return labels_true, labels_pred


def _contingency(labels_true, labels_pred):
    """The dense (classes x clusters) count matrix, each axis over the labels present in it."""
    if labels_true.size == 0:
        return np.zeros((0, 0))
    _, C = _counts.present_confusion(labels_true, labels_pred, None)
    # present_confusion indexes both axes by the union of labels: keep the rows / columns used.
    rows, cols = C.sum(axis=1) > 0, C.sum(axis=0) > 0
    return C[np.ix_(rows, cols)]


def contingency_matrix(labels_true, labels_pred, *, eps=None, sparse=False, dtype=np.int64):
    """C[i, j]: the number of samples of class i (sorted labels_true values) in cluster j."""
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    if eps is not None and sparse:
        raise ValueError("Cannot set 'eps' when sparse=True")
    C = _contingency(labels_true, labels_pred)
    if sparse:
        try:
            import scipy.sparse as sp
        except ImportError as e:
            raise ImportError("contingency_matrix(sparse=True) returns a scipy.sparse matrix and "
                              "needs scipy: pip install scipy (or use sparse=False)") from e
        return sp.csr_matrix(C.astype(dtype))
    if eps is not None:
        return C.astype(np.float64) + eps
    return C.astype(dtype)


def pair_confusion_matrix(labels_true, labels_pred):
    """The 2 x 2 counts of sample pairs put together / apart by each labeling."""
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    n = int(labels_true.shape[0])
    C = _contingency(labels_true, labels_pred).astype(np.int64)
    n_c, n_k = C.sum(axis=1), C.sum(axis=0)
    sum_squares = int((C ** 2).sum())
    out = np.empty((2, 2), dtype=np.int64)
    out[1, 1] = sum_squares - n
    out[0, 1] = int((C @ n_k).sum()) - sum_squares
    out[1, 0] = int((C.T @ n_c).sum()) - sum_squares
    out[0, 0] = n * n - out[0, 1] - out[1, 0] - sum_squares
    return out


def rand_score(labels_true, labels_pred):
    """The fraction of sample pairs on which the two labelings agree."""
    C = pair_confusion_matrix(labels_true, labels_pred)
    numerator, denominator = C.diagonal().sum(), C.sum()
    if numerator == denominator or denominator == 0:
        return 1.0
    return float(numerator / denominator)


def adjusted_rand_score(labels_true, labels_pred):
    """The Rand index adjusted for chance: 1 for identical labelings (up to renaming), about 0
    for random ones."""
    _validate({"labels_true": ["array-like"], "labels_pred": ["array-like"]},
              "adjusted_rand_score", labels_true=labels_true, labels_pred=labels_pred)
    (tn, fp), (fn, tp) = pair_confusion_matrix(labels_true, labels_pred).tolist()
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def _entropy_from_counts(pi):
    pi = pi[pi > 0].astype(np.float64)
    if pi.size <= 1:
        return 0.0
    total = pi.sum()
    return float(-np.sum((pi / total) * (np.log(pi) - np.log(total))))


def _mutual_info(C):
    nzx, nzy = np.nonzero(C)
    nz = C[nzx, nzy].astype(np.float64)
    total = C.sum()
    pi, pj = C.sum(axis=1).astype(np.float64), C.sum(axis=0).astype(np.float64)
    if pi.size == 1 or pj.size == 1:
        return 0.0
    log_c = np.log(nz)
    c_nm = nz / total
    outer = pi.take(nzx) * pj.take(nzy)
    log_outer = -np.log(outer) + np.log(pi.sum()) + np.log(pj.sum())
    mi = c_nm * (log_c - np.log(total)) + c_nm * log_outer
    mi = np.where(np.abs(mi) < np.finfo(mi.dtype).eps, 0.0, mi)
    return float(np.clip(mi.sum(), 0.0, None))


def mutual_info_score(labels_true, labels_pred, *, contingency=None):
    """The mutual information of two labelings (natural log), from their contingency matrix."""
    if contingency is None:
        labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
        C = _contingency(labels_true, labels_pred)
    else:
        C = check_array(contingency, dtype=[np.int64, np.int32, np.float64, np.float32],
                        input_name="contingency")
    return _mutual_info(C)


def _generalized_average(u, v, method):
    if method == "min":
        return min(u, v)
    if method == "geometric":
        return np.sqrt(u * v)
    if method == "arithmetic":
        return np.mean([u, v])
    return max(u, v)


def normalized_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic"):
    """Mutual information divided by a mean ('min', 'geometric', 'arithmetic', 'max') of the
    two labelings' entropies."""
    _validate({"labels_true": ["array-like"], "labels_pred": ["array-like"],
               "average_method": [StrOptions({"arithmetic", "max", "min", "geometric"})]},
              "normalized_mutual_info_score", labels_true=labels_true, labels_pred=labels_pred,
              average_method=average_method)
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    C = _contingency(labels_true, labels_pred)
    if (C.shape[0] == C.shape[1] == 1) or (C.shape[0] == C.shape[1] == 0):
        return 1.0
    mi = _mutual_info(C)
    if mi == 0:
        return 0.0
    h_true, h_pred = _entropy_from_counts(C.sum(axis=1)), _entropy_from_counts(C.sum(axis=0))
    return float(mi / _generalized_average(h_true, h_pred, average_method))


def homogeneity_completeness_v_measure(labels_true, labels_pred, *, beta=1.0):
    """(homogeneity, completeness, V-measure): each cluster holds one class / each class lies in
    one cluster / their weighted harmonic mean."""
    _validate({"labels_true": ["array-like"], "labels_pred": ["array-like"],
               "beta": [Interval(numbers.Real, 0, None, closed="left")]},
              "homogeneity_completeness_v_measure", labels_true=labels_true,
              labels_pred=labels_pred, beta=beta)
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    if len(labels_true) == 0:
        return 1.0, 1.0, 1.0
    C = _contingency(labels_true, labels_pred)
    h_c, h_k = _entropy_from_counts(C.sum(axis=1)), _entropy_from_counts(C.sum(axis=0))
    mi = _mutual_info(C)
    homogeneity = mi / h_c if h_c else 1.0
    completeness = mi / h_k if h_k else 1.0
    if homogeneity + completeness == 0.0:
        v = 0.0
    else:
        v = (1 + beta) * homogeneity * completeness / (beta * homogeneity + completeness)
    return float(homogeneity), float(completeness), float(v)


def homogeneity_score(labels_true, labels_pred):
    """How far each cluster holds members of one class only (1 is perfect)."""
    return homogeneity_completeness_v_measure(labels_true, labels_pred)[0]


def completeness_score(labels_true, labels_pred):
    """How far the members of each class lie in one cluster (1 is perfect)."""
    return homogeneity_completeness_v_measure(labels_true, labels_pred)[1]


def v_measure_score(labels_true, labels_pred, *, beta=1.0):
    """The harmonic mean of homogeneity and completeness (weighted by beta)."""
    return homogeneity_completeness_v_measure(labels_true, labels_pred, beta=beta)[2]


def entropy(labels):
    """The entropy (natural log) of a labeling's class distribution."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return 1.0
    _, counts = np.unique(labels, return_counts=True)
    return _entropy_from_counts(counts)


def _log_factorials(n):
    """log(k!) for k = 0..n, each from lgamma (no accumulated rounding of a running sum)."""
    lgamma = math.lgamma
    return np.fromiter((lgamma(k + 1.0) for k in range(n + 1)), dtype=np.float64, count=n + 1)


def expected_mutual_information(contingency, n_samples):
    """The mutual information two random labelings with the contingency matrix's margins have
    on average (the hypergeometric model of Vinh, Epps and Bailey, 2010).

    EMI = Σ_ij Σ_n (n / N) log(N n / (a_i b_j)) P(n; a_i, b_j, N), n from max(1, a_i + b_j - N)
    to min(a_i, b_j), P the hypergeometric probability. P is a ratio of nine factorials: it is
    formed as a sum of log-factorials and exponentiated only at the end, so no factorial is ever
    held (the log-space form that stays finite for any N).
    """
    C = contingency.toarray() if hasattr(contingency, "toarray") else np.asarray(contingency)
    a = np.ravel(C.sum(axis=1)).astype(np.int64)
    b = np.ravel(C.sum(axis=0)).astype(np.int64)
    a, b = a[a > 0], b[b > 0]
    N = int(n_samples)
    if a.size <= 1 or b.size <= 1:
        return 0.0
    lf = _log_factorials(N)
    log_N = math.log(N)
    # the constant part of each (i, j) term
    emi = 0.0
    for ai in a:
        start = np.maximum(1, ai + b - N)
        stop = np.minimum(ai, b)
        lengths = np.maximum(stop - start + 1, 0)
        total = int(lengths.sum())
        if total == 0:
            continue
        bj = np.repeat(b, lengths)
        offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
        nij = np.repeat(start, lengths) + (np.arange(total) - offsets)
        log_p = (lf[ai] + lf[bj] + lf[N - ai] + lf[N - bj] - lf[N] - lf[nij] - lf[ai - nij]
                 - lf[bj - nij] - lf[N - ai - bj + nij])
        term = (nij / N) * (log_N + np.log(nij) - math.log(ai) - np.log(bj))
        emi += float(np.sum(term * np.exp(log_p)))
    return emi


def adjusted_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic"):
    """Mutual information adjusted for chance: (MI - E[MI]) / (mean(H_true, H_pred) - E[MI]),
    with the mean chosen by ``average_method`` ('min', 'geometric', 'arithmetic', 'max').

    How it works
    ------------
    The contingency matrix comes from the core's label counts; E[MI] is
    expected_mutual_information (hypergeometric terms summed in log space, O(Σ_ij min(a_i, b_j))).
    """
    _validate({"labels_true": ["array-like"], "labels_pred": ["array-like"],
               "average_method": [StrOptions({"arithmetic", "max", "min", "geometric"})]},
              "adjusted_mutual_info_score", labels_true=labels_true, labels_pred=labels_pred,
              average_method=average_method)
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    C = _contingency(labels_true, labels_pred)
    n_classes, n_clusters = C.shape
    if n_classes == n_clusters == 1 or n_classes == n_clusters == 0:
        return 1.0
    if n_classes == 1 or n_clusters == 1:
        return 0.0
    mi = _mutual_info(C)
    emi = expected_mutual_information(C, labels_true.shape[0])
    h_true, h_pred = _entropy_from_counts(C.sum(axis=1)), _entropy_from_counts(C.sum(axis=0))
    eps = np.finfo(np.float64).eps
    denominator = _generalized_average(h_true, h_pred, average_method) - emi
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mi - emi
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    return float(numerator / denominator)


def _check_labelled_X(X, labels):
    X, labels = check_X_y(X, labels, dtype=[np.float64, np.float32])
    classes, codes = np.unique(labels, return_inverse=True)
    n, k = X.shape[0], len(classes)
    if not 1 < k < n:
        raise ValueError(f"Number of labels is {k}. Valid values are 2 to n_samples - 1 "
                         "(inclusive)")
    return X, codes.reshape(-1), k


def _centroids(X, codes, k):
    counts = np.bincount(codes, minlength=k)
    sums = np.empty((k, X.shape[1]), dtype=np.float64)
    for j in range(X.shape[1]):
        sums[:, j] = np.bincount(codes, weights=X[:, j], minlength=k)
    return sums / counts[:, None], counts


def calinski_harabasz_score(X, labels):
    """The variance ratio criterion: (between-cluster dispersion / (k - 1)) over (within-cluster
    dispersion / (n - k)); higher is better-separated.

    How it works
    ------------
    One pass for the cluster means, one for the squared deviations from them:
    B = Σ_k n_k ‖μ_k − μ‖², W = Σ_i ‖x_i − μ_{c(i)}‖². O(n d).
    """
    X, codes, k = _check_labelled_X(X, labels)
    n = X.shape[0]
    centers, counts = _centroids(X, codes, k)
    mean = X.mean(axis=0, dtype=np.float64)
    extra = float(np.sum(counts * np.sum((centers - mean) ** 2, axis=1)))
    intra = float(np.sum((X - centers[codes]) ** 2))
    return 1.0 if intra == 0.0 else extra * (n - k) / (intra * (k - 1.0))


def davies_bouldin_score(X, labels):
    """The mean over clusters of the largest (s_i + s_j) / d(μ_i, μ_j) over the other clusters,
    s the mean distance of a cluster's members to its centroid; lower is better, 0 the least.

    How it works
    ------------
    The centroids and each sample's euclidean distance to its centroid in O(n d), then the
    k x k centroid distances. O(n d + k² d).
    """
    X, codes, k = _check_labelled_X(X, labels)
    centers, counts = _centroids(X, codes, k)
    dist = np.sqrt(np.sum((X - centers[codes].astype(X.dtype)) ** 2, axis=1, dtype=np.float64))
    intra = np.bincount(codes, weights=dist, minlength=k) / counts
    centroid_d = np.empty((k, k))
    for i in range(k):
        centroid_d[i] = np.sqrt(np.sum((centers - centers[i]) ** 2, axis=1))
    if np.allclose(intra, 0) or np.allclose(centroid_d, 0):
        return 0.0
    centroid_d[centroid_d == 0] = np.inf
    combined = (intra[:, None] + intra[None, :]) / centroid_d
    return float(np.mean(np.max(combined, axis=1)))


# ---- silhouette -------------------------------------------------------------------------------

def _metric_enum(metric):
    name = {"cityblock": "manhattan", "l1": "manhattan", "l2": "euclidean"}.get(metric, metric)
    return getattr(_core.neighbors.Metric, name)


def _cluster_sums(X, codes, k, metric, p):
    """(n, k) sums of each sample's distances to the members of each cluster, never holding the
    n x n matrix: the core's blocks for its metrics, row blocks in numpy otherwise."""
    if metric == "precomputed":
        D = X
        out = np.zeros((D.shape[0], k))
        for start in range(0, D.shape[0], 1024):
            block = D[start:start + 1024].astype(np.float64)
            for c in range(k):
                out[start:start + 1024, c] = block[:, codes == c].sum(axis=1)
        return out
    if isinstance(metric, str):
        X = np.ascontiguousarray(X)
        return _core.metrics.silhouette_sums(X, codes, k, _metric_enum(metric), float(p),
                                             n_threads())
    n = X.shape[0]
    out = np.zeros((n, k))
    for i in range(n):
        for j in range(n):
            if i != j:
                out[i, codes[j]] += metric(X[i], X[j])
    return out


def silhouette_samples(X, labels, *, metric="euclidean", **kwds):
    """The silhouette coefficient of each sample, (b - a) / max(a, b): a is its mean distance to
    the other members of its cluster, b the smallest mean distance to another cluster's members
    (0 for a sample alone in its cluster).

    ``metric``: 'euclidean' (default), 'sqeuclidean', 'manhattan' ('cityblock', 'l1'),
    'chebyshev', 'cosine', 'minkowski' (with ``p=``), 'precomputed' or a callable.

    How it works
    ------------
    The core (cpp/src/metrics/metrics.cpp, silhouette_sums) walks the distance matrix in blocks:
    for the euclidean distances one matrix product per tile of up to 128 x 128 (‖a‖² + ‖b‖² − 2 a·b through
    the project's GEMM), only the tiles on and above the diagonal (the matrix is symmetric), and
    each distance is added to its row's sum over the column's cluster and its column's sum over the
    row's cluster while hot in cache; the n x n matrix is never stored. The column sums of a wave
    of row blocks are added in block order, so the answer does not depend on the thread count.
    O(n² d / 2) time, O(n k) memory.
    """
    valid = sorted(_CORE_METRICS | {"precomputed"})
    if not (callable(metric) or metric in valid):
        raise ValueError(f"Unknown metric {metric!r}: use one of {valid} or a callable.")
    unknown = set(kwds) - {"p", "n_jobs"}
    if unknown:
        raise TypeError(f"silhouette_samples got unexpected keyword arguments {sorted(unknown)}")
    X, labels = check_X_y(X, labels, dtype=[np.float64, np.float32])
    if metric == "precomputed":
        if X.shape[0] != X.shape[1]:
            raise ValueError(f"A precomputed distance matrix must be square, got {X.shape}.")
        atol = np.finfo(X.dtype).eps * 100
        if np.any(np.abs(X.diagonal()) > atol):
            raise ValueError("The precomputed distance matrix contains non-zero elements on the "
                             "diagonal. Use np.fill_diagonal(X, 0).")
    classes, codes = np.unique(labels, return_inverse=True)
    codes = codes.astype(np.int64).reshape(-1)
    n = codes.shape[0]
    if not 1 < len(classes) < n:
        raise ValueError(f"Number of labels is {len(classes)}. Valid values are 2 to "
                         "n_samples - 1 (inclusive)")
    freqs = np.bincount(codes)
    sums = _cluster_sums(X, codes, len(classes), metric, kwds.get("p", 2))
    rows = np.arange(n)
    intra = sums[rows, codes].copy()
    sums[rows, codes] = np.inf
    inter = (sums / freqs).min(axis=1)
    denom = (freqs - 1).take(codes, mode="clip")
    with np.errstate(divide="ignore", invalid="ignore"):
        intra /= denom
        sil = (inter - intra) / np.maximum(intra, inter)
    return np.nan_to_num(sil)


def silhouette_score(X, labels, *, metric="euclidean", sample_size=None, random_state=None,
                     **kwds):
    """The mean silhouette coefficient over the samples (or over a random subset of
    ``sample_size`` of them, drawn as scikit-learn draws it). See silhouette_samples."""
    if sample_size is not None:
        X, labels = check_X_y(X, labels, dtype=[np.float64, np.float32])
        rng = check_random_state(random_state)
        idx = rng.permutation(X.shape[0])[:sample_size]
        X, labels = (X[idx][:, idx], labels[idx]) if metric == "precomputed" else (X[idx],
                                                                                  labels[idx])
    return float(np.mean(silhouette_samples(X, labels, metric=metric, **kwds)))


# ---- biclusters -------------------------------------------------------------------------------

def _min_cost_assignment(cost):
    """Rows -> columns of a (k, m) cost matrix with the least total cost, min(k, m) pairs: the
    Hungarian method with row / column potentials (O(n³), n = max(k, m)); the matrix is padded to
    a square with zeros, which changes no optimum among the real pairs."""
    k, m = cost.shape
    n = max(k, m)
    a = np.zeros((n + 1, n + 1))
    a[1:k + 1, 1:m + 1] = cost
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    match = np.zeros(n + 1, dtype=np.int64)  # match[j]: the row given column j (0: none)
    for i in range(1, n + 1):
        match[0] = i
        j0 = 0
        minv = np.full(n + 1, np.inf)
        used = np.zeros(n + 1, dtype=bool)
        way = np.zeros(n + 1, dtype=np.int64)
        while True:
            used[j0] = True
            i0 = match[j0]
            free = ~used
            free[0] = False
            cur = a[i0] - u[i0] - v
            better = free & (cur < minv)
            minv[better] = cur[better]
            way[better] = j0
            cand = np.where(free, minv, np.inf)
            j1 = int(np.argmin(cand))
            delta = cand[j1]
            u[match[used]] += delta
            v[used] -= delta
            minv[free] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    rows, cols = [], []
    for j in range(1, n + 1):
        i = match[j]
        if i <= k and j <= m:
            rows.append(i - 1)
            cols.append(j - 1)
    order = np.argsort(rows)
    return np.asarray(rows, dtype=np.int64)[order], np.asarray(cols, dtype=np.int64)[order]


def _bicluster_jaccard(a_rows, a_cols, b_rows, b_cols):
    intersection = (a_rows * b_rows).sum() * (a_cols * b_cols).sum()
    a_size = a_rows.sum() * a_cols.sum()
    b_size = b_rows.sum() * b_cols.sum()
    return intersection / (a_size + b_size - intersection)


def consensus_score(a, b, *, similarity="jaccard"):
    """The similarity of two sets of biclusters, each a pair (rows, columns) of boolean
    indicator arrays of shape (n_biclusters, n_rows) / (n_biclusters, n_columns): the pairwise
    similarities (Jaccard of the biclusters' cells, or a callable of (a_rows, a_cols, b_rows,
    b_cols)), matched one-to-one by the best assignment, summed and divided by the larger
    number of biclusters. 1 for identical sets."""
    _validate({"a": [tuple], "b": [tuple],
               "similarity": [callable, StrOptions({"jaccard"})]},
              "consensus_score", a=a, b=b, similarity=similarity)
    if similarity == "jaccard":
        similarity = _bicluster_jaccard
    parts = []
    for name, pair in (("a", a), ("b", b)):
        if len(pair) != 2:
            raise ValueError(f"{name} must be a pair (rows, columns) of indicator arrays.")
        rows = check_array(pair[0], ensure_2d=False, dtype=None, input_name=f"{name} rows")
        cols = check_array(pair[1], ensure_2d=False, dtype=None, input_name=f"{name} columns")
        if rows.ndim != 2 or cols.ndim != 2 or rows.shape[0] != cols.shape[0]:
            raise ValueError(f"The rows and columns of {name} must be 2-d arrays with one row "
                             f"per bicluster; got shapes {rows.shape} and {cols.shape}.")
        parts += [rows, cols]
    a_rows, a_cols, b_rows, b_cols = parts
    S = np.array([[similarity(a_rows[i], a_cols[i], b_rows[j], b_cols[j])
                   for j in range(b_rows.shape[0])] for i in range(a_rows.shape[0])],
                 dtype=np.float64).reshape(a_rows.shape[0], b_rows.shape[0])
    r, c = _min_cost_assignment(1.0 - S)
    return float(S[r, c].sum() / max(a_rows.shape[0], b_rows.shape[0]))
