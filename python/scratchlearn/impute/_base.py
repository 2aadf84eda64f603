"""SimpleImputer and MissingIndicator.

How it works
------------
``strategy='mean'``: one pass of ``column_moments`` (cpp/src/preprocessing/preprocessing.cpp) with
the missing values skipped. ``'median'``: ``column_quantiles`` gathers each column's present values
(a group of 8 columns per thread, read row by row) and selects the middle order statistics by
``nth_element``: O(n) per column instead of a sort, no masked array. ``'most_frequent'``: numeric
columns by ``np.unique`` counts, object columns by the one-pass hashing of the Cython extension
(preprocessing/_categories.pyx); ties go to the smallest value. ``transform`` writes the fill
values into the output in one pass (``fill_missing``). Columns that are all missing in fit are
dropped by transform (kept, filled with 0, when ``keep_empty_features``), as in scikit-learn.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import StrOptions
from ..utils.validation import _is_dataframe, assert_no_infinity, check_is_fitted, validate_data

__all__ = ["SimpleImputer", "MissingIndicator"]


# A cost model for small calls: waking the core's thread pool costs about _WAKE_NS (measured on
# this project's 2-core runner: quantiles 500x20 one thread 39 us, two threads 89 us right after
# other work), and a kernel spends about _NS_PER_VALUE[kind] per value on one thread (column
# medians ~3 ns, a fill or finiteness pass ~0.6 ns). With t threads a call costs about
# wake + work / t, so one thread wins while work < 2 * wake: small inputs run on the calling
# thread alone and never pay the wake-up; large ones keep every thread the estimator allows.
_WAKE_NS = 50_000.0
_NS_PER_VALUE = {"median": 3.0, "mean": 1.0, "pass": 0.6}


def _threads_for(est, n_values, kind):
    nt = est._n_threads()
    if nt > 1 and n_values * _NS_PER_VALUE[kind] < 2.0 * _WAKE_NS:
        return 1
    return nt


def _is_nan_marker(v):
    return v is not None and isinstance(v, (float, np.floating)) and v != v


def _numeric_marker(v):
    """A real number (not NaN, not a bool) as the missing-value marker."""
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) and v == v


def _core_marker(v, dtype):
    """The missing-value marker as the core functions take it: None for NaN (always missing
    there); a number rounded to X's floating dtype first, as numpy rounds it in ``X == v`` (a
    float32 X holds no 0.1: its entries equal to float32(0.1) are the missing ones)."""
    if _is_nan_marker(v):
        return None
    if dtype.kind == "f" and _numeric_marker(v):
        with np.errstate(over="ignore"):
            return float(dtype.type(v))
    return v


def _missing_mask(X, missing_values):
    """Boolean mask of the missing entries of X (NaN, None or a value)."""
    if X.dtype.kind == "O":
        if _is_nan_marker(missing_values):
            from ..preprocessing._encoders import _encode_objects

            return np.stack([_encode_objects(X[:, j])[0] == -2 for j in range(X.shape[1])], axis=1) \
                if X.shape[1] else np.zeros(X.shape, dtype=bool)
        if missing_values is None:
            return np.frompyfunc(lambda v: v is None, 1, 1)(X).astype(bool)
        return X == missing_values
    if _is_nan_marker(missing_values):
        return np.isnan(X) if X.dtype.kind == "f" else np.zeros(X.shape, dtype=bool)
    if missing_values is None:
        return np.zeros(X.shape, dtype=bool)
    return X == missing_values


def _validate_input(est, X, *, reset, numeric):
    allow_nan = _is_nan_marker(est.missing_values) or est.missing_values is None
    if _is_dataframe(X) and not numeric:
        dtype = None
    else:
        dtype = None
    try:
        X = validate_data(est, X, reset=reset, dtype=dtype, ensure_all_finite=False,
                          copy=False)
    except ValueError as e:
        raise ValueError(f"Cannot use {getattr(est, 'strategy', 'this')} strategy with non-numeric data:\n{e}") from e
    if X.dtype.kind in "biu" and numeric:
        X = X.astype(np.float64)
    if X.dtype.kind not in "fiubO":
        if X.dtype.kind in "US":
            X = X.astype(object)
    if numeric and X.dtype.kind == "O":
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"Cannot use {est.strategy} strategy with non-numeric data:\n{e}"
            ) from None
    if X.dtype.kind == "f":
        if allow_nan:
            assert_no_infinity(X, "X", _threads_for(est, X.size, "pass"))
        elif not np.isfinite(X).all():
            which = "NaN" if np.isnan(X).any() else "infinity or a value too large for " + repr(X.dtype)
            raise ValueError(f"Input X contains {which}.")
    return X


class MissingIndicator(TransformerMixin, BaseEstimator):
    """Binary indicators of the missing values (the features with missing values in fit, or all)."""

    _parameter_constraints = {
        "missing_values": [numbers.Real, numbers.Integral, str, None],
        "features": [StrOptions({"missing-only", "all"})],
        "sparse": ["boolean", StrOptions({"auto"})],
        "error_on_new": ["boolean"],
    }

    def __init__(self, *, missing_values=np.nan, features="missing-only", sparse="auto",
                 error_on_new=True):
        self.missing_values = missing_values
        self.features = features
        self.sparse = sparse
        self.error_on_new = error_on_new

    def _fit(self, X, precomputed_mask=None, need_mask=True):
        """Sets features_; returns the missing mask of X (None when not need_mask and the mask
        was never built: floating X asks the core which columns hold a missing value, a pass
        that stops once every column has, where numpy's column-wise any() of a mask cost more
        than the imputer's fill on small inputs)."""
        self._n_features = X.shape[1]
        mask = precomputed_mask
        if self.features == "missing-only":
            if mask is None and not need_mask and X.dtype.kind == "f" and (
                    _is_nan_marker(self.missing_values) or _numeric_marker(self.missing_values)):
                has = _core.preprocessing.missing_columns(np.ascontiguousarray(X),
                                                          _core_marker(self.missing_values, X.dtype))
                self.features_ = np.flatnonzero(has)
                return None
            if mask is None:
                mask = _missing_mask(X, self.missing_values)
            self.features_ = np.flatnonzero(mask.any(axis=0))
        else:
            self.features_ = np.arange(X.shape[1])
            if mask is None and need_mask:
                mask = _missing_mask(X, self.missing_values)
        return mask

    def fit(self, X, y=None):
        self._validate_params()
        X = _validate_input(self, X, reset=True, numeric=False)
        self._fit(X, need_mask=False)
        return self

    def _indicator(self, X, mask=None):
        if mask is None:
            mask = _missing_mask(X, self.missing_values)
        if self.features == "missing-only":
            if self.error_on_new:
                in_fit = np.zeros(mask.shape[1], dtype=bool)
                in_fit[self.features_] = True
                extra = np.flatnonzero(mask.any(axis=0) & ~in_fit)
                if extra.size:
                    raise ValueError(
                        f"The features {extra} have missing values in transform but have no "
                        "missing values in fit."
                    )
            if self.features_.size != mask.shape[1]:  # all columns kept: no gather copy
                mask = mask[:, self.features_]
        if self.sparse is True:
            import scipy.sparse as sp

            return sp.csr_matrix(mask)
        return mask

    def transform(self, X):
        check_is_fitted(self)
        X = _validate_input(self, X, reset=False, numeric=False)
        return self._indicator(X)

    def fit_transform(self, X, y=None):
        self._validate_params()
        X = _validate_input(self, X, reset=True, numeric=False)
        mask = self._fit(X)
        return self._indicator(X, mask)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        names = _input_feature_names(self, input_features)
        return np.asarray([f"missingindicator_{n}" for n in names[self.features_]], dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def _most_frequent(col, mask):
    """The most frequent present value of a column (the smallest of those tied), or NaN."""
    vals = col[~mask]
    if vals.size == 0:
        return np.nan
    if col.dtype.kind == "O":
        from ..preprocessing._encoders import _encode_objects

        codes, uniq, _, _ = _encode_objects(np.ascontiguousarray(vals))
        counts = np.bincount(codes[codes >= 0], minlength=len(uniq))
        best = counts.max()
        tied = [uniq[k] for k in np.flatnonzero(counts == best)]
        try:
            return min(tied)
        except TypeError:
            return tied[0]
    u, c = np.unique(vals, return_counts=True)
    return u[np.argmax(c)]


class SimpleImputer(TransformerMixin, BaseEstimator):
    """Replace missing values by a per-column statistic (mean, median, most frequent) or a constant.

    How it works: see the module docstring; mean and median in the C++ core, one pass each.
    """

    _parameter_constraints = {
        "missing_values": [numbers.Real, numbers.Integral, str, None],
        "strategy": [StrOptions({"mean", "median", "most_frequent", "constant"}), callable],
        "fill_value": "no_validation",
        "copy": ["boolean"],
        "add_indicator": ["boolean"],
        "keep_empty_features": ["boolean"],
    }

    def __init__(self, *, missing_values=np.nan, strategy="mean", fill_value=None, copy=True,
                 add_indicator=False, keep_empty_features=False):
        self.missing_values = missing_values
        self.strategy = strategy
        self.fill_value = fill_value
        self.copy = copy
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features

    def _numeric(self):
        return self.strategy in ("mean", "median")

    def fit(self, X, y=None):
        self._validate_params()
        return self._fit_validated(_validate_input(self, X, reset=True, numeric=self._numeric()))

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, validating X once when it is floating point (then fit's and
        transform's checks would both return the same array)."""
        self._validate_params()
        Xv = _validate_input(self, X, reset=True, numeric=self._numeric())
        if Xv.dtype.kind != "f":
            return self._fit_validated(Xv).transform(X)
        return self._fit_validated(Xv)._transform_validated(Xv)

    def _fit_validated(self, X):
        self._fit_dtype = X.dtype.str  # a string: fitted state is plain values and arrays
        n, d = X.shape
        core_missing = _core_marker(self.missing_values, X.dtype)
        if self.strategy == "constant":
            fv = self.fill_value
            if fv is None:
                fv = 0 if X.dtype.kind in "fiub" else "missing_value"
            if X.dtype.kind in "fiub" and not isinstance(fv, numbers.Real):
                raise ValueError(
                    f"fill_value={fv!r} (of type {type(fv)!r}) cannot be cast to the input data that "
                    f"is {X.dtype!r}. If fill_value is a Real number, input data must be numeric."
                )
            # as scikit-learn stores it: an object array of the fill value (NaN where a column
            # is all missing and dropped)
            stats = np.full(d, fv, dtype=object)
        elif callable(self.strategy):
            mask = _missing_mask(X, self.missing_values)
            stats = np.array([self.strategy(X[~mask[:, j], j]) if (~mask[:, j]).any() else np.nan
                              for j in range(d)], dtype=X.dtype if X.dtype.kind == "f" else object)
        elif self.strategy == "mean":
            count, mean, _, inf = _core.preprocessing.moments(X, None, core_missing,
                                                             _threads_for(self, X.size, "mean"))
            stats = mean  # float64, as scikit-learn keeps it (also for float32 data)
        elif self.strategy == "median":
            stats = _core.preprocessing.quantiles(X, np.array([0.5]), core_missing, True,
                                                  _threads_for(self, X.size, "median"))[0].astype(X.dtype)
        else:
            mask = _missing_mask(X, self.missing_values)
            out = [_most_frequent(X[:, j], mask[:, j]) for j in range(d)]
            stats = np.empty(d, dtype=object if X.dtype.kind == "O" else np.float64)
            stats[:] = out
        if self.strategy == "constant":
            empty = _missing_mask(X, self.missing_values).all(axis=0) if n else np.ones(d, bool)
            if not self.keep_empty_features:
                stats[empty] = np.nan
        else:
            empty = _stat_missing(stats)
        if empty.any():
            if self.keep_empty_features:
                if self.strategy != "constant":
                    stats = stats.copy()
                    stats[empty] = 0
            else:
                warnings.warn(
                    f"Skipping features without any observed values: {np.flatnonzero(empty)}. At "
                    "least one non-missing value is needed for imputation with "
                    f"strategy='{self.strategy}'.", UserWarning)
        self._empty_features = empty
        self.statistics_ = stats
        if self.add_indicator:
            # its parameters need no check: missing_values passed this imputer's (the same) one
            self.indicator_ = MissingIndicator(missing_values=self.missing_values, error_on_new=False)
            self.indicator_.n_features_in_ = d
            self.indicator_._fit(X, need_mask=False)
        else:
            self.indicator_ = None
        return self

    def _valid_mask(self):
        if self.keep_empty_features:
            return np.ones(self.statistics_.shape[0], dtype=bool)
        return ~self._empty_features

    def transform(self, X):
        check_is_fitted(self)
        X = _validate_input(self, X, reset=False, numeric=self._numeric() or np.dtype(self._fit_dtype).kind == "f")
        return self._transform_validated(X)

    def _transform_validated(self, X):
        valid = self._valid_mask()
        fused = self._fused_indicator(X, valid)
        if fused is not None:
            return fused
        mask_full = None
        if self.add_indicator:
            mask_full = _missing_mask(X, self.missing_values)
        stats = self.statistics_
        if not valid.all():
            X = X[:, valid]
            stats = stats[valid]
        numeric_fill = stats.dtype.kind in "fiu" or all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in stats.tolist())
        if X.dtype.kind == "f" and numeric_fill:
            X = np.ascontiguousarray(X)
            out, _ = _core.preprocessing.fill_missing(
                X, _core_marker(self.missing_values, X.dtype), stats.astype(X.dtype),
                not self.copy, _threads_for(self, X.size, "pass"))
        else:
            mask = _missing_mask(X, self.missing_values)
            if X.dtype.kind != "O" and stats.dtype.kind == "O":
                X = X.astype(object)
            out = X.copy() if self.copy else X
            if out.dtype.kind in "iub" and stats.dtype.kind == "f":
                out = out.astype(np.float64)
            rows, cols = np.nonzero(mask)
            out[rows, cols] = stats[cols]
        if self.add_indicator:
            ind = self.indicator_._indicator(X if mask_full is None else None, mask_full)
            if hasattr(ind, "toarray"):
                ind = ind.toarray()
            # one output written in two slices (np.hstack of out and ind.astype(...) made two
            # more copies, and was most of a small call's time)
            both = np.empty((out.shape[0], out.shape[1] + ind.shape[1]), dtype=out.dtype)
            both[:, :out.shape[1]] = out
            both[:, out.shape[1]:] = ind
            out = both
        return out

    def _fused_indicator(self, X, valid):
        """Floating X, numeric statistics, every feature kept, a dense indicator of the columns
        missing in fit: the filled values and the indicator columns written by one core pass into
        one output (else None: the general path)."""
        ind = self.indicator_
        if (not self.add_indicator or X.dtype.kind != "f" or not valid.all()
                or self.statistics_.dtype.kind not in "fiu" or ind.features != "missing-only"
                or ind.sparse is True or ind.error_on_new):
            return None
        X = np.ascontiguousarray(X)
        out, _ = _core.preprocessing.fill_missing_indicator(
            X, _core_marker(self.missing_values, X.dtype), self.statistics_.astype(X.dtype),
            np.ascontiguousarray(ind.features_, dtype=np.int64), _threads_for(self, 2 * X.size, "pass"))
        return out

    def inverse_transform(self, X):
        check_is_fitted(self)
        if not self.add_indicator:
            raise ValueError(
                "'inverse_transform' works only when 'SimpleImputer' is instantiated with "
                f"'add_indicator=True'. Got 'add_indicator={self.add_indicator}' instead."
            )
        X = np.asarray(X)
        n_kept = int(self._valid_mask().sum())
        ind = X[:, n_kept:].astype(bool)
        Xo = X[:, :n_kept].copy() if X.dtype.kind != "O" else X[:, :n_kept].copy()
        full = np.full((X.shape[0], self.n_features_in_), self.missing_values,
                       dtype=Xo.dtype if Xo.dtype.kind in "fO" else np.float64)
        full[:, self._valid_mask()] = Xo
        feats = self.indicator_.features_
        sub = full[:, feats]
        sub[ind] = self.missing_values
        full[:, feats] = sub
        return full

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        names = _input_feature_names(self, input_features)
        out = names[self._valid_mask()]
        if self.add_indicator:
            out = np.concatenate([out, self.indicator_.get_feature_names_out(names)])
        return np.asarray(out, dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _stat_missing(stats):
    if stats.dtype.kind == "f":
        return np.isnan(stats)
    if stats.dtype.kind == "O":
        return np.array([_is_nan_marker(v) for v in stats], dtype=bool)
    return np.zeros(stats.shape[0], dtype=bool)
