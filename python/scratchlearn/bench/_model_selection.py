"""Benchmark workloads for model selection: GridSearchCV over KNeighborsClassifier (scratchlearn's
search with scratchlearn's estimator vs scikit-learn's search with scikit-learn's, at its best
n_jobs: None, as its process pool costs more than it saves on a small machine), and
cross_validate, at several sizes."""

from __future__ import annotations

import numpy as np

from ._common import Workload

_GRID = {"n_neighbors": list(range(1, 13)), "weights": ["uniform", "distance"]}  # 24 candidates


def _digits(repeat=1):
    def setup():
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        if repeat > 1:
            rng = np.random.RandomState(0)
            X = np.vstack([X + rng.rand(*X.shape) * 0.01 * i for i in range(repeat)])
            y = np.tile(y, repeat)
        return {"X": X, "y": y}
    return setup


def _breast_cancer():
    def setup():
        from sklearn.datasets import load_breast_cancer

        X, y = load_breast_cancer(return_X_y=True)
        return {"X": X, "y": y}
    return setup


def _blobs(n, d, k):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, k, n)
        X = rng.randn(k, d)[y] * 1.5 + rng.randn(n, d)
        return {"X": X, "y": y}
    return setup


def _search_ours(grid):
    def run(data, state):
        from scratchlearn.model_selection import GridSearchCV
        from scratchlearn.neighbors import KNeighborsClassifier

        return GridSearchCV(KNeighborsClassifier(), grid, cv=5, n_jobs=-1).fit(data["X"], data["y"])
    return run


def _search_peer(grid):
    def run(data, state):
        from sklearn.model_selection import GridSearchCV
        from sklearn.neighbors import KNeighborsClassifier

        return GridSearchCV(KNeighborsClassifier(), grid, cv=5).fit(data["X"], data["y"])
    return run


def _cv_ours(data, state):
    from scratchlearn.model_selection import cross_validate
    from scratchlearn.neighbors import KNeighborsClassifier

    return cross_validate(KNeighborsClassifier(5), data["X"], data["y"], cv=10, n_jobs=-1,
                          scoring=["accuracy", "f1_macro"])


def _cv_peer(data, state):
    from sklearn.model_selection import cross_validate
    from sklearn.neighbors import KNeighborsClassifier

    return cross_validate(KNeighborsClassifier(5), data["X"], data["y"], cv=10,
                          scoring=["accuracy", "f1_macro"])


def workloads(quick):
    small_grid = {"n_neighbors": [1, 5, 9], "weights": ["uniform", "distance"]}
    grid = small_grid if quick else _GRID
    out = [
        Workload("gridsearch_knn_digits", "model_selection",
                 f"GridSearchCV KNeighborsClassifier {len(grid['n_neighbors']) * 2} candidates x 5 "
                 "folds, digits 1797x64", _digits(), _search_ours(grid), _search_peer(grid),
                 lambda d, r: r.best_score_, metric="best CV accuracy", repeats=1 if not quick else 3),
        Workload("gridsearch_knn_digits_x3", "model_selection",
                 f"GridSearchCV KNeighborsClassifier {len(small_grid['n_neighbors']) * 2} candidates x "
                 "5 folds, digits x3 5391x64", _digits(1 if quick else 3), _search_ours(small_grid),
                 _search_peer(small_grid), lambda d, r: r.best_score_, metric="best CV accuracy",
                 repeats=1),
        Workload("gridsearch_knn_blobs_24", "model_selection",
                 f"GridSearchCV KNeighborsClassifier {len(grid['n_neighbors']) * 2} candidates x "
                 f"5 folds, blobs {600 if quick else 3000}x20", _blobs(600 if quick else 3000, 20, 6),
                 _search_ours(grid), _search_peer(grid), lambda d, r: r.best_score_,
                 metric="best CV accuracy", repeats=1),
        Workload("gridsearch_knn_breast_cancer", "model_selection",
                 f"GridSearchCV KNeighborsClassifier {len(grid['n_neighbors']) * 2} candidates x "
                 "5 folds, breast cancer 569x30", _breast_cancer(), _search_ours(grid),
                 _search_peer(grid), lambda d, r: r.best_score_, metric="best CV accuracy",
                 repeats=1 if not quick else 3),
        Workload("gridsearch_knn_blobs", "model_selection",
                 f"GridSearchCV KNeighborsClassifier {len(small_grid['n_neighbors']) * 2} candidates x "
                 "5 folds, blobs 4000x20", _blobs(800 if quick else 4000, 20, 6),
                 _search_ours(small_grid), _search_peer(small_grid), lambda d, r: r.best_score_,
                 metric="best CV accuracy", repeats=1),
        Workload("cross_validate_knn_digits", "model_selection",
                 "cross_validate KNeighborsClassifier 10 folds, 2 scorers, digits", _digits(),
                 _cv_ours, _cv_peer, lambda d, r: float(np.mean(r["test_accuracy"])),
                 metric="CV accuracy"),
    ]
    return out
