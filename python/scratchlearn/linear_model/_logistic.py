"""Logistic regression (binary and multinomial) with L-BFGS and Newton–Cholesky in C++.

How it works
------------
The objective is scikit-learn's (1.8+):
    f(W, b) = (1/S)·Σ_i s_i·ℓ(y_i, W x_i + b) + 1/(2·C·S)·‖W‖²,   S = Σ_i s_i,
with ℓ the binomial log-loss for two classes (one coefficient row, classes_[1] positive) and the
multinomial cross-entropy (softmax over one row per class) for more; s_i = sample_weight_i ·
class_weight[y_i]; the intercept is not penalised; C = inf (or penalty=None) drops the penalty. This
is C·Σ s_i ℓ_i + ½‖W‖² divided by C·S, so it has the same minimiser.

* 'lbfgs': limited-memory BFGS with a strong-Wolfe line search (cpp/include/scratchlearn/lbfgs.hpp);
  stops when max|∇f| ≤ tol, as scipy's L-BFGS-B does for scikit-learn. Each evaluation is one pass
  over X, O(n·d·K). With several classes it runs a fused per-ISA kernel on blocks of 64 rows
  (cpp/src/linear_model/logistic_kernels_impl.hpp): the scores from W stored transposed (one
  broadcast of x_ij times the K class weights, a few rows per register tile, X read in place), the
  softmax with a vectorised exponential, and the gradient Σ x_i g_iᵀ by the same tile, all while
  the block is in cache; the binary case (and the portable path) uses the GEMM on blocks of 256
  rows (cpp/src/linear_model/logistic.cpp).
* 'newton-cholesky': Newton steps with the Hessian Σ s_i (diag(p_i) − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ built
  blockwise on the GEMM (O(n·d²·K²) per step) and solved by Cholesky; backtracking line search.
  'newton-cg' is answered by the same Newton solver.
* 'auto' (an addition): Newton–Cholesky when the Hessian is small next to the data, else L-BFGS.

* 'saga' (and 'sag', answered by the same solver): SAGA (Defazio, Bach & Lacoste-Julien, 2014),
  the only solver for the L1 and elastic-net penalties (1/(C·S))·[ρ‖W‖₁ + (1−ρ)/2·‖W‖²], ρ =
  l1_ratio: samples drawn at random (``random_state``), each step the sample's new gradient minus
  its stored one plus the mean of all stored ones, then soft thresholding; stops when an epoch
  changes no weight by more than tol·max|θ| (cpp/src/linear_model/saga.cpp). O(n·d·K) per epoch.

Deviations: the solver 'liblinear' is not provided (and 'sag' runs SAGA steps, which reach the
same optimum); n_jobs sets the threads of the core (SAGA is sequential).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin
from ..exceptions import ConvergenceWarning
from ..utils.validation import check_random_state, check_sample_weight, validate_data
from ..utils._param_validation import Interval, StrOptions
from ..utils.multiclass import compute_class_weight, encode_classes
from ._base import N_JOBS, LinearClassifierMixin

__all__ = ["LogisticRegression"]

_SOLVERS = ("lbfgs", "newton-cholesky", "newton-cg", "sag", "saga", "auto")
_UNSUPPORTED = ("liblinear",)
_MAX_INT = np.iinfo(np.int32).max


def _softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


class LogisticRegression(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression classifier with scikit-learn's parameters, objective and attributes.

    Parameters
    ----------
    penalty : {'l1', 'l2', 'elasticnet', None}, deprecated (scikit-learn 1.8)
        Use l1_ratio, and C=np.inf for no penalty. 'l1'/'elasticnet' need solver='saga'.
    C : float, default=1.0
        Inverse regularisation strength.
    l1_ratio : float, default=0.0
        The L1 share ρ of the elastic-net penalty ρ‖W‖₁ + (1−ρ)/2·‖W‖² (ρ > 0 needs 'saga').
    dual : bool, default=False
        Must be False.
    tol : float, default=1e-4
        Stop when the largest gradient entry of the (averaged) objective is below tol ('saga':
        when an epoch changes no weight by more than tol·max|θ|).
    fit_intercept : bool, default=True
    random_state : int, RandomState or None
        The sample order of 'saga'.
    intercept_scaling, verbose
        Accepted for compatibility (unused).
    class_weight : dict, 'balanced' or None
    solver : {'lbfgs', 'newton-cholesky', 'newton-cg', 'sag', 'saga', 'auto'}, default='lbfgs'
    max_iter : int, default=100
    warm_start : bool, default=False
    n_jobs : int, default=None
        Threads for the core.

    Attributes
    ----------
    classes_, coef_ (1 or n_classes, n_features), intercept_, n_iter_ (array of one int),
    n_features_in_, feature_names_in_

    How it works
    ------------
    See the module docstring; the work is in cpp/src/linear_model/logistic.cpp.
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l1", "l2", "elasticnet", "deprecated"}), None],
        "C": [Interval(numbers.Real, 0, None, closed="right")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both"), None],
        "dual": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "solver": [StrOptions(set(_SOLVERS) | set(_UNSUPPORTED))],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "n_jobs": N_JOBS,
    }

    def __init__(self, penalty="deprecated", *, C=1.0, l1_ratio=0.0, dual=False, tol=1e-4,
                 fit_intercept=True, intercept_scaling=1, class_weight=None, random_state=None,
                 solver="lbfgs", max_iter=100, verbose=0, warm_start=False, n_jobs=None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    def _resolve_penalty(self):
        l1_ratio = None if self.l1_ratio is None else float(self.l1_ratio)
        C = float(self.C)
        if isinstance(self.penalty, str) and self.penalty == "deprecated":
            if l1_ratio is None or l1_ratio == 0:
                penalty = "l2"
            elif l1_ratio == 1:
                penalty = "l1"
            else:
                penalty = "elasticnet"
            if C == np.inf:
                penalty = None
        else:
            warnings.warn(
                "'penalty' was deprecated in version 1.8 and will be removed in 1.10. To avoid "
                "this warning, leave 'penalty' set to its default value and use 'l1_ratio' or "
                "'C' instead.",
                FutureWarning,
            )
            penalty = self.penalty
        return penalty, C

    def fit(self, X, y, sample_weight=None):
        """Fit the model (sample_weight: per-sample weights, multiplied by class weights)."""
        self._validate_params()
        penalty, C = self._resolve_penalty()
        solver = self.solver
        if isinstance(solver, str) and solver in _UNSUPPORTED:
            raise ValueError(
                f"solver={solver!r} is not available in scratchlearn; use 'lbfgs', "
                "'newton-cholesky', 'saga' or 'auto' (the same objective)."
            )
        if penalty not in ("l2", None) and solver != "saga":
            raise ValueError(
                f"Solver {solver} supports only 'l2' or None penalties, got {penalty} penalty."
            )
        if self.dual:
            raise ValueError(f"Solver {solver} supports only dual=False, got dual=True")
        tol, max_iter = float(self.tol), int(self.max_iter)
        fit_intercept, warm_start = bool(self.fit_intercept), bool(self.warm_start)
        n_threads = self._n_threads()
        if self.penalty is None:
            C = np.inf

        X, y = validate_data(self, X, y)
        classes, codes = encode_classes(y)
        n_classes = len(classes)
        if n_classes < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {classes[0]!r}"
            )
        n, d = X.shape
        sw = check_sample_weight(sample_weight, X, dtype=X.dtype)
        cw = compute_class_weight(self.class_weight, classes, codes, sample_weight)
        if self.class_weight is not None:
            sw = (sw * cw[codes]).astype(X.dtype)
        S = float(np.sum(sw, dtype=np.float64))
        if not S > 0:
            raise ValueError("The sample weights (times the class weights) sum to zero; at least one weight must be positive.")
        # The penalty (1/(C·S))·[ρ‖W‖₁ + (1−ρ)/2‖W‖²], ρ the L1 share (l1_ratio).
        rho = {"l1": 1.0, "elasticnet": float(self.l1_ratio if self.l1_ratio is not None else 0.0),
               "l2": 0.0, None: 0.0}[penalty]
        if penalty == "elasticnet" and (self.l1_ratio is None):
            raise ValueError("l1_ratio must be specified when penalty is 'elasticnet'.")
        l2 = 0.0 if C == np.inf else (1.0 - rho) / (C * S)
        l1 = 0.0 if C == np.inf else rho / (C * S)
        K = 1 if n_classes == 2 else n_classes
        n_params = K * d + (K if fit_intercept else 0)
        theta0 = np.zeros(n_params)
        if warm_start and getattr(self, "coef_", None) is not None:
            coef = np.asarray(self.coef_)
            if coef.shape == (K, d):
                theta0[: K * d] = coef.ravel()
                if fit_intercept:
                    theta0[K * d:] = np.asarray(self.intercept_).ravel()
        if solver == "auto":
            solver = "newton-cholesky" if (K * (d + 1) <= 120 and n >= 20 * K * (d + 1)) else "lbfgs"
        code = {"lbfgs": "lbfgs", "newton-cholesky": "newton", "newton-cg": "newton", "sag": "saga", "saga": "saga"}[solver]
        seed = int(check_random_state(self.random_state).randint(_MAX_INT)) if code == "saga" else 0
        sw_arg = None if sample_weight is None and self.class_weight is None else sw
        theta, n_iter, status, _, _ = _core.linear_model.logistic_fit(
            X, codes.astype(np.int32), sw_arg, S, K, fit_intercept, l2, l1, code, max_iter, tol,
            seed, theta0, n_threads,
        )
        if status != 0 and code == "saga":
            warnings.warn(
                "The max_iter was reached which means the coef_ did not converge",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif status != 0:
            name = "lbfgs" if code == "lbfgs" else "newton-cholesky"
            reason = ("TOTAL NO. OF ITERATIONS REACHED LIMIT" if status == 1
                      else "the line search could not find a better point")
            warnings.warn(
                f"{name} failed to converge after {n_iter} iteration(s) (status={status}): "
                f"{reason}.\n\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={max_iter}).\nYou might also want to scale the data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.classes_ = classes
        self.coef_ = theta[: K * d].reshape(K, d).astype(X.dtype)
        self.intercept_ = (theta[K * d:] if fit_intercept else np.zeros(K)).astype(X.dtype)
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def predict_proba(self, X):
        """Class probabilities, columns in the order of classes_."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = np.empty((scores.shape[0], 2), dtype=scores.dtype)
            # σ(z) computed stably for either sign.
            with np.errstate(over="ignore"):
                p[:, 1] = 1.0 / (1.0 + np.exp(-scores))
            p[:, 0] = 1.0 - p[:, 1]
            return p
        return _softmax(scores)

    def predict_log_proba(self, X):
        """Logarithm of predict_proba."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))
