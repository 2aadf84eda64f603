"""KNNImputer: each missing value from the k nearest fitted rows that have that feature.

How it works
------------
Distances are scikit-learn's nan-euclidean distances: with the missing coordinates of both rows
set to 0, d²(x, y) = (Σ over coordinates present in both (x − y)²) · n_features / n_present, computed
for a block of rows at a time from three matrix products on the project's gemm
(scratchlearn.linalg.gemm, cpp/src/linalg/): X·Yᵀ, (X∘X)·My and Mx·(Y∘Y)ᵀ (M the presence
masks), and the present counts Mx·Myᵀ. For every feature missing in some rows of the block, the
donors are the fitted rows where it is present; the k nearest are chosen by a partial selection
(argpartition) and averaged, uniformly or by inverse distance. A row with no usable donor gets the
feature's fitted mean. Cost: O(n_query · n_fit · d) flops in blocks of 256 query rows (memory
O(256 · n_fit)).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..linalg import gemm
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_is_fitted, validate_data
from ._base import MissingIndicator, _is_nan_marker, _missing_mask

__all__ = ["KNNImputer"]

_BLOCK = 256


def _nan_euclidean(X, Y, mX, mY, nt):
    """Nan-euclidean distances between the rows of X and Y (missing masks mX, mY)."""
    Xz = np.where(mX, 0.0, X)
    Yz = np.where(mY, 0.0, Y)
    pX = (~mX).astype(X.dtype)
    pY = (~mY).astype(X.dtype)
    XX = Xz * Xz
    YY = Yz * Yz
    d2 = gemm(XX, pY, trans_b=True, n_jobs=nt)
    d2 += gemm(pX, YY, trans_b=True, n_jobs=nt)
    d2 -= 2.0 * gemm(Xz, Yz, trans_b=True, n_jobs=nt)
    np.clip(d2, 0, None, out=d2)
    count = gemm(pX, pY, trans_b=True, n_jobs=nt)
    d2[count == 0] = np.nan
    np.maximum(1, count, out=count)
    d2 /= count
    d2 *= X.shape[1]
    return np.sqrt(d2, out=d2)


class KNNImputer(TransformerMixin, BaseEstimator):
    """Impute missing values from the k nearest neighbours (scikit-learn's KNNImputer).

    How it works: see the module docstring.
    """

    _parameter_constraints = {
        "missing_values": [numbers.Real, numbers.Integral, str, None],
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "weights": [StrOptions({"uniform", "distance"}), callable],
        "metric": [StrOptions({"nan_euclidean"})],
        "copy": ["boolean"],
        "add_indicator": ["boolean"],
        "keep_empty_features": ["boolean"],
    }

    def __init__(self, *, missing_values=np.nan, n_neighbors=5, weights="uniform",
                 metric="nan_euclidean", copy=True, add_indicator=False, keep_empty_features=False):
        self.missing_values = missing_values
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.metric = metric
        self.copy = copy
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features

    def _check(self, X, reset):
        allow = _is_nan_marker(self.missing_values)
        X = validate_data(self, X, reset=reset, ensure_all_finite=not allow, copy=self.copy)
        if allow and X.size and np.isinf(X).any():
            raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")
        return X

    def fit(self, X, y=None):
        self._validate_params()
        X = self._check(X, reset=True)
        self._fit_X = X
        self._mask_fit_X = _missing_mask(X, self.missing_values)
        self._valid_mask = ~np.all(self._mask_fit_X, axis=0)
        if self.add_indicator:
            self.indicator_ = MissingIndicator(missing_values=self.missing_values, error_on_new=False)
            self.indicator_._validate_params()
            self.indicator_.n_features_in_ = X.shape[1]
            self.indicator_._fit(X, self._mask_fit_X)
        else:
            self.indicator_ = None
        return self

    def _weights(self, dist):
        if self.weights == "uniform":
            return np.ones_like(dist)
        if self.weights == "distance":
            with np.errstate(divide="ignore"):
                w = 1.0 / dist
            inf = np.isinf(w)
            rows = inf.any(axis=1)
            w[rows] = inf[rows]
            return w
        return np.asarray(self.weights(dist), dtype=np.float64)

    def transform(self, X):
        check_is_fitted(self)
        X = self._check(X, reset=False)
        mask = _missing_mask(X, self.missing_values)
        valid = self._valid_mask if not self.keep_empty_features else np.ones(X.shape[1], dtype=bool)
        indicator = self.indicator_._indicator(None, mask) if self.add_indicator else None
        fitX, fitM = self._fit_X, self._mask_fit_X
        nt = self._n_threads()
        rows = np.flatnonzero(mask[:, self._valid_mask].any(axis=1))
        col_means = np.array([fitX[~fitM[:, j], j].mean() if (~fitM[:, j]).any() else 0.0
                              for j in range(X.shape[1])])
        for start in range(0, rows.size, _BLOCK):
            block = rows[start:start + _BLOCK]
            dist = _nan_euclidean(X[block], fitX, mask[block], fitM, nt)
            for j in np.flatnonzero(mask[block].any(axis=0) & self._valid_mask):
                recv = np.flatnonzero(mask[block, j])
                donors = np.flatnonzero(~fitM[:, j])
                sub = dist[np.ix_(recv, donors)]
                all_nan = np.isnan(sub).all(axis=1)
                values = np.empty(recv.size)
                values[all_nan] = col_means[j]
                ok = ~all_nan
                if ok.any():
                    s = sub[ok]
                    k = min(self.n_neighbors, donors.size)
                    idx = np.argpartition(s, k - 1, axis=1)[:, :k]
                    ddist = np.take_along_axis(s, idx, axis=1)
                    w = self._weights(ddist)
                    w[np.isnan(w)] = 0.0
                    w[np.isnan(ddist)] = 0.0
                    vals = fitX[donors[idx], j]
                    tot = w.sum(axis=1)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        avg = (vals * w).sum(axis=1) / tot
                    values[ok] = np.where(tot > 0, avg, col_means[j])
                X[block[recv], j] = values
        if self.keep_empty_features:
            X[:, ~self._valid_mask] = 0  # as scikit-learn: the whole column
        out = X[:, valid]
        if indicator is not None:
            out = np.hstack([out, indicator.astype(out.dtype)])
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        names = _input_feature_names(self, input_features)
        out = names[self._valid_mask]  # as scikit-learn names them (keep_empty_features or not)
        if self.add_indicator:
            out = np.concatenate([out, self.indicator_.get_feature_names_out(names)])
        return np.asarray(out, dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
