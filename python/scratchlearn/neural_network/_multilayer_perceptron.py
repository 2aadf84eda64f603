"""Multi-layer perceptrons: MLPClassifier and MLPRegressor.

The estimators hold scikit-learn's parameters and write its fitted attributes; the work (forward and
backward passes, whole epochs of minibatch SGD/Adam steps, full-batch L-BFGS) is done by
cpp/src/neural_network/mlp.cpp through ``_core.neural_network``. Python keeps the bookkeeping that
scikit-learn keeps per epoch: the shuffling order (drawn from the same RandomState calls, so the
samples are visited in scikit-learn's order), the learning-rate schedule, the no-improvement count,
early stopping on a validation split drawn exactly as ``train_test_split`` draws it.
"""

from __future__ import annotations

import warnings
from math import ceil, floor
from numbers import Integral, Real

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, Options, StrOptions
from ..utils.multiclass import (
    check_classification_targets,
    check_partial_fit_classes,
    type_of_target,
    unique_labels,
)
from ..utils.validation import (
    check_is_fitted,
    check_random_state,
    check_sample_weight,
    validate_data,
)

__all__ = ["MLPClassifier", "MLPRegressor"]

_nn = _core.neural_network
_STOCHASTIC_SOLVERS = ("sgd", "adam")
# scipy's L-BFGS-B default relative-decrease tolerance (factr = 1e7 times the machine epsilon),
# which is what scikit-learn's lbfgs path runs with.
_LBFGS_FTOL = 2.220446049250313e-09


class _AvailableIf:
    """A method that exists only when ``check(estimator)`` passes (it raises AttributeError
    otherwise), so ``hasattr(est, name)`` answers as scikit-learn's ``available_if`` does."""

    def __init__(self, fn, check):
        self.fn = fn
        self.check = check
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.fn
        self.check(obj)
        return self.fn.__get__(obj, owner)


def _check_stochastic(est):
    # Only the valid non-stochastic solver hides partial_fit; an invalid value leaves it visible
    # so that the call reports the bad parameter (InvalidParameterError).
    if isinstance(est.solver, str) and est.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. "
            f"{est.solver} is not stochastic."
        )
    return True


# ---- the validation split (scikit-learn's train_test_split, same random draws) -------------------


def _approximate_mode(class_counts, n_draws, rng):
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        values = np.sort(np.unique(remainder))[::-1]
        for value in values:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            inds = rng.choice(inds, size=add_now, replace=False)
            floored[inds] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(int)


def _validation_split(n_samples, test_size, rng, stratify=None):
    """(train, test) indices as ``train_test_split(..., test_size=test_size, random_state=rng,
    stratify=stratify)`` picks them: a ShuffleSplit permutation, or StratifiedShuffleSplit's
    per-class draws."""
    if test_size <= 0 or test_size >= 1:
        raise ValueError(
            f"test_size={test_size} should be either positive and smaller than the number of "
            f"samples {n_samples} or a float in the (0, 1) range"
        )
    n_test = ceil(test_size * n_samples)
    n_train = n_samples - n_test
    if n_train == 0:
        raise ValueError(
            f"With n_samples={n_samples}, test_size={test_size} and train_size=None, the "
            "resulting train set will be empty. Adjust any of the aforementioned parameters."
        )
    if stratify is None:
        permutation = rng.permutation(n_samples)
        return permutation[n_test : n_test + n_train], permutation[:n_test]
    classes, y_indices, class_counts = np.unique(stratify, return_inverse=True, return_counts=True)
    n_classes = classes.shape[0]
    if np.min(class_counts) < 2:
        raise ValueError(
            "The least populated classes in y have only 1 member, which is too few. The minimum "
            "number of groups for any class cannot be less than 2. Classes with too few members "
            f"are: {classes[class_counts < 2].tolist()}"
        )
    if n_train < n_classes:
        raise ValueError(
            f"The train_size = {n_train} should be greater or equal to the number of classes = {n_classes}"
        )
    if n_test < n_classes:
        raise ValueError(
            f"The test_size = {n_test} should be greater or equal to the number of classes = {n_classes}"
        )
    class_indices = np.split(np.argsort(y_indices, kind="stable"), np.cumsum(class_counts)[:-1])
    n_i = _approximate_mode(class_counts, n_train, rng)
    t_i = _approximate_mode(class_counts - n_i, n_test, rng)
    train, test = [], []
    for i in range(n_classes):
        permutation = rng.permutation(class_counts[i])
        perm_i = class_indices[i].take(permutation, mode="clip")
        train.extend(perm_i[: n_i[i]])
        test.extend(perm_i[n_i[i] : n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


# ---- label binarisation (scikit-learn's LabelBinarizer as MLPClassifier uses it) -------------------


def _binarize(y, classes, y_type):
    """The 0/1 target matrix: one column for binary problems, one per class otherwise."""
    if y_type == "multilabel-indicator":
        Y = np.asarray(y)
        if Y.ndim != 2 or Y.shape[1] != len(classes):
            raise ValueError("The object was not fitted with multilabel input.")
        return Y != 0
    y = np.asarray(y).ravel()
    if y_type == "binary":
        if len(classes) < 2:
            return np.zeros((y.shape[0], 1), dtype=bool)
        return (y == classes[1]).reshape(-1, 1)
    Y = np.zeros((y.shape[0], len(classes)), dtype=bool)
    pos = np.searchsorted(classes, y)
    pos = np.clip(pos, 0, len(classes) - 1)
    known = classes[pos] == y
    Y[np.nonzero(known)[0], pos[known]] = True
    return Y


def _inverse_binarize(P, classes, y_type):
    """Labels from output-layer values (probabilities), thresholded at 0.5 / by argmax."""
    if y_type == "multiclass":
        return classes.take(np.argmax(P, axis=1))
    if y_type == "multilabel-indicator":
        return (P > 0.5).astype(int)
    P = P.ravel()
    if len(classes) == 1:
        return np.repeat(classes[0], P.shape[0])
    return classes[(P > 0.5).astype(int)]


def _unique_labels(y):
    y = np.asarray(y)
    if y.ndim == 2 and type_of_target(y) == "multilabel-indicator":
        return np.arange(y.shape[1])
    return unique_labels(y)


class BaseMultilayerPerceptron(BaseEstimator):
    """Shared machinery of MLPClassifier and MLPRegressor (not for direct use)."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    # ---- the network as the core sees it ----------------------------------------------------

    def _loss_name(self):
        name = self._loss
        if name == "log_loss" and self.out_activation_ == "logistic":
            name = "binary_log_loss"
        return name

    def _net(self):
        return dict(
            units=[int(u) for u in self._layer_units],
            hidden=getattr(_nn.Activation, self.activation),
            output=getattr(_nn.Activation, self.out_activation_),
        )

    @property
    def _layer_units(self):
        return [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]

    def _pack(self, dtype):
        return np.concatenate(
            [c.ravel() for c in self.coefs_] + [b.ravel() for b in self.intercepts_]
        ).astype(dtype, copy=False)

    def _unpack(self, params, units):
        coefs, intercepts, start = [], [], 0
        for i in range(len(units) - 1):
            end = start + units[i] * units[i + 1]
            coefs.append(params[start:end].reshape(units[i], units[i + 1]).copy())
            start = end
        for i in range(len(units) - 1):
            end = start + units[i + 1]
            intercepts.append(params[start:end].copy())
            start = end
        self.coefs_, self.intercepts_ = coefs, intercepts

    def _forward(self, X, params=None):
        """Output-layer activations for validated X (in X's dtype)."""
        if params is None:
            params = self._pack(X.dtype)
        return _nn.predict(X, params.astype(X.dtype, copy=False), n_threads=self._n_threads(),
                           **self._net())

    # ---- fitting -------------------------------------------------------------------------------

    def _initialize(self, Y, layer_units, dtype, rng):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        if not is_classifier(self):
            self.out_activation_ = "exp" if self._loss == "poisson" else "identity"
        elif self._y_type == "multiclass":
            self.out_activation_ = "softmax"
        else:
            self.out_activation_ = "logistic"
        factor = 2.0 if self.activation == "logistic" else 6.0
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            coef = rng.uniform(-bound, bound, (fan_in, fan_out))
            intercept = rng.uniform(-bound, bound, fan_out)
            self.coefs_.append(coef.astype(dtype, copy=False))
            self.intercepts_.append(intercept.astype(dtype, copy=False))
        self._best_params = self._pack(dtype).copy()
        if self.solver in _STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _fit(self, X, y, sample_weight=None, incremental=False):
        hidden = self.hidden_layer_sizes
        if not hasattr(hidden, "__iter__"):
            hidden = [hidden]
        hidden = list(hidden)
        if np.any(np.array(hidden) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {hidden}.")
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
            sample_weight = np.ascontiguousarray(sample_weight, dtype=X.dtype)
        n_features = X.shape[1]
        self.n_outputs_ = Y.shape[1]
        layer_units = [n_features] + [int(h) for h in hidden] + [self.n_outputs_]
        rng = check_random_state(self.random_state)
        if first_pass:
            self._initialize(Y, layer_units, X.dtype, rng)
        elif self._layer_units != layer_units:
            raise ValueError(
                f"The fitted network has layer sizes {self._layer_units}; this fit asks for "
                f"{layer_units}. warm_start and partial_fit need the same architecture."
            )
        params = np.ascontiguousarray(self._pack(X.dtype).copy())
        if self.solver in _STOCHASTIC_SOLVERS:
            params = self._fit_stochastic(X, Y, sample_weight, params, layer_units, incremental, rng)
        else:
            self._fit_lbfgs(X, Y, sample_weight, params, layer_units)
        self._unpack(params, layer_units)
        if not np.isfinite(params).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain large "
                "values and need to be preprocessed."
            )
        return self

    def _fit_lbfgs(self, X, Y, sw, params, units):
        loss, n_iter, _n_evals, status = _nn.lbfgs(
            X, Y, sw, params, units=units, hidden=getattr(_nn.Activation, self.activation),
            output=getattr(_nn.Activation, self.out_activation_),
            loss=getattr(_nn.Loss, self._loss_name()), alpha=float(self.alpha),
            max_iter=int(self.max_iter), max_fun=int(self.max_fun), tol=float(self.tol),
            ftol=_LBFGS_FTOL, n_threads=self._n_threads(),
        )
        if self.verbose:
            print(f"L-BFGS: {n_iter} iterations, {_n_evals} loss evaluations, loss = {loss:.8f}")
        if status == 1:
            reason = (
                "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT" if n_iter >= self.max_iter
                else "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT"
            )
            msg = f"lbfgs failed to converge after {n_iter} iteration(s) (status=1):\n{reason}\n"
            if n_iter == self.max_iter:
                msg += (
                    "\nIncrease the number of iterations to improve the convergence "
                    f"(max_iter={self.max_iter})."
                )
            msg += (
                "\nYou might also want to scale the data as shown in:\n"
                "    https://scikit-learn.org/stable/modules/preprocessing.html"
            )
            warnings.warn(msg, ConvergenceWarning, stacklevel=3)
        self.n_iter_ = int(n_iter)
        self.loss_ = float(loss)

    def _new_optimizer(self, P, dtype):
        if self.solver == "sgd":
            return {"solver": "sgd", "learning_rate": float(self.learning_rate_init), "t": 0,
                    "velocities": np.zeros(P, dtype=dtype)}
        return {"solver": "adam", "learning_rate": float(self.learning_rate_init), "t": 0,
                "ms": np.zeros(P, dtype=dtype), "vs": np.zeros(P, dtype=dtype)}

    def _fit_stochastic(self, X, Y, sw, params, units, incremental, rng):
        P = params.shape[0]
        opt = getattr(self, "_optimizer", None)
        if not incremental or opt is None or opt["solver"] != self.solver:
            opt = self._optimizer = self._new_optimizer(P, X.dtype)
        if opt["solver"] == "sgd":
            opt["velocities"] = np.ascontiguousarray(opt["velocities"], dtype=X.dtype)
            s1 = s2 = opt["velocities"]
        else:
            opt["ms"] = np.ascontiguousarray(opt["ms"], dtype=X.dtype)
            opt["vs"] = np.ascontiguousarray(opt["vs"], dtype=X.dtype)
            s1, s2 = opt["ms"], opt["vs"]
        if s1.shape[0] != P:
            raise ValueError("The optimizer state does not match the network; refit from scratch.")

        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        early_stopping = self.early_stopping
        X_val = y_val = sw_val = None
        if early_stopping:
            stratify = Y[:, 0].astype(np.int8) if is_classifier(self) and self.n_outputs_ == 1 else None
            train, test = _validation_split(X.shape[0], self.validation_fraction, rng, stratify)
            X_val, Y_val = X[test], Y[test]
            sw_val = None if sw is None else sw[test]
            X, Y = np.ascontiguousarray(X[train]), np.ascontiguousarray(Y[train])
            sw = None if sw is None else np.ascontiguousarray(sw[train])
            if X_val.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' or the size "
                    "of your dataset."
                )
            if is_classifier(self):
                y_val = _inverse_binarize(Y_val, self.classes_, self._y_type)
            else:
                y_val = Y_val
        n_samples = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                    "clipped"
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))

        net = dict(units=[int(u) for u in units], hidden=getattr(_nn.Activation, self.activation),
                   output=getattr(_nn.Activation, self.out_activation_),
                   loss=getattr(_nn.Loss, self._loss_name()), alpha=float(self.alpha))
        solver = getattr(_nn.Solver, opt["solver"])
        n_threads = self._n_threads()
        sample_idx = np.arange(n_samples, dtype=np.int64)
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            if self.shuffle:
                perm = np.arange(n_samples)
                rng.shuffle(perm)
                sample_idx = np.ascontiguousarray(sample_idx[perm])
            loss, t = _nn.epoch(
                X, Y, sw, sample_idx if self.shuffle else None, params, s1, s2,
                batch_size=batch_size, solver=solver,
                learning_rate_init=float(self.learning_rate_init),
                learning_rate=float(opt["learning_rate"]), momentum=float(self.momentum),
                nesterov=bool(self.nesterovs_momentum), beta_1=float(self.beta_1),
                beta_2=float(self.beta_2), epsilon=float(self.epsilon), t=int(opt["t"]),
                n_threads=n_threads, **net,
            )
            opt["t"] = int(t)
            self.n_iter_ += 1
            self.loss_ = float(loss)
            self.t_ += n_samples
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print("Iteration %d, loss = %.8f" % (self.n_iter_, self.loss_))
            self._update_no_improvement_count(early_stopping, X_val, y_val, sw_val, params)
            if opt["solver"] == "sgd" and self.learning_rate == "invscaling":
                try:
                    opt["learning_rate"] = float(self.learning_rate_init) / (self.t_ + 1) ** self.power_t
                except OverflowError:  # (t + 1) ** power_t beyond a float: the rate is 0
                    opt["learning_rate"] = 0.0
            if self._no_improvement_count > self.n_iter_no_change:
                if early_stopping:
                    msg = (
                        "Validation score did not improve more than tol=%f for %d consecutive "
                        "epochs." % (self.tol, self.n_iter_no_change)
                    )
                else:
                    msg = (
                        "Training loss did not improve more than tol=%f for %d consecutive "
                        "epochs." % (self.tol, self.n_iter_no_change)
                    )
                if self._trigger_stopping(opt, msg):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(
                    "Stochastic Optimizer: Maximum iterations (%d) reached and the optimization "
                    "hasn't converged yet." % self.max_iter,
                    ConvergenceWarning,
                )
        if early_stopping:
            params = self._best_params.astype(X.dtype, copy=True)
        return params

    def _trigger_stopping(self, opt, msg):
        if opt["solver"] != "sgd" or self.learning_rate != "adaptive":
            if self.verbose:
                print(msg + " Stopping.")
            return True
        if opt["learning_rate"] <= 1e-6:
            if self.verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        opt["learning_rate"] /= 5.0
        if self.verbose:
            print(msg + " Setting learning rate to %f" % opt["learning_rate"])
        return False

    def _update_no_improvement_count(self, early_stopping, X_val, y_val, sw_val, params):
        if early_stopping:
            score = self._validation_score(X_val, y_val, sw_val, params)
            self.validation_scores_.append(score)
            if self.verbose:
                print("Validation score: %f" % score)
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_params = params.copy()
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if self.loss_curve_[-1] < self.best_loss_:
                self.best_loss_ = self.loss_curve_[-1]

    def _validation_score(self, X, y, sw, params):
        P = self._forward(X, params)
        if not np.isfinite(P).all():
            return np.nan
        return self._score_outputs(P, y, sw)

    # ---- public -------------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    """Multi-layer perceptron classifier (scikit-learn's MLPClassifier).

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,) or int, default=(100,)
        The number of neurons of each hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation of the hidden layers.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
    alpha : float, default=0.0001
        L2 penalty strength (divided by the sample size when added to the loss).
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers ('auto': min(200, n_samples)).
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        SGD's schedule.
    learning_rate_init : float, default=0.001
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Epochs of the stochastic solvers, iterations of L-BFGS.
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
    tol : float, default=1e-4
    verbose : bool, default=False
    warm_start : bool, default=False
    momentum : float, default=0.9
    nesterovs_momentum : bool, default=True
    early_stopping : bool, default=False
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters.
    n_iter_no_change : int, default=10
    max_fun : int, default=15000
        The most loss evaluations of L-BFGS.

    Attributes
    ----------
    classes_, loss_, best_loss_, loss_curve_, validation_scores_, best_validation_score_, t_,
    coefs_, intercepts_, n_features_in_, feature_names_in_, n_iter_, n_layers_, n_outputs_,
    out_activation_ : as in scikit-learn.

    How it works
    ------------
    A stack of dense layers A_{i+1} = f(A_i·W_i + b_i); the output layer is softmax (several
    classes), logistic (two classes, or one column per label in multi-label problems). Training
    minimises the log-loss plus α/(2n)·Σ‖W_i‖² by backpropagation:
    δ_L = P − Y, ∇W_i = (A_iᵀδ_{i+1} + αW_i)/n, δ_i = δ_{i+1}W_iᵀ ⊙ f'(A_i). Each layer of the
    forward and the backward pass is one call of the shared packed GEMM and one fused
    elementwise pass; an epoch (minibatches, optimiser steps, loss) is one call of the core
    (cpp/src/neural_network/mlp.cpp), and L-BFGS runs entirely in the core. Cost: about
    6·n·Σ units_i·units_{i+1} flops per epoch. Initial weights, the shuffling order and the
    validation split come from the same RandomState draws as scikit-learn's, so with the same
    random_state the loss curves agree. Deviations: L-BFGS is the project's own (a strong-Wolfe
    line search), not scipy's, so it reaches the same optimum by different iterates; when it
    stops on max_fun, n_iter_ counts the improving evaluations. float32 data is trained in
    float32 throughout. Sparse input is not supported.
    """

    _loss = "log_loss"

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, reset=reset, multi_output=True,
                             dtype=[np.float64, np.float32])
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if (not hasattr(self, "classes_")) or (not self.warm_start and not incremental):
            self._fit_labels(y)
        else:
            classes = _unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as in the "
                        f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {self.classes_}. 'y' has {classes}."
                )
        Y = _binarize(y, self.classes_, self._y_type).astype(X.dtype)
        return X, np.ascontiguousarray(Y)

    def _fit_labels(self, y):
        check_classification_targets(y)
        y_type = type_of_target(y)
        if "multioutput" in y_type:
            raise ValueError("Multioutput target data is not supported with label binarization")
        if np.asarray(y).shape[0] == 0:
            raise ValueError(f"y has 0 samples: {y!r}")
        self._y_type = y_type
        self.classes_ = _unique_labels(y)

    def _score_outputs(self, P, y, sw):
        pred = _inverse_binarize(P, self.classes_, self._y_type)
        y = np.asarray(y)
        if y.ndim == 2 and self._y_type != "multilabel-indicator":
            y = y.ravel()
        match = np.all(pred == y, axis=1) if pred.ndim == 2 else pred == y
        return float(np.average(match, weights=sw))

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with a single epoch over (X, y).

        ``classes`` (every label of the whole problem) is required on the first call.
        """
        self._validate_params()
        first = getattr(self, "classes_", None) is None
        classes = check_partial_fit_classes(self, classes)
        if first:
            # the label binarisation is fitted on the classes (on y itself when multi-label)
            self._fit_labels(y if type_of_target(y).startswith("multilabel") else classes)
            self.classes_ = classes
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    partial_fit = _AvailableIf(partial_fit, _check_stochastic)

    def _predict_outputs(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self._forward(X)

    def predict(self, X):
        """Predicted class labels (an indicator matrix for multi-label problems)."""
        P = self._predict_outputs(X)
        if self.n_outputs_ == 1:
            P = P.ravel()
        return _inverse_binarize(P, self.classes_, self._y_type)

    def predict_proba(self, X):
        """Class probabilities, columns in the order of classes_."""
        P = self._predict_outputs(X)
        if self.n_outputs_ == 1:
            p = P.ravel()
            return np.vstack([1 - p, p]).T
        return P

    def predict_log_proba(self, X):
        """log(predict_proba(X))."""
        P = self.predict_proba(X)
        return np.log(P, out=P)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    """Multi-layer perceptron regressor (scikit-learn's MLPRegressor).

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        Half squared error (identity output) or half Poisson deviance (exponential output).
    hidden_layer_sizes, activation, solver, alpha, batch_size, learning_rate, learning_rate_init,
    power_t, max_iter, shuffle, random_state, tol, verbose, warm_start, momentum,
    nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, epsilon,
    n_iter_no_change, max_fun : as MLPClassifier.

    Attributes
    ----------
    loss_, best_loss_, loss_curve_, validation_scores_, best_validation_score_, t_, coefs_,
    intercepts_, n_features_in_, feature_names_in_, n_iter_, n_layers_, n_outputs_,
    out_activation_ : as in scikit-learn.

    How it works
    ------------
    The network of MLPClassifier with an identity output layer, trained on
    ½·mean((y − p)²) + α/(2n)·Σ‖W_i‖² (or the half Poisson deviance with p = exp(z)) by the same
    core (cpp/src/neural_network/mlp.cpp): one GEMM and one fused pass per layer and direction,
    whole epochs in C++. Cost and deviations as MLPClassifier's.
    """

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    @property
    def _loss(self):
        return self.loss

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, reset=reset, multi_output=True, y_numeric=True,
                             dtype=[np.float64, np.float32])
        y = np.asarray(y)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("Some value(s) of y are negative which is not allowed for Poisson regression.")
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return X, np.ascontiguousarray(Y, dtype=X.dtype)

    def _score_outputs(self, P, y, sw):
        y = np.asarray(y, dtype=np.float64).reshape(P.shape[0], -1)
        P = np.asarray(P, dtype=np.float64)
        w = np.ones(P.shape[0]) if sw is None else np.asarray(sw, dtype=np.float64)
        num = (w[:, None] * (y - P) ** 2).sum(axis=0)
        mean = np.average(y, axis=0, weights=w)
        den = (w[:, None] * (y - mean) ** 2).sum(axis=0)
        scores = np.ones(y.shape[1])
        ok = den != 0
        scores[ok] = 1 - num[ok] / den[ok]
        scores[(~ok) & (num != 0)] = 0.0
        return float(np.mean(scores))

    def predict(self, X):
        """Predicted values (n_samples,) or (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        P = self._forward(X)
        if P.shape[1] == 1:
            return P.ravel()
        return P

    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with a single epoch over (X, y)."""
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
