"""KNeighborsClassifier and RadiusNeighborsClassifier."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core

from ..base import ClassifierMixin
from ..utils.multiclass import check_classification_targets
from ..utils.validation import check_is_fitted
from ._base import (
    _KNEIGHBORS_SUPERVISED_CONSTRAINTS,
    _RADIUS_SUPERVISED_CONSTRAINTS,
    _NeighborsBase,
    _distance_weights,
    _radius_weights,
)


def _encode_targets(est, y):
    """classes_, outputs_2d_ and the encoded targets, as scikit-learn stores them."""
    check_classification_targets(y)
    est.outputs_2d_ = y.ndim == 2 and y.shape[1] > 1
    y2 = y.reshape(-1, 1) if y.ndim == 1 else y
    classes, encoded = [], np.empty(y2.shape, dtype=np.intp)
    for j in range(y2.shape[1]):
        c, inv = np.unique(y2[:, j], return_inverse=True)
        classes.append(c)
        encoded[:, j] = inv.ravel()
    est.classes_ = classes if est.outputs_2d_ else classes[0]
    est._y = encoded if est.outputs_2d_ else encoded[:, 0]
    return classes


class KNeighborsClassifier(ClassifierMixin, _NeighborsBase):
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

    How it works
    ------------
    The neighbours come from the tree or brute-force search (cpp/src/neighbors/tree.cpp,
    neighbors.cpp); the vote is a weighted count per class (ties go to the class listed first in
    classes_).
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
        X, y = self._validate_fit_X(X, y, multi_output=True)
        _encode_targets(self, y)
        self._fit_data(X)
        return self

    def _votes(self, X):
        """Per output: (n_queries × n_classes) weighted vote totals."""
        dist, ind = self.kneighbors(X)
        w = _distance_weights(dist, self.weights)
        n_q, k = ind.shape
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        y = self._y.reshape(self._y.shape[0], -1)
        out = []
        for j, c in enumerate(classes):
            # in the core: each row's totals summed in neighbour order (as a bincount would)
            out.append(_core.neighbors.vote(np.ascontiguousarray(ind, dtype=np.int64),
                                            np.ascontiguousarray(y[:, j], dtype=np.int64), len(c),
                                            None if w is None else np.ascontiguousarray(w, dtype=np.float64),
                                            self._n_threads()))
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
        tags.classifier_tags.multi_label = True
        return tags


def _is_arraylike(x):
    return hasattr(x, "__len__") or hasattr(x, "shape") or hasattr(x, "__array__")


class RadiusNeighborsClassifier(ClassifierMixin, _NeighborsBase):
    """Classifier voting among the training points within a radius (scikit-learn's
    RadiusNeighborsClassifier).

    Parameters
    ----------
    radius : float, default=1.0
    weights : {'uniform', 'distance'} or callable, default='uniform'
        A callable receives scikit-learn's object array of per-row distance arrays.
    algorithm, leaf_size, p, metric, metric_params, n_jobs : as NearestNeighbors
    outlier_label : label, 'most_frequent', list of labels (one per output) or None
        The prediction for a query with no training point within radius; None raises a
        ValueError for such a query.

    Attributes
    ----------
    classes_, outlier_label_, outputs_2d_, n_features_in_, feature_names_in_, n_samples_fit_,
    effective_metric_, effective_metric_params_

    How it works
    ------------
    radius_neighbors (cpp/src/neighbors/: tree walk or screened brute force) gives each query's
    neighbours as one flat CSR list; the votes of all queries are one weighted np.bincount over
    (row, class) pairs. Outliers (no neighbour) get probability 1 for outlier_label.
    """

    _parameter_constraints: dict = {
        **_RADIUS_SUPERVISED_CONSTRAINTS,
        "outlier_label": [numbers.Integral, str, "array-like", None],
    }

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", outlier_label=None, metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.outlier_label = outlier_label
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_fit_X(X, y, multi_output=True)
        classes = _encode_targets(self, y)
        y_enc = self._y.reshape(self._y.shape[0], -1)
        label = self.outlier_label
        if label is None:
            outlier_label_ = None
        elif isinstance(label, str) and label == "most_frequent":
            outlier_label_ = [c[np.bincount(y_enc[:, j]).argmax()] for j, c in enumerate(classes)]
        else:
            if _is_arraylike(label) and not isinstance(label, str):
                if len(label) != len(classes):
                    raise ValueError(
                        f"The length of outlier_label: {label} is inconsistent with the output "
                        f"length: {len(classes)}"
                    )
                outlier_label_ = list(label)
            else:
                outlier_label_ = [label] * len(classes)
            for c, lab in zip(classes, outlier_label_):
                if _is_arraylike(lab) and not isinstance(lab, str):
                    raise TypeError(
                        f"The outlier_label of classes {c} is supposed to be a scalar, got {lab}."
                    )
                if np.append(c, lab).dtype != c.dtype:
                    raise TypeError(
                        f"The dtype of outlier_label {lab} is inconsistent with classes {c} in y."
                    )
        self.outlier_label_ = outlier_label_
        self._fit_data(X)
        return self

    def predict_proba(self, X):
        """Class probabilities (weighted vote shares within radius), columns as classes_."""
        check_is_fitted(self, "_fit_X")
        indptr, indices, dist = self._radius_csr(X, None, False)
        n_q = len(indptr) - 1
        counts = np.diff(indptr)
        outliers = np.flatnonzero(counts == 0)
        if self.outlier_label_ is None and outliers.size > 0:
            raise ValueError(
                f"No neighbors found for test samples {outliers!r}, you can try using larger "
                "radius, giving a label for outliers, or considering removing them from your "
                "dataset."
            )
        w = _radius_weights(indptr, dist, self.weights)
        rows = np.repeat(np.arange(n_q), counts)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        y = self._y.reshape(self._y.shape[0], -1)
        probs = []
        for j, c in enumerate(classes):
            flat = rows * len(c) + y[indices, j]
            proba = np.bincount(flat, weights=w, minlength=n_q * len(c)).reshape(n_q, len(c))
            proba = proba.astype(np.float64)
            if outliers.size > 0:
                where = np.flatnonzero(c == self.outlier_label_[j])
                if where.size == 1:
                    proba[outliers, where[0]] = 1.0
                else:
                    warnings.warn(
                        f"Outlier label {self.outlier_label_[j]} is not in training classes. All "
                        "class probabilities of outliers will be assigned with 0."
                    )
            norm = proba.sum(axis=1)[:, None]
            norm[norm == 0.0] = 1.0
            probs.append(proba / norm)
        return probs if self.outputs_2d_ else probs[0]

    def predict(self, X):
        """Class label of each query row (outlier_label_ where no point lies within radius)."""
        probs = self.predict_proba(X)
        classes = self.classes_
        if not self.outputs_2d_:
            probs, classes = [probs], [self.classes_]
        n_q = probs[0].shape[0]
        pred = np.empty((n_q, len(classes)), dtype=classes[0].dtype)
        for j, prob in enumerate(probs):
            pred[:, j] = classes[j].take(prob.argmax(axis=1))
            zero = (prob == 0).all(axis=1)
            if zero.any():
                pred[np.flatnonzero(zero), j] = self.outlier_label_[j]
        return pred.ravel() if not self.outputs_2d_ else pred

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
