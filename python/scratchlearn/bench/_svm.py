"""SVM workloads: SVC (rbf) fit binary and multi-class, SVC predict, SVR fit, SVC with
probability=True, LinearSVC. Quality: accuracy (classification) or R² (regression) on held-out rows."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _classification(n, d, k, dtype, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(k, d) * 0.35
    y = rng.randint(0, k, n + 2000)
    X = (centers[y] + rng.randn(n + 2000, d)).astype(dtype)
    return {"X": X[:n], "y": y[:n], "Xt": X[n:], "yt": y[n:]}


def _regression(n, d, dtype, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n + 2000, d)
    w = rng.randn(d)
    y = X @ w + np.sin(2 * X[:, 0]) * 2 + 0.3 * rng.randn(n + 2000)
    X = X.astype(dtype)
    return {"X": X[:n], "y": y[:n], "Xt": X[n:], "yt": y[n:]}


def _acc(data, model):
    return float(np.mean(model.predict(data["Xt"]) == data["yt"]))


def _r2(data, model):
    p = model.predict(data["Xt"])
    y = data["yt"]
    return float(1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2))


def _fit(lib, cls, **kw):
    def run(data, state):
        if lib == "ours":
            import scratchlearn.svm as m
        else:
            import sklearn.svm as m
        return getattr(m, cls)(**kw).fit(data["X"], data["y"])
    return run


def _prepare(lib, cls, **kw):
    def prep(data):
        return _fit(lib, cls, **kw)(data, None)
    return prep


def _predict(data, state):
    return state.predict(data["Xq"])


def _acc_pred(data, pred):
    return float(np.mean(pred == data["yq"]))


def workloads(quick):
    out = []
    repeats = 1 if quick else 3
    # The shape (12000 x 20) and others: wide (5000 x 50) and narrow (20000 x 10); quick
    # runs one small and one wide shape.
    sizes = [(3000, 20), (12000, 20), (5000, 50), (20000, 10)] if not quick else [(3000, 20), (2000, 50)]
    for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
        for n, d in sizes:
            setup = lambda n=n, d=d, dtype=dtype: _classification(n, d, 2, dtype)
            out.append(Workload(
                name=f"svc_fit_binary_{n}x{d}_{tag}", family="svm",
                description=f"SVC(rbf, C=1) fit, binary, {n}x{d} {tag}",
                setup=setup, ours=_fit("ours", "SVC"), peer=_fit("peer", "SVC"),
                score=_acc, metric="accuracy", repeats=repeats))

            def setup_pred(n=n, d=d, dtype=dtype):
                data = _classification(n, d, 2, dtype)
                data["Xq"], data["yq"] = data["X"][:3000], data["y"][:3000]
                return data
            out.append(Workload(
                name=f"svc_predict_{n}x{d}_{tag}", family="svm",
                description=f"SVC(rbf) predict 3000 rows against the {n}x{d} model {tag}",
                setup=setup_pred, ours=_predict, peer=_predict,
                prepare_ours=_prepare("ours", "SVC"), prepare_peer=_prepare("peer", "SVC"),
                score=_acc_pred, metric="accuracy", repeats=max(repeats, 3)))
        mc = (2000, 16) if quick else (8000, 16)
        out.append(Workload(
            name=f"svc_fit_4class_{mc[0]}x{mc[1]}_{tag}", family="svm",
            description=f"SVC(rbf) fit, 4 classes (one-vs-one), {mc[0]}x{mc[1]} {tag}",
            setup=lambda dtype=dtype, mc=mc: _classification(mc[0], mc[1], 4, dtype),
            ours=_fit("ours", "SVC"), peer=_fit("peer", "SVC"), score=_acc, metric="accuracy",
            repeats=repeats))
        rg = (2000, 12) if quick else (8000, 12)
        out.append(Workload(
            name=f"svr_fit_{rg[0]}x{rg[1]}_{tag}", family="svm",
            description=f"SVR(rbf) fit {rg[0]}x{rg[1]} {tag}",
            setup=lambda dtype=dtype, rg=rg: _regression(rg[0], rg[1], dtype),
            ours=_fit("ours", "SVR"), peer=_fit("peer", "SVR"), score=_r2, metric="r2",
            repeats=repeats))
        pb = (1500, 20) if quick else (4000, 20)
        out.append(Workload(
            name=f"svc_fit_probability_{pb[0]}x{pb[1]}_{tag}", family="svm",
            description=f"SVC(rbf, probability=True) fit, binary, {pb[0]}x{pb[1]} {tag}",
            setup=lambda dtype=dtype, pb=pb: _classification(pb[0], pb[1], 2, dtype),
            ours=_fit("ours", "SVC", probability=True, random_state=0),
            peer=_fit("peer", "SVC", probability=True, random_state=0),
            score=_acc, metric="accuracy", repeats=repeats))
    if not quick:
        # Other shapes and settings than the issue's, float64: wide, narrow with a large C, SVR
        # with more features, and a polynomial kernel.
        extra = [
            ("svc_fit_binary_6000x50", "SVC(rbf) fit, binary, 6000x50", "SVC", {}, 6000, 50),
            ("svc_fit_binary_C10_6000x8", "SVC(rbf, C=10) fit, binary, 6000x8", "SVC", {"C": 10.0}, 6000, 8),
            ("svc_fit_poly_5000x20", "SVC(poly, degree 3) fit, binary, 5000x20", "SVC", {"kernel": "poly"}, 5000, 20),
        ]
        for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
            extra_t = [
                ("svc_fit_4class_5000x50", "SVC(rbf) fit, 4 classes, 5000x50", 5000, 50, 4, "SVC"),
                ("svc_fit_4class_20000x10", "SVC(rbf) fit, 4 classes, 20000x10", 20000, 10, 4, "SVC"),
            ]
            for name, desc, n, d, k, cls in extra_t:
                out.append(Workload(
                    name=f"{name}_{tag}", family="svm", description=f"{desc} {tag}",
                    setup=lambda n=n, d=d, k=k, dtype=dtype: _classification(n, d, k, dtype),
                    ours=_fit("ours", cls), peer=_fit("peer", cls), score=_acc, metric="accuracy",
                    repeats=repeats))
            for n, d in ((5000, 30), (12000, 8)):
                out.append(Workload(
                    name=f"svr_fit_{n}x{d}_{tag}", family="svm", description=f"SVR(rbf) fit {n}x{d} {tag}",
                    setup=lambda n=n, d=d, dtype=dtype: _regression(n, d, dtype),
                    ours=_fit("ours", "SVR"), peer=_fit("peer", "SVR"), score=_r2, metric="r2",
                    repeats=repeats))
            out.append(Workload(
                name=f"svc_fit_probability_10000x10_{tag}", family="svm",
                description=f"SVC(rbf, probability=True) fit, binary, 10000x10 {tag}",
                setup=lambda dtype=dtype: _classification(10000, 10, 2, dtype),
                ours=_fit("ours", "SVC", probability=True, random_state=0),
                peer=_fit("peer", "SVC", probability=True, random_state=0),
                score=_acc, metric="accuracy", repeats=repeats))
        for name, desc, cls, kw, n, d in extra:
            out.append(Workload(
                name=f"{name}_f64", family="svm", description=f"{desc} f64",
                setup=lambda n=n, d=d: _classification(n, d, 2, np.float64),
                ours=_fit("ours", cls, **kw), peer=_fit("peer", cls, **kw), score=_acc, metric="accuracy",
                repeats=repeats))
        out.append(Workload(
            name="svr_fit_4000x30_f64", family="svm", description="SVR(rbf) fit 4000x30 f64",
            setup=lambda: _regression(4000, 30, np.float64),
            ours=_fit("ours", "SVR"), peer=_fit("peer", "SVR"), score=_r2, metric="r2", repeats=repeats))
    lin = (5000, 50) if quick else (50000, 50)
    out.append(Workload(
        name=f"linear_svc_fit_{lin[0]}x{lin[1]}_f64", family="svm",
        description=f"LinearSVC(dual=True) fit, 4 classes, {lin[0]}x{lin[1]} f64",
        setup=lambda: _classification(lin[0], lin[1], 4, np.float64),
        ours=_fit("ours", "LinearSVC", dual=True), peer=_fit("peer", "LinearSVC", dual=True),
        score=_acc, metric="accuracy", repeats=repeats))
    return out
