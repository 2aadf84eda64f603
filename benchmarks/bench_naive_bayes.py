"""GaussianNB / MultinomialNB / BernoulliNB: scratchlearn vs scikit-learn (pytest-benchmark).

    PYTHONPATH=python python -m pytest benchmarks/bench_naive_bayes.py --benchmark-only
"""

import numpy as np
import pytest

from sklearn import naive_bayes as sk

from scratchlearn import naive_bayes as sl

LIBS = {"scratchlearn": sl, "sklearn": sk}


@pytest.fixture(scope="module")
def gaussian_data():
    rng = np.random.RandomState(0)
    n, d, k = 1_000_000, 50, 10
    y = rng.randint(0, k, n)
    X = rng.randn(k, d)[y]
    X += rng.randn(n, d)
    return X, y


@pytest.mark.parametrize("lib", list(LIBS))
def test_gaussiannb_fit_predict(benchmark, gaussian_data, lib):
    X, y = gaussian_data
    benchmark.group = "GaussianNB fit+predict 1,000,000x50, 10 classes"
    mod = LIBS[lib]
    pred = benchmark.pedantic(lambda: mod.GaussianNB().fit(X, y).predict(X), rounds=3, iterations=1)
    assert np.mean(pred == y) > 0.5


@pytest.mark.parametrize("lib", list(LIBS))
def test_gaussiannb_fit(benchmark, gaussian_data, lib):
    X, y = gaussian_data
    benchmark.group = "GaussianNB fit 1,000,000x50, 10 classes"
    mod = LIBS[lib]
    benchmark.pedantic(lambda: mod.GaussianNB().fit(X, y), rounds=3, iterations=1)


@pytest.mark.parametrize("lib", list(LIBS))
def test_gaussiannb_predict(benchmark, gaussian_data, lib):
    X, y = gaussian_data
    benchmark.group = "GaussianNB predict 1,000,000x50, 10 classes"
    model = LIBS[lib].GaussianNB().fit(X, y)
    benchmark.pedantic(lambda: model.predict(X), rounds=3, iterations=1)


@pytest.fixture(scope="module")
def text_data():
    from scratchlearn.bench._naive_bayes import _text_data

    data = _text_data(100_000, 20_000, 20)()
    return data["X"], data["y"]


@pytest.mark.parametrize("lib", list(LIBS))
def test_multinomialnb_sparse_fit_predict(benchmark, text_data, lib):
    X, y = text_data
    benchmark.group = "MultinomialNB fit+predict CSR 100,000x20,000, 20 classes"
    mod = LIBS[lib]
    pred = benchmark.pedantic(lambda: mod.MultinomialNB().fit(X, y).predict(X), rounds=3, iterations=1)
    assert np.mean(pred == y) > 0.5


@pytest.mark.parametrize("lib", list(LIBS))
def test_bernoullinb_sparse_fit_predict(benchmark, text_data, lib):
    X, y = text_data
    benchmark.group = "BernoulliNB fit+predict CSR 100,000x20,000, 20 classes"
    mod = LIBS[lib]
    benchmark.pedantic(lambda: mod.BernoulliNB().fit(X, y).predict(X), rounds=3, iterations=1)
