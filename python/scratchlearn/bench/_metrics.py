"""Benchmark workloads for the metrics family: ROC AUC (the parallel ranking), the classification
report (the per-thread label counts) and the silhouette (blocked distances), at several sizes."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _binary_scores(n, dtype=np.float64, ties=False):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, 2, n)
        s = rng.rand(n) + 0.3 * y
        if ties:
            s = np.round(s, 2)
        return {"y": y, "s": s.astype(dtype)}
    return setup


def _labels(n, k):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, k, n)
        p = np.where(rng.rand(n) < 0.7, y, rng.randint(0, k, n))
        return {"y": y, "p": p}
    return setup


def _clusters(n, d, k):
    def setup():
        rng = np.random.RandomState(0)
        labels = rng.randint(0, k, n)
        X = rng.randn(k, d)[labels] * 3 + rng.randn(n, d)
        return {"X": X, "labels": labels}
    return setup


def _auc_ours(data, state):
    from scratchlearn.metrics import roc_auc_score

    return roc_auc_score(data["y"], data["s"])


def _auc_peer(data, state):
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(data["y"], data["s"])


def _report_ours(data, state):
    from scratchlearn.metrics import classification_report

    return classification_report(data["y"], data["p"], output_dict=True)


def _report_peer(data, state):
    from sklearn.metrics import classification_report

    return classification_report(data["y"], data["p"], output_dict=True)


def _sil_ours(data, state):
    from scratchlearn.metrics import silhouette_score

    return silhouette_score(data["X"], data["labels"])


def _sil_peer(data, state):
    from sklearn.metrics import silhouette_score

    return silhouette_score(data["X"], data["labels"])


def workloads(quick):
    f = 10 if quick else 1
    out = []
    sizes = [(2_000_000, np.float64, False, ""), (500_000, np.float64, False, ""),
             (200_000, np.float64, False, "")]
    if not quick:
        sizes.append((10_000_000, np.float64, False, ""))
    for n, dtype, ties, tag in (*sizes,
                                (1_000_000, np.float32, False, "_f32"),
                                (1_000_000, np.float64, True, "_ties")):
        n //= f
        out.append(Workload(f"roc_auc_{n // 1000}k{tag}", "metrics",
                            f"roc_auc_score {n:,} samples {np.dtype(dtype).name}"
                            + (" (rounded: many ties)" if ties else ""),
                            _binary_scores(n, dtype, ties), _auc_ours, _auc_peer,
                            lambda d, r: r, metric="auc"))
    for n, k in ((2_000_000, 10), (500_000, 3), (1_000_000, 50), (200_000, 10)):
        n //= f
        out.append(Workload(f"classification_report_{n // 1000}k_{k}", "metrics",
                            f"classification_report {n:,} samples, {k} classes", _labels(n, k),
                            _report_ours, _report_peer, lambda d, r: r["macro avg"]["f1-score"],
                            metric="macro F1"))
    for n, d, k in ((20_000, 20, 8), (10_000, 50, 5), (30_000, 8, 12), (5_000, 50, 6)):
        n //= f
        out.append(Workload(f"silhouette_{n}x{d}", "metrics",
                            f"silhouette_score {n}x{d}, {k} clusters", _clusters(n, d, k),
                            _sil_ours, _sil_peer, lambda d_, r: r, metric="silhouette",
                            repeats=1 if not quick else 3))
    return out
