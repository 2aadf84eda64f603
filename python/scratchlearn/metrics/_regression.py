"""Regression metrics: errors (absolute, squared, logarithmic, percentage, median, max) and the
explained fractions (R², explained variance)."""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import UndefinedMetricWarning
from ..utils._param_validation import StrOptions, validate_parameter_constraints
from ..utils.validation import check_array
from ._base import check_consistent_length, check_metric_weights, weighted_mean

__all__ = ["r2_score", "mean_squared_error", "root_mean_squared_error", "mean_absolute_error",
           "median_absolute_error", "mean_absolute_percentage_error", "max_error",
           "mean_squared_log_error", "root_mean_squared_log_error", "explained_variance_score"]


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


def _combine(errors, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return errors
        multioutput = None
    return float(weighted_mean(errors, multioutput))


def _validated(name, y_true, y_pred, sample_weight, multioutput, constraints=None):
    validate_parameter_constraints(
        constraints or _MSE_CONSTRAINTS,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
         "multioutput": multioutput},
        caller_name=name,
    )
    return _check_reg_targets(y_true, y_pred, sample_weight, multioutput)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute error: the (weighted) mean of |y_true - y_pred| per output, then combined as
    ``multioutput`` says (see mean_squared_error)."""
    y_true, y_pred, w, multioutput = _validated("mean_absolute_error", y_true, y_pred,
                                                sample_weight, multioutput)
    return _combine(weighted_mean(np.abs(y_pred - y_true), w, axis=0), multioutput)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """The square root of the mean squared error, per output, then combined."""
    y_true, y_pred, w, multioutput = _validated("root_mean_squared_error", y_true, y_pred,
                                                sample_weight, multioutput)
    return _combine(np.sqrt(weighted_mean((y_true - y_pred) ** 2, w, axis=0)), multioutput)


def _check_log_targets(y_true, y_pred, name):
    if np.any(y_true <= -1) or np.any(y_pred <= -1):
        raise ValueError(f"{name} cannot be used when targets contain values less than or equal "
                         "to -1.")


def mean_squared_log_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error of log1p(y_true) and log1p(y_pred) (targets > -1)."""
    y_true, y_pred, w, multioutput = _validated("mean_squared_log_error", y_true, y_pred,
                                                sample_weight, multioutput)
    _check_log_targets(y_true, y_pred, "Mean Squared Logarithmic Error")
    err = (np.log1p(y_true) - np.log1p(y_pred)) ** 2
    return _combine(weighted_mean(err, w, axis=0), multioutput)


def root_mean_squared_log_error(y_true, y_pred, *, sample_weight=None,
                                multioutput="uniform_average"):
    """The square root of mean_squared_log_error, per output, then combined."""
    y_true, y_pred, w, multioutput = _validated("root_mean_squared_log_error", y_true, y_pred,
                                                sample_weight, multioutput)
    _check_log_targets(y_true, y_pred, "Root Mean Squared Logarithmic Error")
    err = (np.log1p(y_true) - np.log1p(y_pred)) ** 2
    return _combine(np.sqrt(weighted_mean(err, w, axis=0)), multioutput)


def mean_absolute_percentage_error(y_true, y_pred, *, sample_weight=None,
                                   multioutput="uniform_average"):
    """Mean of |y_true - y_pred| / max(|y_true|, eps) (a fraction, not a percent)."""
    y_true, y_pred, w, multioutput = _validated("mean_absolute_percentage_error", y_true, y_pred,
                                                sample_weight, multioutput)
    eps = np.finfo(np.float64).eps
    mape = np.abs(y_pred - y_true) / np.maximum(np.abs(y_true), eps)
    return _combine(weighted_mean(mape, w, axis=0), multioutput)


def _weighted_median(values, weights):
    """Per column, the weighted median: the smallest value whose cumulated weight reaches half
    the total, averaged with the next (weighted) value when it lands exactly on the half."""
    out = np.empty(values.shape[1])
    for c in range(values.shape[1]):
        order = np.argsort(values[:, c], kind="stable")
        v, wt = values[order, c], weights[order]
        cdf = np.cumsum(wt)
        if cdf[-1] == 0:
            out[c] = np.nan
            continue
        half = 0.5 * cdf[-1]
        if half == 0:
            half = np.nextafter(half, half + 1)
        i = min(int(np.searchsorted(cdf, half)), len(v) - 1)
        if cdf[i] - half > np.finfo(np.float64).eps:
            out[c] = v[i]
            continue
        j = min(i + 1, len(v) - 1)
        if wt[j] == 0:
            nxt = int(np.searchsorted(cdf, cdf[i], side="right"))
            j = i if nxt > len(v) - 1 else nxt
        out[c] = (v[i] + v[j]) / 2
    return out


def median_absolute_error(y_true, y_pred, *, multioutput="uniform_average", sample_weight=None):
    """The (weighted) median of |y_true - y_pred| per output, then combined."""
    y_true, y_pred, w, multioutput = _validated("median_absolute_error", y_true, y_pred,
                                                sample_weight, multioutput)
    err = np.abs(y_pred - y_true)
    errors = np.median(err, axis=0) if w is None else _weighted_median(err, w)
    return _combine(errors, multioutput)


def max_error(y_true, y_pred):
    """The largest absolute residual (single output only)."""
    validate_parameter_constraints({"y_true": ["array-like"], "y_pred": ["array-like"]},
                                   {"y_true": y_true, "y_pred": y_pred}, caller_name="max_error")
    y_true, y_pred, _, _ = _check_reg_targets(y_true, y_pred, None, None)
    if y_true.shape[1] > 1:
        raise ValueError("Multioutput not supported in max_error")
    return float(np.max(np.abs(y_true - y_pred)))


def _explained_fraction(numerator, denominator, multioutput, force_finite):
    nonzero_den = denominator != 0
    if force_finite:
        nonzero_num = numerator != 0
        scores = np.ones(numerator.shape[0])
        valid = nonzero_den & nonzero_num
        scores[valid] = 1.0 - numerator[valid] / denominator[valid]
        scores[nonzero_num & ~nonzero_den] = 0.0
    else:
        scores = 1.0 - numerator / denominator
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return scores
        if multioutput == "variance_weighted":
            multioutput = denominator if np.any(nonzero_den) else None
        else:
            multioutput = None
    return float(weighted_mean(scores, multioutput))


def explained_variance_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
                             force_finite=True):
    """1 - Var(y_true - y_pred) / Var(y_true), per output, then combined (as r2_score; the
    residuals' mean is not counted as error)."""
    validate_parameter_constraints(
        _R2_CONSTRAINTS,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
         "multioutput": multioutput, "force_finite": force_finite},
        caller_name="explained_variance_score",
    )
    y_true, y_pred, w, multioutput = _check_reg_targets(y_true, y_pred, sample_weight,
                                                        multioutput)
    diff = y_true - y_pred
    numerator = weighted_mean((diff - weighted_mean(diff, w, axis=0)) ** 2, w, axis=0)
    denominator = weighted_mean((y_true - weighted_mean(y_true, w, axis=0)) ** 2, w, axis=0)
    return _explained_fraction(numerator, denominator, multioutput, force_finite)
