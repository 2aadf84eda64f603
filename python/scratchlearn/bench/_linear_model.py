"""Linear-model workloads: LinearRegression, Ridge, LogisticRegression, Lasso, SGDClassifier fits."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _regression(n, d, dtype, seed=0, sparse_coef=False):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d).astype(dtype)
    w = rng.randn(d)
    if sparse_coef:
        w[rng.rand(d) < 0.8] = 0.0
    y = (X.astype(np.float64) @ w + 0.5 * rng.randn(n) + 3.0).astype(dtype)
    return {"X": X, "y": y}


def _classification(n, d, k, dtype, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d).astype(dtype)
    W = rng.randn(k, d) * 0.3
    y = np.argmax(X.astype(np.float64) @ W.T + rng.gumbel(size=(n, k)), axis=1)
    return {"X": X, "y": y}


def _path(module, name, alphas, **params):
    # One estimator refitted along a decreasing sequence of alphas with warm_start=True (each fit
    # starts from the previous coefficients), as a regularisation path is computed by hand.
    def run(data, state):
        mod = __import__(module, fromlist=[name])
        model = getattr(mod, name)(warm_start=True, **params)
        for a in alphas:
            model.set_params(alpha=float(a))
            model.fit(data["X"], data["y"])
        return model
    return run


def _r2(data, model):
    return float(model.score(data["X"], data["y"]))


_score_acc = _r2  # score() is accuracy for classifiers


def _fit(module, name, **params):
    def run(data, state):
        mod = __import__(module, fromlist=[name])
        return getattr(mod, name)(**params).fit(data["X"], data["y"])
    return run


def workloads(quick):
    ls_n, ls_d = (20000, 50) if quick else (400000, 100)
    lg_n, lg_d = (10000, 20) if quick else (160000, 50)
    la_n, la_d = (5000, 50) if quick else (100000, 200)
    sg_n, sg_d = (5000, 20) if quick else (100000, 50)
    reps = 3 if quick else 5
    out = []

    def add(name, desc, setup, cls, params, metric):
        out.append(Workload(
            name=name,
            family="linear_model",
            description=desc,
            setup=setup,
            ours=_fit("scratchlearn.linear_model", cls, **params),
            peer=_fit("sklearn.linear_model", cls, **params),
            score=_r2 if metric == "r2" else _score_acc,
            metric=metric,
            repeats=reps,
        ))

    add("linreg_fit_f64", f"LinearRegression fit {ls_n}x{ls_d} f64",
        lambda: _regression(ls_n, ls_d, np.float64), "LinearRegression", {}, "r2")
    add("ridge_fit_f64", f"Ridge(alpha=1) fit {ls_n}x{ls_d} f64",
        lambda: _regression(ls_n, ls_d, np.float64), "Ridge", {"alpha": 1.0}, "r2")
    add("logreg_binary_f64", f"LogisticRegression(lbfgs) fit {lg_n}x{lg_d} binary f64",
        lambda: _classification(lg_n, lg_d, 2, np.float64), "LogisticRegression", {}, "accuracy")
    add("logreg_5class_f64", f"LogisticRegression(lbfgs) fit {lg_n}x{lg_d} 5 classes f64",
        lambda: _classification(lg_n, lg_d, 5, np.float64), "LogisticRegression", {}, "accuracy")
    add("logreg_newton_binary_f64", f"LogisticRegression(newton-cholesky) fit {lg_n}x{lg_d} binary f64",
        lambda: _classification(lg_n, lg_d, 2, np.float64), "LogisticRegression",
        {"solver": "newton-cholesky"}, "accuracy")
    add("lasso_fit_f64", f"Lasso(alpha=0.05) fit {la_n}x{la_d} f64",
        lambda: _regression(la_n, la_d, np.float64, sparse_coef=True), "Lasso", {"alpha": 0.05}, "r2")
    add("sgd_clf_fit_f64", f"SGDClassifier(hinge) fit {sg_n}x{sg_d} binary f64",
        lambda: _classification(sg_n, sg_d, 2, np.float64), "SGDClassifier",
        {"random_state": 0}, "accuracy")

    # Multinomial L-BFGS across classes × features (issue 13: 3–20 classes, 10–200 features).
    mn_n = 4000 if quick else 20000
    for k in (3, 5, 10, 20):
        for d in (10, 50, 200):
            add(f"logreg_{k}c_{d}f_f64", f"LogisticRegression(lbfgs) fit {mn_n}x{d} {k} classes f64",
                lambda d=d, k=k: _classification(mn_n, d, k, np.float64), "LogisticRegression", {},
                "accuracy")
    add("logreg_10c_50f_f32", f"LogisticRegression(lbfgs) fit {mn_n}x50 10 classes f32",
        lambda: _classification(mn_n, 50, 10, np.float32), "LogisticRegression", {}, "accuracy")
    add("logreg_binary_200f_f64", f"LogisticRegression(lbfgs) fit {mn_n}x200 binary f64",
        lambda: _classification(mn_n, 200, 2, np.float64), "LogisticRegression", {}, "accuracy")

    # Lasso / ElasticNet from 20 to 500 features, and a warm-started path.
    for d in (20, 100, 200, 500):
        cd_n = (10000 if quick else (100000 if d <= 200 else 40000))
        add(f"lasso_{d}f_f64", f"Lasso(alpha=0.05) fit {cd_n}x{d} f64",
            lambda d=d, cd_n=cd_n: _regression(cd_n, d, np.float64, sparse_coef=True), "Lasso",
            {"alpha": 0.05}, "r2")
        add(f"enet_{d}f_f64", f"ElasticNet(alpha=0.05, l1_ratio=0.5) fit {cd_n}x{d} f64",
            lambda d=d, cd_n=cd_n: _regression(cd_n, d, np.float64, sparse_coef=True), "ElasticNet",
            {"alpha": 0.05, "l1_ratio": 0.5}, "r2")
    add("lasso_200f_f32", f"Lasso(alpha=0.05) fit {la_n}x200 f32",
        lambda: _regression(la_n, 200, np.float32, sparse_coef=True), "Lasso", {"alpha": 0.05}, "r2")
    alphas = np.geomspace(1.0, 0.01, 8)
    for d in (50, 500):
        p_n = 10000 if quick else 40000
        out.append(Workload(
            name=f"lasso_path_{d}f_f64",
            family="linear_model",
            description=f"Lasso warm-started along 8 alphas 1 → 0.01, {p_n}x{d} f64",
            setup=lambda d=d, p_n=p_n: _regression(p_n, d, np.float64, sparse_coef=True),
            ours=_path("scratchlearn.linear_model", "Lasso", alphas),
            peer=_path("sklearn.linear_model", "Lasso", alphas),
            score=_r2,
            metric="r2",
            repeats=reps,
        ))
    return out
