"""PolynomialFeatures: all products of the features up to a degree.

How it works: the output columns are listed once (combinations with or without repetition, in
scikit-learn's order: by degree, then lexicographically); each column of degree k is the product of
a column of degree k − 1 already computed and one input column, so each output column costs one
vectorised multiply. O(n · n_output_features).
"""

from __future__ import annotations

import numbers
from itertools import combinations, combinations_with_replacement

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_is_fitted, validate_data

__all__ = ["PolynomialFeatures"]


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """Generate polynomial and interaction features (scikit-learn's PolynomialFeatures)."""

    _parameter_constraints = {
        "degree": [Interval(numbers.Integral, 0, None, closed="left"), tuple],
        "interaction_only": ["boolean"],
        "include_bias": ["boolean"],
        "order": [StrOptions({"C", "F"})],
    }

    def __init__(self, degree=2, *, interaction_only=False, include_bias=True, order="C"):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias
        self.order = order

    def _degrees(self):
        if isinstance(self.degree, tuple):
            if len(self.degree) != 2 or not all(isinstance(d, numbers.Integral) for d in self.degree) \
                    or not 0 <= self.degree[0] <= self.degree[1]:
                raise ValueError(
                    "degree=(min_degree, max_degree) must be non-negative integers that fulfil "
                    f"min_degree <= max_degree, got {self.degree}."
                )
            lo, hi = self.degree
            if hi == 0 and not self.include_bias:
                raise ValueError(
                    "Setting both min_degree and max_degree to zero and include_bias to False "
                    "would result in an empty output array."
                )
            return lo, hi
        if self.degree == 0 and not self.include_bias:
            raise ValueError(
                "Setting degree to zero and include_bias to False would result in an empty "
                "output array."
            )
        return 0, self.degree

    def _combinations(self, d):
        lo, hi = self._degrees()
        comb = combinations if self.interaction_only else combinations_with_replacement
        out = []
        if self.include_bias:
            out.append(())
        for k in range(max(1, lo), hi + 1):
            out.extend(comb(range(d), k))
        return out

    def fit(self, X, y=None):
        self._validate_params()
        X = validate_data(self, X)
        self._combos = self._combinations(X.shape[1])
        self.n_output_features_ = len(self._combos)
        self._min_degree, self._max_degree = self._degrees()
        return self

    @property
    def powers_(self):
        check_is_fitted(self)
        d = self.n_features_in_
        P = np.zeros((len(self._combos), d), dtype=np.int64)
        for r, c in enumerate(self._combos):
            for j in c:
                P[r, j] += 1
        return P

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        n = X.shape[0]
        out = np.empty((n, self.n_output_features_), dtype=X.dtype, order=self.order)
        where = {}
        with np.errstate(over="ignore"):
            self._fill(X, out, where)
        if out.dtype.kind == "f" and not np.isfinite(out).all():
            # X is finite (validated), so a non-finite product is an overflow
            raise ValueError(
                f"PolynomialFeatures: the products of degree up to {self._max_degree} overflow "
                f"{out.dtype} (|X| up to {np.abs(X).max():.3g}); the values are too large, scale the "
                "data first.")
        return out

    def _fill(self, X, out, where):
        for r, c in enumerate(self._combos):
            if len(c) == 0:
                out[:, r] = 1
            elif len(c) == 1:
                out[:, r] = X[:, c[0]]
            else:
                prev = where.get(c[:-1])
                if prev is None:
                    col = np.prod(X[:, list(c)], axis=1)
                else:
                    col = out[:, prev] * X[:, c[-1]]
                out[:, r] = col
            where[c] = r

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        names = _input_feature_names(self, input_features)
        out = []
        for c in self._combos:
            if not c:
                out.append("1")
                continue
            parts = []
            for j in sorted(set(c)):
                e = c.count(j)
                parts.append(names[j] if e == 1 else f"{names[j]}^{e}")
            out.append(" ".join(parts))
        return np.asarray(out, dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
