"""Helpers of the composite estimators (Pipeline, FeatureUnion, ColumnTransformer): parameters of
named sub-estimators, and methods available only when a sub-estimator has them."""

from __future__ import annotations

from functools import update_wrapper

from ..base import BaseEstimator

__all__ = ["_BaseComposition", "available_if", "Bunch"]


class Bunch(dict):
    """A dict whose keys are also attributes (``pipe.named_steps.scaler``)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(self.keys())


class _AvailableIfDescriptor:
    def __init__(self, fn, check):
        self.fn = fn
        self.check = check
        update_wrapper(self, fn)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.fn
        if not self.check(obj):
            raise AttributeError(f"This {type(obj).__name__!r} has no attribute {self.fn.__name__!r}")
        fn = self.fn

        def bound(*args, **kwargs):
            return fn(obj, *args, **kwargs)

        update_wrapper(bound, fn)
        return bound


def available_if(check):
    """A method that exists (for ``hasattr``) only when ``check(self)`` is true."""
    return lambda fn: _AvailableIfDescriptor(fn, check)


class _BaseComposition(BaseEstimator):
    """get_params / set_params over a list of (name, estimator) pairs held in attribute ``attr``."""

    def _get_params(self, attr, deep=True):
        out = super().get_params(deep=deep)
        if not deep:
            return out
        items = getattr(self, attr)
        if isinstance(items, (list, tuple)):
            for item in items:
                if not (isinstance(item, (list, tuple)) and len(item) >= 2):
                    return out
            for item in items:
                name, est = item[0], item[1]
                out[name] = est
                if hasattr(est, "get_params") and not isinstance(est, type):
                    for k, v in est.get_params(deep=True).items():
                        out[f"{name}__{k}"] = v
        return out

    def _set_params(self, attr, **params):
        if attr in params:
            setattr(self, attr, params.pop(attr))
        items = getattr(self, attr)
        if isinstance(items, (list, tuple)) and items and all(
                isinstance(it, (list, tuple)) and len(it) >= 2 for it in items):
            names = [it[0] for it in items]
            for name in list(params):
                if "__" not in name and name in names:
                    self._replace_estimator(attr, name, params.pop(name))
        super().set_params(**params)
        return self

    def _replace_estimator(self, attr, name, new_val):
        new = list(getattr(self, attr))
        for i, item in enumerate(new):
            if item[0] == name:
                new[i] = (name, new_val) + tuple(item[2:])
                break
        setattr(self, attr, new)

    def _validate_names(self, names):
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {list(names)!r}")
        invalid = set(names).intersection(self.get_params(deep=False))
        if invalid:
            raise ValueError(f"Estimator names conflict with constructor arguments: {sorted(invalid)!r}")
        invalid = [n for n in names if "__" in n]
        if invalid:
            raise ValueError(f"Estimator names must not contain __: got {invalid!r}")
