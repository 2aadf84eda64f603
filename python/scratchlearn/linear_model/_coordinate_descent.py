"""Lasso and ElasticNet by coordinate descent with scikit-learn's objective and stopping rule.

How it works
------------
The objective is scikit-learn's
    1/(2n)·‖y − Xw − b‖² + α·ρ·‖w‖₁ + α(1−ρ)/2·‖w‖²        (ρ = l1_ratio)
(with sample weights: the weighted mean of the squared errors, the weights rescaled to sum to n).
Multiplying by n gives ½‖y − Xw‖² + l1‖w‖₁ + ½l2‖w‖² with l1 = nαρ, l2 = nα(1−ρ), which cyclic
coordinate descent minimises one coefficient at a time:
    w_j ← S(X_jᵀr + ‖X_j‖²w_j, l1) / (‖X_j‖² + l2),   S the soft threshold.
When a sweep's largest change is below tol·max|w|, the duality gap is computed, and the fit stops once
it is ≤ tol·‖y‖² (scikit-learn's rule); dual_gap_ is that gap divided by n.

With n_samples ≥ n_features and at most 320 features the fit runs on the normal equations XᵀX,
Xᵀy from the start (built in one pass over the row-major data by centred_scatter, O(n·d²), no copy
of X), where each update is O(d) — what scikit-learn's precompute=True does. Wider problems start
on the columns of the centred data (one column-major copy, O(n) per update; the residual update of
a coordinate is fused with the next coordinate's dot product, so each update reads the residual
once) and continue on XᵀX when a fit needs more than about d/8 sweeps. Both forms apply
scikit-learn's gap safe screening after every duality-gap check (a feature whose coefficient is
provably zero at the optimum leaves the sweeps), so the iterates and the answer are scikit-learn's
up to round-off. The C++ is cpp/src/linear_model/coordinate_descent.cpp. selection='random' draws
coordinates from a seeded generator (not scikit-learn's, so the path differs; the solution is the
same to the tolerance).
Deviation: ``precompute`` is accepted but the core chooses the form itself.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils.validation import check_random_state, check_sample_weight, validate_data
from ._base import LinearModelMixin
from ..utils._param_validation import Interval, StrOptions
from ._least_squares import _normal_equations

__all__ = ["ElasticNet", "Lasso"]

_GRAM_MAX_FEATURES = 4096
# Up to this many features (and n_samples >= n_features) the fit runs on XᵀX from the start.
_GRAM_FIRST_FEATURES = 320


class ElasticNet(LinearModelMixin, RegressorMixin, BaseEstimator):
    """Linear regression with combined L1 and L2 priors (scikit-learn's ElasticNet).

    Parameters
    ----------
    alpha : float, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    precompute : bool, 'auto' or array, default=False
        Accepted; the core chooses the Gram form itself (see "How it works").
    max_iter : int, default=1000
    copy_X : bool, default=True
        X is never modified.
    tol : float, default=1e-4
    warm_start : bool, default=False
    positive : bool, default=False
    random_state : int, RandomState or None
        Seeds selection='random'.
    selection : {'cyclic', 'random'}, default='cyclic'

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, sparse_coef_ (not provided), n_features_in_

    How it works
    ------------
    Coordinate descent on the Gram matrix (centred_scatter) with the duality-gap stopping rule;
    see the module docstring and cpp/src/linear_model/coordinate_descent.cpp.
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "precompute": ["boolean", StrOptions({"auto"}), "array-like"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "copy_X": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute=False,
                 max_iter=1000, copy_X=True, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit the model by coordinate descent."""
        self._validate_params()
        alpha, l1_ratio, tol = float(self.alpha), float(self.l1_ratio), float(self.tol)
        fit_intercept, warm_start, positive = bool(self.fit_intercept), bool(self.warm_start), bool(self.positive)
        max_iter, selection = int(self.max_iter), self.selection
        if alpha == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are advised to use the "
                "LinearRegression estimator",
                stacklevel=2,
            )
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=X.dtype)
        n, d = X.shape
        Y = np.ascontiguousarray(y.reshape(n, -1))
        k = Y.shape[1]
        sw = None
        if sample_weight is not None and not isinstance(sample_weight, numbers.Number):
            sw = check_sample_weight(sample_weight, X, dtype=X.dtype)
            total = float(np.sum(sw, dtype=np.float64))
            sw = (sw * (n / total)).astype(X.dtype)
        n_threads = self._n_threads()
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(0, 2**31 - 1)) if selection == "random" else 0

        W0 = np.zeros((k, d))
        if warm_start and getattr(self, "coef_", None) is not None:
            c = np.asarray(self.coef_, dtype=np.float64).reshape(-1, d) if np.size(self.coef_) == k * d else None
            if c is not None:
                W0 = c.copy()
        l1 = alpha * l1_ratio * n
        l2 = alpha * (1.0 - l1_ratio) * n

        # Few features (d <= _GRAM_FIRST_FEATURES, n >= d): XᵀX and Xᵀy in one pass over the
        # row-major data (centred_scatter, no copy of X), then every sweep is O(d²). Otherwise
        # start on the columns of the centred data; when the fit needs many sweeps (more than about
        # d/8, where one centred_scatter pass for the Gram matrix becomes the cheaper way),
        # continue on XᵀX.
        gram_ok = n >= d and d <= _GRAM_MAX_FEATURES
        gram_first = gram_ok and d <= _GRAM_FIRST_FEATURES
        budget = max(2, d // 8) if gram_ok else max_iter
        w_ = None if sw is None else sw.astype(np.float64)
        gram = None
        if gram_first:
            x_mean, y_mean, H, q = _normal_equations(X, Y, sw, fit_intercept, n_threads)
            if not fit_intercept:
                x_mean, y_mean = np.zeros(d), np.zeros(k)
            gram = (H, q)
            Yc = np.asarray(Y, dtype=np.float64) - y_mean
            if sw is not None:
                Yc *= np.sqrt(w_)[:, None]
            Xc = None
        else:
            if fit_intercept:
                x_mean = np.average(X, axis=0, weights=w_).astype(np.float64)
                y_mean = np.average(Y, axis=0, weights=w_).astype(np.float64)
            else:
                x_mean, y_mean = np.zeros(d), np.zeros(k)
            Xc = _core.linear_model.center_columns(X, x_mean, sw, n_threads)
            Yc = np.asarray(Y, dtype=np.float64) - y_mean
            if sw is not None:
                Yc *= np.sqrt(w_)[:, None]
        yy = np.einsum("ij,ij->j", Yc, Yc)

        coefs = np.zeros((k, d))
        gaps = np.zeros(k)
        n_iters = []
        for t in range(k):
            tol_t = tol * yy[t]
            random = selection == "random"
            if gram_first:
                H, q = gram
                w, it, gap, conv = _core.linear_model.enet_cd_gram(
                    H, q[:, t].copy(), float(yy[t]), l1, l2, W0[t].copy(), max_iter, tol_t, tol,
                    positive, random, seed, True)
            else:
                w, it, gap, conv = _core.linear_model.enet_cd_data(
                    Xc, np.ascontiguousarray(Yc[:, t]), l1, l2, W0[t], max_iter, tol_t, tol,
                    positive, random, seed, n_threads, budget)
            if not conv and it < max_iter and not gram_first:
                if gram is None:
                    _, _, H, q = _normal_equations(X, Y, sw, fit_intercept, n_threads)
                    gram = (H, q)
                H, q = gram
                w, it2, gap, conv = _core.linear_model.enet_cd_gram(H, q[:, t].copy(), float(yy[t]), l1, l2, w,
                                                       max_iter - it, tol_t, tol, positive, random,
                                                       seed + 1, False)
                it += it2
            if not conv:
                msg = (
                    "Objective did not converge. You might want to increase the number of "
                    "iterations, check the scale of the features or consider increasing "
                    f"regularisation. Duality gap: {gap:.6e}, tolerance: {tol_t:.3e}"
                )
                if alpha < np.finfo(np.float64).eps:
                    msg += ("\nLinear regression models with a zero l1 penalization strength are "
                            "more efficiently fitted using one of the solvers implemented in "
                            "sklearn.linear_model.Ridge/RidgeCV instead.")
                warnings.warn(msg, ConvergenceWarning, stacklevel=2)
            coefs[t] = w
            gaps[t] = gap / n
            n_iters.append(int(it))
        intercept = (y_mean - coefs @ x_mean) if fit_intercept else np.zeros(k)
        if not (np.all(np.isfinite(coefs)) and np.all(np.isfinite(intercept))):
            raise ValueError(
                "Coordinate descent iterations resulted in non-finite parameter values. The input "
                "data may contain large values and need to be preprocessed."
            )
        dt = X.dtype
        if y.ndim == 1:
            self.coef_ = coefs[0].astype(dt)
            self.intercept_ = dt.type(intercept[0]) if fit_intercept else 0.0
            self.dual_gap_ = dt.type(gaps[0])
            self.n_iter_ = n_iters[0]
        else:
            self.coef_ = coefs.astype(dt)
            self.intercept_ = intercept.astype(dt)
            self.dual_gap_ = gaps.astype(dt)
            self.n_iter_ = n_iters
        return self

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class Lasso(ElasticNet):
    """Linear model with an L1 prior (scikit-learn's Lasso): ElasticNet with l1_ratio = 1.

    Objective 1/(2n)‖y − Xw‖² + α‖w‖₁; same parameters as ElasticNet without l1_ratio.

    How it works
    ------------
    Coordinate descent on the Gram matrix with the duality-gap stopping rule
    (cpp/src/linear_model/coordinate_descent.cpp).
    """

    _parameter_constraints: dict = {
        k: v for k, v in ElasticNet._parameter_constraints.items() if k != "l1_ratio"
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute=False, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, positive=False, random_state=None,
                 selection="cyclic"):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
                         warm_start=warm_start, positive=positive, random_state=random_state,
                         selection=selection)
