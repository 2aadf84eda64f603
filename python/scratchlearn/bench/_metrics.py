"""Benchmark workloads for the metrics family: ROC AUC (the parallel ranking), the classification
report (the per-thread label counts) and the silhouette (blocked distances), at several sizes."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _binary_scores(n, dtype=np.float64, ties=False, weighted=False):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, 2, n)
        s = rng.rand(n) + 0.3 * y
        if ties:
            s = np.round(s, 2)
        out = {"y": y, "s": s.astype(dtype)}
        if weighted:
            out["w"] = rng.rand(n) + 0.5
        return out
    return setup


def _labels(n, k, strings=False, weighted=False):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, k, n)
        p = np.where(rng.rand(n) < 0.7, y, rng.randint(0, k, n))
        if strings:
            names = np.array([f"class_{i:02d}" for i in range(k)])
            y, p = names[y], names[p]
        out = {"y": y, "p": p}
        if weighted:
            out["w"] = rng.rand(n) + 0.5
        return out
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

    return roc_auc_score(data["y"], data["s"], sample_weight=data.get("w"))


def _auc_peer(data, state):
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(data["y"], data["s"], sample_weight=data.get("w"))


def _report_ours(data, state):
    from scratchlearn.metrics import classification_report

    return classification_report(data["y"], data["p"], output_dict=True,
                                 sample_weight=data.get("w"))


def _report_peer(data, state):
    from sklearn.metrics import classification_report

    return classification_report(data["y"], data["p"], output_dict=True,
                                 sample_weight=data.get("w"))


def _sil_ours(data, state):
    from scratchlearn.metrics import silhouette_score

    return silhouette_score(data["X"], data["labels"])


def _sil_peer(data, state):
    from sklearn.metrics import silhouette_score

    return silhouette_score(data["X"], data["labels"])


def workloads(quick):
    f = 10 if quick else 1
    out = []
    # (samples, dtype, ties, weighted, name tag): the 2,000,000 and the sizes around it
    auc = [(2_000_000, np.float64, False, False, ""), (500_000, np.float64, False, False, ""),
           (200_000, np.float64, False, False, ""), (20_000, np.float64, False, False, ""),
           (2_000_000, np.float32, False, False, "_f32"), (1_000_000, np.float32, False, False, "_f32"),
           (200_000, np.float32, False, False, "_f32"), (20_000, np.float32, False, False, "_f32"),
           (2_000_000, np.float64, True, False, "_ties"), (1_000_000, np.float64, True, False, "_ties"),
           (200_000, np.float64, True, False, "_ties"), (20_000, np.float64, True, False, "_ties"),
           (2_000_000, np.float64, False, True, "_w"), (200_000, np.float64, False, True, "_w"),
           (20_000, np.float64, False, True, "_w"), (2_000_000, np.float32, False, True, "_f32_w"),
           (200_000, np.float64, True, True, "_ties_w")]
    if not quick:
        auc.append((10_000_000, np.float64, False, False, ""))
    for n, dtype, ties, weighted, tag in auc:
        n //= f
        out.append(Workload(f"roc_auc_{n // 1000}k{tag}", "metrics",
                            f"roc_auc_score {n:,} samples {np.dtype(dtype).name}"
                            + (" (rounded: many ties)" if ties else "")
                            + (", sample_weight" if weighted else ""),
                            _binary_scores(n, dtype, ties, weighted), _auc_ours, _auc_peer,
                            lambda d, r: r, metric="auc"))
    # (samples, classes, string labels, weighted)
    for n, k, strings, weighted in ((2_000_000, 10, False, False), (500_000, 3, False, False),
                                    (1_000_000, 50, False, False), (200_000, 50, False, False),
                                    (200_000, 10, False, False), (20_000, 10, False, False),
                                    (2_000_000, 10, True, False), (200_000, 10, True, False),
                                    (2_000_000, 10, False, True), (200_000, 50, False, True)):
        n //= f
        tag = ("_str" if strings else "") + ("_w" if weighted else "")
        out.append(Workload(f"classification_report_{n // 1000}k_{k}{tag}", "metrics",
                            f"classification_report {n:,} samples, {k} classes"
                            + (", string labels" if strings else "")
                            + (", sample_weight" if weighted else ""),
                            _labels(n, k, strings, weighted), _report_ours, _report_peer,
                            lambda d, r: r["macro avg"]["f1-score"], metric="macro F1"))
    for n, d, k in ((20_000, 20, 8), (10_000, 50, 5), (30_000, 8, 12), (5_000, 50, 6),
                    (5_000, 100, 6), (50_000, 5, 10)):
        n //= f
        out.append(Workload(f"silhouette_{n}x{d}", "metrics",
                            f"silhouette_score {n}x{d}, {k} clusters", _clusters(n, d, k),
                            _sil_ours, _sil_peer, lambda d_, r: r, metric="silhouette",
                            repeats=1 if not quick else 3))
    return out
