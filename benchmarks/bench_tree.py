"""pytest-benchmark: DecisionTreeClassifier / DecisionTreeRegressor fit, scratchlearn vs
scikit-learn, exact splitter, default parameters, 100,000 x 20 float64 (the issue's headline).
Run: pytest benchmarks/bench_tree.py --benchmark-only
"""

import pytest

from scratchlearn.bench._tree import _cls_data, _reg_data

N, D = 100_000, 20


@pytest.fixture(scope="module")
def cls_data():
    return _cls_data(N, D)


@pytest.fixture(scope="module")
def reg_data():
    return _reg_data(N, D)


def _tree(lib):
    if lib == "scratchlearn":
        import scratchlearn.tree as m
    else:
        import sklearn.tree as m
    return m


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_tree_classifier_fit(benchmark, lib, cls_data):
    benchmark.group = f"DecisionTreeClassifier fit {N}x{D}"
    est = benchmark.pedantic(
        lambda: _tree(lib).DecisionTreeClassifier(random_state=0).fit(cls_data["X"], cls_data["y"]), rounds=3)
    assert est.score(cls_data["Xt"], cls_data["yt"]) > 0.7


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_tree_regressor_fit(benchmark, lib, reg_data):
    benchmark.group = f"DecisionTreeRegressor fit {N}x{D}"
    est = benchmark.pedantic(
        lambda: _tree(lib).DecisionTreeRegressor(random_state=0).fit(reg_data["X"], reg_data["y"]), rounds=3)
    assert est.score(reg_data["Xt"], reg_data["yt"]) > 0.5
