"""scratchlearn.linear_model against scikit-learn."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model as sk
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris

from scratchlearn import linear_model as sl
from scratchlearn.exceptions import ConvergenceWarning, NotFittedError


def _reg_data(n=150, d=8, k=None, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.5, 3, d) + rng.uniform(-2, 2, d)
    shape = (d,) if k is None else (d, k)
    y = X @ rng.randn(*shape) + 0.3 * rng.randn(*((n,) if k is None else (n, k))) + 1.5
    return X.astype(dtype), y.astype(dtype)


def _diabetes(dtype=np.float64):
    X, y = load_diabetes(return_X_y=True)
    return X.astype(dtype), y.astype(dtype)


TOL = {np.float64: dict(rtol=1e-8, atol=1e-9), np.float32: dict(rtol=2e-3, atol=2e-3)}


# ------------------------------------------------------------------ LinearRegression / Ridge


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("data", ["random", "diabetes", "multi"])
def test_linear_regression_matches_sklearn(dtype, fit_intercept, data):
    if data == "random":
        X, y = _reg_data(dtype=dtype)
    elif data == "multi":
        X, y = _reg_data(k=3, dtype=dtype)
    else:
        X, y = _diabetes(dtype)
    ours = sl.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X.astype(np.float64), y.astype(np.float64))
    scale = np.abs(ref.coef_).max()
    tol = TOL[dtype]
    assert ours.coef_.dtype == dtype and ours.coef_.shape == ref.coef_.shape
    assert_allclose(ours.coef_, ref.coef_, rtol=tol["rtol"], atol=tol["atol"] * scale)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=tol["rtol"], atol=tol["atol"] * max(1, scale))
    assert ours.rank_ == ref.rank_
    assert_allclose(ours.singular_, ref.singular_, rtol=1e-6 if dtype == np.float64 else 1e-3)
    assert_allclose(ours.predict(X), ref.predict(X.astype(np.float64)), rtol=1e-5 if dtype == np.float32 else 1e-9,
                    atol=1e-3 * np.abs(y).max() if dtype == np.float32 else 1e-8)


@pytest.mark.parametrize("case", ["duplicated", "collinear", "wide", "wide_multi", "ill"])
def test_linear_regression_rank_deficient_is_min_norm(case):
    rng = np.random.RandomState(1)
    X, y = _reg_data(n=60, d=6, seed=2)
    if case == "duplicated":
        X = np.hstack([X, X[:, :2]])
    elif case == "collinear":
        X = np.hstack([X, X[:, :1] * 3 - 2 * X[:, 1:2]])
    elif case == "wide":
        X = rng.randn(20, 45)
        y = rng.randn(20)
    elif case == "wide_multi":
        X = rng.randn(15, 30)
        y = rng.randn(15, 2)
    else:  # badly conditioned but full rank
        X = np.hstack([X, X[:, :1] + 1e-5 * rng.randn(60, 1)])
    sw = rng.uniform(0.5, 2, X.shape[0])
    ours = sl.LinearRegression().fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression().fit(X, y, sample_weight=sw)
    assert ours.rank_ == ref.rank_
    atol = 1e-7 * np.abs(ref.coef_).max()
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=atol)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-7)
    assert_allclose(ours.singular_, ref.singular_, rtol=1e-7, atol=1e-10 * ref.singular_[0])


def test_linear_regression_tol_cuts_small_singular_values():
    rng = np.random.RandomState(3)
    X, y = _reg_data(n=80, d=5)
    X = np.hstack([X, X[:, :1] + 1e-4 * rng.randn(80, 1)])
    for tol in (1e-3, 1e-8):
        ours = sl.LinearRegression(tol=tol).fit(X, y)
        ref = sk.LinearRegression(tol=tol).fit(X, y)
        assert ours.rank_ == ref.rank_
        assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("Est", [sl.LinearRegression, sl.Ridge])
def test_sample_weight_equals_repetition(Est):
    X, y = _reg_data(n=40, d=5)
    rep = np.random.RandomState(0).randint(0, 4, 40)
    a = Est().fit(X, y, sample_weight=rep)
    b = Est().fit(np.repeat(X, rep, axis=0), np.repeat(y, rep))
    assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-10)
    assert_allclose(a.intercept_, b.intercept_, rtol=1e-9)


@pytest.mark.parametrize("multi", [False, True])
def test_linear_regression_positive(multi):
    X, y = _reg_data(n=100, d=7, k=2 if multi else None, seed=5)
    ours = sl.LinearRegression(positive=True).fit(X, y)
    ref = sk.LinearRegression(positive=True).fit(X, y)
    assert np.all(ours.coef_ >= 0)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7)


def test_linear_regression_n_jobs_equal():
    X, y = _reg_data(n=5000, d=20, k=2)
    a = sl.LinearRegression(n_jobs=1).fit(X, y)
    b = sl.LinearRegression(n_jobs=2).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=0)
    assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "lsqr"])
@pytest.mark.parametrize("data", ["random", "diabetes", "multi", "wide", "collinear"])
def test_ridge_matches_sklearn(dtype, solver, data):
    rng = np.random.RandomState(0)
    if data == "random":
        X, y = _reg_data(dtype=dtype)
    elif data == "multi":
        X, y = _reg_data(k=3, dtype=dtype)
    elif data == "wide":
        X, y = rng.randn(30, 60).astype(dtype), rng.randn(30).astype(dtype)
    elif data == "collinear":
        X, y = _reg_data(dtype=dtype)
        X = np.hstack([X, X[:, :2]])
    else:
        X, y = _diabetes(dtype)
    sw = rng.uniform(0.2, 3, X.shape[0])
    alpha = 0.7
    ours = sl.Ridge(alpha=alpha, solver=solver).fit(X, y, sample_weight=sw)
    ref = sk.Ridge(alpha=alpha, solver="cholesky").fit(X.astype(np.float64), y.astype(np.float64),
                                                        sample_weight=sw)
    tol = TOL[dtype]
    scale = np.abs(ref.coef_).max()
    assert ours.coef_.dtype == dtype
    assert_allclose(ours.coef_, ref.coef_, rtol=tol["rtol"] * 10, atol=tol["atol"] * scale)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=tol["rtol"] * 10, atol=tol["atol"] * max(1, scale))


def test_ridge_alpha_per_target_and_positive():
    X, y = _reg_data(k=3)
    alphas = np.array([0.1, 5.0, 50.0])
    assert_allclose(sl.Ridge(alpha=alphas).fit(X, y).coef_, sk.Ridge(alpha=alphas).fit(X, y).coef_,
                    rtol=1e-9)
    ours = sl.Ridge(alpha=3.0, positive=True).fit(X[:, :], y[:, 0])
    ref = sk.Ridge(alpha=3.0, positive=True, tol=1e-12, max_iter=100000).fit(X, y[:, 0])
    assert ours.solver_ == "lbfgs"
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)


def test_least_squares_bad_parameters():
    X, y = _reg_data(n=20, d=3)
    with pytest.raises(ValueError, match="'fit_intercept' parameter of LinearRegression"):
        sl.LinearRegression(fit_intercept="yes").fit(X, y)
    with pytest.raises(ValueError, match="'tol' parameter of LinearRegression"):
        sl.LinearRegression(tol=-1).fit(X, y)
    with pytest.raises(ValueError, match="'alpha' parameter of Ridge"):
        sl.Ridge(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="Number of targets and number of penalties"):
        sl.Ridge(alpha=[1.0, 2.0, 3.0]).fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="'solver' parameter of Ridge"):
        sl.Ridge(solver="magic").fit(X, y)
    with pytest.raises(ValueError, match="does not support positive fitting"):
        sl.Ridge(solver="svd", positive=True).fit(X, y)
    with pytest.raises(ValueError, match="only when positive=True"):
        sl.Ridge(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        sl.LinearRegression().fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="contains NaN"):
        sl.Ridge().fit(np.full((3, 2), np.nan), [1, 2, 3])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sl.LinearRegression().fit(X, y[:-1])
    with pytest.raises(NotFittedError):
        sl.Ridge().predict(X)
    m = sl.LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but LinearRegression is expecting 3"):
        m.predict(X[:, :2])


# ------------------------------------------------------------------ LogisticRegression


def _clf_data(n=300, d=6, k=2, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    W = rng.randn(k, d)
    y = np.argmax(X @ W.T + rng.gumbel(size=(n, k)), axis=1)
    return X.astype(dtype), y


def _breast_cancer(dtype=np.float64):
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    return X.astype(dtype), y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
@pytest.mark.parametrize("data", ["binary", "multinomial", "breast_cancer", "iris"])
@pytest.mark.parametrize("C", [1.0, 0.1])
def test_logistic_matches_sklearn(dtype, solver, data, C):
    if data == "binary":
        X, y = _clf_data(dtype=dtype)
    elif data == "multinomial":
        X, y = _clf_data(k=4, dtype=dtype)
    elif data == "breast_cancer":
        X, y = _breast_cancer(dtype)
    else:
        X, y = load_iris(return_X_y=True)
        X = X.astype(dtype)
    with warnings.catch_warnings():
        # float32 reaches its round-off floor before tight tolerances (line search stops).
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = sl.LogisticRegression(C=C, solver=solver, tol=1e-10 if dtype == np.float64 else 1e-5,
                                     max_iter=2000).fit(X, y)
    ref = sk.LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10, max_iter=2000).fit(
        X.astype(np.float64), y)
    # float32: scores and gradients carry float32 round-off, the optimum is found to ~1e-3 relative.
    tol = 1e-4 if dtype == np.float64 else 2e-3 * max(1.0, np.abs(ref.intercept_).max())
    assert ours.coef_.shape == ref.coef_.shape and ours.coef_.dtype == dtype
    assert_allclose(ours.coef_, ref.coef_, atol=tol, rtol=0)
    assert_allclose(ours.intercept_, ref.intercept_, atol=tol, rtol=0)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X.astype(np.float64)), atol=tol)
    with np.errstate(divide="ignore"):
        assert_allclose(ours.predict_log_proba(X), np.log(ours.predict_proba(X)), rtol=1e-6)
    assert_allclose(ours.decision_function(X), ref.decision_function(X.astype(np.float64)),
                    atol=50 * tol)
    assert np.mean(ours.predict(X) == ref.predict(X.astype(np.float64))) > 0.99


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k,d", [(3, 5), (7, 17), (20, 9), (60, 3)])
def test_logistic_multinomial_every_kernel_path(dtype, k, d):
    # The fused per-ISA block kernel (several classes) and the portable GEMM form: each matches
    # scikit-learn, and they match each other; with sample weights, and with more classes than the
    # fused kernel holds (60: the GEMM form on every path).
    from scratchlearn import _core
    X, y = _clf_data(n=40 * k, d=d, k=k, seed=k)
    sw = np.random.RandomState(1).uniform(0.2, 2.0, len(y))
    ref = sk.LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-10, max_iter=500).fit(
        X, y, sample_weight=sw)
    before = _core.get_isa()
    fits = {}
    try:
        for isa in _core.cpu_info()["isa_available"]:
            _core.set_isa(isa)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                fits[isa] = sl.LogisticRegression(C=0.5, tol=1e-9 if dtype == np.float64 else 1e-5,
                                                  max_iter=2000).fit(X.astype(dtype), y, sample_weight=sw)
    finally:
        _core.set_isa(before)
    tol = 1e-5 if dtype == np.float64 else 3e-3
    for isa, m in fits.items():
        assert m.coef_.dtype == dtype
        assert_allclose(m.coef_, ref.coef_, atol=tol, err_msg=isa)
        assert_allclose(m.intercept_, ref.intercept_, atol=tol, err_msg=isa)
        assert_allclose(m.predict_proba(X.astype(dtype)), ref.predict_proba(X), atol=tol, err_msg=isa)
        assert_allclose(m.coef_, fits["generic"].coef_, atol=tol, err_msg=isa)


def test_logistic_lbfgs_iterations_like_sklearn():
    X, y = _breast_cancer()
    ours = sl.LogisticRegression(C=0.05, tol=1e-8).fit(X, y)
    ref = sk.LogisticRegression(C=0.05, tol=1e-8).fit(X, y)
    assert abs(int(ours.n_iter_[0]) - int(ref.n_iter_[0])) <= 3
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)


def test_logistic_no_penalty_and_labels():
    X, y = _clf_data(n=400, d=3, k=3, seed=4)
    labels = np.array(["cat", "dog", "eel"])[y]
    ours = sl.LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, labels)
    ref = sk.LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10).fit(X, labels)
    assert list(ours.classes_) == ["cat", "dog", "eel"]
    assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    assert set(ours.predict(X)) <= set(labels)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_logistic_class_and_sample_weight(solver):
    X, y = _clf_data(n=200, d=4, k=3, seed=2)
    sw = np.random.RandomState(0).randint(0, 3, 200)
    for cw in ({0: 2.0, 2: 0.5}, "balanced"):
        ours = sl.LogisticRegression(solver=solver, class_weight=cw, tol=1e-10, max_iter=1000).fit(
            X, y, sample_weight=sw)
        ref = sk.LogisticRegression(solver="newton-cholesky", class_weight=cw, tol=1e-10).fit(
            X, y, sample_weight=sw)
        assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    a = sl.LogisticRegression(solver=solver, tol=1e-10).fit(X, y, sample_weight=sw)
    b = sl.LogisticRegression(solver=solver, tol=1e-10).fit(np.repeat(X, sw, 0), np.repeat(y, sw))
    assert_allclose(a.coef_, b.coef_, atol=1e-6)


def test_logistic_n_jobs_equal_and_warm_start():
    X, y = _clf_data(n=3000, d=10, k=3)
    a = sl.LogisticRegression(n_jobs=1).fit(X, y)
    b = sl.LogisticRegression(n_jobs=2).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=0)
    m = sl.LogisticRegression(warm_start=True, tol=1e-8).fit(X, y)
    it = m.n_iter_[0]
    m.fit(X, y)
    assert m.n_iter_[0] < it


def test_logistic_convergence_warning_and_errors():
    X, y = _clf_data(n=100, d=5)
    with pytest.warns(ConvergenceWarning, match="failed to converge"):
        sl.LogisticRegression(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="only 'l2' or None penalties"):
        sl.LogisticRegression(l1_ratio=1.0).fit(X, y)
    with pytest.raises(ValueError, match="not available in scratchlearn"):
        sl.LogisticRegression(solver="liblinear").fit(X, y)
    with pytest.raises(ValueError, match="Solver newton-cholesky supports only 'l2' or None"):
        sl.LogisticRegression(solver="newton-cholesky", l1_ratio=0.5).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="max_iter was reached"):
        sl.LogisticRegression(solver="saga", max_iter=2, l1_ratio=0.5).fit(X, y)
    with pytest.raises(ValueError, match="'solver' parameter of LogisticRegression"):
        sl.LogisticRegression(solver="bogus").fit(X, y)
    with pytest.raises(ValueError, match="'C' parameter of LogisticRegression"):
        sl.LogisticRegression(C=0).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        sl.LogisticRegression().fit(X, np.zeros(100))
    with pytest.raises(ValueError, match="Unknown label type"):
        sl.LogisticRegression().fit(X, np.linspace(0, 1, 100))
    with pytest.raises(ValueError, match="dual=False"):
        sl.LogisticRegression(dual=True).fit(X, y)
    with pytest.raises(ValueError, match="'max_iter' parameter of LogisticRegression"):
        sl.LogisticRegression(max_iter=-1).fit(X, y)


# ------------------------------------------------------------------ Lasso / ElasticNet


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("Est,kw", [("Lasso", {}), ("ElasticNet", {"l1_ratio": 0.3}),
                                    ("Lasso", {"positive": True}), ("ElasticNet", {"fit_intercept": False})])
@pytest.mark.parametrize("data", ["diabetes", "wide", "multi"])
def test_enet_matches_sklearn(dtype, Est, kw, data):
    rng = np.random.RandomState(0)
    if data == "diabetes":
        X, y = _diabetes(dtype)
        alpha = 0.02
    elif data == "wide":
        X = rng.randn(30, 80).astype(dtype)
        y = (X[:, :5] @ rng.randn(5) + 0.1 * rng.randn(30)).astype(dtype)
        alpha = 0.05
    else:
        X, y = _reg_data(k=2, dtype=dtype)
        alpha = 0.1
    sw = rng.uniform(0.5, 2, X.shape[0])
    ours = getattr(sl, Est)(alpha=alpha, **kw).fit(X, y, sample_weight=sw)
    ref = getattr(sk, Est)(alpha=alpha, **kw).fit(X.astype(np.float64), y.astype(np.float64),
                                                  sample_weight=sw)
    assert ours.coef_.dtype == dtype and ours.coef_.shape == ref.coef_.shape
    scale = max(1.0, np.abs(ref.coef_).max())
    atol = 1e-9 * scale if dtype == np.float64 else 2e-3 * scale
    assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=atol)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6 if dtype == np.float64 else 1e-3,
                    atol=atol)
    if dtype == np.float64:
        assert ours.n_iter_ == ref.n_iter_
        assert_allclose(ours.dual_gap_, ref.dual_gap_, rtol=1e-3, atol=1e-12)


@pytest.mark.parametrize("n,d", [(300, 30), (400, 340), (120, 200)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_enet_warm_start_path_matches_sklearn(n, d, dtype):
    # Along a decreasing path of alphas with warm starts, on the Gram form (30 features), the
    # column form (340 features) and a wide problem (n < d): gap safe screening drops most features
    # at the large alphas; every point equals scikit-learn's solution.
    rng = np.random.RandomState(d)
    X = rng.randn(n, d)
    w = np.zeros(d)
    w[rng.choice(d, 8, replace=False)] = rng.randn(8) * 3
    y = X @ w + 0.5 * rng.randn(n) + 1.0
    X, y = X.astype(dtype), y.astype(dtype)
    tol = 1e-8 if dtype == np.float64 else 1e-5
    for Est, kw in ((sl.Lasso, {}), (sl.ElasticNet, {"l1_ratio": 0.7})):
        ours = Est(warm_start=True, tol=tol, max_iter=10000, **kw)
        ref_cls = getattr(sk, Est.__name__)
        for alpha in np.geomspace(1.0, 0.02, 5):
            ours.set_params(alpha=alpha).fit(X, y)
            ref = ref_cls(alpha=alpha, tol=1e-12, max_iter=100000, **kw).fit(
                X.astype(np.float64), y.astype(np.float64))
            atol = 1e-5 if dtype == np.float64 else 2e-3
            assert ours.coef_.dtype == dtype
            assert_allclose(ours.coef_, ref.coef_, atol=atol, rtol=0)
            assert_allclose(ours.intercept_, ref.intercept_, atol=atol * 10, rtol=0)


def test_enet_random_selection_and_warm_start():
    X, y = _diabetes()
    ours = sl.ElasticNet(alpha=0.01, selection="random", random_state=0, tol=1e-10,
                         max_iter=100000).fit(X, y)
    ref = sk.ElasticNet(alpha=0.01, tol=1e-10, max_iter=100000).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6 * np.abs(ref.coef_).max())
    m = sl.Lasso(alpha=0.01, warm_start=True).fit(X, y)
    it = m.n_iter_
    m.fit(X, y)
    assert m.n_iter_ < it


def test_enet_convergence_warning_and_errors():
    X, y = _diabetes()
    with pytest.warns(ConvergenceWarning, match="Objective did not converge"):
        sl.Lasso(alpha=1e-4, max_iter=2, tol=1e-12).fit(X, y)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sl.Lasso(alpha=0, max_iter=5).fit(X, y)
    assert any("With alpha=0" in str(w.message) for w in rec)
    with pytest.raises(ValueError, match="'l1_ratio' parameter of ElasticNet"):
        sl.ElasticNet(l1_ratio=1.5).fit(X, y)
    with pytest.raises(ValueError, match="'alpha' parameter of Lasso"):
        sl.Lasso(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match="'selection' parameter of Lasso"):
        sl.Lasso(selection="best").fit(X, y)
    with pytest.raises(ValueError, match="'max_iter' parameter of Lasso"):
        sl.Lasso(max_iter=0).fit(X, y)


# ------------------------------------------------------------------ SGD


def _scaled(loader):
    X, y = loader(return_X_y=True)
    X = (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1)
    return X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", ["hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron"])
@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
def test_sgd_classifier_quality_like_sklearn(dtype, loss, penalty):
    # SGD on 150 (iris) or 569 samples is noisy: compare means over seeds, with a margin.
    for loader, n_seeds, margin in ((load_breast_cancer, 3, 0.03), (load_iris, 6, 0.06)):
        X, y = _scaled(loader)
        X = X.astype(dtype)
        accs, refs = [], []
        for seed in range(n_seeds):
            ours = sl.SGDClassifier(loss=loss, penalty=penalty, random_state=seed).fit(X, y)
            ref = sk.SGDClassifier(loss=loss, penalty=penalty, random_state=seed).fit(X, y)
            accs.append(ours.score(X, y))
            refs.append(ref.score(X, y))
            assert ours.coef_.shape == ref.coef_.shape and ours.coef_.dtype == dtype
        assert np.mean(accs) >= np.mean(refs) - margin, (loader.__name__, accs, refs)


@pytest.mark.parametrize("loss", ["squared_error", "huber", "epsilon_insensitive",
                                  "squared_epsilon_insensitive"])
@pytest.mark.parametrize("learning_rate", ["invscaling", "adaptive", "constant"])
def test_sgd_regressor_quality_like_sklearn(loss, learning_rate):
    X, y = _scaled(load_diabetes)
    kw = {} if loss == "squared_error" else {"epsilon": 10.0}
    ours = [sl.SGDRegressor(loss=loss, learning_rate=learning_rate, random_state=s, **kw).fit(X, y).score(X, y)
            for s in range(3)]
    ref = [sk.SGDRegressor(loss=loss, learning_rate=learning_rate, random_state=s, **kw).fit(X, y).score(X, y)
           for s in range(3)]
    assert np.mean(ours) >= np.mean(ref) - 0.03


def test_sgd_early_stopping_partial_fit_and_proba():
    X, y = _scaled(load_digits)
    m = sl.SGDClassifier(early_stopping=True, random_state=0, n_iter_no_change=3).fit(X, y)
    assert m.n_iter_ < 100 and m.score(X, y) > 0.9
    p = sl.SGDClassifier(random_state=0)
    for chunk in np.array_split(np.arange(len(y)), 5):
        p.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
    assert p.score(X, y) > 0.85
    assert p.t_ == pytest.approx(1 + len(y))
    for loss in ("log_loss", "modified_huber"):
        c = sl.SGDClassifier(loss=loss, random_state=0).fit(X, y)
        proba = c.predict_proba(X)
        assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
        # The predicted class has the largest probability (ties possible for modified_huber,
        # whose probabilities are clipped).
        pred_idx = np.searchsorted(c.classes_, c.predict(X))
        assert_allclose(proba[np.arange(len(X)), pred_idx], proba.max(1))
    assert not hasattr(sl.SGDClassifier(loss="hinge"), "predict_proba")
    r = sl.SGDRegressor(early_stopping=True, random_state=0).fit(*_scaled(load_diabetes))
    assert r.n_iter_ >= 1


def test_sgd_n_jobs_equal_and_class_weight():
    X, y = _scaled(load_iris)
    a = sl.SGDClassifier(random_state=0, n_jobs=1).fit(X, y)
    b = sl.SGDClassifier(random_state=0, n_jobs=2).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=0)
    w = sl.SGDClassifier(random_state=0, class_weight={0: 10.0}).fit(X, y)
    assert np.mean(w.predict(X) == 0) >= np.mean(a.predict(X) == 0)
    bal = sl.SGDClassifier(random_state=0, class_weight="balanced").fit(X, y)
    assert bal.score(X, y) > 0.8


def test_sgd_convergence_warning_and_errors():
    X, y = _scaled(load_iris)
    with pytest.warns(ConvergenceWarning, match="Maximum number of iteration"):
        sl.SGDClassifier(max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="'loss' parameter of SGDRegressor"):
        sl.SGDRegressor(loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="'penalty' parameter of SGDClassifier"):
        sl.SGDClassifier(penalty="l3").fit(X, y)
    with pytest.raises(ValueError, match="alpha must be > 0 since learning_rate is 'optimal'"):
        sl.SGDClassifier(alpha=0).fit(X, y)
    with pytest.raises(ValueError, match="eta0 must be > 0"):
        sl.SGDClassifier(learning_rate="constant", eta0=0).fit(X, y)
    with pytest.raises(ValueError, match="'learning_rate' parameter of SGDClassifier"):
        sl.SGDClassifier(learning_rate="fast").fit(X, y)
    with pytest.raises(ValueError, match="classes must be passed"):
        sl.SGDClassifier().partial_fit(X, y)
    with pytest.raises(ValueError, match="'average' parameter of SGDClassifier"):
        sl.SGDClassifier(average=-1).fit(X, y)
    with pytest.raises(ValueError, match="'average' parameter of SGDRegressor"):
        sl.SGDRegressor(average=0.5).fit(X, y)
    with pytest.raises(ValueError, match="under-/overflow"):
        sl.SGDRegressor(learning_rate="constant", eta0=1.0).fit(X * 1e300, y)
    with pytest.raises(ValueError, match="all zero"):
        sl.SGDClassifier().fit(X, y, sample_weight=np.zeros(len(y)))


def test_enet_sample_weight_equals_repetition():
    X, y = _reg_data(n=60, d=5, seed=7)
    rep = np.random.RandomState(1).randint(0, 4, 60)
    for Est in (sl.Lasso, sl.ElasticNet):
        a = Est(alpha=0.05, tol=1e-10).fit(X, y, sample_weight=rep)
        b = Est(alpha=0.05, tol=1e-10).fit(np.repeat(X, rep, 0), np.repeat(y, rep))
        assert_allclose(a.coef_, b.coef_, rtol=1e-7, atol=1e-9)
        assert_allclose(a.intercept_, b.intercept_, rtol=1e-7)


def test_logistic_auto_solver():
    X, y = _clf_data(n=2000, d=5, k=3, seed=3)
    auto = sl.LogisticRegression(solver="auto", tol=1e-10).fit(X, y)
    ref = sk.LogisticRegression(solver="newton-cholesky", tol=1e-10).fit(X, y)
    assert_allclose(auto.coef_, ref.coef_, atol=1e-6)
    wide = _clf_data(n=100, d=40, k=2, seed=3)
    assert_allclose(sl.LogisticRegression(solver="auto", tol=1e-10, max_iter=1000).fit(*wide).coef_,
                    sk.LogisticRegression(solver="newton-cholesky", tol=1e-10).fit(*wide).coef_,
                    atol=1e-4)


@pytest.mark.parametrize("Est", [sl.LinearRegression, sl.Ridge])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [30, 40000])  # numpy's check below 2^16 values, the core's above
@pytest.mark.parametrize("bad,msg", [(np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity"),
                                     (-np.inf, "Input X contains infinity")])
@pytest.mark.parametrize("weighted", [False, True])
def test_nonfinite_X_rejected_through_normal_equations(Est, dtype, n, bad, msg, weighted):
    # X is checked through its scatter matrix (one pass less); every position and a zero weight
    # on the bad row must still be caught, with validation's message.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 4)).astype(dtype)
    y = rng.standard_normal(n)
    sw = rng.uniform(0.5, 2, n) if weighted else None
    for i, j in [(0, 0), (n - 1, 3), (n // 2, 1)]:
        Xb = X.copy()
        Xb[i, j] = bad
        if sw is not None:
            sw = sw.copy()
            sw[i] = 0.0
        for fit_intercept in (True, False):
            with pytest.raises(ValueError, match=msg):
                Est(fit_intercept=fit_intercept).fit(Xb, y, sample_weight=sw)


def test_overflowing_X_reported():
    X = np.full((10, 2), 1e200)
    X[::2] *= -1
    with pytest.raises(ValueError, match="scatter matrix overflows"):
        sl.LinearRegression().fit(X, np.arange(10.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("average", [True, 50, 5000])
@pytest.mark.parametrize("penalty", [None, "l2"])
def test_sgd_average_matches_sklearn(dtype, average, penalty):
    # Without shuffling the update sequence is deterministic, so averaged SGD must reproduce
    # scikit-learn's coefficients (averaging from update 50; 5000 > t: not begun, plain weights).
    rng = np.random.RandomState(0)
    X = rng.randn(300, 6).astype(dtype)
    y = X @ rng.randn(6) + 0.1 * rng.randn(300)
    kw = dict(shuffle=False, max_iter=4, tol=None, penalty=penalty, average=average)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = sk.SGDRegressor(**kw).fit(X, y)
        b = sl.SGDRegressor(**kw).fit(X, y)
    tol = dict(rtol=1e-4, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    assert_allclose(b.coef_, a.coef_, **tol)
    assert_allclose(b.intercept_, a.intercept_, **tol)
    yc = np.digitize(y, np.quantile(y, [0.33, 0.66]))  # three classes: one-vs-all
    kwc = dict(shuffle=False, max_iter=4, tol=None, penalty=penalty, average=average, loss="hinge")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = sk.SGDClassifier(**kwc).fit(X, yc)
        b = sl.SGDClassifier(**kwc).fit(X, yc)
    # float32: scikit-learn updates float32 weights, we update double ones (f32 round-off over
    # 1200 updates, relative 1e-4 at most).
    tol32 = dict(rtol=1e-4, atol=1e-4 * np.abs(a.coef_).max())
    assert_allclose(b.coef_, a.coef_, **(tol32 if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)))
    assert_allclose(b.intercept_, a.intercept_,
                    **(tol32 if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)))


def test_sgd_average_partial_fit_and_warm_start_like_sklearn():
    rng = np.random.RandomState(1)
    X = rng.randn(200, 4)
    y = X @ rng.randn(4)
    a = sk.SGDRegressor(shuffle=False, average=True)
    b = sl.SGDRegressor(shuffle=False, average=True)
    for _ in range(3):  # partial_fit continues both the plain and the averaged weights
        a.partial_fit(X, y)
        b.partial_fit(X, y)
        assert_allclose(b.coef_, a.coef_, rtol=1e-10)
        assert b.t_ == a.t_
    # A warm-started fit continues from the plain weights with a new average: scikit-learn's fit
    # started there.
    kw = dict(shuffle=False, average=10, max_iter=3, tol=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = sk.SGDRegressor(**kw).fit(X, y)
        a = sk.SGDRegressor(**kw).fit(X[:100], y[:100], coef_init=first._standard_coef,
                                      intercept_init=first._standard_intercept)
        b = sl.SGDRegressor(warm_start=True, **kw).fit(X, y).fit(X[:100], y[:100])
    assert_allclose(b.coef_, a.coef_, rtol=1e-10)
    assert_allclose(b.intercept_, a.intercept_, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_sgd_average_with_l1_quality(penalty):
    # With an L1 penalty our average is the exact running mean of the weights after each update
    # (before the clipping), which scikit-learn's lazy bookkeeping approximates: compare quality.
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    kw = dict(penalty=penalty, average=True, random_state=0, alpha=0.01)
    a = sk.SGDRegressor(**kw).fit(X, y)
    b = sl.SGDRegressor(**kw).fit(X, y)
    # (different shuffles: quality, not bits)
    assert b.score(X, y) >= a.score(X, y) - 0.02
    assert b.score(X, y) > 0.45


def _saga_data(kind, dtype):
    if kind == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        X, C = X[:, :10], 0.1
    else:
        X, y = load_iris(return_X_y=True)
        C = 1.0
    X = ((X - X.mean(0)) / X.std(0)).astype(dtype)
    return X, y, C


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["binary", "multinomial"])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_logistic_saga_reaches_sklearns_optimum(dtype, kind, l1_ratio):
    # The L1 / elastic-net / L2 optimum of SAGA against scikit-learn's saga run to a tight tol on
    # the same values in float64 (its float32 path stops at float32 noise; ours computes in double).
    X, y, C = _saga_data(kind, dtype)
    kw = dict(solver="saga", l1_ratio=l1_ratio, C=C, tol=1e-10, max_iter=20000, random_state=0)
    ref = sk.LogisticRegression(**kw).fit(X.astype(np.float64), y)
    ours = sl.LogisticRegression(**kw).fit(X, y)
    assert ours.coef_.dtype == dtype
    atol = 1e-6 if dtype == np.float64 else 1e-5
    assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=atol)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=atol)
    if l1_ratio > 0:  # the same sparsity pattern
        assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
        assert np.any(ours.coef_ == 0)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X.astype(np.float64)), atol=10 * atol)


def test_logistic_saga_sag_seed_and_threads():
    X, y, C = _saga_data("multinomial", np.float64)
    kw = dict(C=C, tol=1e-6, max_iter=5000)
    a = sl.LogisticRegression(solver="saga", random_state=3, n_jobs=1, **kw).fit(X, y)
    b = sl.LogisticRegression(solver="saga", random_state=3, n_jobs=2, **kw).fit(X, y)
    assert_array_equal(a.coef_, b.coef_)
    assert a.n_iter_[0] == b.n_iter_[0]
    c = sl.LogisticRegression(solver="sag", random_state=3, **kw).fit(X, y)  # SAGA steps too
    assert_array_equal(a.coef_, c.coef_)
    lb = sl.LogisticRegression(solver="lbfgs", tol=1e-10, C=C).fit(X, y)
    assert_allclose(a.coef_, lb.coef_, atol=1e-3)


def test_logistic_saga_sample_and_class_weight():
    X, y, C = _saga_data("binary", np.float64)
    w = np.random.RandomState(0).randint(0, 3, len(y))
    kw = dict(solver="saga", l1_ratio=0.5, C=C, tol=1e-10, max_iter=20000, random_state=0)
    weighted = sl.LogisticRegression(**kw).fit(X, y, sample_weight=w)
    repeated = sl.LogisticRegression(**kw).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)
    ref = sk.LogisticRegression(class_weight="balanced", **kw).fit(X, y)
    ours = sl.LogisticRegression(class_weight="balanced", **kw).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)


def test_sgd_float32_overflow_of_the_stored_coefficients_is_refused():
    # found by the nightly fuzz: a growing learning rate (negative power_t) leaves float64
    # weights finite whose float32 intercept is -inf; the fit refuses it, as for float64 overflow
    from scratchlearn.linear_model import SGDRegressor as SlSGD

    X, y = np.array([[0.00176405]], dtype=np.float32), np.array([0.00040016])
    est = SlSGD(alpha=0.0, eta0=258.0, learning_rate="invscaling", power_t=-31.0,
                penalty="elasticnet", max_iter=30, random_state=0, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="overflow"):
            est.fit(X, y)
