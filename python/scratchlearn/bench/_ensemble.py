"""Forest workloads: RandomForestClassifier fit (histogram default and exact max_bins=None),
RandomForestRegressor fit, ExtraTreesClassifier fit, and forest predict, at several sizes.
Quality: held-out accuracy / R². The peer has no max_bins (always exact)."""

from __future__ import annotations

import numpy as np

from ._common import Workload
from ._tree import _cls_data, _reg_data, _score


def _fit(side, name, n_estimators, **kw):
    def run(data, state):
        if side == "ours":
            from scratchlearn import ensemble
            params = kw
        else:
            from sklearn import ensemble
            params = {k: v for k, v in kw.items() if k != "max_bins"}
        return getattr(ensemble, name)(n_estimators=n_estimators, n_jobs=-1, random_state=0,
                                       **params).fit(data["X"], data["y"])
    return run


def _prepare(side, name, n_estimators):
    def prep(data):
        return _fit(side, name, n_estimators)(data, None)
    return prep


def _predict(data, model):
    return model.predict_proba(data["P"]) if hasattr(model, "predict_proba") else model.predict(data["P"])


def _with_queries(make, n, d, q):
    def setup():
        data = make(n, d)
        data["P"] = np.random.RandomState(1).randn(q, d)
        return data
    return setup


def workloads(quick):
    out = []
    if quick:
        fits = [("RandomForestClassifier", _cls_data, 10000, 20, 20)]
    else:
        fits = [("RandomForestClassifier", _cls_data, 50000, 20, 100),
                ("RandomForestClassifier", _cls_data, 20000, 40, 100),
                ("RandomForestClassifier", _cls_data, 20000, 50, 100),
                ("RandomForestClassifier", _cls_data, 100000, 10, 100),
                ("RandomForestClassifier", _cls_data, 20000, 10, 100),
                ("RandomForestClassifier", _cls_data, 100000, 30, 100),
                ("RandomForestClassifier", _cls_data, 50000, 50, 100),
                ("RandomForestRegressor", _reg_data, 40000, 16, 60),
                ("RandomForestRegressor", _reg_data, 20000, 50, 60),
                ("RandomForestRegressor", _reg_data, 100000, 10, 30),
                ("RandomForestRegressor", _reg_data, 100000, 8, 30),
                ("RandomForestRegressor", _reg_data, 20000, 10, 60),
                ("RandomForestRegressor", _reg_data, 80000, 30, 60)]
    for name, make, n, d, t in fits:
        variants = [("hist", {}), ("exact", {"max_bins": None})]
        for tag, kw in variants:
            out.append(Workload(
                name=f"forest_{name}_{tag}_{n}x{d}_t{t}",
                family="ensemble",
                description=f"{name}(n_estimators={t}, n_jobs=-1{', max_bins=None' if kw else ''}) fit {n}x{d}",
                setup=lambda make=make, n=n, d=d: make(n, d),
                ours=_fit("ours", name, t, **kw),
                peer=_fit("peer", name, t),
                score=_score,
                metric="accuracy" if "Classifier" in name else "r2",
                repeats=1,
            ))
    out.append(Workload(
        name="forest_ExtraTreesClassifier_fit",
        family="ensemble",
        description="ExtraTreesClassifier(n_estimators=50, n_jobs=-1) fit " + ("10000x20" if quick else "50000x20"),
        setup=lambda: _cls_data(10000 if quick else 50000, 20),
        ours=_fit("ours", "ExtraTreesClassifier", 50),
        peer=_fit("peer", "ExtraTreesClassifier", 50),
        score=_score,
        metric="accuracy",
        repeats=1,
    ))
    # predict: (rows, features) of the queries, the forest trained on 20000 x features
    if quick:
        shapes = [(2000, 20), (20000, 20)]
    else:
        shapes = [(10000, 20), (1000, 20), (100000, 20), (10000, 100)]
    t = 20 if quick else 100
    for q, d in shapes:
        for name, make in (("RandomForestClassifier", _cls_data), ("RandomForestRegressor", _reg_data)):
            out.append(Workload(
                name=f"forest_{name}_predict_{q}" + ("" if d == 20 else f"x{d}"),
                family="ensemble",
                description=f"{name}(n_estimators={t}) predict {q} rows, trained on 20000x{d}",
                setup=_with_queries(make, 20000, d, q),
                prepare_ours=_prepare("ours", name, t),
                prepare_peer=_prepare("peer", name, t),
                ours=lambda data, model: _predict(data, model),
                peer=lambda data, model: _predict(data, model),
                score=lambda data, result: float(np.mean(result)),
                metric="mean output",
                repeats=5,
            ))
    return out
