"""SplineTransformer: each feature expanded into its B-spline basis.

How it works
------------
Fit places ``n_knots`` knots per feature (uniformly between the feature's min and max, or at its
quantiles, or as given) and extends them by ``degree`` equally spaced knots at each end (for
periodic splines, by the knots of the neighbouring periods). Transform evaluates, for every
value, the ``degree + 1`` basis functions that are nonzero on its knot interval by the Cox-de
Boor recursion (B_{i,0} = 1 on [t_i, t_{i+1}); B_{i,p} a blend of two B_{·,p-1}), vectorised
over the samples: O(n · degree²) per feature, numpy only. Outside the knots the basis is
extended as ``extrapolation`` says: held at its boundary value ('constant'), continued along its
boundary tangent ('linear'), the boundary polynomial pieces carried on ('continue'), wrapped
('periodic') or refused ('error').

Deviation from scikit-learn: the fitted splines are kept as arrays (``knots_``, one knot vector
per feature, and ``n_features_out_``), not as scipy BSpline objects, so scipy is not needed;
``sparse_output=True`` returns a scipy CSR matrix and needs scipy (an ImportError names it).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_array, check_is_fitted, check_sample_weight, validate_data
from ._encoders import sparse_output_wanted

__all__ = ["SplineTransformer"]


def _interval(x, t, k):
    """The knot interval l (t[l] <= x < t[l+1], k <= l < n) of each x; values beyond the knots
    take the first / last interval (the boundary polynomial pieces), as does x = t[n]."""
    n = t.shape[0] - k - 1
    return np.clip(np.searchsorted(t, x, side="right") - 1, k, n - 1)


def _nonzero_basis(x, t, k, l):
    """(len(x), k + 1): the degree-k basis functions l - k .. l at x (Cox-de Boor)."""
    m = x.shape[0]
    N = np.zeros((m, k + 1))
    N[:, 0] = 1.0
    left = np.empty((m, k + 1))
    right = np.empty((m, k + 1))
    for j in range(1, k + 1):
        left[:, j] = x - t[l + 1 - j]
        right[:, j] = t[l + j] - x
        saved = np.zeros(m)
        for r in range(j):
            den = right[:, r + 1] + left[:, j - r]
            with np.errstate(divide="ignore", invalid="ignore"):
                temp = np.where(den != 0, N[:, r] / den, 0.0)
            N[:, r] = saved + right[:, r + 1] * temp
            saved = left[:, j - r] * temp
        N[:, j] = saved
    return N


def _basis(x, t, k, extrapolate, nu=0):
    """(len(x), n_basis) dense matrix of the degree-k B-splines on knots t at x (their first
    derivatives for nu=1); NaN rows for x beyond [t[k], t[n]] unless ``extrapolate``."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    n_basis = t.shape[0] - k - 1
    l = _interval(x, t, k)
    if nu == 0:
        N = _nonzero_basis(x, t, k, l)
    elif k == 0:
        N = np.zeros((x.shape[0], 1))
    else:
        # d/dx B_{i,k} = k (B_{i,k-1} / (t_{i+k} - t_i) - B_{i+1,k-1} / (t_{i+k+1} - t_{i+1})),
        # the degree k-1 functions l-k+1 .. l taken on the same interval as degree k
        lower = np.zeros((x.shape[0], k + 2))
        lower[:, 1:k + 1] = _nonzero_basis(x, t, k - 1, l)
        N = np.empty((x.shape[0], k + 1))
        for r in range(k + 1):
            i = l - k + r
            d1 = t[i + k] - t[i]
            d2 = t[i + k + 1] - t[i + 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                a = np.where(d1 != 0, lower[:, r] / d1, 0.0)
                b = np.where(d2 != 0, lower[:, r + 1] / d2, 0.0)
            N[:, r] = k * (a - b)
    out = np.zeros((x.shape[0], n_basis))
    cols = (l - k)[:, None] + np.arange(k + 1)[None, :]
    np.put_along_axis(out, cols, N, axis=1)
    if not extrapolate:
        outside = (x < t[k]) | (x > t[n_basis])
        out[outside] = np.nan
    return out


class SplineTransformer(TransformerMixin, BaseEstimator):
    """Generate univariate B-spline bases of the features (scikit-learn's SplineTransformer).

    How it works: see the module docstring (Cox-de Boor recursion over the degree + 1 nonzero
    basis functions of each value; O(n · degree²) per feature). Deviation: the fitted knots are
    ``knots_`` (arrays), not scipy BSpline objects.
    """

    _parameter_constraints = {
        "n_knots": [Interval(numbers.Integral, 2, None, closed="left")],
        "degree": [Interval(numbers.Integral, 0, None, closed="left")],
        "knots": [StrOptions({"uniform", "quantile"}), "array-like"],
        "extrapolation": [StrOptions({"error", "constant", "linear", "continue", "periodic"})],
        "include_bias": ["boolean"],
        "order": [StrOptions({"C", "F"})],
        "handle_missing": [StrOptions({"error", "zeros"})],
        "sparse_output": ["boolean"],
    }

    def __init__(self, n_knots=5, degree=3, *, knots="uniform", extrapolation="constant",
                 include_bias=True, order="C", handle_missing="error", sparse_output=False):
        self.n_knots = n_knots
        self.degree = degree
        self.knots = knots
        self.extrapolation = extrapolation
        self.include_bias = include_bias
        self.order = order
        self.handle_missing = handle_missing
        self.sparse_output = sparse_output

    def _validate_X(self, X, reset):
        allow_nan = self.handle_missing == "zeros"
        try:
            return validate_data(self, X, reset=reset, ensure_all_finite=not allow_nan,
                                 ensure_min_samples=2 if reset else 1)
        except ValueError as e:
            if "contains NaN" in str(e) and self.handle_missing == "error":
                raise ValueError(
                    "Input X contains NaN values and `SplineTransformer` is configured to error "
                    "in this case (handle_missing='error'). To avoid this error, set "
                    "handle_missing='zeros' to encode missing values as splines with value 0 or "
                    "ensure no missing values in X.") from e
            raise

    @staticmethod
    def _base_knots(X, n_knots, how, sample_weight):
        if how == "quantile":
            ranks = np.linspace(0.0, 1.0, n_knots)
            if sample_weight is None:
                return np.nanpercentile(X, 100 * ranks, axis=0)
            out = np.empty((n_knots, X.shape[1]))
            for j in range(X.shape[1]):
                col, w = X[:, j].astype(np.float64), sample_weight.astype(np.float64)
                keep = ~np.isnan(col)
                col, w = col[keep], w[keep]
                order = np.argsort(col)
                col, cdf = col[order], np.cumsum(w[order])
                for q, rank in enumerate(ranks):
                    target = rank * cdf[-1]
                    if target == 0:
                        target = np.nextafter(target, target + 1)
                    i = min(int(np.searchsorted(cdf, target)), col.shape[0] - 1)
                    out[q, j] = col[i]
            return out
        rows = slice(None) if sample_weight is None else sample_weight > 0
        lo, hi = np.zeros(X.shape[1]), np.zeros(X.shape[1])
        for j in range(X.shape[1]):
            col = X[rows, j]
            if not np.all(np.isnan(col)):
                lo[j], hi[j] = np.nanmin(col), np.nanmax(col)
        return np.linspace(lo, hi, num=n_knots, endpoint=True, dtype=np.float64)

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        if self.sparse_output:
            sparse_output_wanted(True, type(self).__name__)
        X = self._validate_X(X, reset=True)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        d = X.shape[1]
        if isinstance(self.knots, str):
            base = self._base_knots(X, self.n_knots, self.knots, sample_weight)
        else:
            base = check_array(self.knots, dtype=np.float64, input_name="knots")
            if base.shape[0] < 2:
                raise ValueError("Number of knots, knots.shape[0], must be >= 2.")
            if base.shape[1] != d:
                raise ValueError("knots.shape[1] == n_features is violated.")
            if not np.all(np.diff(base, axis=0) > 0):
                raise ValueError("knots must be sorted without duplicates.")
        gaps = np.diff(base, axis=0)
        tiny = np.any((gaps > 0) & (gaps < np.finfo(np.float64).tiny), axis=0)
        if np.any(tiny):
            raise ValueError(
                f"SplineTransformer: the knots of feature(s) {np.flatnonzero(tiny).tolist()} are "
                f"closer than the smallest normal float ({np.finfo(np.float64).tiny:.3g}); the "
                "B-spline basis cannot be evaluated on so narrow a range (scale the data first).")
        n_knots, k = base.shape[0], self.degree
        if self.extrapolation == "periodic" and n_knots <= k:
            raise ValueError(f"Periodic splines require degree < n_knots. Got n_knots={n_knots} "
                             f"and degree={k}.")
        if self.extrapolation == "periodic":
            period = base[-1] - base[0]
            knots = np.r_[base[-(k + 1):-1] - period, base, base[1:k + 1] + period]
            n_splines = n_knots - 1
        else:
            step_lo, step_hi = base[1] - base[0], base[-1] - base[-2]
            knots = np.r_[np.linspace(base[0] - k * step_lo, base[0] - step_lo, num=k),
                          base,
                          np.linspace(base[-1] + step_hi, base[-1] + k * step_hi, num=k)]
            n_splines = n_knots + k - 1
        self.knots_ = [np.ascontiguousarray(knots[:, j]) for j in range(d)]
        self._n_splines = n_splines
        self.n_features_out_ = d * n_splines - d * (1 - self.include_bias)
        return self

    def _feature_basis(self, x, t):
        """(n, n_splines) of one feature, extrapolated as asked (NaN values not yet zeroed)."""
        k, ext = self.degree, self.extrapolation
        n_splines = self._n_splines
        if ext == "periodic":
            n = t.shape[0] - k - 1
            span = t[n] - t[k]
            xp = t[k] + (x - t[k]) % span if span > 0 else np.zeros_like(x)
            B = _basis(xp, t, k, extrapolate=True)
            out = B[:, :n_splines].copy()
            out[:, :k] += B[:, n_splines:]
            return out
        if ext in ("continue", "error"):
            return _basis(x, t, k, extrapolate=ext == "continue")
        xmin, xmax = t[k], t[-k - 1]
        out = np.zeros((x.shape[0], n_splines))
        inside = (xmin <= x) & (x <= xmax)
        out[inside] = _basis(x[inside], t, k, extrapolate=False)
        f_min, f_max = _basis([xmin], t, k, False)[0], _basis([xmax], t, k, False)[0]
        below, above = x < xmin, x > xmax
        if ext == "constant":
            if k > 0:
                out[np.ix_(below, np.arange(k))] = f_min[:k]
                out[np.ix_(above, np.arange(n_splines - k, n_splines))] = f_max[-k:]
            return out
        # linear: along the tangent at the boundary, for the functions nonzero there
        fp_min, fp_max = _basis([xmin], t, k, False, nu=1)[0], _basis([xmax], t, k, False, nu=1)[0]
        for j in range(max(k, 1) if k > 1 else k + 1):
            if below.any():
                out[below, j] = f_min[j] + (x[below] - xmin) * fp_min[j]
            if above.any():
                c = n_splines - 1 - j
                out[above, c] = f_max[c] + (x[above] - xmax) * fp_max[c]
        return out

    def transform(self, X):
        check_is_fitted(self, "knots_")
        X = self._validate_X(X, reset=False)
        n, d = X.shape
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        n_splines = self._n_splines
        out = np.zeros((n, d * n_splines), dtype=dtype, order=self.order)
        for j in range(d):
            x = X[:, j].astype(np.float64)
            missing = np.isnan(x)
            t = self.knots_[j]
            # a missing value is evaluated at the first knot (inside), then zeroed
            block = self._feature_basis(np.where(missing, t[self.degree], x) if missing.any()
                                        else x, t)
            if self.extrapolation == "error" and np.isnan(block).any():
                raise ValueError("`X` contains values beyond the limits of the knots.")
            block[missing] = 0.0
            out[:, j * n_splines:(j + 1) * n_splines] = block
        if not self.include_bias:
            keep = [c for c in range(out.shape[1]) if (c + 1) % n_splines != 0]
            out = np.asarray(out[:, keep], order=self.order)
        if self.sparse_output:
            sparse_output_wanted(True, type(self).__name__)
            import scipy.sparse as sp

            return sp.csr_matrix(out)
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "knots_")
        names = _input_feature_names(self, input_features)
        per = self._n_splines - 1 + self.include_bias
        return np.asarray([f"{f}_sp_{j}" for f in names for j in range(per)], dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = self.handle_missing == "zeros"
        return tags
