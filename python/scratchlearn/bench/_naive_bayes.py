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


def _text_data(n, d, k, words_per_doc=100, topical=0.3):
    """Synthetic word counts in CSR form: each document draws words_per_doc tokens, a fraction
    `topical` of them from its class's own slice of the vocabulary, the rest from a Zipf-like
    distribution over the whole vocabulary."""
    def setup():
        from scipy import sparse  # benchmark-only dependency

        rng = np.random.RandomState(0)
        y = rng.randint(0, k, n)
        m = words_per_doc
        n_top = int(m * topical)
        ranks = np.arange(1, d + 1, dtype=np.float64)
        p = 1.0 / ranks
        p /= p.sum()
        common = rng.choice(d, size=(n, m - n_top), p=p)
        width = d // k
        topical_words = y[:, None] * width + rng.randint(0, width, size=(n, n_top))
        cols = np.concatenate([common, topical_words], axis=1).ravel()
        rows = np.repeat(np.arange(n), m)
        X = sparse.csr_matrix((np.ones(n * m), (rows, cols)), shape=(n, d))
        X.sum_duplicates()
        return {"X": X, "y": y}
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
            setup=_text_data(n_text, d_text, 20),
            ours=_mnb_ours,
            peer=_mnb_peer,
            score=_accuracy,
            metric="accuracy",
        ),
    ]
    return out
