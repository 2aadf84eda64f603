"""k-nearest neighbours: NearestNeighbors, KNeighborsClassifier, KNeighborsRegressor.

How it works
------------
Brute force, done well. For every query the distances to all training points are computed and the
k smallest are kept. The core (cpp/src/neighbors/) walks the queries in blocks of about 64 and the
training set in blocks of 256; for the euclidean family it gets the block of dot products q·x from
the matrix product (cpp/src/gemm/) and forms ‖q − x‖² = ‖q‖² + ‖x‖² − 2·q·x on centred data, then
a vectorised scan picks the values under each query's current limit and folds them into a bounded
max-heap per query while the block is still in cache. The full
n_queries × n_train distance matrix is never stored. The few candidates left at the end are
re-measured exactly in double precision, so reported distances carry no cancellation error.
Cost: O(n_queries · n_train · d) flops (a matrix product) plus O(n_queries · n_train · log k) heap
work in the worst case; memory O(n_queries · k). Queries blocks run in parallel (n_jobs threads).

Deviation from scikit-learn: algorithm='kd_tree' and 'ball_tree' are accepted and give the same
answers, computed by brute force. metric='precomputed' and callable metrics are not supported.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_array, check_is_fitted, validate_data
from ..utils.multiclass import check_classification_targets

__all__ = ["NearestNeighbors", "KNeighborsClassifier", "KNeighborsRegressor"]

# Metric codes understood by the core (cpp/include/scratchlearn/neighbors.hpp).
_METRIC_CODES = {
    "euclidean": 0,
    "sqeuclidean": 1,
    "manhattan": 2,
    "chebyshev": 3,
    "minkowski": 4,
    "cosine": 5,
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


def _resolve_metric(metric, p, metric_params):
    """(effective metric name, p) after aliases and the special cases of Minkowski's p."""
    if callable(metric):
        raise ValueError("Callable metrics are not supported; use one of " + ", ".join(_METRIC_CODES) + ".")
    if not isinstance(metric, str):
        raise ValueError(f"metric must be a string, got {metric!r}.")
    name = _ALIASES.get(metric, metric)
    if name not in _METRIC_CODES:
        allowed = sorted(set(_METRIC_CODES) | set(_ALIASES))
        raise ValueError(f"metric {metric!r} is not supported; choose one of {allowed}.")
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


class _NeighborsBase(BaseEstimator):
    """Shared fitting and querying; subclasses add prediction."""

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
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
    }

    def _validate_params(self):
        super()._validate_params()
        self.effective_metric_, self._p = _resolve_metric(self.metric, self.p, self.metric_params)
        self.effective_metric_params_ = (
            {"p": self._p} if self.effective_metric_ == "minkowski" else {}
        )

    def _fit_data(self, X):
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        self._fit_method = "brute"

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
        if query_is_train:
            Q = self._fit_X
            n_neighbors += 1
        else:
            Q = validate_data(self, X, reset=False)
        n_fit = self.n_samples_fit_
        if n_neighbors > n_fit:
            if query_is_train:
                n_neighbors -= 1
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {n_neighbors}, "
                f"n_samples_fit = {n_fit}, n_samples = {Q.shape[0]}"
            )
        train = self._fit_X
        if Q.dtype != train.dtype:
            # Queries are computed in the model's precision: converting them is cheap, converting
            # the training set on every call would not be.
            Q = Q.astype(train.dtype)
        dist, ind = _core.knn_search(
            train, Q, n_neighbors, _METRIC_CODES[self.effective_metric_], self._p,
            self._n_threads(),
        )
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
        try:
            from scipy.sparse import csr_matrix
        except ImportError as e:  # pragma: no cover - scipy is optional at run time
            raise ImportError("kneighbors_graph returns a scipy.sparse matrix: install scipy.") from e
        if mode not in ("connectivity", "distance"):
            raise ValueError(f"mode must be 'connectivity' or 'distance', got {mode!r}.")
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        dist, ind = self.kneighbors(X, n_neighbors, return_distance=True)
        n_q, k = ind.shape
        data = np.ones(n_q * k) if mode == "connectivity" else dist.ravel()
        indptr = np.arange(0, n_q * k + 1, k)
        return csr_matrix((data, ind.ravel(), indptr), shape=(n_q, self.n_samples_fit_))

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class NearestNeighbors(_NeighborsBase):
    """Unsupervised nearest-neighbour search (scikit-learn's NearestNeighbors).

    Parameters
    ----------
    n_neighbors : int, default=5
    radius : float, default=1.0
        Stored for API compatibility (radius queries are not implemented).
    algorithm : {'auto', 'brute', 'kd_tree', 'ball_tree'}, default='auto'
        All run brute force (identical answers).
    leaf_size : int, default=30
    metric : str, default='minkowski'
        'euclidean', 'sqeuclidean', 'manhattan', 'chebyshev', 'cosine' or 'minkowski' (with p).
    p : float, default=2
    metric_params : dict, default=None
    n_jobs : int, default=None
        Threads: None or -1 = all cores.

    Attributes
    ----------
    n_features_in_, feature_names_in_, n_samples_fit_, effective_metric_, effective_metric_params_

    How it works: see the module docstring (cpp/src/neighbors/neighbors.cpp).
    """

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        self._validate_params()
        X = validate_data(self, X, reset=True)
        self._fit_data(X)
        return self


class _SupervisedNeighbors(_NeighborsBase):
    """The constructor shared by the classifier and the regressor (scikit-learn's signature)."""

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def _check_weights(self):
        if not callable(self.weights):
            _distance_weights(np.ones((1, 1)), self.weights)


class KNeighborsClassifier(ClassifierMixin, _SupervisedNeighbors):
    """Classifier voting among the k nearest neighbours (scikit-learn's KNeighborsClassifier).

    Parameters
    ----------
    n_neighbors : int, default=5
    weights : {'uniform', 'distance'} or callable, default='uniform'
    algorithm, leaf_size, p, metric, metric_params, n_jobs : as NearestNeighbors

    Attributes
    ----------
    classes_ : ndarray (or list of arrays for multi-output y)
    n_features_in_, feature_names_in_, n_samples_fit_, effective_metric_, outputs_2d_

    How it works: the neighbours come from the core's blocked search
    (cpp/src/neighbors/neighbors.cpp); the vote is a weighted count per class (ties go to the class listed first in classes_).
    """

    def fit(self, X, y):
        self._validate_params()
        self._check_weights()
        X, y = validate_data(self, X, y, reset=True, multi_output=True)
        check_classification_targets(y)
        self.outputs_2d_ = y.ndim == 2 and y.shape[1] > 1
        y2 = y.reshape(-1, 1) if y.ndim == 1 else y
        classes, encoded = [], np.empty(y2.shape, dtype=np.intp)
        for j in range(y2.shape[1]):
            c, inv = np.unique(y2[:, j], return_inverse=True)
            classes.append(c)
            encoded[:, j] = inv.ravel()
        self.classes_ = classes if self.outputs_2d_ else classes[0]
        self._y = encoded if self.outputs_2d_ else encoded[:, 0]
        self._fit_data(X)
        return self

    def _votes(self, X):
        """Per output: (n_queries × n_classes) weighted vote totals."""
        dist, ind = self.kneighbors(X)
        w = _distance_weights(dist, self.weights)
        n_q, k = ind.shape
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        y = self._y.reshape(self._y.shape[0], -1)
        rows = np.repeat(np.arange(n_q), k)
        out = []
        for j, c in enumerate(classes):
            labels = y[ind, j].ravel()
            flat = rows * len(c) + labels
            totals = np.bincount(flat, weights=None if w is None else w.ravel(),
                                 minlength=n_q * len(c)).reshape(n_q, len(c))
            out.append(totals)
        return out

    def predict(self, X):
        """Class label of each query row."""
        check_is_fitted(self, "_fit_X")
        votes = self._votes(X)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        preds = [c[np.argmax(v, axis=1)] for c, v in zip(classes, votes)]
        if not self.outputs_2d_:
            return preds[0]
        return np.stack(preds, axis=1)

    def predict_proba(self, X):
        """Class probabilities (weighted vote shares), columns ordered as classes_."""
        check_is_fitted(self, "_fit_X")
        probs = []
        for v in self._votes(X):
            norm = v.sum(axis=1, keepdims=True)
            norm[norm == 0] = 1.0
            probs.append(v / norm)
        return probs if self.outputs_2d_ else probs[0]

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags


class KNeighborsRegressor(RegressorMixin, _SupervisedNeighbors):
    """Regression by averaging the targets of the k nearest neighbours (scikit-learn's
    KNeighborsRegressor). Multi-output y is supported.

    Parameters: as KNeighborsClassifier. How it works: see the module docstring.
    """

    def fit(self, X, y):
        self._validate_params()
        self._check_weights()
        X, y = validate_data(self, X, y, reset=True, multi_output=True, y_numeric=True)
        self._y = y
        self._fit_data(X)
        return self

    def predict(self, X):
        """Mean (or distance-weighted mean) target of each query row's neighbours."""
        check_is_fitted(self, "_fit_X")
        dist, ind = self.kneighbors(X)
        w = _distance_weights(dist, self.weights)
        y = self._y
        y2 = y.reshape(y.shape[0], -1)
        if w is None:
            pred = y2[ind].mean(axis=1)
        else:
            pred = np.einsum("qk,qkj->qj", w, y2[ind]) / w.sum(axis=1)[:, None]
        if y.ndim == 1:
            pred = pred.ravel()
        return pred
