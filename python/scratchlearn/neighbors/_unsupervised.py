"""NearestNeighbors: unsupervised k-nearest and radius search."""

from __future__ import annotations

from ._base import _NeighborsBase


class NearestNeighbors(_NeighborsBase):
    """Unsupervised nearest-neighbour search (scikit-learn's NearestNeighbors).

    Parameters
    ----------
    n_neighbors : int, default=5
        Neighbours returned by kneighbors.
    radius : float, default=1.0
        Range of radius_neighbors.
    algorithm : {'auto', 'brute', 'kd_tree', 'ball_tree'}, default='auto'
        The search; all return the same neighbours. 'auto' chooses as scikit-learn does.
    leaf_size : int, default=30
        Rows per tree leaf (between leaf_size and 2·leaf_size).
    metric : str or callable, default='minkowski'
        'euclidean', 'sqeuclidean', 'manhattan', 'chebyshev', 'cosine', 'minkowski' (with p),
        their aliases, 'precomputed' (X is a square distance matrix at fit and an
        n_queries × n_samples_fit one at query), or a callable f(a, b) -> float on two rows.
        The trees support the minkowski family with p >= 1.
    p : float, default=2
    metric_params : dict, default=None
        Keyword arguments of a callable metric; for minkowski, may hold 'p'.
    n_jobs : int, default=None
        Threads: None or -1 = all cores.

    Attributes
    ----------
    n_features_in_, feature_names_in_, n_samples_fit_, effective_metric_, effective_metric_params_

    How it works
    ------------
    See the module docstring of scratchlearn.neighbors._base: a kd-tree or ball tree
    (cpp/src/neighbors/tree.cpp, O(log n) per query in low dimension) or blocked brute force
    (cpp/src/neighbors/neighbors.cpp, O(n·d) per query), all with the same exact distances.
    """

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Store (and index) the training rows."""
        self._validate_params()
        X = self._validate_fit_X(X)
        self._fit_data(X)
        return self
