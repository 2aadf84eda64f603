import numpy as np
import pytest
import scipy.linalg
import scipy.sparse
from numpy.testing import assert_allclose, assert_array_equal

from sklearn import datasets
from sklearn import decomposition as sk

from scratchlearn import _core
from scratchlearn import decomposition as sl
from scratchlearn.exceptions import NotFittedError

DTYPES = [np.float64, np.float32]


def _data(rng, n=400, d=12, offset=3.0):
    # Well-separated spectrum: variances roughly 1, 1/2, 1/3, ... times a random rotation.
    scales = 3.0 / np.arange(1, d + 1)
    Q, _ = np.linalg.qr(rng.randn(d, d))
    return (rng.randn(n, d) * scales) @ Q.T + offset


def _assert_pca_equal(ours, ref, X, dtype, k=None):
    tight = dtype == np.float64
    rt = 1e-7 if tight else 2e-4
    at = 1e-9 if tight else 2e-4
    assert ours.n_components_ == ref.n_components_
    k = ref.n_components_ if k is None else k
    assert ours.components_.dtype == dtype and ours.explained_variance_.dtype == dtype
    assert_allclose(ours.mean_, ref.mean_, rtol=rt, atol=at)
    assert_allclose(ours.explained_variance_[:k], ref.explained_variance_[:k], rtol=rt, atol=at)
    assert_allclose(ours.explained_variance_ratio_[:k], ref.explained_variance_ratio_[:k], rtol=rt,
                    atol=at)
    assert_allclose(ours.singular_values_[:k], ref.singular_values_[:k], rtol=rt, atol=at)
    # Same sign convention as scikit-learn: no flipping needed.
    assert_allclose(ours.components_[:k], ref.components_[:k], atol=1e-7 if tight else 2e-3)
    assert ours.noise_variance_ == pytest.approx(float(ref.noise_variance_), rel=rt, abs=at)
    T = ours.transform(X)
    assert T.dtype == dtype
    tscale = np.abs(ref.transform(X)).max()
    assert_allclose(T[:, :k], ref.transform(X)[:, :k], atol=(1e-8 if tight else 2e-3) * tscale)
    assert_allclose(ours.inverse_transform(T), ref.inverse_transform(ref.transform(X)),
                    atol=(1e-8 if tight else 2e-3) * np.abs(X).max())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"n_components": 4},
        {"n_components": 0.8},
        {"n_components": 4, "whiten": True},
        {"n_components": 5, "svd_solver": "full"},
        {"n_components": 5, "svd_solver": "covariance_eigh"},
        {"n_components": 3, "svd_solver": "arpack"},
        {"n_components": "mle"},
        {"n_components": 3, "svd_solver": "randomized", "random_state": 0},
        {"n_components": 3, "svd_solver": "randomized", "random_state": 1,
         "power_iteration_normalizer": "QR"},
        {"n_components": 3, "svd_solver": "randomized", "random_state": 2,
         "power_iteration_normalizer": "none", "iterated_power": 2},
        {"n_components": 3, "svd_solver": "randomized", "random_state": 2,
         "power_iteration_normalizer": "LU", "iterated_power": 1, "whiten": True},
    ],
)
def test_pca_random_data(rng, dtype, params):
    X = _data(rng).astype(dtype)
    ours = sl.PCA(**params).fit(X)
    ref = sk.PCA(**params).fit(X)
    _assert_pca_equal(ours, ref, X, dtype)
    assert ours._fit_svd_solver == ref._fit_svd_solver


@pytest.mark.parametrize("dtype", DTYPES)
def test_pca_score_and_covariance(rng, dtype):
    X = _data(rng).astype(dtype)
    for whiten in (False, True):
        ours = sl.PCA(n_components=5, whiten=whiten).fit(X)
        ref = sk.PCA(n_components=5, whiten=whiten).fit(X)
        tol = 1e-7 if dtype == np.float64 else 1e-3
        assert_allclose(ours.get_covariance(), ref.get_covariance(), rtol=tol, atol=tol)
        assert_allclose(ours.get_precision(), ref.get_precision(), rtol=tol, atol=tol * 10)
        assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=tol)
        assert ours.score(X) == pytest.approx(ref.score(X), rel=tol)
    assert_allclose(sl.PCA(3).fit_transform(X), sk.PCA(3).fit_transform(X),
                    atol=1e-9 if dtype == np.float64 else 1e-3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_digits,
                                    datasets.load_breast_cancer])
def test_pca_real_data(dtype, loader):
    X, _ = loader(return_X_y=True)
    X = X.astype(dtype)
    for params in ({"n_components": 2}, {"n_components": 0.9}):
        ours = sl.PCA(**params).fit(X)
        ref = sk.PCA(**params).fit(X)
        if dtype == np.float32 and loader is datasets.load_breast_cancer:
            # Features spanning six orders of magnitude: float32 keeps only a few digits.
            assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-3)
            continue
        _assert_pca_equal(ours, ref, X, dtype)


def test_pca_full_spectrum_digits():
    # digits has constant pixels: trailing eigenvalues are (numerically) zero.
    X, _ = datasets.load_digits(return_X_y=True)
    ours = sl.PCA().fit(X)
    ref = sk.PCA(svd_solver="full").fit(X)
    top = ref.explained_variance_[0]
    assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-7, atol=1e-10 * top)
    assert ours.noise_variance_ == 0.0
    assert_allclose(ours.components_[:20], ref.components_[:20], atol=1e-6)


def test_pca_wide_data(rng):
    X = rng.randn(30, 80)
    for params in ({"n_components": 5}, {"n_components": 5, "svd_solver": "randomized",
                                         "random_state": 0}):
        ours = sl.PCA(**params).fit(X)
        ref = sk.PCA(**params).fit(X)
        _assert_pca_equal(ours, ref, X, np.float64)
    ours = sl.PCA().fit(X)
    ref = sk.PCA().fit(X)
    assert ours.n_components_ == 30
    assert_allclose(ours.explained_variance_[:29], ref.explained_variance_[:29], rtol=1e-9)
    assert ours.explained_variance_[29] < 1e-12


def test_pca_wide_uses_gram_matrix(rng):
    # d = 4000 features, 40 samples: a d × d covariance would be slow; the n × n route is not.
    X = rng.randn(40, 4000) + np.linspace(0, 3, 4000)
    for dtype in DTYPES:
        Xd = X.astype(dtype)
        ours = sl.PCA().fit(Xd)
        ref = sk.PCA().fit(Xd)
        assert ours.components_.shape == (40, 4000)
        _assert_pca_equal(ours, ref, Xd, dtype, k=39)
        C = ours.components_.astype(np.float64)
        assert_allclose(C @ C.T, np.eye(40), atol=1e-10 if dtype == np.float64 else 1e-5)
        assert ours.explained_variance_[39] < 1e-10 * ours.explained_variance_[0]


def test_pca_ill_conditioned(rng):
    # A direction with variance 1e-12 of the largest: the covariance route resolves the leading
    # components to full precision and the tiny one only to ~eps·(largest variance).
    X = rng.randn(2000, 4) * np.array([1.0, 0.5, 0.1, 1e-6])
    X = X @ np.linalg.qr(rng.randn(4, 4))[0] + 100
    ours = sl.PCA().fit(X)
    ref = sk.PCA(svd_solver="full").fit(X)
    assert_allclose(ours.explained_variance_[:3], ref.explained_variance_[:3], rtol=1e-9)
    assert abs(ours.explained_variance_[3] - ref.explained_variance_[3]) < 1e-12
    assert_allclose(ours.components_[:3], ref.components_[:3], atol=1e-8)


def test_pca_sign_convention(rng):
    X = _data(rng)
    C = sl.PCA().fit(X).components_
    idx = np.argmax(np.abs(C), axis=1)
    assert np.all(C[np.arange(len(C)), idx] > 0)


def test_pca_threads_identical(rng):
    X = _data(rng, n=30000, d=9)
    for dtype in DTYPES:
        m1, s1 = _core.centred_scatter(X.astype(dtype), None, None, True, 1)
        m2, s2 = _core.centred_scatter(X.astype(dtype), None, None, True, 2)
        assert_array_equal(m1, m2)
        assert_array_equal(s1, s2)
        Y = rng.randn(5000, 7).astype(dtype)
        assert_array_equal(_core.orthonormalize_columns(Y, 1), _core.orthonormalize_columns(Y, 2))


def test_pca_scatter_matches_numpy(rng):
    X = _data(rng, n=10000, d=7, offset=50)
    mean, S = _core.centred_scatter(X, None, None, True, 2)
    Xc = X - X.mean(axis=0)
    assert_allclose(mean, X.mean(axis=0), rtol=1e-13)
    assert_allclose(S, Xc.T @ Xc, rtol=1e-11, atol=1e-9)


# ------------------------------------------------------------------------- the dense kernels


@pytest.mark.parametrize("d", [1, 2, 3, 10, 64, 150])
def test_symmetric_eigen_random(rng, d):
    A = rng.randn(d + 5, d)
    A = A.T @ A
    w, V = _core.symmetric_eigen(A)
    ref = np.linalg.eigvalsh(A)[::-1]
    assert_allclose(w, ref, rtol=1e-12, atol=1e-13 * ref[0])
    assert_allclose(V @ V.T, np.eye(d), atol=1e-13)
    assert_allclose(V.T @ np.diag(w) @ V, A, atol=1e-12 * ref[0])
    assert np.all(np.diff(w) <= 0)


def test_symmetric_eigen_special_matrices(rng):
    for A in (np.zeros((4, 4)), np.eye(5) * 3.0, np.diag([5.0, -1.0, 2.0, 2.0, 0.0]),
              np.ones((6, 6)), np.array([[1.0, 1e-20], [1e-20, 1.0]])):
        w, V = _core.symmetric_eigen(A)
        assert_allclose(w, np.sort(np.linalg.eigvalsh(A))[::-1], atol=1e-13)
        assert_allclose(V @ V.T, np.eye(len(A)), atol=1e-13)
        assert_allclose(V.T @ np.diag(w) @ V, A, atol=1e-12)
    # Indefinite, with clustered eigenvalues.
    Q = np.linalg.qr(rng.randn(8, 8))[0]
    lam = np.array([4, 4, 4 + 1e-9, -2, -2, 0, 1e-12, 7.0])
    A = (Q * lam) @ Q.T
    w, V = _core.symmetric_eigen(A)
    assert_allclose(w, np.sort(lam)[::-1], atol=1e-13)
    assert_allclose(V.T @ np.diag(w) @ V, A, atol=1e-13)


def test_symmetric_eigen_rejects():
    with pytest.raises(ValueError, match="square"):
        _core.symmetric_eigen(np.ones((2, 3)))
    with pytest.raises(ValueError, match="not finite"):
        _core.symmetric_eigen(np.array([[1.0, np.nan], [np.nan, 1.0]]))


def test_jacobi_svd_and_qr_lu(rng):
    B = rng.randn(6, 40)
    U, s, Vt = _core.jacobi_svd(B)
    assert_allclose(s, np.linalg.svd(B, compute_uv=False), rtol=1e-13)
    assert_allclose((U * s) @ Vt, B, atol=1e-13)
    assert_allclose(Vt @ Vt.T, np.eye(6), atol=1e-13)
    with pytest.raises(ValueError, match="no more rows than columns"):
        _core.jacobi_svd(B.T)
    A = rng.randn(500, 12)
    Q = _core.orthonormalize_columns(A, 2)
    assert_allclose(Q.T @ Q, np.eye(12), atol=1e-14)
    assert_allclose(Q @ (Q.T @ A), A, atol=1e-12)  # same column space
    PL, _ = scipy.linalg.lu(A, permute_l=True)
    assert_allclose(_core.lu_permuted_l(A, 1), PL, atol=1e-13)
    assert_array_equal(_core.lu_permuted_l(A, 2), _core.lu_permuted_l(A, 1))
    with pytest.raises(ValueError, match="at least as many rows"):
        _core.lu_permuted_l(A.T, 1)


# ---------------------------------------------------------------------------------- rejects


def test_pca_rejects(rng):
    X = _data(rng, n=50, d=6)
    cases = [
        ({"n_components": 7}, r"n_components=7 must be between 0 and min\(n_samples, n_features\)=6"),
        ({"n_components": -1}, "'n_components' parameter of PCA"),
        ({"n_components": 1.5}, "'n_components' parameter of PCA"),
        ({"n_components": "foo"}, "'n_components' parameter of PCA"),
        ({"svd_solver": "lapack"}, "'svd_solver' parameter of PCA"),
        ({"power_iteration_normalizer": "qr"}, "'power_iteration_normalizer' parameter"),
        ({"iterated_power": -1}, "'iterated_power' parameter"),
        ({"n_oversamples": 0}, "'n_oversamples' parameter"),
        ({"tol": -1.0}, "'tol' parameter"),
        ({"n_components": 0.5, "svd_solver": "randomized"},
         r"n_components=0.5 must be between 1 and min\(n_samples, n_features\)=6"),
        ({"n_components": 6, "svd_solver": "arpack"}, "must be strictly less than"),
        ({"n_components": "mle", "svd_solver": "randomized"}, "cannot be a string"),
    ]
    for params, msg in cases:
        with pytest.raises(ValueError, match=msg):
            sl.PCA(**params).fit(X)
    with pytest.raises(ValueError, match="only supported if n_samples >= n_features"):
        sl.PCA(n_components="mle").fit(rng.randn(5, 8))
    with pytest.raises(TypeError, match="does not support sparse input"):
        sl.PCA().fit(scipy.sparse.csr_matrix(X))
    with pytest.raises(ValueError, match="1 sample"):
        sl.PCA().fit(X[:1])
    Xn = X.copy()
    Xn[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        sl.PCA().fit(Xn)
    with pytest.raises(NotFittedError):
        sl.PCA().transform(X)
    est = sl.PCA(2).fit(X)
    with pytest.raises(ValueError, match="X has 5 features, but PCA is expecting 6"):
        est.transform(X[:, :5])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("solver", ["auto", "full", "covariance_eigh", "randomized"])
@pytest.mark.parametrize("bad,msg", [(np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity")])
@pytest.mark.parametrize("n", [40, 30000])
def test_pca_nonfinite_rejected_every_solver(dtype, solver, bad, msg, n):
    # The exact solvers check X through the scatter matrix, the others beforehand: same message.
    rng = np.random.RandomState(0)
    X = rng.randn(n, 5).astype(dtype)
    for i, j in [(0, 0), (n - 1, 4)]:
        Xb = X.copy()
        Xb[i, j] = bad
        with pytest.raises(ValueError, match=msg):
            sl.PCA(n_components=2, svd_solver=solver, random_state=0).fit(Xb)
        with pytest.raises(ValueError, match=msg):
            sl.PCA(n_components=2, svd_solver=solver, random_state=0).fit_transform(Xb)
