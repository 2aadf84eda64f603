"""Clustering: KMeans and MiniBatchKMeans.

How it works
------------
k-means looks for k centres minimising the inertia Σᵢ wᵢ‖xᵢ − c_{label(i)}‖². Lloyd's algorithm
alternates two steps until the labels stop changing (or the centres move less than ``tol``):
assign every sample to its nearest centre, then move each centre to the weighted mean of its
samples. The assignment is the expensive part, O(n·k·d) per iteration; the core
(cpp/src/cluster/kmeans.cpp, loops in chunk_kernels_impl.hpp) fuses it: for 256 samples at a time a
register-tiled kernel computes ‖c_j‖² − 2·x·c_j against panels of 16 centres (−2·Cᵀ packed once
per iteration), folds each panel into every sample's running argmin (‖x‖² is common to all
centres), and adds w·x into the chunk's partial sums of the new centres while the block is in cache.
No n × k distance matrix is ever stored, and the partial sums are reduced in a fixed order, so the
results do not depend on n_jobs. As scikit-learn does, the data is centred before the iterations
(smaller norms, less cancellation) and the mean is added back to the centres.

Elkan's variant keeps, per sample, an upper bound on the distance to its own centre and lower
bounds on the distances to the others; the triangle inequality with the centre–centre distances
then proves most candidate centres cannot win, so most distances are never computed. The bounds
start from all distances at once (the same kernel), and a chunk whose bounds have grown too loose
to prune after a large move of the centres is rebuilt the same way.

k-means++ seeding picks each next centre among 2 + ⌊ln k⌋ candidates drawn with probability
proportional to w·D(x)² (D the distance to the nearest centre chosen so far), keeping the candidate
that lowers the potential most. The draws are scikit-learn's, in its order, taken up front; the core
then runs the whole seeding, one pass over the data per new centre for all its candidates.

MiniBatchKMeans updates the centres from random batches: each centre moves to the running weighted
mean of all the samples ever assigned to it; rarely used centres are reassigned to random samples.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClusterMixin, TransformerMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.parallel import n_threads as _resolve_threads
from ..utils.validation import (
    check_array,
    check_is_fitted,
    check_random_state,
    check_sample_weight,
    validate_data,
)

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]


# --------------------------------------------------------------------------------------------
# helpers


def _is_arraylike_not_scalar(x):
    return (hasattr(x, "__len__") or hasattr(x, "shape") or hasattr(x, "__array__")) and not (
        isinstance(x, str) or np.isscalar(x)
    )


def _tolerance(X, tol):
    """scikit-learn's data-relative tolerance: tol × the mean of the per-feature variances."""
    if tol == 0:
        return 0.0
    return float(np.mean(np.var(X, axis=0)) * tol)


# algorithm='elkan' keeps Elkan's bounds (one upper and k lower bounds per sample) only from this
# many features on. Elkan's iterates are Lloyd's, and below it the fused dense assignment (the
# register kernels of the core) is faster than maintaining the n × k bounds: measured on well
# separated blobs from the same initial centres, 10 iterations, the dense pass was faster at every
# shape tried (2 to 1000 features, 8 to 256 clusters; at 1000 features and 64 clusters still by
# 1.4x). Lloyd's own passes skip settled samples with Hamerly's two bounds per sample from 20
# features on (cpp/src/cluster/kmeans.cpp). Tests lower it to run Elkan's pass.
_ELKAN_MIN_FEATURES = 4096


def _row_norms_sq(X):
    return np.einsum("ij,ij->i", X, X)


def _randint(random_state, low, high, size):
    if isinstance(random_state, np.random.Generator):
        return random_state.integers(low, high, size)
    return random_state.randint(low, high, size)


def _check_weights(sample_weight, X):
    return check_sample_weight(sample_weight, X, dtype=X.dtype)


def _is_same_clustering(labels1, labels2, n_clusters):
    """True when labels1 → labels2 is a function (the same partition up to a relabelling)."""
    pairs = np.unique(np.stack([labels1, labels2]).astype(np.int64), axis=1)
    return pairs.shape[1] == np.unique(pairs[0]).shape[0]


def _kmeans_plusplus(X, n_clusters, x_squared_norms, sample_weight, random_state, n_threads,
                     n_local_trials=None):
    """Greedy k-means++ on (already validated) X: (centres, indices).

    The random draws are scikit-learn's, in its order (the first centre by ``choice``, then
    ``n_local_trials`` uniforms per further centre), all taken here up front; the core does the
    rest (cpp/src/cluster/kmeans.cpp, ``kmeans_plusplus``)."""
    n_samples, n_features = X.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    center_id = random_state.choice(n_samples, p=sample_weight / sample_weight.sum())
    draws = random_state.uniform(size=(n_clusters - 1, n_local_trials))
    indices = _core.cluster.kmeans_plusplus(
        X, np.ascontiguousarray(x_squared_norms, dtype=X.dtype),
        np.ascontiguousarray(sample_weight, dtype=X.dtype), int(n_clusters), int(center_id),
        np.ascontiguousarray(draws, dtype=np.float64), n_threads).astype(int, copy=False)
    return np.ascontiguousarray(X[indices]), indices


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, x_squared_norms=None, random_state=None,
                    n_local_trials=None):
    """Initial centres by greedy k-means++ seeding (as scikit-learn's ``kmeans_plusplus``).

    Returns ``(centers, indices)`` with ``X[indices] == centers``.
    """
    validate_parameter_constraints(
        {"n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
         "n_local_trials": [Interval(numbers.Integral, 1, None, closed="left"), None],
         "random_state": ["random_state"]},
        {"n_clusters": n_clusters, "n_local_trials": n_local_trials, "random_state": random_state},
        caller_name="kmeans_plusplus",
    )
    X = check_array(X)
    if X.shape[0] < n_clusters:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    sample_weight = _check_weights(sample_weight, X)
    if x_squared_norms is None:
        x_squared_norms = _row_norms_sq(X)
    else:
        x_squared_norms = check_array(x_squared_norms, dtype=X.dtype, ensure_2d=False,
                                      input_name="x_squared_norms")
        if x_squared_norms.shape != (X.shape[0],):
            raise ValueError(
                f"The length of x_squared_norms {x_squared_norms.shape[0]} should be equal to "
                f"the length of n_samples {X.shape[0]}."
            )
    random_state = check_random_state(random_state)
    return _kmeans_plusplus(X, n_clusters, x_squared_norms, sample_weight, random_state,
                            _resolve_threads(None), n_local_trials)


# --------------------------------------------------------------------------------------------
# shared base


class _BaseKMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    _default_n_init = 10

    _parameter_constraints: dict = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
        "init": [StrOptions({"k-means++", "random"}), callable, "array-like"],
        "n_init": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": [Interval(numbers.Integral, None, -1, closed="right"),
                   Interval(numbers.Integral, 1, None, closed="left"), None],
    }

    def _check_params_vs_input(self, X):
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        self._tol = _tolerance(X, self.tol)
        if isinstance(self.n_init, str) and self.n_init == "auto":
            if isinstance(self.init, str) and self.init == "k-means++":
                self._n_init = 1
            elif isinstance(self.init, str) or callable(self.init):
                self._n_init = self._default_n_init
            else:
                self._n_init = 1
        else:
            self._n_init = int(self.n_init)
        if _is_arraylike_not_scalar(self.init) and not callable(self.init) and self._n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init in "
                f"{type(self).__name__} instead of n_init={self._n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
            self._n_init = 1

    def _validate_center_shape(self, X, centers, n_centroids=None):
        if n_centroids is None:
            n_centroids = self.n_clusters
        if centers.ndim != 2 or centers.shape[0] != n_centroids:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match the number of "
                f"clusters {n_centroids}."
            )
        if centers.shape[1] != X.shape[1]:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match the number of "
                f"features of the data {X.shape[1]}."
            )

    def _checked_init_array(self, X):
        init = check_array(self.init, dtype=X.dtype, copy=True, input_name="init")
        self._validate_center_shape(X, init)
        return init

    def _init_centroids(self, X, x_squared_norms, init, random_state, sample_weight,
                        init_size=None, n_centroids=None):
        n_samples = X.shape[0]
        n_clusters = self.n_clusters if n_centroids is None else n_centroids
        if init_size is not None and init_size < n_samples:
            init_indices = _randint(random_state, 0, n_samples, init_size)
            X = X[init_indices]
            x_squared_norms = x_squared_norms[init_indices]
            n_samples = X.shape[0]
            sample_weight = sample_weight[init_indices]
        if isinstance(init, str) and init == "k-means++":
            centers, _ = _kmeans_plusplus(X, n_clusters, x_squared_norms, sample_weight,
                                          random_state, self._n_threads())
        elif isinstance(init, str) and init == "random":
            seeds = random_state.choice(n_samples, size=n_clusters, replace=False,
                                        p=sample_weight / sample_weight.sum())
            centers = X[seeds]
        elif callable(init):
            centers = init(X, n_clusters, random_state=random_state)
            centers = check_array(centers, dtype=X.dtype, copy=False, input_name="init")
            self._validate_center_shape(X, centers, n_centroids=n_clusters)
        else:
            centers = init
        return np.ascontiguousarray(centers, dtype=X.dtype)

    def _check_test_data(self, X):
        return validate_data(self, X, reset=False)

    def _centers_for(self, X):
        return np.ascontiguousarray(self.cluster_centers_, dtype=X.dtype)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the label of every training sample (``labels_``)."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X):
        """Index of the nearest centre of every sample."""
        check_is_fitted(self)
        X = self._check_test_data(X)
        w = np.ones(X.shape[0], dtype=X.dtype)
        labels, _, _, _ = _core.cluster.kmeans_assign(X, w, self._centers_for(X), False,
                                              self._n_threads())
        return labels

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of the training samples to every centre."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def transform(self, X):
        """Euclidean distance from every sample to every centre, shape (n_samples, n_clusters)."""
        check_is_fitted(self)
        X = self._check_test_data(X)
        out = _core.cluster.kmeans_transform(X, self._centers_for(X), self._n_threads())
        if not np.isfinite(out).all():
            raise ValueError(f"The distances overflow: X has values too large for {out.dtype} "
                             "(scale the data down).")
        return out

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X with the fitted centres."""
        check_is_fitted(self)
        X = self._check_test_data(X)
        sample_weight = _check_weights(sample_weight, X)
        _, inertia, _, _ = _core.cluster.kmeans_assign(X, sample_weight, self._centers_for(X), False,
                                               self._n_threads())
        return -float(inertia)

    def get_feature_names_out(self, input_features=None):
        """Output feature names of ``transform``: ``<classname>0`` … ``<classname>{k-1}``."""
        check_is_fitted(self, "_n_features_out")
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self._n_features_out)], dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


# --------------------------------------------------------------------------------------------
# KMeans


class KMeans(_BaseKMeans):
    """K-means clustering (Lloyd's or Elkan's algorithm).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (centres) to find.
    init : {'k-means++', 'random'}, callable or array of shape (n_clusters, n_features), \
default='k-means++'
        Initial centres: greedy k-means++ seeding, ``n_clusters`` distinct samples drawn at random
        (with probability proportional to their weight), ``init(X, n_clusters, random_state)``,
        or the given array.
    n_init : 'auto' or int, default='auto'
        Number of initialisations; the run with the lowest inertia is kept. 'auto' is 1 for
        'k-means++' and an array, 10 for 'random' and a callable.
    max_iter : int, default=300
        Maximum number of iterations of one run.
    tol : float, default=1e-4
        A run stops when Σ_j ‖c_j^new − c_j^old‖² <= tol × (mean of the per-feature variances
        of X), or earlier when no label changes.
    verbose : int, default=0
        Accepted for compatibility; nothing is printed.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation.
    copy_x : bool, default=True
        When False and X is already C-contiguous float data, X is centred in place during the fit
        and restored afterwards (up to rounding).
    algorithm : {'lloyd', 'elkan'}, default='lloyd'
        'elkan' uses the triangle inequality to skip distance computations; same result. Its
        iterates are Lloyd's, and below 4096 features, where the fused dense assignment was
        measured faster than keeping Elkan's n × k bounds up to date, 'elkan' runs that
        assignment.
    n_jobs : int or None, default=None
        Threads for the core (None or -1: all cores). Results are identical for every value.
        (An addition to scikit-learn's parameters, which uses all cores.)

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,), int32
    inertia_ : float
        Σ w‖x − c_label‖² over the training data.
    n_iter_ : int
        Iterations of the kept run.
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only when X had string column names)

    How it works
    ------------
    Lloyd: assign every sample to its nearest centre, move each centre to the weighted mean of its
    samples, repeat. The assignment of 256 samples at a time takes the 256 × k block of dot
    products from the matrix product and reduces it at once to argmin_j ‖c_j‖² − 2·x·c_j, adding
    w·x into per-block partial sums of the next centres (no n × k matrix is stored). Empty clusters
    are moved onto the samples farthest from their centres. The data is centred first and the
    mean is added back to the centres, like scikit-learn, so from the same initial centres both
    give the same labels, n_iter_ and inertia. Elkan (from 4096 features): upper/lower distance
    bounds plus the centre–centre distances skip most distance computations. Cost: O(n·k·d) per Lloyd iteration,
    memory O(n) besides the data (O(n·k) for Elkan's bounds). Core: cpp/src/cluster/kmeans.cpp.
    """

    _default_n_init = 10

    _parameter_constraints: dict = {
        **_BaseKMeans._parameter_constraints,
        "copy_x": ["boolean"],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
    }

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4,
                 verbose=0, random_state=None, copy_x=True, algorithm="lloyd", n_jobs=None):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        """Compute the k-means clustering of X (weighted by ``sample_weight``). Returns self."""
        self._validate_params()
        X_in = X
        X = validate_data(self, X)
        self._check_params_vs_input(X)
        algorithm = self.algorithm
        if algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn(
                "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
                RuntimeWarning,
            )
            algorithm = "lloyd"
        random_state = check_random_state(self.random_state)
        sample_weight = _check_weights(sample_weight, X)
        n_threads = self._n_threads()
        core_algorithm = ("elkan" if algorithm == "elkan" and X.shape[1] >= _ELKAN_MIN_FEATURES
                          else "lloyd")

        init = self.init
        init_is_array = _is_arraylike_not_scalar(init) and not callable(init)
        if init_is_array:
            init = self._checked_init_array(X)

        # Centred as scikit-learn centres, for the precision of the distances' expanded form
        # ‖x‖² + ‖c‖² − 2·x·c; float64 data only when they sit far from the origin (‖mean‖² above
        # the rows' mean ‖x − mean‖², the core's test in its pass for the mean): nearer the origin
        # that form loses at most twice the precision it has on centred data, and the centred
        # copy, a write of all of X (a third of a 50000 x 100 fit of two clusters), is skipped.
        # float32 data are always centred: there an uncentred run's centres differ from
        # scikit-learn's by an ulp of the data's scale, which is a large part of a centre or a
        # bin edge near zero (KBinsDiscretizer's).
        only_if_offset = X.dtype == np.float64
        # Into a new array (filled in parallel by the core) unless copy_x=False or validation
        # already made X a copy of its own, then in place (when X is C-contiguous and
        # writeable; otherwise a copy all the same).
        in_place = (not self.copy_x or (
            X is not X_in and not (isinstance(X_in, np.ndarray) and np.may_share_memory(X, X_in)))
        ) and X.flags.c_contiguous and X.flags.writeable
        if in_place:
            X_mean, centred = _core.cluster.kmeans_center(X, X, only_if_offset, n_threads)
        else:
            X_c = np.empty_like(X, order="C")  # pages untouched unless the core writes them
            X_mean, centred = _core.cluster.kmeans_center(X, X_c, only_if_offset, n_threads)
            if centred:
                X = X_c
            del X_c
        if init_is_array and centred:
            init -= X_mean
        try:
            # Only k-means++ needs the row norms.
            x_squared_norms = (_row_norms_sq(X) if isinstance(init, str) and init == "k-means++"
                               else None)
            best_inertia = best_labels = best_centers = best_n_iter = None
            for _ in range(self._n_init):
                centers_init = self._init_centroids(X, x_squared_norms, init, random_state,
                                                    sample_weight)
                centers, labels, inertia, n_iter, _ = _core.cluster.kmeans_fit(
                    X, sample_weight, centers_init, core_algorithm, int(self.max_iter),
                    self._tol, n_threads)
                if best_inertia is None or (
                    inertia < best_inertia
                    and not _is_same_clustering(labels, best_labels, self.n_clusters)
                ):
                    best_labels, best_centers = labels, centers
                    best_inertia, best_n_iter = inertia, n_iter
        finally:
            if in_place and not self.copy_x and centred:
                X += X_mean
        if centred:
            best_centers += X_mean

        distinct = int(np.count_nonzero(np.bincount(best_labels, minlength=self.n_clusters)))
        if distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than n_clusters "
                f"({self.n_clusters}). Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.cluster_centers_ = best_centers
        self._n_features_out = best_centers.shape[0]
        self.labels_ = best_labels
        self.inertia_ = float(best_inertia)
        self.n_iter_ = int(best_n_iter)
        return self


# --------------------------------------------------------------------------------------------
# MiniBatchKMeans


def _mini_batch_step(X, sample_weight, centers, centers_new, weight_sums, random_state,
                     random_reassign, reassignment_ratio, n_threads):
    """One mini-batch update of ``centers`` into ``centers_new`` (may be the same array) and of the
    running per-cluster weights. Returns the batch inertia before the update."""
    _, inertia, sums, wts = _core.cluster.kmeans_assign(X, sample_weight, centers, True, n_threads)
    hit = wts > 0
    old = centers[hit].astype(np.float64)
    total = weight_sums[hit].astype(np.float64) + wts[hit]
    updated = (old * weight_sums[hit, None] + sums[hit]) / total[:, None]
    if centers_new is not centers:
        centers_new[...] = centers
    centers_new[hit] = updated
    weight_sums[hit] += wts[hit].astype(weight_sums.dtype)

    if random_reassign and reassignment_ratio > 0:
        to_reassign = weight_sums < reassignment_ratio * weight_sums.max()
        if to_reassign.sum() > 0.5 * X.shape[0]:
            keep = np.argsort(weight_sums)[int(0.5 * X.shape[0]):]
            to_reassign[keep] = False
        n_reassigns = int(to_reassign.sum())
        if n_reassigns:
            new_centers = random_state.choice(X.shape[0], replace=False, size=n_reassigns)
            centers_new[to_reassign] = X[new_centers]
        if (~to_reassign).any():
            weight_sums[to_reassign] = np.min(weight_sums[~to_reassign])
    return float(inertia)


def _weighted_batch_sampler(random_state, n_samples, batch_size, p):
    """A function drawing ``random_state.choice(n_samples, batch_size, p=p, replace=True)``.

    For a legacy ``RandomState`` the draws are exactly those of ``choice`` (the cumulative
    distribution, normalised by its last entry, searched with ``random_sample`` uniforms), but the
    distribution is built and checked once instead of at every batch."""
    if type(random_state) is np.random.RandomState:
        cdf = np.asarray(p, dtype=np.float64).cumsum()
        cdf /= cdf[-1]

        def draw():
            return cdf.searchsorted(random_state.random_sample(batch_size), side="right")
        return draw

    def draw():
        return random_state.choice(n_samples, batch_size, p=p, replace=True)
    return draw


class MiniBatchKMeans(_BaseKMeans):
    """Mini-batch k-means: k-means on random batches, for large data.

    Parameters
    ----------
    n_clusters : int, default=8
    init : {'k-means++', 'random'}, callable or array of shape (n_clusters, n_features), \
default='k-means++'
        As in KMeans, computed on ``init_size`` random samples.
    max_iter : int, default=100
        Maximum number of passes over the data (in batches).
    batch_size : int, default=1024
    verbose : int, default=0
        Accepted for compatibility; nothing is printed.
    compute_labels : bool, default=True
        Compute ``labels_`` and ``inertia_`` on the full data at the end of fit.
    random_state : int, RandomState instance or None, default=None
    tol : float, default=0.0
        Stop when the squared change of the centres between two steps (relative to the data's
        mean variance) is below tol (0 disables this criterion).
    max_no_improvement : int or None, default=10
        Stop after this many batches without improvement of the smoothed batch inertia.
    init_size : int or None, default=None
        Samples used for the initialisation (default 3 × batch_size, at least 3 × n_clusters).
    n_init : 'auto' or int, default='auto'
        Initialisations tried (the best one on a validation sample is kept); 'auto' is 1 for
        'k-means++' and an array, 3 otherwise.
    reassignment_ratio : float, default=0.01
        Centres whose accumulated weight is below this fraction of the largest are moved to random
        samples of the batch.
    n_jobs : int or None, default=None
        Threads for the core (an addition to scikit-learn's parameters).

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, n_iter_ (full passes), n_steps_ (batches),
    n_features_in_, feature_names_in_.

    How it works
    ------------
    Each step draws ``batch_size`` samples (with replacement, probability ∝ weight), assigns them
    with the fused assignment of the core (cpp/src/cluster/kmeans.cpp), which also returns per
    cluster Σ w·x and Σ w, and moves every touched centre to the running mean
    c ← (c·W + Σ w·x) / (W + Σ w), W the weight the centre has accumulated so far. Every
    10·n_clusters samples, centres with little weight are reassigned to random batch samples.
    Stopping follows scikit-learn: an exponentially weighted average of the batch inertia that
    stops improving, or a small centre change. Cost O(batch_size·k·d) per step.
    """

    _default_n_init = 3

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=100, batch_size=1024,
                 verbose=0, compute_labels=True, random_state=None, tol=0.0,
                 max_no_improvement=10, init_size=None, n_init="auto", reassignment_ratio=0.01,
                 n_jobs=None):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.n_jobs = n_jobs

    _parameter_constraints: dict = {
        **_BaseKMeans._parameter_constraints,
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "compute_labels": ["boolean"],
        "max_no_improvement": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "init_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "reassignment_ratio": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def _check_params_vs_input(self, X):
        super()._check_params_vs_input(X)
        self._batch_size = min(int(self.batch_size), X.shape[0])
        self._init_size = self.init_size
        if self._init_size is None:
            self._init_size = 3 * self._batch_size
            if self._init_size < self.n_clusters:
                self._init_size = 3 * self.n_clusters
        elif self._init_size < self.n_clusters:
            warnings.warn(
                f"init_size={self._init_size} should be larger than n_clusters={self.n_clusters}. "
                "Setting it to min(3*n_clusters, n_samples)",
                RuntimeWarning,
                stacklevel=3,
            )
            self._init_size = 3 * self.n_clusters
        self._init_size = min(self._init_size, X.shape[0])

    def _mini_batch_convergence(self, step, n_steps, n_samples, centers_squared_diff,
                                batch_inertia):
        batch_inertia /= self._batch_size
        step = step + 1
        if step == 1:
            return False
        if self._ewa_inertia is None:
            self._ewa_inertia = batch_inertia
        else:
            alpha = min(self._batch_size * 2.0 / (n_samples + 1), 1)
            self._ewa_inertia = self._ewa_inertia * (1 - alpha) + batch_inertia * alpha
        if self._tol > 0.0 and centers_squared_diff <= self._tol:
            return True
        if self._ewa_inertia_min is None or self._ewa_inertia < self._ewa_inertia_min:
            self._no_improvement = 0
            self._ewa_inertia_min = self._ewa_inertia
        else:
            self._no_improvement += 1
        if self.max_no_improvement is not None and self._no_improvement >= self.max_no_improvement:
            return True
        return False

    def _random_reassign(self):
        self._n_since_last_reassign += self._batch_size
        if (self._counts == 0).any() or self._n_since_last_reassign >= 10 * self.n_clusters:
            self._n_since_last_reassign = 0
            return True
        return False

    def fit(self, X, y=None, sample_weight=None):
        """Compute the centres from mini-batches of X. Returns self."""
        self._validate_params()
        X = validate_data(self, X)
        self._check_params_vs_input(X)
        random_state = check_random_state(self.random_state)
        sample_weight = _check_weights(sample_weight, X)
        n_threads = self._n_threads()
        n_samples = X.shape[0]

        init = self.init
        if _is_arraylike_not_scalar(init) and not callable(init):
            init = self._checked_init_array(X)
        x_squared_norms = _row_norms_sq(X)

        validation_indices = _randint(random_state, 0, n_samples, self._init_size)
        X_valid = X[validation_indices]
        sample_weight_valid = sample_weight[validation_indices]
        best_inertia = None
        for _ in range(self._n_init):
            cluster_centers = self._init_centroids(X, x_squared_norms, init, random_state,
                                                   sample_weight, init_size=self._init_size)
            _, inertia, _, _ = _core.cluster.kmeans_assign(X_valid, sample_weight_valid, cluster_centers,
                                                   False, n_threads)
            if best_inertia is None or inertia < best_inertia:
                init_centers, best_inertia = cluster_centers, inertia

        centers = np.array(init_centers, dtype=X.dtype, order="C")
        centers_new = np.empty_like(centers)
        self._counts = np.zeros(self.n_clusters, dtype=X.dtype)
        self._ewa_inertia = None
        self._ewa_inertia_min = None
        self._no_improvement = 0
        self._n_since_last_reassign = 0

        sum_of_weights = float(np.sum(sample_weight))
        n_steps = (int(self.max_iter) * n_samples) // self._batch_size
        normalized_sample_weight = sample_weight / sum_of_weights
        unit_sample_weight = np.ones(self._batch_size, dtype=X.dtype)
        draw_batch = _weighted_batch_sampler(random_state, n_samples, self._batch_size,
                                             normalized_sample_weight)
        i = -1
        for i in range(n_steps):
            minibatch_indices = draw_batch()
            batch_inertia = _mini_batch_step(
                X[minibatch_indices], unit_sample_weight, centers, centers_new, self._counts,
                random_state, self._random_reassign(), self.reassignment_ratio, n_threads)
            if self._tol > 0.0:
                centers_squared_diff = float(np.sum((centers_new - centers) ** 2))
            else:
                centers_squared_diff = 0.0
            centers, centers_new = centers_new, centers
            if self._mini_batch_convergence(i, n_steps, n_samples, centers_squared_diff,
                                            batch_inertia):
                break

        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self.n_steps_ = i + 1
        self.n_iter_ = int(np.ceil(((i + 1) * self._batch_size) / n_samples))
        if self.compute_labels:
            labels, inertia, _, _ = _core.cluster.kmeans_assign(X, sample_weight, centers, False, n_threads)
            self.labels_, self.inertia_ = labels, float(inertia)
        else:
            self.inertia_ = float((self._ewa_inertia or 0.0) * sum_of_weights)
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the centres with one mini-batch X. Returns self."""
        has_centers = hasattr(self, "cluster_centers_")
        if not has_centers:
            self._validate_params()
        X = validate_data(self, X, reset=not has_centers)
        self._random_state = getattr(self, "_random_state", None) or check_random_state(
            self.random_state)
        sample_weight = _check_weights(sample_weight, X)
        self.n_steps_ = getattr(self, "n_steps_", 0)
        if not has_centers:
            self._check_params_vs_input(X)
            init = self.init
            if _is_arraylike_not_scalar(init) and not callable(init):
                init = self._checked_init_array(X)
            x_squared_norms = _row_norms_sq(X)
            self.cluster_centers_ = self._init_centroids(
                X, x_squared_norms, init, self._random_state, sample_weight,
                init_size=self._init_size)
            self._counts = np.zeros(self.n_clusters, dtype=X.dtype)
            self._n_since_last_reassign = 0
        else:
            X = np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)
            sample_weight = sample_weight.astype(X.dtype, copy=False)
        _mini_batch_step(X, sample_weight, self.cluster_centers_, self.cluster_centers_,
                         self._counts, self._random_state, self._random_reassign(),
                         self.reassignment_ratio, self._n_threads())
        if self.compute_labels:
            labels, inertia, _, _ = _core.cluster.kmeans_assign(X, sample_weight, self.cluster_centers_,
                                                        False, self._n_threads())
            self.labels_, self.inertia_ = labels, float(inertia)
        self.n_steps_ += 1
        self._n_features_out = self.cluster_centers_.shape[0]
        return self
