import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn import datasets
from sklearn import naive_bayes as sk

from scratchlearn import _core
from scratchlearn import naive_bayes as sl
from scratchlearn.exceptions import NotFittedError

DTYPES = [np.float64, np.float32]


def _tol(dtype):
    return dict(rtol=1e-9, atol=1e-9) if dtype == np.float64 else dict(rtol=2e-4, atol=2e-4)


def _gaussian_data(rng, n=600, d=6, k=3):
    y = rng.randint(0, k, n)
    centres = rng.randn(k, d) * 2
    X = centres[y] + rng.randn(n, d) * (1 + rng.rand(d))
    return X + 10, y


def _assert_gaussian_equal(ours, ref, X, dtype):
    tol = _tol(dtype)
    assert_array_equal(ours.classes_, ref.classes_)
    assert_allclose(ours.class_count_, ref.class_count_, **tol)
    assert_allclose(ours.class_prior_, ref.class_prior_, **tol)
    assert_allclose(ours.theta_, ref.theta_, **tol)
    assert_allclose(ours.var_, ref.var_, **tol)
    assert ours.epsilon_ == pytest.approx(ref.epsilon_, rel=tol["rtol"])
    assert ours.theta_.dtype == dtype and ours.var_.dtype == dtype
    jtol = dict(rtol=1e-9, atol=1e-8) if dtype == np.float64 else dict(rtol=1e-3, atol=2e-2)
    assert_allclose(ours.predict_joint_log_proba(X), ref.predict_joint_log_proba(X), **jtol)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9 if dtype == np.float64 else 1e-3)
    assert np.mean(ours.predict(X) == ref.predict(X)) >= (1.0 if dtype == np.float64 else 0.995)


# ----------------------------------------------------------------------------------- GaussianNB


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_random(rng, dtype, weighted):
    X, y = _gaussian_data(rng)
    X = X.astype(dtype)
    sw = rng.rand(len(y)) if weighted else None
    ours = sl.GaussianNB().fit(X, y, sample_weight=sw)
    ref = sk.GaussianNB().fit(X, y, sample_weight=sw)
    _assert_gaussian_equal(ours, ref, X, dtype)
    proba = ours.predict_proba(X)
    assert proba.dtype == dtype
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_digits])
def test_gaussian_real_data(dtype, loader):
    X, y = loader(return_X_y=True)
    X = X.astype(dtype)
    ours = sl.GaussianNB().fit(X, y)
    ref = sk.GaussianNB().fit(X, y)
    _assert_gaussian_equal(ours, ref, X, dtype)
    assert ours.score(X, y) == pytest.approx(ref.score(X, y), abs=0.002)


def test_gaussian_string_labels_and_priors(rng):
    X, y = _gaussian_data(rng, k=3)
    labels = np.array(["b", "a", "c"])[y]
    ours = sl.GaussianNB(priors=[0.2, 0.3, 0.5], var_smoothing=1e-3).fit(X, labels)
    ref = sk.GaussianNB(priors=[0.2, 0.3, 0.5], var_smoothing=1e-3).fit(X, labels)
    _assert_gaussian_equal(ours, ref, X, np.float64)
    assert set(ours.predict(X)) <= {"a", "b", "c"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_partial_fit_equals_fit(rng, dtype):
    X, y = _gaussian_data(rng, n=900)
    X = X.astype(dtype)
    sw = rng.rand(len(y))
    full = sl.GaussianNB().fit(X, y, sample_weight=sw)
    part = sl.GaussianNB()
    ref = sk.GaussianNB()
    for s in range(0, 900, 300):
        part.partial_fit(X[s:s + 300], y[s:s + 300], classes=[0, 1, 2], sample_weight=sw[s:s + 300])
        ref.partial_fit(X[s:s + 300], y[s:s + 300], classes=[0, 1, 2], sample_weight=sw[s:s + 300])
    tol = _tol(dtype)
    assert_allclose(part.theta_, full.theta_, **tol)
    # var_ differs from a single fit only through epsilon_ (scikit-learn's batch-wise epsilon).
    assert_allclose(part.var_ - part.epsilon_, full.var_ - full.epsilon_, **tol)
    assert_allclose(part.class_count_, full.class_count_, **tol)
    _assert_gaussian_equal(part, ref, X, dtype)


def test_gaussian_partial_fit_class_missing_in_batch(rng):
    X, y = _gaussian_data(rng, k=4)
    ours, ref = sl.GaussianNB(), sk.GaussianNB()
    first = y != 3
    for est in (ours, ref):
        est.partial_fit(X[first], y[first], classes=np.arange(4))
        est.partial_fit(X[~first], y[~first])
    _assert_gaussian_equal(ours, ref, X, np.float64)


def test_gaussian_large_offsets_float32(rng):
    # Large means and small spreads: the expanded form must not lose the differences.
    X, y = _gaussian_data(rng, n=400, d=5)
    X = (X * 0.01 + 1000).astype(np.float32)
    ours = sl.GaussianNB().fit(X, y)
    ref = sk.GaussianNB().fit(X.astype(np.float64), y)
    jll_ref = ref.predict_joint_log_proba(X.astype(np.float64))
    assert_allclose(ours.predict_joint_log_proba(X), jll_ref, rtol=1e-3, atol=0.1)
    assert np.mean(ours.predict(X) == ref.predict(X)) >= 0.99


def test_gaussian_threads_identical(rng):
    X, y = _gaussian_data(rng, n=5000, d=7, k=5)
    sw = rng.rand(len(y))
    cls = y.astype(np.int64)
    for dtype in DTYPES:
        Xd = X.astype(dtype)
        a = _core.nb_class_moments(Xd, cls, 5, sw.astype(dtype), 1)
        b = _core.nb_class_moments(Xd, cls, 5, sw.astype(dtype), 2)
        for u, v in zip(a, b):
            assert_array_equal(u, v)
        m = sl.GaussianNB().fit(Xd, y)
        j1 = _core.nb_gaussian_jll(Xd, m.theta_, m.var_, np.log(m.class_prior_).astype(dtype), 1)
        j2 = _core.nb_gaussian_jll(Xd, m.theta_, m.var_, np.log(m.class_prior_).astype(dtype), 2)
        assert_array_equal(j1, j2)


def test_gaussian_rejects(rng):
    X, y = _gaussian_data(rng, n=60)
    with pytest.raises(ValueError, match="var_smoothing"):
        sl.GaussianNB(var_smoothing=-1).fit(X, y)
    with pytest.raises(ValueError, match="Number of priors must match number of classes"):
        sl.GaussianNB(priors=[0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="The sum of the priors should be 1"):
        sl.GaussianNB(priors=[0.5, 0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="Priors must be non-negative"):
        sl.GaussianNB(priors=[-0.5, 0.5, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        sl.GaussianNB().partial_fit(X, y)
    est = sl.GaussianNB().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="is not the same as on last call"):
        est.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"do not exist in the initial classes"):
        est.partial_fit(X, y + 5)
    with pytest.raises(ValueError, match="X has 5 features, but GaussianNB is expecting 6"):
        est.partial_fit(X[:, :5], y)
    with pytest.raises(ValueError, match="X has 5 features, but GaussianNB is expecting 6"):
        est.predict(X[:, :5])
    with pytest.raises(ValueError, match="Unknown label type"):
        sl.GaussianNB().fit(X, rng.rand(60))
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sl.GaussianNB().fit(Xn, y)
    with pytest.raises(ValueError, match="at least one non-zero"):
        sl.GaussianNB().fit(X, y, sample_weight=np.zeros(60))
    with pytest.raises(ValueError, match=r"sample_weight.shape"):
        sl.GaussianNB().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(NotFittedError):
        sl.GaussianNB().predict(X)


def test_core_rejects_bad_class_index():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="class index out of range"):
        _core.nb_class_moments(X, np.array([0, 1, 5, 0]), 2, None, 1)
    with pytest.raises(ValueError, match="differ in length"):
        _core.nb_class_moments(X, np.array([0, 1]), 2, None, 1)


# ------------------------------------------------------------------- MultinomialNB, BernoulliNB

import scipy.sparse as scipy_sparse  # noqa: E402  (test dependency: a missing one is an error, not a skip)

DISCRETE = [(sl.MultinomialNB, sk.MultinomialNB), (sl.BernoulliNB, sk.BernoulliNB)]

_WORDS = {
    0: "ball goal team match player score win league coach stadium season",
    1: "vote party election minister law senate policy campaign government debate",
    2: "cpu code compiler memory kernel thread cache python bug release",
}


def _corpus(rng, n_docs=60):
    """A made-up corpus: documents drawn mostly from their topic's words, some shared words."""
    shared = "the a of and to in is it".split()
    docs, labels = [], []
    for i in range(n_docs):
        topic = i % 3
        words = _WORDS[topic].split()
        other = _WORDS[(topic + 1) % 3].split()
        n = rng.randint(5, 15)
        doc = [words[rng.randint(len(words))] if rng.rand() < 0.7 else
               (shared[rng.randint(len(shared))] if rng.rand() < 0.8 else other[rng.randint(len(other))])
               for _ in range(n)]
        docs.append(" ".join(doc))
        labels.append(["sport", "politics", "tech"][topic])
    return docs, np.array(labels)


def _count_matrix(docs):
    """Tokenise on whitespace and count: (CSR word-count matrix, vocabulary)."""
    vocab = sorted({w for d in docs for w in d.split()})
    index = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for r, d in enumerate(docs):
        for w in d.split():
            rows.append(r)
            cols.append(index[w])
    data = np.ones(len(rows))
    X = scipy_sparse.csr_matrix((data, (rows, cols)), shape=(len(docs), len(vocab)))
    X.sum_duplicates()
    return X, vocab


def _assert_discrete_equal(ours, ref, X, dtype):
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    assert_array_equal(ours.classes_, ref.classes_)
    assert_allclose(ours.class_count_, ref.class_count_, **tol)
    assert_allclose(ours.feature_count_, ref.feature_count_, **tol)
    assert_allclose(ours.feature_log_prob_, ref.feature_log_prob_, **tol)
    assert_allclose(ours.class_log_prior_, ref.class_log_prior_, **tol)
    jtol = dict(rtol=1e-10, atol=1e-9) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-3)
    assert_allclose(ours.predict_joint_log_proba(X), ref.predict_joint_log_proba(X), **jtol)
    assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X), **jtol)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9 if dtype == np.float64 else 1e-4)
    assert_array_equal(ours.predict(X), ref.predict(X))


def _counts(rng, n=300, d=40, k=4):
    y = rng.randint(0, k, n)
    rates = rng.gamma(1.0, 1.0, size=(k, d))
    X = rng.poisson(rates[y]).astype(np.float64)
    X[rng.rand(n, d) < 0.5] = 0  # sparse-ish
    return X, y


@pytest.mark.parametrize("ours_cls,ref_cls", DISCRETE)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sparse", [False, True])
def test_discrete_random(rng, ours_cls, ref_cls, dtype, sparse):
    X, y = _counts(rng)
    sw = rng.rand(len(y))
    X = X.astype(dtype)
    Xin = scipy_sparse.csr_matrix(X) if sparse else X
    for params in ({}, {"alpha": 0.3, "fit_prior": False}, {"class_prior": [0.1, 0.2, 0.3, 0.4]}):
        if ours_cls is sl.BernoulliNB:
            params = dict(params, binarize=1.0)
        ours = ours_cls(**params).fit(Xin, y, sample_weight=sw)
        ref = ref_cls(**params).fit(Xin, y, sample_weight=sw)
        _assert_discrete_equal(ours, ref, Xin, dtype)
        # Sparse equals dense.
        dense = ours_cls(**params).fit(X, y, sample_weight=sw)
        assert_allclose(dense.feature_count_, ours.feature_count_, rtol=1e-12)
        assert_allclose(dense.predict_joint_log_proba(X), ours.predict_joint_log_proba(Xin),
                        rtol=1e-12 if dtype == np.float64 else 1e-5, atol=1e-4)


@pytest.mark.parametrize("ours_cls,ref_cls", DISCRETE)
@pytest.mark.parametrize("dtype", DTYPES)
def test_discrete_text_corpus(rng, ours_cls, ref_cls, dtype):
    docs, labels = _corpus(rng)
    X, vocab = _count_matrix(docs)
    X = X.astype(dtype)
    ours = ours_cls().fit(X, labels)
    ref = ref_cls().fit(X, labels)
    _assert_discrete_equal(ours, ref, X, dtype)
    test_docs = ["goal goal team", "election law vote", "python thread bug cache", "the of and"]
    index = {w: i for i, w in enumerate(vocab)}
    rows = [[index[w] for w in d.split() if w in index] for d in test_docs]
    T = scipy_sparse.csr_matrix(
        (np.ones(sum(map(len, rows))), ([r for r, ws in enumerate(rows) for _ in ws],
                                        [c for ws in rows for c in ws])),
        shape=(len(test_docs), len(vocab))).astype(dtype)
    assert_array_equal(ours.predict(T), ref.predict(T))
    assert list(ours.predict(T[:3])) == ["sport", "politics", "tech"]
    assert ours.score(X, labels) > 0.9


@pytest.mark.parametrize("ours_cls,ref_cls", DISCRETE)
@pytest.mark.parametrize("dtype", DTYPES)
def test_discrete_real_data(ours_cls, ref_cls, dtype):
    for loader in (datasets.load_iris, datasets.load_digits):
        X, y = loader(return_X_y=True)
        X = X.astype(dtype)
        params = {"binarize": 4.0} if ours_cls is sl.BernoulliNB else {}
        ours = ours_cls(**params).fit(X, y)
        ref = ref_cls(**params).fit(X, y)
        _assert_discrete_equal(ours, ref, X, dtype)


@pytest.mark.parametrize("ours_cls,ref_cls", DISCRETE)
@pytest.mark.parametrize("sparse", [False, True])
def test_discrete_partial_fit_equals_fit(rng, ours_cls, ref_cls, sparse):
    X, y = _counts(rng, n=450)
    sw = rng.rand(len(y))
    Xin = scipy_sparse.csr_matrix(X) if sparse else X
    full = ours_cls().fit(Xin, y, sample_weight=sw)
    part, ref = ours_cls(), ref_cls()
    for s in range(0, 450, 150):
        for est in (part, ref):
            est.partial_fit(Xin[s:s + 150], y[s:s + 150], classes=np.arange(4),
                            sample_weight=sw[s:s + 150])
    assert_allclose(part.feature_count_, full.feature_count_, rtol=1e-12)
    assert_allclose(part.class_count_, full.class_count_, rtol=1e-12)
    assert_allclose(part.feature_log_prob_, full.feature_log_prob_, rtol=1e-12)
    _assert_discrete_equal(part, ref, Xin, np.float64)


def test_discrete_alpha_options(rng):
    X, y = _counts(rng)
    alpha = rng.rand(X.shape[1]) + 0.1
    _assert_discrete_equal(sl.MultinomialNB(alpha=alpha).fit(X, y),
                           sk.MultinomialNB(alpha=alpha).fit(X, y), X, np.float64)
    # BernoulliNB with one alpha per feature (scikit-learn raises a broadcasting error here).
    bnb = sl.BernoulliNB(alpha=alpha).fit(X, y)
    counts = np.array([(X[y == c] > 0).sum(axis=0) for c in range(4)])
    n_c = np.bincount(y)[:, None]
    assert_allclose(bnb.feature_log_prob_, np.log((counts + alpha) / (n_c + 2 * alpha)), rtol=1e-12)
    for ours_cls, ref_cls in DISCRETE:
        with pytest.warns(UserWarning, match="alpha too small"):
            ours = ours_cls(alpha=0.0, force_alpha=False).fit(X, y)
        with pytest.warns(UserWarning, match="alpha too small"):
            ref = ref_cls(alpha=0.0, force_alpha=False).fit(X, y)
        _assert_discrete_equal(ours, ref, X, np.float64)
    # binarize=None: the data are taken as binary already.
    B = (X > 0).astype(float)
    _assert_discrete_equal(sl.BernoulliNB(binarize=None).fit(B, y),
                           sk.BernoulliNB(binarize=None).fit(B, y), B, np.float64)


def test_discrete_threads_identical(rng):
    X, y = _counts(rng, n=6000, d=30, k=5)
    cls = y.astype(np.int64)
    sw = rng.rand(len(y))
    S = scipy_sparse.csr_matrix(X)
    a = _core.nb_class_sums(X, cls, 5, sw, 1)
    assert_array_equal(a, _core.nb_class_sums(X, cls, 5, sw, 2))
    b = _core.nb_class_sums_csr(S.data, S.indices, S.indptr, *S.shape, cls, 5, sw, 1)
    assert_array_equal(b, _core.nb_class_sums_csr(S.data, S.indices, S.indptr, *S.shape, cls, 5, sw, 2))
    assert_allclose(a, b, rtol=1e-12)
    W, bias = rng.randn(5, 30), rng.randn(5)
    l1 = _core.nb_linear_csr(S.data, S.indices, S.indptr, *S.shape, W, bias, 1)
    assert_array_equal(l1, _core.nb_linear_csr(S.data, S.indices, S.indptr, *S.shape, W, bias, 2))
    assert_allclose(l1, X @ W.T + bias, rtol=1e-10, atol=1e-10)
    assert_array_equal(_core.nb_linear(X, W, bias, 1), _core.nb_linear(X, W, bias, 2))


def test_log_normalize_stable():
    a = np.array([[1000.0, 1000.0], [-1000.0, -1001.0], [0.0, -np.inf]])
    log_p, lse = _core.nb_log_normalize(a, 1)
    assert_allclose(np.exp(log_p).sum(axis=1), 1.0)
    assert_allclose(log_p[0], np.log([0.5, 0.5]))
    assert_allclose(lse[1], -1000 + np.log1p(np.exp(-1.0)))
    assert log_p[2, 1] == -np.inf


def test_discrete_rejects(rng):
    X, y = _counts(rng, n=60)
    with pytest.raises(ValueError, match="Negative values in data passed to MultinomialNB"):
        sl.MultinomialNB().fit(X - 1, y)
    with pytest.raises(ValueError, match="Negative values in data passed to MultinomialNB"):
        sl.MultinomialNB().fit(scipy_sparse.csr_matrix(X - 1), y)
    with pytest.raises(ValueError, match="Cannot binarize a sparse matrix with threshold < 0"):
        sl.BernoulliNB(binarize=-1.0).fit(scipy_sparse.csr_matrix(X), y)
    for cls in (sl.MultinomialNB, sl.BernoulliNB):
        name = cls.__name__
        with pytest.raises(ValueError, match=f"'alpha' parameter of {name}"):
            cls(alpha=-1.0).fit(X, y)
        with pytest.raises(ValueError, match=f"'fit_prior' parameter of {name}"):
            cls(fit_prior="yes").fit(X, y)
        with pytest.raises(ValueError, match="When alpha is an array, it should contains `n_features`"):
            cls(alpha=np.ones(3)).fit(X, y)
        with pytest.raises(ValueError, match="All values in alpha must be greater than 0"):
            cls(alpha=-np.ones(X.shape[1])).fit(X, y)
        with pytest.raises(ValueError, match="Number of priors must match number of classes"):
            cls(class_prior=[0.5, 0.5]).fit(X, y)
        with pytest.raises(ValueError, match="classes must be passed on the first call"):
            cls().partial_fit(X, y)
        est = cls().fit(X, y)
        with pytest.raises(ValueError, match=r"do not exist in the initial classes"):
            est.partial_fit(X, y + 10)
        with pytest.raises(ValueError, match=f"X has 39 features, but {name} is expecting 40"):
            est.predict(X[:, 1:])
        with pytest.raises(ValueError, match=f"X has 39 features, but {name} is expecting 40"):
            est.partial_fit(X[:, 1:], y)
        with pytest.raises(ValueError, match="at least one non-zero"):
            cls().fit(X, y, sample_weight=np.zeros(60))
        with pytest.raises(NotFittedError):
            cls().predict_proba(X)
    with pytest.raises(ValueError, match="'binarize' parameter of BernoulliNB"):
        sl.BernoulliNB(binarize="x").fit(X, y)


def test_core_rejects_bad_csr():
    data = np.ones(3)
    with pytest.raises(ValueError, match="column index out of range"):
        _core.nb_class_sums_csr(data, np.array([0, 1, 9]), np.array([0, 2, 3]), 2, 3,
                                np.array([0, 1]), 2, None, 1)
    with pytest.raises(ValueError, match="indptr must have n_rows"):
        _core.nb_linear_csr(data, np.array([0, 1, 2]), np.array([0, 3]), 2, 3, np.ones((2, 3)),
                            np.zeros(2), 1)
    with pytest.raises(ValueError, match="non-decreasing"):
        _core.nb_linear_csr(data, np.array([0, 1, 2]), np.array([0, 3, 1]), 2, 3, np.ones((2, 3)),
                            np.zeros(2), 1)


@pytest.mark.parametrize("labels", [
    np.array([-3, 7, 2]),                 # negative and unsorted integers
    np.array([True, False, True]),        # booleans
    np.array([10**12, 0, 5], np.int64),   # a range too wide for the bincount path
    np.array([1.0, 2.0, 3.0]),            # integral floats
    np.array(["x", "y", "z"], object),    # objects
])
def test_label_encodings(rng, labels):
    X, y = _gaussian_data(rng, n=90, k=3)
    yl = labels[y]
    for ours_cls, ref_cls in [(sl.GaussianNB, sk.GaussianNB), (sl.MultinomialNB, sk.MultinomialNB)]:
        Xin = np.abs(X) if ours_cls is sl.MultinomialNB else X
        ours = ours_cls().fit(Xin, yl)
        ref = ref_cls().fit(Xin, yl)
        assert_array_equal(ours.classes_, ref.classes_)
        if labels.dtype != object:
            assert ours.classes_.dtype == ref.classes_.dtype
        assert_array_equal(ours.predict(Xin), ref.predict(Xin))
        assert_allclose(ours.predict_proba(Xin), ref.predict_proba(Xin), atol=1e-9)


def test_pickled_models_predict(rng):
    import pickle

    X, y = _gaussian_data(rng, n=90)
    for est in (sl.GaussianNB(), sl.MultinomialNB(), sl.BernoulliNB()):
        Xin = np.abs(X)
        est.fit(Xin, y)
        again = pickle.loads(pickle.dumps(est))
        assert_array_equal(again.predict_proba(Xin), est.predict_proba(Xin))
