"""model_selection against scikit-learn: every splitter's folds, the candidates of the parameter
grids and samplers, cross-validation and the searches' cv_results_ (with scratchlearn's and with
scikit-learn's estimators), the curves, threads vs serial, and bad input."""

import warnings

import numpy as np
import pytest
import scipy.stats as stats
import sklearn.model_selection as skms
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import Ridge as SkRidge
from sklearn.neighbors import KNeighborsClassifier as SkKNN

import scratchlearn.model_selection as ms
from scratchlearn.linear_model import LogisticRegression, Ridge
from scratchlearn.neighbors import KNeighborsClassifier
from scratchlearn.utils.parallel import n_threads, thread_budget


def _same_splits(ours, theirs, X, y=None, groups=None):
    a = list(ours.split(X, y, groups))
    b = list(theirs.split(X, y, groups))
    assert len(a) == len(b) > 0
    for (tr_a, te_a), (tr_b, te_b) in zip(a, b):
        assert_array_equal(np.asarray(tr_a), np.asarray(tr_b))
        assert_array_equal(np.asarray(te_a), np.asarray(te_b))
    assert ours.get_n_splits(X, y, groups) == theirs.get_n_splits(X, y, groups)


@pytest.mark.parametrize("n", [10, 23])
def test_splitters_give_sklearns_folds(n):
    rng = np.random.RandomState(n)
    X = rng.randn(n, 2)
    y = rng.randint(0, 3, n)
    y[:3] = [0, 1, 2]
    groups = rng.randint(0, 6, n)
    for rs in (None, 0, 7, np.random.RandomState(3)):
        shuffles = (False,) if rs is None else (True,)
        for shuffle in shuffles:
            for k in (2, 3):
                r1 = rs if not isinstance(rs, np.random.RandomState) else np.random.RandomState(3)
                r2 = rs if not isinstance(rs, np.random.RandomState) else np.random.RandomState(3)
                _same_splits(ms.KFold(k, shuffle=shuffle, random_state=r1),
                             skms.KFold(k, shuffle=shuffle, random_state=r2), X)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    _same_splits(ms.StratifiedKFold(k, shuffle=shuffle, random_state=r1),
                                 skms.StratifiedKFold(k, shuffle=shuffle, random_state=r2), X, y)
                    _same_splits(ms.StratifiedGroupKFold(k, shuffle=shuffle, random_state=r1),
                                 skms.StratifiedGroupKFold(k, shuffle=shuffle, random_state=r2),
                                 X, y, groups)
                _same_splits(ms.GroupKFold(k, shuffle=shuffle, random_state=r1),
                             skms.GroupKFold(k, shuffle=shuffle, random_state=r2), X, y, groups)
    for rs in (0, 1):
        for kw in ({}, {"test_size": 0.3}, {"test_size": 4, "train_size": 5},
                   {"train_size": 0.5}):
            _same_splits(ms.ShuffleSplit(4, random_state=rs, **kw),
                         skms.ShuffleSplit(4, random_state=rs, **kw), X)
            if kw.get("test_size", 3) not in (0.1,) and n > 10:
                _same_splits(ms.StratifiedShuffleSplit(4, random_state=rs, **kw),
                             skms.StratifiedShuffleSplit(4, random_state=rs, **kw), X, y)
        _same_splits(ms.RepeatedKFold(n_splits=3, n_repeats=2, random_state=rs),
                     skms.RepeatedKFold(n_splits=3, n_repeats=2, random_state=rs), X)
        _same_splits(ms.RepeatedStratifiedKFold(n_splits=2, n_repeats=3, random_state=rs),
                     skms.RepeatedStratifiedKFold(n_splits=2, n_repeats=3, random_state=rs), X, y)
    _same_splits(ms.LeaveOneOut(), skms.LeaveOneOut(), X)
    _same_splits(ms.LeavePOut(2), skms.LeavePOut(2), X[:8])
    for kw in ({}, {"n_splits": 3, "gap": 1}, {"n_splits": 3, "max_train_size": 4, "test_size": 2}):
        _same_splits(ms.TimeSeriesSplit(**kw), skms.TimeSeriesSplit(**kw), X)
    fold = rng.randint(-1, 3, n)
    _same_splits(ms.PredefinedSplit(fold), skms.PredefinedSplit(fold), X)


def test_train_test_split_matches_sklearn():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 3), rng.randint(0, 2, 40)
    w = list(range(40))
    for kw in ({}, {"test_size": 0.3, "random_state": 1}, {"train_size": 10, "random_state": 2},
               {"stratify": y, "random_state": 3}, {"shuffle": False, "test_size": 5}):
        ours = ms.train_test_split(X, y, w, **kw)
        if "random_state" not in kw and kw.get("shuffle", True):
            continue
        theirs = skms.train_test_split(X, y, w, **kw)
        for a, b in zip(ours, theirs):
            assert type(a) is type(b)
            assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ms.train_test_split(X, y[:-1])
    with pytest.raises(ValueError, match="test_size=50 should be either positive and smaller"):
        ms.train_test_split(X, test_size=50)
    with pytest.raises(ValueError, match="not implemented for shuffle=False"):
        ms.train_test_split(X, y, shuffle=False, stratify=y)


def test_splitter_bad_input():
    X = np.zeros((4, 1))
    with pytest.raises(ValueError, match="greater than the number of samples"):
        list(ms.KFold(5).split(X))
    with pytest.raises(ValueError, match="at least one train/test split"):
        ms.KFold(1)
    with pytest.raises(ValueError, match="random_state has no effect"):
        ms.KFold(3, random_state=0)
    with pytest.raises(ValueError, match="cannot be greater than the number of members"):
        list(ms.StratifiedKFold(3).split(X, [0, 1, 2, 3]))
    with pytest.raises(ValueError, match="Supported target types"):
        list(ms.StratifiedKFold(2).split(X, [0.1, 0.2, 0.3, 0.4]))
    with pytest.raises(ValueError, match="'groups' parameter should not be None"):
        list(ms.GroupKFold(2).split(X))
    with pytest.raises(ValueError, match="Expected `cv` as an integer"):
        ms.check_cv("five")


def test_parameter_grid_and_sampler_match_sklearn():
    grids = [{"a": [1, 2, 3], "b": ["x", "y"]}, [{"a": [1]}, {"c": [True, False], "a": [2, 3]}],
             {}, [{}]]
    for g in grids:
        ours, theirs = ms.ParameterGrid(g), skms.ParameterGrid(g)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
        assert [ours[i] for i in range(len(ours))] == [theirs[i] for i in range(len(theirs))]
    big = {"a": list(range(30)), "b": list(range(40))}
    for n_iter, dist in ((5, big), (300, big), (1190, big), (4, {"a": [1, 2]}),
                         (8, {"a": stats.uniform(0, 1), "b": [1, 2, 3], "c": stats.randint(1, 9)}),
                         (6, [{"a": stats.expon()}, {"b": ["p", "q"]}])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ours = list(ms.ParameterSampler(dist, n_iter, random_state=4))
            theirs = list(skms.ParameterSampler(dist, n_iter, random_state=4))
        assert ours == theirs
    with pytest.raises(TypeError, match="needs to be a list or a numpy array"):
        ms.ParameterGrid({"a": 1})
    with pytest.raises(ValueError, match="need to be a non-empty sequence"):
        ms.ParameterGrid({"a": []})


def _compare_results(ours, theirs, tol=1e-12):
    keys = [k for k in theirs.cv_results_ if "time" not in k]
    assert [k for k in ours.cv_results_ if "time" not in k] == keys
    for k in keys:
        a, b = ours.cv_results_[k], theirs.cv_results_[k]
        if k == "params":
            assert a == b
        elif k.startswith("param_"):
            assert a.tolist() == b.tolist()
            assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
        elif k.startswith("rank"):
            assert_array_equal(a, b)
        else:
            assert_allclose(a, b, rtol=tol, atol=tol, err_msg=k)
    if hasattr(theirs, "best_index_"):
        assert ours.best_index_ == theirs.best_index_
        assert ours.best_params_ == theirs.best_params_
    if hasattr(theirs, "best_score_"):
        assert_allclose(ours.best_score_, theirs.best_score_, rtol=tol)


def test_grid_search_matches_sklearn_with_both_estimators():
    X, y = load_iris(return_X_y=True)
    grid = {"n_neighbors": [1, 4, 9], "weights": ["uniform", "distance"]}
    theirs = skms.GridSearchCV(SkKNN(), grid, cv=4, return_train_score=True).fit(X, y)
    for est in (KNeighborsClassifier(), SkKNN()):
        for n_jobs in (None, 2):
            ours = ms.GridSearchCV(est, grid, cv=4, return_train_score=True,
                                   n_jobs=n_jobs).fit(X, y)
            _compare_results(ours, theirs)
            assert_array_equal(ours.predict(X), theirs.predict(X))
            assert_allclose(ours.score(X, y), theirs.score(X, y))
            assert list(ours.classes_) == list(theirs.classes_)
    # several scorers, refit by name and by a callable
    scoring = ["accuracy", "f1_macro"]
    theirs = skms.GridSearchCV(SkKNN(), grid, cv=3, scoring=scoring, refit="f1_macro").fit(X, y)
    ours = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, scoring=scoring,
                           refit="f1_macro").fit(X, y)
    _compare_results(ours, theirs)

    def pick(results):
        return int(np.argmax(results["mean_test_accuracy"] - results["std_test_accuracy"]))

    theirs = skms.GridSearchCV(SkKNN(), grid, cv=3, scoring=scoring, refit=pick).fit(X, y)
    ours = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, scoring=scoring,
                           refit=pick).fit(X, y)
    _compare_results(ours, theirs)
    assert not hasattr(ours, "best_score_")
    with pytest.raises(ValueError, match="For multi-metric scoring, the parameter refit"):
        ms.GridSearchCV(KNeighborsClassifier(), grid, scoring=scoring).fit(X, y)
    no_refit = ms.GridSearchCV(KNeighborsClassifier(), grid, refit=False).fit(X, y)
    with pytest.raises(AttributeError, match="refit=False"):
        no_refit.predict(X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_search_shares_neighbour_lists_between_query_only_candidates(dtype, monkeypatch):
    # candidates that differ only in n_neighbors / weights share each fold's neighbour lists
    # (one search for the largest n_neighbors): every score equals the one of a separate fit per
    # candidate, on digits (integer pixels: many tied distances), with several scorers, train
    # scores, a candidate that fails (n_neighbors above the fold's size), a regressor, other
    # fit parameters in the grid, and random search; and no memo stays on a fitted estimator
    import scratchlearn.model_selection._search as search
    from scratchlearn.neighbors import KNeighborsRegressor
    from scratchlearn.neighbors._base import _QueryMemo

    X, y = load_digits(return_X_y=True)
    X = X[:700].astype(dtype)
    y = y[:700]
    calls = []
    real = _QueryMemo.lookup

    def counting(self, est, Xq, Q, k, n_fit):
        calls.append(k)
        return real(self, est, Xq, Q, k, n_fit)

    cases = [
        (KNeighborsClassifier(), {"n_neighbors": list(range(1, 13)), "weights": ["uniform", "distance"]},
         dict(return_train_score=True)),
        (KNeighborsClassifier(), {"n_neighbors": [3, 5, 900], "p": [1, 2]}, dict(error_score=np.nan)),
        (KNeighborsClassifier(), {"n_neighbors": [2, 7], "weights": ["uniform", "distance"]},
         dict(scoring=["accuracy", "f1_macro", "neg_log_loss"], refit="accuracy")),
        (KNeighborsRegressor(), {"n_neighbors": [1, 4, 8], "weights": ["distance", "uniform"]}, {}),
        # the group's first candidate fails in fit (n_neighbors=0): the next one fits the fold
        (KNeighborsClassifier(), {"n_neighbors": [0, 3, 5], "weights": ["uniform", "distance"]},
         dict(error_score=np.nan)),
    ]
    # on 5 features 'auto' builds a kd-tree, except for n_neighbors >= half the fold's 525 rows
    # (brute force): that candidate cannot share the kd-tree fit and is fitted on its own
    low_dim = (KNeighborsClassifier(), {"n_neighbors": [3, 300, 5], "weights": ["uniform", "distance"]},
               {})
    fits = []

    def counting_fit(real_fit):
        def fit(self, *a, **k):
            fits.append(self.get_params()["n_neighbors"])
            return real_fit(self, *a, **k)
        return fit

    for est, grid, kw, Xc, own in [c + (X, 0) for c in cases] + [low_dim + (X[:, :5], 2 * 4)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            monkeypatch.setattr(_QueryMemo, "lookup", counting)
            monkeypatch.setattr(type(est), "fit", counting_fit(type(est).fit))
            calls.clear()
            fits.clear()
            shared = ms.GridSearchCV(est, grid, cv=4, n_jobs=2, **kw).fit(Xc, y)
            assert calls, "the shared path was not taken"
            # each group's fold is fitted once (failing fits, candidates fitted on their own and
            # the refit aside): the other candidates of the group share that fit
            groups = len(ms.ParameterGrid({k: v for k, v in grid.items()
                                           if k not in ("n_neighbors", "weights")}))
            failing = 4 * grid["n_neighbors"].count(0) * len(grid.get("weights", [0]))
            assert len(fits) == 4 * groups + failing + own + 1, (fits, grid)
            monkeypatch.setattr(search, "_shared_query_groups", lambda base, c: None)
            alone = ms.GridSearchCV(est, grid, cv=4, n_jobs=2, **kw).fit(Xc, y)
            monkeypatch.undo()
        for key, value in alone.cv_results_.items():
            if "time" in key or key == "params" or key.startswith("param_"):
                continue
            assert_array_equal(shared.cv_results_[key], value, err_msg=key)
        assert shared.best_params_ == alone.best_params_
        assert not hasattr(shared.best_estimator_, "_query_memo")
    dist = {"n_neighbors": list(range(1, 20)), "weights": ["uniform", "distance"]}
    a = ms.RandomizedSearchCV(KNeighborsClassifier(), dist, n_iter=8, cv=3, random_state=0).fit(X, y)
    b = skms.RandomizedSearchCV(SkKNN(), dist, n_iter=8, cv=3, random_state=0).fit(X, y)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        assert_allclose(a.cv_results_[key], b.cv_results_[key], rtol=1e-12, atol=1e-15, err_msg=key)


def test_grid_search_regression_and_list_of_grids():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 5)
    y = X @ rng.randn(5) + 0.3 * rng.randn(80)
    grid = [{"alpha": [0.1, 1.0, 10.0]}, {"alpha": [3.0], "fit_intercept": [False]}]
    theirs = skms.GridSearchCV(SkRidge(), grid, cv=5, scoring="neg_mean_squared_error",
                               return_train_score=True).fit(X, y)
    for est in (Ridge(), SkRidge()):
        ours = ms.GridSearchCV(est, grid, cv=5, scoring="neg_mean_squared_error",
                               return_train_score=True, n_jobs=2).fit(X, y)
        _compare_results(ours, theirs, tol=1e-9 if isinstance(est, Ridge) else 1e-12)


def test_randomized_search_matches_sklearn():
    X, y = load_iris(return_X_y=True)
    dist = {"n_neighbors": stats.randint(1, 20), "weights": ["uniform", "distance"],
            "leaf_size": stats.randint(10, 40)}
    theirs = skms.RandomizedSearchCV(SkKNN(), dist, n_iter=6, random_state=0, cv=3).fit(X, y)
    for est in (SkKNN(), KNeighborsClassifier()):
        ours = ms.RandomizedSearchCV(est, dist, n_iter=6, random_state=0, cv=3,
                                     n_jobs=2).fit(X, y)
        _compare_results(ours, theirs)
    lists = {"n_neighbors": [1, 2, 3, 5, 8], "p": [1, 2]}
    theirs = skms.RandomizedSearchCV(SkKNN(), lists, n_iter=4, random_state=1, cv=3).fit(X, y)
    ours = ms.RandomizedSearchCV(KNeighborsClassifier(), lists, n_iter=4, random_state=1,
                                 cv=3).fit(X, y)
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    ours = ms.RandomizedSearchCV(LogisticRegression(max_iter=200), {"C": stats.loguniform(0.1, 10)},
                                 n_iter=3, random_state=0, cv=3).fit(X, y)
    assert ours.best_estimator_.C == ours.best_params_["C"]


class _Fragile(KNeighborsClassifier):
    def fit(self, X, y):
        if self.n_neighbors == 2:
            raise RuntimeError("boom")
        return super().fit(X, y)


def test_error_score_and_failures():
    X, y = load_iris(return_X_y=True)
    grid = {"n_neighbors": [1, 2, 3]}
    from scratchlearn.exceptions import FitFailedWarning

    with pytest.warns(FitFailedWarning, match="3 fits failed out of a total of 9"):
        s = ms.GridSearchCV(_Fragile(), grid, cv=3, error_score=-1.0).fit(X, y)
    assert_array_equal(s.cv_results_["mean_test_score"][1], -1.0)
    with pytest.raises(RuntimeError, match="boom"):
        ms.GridSearchCV(_Fragile(), grid, cv=3, error_score="raise").fit(X, y)
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        ms.GridSearchCV(_Fragile(), {"n_neighbors": [2]}, cv=3).fit(X, y)
    with pytest.raises(ValueError, match="not a valid scoring value"):
        ms.GridSearchCV(KNeighborsClassifier(), grid, scoring="accurate").fit(X, y)
    with pytest.raises(ValueError, match="error_score must be the string 'raise' or a numeric"):
        ms.cross_validate(KNeighborsClassifier(), X, y, error_score="rise")


def test_cross_validation_functions_match_sklearn():
    X, y = load_iris(return_X_y=True)
    for est, sk_est in ((KNeighborsClassifier(3), SkKNN(3)), (SkKNN(3), SkKNN(3))):
        for scoring in (None, "accuracy", ["accuracy", "f1_weighted"]):
            ours = ms.cross_validate(est, X, y, cv=4, scoring=scoring, return_train_score=True,
                                     return_estimator=True, return_indices=True, n_jobs=2)
            theirs = skms.cross_validate(sk_est, X, y, cv=4, scoring=scoring,
                                         return_train_score=True, return_estimator=True,
                                         return_indices=True)
            assert sorted(ours) == sorted(theirs)
            for k in theirs:
                if k.startswith(("test_", "train_")):
                    assert_allclose(ours[k], theirs[k], rtol=1e-12, atol=1e-12)
            for a, b in zip(ours["indices"]["test"], theirs["indices"]["test"]):
                assert_array_equal(a, b)
        assert_allclose(ms.cross_val_score(SkKNN(3), X, y, cv=5),
                        skms.cross_val_score(SkKNN(3), X, y, cv=5))
        for method in ("predict", "predict_proba"):
            assert_allclose(ms.cross_val_predict(SkKNN(3), X, y, cv=5, method=method),
                            skms.cross_val_predict(SkKNN(3), X, y, cv=5, method=method))
    # a class missing from one training fold: the probabilities keep every column
    y2 = y.copy()
    y2[:3] = 3
    with pytest.warns(RuntimeWarning, match="Number of classes in training fold"):
        ours = ms.cross_val_predict(SkKNN(3), X, y2, cv=ms.KFold(3), method="predict_proba")
    with pytest.warns(RuntimeWarning, match="Number of classes in training fold"):
        theirs = skms.cross_val_predict(SkKNN(3), X, y2, cv=skms.KFold(3),
                                        method="predict_proba")
    assert_allclose(ours, theirs)
    assert_allclose(ms.cross_val_predict(KNeighborsClassifier(5), X, y, cv=5),
                    skms.cross_val_predict(SkKNN(5), X, y, cv=5))
    with pytest.raises(ValueError, match="only works for partitions"):
        ms.cross_val_predict(SkKNN(3), X, y, cv=ms.ShuffleSplit(3, random_state=0))


def test_cross_val_predict_every_method_and_multioutput_match_sklearn():
    # scikit-learn's cross_val_predict run on the same estimator (ours or scikit-learn's) is the
    # reference: the same folds, the same columns for a class a training fold lacks, the same
    # warning
    from sklearn.linear_model import LogisticRegression as SkLogistic
    from sklearn.tree import DecisionTreeClassifier as SkTree

    from scratchlearn.tree import DecisionTreeClassifier

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0) + 0.01 * np.random.RandomState(0).randn(*X.shape)
    y4 = y.copy()
    y4[:2] = 3  # a class absent from some training folds
    for est in (LogisticRegression(max_iter=500), SkLogistic(max_iter=500)):
        for target, shuffled in ((y, False), (y4, True)):
            for method in ("predict", "predict_proba", "predict_log_proba", "decision_function"):
                got = []
                for lib in (ms, skms):
                    cv = lib.KFold(3, shuffle=True, random_state=0) if shuffled else 5
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        pred = lib.cross_val_predict(est, X, target, cv=cv, method=method,
                                                     n_jobs=2 if lib is ms else None)
                    got.append((pred, sorted(str(w.message)[:60] for w in caught
                                              if w.category is RuntimeWarning)))
                (a, warn_a), (b, warn_b) = got
                assert a.shape == b.shape and a.dtype.kind == b.dtype.kind
                assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=method)
                assert warn_a == warn_b
    # a multi-output classifier: one array per output, each with its own classes
    Y = np.c_[y, np.array(["a", "b"])[y % 2], y4]
    for est in (DecisionTreeClassifier(random_state=0), SkTree(random_state=0), SkKNN(5)):
        for method in ("predict", "predict_proba"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                a = ms.cross_val_predict(est, X, Y, cv=4, method=method)
                b = skms.cross_val_predict(est, X, Y, cv=4, method=method)
            if method == "predict":
                assert_array_equal(a, b)
                continue
            assert isinstance(a, list) and len(a) == len(b) == 3
            for p, q in zip(a, b):
                assert p.shape == q.shape
                assert_allclose(p, q, rtol=1e-12, atol=1e-12)


def test_learning_and_validation_curves_match_sklearn():
    X, y = load_iris(return_X_y=True)
    for kw in ({}, {"train_sizes": [0.3, 0.6, 1.0], "shuffle": True, "random_state": 0},
               {"train_sizes": [20, 50], "return_times": True}):
        ours = ms.learning_curve(SkKNN(3), X, y, cv=3, n_jobs=2, **kw)
        theirs = skms.learning_curve(SkKNN(3), X, y, cv=3, **kw)
        assert len(ours) == len(theirs)
        for a, b in list(zip(ours, theirs))[:3]:
            assert_allclose(a, b)
    train, test = ms.validation_curve(KNeighborsClassifier(), X, y, param_name="n_neighbors",
                                      param_range=[1, 5, 15], cv=3)
    t2, s2 = skms.validation_curve(SkKNN(), X, y, param_name="n_neighbors",
                                   param_range=[1, 5, 15], cv=3)
    assert_allclose(train, t2)
    assert_allclose(test, s2)
    with pytest.raises(ValueError, match="must be within \\(0, 1\\]"):
        ms.learning_curve(SkKNN(3), X, y, train_sizes=[0.0, 0.5])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_incremental_learning_curve_matches_sklearn(dtype):
    # exploit_incremental_learning: one estimator per split, partial_fit on each new slice of
    # the training rows; the arrays are (n_ticks, n_splits) as scikit-learn's
    from sklearn.linear_model import SGDClassifier as SkSGD
    from sklearn.linear_model import SGDRegressor as SkSGDRegressor
    from sklearn.naive_bayes import GaussianNB as SkGNB

    from scratchlearn.linear_model import SGDClassifier, SGDRegressor
    from scratchlearn.naive_bayes import GaussianNB

    X, y = load_iris(return_X_y=True)
    X = X.astype(dtype)
    rng = np.random.RandomState(0)
    yr = X @ rng.randn(4) + 0.1 * rng.randn(len(X))
    cases = [(SkSGD(random_state=0, shuffle=False), y), (SGDClassifier(random_state=0, shuffle=False), y),
             (SkGNB(), y), (GaussianNB(), y),
             (SkSGDRegressor(random_state=0, shuffle=False), yr),
             (SGDRegressor(random_state=0, shuffle=False), yr)]
    for est, target in cases:
        for kw in ({"train_sizes": [0.3, 0.6, 1.0]},
                   {"train_sizes": [10, 40, 77, 100], "shuffle": True, "random_state": 2,
                    "return_times": True}):
            ours = ms.learning_curve(est, X, target, cv=3, exploit_incremental_learning=True,
                                     n_jobs=2, **kw)
            theirs = skms.learning_curve(est, X, target, cv=3, exploit_incremental_learning=True,
                                         **kw)
            assert len(ours) == len(theirs)
            assert_array_equal(ours[0], theirs[0])
            for a, b in zip(ours[1:3], theirs[1:3]):
                assert a.shape == b.shape == (len(theirs[0]), 3)
                assert_allclose(a, b, rtol=1e-12, atol=1e-12)
            for a, b in zip(ours[3:], theirs[3:]):
                assert a.shape == b.shape and (a >= 0).all()
    with pytest.raises(ValueError, match="must support the partial_fit interface"):
        ms.learning_curve(KNeighborsClassifier(), X, y, exploit_incremental_learning=True)


def test_threads_share_the_cores():
    assert n_threads(None) >= 1
    with thread_budget(1):
        assert n_threads(None) == 1
        assert n_threads(8) == 1
    digits_X, digits_y = load_digits(return_X_y=True)
    X, y = digits_X[:600], digits_y[:600]
    grid = {"n_neighbors": [1, 3, 5, 7]}
    serial = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, n_jobs=1).fit(X, y)
    threaded = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, n_jobs=-1).fit(X, y)
    assert_array_equal(serial.cv_results_["mean_test_score"],
                       threaded.cv_results_["mean_test_score"])
    joblib_run = ms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, n_jobs=2,
                                 backend="threading").fit(X, y)
    assert_array_equal(serial.cv_results_["mean_test_score"],
                       joblib_run.cv_results_["mean_test_score"])
    import joblib

    with joblib.parallel_backend("threading", n_jobs=2):
        ctx = ms.cross_val_score(KNeighborsClassifier(3), X, y, cv=3)
    assert_array_equal(ctx, ms.cross_val_score(KNeighborsClassifier(3), X, y, cv=3))


class _ThreadRecorder(KNeighborsClassifier):
    """Records, at each fit, the threads a core call would get and the OpenMP runtimes' setting
    on the fitting thread (a scikit-learn estimator's OpenMP loops use that one)."""

    seen = []

    def fit(self, X, y):
        from threadpoolctl import threadpool_info

        omp = [d["num_threads"] for d in threadpool_info() if d["user_api"] == "openmp"]
        type(self).seen.append((n_threads(None), max(omp)))
        return super().fit(X, y)


def test_concurrent_fits_never_oversubscribe():
    # w concurrent fits on a c-core machine: each fit's core calls and the OpenMP loops of other
    # libraries on its thread get max(1, c // w) threads, with our threads and with joblib's
    # threading backend (named, or an active context); a serial run keeps every core
    import joblib
    from threadpoolctl import threadpool_info

    from scratchlearn.utils.parallel import cpu_count

    X, y = load_iris(return_X_y=True)
    # candidates that differ in p: each is fitted and scored on its own (a grid over n_neighbors
    # alone would take the shared-neighbours path, which runs in the calling thread: below)
    grid = {"p": [1, 1.5, 2, 3]}
    share = max(1, cpu_count() // 2)
    runs = [lambda: ms.GridSearchCV(_ThreadRecorder(), grid, cv=3, n_jobs=2, refit=False).fit(X, y),
            lambda: ms.cross_validate(_ThreadRecorder(), X, y, cv=4, n_jobs=2),
            lambda: ms.cross_val_predict(_ThreadRecorder(), X, y, cv=4, n_jobs=2,
                                         backend="threading"),
            lambda: ms.learning_curve(_ThreadRecorder(), X, y, cv=3, n_jobs=2,
                                      backend="threading")]

    def in_context():
        with joblib.parallel_backend("threading", n_jobs=2):
            ms.GridSearchCV(_ThreadRecorder(), grid, cv=3, refit=False).fit(X, y)

    for run in runs + [in_context]:
        _ThreadRecorder.seen = []
        run()
        assert len(_ThreadRecorder.seen) >= 4
        assert set(_ThreadRecorder.seen) == {(share, share)}, _ThreadRecorder.seen
    _ThreadRecorder.seen = []
    ms.cross_validate(_ThreadRecorder(), X, y, cv=3, n_jobs=1)
    omp_now = max(d["num_threads"] for d in threadpool_info() if d["user_api"] == "openmp")
    assert set(_ThreadRecorder.seen) == {(cpu_count(), omp_now)}
    # the shared-neighbours path (candidates differing only in n_neighbors / weights) runs its
    # tasks one after the other in the calling thread, each with every core, whatever n_jobs
    _ThreadRecorder.seen = []
    ms.GridSearchCV(_ThreadRecorder(), {"n_neighbors": [1, 3, 5, 7]}, cv=3, n_jobs=2,
                    refit=False).fit(X, y)
    assert len(_ThreadRecorder.seen) == 12
    assert set(_ThreadRecorder.seen) == {(cpu_count(), omp_now)}


def test_searches_are_estimators_of_the_shared_contract():
    # as scikit-learn's BaseSearchCV is its BaseEstimator, ours is ours: get_params / set_params
    # (nested estimator__<param> names), clone, repr, parameter validation, tags of the estimator
    from scratchlearn.base import BaseEstimator, clone, is_classifier, is_regressor
    from scratchlearn.pipeline import Pipeline
    from scratchlearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    for search in (ms.GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5]}, cv=3),
                   ms.RandomizedSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5]},
                                         n_iter=2, cv=3, random_state=0)):
        assert isinstance(search, BaseEstimator) and is_classifier(search)
        params = search.get_params()
        assert params["estimator__n_neighbors"] == 5 and params["cv"] == 3
        search.set_params(cv=4, estimator__weights="distance")
        assert search.cv == 4 and search.estimator.weights == "distance"
        copy = clone(search)
        assert type(copy) is type(search) and copy.estimator is not search.estimator
        assert copy.get_params(deep=False).keys() == search.get_params(deep=False).keys()
        assert repr(copy) == repr(search) and "cv=4" in repr(copy)
        with pytest.raises(ValueError, match="Invalid parameter 'nope'"):
            search.set_params(nope=1)
        # predict exists before fit (the estimator has it) and raises NotFittedError
        from scratchlearn.exceptions import NotFittedError
        with pytest.raises(NotFittedError):
            search.predict(X)
        assert not hasattr(search, "transform")
        search.fit(X, y)
        assert_array_equal(search.predict(X), search.best_estimator_.predict(X))
        # parameters are checked by the shared mechanism, naming the parameter
        for bad in ({"cv": 1}, {"error_score": "rise"}, {"refit": 3}, {"estimator": object()}):
            with pytest.raises((ValueError, TypeError), match=list(bad)[0]):
                clone(search).set_params(**bad).fit(X, y)
    with pytest.raises((ValueError, TypeError), match="n_iter"):
        ms.RandomizedSearchCV(Ridge(), {"alpha": [1.0]}, n_iter=0).fit(X, y)
    # a search over a Pipeline, and a Pipeline holding a search: nested names reach every level
    pipe = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
    search = ms.GridSearchCV(pipe, {"ridge__alpha": [0.1, 10.0]}, cv=3)
    assert is_regressor(search) and search.get_params()["estimator__ridge__alpha"] == 1.0
    outer = Pipeline([("scale", StandardScaler()), ("search", search)])
    outer.set_params(search__estimator__ridge__fit_intercept=False)
    assert pipe.named_steps["ridge"].fit_intercept is False
    outer.fit(X, y.astype(float))
    assert clone(outer).get_params()["search__estimator__ridge__fit_intercept"] is False


def test_splitters_that_ignore_groups_warn_like_sklearn():
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20) % 2
    groups = np.arange(20) // 4
    for name, kw in [("KFold", {}), ("StratifiedKFold", {}), ("ShuffleSplit", {"random_state": 0}),
                     ("StratifiedShuffleSplit", {"random_state": 0}), ("LeaveOneOut", {}),
                     ("LeavePOut", {"p": 1}), ("RepeatedKFold", {"random_state": 0}),
                     ("RepeatedStratifiedKFold", {"random_state": 0}), ("TimeSeriesSplit", {})]:
        ours, theirs = getattr(ms, name)(**kw), getattr(skms, name)(**kw)
        with pytest.warns(UserWarning, match=f"The groups parameter is ignored by {name}"):
            got = [(a.tolist(), b.tolist()) for a, b in ours.split(X, y, groups)]
        with pytest.warns(UserWarning, match=f"The groups parameter is ignored by {name}"):
            ref = [(a.tolist(), b.tolist()) for a, b in theirs.split(X, y, groups)]
        assert got == ref
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            list(ours.split(X, y))
    with pytest.warns(UserWarning, match="ignored by PredefinedSplit"):
        list(ms.PredefinedSplit(groups % 3).split(X, y, groups))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("GroupKFold", "StratifiedGroupKFold"):
            list(getattr(ms, name)(3).split(X, y, groups))
