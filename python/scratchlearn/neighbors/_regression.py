"""KNeighborsRegressor and RadiusNeighborsRegressor."""

from __future__ import annotations

import warnings

import numpy as np

from ..base import RegressorMixin
from ..utils.validation import check_is_fitted
from ._base import (
    _KNEIGHBORS_SUPERVISED_CONSTRAINTS,
    _RADIUS_SUPERVISED_CONSTRAINTS,
    _NeighborsBase,
    _distance_weights,
    _radius_weights,
)


class KNeighborsRegressor(RegressorMixin, _NeighborsBase):
    """Regression by averaging the targets of the k nearest neighbours (scikit-learn's
    KNeighborsRegressor). Multi-output y is supported.

    Parameters
    ----------
    n_neighbors : int, default=5
    weights : {'uniform', 'distance'} or callable, default='uniform'
    algorithm, leaf_size, p, metric, metric_params, n_jobs : as NearestNeighbors

    How it works
    ------------
    The neighbours come from the tree or brute-force search (cpp/src/neighbors/); the prediction
    is their (weighted) mean target.
    """

    _parameter_constraints: dict = _KNEIGHBORS_SUPERVISED_CONSTRAINTS
    # parameters that change only the queries, not the fitted data: a search shares each fold's
    # neighbour lists between candidates that differ only in these (neighbors._base._QueryMemo)
    _query_only_params = ("n_neighbors", "weights")

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

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_fit_X(X, y, multi_output=True, y_numeric=True)
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


class RadiusNeighborsRegressor(RegressorMixin, _NeighborsBase):
    """Regression by averaging the targets of the training points within a radius
    (scikit-learn's RadiusNeighborsRegressor). A query with no neighbour is predicted NaN (with a
    warning).

    Parameters
    ----------
    radius : float, default=1.0
    weights : {'uniform', 'distance'} or callable, default='uniform'
        A callable receives scikit-learn's object array of per-row distance arrays.
    algorithm, leaf_size, p, metric, metric_params, n_jobs : as NearestNeighbors

    How it works
    ------------
    radius_neighbors (cpp/src/neighbors/: tree walk or screened brute force) gives each query's
    neighbours as one flat CSR list; the (weighted) mean target of each row is one np.bincount
    per output column over it.
    """

    _parameter_constraints: dict = _RADIUS_SUPERVISED_CONSTRAINTS

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_fit_X(X, y, multi_output=True, y_numeric=True)
        self._y = y
        self._fit_data(X)
        return self

    def predict(self, X):
        """Mean (or weighted mean) target of the training points within radius of each row."""
        check_is_fitted(self, "_fit_X")
        indptr, indices, dist = self._radius_csr(X, None, False)
        n_q = len(indptr) - 1
        counts = np.diff(indptr)
        rows = np.repeat(np.arange(n_q), counts)
        w = _radius_weights(indptr, dist, self.weights)
        y2 = self._y.reshape(self._y.shape[0], -1).astype(np.float64, copy=False)
        norm = counts.astype(np.float64) if w is None else np.bincount(rows, weights=w, minlength=n_q)
        pred = np.empty((n_q, y2.shape[1]))
        for j in range(y2.shape[1]):
            vals = y2[indices, j] if w is None else y2[indices, j] * w
            pred[:, j] = np.bincount(rows, weights=vals, minlength=n_q)
        with np.errstate(invalid="ignore", divide="ignore"):
            pred /= norm[:, None]
        pred[counts == 0] = np.nan
        if np.any(np.isnan(pred)):
            warnings.warn("One or more samples have no neighbors within specified radius; predicting NaN.")
        if self._y.ndim == 1:
            pred = pred.ravel()
        return pred
