"""Benchmark workloads for preprocessing, impute and pipeline: StandardScaler, SimpleImputer(median),
OneHotEncoder / OrdinalEncoder on object strings, Pipeline(StandardScaler, PCA, LogisticRegression)
and its steps, each at several shapes."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _dense(n, d, nan=0.0, dtype=np.float64):
    def setup():
        rng = np.random.RandomState(0)
        X = (rng.randn(n, d) * 3 + rng.randn(d)).astype(dtype)
        if nan:
            X[rng.rand(n, d) < nan] = np.nan
        return {"X": X}
    return setup


def _strings(n, d, k):
    def setup():
        rng = np.random.RandomState(0)
        cats = np.array([f"category_{i:04d}" for i in range(k)], dtype=object)
        return {"X": cats[rng.randint(0, k, (n, d))]}
    return setup


def _classification(n, d):
    def setup():
        rng = np.random.RandomState(0)
        X = rng.randn(n, d) * (1 + rng.rand(d) * 5) + rng.randn(d) * 3
        w = rng.randn(d)
        y = ((X - X.mean(0)) / X.std(0) @ w + rng.randn(n) > 0).astype(np.int64)
        return {"X": X, "y": y}
    return setup


def _mean_abs(data, out):
    out = out[:20000]  # the first rows only
    if hasattr(out, "toarray"):  # sparse: its mean without making a wide one-hot matrix dense
        return float(abs(out).mean())
    return float(np.nanmean(np.abs(np.asarray(out))))


def _scaler(lib):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.preprocessing import StandardScaler
        else:
            from sklearn.preprocessing import StandardScaler
        return StandardScaler().fit_transform(data["X"])
    return run


def _median(lib, strategy="median", add_indicator=False):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.impute import SimpleImputer
        else:
            from sklearn.impute import SimpleImputer
        return SimpleImputer(strategy=strategy, add_indicator=add_indicator).fit_transform(data["X"])
    return run


def _encoder(lib, kind, **kw):
    def run(data, state):
        if lib == "ours":
            from scratchlearn import preprocessing as m
        else:
            from sklearn import preprocessing as m
        return getattr(m, kind)(**kw).fit_transform(data["X"])
    return run


def _pipeline(lib, k):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.decomposition import PCA
            from scratchlearn.linear_model import LogisticRegression
            from scratchlearn.pipeline import make_pipeline
            from scratchlearn.preprocessing import StandardScaler
        else:
            from sklearn.decomposition import PCA
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler
        return make_pipeline(StandardScaler(), PCA(k), LogisticRegression()).fit(data["X"], data["y"])
    return run


def _pipeline_score(data, model):
    return float(np.mean(model.predict(data["X"][:20000]) == data["y"][:20000]))


def _pca_step(lib, k):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.decomposition import PCA
        else:
            from sklearn.decomposition import PCA
        return PCA(k).fit_transform(data["X"])
    return run


def _logreg_step(lib):
    def run(data, state):
        if lib == "ours":
            from scratchlearn.linear_model import LogisticRegression
        else:
            from sklearn.linear_model import LogisticRegression
        return LogisticRegression().fit(data["Xp"], data["y"])
    return run


def _steps_data(n, d, k):
    base = _classification(n, d)

    def setup():
        from scratchlearn.decomposition import PCA
        from scratchlearn.preprocessing import StandardScaler

        data = base()
        data["Xs"] = StandardScaler().fit_transform(data["X"])
        data["Xp"] = PCA(k).fit_transform(data["Xs"])
        return data
    return setup


def workloads(quick: bool) -> list[Workload]:
    out = []
    scale_shapes = [(50_000, 50), (20_000, 200)] if quick else [(1_000_000, 50), (200_000, 200), (2_000_000, 10),
                                                                         (5_000_000, 5)]
    for n, d in scale_shapes:
        out.append(Workload(
            name=f"standardscaler_fit_transform_{n}x{d}", family="preprocessing",
            description=f"StandardScaler fit_transform {n}x{d} float64", setup=_dense(n, d),
            ours=_scaler("ours"), peer=_scaler("peer"), score=_mean_abs, metric="mean|z|"))
    # small data: the fixed costs of a call (validation, threads) against the work
    for n, d in [(500, 10), (2_000, 50), (5_000, 300)]:
        out.append(Workload(
            name=f"standardscaler_fit_transform_{n}x{d}", family="preprocessing",
            description=f"StandardScaler fit_transform {n}x{d} float64 (small)", setup=_dense(n, d),
            ours=_scaler("ours"), peer=_scaler("peer"), score=_mean_abs, metric="mean|z|", repeats=15))
    n, d = scale_shapes[0]
    out.append(Workload(
        name=f"standardscaler_fit_transform_{n}x{d}_f32", family="preprocessing",
        description=f"StandardScaler fit_transform {n}x{d} float32", setup=_dense(n, d, dtype=np.float32),
        ours=_scaler("ours"), peer=_scaler("peer"), score=_mean_abs, metric="mean|z|"))
    med_shapes = ([(20_000, 20), (5_000, 100), (2_000, 500), (50_000, 40)] if quick else
                  [(1_000_000, 50), (200_000, 200), (500_000, 20), (2_000_000, 5), (100_000, 50), (10_000, 300)])
    for n, d in med_shapes:
        out.append(Workload(
            name=f"simpleimputer_median_{n}x{d}", family="preprocessing",
            description=f"SimpleImputer(median) fit_transform {n}x{d}, 5% NaN", setup=_dense(n, d, 0.05),
            ours=_median("ours"), peer=_median("peer"), score=_mean_abs, metric="mean|x|", repeats=1 if not quick else 3))
    for n, d in [(500, 20), (1_000, 50), (3_000, 30)]:  # small data
        for dtype in (np.float64, np.float32):
            tag = "" if dtype == np.float64 else "_f32"
            out.append(Workload(
                name=f"simpleimputer_median_{n}x{d}{tag}", family="preprocessing",
                description=f"SimpleImputer(median) fit_transform {n}x{d} {np.dtype(dtype).name}, 5% NaN (small)",
                setup=_dense(n, d, 0.05, dtype), ours=_median("ours"), peer=_median("peer"), score=_mean_abs,
                metric="mean|x|", repeats=15))
        # the other strategies and the indicator at the same small shapes (float64)
        for strategy, ind, tag in [("mean", False, "mean"), ("most_frequent", False, "most_frequent"),
                                   ("median", True, "median_indicator")]:
            out.append(Workload(
                name=f"simpleimputer_{tag}_{n}x{d}", family="preprocessing",
                description=f"SimpleImputer({strategy}{', add_indicator' if ind else ''}) fit_transform "
                            f"{n}x{d} float64, 5% NaN (small)",
                setup=_dense(n, d, 0.05), ours=_median("ours", strategy, ind),
                peer=_median("peer", strategy, ind), score=_mean_abs, metric="mean|x|", repeats=15))
    enc_shapes = [(50_000, 3, 500), (20_000, 10, 20)] if quick else [(1_000_000, 3, 500), (300_000, 10, 50), (1_000_000, 1, 5000),
                                                                  (200_000, 10, 20), (1_000_000, 1, 50_000)]
    for kind in ("OneHotEncoder", "OrdinalEncoder"):
        for n, d, k in enc_shapes:
            out.append(Workload(
                name=f"{kind.lower()}_objects_{n}x{d}_{k}cats", family="preprocessing",
                description=f"{kind} fit_transform {n}x{d} object strings, {k} categories",
                setup=_strings(n, d, k), ours=_encoder("ours", kind), peer=_encoder("peer", kind),
                score=_mean_abs, metric="mean"))
    # dense one-hot output (sparse_output=False): as wide as the categories, written once
    dense_shapes = [(20_000, 3, 100)] if quick else [(20_000, 3, 100), (100_000, 2, 500), (50_000, 5, 10)]
    for n, d, k in dense_shapes:
        out.append(Workload(
            name=f"onehotencoder_dense_{n}x{d}_{k}cats", family="preprocessing",
            description=f"OneHotEncoder(sparse_output=False) fit_transform {n}x{d} object strings, {k} categories",
            setup=_strings(n, d, k), ours=_encoder("ours", "OneHotEncoder", sparse_output=False),
            peer=_encoder("peer", "OneHotEncoder", sparse_output=False), score=_mean_abs, metric="mean"))
    pipe_shapes = [(20_000, 50, 10), (5_000, 20, 5)] if quick else [(200_000, 50, 10), (500_000, 20, 5), (5_000, 20, 5)]
    for n, d, k in pipe_shapes:
        out.append(Workload(
            name=f"pipeline_scaler_pca_logreg_{n}x{d}", family="preprocessing",
            description=f"Pipeline(StandardScaler, PCA({k}), LogisticRegression) fit {n}x{d}",
            setup=_classification(n, d), ours=_pipeline("ours", k), peer=_pipeline("peer", k),
            score=_pipeline_score, metric="accuracy"))
        steps = _steps_data(n, d, k)
        out.append(Workload(
            name=f"pipeline_step_pca_{n}x{d}", family="preprocessing",
            description=f"  its step PCA({k}) fit_transform {n}x{d} (standardised)", setup=steps,
            ours=lambda data, s, k=k: _pca_step("ours", k)({"X": data["Xs"]}, s),
            peer=lambda data, s, k=k: _pca_step("peer", k)({"X": data["Xs"]}, s),
            score=_mean_abs, metric="mean|pc|"))
        out.append(Workload(
            name=f"pipeline_step_logreg_{n}x{k}", family="preprocessing",
            description=f"  its step LogisticRegression fit {n}x{k}", setup=steps,
            ours=_logreg_step("ours"), peer=_logreg_step("peer"),
            score=lambda data, m: float(np.mean(m.predict(data["Xp"][:20000]) == data["y"][:20000])),
            metric="accuracy"))
    return out
