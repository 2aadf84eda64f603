"""scratchlearn.svm against scikit-learn: kernel SVMs (SMO) and linear SVMs (dual CD)."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import svm as sk
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification
from sklearn.preprocessing import StandardScaler

from scratchlearn import svm
from scratchlearn._core import svm as core

KERNELS = ["linear", "poly", "rbf", "sigmoid"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.9 deprecates probability
        yield


def _binary(n=240, d=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = (X[:, 0] + X[:, 1] ** 2 + 0.5 * rng.randn(n) > 1).astype(int)
    return X, y


def _regression(n=240, d=5, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = 2 * X[:, 0] + np.sin(2 * X[:, 1]) + 0.2 * rng.randn(n)
    return X, y


def _scaled(loader, max_rows=None):
    X, y = loader(return_X_y=True)
    if max_rows:
        X, y = X[:max_rows], y[:max_rows]
    return StandardScaler().fit_transform(X), y


def _kernel_kw(kernel):
    # sigmoid needs a small gamma to stay a sensible kernel on standardised data
    return {"gamma": 0.05} if kernel == "sigmoid" else {}


def _rel(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12)


def _assert_same_model(ours, ref, dec_rtol=1e-3, X=None, margin_ok=0):
    """Same support vectors (up to `margin_ok` points on the margin), close decision values."""
    diff = set(ours.support_) ^ set(ref.support_)
    assert len(diff) <= margin_ok, f"support vectors differ: {sorted(diff)[:10]}"
    if X is not None:
        assert _rel(ours.decision_function(X), ref.decision_function(X)) < dec_rtol


# ------------------------------------------------------------------ SVC


@pytest.mark.parametrize("kernel", KERNELS)
def test_svc_binary_matches_sklearn(kernel):
    X, y = _binary()
    kw = _kernel_kw(kernel)
    ours = svm.SVC(kernel=kernel, **kw).fit(X, y)
    ref = sk.SVC(kernel=kernel, **kw).fit(X, y)
    assert_array_equal(ours.support_, ref.support_)
    assert_array_equal(ours.n_support_, ref.n_support_)
    assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=1e-6, atol=1e-8)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-6, atol=1e-8)
    assert_array_equal(ours.predict(X), ref.predict(X))
    assert_allclose(ours.support_vectors_, ref.support_vectors_)
    assert ours.shape_fit_ == ref.shape_fit_
    assert ours.fit_status_ == 0
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    assert ours._gamma == pytest.approx(ref._gamma)
    if kernel == "linear":
        assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    else:
        with pytest.raises(AttributeError, match="linear kernel"):
            ours.coef_


@pytest.mark.parametrize(
    "loader,max_rows,kw",
    [
        (load_iris, None, {}),
        (load_wine, None, {}),
        (load_breast_cancer, None, {"C": 10.0}),
        (load_digits, 600, {}),
    ],
)
@pytest.mark.parametrize("kernel", KERNELS)
def test_svc_real_data_matches_sklearn(loader, max_rows, kw, kernel):
    X, y = _scaled(loader, max_rows)
    kw = {**kw, **_kernel_kw(kernel)}
    ours = svm.SVC(kernel=kernel, **kw).fit(X, y)
    ref = sk.SVC(kernel=kernel, **kw).fit(X, y)
    _assert_same_model(ours, ref, X=X, margin_ok=2)
    assert np.mean(ours.predict(X) == ref.predict(X)) >= 0.995
    assert_array_equal(ours.classes_, ref.classes_)
    assert ours.dual_coef_.shape == ref.dual_coef_.shape or abs(ours.dual_coef_.shape[1] - ref.dual_coef_.shape[1]) <= 2
    dec_o = svm.SVC(kernel=kernel, decision_function_shape="ovo", **kw).fit(X, y).decision_function(X)
    dec_r = sk.SVC(kernel=kernel, decision_function_shape="ovo", **kw).fit(X, y).decision_function(X)
    assert _rel(dec_o, dec_r) < 1e-3


def test_svc_multiclass_layout_exact():
    X, y = _scaled(load_iris)
    ours = svm.SVC(gamma=0.3, C=2.0).fit(X, y)
    ref = sk.SVC(gamma=0.3, C=2.0).fit(X, y)
    assert_array_equal(ours.support_, ref.support_)
    assert_array_equal(ours.n_support_, ref.n_support_)
    assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=1e-6, atol=1e-9)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-9)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-6, atol=1e-9)
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    lin = svm.SVC(kernel="linear").fit(X, y)
    assert_allclose(lin.coef_, sk.SVC(kernel="linear").fit(X, y).coef_, rtol=1e-5, atol=1e-8)


def test_svc_string_labels_and_break_ties():
    X, y = _scaled(load_wine)
    labels = np.array(["a", "b", "c"])[y]
    ours = svm.SVC(break_ties=True).fit(X, labels)
    ref = sk.SVC(break_ties=True).fit(X, labels)
    assert_array_equal(ours.predict(X), ref.predict(X))
    with pytest.raises(ValueError, match="break_ties must be False"):
        svm.SVC(break_ties=True, decision_function_shape="ovo").fit(X, labels).predict(X)


@pytest.mark.parametrize("kernel", KERNELS)
def test_svc_every_kernel_path_matches_sklearn(isa, kernel):
    """The kernel rows and the selection of j on each kernel path (the vector units' blocks, single
    vectors and plain-loop tails: 613 points fill two chunks of 256 and leave an odd tail), in both
    precisions, against scikit-learn."""
    X, y = _binary(n=613, d=7, seed=3)
    kw = _kernel_kw(kernel)
    ref = sk.SVC(kernel=kernel, **kw).fit(X, y)
    ours = svm.SVC(kernel=kernel, **kw).fit(X, y)
    assert_array_equal(ours.support_, ref.support_)
    assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=1e-6, atol=1e-8)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    X32 = X.astype(np.float32)
    ours32 = svm.SVC(kernel=kernel, **kw).fit(X32, y)
    assert _rel(ours32.decision_function(X32), ref.decision_function(X)) < 1e-3
    assert len(set(ours32.support_) ^ set(ref.support_)) <= 6


@pytest.mark.parametrize("kernel", KERNELS)
def test_svc_float32(kernel):
    X, y = _binary()
    kw = _kernel_kw(kernel)
    X32 = X.astype(np.float32)
    ours = svm.SVC(kernel=kernel, **kw).fit(X32, y)
    ref = sk.SVC(kernel=kernel, **kw).fit(X, y)
    dec = ours.decision_function(X32)
    assert dec.dtype == np.float32
    assert ours.support_vectors_.dtype == np.float32
    assert _rel(dec, ref.decision_function(X)) < 1e-3
    assert np.mean(ours.predict(X32) == ref.predict(X)) >= 0.99
    assert len(set(ours.support_) ^ set(ref.support_)) <= 3


def test_class_weight_and_sample_weight():
    X, y = _binary()
    w = np.random.RandomState(3).uniform(0.2, 2.0, len(y))
    for kw in [{"class_weight": {0: 1.0, 1: 3.0}}, {"class_weight": "balanced"}, {}]:
        ours = svm.SVC(**kw).fit(X, y, sample_weight=w)
        ref = sk.SVC(**kw).fit(X, y, sample_weight=w)
        assert_array_equal(ours.support_, ref.support_)
        assert_allclose(ours.class_weight_, ref.class_weight_)
        assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-6, atol=1e-8)
    # a zero weight removes the sample
    w0 = w.copy()
    w0[:20] = 0
    ours = svm.SVC().fit(X, y, sample_weight=w0)
    ref = sk.SVC().fit(X, y, sample_weight=w0)
    # scikit-learn's support_ then indexes the rows left after dropping the zero weights; ours
    # indexes X itself (the same support vectors).
    assert_array_equal(ours.support_, np.flatnonzero(w0 > 0)[ref.support_])
    assert_allclose(ours.support_vectors_, ref.support_vectors_)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-6, atol=1e-8)
    assert not set(ours.support_) & set(range(20))
    Xr, yr = _regression()
    for cls, ref_cls in [(svm.SVR, sk.SVR), (svm.NuSVR, sk.NuSVR), (svm.OneClassSVM, sk.OneClassSVM)]:
        o = cls().fit(Xr, yr, sample_weight=w)
        r = ref_cls().fit(Xr, yr, sample_weight=w)
        assert_array_equal(o.support_, r.support_)
        assert_allclose(o.intercept_, r.intercept_, rtol=1e-5, atol=1e-8)
    o = svm.NuSVC(nu=0.3, tol=1e-5).fit(X, y, sample_weight=w)
    r = sk.NuSVC(nu=0.3, tol=1e-5).fit(X, y, sample_weight=w)
    assert len(set(o.support_) ^ set(r.support_)) <= 2
    assert _rel(o.decision_function(X), r.decision_function(X)) < 1e-3


# ------------------------------------------------------------------ NuSVC, SVR, NuSVR, OneClassSVM


@pytest.mark.parametrize("kernel", KERNELS)
def test_nusvc_matches_sklearn(kernel):
    X, y = _binary()
    kw = _kernel_kw(kernel)
    ours = svm.NuSVC(kernel=kernel, **kw).fit(X, y)
    ref = sk.NuSVC(kernel=kernel, **kw).fit(X, y)
    _assert_same_model(ours, ref, X=X)
    assert_array_equal(ours.predict(X), ref.predict(X))
    # nu-SVC divides the coefficients by the solver's multiplier r, an average of gradients known
    # only to about tol; the two SMO paths may part on rounding-level differences of the kernel
    # values, so on real data the decision values are compared once both solvers converge tightly.
    Xw, yw = _scaled(load_wine)
    o = svm.NuSVC(nu=0.3, kernel=kernel, tol=1e-5, **kw).fit(Xw, yw)
    r = sk.NuSVC(nu=0.3, kernel=kernel, tol=1e-5, **kw).fit(Xw, yw)
    assert_array_equal(o.predict(Xw), r.predict(Xw))
    assert _rel(o.decision_function(Xw), r.decision_function(Xw)) < 1e-3


def test_nusvc_infeasible_nu():
    X, y = _binary()
    y = np.r_[np.zeros(230, int), np.ones(10, int)]
    with pytest.raises(ValueError, match="specified nu is infeasible"):
        svm.NuSVC(nu=0.9).fit(X, y)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_svr_and_nusvr_match_sklearn(kernel, dtype):
    X, y = _regression()
    kw = _kernel_kw(kernel)
    Xd = X.astype(dtype)
    tight = dtype == np.float64
    for ours_cls, ref_cls, extra in [(svm.SVR, sk.SVR, {"epsilon": 0.2}), (svm.NuSVR, sk.NuSVR, {"nu": 0.4})]:
        o = ours_cls(kernel=kernel, **kw, **extra).fit(Xd, y)
        r = ref_cls(kernel=kernel, **kw, **extra).fit(X, y)
        p = o.predict(Xd)
        assert p.dtype == dtype
        assert _rel(p, r.predict(X)) < 1e-3
        assert len(set(o.support_) ^ set(r.support_)) <= (1 if tight else 3)
        assert isinstance(o.n_iter_, int)
        assert_array_equal(o.n_support_, [len(o.support_)])
    if kernel == "linear":
        o = svm.SVR(kernel="linear").fit(X, y)
        assert_allclose(o.coef_, sk.SVR(kernel="linear").fit(X, y).coef_, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("kernel", KERNELS)
def test_one_class_matches_sklearn(kernel):
    X, _ = _regression()
    X = X + 2.0  # away from the origin: the linear one-class problem is degenerate on centred data
    kw = _kernel_kw(kernel)
    o = svm.OneClassSVM(nu=0.2, kernel=kernel, **kw).fit(X)
    r = sk.OneClassSVM(nu=0.2, kernel=kernel, **kw).fit(X)
    assert len(set(o.support_) ^ set(r.support_)) <= 1
    assert _rel(o.decision_function(X), r.decision_function(X)) < 1e-3
    assert _rel(o.score_samples(X), r.score_samples(X)) < 1e-3
    assert_allclose(o.offset_, r.offset_, rtol=1e-4)
    assert_array_equal(o.predict(X), r.predict(X))
    assert o.predict(X).dtype == r.predict(X).dtype
    assert_array_equal(o.fit_predict(X), r.fit_predict(X))


# ------------------------------------------------------------------ kernels, cache, threads


def test_precomputed_and_callable_kernels():
    X, y = _scaled(load_iris)
    K = X @ X.T
    pre = svm.SVC(kernel="precomputed").fit(K, y)
    ref = sk.SVC(kernel="precomputed").fit(K, y)
    lin = svm.SVC(kernel="linear").fit(X, y)
    assert_array_equal(pre.support_, ref.support_)
    assert_allclose(pre.decision_function(K), ref.decision_function(K), rtol=1e-6, atol=1e-9)
    assert_allclose(pre.decision_function(K), lin.decision_function(X), rtol=1e-6, atol=1e-9)
    assert pre.support_vectors_.size == 0
    call = svm.SVC(kernel=lambda A, B: A @ B.T).fit(X, y)
    assert_allclose(call.decision_function(X[:30]), lin.decision_function(X[:30]), rtol=1e-6, atol=1e-9)
    assert_array_equal(call.predict(X), lin.predict(X))
    Xr, yr = _regression()
    Kr = np.exp(-0.2 * ((Xr[:, None, :] - Xr[None, :, :]) ** 2).sum(-1))
    o = svm.SVR(kernel="precomputed").fit(Kr, yr)
    r = svm.SVR(kernel="rbf", gamma=0.2).fit(Xr, yr)
    assert_allclose(o.predict(Kr), r.predict(Xr), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="square"):
        svm.SVC(kernel="precomputed").fit(K[:, :100], y)
    with pytest.raises(ValueError):
        pre.predict(K[:, :100])


def test_kernel_matrix_core():
    rng = np.random.RandomState(0)
    A, B = rng.randn(40, 7), rng.randn(30, 7)
    from sklearn.metrics.pairwise import polynomial_kernel, rbf_kernel, sigmoid_kernel

    for name, ref in [
        ("linear", A @ B.T),
        ("rbf", rbf_kernel(A, B, gamma=0.3)),
        ("poly", polynomial_kernel(A, B, degree=3, gamma=0.3, coef0=1.0)),
        ("sigmoid", sigmoid_kernel(A, B, gamma=0.3, coef0=1.0)),
    ]:
        kp = core.KernelParams()
        kp.kernel = getattr(core.Kernel, name)
        kp.gamma, kp.degree, kp.coef0 = 0.3, 3, 1.0
        assert_allclose(core.kernel_matrix(A, B, kp, 2), ref, rtol=1e-10, atol=1e-12)


def test_cache_size_does_not_change_the_model():
    X, y = make_classification(n_samples=600, n_features=8, random_state=1)
    big = svm.SVC(cache_size=200).fit(X, y)
    small = svm.SVC(cache_size=0.01).fit(X, y)  # two rows: every step recomputes
    assert_array_equal(big.support_, small.support_)
    assert_allclose(big.dual_coef_, small.dual_coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(big.intercept_, small.intercept_, rtol=1e-10)
    Xr, yr = _regression(400)
    a = svm.SVR(cache_size=200).fit(Xr, yr)
    b = svm.SVR(cache_size=0.01).fit(Xr, yr)
    assert_allclose(a.dual_coef_, b.dual_coef_, rtol=1e-10, atol=1e-12)


def test_shrinking_off_same_solution():
    X, y = _binary(400)
    a = svm.SVC(shrinking=True, tol=1e-6).fit(X, y)
    b = svm.SVC(shrinking=False, tol=1e-6).fit(X, y)
    r = sk.SVC(shrinking=False, tol=1e-6).fit(X, y)
    assert_array_equal(b.support_, r.support_)
    assert _rel(a.decision_function(X), b.decision_function(X)) < 1e-4


def test_thread_count_does_not_change_results():
    from threadpoolctl import threadpool_limits

    X, y = _scaled(load_digits, 500)
    res = []
    for nt in (1, 2):
        with threadpool_limits(limits=nt, user_api="openmp"):
            m = svm.SVC(probability=True, random_state=0).fit(X, y)
            res.append((m.support_, m.dual_coef_, m.intercept_, m.probA_, m.predict_proba(X[:50]),
                        m.decision_function(X)))
    for a, b in zip(*res):
        assert_array_equal(a, b)


def test_thread_count_does_not_change_probability_with_a_small_store():
    # A store that holds a few dozen of the whole problem's rows: the folds' decision values come
    # partly from stored rows and partly from rows each thread computes for its own held-out rows.
    from threadpoolctl import threadpool_limits

    X, y = make_classification(n_samples=1200, n_features=10, flip_y=0.2, random_state=5)
    res = []
    for nt in (1, 2):
        with threadpool_limits(limits=nt, user_api="openmp"):
            m = svm.SVC(probability=True, random_state=0, cache_size=0.25).fit(X, y)
            res.append((m.probA_, m.probB_, m.predict_proba(X[:100])))
    for a, b in zip(*res):
        assert_array_equal(a, b)
    big = svm.SVC(probability=True, random_state=0).fit(X, y)
    assert_allclose(res[1][0], big.probA_, rtol=1e-6)
    assert_allclose(res[1][1], big.probB_, rtol=1e-6, atol=1e-9)
    ref = sk.SVC(probability=True, random_state=0).fit(X, y)
    assert np.mean(np.abs(big.predict_proba(X) - ref.predict_proba(X))) < 0.05


def test_thread_count_does_not_change_results_with_helper_threads():
    # Problems of 4096 variables or more share the solver's passes with helper threads.
    from threadpoolctl import threadpool_limits

    rng = np.random.RandomState(0)
    X = rng.randn(4300, 4)
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.7 * rng.randn(4300) > 0.4).astype(int)
    t = X[:, 0] + np.sin(2 * X[:, 1]) + 0.3 * rng.randn(4300)
    res = []
    for nt in (1, 2):
        with threadpool_limits(limits=nt, user_api="openmp"):
            a = svm.SVC().fit(X, y)
            b = svm.SVR().fit(X[:2100], t[:2100])
            c = svm.NuSVR().fit(X[:2100], t[:2100])
            res.append((a.support_, a.dual_coef_, a.intercept_, a.n_iter_, b.dual_coef_, b.intercept_,
                        c.dual_coef_, c.intercept_))
    for u, v in zip(*res):
        assert_array_equal(u, v)
    ref = sk.SVC().fit(X, y)
    _assert_same_model(a, ref, X=X[:500], margin_ok=2)


def test_shrinking_reconstruction_matches_libsvm():
    # C=10 on 4300 points: many shrinking rounds, Ḡ's postponed updates and two gradient
    # reconstructions from the free variables' whole rows, with the helper threads; libsvm takes
    # the very same steps in float64.
    rng = np.random.RandomState(0)
    X = rng.randn(4300, 4)
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.7 * rng.randn(4300) > 0.4).astype(int)
    ours = svm.SVC(C=10).fit(X, y)
    ref = sk.SVC(C=10).fit(X, y)
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    assert_array_equal(ours.support_, ref.support_)
    assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=1e-9, atol=1e-12)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)


def test_cache_storage_reused_across_fits():
    # The cache's row storage is kept from one fit to the next and handed out uninitialised: a fit
    # after others (other data, other sizes, another dtype) must be the fit it was on its own.
    rng = np.random.RandomState(3)
    Xa = rng.randn(3000, 5)
    ya = (Xa[:, 0] + Xa[:, 1] ** 2 + 0.5 * rng.randn(3000) > 1).astype(int)
    Xb = 3 * rng.randn(2500, 7)
    yb = (Xb[:, 2] > 0).astype(int)
    first = svm.SVC().fit(Xa, ya)
    svm.SVC(C=5).fit(Xb, yb)
    svm.SVC(cache_size=1).fit(Xb.astype(np.float32), yb)
    svm.SVR().fit(Xb, Xb[:, 0])
    again = svm.SVC().fit(Xa, ya)
    assert_array_equal(again.support_, first.support_)
    assert_array_equal(again.dual_coef_, first.dual_coef_)
    assert_array_equal(again.intercept_, first.intercept_)
    assert_array_equal(again.n_iter_, first.n_iter_)
    assert_array_equal(again.n_iter_, sk.SVC().fit(Xa, ya).n_iter_)


# ------------------------------------------------------------------ probability


def test_probability_calibration():
    X, y = make_classification(n_samples=600, n_features=10, n_informative=5, random_state=0)
    m = svm.SVC(probability=True, random_state=0).fit(X[:400], y[:400])
    p = m.predict_proba(X[400:])
    assert p.shape == (200, 2)
    assert_allclose(p.sum(1), 1.0, rtol=1e-10)
    assert m.probA_.shape == (1,) and m.probA_[0] < 0
    ref = sk.SVC(probability=True, random_state=0).fit(X[:400], y[:400])
    rp = ref.predict_proba(X[400:])
    from sklearn.metrics import log_loss

    assert log_loss(y[400:], p) < log_loss(y[400:], rp) + 0.05
    assert np.mean(np.abs(p - rp)) < 0.05
    assert_allclose(m.predict_log_proba(X[400:]), np.log(p))
    # the model itself is the plain one
    plain = svm.SVC().fit(X[:400], y[:400])
    assert_allclose(m.decision_function(X[400:]), plain.decision_function(X[400:]))


def test_probability_multiclass():
    X, y = _scaled(load_wine)
    m = svm.SVC(probability=True, random_state=1).fit(X, y)
    p = m.predict_proba(X)
    assert p.shape == (len(y), 3)
    assert_allclose(p.sum(1), 1.0, rtol=1e-6)
    assert np.mean(p.argmax(1) == y) > 0.95
    ref = sk.SVC(probability=True, random_state=1).fit(X, y).predict_proba(X)
    assert np.mean(np.abs(p - ref)) < 0.05
    assert m.probA_.shape == (3,)
    n = svm.NuSVC(probability=True, random_state=0).fit(X, y)
    assert_allclose(n.predict_proba(X).sum(1), 1.0, rtol=1e-6)
    assert not hasattr(svm.SVC().fit(X, y), "predict_proba")


def test_probability_precomputed_and_small_cache():
    # The folds start from the whole problem's answer and read its kernel rows from one store:
    # a precomputed kernel has no such store, and a 1 MB cache holds only part of it.
    X, y = make_classification(n_samples=300, n_features=6, random_state=3)
    G = X @ X.T
    m = svm.SVC(kernel="precomputed", probability=True, random_state=0).fit(G, y)
    ref = sk.SVC(kernel="precomputed", probability=True, random_state=0).fit(G, y)
    assert np.mean(np.abs(m.predict_proba(G) - ref.predict_proba(G))) < 0.05
    lin = svm.SVC(kernel="linear", probability=True, random_state=0).fit(X, y)
    assert_allclose(m.predict_proba(G), lin.predict_proba(X), atol=1e-3)
    big = svm.SVC(probability=True, random_state=0).fit(X, y)
    small = svm.SVC(probability=True, random_state=0, cache_size=1e-3).fit(X, y)
    assert_allclose(small.decision_function(X), big.decision_function(X))
    assert_allclose(small.predict_proba(X), big.predict_proba(X), atol=1e-4)
    rp = sk.SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    assert np.mean(np.abs(small.predict_proba(X) - rp)) < 0.05


@pytest.mark.parametrize("name", ["SVC", "NuSVC"])
def test_probability_deprecated_as_sklearn(name):
    X, y = _binary()
    ours_cls, ref_cls = getattr(svm, name), getattr(sk, name)
    assert ours_cls().probability == ref_cls().probability == "deprecated"
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        plain = ours_cls().fit(X, y)  # the default warns nothing, and means False
    assert not hasattr(plain, "predict_proba")
    for value in (True, False):
        with pytest.warns(FutureWarning, match="`probability` parameter was deprecated in 1.9") as rec:
            ours_cls(probability=value, random_state=0).fit(X, y)
        with pytest.warns(FutureWarning, match="`probability` parameter was deprecated in 1.9") as ref_rec:
            ref_cls(probability=value, random_state=0).fit(X, y)
        # scikit-learn 1.9 names SVC in NuSVC's message too (a slip); ours names the class used
        expected = str(ref_rec[0].message).replace("(SVC(", f"({name}(").replace("`SVC(", f"`{name}(")
        assert str(rec[0].message) == expected
    m = ours_cls(probability=True, random_state=0).fit(X, y)
    for attr in ("probA_", "probB_"):
        with pytest.warns(FutureWarning, match=f"Attribute `{attr}` was deprecated in version 1.9"):
            assert getattr(m, attr).shape == (1,)
    # the regressors and the one-class SVM have no such parameter
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        svm.SVR().fit(X, y.astype(float))
        svm.OneClassSVM().fit(X)


def test_sigmoid_train_core():
    rng = np.random.RandomState(0)
    f = rng.randn(500) * 2
    lab = np.where(rng.rand(500) < 1 / (1 + np.exp(-1.5 * f)), 1.0, -1.0)
    A, B = core.sigmoid_train(f, lab)
    assert A == pytest.approx(-1.5, abs=0.4)
    assert abs(B) < 0.4


# ------------------------------------------------------------------ linear SVMs


@pytest.mark.parametrize("loss,dual", [("hinge", True), ("squared_hinge", True), ("squared_hinge", False)])
def test_linear_svc_matches_sklearn(loss, dual):
    X, y = _scaled(load_breast_cancer)
    kw = dict(loss=loss, dual=dual, tol=1e-10, max_iter=200000, C=0.5)
    o = svm.LinearSVC(**kw).fit(X, y)
    r = sk.LinearSVC(**kw).fit(X, y)
    assert_allclose(o.coef_, r.coef_, rtol=1e-3, atol=2e-4)
    assert_allclose(o.intercept_, r.intercept_, rtol=1e-3, atol=2e-4)
    assert np.mean(o.predict(X) == r.predict(X)) >= 0.995
    Xi, yi = _scaled(load_iris)
    o = svm.LinearSVC(class_weight="balanced", **kw).fit(Xi, yi)
    r = sk.LinearSVC(class_weight="balanced", **kw).fit(Xi, yi)
    assert o.coef_.shape == (3, 4)
    assert_allclose(o.coef_, r.coef_, rtol=1e-3, atol=2e-4)
    assert_allclose(o.decision_function(Xi), r.decision_function(Xi), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize(
    "loss,dual", [("epsilon_insensitive", True), ("squared_epsilon_insensitive", True), ("squared_epsilon_insensitive", False)]
)
def test_linear_svr_matches_sklearn(loss, dual):
    X, y = _regression(300)
    kw = dict(loss=loss, dual=dual, tol=1e-10, max_iter=200000, epsilon=0.1)
    o = svm.LinearSVR(**kw).fit(X, y)
    r = sk.LinearSVR(**kw).fit(X, y)
    assert_allclose(o.coef_, r.coef_, rtol=1e-3, atol=1e-4)
    assert_allclose(o.intercept_, r.intercept_, rtol=1e-3, atol=1e-4)
    assert _rel(o.predict(X), r.predict(X)) < 1e-3


def test_linear_svm_weights_and_float32():
    X, y = _binary(300)
    w = np.random.RandomState(0).uniform(0.1, 3, len(y))
    kw = dict(tol=1e-10, max_iter=100000, dual=True)
    o = svm.LinearSVC(**kw).fit(X, y, sample_weight=w)
    r = sk.LinearSVC(**kw).fit(X, y, sample_weight=w)
    assert_allclose(o.coef_, r.coef_, rtol=1e-3, atol=1e-4)
    o32 = svm.LinearSVC(**kw).fit(X.astype(np.float32), y)
    assert o32.coef_.dtype == np.float32
    assert o32.decision_function(X.astype(np.float32)).dtype == np.float32
    assert_allclose(o32.coef_, sk.LinearSVC(**kw).fit(X, y).coef_, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("C", [0.05, 1.0])
@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris])
def test_linear_svc_l1_penalty_matches_sklearn(loader, C):
    X, y = _scaled(loader)
    kw = dict(penalty="l1", dual=False, C=C, tol=1e-8, max_iter=20000, random_state=0)
    r = sk.LinearSVC(**kw).fit(X, y)
    for dtype, rtol in ((np.float64, 1e-3), (np.float32, 2e-3)):
        o = svm.LinearSVC(**kw).fit(X.astype(dtype), y)
        assert o.coef_.dtype == dtype
        assert_array_equal(o.coef_ == 0, r.coef_ == 0)  # the same sparsity pattern
        scale = np.abs(r.coef_).max()
        assert np.abs(o.coef_ - r.coef_).max() < rtol * scale
        assert np.abs(o.intercept_ - r.intercept_).max() < rtol * scale
        assert np.mean(o.predict(X.astype(dtype)) == r.predict(X)) >= 0.995
    # dual='auto' picks the primal for l1, as scikit-learn does
    assert_allclose(svm.LinearSVC(penalty="l1", C=C, random_state=0).fit(X, y).coef_,
                    svm.LinearSVC(penalty="l1", dual=False, C=C, random_state=0).fit(X, y).coef_)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris, load_wine])
def test_linear_svc_crammer_singer_matches_sklearn(loader):
    X, y = _scaled(loader)
    w = np.random.RandomState(0).uniform(0.5, 2, len(y))
    kw = dict(multi_class="crammer_singer", C=0.5, tol=1e-7, max_iter=20000, random_state=0,
              class_weight="balanced")
    r = sk.LinearSVC(**kw).fit(X, y, sample_weight=w)
    for dtype, rtol in ((np.float64, 1e-4), (np.float32, 1e-3)):
        o = svm.LinearSVC(**kw).fit(X.astype(dtype), y, sample_weight=w)
        assert o.coef_.shape == r.coef_.shape and o.coef_.dtype == dtype
        scale = np.abs(r.coef_).max()
        assert np.abs(o.coef_ - r.coef_).max() < rtol * scale
        assert np.abs(o.intercept_ - r.intercept_).max() < rtol * scale
        assert np.mean(o.predict(X.astype(dtype)) == r.predict(X)) >= 0.99
    # loss, penalty and dual play no part, as in scikit-learn
    a = svm.LinearSVC(multi_class="crammer_singer", random_state=0).fit(X, y)
    b = svm.LinearSVC(multi_class="crammer_singer", penalty="l1", loss="hinge", dual=False,
                      random_state=0).fit(X, y)
    assert_allclose(a.coef_, b.coef_)


def test_linear_svm_unsupported_combinations():
    X, y = _binary()
    with pytest.raises(ValueError, match="not supported"):
        svm.LinearSVC(penalty="l1", loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="not supported when dual=False"):
        svm.LinearSVC(loss="hinge", dual=False).fit(X, y)
    with pytest.raises(ValueError, match="not supported when dual=True"):
        svm.LinearSVC(penalty="l1", dual=True).fit(X, y)
    with pytest.raises(ValueError, match="not supported when dual=False"):
        svm.LinearSVR(loss="epsilon_insensitive", dual=False).fit(X, y.astype(float))


# ------------------------------------------------------------------ validation, pickling


@pytest.mark.parametrize(
    "est,match",
    [
        (svm.SVC(C=-1.0), "C"),
        (svm.SVC(C=0.0), "C"),
        (svm.NuSVC(nu=0.0), "nu"),
        (svm.NuSVC(nu=1.5), "nu"),
        (svm.OneClassSVM(nu=-0.1), "nu"),
        (svm.NuSVR(nu=2.0), "nu"),
        (svm.SVC(kernel="cosine"), "kernel"),
        (svm.SVC(gamma=-1.0), "gamma"),
        (svm.SVC(gamma="bogus"), "gamma"),
        (svm.SVC(tol=0.0), "tol"),
        (svm.SVC(cache_size=0), "cache_size"),
        (svm.SVC(degree=-1), "degree"),
        (svm.SVC(max_iter=-2), "max_iter"),
        (svm.SVC(decision_function_shape="ovx"), "decision_function_shape"),
        (svm.SVR(epsilon=-0.1), "epsilon"),
        (svm.LinearSVC(C=0.0), "C"),
        (svm.LinearSVC(loss="log"), "loss"),
    ],
)
def test_bad_parameters(est, match):
    X, y = _binary()
    with pytest.raises(ValueError, match=match):
        if isinstance(est, svm.OneClassSVM):
            est.fit(X)
        else:
            est.fit(X, y)


def test_bad_data():
    X, y = _binary()
    with pytest.raises(ValueError, match="greater than one"):
        svm.SVC().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError):
        svm.SVC().fit(X, y[:-1])
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError):
        svm.SVC().fit(Xn, y)
    m = svm.SVC().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :3])
    with pytest.raises(ValueError, match="zero"):
        svm.SVR().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError):
        svm.SVR().fit(X, y, sample_weight=np.ones(len(y) + 1))
    # negative weights drop the sample, as libsvm does
    w = np.ones(len(y))
    w[:10] = -1.0
    o, r = svm.SVR().fit(X, y, sample_weight=w), sk.SVR().fit(X, y, sample_weight=w)
    assert_array_equal(o.support_, r.support_ + 10)
    assert_allclose(o.predict(X), r.predict(X), rtol=1e-6, atol=1e-8)
    from scratchlearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        svm.SVC().predict(X)
    bad = svm.SVC().fit(X, y)
    bad._n_support = bad._n_support + 1
    with pytest.raises(ValueError, match="internal representation"):
        bad.predict(X)


def test_max_iter_warns():
    from scratchlearn.exceptions import ConvergenceWarning

    X, y = _binary()
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        m = svm.SVC(max_iter=3).fit(X, y)
    assert m.fit_status_ == 1


def test_pickle_round_trip():
    X, y = _scaled(load_iris)
    for est in [svm.SVC(probability=True, random_state=0), svm.NuSVC(), svm.SVR(), svm.NuSVR(),
                svm.OneClassSVM(), svm.LinearSVC(), svm.LinearSVR()]:
        target = y if not isinstance(est, svm.OneClassSVM) else None
        est.fit(X, target if target is not None else None) if target is not None else est.fit(X)
        clone = pickle.loads(pickle.dumps(est))
        method = "decision_function" if hasattr(est, "decision_function") else "predict"
        assert_array_equal(getattr(clone, method)(X), getattr(est, method)(X))
