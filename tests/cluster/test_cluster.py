"""KMeans and MiniBatchKMeans against scikit-learn: same clustering from the same initial centres,
k-means++ and mini-batch quality, elkan == lloyd, weights == repetition, n_jobs invariance, empty
cluster relocation, and every rejected input."""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from scratchlearn.exceptions import ConvergenceWarning, NotFittedError

import sklearn.cluster as skc  # noqa: E402  (test dependency: a missing one is an error, not a skip)
import sklearn.datasets as datasets  # noqa: E402


@pytest.fixture(autouse=True)
def _one_blas_openmp_thread():
    # scikit-learn's OpenMP loops are slow to start on a busy 2-core machine; one thread keeps the
    # comparison runs fast. Our core takes its thread count from n_jobs explicitly.
    import threadpoolctl
    with threadpoolctl.threadpool_limits(limits=1):
        yield


def blobs(n=1500, d=6, centers=5, std=2.0, seed=0):
    X, _ = datasets.make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=std,
                               random_state=seed)
    return X


def iris():
    return datasets.load_iris().data


def digits():
    return datasets.load_digits().data


def digits_jittered():
    # Digits are small integers: many samples are exactly equidistant from two centres, and which
    # one wins is decided by the rounding of each library's matrix product. A tiny jitter removes
    # the exact ties so that the comparison is about the algorithm, not about rounding.
    X = digits()
    return X + 1e-3 * np.random.RandomState(0).rand(*X.shape)


DATA = {"blobs": blobs, "iris": iris, "digits": digits, "digits_jittered": digits_jittered}


def pick_init(X, k, seed):
    rng = np.random.RandomState(seed)
    return X[rng.choice(X.shape[0], k, replace=False)].copy()


# ---------------------------------------------------------------------------------------------
# Same initial centres → same clustering as scikit-learn


@pytest.mark.parametrize("data", ["blobs", "iris", "digits_jittered"])
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("tol", [1e-4, 0.0])
def test_same_init_same_clustering_float64(data, algorithm, tol):
    X = DATA[data]()
    k = 8
    init = pick_init(X, k, 1)
    ours = KMeans(k, init=init, n_init=1, tol=tol, algorithm=algorithm).fit(X)
    ref = skc.KMeans(k, init=init, n_init=1, tol=tol, algorithm=algorithm).fit(X)
    assert_array_equal(ours.labels_, ref.labels_)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-6)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.cluster_centers_.dtype == np.float64
    assert ours.labels_.dtype == np.int32


@pytest.mark.parametrize("data", ["blobs", "iris", "digits"])
def test_same_init_float32(data):
    X = DATA[data]().astype(np.float32)
    init = pick_init(X, 6, 2)
    ours = KMeans(6, init=init, n_init=1).fit(X)
    ref = skc.KMeans(6, init=init, n_init=1).fit(X)
    assert ours.cluster_centers_.dtype == np.float32
    assert np.mean(ours.labels_ == ref.labels_) > 0.99
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-3, atol=1e-3)
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-3)


def test_max_iter_reached_matches():
    X = blobs(2000, 5, 12, std=6.0, seed=3)
    init = pick_init(X, 12, 0)
    ours = KMeans(12, init=init, n_init=1, tol=0, max_iter=3).fit(X)
    ref = skc.KMeans(12, init=init, n_init=1, tol=0, max_iter=3).fit(X)
    assert ours.n_iter_ == ref.n_iter_ == 3
    assert_array_equal(ours.labels_, ref.labels_)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-9)


def test_predict_transform_score_match_sklearn():
    X = blobs()
    Xt = blobs(300, seed=5)
    init = pick_init(X, 5, 0)
    ours = KMeans(5, init=init, n_init=1).fit(X)
    ref = skc.KMeans(5, init=init, n_init=1).fit(X)
    assert_array_equal(ours.predict(Xt), ref.predict(Xt))
    assert_allclose(ours.transform(Xt), ref.transform(Xt), rtol=1e-9, atol=1e-9)
    assert_allclose(ours.score(Xt), ref.score(Xt), rtol=1e-9)
    w = np.random.RandomState(0).rand(len(Xt))
    assert_allclose(ours.score(Xt, sample_weight=w), ref.score(Xt, sample_weight=w), rtol=1e-9)
    assert_allclose(ours.fit_transform(X), ref.fit_transform(X), rtol=1e-9, atol=1e-9)
    assert_array_equal(KMeans(5, init=init, n_init=1).fit_predict(X), ref.labels_)
    assert ours.score(X) == pytest.approx(-ours.inertia_, rel=1e-9)


def test_transform_float32():
    X = blobs().astype(np.float32)
    km = KMeans(4, random_state=0).fit(X)
    T = km.transform(X)
    assert T.dtype == np.float32
    expected = np.sqrt(((X[:, None, :].astype(np.float64) - km.cluster_centers_[None]) ** 2).sum(-1))
    assert_allclose(T, expected, rtol=1e-5, atol=1e-4)


# ---------------------------------------------------------------------------------------------
# Initialisation


def test_kmeans_plusplus_same_draws_as_sklearn():
    X = blobs(800, 4, 6)
    ours_c, ours_i = kmeans_plusplus(X, 6, random_state=3)
    ref_c, ref_i = skc.kmeans_plusplus(X, 6, random_state=3)
    assert_array_equal(ours_i, ref_i)
    assert_allclose(ours_c, ref_c)
    assert_allclose(ours_c, X[ours_i])


@pytest.mark.parametrize("data", ["blobs", "digits"])
@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_init_quality_close_to_sklearn(data, init):
    X = DATA[data]()
    n_init = 1 if init == "k-means++" else 3
    ours = [KMeans(10, init=init, n_init=n_init, random_state=s).fit(X).inertia_
            for s in range(3)]
    ref = [skc.KMeans(10, init=init, n_init=n_init, random_state=s).fit(X).inertia_
           for s in range(3)]
    assert np.mean(ours) <= 1.02 * np.mean(ref)
    assert np.mean(ours) >= 0.9 * np.mean(ref)


def test_n_init_keeps_best_run():
    X = digits()
    multi = KMeans(10, init="random", n_init=4, random_state=0).fit(X)
    singles = [
        KMeans(10, init=pick_init(X, 10, s), n_init=1).fit(X).inertia_ for s in range(3)
    ]
    assert multi.inertia_ <= np.median(singles) * 1.01
    assert KMeans(10, init="random", random_state=0).fit(X).inertia_ > 0


def test_callable_init():
    X = blobs()

    def my_init(X, k, random_state):
        return X[:k] + 0.0

    ours = KMeans(5, init=my_init, n_init=1).fit(X)
    ref = KMeans(5, init=X[:5].copy(), n_init=1).fit(X)
    assert_array_equal(ours.labels_, ref.labels_)


# ---------------------------------------------------------------------------------------------
# Properties


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_elkan_equals_lloyd(dtype):
    X = blobs(3000, 8, 10, std=4.0).astype(dtype)
    init = pick_init(X, 10, 4)
    a = KMeans(10, init=init, n_init=1, algorithm="lloyd").fit(X)
    b = KMeans(10, init=init, n_init=1, algorithm="elkan").fit(X)
    assert_array_equal(a.labels_, b.labels_)
    assert a.n_iter_ == b.n_iter_
    tol = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=tol, atol=tol)
    assert_allclose(a.inertia_, b.inertia_, rtol=tol)


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_sample_weight_equals_repetition(algorithm):
    X = blobs(600, 4, 4, std=3.0)
    reps = np.random.RandomState(0).randint(0, 4, len(X))
    reps[:4] = 1  # the initial centres stay in the data
    init = X[:4].copy()
    Xrep = np.repeat(X, reps, axis=0)
    a = KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(X, sample_weight=reps)
    b = KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(Xrep)
    assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert_allclose(a.inertia_, b.inertia_, rtol=1e-9)
    assert_array_equal(np.repeat(a.labels_, reps), b.labels_)
    ref = skc.KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(X, sample_weight=reps)
    assert_allclose(a.cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_n_jobs_invariance(algorithm, dtype):
    # many chunks and groups, and enough work (n·k·d) for the core to start two threads
    X = blobs(40000, 8, 8, std=5.0).astype(dtype)
    init = pick_init(X, 8, 0)
    a = KMeans(8, init=init, n_init=1, algorithm=algorithm, n_jobs=1).fit(X)
    b = KMeans(8, init=init, n_init=1, algorithm=algorithm, n_jobs=2).fit(X)
    assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert_array_equal(a.labels_, b.labels_)
    assert a.inertia_ == b.inertia_ and a.n_iter_ == b.n_iter_
    assert_array_equal(a.transform(X[:100]), b.transform(X[:100]))


# ---------------------------------------------------------------------------------------------
# Lloyd's bounded passes (from 20 features and k·d of 400 in float64, 800 in float32, on the
# vector paths) against the full pass every distance of which is computed ("lloyd_full")
# ---------------------------------------------------------------------------------------------

def _core_fit(X, w, init, algorithm, max_iter, tol, n_threads):
    from scratchlearn import _core

    return _core.cluster.kmeans_fit(X, w, init, algorithm, max_iter, tol, n_threads)


@pytest.mark.parametrize("d,k", [(24, 20), (40, 12), (64, 16), (30, 64)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_bounded_lloyd_same_run_as_the_full_pass(d, k, dtype, weighted, tol):
    """The bounded passes give the full pass's labels for the same centres; the centres, from sums
    kept across passes, agree with the full pass's to rounding: the same labels, n_iter and
    convergence, centres and inertia within 1e-12 (float64) or the float chunk sums' 1e-5."""
    rng = np.random.RandomState(d + k)
    X = (blobs(6000, d, k, std=3.0, seed=d) + rng.randn(d)).astype(dtype)
    w = (rng.rand(6000) * 2 + 0.1 if weighted else np.ones(6000)).astype(dtype)
    init = pick_init(X, k, 1)
    tol_abs = tol * float(X.var(axis=0).mean())
    full = _core_fit(X, w, init, "lloyd_full", 60, tol_abs, 2)
    bounded = _core_fit(X, w, init, "lloyd", 60, tol_abs, 2)
    assert_array_equal(bounded[1], full[1])
    assert bounded[3] == full[3] and bounded[4] == full[4]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    scale = float(np.abs(full[0]).max())
    assert_allclose(bounded[0], full[0], rtol=rtol, atol=rtol * scale)
    assert_allclose(bounded[2], full[2], rtol=rtol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bounded_lloyd_empty_clusters_and_threads(dtype):
    """Clusters emptied on the way (three initial centres far from the data) are relocated as
    the full pass relocates them; the bounded run is bit for bit the same for 1, 2 and 3 threads."""
    X = blobs(5000, 32, 12, std=2.0, seed=3).astype(dtype)
    init = pick_init(X, 28, 2)
    init[:3] = 1e3 + np.arange(3)[:, None]
    full = _core_fit(X, np.ones(5000, dtype), init, "lloyd_full", 40, 0.0, 1)
    runs = [_core_fit(X, np.ones(5000, dtype), init, "lloyd", 40, 0.0, t) for t in (1, 2, 3)]
    assert np.bincount(full[1], minlength=28).min() > 0  # the far centres were relocated
    assert_array_equal(runs[0][1], full[1])
    assert runs[0][3] == full[3]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    assert_allclose(runs[0][0], full[0], rtol=rtol, atol=rtol * float(np.abs(full[0]).max()))
    for r in runs[1:]:
        assert_array_equal(r[0], runs[0][0])
        assert_array_equal(r[1], runs[0][1])
        assert r[2] == runs[0][2] and r[3] == runs[0][3]


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_many_features_match_sklearn(algorithm):
    """At 40 and 64 features (Lloyd's bounded passes) the fit is scikit-learn's."""
    for d, k in [(40, 12), (64, 20)]:
        X = blobs(3000, d, k, std=4.0, seed=k)
        init = pick_init(X, k, 0)
        ref = skc.KMeans(k, init=init, n_init=1, algorithm=algorithm).fit(X)
        ours = KMeans(k, init=init, n_init=1, algorithm=algorithm).fit(X)
        assert_array_equal(ours.labels_, ref.labels_)
        assert ours.n_iter_ == ref.n_iter_
        assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10)
        assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-9)
        X32 = X.astype(np.float32)
        ref32 = skc.KMeans(k, init=init.astype(np.float32), n_init=1, algorithm=algorithm).fit(X32)
        ours32 = KMeans(k, init=init.astype(np.float32), n_init=1, algorithm=algorithm).fit(X32)
        assert np.mean(ours32.labels_ == ref32.labels_) > 0.99
        assert_allclose(ours32.cluster_centers_, ref32.cluster_centers_, rtol=1e-3, atol=1e-3)
        assert_allclose(ours32.inertia_, ref32.inertia_, rtol=1e-3)


def test_minibatch_n_jobs_invariance():
    X = blobs(5000, 5, 8)
    a = MiniBatchKMeans(8, random_state=0, n_jobs=1).fit(X)
    b = MiniBatchKMeans(8, random_state=0, n_jobs=2).fit(X)
    assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_


def test_empty_cluster_relocated_like_sklearn():
    X = blobs(500, 3, 3, std=1.0)
    init = X[:3].copy()
    init = np.vstack([init, [[1e3, 1e3, 1e3]]])  # nobody is closest to this centre at first
    ours = KMeans(4, init=init, n_init=1).fit(X)
    ref = skc.KMeans(4, init=init, n_init=1).fit(X)
    assert len(np.unique(ours.labels_)) == 4
    assert_array_equal(ours.labels_, ref.labels_)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.cluster_centers_.max() < 100  # the far centre has moved into the data


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_several_empty_clusters_relocated(algorithm):
    X = blobs(500, 3, 3, std=1.0)
    far = np.array([[1e3, 1e3, 1e3], [-1e3, 1e3, 0], [0, -1e3, 1e3]])
    init = np.vstack([X[:3], far])
    km = KMeans(6, init=init, n_init=1, algorithm=algorithm).fit(X)
    assert len(np.unique(km.labels_)) == 6
    assert np.abs(km.cluster_centers_).max() < 100
    # the labels are those of the nearest final centres
    assert_array_equal(km.labels_, km.predict(X))


def test_copy_x_false_restores_data():
    X = blobs()
    X0 = X.copy()
    init = pick_init(X, 5, 0)
    a = KMeans(5, init=init, n_init=1, copy_x=False).fit(X)
    b = KMeans(5, init=init, n_init=1).fit(X0)
    assert_allclose(X, X0, rtol=1e-12, atol=1e-12)
    assert_array_equal(a.labels_, b.labels_)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("offset", [0.0, 1e4])
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_centred_only_far_from_the_origin_same_fit(dtype, offset, algorithm):
    """float64 data are centred (as scikit-learn always centres them) only when their mean is far
    from the origin next to their spread, float32 data always; either way the fit is
    scikit-learn's. float64 blobs around the origin take the uncentred path, the same blobs
    shifted by 1e4 the centred one (where the expanded form of the distances would lose digits
    without it); copy_x=False leaves X as it was: untouched, or restored to within a rounding."""
    X = (blobs(n=1200, d=8, centers=4) + offset).astype(dtype)
    init = pick_init(X, 4, 1)
    ref = skc.KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(X)
    ours = KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(X)
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_
    tol = 1e-10 if dtype == np.float64 else 2e-4
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=tol, atol=tol * max(1.0, offset))
    assert_allclose(ours.inertia_, ref.inertia_, rtol=tol if dtype == np.float64 else 1e-3)
    Xw = X.copy()
    KMeans(4, init=init, n_init=1, algorithm=algorithm, copy_x=False).fit(Xw)
    if offset == 0.0 and dtype == np.float64:
        assert_array_equal(Xw, X)
    else:  # (x − mean) + mean: two roundings at the scale of the data
        scale = float(np.abs(X).max())
        assert_allclose(Xw, X, rtol=0, atol=4 * np.finfo(dtype).eps * scale)


@pytest.mark.parametrize("layout", ["fortran", "read-only", "strided"])
@pytest.mark.parametrize("copy_x", [True, False])
def test_any_layout_same_fit_and_data_untouched(layout, copy_x):
    """X that cannot be centred in place (F order, read-only, a strided view) is copied whatever
    copy_x says: the same fit as on a C-ordered copy, and X left exactly as it was."""
    X = blobs()
    init = pick_init(X, 5, 0)
    ref = KMeans(5, init=init, n_init=1).fit(X.copy())
    if layout == "fortran":
        Xv = np.asfortranarray(X)
    elif layout == "read-only":
        Xv = X.copy()
        Xv.setflags(write=False)
    else:
        Xv = np.repeat(X, 2, axis=1)[:, ::2]
    before = Xv.copy()
    km = KMeans(5, init=init, n_init=1, copy_x=copy_x).fit(Xv)
    assert_array_equal(Xv, before)
    assert_array_equal(km.labels_, ref.labels_)
    assert_allclose(km.cluster_centers_, ref.cluster_centers_, rtol=1e-12, atol=1e-12)
    assert_allclose(km.inertia_, ref.inertia_, rtol=1e-12)


def test_duplicate_points_warn():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0]]), 10, axis=0)
    with pytest.warns(ConvergenceWarning, match=re.escape("Number of distinct clusters (2)")):
        KMeans(3, random_state=0).fit(X)


def test_array_init_with_n_init_warns():
    X = blobs()
    with pytest.warns(RuntimeWarning, match="Explicit initial center position passed"):
        KMeans(5, init=X[:5].copy(), n_init=3).fit(X)


def test_single_cluster_and_elkan_fallback():
    X = blobs()
    with pytest.warns(RuntimeWarning, match="doesn't make sense for a single cluster"):
        km = KMeans(1, algorithm="elkan", random_state=0).fit(X)
    assert_allclose(km.cluster_centers_[0], X.mean(axis=0), rtol=1e-10, atol=1e-10)
    assert_allclose(km.inertia_, ((X - X.mean(0)) ** 2).sum(), rtol=1e-9)


def test_feature_names_out_and_dataframe():
    import pandas as pd
    X = blobs()
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    km = KMeans(3, random_state=0).fit(df)
    assert list(km.feature_names_in_) == list(df.columns)
    assert list(km.get_feature_names_out()) == ["kmeans0", "kmeans1", "kmeans2"]


# ---------------------------------------------------------------------------------------------
# MiniBatchKMeans


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minibatch_quality_close_to_sklearn(dtype):
    X = blobs(4000, 8, 10, std=3.0).astype(dtype)
    ours = [MiniBatchKMeans(10, random_state=s).fit(X).inertia_ for s in range(3)]
    ref = [skc.MiniBatchKMeans(10, random_state=s).fit(X).inertia_ for s in range(3)]
    assert np.mean(ours) <= 1.05 * np.mean(ref)
    full = KMeans(10, random_state=0).fit(X).inertia_
    assert np.mean(ours) <= 1.25 * full  # mini-batch may stop in a somewhat worse optimum


def test_minibatch_digits_and_attributes():
    X = digits()
    km = MiniBatchKMeans(10, batch_size=256, random_state=0).fit(X)
    ref = skc.MiniBatchKMeans(10, batch_size=256, random_state=0).fit(X)
    assert km.cluster_centers_.shape == (10, 64)
    assert km.labels_.shape == (len(X),)
    assert km.n_steps_ >= 1 and km.n_iter_ >= 1
    assert km.n_iter_ == int(np.ceil(km.n_steps_ * 256 / len(X)))
    assert km.inertia_ <= 1.05 * ref.inertia_
    assert_array_equal(km.labels_, km.predict(X))
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-9)


def test_minibatch_partial_fit():
    X = blobs(4000, 5, 6, std=2.0)
    km = MiniBatchKMeans(6, random_state=0)
    for batch in np.array_split(X, 20):
        km.partial_fit(batch)
    assert km.n_steps_ == 20
    full = KMeans(6, random_state=0).fit(X).inertia_
    assert -km.score(X) <= 1.15 * full
    ref = skc.MiniBatchKMeans(6, random_state=0)
    for batch in np.array_split(X, 20):
        ref.partial_fit(batch)
    assert -km.score(X) <= 1.05 * -ref.score(X)
    with pytest.raises(ValueError, match="X has 3 features"):
        km.partial_fit(X[:, :3])


def test_minibatch_reassignment_and_tol():
    X = blobs(3000, 4, 5)
    init = np.vstack([X[:4], [[1e3] * 4]])
    km = MiniBatchKMeans(5, init=init, n_init=1, batch_size=100, reassignment_ratio=0.1,
                         random_state=0).fit(X)
    assert np.abs(km.cluster_centers_).max() < 100  # the unused centre was reassigned
    km2 = MiniBatchKMeans(5, random_state=0, tol=1e-2, max_no_improvement=None).fit(X)
    assert km2.n_steps_ < (100 * len(X)) // 1024
    km3 = MiniBatchKMeans(5, random_state=0, compute_labels=False).fit(X)
    assert not hasattr(km3, "labels_") and km3.inertia_ > 0


def test_minibatch_sample_weight():
    X = blobs(2000, 4, 4)
    w = np.random.RandomState(1).rand(len(X)) + 0.5
    km = MiniBatchKMeans(4, random_state=0).fit(X, sample_weight=w)
    ref = skc.MiniBatchKMeans(4, random_state=0).fit(X, sample_weight=w)
    assert km.inertia_ <= 1.05 * ref.inertia_


# ---------------------------------------------------------------------------------------------
# Rejected input


@pytest.mark.parametrize("Est", [KMeans, MiniBatchKMeans])
@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_clusters": 0}, "'n_clusters' parameter of {name} must be an int in the range [1, inf)"),
        ({"n_clusters": 2.5}, "'n_clusters' parameter of {name} must be an int in the range [1, inf)"),
        ({"init": "kmeans"}, "'init' parameter of {name} must be a str among {{'k-means++', 'random'}}, a callable or an array-like"),
        ({"init": 3}, "'init' parameter of {name} must be a str among {{'k-means++', 'random'}}, a callable or an array-like"),
        ({"n_init": 0}, "'n_init' parameter of {name} must be a str among {{'auto'}} or an int in the range [1, inf)"),
        ({"n_init": "many"}, "'n_init' parameter of {name} must be a str among {{'auto'}} or an int in the range [1, inf)"),
        ({"max_iter": 0}, "'max_iter' parameter of {name} must be an int in the range [1, inf)"),
        ({"tol": -1.0}, "'tol' parameter of {name} must be a float in the range [0, inf)"),
        ({"n_jobs": 0}, "'n_jobs' parameter of {name} must be an int in the range (-inf, -1], an int in the range [1, inf) or None. Got 0"),
        ({"random_state": "seed"}, "'random_state' parameter of {name} must be an int in the range [0, 4294967295]"),
    ],
)
def test_bad_parameters(Est, params, message):
    X = blobs(100)
    with pytest.raises(ValueError, match=re.escape(message.format(name=Est.__name__))):
        Est(**params).fit(X)


@pytest.mark.parametrize(
    "Est, params, message",
    [
        (KMeans, {"algorithm": "full"}, "'algorithm' parameter of {name} must be a str among {{'elkan', 'lloyd'}}. Got 'full'"),
        (MiniBatchKMeans, {"batch_size": 0}, "'batch_size' parameter of {name} must be an int in the range [1, inf)"),
        (MiniBatchKMeans, {"reassignment_ratio": -0.1}, "'reassignment_ratio' parameter of {name} must be a float in the range [0, inf)"),
        (MiniBatchKMeans, {"max_no_improvement": -1}, "'max_no_improvement' parameter of {name} must be an int in the range [0, inf) or None"),
        (MiniBatchKMeans, {"init_size": 0}, "'init_size' parameter of {name} must be an int in the range [1, inf) or None"),
    ],
)
def test_bad_estimator_specific_parameters(Est, params, message):
    with pytest.raises(ValueError, match=re.escape(message.format(name=Est.__name__))):
        Est(**params).fit(blobs(100))


@pytest.mark.parametrize("Est", [KMeans, MiniBatchKMeans])
def test_bad_data(Est):
    X = blobs(50)
    with pytest.raises(ValueError, match=re.escape("n_samples=5 should be >= n_clusters=8")):
        Est(8).fit(X[:5])
    with pytest.raises(ValueError, match="does not match the number of clusters 3"):
        Est(3, init=X[:4].copy(), n_init=1).fit(X)
    with pytest.raises(ValueError, match="does not match the number of features of the data 6"):
        Est(3, init=X[:3, :4].copy(), n_init=1).fit(X)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Est(3).fit(Xn)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        Est(3).fit(X[:, 0])
    with pytest.raises(ValueError, match=re.escape("sample_weight.shape == (49,), expected (50,)")):
        Est(3).fit(X, sample_weight=np.ones(49))
    with pytest.raises(ValueError, match="Sample weights must contain at least one non-zero"):
        Est(3).fit(X, sample_weight=np.zeros(50))
    with pytest.raises(NotFittedError):
        Est(3).predict(X)
    km = Est(3, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 5 features, but .* is expecting 6 features"):
        km.predict(X[:, :5])
    with pytest.raises(ValueError, match="X has 5 features"):
        km.transform(X[:, :5])


def test_kmeans_plusplus_rejects():
    X = blobs(20)
    with pytest.raises(ValueError, match=re.escape("n_samples=20 should be >= n_clusters=21")):
        kmeans_plusplus(X, 21)
    with pytest.raises(ValueError, match="The length of x_squared_norms 3"):
        kmeans_plusplus(X, 2, x_squared_norms=np.ones(3))


def test_core_rejects_inconsistent_arrays():
    from scratchlearn import _core

    X = blobs(30)
    w = np.ones(30)
    with pytest.raises(ValueError, match="sample_weight length"):
        _core.cluster.kmeans_fit(X, np.ones(29), X[:3], "lloyd", 10, 0.0, 1)
    with pytest.raises(ValueError, match="wrong number of features"):
        _core.cluster.kmeans_fit(X, w, X[:3, :2], "lloyd", 10, 0.0, 1)
    with pytest.raises(ValueError, match="n_clusters must be <= n_samples"):
        _core.cluster.kmeans_fit(X[:2], w[:2], X[:3], "lloyd", 10, 0.0, 1)
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        _core.cluster.kmeans_fit(X, w, X[:3], "elkan", 0, 0.0, 1)
    with pytest.raises(ValueError, match="algorithm must be one of 'lloyd', 'elkan' or 'lloyd_full'"):
        _core.cluster.kmeans_fit(X, w, X[:3], "fast", 10, 0.0, 1)
    with pytest.raises(ValueError, match="needs n_clusters >= 2"):
        _core.cluster.kmeans_fit(X, w, X[:1], "elkan", 10, 0.0, 1)
    with pytest.raises(ValueError, match="at least one centre"):
        _core.cluster.kmeans_assign(X, w, X[:0], False, 1)


@pytest.mark.parametrize("isa", list(__import__("scratchlearn")._core.cpu_info()["isa_available"]))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [6, 13])
def test_every_kernel_path(isa, dtype, k):
    from scratchlearn import _core

    # d = 7: transposed blocks with a remainder; k = 6 and 13: 8 and 16 register lanes (several
    # samples per step, 2 to 8 by lane count); n = 3003: a short last group of samples.
    X = blobs(3003, 7, k, std=3.0).astype(dtype)
    init = pick_init(X, k, 0)
    ref = skc.KMeans(k, init=init, n_init=1).fit(X)
    before = _core.get_isa()
    try:
        _core.set_isa(isa)
        km = KMeans(k, init=init, n_init=1).fit(X)
    finally:
        _core.set_isa(before)
    assert_array_equal(km.labels_, ref.labels_)
    tol = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(km.cluster_centers_, ref.cluster_centers_, rtol=tol, atol=tol)
    assert_allclose(km.inertia_, ref.inertia_, rtol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_core_sq_distances_against_numpy(dtype):
    # the core's all-pairs squared distances (a binding no estimator calls at present): every
    # row of Y to every row of X, against numpy, and its shape checks
    from scratchlearn import _core

    rng = np.random.RandomState(0)
    X, Y = rng.randn(37, 5).astype(dtype), rng.randn(9, 5).astype(dtype)
    got = _core.cluster.kmeans_sq_distances(X, (X.astype(np.float64) ** 2).sum(1).astype(dtype), Y, 2)
    want = ((Y[:, None, :].astype(np.float64) - X[None, :, :]) ** 2).sum(-1)
    assert got.shape == (9, 37) and got.dtype == dtype
    assert_allclose(got, want, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-4)
    with pytest.raises(ValueError, match="x_sq_norms"):
        _core.cluster.kmeans_sq_distances(X, np.zeros(3, dtype), Y, 1)
    with pytest.raises(ValueError, match="features"):
        _core.cluster.kmeans_sq_distances(X, np.zeros(37, dtype), Y[:, :3].copy(), 1)
