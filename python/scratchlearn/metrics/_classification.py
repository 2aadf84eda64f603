"""Classification metrics: accuracy_score."""

from __future__ import annotations

import numpy as np

from ..utils._param_validation import validate_parameter_constraints
from ..utils.multiclass import type_of_target, unique_labels
from ._base import check_consistent_length, check_metric_weights, weighted_mean

__all__ = ["accuracy_score"]


def _is_sparse(a):
    return hasattr(a, "tocsr") and hasattr(a, "nnz")


def _check_targets(y_true, y_pred):
    """``(kind, y_true, y_pred)`` for a classification metric: both targets of one task, kind one
    of 'binary', 'multiclass' (1-d labels; a column vector is raveled) or 'multilabel-indicator'
    (2-d 0/1 matrices of equal shape; sparse ones made dense). Anything else is a ValueError."""
    check_consistent_length(y_true, y_pred)
    y_true = y_true.toarray() if _is_sparse(y_true) else np.asarray(y_true)
    y_pred = y_pred.toarray() if _is_sparse(y_pred) else np.asarray(y_pred)
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.ndim == 0:
            raise ValueError(f"{name} must be an array of labels, got the scalar {y!r}.")
        if y.shape[0] < 1:
            raise ValueError(
                "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum of 1 "
                "sample is required."
            )
    kind_true, kind_pred = type_of_target(y_true), type_of_target(y_pred)
    kinds = {kind_true, kind_pred}
    if kinds == {"binary", "multiclass"}:
        kinds = {"multiclass"}
    if len(kinds) > 1:
        raise ValueError(
            f"Classification metrics can't handle a mix of {kind_true} and {kind_pred} targets"
        )
    kind = kinds.pop()
    if kind not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(f"{kind} is not supported")
    if kind == "multilabel-indicator":
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"y_true and y_pred have different numbers of labels: shapes {y_true.shape} and "
                f"{y_pred.shape}."
            )
        return kind, y_true, y_pred
    y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
    unique_labels(y_true, y_pred)  # mixing strings and numbers is an error
    return kind, y_true, y_pred


_ACCURACY_CONSTRAINTS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_pred": ["array-like", "sparse matrix"],
    "normalize": ["boolean"],
    "sample_weight": ["array-like", None],
}


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Accuracy: the fraction (or, with ``normalize=False``, the weighted count) of samples whose
    prediction is exactly right.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,), or label indicator matrix (n_samples, n_labels)
        True labels. For multilabel targets (0/1 matrices, dense or sparse) a sample counts as right
        only when its whole row of labels matches (subset accuracy).
    y_pred : array-like of the same kind
        Predicted labels.
    normalize : bool, default=True
        Return the fraction of correct samples; if False, their (weighted) number.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples (may be negative, as in scikit-learn; not all zero).

    Returns
    -------
    score : float

    How it works
    ------------
    Each sample gives 1 if its label (row of labels) equals the prediction, else 0; the score is
    the weighted mean (or sum) of those. O(n_samples × n_labels), numpy only.
    """
    validate_parameter_constraints(
        _ACCURACY_CONSTRAINTS,
        {"y_true": y_true, "y_pred": y_pred, "normalize": normalize, "sample_weight": sample_weight},
        caller_name="accuracy_score",
    )
    check_consistent_length(y_true, y_pred, sample_weight)
    kind, y_true, y_pred = _check_targets(y_true, y_pred)
    weights = check_metric_weights(sample_weight, y_true.shape[0])
    if kind == "multilabel-indicator":
        correct = np.all(y_true == y_pred, axis=1)
    else:
        correct = y_true == y_pred
    correct = correct.astype(np.float64)
    if normalize:
        return float(weighted_mean(correct, weights))
    return float(correct.sum() if weights is None else correct @ weights)
