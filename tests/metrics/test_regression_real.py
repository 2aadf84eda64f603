"""The regression metrics on real data (scikit-learn's diabetes and linnerud sets, scored on a
fitted model's predictions) and in float32, against scikit-learn's: every metric, every
multioutput mode, weighted and not, and the type of the per-output results."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import metrics as skm
from sklearn.datasets import load_diabetes, load_linnerud

import scratchlearn.metrics as slm
from scratchlearn.linear_model import Ridge

# (name, multioutput modes beyond raw_values / uniform_average / a weight array, keywords)
ERRORS = ["mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
          "mean_squared_log_error", "root_mean_squared_log_error",
          "mean_absolute_percentage_error", "median_absolute_error"]
FRACTIONS = ["r2_score", "explained_variance_score"]

# float32 sums: scikit-learn adds in float32, we in float64 (then round), so the two differ by
# the float32 rounding of a few hundred terms, a few units of float32's epsilon (1.2e-7)
RTOL = {np.float64: 1e-12, np.float32: 2e-6}
# the scores are 1 - a ratio: near 0 the ratio's float32 rounding is an absolute error of that
# size, relatively large
SCORES = {"r2_score", "explained_variance_score", "d2_absolute_error_score", "d2_pinball_score"}


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y


def _fitted(X, Y, dtype):
    X, Y = X.astype(dtype), Y.astype(dtype)
    pred = Ridge(alpha=0.1).fit(X, Y).predict(X)
    assert pred.dtype == dtype
    return Y, pred


def _check(name, y, p, rtol, **kw):
    ours = getattr(slm, name)(y, p, **kw)
    theirs = getattr(skm, name)(y, p, **kw)
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray)
        assert ours.dtype == theirs.dtype, (name, kw)
        assert ours.shape == theirs.shape
    else:
        assert isinstance(ours, float), (name, type(ours))
    atol = rtol if name in SCORES and rtol > 1e-10 else 0
    assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=f"{name} {kw}")
    return ours


def _modes(n_outputs, rng):
    modes = ["raw_values", "uniform_average"]
    if n_outputs > 1:
        modes.append(rng.rand(n_outputs) + 0.2)
    return modes


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_regression_metric_on_diabetes(diabetes, dtype, weighted):
    X, y = diabetes
    rng = np.random.RandomState(0)
    w = (rng.rand(len(y)) + 0.5).astype(dtype) if weighted else None
    # one output (the disease progression) and two (it and its square root, both fitted)
    for Y in (y, np.c_[y, 10 * np.sqrt(y)]):
        yt, yp = _fitted(X, Y, dtype)
        assert np.all(yp > -1)                       # the log errors are defined
        n_outputs = 1 if yt.ndim == 1 else yt.shape[1]
        for mo in _modes(n_outputs, rng):
            for name in ERRORS:
                _check(name, yt, yp, RTOL[dtype], sample_weight=w, multioutput=mo)
            for name in FRACTIONS:
                for ff in (True, False):
                    _check(name, yt, yp, RTOL[dtype], sample_weight=w, multioutput=mo,
                           force_finite=ff)
        for name in FRACTIONS:
            _check(name, yt, yp, RTOL[dtype], sample_weight=w, multioutput="variance_weighted")
        if n_outputs == 1:
            got = _check("max_error", yt, yp, RTOL[dtype])
            assert got == pytest.approx(float(np.max(np.abs(yt - yp))), rel=RTOL[dtype])
    # a model that fits: R² is what the model's score says
    reg = Ridge(alpha=0.1).fit(X.astype(dtype), y.astype(dtype))
    assert_allclose(reg.score(X.astype(dtype), y.astype(dtype), sample_weight=w),
                    skm.r2_score(y.astype(dtype), reg.predict(X.astype(dtype)), sample_weight=w),
                    rtol=RTOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_regression_metrics_on_linnerud_three_outputs(dtype):
    # three physiological targets of very different scales (weight, waist, pulse): the
    # variance-weighted mean and custom weights differ much from the uniform mean
    X, Y = load_linnerud(return_X_y=True)
    yt, yp = _fitted(X, Y, dtype)
    rng = np.random.RandomState(1)
    raw = {}
    for w in (None, rng.randint(1, 4, len(yt)).astype(dtype)):
        for mo in ("raw_values", "uniform_average", "variance_weighted", [0.2, 0.3, 0.5], None):
            for name in FRACTIONS:
                if mo is None and name != "r2_score":
                    # scikit-learn's explained_variance_score takes no None: both reject it
                    with pytest.raises(ValueError, match="multioutput"):
                        getattr(slm, name)(yt, yp, multioutput=None)
                    continue
                got = _check(name, yt, yp, RTOL[dtype], sample_weight=w, multioutput=mo)
                if mo == "raw_values":
                    raw[name] = got
        for mo in ("raw_values", "uniform_average", [0.2, 0.3, 0.5]):
            for name in ERRORS:
                _check(name, yt, yp, RTOL[dtype], sample_weight=w, multioutput=mo)
    # the combinations are the documented means of the per-output values
    assert_allclose(slm.r2_score(yt, yp, multioutput=[0.2, 0.3, 0.5], sample_weight=w),
                    np.average(slm.r2_score(yt, yp, multioutput="raw_values", sample_weight=w),
                               weights=[0.2, 0.3, 0.5]), rtol=RTOL[dtype])


def test_float32_per_output_types():
    rng = np.random.RandomState(0)
    y = (rng.rand(40, 2) * 3).astype(np.float32)
    p = (y + rng.randn(40, 2) * 0.3).clip(0).astype(np.float32)
    w32, w64 = rng.rand(40).astype(np.float32), rng.rand(40)
    for name in ERRORS + FRACTIONS + ["d2_absolute_error_score", "mean_pinball_loss",
                                      "d2_pinball_score"]:
        for a, b, w in ((y, p, None), (y, p, w32), (y, p, w64), (y, p.astype(np.float64), None),
                        (y.astype(np.int64), p, None), (y.astype(np.int64), p.astype(int), w32),
                        (y.tolist(), p, None)):
            _check(name, a, b, RTOL[np.float32], sample_weight=w, multioutput="raw_values")
            _check(name, a, b, RTOL[np.float32], sample_weight=w)
