"""Plain stochastic gradient descent: SGDClassifier and SGDRegressor.

How it works
------------
For each epoch the samples are visited once (in a fresh seeded random order when ``shuffle``); for
sample (x, y) with prediction p = w·x + b the update is
    w ← (1 − η·α·(1−ρ))·w − η·∂ℓ(y, p)/∂p·s·x,        b ← b − η·∂ℓ/∂p·s
(s = sample weight × class weight, ρ = l1_ratio), with the L2 shrinkage kept as a running scale
factor so it costs O(1), and the L1 part applied as scikit-learn does (cumulative penalty with
clipping at zero, Tsuruoka et al. 2009). Learning rates: 'optimal' η = 1/(α(t₀ + t)), 'constant'
η₀, 'invscaling' η₀/t^power_t, 'adaptive' (η₀, divided by 5 when the objective stalls). The fit stops
after ``n_iter_no_change`` epochs whose average objective (or validation score with
``early_stopping``) did not improve by ``tol``. Cost: O(n·d) per epoch. The per-sample loop is
C++ (cpp/src/linear_model/sgd.cpp); multiclass is one-vs-all, the binary problems in parallel (n_jobs).

Deviations: the random streams are not scikit-learn's (results agree in quality, not bitwise);
the passive-aggressive rates 'pa1'/'pa2' are not provided.

Averaged SGD (``average=True`` or an int N): from update number N on (1 for True), the running
mean w̄ ← w̄ + (w − w̄)/(t − N + 1) of the weights after each update is kept beside them, and
becomes coef_/intercept_ once averaging has begun (Polyak–Ruppert averaging). Differences from
scikit-learn's bookkeeping: with an L1 penalty the average is the exact mean of the weights after
each update (before the clipping), and a warm-started fit continues from the plain weights with
a new average (partial_fit continues both, as scikit-learn does).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils.validation import check_is_fitted, check_random_state, check_sample_weight, validate_data
from ..utils._param_validation import Interval, StrOptions
from ..utils.multiclass import check_partial_fit_classes, compute_class_weight, encode_classes
from ._base import N_JOBS, LinearClassifierMixin, LinearModelMixin

__all__ = ["SGDClassifier", "SGDRegressor"]

# scikit-learn's option names. The core takes the same names (the enums _core.linear_model.Loss,
# Penalty, with "none" for None, and LearningRate): no integer codes are kept here.
_LOSSES = ("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron",
           "squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")
_REGRESSION_LOSSES = ("squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")
_RATES = ("constant", "optimal", "invscaling", "adaptive")
_MAX_INT = np.iinfo(np.int32).max


class _BaseSGD(BaseEstimator):
    _losses: tuple = ()

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, None, None, closed="neither"), None],
        "shuffle": ["boolean"],
        "verbose": ["verbose"],
        "epsilon": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "learning_rate": [StrOptions(set(_RATES))],
        "eta0": [Interval(numbers.Real, 0, None, closed="left")],
        "power_t": [Interval(numbers.Real, None, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "average": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
    }

    def _validate_params(self):
        super()._validate_params()
        # Rules that tie two parameters together (the constraints check each one alone).
        if self.learning_rate == "optimal" and self.alpha == 0:
            raise ValueError(
                "alpha must be > 0 since learning_rate is 'optimal'. alpha is used to compute the "
                "optimal learning rate."
            )
        if self.learning_rate != "optimal" and self.eta0 <= 0:
            raise ValueError(f"eta0 must be > 0 for learning_rate={self.learning_rate!r}, got {self.eta0!r}.")

    def _average_from(self):
        """The update number from which weights are averaged (0: no averaging)."""
        return int(self.average)  # True → 1: from the first update

    def _start(self, K, d, coef_init, intercept_init, reset_coef, partial):
        """Starting weights (W0, b0) and averaged weights (Wa0, ba0): coef_init/intercept_init, or
        the current model's plain (not averaged) weights; partial_fit continues the running
        average too, a warm-started fit begins a new one."""
        W0, b0 = np.zeros((K, d)), np.zeros(K)
        Wa0, ba0 = np.zeros((K, d)), np.zeros(K)
        continuing = not reset_coef and getattr(self, "coef_", None) is not None
        if coef_init is not None:
            W0 = np.asarray(coef_init, dtype=np.float64).reshape(K, d).copy()
        elif continuing:
            src = getattr(self, "_standard_coef", self.coef_)
            W0 = np.asarray(src, dtype=np.float64).reshape(K, d)
        if intercept_init is not None:
            b0 = np.asarray(intercept_init, dtype=np.float64).reshape(K).copy()
        elif continuing:
            src = getattr(self, "_standard_intercept", self.intercept_)
            b0 = np.asarray(src, dtype=np.float64).reshape(K)
        if continuing and partial and hasattr(self, "_average_coef"):
            Wa0 = np.asarray(self._average_coef, dtype=np.float64).reshape(K, d)
            ba0 = np.asarray(self._average_intercept, dtype=np.float64).reshape(K)
        return W0, b0, Wa0, ba0

    def _store(self, W, b, Wa, ba, dtype, t_end):
        """coef_/intercept_: the averaged weights once averaging has begun, else the plain ones."""
        avg = self._average_from()
        if avg > 0:
            self._standard_coef, self._standard_intercept = W, b
            self._average_coef, self._average_intercept = Wa, ba
            if avg <= t_end - 1:
                W, b = Wa, ba
        else:
            for name in ("_standard_coef", "_standard_intercept", "_average_coef", "_average_intercept"):
                if hasattr(self, name):
                    delattr(self, name)
        return W.astype(dtype), b.astype(dtype)

    def _run(self, X, Y, sw, val_mask, wpos, wneg, seeds, W0, b0, Wa0, ba0, *, max_iter, tol,
             early_stopping, classification, t_start, n_threads):
        tol_c = -np.inf if tol is None else float(tol)
        options = _core.linear_model.SgdOptions(
            loss=self.loss, epsilon=float(self.epsilon), penalty=self.penalty or "none",
            alpha=float(self.alpha), l1_ratio=float(self.l1_ratio),
            fit_intercept=bool(self.fit_intercept), max_iter=int(max_iter), tol=tol_c,
            shuffle=bool(self.shuffle), learning_rate=self.learning_rate, eta0=float(self.eta0),
            power_t=float(self.power_t), early_stopping=bool(early_stopping),
            n_iter_no_change=int(self.n_iter_no_change), classification=classification,
            t_start=float(t_start), average=float(self._average_from()),
        )
        W, b, epochs, ok, Wa, ba = _core.linear_model.sgd_fit(
            X, np.ascontiguousarray(Y, dtype=np.float64), np.ascontiguousarray(sw, dtype=np.float64),
            val_mask, np.asarray(wpos, dtype=np.float64), np.asarray(wneg, dtype=np.float64),
            np.asarray(seeds, dtype=np.uint64), options,
            np.ascontiguousarray(W0, dtype=np.float64), np.ascontiguousarray(b0, dtype=np.float64),
            np.ascontiguousarray(Wa0, dtype=np.float64), np.ascontiguousarray(ba0, dtype=np.float64),
            n_threads,
        )
        n_iter = int(np.max(epochs))
        if ok:
            # finite weights can still overflow the decision values of the training data, or
            # the float32 coefficients and intercept they are stored as for float32 X
            with np.errstate(over="ignore", invalid="ignore"):
                Wt = np.asarray(W).astype(X.dtype) if X.dtype.kind == "f" else np.asarray(W)
                bt = np.asarray(b).astype(Wt.dtype)
                ok = bool(np.isfinite(Wt).all() and np.isfinite(bt).all()
                          and np.isfinite(np.asarray(X @ Wt.T) + bt).all())
        if not ok:
            raise ValueError(
                f"Floating-point under-/overflow occurred at epoch #{n_iter}. Scaling input data "
                "with StandardScaler or MinMaxScaler might help."
            )
        return W, b, Wa, ba, n_iter

    @staticmethod
    def _sample_weight(sample_weight, X):
        return check_sample_weight(sample_weight, X, dtype=np.float64)

    def _fit_problems(self, X, Y, sw, wpos, wneg, codes, coef_init, intercept_init, *,
                      classification, n_threads, max_iter, tol, early_stopping, t_start,
                      reset_coef, partial):
        """Run the K = len(Y) problems from their starting weights; sets n_iter_ and t_ and
        returns (coef_, intercept_) as (K, d) and (K,) arrays of X's dtype."""
        n, d = X.shape
        K = len(Y)
        W0, b0, Wa0, ba0 = self._start(K, d, coef_init, intercept_init, reset_coef, partial)
        seeds = check_random_state(self.random_state).randint(_MAX_INT, size=K)
        val = self._validation_mask(codes, n, classification) if early_stopping else None
        W, b, Wa, ba, n_iter = self._run(X, Y, sw, val, wpos, wneg, seeds, W0, b0, Wa0, ba0,
                                         max_iter=max_iter, tol=tol, early_stopping=early_stopping,
                                         classification=classification, t_start=t_start,
                                         n_threads=n_threads)
        self.n_iter_ = n_iter
        n_train = n if val is None else int(n - val.sum())
        self.t_ = float(t_start + n_iter * n_train)
        return self._store(W, b, Wa, ba, X.dtype, self.t_)

    def _validation_mask(self, y_codes, n, classification):
        if not self.early_stopping:
            return None
        rng = check_random_state(self.random_state)
        mask = np.zeros(n, dtype=np.uint8)
        if classification:
            for c in np.unique(y_codes):
                idx = np.flatnonzero(y_codes == c)
                idx = idx[rng.permutation(idx.size)]
                n_val = int(round(self.validation_fraction * idx.size))
                mask[idx[:n_val]] = 1
        else:
            idx = rng.permutation(n)
            mask[idx[: int(np.ceil(self.validation_fraction * n))]] = 1
        if mask.sum() == 0 or mask.sum() == n:
            raise ValueError(
                f"The validation_fraction={self.validation_fraction} leaves an empty training or "
                f"validation set for {n} samples; change validation_fraction or pass more data."
            )
        return mask

    def _warn_convergence(self, tol, max_iter):
        if tol is not None and self.n_iter_ == max_iter:
            warnings.warn(
                "Maximum number of iteration reached before convergence. Consider increasing "
                "max_iter to improve the fit.",
                ConvergenceWarning,
                stacklevel=3,
            )


class SGDClassifier(LinearClassifierMixin, ClassifierMixin, _BaseSGD):
    """Linear classifiers (SVM, logistic regression, …) trained by plain SGD, as scikit-learn's.

    Parameters are scikit-learn's: loss ('hinge', 'log_loss', 'modified_huber', 'squared_hinge',
    'perceptron', or a regression loss), penalty, alpha, l1_ratio, fit_intercept, max_iter, tol,
    shuffle, verbose (unused), epsilon, n_jobs (threads over the one-vs-all problems),
    random_state, learning_rate, eta0, power_t, early_stopping, validation_fraction,
    n_iter_no_change, class_weight, warm_start, average.

    Attributes
    ----------
    classes_, coef_ (1 or n_classes, n_features), intercept_, n_iter_, t_, n_features_in_

    How it works
    ------------
    See the module docstring; the loop is cpp/src/linear_model/sgd.cpp.
    """

    _losses = _LOSSES
    _parameter_constraints: dict = {
        **_BaseSGD._parameter_constraints,
        "loss": [StrOptions(set(_LOSSES))],
        "n_jobs": N_JOBS,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(self, loss="hinge", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0,
                 epsilon=0.1, n_jobs=None, random_state=None, learning_rate="optimal", eta0=0.01,
                 power_t=0.5, early_stopping=False, validation_fraction=0.1, n_iter_no_change=5,
                 class_weight=None, warm_start=False, average=False):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.average = average

    def _fit_core(self, X, codes, sample_weight, coef_init, intercept_init, *, max_iter, tol,
                  early_stopping, t_start, reset_coef, partial=False):
        classes = self.classes_
        n_classes = len(classes)
        K = 1 if n_classes == 2 else n_classes
        sw = self._sample_weight(sample_weight, X)
        cw = compute_class_weight(self.class_weight, classes, codes)
        if n_classes == 2:
            Y = np.where(codes == 1, 1.0, -1.0)[None, :]
            wpos, wneg = np.array([cw[1]]), np.array([cw[0]])
        else:
            Y = np.where(codes[None, :] == np.arange(K)[:, None], 1.0, -1.0)
            wpos, wneg = cw.astype(np.float64), np.ones(K)
        self.coef_, self.intercept_ = self._fit_problems(
            X, Y, sw, wpos, wneg, codes, coef_init, intercept_init, classification=True,
            n_threads=self._n_threads(), max_iter=max_iter, tol=tol,
            early_stopping=early_stopping, t_start=t_start, reset_coef=reset_coef, partial=partial)

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD for max_iter epochs at most."""
        self._validate_params()
        X, y = validate_data(self, X, y)
        classes, codes = encode_classes(y)
        if len(classes) < 2:
            raise ValueError(
                f"The number of classes has to be greater than one; got {len(classes)} class"
            )
        reset = not (self.warm_start and getattr(self, "coef_", None) is not None
                     and np.array_equal(getattr(self, "classes_", None), classes))
        self.classes_ = classes
        self._fit_core(X, codes.astype(np.intp), sample_weight, coef_init, intercept_init,
                       max_iter=self.max_iter, tol=self.tol, early_stopping=self.early_stopping,
                       t_start=1.0, reset_coef=reset)
        self._warn_convergence(self.tol, self.max_iter)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch of SGD on (X, y); the first call needs ``classes``."""
        self._validate_params()
        first = not hasattr(self, "classes_")
        classes = check_partial_fit_classes(self, classes)
        X, y = validate_data(self, X, y, reset=first)
        if first:
            if len(classes) < 2:
                raise ValueError("The number of classes has to be greater than one; got 1 class")
            self.classes_ = classes
        _, codes = encode_classes(y, classes=self.classes_)
        self._fit_core(X, codes.astype(np.intp), sample_weight, None, None, max_iter=1, tol=None,
                       early_stopping=False, t_start=getattr(self, "t_", 1.0), reset_coef=first,
                       partial=True)
        return self

    @property
    def predict_proba(self):
        """Probability estimates (loss='log_loss' or 'modified_huber' only)."""
        if self.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss={self.loss!r}")
        return self._predict_proba

    @property
    def predict_log_proba(self):
        """Log of probability estimates (loss='log_loss' or 'modified_huber' only)."""
        if self.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss={self.loss!r}")
        return self._predict_log_proba

    def _predict_proba(self, X):
        check_is_fitted(self, "coef_")
        scores = self.decision_function(X)
        binary = scores.ndim == 1
        if self.loss == "log_loss":
            with np.errstate(over="ignore"):
                p = 1.0 / (1.0 + np.exp(-np.asarray(scores, dtype=np.float64)))
            if binary:
                return np.column_stack([1 - p, p])
            s = p.sum(axis=1, keepdims=True)
            s[s == 0] = 1
            return p / s
        p = (np.clip(np.asarray(scores, dtype=np.float64), -1, 1) + 1) / 2
        if binary:
            return np.column_stack([1 - p, p])
        s = p.sum(axis=1, keepdims=True)
        zero = s[:, 0] == 0
        p[zero] = 1.0
        s[zero] = p.shape[1]
        return p / s

    def _predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self._predict_proba(X))


class SGDRegressor(LinearModelMixin, RegressorMixin, _BaseSGD):
    """Linear regression trained by plain SGD, as scikit-learn's SGDRegressor.

    Parameters are scikit-learn's: loss ('squared_error', 'huber', 'epsilon_insensitive',
    'squared_epsilon_insensitive'), penalty, alpha, l1_ratio, fit_intercept, max_iter, tol, shuffle,
    verbose (unused), epsilon, random_state, learning_rate (default 'invscaling'), eta0, power_t
    (0.25), early_stopping, validation_fraction, n_iter_no_change, warm_start, average.

    Attributes
    ----------
    coef_ (n_features,), intercept_ (1,), n_iter_, t_, n_features_in_

    How it works
    ------------
    See the module docstring; the loop is cpp/src/linear_model/sgd.cpp.
    """

    _losses = _REGRESSION_LOSSES
    _parameter_constraints: dict = {
        **_BaseSGD._parameter_constraints,
        "loss": [StrOptions(set(_REGRESSION_LOSSES))],
    }

    def __init__(self, loss="squared_error", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0,
                 epsilon=0.1, random_state=None, learning_rate="invscaling", eta0=0.01,
                 power_t=0.25, early_stopping=False, validation_fraction=0.1, n_iter_no_change=5,
                 warm_start=False, average=False):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.average = average

    def _fit_core(self, X, y, sample_weight, coef_init, intercept_init, *, max_iter, tol,
                  early_stopping, t_start, reset_coef, partial=False):
        sw = self._sample_weight(sample_weight, X)
        coef, self.intercept_ = self._fit_problems(
            X, np.asarray(y, dtype=np.float64)[None, :], sw, [1.0], [1.0], None, coef_init,
            intercept_init, classification=False, n_threads=self._n_threads(), max_iter=max_iter, tol=tol,
            early_stopping=early_stopping, t_start=t_start, reset_coef=reset_coef, partial=partial)
        self.coef_ = coef[0]

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD for max_iter epochs at most."""
        self._validate_params()
        X, y = validate_data(self, X, y, y_numeric=True)
        reset = not (self.warm_start and getattr(self, "coef_", None) is not None)
        self._fit_core(X, y, sample_weight, coef_init, intercept_init, max_iter=self.max_iter,
                       tol=self.tol, early_stopping=self.early_stopping, t_start=1.0,
                       reset_coef=reset)
        self._warn_convergence(self.tol, self.max_iter)
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of SGD on (X, y)."""
        self._validate_params()
        first = not hasattr(self, "coef_")
        X, y = validate_data(self, X, y, y_numeric=True, reset=first)
        self._fit_core(X, y, sample_weight, None, None, max_iter=1, tol=None, early_stopping=False,
                       t_start=getattr(self, "t_", 1.0), reset_coef=first, partial=True)
        return self
