"""The estimator contract: BaseEstimator, the mixins, and clone.

Every estimator stores its keyword-only constructor arguments unchanged as attributes; `fit`
validates them and writes fitted attributes ending in ``_`` (plain numbers and numpy arrays only, so
a fitted model pickles and inspects with no special code). scikit-learn is never imported at run
time; when it is installed, ``__sklearn_tags__`` lets its clone, Pipeline, GridSearchCV and
check_estimator treat our estimators as their own.
"""

from __future__ import annotations

import copy
import inspect
import weakref
from collections import defaultdict

import numpy as np

from .utils._param_validation import validate_parameter_constraints
from .utils._set_output import _SetOutputMixin
from .utils._tags import ClassifierTags, RegressorTags, Tags, TransformerTags, to_sklearn_tags
from .utils.parallel import n_threads

__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "RegressorMixin",
    "TransformerMixin",
    "ClusterMixin",
    "OneToOneFeatureMixin",
    "clone",
    "is_classifier",
    "is_regressor",
]


def clone(estimator, *, safe=True):
    """A new unfitted estimator with the same parameters (deep-copied), or a deep copy of
    lists/tuples/sets of estimators. Non-estimators are deep-copied unless ``safe``."""
    if isinstance(estimator, (list, tuple, set, frozenset)):
        return type(estimator)([clone(e, safe=safe) for e in estimator])
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            return copy.deepcopy(estimator)
        raise TypeError(
            f"Cannot clone object {estimator!r} (type {type(estimator)}): it does not implement "
            "a 'get_params' method."
        )
    klass = estimator.__class__
    params = estimator.get_params(deep=False)
    new_params = {name: clone(value, safe=False) for name, value in params.items()}
    new = klass(**new_params)
    new_set = new.get_params(deep=False)
    for name in new_params:
        if new_params[name] is not new_set[name]:
            raise RuntimeError(
                f"Cannot clone object {estimator!r}: the constructor either does not set or "
                f"modifies parameter {name}"
            )
    return new


def _param_repr(value):
    if isinstance(value, float) and value == float("inf"):
        return "inf"
    return repr(value)


def _is_default(value, default):
    if value is default:
        return True
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return False
    if type(value) is not type(default) and not (
        isinstance(value, (int, float)) and isinstance(default, (int, float))
    ):
        return False
    try:
        return bool(value == default) or (value != value and default != default)
    except Exception:  # pragma: no cover - exotic parameter types
        return False


_PARAM_NAMES = weakref.WeakKeyDictionary()  # __init__ function -> its sorted parameter names


class BaseEstimator:
    """Base class: parameters from the ``__init__`` signature, cloning and a readable repr."""

    @classmethod
    def _get_param_names(cls):
        init = cls.__init__
        if init is object.__init__:
            return []
        # inspect.signature costs tens of microseconds and a search asks it for every clone and
        # every get_params; the answer depends only on the __init__ function, so it is kept per
        # function (a class whose __init__ is replaced gets its new names)
        names = _PARAM_NAMES.get(init)
        if names is None:
            names = _PARAM_NAMES[init] = tuple(cls._read_param_names(init))
        return list(names)

    @classmethod
    def _read_param_names(cls, init):
        sig = inspect.signature(init)
        names = []
        for p in sig.parameters.values():
            if p.name == "self" or p.kind == p.VAR_KEYWORD:
                continue
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(
                    f"{cls.__name__} should not take *args in __init__ (parameters must be explicit)"
                )
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep=True):
        """Parameters of this estimator (and of nested estimators as ``name__param`` if ``deep``)."""
        out = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for sub_key, sub_value in value.get_params().items():
                    out[f"{key}__{sub_key}"] = sub_value
            out[key] = value
        return out

    def set_params(self, **params):
        """Set parameters, including nested ones (``name__param``). Returns self."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = defaultdict(dict)
        for key, value in params.items():
            name, delim, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {self.__class__.__name__}. "
                    f"Valid parameters are: {sorted(self._get_param_names())!r}."
                )
            if delim:
                nested[name][sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        sig = inspect.signature(self.__class__.__init__)
        parts = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = sig.parameters[name].default
            if default is not inspect.Parameter.empty and _is_default(value, default):
                continue
            parts.append(f"{name}={_param_repr(value)}")
        return f"{self.__class__.__name__}({', '.join(parts)})"

    def __sklearn_is_fitted__(self):
        return any(
            v.endswith("_") and not v.startswith("__") for v in vars(self)
        )

    # ---- the shared contract: parameters, threads, tags ----------------------------------------

    _parameter_constraints: dict = {}

    def _validate_params(self):
        """Check every parameter against the class's ``_parameter_constraints`` (the one mechanism
        every estimator uses; called first in ``fit`` / ``partial_fit``). Raises
        InvalidParameterError (a ValueError and a TypeError) naming the parameter, the value and
        what is allowed."""
        validate_parameter_constraints(
            self._parameter_constraints, self.get_params(deep=False), caller_name=type(self).__name__
        )

    def _n_threads(self):
        """Threads for every core call: from ``n_jobs`` when the estimator has it (None or -1: all
        cores, honouring OMP_NUM_THREADS), else all cores."""
        return n_threads(getattr(self, "n_jobs", None))

    def __scratchlearn_tags__(self):
        """This estimator's tags (utils._tags.Tags); subclasses refine ``super()``'s."""
        return Tags()

    def __sklearn_tags__(self):
        return to_sklearn_tags(self.__scratchlearn_tags__())


class ClassifierMixin:
    """Mixin for classifiers: ``score`` is the mean accuracy."""

    _estimator_type = "classifier"

    def score(self, X, y, sample_weight=None):
        from .metrics import accuracy_score

        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        return tags


class RegressorMixin:
    """Mixin for regressors: ``score`` is the coefficient of determination R²."""

    _estimator_type = "regressor"

    def score(self, X, y, sample_weight=None):
        from .metrics import r2_score

        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.target_tags.required = True
        return tags


class TransformerMixin(_SetOutputMixin):
    """Mixin for transformers: ``fit_transform`` = ``fit`` then ``transform``; ``set_output``."""

    def fit_transform(self, X, y=None, **fit_params):
        if y is None:
            return self.fit(X, **fit_params).transform(X)
        return self.fit(X, y, **fit_params).transform(X)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.transformer_tags = TransformerTags()
        return tags


class ClusterMixin:
    """Mixin for clusterers: ``fit_predict`` returns ``labels_``."""

    _estimator_type = "clusterer"

    def fit_predict(self, X, y=None, **kwargs):
        self.fit(X, **kwargs)
        return self.labels_

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.estimator_type = "clusterer"
        return tags


def is_classifier(estimator):
    return getattr(estimator, "_estimator_type", None) == "classifier"


def is_regressor(estimator):
    return getattr(estimator, "_estimator_type", None) == "regressor"


def _input_feature_names(estimator, input_features):
    """The input feature names get_feature_names_out starts from: ``input_features`` (checked
    against ``feature_names_in_`` and ``n_features_in_``), else the names seen in fit, else
    x0, x1, ..."""
    names_in = getattr(estimator, "feature_names_in_", None)
    n_in = getattr(estimator, "n_features_in_", None)
    if input_features is not None:
        input_features = np.asarray(input_features, dtype=object)
        if names_in is not None and not np.array_equal(names_in, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if n_in is not None and len(input_features) != n_in:
            raise ValueError(
                f"input_features should have length equal to number of features ({n_in}), "
                f"got {len(input_features)}"
            )
        return input_features
    if names_in is not None:
        return np.asarray(names_in, dtype=object)
    if n_in is None:
        raise ValueError("Unable to generate feature names without n_features_in_")
    return np.asarray([f"x{i}" for i in range(n_in)], dtype=object)


class OneToOneFeatureMixin:
    """Mixin for transformers whose output features are their input features, one for one."""

    def get_feature_names_out(self, input_features=None):
        from .utils.validation import check_is_fitted

        check_is_fitted(self, "n_features_in_")
        return _input_feature_names(self, input_features)


class ClassNamePrefixFeaturesOutMixin:
    """Mixin for transformers whose outputs are named <classname><i>, i < _n_features_out."""

    def get_feature_names_out(self, input_features=None):
        from .utils.validation import check_is_fitted

        check_is_fitted(self, "_n_features_out")
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self._n_features_out)], dtype=object)
