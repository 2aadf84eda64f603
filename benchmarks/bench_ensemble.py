"""pytest-benchmark: random forests, scratchlearn vs scikit-learn, float64, n_jobs=-1:
RandomForestClassifier(100 trees) fit on 50,000 x 20 (histogram default and max_bins=None),
RandomForestRegressor(60 trees) fit on 40,000 x 16, and predict of 10,000 rows with 100 trees.
Run: pytest benchmarks/bench_ensemble.py --benchmark-only
"""

import numpy as np
import pytest

from scratchlearn.bench._tree import _cls_data, _reg_data


def _ens(lib):
    if lib == "scratchlearn":
        import scratchlearn.ensemble as m
    else:
        import sklearn.ensemble as m
    return m


@pytest.fixture(scope="module")
def cls_data():
    return _cls_data(50_000, 20)


@pytest.fixture(scope="module")
def reg_data():
    return _reg_data(40_000, 16)


@pytest.mark.parametrize("lib, kw", [("sklearn", {}), ("scratchlearn", {}), ("scratchlearn", {"max_bins": None})],
                         ids=["sklearn", "scratchlearn-hist", "scratchlearn-exact"])
def test_forest_classifier_fit(benchmark, lib, kw, cls_data):
    benchmark.group = "RandomForestClassifier(100) fit 50000x20"
    est = benchmark.pedantic(lambda: _ens(lib).RandomForestClassifier(
        n_estimators=100, n_jobs=-1, random_state=0, **kw).fit(cls_data["X"], cls_data["y"]), rounds=1)
    assert est.score(cls_data["Xt"], cls_data["yt"]) > 0.8


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_forest_regressor_fit(benchmark, lib, reg_data):
    benchmark.group = "RandomForestRegressor(60) fit 40000x16"
    est = benchmark.pedantic(lambda: _ens(lib).RandomForestRegressor(
        n_estimators=60, n_jobs=-1, random_state=0).fit(reg_data["X"], reg_data["y"]), rounds=1)
    assert est.score(reg_data["Xt"], reg_data["yt"]) > 0.5


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_forest_predict(benchmark, lib):
    data = _cls_data(20_000, 20)
    est = _ens(lib).RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0).fit(data["X"], data["y"])
    P = np.random.RandomState(1).randn(10_000, 20)
    benchmark.group = "RandomForestClassifier(100) predict_proba 10000 rows"
    benchmark.pedantic(lambda: est.predict_proba(P), rounds=5)
