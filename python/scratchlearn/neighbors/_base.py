"""The shared machinery of the neighbour estimators: metrics, the choice of algorithm, the tree,
k-nearest and radius queries, and the neighbour graphs.

How it works
------------
Three searches, one answer. ``fit`` stores the training rows and, for algorithm='kd_tree' or
'ball_tree' (or 'auto' choosing one of them), builds the tree once in C++
(cpp/src/neighbors/tree.cpp) into flat numpy arrays: the permutation of the rows into tree order,
each node's row range and its geometry (a bounding box, or a centroid and radius). A query walks
the tree depth first, nearer child first, and skips every node whose lower bound (distance to the
box, or to the centroid minus the radius) exceeds the current k-th distance (or the radius); cost
about O(log n) per query in low dimension. Brute force (cpp/src/neighbors/neighbors.cpp) blocks
queries and training points; for the euclidean family it gets q·x from the matrix product and
forms ‖q − x‖² = ‖q‖² + ‖x‖² − 2·q·x on centred data, screens in cache, and re-measures the few
candidates exactly; cost O(n_queries · n_train · d). Every search measures its final candidates
with the same exact double-precision distance, so kd_tree, ball_tree and brute return the same
neighbours in the same order: by distance, ties by the lower training index.

'auto' chooses as scikit-learn does: brute force for metric='precomputed', more than 15 features,
or n_neighbors >= n_samples / 2; else the kd-tree for the minkowski family (euclidean, manhattan,
chebyshev, minkowski with p >= 1), else brute force.

Deviations from scikit-learn: a callable metric is evaluated in Python pair by pair (as
scikit-learn's brute force does) whatever the algorithm, and ``_fit_method`` then says 'brute';
the ball tree supports the metrics the kd-tree supports (the true metrics the core computes);
radius_neighbors with sort_results=False returns each row's neighbours by index.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from ..base import BaseEstimator
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_array, check_is_fitted, validate_data

_nb = _core.neighbors

# The metrics the core computes (cpp/include/scratchlearn/neighbors.hpp), by name.
_CORE_METRICS = {
    "euclidean": _nb.Metric.euclidean,
    "sqeuclidean": _nb.Metric.sqeuclidean,
    "manhattan": _nb.Metric.manhattan,
    "chebyshev": _nb.Metric.chebyshev,
    "minkowski": _nb.Metric.minkowski,
    "cosine": _nb.Metric.cosine,
}
_ALIASES = {
    "l2": "euclidean",
    "l1": "manhattan",
    "cityblock": "manhattan",
    "taxicab": "manhattan",
    "infinity": "chebyshev",
    "p": "minkowski",
}
_ALGORITHMS = ("auto", "brute", "kd_tree", "ball_tree")
# The metrics each tree searches with (minkowski: p >= 1), and their aliases.
_TREE_METRICS = {"euclidean", "manhattan", "chebyshev", "minkowski"}
VALID_METRICS = {
    "brute": sorted(set(_CORE_METRICS) | set(_ALIASES) | {"precomputed"}),
    "kd_tree": sorted(_TREE_METRICS | {a for a, m in _ALIASES.items() if m in _TREE_METRICS}),
    "ball_tree": sorted(_TREE_METRICS | {a for a, m in _ALIASES.items() if m in _TREE_METRICS}),
}


def _resolve_metric(metric, p, metric_params):
    """(effective metric name, p) after aliases and the special cases of Minkowski's p.
    Callables and 'precomputed' come back as they are."""
    if callable(metric):
        return metric, None
    if not isinstance(metric, str):
        raise ValueError(f"metric must be a string or a callable, got {metric!r}.")
    if metric == "precomputed":
        return "precomputed", None
    name = _ALIASES.get(metric, metric)
    if name not in _CORE_METRICS:
        allowed = sorted(set(_CORE_METRICS) | set(_ALIASES) | {"precomputed"})
        raise ValueError(f"metric {metric!r} is not supported; choose one of {allowed} or a callable.")
    if metric_params is not None:
        if not isinstance(metric_params, dict) or set(metric_params) - {"p"}:
            raise ValueError("metric_params may only hold the key 'p' (for metric='minkowski').")
        if "p" in metric_params:
            p = metric_params["p"]
    if name == "minkowski":
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not p > 0:
            raise ValueError(f"p must be a positive number (p > 0) for metric='minkowski', got {p!r}.")
        if p == 1:
            return "manhattan", 1.0
        if p == 2:
            return "euclidean", 2.0
        if np.isinf(p):
            return "chebyshev", float("inf")
        return "minkowski", float(p)
    return name, float(p) if isinstance(p, numbers.Real) and not isinstance(p, bool) else 2.0


def _tree_ok(metric, p):
    return isinstance(metric, str) and metric in _TREE_METRICS and (metric != "minkowski" or p >= 1)


def _choose_algorithm(algorithm, metric, p, n_samples, n_features, n_neighbors):
    """The search fit will use, as scikit-learn chooses it (see the module docstring)."""
    if callable(metric):
        if algorithm == "kd_tree":
            raise ValueError(f"kd_tree does not support callable metric {metric!r}.")
        return "brute"
    if algorithm in ("kd_tree", "ball_tree"):
        if metric == "minkowski" and p < 1:
            raise ValueError(
                f'algorithm="{algorithm}" does not support 0 < p < 1 for the Minkowski metric. '
                'To resolve this problem either set p >= 1 or algorithm="brute".'
            )
        if not _tree_ok(metric, p):
            raise ValueError(
                f"Metric {metric!r} not valid for algorithm={algorithm!r}; valid metrics: "
                f"{VALID_METRICS[algorithm]}."
            )
        return algorithm
    if algorithm == "brute" or metric == "precomputed" or n_features > 15:
        return "brute"
    if n_neighbors is not None and n_neighbors >= n_samples // 2:
        return "brute"
    return "kd_tree" if _tree_ok(metric, p) else "brute"


def _check_precomputed(D, name="X"):
    """A precomputed distance matrix: finite, non-negative, 2-d."""
    D = check_array(D, input_name=name)
    if np.any(D < 0):
        raise ValueError("Negative values in data passed to precomputed distance matrix.")
    return D


def _as_object_rows(flat, indptr):
    """scikit-learn's layout of radius results: a 1-d object array of per-row arrays."""
    out = np.empty(len(indptr) - 1, dtype=object)
    for i in range(len(indptr) - 1):
        out[i] = flat[indptr[i]:indptr[i + 1]]
    return out


def _pick_rows_lexsorted(D, k):
    """k smallest of each row of D by (value, column): (distances, indices)."""
    n_q, n = D.shape
    if k < n:
        # Candidates: everything up to the k-th smallest value (ties at it included), then an exact
        # (value, index) order.
        kth = np.partition(D, k - 1, axis=1)[:, k - 1:k]
    ind = np.empty((n_q, k), dtype=np.int64)
    cols = np.arange(n)
    for i in range(n_q):
        row = D[i]
        cand = cols if k >= n else np.flatnonzero(row <= kth[i, 0])
        order = np.lexsort((cand, row[cand]))[:k]
        ind[i] = cand[order]
    return np.take_along_axis(D, ind, axis=1), ind


class _NeighborsBase(BaseEstimator):
    """Shared fitting and querying; subclasses add prediction."""

    # scikit-learn's NeighborsBase constraints; each estimator drops the ones it has no parameter
    # for and adds its own (weights, outlier_label), as scikit-learn's do. 'metric' is any string
    # here: the names the core does not compute are rejected by _resolve_metric, naming the ones
    # it does.
    _parameter_constraints: dict = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "radius": [Interval(numbers.Real, 0, None, closed="both"), None],
        "algorithm": [StrOptions(set(_ALGORITHMS))],
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [Interval(numbers.Real, 0, None, closed="right"), None],
        "metric": [str, callable],
        "metric_params": [dict, None],
        "n_jobs": [Interval(numbers.Integral, None, -1, closed="right"),
                   Interval(numbers.Integral, 1, None, closed="left"), None],
    }

    def _validate_params(self):
        super()._validate_params()
        self._resolve_effective_metric()

    def _resolve_effective_metric(self):
        self.effective_metric_, self._p = _resolve_metric(self.metric, self.p, self.metric_params)
        if callable(self.effective_metric_):
            self.effective_metric_params_ = dict(self.metric_params or {})
        else:
            self.effective_metric_params_ = (
                {"p": self._p} if self.effective_metric_ == "minkowski" else {}
            )

    def _validate_fit_X(self, X, y="no_validation", **kw):
        """validate_data for fit (X, or X and y), with the precomputed matrix's own checks."""
        out = validate_data(self, X, y, reset=True, **kw)
        if self.metric == "precomputed":
            D = out if isinstance(y, str) and y == "no_validation" else out[0]
            if np.any(D < 0):
                raise ValueError("Negative values in data passed to precomputed distance matrix.")
            if D.shape[0] != D.shape[1]:
                raise ValueError(
                    f"Precomputed matrix must be square. Input is a {D.shape[0]}x{D.shape[1]} matrix."
                )
        return out

    def _fit_like(self, other):
        """Fit by taking the fitted state of ``other``: an estimator of this class fitted on the
        same rows, whose parameters differ from this one's only in ``_query_only_params`` (a
        search's candidates on one fold). This one's parameters are validated as fit would; the
        state is shared by reference, as a fit on the same rows would rebuild it equal. False,
        with nothing changed, when this one's ``n_neighbors`` would make 'auto' pick another
        search structure: that candidate is fitted on its own."""
        self._validate_params()
        n, d = other._fit_X.shape
        method = _choose_algorithm(self.algorithm, self.effective_metric_, self._p, n, d,
                                   getattr(self, "n_neighbors", None))
        if method != other._fit_method:
            return False
        params = set(other.get_params(deep=False))
        for key, value in vars(other).items():
            if key not in params and key != "_query_memo" and key not in vars(self):
                setattr(self, key, value)
        return True

    def _fit_data(self, X):
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        self._fit_method = _choose_algorithm(
            self.algorithm, self.effective_metric_, self._p, X.shape[0], X.shape[1],
            getattr(self, "n_neighbors", None),
        )
        if self._fit_method in ("kd_tree", "ball_tree"):
            kind = getattr(_nb.TreeKind, self._fit_method)
            perm, node_range, node_geom = _nb.tree_build(
                X, kind, int(self.leaf_size), _CORE_METRICS[self.effective_metric_], self._p)
            # The rows in tree order, stored feature by feature (the core's layout).
            self._tree_data = np.ascontiguousarray(X[perm].T)
            self._tree_perm = perm
            self._tree_node_range = node_range
            self._tree_node_geom = node_geom

    # ---- queries -------------------------------------------------------------------------------

    def _query_data(self, X):
        """The query rows (validated), or the training rows when X is None."""
        if X is None:
            return self._fit_X
        if self.effective_metric_ == "precomputed":
            D = _check_precomputed(X)
            if D.shape[1] != self.n_samples_fit_:
                raise ValueError(
                    f"Precomputed metric requires shape (n_queries, n_indexed). Got "
                    f"({D.shape[0]}, {D.shape[1]}) for {self.n_samples_fit_} indexed."
                )
            return D
        return validate_data(self, X, reset=False)

    def _python_distances(self, Q):
        """Q × training distances for 'precomputed' (Q itself) or a callable (pair by pair)."""
        if self.effective_metric_ == "precomputed":
            return Q
        f, kw = self.effective_metric_, self.effective_metric_params_
        X = self._fit_X
        dtype = np.float32 if (Q.dtype == np.float32 and X.dtype == np.float32) else np.float64
        Qc, Xc = Q.astype(dtype, copy=False), X.astype(dtype, copy=False)
        D = np.empty((Q.shape[0], X.shape[0]), dtype=np.float64)
        for i in range(Q.shape[0]):
            q = Qc[i]
            for j in range(X.shape[0]):
                D[i, j] = f(q, Xc[j], **kw)
        return D

    def _core_pair(self, Q):
        """(training-side array, queries) of one dtype for the core."""
        train = self._tree_data if self._fit_method in ("kd_tree", "ball_tree") else self._fit_X
        if Q.dtype != train.dtype:
            # Queries are computed in the model's precision: converting them is cheap, converting
            # the training set on every call would not be.
            Q = Q.astype(train.dtype)
        return np.ascontiguousarray(train), np.ascontiguousarray(Q)

    def _tree_args(self, train):
        return (train, self._tree_perm, self._tree_node_range, self._tree_node_geom,
                getattr(_nb.TreeKind, self._fit_method))

    def _raw_kneighbors(self, Q, k):
        if self.effective_metric_ == "precomputed" or callable(self.effective_metric_):
            return _pick_rows_lexsorted(self._python_distances(Q), k)
        train, Q = self._core_pair(Q)
        metric = _CORE_METRICS[self.effective_metric_]
        n_threads = self._n_threads()
        if self._fit_method in ("kd_tree", "ball_tree"):
            return _nb.tree_knn(*self._tree_args(train), Q, k, metric, self._p, n_threads)
        return _nb.knn_search(train, Q, k, metric, self._p, n_threads)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Distances and indices of the k nearest training points of each query row.

        With X=None the queries are the training points, and each point is not its own neighbour.
        """
        check_is_fitted(self, "_fit_X")
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, numbers.Integral) or n_neighbors < 1:
            raise ValueError(f"n_neighbors must be a positive integer, got {n_neighbors!r}.")
        n_neighbors = int(n_neighbors)
        query_is_train = X is None
        Q = self._query_data(X)
        if query_is_train:
            n_neighbors += 1
        n_fit = self.n_samples_fit_
        if n_neighbors > n_fit:
            if query_is_train:
                n_neighbors -= 1
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {n_neighbors}, "
                f"n_samples_fit = {n_fit}, n_samples = {Q.shape[0]}"
            )
        memo = getattr(self, "_query_memo", None)
        if memo is not None and not query_is_train:
            dist, ind = memo.lookup(self, X, Q, n_neighbors, n_fit)
        else:
            dist, ind = self._raw_kneighbors(Q, n_neighbors)
        if dist.dtype.kind == "f" and not np.isfinite(dist).all():
            raise ValueError(
                "The distances overflow: X has values too large for the metric in "
                f"{dist.dtype} (scale the data down).")
        if query_is_train:
            # Drop each point itself; if exact duplicates pushed it out of the list, drop the first.
            n_q = Q.shape[0]
            mask = ind != np.arange(n_q)[:, None]
            mask[np.all(mask, axis=1), 0] = False
            dist = dist[mask].reshape(n_q, n_neighbors - 1)
            ind = ind[mask].reshape(n_q, n_neighbors - 1)
        if return_distance:
            return dist, ind
        return ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Sparse (n_queries × n_samples_fit) CSR graph of the k nearest neighbours
        (1.0 entries for 'connectivity', distances for 'distance'). Needs scipy."""
        csr_matrix = _scipy_csr("kneighbors_graph")
        if mode not in ("connectivity", "distance"):
            raise ValueError(f"mode must be 'connectivity' or 'distance', got {mode!r}.")
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        dist, ind = self.kneighbors(X, n_neighbors, return_distance=True)
        n_q, k = ind.shape
        data = np.ones(n_q * k) if mode == "connectivity" else dist.ravel()
        indptr = np.arange(0, n_q * k + 1, k)
        return csr_matrix((data, ind.ravel(), indptr), shape=(n_q, self.n_samples_fit_))

    def _radius_csr(self, X, radius, sort_results):
        """(indptr, indices, distances) of every training point within radius of each query;
        with X=None the queries are the training points, each without itself."""
        check_is_fitted(self, "_fit_X")
        if radius is None:
            radius = self.radius
        if isinstance(radius, bool) or not isinstance(radius, numbers.Real) or not radius >= 0:
            raise ValueError(f"radius must be a non-negative number, got {radius!r}.")
        radius = float(radius)
        Q = self._query_data(X)
        if self.effective_metric_ == "precomputed" or callable(self.effective_metric_):
            D = self._python_distances(Q)
            rows, cols = np.nonzero(D <= radius)
            dist = D[rows, cols]
            if sort_results:
                order = np.lexsort((cols, dist, rows))
                rows, cols, dist = rows[order], cols[order], dist[order]
            indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=Q.shape[0]))])
            indices = cols.astype(np.int64)
        else:
            train, Qc = self._core_pair(Q)
            metric = _CORE_METRICS[self.effective_metric_]
            n_threads = self._n_threads()
            if self._fit_method in ("kd_tree", "ball_tree"):
                indptr, indices, dist = _nb.tree_radius(*self._tree_args(train), Qc, radius, metric,
                                                        self._p, bool(sort_results), n_threads)
            else:
                indptr, indices, dist = _nb.radius_search(train, Qc, radius, metric, self._p,
                                                          bool(sort_results), n_threads)
        if X is None:
            rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
            keep = indices != rows
            indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=len(indptr) - 1))])
            indices, dist = indices[keep], dist[keep]
        return indptr.astype(np.int64), indices, dist

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """The training points within `radius` of each query row.

        Returns (distances, indices), each a 1-d object array holding one array per query row
        (scikit-learn's layout), or the indices alone. Rows are sorted by distance (ties by index)
        when sort_results, else by index. With X=None each training point is not its own neighbour.
        """
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        indptr, indices, dist = self._radius_csr(X, radius, sort_results)
        ind = _as_object_rows(indices, indptr)
        if return_distance:
            return _as_object_rows(dist, indptr), ind
        return ind

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity", sort_results=False):
        """Sparse (n_queries × n_samples_fit) CSR graph of the neighbours within radius
        (1.0 entries for 'connectivity', distances for 'distance'). Needs scipy."""
        csr_matrix = _scipy_csr("radius_neighbors_graph")
        if mode not in ("connectivity", "distance"):
            raise ValueError(f"mode must be 'connectivity' or 'distance', got {mode!r}.")
        if sort_results and mode != "distance":
            raise ValueError("sort_results=True can only be used with mode='distance'.")
        indptr, indices, dist = self._radius_csr(X, radius, sort_results)
        data = np.ones(len(indices)) if mode == "connectivity" else dist
        n_q = len(indptr) - 1
        return csr_matrix((data, indices, indptr), shape=(n_q, self.n_samples_fit_))

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class _QueryMemo:
    """Neighbour lists shared by a search's candidates that differ only in ``n_neighbors`` and
    ``weights`` on one fold (the same training rows, so the same fitted data).

    The first query of an array computes its ``k`` nearest neighbours for the largest ``k`` the
    group asks (``ks``, among those the training set can give); every candidate then takes the
    first ``n_neighbors`` columns. That prefix is exactly the smaller query's answer, because the
    core orders neighbours by (distance, index), ties included. Arrays are known by identity
    (the search passes each fold's rows as one array object to every candidate) and kept alive
    with their entries, so an id is never reused while the memo lives.
    """

    def __init__(self, ks):
        self.ks = [int(k) for k in ks if isinstance(k, numbers.Integral) and not isinstance(k, bool)]
        self.entries = {}

    def lookup(self, est, X, Q, k, n_fit):
        entry = self.entries.get(id(X))
        if entry is not None and entry[0] is X and entry[1].shape[1] >= k:
            return entry[1][:, :k].copy(), entry[2][:, :k].copy()
        k_all = max([kk for kk in self.ks if k <= kk <= n_fit], default=k)
        dist, ind = est._raw_kneighbors(Q, k_all)
        self.entries[id(X)] = (X, dist, ind)
        return dist[:, :k].copy(), ind[:, :k].copy()


def _scipy_csr(who):
    try:
        from scipy.sparse import csr_matrix
    except ImportError as e:  # pragma: no cover - scipy is optional at run time
        raise ImportError(f"{who} returns a scipy.sparse matrix: install scipy.") from e
    return csr_matrix


def _distance_weights(dist, weights):
    """Per-neighbour weights: None for 'uniform', 1/d for 'distance' (exact matches take all the
    weight), or whatever a callable returns."""
    if weights in (None, "uniform"):
        return None
    if weights == "distance":
        with np.errstate(divide="ignore"):
            w = 1.0 / dist.astype(np.float64)
        inf_mask = np.isinf(w)
        inf_row = np.any(inf_mask, axis=1)
        w[inf_row] = inf_mask[inf_row]
        return w
    if callable(weights):
        w = np.asarray(weights(dist), dtype=np.float64)
        if w.shape != dist.shape:
            raise ValueError(f"weights callable returned shape {w.shape}, expected {dist.shape}.")
        return w
    raise ValueError(f"weights must be 'uniform', 'distance' or a callable, got {weights!r}.")


def _radius_weights(indptr, dist, weights):
    """Flat per-neighbour weights of radius results (None for 'uniform'): 1/d, or, in a row holding
    an exact match, 1 for the matches and 0 for the others; a callable gets scikit-learn's object
    array of per-row distances and returns one array per row."""
    if weights in (None, "uniform"):
        return None
    n_q = len(indptr) - 1
    rows = np.repeat(np.arange(n_q), np.diff(indptr))
    if weights == "distance":
        d = dist.astype(np.float64)
        zero = d == 0
        row_has_zero = np.bincount(rows[zero], minlength=n_q) > 0
        with np.errstate(divide="ignore"):
            w = 1.0 / d
        in_zero_row = row_has_zero[rows]
        w[in_zero_row] = zero[in_zero_row]
        return w
    if callable(weights):
        got = weights(_as_object_rows(dist, indptr))
        parts = [np.asarray(got[i], dtype=np.float64).ravel() for i in range(n_q)]
        w = np.concatenate(parts) if parts else np.zeros(0)
        if w.shape != dist.shape:
            raise ValueError("weights callable must return one weight per neighbour.")
        return w
    raise ValueError(f"weights must be 'uniform', 'distance' or a callable, got {weights!r}.")



def _constraints_without(name, **extra):
    """The neighbours' constraints less ``name`` (the k-nearest estimators have no radius, the
    radius estimators no n_neighbors), with the supervised estimators' ``extra`` entries."""
    out = {k: v for k, v in _NeighborsBase._parameter_constraints.items() if k != name}
    out.update(extra)
    return out


_WEIGHTS = [StrOptions({"uniform", "distance"}), callable, None]
_KNEIGHBORS_SUPERVISED_CONSTRAINTS = _constraints_without("radius", weights=_WEIGHTS)
_RADIUS_SUPERVISED_CONSTRAINTS = _constraints_without("n_neighbors", weights=_WEIGHTS)