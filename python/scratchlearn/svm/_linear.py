"""Linear SVMs: LinearSVC and LinearSVR (liblinear's objectives).

How it works
------------
The objective is liblinear's: ½‖w̃‖² + Σ_i C_i·loss_i(w̃·x̃_i) with x̃ = [x, intercept_scaling] (the
intercept is regularised like any weight; a larger intercept_scaling weakens that). With
``dual=True`` the core (cpp/src/svm/linear.cpp) runs dual coordinate descent (Hsieh et al. 2008):
one dual variable at a time in a random order, each a one-dimensional Newton step clipped to its box
[0, U] (hinge: U = C_i; squared hinge: U = ∞ with a diagonal 1/(2C_i)), keeping w = Σ α_i y_i x̃_i up
to date, so a sweep costs O(n·d); variables stuck at a bound are shrunk away, and the run stops when
the spread of projected gradients is below ``tol``. LinearSVR uses the same scheme on
β ∈ [−U, U] with the ε-insensitive gradients (Ho & Lin 2012). With ``dual=False`` (squared losses)
the primal is minimised by L-BFGS. Multi-class is one-vs-rest, the classes solved in parallel.

``penalty='l1'`` (squared hinge, primal) is coordinate descent over the features with a
one-dimensional Newton step and a line search (Yuan et al. 2010), features shrunk when their
subgradient holds 0. ``multi_class='crammer_singer'`` is the sequential dual method (Keerthi et al.
2008): one sample's k dual variables at a time, the subproblem solved exactly by sorting.

Deviations from scikit-learn: the coordinate order uses its own random generator, so answers agree
with liblinear's up to the tolerance; the l2 primal solver is L-BFGS, not a trust-region Newton
method.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils.multiclass import check_classification_targets
from ..utils.validation import check_is_fitted, check_random_state, check_sample_weight, validate_data

_S = _core.svm

__all__ = ["LinearSVC", "LinearSVR"]

# (loss, penalty) → the duals that exist; what liblinear offers and scikit-learn exposes.
_SUPPORTED = {
    ("hinge", "l2"): {True},
    ("squared_hinge", "l2"): {True, False},
    ("squared_hinge", "l1"): {False},
    ("epsilon_insensitive", "l2"): {True},
    ("squared_epsilon_insensitive", "l2"): {True, False},
}


def _resolve_dual(dual, loss, penalty, X):
    options = _SUPPORTED.get((loss, penalty))
    if options is None:
        raise ValueError(
            f"Unsupported set of arguments: The combination of penalty='{penalty}' and loss='{loss}' "
            f"is not supported, Parameters: penalty={penalty!r}, loss={loss!r}, dual={dual!r}"
        )
    if dual == "auto":
        prefer = X.shape[0] < X.shape[1]
        return prefer if prefer in options else (not prefer)
    if dual not in options:
        raise ValueError(
            f"Unsupported set of arguments: The combination of penalty='{penalty}' and loss='{loss}' "
            f"are not supported when dual={dual}, Parameters: penalty={penalty!r}, loss={loss!r}, "
            f"dual={dual!r}"
        )
    return bool(dual)


def _gemm_scores(X, W, b, n_threads):
    dt = X.dtype
    W = np.ascontiguousarray(W, dtype=dt)
    out = np.empty((X.shape[0], W.shape[0]), dtype=dt)
    _core.linalg.gemm_into(X, W, out, False, True, 1.0, 0.0, n_threads)
    out += np.asarray(b, dtype=dt)
    return out


def _linear_params(est, loss, rnd):
    p = _S.LinearParams()
    p.loss = getattr(_S.LinearLoss, loss)
    p.C = float(est.C)
    p.tol = float(est.tol)
    p.max_iter = int(est.max_iter)
    p.fit_intercept = bool(est.fit_intercept)
    p.intercept_scaling = float(est.intercept_scaling)
    p.seed = int(rnd.randint(np.iinfo("i").max))
    return p


def _split_raw(est, W):
    if est.fit_intercept:
        return W[:, :-1], est.intercept_scaling * W[:, -1]
    return W[:, :-1], 0.0


class LinearSVC(ClassifierMixin, BaseEstimator):
    """Linear Support Vector Classification (liblinear's objective), scikit-learn's LinearSVC.

    Parameters
    ----------
    penalty : {'l1', 'l2'}, default='l2'
        'l1' (sparse coef_) needs loss='squared_hinge' and dual=False.
    loss : {'hinge', 'squared_hinge'}, default='squared_hinge'
    dual : 'auto' or bool, default='auto'
        'auto': the primal when n_samples >= n_features and the loss allows it, else the dual.
    tol : float, default=1e-4
    C : float, default=1.0
    multi_class : {'ovr', 'crammer_singer'}, default='ovr'
        'crammer_singer': one joint multi-class objective (loss, penalty and dual are ignored).
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1
    class_weight : dict or 'balanced', default=None
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds the coordinate order of the dual solver.
    max_iter : int, default=1000

    Attributes
    ----------
    coef_ (1 or n_classes, n_features), intercept_, classes_, n_iter_, n_features_in_.

    How it works
    ------------
    See the module docstring (scratchlearn/svm/_linear.py); the solver is cpp/src/svm/linear.cpp.
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l1", "l2"})],
        "loss": [StrOptions({"hinge", "squared_hinge"})],
        "dual": ["boolean", StrOptions({"auto"})],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "C": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "multi_class": [StrOptions({"ovr", "crammer_singer"})],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [None, dict, StrOptions({"balanced"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, penalty="l2", loss="squared_hinge", *, dual="auto", tol=1e-4, C=1.0,
                 multi_class="ovr", fit_intercept=True, intercept_scaling=1, class_weight=None,
                 verbose=0, random_state=None, max_iter=1000):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the one-vs-rest linear SVMs (one problem for two classes, positive ``classes_[1]``)."""
        self._validate_params()
        X, y = validate_data(self, X, y, reset=True)
        X = np.ascontiguousarray(X)
        cs = self.multi_class == "crammer_singer"  # its own solver: loss, penalty, dual unused
        dual = True if cs else _resolve_dual(self.dual, self.loss, self.penalty, X)
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data contains "
                f"only one class: {classes[0]!r}"
            )
        self.classes_ = classes
        sw = np.asarray(check_sample_weight(sample_weight, X), dtype=np.float64)
        cw = _class_weight(self.class_weight, classes, codes, sw)
        n = X.shape[0]
        C = float(self.C)
        if cs:
            return self._fit_crammer_singer(X, codes, C * sw * cw[codes], sw > 0)
        if len(classes) == 2:
            Y = np.where(codes == 1, 1.0, -1.0)[None, :]
            Cw = (C * sw * np.where(codes == 1, cw[1], cw[0]))[None, :]
        else:
            k = len(classes)
            Y = np.where(codes[None, :] == np.arange(k)[:, None], 1.0, -1.0)
            # liblinear: positives get C·weight of their class, the rest plain C.
            Cw = C * sw[None, :] * np.where(Y > 0, cw[:, None], 1.0)
        keep = sw > 0
        Xk = X if keep.all() else np.ascontiguousarray(X[keep])
        rnd = check_random_state(self.random_state)
        params = _linear_params(self, self.loss, rnd)
        params.l1_penalty = self.penalty == "l1"
        W, n_iter = _S.linear_fit(Xk, np.ascontiguousarray(Y[:, keep]), np.ascontiguousarray(Cw[:, keep]),
                                  params, dual, 1 if len(Y) == 1 else _n_threads(self))
        coef, intercept = _split_raw(self, W)
        self.coef_ = coef.astype(X.dtype)
        self.intercept_ = (np.asarray(intercept, dtype=X.dtype) if self.fit_intercept else 0.0)
        self.n_iter_ = int(np.max(n_iter))
        if self.n_iter_ >= self.max_iter:
            warnings.warn("Liblinear failed to converge, increase the number of iterations.", ConvergenceWarning)
        return self

    def _fit_crammer_singer(self, X, codes, Cw, keep):
        k = len(self.classes_)
        Xk = X if keep.all() else np.ascontiguousarray(X[keep])
        params = _linear_params(self, self.loss, check_random_state(self.random_state))
        W, n_iter = _S.linear_fit_cs(Xk, codes[keep].astype(np.float64), np.ascontiguousarray(Cw[keep]), k,
                                     params)
        coef, intercept = _split_raw(self, W)
        intercept = np.asarray(intercept, dtype=np.float64) * np.ones(k)
        if k == 2:  # one decision function, positive for classes_[1] (as scikit-learn folds it)
            coef = (coef[1] - coef[0])[None, :]
            intercept = np.array([intercept[1] - intercept[0]])
        self.coef_ = coef.astype(X.dtype)
        self.intercept_ = intercept.astype(X.dtype) if self.fit_intercept else 0.0
        self.n_iter_ = int(n_iter)
        if self.n_iter_ >= self.max_iter:
            warnings.warn("Liblinear failed to converge, increase the number of iterations.", ConvergenceWarning)
        return self

    def decision_function(self, X):
        """X·coef_ᵀ + intercept_ (1-d for two classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        X = np.ascontiguousarray(X)
        s = _gemm_scores(X, self.coef_, self.intercept_, _n_threads(self))
        return s[:, 0] if s.shape[1] == 1 else s

    def predict(self, X):
        """The class of largest decision value."""
        s = self.decision_function(X)
        idx = (s > 0).astype(np.intp) if s.ndim == 1 else np.argmax(s, axis=1)
        return self.classes_[idx]


class LinearSVR(RegressorMixin, BaseEstimator):
    """Linear Support Vector Regression (liblinear's objective), scikit-learn's LinearSVR.

    Parameters
    ----------
    epsilon : float, default=0.0
    tol : float, default=1e-4
    C : float, default=1.0
    loss : {'epsilon_insensitive', 'squared_epsilon_insensitive'}, default='epsilon_insensitive'
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1.0
    dual : 'auto' or bool, default='auto'
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
    max_iter : int, default=1000

    Attributes
    ----------
    coef_ (n_features,), intercept_ (1,), n_iter_, n_features_in_.

    How it works
    ------------
    Dual coordinate descent on β ∈ [−U, U] (or the primal by L-BFGS for the squared loss), in
    cpp/src/svm/linear.cpp; see the module docstring.
    """

    _parameter_constraints: dict = {
        "epsilon": [numbers.Real],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "C": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "loss": [StrOptions({"epsilon_insensitive", "squared_epsilon_insensitive"})],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "dual": ["boolean", StrOptions({"auto"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, *, epsilon=0.0, tol=1e-4, C=1.0, loss="epsilon_insensitive", fit_intercept=True,
                 intercept_scaling=1.0, dual="auto", verbose=0, random_state=None, max_iter=1000):
        self.epsilon = epsilon
        self.tol = tol
        self.C = C
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.dual = dual
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the linear SVR."""
        self._validate_params()
        X, y = validate_data(self, X, y, reset=True, y_numeric=True)
        X = np.ascontiguousarray(X)
        dual = _resolve_dual(self.dual, self.loss, "l2", X)
        sw = np.asarray(check_sample_weight(sample_weight, X), dtype=np.float64)
        keep = sw > 0
        Xk = X if keep.all() else np.ascontiguousarray(X[keep])
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        rnd = check_random_state(self.random_state)
        params = _linear_params(self, self.loss, rnd)
        params.epsilon = float(self.epsilon)
        W, n_iter = _S.linear_fit(Xk, np.ascontiguousarray(y[keep][None, :]),
                                  np.ascontiguousarray((self.C * sw[keep])[None, :]), params, dual, 1)
        coef, intercept = _split_raw(self, W)
        self.coef_ = coef[0].astype(X.dtype)
        self.intercept_ = np.atleast_1d(np.asarray(intercept, dtype=X.dtype)) if self.fit_intercept else 0.0
        self.n_iter_ = int(np.max(n_iter))
        if self.n_iter_ >= self.max_iter:
            warnings.warn("Liblinear failed to converge, increase the number of iterations.", ConvergenceWarning)
        return self

    def predict(self, X):
        """X·coef_ + intercept_."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        X = np.ascontiguousarray(X)
        return _gemm_scores(X, self.coef_[None, :], self.intercept_, _n_threads(self))[:, 0]


def _n_threads(est):
    return est._n_threads()


def _class_weight(class_weight, classes, codes, sw):
    k = len(classes)
    if class_weight is None or (isinstance(class_weight, dict) and not class_weight):
        return np.ones(k)
    if isinstance(class_weight, str):
        counts = np.bincount(codes, weights=sw, minlength=k)
        return sw.sum() / (k * counts)
    w = np.ones(k)
    for label, value in class_weight.items():
        where = np.flatnonzero(classes == label)
        if where.size == 0:
            raise ValueError(f"The classes, {[label]}, are not in class labels {list(classes)}.")
        w[where[0]] = value
    return w
