"""KBinsDiscretizer: bin continuous features into intervals.

How it works: per feature, the bin edges are equal-width (``uniform``), numpy percentiles of the
(sub-sampled) column (``quantile``, with scikit-learn's ``quantile_method``), or the midpoints
between the sorted centres of a one-dimensional k-means (``kmeans``, scratchlearn's KMeans from
the deterministic uniform initialisation scikit-learn uses). ``transform`` finds each value's bin
by binary search (``searchsorted``), then optionally one-hot encodes the bin indices.

With ``sample_weight``, the quantile edges are the weighted empirical CDF's inverse (averaged with
its mirror image for ``'averaged_inverted_cdf'``).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, Options, StrOptions
from ..utils.validation import check_is_fitted, check_random_state, check_sample_weight, validate_data
from ._encoders import OneHotEncoder

__all__ = ["KBinsDiscretizer"]

_METHODS = {"inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
            "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased"}


def _inverted_cdf(x, w, levels):
    keep = w > 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    xs, cw = x[order], np.cumsum(w[order])
    idx = np.searchsorted(cw, levels / 100.0 * cw[-1], side="left")
    return xs[np.minimum(idx, xs.size - 1)]


def _weighted_percentile(x, w, levels, average):
    """Percentiles of x under weights w: the inverse of the weighted empirical CDF, or with
    ``average`` the mean of it and its mirror image (numpy's averaged_inverted_cdf when the weights
    are counts)."""
    lo = _inverted_cdf(x, w, levels)
    if not average:
        return lo.astype(np.float64)
    hi = -_inverted_cdf(-x, w, 100.0 - levels)
    return (0.5 * (lo.astype(np.float64) + hi.astype(np.float64)))


class KBinsDiscretizer(TransformerMixin, BaseEstimator):
    """Bin continuous data into intervals (scikit-learn's KBinsDiscretizer).

    How it works: see the module docstring.
    """

    _parameter_constraints = {
        "n_bins": [Interval(numbers.Integral, 2, None, closed="left"), "array-like"],
        "encode": [StrOptions({"onehot", "onehot-dense", "ordinal"})],
        "strategy": [StrOptions({"uniform", "quantile", "kmeans"})],
        "quantile_method": [StrOptions(_METHODS)],
        "dtype": [Options(type, {np.float64, np.float32}), None],
        "subsample": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, n_bins=5, *, encode="onehot", strategy="quantile",
                 quantile_method="averaged_inverted_cdf", dtype=None, subsample=200_000,
                 random_state=None):
        self.n_bins = n_bins
        self.encode = encode
        self.strategy = strategy
        self.quantile_method = quantile_method
        self.dtype = dtype
        self.subsample = subsample
        self.random_state = random_state

    def _validate_n_bins(self, d):
        orig = self.n_bins
        if isinstance(orig, numbers.Integral):
            return np.full(d, orig, dtype=int)
        n_bins = np.asarray(orig, dtype=int)
        if n_bins.ndim > 1 or n_bins.shape[0] != d:
            raise ValueError("n_bins must be a scalar or array of shape (n_features,).")
        bad = (n_bins < 2) | (n_bins != np.asarray(orig))
        idx = np.flatnonzero(bad)
        if idx.size:
            raise ValueError(
                "KBinsDiscretizer received an invalid number of bins at indices "
                f"{', '.join(str(i) for i in idx)}. Number of bins must be at least 2, and must be an int."
            )
        return n_bins

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = validate_data(self, X)
        out_dtype = self.dtype if self.dtype in (np.float64, np.float32) else X.dtype.type
        n, d = X.shape
        if sample_weight is not None:
            if self.strategy == "quantile" and self.quantile_method not in ("inverted_cdf",
                                                                            "averaged_inverted_cdf"):
                raise ValueError(
                    "When fitting with strategy='quantile' and sample weights, quantile_method should "
                    "either be set to 'averaged_inverted_cdf' or 'inverted_cdf', got "
                    f"quantile_method='{self.quantile_method}' instead."
                )
            sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
        if self.subsample is not None and n > self.subsample:
            rs = check_random_state(self.random_state)
            if sample_weight is None:
                idx = rs.randint(0, n, size=self.subsample)
            else:
                p = sample_weight / sample_weight.sum()
                idx = rs.choice(n, size=self.subsample, replace=True, p=p)
            X = X[idx]
            sample_weight = None
        n_bins = self._validate_n_bins(d)
        edges = np.zeros(d, dtype=object)
        for j in range(d):
            col = X[:, j]
            mask = slice(None) if sample_weight is None else sample_weight != 0
            lo, hi = col[mask].min(), col[mask].max()
            if lo == hi:
                warnings.warn(f"Feature {j} is constant and will be replaced with 0.")
                n_bins[j] = 1
                edges[j] = np.array([-np.inf, np.inf])
                continue
            if self.strategy == "uniform":
                edges[j] = np.linspace(lo, hi, n_bins[j] + 1)
            elif self.strategy == "quantile":
                levels = np.linspace(0, 100, n_bins[j] + 1)
                if sample_weight is None:
                    kw = {} if self.quantile_method == "linear" else {"method": self.quantile_method}
                    edges[j] = np.asarray(np.percentile(col, levels, **kw), dtype=np.float64)
                else:
                    edges[j] = _weighted_percentile(col, sample_weight, levels,
                                                    self.quantile_method == "averaged_inverted_cdf")
            else:
                from ..cluster import KMeans

                uniform = np.linspace(lo, hi, n_bins[j] + 1)
                init = (uniform[1:] + uniform[:-1])[:, None] * 0.5
                km = KMeans(n_clusters=n_bins[j], init=init, n_init=1)
                centers = km.fit(col[:, None], sample_weight=sample_weight).cluster_centers_[:, 0]
                centers = np.sort(centers)
                edges[j] = np.r_[lo, (centers[1:] + centers[:-1]) * 0.5, hi]
            if self.strategy in ("quantile", "kmeans"):
                keep = np.ediff1d(edges[j], to_begin=np.inf) > 1e-8
                edges[j] = edges[j][keep]
                if len(edges[j]) < 2:
                    # every bin is narrower than 1e-8 (a range of tiny or denormal values): one
                    # bin, as for a constant feature, rather than none
                    warnings.warn(f"Feature {j} spans less than 1e-8 and will be replaced with 0.")
                    n_bins[j] = 1
                    edges[j] = np.array([-np.inf, np.inf])
                    continue
                if len(edges[j]) - 1 != n_bins[j]:
                    warnings.warn(
                        f"Bins whose width are too small (i.e., <= 1e-8) in feature {j} are removed. "
                        "Consider decreasing the number of bins."
                    )
                    n_bins[j] = len(edges[j]) - 1
        self.bin_edges_ = edges
        self.n_bins_ = n_bins
        if "onehot" in self.encode:
            sparse = "auto" if self.encode == "onehot" else False  # CSR when scipy is there
            self._encoder = OneHotEncoder(categories=[np.arange(k) for k in n_bins],
                                          sparse_output=sparse, dtype=out_dtype)
            self._encoder.fit(np.zeros((1, d)))
        return self

    def transform(self, X):
        check_is_fitted(self)
        dtype = (np.float64, np.float32) if self.dtype is None else self.dtype
        Xt = validate_data(self, X, reset=False, dtype=dtype, copy=True)
        for j in range(Xt.shape[1]):
            Xt[:, j] = np.searchsorted(self.bin_edges_[j][1:-1], Xt[:, j], side="right")
        if self.encode == "ordinal":
            return Xt
        enc_dtype = self._encoder.dtype
        self._encoder.dtype = Xt.dtype
        try:
            return self._encoder.transform(Xt)
        finally:
            self._encoder.dtype = enc_dtype

    def inverse_transform(self, X):
        check_is_fitted(self)
        if "onehot" in self.encode:
            X = self._encoder.inverse_transform(X)
        Xinv = np.array(X, dtype=np.float64 if self.dtype is None else self.dtype, copy=True)
        if Xinv.ndim != 2 or Xinv.shape[1] != self.n_bins_.shape[0]:
            raise ValueError(
                f"Incorrect number of features. Expecting {self.n_bins_.shape[0]}, received "
                f"{Xinv.shape[1] if Xinv.ndim == 2 else Xinv.shape}."
            )
        for j in range(Xinv.shape[1]):
            e = self.bin_edges_[j]
            centers = (e[1:] + e[:-1]) * 0.5
            Xinv[:, j] = centers[Xinv[:, j].astype(np.int64)]
        return Xinv

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_in_")
        names = _input_feature_names(self, input_features)
        if hasattr(self, "_encoder"):
            return self._encoder.get_feature_names_out(names)
        return names

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
