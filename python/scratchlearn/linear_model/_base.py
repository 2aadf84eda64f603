"""Shared pieces of the linear models: parameter checks, the linear predictor, label handling."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from ..utils._param_validation import Interval
from ..utils.validation import check_is_fitted, validate_data

__all__: list[str] = []


# n_jobs: None, -1 (all cores), -2 (all but one), ... or a positive count; 0 has no meaning.
N_JOBS = [Interval(numbers.Integral, None, -1, closed="right"),
          Interval(numbers.Integral, 1, None, closed="left"), None]


def _matmul(A, B, *, trans_b=False, n_threads=1):
    """A @ B (or A @ B.T) through the project GEMM, in A's dtype."""
    # Canonical dtype objects: the core dispatches on dtype identity (a memmap's float32 dtype
    # object need not be numpy's canonical one).
    dt = np.dtype(np.float32) if A.dtype == np.float32 else np.dtype(np.float64)
    A = np.ascontiguousarray(A, dtype=dt)
    B = np.ascontiguousarray(B, dtype=dt)
    m = A.shape[0]
    n = B.shape[0] if trans_b else B.shape[1]
    out = np.empty((m, n), dtype=dt)
    _core.gemm_into(A, B, out, False, trans_b, 1.0, 0.0, n_threads)
    return out


class LinearModelMixin:
    """``predict`` = X·coef_ᵀ + intercept_ for regressors (coef_ 1-d or 2-d)."""

    def _decision(self, X):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        coef = np.asarray(self.coef_)
        W = coef.reshape(1, -1) if coef.ndim == 1 else coef
        n_threads = self._n_threads()
        out = _matmul(X, W.astype(X.dtype, copy=False), trans_b=True, n_threads=n_threads)
        out += np.asarray(self.intercept_, dtype=X.dtype)
        return out[:, 0] if coef.ndim == 1 else out

    def predict(self, X):
        """Predicted targets X·coef_ᵀ + intercept_."""
        return self._decision(X)


class LinearClassifierMixin:
    """decision_function / predict for linear classifiers with classes_, coef_ (k, d), intercept_ (k,)."""

    def decision_function(self, X):
        """Signed distance to the hyperplane(s): X·coef_ᵀ + intercept_ (1-d for two classes)."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        n_threads = self._n_threads()
        W = np.asarray(self.coef_).astype(X.dtype, copy=False)
        scores = _matmul(X, W, trans_b=True, n_threads=n_threads)
        scores += np.asarray(self.intercept_, dtype=X.dtype)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The class of largest decision value for each row of X."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            idx = (scores > 0).astype(np.intp)
        else:
            idx = scores.argmax(axis=1)
        return self.classes_[idx]
