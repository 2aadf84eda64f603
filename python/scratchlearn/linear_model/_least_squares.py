"""Ordinary least squares and ridge regression on the normal equations.

How it works
------------
One pass over X builds the means and the weighted, centred normal equations G = X̃ᵀX̃ and X̃ᵀỹ
(X̃ = √s·(X − μ)) together, as the scatter matrix of [X | y] (``centred_scatter``,
cpp/src/gemm/scatter.cpp: small row blocks in L1, a register-tiled kernel, the mean corrected at
the end): about n·d² flops, no copy of X. A NaN or infinity in X shows in G, so X's finiteness
is checked through G instead of by a pass of its own. The d × d system is then solved in double precision:

* LinearRegression: a Jacobi eigen-decomposition G = VΛVᵀ gives the singular values of X̃
  (σ = √λ, ``singular_``) and, when λ_min/λ_max is safely above both the solver's cut-off
  (``tol``²) and round-off (1e-8), w = VΛ⁻¹VᵀX̃ᵀỹ. Otherwise (collinear or duplicated columns,
  more features than samples, badly conditioned data) the stable path runs on X̃ itself:
  Householder QR and a one-sided Jacobi SVD of the triangular factor, dropping σ < tol·σ_max, which
  is the minimum-norm least-squares solution scipy.linalg.lstsq (and so scikit-learn) returns.
* Ridge: Cholesky of G + αI (one factorisation per distinct α); when it breaks down or is badly
  conditioned, the SVD path with the filter σ/(σ² + α).
* positive=True: non-negative least squares by projected coordinate descent on G, polished by an
  exact solve on the final passive set.

Cost: O(n·d²) for G, O(d³) for the small solve.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from ..base import BaseEstimator, RegressorMixin
from ..utils.validation import assert_finite_through, check_sample_weight, validate_data
from ._base import N_JOBS, LinearModelMixin
from ..utils._param_validation import Interval, StrOptions

__all__ = ["LinearRegression", "Ridge"]


def _prepare(est, X, y, sample_weight):
    # X's NaN/infinity check is done through the normal equations (see _normal_equations).
    X, y = validate_data(est, X, y, multi_output=True, y_numeric=True, ensure_all_finite=False)
    y = np.asarray(y, dtype=X.dtype)
    sw = None
    if sample_weight is not None:
        sw = check_sample_weight(sample_weight, X, dtype=X.dtype)
    Y = np.ascontiguousarray(y.reshape(X.shape[0], -1))
    return X, y, Y, sw


def _normal_equations(X, Y, sw, fit_intercept, n_threads):
    """Means, XᵀX and XᵀY of the centred, weighted data (one pass in the core); any NaN or
    infinity in X shows in them and is reported as validation would."""
    mean, S = _core.centred_scatter(X, Y, sw, fit_intercept, n_threads)
    assert_finite_through((mean, S), X)
    d = X.shape[1]
    return mean[:d], mean[d:], np.ascontiguousarray(S[:, :d]), np.ascontiguousarray(S[:, d:])


def _centred_weighted(X, Y, sw, x_mean, y_mean):
    """√s·(X − μ_x), √s·(Y − μ_y) in float64 (for the stable path only)."""
    A = np.asarray(X, dtype=np.float64) - x_mean
    B = np.asarray(Y, dtype=np.float64) - y_mean
    if sw is not None:
        r = np.sqrt(np.asarray(sw, dtype=np.float64))[:, None]
        A *= r
        B *= r
    return A, B


def _finish(est, W, x_mean, y_mean, y, dtype, fit_intercept):
    """coef_ (k, d) or (d,), intercept_ from the solution W (d × k) and the means."""
    coef = np.ascontiguousarray(W.T)
    if fit_intercept:
        intercept = y_mean - coef @ x_mean
    else:
        intercept = np.zeros(coef.shape[0])
    if y.ndim == 1:
        est.coef_ = coef[0].astype(dtype)
        est.intercept_ = dtype.type(intercept[0]) if fit_intercept else 0.0
    else:
        est.coef_ = coef.astype(dtype)
        est.intercept_ = intercept.astype(dtype)


class LinearRegression(LinearModelMixin, RegressorMixin, BaseEstimator):
    """Ordinary least squares, with scikit-learn's parameters and attributes.

    Parameters
    ----------
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        X is never modified (accepted for compatibility).
    tol : float, default=1e-6
        Singular values below ``tol``·σ_max are treated as zero (the ``cond`` of a least-squares
        solve), which decides ``rank_`` and the minimum-norm solution.
    n_jobs : int, default=None
        Threads for the normal equations.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    Attributes
    ----------
    coef_, intercept_, rank_, singular_, n_features_in_, feature_names_in_

    How it works
    ------------
    See the module docstring: normal equations by centred_scatter (one pass for the centred XᵀX
    and XᵀY), then an eigen-based solve, or a QR + Jacobi SVD on X when the problem is
    rank-deficient (cpp/src/linear/dense_solve.cpp).
    """

    _parameter_constraints: dict = {
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "n_jobs": N_JOBS,
        "positive": ["boolean"],
    }

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None, positive=False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X, y, sample_weight=None):
        """Fit the least-squares model (sample_weight: per-sample weights, non-negative)."""
        self._validate_params()
        fit_intercept, positive, tol = bool(self.fit_intercept), bool(self.positive), float(self.tol)
        n_threads = self._n_threads()
        X, y, Y, sw = _prepare(self, X, y, sample_weight)
        n, d = X.shape
        x_mean, y_mean, G, XtY = _normal_equations(X, Y, sw, fit_intercept, n_threads)
        k = Y.shape[1]
        if positive:
            W = np.zeros((d, k))
            for j in range(k):
                W[:, j], _ = _core.nnls_gram(G, XtY[:, j].copy(), 0.0, np.zeros(d), 100000, 1e-13)
            _finish(self, W, x_mean, y_mean, y, X.dtype, fit_intercept)
            for attr in ("rank_", "singular_"):
                if hasattr(self, attr):
                    delattr(self, attr)
            return self
        W = None
        if d <= n:
            ev, Vrows = _core.symmetric_eigen(G)
            V = Vrows.T
            lam_max = ev[0]
            if lam_max > 0 and ev[-1] > max(1e-8, tol * tol) * lam_max:
                W = V @ ((V.T @ XtY) / ev[:, None])
                self.rank_ = int(d)
                self.singular_ = np.sqrt(ev).astype(X.dtype)
        if W is None:
            A, B = _centred_weighted(X, Y, sw, x_mean, y_mean)
            W, rank, s = _core.svd_least_squares(A, B, np.zeros(1), tol, 0.0)
            self.rank_ = int(rank)
            self.singular_ = s.astype(X.dtype)
        _finish(self, W, x_mean, y_mean, y, X.dtype, fit_intercept)
        return self

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        return tags




_RIDGE_SOLVERS = ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga", "lbfgs")


class Ridge(LinearModelMixin, RegressorMixin, BaseEstimator):
    """Least squares with an L2 penalty: min ‖y − Xw‖²_s + α‖w‖², scikit-learn's parameters.

    Parameters
    ----------
    alpha : float or array of shape (n_targets,), default=1.0
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        X is never modified (accepted for compatibility).
    max_iter, tol, random_state
        Accepted for compatibility; every solver here is direct.
    solver : {'auto', 'svd', 'cholesky', 'lsqr', 'sparse_cg', 'sag', 'saga', 'lbfgs'}
        'auto' and 'cholesky' factor XᵀX + αI; 'svd' uses its eigen-decomposition (the same
        answer, robust to α = 0 on singular data). The iterative solvers of scikit-learn
        ('lsqr', 'sparse_cg', 'sag', 'saga') are answered exactly by the Cholesky route
        (deviation: no iterations, ``n_iter_`` is None). 'lbfgs' is for positive=True only.
    positive : bool, default=False
        Non-negative coefficients (projected coordinate descent on the Gram matrix).

    Attributes
    ----------
    coef_, intercept_, n_iter_ (None), solver_, n_features_in_, feature_names_in_

    How it works
    ------------
    Normal equations through centred_scatter, Cholesky (or eigen / QR+SVD fallback) in
    cpp/src/linear/dense_solve.cpp; O(n·d²) + O(d³).
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "solver": [StrOptions(set(_RIDGE_SOLVERS))],
        "positive": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None, tol=1e-4,
                 solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def _alphas(self, k):
        alpha = self.alpha
        if isinstance(alpha, (numbers.Real,)) and not isinstance(alpha, (bool, np.bool_)):
            a = np.array([float(alpha)])
        else:
            try:
                a = np.asarray(alpha, dtype=np.float64).ravel()
            except (TypeError, ValueError):
                raise ValueError(f"alpha must be a non-negative float or an array of them, got {alpha!r}.")
            if a.size == 0:
                raise ValueError("alpha must not be empty.")
        if np.any(~np.isfinite(a)) or np.any(a < 0):
            raise ValueError(f"alpha must be non-negative and finite, got {alpha!r}.")
        if a.size not in (1, k):
            raise ValueError(
                f"Number of targets and number of penalties do not correspond: {a.size} != {k}"
            )
        return a

    def fit(self, X, y, sample_weight=None):
        """Fit ridge regression (sample_weight: per-sample weights, non-negative)."""
        self._validate_params()
        fit_intercept, positive, solver = bool(self.fit_intercept), bool(self.positive), self.solver
        if positive and solver not in ("auto", "lbfgs"):
            raise ValueError(
                f"solver='{solver}' does not support positive fitting. Please set the solver "
                "to 'auto' or 'lbfgs', or set `positive=False`"
            )
        if solver == "lbfgs" and not positive:
            raise ValueError("'lbfgs' solver can be used only when positive=True. Please use another solver.")
        X, y, Y, sw = _prepare(self, X, y, sample_weight)
        n, d = X.shape
        k = Y.shape[1]
        alphas = self._alphas(k)
        n_threads = self._n_threads()
        x_mean, y_mean, G, XtY = _normal_equations(X, Y, sw, fit_intercept, n_threads)
        W = None
        if positive:
            W = np.zeros((d, k))
            for j in range(k):
                a = alphas[0] if alphas.size == 1 else alphas[j]
                W[:, j], _ = _core.nnls_gram(G, XtY[:, j].copy(), float(a), np.zeros(d), 100000, 1e-13)
            self.solver_ = "lbfgs"
        elif d <= n and solver == "svd":
            ev, Vrows = _core.symmetric_eigen(G)
            V = Vrows.T
            lam_max = max(ev[0], 0.0)
            amin = alphas.min()
            if lam_max + amin > 0 and ev[-1] + amin > 1e-10 * (lam_max + amin):
                C = V.T @ XtY
                denom = ev[:, None] + (alphas[None, :] if alphas.size > 1 else alphas[0])
                W = V @ (C / denom)
            self.solver_ = "svd"
        elif d <= n:
            W, ratio = _core.cholesky_solve(G, XtY, alphas)
            if ratio < 1e-10:
                W = None
            self.solver_ = "cholesky" if solver == "auto" else solver
        else:
            self.solver_ = "cholesky" if solver == "auto" else solver
        if W is None:
            A, B = _centred_weighted(X, Y, sw, x_mean, y_mean)
            W, _, _ = _core.svd_least_squares(A, B, alphas, 0.0, 1e-15)
        _finish(self, W, x_mean, y_mean, y, X.dtype, fit_intercept)
        self.n_iter_ = None
        return self

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        return tags
