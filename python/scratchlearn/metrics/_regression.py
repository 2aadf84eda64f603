"""Regression metrics: r2_score and mean_squared_error."""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import UndefinedMetricWarning
from ..utils._param_validation import StrOptions, validate_parameter_constraints
from ..utils.validation import check_array
from ._base import check_consistent_length, check_metric_weights, weighted_mean

__all__ = ["r2_score", "mean_squared_error"]


def _check_reg_targets(y_true, y_pred, sample_weight, multioutput):
    """``(y_true, y_pred, weights, multioutput)`` of one regression task: targets as float64
    (n_samples, n_outputs) matrices, weights float64 (n_samples,) or None, and ``multioutput``
    either one of its strings, None, or a float64 vector of one weight per output."""
    check_consistent_length(y_true, y_pred, sample_weight)
    y_true = check_array(y_true, ensure_2d=False, dtype=np.float64, input_name="y_true")
    y_pred = check_array(y_pred, ensure_2d=False, dtype=np.float64, input_name="y_pred")
    if y_true.ndim == 1:
        y_true = y_true.reshape(-1, 1)
    if y_pred.ndim == 1:
        y_pred = y_pred.reshape(-1, 1)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            f"y_true and y_pred have different number of output ({y_true.shape[1]}!="
            f"{y_pred.shape[1]})"
        )
    weights = check_metric_weights(sample_weight, y_true.shape[0])
    n_outputs = y_true.shape[1]
    if multioutput is not None and not isinstance(multioutput, str):
        multioutput = check_array(multioutput, ensure_2d=False, dtype=np.float64,
                                  input_name="multioutput")
        if n_outputs == 1:
            raise ValueError("Custom weights are useful only in multi-output cases.")
        if multioutput.ndim != 1 or multioutput.shape[0] != n_outputs:
            raise ValueError(
                f"There must be equally many custom weights ({multioutput.shape[0]}) as outputs "
                f"({n_outputs})."
            )
    return y_true, y_pred, weights, multioutput


_MSE_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
    "multioutput": [StrOptions({"raw_values", "uniform_average"}), "array-like"],
}


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error: the (weighted) mean over samples of (y_true - y_pred)².

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True and predicted targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples (may be negative, as in scikit-learn; not summing to zero).
    multioutput : {'raw_values', 'uniform_average'} or array-like of shape (n_outputs,), \
default='uniform_average'
        How the outputs' errors are combined: returned as they are ('raw_values'), their mean, or
        their mean weighted by the given array.

    Returns
    -------
    loss : float, or ndarray of shape (n_outputs,) for 'raw_values'

    How it works
    ------------
    Per output, the weighted mean of the squared residuals; then the (weighted) mean over outputs.
    O(n_samples × n_outputs), numpy only.
    """
    validate_parameter_constraints(
        _MSE_CONSTRAINTS,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
         "multioutput": multioutput},
        caller_name="mean_squared_error",
    )
    y_true, y_pred, weights, multioutput = _check_reg_targets(y_true, y_pred, sample_weight,
                                                              multioutput)
    errors = weighted_mean((y_true - y_pred) ** 2, weights, axis=0)
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return errors
        multioutput = None  # uniform_average
    return float(weighted_mean(errors, multioutput))


_R2_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
    "multioutput": [StrOptions({"raw_values", "uniform_average", "variance_weighted"}),
                    "array-like", None],
    "force_finite": ["boolean"],
}


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
             force_finite=True):
    """Coefficient of determination R² = 1 - Σ w (y - ŷ)² / Σ w (y - ȳ)² (1 is perfect).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True and predicted targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples (may be negative, as in scikit-learn; not summing to zero).
    multioutput : {'raw_values', 'uniform_average', 'variance_weighted'}, array-like of shape \
(n_outputs,) or None, default='uniform_average'
        How the outputs' scores are combined: returned as they are ('raw_values'), their mean
        ('uniform_average', or None), their mean weighted by each output's variance
        ('variance_weighted'), or by the given array.
    force_finite : bool, default=True
        For a constant output (zero variance), score 1.0 when it is predicted exactly and 0.0
        otherwise, instead of the formula's NaN / -inf.

    Returns
    -------
    score : float, or ndarray of shape (n_outputs,) for 'raw_values'. NaN (with an
        UndefinedMetricWarning) for fewer than two samples.

    How it works
    ------------
    Per output, the weighted residual sum of squares over the weighted total sum of squares about
    the weighted mean; then combined over outputs as ``multioutput`` says.
    O(n_samples × n_outputs), numpy only.
    """
    validate_parameter_constraints(
        _R2_CONSTRAINTS,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
         "multioutput": multioutput, "force_finite": force_finite},
        caller_name="r2_score",
    )
    y_true, y_pred, weights, multioutput = _check_reg_targets(y_true, y_pred, sample_weight,
                                                              multioutput)
    if y_pred.shape[0] < 2:
        warnings.warn("R^2 score is not well-defined with less than two samples.",
                      UndefinedMetricWarning)
        return float("nan")
    w = 1.0 if weights is None else weights[:, None]
    numerator = np.sum(w * (y_true - y_pred) ** 2, axis=0)
    denominator = np.sum(w * (y_true - weighted_mean(y_true, weights, axis=0)) ** 2, axis=0)
    nonzero_den = denominator != 0
    if force_finite:
        nonzero_num = numerator != 0
        scores = np.ones(y_true.shape[1])
        valid = nonzero_den & nonzero_num
        scores[valid] = 1.0 - numerator[valid] / denominator[valid]
        scores[nonzero_num & ~nonzero_den] = 0.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1.0 - numerator / denominator
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return scores
        if multioutput == "variance_weighted":
            # All outputs constant: the weights are all zero, and all equal, so the mean is uniform.
            multioutput = denominator if np.any(nonzero_den) else None
        else:
            multioutput = None
    return float(weighted_mean(scores, multioutput))
