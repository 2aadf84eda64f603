"""FunctionTransformer: any callable as a transformer."""

from __future__ import annotations

import warnings

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import StrOptions
from ..utils.validation import check_array, validate_data

__all__ = ["FunctionTransformer"]


def _identity(X):
    return X


class FunctionTransformer(TransformerMixin, BaseEstimator):
    """Apply ``func`` in transform and ``inverse_func`` in inverse_transform (identity if None)."""

    _parameter_constraints = {
        "func": [callable, None],
        "inverse_func": [callable, None],
        "validate": ["boolean"],
        "accept_sparse": ["boolean"],
        "check_inverse": ["boolean"],
        "feature_names_out": [callable, StrOptions({"one-to-one"}), None],
        "kw_args": [dict, None],
        "inv_kw_args": [dict, None],
    }

    def __init__(self, func=None, inverse_func=None, *, validate=False, accept_sparse=False,
                 check_inverse=True, feature_names_out=None, kw_args=None, inv_kw_args=None):
        self.func = func
        self.inverse_func = inverse_func
        self.validate = validate
        self.accept_sparse = accept_sparse
        self.check_inverse = check_inverse
        self.feature_names_out = feature_names_out
        self.kw_args = kw_args
        self.inv_kw_args = inv_kw_args

    def _check_input(self, X, *, reset):
        if self.validate:
            return validate_data(self, X, reset=reset, accept_sparse=self.accept_sparse)
        if reset:
            from ..utils.validation import _check_feature_names, _num_features

            _check_feature_names(self, X, reset=True)
            n = _num_features(X)
            if n is not None:
                self.n_features_in_ = n
        return X

    def fit(self, X, y=None):
        self._validate_params()
        X = self._check_input(X, reset=True)
        if self.check_inverse and not (self.func is None or self.inverse_func is None):
            idx = np.round(np.linspace(0, X.shape[0] - 1, min(100, X.shape[0]))).astype(int) \
                if hasattr(X, "shape") else None
            if idx is not None:
                sub = X.iloc[idx] if hasattr(X, "iloc") else X[idx]
                try:
                    back = self.inverse_transform(self.transform(sub))
                    if not np.allclose(np.asarray(back, dtype=float), np.asarray(sub, dtype=float)):
                        warnings.warn(
                            "The provided functions are not strictly inverse of each other. If "
                            "you are sure you want to proceed regardless, set 'check_inverse=False'.",
                            UserWarning,
                        )
                except (TypeError, ValueError):
                    pass
        return self

    def transform(self, X):
        X = self._check_input(X, reset=False)
        func = self.func if self.func is not None else _identity
        return func(X, **(self.kw_args or {}))

    def inverse_transform(self, X):
        if self.validate:
            X = check_array(X, accept_sparse=self.accept_sparse)
        func = self.inverse_func if self.inverse_func is not None else _identity
        return func(X, **(self.inv_kw_args or {}))

    def get_feature_names_out(self, input_features=None):
        if self.feature_names_out is None:
            raise AttributeError(
                "This 'FunctionTransformer' has no attribute 'get_feature_names_out'"
            )
        if hasattr(self, "n_features_in_") or input_features is not None:
            names = _input_feature_names(self, input_features)
        else:
            names = None
        if self.feature_names_out == "one-to-one":
            return names
        return np.asarray(self.feature_names_out(self, names), dtype=object)

    def __sklearn_is_fitted__(self):
        return True

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.no_validation = not self.validate
        tags.input_tags.sparse = not self.validate or self.accept_sparse
        tags.requires_fit = False
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
