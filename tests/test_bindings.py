"""The binding kit (bindings/common.hpp): one name per core function, the overload picked by the
dtype of its .noconvert() argument, enums and option structs by name, _core._testing."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn import _core


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((50, 7)), rng.standard_normal((3, 7)), rng.standard_normal(3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_def_float_routes_by_dtype(data, dtype):
    X, W, b = data
    out = _core.linalg.affine(X.astype(dtype), W, b, True, 1)
    # float32 runs the float instantiation (float32 out), float64 the double one; the other
    # arguments are converted to the first one's dtype.
    assert out.dtype == dtype
    ref = X.astype(dtype).astype(np.float64) @ W.astype(dtype).T.astype(np.float64) + b.astype(dtype)
    assert_allclose(out, ref, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)
    # Fortran-ordered and strided inputs of the dtype are taken too (made C-contiguous, not cast).
    Xf = np.asfortranarray(X.astype(dtype))
    assert _core.linalg.affine(Xf, W, b, True, 1).dtype == dtype
    assert_array_equal(_core.linalg.affine(Xf, W, b, True, 1), out)
    Xs = np.repeat(X.astype(dtype), 2, axis=1)[:, ::2]
    assert_array_equal(_core.linalg.affine(Xs, W, b, True, 1), out)
    # Keyword arguments reach the same overload.
    assert _core.linalg.affine(X=X.astype(dtype), W=W, b=b, trans_w=True, n_threads=1).dtype == dtype


@pytest.mark.parametrize("bad", [np.int64, np.float16, np.complex128, bool])
def test_def_float_rejects_other_dtypes(data, bad):
    X, W, b = data
    with pytest.raises(ValueError, match=r"affine\(X, W, b, trans_w, n_threads\): X must be a float32 "
                                         r"or float64 array, got an array of dtype"):
        _core.linalg.affine(X.astype(bad), W, b, True, 1)
    with pytest.raises(ValueError, match="X must be a float32 or float64 array, got an array of dtype"):
        _core.linalg.affine(X=X.astype(bad), W=W, b=b, trans_w=True, n_threads=1)
    with pytest.raises(ValueError, match="got an object of type list"):
        _core.linalg.affine(X.tolist(), W, b, True, 1)
    with pytest.raises(TypeError, match=r"affine\(X, W, b, trans_w, n_threads\): the other arguments "
                                        r"do not match the float64 signature"):
        _core.linalg.affine(X, "W", b, True, 1)
    with pytest.raises(TypeError, match="incompatible function arguments"):
        _core.linalg.affine(X, W, b, True)


def test_def_float_out_argument_decides():
    # gemm_into: the precision is out's; a and b are converted to it.
    A = np.arange(6.0).reshape(2, 3)
    out32 = np.zeros((2, 2), np.float32)
    _core.linalg.gemm_into(A, A, out32, False, True, 1.0, 0.0, 1)
    assert_array_equal(out32, (A @ A.T).astype(np.float32))
    with pytest.raises(ValueError, match="out must be a float32 or float64 array"):
        _core.linalg.gemm_into(A, A, np.zeros((2, 2), np.int32), False, True, 1.0, 0.0, 1)


def test_enums_by_member_or_name():
    lm = _core.linear_model
    assert lm.Loss.hinge != lm.Loss.log_loss
    assert set(lm.Loss.__members__) == {
        "hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron", "squared_error",
        "huber", "epsilon_insensitive", "squared_epsilon_insensitive"}
    assert set(lm.Penalty.__members__) == {"none", "l2", "l1", "elasticnet"}
    assert set(lm.LearningRate.__members__) == {"constant", "optimal", "invscaling", "adaptive"}
    # The estimators' option names are the enums' names (no integer codes in between).
    from scratchlearn.linear_model import _sgd

    assert set(_sgd._LOSSES) == set(lm.Loss.__members__)
    assert set(_sgd._RATES) == set(lm.LearningRate.__members__)
    X = np.random.default_rng(1).standard_normal((40, 3))
    w = np.ones(40)
    by_name = _core.cluster.kmeans_fit(X, w, X[:3], "elkan", 10, 0.0, 1)
    by_member = _core.cluster.kmeans_fit(X, w, X[:3], _core.cluster.KMeansAlgorithm.elkan, 10, 0.0, 1)
    assert_array_equal(by_name[0], by_member[0])
    with pytest.raises(ValueError, match="kmeans: algorithm must be one of 'lloyd', 'elkan' or 'lloyd_full', got 3"):
        _core.cluster.kmeans_fit(X, w, X[:3], 3, 10, 0.0, 1)


def test_options_struct_by_keyword():
    lm = _core.linear_model
    o = lm.SgdOptions()
    assert o.loss == lm.Loss.hinge and o.penalty == lm.Penalty.l2 and o.max_iter == 1000
    o = lm.SgdOptions(loss="huber", penalty="none", alpha=0.5, learning_rate=lm.LearningRate.adaptive)
    assert o.loss == lm.Loss.huber and o.penalty == lm.Penalty.none
    assert o.alpha == 0.5 and o.learning_rate == lm.LearningRate.adaptive
    o.loss = "log_loss"
    assert o.loss == lm.Loss.log_loss
    with pytest.raises(TypeError, match="unknown option 'alhpa'"):
        lm.SgdOptions(alhpa=0.5)
    with pytest.raises(ValueError, match="loss must be one of 'hinge', 'log_loss'"):
        lm.SgdOptions(loss="hinge2")
    with pytest.raises(ValueError, match="average must be >= 0"):
        X = np.ones((4, 2))
        lm.sgd_fit(X, np.ones((1, 4)), np.ones(4), None, np.ones(1), np.ones(1),
                   np.zeros(1, np.uint64), lm.SgdOptions(average=-1.0), np.zeros((1, 2)),
                   np.zeros(1), np.zeros((1, 2)), np.zeros(1), 1)


def test_one_submodule_per_family_and_testing():
    for name in ("cluster", "linalg", "linear_model", "naive_bayes", "validation", "_testing"):
        assert hasattr(_core, name), name
    for name in ("gemm_packed_product", "gemm_set_min_thread_work", "syrk_ata", "gemv_into",
                 "sq_dist_argmin"):
        assert hasattr(_core._testing, name)
        assert not hasattr(_core, name) and not hasattr(_core.linalg, name)


def test_logistic_preconditions_in_the_core():
    X = np.ones((4, 2))
    theta = np.zeros(3)
    fit = _core.linear_model.logistic_fit
    with pytest.raises(ValueError, match="class code out of range"):
        fit(X, np.array([0, 1, 2, 0], np.int32), None, 4.0, 1, True, 0.0, 0.0, "lbfgs", 10, 1e-4, 0, theta, 1)
    with pytest.raises(ValueError, match="an L1 penalty needs the saga solver"):
        fit(X, np.array([0, 1, 1, 0], np.int32), None, 4.0, 1, True, 0.0, 0.1, "newton", 10, 1e-4, 0, theta, 1)
    with pytest.raises(ValueError, match="solver must be one of 'lbfgs', 'newton' or 'saga'"):
        fit(X, np.array([0, 1, 1, 0], np.int32), None, 4.0, 1, True, 0.0, 0.0, "sag", 10, 1e-4, 0, theta, 1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_auc_is_the_area_of_binary_curve(dtype):
    rng = np.random.default_rng(1)
    score = np.round(rng.random(300), 2).astype(dtype)  # ties
    y = (rng.random(300) < 0.4).astype(np.uint8)
    for w in (None, rng.random(300)):
        fps, tps, _ = _core.metrics.binary_curve(score, y, w, 2)
        fpr, tpr = np.r_[0.0, fps] / fps[-1], np.r_[0.0, tps] / tps[-1]
        area = np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)
        for threads in (1, 2):
            assert_allclose(_core.metrics.binary_auc(score, y, w, threads), area, rtol=1e-13)
    with pytest.raises(ValueError, match="NaN"):
        _core.metrics.binary_auc(np.array([0.1, np.nan], dtype), np.array([0, 1], np.uint8), None, 1)
    with pytest.raises(ValueError, match="both classes"):
        _core.metrics.binary_auc(np.array([0.1, 0.2], dtype), np.array([1, 1], np.uint8), None, 1)
