"""The bad-input battery: every public estimator (found by walking the package) against every kind
of awkward or wrong input. Each case either succeeds -- and then every output is finite -- or
raises ValueError / TypeError with a message naming the problem (a pattern per case). No other
exception, and no crash: the battery runs in a subprocess, case by case, so a crash is reported with
the estimator and case it happened in (and the rest carries on in a new one) rather than taking the
test run down.

Layout-only cases (Fortran order, strided views, read-only arrays, lists) must also give exactly the
results of the C-contiguous array.
"""

import functools
import inspect
import json
import os
import re
import subprocess
import sys
import traceback
import warnings

import numpy as np
import pytest

from _estimators import (ESTIMATORS, ESTIMATOR_IDS, fit, kind, make, nan_allowed, outputs, problem,
                         takes_labels, transform_only)
from scratchlearn.exceptions import NotFittedError

N, D = 24, 4

# Messages that name the problem, per kind of problem.
NAN = r"NaN|nan|infinity|finite|missing"
EMPTY = r"0 sample|0 feature|minimum of 1|empty|at least"
NDIM = r"2D|2-d|2-dimensional|1D|1-d|dimension|ndim|reshape|scalar|array"
NUMERIC = r"numeric|convert|dtype|string|could not|complex|float"
LENGTH = r"inconsistent|samples|length|shape|mismatch|entries"
FEATURES = r"features|feature|n_features|shape|columns|width"
WEIGHTS = r"[Ss]ample.?weight|weight"
CLASSES = r"class|label|at least 2|only one|single"
# a value whose computation overflows, or data too degenerate for the model, may be refused too
OVERFLOW = r"overflow|too large|not finite|large values|scale the data|no neighbors found|radius"
UNSEEN = r"unknown categor|unseen|previously"
SAMPLES = r"sample|n_samples|n_neighbors|n_clusters|n_components|fewer|at least|greater|larger|must be"


def _accepts_sample_weight(est):
    return "sample_weight" in inspect.signature(est.fit).parameters


def _check_outputs(est, X):
    out = outputs(est, X)
    for name, value in out.items():
        value = np.asarray(value)
        if value.dtype.kind in "fc":
            finite = np.isfinite(value) | nan_allowed(est, name, X, value)
            if name == "predict_log_proba":  # log(0) = -inf where a probability is exactly 0
                finite |= (value == -np.inf) & (np.asarray(out["predict_proba"]) == 0)
            if name == "predict" and hasattr(est, "radius") and kind(est) == "regressor":
                # scikit-learn's radius regressor predicts NaN (with a warning) for a sample with
                # no training point within the radius: the same here, for drop-in answers
                finite |= np.isnan(value)
            assert np.all(finite), f"{name} is not finite"


def _fit_case(make_X, make_y=None, pattern=NAN, predict_on=None, weights=None):
    """A case that fits on make_X(X) (and make_y(y)); on success its outputs must be finite."""
    def run(cls):
        est = make(cls)
        X, y = problem(est, n=N, d=D)
        Xb = make_X(X)
        yb = y if (make_y is None or y is None) else make_y(y)
        kwargs = {}
        if weights is not None:
            if not _accepts_sample_weight(est):
                return "n/a"
            kwargs["sample_weight"] = weights(len(X))
        try:
            fit(est, Xb, yb, **kwargs)
            # a fit that succeeds may still refuse to predict (e.g. fewer samples than neighbours);
            # a transformer's outputs are those of the data it was fitted on
            Xq = Xb if transform_only(est) else X if predict_on is None else predict_on(Xb, X)
            _check_outputs(est, Xq)
        except (ValueError, TypeError) as exc:
            return exc
        return "ok"
    run.pattern = pattern
    return run


def _predict_case(make_Xq, pattern):
    """Fit on good data, then predict on make_Xq(X)."""
    def run(cls):
        est = make(cls)
        X, y = problem(est, n=N, d=D)
        fit(est, X, y)
        Xq = make_Xq(X)
        for name in ("predict", "transform", "decision_function", "predict_proba", "score_samples"):
            if not hasattr(est, name):
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = getattr(est, name)(Xq)
            except (ValueError, TypeError) as exc:
                return exc
            out = np.asarray(out.toarray() if hasattr(out, "toarray") else out)
            if out.dtype.kind == "f":
                finite = np.isfinite(out) | nan_allowed(est, name, Xq, out)
                if name == "predict" and hasattr(est, "radius") and kind(est) == "regressor":
                    finite |= np.isnan(out)  # no neighbour within the radius, as above
                assert np.all(finite), f"{name} is not finite"
        return "ok"
    run.pattern = pattern
    return run


def _layout_case(transform):
    """Fit and predict on a differently laid-out copy of X: the same results, bit for bit."""
    def run(cls):
        ref = make(cls)
        X, y = problem(ref, n=N, d=D)
        fit(ref, X, y)
        est = make(cls)
        Xl = transform(X)
        fit(est, Xl, y if y is None else transform_y(transform, y))
        a, b = outputs(ref, X), outputs(est, Xl)
        assert sorted(a) == sorted(b)
        for key in a:
            np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)
        return "ok"
    run.pattern = None
    return run


def transform_y(transform, y):
    return list(y) if transform is _to_list else y


def _strided(X):
    big = np.zeros((X.shape[0] * 2, X.shape[1] * 3), dtype=X.dtype)
    big[::2, ::3] = X
    return big[::2, ::3]


def _readonly(X):
    X = X.copy()
    X.flags.writeable = False
    return X


def _to_list(X):
    return X.tolist()


def _with(value):
    def f(X):
        X = X.copy()
        X[3, 1] = value
        return X
    return f


def _not_fitted(cls):
    est = make(cls)
    X, _ = problem(est, n=N, d=D)
    if not est.__scratchlearn_tags__().requires_fit:
        # stateless (Binarizer, Normalizer, FunctionTransformer): transform works unfitted
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert np.isfinite(np.asarray(est.transform(X), dtype=np.float64)).all()
        return "ok"
    for name in ("predict", "transform", "predict_proba", "decision_function", "score_samples",
                 "kneighbors"):
        if hasattr(est, name):
            try:
                getattr(est, name)(X)
            except NotFittedError as exc:
                assert isinstance(exc, ValueError) and "not fitted" in str(exc), str(exc)
                continue
            raise AssertionError(f"{name} before fit did not raise NotFittedError")
    return "ok"


_not_fitted.pattern = None


def _single_class(y):
    return np.zeros_like(y)


CASES = {
    # values
    "nan": _fit_case(_with(np.nan), pattern=NAN),
    "inf": _fit_case(_with(np.inf), pattern=NAN),
    "neg_inf": _fit_case(_with(-np.inf), pattern=NAN),
    "nan_in_y": _fit_case(lambda X: X, lambda y: np.where(np.arange(len(y)) == 2, np.nan, y.astype(float)),
                          pattern=NAN + "|" + CLASSES),
    "huge": _fit_case(lambda X: X * 1e150, pattern=r"overflow|too large|finite|range|huge" + "|" + OVERFLOW,
                      predict_on=lambda Xb, X: Xb),
    "huge_1e300": _fit_case(lambda X: X * 1e300, pattern=r"overflow|too large|finite|range|huge" + "|" + OVERFLOW,
                            predict_on=lambda Xb, X: Xb),
    "denormal": _fit_case(lambda X: X * 1e-310, pattern=r"overflow|finite|range|variance|degenerate" + "|" + OVERFLOW,
                          predict_on=lambda Xb, X: Xb),
    "constant": _fit_case(lambda X: np.ones_like(X), pattern=r"variance|constant|degenerate|singular" + "|" + OVERFLOW,
                          predict_on=lambda Xb, X: Xb),
    # shapes
    "empty": _fit_case(lambda X: X[:0], lambda y: y[:0], pattern=EMPTY),
    "zero_width": _fit_case(lambda X: X[:, :0], pattern=EMPTY),
    "one_d": _fit_case(lambda X: X[:, 0], pattern=NDIM),
    "three_d": _fit_case(lambda X: X[:, :, None], pattern=NDIM),
    "scalar": _fit_case(lambda X: np.float64(1.0), lambda y: y[:1], pattern=NDIM + "|" + LENGTH),
    "mismatched_lengths": _fit_case(lambda X: X[:-1], pattern=LENGTH),
    "single_sample": _fit_case(lambda X: X[:1], lambda y: y[:1], pattern=SAMPLES + "|" + CLASSES + "|" + OVERFLOW),
    "single_class": _fit_case(lambda X: X, lambda y: _single_class(y) if y.dtype.kind in "iu" else y,
                              pattern=CLASSES + "|" + OVERFLOW),
    "y_2d_column": _fit_case(lambda X: X, lambda y: y.reshape(-1, 1), pattern=NDIM),
    # dtypes
    "object_numbers": _fit_case(lambda X: X.astype(object), pattern=NUMERIC),
    "object_strings": _fit_case(lambda X: X.astype(str).astype(object), pattern=NUMERIC),
    "string": _fit_case(lambda X: X.astype(str), pattern=NUMERIC),
    "bytes": _fit_case(lambda X: X.astype("S8"), pattern=NUMERIC),
    "complex": _fit_case(lambda X: X.astype(complex), pattern=NUMERIC),
    "bool": _fit_case(lambda X: X > 1.0, pattern=NUMERIC),
    "int8": _fit_case(lambda X: (X * 10).astype(np.int8), pattern=NUMERIC),
    "uint64": _fit_case(lambda X: (X * 10).astype(np.uint64), pattern=NUMERIC + "|" + OVERFLOW),
    "float16": _fit_case(lambda X: X.astype(np.float16), pattern=NUMERIC),
    "float32": _fit_case(lambda X: X.astype(np.float32), pattern=NUMERIC,
                         predict_on=lambda Xb, X: Xb),
    "datetime": _fit_case(lambda X: (X * 1e6).astype("datetime64[s]"), pattern=NUMERIC + "|" + OVERFLOW),
    "string_labels": _fit_case(lambda X: X, lambda y: np.array([f"c{v}" for v in y], dtype=object),
                               pattern=NUMERIC + "|" + CLASSES),
    # layouts: the same results as C order
    "fortran": _layout_case(np.asfortranarray),
    "strided": _layout_case(_strided),
    "read_only": _layout_case(_readonly),
    "list": _layout_case(_to_list),
    # predict
    "predict_wrong_width": _predict_case(lambda X: X[:, :-1], FEATURES),
    "predict_wider": _predict_case(lambda X: np.hstack([X, X]), FEATURES),
    "predict_nan": _predict_case(_with(np.nan), NAN),
    "predict_empty": _predict_case(lambda X: X[:0], EMPTY),
    "predict_one_d": _predict_case(lambda X: X[0], NDIM),
    "predict_strings": _predict_case(lambda X: X.astype(str), NUMERIC + "|" + UNSEEN),
    "predict_huge": _predict_case(lambda X: X * 1e300, OVERFLOW + "|" + UNSEEN),
    "predict_single_row": _predict_case(lambda X: X[:1], FEATURES),
    "predict_before_fit": _not_fitted,
    # sample weights
    "weights_negative": _fit_case(lambda X: X, weights=lambda n: -np.ones(n), pattern=WEIGHTS),
    "weights_one_negative": _fit_case(lambda X: X, weights=lambda n: np.r_[-1.0, np.ones(n - 1)],
                                      pattern=WEIGHTS),
    "weights_zero": _fit_case(lambda X: X, weights=lambda n: np.zeros(n), pattern=WEIGHTS + "|" + SAMPLES),
    "weights_some_zero": _fit_case(lambda X: X, weights=lambda n: np.r_[np.zeros(n // 2), np.ones(n - n // 2)],
                                   pattern=WEIGHTS + "|" + CLASSES + "|" + OVERFLOW),
    "weights_nan": _fit_case(lambda X: X, weights=lambda n: np.full(n, np.nan), pattern=WEIGHTS + "|" + NAN),
    "weights_inf": _fit_case(lambda X: X, weights=lambda n: np.r_[np.inf, np.ones(n - 1)],
                             pattern=WEIGHTS + "|" + NAN),
    "weights_wrong_length": _fit_case(lambda X: X, weights=lambda n: np.ones(n - 1), pattern=WEIGHTS + "|" + LENGTH),
    "weights_2d": _fit_case(lambda X: X, weights=lambda n: np.ones((n, 2)), pattern=WEIGHTS + "|" + NDIM),
    "weights_huge": _fit_case(lambda X: X, weights=lambda n: np.full(n, 1e300), pattern=WEIGHTS + "|" + NAN + "|" + OVERFLOW),
}


# The target transformers (LabelEncoder, LabelBinarizer) take a 1-d array of labels: cases of
# their own, of the same kinds (values, shapes, dtypes, layouts, transform).
LABEL_KIND = r"label|class|continuous|target|type"
MIXED = r"mix|uniform|str|int|type|compar|not supported"


def _label_case(make_y, pattern, query=None):
    """Fit on make_y(y); on success, transform query(yb) (by default yb itself): finite."""
    def run(cls):
        est = make(cls)
        y, _ = problem(est, n=N, d=D)
        try:
            yb = make_y(y)
            est.fit(yb)
            _check_outputs(est, yb if query is None else query(yb))
        except (ValueError, TypeError) as exc:
            return exc
        return "ok"
    run.pattern = pattern
    return run


def _label_layout_case(transform):
    def run(cls):
        ref, est = make(cls), make(cls)
        y, _ = problem(ref, n=N, d=D)
        ref.fit(y)
        yl = transform(y)
        est.fit(yl)
        a, b = outputs(ref, y), outputs(est, yl)
        assert sorted(a) == sorted(b)
        for key in a:
            np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)
        return "ok"
    run.pattern = None
    return run


def _label_strided(y):
    big = np.zeros(y.shape[0] * 3, dtype=y.dtype)
    big[::3] = y
    return big[::3]


def _set(value, dtype=np.float64):
    def f(y):
        y = y.astype(dtype)
        y[3] = value
        return y
    return f


LABEL_CASES = {
    "nan": _label_case(_set(np.nan), NAN + "|" + LABEL_KIND),
    "inf": _label_case(_set(np.inf), NAN + "|" + LABEL_KIND),
    "neg_inf": _label_case(_set(-np.inf), NAN + "|" + LABEL_KIND),
    "empty": _label_case(lambda y: y[:0], EMPTY + "|" + LABEL_KIND),
    "two_d": _label_case(lambda y: np.c_[y, y[::-1]], NDIM + "|multioutput|multilabel|" + LABEL_KIND),
    "column": _label_case(lambda y: y.reshape(-1, 1), NDIM),
    "three_d": _label_case(lambda y: y[:, None, None], NDIM),
    "scalar": _label_case(lambda y: np.int64(1), NDIM),
    "string": _label_case(lambda y: np.array([f"c{v}" for v in y]), None),
    "object_strings": _label_case(lambda y: np.array([f"c{v}" for v in y], dtype=object), None),
    "mixed_types": _label_case(lambda y: np.array([f"c{v}" if i % 2 else v for i, v in enumerate(y)],
                                                  dtype=object), MIXED + "|" + LABEL_KIND),
    "bytes": _label_case(lambda y: y.astype("S4"), NUMERIC + "|" + LABEL_KIND),
    "complex": _label_case(lambda y: y.astype(complex), NUMERIC + "|" + LABEL_KIND),
    "bool": _label_case(lambda y: y > 0, None),
    "int8": _label_case(lambda y: y.astype(np.int8), None),
    "uint64": _label_case(lambda y: y.astype(np.uint64), None),
    "float16": _label_case(lambda y: y.astype(np.float16), None),
    "continuous": _label_case(lambda y: y + 0.5 * np.arange(len(y)) / len(y), LABEL_KIND),
    "denormal": _label_case(lambda y: y * 1e-310, LABEL_KIND),
    "huge": _label_case(lambda y: y * 1e300, LABEL_KIND),
    "single_class": _label_case(np.zeros_like, LABEL_KIND),
    "datetime": _label_case(lambda y: (y * 1e6).astype("datetime64[s]"), NUMERIC + "|" + LABEL_KIND),
    "list": _label_layout_case(list),
    "strided": _label_layout_case(_label_strided),
    "read_only": _label_layout_case(_readonly),
    "predict_unseen": _label_case(lambda y: y, UNSEEN, query=lambda y: np.array([7])),
    "predict_nan": _label_case(lambda y: y, NAN + "|" + UNSEEN, query=lambda y: np.array([np.nan])),
    "predict_empty": _label_case(lambda y: y, EMPTY, query=lambda y: y[:0]),
    "predict_two_d": _label_case(lambda y: y, NDIM, query=lambda y: np.c_[y, y]),
    "predict_strings": _label_case(lambda y: y, NUMERIC + "|" + UNSEEN + "|" + MIXED,
                                   query=lambda y: y.astype(str)),
    "predict_before_fit": _not_fitted,
}


def cases_for(cls):
    """The cases of ``cls``: the label cases for a target transformer, else the general ones."""
    return LABEL_CASES if takes_labels(make(cls)) else CASES


def run_case(cls, case):
    """Run one case; returns "ok", "n/a" or the ValueError/TypeError raised (checked by the caller)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cases_for(cls)[case](cls)


def _pairs():
    return [(cls, case) for cls in ESTIMATORS for case in cases_for(cls)]


def _main(start):
    """The battery from pair ``start`` on, in this process: one JSON line per case, each case
    announced before it runs (so a crash is pinned on the case that was running)."""
    for i, (cls, case) in enumerate(_pairs()[start:], start):
        print(json.dumps({"start": i}), flush=True)
        try:
            result = run_case(cls, case)
            out = {"result": result} if isinstance(result, str) else {
                "raised": type(result).__name__, "message": str(result)[:2000]}
        except Exception as exc:  # noqa: BLE001 - reported as a failure of this case
            out = {"unexpected": "".join(traceback.format_exception(exc))[-4000:]}
        print(json.dumps({"done": i, **out}), flush=True)


@functools.lru_cache(maxsize=None)
def _results():
    """Every (estimator, case) outcome, from subprocesses: after a crash the next one carries on
    from the case after the one that crashed."""
    results, start, n = {}, 0, len(_pairs())
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    while start < n:
        proc = subprocess.run([sys.executable, "-c", f"import test_bad_input as t; t._main({start})"],
                              cwd=os.path.dirname(__file__), env=env, capture_output=True, text=True,
                              timeout=1200)
        last = start
        for line in proc.stdout.splitlines():
            msg = json.loads(line)
            if "start" in msg:
                last = msg["start"]
            else:
                results[msg.pop("done")] = msg
        if last in results:  # finished (or died between cases)
            if proc.returncode != 0 and last + 1 < n:
                results[last + 1] = {"crash": f"exit {proc.returncode}: {proc.stderr[-3000:]}"}
                last += 1
        else:
            results[last] = {"crash": f"exit {proc.returncode}: {proc.stderr[-3000:]}"}
        start = last + 1
    return {(cls.__name__, case): results[i] for i, (cls, case) in enumerate(_pairs())}


@pytest.mark.parametrize("cls, case", _pairs(), ids=[f"{cls.__name__}-{case}" for cls, case in _pairs()])
def test_bad_input(cls, case):
    outcome = _results()[cls.__name__, case]
    assert "crash" not in outcome, f"{cls.__name__} / {case} crashed the process: {outcome['crash']}"
    assert "unexpected" not in outcome, f"{cls.__name__} / {case}:\n{outcome['unexpected']}"
    if "raised" in outcome:
        pattern = cases_for(cls)[case].pattern
        assert pattern is not None, f"{case}: raised {outcome['raised']}: {outcome['message']}"
        assert re.search(pattern, outcome["message"], re.I), (
            f"{cls.__name__} / {case}: the message does not name the problem: "
            f"{outcome['raised']}: {outcome['message']}")
