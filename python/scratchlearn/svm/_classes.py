"""Kernel SVMs: SVC, NuSVC, SVR, NuSVR, OneClassSVM.

How it works
------------
Every estimator solves one quadratic programme of libsvm's form
``min ½αᵀQα + pᵀα  s.t.  yᵀα = Δ, 0 <= α_i <= C_i`` with ``Q_ij = y_i y_j K(x_i, x_j)`` by SMO
(cpp/src/svm/smo.cpp): two variables per step, chosen by the second-order rule of Fan, Chen & Lin
(2005), the pair's subproblem solved in closed form and clipped to the box; the run stops when the
maximal KKT violation m(α) − M(α) falls below ``tol``. Bounded variables that will stay bounded are
shrunk away every 1000 steps and the gradient of the others rebuilt (one GEMM block per chunk) before
the final check. The bias is the mean of y_i∇f_i over free variables (or the midpoint of its bounds).
The formulations (cpp/src/svm/train.cpp): C-SVC (p = −1, C_i = C·class_weight·sample_weight), nu-SVC
and nu-SVR (the nu solver, with a second equality constraint), one-class (α summing to ν·n),
epsilon-SVR (2n variables α, α*).

Kernel rows K(x_i, ·) are cached in an LRU cache of ``cache_size`` MB (float32 entries, two full
rows at least); misses are computed from a feature-major copy of the rows (kept in the solver's
variable order), a per-ISA vector kernel that reads each feature's slice once per chunk of points
(rbf from ‖x − y‖² directly; cpp/src/svm/row_kernels_impl.hpp, cpp/src/svm/kernel.cpp). The
gradient update (fused with the next step's max over I_up) and the second-order search are vector
passes too; on a problem of 4096 variables or more they are shared, chunk by chunk, with helper
threads (one per extra thread), the caller never waiting for a helper that has not started. Multi-class is
one-vs-one in libsvm's layout, the class pairs solved in parallel on the available threads.
``probability=True`` fits Platt's sigmoid per pair on decision values of an internal 5-fold
cross-validation (folds in parallel, each C-SVC fold warm-started from the pair's model and all
reading one store of its kernel rows; Lin, Lin & Weng's Newton method), coupled across classes by
Wu, Lin & Weng's method at prediction. Prediction is one fused pass per block of queries: the dot
products with a panel of support vectors in registers, the kernel applied there (rbf from
‖x‖² + ‖s‖² − 2x·s, a vector exp in the data's precision), then the dual coefficients summed in;
no queries × support vectors block is stored.

Cost: fit between O(n²·d) and O(n³) in the worst case, usually a few passes of kernel rows over the
support vectors; predict O(m·n_SV·d).

Deviations from scikit-learn: sparse input is not supported; the probabilities equal libsvm's only up to its
fold shuffle (another random generator); float32 input is computed and answered in float32;
samples with zero or negative weight are left out as in libsvm, but ``support_`` still indexes the
rows of X (scikit-learn's then indexes the rows that remain).
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _core
from ..base import ClassifierMixin, RegressorMixin
from ..utils._param_validation import StrOptions
from ..utils.multiclass import check_classification_targets
from ..utils.validation import check_is_fitted
from ._base import BaseLibSVM, _compute_class_weight, _ovr_decision

_S = _core.svm

__all__ = ["SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM"]


class BaseSVC(ClassifierMixin, BaseLibSVM):
    """Shared by SVC and NuSVC: classes, one-vs-one voting, ovr scores and probabilities."""

    _parameter_constraints: dict = {
        **BaseLibSVM._parameter_constraints,
        "decision_function_shape": [StrOptions({"ovr", "ovo"})],
        "break_ties": ["boolean"],
    }
    for _unused in ("epsilon", "nu"):
        _parameter_constraints.pop(_unused)

    def fit(self, X, y, sample_weight=None):
        """Fit the SVM on X (n_samples × n_features, or the n_samples × n_samples kernel for
        kernel='precomputed') and class labels y; ``sample_weight`` rescales C per sample."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        return self._fit(X, y, sample_weight)

    def _encode_targets(self, y, n_samples):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"The number of classes has to be greater than one; got {len(classes)} class"
            )
        self.classes_ = classes
        self.class_weight_ = _compute_class_weight(self.class_weight, classes, codes)
        return codes.astype(np.float64), len(classes), self.class_weight_

    def decision_function(self, X):
        """Decision values: (n_samples,) for two classes (positive for ``classes_[1]``), else
        (n_samples, n_classes) for 'ovr' or (n_samples, n_classes·(n_classes−1)/2) for 'ovo'."""
        X = self._validate_for_predict(X)
        dec = self._raw_decision(X)
        if len(self.classes_) == 2:
            return -dec.ravel()
        if self.decision_function_shape == "ovr":
            return _ovr_decision(dec, len(self.classes_))
        return dec

    def predict(self, X):
        """Class labels: majority vote of the one-vs-one classifiers (ties: the lowest class), or
        the argmax of the 'ovr' scores when ``break_ties``."""
        check_is_fitted(self)
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        X = self._validate_for_predict(X)
        dec = self._raw_decision(X)
        k = len(self.classes_)
        if self.break_ties and self.decision_function_shape == "ovr" and k > 2:
            return self.classes_.take(np.argmax(_ovr_decision(dec, k), axis=1))
        votes = np.zeros((dec.shape[0], k), dtype=np.int32)
        p = 0
        for i in range(k):
            for j in range(i + 1, k):
                pos = dec[:, p] > 0
                votes[pos, i] += 1
                votes[~pos, j] += 1
                p += 1
        return self.classes_.take(np.argmax(votes, axis=1))

    def _check_proba(self):
        if not self._effective_probability():
            raise AttributeError("predict_proba is not available when probability=False")
        return True

    @property
    def predict_proba(self):
        """Class probabilities (n_samples, n_classes), columns in ``classes_`` order: Platt's
        sigmoid per pair, coupled across classes. Needs probability=True at fit."""
        self._check_proba()
        return self._predict_proba

    @property
    def predict_log_proba(self):
        """The log of predict_proba."""
        self._check_proba()
        return self._predict_log_proba

    def _predict_proba(self, X):
        X = self._validate_for_predict(X)
        if self._probA.size == 0 or self._probB.size == 0:
            from ..exceptions import NotFittedError

            raise NotFittedError("predict_proba is not available when fitted with probability=False")
        dec = self._raw_decision(X)
        return _S.probability(
            np.ascontiguousarray(dec), len(self.classes_), self._probA, self._probB, self._n_threads()
        )

    def _predict_log_proba(self, X):
        return np.log(self._predict_proba(X))

    def _get_coef(self):
        if self.dual_coef_.shape[0] == 1:
            return self.dual_coef_ @ self.support_vectors_.astype(np.float64)
        sv = self.support_vectors_.astype(np.float64)
        start = np.concatenate([[0], np.cumsum(self._n_support)])
        rows = []
        k = len(self.classes_)
        for i in range(k):
            for j in range(i + 1, k):
                si, sj = slice(start[i], start[i + 1]), slice(start[j], start[j + 1])
                rows.append(self.dual_coef_[j - 1, si] @ sv[si] + self.dual_coef_[i, sj] @ sv[sj])
        return np.vstack(rows)

    @property
    def probA_(self):
        """Platt sigmoid slopes, one per class pair (empty without probability=True).

        Deprecated (as in scikit-learn 1.9, to be removed in 1.11 with ``probability``)."""
        check_is_fitted(self)
        warnings.warn(
            "Attribute `probA_` was deprecated in version 1.9 and will be removed in 1.11 as the "
            "`probability=True` option for SVC and NuSVC was deprecated and will be removed in 1.11.",
            FutureWarning,
        )
        return self._probA

    @property
    def probB_(self):
        """Platt sigmoid offsets, one per class pair (empty without probability=True).

        Deprecated (as in scikit-learn 1.9, to be removed in 1.11 with ``probability``)."""
        check_is_fitted(self)
        warnings.warn(
            "Attribute `probB_` was deprecated in version 1.9 and will be removed in 1.11 as the "
            "`probability=True` option for SVC and NuSVC was deprecated and will be removed in 1.11.",
            FutureWarning,
        )
        return self._probB


class SVC(BaseSVC):
    """C-Support Vector Classification (libsvm's C-SVC), scikit-learn's SVC.

    Parameters
    ----------
    C : float, default=1.0
        Regularization: the box bound of the dual variables (times class and sample weights).
    kernel : {'linear', 'poly', 'rbf', 'sigmoid', 'precomputed'} or callable, default='rbf'
    degree : int, default=3
    gamma : {'scale', 'auto'} or float, default='scale'
        'scale' = 1 / (n_features · X.var()), 'auto' = 1 / n_features.
    coef0 : float, default=0.0
    shrinking : bool, default=True
    probability : bool, default="deprecated"
        Fit Platt scaling by an internal 5-fold cross-validation. Deprecated as in scikit-learn
        1.9 (to be removed in 1.11): any value given warns (FutureWarning); "deprecated" means
        False. scikit-learn suggests ``CalibratedClassifierCV(SVC(), ensemble=False)``.
    tol : float, default=1e-3
        Stop when the maximal KKT violation m(α) − M(α) is at most tol.
    cache_size : float, default=200
        Kernel-row cache per solver, in MB. Its storage is kept after the fit for the next one (at
        most cache_size MB, and 256 MB in all).
    class_weight : dict or 'balanced', default=None
    verbose : bool, default=False
    max_iter : int, default=-1
        SMO steps per problem (-1: no limit).
    decision_function_shape : {'ovr', 'ovo'}, default='ovr'
    break_ties : bool, default=False
    random_state : int, RandomState instance or None, default=None
        Seeds the cross-validation folds of probability=True.

    Attributes
    ----------
    support_, support_vectors_, n_support_, dual_coef_, intercept_, coef_ (linear kernel),
    classes_, class_weight_, fit_status_, n_iter_, shape_fit_, probA_, probB_, n_features_in_.

    How it works
    ------------
    See the module docstring (scratchlearn/svm/_classes.py): SMO with second-order working-set
    selection, shrinking and an LRU kernel cache in cpp/src/svm/smo.cpp and kernel.cpp; one-vs-one
    pairs in parallel in cpp/src/svm/train.cpp.
    """

    _impl = "c_svc"

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, shrinking=True,
                 probability="deprecated", tol=1e-3, cache_size=200, class_weight=None, verbose=False,
                 max_iter=-1, decision_function_shape="ovr", break_ties=False, random_state=None):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    nu = 0.5
    epsilon = 0.0


class NuSVC(BaseSVC):
    """Nu-Support Vector Classification (libsvm's nu-SVC), scikit-learn's NuSVC.

    ``nu`` in (0, 1] bounds the fraction of margin errors from above and of support vectors from
    below; the other parameters and attributes are SVC's. An infeasible nu (more than twice the
    smaller class's share in some pair) raises ValueError('specified nu is infeasible').

    How it works
    ------------
    The nu variant of the SMO solver (both variables of a step from the same class) in
    cpp/src/svm/smo.cpp; coefficients and bias are rescaled by the solver's second multiplier r.
    """

    _impl = "nu_svc"

    _parameter_constraints: dict = {
        **BaseSVC._parameter_constraints,
        "nu": [BaseLibSVM._parameter_constraints["nu"][0]],
    }
    _parameter_constraints.pop("C")

    def __init__(self, *, nu=0.5, kernel="rbf", degree=3, gamma="scale", coef0=0.0, shrinking=True,
                 probability="deprecated", tol=1e-3, cache_size=200, class_weight=None, verbose=False,
                 max_iter=-1, decision_function_shape="ovr", break_ties=False, random_state=None):
        self.nu = nu
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    C = 1.0
    epsilon = 0.0


class _BaseRegressorSVM(RegressorMixin, BaseLibSVM):
    probability = False
    class_weight = None
    random_state = None

    def fit(self, X, y, sample_weight=None):
        """Fit the regression SVM on X and real targets y (sample_weight rescales C)."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        return self._fit(X, y, sample_weight)

    def predict(self, X):
        """Predicted values: Σ dual_coef·K(sv, x) + intercept."""
        X = self._validate_for_predict(X)
        return self._raw_decision(X).ravel()


class SVR(_BaseRegressorSVM):
    """Epsilon-Support Vector Regression (libsvm's epsilon-SVR), scikit-learn's SVR.

    Parameters: kernel, degree, gamma, coef0, tol=1e-3, C=1.0, epsilon=0.1 (the width of the
    insensitive tube), shrinking, cache_size=200, verbose, max_iter=-1 (as SVC).
    Attributes: support_, support_vectors_, n_support_, dual_coef_ (α − α*), intercept_, coef_
    (linear kernel), fit_status_, n_iter_ (int), shape_fit_, n_features_in_.

    How it works
    ------------
    2n dual variables (α, α*) with p = ε ∓ y, solved by the shared SMO (cpp/src/svm/smo.cpp);
    the cache holds whole kernel rows of the data and serves both signs.
    """

    _impl = "epsilon_svr"

    _parameter_constraints: dict = {**BaseLibSVM._parameter_constraints}
    for _unused in ("class_weight", "nu", "probability", "random_state"):
        _parameter_constraints.pop(_unused)

    def __init__(self, *, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, C=1.0,
                 epsilon=0.1, shrinking=True, cache_size=200, verbose=False, max_iter=-1):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter

    nu = 0.5


class NuSVR(_BaseRegressorSVM):
    """Nu-Support Vector Regression (libsvm's nu-SVR), scikit-learn's NuSVR.

    ``nu`` in (0, 1] replaces epsilon (the tube width is found by the solver); other parameters
    and attributes as SVR.

    How it works
    ------------
    2n variables with Σα = Σα* = C·ν·n/2, solved by the nu variant of the SMO (cpp/src/svm/smo.cpp).
    """

    _impl = "nu_svr"

    _parameter_constraints: dict = {**BaseLibSVM._parameter_constraints}
    for _unused in ("class_weight", "epsilon", "probability", "random_state"):
        _parameter_constraints.pop(_unused)

    def __init__(self, *, nu=0.5, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0,
                 shrinking=True, tol=1e-3, cache_size=200, verbose=False, max_iter=-1):
        self.nu = nu
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.tol = tol
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter

    epsilon = 0.0


class OneClassSVM(BaseLibSVM):
    """Unsupervised outlier detection (libsvm's one-class SVM), scikit-learn's OneClassSVM.

    Parameters: kernel, degree, gamma, coef0, tol=1e-3, nu=0.5 (upper bound on the fraction of
    training errors, lower bound on the fraction of support vectors), shrinking, cache_size,
    verbose, max_iter. Attributes: support_, support_vectors_, n_support_, dual_coef_,
    intercept_, offset_, coef_ (linear kernel), fit_status_, n_iter_, shape_fit_.

    How it works
    ------------
    min ½αᵀKα s.t. Σα = ν·n, 0 <= α_i <= 1 by the shared SMO (cpp/src/svm/smo.cpp); the decision
    function Σα_i K(x_i, x) − ρ is positive for inliers.
    """

    _impl = "one_class"
    _estimator_type = "outlier_detector"

    _parameter_constraints: dict = {**BaseLibSVM._parameter_constraints}
    for _unused in ("C", "class_weight", "epsilon", "probability", "random_state"):
        _parameter_constraints.pop(_unused)

    def __init__(self, *, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, nu=0.5,
                 shrinking=True, cache_size=200, verbose=False, max_iter=-1):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.nu = nu
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter

    C = 0.0
    epsilon = 0.0
    probability = False
    class_weight = None
    random_state = None

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        if hasattr(tags, "estimator_type"):
            tags.estimator_type = "outlier_detector"
        return tags

    def fit(self, X, y=None, sample_weight=None):
        """Detect the soft boundary of X's distribution (y is ignored)."""
        self._fit(X, None, sample_weight)
        self.offset_ = -self._intercept_
        return self

    def decision_function(self, X):
        """Signed distance to the boundary: positive for inliers, negative for outliers."""
        X = self._validate_for_predict(X)
        return self._raw_decision(X).ravel()

    def score_samples(self, X):
        """The unshifted scoring function: decision_function(X) + offset_."""
        dec = self.decision_function(X)
        return dec + self.offset_.astype(dec.dtype)

    def predict(self, X):
        """+1 for inliers, −1 for outliers."""
        dec = self.decision_function(X)
        return np.where(dec > 0, 1, -1).astype(np.intp)

    def fit_predict(self, X, y=None, **kwargs):
        """fit(X) then predict(X)."""
        return self.fit(X, **kwargs).predict(X)
