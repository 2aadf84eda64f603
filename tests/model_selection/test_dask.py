"""A search and a cross-validation on a real dask.distributed LocalCluster (two worker processes,
localhost only) give the in-process results; partial_fit estimators under dask-ml's Incremental
and predict under ParallelPostFit work on Dask arrays."""

import dask.array as da
import joblib
import numpy as np
import pytest
from distributed import Client, LocalCluster
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

import scratchlearn.model_selection as ms
from scratchlearn.linear_model import SGDClassifier
from scratchlearn.neighbors import KNeighborsClassifier


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    with cluster, Client(cluster) as c:
        yield c


def _data():
    X, y = load_digits(return_X_y=True)
    return X[:500], y[:500]


def test_search_and_cross_validate_on_a_dask_cluster(client):
    X, y = _data()
    grid = {"n_neighbors": [1, 3, 5], "weights": ["uniform", "distance"]}
    local = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, n_jobs=1).fit(X, y)
    cv_local = ms.cross_validate(KNeighborsClassifier(3), X, y, cv=4,
                                 scoring=["accuracy", "f1_macro"])
    with joblib.parallel_backend("dask"):
        remote = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3).fit(X, y)
        cv_remote = ms.cross_validate(KNeighborsClassifier(3), X, y, cv=4,
                                      scoring=["accuracy", "f1_macro"])
    assert len(client.scheduler_info()["workers"]) == 2
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    for key in ("test_accuracy", "test_f1_macro"):
        assert_array_equal(cv_remote[key], cv_local[key])
    # backend= on the search itself does the same
    by_name = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, backend="dask").fit(X, y)
    assert_array_equal(by_name.cv_results_["mean_test_score"],
                       local.cv_results_["mean_test_score"])


def test_dask_ml_wrappers(client):
    from dask_ml.wrappers import Incremental, ParallelPostFit

    X, y = _data()
    X, y = X[:300], y[:300]
    yb = (y >= 5).astype(np.int64)
    dX, dy = da.from_array(X, chunks=100), da.from_array(yb, chunks=100)
    inc = Incremental(SGDClassifier(random_state=0, shuffle=False), scoring="accuracy",
                      shuffle_blocks=False)
    inc.fit(dX, dy, classes=[0, 1])
    manual = SGDClassifier(random_state=0, shuffle=False)
    for start in range(0, 300, 100):
        manual.partial_fit(X[start:start + 100], yb[start:start + 100], classes=[0, 1])
    assert_allclose(inc.estimator_.coef_, manual.coef_)
    assert_array_equal(inc.predict(dX).compute(), manual.predict(X))
    post = ParallelPostFit(KNeighborsClassifier(3)).fit(X, y)
    assert_array_equal(post.predict(dX).compute(), KNeighborsClassifier(3).fit(X, y).predict(X))
    assert_allclose(post.predict_proba(dX).compute(),
                    KNeighborsClassifier(3).fit(X, y).predict_proba(X))
