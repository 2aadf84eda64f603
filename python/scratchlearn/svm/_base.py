"""The kernel SVMs' shared machinery: parameters, fit through the SMO core, decision values.

The fitted model is numpy arrays in libsvm's layout (what scikit-learn exposes): ``support_``,
``support_vectors_``, ``n_support_``, ``dual_coef_``, ``intercept_`` (plus the libsvm-signed
``_dual_coef_`` / ``_intercept_`` that prediction passes back to the core) and, with
``probability=True``, ``probA_`` / ``probB_``.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Hidden, Interval, StrOptions
from ..utils.validation import check_is_fitted, check_random_state, check_sample_weight, validate_data

_S = _core.svm
_KERNELS = ("linear", "poly", "rbf", "sigmoid", "precomputed")


def _compute_class_weight(class_weight, classes, y_encoded):
    """Per-class factors on C: None → ones, 'balanced' → n / (k · count), dict → given (others 1)."""
    k = len(classes)
    if class_weight is None or (isinstance(class_weight, dict) and len(class_weight) == 0):
        return np.ones(k, dtype=np.float64)
    if isinstance(class_weight, str):  # 'balanced' (the only string the constraints let through)
        counts = np.bincount(y_encoded, minlength=k).astype(np.float64)
        return len(y_encoded) / (k * counts)
    weight = np.ones(k, dtype=np.float64)
    unknown = [c for c in class_weight if not np.any(classes == c)]
    if unknown:
        raise ValueError(f"The classes, {unknown}, are not in class labels {list(classes)}.")
    for c, w in class_weight.items():
        weight[np.flatnonzero(classes == c)[0]] = w
    return weight


def _ovr_decision(dec, n_classes):
    """One-vs-one decision values (n × n_pairs) to one-vs-rest scores: votes plus the summed
    pairwise confidences squashed into (−1/3, 1/3), so ties in votes are broken by confidence."""
    n = dec.shape[0]
    votes = np.zeros((n, n_classes), dtype=dec.dtype)
    conf = np.zeros((n, n_classes), dtype=dec.dtype)
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            conf[:, i] += dec[:, k]
            conf[:, j] -= dec[:, k]
            win_i = dec[:, k] >= 0
            votes[win_i, i] += 1
            votes[~win_i, j] += 1
            k += 1
    return votes + conf / (3 * (np.abs(conf) + 1))


class BaseLibSVM(BaseEstimator):
    """Parameters, fit and decision values shared by SVC, NuSVC, SVR, NuSVR and OneClassSVM."""

    _impl = "c_svc"

    _parameter_constraints: dict = {
        "kernel": [StrOptions(set(_KERNELS)), callable],
        "degree": [Interval(numbers.Integral, 0, None, closed="left")],
        "gamma": [StrOptions({"scale", "auto"}), Interval(numbers.Real, 0.0, None, closed="left")],
        "coef0": [Interval(numbers.Real, None, None, closed="neither")],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "C": [Interval(numbers.Real, 0.0, None, closed="right")],
        "nu": [Interval(numbers.Real, 0.0, 1.0, closed="right")],
        "epsilon": [Interval(numbers.Real, 0.0, None, closed="left")],
        "shrinking": ["boolean"],
        "probability": ["boolean", Hidden(StrOptions({"deprecated"}))],
        "cache_size": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "verbose": ["verbose"],
        "max_iter": [Interval(numbers.Integral, -1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        if hasattr(tags.input_tags, "pairwise"):
            tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags

    # ---- fit
    def _is_classifier(self):
        return self._impl in ("c_svc", "nu_svc")

    def _kernel_params(self):
        kp = _S.KernelParams()
        name = "precomputed" if callable(self.kernel) else self.kernel
        kp.kernel = getattr(_S.Kernel, name)
        kp.degree = int(self.degree)
        kp.gamma = float(self._gamma)
        kp.coef0 = float(self.coef0)
        return kp

    def _callable_gram(self, X, Y):
        K = np.asarray(self.kernel(X, Y))
        if K.ndim != 2 or K.shape != (len(X), len(Y)):
            raise ValueError(
                f"The kernel callable must return a matrix of shape ({len(X)}, {len(Y)}), got {K.shape}."
            )
        dtype = np.float32 if K.dtype == np.float32 else np.float64
        K = np.ascontiguousarray(K, dtype=dtype)
        if not np.isfinite(K).all():
            raise ValueError("The kernel callable returned NaN or infinite values.")
        return K

    def _effective_probability(self):
        """probability as a bool: 'deprecated' (the default) is False."""
        return self.probability != "deprecated" and bool(self.probability)

    def _fit(self, X, y, sample_weight):
        self._validate_params()
        if self._is_classifier() and self.probability != "deprecated":
            # As scikit-learn 1.9: any explicit value of probability is deprecated.
            name = type(self).__name__
            warnings.warn(
                "The `probability` parameter was deprecated in 1.9 and will be removed in version "
                f"1.11. Use `CalibratedClassifierCV({name}(), ensemble=False)` instead of "
                f"`{name}(probability=True)`",
                FutureWarning,
            )
        rnd = check_random_state(self.random_state)
        if callable(self.kernel):
            if y is not None and len(X) != len(y):
                raise ValueError(
                    f"Found input variables with inconsistent numbers of samples: [{len(X)}, {len(y)}]"
                )
            self._X_fit = X
            Xc = self._callable_gram(X, X)
            if y is not None:
                y = np.asarray(y)
        elif y is None:
            Xc = validate_data(self, X, reset=True)
        else:
            Xc, y = validate_data(self, X, y, reset=True,
                                  y_numeric=not self._is_classifier())
        Xc = np.ascontiguousarray(Xc)
        n_samples = Xc.shape[0]
        if self.kernel == "precomputed" and Xc.shape[0] != Xc.shape[1]:
            raise ValueError(
                f"Precomputed matrix must be a square matrix. Input is a {Xc.shape[0]}x{Xc.shape[1]} matrix."
            )
        y_codes, n_class, cw = self._encode_targets(y, n_samples)
        sw = None
        if sample_weight is not None:
            sw = np.asarray(check_sample_weight(sample_weight, Xc, allow_negative=True), dtype=np.float64)

        kernel = "precomputed" if callable(self.kernel) else self.kernel
        if kernel == "precomputed":
            self._gamma = 0.0
        elif isinstance(self.gamma, str):
            if self.gamma == "scale":
                var = float(np.var(Xc, dtype=np.float64))
                self._gamma = 1.0 / (Xc.shape[1] * var) if var != 0 else 1.0
            else:
                self._gamma = 1.0 / Xc.shape[1]
        else:
            self._gamma = float(self.gamma)

        params = _S.Params()
        params.type = getattr(_S.SvmType, {"c_svc": "c_svc", "nu_svc": "nu_svc", "one_class": "one_class",
                                           "epsilon_svr": "epsilon_svr", "nu_svr": "nu_svr"}[self._impl])
        params.kernel = self._kernel_params()
        params.C = float(self.C)
        params.nu = float(self.nu)
        params.epsilon = float(self.epsilon)
        params.tol = float(self.tol)
        params.shrinking = bool(self.shrinking)
        params.cache_size = float(self.cache_size)
        params.max_iter = int(self.max_iter)
        params.probability = bool(self._is_classifier() and self._effective_probability())
        params.seed = int(rnd.randint(np.iinfo("i").max))
        if self.verbose:
            print("[scratchlearn SVM]", end="")

        model = _S.fit(Xc, y_codes, sw, cw, n_class, params, self._n_threads())

        self.support_ = np.asarray(model["support"], dtype=np.int32)
        if kernel == "precomputed":
            self.support_vectors_ = np.empty((0, 0), dtype=Xc.dtype)
        else:
            self.support_vectors_ = Xc[self.support_]
        self._n_support = np.asarray(model["n_support"], dtype=np.int32)
        if not self._is_classifier():
            self._n_support = np.array([len(self.support_), 0], dtype=np.int32)
        self._dual_coef_ = np.asarray(model["dual_coef"], dtype=np.float64)
        self._intercept_ = -np.asarray(model["rho"], dtype=np.float64)
        self._probA = np.asarray(model["prob_a"], dtype=np.float64)
        self._probB = np.asarray(model["prob_b"], dtype=np.float64)
        self.fit_status_ = int(model["fit_status"])
        n_iter = np.asarray(model["n_iter"], dtype=np.int32)
        self.n_iter_ = n_iter if self._is_classifier() else int(n_iter[0])
        self.shape_fit_ = Xc.shape
        if not (np.isfinite(self._intercept_).all() and np.isfinite(self._dual_coef_).all()):
            raise ValueError(
                "The dual coefficients or intercepts are not finite. The input data may contain large "
                "values and need to be preprocessed."
            )
        self.intercept_ = self._intercept_.copy()
        self.dual_coef_ = self._dual_coef_
        if self._is_classifier() and n_class == 2:
            self.intercept_ *= -1
            self.dual_coef_ = -self._dual_coef_
        if self.fit_status_ == 1:
            warnings.warn(
                f"Solver terminated early (max_iter={self.max_iter}).  Consider pre-processing your "
                "data with StandardScaler or MinMaxScaler.",
                ConvergenceWarning,
            )
        return self

    def _encode_targets(self, y, n_samples):
        """Regression / one-class: the float target (or zeros), no classes."""
        if y is None:
            return np.zeros(n_samples, dtype=np.float64), 0, None
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        return y, 0, None

    # ---- prediction
    def _validate_for_predict(self, X):
        check_is_fitted(self)
        if callable(self.kernel):
            return self._callable_gram(X, self._X_fit)
        X = validate_data(self, X, reset=False)
        X = np.ascontiguousarray(X)
        if self.kernel == "precomputed" and X.shape[1] != self.shape_fit_[0]:
            raise ValueError(
                f"X.shape[1] = {X.shape[1]} should be equal to {self.shape_fit_[0]}, the number of "
                "samples at training time"
            )
        n_sv = self._dual_coef_.shape[1]
        if self.kernel != "precomputed" and self.support_vectors_.shape[0] != n_sv or (
            self._is_classifier() and self._n_support.sum() != n_sv
        ):
            raise ValueError(f"The internal representation of {type(self).__name__} was altered")
        return X

    def _raw_decision(self, X):
        """libsvm-signed decision values (n × n_pairs) in X's float dtype."""
        dtype = X.dtype
        sv = np.ascontiguousarray(self.support_vectors_, dtype=dtype)
        if sv.size == 0:
            sv = np.empty((0, X.shape[1]), dtype=dtype)
        n_support = self._n_support if self._is_classifier() else None
        n_class = len(self.classes_) if self._is_classifier() else 2
        return _S.decision(
            X, sv, self.support_.astype(np.int64), self._dual_coef_, n_support, n_class,
            -self._intercept_, self._kernel_params(), self._n_threads(),
        )

    @property
    def coef_(self):
        """Primal weights, only for the linear kernel: (n_classes·(n_classes−1)/2, n_features)."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self)
        coef = self._get_coef()
        coef.flags.writeable = False
        return coef

    def _get_coef(self):
        return self._dual_coef_ @ self.support_vectors_.astype(np.float64)

    @property
    def n_support_(self):
        """Number of support vectors for each class (one entry for regression / one-class)."""
        check_is_fitted(self, "support_")
        if self._is_classifier():
            return self._n_support
        return np.array([self._n_support[0]], dtype=np.int32)
