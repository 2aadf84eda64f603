"""Declarative parameter validation: the one mechanism every estimator uses.

Each estimator class declares which values each of its ``__init__`` parameters may take::

    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "copy_x": ["boolean"],
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
    }

and ``fit`` starts with ``self._validate_params()`` (base.BaseEstimator), which checks every parameter
against its list: a value is valid when it satisfies at least one entry. A value that satisfies none
raises :class:`InvalidParameterError` (a ValueError *and* a TypeError, so either ``except`` catches it)
with one message format for every estimator::

    The 'n_clusters' parameter of KMeans must be an int in the range [1, inf). Got 0 instead.

An entry is one of: a type (``int``, ``dict``, ``numbers.Real``: isinstance), ``None``, ``callable``,
an :class:`Interval`, :class:`StrOptions`, :class:`Options`, :class:`HasMethods`, :class:`Hidden` (valid
but not advertised), or one of the strings "array-like", "sparse matrix", "random_state", "boolean",
"verbose", "nan", "no_validation" (anything goes: checked elsewhere).
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod

import numpy as np

__all__ = [
    "InvalidParameterError",
    "Interval",
    "StrOptions",
    "Options",
    "HasMethods",
    "Hidden",
    "RealNotInt",
    "make_constraint",
    "validate_parameter_constraints",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value outside its declared constraints (a ValueError and a TypeError)."""


class RealNotInt(numbers.Real, ABC):
    """The real numbers that are not integers: ``isinstance(1.0, RealNotInt)`` but not ``1``."""


RealNotInt.register(float)
RealNotInt.register(np.floating)


def _type_name(t):
    if t is numbers.Integral or t is int:
        return "int"
    if t is numbers.Real:
        return "float"
    if t is RealNotInt:
        return "float"
    if t is bool:
        return "bool"
    module = t.__module__
    return t.__qualname__ if module in ("builtins", "numbers") else f"{module}.{t.__qualname__}"


class _Constraint(ABC):
    hidden = False

    @abstractmethod
    def is_satisfied_by(self, value): ...

    @abstractmethod
    def __str__(self): ...


class _InstancesOf(_Constraint):
    def __init__(self, type_):
        self.type = type_

    def is_satisfied_by(self, value):
        if self.type in (numbers.Integral, numbers.Real, int, float) and isinstance(value, (bool, np.bool_)):
            return False  # a bool is not a count or a size
        return isinstance(value, self.type)

    def __str__(self):
        return f"an instance of '{_type_name(self.type)}'"


class _NoneConstraint(_Constraint):
    def is_satisfied_by(self, value):
        return value is None

    def __str__(self):
        return "None"


class _NanConstraint(_Constraint):
    def is_satisfied_by(self, value):
        return (isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
                and math.isnan(value))

    def __str__(self):
        return "nan"


class _Booleans(_Constraint):
    def is_satisfied_by(self, value):
        return isinstance(value, (bool, np.bool_))

    def __str__(self):
        return "an instance of 'bool'"


class _Callables(_Constraint):
    def is_satisfied_by(self, value):
        return callable(value)

    def __str__(self):
        return "a callable"


class _RandomStates(_Constraint):
    def is_satisfied_by(self, value):
        if value is None or isinstance(value, (np.random.RandomState, np.random.Generator)):
            return True
        return (isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
                and 0 <= value <= 2**32 - 1)

    def __str__(self):
        return "an int in the range [0, 4294967295], an instance of 'numpy.random.RandomState' or None"


class _ArrayLikes(_Constraint):
    def is_satisfied_by(self, value):
        if isinstance(value, (str, bytes)):
            return False
        return hasattr(value, "__len__") or hasattr(value, "shape") or hasattr(value, "__array__")

    def __str__(self):
        return "an array-like"


class _SparseMatrices(_Constraint):
    def is_satisfied_by(self, value):
        return hasattr(value, "tocsr") and hasattr(value, "nnz")

    def __str__(self):
        return "a sparse matrix"


class _Verbose(_Constraint):
    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)):
            return True
        return isinstance(value, numbers.Integral) and value >= 0

    def __str__(self):
        return "an int in the range [0, inf) or an instance of 'bool'"


class _Anything(_Constraint):
    hidden = True

    def is_satisfied_by(self, value):
        return True

    def __str__(self):
        return "anything"


class Interval(_Constraint):
    """Numbers of a type (``numbers.Integral``, ``numbers.Real`` or ``RealNotInt``) between ``left``
    and ``right`` (None: unbounded), ``closed`` one of "left", "right", "both", "neither"."""

    def __init__(self, type, left, right, *, closed):
        if type not in (numbers.Integral, numbers.Real, RealNotInt):
            raise ValueError(f"Interval's type must be numbers.Integral, numbers.Real or RealNotInt, got {type!r}")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"Interval's closed must be 'left', 'right', 'both' or 'neither', got {closed!r}")
        if left is not None and right is not None and right < left:
            raise ValueError(f"Interval's right bound {right} is below its left bound {left}")
        self.type, self.left, self.right, self.closed = type, left, right, closed

    def __contains__(self, value):
        if isinstance(value, numbers.Real) and math.isnan(value):
            return False
        left_closed = self.closed in ("left", "both")
        right_closed = self.closed in ("right", "both")
        if self.left is not None and (value < self.left or (value == self.left and not left_closed)):
            return False
        if self.right is not None and (value > self.right or (value == self.right and not right_closed)):
            return False
        return True

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)):
            return False
        if not isinstance(value, self.type):
            return False
        return value in self

    def __str__(self):
        kind = "an int" if self.type is numbers.Integral else (
            "a float" if self.type is RealNotInt else "a float")
        lb = "[" if self.closed in ("left", "both") else "("
        rb = "]" if self.closed in ("right", "both") else ")"
        lo = "-inf" if self.left is None else str(self.left)
        hi = "inf" if self.right is None else str(self.right)
        return f"{kind} in the range {lb}{lo}, {hi}{rb}"


class Options(_Constraint):
    """One of a set of values of a type (``Options(numbers.Real, {1, 2, np.inf})``)."""

    def __init__(self, type, options, *, deprecated=()):
        self.type, self.options, self.deprecated = type, set(options), set(deprecated)

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)) and self.type is not bool:
            return False
        return isinstance(value, self.type) and value in self.options

    def _options_str(self):
        items = sorted(self.options, key=repr)
        return ", ".join(repr(o) + (" (deprecated)" if o in self.deprecated else "") for o in items)

    def __str__(self):
        return f"a {_type_name(self.type)} among {{{self._options_str()}}}"


class StrOptions(Options):
    """One of a set of strings (``StrOptions({"lloyd", "elkan"})``)."""

    def __init__(self, options, *, deprecated=()):
        super().__init__(str, options, deprecated=deprecated)

    def __str__(self):
        return f"a str among {{{self._options_str()}}}"


class HasMethods(_Constraint):
    """An object with all the given methods (e.g. an estimator: ``HasMethods(["fit", "predict"])``)."""

    def __init__(self, methods):
        self.methods = [methods] if isinstance(methods, str) else list(methods)

    def is_satisfied_by(self, value):
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        names = [repr(m) for m in self.methods]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"an object implementing {listed}"


class Hidden:
    """A constraint that is accepted but left out of the error message (internal values)."""

    def __init__(self, constraint):
        self.constraint = constraint


_STRING_CONSTRAINTS = {
    "array-like": _ArrayLikes,
    "sparse matrix": _SparseMatrices,
    "random_state": _RandomStates,
    "boolean": _Booleans,
    "verbose": _Verbose,
    "nan": _NanConstraint,
    "no_validation": _Anything,
}


def make_constraint(constraint):
    """The constraint object for one entry of a ``_parameter_constraints`` list."""
    if isinstance(constraint, Hidden):
        inner = make_constraint(constraint.constraint)
        inner.hidden = True
        return inner
    if isinstance(constraint, _Constraint):
        return constraint
    if constraint is None:
        return _NoneConstraint()
    if constraint is callable:
        return _Callables()
    if isinstance(constraint, str):
        if constraint not in _STRING_CONSTRAINTS:
            raise ValueError(f"Unknown constraint string {constraint!r}; known: {sorted(_STRING_CONSTRAINTS)}")
        return _STRING_CONSTRAINTS[constraint]()
    if isinstance(constraint, type):
        return _InstancesOf(constraint)
    raise TypeError(f"Unknown constraint {constraint!r}")


def _describe(constraints):
    shown = [str(c) for c in constraints if not c.hidden]
    if not shown:
        return "valid"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def _value_repr(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


_MADE = {}  # id(entries) -> (entries, their constraint objects): classes' lists are made once


def _constraints_of(entries):
    hit = _MADE.get(id(entries))
    if hit is not None and hit[0] is entries:  # the entry holds the list, so its id is not reused
        return hit[1]
    made = [make_constraint(c) for c in entries]
    if len(_MADE) > 4096:  # lists built on the fly should not grow the cache without bound
        _MADE.clear()
    _MADE[id(entries)] = (entries, made)
    return made


def validate_parameter_constraints(parameter_constraints, params, caller_name):
    """Check each of ``params`` (a dict) that has an entry in ``parameter_constraints``; raise
    InvalidParameterError naming the first parameter whose value satisfies none of its constraints."""
    for name, value in params.items():
        entries = parameter_constraints.get(name)
        if entries is None or entries == "no_validation":
            continue
        constraints = _constraints_of(entries)
        if any(c.is_satisfied_by(value) for c in constraints):
            continue
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller_name} must be {_describe(constraints)}. "
            f"Got {_value_repr(value)} instead."
        )
