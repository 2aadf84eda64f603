"""Regression metrics: errors (absolute, squared, logarithmic, percentage, median, max) and the
explained fractions (R², explained variance)."""

from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np

from ..exceptions import UndefinedMetricWarning
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.validation import check_array
from ._base import check_consistent_length, check_metric_weights, weighted_mean

__all__ = ["r2_score", "mean_squared_error", "root_mean_squared_error", "mean_absolute_error",
           "median_absolute_error", "mean_absolute_percentage_error", "max_error",
           "mean_squared_log_error", "root_mean_squared_log_error", "explained_variance_score",
           "mean_tweedie_deviance", "mean_poisson_deviance", "mean_gamma_deviance",
           "mean_pinball_loss", "d2_tweedie_score", "d2_pinball_score",
           "d2_absolute_error_score"]


def _result_dtype(*arrays):
    """The floating type of a metric's per-output results, as scikit-learn picks it: the common
    type of the floating inputs (float32 targets and weights give float32), float64 when none
    is floating (ints, bools, lists of ints)."""
    kinds = [np.dtype(a.dtype) for a in arrays
             if a is not None and isinstance(getattr(a, "dtype", None), np.dtype)
             and a.dtype.kind == "f"]
    return np.result_type(*kinds) if kinds else np.dtype(np.float64)


def _per_output_dtype(metric=None, *, weights_count=True):
    """Per-output results ('raw_values') in the inputs' floating type: float32 targets give a
    float32 array, as scikit-learn's do (the sums themselves run in float64, so they are the
    float32 rounding of the exact value). Single numbers stay Python floats. With
    ``weights_count=False`` the type is numpy's promotion of the two targets' types (scikit-learn's
    median takes the median of their difference: int64 and float32 make float64)."""
    if metric is None:
        return functools.partial(_per_output_dtype, weights_count=weights_count)

    @functools.wraps(metric)
    def wrapped(y_true, y_pred, *args, **kwargs):
        out = metric(y_true, y_pred, *args, **kwargs)
        if isinstance(out, np.ndarray):
            if weights_count:
                dtype = _result_dtype(y_true, y_pred, kwargs.get("sample_weight"))
            else:
                dtype = np.result_type(*[getattr(a, "dtype", np.float64) for a in (y_true, y_pred)])
            if dtype == np.float32:
                out = out.astype(np.float32)
        return out

    return wrapped


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


@_per_output_dtype
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


@_per_output_dtype
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


@_per_output_dtype
def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute error: the (weighted) mean of |y_true - y_pred| per output, then combined as
    ``multioutput`` says (see mean_squared_error)."""
    y_true, y_pred, w, multioutput = _validated("mean_absolute_error", y_true, y_pred,
                                                sample_weight, multioutput)
    return _combine(weighted_mean(np.abs(y_pred - y_true), w, axis=0), multioutput)


@_per_output_dtype
def root_mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """The square root of the mean squared error, per output, then combined."""
    y_true, y_pred, w, multioutput = _validated("root_mean_squared_error", y_true, y_pred,
                                                sample_weight, multioutput)
    return _combine(np.sqrt(weighted_mean((y_true - y_pred) ** 2, w, axis=0)), multioutput)


def _check_log_targets(y_true, y_pred, name):
    if np.any(y_true <= -1) or np.any(y_pred <= -1):
        raise ValueError(f"{name} cannot be used when targets contain values less than or equal "
                         "to -1.")


@_per_output_dtype
def mean_squared_log_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error of log1p(y_true) and log1p(y_pred) (targets > -1)."""
    y_true, y_pred, w, multioutput = _validated("mean_squared_log_error", y_true, y_pred,
                                                sample_weight, multioutput)
    _check_log_targets(y_true, y_pred, "Mean Squared Logarithmic Error")
    err = (np.log1p(y_true) - np.log1p(y_pred)) ** 2
    return _combine(weighted_mean(err, w, axis=0), multioutput)


@_per_output_dtype
def root_mean_squared_log_error(y_true, y_pred, *, sample_weight=None,
                                multioutput="uniform_average"):
    """The square root of mean_squared_log_error, per output, then combined."""
    y_true, y_pred, w, multioutput = _validated("root_mean_squared_log_error", y_true, y_pred,
                                                sample_weight, multioutput)
    _check_log_targets(y_true, y_pred, "Root Mean Squared Logarithmic Error")
    err = (np.log1p(y_true) - np.log1p(y_pred)) ** 2
    return _combine(np.sqrt(weighted_mean(err, w, axis=0)), multioutput)


@_per_output_dtype
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


@_per_output_dtype(weights_count=False)
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


# as r2_score's, but without None for multioutput (scikit-learn's explained_variance_score
# rejects it)
_EV_CONSTRAINTS = {**_R2_CONSTRAINTS, "multioutput": [
    StrOptions({"raw_values", "uniform_average", "variance_weighted"}), "array-like"]}


@_per_output_dtype
def explained_variance_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
                             force_finite=True):
    """1 - Var(y_true - y_pred) / Var(y_true), per output, then combined (as r2_score; the
    residuals' mean is not counted as error)."""
    validate_parameter_constraints(
        _EV_CONSTRAINTS,
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


# ---- deviances and quantile losses ------------------------------------------------------------

_TWEEDIE_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
    "power": [Interval(numbers.Real, None, 0, closed="right"),
              Interval(numbers.Real, 1, None, closed="left")],
}


def _single_output(name, y_true, y_pred, sample_weight):
    y_true, y_pred, w, _ = _check_reg_targets(y_true, y_pred, sample_weight, None)
    if y_true.shape[1] != 1:
        raise ValueError(f"Multioutput not supported in {name}")
    return y_true[:, 0], y_pred[:, 0], w


def _tweedie_deviance(y_true, y_pred, w, power):
    """The weighted mean unit deviance of the Tweedie distribution with the given power."""
    p = float(power)
    if p < 0:
        dev = 2 * (np.maximum(y_true, 0) ** (2 - p) / ((1 - p) * (2 - p))
                   - y_true * y_pred ** (1 - p) / (1 - p) + y_pred ** (2 - p) / (2 - p))
    elif p == 0:
        dev = (y_true - y_pred) ** 2
    elif p == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            ylogy = np.where(y_true == 0, 0.0, y_true * np.log(y_true / y_pred))
        dev = 2 * (ylogy - y_true + y_pred)
    elif p == 2:
        dev = 2 * (np.log(y_pred / y_true) + y_true / y_pred - 1)
    else:
        dev = 2 * (y_true ** (2 - p) / ((1 - p) * (2 - p))
                   - y_true * y_pred ** (1 - p) / (1 - p) + y_pred ** (2 - p) / (2 - p))
    return float(np.average(dev, weights=w))


def _check_tweedie_domain(y_true, y_pred, power):
    message = f"Mean Tweedie deviance error with power={power} can only be used on "
    if power < 0:
        if np.any(y_pred <= 0):
            raise ValueError(message + "strictly positive y_pred.")
    elif 1 <= power < 2:
        if np.any(y_true < 0) or np.any(y_pred <= 0):
            raise ValueError(message + "non-negative y and strictly positive y_pred.")
    elif power >= 2:
        if np.any(y_true <= 0) or np.any(y_pred <= 0):
            raise ValueError(message + "strictly positive y and y_pred.")


def mean_tweedie_deviance(y_true, y_pred, *, sample_weight=None, power=0):
    """The mean Tweedie deviance with the given ``power``: 0 the squared error, 1 Poisson,
    2 Gamma, in (1, 2) compound Poisson-Gamma, 3 inverse Gaussian; powers in (0, 1) do not exist.

    Unit deviance, for p not 0, 1, 2:
    2 (max(y, 0)^(2-p) / ((1-p)(2-p)) − y ŷ^(1-p) / (1-p) + ŷ^(2-p) / (2-p)).
    Single output only.
    """
    validate_parameter_constraints(
        _TWEEDIE_CONSTRAINTS, {"y_true": y_true, "y_pred": y_pred,
                               "sample_weight": sample_weight, "power": power},
        caller_name="mean_tweedie_deviance")
    y_true, y_pred, w = _single_output("mean_tweedie_deviance", y_true, y_pred, sample_weight)
    _check_tweedie_domain(y_true, y_pred, power)
    return _tweedie_deviance(y_true, y_pred, w, power)


def mean_poisson_deviance(y_true, y_pred, *, sample_weight=None):
    """The mean Tweedie deviance with power 1: 2 (y log(y / ŷ) − y + ŷ) (y >= 0, ŷ > 0)."""
    validate_parameter_constraints(
        {"y_true": ["array-like"], "y_pred": ["array-like"], "sample_weight": ["array-like", None]},
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight},
        caller_name="mean_poisson_deviance")
    return mean_tweedie_deviance(y_true, y_pred, sample_weight=sample_weight, power=1)


def mean_gamma_deviance(y_true, y_pred, *, sample_weight=None):
    """The mean Tweedie deviance with power 2: 2 (log(ŷ / y) + y / ŷ − 1) (y, ŷ > 0)."""
    validate_parameter_constraints(
        {"y_true": ["array-like"], "y_pred": ["array-like"], "sample_weight": ["array-like", None]},
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight},
        caller_name="mean_gamma_deviance")
    return mean_tweedie_deviance(y_true, y_pred, sample_weight=sample_weight, power=2)


def _d2_too_few(n):
    if n < 2:
        warnings.warn("D^2 score is not well-defined with less than two samples.",
                      UndefinedMetricWarning)
        return True
    return False


def d2_tweedie_score(y_true, y_pred, *, sample_weight=None, power=0):
    """D² of the Tweedie deviance: 1 − deviance(y, ŷ) / deviance(y, weighted mean of y) (power 0
    gives R²). Single output only; NaN with a warning for fewer than two samples."""
    validate_parameter_constraints(
        _TWEEDIE_CONSTRAINTS, {"y_true": y_true, "y_pred": y_pred,
                               "sample_weight": sample_weight, "power": power},
        caller_name="d2_tweedie_score")
    y_true, y_pred, w = _single_output("d2_tweedie_score", y_true, y_pred, sample_weight)
    if _d2_too_few(y_pred.shape[0]):
        return float("nan")
    _check_tweedie_domain(y_true, y_pred, power)
    numerator = _tweedie_deviance(y_true, y_pred, w, power)
    mean = np.average(y_true, weights=w)
    denominator = _tweedie_deviance(y_true, np.full_like(y_true, mean), w, power)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(1 - np.float64(numerator) / np.float64(denominator))


_PINBALL_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
    "alpha": [Interval(numbers.Real, 0, 1, closed="both")],
    "multioutput": [StrOptions({"raw_values", "uniform_average"}), "array-like"],
}


def _pinball(y_true, y_pred, w, alpha):
    diff = y_true - y_pred
    loss = np.where(diff >= 0, alpha * diff, (alpha - 1) * diff)
    return np.average(loss, weights=w, axis=0)


@_per_output_dtype
def mean_pinball_loss(y_true, y_pred, *, sample_weight=None, alpha=0.5,
                      multioutput="uniform_average"):
    """The mean pinball (quantile) loss: α (y − ŷ) where y >= ŷ, (1 − α)(ŷ − y) elsewhere, per
    output, then combined as ``multioutput`` says. alpha = 0.5 gives half the absolute error."""
    validate_parameter_constraints(
        _PINBALL_CONSTRAINTS, {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
                               "alpha": alpha, "multioutput": multioutput},
        caller_name="mean_pinball_loss")
    y_true, y_pred, w, multioutput = _check_reg_targets(y_true, y_pred, sample_weight,
                                                        multioutput)
    return _combine(_pinball(y_true, y_pred, w, alpha), multioutput)


def _weighted_quantile(values, weights, q):
    """Per column, the weighted quantile q (in [0, 1]) of the inverted-CDF kind: the smallest
    value whose cumulated weight reaches q of the total, averaged with the next value of nonzero
    weight when the cumulated weight lands exactly on it (weights None: all ones)."""
    if weights is None:
        weights = np.ones(values.shape[0])
    out = np.empty(values.shape[1])
    eps = np.finfo(np.float64).eps
    for c in range(values.shape[1]):
        order = np.argsort(values[:, c])
        v, wt = values[order, c], weights[order]
        cdf = np.cumsum(wt)
        target = q * cdf[-1]
        if target == 0:
            target = np.nextafter(target, target + 1)
        last = len(v) - 1
        i = min(int(np.searchsorted(cdf, target)), last)
        if cdf[i] - target > eps:
            out[c] = v[i]
            continue
        j = min(i + 1, last)
        if wt[j] == 0:
            nxt = int(np.searchsorted(cdf, cdf[i], side="right"))
            j = i if nxt > last else nxt
        out[c] = (v[i] + v[j]) / 2
    return out


@_per_output_dtype
def d2_pinball_score(y_true, y_pred, *, sample_weight=None, alpha=0.5,
                     multioutput="uniform_average"):
    """D² of the pinball loss: 1 − loss(y, ŷ) / loss(y, the weighted α-quantile of y), per
    output (1.0 for a perfect prediction, 0.0 for a nonzero loss over a zero baseline), then
    combined as ``multioutput`` says."""
    validate_parameter_constraints(
        _PINBALL_CONSTRAINTS, {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
                               "alpha": alpha, "multioutput": multioutput},
        caller_name="d2_pinball_score")
    y_true, y_pred, w, multioutput = _check_reg_targets(y_true, y_pred, sample_weight,
                                                        multioutput)
    if _d2_too_few(y_pred.shape[0]):
        return float("nan")
    numerator = _pinball(y_true, y_pred, w, alpha)
    quantile = _weighted_quantile(y_true, w, alpha)
    denominator = _pinball(y_true, np.broadcast_to(quantile, y_true.shape), w, alpha)
    nonzero_num, nonzero_den = numerator != 0, denominator != 0
    scores = np.ones(y_true.shape[1])
    valid = nonzero_num & nonzero_den
    scores[valid] = 1 - numerator[valid] / denominator[valid]
    scores[nonzero_num & ~nonzero_den] = 0.0
    return _combine(scores, multioutput)


@_per_output_dtype
def d2_absolute_error_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """D² of the absolute error: d2_pinball_score with alpha = 0.5 (the median baseline)."""
    validate_parameter_constraints(
        _MSE_CONSTRAINTS, {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight,
                           "multioutput": multioutput},
        caller_name="d2_absolute_error_score")
    return d2_pinball_score(y_true, y_pred, sample_weight=sample_weight, alpha=0.5,
                            multioutput=multioutput)
