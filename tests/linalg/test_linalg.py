"""The matrix product family (cpp/src/gemm/): gemm, syrk_ata, gemv and sq_dist_argmin against numpy,
on every kernel path this CPU can run, plus the CPU-dispatch and error behaviour."""

import functools
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import scratchlearn
from scratchlearn import _core
from scratchlearn.linalg import gemm

ALL_ISAS = ["generic", "avx2", "avx512"]
ISAS = list(_core.cpu_info()["isa_available"])
MISSING = [isa for isa in ALL_ISAS if isa not in ISAS]
DTYPES = [np.float32, np.float64]


@pytest.fixture(params=ISAS)
def isa(request):
    # Each available kernel path in turn; every product here may use threads, however small (the
    # default keeps small products on one thread).
    before = _core.get_isa()
    _core.set_isa(request.param)
    work = _core.gemm_set_min_thread_work(1.0)
    yield request.param
    _core.gemm_set_min_thread_work(work)
    _core.set_isa(before)


def reference(A, B, ta, tb, alpha, beta, C0):
    """Product in wider precision, and an elementwise error bound of k·eps scale."""
    wide = np.longdouble if A.dtype == np.float64 else np.float64
    opA = (A.T if ta else A).astype(wide)
    opB = (B.T if tb else B).astype(wide)
    ref = alpha * (opA @ opB)
    mag = abs(alpha) * (np.abs(opA) @ np.abs(opB))
    if beta != 0:
        ref = ref + beta * C0.astype(wide)
        mag = mag + abs(beta) * np.abs(C0.astype(wide))
    k = opA.shape[1]
    eps = np.finfo(A.dtype).eps
    return ref, 2 * (k + 2) * eps * mag + np.finfo(A.dtype).tiny


def check_close(C, ref, bound):
    err = np.abs(C.astype(ref.dtype) - ref)
    assert np.all(err <= bound), f"max error {float(err.max())} > bound {float(bound.max())}"


def make(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


# --------------------------------------------------------------------------------------------
# gemm against numpy


@pytest.mark.parametrize("dtype", DTYPES)
# The isa fixture only selects the path; it is the same for every generated input.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    m=st.integers(0, 45), n=st.integers(0, 70), k=st.integers(0, 40),
    ta=st.booleans(), tb=st.booleans(),
    alpha=st.sampled_from([1.0, -0.5, 2.0, 0.0]), beta=st.sampled_from([0.0, 1.0, -1.5]),
    n_jobs=st.sampled_from([1, 2]), seed=st.integers(0, 2**31 - 1),
)
def test_gemm_random_shapes(isa, dtype, m, n, k, ta, tb, alpha, beta, n_jobs, seed):
    rng = np.random.default_rng(seed)
    A = make(rng, (k, m) if ta else (m, k), dtype)
    B = make(rng, (n, k) if tb else (k, n), dtype)
    C0 = make(rng, (m, n), dtype)
    C = C0.copy()
    res = gemm(A, B, trans_a=ta, trans_b=tb, alpha=alpha, beta=beta, out=C, n_jobs=n_jobs)
    assert res is C and C.dtype == dtype
    ref, bound = reference(A, B, ta, tb, alpha, beta, C0)
    check_close(C, ref, bound)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ta,tb", [(False, False), (False, True), (True, False), (True, True)])
@pytest.mark.parametrize("shape", [(260, 150, 520), (97, 4101, 3), (1, 513, 260), (260, 1, 700), (30, 20, 9000)])
def test_gemm_crosses_cache_blocks(isa, dtype, ta, tb, shape):
    # Sizes beyond one mc, kc or nc block (and no multiple of any), with two threads; the last
    # shape (small C, long k) takes the k-sliced path.
    m, n, k = shape
    rng = np.random.default_rng(m * n + k)
    A = make(rng, (k, m) if ta else (m, k), dtype)
    B = make(rng, (n, k) if tb else (k, n), dtype)
    C0 = make(rng, (m, n), dtype)
    C = C0.copy()
    gemm(A, B, trans_a=ta, trans_b=tb, alpha=0.75, beta=-0.5, out=C, n_jobs=2)
    ref, bound = reference(A, B, ta, tb, 0.75, -0.5, C0)
    check_close(C, ref, bound)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_new_array(isa, dtype):
    rng = np.random.default_rng(1)
    A, B = make(rng, (64, 33), dtype), make(rng, (33, 20), dtype)
    C = gemm(A, B)
    assert C.shape == (64, 20) and C.dtype == dtype and C.flags.c_contiguous
    ref, bound = reference(A, B, False, False, 1.0, 0.0, None)
    check_close(C, ref, bound)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_threads_give_identical_results(isa, dtype):
    rng = np.random.default_rng(2)
    A, B = make(rng, (333, 300), dtype), make(rng, (300, 211), dtype)
    C0 = make(rng, (333, 211), dtype)
    c1 = gemm(A, B, beta=0.5, out=C0.copy(), n_jobs=1)
    c2 = gemm(A, B, beta=0.5, out=C0.copy(), n_jobs=2)
    c3 = gemm(A, B, beta=0.5, out=C0.copy(), n_jobs=3)
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(c1, c3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_zero_sizes_and_k_zero(isa, dtype):
    rng = np.random.default_rng(3)
    assert gemm(np.zeros((0, 5), dtype), np.zeros((5, 7), dtype)).shape == (0, 7)
    assert gemm(np.zeros((4, 5), dtype), np.zeros((5, 0), dtype)).shape == (4, 0)
    # k = 0: C = beta·C (zeros for a new array; beta = 0 never reads out)
    A, B = np.zeros((6, 0), dtype), np.zeros((0, 9), dtype)
    np.testing.assert_array_equal(gemm(A, B), np.zeros((6, 9), dtype))
    C0 = make(rng, (6, 9), dtype)
    C = gemm(A, B, beta=2.5, out=C0.copy())
    np.testing.assert_allclose(C, 2.5 * C0, rtol=1e-6)
    C = gemm(A, B, beta=0.0, out=np.full((6, 9), np.nan, dtype))
    np.testing.assert_array_equal(C, np.zeros((6, 9), dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_nan_rows_and_beta_zero_ignores_out(isa, dtype):
    rng = np.random.default_rng(4)
    A, B = make(rng, (40, 30), dtype), make(rng, (30, 50), dtype)
    A[7, 3] = np.nan
    A[31, 29] = np.inf
    C = gemm(A, B, out=np.full((40, 50), np.nan, dtype), n_jobs=2)  # beta = 0: out never read
    bad = np.zeros(40, bool)
    bad[[7, 31]] = True
    assert np.all(np.isnan(C[7]))
    assert not np.any(np.isfinite(C[31]))
    assert np.all(np.isfinite(C[~bad]))
    ref, bound = reference(A[~bad], B, False, False, 1.0, 0.0, None)
    check_close(C[~bad], ref, bound)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, True), (False, True), (True, False)])
def test_gemm_leading_dimensions_submatrix_views(isa, dtype, ta, tb):
    # Views of blocks of larger arrays: leading dimension > width, read and written in place.
    rng = np.random.default_rng(5)
    m, n, k = 37, 29, 41
    bigA = make(rng, (60, 70), dtype)
    bigB = make(rng, (55, 66), dtype)
    A = bigA[3:3 + (k if ta else m), 5:5 + (m if ta else k)]
    B = bigB[2:2 + (n if tb else k), 7:7 + (k if tb else n)]
    big_out = make(rng, (50, 45), dtype)
    before = big_out.copy()
    C = big_out[4:4 + m, 6:6 + n]
    C0 = C.copy()
    _core.gemm_into(A, B, C, ta, tb, 1.25, 0.5, 2)
    ref, bound = reference(A, B, ta, tb, 1.25, 0.5, C0)
    check_close(C, ref, bound)
    outside = np.ones(big_out.shape, bool)
    outside[4:4 + m, 6:6 + n] = False
    np.testing.assert_array_equal(big_out[outside], before[outside])
    # The public wrapper accepts the same views and gives the same numbers.
    C2 = gemm(A, B, trans_a=ta, trans_b=tb, alpha=1.25, beta=0.5, out=C0.copy())
    np.testing.assert_array_equal(C2, C)


def test_gemm_other_dtypes_and_layouts():
    rng = np.random.default_rng(6)
    A = rng.integers(-5, 5, (20, 10))
    B = np.asfortranarray(rng.standard_normal((10, 8)))
    C = gemm(A, B)
    assert C.dtype == np.float64
    np.testing.assert_allclose(C, A @ B, rtol=1e-12, atol=1e-12)
    Bs = rng.standard_normal((10, 16))[:, ::2]  # strided rows: copied
    np.testing.assert_allclose(gemm(A, Bs), A @ Bs, rtol=1e-12, atol=1e-12)
    # out overlapping an input: the input is read as it was
    M = rng.standard_normal((12, 12))
    expected = M @ M
    np.testing.assert_allclose(gemm(M, M, out=M), expected, rtol=1e-12, atol=1e-12)


def test_gemm_rejects_bad_input():
    A32, B32 = np.ones((3, 4), np.float32), np.ones((4, 5), np.float32)
    with pytest.raises(ValueError, match="inner dimensions differ"):
        gemm(A32, np.ones((3, 5), np.float32))
    with pytest.raises(ValueError, match="different dtypes"):
        gemm(A32, B32.astype(np.float64))
    with pytest.raises(ValueError, match="2-dimensional"):
        gemm(np.ones(3), B32)
    with pytest.raises(ValueError, match="numeric"):
        gemm(np.array([["a"]]), B32)
    with pytest.raises(ValueError, match="shape"):
        gemm(A32, B32, out=np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="dtype float32"):
        gemm(A32, B32, out=np.zeros((3, 5), np.float64))
    with pytest.raises(ValueError, match="contiguous rows"):
        gemm(A32, B32, out=np.zeros((5, 3), np.float32).T)
    ro = np.zeros((3, 5), np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        gemm(A32, B32, out=ro)
    with pytest.raises(ValueError, match="n_jobs"):
        gemm(A32, B32, n_jobs=0)
    with pytest.raises(ValueError, match="wrong shape"):
        _core.gemm_into(A32, B32, np.zeros((3, 4), np.float32), False, False, 1.0, 0.0, 1)
    with pytest.raises(ValueError, match="contiguous rows"):
        _core.gemm_into(A32, B32, np.zeros((5, 3), np.float32).T, False, False, 1.0, 0.0, 1)
    with pytest.raises(ValueError, match="need >= 1 multiply-add per thread"):
        _core.gemm_set_min_thread_work(0.0)


# --------------------------------------------------------------------------------------------
# syrk_ata, gemv, sq_dist_argmin


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n,d", [(0, 5), (1, 1), (50, 7), (1000, 33), (520, 130), (9000, 21)])
def test_syrk_ata(isa, dtype, n, d):
    rng = np.random.default_rng(n + d)
    X = make(rng, (n, d), dtype)
    G1 = _core.syrk_ata(X, 0.5, 1)
    G2 = _core.syrk_ata(X, 0.5, 2)
    assert G1.dtype == dtype and G1.shape == (d, d)
    np.testing.assert_array_equal(G1, G2)
    np.testing.assert_array_equal(G1, G1.T)
    wide = np.longdouble if dtype == np.float64 else np.float64
    ref = 0.5 * (X.T.astype(wide) @ X.astype(wide))
    bound = 2 * (n + 2) * np.finfo(dtype).eps * 0.5 * (np.abs(X.T).astype(wide) @ np.abs(X))
    check_close(G1, ref, bound + np.finfo(dtype).tiny)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans", [False, True])
@pytest.mark.parametrize("m,n", [(0, 4), (4, 0), (1, 1), (37, 19), (3000, 45), (20, 700)])
def test_gemv(isa, dtype, trans, m, n):
    rng = np.random.default_rng(m * 7 + n)
    A = make(rng, (m, n), dtype)
    x = make(rng, (m if trans else n,), dtype)
    y0 = make(rng, (n if trans else m,), dtype)
    ys = []
    for n_jobs in (1, 2):
        y = y0.copy()
        _core.gemv_into(A, x, y, trans, 1.5, -0.5, n_jobs)
        ys.append(y)
    np.testing.assert_array_equal(ys[0], ys[1])
    wide = np.longdouble if dtype == np.float64 else np.float64
    opA = (A.T if trans else A).astype(wide)
    ref = 1.5 * (opA @ x.astype(wide)) - 0.5 * y0
    bound = 2 * (opA.shape[1] + 2) * np.finfo(dtype).eps * (
        1.5 * (np.abs(opA) @ np.abs(x)) + 0.5 * np.abs(y0)) + np.finfo(dtype).tiny
    check_close(ys[0], ref, bound)
    # beta = 0: y is not read
    y = np.full_like(y0, np.nan)
    _core.gemv_into(A, x, y, trans, 1.0, 0.0, 2)
    assert not np.any(np.isnan(y))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n,k,d", [(1, 1, 1), (300, 7, 5), (600, 1100, 20), (513, 3, 0)])
def test_sq_dist_argmin(isa, dtype, n, k, d):
    rng = np.random.default_rng(n + k + d)
    X = make(rng, (n, d), dtype)
    C = make(rng, (k, d), dtype)
    lab1, dist1 = _core.sq_dist_argmin(X, C, 1)
    lab2, dist2 = _core.sq_dist_argmin(X, C, 2)
    np.testing.assert_array_equal(lab1, lab2)
    np.testing.assert_array_equal(dist1, dist2)
    assert lab1.dtype == np.int64 and dist1.dtype == dtype
    D = ((X[:, None, :].astype(np.float64) - C[None, :, :]) ** 2).sum(-1)
    best = D.min(axis=1)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    scale = (X.astype(np.float64) ** 2).sum(1) + (C.astype(np.float64) ** 2).sum(1).max() + 1
    # The chosen centre is the nearest up to rounding, and the reported distance is right.
    chosen = D[np.arange(n), lab1]
    assert np.all(chosen - best <= tol * scale)
    np.testing.assert_allclose(dist1, best, atol=float(tol * scale.max()), rtol=0)
    if d == 0:
        np.testing.assert_array_equal(lab1, 0)  # all tie: the lowest index


def test_sq_dist_argmin_ties_and_nan():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [np.nan, 0.0]])
    C = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])  # x0 is 1 from each: lowest index wins
    lab, dist = _core.sq_dist_argmin(X, C, 1)
    assert lab[0] == 0 and dist[0] == 1.0
    assert lab[1] == 0 and dist[1] == 1.0
    assert lab[2] == 0 and np.isnan(dist[2])
    with pytest.raises(ValueError, match="no rows"):
        _core.sq_dist_argmin(X, np.zeros((0, 2)), 1)
    with pytest.raises(ValueError, match="feature count"):
        _core.sq_dist_argmin(X, np.zeros((2, 3)), 1)


# --------------------------------------------------------------------------------------------
# Kernel path selection


def test_set_isa_and_get_isa():
    before = _core.get_isa()
    try:
        for name in ISAS:
            _core.set_isa(name)
            assert _core.get_isa() == name
            assert _core.cpu_info()["isa"] == name
        for name in MISSING:
            with pytest.raises(RuntimeError, match=f"kernel path '{name}' cannot be used: "):
                _core.set_isa(name)
        with pytest.raises(ValueError, match="unknown kernel path 'sse9'"):
            _core.set_isa("sse9")
    finally:
        _core.set_isa(before)
    assert "generic" in ISAS


def _import_with_isa(value):
    env = dict(os.environ, SCRATCHLEARN_ISA=value)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(scratchlearn.__file__))] + sys.path)
    code = "import scratchlearn._core as c; print(c.get_isa())"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)


def test_env_forces_path_or_refuses_clearly():
    # Every path the CPU has can be forced; every one it lacks (avx512 on AVX2-only CPUs, both
    # SIMD paths on older ones) makes the import fail with the reason.
    for name in ISAS:
        r = _import_with_isa(name.upper() if name == "avx2" else name)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == name
    for name in MISSING:
        r = _import_with_isa(name)
        assert r.returncode != 0
        assert "ImportError" in r.stderr
        assert f"SCRATCHLEARN_ISA={name} cannot be used: the " in r.stderr
    r = _import_with_isa("sse9")
    assert r.returncode != 0
    assert "SCRATCHLEARN_ISA='sse9' is not a kernel path" in r.stderr


def test_show_config_reports_cpu_and_path(capsys):
    scratchlearn.show_config()
    text = capsys.readouterr().out
    for key in ("threads", "cpu_features", "isa", "isa_available", "gemm_f32"):
        assert key in text
    info = _core.cpu_info()
    assert info["isa"] == _core.get_isa()
    assert info["isa"] in ALL_ISAS


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_concurrent_single_thread_calls(isa, dtype):
    # Several Python threads (the GIL is released) each running small one-thread products at once,
    # as kNN does from inside its own parallel region: per-thread packing buffers, no shared state.
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(7)
    pairs = [(make(rng, (64, 50), dtype), make(rng, (300 + i, 50), dtype)) for i in range(8)]
    expected = [gemm(a, b, trans_b=True, n_jobs=1) for a, b in pairs]

    def work(i):
        a, b = pairs[i % len(pairs)]
        return i % len(pairs), [gemm(a, b, trans_b=True, n_jobs=1) for _ in range(5)]

    with ThreadPoolExecutor(max_workers=4) as ex:
        for i, results in ex.map(work, range(24)):
            for r in results:
                np.testing.assert_array_equal(r, expected[i])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ta,tb", [(False, False), (False, True), (True, False), (True, True)])
def test_packed_b_equals_gemm(isa, dtype, ta, tb):
    # B packed once (PackedB), then column blocks multiplied with gemm_packed: the same numbers as
    # gemm, bit for bit, including blocks that end inside a register tile and k > kc.
    rng = np.random.default_rng(8)
    m, n, k = 70, 300, 530
    A = make(rng, (k, m) if ta else (m, k), dtype)
    B = make(rng, (n, k) if tb else (k, n), dtype)
    expected = gemm(A, B, trans_a=ta, trans_b=tb, n_jobs=1)
    for block, n_jobs in ((64, 1), (128, 2), (1024, 2)):
        C = _core.gemm_packed_product(A, B, ta, tb, block, n_jobs)
        np.testing.assert_array_equal(C, expected)
    with pytest.raises(ValueError, match="multiple of column_step"):
        _core.gemm_packed_product(A, B, ta, tb, 33, 1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ta,tb", [(False, False), (False, True), (True, False), (True, True)])
@pytest.mark.parametrize("m", [1, 70, 300])
def test_packed_a_equals_gemm(isa, dtype, ta, tb, m):
    # A packed once too (PackedA): still gemm's numbers bit for bit, for a single row, rows ending
    # inside a register tile, more rows than one row block (threads split them) and k > kc.
    rng = np.random.default_rng(9)
    n, k = 300, 530
    A = make(rng, (k, m) if ta else (m, k), dtype)
    B = make(rng, (n, k) if tb else (k, n), dtype)
    expected = gemm(A, B, trans_a=ta, trans_b=tb, n_jobs=1)
    for block, n_jobs in ((64, 1), (128, 2), (1024, 2)):
        C = _core.gemm_packed_product(A, B, ta, tb, block, n_jobs, pack_a=True)
        np.testing.assert_array_equal(C, expected)
    with pytest.raises(ValueError, match="multiple of column_step"):
        _core.gemm_packed_product(A, B, ta, tb, 33, 1, pack_a=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_row_result_does_not_depend_on_its_position(isa, dtype):
    # The same row of op(A) (and of C, with beta != 0) gives the same row of C wherever it sits:
    # in a full register tile or in an edge tile.
    rng = np.random.default_rng(9)
    A = make(rng, (37, 45), dtype)
    B = make(rng, (45, 29), dtype)
    A[[5, 17, 36]] = A[0]
    C0 = make(rng, (37, 29), dtype)
    C0[[5, 17, 36]] = C0[0]
    C = gemm(A, B, alpha=0.7, beta=1.3, out=C0.copy())
    for r in (5, 17, 36):
        np.testing.assert_array_equal(C[r], C[0])


# ---------------------------------------------------------------------------------------------
# centred_scatter (cpp/src/gemm/scatter.cpp): the one-pass weighted, centred XᵀX and XᵀY behind
# LinearRegression/Ridge (the normal equations) and PCA (the covariance).


def normal_equations(X, Y, w, centre, n_threads):
    """(x_mean, y_mean, XᵀX, XᵀY) from the core's centred_scatter."""
    mean, S = _core.centred_scatter(X, Y, w, centre, n_threads)
    d = X.shape[1]
    return mean[:d], mean[d:], S[:, :d], S[:, d:]


def pca_scatter(X, n_threads):
    return _core.centred_scatter(X, None, None, True, n_threads)


def scatter_reference(X, Y, w, centre):
    """Mean and centred weighted [XᵀX | XᵀY] in long double."""
    Z = np.hstack([X, Y]).astype(np.longdouble)
    w = np.ones(len(X), dtype=np.longdouble) if w is None else w.astype(np.longdouble)
    mean = (w[:, None] * Z).sum(axis=0) / w.sum() if centre else np.zeros(Z.shape[1], np.longdouble)
    Zc = Z - mean
    d = X.shape[1]
    S = (Zc[:, :d] * w[:, None]).T @ Zc
    scale = (np.abs(Zc[:, :d]) * w[:, None]).T @ np.abs(Zc)
    return mean.astype(np.float64), S.astype(np.float64), scale.astype(np.float64)


@functools.lru_cache(maxsize=None)
def scatter_case(dtype, n, d, k, weighted, centre):
    """Data and reference for one case (shared by the kernel paths)."""
    rng = np.random.default_rng(n + d)
    X = (rng.standard_normal((n, d)) * rng.uniform(0.5, 3, d) + rng.uniform(-5, 5, d)).astype(dtype)
    Y = (X[:, :1] * 2 + rng.standard_normal((n, k))).astype(dtype)
    w = rng.uniform(0.1, 3, n).astype(dtype) if weighted else None
    return X, Y, w, scatter_reference(X, Y, w, centre)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n,d,k", [(1, 1, 1), (3, 5, 2), (257, 7, 1), (9000, 30, 3), (2000, 100, 1),
                                   (300, 260, 2)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("centre", [True, False])
def test_normal_equations_scatter_against_numpy(isa, dtype, n, d, k, weighted, centre):
    # n = 9000 spans several 4096-row blocks; d + k = 262 takes the wide (syrk) path.
    X, Y, w, (mean, S, scale) = scatter_case(dtype, n, d, k, weighted, centre)
    xm, ym, G, XtY = normal_equations(X, Y, w, centre, 2)
    eps = np.finfo(dtype).eps
    tol = (8 * eps * min(n, 4096) ** 0.5 + 1e-13) * scale
    np.testing.assert_allclose(np.concatenate([xm, ym]), mean, rtol=1e-6 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)
    assert np.all(np.abs(G - S[:, :d]) <= tol[:, :d])
    assert np.all(np.abs(XtY - S[:, d:]) <= tol[:, d:])
    assert np.array_equal(G, G.T)


@pytest.mark.parametrize("dtype", DTYPES)
def test_scatter_far_from_origin(isa, dtype):
    # Data whose mean is 10⁴ times its spread: the centred scatter keeps its digits (XᵀX − n·μμᵀ
    # would lose eight of them).
    rng = np.random.default_rng(5)
    X = (1e4 + rng.standard_normal((20000, 12))).astype(dtype)
    mean, S = pca_scatter(X, 2)
    ref_mean, ref, scale = scatter_reference(X, np.zeros((len(X), 0), dtype), None, True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12)
    rel = 1e-12 if dtype == np.float64 else 1e-4
    assert np.max(np.abs(S - ref)) <= rel * np.max(np.abs(ref))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d", [40, 300])
def test_scatter_same_for_every_thread_count(dtype, d):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30000, d)).astype(dtype)
    Y = rng.standard_normal((30000, 2)).astype(dtype)
    w = rng.uniform(0, 2, 30000).astype(dtype)
    first = normal_equations(X, Y, w, True, 1)
    for nt in (2, 3, 5):
        for a, b in zip(first, normal_equations(X, Y, w, True, nt)):
            assert np.array_equal(a, b)
    m1, s1 = pca_scatter(X, 1)
    m3, s3 = pca_scatter(X, 3)
    assert np.array_equal(m1, m3) and np.array_equal(s1, s3)


def test_scatter_zero_weights_rejected():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="sample weights sum to zero"):
        normal_equations(X, np.ones((4, 1)), np.zeros(4), True, 1)
