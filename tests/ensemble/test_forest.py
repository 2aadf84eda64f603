"""Forests against scikit-learn: same trees (exact splitter), quality (histogram splitter), OOB,
warm start, thread independence, pickling, bad input."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sklearn.ensemble as sk_ensemble  # noqa: E402  (a test dependency: missing is an error, not a skip)
from sklearn.datasets import load_breast_cancer, load_diabetes, make_classification, make_regression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from scratchlearn import ensemble as sl_ensemble  # noqa: E402
from scratchlearn.utils._param_validation import InvalidParameterError  # noqa: E402


def _cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X.astype(np.float32), y


def assert_same_forest(ours, theirs):
    assert len(ours.estimators_) == len(theirs.estimators_)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        assert_array_equal(a.tree_.feature, b.tree_.feature)
        assert_array_equal(a.tree_.children_left, b.tree_.children_left)
        assert_array_equal(a.tree_.threshold, b.tree_.threshold)
        assert_array_equal(a.tree_.n_node_samples, b.tree_.n_node_samples)
        assert_allclose(a.tree_.value, b.tree_.value, rtol=1e-9, atol=1e-12)
        assert a.random_state == b.random_state


@pytest.mark.parametrize("params", [{}, {"max_features": None, "max_depth": 6}, {"max_samples": 0.5},
                                    {"class_weight": {0: 1.0, 1: 3.0}}, {"criterion": "entropy"}])
def test_random_forest_exact_equals_sklearn(params):
    X, y = _cancer()
    ours = sl_ensemble.RandomForestClassifier(n_estimators=8, random_state=0, max_bins=None, **params).fit(X, y)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=8, random_state=0, **params).fit(X, y)
    assert_same_forest(ours, theirs)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12, atol=1e-15)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_array_equal(ours.apply(X), theirs.apply(X))
    assert_allclose(ours.feature_importances_, theirs.feature_importances_, rtol=1e-7, atol=1e-12)


def test_extra_trees_equal_sklearn():
    X, y = _cancer()
    ours = sl_ensemble.ExtraTreesClassifier(n_estimators=6, random_state=1).fit(X, y)
    theirs = sk_ensemble.ExtraTreesClassifier(n_estimators=6, random_state=1).fit(X, y)
    assert_same_forest(ours, theirs)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12, atol=1e-15)
    Xr, yr = load_diabetes(return_X_y=True)
    Xr = Xr.astype(np.float32)
    ours = sl_ensemble.ExtraTreesRegressor(n_estimators=4, random_state=1, min_samples_leaf=5).fit(Xr, yr)
    theirs = sk_ensemble.ExtraTreesRegressor(n_estimators=4, random_state=1, min_samples_leaf=5).fit(Xr, yr)
    assert_same_forest(ours, theirs)
    assert_allclose(ours.predict(Xr), theirs.predict(Xr), rtol=1e-9)


def test_random_forest_regressor_exact_equals_sklearn():
    X, y = load_diabetes(return_X_y=True)
    X = X.astype(np.float32)
    kw = dict(n_estimators=5, random_state=3, min_samples_leaf=5)
    ours = sl_ensemble.RandomForestRegressor(max_bins=None, **kw).fit(X, y)
    theirs = sk_ensemble.RandomForestRegressor(**kw).fit(X, y)
    assert_same_forest(ours, theirs)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)


def test_absolute_error_forest_equals_sklearn():
    # absolute error always grows exact trees (max_bins is not used for it)
    X, y = load_diabetes(return_X_y=True)
    X = X.astype(np.float32)
    kw = dict(n_estimators=4, random_state=1, min_samples_leaf=5, criterion="absolute_error")
    ours = sl_ensemble.RandomForestRegressor(**kw).fit(X, y)
    theirs = sk_ensemble.RandomForestRegressor(**kw).fit(X, y)
    assert_same_forest(ours, theirs)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)


def test_oob_equals_sklearn_and_callable():
    X, y = _cancer()
    kw = dict(n_estimators=15, random_state=0, oob_score=True)
    ours = sl_ensemble.RandomForestClassifier(max_bins=None, **kw).fit(X, y)
    theirs = sk_ensemble.RandomForestClassifier(**kw).fit(X, y)
    assert ours.oob_score_ == theirs.oob_score_
    assert_allclose(ours.oob_decision_function_, theirs.oob_decision_function_, rtol=1e-12)
    ours = sl_ensemble.RandomForestClassifier(max_bins=None, n_estimators=15, random_state=0,
                                              oob_score=f1_score).fit(X, y)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=15, random_state=0, oob_score=f1_score).fit(X, y)
    assert ours.oob_score_ == pytest.approx(theirs.oob_score_)
    Xr, yr = load_diabetes(return_X_y=True)
    Xr = Xr.astype(np.float32)
    kw = dict(n_estimators=10, random_state=0, oob_score=True, min_samples_leaf=5)
    ours = sl_ensemble.RandomForestRegressor(max_bins=None, **kw).fit(Xr, yr)
    theirs = sk_ensemble.RandomForestRegressor(**kw).fit(Xr, yr)
    assert ours.oob_score_ == pytest.approx(theirs.oob_score_, rel=1e-9)
    assert_allclose(ours.oob_prediction_, theirs.oob_prediction_, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_histogram_forest_quality(seed):
    X, y = make_classification(3000, 20, n_informative=8, random_state=seed)
    Xt, yt, Xs, ys = X[:2000], y[:2000], X[2000:], y[2000:]
    ours = sl_ensemble.RandomForestClassifier(n_estimators=25, random_state=seed).fit(Xt, yt)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=25, random_state=seed).fit(Xt, yt)
    assert ours.score(Xs, ys) >= theirs.score(Xs, ys) - 0.02
    X, y = make_regression(2000, 10, n_informative=6, noise=5.0, random_state=seed)
    ours = sl_ensemble.RandomForestRegressor(n_estimators=20, random_state=seed).fit(X[:1500], y[:1500])
    theirs = sk_ensemble.RandomForestRegressor(n_estimators=20, random_state=seed).fit(X[:1500], y[:1500])
    assert ours.score(X[1500:], y[1500:]) >= theirs.score(X[1500:], y[1500:]) - 0.02


@pytest.mark.parametrize("cls, kw", [
    (sl_ensemble.RandomForestClassifier, {}),
    (sl_ensemble.RandomForestClassifier, {"max_bins": None}),
    (sl_ensemble.ExtraTreesClassifier, {}),
    (sl_ensemble.RandomForestRegressor, {}),
])
def test_n_jobs_bitwise(cls, kw):
    X, y = make_classification(800, 10, random_state=0)
    if cls is sl_ensemble.RandomForestRegressor:
        y = X[:, 0] + X[:, 1] ** 2
    a = cls(n_estimators=6, random_state=0, n_jobs=1, **kw).fit(X, y)
    b = cls(n_estimators=6, random_state=0, n_jobs=2, **kw).fit(X, y)
    for key in ("feature", "threshold", "value", "children_left", "impurity"):
        assert_array_equal(getattr(a.forest_nodes_, key), getattr(b.forest_nodes_, key))
    pa = a.predict_proba(X) if hasattr(a, "predict_proba") else a.predict(X)
    pb = b.predict_proba(X) if hasattr(b, "predict_proba") else b.predict(X)
    assert_array_equal(pa, pb)


@pytest.mark.parametrize("n, n_boot", [(1, 1), (1, 4), (2, 3), (7, 7), (1000, 37), (65536, 100), (65537, 65537)])
def test_core_bootstrap_counts_equal_numpy(n, n_boot):
    from scratchlearn import _core

    seeds = np.array([0, 1, 12345, 2**31 - 2, 2**31 - 1], dtype=np.uint32)
    got = _core.tree.bootstrap(seeds, n, n_boot)
    for j, s in enumerate(seeds):
        ref = np.bincount(np.random.RandomState(int(s)).randint(0, n, n_boot), minlength=n)
        assert_array_equal(got[j], ref)


@pytest.mark.parametrize("high", [1, 2, 3, 1000, 2**20 + 1, 2**31 - 1])
def test_core_first_draws_equal_numpy(high):
    # a forest's per-tree splitter seeds: RandomState(seed).randint(0, high) for each tree's seed
    from scratchlearn import _core

    seeds = np.concatenate([[0, 1, 12345, 2**31 - 2, 2**31 - 1, 2**32 - 1],
                            np.random.RandomState(3).randint(0, 2**31 - 1, 200)]).astype(np.uint32)
    ref = [np.random.RandomState(int(s)).randint(0, high) for s in seeds]
    assert_array_equal(_core.tree.first_draws(seeds, high), ref)
    with pytest.raises(ValueError, match="high must be in"):
        _core.tree.first_draws(seeds, 0)


@pytest.mark.parametrize("cls, kw", [
    (sl_ensemble.RandomForestClassifier, {}),
    (sl_ensemble.RandomForestClassifier, {"max_samples": 0.3, "max_bins": 32}),
    (sl_ensemble.RandomForestRegressor, {}),
])
def test_core_bootstrap_equals_weights_matrix(cls, kw, monkeypatch):
    # the bootstrap drawn in the core gives the very trees of the weights drawn in Python
    X, y = make_classification(700, 8, random_state=1)
    if cls is sl_ensemble.RandomForestRegressor:
        y = X[:, 0] + X[:, 1] ** 2
    a = cls(n_estimators=5, random_state=0, **kw).fit(X, y)
    monkeypatch.setattr(cls, "_core_bootstrap", lambda self, sw: False)
    b = cls(n_estimators=5, random_state=0, **kw).fit(X, y)
    for key in ("feature", "threshold", "value", "children_left", "impurity", "weighted_n_node_samples"):
        assert_array_equal(getattr(a.forest_nodes_, key), getattr(b.forest_nodes_, key))


def test_warm_start_equals_sklearn_and_one_fit():
    X, y = _cancer()
    ours = sl_ensemble.RandomForestClassifier(n_estimators=4, random_state=0, warm_start=True, max_bins=None)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=4, random_state=0, warm_start=True)
    ours.fit(X, y)
    theirs.fit(X, y)
    ours.set_params(n_estimators=7).fit(X, y)
    theirs.set_params(n_estimators=7).fit(X, y)
    assert_same_forest(ours, theirs)
    with pytest.warns(UserWarning, match="does not fit new trees"):
        ours.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal"):
        ours.set_params(n_estimators=3).fit(X, y)


def test_balanced_subsample_and_multi_output():
    X, y = _cancer()
    clf = sl_ensemble.RandomForestClassifier(n_estimators=10, random_state=0, class_weight="balanced_subsample")
    ref = sk_ensemble.RandomForestClassifier(n_estimators=10, random_state=0, class_weight="balanced_subsample")
    assert clf.fit(X, y).score(X, y) >= ref.fit(X, y).score(X, y) - 0.02
    Y = np.c_[y, (X[:, 0] > np.median(X[:, 0])).astype(int)]
    ours = sl_ensemble.RandomForestClassifier(n_estimators=5, random_state=0, max_bins=None).fit(X, Y)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=5, random_state=0).fit(X, Y)
    assert_same_forest(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    for p, q in zip(ours.predict_proba(X), theirs.predict_proba(X)):
        assert_allclose(p, q, rtol=1e-12)


def test_estimators_and_decision_path():
    X, y = _cancer()
    rf = sl_ensemble.RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    mean = np.mean([e.predict_proba(X) for e in rf.estimators_], axis=0)
    assert_allclose(rf.predict_proba(X), mean, rtol=1e-12)
    ind, ptr = rf.decision_path(X)
    assert ind.shape == (len(X), ptr[-1])
    assert len(rf) == 5 and rf[0] is rf.estimators_[0]
    ref = sk_ensemble.RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert [len(s) for s in rf.estimators_samples_] == [len(s) for s in ref.estimators_samples_]
    for a, b in zip(rf.estimators_samples_, ref.estimators_samples_):
        assert_array_equal(np.sort(a), np.sort(b))


def test_missing_values_forest():
    X, y = _cancer()
    X = X.copy()
    X[np.random.RandomState(0).rand(*X.shape) < 0.1] = np.nan
    ours = sl_ensemble.RandomForestClassifier(n_estimators=5, random_state=0, max_bins=None).fit(X, y)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert_same_forest(ours, theirs)
    hist = sl_ensemble.RandomForestClassifier(n_estimators=20, random_state=0).fit(X[:400], y[:400])
    assert hist.score(X[400:], y[400:]) > 0.85


def test_pickle_round_trip_and_size():
    X, y = make_classification(2000, 10, random_state=0)
    rf = sl_ensemble.RandomForestClassifier(n_estimators=20, random_state=0, max_bins=None).fit(X, y)
    rf.estimators_  # build the estimator views; they do not go into the pickle
    blob = pickle.dumps(rf)
    clone = pickle.loads(blob)
    assert_array_equal(clone.predict_proba(X), rf.predict_proba(X))
    ref = sk_ensemble.RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    assert len(blob) <= 0.5 * len(pickle.dumps(ref))


@pytest.mark.parametrize("kw", [{}, {"criterion": "entropy"}, {"class_weight": "balanced"}])
def test_compact_pickle_restores_every_array(kw):
    # the pickle holds float32 class counts instead of value / weights / impurity where those
    # follow from them exactly, the full arrays otherwise (here: fractional class weights)
    X, y = make_classification(600, 6, n_classes=3, n_informative=4, random_state=1)
    rf = sl_ensemble.RandomForestClassifier(n_estimators=5, random_state=0, **kw).fit(X, y)
    clone = pickle.loads(pickle.dumps(rf))
    for key in ("value", "impurity", "weighted_n_node_samples", "threshold", "children_left"):
        a, b = getattr(rf.forest_nodes_, key), getattr(clone.forest_nodes_, key)
        assert a.dtype == b.dtype
        assert_array_equal(a, b)
    assert_array_equal(clone.feature_importances_, rf.feature_importances_)
    assert_array_equal(clone.predict_proba(X), rf.predict_proba(X))


@pytest.mark.parametrize("kw", [{}, {"max_bins": None}, {"max_leaf_nodes": 40}, {"bootstrap": False}])
def test_regressor_pickle_compact_and_exact(kw):
    # the structure is pickled compactly (left children from the depth-first order, leaf-only
    # sample counts and weights, int16 features, bits): every array comes back exactly, and a
    # forest pickles to at most half of scikit-learn's
    rng = np.random.RandomState(0)
    X = rng.randn(800, 6)
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.3 * rng.randn(800)
    X[rng.rand(800, 6) < 0.03] = np.nan
    rf = sl_ensemble.RandomForestRegressor(n_estimators=10, random_state=0, **kw).fit(X, y)
    blob = pickle.dumps(rf)
    clone = pickle.loads(blob)
    for key in ("children_left", "children_right", "feature", "threshold", "impurity", "n_node_samples",
                "weighted_n_node_samples", "missing_go_to_left", "value", "node_offset"):
        a, b = getattr(rf.forest_nodes_, key), getattr(clone.forest_nodes_, key)
        assert a.dtype == b.dtype
        assert_array_equal(a, b)
    assert_array_equal(clone.predict(X), rf.predict(X))
    assert_array_equal(clone.apply(X), rf.apply(X))
    ref = sk_ensemble.RandomForestRegressor(
        n_estimators=10, random_state=0, **{k: v for k, v in kw.items() if k != "max_bins"}).fit(X, y)
    assert len(blob) <= 0.5 * len(pickle.dumps(ref))


def test_predict_paths_agree_and_do_not_depend_on_threads():
    # few rows: threads over chunks of trees; many rows: threads over row blocks; both equal the
    # mean of the trees' own predictions, and bitwise the same for any n_jobs
    rng = np.random.RandomState(0)
    X = rng.randn(400, 5)
    y = X[:, 0] + np.sin(3 * X[:, 1]) + 0.2 * rng.randn(400)
    X[rng.rand(400, 5) < 0.02] = np.nan
    Q = rng.randn(70000, 5)
    Q[rng.rand(70000, 5) < 0.01] = np.nan
    for est in (sl_ensemble.RandomForestRegressor(n_estimators=20, random_state=0),
                sl_ensemble.RandomForestClassifier(n_estimators=20, random_state=0)):
        yy = y if est._estimator_type == "regressor" else (y > 0).astype(int) + (y > 1)
        est.fit(X, yy)
        f = est.predict if est._estimator_type == "regressor" else est.predict_proba
        for rows in (Q[:300], Q):
            a = f(rows)
            est.set_params(n_jobs=2)
            assert_array_equal(f(rows), a)
            est.set_params(n_jobs=1)
            trees = np.mean([(t.predict(rows) if est._estimator_type == "regressor" else t.predict_proba(rows))
                             for t in est.estimators_], axis=0)
            assert_allclose(a, trees, rtol=1e-12, atol=1e-12)
        assert_array_equal(est.apply(Q[:300]), np.stack([t.apply(Q[:300]) for t in est.estimators_], axis=1))


def test_float32_input():
    X, y = make_classification(500, 8, random_state=0)
    a = sl_ensemble.RandomForestClassifier(n_estimators=5, random_state=0, max_bins=None).fit(X.astype(np.float32), y)
    b = sk_ensemble.RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert_same_forest(a, b)


@pytest.mark.parametrize("params, match", [
    ({"n_estimators": 0}, "n_estimators"),
    ({"max_bins": 300}, "max_bins"),
    ({"max_bins": 1}, "max_bins"),
    ({"criterion": "squared_error"}, "criterion"),
    ({"class_weight": "sometimes"}, "class_weight"),
    ({"max_samples": -1}, "max_samples"),
])
def test_bad_parameters(params, match):
    X, y = make_classification(100, 5, random_state=0)
    with pytest.raises(InvalidParameterError, match=match):
        sl_ensemble.RandomForestClassifier(**params).fit(X, y)


def test_bad_combinations():
    X, y = make_classification(100, 5, random_state=0)
    with pytest.raises(ValueError, match="Out of bag estimation only available if bootstrap=True"):
        sl_ensemble.RandomForestClassifier(bootstrap=False, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="`max_sample` cannot be set if `bootstrap=False`"):
        sl_ensemble.ExtraTreesClassifier(max_samples=0.5).fit(X, y)
    with pytest.raises(ValueError, match="negative"):
        sl_ensemble.RandomForestRegressor(criterion="poisson").fit(X, X[:, 0])
    rf = sl_ensemble.RandomForestClassifier(n_estimators=3).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        rf.predict(X[:, :2])
    with pytest.raises(ValueError, match="infinity"):
        Xi = X.copy()
        Xi[0, 0] = np.inf
        rf.predict(Xi)
