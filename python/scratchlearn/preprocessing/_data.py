"""Scalers and normalisers: StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler, Normalizer,
Binarizer, and the functions scale, minmax_scale, maxabs_scale, robust_scale, normalize, binarize.

How it works
------------
Statistics come from one pass of the core over X (cpp/src/preprocessing/preprocessing.cpp):

* ``column_moments``: rows are cut into blocks of 512; each block's weighted sums Σw, Σw(x − s),
  Σw(x − s)² are taken in double around a shift s (the block's first present value per column), so
  no digits cancel, giving the block's count, mean and M2 = Σw(x − mean)²; the blocks are merged in
  block order by Chan's pairwise update (n = nₐ + n_b, δ = μ_b − μₐ, μ = μₐ + δ·n_b/n,
  M2 = M2ₐ + M2_b + δ²·nₐn_b/n). O(n·d) reads, one pass; the answer does not depend on the thread
  count. ``partial_fit`` merges the batches the same way.
* ``column_minmax``: NaN-ignoring per-column extremes, one pass.
* ``column_quantiles`` (RobustScaler): a group of 8 columns per thread is gathered row by row (one
  cache line a row), NaN skipped, and the order statistics found by selection (``nth_element``,
  O(n) per quantile), interpolated as numpy's default "linear" rule.
* ``column_affine``: (x − a) / b or x·a + b written straight into the output (or into X with
  ``copy=False``), rounded step by step as numpy's in-place operations round; it reports an
  infinite input, so no separate finiteness pass is needed. NaN passes through as in
  scikit-learn (treated as missing in fit, kept in transform).

float32 input stays float32 (the statistics are kept in float64 where scikit-learn keeps them so).
Deviations from scikit-learn: sparse input is not supported (a TypeError says so).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _core
from ..base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from ..utils._param_validation import Interval, Options, StrOptions
from ..utils.validation import check_array, check_is_fitted, check_sample_weight, validate_data
from ..utils.parallel import n_threads as _threads

__all__ = [
    "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer", "Binarizer",
    "scale", "minmax_scale", "maxabs_scale", "robust_scale", "normalize", "binarize",
]

FLOAT_DTYPES = (np.float64, np.float32)


def _check_inf(flag, X, name="X"):
    if flag:
        raise ValueError(f"Input {name} contains infinity or a value too large for {X.dtype!r}.")


def _validate(est, X, *, reset, copy=False):
    """X as a C-contiguous float array, NaN allowed (treated as missing), infinity refused by the
    core's pass itself."""
    X = validate_data(est, X, reset=reset, dtype=FLOAT_DTYPES, ensure_all_finite=False, copy=copy)
    return X


def _handle_zeros_in_scale(scale, copy=True, constant_mask=None):
    """Scales of (near) zero replaced by 1 so that constant features are left unchanged."""
    if np.isscalar(scale):
        return 1.0 if scale == 0.0 else scale
    if copy:
        scale = scale.copy()
    if constant_mask is None:
        constant_mask = scale < 10 * np.finfo(scale.dtype).eps
    scale[constant_mask] = 1.0
    return scale


def _is_constant_feature(var, mean, n_samples):
    """Features whose variance is within rounding of zero (the bound of the one-pass algorithm)."""
    eps = np.finfo(np.float64).eps
    upper = n_samples * eps * var + (n_samples * mean * eps) ** 2
    return var <= upper


def _affine(X, a, b, mode, *, inplace, clip=None):
    lo, hi = (0.0, 0.0) if clip is None else (float(clip[0]), float(clip[1]))
    a = None if a is None else np.ascontiguousarray(a, dtype=np.float64)
    b = None if b is None else np.ascontiguousarray(b, dtype=np.float64)
    out, inf = _core.preprocessing.affine(X, a, b, mode, clip is not None, lo, hi, inplace, _threads(None))
    _check_inf(inf, X)
    return out


def _not_sparse(X, name):
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):
        raise TypeError(
            f"Sparse data was passed for X, but dense data is required by {name}. "
            "Use '.toarray()' to convert to a dense numpy array."
        )


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise features by removing the mean and scaling to unit variance: z = (x − u) / s.

    Parameters, attributes and behaviour are scikit-learn's (``mean_``, ``var_``, ``scale_``,
    ``n_samples_seen_``; NaN ignored in fit and kept in transform; ``partial_fit`` for streams).

    How it works: one pass of ``column_moments`` (cpp/src/preprocessing/preprocessing.cpp) gives
    the weighted counts, means and centred sums of squares by blocks merged in a fixed order;
    ``column_affine`` writes (x − mean) / scale into the output. See the module docstring.
    """

    _parameter_constraints = {"copy": ["boolean"], "with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def _reset(self):
        for a in ("scale_", "n_samples_seen_", "mean_", "var_"):
            if hasattr(self, a):
                delattr(self, a)

    def fit(self, X, y=None, sample_weight=None):
        self._reset()
        return self.partial_fit(X, y, sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        _not_sparse(X, type(self).__name__)
        first = not hasattr(self, "n_samples_seen_")
        X = _validate(self, X, reset=first)
        n, d = X.shape
        sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, X, dtype=X.dtype)
        count_dtype = np.int64 if sw is None else X.dtype
        if first:
            seen = np.zeros(d, dtype=count_dtype)
            mean0 = np.zeros(d)
            var0 = np.zeros(d) if self.with_std else None
        else:
            seen = np.broadcast_to(self.n_samples_seen_, (d,)).astype(count_dtype)
            mean0 = np.zeros(d) if self.mean_ is None else np.asarray(self.mean_, dtype=np.float64)
            var0 = None if self.var_ is None else np.asarray(self.var_, dtype=np.float64)
        if not self.with_mean and not self.with_std:
            self.mean_ = None
            self.var_ = None
            if n * d and not np.isfinite(X).all() and np.isinf(X).any():
                _check_inf(True, X)
            seen = seen + (n - np.isnan(X).sum(axis=0)).astype(count_dtype)
        else:
            count, mean, m2, inf = _core.preprocessing.moments(X, sw, None, self._n_threads())
            _check_inf(inf, X)
            n0 = seen.astype(np.float64)
            total = n0 + count
            with np.errstate(divide="ignore", invalid="ignore"):
                if first:
                    new_mean = mean
                    new_var = m2 / count if var0 is not None else None
                else:
                    delta = mean - mean0
                    merged = mean0 + delta * (count / total)
                    new_mean = np.where(count == 0, mean0, np.where(n0 == 0, mean, merged))
                    if var0 is not None:
                        m2_old = var0 * n0
                        m2_new = m2_old + m2 + delta * delta * (n0 * count / total)
                        m2_all = np.where(count == 0, m2_old, np.where(n0 == 0, m2, m2_new))
                        new_var = np.where(count == 0, var0, m2_all / total)
                    else:
                        new_var = None
            self.mean_ = new_mean
            self.var_ = new_var if self.with_std else None
            seen = seen + count.astype(count_dtype)
        if np.ptp(seen) == 0:
            seen = seen[0]
        self.n_samples_seen_ = seen
        if self.with_std:
            constant = _is_constant_feature(self.var_, self.mean_, self.n_samples_seen_)
            self.scale_ = _handle_zeros_in_scale(np.sqrt(self.var_), copy=False, constant_mask=constant)
        else:
            self.scale_ = None
        return self

    def transform(self, X, copy=None):
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        _not_sparse(X, type(self).__name__)
        X = _validate(self, X, reset=False)
        return _affine(X, self.mean_ if self.with_mean else None,
                       self.scale_ if self.with_std else None, 0, inplace=not copy)

    def inverse_transform(self, X, copy=None):
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        _not_sparse(X, type(self).__name__)
        X = check_array(X, dtype=FLOAT_DTYPES, ensure_all_finite=False)
        return _affine(X, self.scale_ if self.with_std else None,
                       self.mean_ if self.with_mean else None, 1, inplace=not copy)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class MinMaxScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each feature to ``feature_range``: x·scale_ + min_, scale_ = range / (max − min).

    How it works: ``column_minmax`` (one NaN-ignoring pass) then ``column_affine`` (x·a + b,
    clipped when ``clip``) in cpp/src/preprocessing/preprocessing.cpp.
    """

    _parameter_constraints = {"feature_range": [tuple], "copy": ["boolean"], "clip": ["boolean"]}

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def _reset(self):
        for a in ("scale_", "min_", "n_samples_seen_", "data_min_", "data_max_", "data_range_"):
            if hasattr(self, a):
                delattr(self, a)

    def fit(self, X, y=None):
        self._reset()
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        self._validate_params()
        fr = self.feature_range
        if len(fr) != 2 or fr[0] >= fr[1]:
            raise ValueError(
                f"Minimum of desired feature range must be smaller than maximum. Got {fr!s}."
            )
        _not_sparse(X, type(self).__name__)
        first = not hasattr(self, "n_samples_seen_")
        X = _validate(self, X, reset=first)
        mn, mx, _, inf = _core.preprocessing.minmax(X, self._n_threads())
        _check_inf(inf, X)
        mn = mn.astype(X.dtype)
        mx = mx.astype(X.dtype)
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            mn = np.minimum(self.data_min_, mn)
            mx = np.maximum(self.data_max_, mx)
            self.n_samples_seen_ += X.shape[0]
        rng = mx - mn
        self.scale_ = (fr[1] - fr[0]) / _handle_zeros_in_scale(rng, copy=True)
        self.min_ = fr[0] - mn * self.scale_
        self.data_min_ = mn
        self.data_max_ = mx
        self.data_range_ = rng
        return self

    def transform(self, X):
        check_is_fitted(self)
        _not_sparse(X, type(self).__name__)
        X = _validate(self, X, reset=False)
        clip = self.feature_range if self.clip else None
        return _affine(X, self.scale_, self.min_, 1, inplace=not self.copy, clip=clip)

    def inverse_transform(self, X):
        check_is_fitted(self)
        _not_sparse(X, type(self).__name__)
        X = check_array(X, dtype=FLOAT_DTYPES, ensure_all_finite=False, copy=self.copy)
        X -= self.min_
        X /= self.scale_
        return X

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class MaxAbsScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each feature by its maximum absolute value (x / max|x|).

    How it works: ``column_minmax`` gives max|x| = max(|min|, |max|); ``column_affine`` divides.
    """

    _parameter_constraints = {"copy": ["boolean"]}

    def __init__(self, *, copy=True):
        self.copy = copy

    def _reset(self):
        for a in ("scale_", "n_samples_seen_", "max_abs_"):
            if hasattr(self, a):
                delattr(self, a)

    def fit(self, X, y=None):
        self._reset()
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        self._validate_params()
        _not_sparse(X, type(self).__name__)
        first = not hasattr(self, "n_samples_seen_")
        X = _validate(self, X, reset=first)
        mn, mx, _, inf = _core.preprocessing.minmax(X, self._n_threads())
        _check_inf(inf, X)
        max_abs = np.fmax(np.abs(mn), np.abs(mx)).astype(X.dtype)
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            max_abs = np.maximum(self.max_abs_, max_abs)
            self.n_samples_seen_ += X.shape[0]
        self.max_abs_ = max_abs
        self.scale_ = _handle_zeros_in_scale(max_abs, copy=True)
        return self

    def transform(self, X):
        check_is_fitted(self)
        _not_sparse(X, type(self).__name__)
        X = _validate(self, X, reset=False)
        return _affine(X, None, self.scale_, 0, inplace=not self.copy)

    def inverse_transform(self, X):
        check_is_fitted(self)
        _not_sparse(X, type(self).__name__)
        X = check_array(X, dtype=FLOAT_DTYPES, ensure_all_finite=False)
        return _affine(X, self.scale_, None, 1, inplace=not self.copy)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _norm_ppf(p):
    """The standard normal quantile function (Acklam's rational approximation refined by two
    Newton steps on the exact CDF via erfc; accurate to double precision)."""
    a = [-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00]
    b = [-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00]
    dd = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00]
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    lo = 0.02425
    if p < lo:
        q = math.sqrt(-2 * math.log(p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1)
    elif p <= 1 - lo:
        q = p - 0.5
        r = q * q
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    else:
        q = math.sqrt(-2 * math.log(1 - p))
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1)
    for _ in range(2):
        e = 0.5 * math.erfc(-x / math.sqrt(2)) - p
        x -= e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
    return x


class RobustScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale features with statistics robust to outliers: (x − median) / (q_max − q_min).

    How it works: ``column_quantiles`` (cpp/src/preprocessing/preprocessing.cpp) selects the
    median and the two quantiles of every column (NaN ignored) by ``nth_element`` on a gathered
    copy of the column, O(n) per quantile, columns in parallel; ``column_affine`` applies them.
    ``unit_variance`` divides by the normal distribution's inter-quantile range (its quantile
    function computed here, no scipy).
    """

    _parameter_constraints = {
        "with_centering": ["boolean"],
        "with_scaling": ["boolean"],
        "quantile_range": [tuple],
        "copy": ["boolean"],
        "unit_variance": ["boolean"],
    }

    def __init__(self, *, with_centering=True, with_scaling=True, quantile_range=(25.0, 75.0),
                 copy=True, unit_variance=False):
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range
        self.copy = copy
        self.unit_variance = unit_variance

    def fit(self, X, y=None):
        self._validate_params()
        _not_sparse(X, type(self).__name__)
        X = _validate(self, X, reset=True)
        q_min, q_max = self.quantile_range
        if not 0 <= q_min <= q_max <= 100:
            raise ValueError(f"Invalid quantile range: {self.quantile_range!s}")
        nt = self._n_threads()
        if n_inf := (X.size and np.isinf(X).any()):
            _check_inf(n_inf, X)
        if self.with_centering:
            self.center_ = _core.preprocessing.quantiles(X, np.array([0.5]), None, True, nt)[0].astype(X.dtype)
        else:
            self.center_ = None
        if self.with_scaling:
            qs = _core.preprocessing.quantiles(X, np.array([q_min / 100.0, q_max / 100.0]), None, False, nt)
            scale = qs[1] - qs[0]
            self.scale_ = _handle_zeros_in_scale(scale, copy=False)
            if self.unit_variance:
                adjust = _norm_ppf(q_max / 100.0) - _norm_ppf(q_min / 100.0)
                self.scale_ = self.scale_ / adjust
        else:
            self.scale_ = None
        return self

    def transform(self, X):
        check_is_fitted(self)
        _not_sparse(X, type(self).__name__)
        X = _validate(self, X, reset=False)
        return _affine(X, self.center_, self.scale_, 0, inplace=not self.copy)

    def inverse_transform(self, X):
        check_is_fitted(self)
        _not_sparse(X, type(self).__name__)
        X = check_array(X, dtype=FLOAT_DTYPES, ensure_all_finite=False)
        return _affine(X, self.scale_, self.center_, 1, inplace=not self.copy)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _row_norms(X, norm):
    if norm == "l1":
        return np.abs(X).sum(axis=1)
    if norm == "l2":
        return np.sqrt(np.einsum("ij,ij->i", X, X))
    return np.max(np.abs(X), axis=1) if X.shape[1] else np.zeros(X.shape[0], X.dtype)


def normalize(X, norm="l2", *, axis=1, copy=True, return_norm=False):
    """Scale each sample (axis=1) or feature (axis=0) to unit norm ('l1', 'l2' or 'max')."""
    if norm not in ("l1", "l2", "max"):
        raise ValueError(f"'{norm}' is not a supported norm")
    if axis not in (0, 1):
        raise ValueError(f"'{axis}' is not a supported axis")
    X = check_array(X, dtype=FLOAT_DTYPES, copy=copy)
    if axis == 0:
        X = X.T
    norms = _row_norms(X, norm)
    norms_safe = _handle_zeros_in_scale(norms, copy=False)
    X /= norms_safe[:, np.newaxis]
    if axis == 0:
        X = X.T
    return (X, norms) if return_norm else X


class Normalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each sample to unit norm ('l1', 'l2' or 'max'). Stateless."""

    _parameter_constraints = {"norm": [StrOptions({"l1", "l2", "max"})], "copy": ["boolean"]}

    def __init__(self, norm="l2", *, copy=True):
        self.norm = norm
        self.copy = copy

    def fit(self, X, y=None):
        self._validate_params()
        _not_sparse(X, type(self).__name__)
        validate_data(self, X, dtype=FLOAT_DTYPES)
        return self

    def transform(self, X, copy=None):
        copy = copy if copy is not None else self.copy
        _not_sparse(X, type(self).__name__)
        X = validate_data(self, X, reset=False, dtype=FLOAT_DTYPES)
        return normalize(X, norm=self.norm, axis=1, copy=copy)

    def __sklearn_is_fitted__(self):
        return True

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def binarize(X, *, threshold=0.0, copy=True):
    """1 where X > threshold, else 0 (in X's dtype)."""
    X = check_array(X, dtype=None if np.asarray(X).dtype.kind in "fiub" else "numeric", copy=copy)
    out = (X > threshold).astype(X.dtype)
    if not copy:
        X[...] = out
        return X
    return out


class Binarizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Binarise data by a threshold: 1 where x > threshold, else 0. Stateless."""

    _parameter_constraints = {"threshold": [numbers.Real], "copy": ["boolean"]}

    def __init__(self, *, threshold=0.0, copy=True):
        self.threshold = threshold
        self.copy = copy

    def fit(self, X, y=None):
        self._validate_params()
        _not_sparse(X, type(self).__name__)
        validate_data(self, X)
        return self

    def transform(self, X, copy=None):
        copy = copy if copy is not None else self.copy
        _not_sparse(X, type(self).__name__)
        X = validate_data(self, X, reset=False, copy=copy)
        return binarize(X, threshold=self.threshold, copy=False)

    def __sklearn_is_fitted__(self):
        return True

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _along_axis(est, X, axis, copy):
    X = check_array(X, dtype=FLOAT_DTYPES, ensure_all_finite=False, ensure_2d=False, copy=copy)
    original_ndim = X.ndim
    if original_ndim == 1:
        X = X.reshape(-1, 1)
    if axis == 0:
        out = est.fit_transform(X)
    else:
        out = est.fit_transform(X.T).T
    return out.ravel() if original_ndim == 1 else out


def scale(X, *, axis=0, with_mean=True, with_std=True, copy=True):
    """Standardise along an axis (StandardScaler as a function)."""
    return _along_axis(StandardScaler(with_mean=with_mean, with_std=with_std), X, axis, copy)


def minmax_scale(X, feature_range=(0, 1), *, axis=0, copy=True):
    """Scale to ``feature_range`` along an axis (MinMaxScaler as a function)."""
    return _along_axis(MinMaxScaler(feature_range=feature_range), X, axis, copy)


def maxabs_scale(X, *, axis=0, copy=True):
    """Scale by the maximum absolute value along an axis (MaxAbsScaler as a function)."""
    return _along_axis(MaxAbsScaler(), X, axis, copy)


def robust_scale(X, *, axis=0, with_centering=True, with_scaling=True, quantile_range=(25.0, 75.0),
                 copy=True, unit_variance=False):
    """RobustScaler as a function."""
    est = RobustScaler(with_centering=with_centering, with_scaling=with_scaling,
                       quantile_range=quantile_range, unit_variance=unit_variance)
    return _along_axis(est, X, axis, copy)
