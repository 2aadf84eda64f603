"""Shared pieces of the linear models: parameter checks, the linear predictor, label handling."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from ..utils.validation import check_is_fitted, validate_data

__all__: list[str] = []


def _check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a bool (True or False), got {value!r}.")
    return bool(value)


def _check_real(value, name, *, low=None, high=None, low_open=False, high_open=False,
                allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    v = float(value)
    if np.isnan(v):
        raise ValueError(f"{name} must be a real number, got nan.")
    if low is not None and (v < low or (low_open and v == low)):
        op = ">" if low_open else ">="
        raise ValueError(f"{name} must be {op} {low}, got {value!r}.")
    if high is not None and (v > high or (high_open and v == high)):
        op = "<" if high_open else "<="
        raise ValueError(f"{name} must be {op} {high}, got {value!r}.")
    return v


def _check_int(value, name, *, low=None, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}.")
    v = int(value)
    if low is not None and v < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}.")
    return v


def _check_choice(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {list(options)!r}, got {value!r}.")
    return value


def _matmul(A, B, *, trans_b=False, n_threads=1):
    """A @ B (or A @ B.T) through the project GEMM, in A's dtype."""
    # Canonical dtype objects: the core dispatches on dtype identity (a memmap's float32 dtype
    # object need not be numpy's canonical one).
    dt = np.dtype(np.float32) if A.dtype == np.float32 else np.dtype(np.float64)
    A = np.ascontiguousarray(A, dtype=dt)
    B = np.ascontiguousarray(B, dtype=dt)
    m = A.shape[0]
    n = B.shape[0] if trans_b else B.shape[1]
    out = np.empty((m, n), dtype=dt)
    _core.gemm_into(A, B, out, False, trans_b, 1.0, 0.0, n_threads)
    return out


class LinearModelMixin:
    """``predict`` = X·coef_ᵀ + intercept_ for regressors (coef_ 1-d or 2-d)."""

    def _decision(self, X):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        coef = np.asarray(self.coef_)
        W = coef.reshape(1, -1) if coef.ndim == 1 else coef
        n_threads = self._n_threads()
        out = _matmul(X, W.astype(X.dtype, copy=False), trans_b=True, n_threads=n_threads)
        out += np.asarray(self.intercept_, dtype=X.dtype)
        return out[:, 0] if coef.ndim == 1 else out

    def predict(self, X):
        """Predicted targets X·coef_ᵀ + intercept_."""
        return self._decision(X)


class LinearClassifierMixin:
    """decision_function / predict for linear classifiers with classes_, coef_ (k, d), intercept_ (k,)."""

    def decision_function(self, X):
        """Signed distance to the hyperplane(s): X·coef_ᵀ + intercept_ (1-d for two classes)."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        n_threads = self._n_threads()
        W = np.asarray(self.coef_).astype(X.dtype, copy=False)
        scores = _matmul(X, W, trans_b=True, n_threads=n_threads)
        scores += np.asarray(self.intercept_, dtype=X.dtype)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The class of largest decision value for each row of X."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            idx = (scores > 0).astype(np.intp)
        else:
            idx = scores.argmax(axis=1)
        return self.classes_[idx]


def _encode_classes(y):
    """(classes, integer codes) of a label vector of any type."""
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.astype(np.intp)


def _compute_class_weight(class_weight, classes, codes, sample_weight=None):
    """Per-class weights as scikit-learn computes them (None, a dict, or 'balanced')."""
    n_classes = len(classes)
    if class_weight is None or (isinstance(class_weight, dict) and not class_weight):
        return np.ones(n_classes)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(
                f"class_weight must be a dict, 'balanced' or None, got {class_weight!r}."
            )
        sw = np.ones(codes.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
        counts = np.bincount(codes, weights=sw, minlength=n_classes)
        with np.errstate(divide="ignore"):
            return sw.sum() / (n_classes * counts)
    if isinstance(class_weight, dict):
        w = np.ones(n_classes)
        for label, value in class_weight.items():
            where = np.flatnonzero(classes == label)
            if where.size == 0:
                raise ValueError(f"The classes, {[label]}, are not in class, {classes.tolist()}.")
            w[where[0]] = value
        return w
    raise ValueError(f"class_weight must be a dict, 'balanced' or None, got {class_weight!r}.")
