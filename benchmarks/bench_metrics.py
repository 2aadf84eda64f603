"""roc_auc_score, classification_report, silhouette_score: scratchlearn vs scikit-learn
(pytest-benchmark), several sizes each.

    python -m pytest benchmarks/bench_metrics.py --benchmark-only
"""

import numpy as np
import pytest
from sklearn import metrics as sk

from scratchlearn import metrics as sl

LIBS = {"scratchlearn": sl, "sklearn": sk}


def _scores(n):
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, n)
    return y, rng.rand(n) + 0.3 * y


def _labels(n, k):
    rng = np.random.RandomState(0)
    y = rng.randint(0, k, n)
    return y, np.where(rng.rand(n) < 0.7, y, rng.randint(0, k, n))


def _clusters(n, d, k):
    rng = np.random.RandomState(0)
    labels = rng.randint(0, k, n)
    return rng.randn(k, d)[labels] * 3 + rng.randn(n, d), labels


@pytest.mark.parametrize("n", [500_000, 2_000_000])
@pytest.mark.parametrize("lib", list(LIBS))
def test_roc_auc(benchmark, lib, n):
    y, s = _scores(n)
    benchmark.group = f"roc_auc_score {n:,}"
    got = benchmark.pedantic(lambda: LIBS[lib].roc_auc_score(y, s), rounds=3, iterations=1)
    assert abs(got - sk.roc_auc_score(y, s)) < 1e-12


@pytest.mark.parametrize("n,k", [(500_000, 3), (2_000_000, 10), (1_000_000, 50)])
@pytest.mark.parametrize("lib", list(LIBS))
def test_classification_report(benchmark, lib, n, k):
    y, p = _labels(n, k)
    benchmark.group = f"classification_report {n:,} samples {k} classes"
    got = benchmark.pedantic(lambda: LIBS[lib].classification_report(y, p, output_dict=True),
                             rounds=3, iterations=1)
    assert abs(got["macro avg"]["f1-score"] - sk.f1_score(y, p, average="macro")) < 1e-12


@pytest.mark.parametrize("n,d,k", [(10_000, 50, 5), (20_000, 20, 8)])
@pytest.mark.parametrize("lib", list(LIBS))
def test_silhouette(benchmark, lib, n, d, k):
    X, labels = _clusters(n, d, k)
    benchmark.group = f"silhouette_score {n}x{d}"
    got = benchmark.pedantic(lambda: LIBS[lib].silhouette_score(X, labels), rounds=1,
                             iterations=1)
    assert -1 <= got <= 1
