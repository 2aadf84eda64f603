"""k-means at many k and d: the register kernel over panels of 16 centres (k > 16), Elkan's dense
bounds, k-means++ draw for draw against scikit-learn, and mini-batch k-means with scikit-learn's
draws (the same batches, so the same centres)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus

import sklearn.cluster as skc  # test dependency


@pytest.fixture(autouse=True)
def _one_blas_openmp_thread():
    import threadpoolctl
    with threadpoolctl.threadpool_limits(limits=1):
        yield


def blobs(n, d, k, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    centres = rng.randn(k, d) * 5.0
    X = centres[rng.randint(0, k, n)] + rng.randn(n, d) * 2.0
    return X.astype(dtype)


def pick_init(X, k, seed):
    rng = np.random.RandomState(seed)
    return X[rng.choice(X.shape[0], k, replace=False)].copy()


def fit_both(X, k, init, max_iter=20):
    """Our KMeans and scikit-learn's, fitted from the same initial centres."""
    return (KMeans(k, init=init, n_init=1, max_iter=max_iter).fit(X),
            skc.KMeans(k, init=init, n_init=1, max_iter=max_iter).fit(X))


# (k, d): the small-k kernels (k <= 16), one panel past 16, partial last panels, many panels.
SHAPES = [(2, 3), (9, 2), (17, 5), (40, 12), (100, 3), (130, 33)]


@pytest.mark.parametrize("k,d", SHAPES)
def test_lloyd_same_as_sklearn_float64(k, d):
    X = blobs(1500, d, max(k // 2, 2), seed=k)
    init = pick_init(X, k, 1)
    ours, ref = fit_both(X, k, init)
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-9, atol=1e-9)
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-9)


@pytest.mark.parametrize("k,d", SHAPES)
def test_lloyd_close_to_sklearn_float32(k, d):
    X = blobs(1500, d, max(k // 2, 2), seed=k, dtype=np.float32)
    init = pick_init(X, k, 1)
    ours, ref = fit_both(X, k, init)
    assert ours.cluster_centers_.dtype == np.float32
    assert np.mean(ours.labels_ == ref.labels_) > 0.98
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k,d", [(5, 2), (24, 7), (70, 20)])
def test_elkan_equals_lloyd_many_k(k, d, dtype):
    X = blobs(2000, d, k, seed=3, dtype=dtype)
    init = pick_init(X, k, 4)
    a = KMeans(k, init=init, n_init=1, algorithm="lloyd", max_iter=30).fit(X)
    b = KMeans(k, init=init, n_init=1, algorithm="elkan", max_iter=30).fit(X)
    if dtype == np.float64:
        assert_array_equal(a.labels_, b.labels_)
        assert a.n_iter_ == b.n_iter_
        assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-9, atol=1e-9)
        assert_allclose(a.inertia_, b.inertia_, rtol=1e-10)
    else:
        assert np.mean(a.labels_ == b.labels_) > 0.99
        assert_allclose(a.inertia_, b.inertia_, rtol=1e-4)


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_many_k_n_jobs_invariance(algorithm):
    X = blobs(3000, 6, 40, seed=5)
    init = pick_init(X, 40, 0)
    a = KMeans(40, init=init, n_init=1, algorithm=algorithm, n_jobs=1).fit(X)
    b = KMeans(40, init=init, n_init=1, algorithm=algorithm, n_jobs=2).fit(X)
    assert_array_equal(a.labels_, b.labels_)
    assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_


@pytest.mark.parametrize("k,d", [(1, 3), (7, 2), (30, 10), (64, 5)])
@pytest.mark.parametrize("seed", [0, 1])
def test_kmeans_plusplus_same_centres_as_sklearn_float64(k, d, seed):
    X = blobs(1200, d, 8, seed=seed)
    ours_c, ours_i = kmeans_plusplus(X, k, random_state=seed)
    ref_c, ref_i = skc.kmeans_plusplus(X, k, random_state=seed)
    assert_array_equal(ours_i, ref_i)
    assert_allclose(ours_c, ref_c)


def test_kmeans_plusplus_weights_and_trials_as_sklearn():
    X = blobs(900, 4, 6, seed=2)
    w = np.random.RandomState(0).rand(len(X)) + 0.1
    for trials in (1, 3, 20):  # 20 candidates: more than one block of 16
        ours = kmeans_plusplus(X, 12, sample_weight=w, random_state=4, n_local_trials=trials)[1]
        ref = skc.kmeans_plusplus(X, 12, sample_weight=w, random_state=4, n_local_trials=trials)[1]
        assert_array_equal(ours, ref)


def test_kmeans_plusplus_float32_mostly_same_as_sklearn():
    # scikit-learn sums the float32 potentials with a BLAS product whose order cannot be
    # reproduced, so a draw that lands within rounding of a sample boundary may pick the neighbour:
    # identical on small data, and the same quality.
    X = blobs(600, 3, 5, seed=1, dtype=np.float32)
    ours_c, ours_i = kmeans_plusplus(X, 6, random_state=0)
    ref_c, ref_i = skc.kmeans_plusplus(X, 6, random_state=0)
    assert ours_c.dtype == np.float32
    assert_array_equal(ours_i, ref_i)
    assert_allclose(ours_c, X[ours_i])


def test_default_fit_same_as_sklearn_float64():
    X = blobs(2000, 5, 12, seed=7)
    ours = KMeans(12, random_state=0).fit(X)
    ref = skc.KMeans(12, random_state=0).fit(X)
    assert_array_equal(ours.labels_, ref.labels_)
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-9)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minibatch_same_batches_as_sklearn(dtype):
    # The batches are scikit-learn's draws, so the run follows scikit-learn's step for step.
    X = blobs(3000, 4, 10, seed=4, dtype=dtype)
    ours = MiniBatchKMeans(10, batch_size=200, random_state=0).fit(X)
    ref = skc.MiniBatchKMeans(10, batch_size=200, random_state=0).fit(X)
    assert ours.n_steps_ == ref.n_steps_
    rtol = 1e-7 if dtype == np.float64 else 1e-3
    assert_allclose(ours.inertia_, ref.inertia_, rtol=rtol)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=rtol, atol=rtol)


def test_minibatch_quality_many_k():
    X = blobs(4000, 6, 40, seed=6)
    ours = [MiniBatchKMeans(40, random_state=s).fit(X).inertia_ for s in range(2)]
    ref = [skc.MiniBatchKMeans(40, random_state=s).fit(X).inertia_ for s in range(2)]
    assert np.mean(ours) <= 1.05 * np.mean(ref)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_elkan_default_is_dense(monkeypatch, dtype):
    """With the default threshold, 'elkan' below it runs the dense assignment: the same fit as
    'lloyd' bit for bit, and the same clustering as scikit-learn's elkan."""
    from scratchlearn.cluster import _kmeans

    monkeypatch.setattr(_kmeans, "_ELKAN_MIN_FEATURES", 4096)
    X = blobs(2000, 12, 9, seed=8, dtype=dtype)
    init = pick_init(X, 9, 2)
    a = KMeans(9, init=init, n_init=1, algorithm="lloyd").fit(X)
    b = KMeans(9, init=init, n_init=1, algorithm="elkan").fit(X)
    ref = skc.KMeans(9, init=init, n_init=1, algorithm="elkan").fit(X)
    assert_array_equal(a.labels_, b.labels_)
    assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_ and a.n_iter_ == b.n_iter_
    assert np.mean(b.labels_ == ref.labels_) > 0.99
    assert_allclose(b.inertia_, ref.inertia_, rtol=1e-4 if dtype == np.float32 else 1e-7)


# float32 with 1 to 4 centres and 16 features or more: one sample per vector lane rather than
# one centre per lane (rows_few_centres); 300 features (more than the kernel's 256-feature
# buffer) and (4, 300), whose k·d makes the fit take the bounded pass.
FEW = [(1, 16), (2, 23), (3, 100), (4, 120), (2, 300), (4, 300)]


@pytest.mark.parametrize("k,d", FEW)
def test_few_centres_float32_as_sklearn(k, d):
    X = blobs(1003, d, max(k, 2), seed=d, dtype=np.float32)
    init = pick_init(X, k, 3)
    ours, ref = fit_both(X, k, init)
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-4, atol=1e-4)
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-5)
    assert_array_equal(ours.predict(X), ours.labels_)
    assert_allclose(-ours.score(X), ours.inertia_, rtol=1e-6)


def test_few_centres_same_bits_on_every_vector_path():
    """Each lane's sum is the same chain of multiply-adds on AVX2 and on AVX-512: every fit below
    is the same bit for bit on each vector path the CPU has."""
    from scratchlearn import _core

    paths = [p for p in _core.cpu_info()["isa_available"] if p != "generic"]
    if not paths:
        pytest.skip("no vector kernel path on this CPU")
    before = _core.get_isa()
    runs = {}
    try:
        for p in paths:
            _core.set_isa(p)
            for k, d in FEW:
                X = blobs(777, d, max(k, 2), seed=k + d, dtype=np.float32)
                init = pick_init(X, k, 4)
                m = KMeans(k, init=init, n_init=1, max_iter=15, tol=0.0).fit(X)
                runs.setdefault((k, d), []).append((m.cluster_centers_, m.labels_, m.inertia_,
                                                    m.n_iter_, m.transform(X[:50])))
    finally:
        _core.set_isa(before)
    for key, got in runs.items():
        for other in got[1:]:
            for a, b in zip(got[0], other):
                assert_array_equal(a, b, err_msg=str(key))


@pytest.mark.parametrize("k,d", FEW)
def test_few_centres_labels_are_the_nearest_centre(k, d):
    """On data without clusters (many samples nearly as close to two centres), every sample whose
    two nearest centres are not within float32 rounding of each other gets the nearest one."""
    rng = np.random.RandomState(k * 1000 + d)
    X = rng.randn(2021, d).astype(np.float32)
    C = rng.randn(k, d).astype(np.float32) * 0.3
    m = KMeans(k, init=C, n_init=1, max_iter=1).fit(X)
    m.cluster_centers_ = C  # the labels of these centres, from the assignment kernel
    got = m.predict(X)
    D = ((X.astype(np.float64)[:, None, :] - C.astype(np.float64)[None, :, :]) ** 2).sum(-1)
    want = D.argmin(1)
    if k > 1:
        two = np.sort(D, axis=1)[:, :2]
        clear = (two[:, 1] - two[:, 0]) > 1e-4 * two[:, 1]
    else:
        clear = np.ones(len(X), bool)
    assert clear.mean() > 0.9
    assert_array_equal(got[clear], want[clear])
