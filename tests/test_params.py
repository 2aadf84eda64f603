"""Parameter validation: the one mechanism (utils/_param_validation.py), unit by unit, and every
parameter of every public estimator checked through it.

For each estimator (found by walking the package, as test_common.py does) and each parameter of its
``__init__``: the parameter has an entry in the class's ``_parameter_constraints``, and values
outside that entry (a value of no accepted type, and for each constraint a value just outside it,
derived from the constraint itself) make ``fit`` (and ``partial_fit``) raise a ValueError/TypeError
in the one message format, naming the parameter and the class.
"""

import inspect
import math
import numbers
import re

import numpy as np
import pytest
import scipy.sparse as sp

from _discovery import all_estimators, construct
from scratchlearn.base import BaseEstimator, is_classifier
from scratchlearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    make_constraint,
    validate_parameter_constraints,
)

ESTIMATORS = all_estimators()


# ---- invalid values derived from a constraint -------------------------------------------------

class _BadType:
    """A value of no type any constraint accepts (not a number, string, array, callable, ...)."""

    def __repr__(self):
        return "<bad type>"


def _just_below(x, integral):
    return x - 1 if integral else x - max(1e-6, 1e-6 * abs(x))


def _just_above(x, integral):
    return x + 1 if integral else x + max(1e-6, 1e-6 * abs(x))


def generate_invalid_param_vals(constraint):
    """Values that ``constraint`` (an object from make_constraint) rejects although they are
    close to what it accepts: just outside an interval's bounds, of the wrong number type, NaN, a
    string not among the options, a string or an int for a boolean, and so on. Values that are
    rejected only for being of no accepted type at all are covered by ``_BadType``."""
    name = type(constraint).__name__
    out = []
    if isinstance(constraint, Interval):
        integral = constraint.type is numbers.Integral
        closed_left = constraint.closed in ("left", "both")
        closed_right = constraint.closed in ("right", "both")
        if constraint.left is not None:
            left = constraint.left
            if integral:
                out.append(math.ceil(left) - 1 if closed_left else math.floor(left))
            else:
                out.append(_just_below(left, False) if closed_left else left)
        if constraint.right is not None:
            right = constraint.right
            if integral:
                out.append(math.floor(right) + 1 if closed_right else math.ceil(right))
            else:
                out.append(_just_above(right, False) if closed_right else right)
        # a number of the wrong type (inside the bounds when there are any)
        inside = constraint.left if constraint.left is not None else (
            constraint.right if constraint.right is not None else 1)
        if integral:
            out.append(float(inside) + 0.5)
        elif constraint.type is RealNotInt:
            out.append(int(math.ceil(inside)))
        out += [True, float("nan"), str(inside)]
    elif isinstance(constraint, StrOptions):
        out += ["not-" + "-".join(sorted(constraint.options)), 1]
    elif isinstance(constraint, Options):
        numeric = [o for o in constraint.options if isinstance(o, numbers.Real) and math.isfinite(o)]
        if numeric:
            out.append(type(numeric[0])(max(abs(o) for o in numeric) * 2 + 1))
    elif name == "_Booleans":
        out += ["True", 1, 0, None]
    elif name == "_RandomStates":
        out += [-1, 2**32, 1.5, "0", True]
    elif name == "_Verbose":
        out += [-1, 1.5, "1"]
    elif name == "_InstancesOf":
        if constraint.type in (numbers.Integral, int):
            out += [1.5, True, "1"]
        elif constraint.type in (numbers.Real, float):
            out += [True, "1.0"]
        elif constraint.type is dict:
            out += [[("a", 1)], "dict"]
        elif constraint.type is str:
            out += [1]
    elif name == "_ArrayLikes":
        out += ["abc", 1.0]
    return out


def invalid_values(constraints):
    """The invalid values of one parameter: those each of its constraints rejects, kept when no
    other of its constraints (hidden ones included) accepts them."""
    made = [make_constraint(c) for c in constraints]
    candidates = [_BadType()]
    for c in made:
        candidates += generate_invalid_param_vals(c)
    out, seen = [], set()
    for v in candidates:
        key = (type(v), repr(v))
        if key not in seen and not any(c.is_satisfied_by(v) for c in made):
            seen.add(key)
            out.append(v)
    return out


# ---- every estimator, every parameter ---------------------------------------------------------

def _init_params(cls):
    return [p.name for p in inspect.signature(cls.__init__).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


def _fit_data(cls):
    rng = np.random.RandomState(0)
    X = rng.rand(30, 4)
    est = construct(cls)
    y = np.arange(30) % 3 if is_classifier(est) else rng.randn(30)
    return X, y


def _fit_calls(cls):
    X, y = _fit_data(cls)
    if not construct(cls).__scratchlearn_tags__().input_tags.two_d_array:
        # target transformers (LabelEncoder, LabelBinarizer) fit on y alone
        return [("fit", lambda est: est.fit(np.arange(30) % 3))]
    calls = [("fit", lambda est: est.fit(X, y))]
    if hasattr(cls, "partial_fit"):
        if is_classifier(construct(cls)):
            calls.append(("partial_fit", lambda est: est.partial_fit(X, y, classes=np.unique(y))))
        else:
            calls.append(("partial_fit", lambda est: est.partial_fit(X, y)))
    return calls


PARAMS = [(cls, name) for cls in ESTIMATORS for name in _init_params(cls)]


def test_every_estimator_is_covered():
    assert len(ESTIMATORS) >= 16
    # every estimator with parameters (LabelEncoder has none, as in scikit-learn)
    assert {cls for cls, _ in PARAMS} == {cls for cls in ESTIMATORS if _init_params(cls)}


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_constraints_match_init_parameters(cls):
    constraints = getattr(cls, "_parameter_constraints", {})
    params = set(_init_params(cls))
    missing = sorted(params - set(constraints))
    unexpected = sorted(set(constraints) - params)
    assert not missing, f"{cls.__name__} has no _parameter_constraints entry for {missing}"
    assert not unexpected, f"{cls.__name__}._parameter_constraints names non-parameters {unexpected}"


@pytest.mark.parametrize("cls, name", PARAMS, ids=[f"{c.__name__}-{n}" for c, n in PARAMS])
def test_invalid_parameter_raises(cls, name):
    constraints = getattr(cls, "_parameter_constraints", {})
    assert name in constraints, f"{cls.__name__} has no _parameter_constraints entry for {name!r}"
    entries = constraints[name]
    if entries == "no_validation":
        return  # checked by the estimator itself, on purpose
    values = invalid_values(entries)
    assert values, f"no invalid value found for {cls.__name__}'s {name!r}"
    message = re.compile(rf"The '{re.escape(name)}' parameter of {cls.__name__} must be .+\. "
                         r"Got .+ instead\.", re.S)
    for method, call in _fit_calls(cls):
        for value in values:
            est = construct(cls).set_params(**{name: value})
            with pytest.raises((ValueError, TypeError)) as info:
                call(est)
            assert message.search(str(info.value)), (
                f"{cls.__name__}.{method} with {name}={value!r} raised {info.type.__name__}: "
                f"{info.value}"
            )


def test_default_parameters_are_valid():
    # the defaults satisfy their own constraints (else every fit would fail)
    for cls in ESTIMATORS:
        construct(cls)._validate_params()


# ---- the mechanism itself ---------------------------------------------------------------------

def _ok(constraint, value):
    return make_constraint(constraint).is_satisfied_by(value)


def test_interval_integral():
    c = Interval(numbers.Integral, 1, 10, closed="left")
    assert all(_ok(c, v) for v in (1, 5, 9, np.int64(3), np.uint8(9)))
    assert not any(_ok(c, v) for v in (0, 10, 11, -5, 2.0, 1.5, True, np.bool_(True),
                                       float("nan"), "3", None))
    both = Interval(numbers.Integral, 1, 10, closed="both")
    assert _ok(both, 10) and _ok(both, 1) and not _ok(both, 0)
    neither = Interval(numbers.Integral, 1, 10, closed="neither")
    assert not _ok(neither, 1) and not _ok(neither, 10) and _ok(neither, 2)
    right = Interval(numbers.Integral, None, 0, closed="right")
    assert _ok(right, 0) and _ok(right, -10**12) and not _ok(right, 1)
    assert str(c) == "an int in the range [1, 10)"
    assert str(neither) == "an int in the range (1, 10)"
    assert str(right) == "an int in the range (-inf, 0]"


def test_interval_real_and_real_not_int():
    c = Interval(numbers.Real, 0, 1, closed="right")
    assert all(_ok(c, v) for v in (1, 0.5, np.float32(0.25), 1e-300))
    assert not any(_ok(c, v) for v in (0, 0.0, 1.0000001, -1, float("nan"), np.nan, True, "0.5"))
    assert str(c) == "a float in the range (0, 1]"
    unbounded = Interval(numbers.Real, None, None, closed="neither")
    assert _ok(unbounded, -1e308) and _ok(unbounded, float("inf"))
    assert not _ok(unbounded, float("nan"))  # NaN is in no interval
    assert str(unbounded) == "a float in the range (-inf, inf)"
    rni = Interval(RealNotInt, 0, None, closed="neither")
    assert _ok(rni, 0.5) and _ok(rni, np.float64(2.0)) and _ok(rni, 3.0)
    assert not _ok(rni, 3) and not _ok(rni, np.int64(3)) and not _ok(rni, True)
    assert isinstance(1.0, RealNotInt) and not isinstance(1, RealNotInt)


def test_interval_definition_errors():
    with pytest.raises(ValueError, match="Interval's type must be numbers.Integral"):
        Interval(int, 0, 1, closed="both")
    with pytest.raises(ValueError, match="Interval's closed must be 'left', 'right', 'both' or 'neither'"):
        Interval(numbers.Real, 0, 1, closed="open")
    with pytest.raises(ValueError, match="Interval's right bound 0 is below its left bound 1"):
        Interval(numbers.Real, 1, 0, closed="both")


def test_options():
    s = StrOptions({"lloyd", "elkan"}, deprecated={"elkan"})
    assert _ok(s, "lloyd") and _ok(s, "elkan")
    assert not any(_ok(s, v) for v in ("full", "Lloyd", 1, None, ["lloyd"]))
    assert str(s) == "a str among {'elkan' (deprecated), 'lloyd'}"
    o = Options(numbers.Real, {1, 2, np.inf})
    assert _ok(o, 1) and _ok(o, 2.0) and _ok(o, np.inf)
    assert not _ok(o, 3) and not _ok(o, True) and not _ok(o, "1")
    assert str(o) == "a float among {1, 2, inf}"


def test_type_none_callable_hasmethods():
    assert _ok(int, 3) and _ok(numbers.Integral, np.int32(3))
    # a bool is not accepted as a count, a size or a float
    for t in (int, numbers.Integral, numbers.Real, float):
        assert not _ok(t, True) and not _ok(t, np.bool_(False))
    assert not _ok(int, 3.0) and _ok(numbers.Real, 3) and _ok(float, 3.0)
    assert _ok(dict, {}) and not _ok(dict, [])
    assert str(make_constraint(numbers.Integral)) == "an instance of 'int'"
    assert str(make_constraint(dict)) == "an instance of 'dict'"
    assert str(make_constraint(np.ndarray)) == "an instance of 'numpy.ndarray'"
    assert _ok(None, None) and not _ok(None, 0) and str(make_constraint(None)) == "None"
    assert _ok(callable, len) and _ok(callable, lambda: 0) and not _ok(callable, "len")
    assert str(make_constraint(callable)) == "a callable"
    h = HasMethods(["fit", "predict"])
    assert _ok(h, BaseEstimator.__new__(type("E", (), {"fit": lambda s: s, "predict": lambda s: s})))
    assert not _ok(h, type("F", (), {"fit": lambda s: s})()) and not _ok(h, None)
    assert str(h) == "an object implementing 'fit' and 'predict'"
    assert str(HasMethods("fit")) == "an object implementing 'fit'"
    assert str(HasMethods(["a", "b", "c"])) == "an object implementing 'a', 'b' and 'c'"


def test_string_constraints():
    assert _ok("boolean", True) and _ok("boolean", np.bool_(False))
    assert not any(_ok("boolean", v) for v in (1, 0, "True", None))
    assert str(make_constraint("boolean")) == "an instance of 'bool'"
    for v in (None, 0, 2**32 - 1, np.int64(7), np.random.RandomState(0)):
        assert _ok("random_state", v)
    for v in (-1, 2**32, 1.5, "0", True):
        assert not _ok("random_state", v)
    assert str(make_constraint("random_state")) == (
        "an int in the range [0, 4294967295], an instance of 'numpy.random.RandomState' or None")
    assert all(_ok("verbose", v) for v in (0, 3, True, False))
    assert not any(_ok("verbose", v) for v in (-1, 1.5, "1", None))
    assert all(_ok("array-like", v) for v in ([1, 2], (1,), np.ones(3), np.float64(1.0)))
    assert not any(_ok("array-like", v) for v in ("abc", b"abc", 1, None))
    assert _ok("sparse matrix", sp.csr_matrix(np.eye(2))) and not _ok("sparse matrix", np.eye(2))
    assert _ok("nan", float("nan")) and _ok("nan", np.float32("nan"))
    assert not any(_ok("nan", v) for v in (1.0, None, "nan", np.inf))
    assert _ok("no_validation", object())
    with pytest.raises(ValueError, match="Unknown constraint string 'bool'"):
        make_constraint("bool")
    with pytest.raises(TypeError, match="Unknown constraint 3"):
        make_constraint(3)


def test_hidden_is_accepted_but_not_shown():
    constraints = {"x": [StrOptions({"auto"}), Hidden(StrOptions({"internal"})), Hidden(None)]}
    validate_parameter_constraints(constraints, {"x": "internal"}, "Foo")
    validate_parameter_constraints(constraints, {"x": None}, "Foo")
    with pytest.raises(InvalidParameterError) as info:
        validate_parameter_constraints(constraints, {"x": "other"}, "Foo")
    assert str(info.value) == "The 'x' parameter of Foo must be a str among {'auto'}. Got 'other' instead."
    validate_parameter_constraints({"y": [Hidden(int)]}, {"y": 1}, "Foo")
    with pytest.raises(InvalidParameterError, match=r"must be valid\. Got 1\.5 instead"):
        validate_parameter_constraints({"y": [Hidden(int)]}, {"y": 1.5}, "Foo")
    # the constraint objects themselves stay as they were (Hidden marks its own copy)
    shown = StrOptions({"a"})
    validate_parameter_constraints({"z": [Hidden(shown)]}, {"z": "a"}, "Foo")
    validate_parameter_constraints({"z": [shown]}, {"z": "a"}, "Foo")


def test_message_format_and_error_class():
    constraints = {
        "n": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
        "flag": ["boolean"],
        "free": "no_validation",
    }
    with pytest.raises(InvalidParameterError) as info:
        validate_parameter_constraints(constraints, {"n": 0, "flag": True, "free": object()}, "Foo")
    assert str(info.value) == (
        "The 'n' parameter of Foo must be an int in the range [1, inf), a str among {'auto'} or "
        "None. Got 0 instead.")
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    with pytest.raises(InvalidParameterError, match=r"^The 'flag' parameter of Foo must be an "
                       r"instance of 'bool'\. Got 'yes' instead\.$"):
        validate_parameter_constraints(constraints, {"n": 3, "flag": "yes"}, "Foo")
    # parameters without an entry are not checked; all-valid values pass
    validate_parameter_constraints(constraints, {"n": None, "flag": False, "other": object()}, "Foo")
    validate_parameter_constraints(constraints, {"n": "auto"}, "Foo")
    # a long value is cut in the message
    with pytest.raises(InvalidParameterError) as info:
        validate_parameter_constraints(constraints, {"n": "x" * 1000}, "Foo")
    assert len(str(info.value)) < 400 and str(info.value).endswith("... instead.")


def test_estimator_validate_params():
    class Foo(BaseEstimator):
        _parameter_constraints = {"k": [Interval(numbers.Integral, 1, None, closed="left")],
                                  "how": [StrOptions({"a", "b"}), callable]}

        def __init__(self, k=1, *, how="a"):
            self.k = k
            self.how = how

        def fit(self, X=None, y=None):
            self._validate_params()
            return self

    Foo().fit()
    Foo(k=3, how=len).fit()
    with pytest.raises(InvalidParameterError, match=r"The 'k' parameter of Foo must be an int in "
                       r"the range \[1, inf\)\. Got 0 instead\."):
        Foo(k=0).fit()
    with pytest.raises(InvalidParameterError, match=r"The 'how' parameter of Foo must be a str "
                       r"among \{'a', 'b'\} or a callable\. Got 'c' instead\."):
        Foo(how="c").fit()


def test_generated_invalid_values_are_invalid():
    # the generator itself: what it yields is rejected by its constraint, for every kind
    kinds = [Interval(numbers.Integral, 1, 10, closed="both"), Interval(numbers.Integral, 0, None, closed="neither"),
             Interval(numbers.Real, 0, 1, closed="both"), Interval(numbers.Real, 0, 1, closed="neither"),
             Interval(RealNotInt, 0, None, closed="left"), Interval(numbers.Real, None, None, closed="neither"),
             StrOptions({"a", "b"}), Options(numbers.Real, {1.5, 2.5}), "boolean", "random_state",
             "verbose", int, numbers.Real, dict, "array-like"]
    for kind in kinds:
        c = make_constraint(kind)
        values = generate_invalid_param_vals(c)
        assert values, kind
        assert not any(c.is_satisfied_by(v) for v in values), kind
    assert 0 in generate_invalid_param_vals(Interval(numbers.Integral, 1, 10, closed="both"))
    assert 11 in generate_invalid_param_vals(Interval(numbers.Integral, 1, 10, closed="both"))
    assert 1 in generate_invalid_param_vals(Interval(RealNotInt, 0, None, closed="left"))
    # a value another constraint of the parameter accepts is dropped
    values = invalid_values([Interval(numbers.Integral, 0, None, closed="left"), "boolean"])
    assert -1 in values and 0.5 in values and "True" in values
    assert not any(v is True or (type(v) is int and v >= 0) for v in values)
