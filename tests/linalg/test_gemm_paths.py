"""The matrix product's two paths (packed/blocked and direct: op(A) read in place, op(B) packed only
when transposed), its exact-size edge tiles and its measured thread model: every shape class
against a wider-precision product, the paths against each other bit for bit, on every kernel
path this CPU can run; and the MLP's vectorised activations against numpy."""

import numpy as np
import pytest

from scratchlearn import _core
from scratchlearn.linalg import gemm
from scratchlearn.neural_network import MLPRegressor


def make(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


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
    eps = np.finfo(A.dtype).eps
    return ref, 2 * (opA.shape[1] + 2) * eps * mag + np.finfo(A.dtype).tiny


def check_close(C, ref, bound):
    err = np.abs(C.astype(ref.dtype) - ref)
    assert np.all(err <= bound), f"max error {float(err.max())} > bound {float(bound.max())}"

SHAPES = [(1, 1, 1), (3, 5, 7), (13, 4, 200), (14, 16, 33), (15, 17, 31), (29, 33, 65),
          (200, 4, 128), (128, 4, 200), (4, 300, 50), (16, 40, 500), (70, 70, 70),
          (200, 256, 64), (31, 129, 400), (300, 20, 1), (1, 300, 20)]


@pytest.fixture
def direct_mode():
    before = _core._testing.gemm_set_direct_mode(-1)
    yield _core._testing.gemm_set_direct_mode
    _core._testing.gemm_set_direct_mode(before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_paths_agree_bit_for_bit_and_with_numpy(isa, direct_mode, dtype, ta, tb):
    rng = np.random.default_rng(7)
    for m, n, k in SHAPES:
        A = make(rng, (k, m) if ta else (m, k), dtype)
        B = make(rng, (n, k) if tb else (k, n), dtype)
        C0 = make(rng, (m, n), dtype)
        for alpha, beta in ((1.0, 0.0), (-0.5, 1.5)):
            outs = []
            for mode in (0, 1):
                direct_mode(mode)
                C = C0.copy()
                gemm(A, B, trans_a=ta, trans_b=tb, alpha=alpha, beta=beta, out=C, n_jobs=1)
                outs.append(C)
            direct_mode(-1)
            C = C0.copy()
            gemm(A, B, trans_a=ta, trans_b=tb, alpha=alpha, beta=beta, out=C, n_jobs=2)
            outs.append(C)
            np.testing.assert_array_equal(outs[0], outs[1])
            np.testing.assert_array_equal(outs[0], outs[2])
            ref, bound = reference(A, B, ta, tb, alpha, beta, C0)
            check_close(outs[1], ref, bound)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_direct_path_on_row_views_and_threads(isa, direct_mode, dtype):
    # Strided (block-view) operands and output, several threads forced on small products.
    rng = np.random.default_rng(3)
    big_a = make(rng, (90, 70), dtype)
    big_b = make(rng, (80, 60), dtype)
    A, B = big_a[5:66, 3:50], big_b[7:54, 2:19]       # 61 × 47 and 47 × 17
    work = _core._testing.gemm_set_min_thread_work(1.0)
    try:
        direct_mode(1)
        res = []
        for nj in (1, 2, 3):
            out_big = np.full((70, 40), np.nan, dtype)
            out = out_big[4:65, 5:22]
            gemm(A, B, out=out, n_jobs=nj)
            assert np.all(np.isnan(out_big[:4])) and np.all(np.isnan(out_big[:, :5]))
            assert np.all(np.isnan(out_big[:, 22:]))
            res.append(out.copy())
    finally:
        _core._testing.gemm_set_min_thread_work(work)
    np.testing.assert_array_equal(res[0], res[1])
    np.testing.assert_array_equal(res[0], res[2])
    ref, bound = reference(np.ascontiguousarray(A), np.ascontiguousarray(B), False, False, 1.0,
                           0.0, None)
    check_close(res[0], ref, bound)


def test_out_overlapping_an_input_is_handled():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((40, 40))
    B = rng.standard_normal((40, 40))
    expect = A @ B
    gemm(A, B, out=A)           # the core copies A before writing over it
    np.testing.assert_allclose(A, expect, rtol=1e-12, atol=1e-12)


def test_thread_cost_model_is_reported():
    text = _core.cpu_info()["gemm_threads"]
    assert "pool hand-off" in text and "multiply-adds" in text


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")
@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu", "identity"])
def test_vector_activations_match_numpy(isa, dtype, activation):
    # One hidden layer with identity output: predict = f(X·W1 + b1)·W2 + b2 exactly as numpy
    # computes it, pre-activations spread over [−60, 60] with tiny ones too.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((300, 3)).astype(dtype)
    y = rng.standard_normal(300).astype(dtype)
    model = MLPRegressor(hidden_layer_sizes=(37,), activation=activation, max_iter=2,
                         random_state=0).fit(X, y)
    scale = np.concatenate([np.full(12, 20.0), np.full(12, 1.0), np.full(13, 1e-7)])
    model.coefs_[0] = (rng.standard_normal((3, 37)) * scale).astype(dtype)
    model.intercepts_[0] = (rng.standard_normal(37) * scale).astype(dtype)
    W2 = np.zeros((37, 37), dtype)
    np.fill_diagonal(W2, 1)
    # Read the hidden layer itself: a 37-output regressor whose output layer is the identity.
    model.coefs_[1] = W2
    model.intercepts_[1] = np.zeros(37, dtype)
    model.n_outputs_ = 37
    got = model.predict(X).astype(np.float64)
    Z = X.astype(np.float64) @ model.coefs_[0].astype(np.float64) + model.intercepts_[0]
    expect = {"tanh": np.tanh, "logistic": lambda z: 1 / (1 + np.exp(-z)),
              "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z}[activation](Z)
    eps = np.finfo(dtype).eps
    # The product in dtype has error ~ k·eps·|terms|; the activation adds a few ulp.
    bound = 8 * eps * (np.abs(X).astype(np.float64) @ np.abs(model.coefs_[0]) +
                       np.abs(model.intercepts_[0])) + 8 * eps * np.abs(expect) + np.finfo(dtype).tiny
    assert np.all(np.abs(got - expect) <= bound)

