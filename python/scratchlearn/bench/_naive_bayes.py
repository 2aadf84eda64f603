"""Benchmark workloads for the naive Bayes family (GaussianNB, MultinomialNB)."""

from __future__ import annotations

import numpy as np

from ._common import Workload


def _gaussian_data(n, d, k, dtype=np.float64):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, k, n)
        centres = rng.randn(k, d)
        X = centres[y]
        X += rng.randn(n, d)
        return {"X": X.astype(dtype, copy=False), "y": y}
    return setup


def _accuracy(data, pred):
    return float(np.mean(pred == data["y"]))


def _fit_predict_ours(data, state):
    from scratchlearn.naive_bayes import GaussianNB

    return GaussianNB().fit(data["X"], data["y"]).predict(data["X"])


def _fit_predict_peer(data, state):
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB().fit(data["X"], data["y"]).predict(data["X"])


def _fit_ours(data, state):
    from scratchlearn.naive_bayes import GaussianNB

    return GaussianNB().fit(data["X"], data["y"])


def _fit_peer(data, state):
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB().fit(data["X"], data["y"])


def _predict_ours(data, model):
    return model.predict(data["X"])


def _predict_peer(data, model):
    return model.predict(data["X"])


def _fit_score(data, model):
    return float(np.mean(model.predict(data["X"][:20000]) == data["y"][:20000]))


def _text_data(n, d, k, density):
    def setup():
        rng = np.random.RandomState(0)
        y = rng.randint(0, k, n)
        # Word counts: each class prefers its own slice of the vocabulary.
        # Built row block by row block to keep the dense intermediate small.
        from scipy import sparse  # benchmark-only dependency

        blocks = []
        for s in range(0, n, 10_000):
            yb = y[s:s + 10_000]
            m = len(yb)
            Xb = rng.poisson(0.01, size=(m, d)).astype(np.float64)
            boost = rng.rand(m, d) < density
            cols = (np.arange(d)[None, :] % k) == yb[:, None]
            Xb += (boost & cols) * 2.0
            blocks.append(sparse.csr_matrix(Xb))
        return {"X": sparse.vstack(blocks).tocsr(), "y": y}
    return setup


def _mnb_ours(data, state):
    from scratchlearn.naive_bayes import MultinomialNB

    return MultinomialNB().fit(data["X"], data["y"]).predict(data["X"])


def _mnb_peer(data, state):
    from sklearn.naive_bayes import MultinomialNB

    return MultinomialNB().fit(data["X"], data["y"]).predict(data["X"])


def workloads(quick: bool) -> list[Workload]:
    n = 50_000 if quick else 1_000_000
    d, k = 50, 10
    n_text = 5_000 if quick else 100_000
    d_text = 2_000 if quick else 20_000
    out = [
        Workload(
            name="gaussiannb_fit_predict_f64",
            family="naive_bayes",
            description=f"GaussianNB fit + predict {n}x{d}, {k} classes",
            setup=_gaussian_data(n, d, k),
            ours=_fit_predict_ours,
            peer=_fit_predict_peer,
            score=_accuracy,
            metric="accuracy",
        ),
        Workload(
            name="gaussiannb_fit_f64",
            family="naive_bayes",
            description=f"GaussianNB fit {n}x{d}, {k} classes",
            setup=_gaussian_data(n, d, k),
            ours=_fit_ours,
            peer=_fit_peer,
            score=_fit_score,
            metric="accuracy",
        ),
        Workload(
            name="gaussiannb_predict_f64",
            family="naive_bayes",
            description=f"GaussianNB predict {n}x{d}, {k} classes",
            setup=_gaussian_data(n, d, k),
            prepare_ours=lambda data: _fit_ours(data, None),
            prepare_peer=lambda data: _fit_peer(data, None),
            ours=_predict_ours,
            peer=_predict_peer,
            score=_accuracy,
            metric="accuracy",
        ),
        Workload(
            name="gaussiannb_fit_predict_f32",
            family="naive_bayes",
            description=f"GaussianNB fit + predict {n}x{d} float32, {k} classes",
            setup=_gaussian_data(n, d, k, np.float32),
            ours=_fit_predict_ours,
            peer=_fit_predict_peer,
            score=_accuracy,
            metric="accuracy",
        ),
        Workload(
            name="multinomialnb_fit_predict_sparse",
            family="naive_bayes",
            description=f"MultinomialNB fit + predict, CSR word counts {n_text}x{d_text}, 20 classes",
            setup=_text_data(n_text, d_text, 20, 0.05),
            ours=_mnb_ours,
            peer=_mnb_peer,
            score=_accuracy,
            metric="accuracy",
        ),
    ]
    return out
