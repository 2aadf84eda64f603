"""Metrics: every one compared with scikit-learn's on random data, and every rejected option and
input asserted with its message."""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn import metrics as skm

from scratchlearn.exceptions import UndefinedMetricWarning
from scratchlearn.metrics import accuracy_score, mean_squared_error, r2_score
from scratchlearn.utils._param_validation import InvalidParameterError


def _close(ours, theirs):
    if np.ndim(theirs) == 0:
        assert isinstance(ours, float)
    else:
        assert isinstance(ours, np.ndarray) and ours.shape == np.shape(theirs)
    assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


# ---- accuracy_score ---------------------------------------------------------------------------

def _label_cases(rng):
    n = 57
    yield rng.randint(0, 2, n), rng.randint(0, 2, n)                          # binary
    yield rng.randint(0, 5, n), rng.randint(0, 5, n)                          # multiclass
    yield rng.randint(0, 2, n), rng.randint(0, 4, n)                          # binary vs multiclass
    names = np.array(["cat", "dog", "eel"])
    yield names[rng.randint(0, 3, n)], names[rng.randint(0, 3, n)]            # strings
    yield rng.randint(0, 3, (n, 1)), rng.randint(0, 3, n)                     # a column vector
    yield rng.randint(-3, 3, n).astype(float), rng.randint(-3, 3, n)          # integral floats
    yield rng.randint(0, 2, (n, 4)), rng.randint(0, 2, (n, 4))                # multilabel
    Y = rng.randint(0, 2, (n, 3))
    yield Y, np.where(rng.rand(n, 3) < 0.1, 1 - Y, Y)                         # multilabel, near


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("weighted", ["none", "positive", "signed"])
def test_accuracy_matches_sklearn(seed, normalize, weighted):
    rng = np.random.RandomState(seed)
    for y_true, y_pred in _label_cases(rng):
        n = len(y_true)
        w = {"none": None, "positive": rng.rand(n) * 3, "signed": rng.randn(n) + 0.5}[weighted]
        kw = dict(normalize=normalize, sample_weight=w)
        _close(accuracy_score(y_true, y_pred, **kw), skm.accuracy_score(y_true, y_pred, **kw))
        # lists work as arrays do
        _close(accuracy_score(y_true.tolist(), list(y_pred), **kw),
               skm.accuracy_score(y_true, y_pred, **kw))


def test_accuracy_sparse_multilabel_and_edge_cases():
    rng = np.random.RandomState(3)
    Y, P = rng.randint(0, 2, (30, 5)), rng.randint(0, 2, (30, 5))
    P[:10] = Y[:10]
    for a, b in [(sp.csr_matrix(Y), sp.csr_matrix(P)), (sp.csr_array(Y), P), (Y, sp.csc_matrix(P))]:
        _close(accuracy_score(a, b), skm.accuracy_score(a, b))
        _close(accuracy_score(a, b, normalize=False), skm.accuracy_score(a, b, normalize=False))
    for y_true, y_pred in [([3], [3]), ([3], [4]), (["a"], ["a"]), ([[0, 1]], [[0, 1]]),
                           ([1, 1, 1], [1, 1, 1]), ([True, False], [True, True])]:
        _close(accuracy_score(y_true, y_pred), skm.accuracy_score(y_true, y_pred))
        _close(accuracy_score(y_true, y_pred, normalize=False),
               skm.accuracy_score(y_true, y_pred, normalize=False))
    # weights of one sample, and all-but-one zero
    _close(accuracy_score([1, 2, 3], [1, 0, 3], sample_weight=[0, 0, 2.0]),
           skm.accuracy_score([1, 2, 3], [1, 0, 3], sample_weight=[0, 0, 2.0]))
    assert accuracy_score([0, 1], [0, 1], normalize=np.bool_(False)) == 2.0


def test_classifier_score_is_accuracy():
    from scratchlearn.neighbors import KNeighborsClassifier

    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 3), rng.randint(0, 3, 60)
    w = rng.rand(60)
    clf = KNeighborsClassifier(n_neighbors=3).fit(X[:40], y[:40])
    pred = clf.predict(X[40:])
    _close(clf.score(X[40:], y[40:], sample_weight=w[40:]),
           skm.accuracy_score(y[40:], pred, sample_weight=w[40:]))


# ---- regression metrics -----------------------------------------------------------------------

def _reg_cases(rng):
    n = 43
    y = rng.randn(n) * 3 + 1
    yield y, y + rng.randn(n)                                   # 1-d
    yield y[:, None], (y + rng.randn(n))[:, None]               # one column
    Y = rng.randn(n, 3) * [1.0, 10.0, 0.1]
    yield Y, Y + rng.randn(n, 3)                                # three outputs
    Yc = Y.copy()
    Yc[:, 1] = 2.5                                              # one constant output ...
    Pc = Yc + rng.randn(n, 3)
    Pc[:, 1] = 2.5                                              # ... predicted exactly
    yield Yc, Pc
    Pc2 = Pc.copy()
    Pc2[:, 1] = 2.0                                             # ... predicted wrongly
    yield Yc, Pc2
    yield rng.randint(0, 5, (n, 2)), rng.randint(0, 5, (n, 2))  # integers
    yield y.astype(np.float32), (y + rng.randn(n)).astype(np.float32)  # float32
    yield y, y                                                  # perfect


_R2_MULTI = ["raw_values", "uniform_average", "variance_weighted", None, "array"]
_MSE_MULTI = ["raw_values", "uniform_average", "array"]


def _multioutput(option, n_outputs, rng):
    if option == "array":
        return rng.rand(n_outputs) + 0.1 if n_outputs > 1 else None
    return option


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("force_finite", [True, False])
@pytest.mark.parametrize("multioutput", _R2_MULTI)
def test_r2_matches_sklearn(seed, weighted, force_finite, multioutput):
    rng = np.random.RandomState(seed)
    for y_true, y_pred in _reg_cases(rng):
        n_outputs = 1 if y_true.ndim == 1 else y_true.shape[1]
        mo = _multioutput(multioutput, n_outputs, rng)
        if multioutput == "array" and mo is None:
            continue
        kw = dict(sample_weight=rng.rand(len(y_true)) + 0.01 if weighted else None,
                  multioutput=mo, force_finite=force_finite)
        with np.errstate(divide="ignore", invalid="ignore"):
            theirs = skm.r2_score(y_true, y_pred, **kw)
            ours = r2_score(y_true, y_pred, **kw)
        if np.ndim(theirs) == 0:
            assert isinstance(ours, float)
        assert_allclose(ours, theirs, rtol=1e-6 if y_true.dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("multioutput", _MSE_MULTI)
def test_mse_matches_sklearn(seed, weighted, multioutput):
    rng = np.random.RandomState(seed)
    for y_true, y_pred in _reg_cases(rng):
        n_outputs = 1 if y_true.ndim == 1 else y_true.shape[1]
        mo = _multioutput(multioutput, n_outputs, rng)
        if multioutput == "array" and mo is None:
            continue
        kw = dict(sample_weight=rng.rand(len(y_true)) + 0.01 if weighted else None, multioutput=mo)
        theirs = skm.mean_squared_error(y_true, y_pred, **kw)
        ours = mean_squared_error(y_true, y_pred, **kw)
        if np.ndim(theirs) == 0:
            assert isinstance(ours, float)
        assert_allclose(ours, theirs, rtol=1e-6 if y_true.dtype == np.float32 else 1e-12)


def test_regression_edge_cases():
    # constant targets: force_finite gives 1 (exact) or 0 (not), the formula NaN / -inf
    for y_true, y_pred in [([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]), ([2.0, 2.0, 2.0], [2.0, 2.0, 2.1]),
                           ([[1.0, 5.0], [1.0, 5.0]], [[1.0, 4.0], [1.0, 5.0]])]:
        for ff in (True, False):
            for mo in ("raw_values", "uniform_average", "variance_weighted"):
                with np.errstate(divide="ignore", invalid="ignore"):
                    theirs = skm.r2_score(y_true, y_pred, force_finite=ff, multioutput=mo)
                    ours = r2_score(y_true, y_pred, force_finite=ff, multioutput=mo)
                assert_allclose(ours, theirs)
    assert r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0], [2.0, 2.1]) == 0.0
    assert np.isnan(r2_score([2.0, 2.0], [2.0, 2.0], force_finite=False))
    assert r2_score([2.0, 2.0], [2.0, 2.1], force_finite=False) == -np.inf
    # one sample: R² is undefined (NaN and a warning, as scikit-learn), the MSE is not
    with pytest.warns(UndefinedMetricWarning, match="not well-defined with less than two samples"):
        assert np.isnan(r2_score([1.0], [2.0]))
    _close(mean_squared_error([1.0], [3.0]), skm.mean_squared_error([1.0], [3.0]))
    _close(mean_squared_error([[1.0, 2.0]], [[3.0, 2.5]], multioutput="raw_values"),
           skm.mean_squared_error([[1.0, 2.0]], [[3.0, 2.5]], multioutput="raw_values"))
    # zero weights on some samples drop them
    y, p = np.array([1.0, 2.0, 3.0, 10.0]), np.array([1.5, 2.0, 2.0, 0.0])
    w = np.array([1.0, 1.0, 1.0, 0.0])
    _close(r2_score(y, p, sample_weight=w), r2_score(y[:3], p[:3]))
    _close(mean_squared_error(y, p, sample_weight=w), mean_squared_error(y[:3], p[:3]))
    # raw_values of one output is an array of one score
    _close(r2_score([1.0, 2.0, 3.0], [1.0, 2.5, 3.0], multioutput="raw_values"),
           skm.r2_score([1.0, 2.0, 3.0], [1.0, 2.5, 3.0], multioutput="raw_values"))


def test_regressor_score_is_r2():
    from scratchlearn.linear_model import LinearRegression

    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    y = X @ [1.0, -2.0, 0.5] + rng.randn(50)
    w = rng.rand(50)
    reg = LinearRegression().fit(X[:30], y[:30])
    _close(reg.score(X[30:], y[30:], sample_weight=w[30:]),
           skm.r2_score(y[30:], reg.predict(X[30:]), sample_weight=w[30:]))


# ---- rejected options -------------------------------------------------------------------------

def _option_error(func, name, value, allowed):
    return (func, name, value,
            f"The '{name}' parameter of {func.__name__} must be {allowed}. Got {value!r} instead.")


_BAD_OPTIONS = [
    _option_error(accuracy_score, "normalize", "yes", "an instance of 'bool'"),
    _option_error(accuracy_score, "normalize", 1, "an instance of 'bool'"),
    _option_error(accuracy_score, "sample_weight", 2.0, "an array-like or None"),
    _option_error(accuracy_score, "y_true", 3, "an array-like or a sparse matrix"),
    _option_error(accuracy_score, "y_pred", None, "an array-like or a sparse matrix"),
    _option_error(r2_score, "multioutput", "sum",
                  "a str among {'raw_values', 'uniform_average', 'variance_weighted'}, an "
                  "array-like or None"),
    _option_error(r2_score, "multioutput", 2,
                  "a str among {'raw_values', 'uniform_average', 'variance_weighted'}, an "
                  "array-like or None"),
    _option_error(r2_score, "force_finite", "no", "an instance of 'bool'"),
    _option_error(r2_score, "force_finite", None, "an instance of 'bool'"),
    _option_error(r2_score, "sample_weight", "w", "an array-like or None"),
    _option_error(r2_score, "y_true", 1.0, "an array-like"),
    _option_error(r2_score, "y_pred", None, "an array-like"),
    _option_error(mean_squared_error, "multioutput", "variance_weighted",
                  "a str among {'raw_values', 'uniform_average'} or an array-like"),
    _option_error(mean_squared_error, "multioutput", None,
                  "a str among {'raw_values', 'uniform_average'} or an array-like"),
    _option_error(mean_squared_error, "sample_weight", 1, "an array-like or None"),
    _option_error(mean_squared_error, "y_true", "abc", "an array-like"),
]


@pytest.mark.parametrize("func, name, value, message", _BAD_OPTIONS,
                         ids=[f"{f.__name__}-{n}-{v!r}" for f, n, v, _ in _BAD_OPTIONS])
def test_bad_option_raises(func, name, value, message):
    args = {"y_true": [0.0, 1.0, 1.0], "y_pred": [0.0, 1.0, 0.0], name: value}
    with pytest.raises(InvalidParameterError, match=re.escape(message)) as info:
        func(args.pop("y_true"), args.pop("y_pred"), **args)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    # scikit-learn rejects the same value
    with pytest.raises((ValueError, TypeError)):
        sk = getattr(skm, func.__name__)
        args = {"y_true": [0.0, 1.0, 1.0], "y_pred": [0.0, 1.0, 0.0], name: value}
        sk(args.pop("y_true"), args.pop("y_pred"), **args)


@pytest.mark.parametrize("func", [accuracy_score, r2_score, mean_squared_error])
def test_zero_dimensional_arrays_rejected(func):
    # a 0-d array passes as array-like, and is then no collection of samples (as in scikit-learn)
    for args in [(np.array(1.0), [1.0]), ([1.0, 2.0], [1.0, 2.0], np.array(2.0))]:
        kw = {"sample_weight": args[2]} if len(args) == 3 else {}
        with pytest.raises(TypeError, match=r"Singleton array array\(.*\) cannot be considered a "
                           r"valid collection\."):
            func(args[0], args[1], **kw)
        with pytest.raises(TypeError):
            getattr(skm, func.__name__)(args[0], args[1], **kw)


@pytest.mark.parametrize("func", [accuracy_score, r2_score, mean_squared_error])
def test_unknown_or_positional_option_raises(func):
    with pytest.raises(TypeError, match="unexpected keyword argument 'squared'"):
        func([1, 2], [1, 2], squared=False)
    with pytest.raises(TypeError, match="positional argument"):
        func([1, 2], [1, 2], None)


# ---- rejected inputs --------------------------------------------------------------------------

_BAD_CLASSIFICATION_INPUTS = [
    ([0, 1, 1], [0, 1], {}, ValueError,
     "Found input variables with inconsistent numbers of samples: [3, 2]"),
    ([0, 1], [0, 1], {"sample_weight": [1.0, 2.0, 3.0]}, ValueError,
     "Found input variables with inconsistent numbers of samples: [2, 2, 3]"),
    ([], [], {}, ValueError, "Found empty input array"),
    ([0.5, 1.5], [0.5, 1.5], {}, ValueError, "continuous is not supported"),
    ([0, 1], [0.5, 1.0], {}, ValueError,
     "Classification metrics can't handle a mix of binary and continuous targets"),
    ([[0, 1], [1, 1]], [0, 1], {}, ValueError,
     "Classification metrics can't handle a mix of multilabel-indicator and binary targets"),
    ([[0, 1], [1, 2]], [[0, 1], [1, 2]], {}, ValueError, "multiclass-multioutput is not supported"),
    ([[0, 1], [1, 1]], [[0, 1, 0], [1, 1, 0]], {}, ValueError,
     "y_true and y_pred have different numbers of labels: shapes (2, 2) and (2, 3)"),
    (["a", "b"], [0, 1], {}, ValueError, "Mix of label input types (string and number)"),
    ([0, 1], [0, 1], {"sample_weight": [[1.0, 2.0]]}, ValueError,
     "Found input variables with inconsistent numbers of samples: [2, 2, 1]"),
    ([0, 1], [0, 1], {"sample_weight": [[1.0], [2.0]]}, ValueError,
     "Sample weights must be 1D array or scalar"),
    ([0, 1], [0, 1], {"sample_weight": [1.0, np.nan]}, ValueError,
     "Input sample_weight contains NaN"),
    ([0, 1], [0, 1], {"sample_weight": [0.0, 0.0]}, ValueError,
     "Sample weights must contain at least one non-zero number"),
    ([0, 1], [0, 1], {"sample_weight": [1.0, -1.0]}, ValueError,
     "The weights sum to zero: the weighted average is undefined."),
]


@pytest.mark.parametrize("y_true, y_pred, kw, error, message", _BAD_CLASSIFICATION_INPUTS)
def test_accuracy_rejects(y_true, y_pred, kw, error, message):
    with pytest.raises(error, match=re.escape(message)):
        accuracy_score(y_true, y_pred, **kw)


_BAD_REGRESSION_INPUTS = [
    ([1.0, 2.0, 3.0], [1.0, 2.0], {}, "Found input variables with inconsistent numbers of samples: [3, 2]"),
    ([1.0, 2.0], [1.0, 2.0], {"sample_weight": [1.0]},
     "Found input variables with inconsistent numbers of samples: [2, 2, 1]"),
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0], [2.0]], {}, "y_true and y_pred have different number of output (2!=1)"),
    ([1.0, 2.0], [1.0, 2.0], {"multioutput": [0.5]}, "Custom weights are useful only in multi-output cases."),
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], {"multioutput": [0.5, 0.2, 0.3]},
     "There must be equally many custom weights (3) as outputs (2)."),
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], {"multioutput": [1.0, -1.0]},
     "The weights sum to zero: the weighted average is undefined."),
    ([1.0, np.nan], [1.0, 2.0], {}, "Input y_true contains NaN"),
    ([1.0, 2.0], [1.0, np.inf], {}, "Input y_pred contains infinity"),
    ([], [], {}, "Found array with 0 sample(s)"),
    (["a", "b"], [1.0, 2.0], {}, "y_true must contain numbers only"),
    (np.ones((2, 2, 2)), np.ones((2, 2, 2)), {}, "Found array with dim 3"),
    ([1.0, 2.0], [1.0, 2.0], {"sample_weight": [1.0, np.inf]}, "Input sample_weight contains infinity"),
    ([1.0, 2.0], [1.0, 2.0], {"sample_weight": [0.0, 0.0]},
     "Sample weights must contain at least one non-zero number"),
    ([1.0, 2.0], [1.0, 2.0], {"sample_weight": [1.0, -1.0]},
     "The weights sum to zero: the weighted average is undefined."),
]


@pytest.mark.parametrize("func", [r2_score, mean_squared_error])
@pytest.mark.parametrize("y_true, y_pred, kw, message", _BAD_REGRESSION_INPUTS)
def test_regression_rejects(func, y_true, y_pred, kw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        func(y_true, y_pred, **kw)
