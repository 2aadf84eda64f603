"""Naive Bayes classifiers: GaussianNB, MultinomialNB, BernoulliNB.

How it works
------------
Naive Bayes assumes the features independent given the class, so the joint log-likelihood of a
sample x under class c is log P(c) + Σ_j log P(x_j | c), and the predicted class is its argmax.
Fitting only needs per-class sufficient statistics, one pass over the data:

* GaussianNB keeps per-class weighted means θ and variances σ² of every feature. The core
  (cpp/src/naive_bayes/naive_bayes.cpp, ``nb_class_moments``) walks the rows in blocks of 1024 that
  stay in cache: per block it forms class sums, then squared deviations from the block means, and
  merges the block into a running result with Chan's pairwise formula. Blocks are grouped into a
  fixed number of chunks, one partial result each, merged in chunk order: results do not depend on
  the thread count. ``partial_fit`` merges new batches into the model with the same formula.
* MultinomialNB / BernoulliNB keep per-class weighted feature sums (``nb_class_sums`` for dense
  input, ``nb_class_sums_csr`` for scipy.sparse CSR input, which is never densified) and turn them
  into smoothed log-probabilities.

Prediction is a matrix product. For GaussianNB, −½ Σ_j (x_j − θ_cj)²/σ²_cj is expanded into
Σ_j x_j²·(−½/σ²_cj) + Σ_j x_j·(θ_cj/σ²_cj) + const_c (after shifting the data by the mean of the
class means, which keeps the expansion free of cancellation), so a block of rows [x², x] times the
weights [−½/σ², θ/σ²]ᵀ is one call to the gemm (cpp/src/linalg/). For the discrete models the
log-likelihood is X·Wᵀ + b with W the (Bernoulli: corrected) log-probabilities, on the gemm for dense
X and on a CSR kernel for sparse X. Probabilities are normalised with a stable log-sum-exp.
Cost: fit O(n·d) (memory-bound, one read of X); predict O(n·d·n_classes) flops.

Deviations from scikit-learn: ``partial_fit`` of MultinomialNB/BernoulliNB rejects labels that are
not in ``classes_`` (scikit-learn silently ignores such samples); BernoulliNB accepts an array alpha
(one per feature: p_cj = (N_cj + α_j) / (N_c + 2α_j)), which scikit-learn fails to broadcast.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..utils._param_validation import Interval
from ..utils.multiclass import check_partial_fit_classes, encode_classes
from ..utils.validation import _is_sparse, check_is_fitted, check_sample_weight, validate_data
from ..base import BaseEstimator, ClassifierMixin

__all__ = ["GaussianNB", "MultinomialNB", "BernoulliNB"]


def _check_partial_fit_first_call(est, classes):
    """True on the first partial_fit call (which sets classes_), as scikit-learn decides it."""
    first = getattr(est, "classes_", None) is None
    classes = check_partial_fit_classes(est, classes)
    if first:
        est.classes_ = classes
    return first


class _BaseNB(ClassifierMixin, BaseEstimator):
    """Prediction shared by the naive Bayes classifiers (they differ in the joint log-likelihood)."""

    def _threads(self):
        return self._n_threads()

    def predict_joint_log_proba(self, X):
        """Unnormalised log P(c) + log P(x | c) for every sample and class, (n_samples, n_classes)."""
        check_is_fitted(self)
        X = self._check_X(X)
        return self._joint_log_likelihood(X)

    def predict(self, X):
        """The class with the largest posterior for every sample."""
        jll = self.predict_joint_log_proba(X)
        return self.classes_[_core.naive_bayes.row_argmax(jll, self._threads())]

    def predict_log_proba(self, X):
        """Log posterior probabilities, (n_samples, n_classes), normalised by a stable log-sum-exp."""
        jll = self.predict_joint_log_proba(X)
        log_prob, _ = _core.naive_bayes.log_normalize(jll, self._threads())
        if not np.isfinite(log_prob).all() and not np.isfinite(jll.max(axis=1)).all():
            raise ValueError(
                "The joint log-likelihood of some samples is -inf or NaN for every class: their "
                "values are too large or too far from the training data for the float precision.")
        return log_prob

    def predict_proba(self, X):
        """Posterior probabilities, (n_samples, n_classes); rows sum to one."""
        return np.exp(self.predict_log_proba(X))


class GaussianNB(_BaseNB):
    """Gaussian naive Bayes.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes; when None they are the class frequencies.
    var_smoothing : float, default=1e-9
        Portion of the largest feature variance added to every variance (``epsilon_``).

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number (total weight) of training samples per class.
    class_prior_ : ndarray of shape (n_classes,)
    classes_ : ndarray of shape (n_classes,)
    epsilon_ : float
        The absolute value added to the variances. When it would be 0 (every feature constant, or
        ``var_smoothing=0``) it is the dtype's smallest normal number, so the likelihoods stay
        defined (scikit-learn's are NaN there).
    theta_ : ndarray of shape (n_classes, n_features)
        Per-class feature means.
    var_ : ndarray of shape (n_classes, n_features)
        Per-class feature variances (plus epsilon_).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    How it works
    ------------
    Per-class weighted means and variances in one cached pass over X (block-wise Chan merges,
    fixed merge order); prediction expands the Gaussian log-density into a matrix product on the
    gemm. See the module docstring and cpp/src/naive_bayes/naive_bayes.cpp.
    """

    _parameter_constraints: dict = {
        "priors": ["array-like", None],
        "var_smoothing": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def _check_X(self, X):
        return validate_data(self, X, reset=False)

    def fit(self, X, y, sample_weight=None):
        """Fit the per-class means and variances. Returns self."""
        self._validate_params()
        X, y = validate_data(self, X, y)
        classes, cls = encode_classes(y)
        self.classes_ = classes
        return self._partial_fit(X, y, None, sample_weight=sample_weight, validated=True,
                                 first_call=True, cls=cls)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with a batch (``classes`` required on the first call). Returns self."""
        self._validate_params()
        return self._partial_fit(X, y, classes, sample_weight=sample_weight)

    def _partial_fit(self, X, y, classes, sample_weight=None, validated=False, first_call=None,
                     cls=None):
        if first_call is None:
            first_call = _check_partial_fit_first_call(self, classes)
        if not validated:
            X, y = validate_data(self, X, y, reset=first_call)
        dtype = X.dtype
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=dtype)
        nt = self._threads()
        n_classes = len(self.classes_)
        if first_call:
            n_features = X.shape[1]
            self.theta_ = np.zeros((n_classes, n_features), dtype=dtype)
            self.var_ = np.zeros((n_classes, n_features), dtype=dtype)
            self.class_count_ = np.zeros(n_classes, dtype=dtype)
            if self.priors is not None:
                priors = np.asarray(self.priors, dtype=dtype)
                if priors.ndim != 1 or priors.shape[0] != n_classes:
                    raise ValueError("Number of priors must match number of classes.")
                if not np.isclose(priors.sum(), 1.0):
                    raise ValueError("The sum of the priors should be 1.")
                if np.any(priors < 0):
                    raise ValueError("Priors must be non-negative.")
                self.class_prior_ = priors
            else:
                self.class_prior_ = np.zeros(n_classes, dtype=dtype)
        else:
            if X.shape[1] != self.theta_.shape[1]:
                raise ValueError(
                    f"Number of features {X.shape[1]} does not match previous data "
                    f"{self.theta_.shape[1]}."
                )
        if cls is None:
            cls = encode_classes(y, classes=self.classes_)[1]
        wsum, mean, var = _core.naive_bayes.class_moments(X, cls, n_classes, sample_weight, nt)

        # epsilon_ from the (unweighted) feature variances of this batch, as scikit-learn does.
        if sample_weight is None:
            w = wsum[:, None]
            n = wsum.sum()
            m64 = mean.astype(np.float64)
            mu = (w * m64).sum(axis=0) / n
            total_var = (w * (var.astype(np.float64) + (m64 - mu) ** 2)).sum(axis=0) / n
        else:
            _, _, v1 = _core.naive_bayes.class_moments(X, np.zeros(X.shape[0], np.int64), 1, None, nt)
            total_var = v1[0].astype(np.float64)
        self.epsilon_ = float(self.var_smoothing * np.max(total_var))
        if not self.epsilon_ > 0.0:
            # every feature constant (or var_smoothing=0): a zero variance would make every
            # likelihood 0/0; the dtype's smallest normal number keeps them defined
            self.epsilon_ = float(np.finfo(dtype).tiny)
        if not first_call:
            self.var_[:, :] -= dtype.type(self.epsilon_)

        # Merge the batch into the model (Chan's formula), class by class, in float64.
        n_new = wsum
        n_past = self.class_count_.astype(np.float64)
        upd = n_new > 0
        if sample_weight is None:
            # Unweighted counts are exact integers.
            n_new = np.round(n_new)
        n_tot = n_past + n_new
        with np.errstate(invalid="ignore", divide="ignore"):
            mu_old = self.theta_.astype(np.float64)
            mu_new = mean.astype(np.float64)
            f_new = np.where(n_tot > 0, n_new / np.where(n_tot > 0, n_tot, 1), 0.0)[:, None]
            total_mu = mu_old + (mu_new - mu_old) * f_new
            ssd = (n_past[:, None] * self.var_.astype(np.float64)
                   + n_new[:, None] * var.astype(np.float64)
                   + (n_new * n_past / np.where(n_tot > 0, n_tot, 1))[:, None] * (mu_old - mu_new) ** 2)
            total_var = ssd / np.where(n_tot > 0, n_tot, 1)[:, None]
        self.theta_[upd] = total_mu[upd].astype(dtype)
        self.var_[upd] = total_var[upd].astype(dtype)
        self.class_count_ += n_new.astype(dtype)
        self.var_[:, :] += dtype.type(self.epsilon_)
        if self.priors is None:
            self.class_prior_ = self.class_count_ / self.class_count_.sum()
        return self

    def _joint_log_likelihood(self, X):
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        return _core.naive_bayes.gaussian_jll(X, self.theta_, self.var_, log_prior.astype(X.dtype),
                                     self._threads())


def _csr_parts(X):
    return X.data, X.indices, X.indptr, X.shape[0], X.shape[1]


class _BaseDiscreteNB(_BaseNB):
    """Shared fitting of the count-based models (MultinomialNB, BernoulliNB)."""

    _parameter_constraints: dict = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "fit_prior": ["boolean"],
        "class_prior": ["array-like", None],
        "force_alpha": ["boolean"],
    }

    def _validate_params(self):
        super()._validate_params()
        if not isinstance(self.alpha, numbers.Real):
            try:
                a = np.asarray(self.alpha, dtype=np.float64)
            except (TypeError, ValueError) as e:
                raise ValueError(
                    f"The 'alpha' parameter of {type(self).__name__} must be a float in the range "
                    f"[0.0, inf) or an array-like of numbers. Got {self.alpha!r} instead."
                ) from e
            if a.ndim != 1:
                raise ValueError(
                    f"The 'alpha' parameter of {type(self).__name__} must be a float or a 1-d "
                    f"array-like. Got {self.alpha!r} instead."
                )

    def _validate_Xy(self, X, y, reset):
        X, y = validate_data(self, X, y, accept_sparse=True, reset=reset)
        return self._prepare_X(X), y

    def _check_X(self, X):
        return self._prepare_X(validate_data(self, X, accept_sparse=True, reset=False))

    def _prepare_X(self, X):
        return X

    def fit(self, X, y, sample_weight=None):
        """Fit the per-class feature counts. Returns self."""
        self._validate_params()
        X, y = self._validate_Xy(X, y, reset=True)
        self.classes_, cls = encode_classes(y)
        self._init_counters(len(self.classes_), X.shape[1])
        self._fit_batch(X, cls, sample_weight)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the counts with a batch (``classes`` required on the first call). Returns self."""
        self._validate_params()
        first_call = not hasattr(self, "classes_")
        X, y = self._validate_Xy(X, y, reset=first_call)
        if _check_partial_fit_first_call(self, classes):
            self._init_counters(len(self.classes_), X.shape[1])
        cls = encode_classes(y, classes=self.classes_)[1]
        self._fit_batch(X, cls, sample_weight)
        return self

    def _init_counters(self, n_classes, n_features):
        self.class_count_ = np.zeros(n_classes, dtype=np.float64)
        self.feature_count_ = np.zeros((n_classes, n_features), dtype=np.float64)

    def _fit_batch(self, X, cls, sample_weight):
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
        self._check_counts(X)
        n_classes = len(self.classes_)
        nt = self._threads()
        if _is_sparse(X):
            data, indices, indptr, n, d = _csr_parts(X)
            sums = _core.naive_bayes.class_sums_csr(data, indices, indptr, n, d, cls, n_classes,
                                           sample_weight, nt)
        else:
            sums = _core.naive_bayes.class_sums(X, cls, n_classes, sample_weight, nt)
        self.feature_count_ += sums
        self.class_count_ += np.bincount(
            cls, weights=None if sample_weight is None else sample_weight.astype(np.float64),
            minlength=n_classes)
        alpha = self._check_alpha()
        self._update_feature_log_prob(alpha)
        self._update_class_log_prior()

    def _check_counts(self, X):
        pass

    def _check_alpha(self):
        alpha = self.alpha if isinstance(self.alpha, numbers.Real) else np.asarray(self.alpha, dtype=np.float64)
        alpha_min = np.min(alpha)
        if isinstance(alpha, np.ndarray):
            if alpha.shape[0] != self.n_features_in_:
                raise ValueError(
                    "When alpha is an array, it should contains `n_features`. "
                    f"Got {alpha.shape[0]} elements instead of {self.n_features_in_}."
                )
            if alpha_min < 0:
                raise ValueError("All values in alpha must be greater than 0.")
        lower = 1e-10
        if alpha_min < lower and not self.force_alpha:
            warnings.warn(
                f"alpha too small will result in numeric errors, setting alpha = {lower:.1e}. "
                "Use `force_alpha=True` to keep alpha unchanged."
            )
            return np.maximum(alpha, lower)
        return alpha

    def _update_class_log_prior(self):
        n_classes = len(self.classes_)
        if self.class_prior is not None:
            prior = np.asarray(self.class_prior, dtype=np.float64)
            if prior.ndim != 1 or len(prior) != n_classes:
                raise ValueError("Number of priors must match number of classes.")
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(prior)
        elif self.fit_prior:
            with np.errstate(divide="ignore", invalid="ignore"):
                self.class_log_prior_ = np.log(self.class_count_) - np.log(self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(n_classes, -np.log(n_classes))

    def _linear_jll(self, X, W, b):
        nt = self._threads()
        W = np.ascontiguousarray(W, dtype=X.dtype)
        b = np.ascontiguousarray(b, dtype=X.dtype)
        if _is_sparse(X):
            data, indices, indptr, n, d = _csr_parts(X)
            return _core.naive_bayes.linear_csr(data, indices, indptr, n, d, W, b, nt)
        return _core.linalg.affine(X, W, b, True, nt)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.poor_score = True
        return tags



class MultinomialNB(_BaseDiscreteNB):
    """Naive Bayes for multinomial counts (e.g. word counts of documents).

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing (0 for none).
    force_alpha : bool, default=True
        Keep alpha as given even when below 1e-10 (else it is raised to 1e-10 with a warning).
    fit_prior : bool, default=True
        Learn class priors from the data (else uniform).
    class_prior : array-like of shape (n_classes,), default=None
        Fixed class priors.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
    class_log_prior_ : ndarray of shape (n_classes,)
    classes_ : ndarray of shape (n_classes,)
    feature_count_ : ndarray of shape (n_classes, n_features)
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        log P(feature j | class c) = log((N_cj + α) / (N_c + α·n_features)).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    How it works
    ------------
    Per-class feature sums N_cj in one pass (dense or CSR kernel, never densifying sparse input);
    the joint log-likelihood is X·feature_log_prob_ᵀ + class_log_prior_ (the gemm for dense X, a CSR
    kernel for sparse X). See cpp/src/naive_bayes/naive_bayes.cpp.
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _check_counts(self, X):
        vals = X.data if _is_sparse(X) else X
        if vals.size and np.min(vals) < 0:
            raise ValueError("Negative values in data passed to MultinomialNB (input X).")

    def _update_feature_log_prob(self, alpha):
        smoothed_fc = self.feature_count_ + alpha
        smoothed_cc = smoothed_fc.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.feature_log_prob_ = np.log(smoothed_fc) - np.log(smoothed_cc.reshape(-1, 1))

    def _joint_log_likelihood(self, X):
        return self._linear_jll(X, self.feature_log_prob_, self.class_log_prior_)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.poor_score = True
        tags.input_tags.positive_only = True
        return tags



class BernoulliNB(_BaseDiscreteNB):
    """Naive Bayes for binary (present/absent) features.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive smoothing (0 for none).
    force_alpha : bool, default=True
        Keep alpha as given even when below 1e-10.
    binarize : float or None, default=0.0
        Threshold: features > binarize count as present. None: X is taken as already binary.
    fit_prior : bool, default=True
    class_prior : array-like of shape (n_classes,), default=None

    Attributes
    ----------
    class_count_, class_log_prior_, classes_, feature_count_, n_features_in_, feature_names_in_
        As MultinomialNB.
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        log P(x_j = 1 | c) = log((N_cj + α) / (N_c + 2α)).

    How it works
    ------------
    Binarise, count per class (dense or CSR kernel), and score with
    Σ_j x_j·log p_cj + (1 − x_j)·log(1 − p_cj) = X·(log p − log(1 − p))ᵀ + Σ_j log(1 − p_cj): one
    matrix product (gemm or CSR kernel). See cpp/src/naive_bayes/naive_bayes.cpp.
    """

    _parameter_constraints: dict = {
        **_BaseDiscreteNB._parameter_constraints,
        "binarize": [None, Interval(numbers.Real, None, None, closed="neither")],
    }

    def __init__(self, *, alpha=1.0, force_alpha=True, binarize=0.0, fit_prior=True,
                 class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _prepare_X(self, X):
        if self.binarize is None:
            return X
        thr = self.binarize
        if _is_sparse(X):
            if thr < 0:
                raise ValueError("Cannot binarize a sparse matrix with threshold < 0")
            X = X.copy()
            X.data = (X.data > thr).astype(X.dtype)
            X.eliminate_zeros()
            return X
        return (X > thr).astype(X.dtype)

    def _update_feature_log_prob(self, alpha):
        smoothed_fc = self.feature_count_ + alpha
        # (N_c + 2α), per feature when alpha is an array (scikit-learn cannot broadcast that case).
        smoothed_cc = self.class_count_.reshape(-1, 1) + np.asarray(alpha, dtype=np.float64) * 2
        with np.errstate(divide="ignore", invalid="ignore"):
            self.feature_log_prob_ = np.log(smoothed_fc) - np.log(smoothed_cc)

    def _joint_log_likelihood(self, X):
        with np.errstate(divide="ignore", invalid="ignore"):
            neg_prob = np.log(1 - np.exp(self.feature_log_prob_))
        return self._linear_jll(X, self.feature_log_prob_ - neg_prob,
                                self.class_log_prior_ + neg_prob.sum(axis=1))
