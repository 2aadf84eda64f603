"""The estimator contract: parameters, cloning, repr, pickling, scikit-learn interoperability."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import scratchlearn
from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone, is_classifier
from scratchlearn.exceptions import NotFittedError
from scratchlearn.neighbors import KNeighborsClassifier, KNeighborsRegressor


class Wrapper(BaseEstimator):
    def __init__(self, *, inner=None, scale=1.0):
        self.inner = inner
        self.scale = scale


def test_get_set_params_nested():
    w = Wrapper(inner=KNeighborsClassifier(n_neighbors=3), scale=2.0)
    params = w.get_params()
    assert params["scale"] == 2.0
    assert params["inner__n_neighbors"] == 3
    assert "inner__weights" in params
    assert set(w.get_params(deep=False)) == {"inner", "scale"}
    w.set_params(inner__n_neighbors=7, scale=3.0)
    assert w.inner.n_neighbors == 7 and w.scale == 3.0
    with pytest.raises(ValueError, match="Invalid parameter 'nope' for estimator Wrapper"):
        w.set_params(nope=1)


def test_clone_is_unfitted_and_deep():
    X = np.random.RandomState(0).randn(20, 2)
    y = np.arange(20) % 2
    clf = KNeighborsClassifier(n_neighbors=3, weights="distance").fit(X, y)
    c = clone(clf)
    assert c is not clf
    assert c.get_params() == clf.get_params()
    assert not hasattr(c, "classes_")
    w = Wrapper(inner=clf)
    w2 = clone(w)
    assert w2.inner is not clf and w2.inner.n_neighbors == 3
    with pytest.raises(TypeError, match="does not implement a 'get_params' method"):
        clone(object())
    assert clone([clf])[0].n_neighbors == 3


def test_repr_shows_changed_parameters():
    assert repr(KNeighborsClassifier()) == "KNeighborsClassifier()"
    assert repr(KNeighborsClassifier(n_neighbors=3, weights="distance")) == (
        "KNeighborsClassifier(n_neighbors=3, weights='distance')"
    )


def test_mixins_and_scores():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 2)
    y = (X[:, 0] > 0).astype(int)
    clf = KNeighborsClassifier(n_neighbors=1).fit(X, y)
    assert clf.score(X, y) == 1.0
    assert is_classifier(clf)
    reg = KNeighborsRegressor(n_neighbors=1).fit(X, X[:, 0])
    assert reg.score(X, X[:, 0]) == pytest.approx(1.0)
    assert issubclass(KNeighborsClassifier, ClassifierMixin)
    assert issubclass(KNeighborsRegressor, RegressorMixin)


def test_not_fitted_error_is_value_and_attribute_error():
    assert issubclass(NotFittedError, ValueError)
    assert issubclass(NotFittedError, AttributeError)
    with pytest.raises(AttributeError):
        KNeighborsClassifier().predict([[0.0]])


def test_pickle_keeps_fitted_arrays():
    X = np.random.RandomState(1).randn(30, 3)
    y = np.arange(30) % 3
    clf = KNeighborsClassifier(n_neighbors=2).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    assert_array_equal(again.predict(X), clf.predict(X))
    assert isinstance(again._fit_X, np.ndarray)


def test_works_inside_sklearn_pipeline_and_grid_search():
    import sklearn.pipeline as sk_pipeline
    import sklearn.model_selection as sk_ms
    import sklearn.preprocessing as sk_pre
    from sklearn.base import clone as sk_clone
    from sklearn.base import is_classifier as sk_is_classifier
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    pipe = sk_pipeline.make_pipeline(sk_pre.StandardScaler(), KNeighborsClassifier())
    grid = sk_ms.GridSearchCV(pipe, {"kneighborsclassifier__n_neighbors": [1, 5, 15]}, cv=3)
    grid.fit(X, y)
    assert grid.best_params_["kneighborsclassifier__n_neighbors"] in (1, 5, 15)
    assert grid.score(X, y) > 0.9
    assert sk_is_classifier(KNeighborsClassifier())
    c = sk_clone(KNeighborsClassifier(n_neighbors=4))
    assert c.n_neighbors == 4
    scores = sk_ms.cross_val_score(KNeighborsClassifier(), X, y, cv=5)
    assert scores.mean() > 0.9


def test_show_config_prints_threads(capsys):
    scratchlearn.show_config()
    out = capsys.readouterr().out
    assert "threads" in out and "openmp" in out
