"""roc_auc_score, classification_report, silhouette_score: scratchlearn vs scikit-learn
(pytest-benchmark), several sizes each.

    python -m pytest benchmarks/bench_metrics.py --benchmark-only
"""

import numpy as np
import pytest
from sklearn import metrics as sk

from scratchlearn import metrics as sl

LIBS = {"scratchlearn": sl, "sklearn": sk}


def _scores(n, dtype=np.float64, ties=False, weighted=False):
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, n)
    s = rng.rand(n) + 0.3 * y
    if ties:
        s = np.round(s, 2)
    return y, s.astype(dtype), (rng.rand(n) + 0.5 if weighted else None)


def _labels(n, k, strings=False):
    rng = np.random.RandomState(0)
    y = rng.randint(0, k, n)
    p = np.where(rng.rand(n) < 0.7, y, rng.randint(0, k, n))
    if strings:
        names = np.array([f"class_{i:02d}" for i in range(k)])
        return names[y], names[p]
    return y, p


def _clusters(n, d, k):
    rng = np.random.RandomState(0)
    labels = rng.randint(0, k, n)
    return rng.randn(k, d)[labels] * 3 + rng.randn(n, d), labels


@pytest.mark.parametrize("n", [20_000, 200_000, 500_000, 2_000_000])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("lib", list(LIBS))
def test_roc_auc(benchmark, lib, n, dtype, ties, weighted):
    y, s, w = _scores(n, dtype, ties, weighted)
    benchmark.group = (f"roc_auc_score {n:,} {np.dtype(dtype).name}" + (" ties" if ties else "")
                       + (" weighted" if weighted else ""))
    got = benchmark.pedantic(lambda: LIBS[lib].roc_auc_score(y, s, sample_weight=w), rounds=3,
                             iterations=1)
    assert abs(got - sk.roc_auc_score(y, s, sample_weight=w)) < 1e-12


@pytest.mark.parametrize("n,k,strings", [(500_000, 3, False), (2_000_000, 10, False),
                                         (1_000_000, 50, False), (200_000, 50, False),
                                         (200_000, 10, True), (2_000_000, 10, True)])
@pytest.mark.parametrize("lib", list(LIBS))
def test_classification_report(benchmark, lib, n, k, strings):
    y, p = _labels(n, k, strings)
    benchmark.group = (f"classification_report {n:,} samples {k} classes"
                       + (" strings" if strings else ""))
    got = benchmark.pedantic(lambda: LIBS[lib].classification_report(y, p, output_dict=True),
                             rounds=3, iterations=1)
    assert abs(got["macro avg"]["f1-score"] - sk.f1_score(y, p, average="macro")) < 1e-12


@pytest.mark.parametrize("n,d,k", [(10_000, 50, 5), (20_000, 20, 8), (5_000, 100, 6),
                                   (2_000, 300, 4), (50_000, 5, 10)])
@pytest.mark.parametrize("lib", list(LIBS))
def test_silhouette(benchmark, lib, n, d, k):
    X, labels = _clusters(n, d, k)
    benchmark.group = f"silhouette_score {n}x{d}"
    got = benchmark.pedantic(lambda: LIBS[lib].silhouette_score(X, labels), rounds=1,
                             iterations=1)
    assert -1 <= got <= 1
