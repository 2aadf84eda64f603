"""Decision trees against scikit-learn: node-for-node equality, predictions, pruning, NaN, export."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sklearn.tree as sk_tree  # noqa: E402  (a test dependency: missing is an error, not a skip)
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine  # noqa: E402

from scratchlearn import tree as sl_tree  # noqa: E402
from scratchlearn.utils._param_validation import InvalidParameterError  # noqa: E402


def assert_same_tree(ours, theirs, *, exact_threshold=True, rtol=1e-9):
    a, b = ours.tree_, theirs.tree_
    assert a.node_count == b.node_count
    assert_array_equal(a.children_left, b.children_left)
    assert_array_equal(a.children_right, b.children_right)
    assert_array_equal(a.feature, b.feature)
    assert_array_equal(a.n_node_samples, b.n_node_samples)
    inner = b.children_left >= 0
    assert_array_equal(a.missing_go_to_left[inner], b.missing_go_to_left[inner])
    if exact_threshold:
        assert_array_equal(a.threshold, b.threshold)
    else:
        assert_allclose(a.threshold, b.threshold, rtol=1e-6, atol=1e-6)
    assert_allclose(a.impurity, b.impurity, rtol=rtol, atol=1e-12)
    assert_allclose(a.weighted_n_node_samples, b.weighted_n_node_samples, rtol=1e-12)
    assert a.value.shape == b.value.shape
    assert_allclose(a.value, b.value, rtol=rtol, atol=1e-12)
    assert a.max_depth == b.max_depth
    assert_allclose(ours.feature_importances_, theirs.feature_importances_, rtol=1e-7, atol=1e-12)


def _continuous(n=400, d=6, seed=0, classes=3):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    yr = X[:, 0] * 2 + np.sin(X[:, 1]) + 0.3 * rng.randn(n)
    return X, y % classes, yr


CLASSIFIER_PARAMS = [
    {},
    {"criterion": "entropy"},
    {"criterion": "log_loss", "max_depth": 4},
    {"max_features": 2},
    {"max_features": "sqrt", "min_samples_leaf": 3},
    {"max_leaf_nodes": 12},
    {"min_samples_split": 10, "min_weight_fraction_leaf": 0.01},
    {"min_impurity_decrease": 0.01},
    {"splitter": "random"},
    {"splitter": "random", "max_features": 3, "max_leaf_nodes": 20},
    {"class_weight": {0: 1.0, 1: 2.0, 2: 3.0}},
]


@pytest.mark.parametrize("params", CLASSIFIER_PARAMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classifier_node_for_node(params, dtype):
    X, y, _ = _continuous(seed=1)
    X = X.astype(dtype)
    ours = sl_tree.DecisionTreeClassifier(random_state=3, **params).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=3, **params).fit(X, y)
    assert_same_tree(ours, theirs, exact_threshold=dtype == np.float32)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12)
    assert_array_equal(ours.apply(X), theirs.apply(X))


# Regression sums are rounded in a different order than scikit-learn's, so candidates that are
# mathematically equal (typically two features cutting off the same one or two samples) may be
# ordered differently; leaves of at least 5 samples keep those ties away.
REGRESSOR_PARAMS = [
    {"max_depth": 6, "min_samples_leaf": 5},
    {"criterion": "poisson", "min_samples_leaf": 5},
    {"max_leaf_nodes": 15},
    {"max_features": 3, "max_depth": 5, "min_samples_leaf": 5},
    {"splitter": "random", "min_samples_leaf": 5},
    {"min_samples_leaf": 8},
]


@pytest.mark.parametrize("params", REGRESSOR_PARAMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regressor_node_for_node(params, dtype):
    X, _, y = _continuous(seed=2)
    if params.get("criterion") == "poisson":
        y = np.exp(y / 3)
    X = X.astype(dtype)
    ours = sl_tree.DecisionTreeRegressor(random_state=0, **params).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(random_state=0, **params).fit(X, y)
    assert_same_tree(ours, theirs, exact_threshold=dtype == np.float32, rtol=1e-8)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer])
@pytest.mark.parametrize("params", [{}, {"max_features": "sqrt"}, {"criterion": "entropy"}])
def test_real_classification_data(loader, params):
    X, y = loader(return_X_y=True)
    X = X.astype(np.float32)
    ours = sl_tree.DecisionTreeClassifier(random_state=0, **params).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0, **params).fit(X, y)
    assert_same_tree(ours, theirs)


def test_diabetes_regression():
    X, y = load_diabetes(return_X_y=True)
    X = X.astype(np.float32)
    for params in ({"min_samples_leaf": 5}, {"max_depth": 5, "min_samples_leaf": 4}):
        ours = sl_tree.DecisionTreeRegressor(random_state=0, **params).fit(X, y)
        theirs = sk_tree.DecisionTreeRegressor(random_state=0, **params).fit(X, y)
        assert_same_tree(ours, theirs, rtol=1e-8)


MAE_PARAMS = [
    {},
    {"max_depth": 4},
    {"min_samples_leaf": 5},
    {"max_leaf_nodes": 10},
    {"max_features": 3, "max_depth": 6},
    {"monotonic_cst": [1, 0, 0, 0, 0, -1], "max_depth": 4},
]


@pytest.mark.parametrize("params", MAE_PARAMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_absolute_error_node_for_node(params, dtype):
    # leaf values are weighted medians, impurities mean absolute deviations from them
    X, _, y = _continuous(n=300, seed=5)
    X = X.astype(dtype)
    ours = sl_tree.DecisionTreeRegressor(criterion="absolute_error", random_state=0, **params).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(criterion="absolute_error", random_state=0, **params).fit(X, y)
    assert_same_tree(ours, theirs, exact_threshold=dtype == np.float32, rtol=1e-8)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)


def test_absolute_error_weights_multi_output_and_real_data():
    X, _, y = _continuous(n=300, seed=6)
    X = X.astype(np.float32)
    rng = np.random.RandomState(0)
    # real-valued weights, integer weights (median midpoints); leaves of 3 samples or a bounded
    # depth keep away the ties between equally good splits (two-sample nodes: every cut is exact)
    for sw, params in ((rng.rand(len(y)), {"min_samples_leaf": 3}),
                       (rng.randint(1, 4, len(y)).astype(float), {"max_depth": 6})):
        ours = sl_tree.DecisionTreeRegressor(criterion="absolute_error", random_state=0, **params)
        theirs = sk_tree.DecisionTreeRegressor(criterion="absolute_error", random_state=0, **params)
        assert_same_tree(ours.fit(X, y, sample_weight=sw), theirs.fit(X, y, sample_weight=sw), rtol=1e-8)
    Y = np.c_[y, X[:, 1] * 2 + rng.randn(len(y))]
    ours = sl_tree.DecisionTreeRegressor(criterion="absolute_error", max_depth=5, random_state=0).fit(X, Y)
    theirs = sk_tree.DecisionTreeRegressor(criterion="absolute_error", max_depth=5, random_state=0).fit(X, Y)
    assert_same_tree(ours, theirs, rtol=1e-8)
    Xd, yd = load_diabetes(return_X_y=True)
    Xd = Xd.astype(np.float32)
    ours = sl_tree.DecisionTreeRegressor(criterion="absolute_error", random_state=0).fit(Xd, yd)
    theirs = sk_tree.DecisionTreeRegressor(criterion="absolute_error", random_state=0).fit(Xd, yd)
    assert_same_tree(ours, theirs, rtol=1e-8)
    ours = sl_tree.ExtraTreeRegressor(criterion="absolute_error", random_state=3, max_depth=5).fit(X, y)
    theirs = sk_tree.ExtraTreeRegressor(criterion="absolute_error", random_state=3, max_depth=5).fit(X, y)
    assert_same_tree(ours, theirs, rtol=1e-8)


def test_absolute_error_missing_values():
    # missing values go to the side whose real left/right absolute errors are lower; the leaves
    # hold medians of the training targets that reach them
    X, _, y = _continuous(n=200, seed=7)
    X[::7, 1] = np.nan
    est = sl_tree.DecisionTreeRegressor(criterion="absolute_error", max_depth=3, random_state=0).fit(X, y)
    leaves = est.apply(X)
    for leaf in np.unique(leaves):
        assert_allclose(est.tree_.value[leaf, 0, 0], np.median(y[leaves == leaf]))
    assert np.all(np.isfinite(est.predict(X)))


def test_extra_trees_node_for_node():
    X, y, yr = _continuous(seed=4)
    X = X.astype(np.float32)
    for est, ref, target in (
        (sl_tree.ExtraTreeClassifier, sk_tree.ExtraTreeClassifier, y),
        (sl_tree.ExtraTreeRegressor, sk_tree.ExtraTreeRegressor, yr),
    ):
        leaf = 1 if target is y else 5
        ours = est(random_state=7, min_samples_leaf=leaf).fit(X, target)
        theirs = ref(random_state=7, min_samples_leaf=leaf).fit(X, target)
        assert_same_tree(ours, theirs, rtol=1e-8)


def test_sample_weight_and_multi_output():
    X, y, yr = _continuous(seed=5)
    X = X.astype(np.float32)
    w = np.random.RandomState(0).randint(0, 4, len(X)).astype(float)
    ours = sl_tree.DecisionTreeClassifier(random_state=0).fit(X, y, sample_weight=w)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0).fit(X, y, sample_weight=w)
    assert_same_tree(ours, theirs)
    Y = np.c_[y, (X[:, 3] > 0).astype(int) * 2]
    ours = sl_tree.DecisionTreeClassifier(random_state=0, max_depth=6).fit(X, Y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0, max_depth=6).fit(X, Y)
    assert_same_tree(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    for p, q in zip(ours.predict_proba(X), theirs.predict_proba(X)):
        assert_allclose(p, q)
    Yr = np.c_[yr, X[:, 4] ** 2]
    ours = sl_tree.DecisionTreeRegressor(random_state=0, max_depth=5, min_samples_leaf=5).fit(X, Yr)
    theirs = sk_tree.DecisionTreeRegressor(random_state=0, max_depth=5, min_samples_leaf=5).fit(X, Yr)
    assert_same_tree(ours, theirs, rtol=1e-8)
    assert ours.predict(X).shape == (len(X), 2)


def test_string_labels_and_log_proba():
    X, y, _ = _continuous(seed=6)
    labels = np.array(["ant", "bee", "cat"])[y]
    clf = sl_tree.DecisionTreeClassifier(random_state=0, max_depth=3).fit(X, labels)
    assert_array_equal(clf.classes_, ["ant", "bee", "cat"])
    assert set(clf.predict(X)) <= set(labels)
    with np.errstate(divide="ignore"):
        assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))
    assert clf.score(X, labels) > 0.8


def test_missing_values_against_sklearn():
    X, y, yr = _continuous(seed=7)
    X = X.astype(np.float32)
    X[np.random.RandomState(1).rand(*X.shape) < 0.15] = np.nan
    for est, ref, target in (
        (sl_tree.DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, y),
        (sl_tree.ExtraTreeClassifier, sk_tree.ExtraTreeClassifier, y),
    ):
        ours = est(random_state=0).fit(X, target)
        theirs = ref(random_state=0).fit(X, target)
        assert_same_tree(ours, theirs)
        assert_array_equal(ours.predict(X), theirs.predict(X))
    ours = sl_tree.DecisionTreeRegressor(random_state=0, max_depth=5, min_samples_leaf=5).fit(X, yr)
    theirs = sk_tree.DecisionTreeRegressor(random_state=0, max_depth=5, min_samples_leaf=5).fit(X, yr)
    assert_same_tree(ours, theirs, rtol=1e-8)
    # NaN at predict time follows the learned direction
    Xt = X[:50].copy()
    Xt[:, 0] = np.nan
    assert_allclose(ours.predict(Xt), theirs.predict(Xt), rtol=1e-12)


def test_monotonic_constraints():
    rng = np.random.RandomState(0)
    X = rng.rand(300, 3).astype(np.float32)
    y = X[:, 0] * 3 - X[:, 1] + 0.3 * rng.randn(300)
    cst = [1, -1, 0]
    ours = sl_tree.DecisionTreeRegressor(random_state=0, monotonic_cst=cst, max_depth=6).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(random_state=0, monotonic_cst=cst, max_depth=6).fit(X, y)
    assert_same_tree(ours, theirs, rtol=1e-8)
    yc = (y > np.median(y)).astype(int)
    ours = sl_tree.DecisionTreeClassifier(random_state=0, monotonic_cst=cst, max_depth=5).fit(X, yc)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0, monotonic_cst=cst, max_depth=5).fit(X, yc)
    assert_same_tree(ours, theirs)


def test_cost_complexity_pruning():
    X, y = load_breast_cancer(return_X_y=True)
    X = X.astype(np.float32)
    ours = sl_tree.DecisionTreeClassifier(random_state=0)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0)
    p1 = ours.cost_complexity_pruning_path(X, y)
    p2 = theirs.cost_complexity_pruning_path(X, y)
    assert_allclose(p1.ccp_alphas, p2.ccp_alphas, rtol=1e-10, atol=1e-15)
    assert_allclose(p1.impurities, p2.impurities, rtol=1e-10, atol=1e-15)
    alpha = p2.ccp_alphas[len(p2.ccp_alphas) // 2]
    a = sl_tree.DecisionTreeClassifier(random_state=0, ccp_alpha=alpha).fit(X, y)
    b = sk_tree.DecisionTreeClassifier(random_state=0, ccp_alpha=alpha).fit(X, y)
    assert_same_tree(a, b)
    a = sl_tree.DecisionTreeClassifier(random_state=0, ccp_alpha=alpha, max_leaf_nodes=20).fit(X, y)
    b = sk_tree.DecisionTreeClassifier(random_state=0, ccp_alpha=alpha, max_leaf_nodes=20).fit(X, y)
    assert_same_tree(a, b)


def test_decision_path_depth_leaves():
    X, y = load_iris(return_X_y=True)
    ours = sl_tree.DecisionTreeClassifier(random_state=0).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0).fit(X, y)
    assert_array_equal(ours.decision_path(X).toarray(), theirs.decision_path(X).toarray())
    assert ours.get_depth() == theirs.get_depth()
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    assert_array_equal(ours.tree_.compute_node_depths(), theirs.tree_.compute_node_depths())
    assert ours.tree_.n_outputs == 1 and ours.tree_.n_classes[0] == 3
    assert ours.tree_.capacity == ours.tree_.node_count


def test_pickle_round_trip():
    X, y, _ = _continuous(seed=8)
    clf = sl_tree.DecisionTreeClassifier(random_state=0).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))
    assert_array_equal(clone.tree_.threshold, clf.tree_.threshold)


def test_export_text_and_graphviz():
    X, y = load_iris(return_X_y=True)
    ours = sl_tree.DecisionTreeClassifier(random_state=0, max_depth=2).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0, max_depth=2).fit(X, y)
    names = ["sl", "sw", "pl", "pw"]
    assert sl_tree.export_text(ours, feature_names=names) == sk_tree.export_text(theirs, feature_names=names)
    assert sl_tree.export_text(ours) == sk_tree.export_text(theirs)
    dot = sl_tree.export_graphviz(ours, feature_names=names)
    assert dot.startswith("digraph Tree {") and dot.rstrip().endswith("}")
    assert dot.count("->") == ours.tree_.node_count - 1
    with pytest.raises(ValueError, match="feature_names must contain 4 elements"):
        sl_tree.export_text(ours, feature_names=["a"])


def test_plot_tree_needs_matplotlib():
    X, y = load_iris(return_X_y=True)
    clf = sl_tree.DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        with pytest.raises(ImportError, match="matplotlib"):
            sl_tree.plot_tree(clf)
    else:
        artists = sl_tree.plot_tree(clf)
        assert len(artists) == clf.tree_.node_count


@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_depth": 0}, "max_depth"),
        ({"criterion": "mse"}, "criterion"),
        ({"min_samples_split": 1}, "min_samples_split"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
        ({"max_features": "auto"}, "max_features"),
        ({"splitter": "worst"}, "splitter"),
        ({"max_leaf_nodes": 1}, "max_leaf_nodes"),
        ({"ccp_alpha": -1.0}, "ccp_alpha"),
        ({"min_weight_fraction_leaf": 0.6}, "min_weight_fraction_leaf"),
    ],
)
def test_bad_parameters(params, match):
    X, y, _ = _continuous(n=50)
    with pytest.raises(InvalidParameterError, match=match):
        sl_tree.DecisionTreeClassifier(**params).fit(X, y)


def test_bad_data():
    X, y, yr = _continuous(n=50)
    with pytest.raises(ValueError, match="infinity"):
        Xi = X.copy()
        Xi[0, 0] = np.inf
        sl_tree.DecisionTreeClassifier().fit(Xi, y)
    with pytest.raises(ValueError, match="NaN"):
        Xn = X.copy()
        Xn[0, 0] = np.nan
        sl_tree.ExtraTreeClassifier(splitter="best").fit(Xn, y)
    with pytest.raises(ValueError, match="negative"):
        sl_tree.DecisionTreeRegressor(criterion="poisson").fit(X, yr)
    clf = sl_tree.DecisionTreeClassifier().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError, match="monotonic_cst"):
        sl_tree.DecisionTreeRegressor(monotonic_cst=[1, 0]).fit(X, yr)
    with pytest.raises(ValueError, match="multiclass"):
        sl_tree.DecisionTreeClassifier(monotonic_cst=[1] + [0] * 5).fit(X, np.arange(50) % 3)
    with pytest.raises(ValueError, match="Sample weights|sample_weight"):
        sl_tree.DecisionTreeClassifier().fit(X, y, sample_weight=np.zeros(len(X)))


def test_core_rejects_bad_tree_arrays():
    from scratchlearn import _core

    X = np.zeros((3, 2))
    args = dict(
        children_left=np.array([1, -1, -1], dtype=np.int32),
        children_right=np.array([2, -1, -1], dtype=np.int32),
        feature=np.array([5, -2, -2], dtype=np.int32),
        threshold=np.zeros(3),
        missing_go_to_left=np.zeros(3, dtype=np.uint8),
        value=np.zeros((3, 1)),
        node_offset=np.array([0, 3], dtype=np.int64),
    )
    with pytest.raises(ValueError, match="feature index out of range"):
        _core.tree.apply(X, n_threads=1, **args)
    args["feature"] = np.array([0, -2, -2], dtype=np.int32)
    args["children_left"] = np.array([0, -1, -1], dtype=np.int32)
    with pytest.raises(ValueError, match="child index out of range"):
        _core.tree.apply(X, n_threads=1, **args)
    # a node with two parents, and a node no parent reaches
    args["children_left"] = np.array([1, -1, -1, -1], dtype=np.int32)
    args["children_right"] = np.array([1, -1, -1, -1], dtype=np.int32)
    for key, v in (("feature", [0, -2, -2, -2]), ("threshold", np.zeros(4)),
                   ("missing_go_to_left", np.zeros(4, dtype=np.uint8)), ("value", np.zeros((4, 1)))):
        args[key] = np.asarray(v, dtype=np.int32) if key == "feature" else v
    args["node_offset"] = np.array([0, 4], dtype=np.int64)
    with pytest.raises(ValueError, match="two parents"):
        _core.tree.apply(X, n_threads=1, **args)
    args["children_right"] = np.array([2, -1, -1, -1], dtype=np.int32)
    with pytest.raises(ValueError, match="not reachable"):
        _core.tree.apply(X, n_threads=1, **args)
