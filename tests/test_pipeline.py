"""Pipeline and FeatureUnion against scikit-learn: steps, slicing, named_steps, passthrough and None,
fit parameters by step__param, get/set_params, GridSearchCV, feature names, set_output."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import datasets
from sklearn import pipeline as skpl
from sklearn import preprocessing as skp
from sklearn.decomposition import PCA as SkPCA
from sklearn.linear_model import LogisticRegression as SkLogReg
from sklearn.model_selection import GridSearchCV

from scratchlearn import clone
from scratchlearn.decomposition import PCA
from scratchlearn.linear_model import LogisticRegression, Ridge
from scratchlearn.pipeline import FeatureUnion, Pipeline, make_pipeline, make_union
from scratchlearn.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler


def _data():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    return X[:300], y[:300]


def test_pipeline_matches_sklearn():
    X, y = _data()
    ours = Pipeline([("scale", StandardScaler()), ("pca", PCA(5)), ("clf", LogisticRegression())]).fit(X, y)
    ref = skpl.Pipeline([("scale", skp.StandardScaler()), ("pca", SkPCA(5)), ("clf", SkLogReg())]).fit(X, y)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-4, atol=1e-6)
    assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.score(X, y) == ref.score(X, y)
    assert_array_equal(ours.classes_, ref.classes_)
    assert ours.n_features_in_ == 30
    assert_allclose(np.abs(ours[:-1].transform(X)), np.abs(ref[:-1].transform(X)), rtol=1e-6, atol=1e-8)
    assert_array_equal(ours[:-1].get_feature_names_out(), ref[:-1].get_feature_names_out())
    assert ours.named_steps.pca is ours["pca"] is ours[1]
    assert len(ours) == 3 and isinstance(ours[:2], Pipeline)
    with pytest.raises(ValueError, match="step of 1"):
        ours[::2]
    assert hasattr(ours, "predict_proba") and not hasattr(ours, "transform")


def test_fit_params_routing_and_passthrough(rng):
    X = rng.rand(50, 3)
    y = (X[:, 0] > 0.5).astype(int)
    w = rng.rand(50)
    ours = make_pipeline(StandardScaler(), "passthrough", None, LogisticRegression())
    ours.fit(X, y, standardscaler__sample_weight=w, logisticregression__sample_weight=w)
    # the same final estimator in scikit-learn's pipeline: the routing alone is compared
    ref = skpl.make_pipeline(skp.StandardScaler(), "passthrough", None, LogisticRegression())
    ref.fit(X, y, standardscaler__sample_weight=w, logisticregression__sample_weight=w)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-10, atol=1e-12)
    unweighted = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    assert not np.allclose(unweighted.decision_function(X), ours.decision_function(X))
    assert [n for n, _ in ours.steps] == [n for n, _ in ref.steps]
    with pytest.raises(ValueError, match="stepname__parameter"):
        ours.fit(X, y, sample_weight=w)
    only = Pipeline([("s", StandardScaler()), ("last", "passthrough")]).fit(X)
    assert_allclose(only.transform(X), StandardScaler().fit_transform(X))
    assert_allclose(only.fit_transform(X), StandardScaler().fit_transform(X))
    assert_allclose(only.inverse_transform(only.transform(X)), X)


def test_params_and_clone():
    pipe = make_pipeline(StandardScaler(), Ridge())
    params = pipe.get_params()
    assert {"steps", "standardscaler", "ridge", "ridge__alpha", "standardscaler__with_mean"} <= set(params)
    pipe.set_params(ridge__alpha=3.0, standardscaler=MinMaxScaler())
    assert pipe.named_steps.ridge.alpha == 3.0 and isinstance(pipe[0], MinMaxScaler)
    c = clone(pipe)
    assert c is not pipe and c.steps[1][1] is not pipe.steps[1][1] and c[1].alpha == 3.0
    with pytest.raises(ValueError, match="Names provided are not unique"):
        Pipeline([("a", StandardScaler()), ("a", Ridge())]).fit([[1.0], [2.0]], [1.0, 2.0])
    with pytest.raises(TypeError, match="intermediate steps should be transformers"):
        Pipeline([("r", Ridge()), ("s", StandardScaler())]).fit([[1.0], [2.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="must not contain __"):
        Pipeline([("a__b", StandardScaler())]).fit([[1.0]])


def test_grid_search_in_sklearn():
    X, y = _data()
    pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA()), ("clf", LogisticRegression())])
    grid = {"pca__n_components": [2, 5], "clf__C": [0.1, 1.0]}
    ours = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    ref = GridSearchCV(skpl.Pipeline([("scale", skp.StandardScaler()), ("pca", SkPCA()), ("clf", SkLogReg())]),
                       grid, cv=3).fit(X, y)
    assert ours.best_params_ == ref.best_params_
    assert_allclose(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"], atol=0.01)


def test_sklearn_steps_inside_our_pipeline():
    X, y = _data()
    mixed = Pipeline([("scale", skp.StandardScaler()), ("clf", LogisticRegression())]).fit(X, y)
    assert mixed.score(X, y) > 0.9


def test_feature_union(rng):
    X = rng.rand(30, 3)
    ours = FeatureUnion([("s", StandardScaler()), ("p", PolynomialFeatures(2)), ("d", "drop"),
                         ("pt", "passthrough")], transformer_weights={"s": 2.0})
    ref = skpl.FeatureUnion([("s", skp.StandardScaler()), ("p", skp.PolynomialFeatures(2)), ("d", "drop"),
                             ("pt", "passthrough")], transformer_weights={"s": 2.0})
    assert_allclose(ours.fit_transform(X), ref.fit_transform(X))
    assert_allclose(ours.transform(X), ref.transform(X))
    assert_array_equal(ours.get_feature_names_out(), ref.get_feature_names_out())
    u = make_union(StandardScaler(), MinMaxScaler(), n_jobs=2)
    assert_allclose(u.fit_transform(X), skpl.make_union(skp.StandardScaler(), skp.MinMaxScaler()).fit_transform(X))


def test_set_output_pandas(rng):
    X = pd.DataFrame(rng.rand(20, 3), columns=["a", "b", "c"])
    ours = make_pipeline(StandardScaler(), MinMaxScaler()).set_output(transform="pandas")
    ref = skpl.make_pipeline(skp.StandardScaler(), skp.MinMaxScaler()).set_output(transform="pandas")
    pd.testing.assert_frame_equal(ours.fit_transform(X), ref.fit_transform(X))
    u = FeatureUnion([("s", StandardScaler()), ("m", MinMaxScaler())]).set_output(transform="pandas")
    r = skpl.FeatureUnion([("s", skp.StandardScaler()), ("m", skp.MinMaxScaler())]).set_output(transform="pandas")
    pd.testing.assert_frame_equal(u.fit_transform(X), r.fit_transform(X))


def test_pandas_not_imported_unless_used():
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from scratchlearn.pipeline import make_pipeline\n"
            "from scratchlearn.preprocessing import StandardScaler, OneHotEncoder\n"
            "from scratchlearn.compose import ColumnTransformer\n"
            "from scratchlearn.impute import SimpleImputer\n"
            "X = np.random.rand(10, 2)\n"
            "ColumnTransformer([('p', make_pipeline(SimpleImputer(), StandardScaler()), [0])]).fit_transform(X)\n"
            "OneHotEncoder(sparse_output=False).fit_transform(np.array([['a'], ['b']], dtype=object))\n"
            "print('pandas' in sys.modules, 'sklearn' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
