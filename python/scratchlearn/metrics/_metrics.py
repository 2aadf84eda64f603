"""Metrics used by the estimators' ``score`` methods."""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy_score", "r2_score", "mean_squared_error"]


def _weights(sample_weight, n):
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64).ravel()
    if w.shape[0] != n:
        raise ValueError(f"sample_weight has {w.shape[0]} entries, expected {n}.")
    return w


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or count, if not ``normalize``) of samples whose labels all match."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: "
            f"[{y_true.shape[0]}, {y_pred.shape[0]}]"
        )
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred.ravel()
    correct = y_true == y_pred
    if correct.ndim == 2:
        correct = correct.all(axis=1)
    w = _weights(sample_weight, correct.shape[0])
    if normalize:
        return float(np.average(correct, weights=w))
    return float(np.sum(correct if w is None else correct * w))


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Coefficient of determination R² (1 is perfect; constant-target outputs score 1 or 0)."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred have different shapes: {y_true.shape} vs {y_pred.shape}")
    if y_true.shape[0] < 2:
        return float("nan")
    w = _weights(sample_weight, y_true.shape[0])
    wcol = np.ones((y_true.shape[0], 1)) if w is None else w[:, None]
    num = (wcol * (y_true - y_pred) ** 2).sum(axis=0)
    mean = np.average(y_true, axis=0, weights=None if w is None else w)
    den = (wcol * (y_true - mean) ** 2).sum(axis=0)
    scores = np.ones(y_true.shape[1])
    nz_den = den != 0
    scores[nz_den] = 1 - num[nz_den] / den[nz_den]
    scores[(~nz_den) & (num != 0)] = 0.0
    if isinstance(multioutput, str) and multioutput == "raw_values":
        return scores
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        return float(np.average(scores, weights=den)) if den.sum() else float(np.mean(scores))
    return float(np.mean(scores))


def mean_squared_error(y_true, y_pred, *, sample_weight=None):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    w = _weights(sample_weight, y_true.shape[0])
    err = (y_true - y_pred) ** 2
    if err.ndim == 2:
        err = err.mean(axis=1)
    return float(np.average(err, weights=w))
