"""Finding every public estimator: the one discovery test_common.py and test_params.py share.

The whole package is walked (``pkgutil.walk_packages``), so a new family (tree/, ensemble/, svm/,
neural_network/, ...) is picked up as soon as its package lists its estimators in ``__all__``;
a module that fails to import fails the tests that use this, rather than being skipped.
"""

import importlib
import inspect
import pkgutil

import scratchlearn
from scratchlearn.base import BaseEstimator


def _raise(name):
    raise ImportError(f"scratchlearn's package {name} failed to import while walking the package")


def public_modules(package=scratchlearn):
    """The names of ``package`` and of every module below it with no '_'-prefixed part."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".",
                                      onerror=_raise):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return sorted(names)


def all_estimators(package=scratchlearn):
    """Every concrete estimator class (a BaseEstimator with ``fit``, not abstract, its name not
    starting with 'Base') listed in the ``__all__`` of a public module of ``package``, sorted by
    name."""
    found = {}
    for module_name in public_modules(package):
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)  # a name listed in __all__ but missing is an error
            if (inspect.isclass(obj) and issubclass(obj, BaseEstimator) and hasattr(obj, "fit")
                    and not inspect.isabstract(obj) and not obj.__name__.startswith("Base")):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return sorted(found.values(), key=lambda cls: (cls.__name__, cls.__module__))


def construct(cls):
    """An instance of ``cls`` for the common checks: the defaults, or for the composite estimators
    (whose first parameter is required) a small configuration of our own estimators, as
    scikit-learn configures its own for its checks."""
    if cls.__name__ in _REQUIRED_ARGS:
        return cls(**_REQUIRED_ARGS[cls.__name__]())
    return cls()


def _pipeline_args():
    from scratchlearn.linear_model import Ridge
    from scratchlearn.preprocessing import StandardScaler

    return {"steps": [("scaler", StandardScaler()), ("final_estimator", Ridge())]}


def _union_args():
    from scratchlearn.preprocessing import StandardScaler

    return {"transformer_list": [("trans1", StandardScaler())]}


def _column_args():
    from scratchlearn.preprocessing import StandardScaler

    return {"transformers": [("trans1", StandardScaler(), [0, 1])]}


def _grid_search_args():
    from scratchlearn.linear_model import Ridge

    # scikit-learn's own configuration for its checks of GridSearchCV
    return {"estimator": Ridge(), "param_grid": {"alpha": [0.1, 1.0]}, "cv": 2,
            "error_score": "raise"}


def _randomized_search_args():
    from scratchlearn.linear_model import Ridge

    return {"estimator": Ridge(), "param_distributions": {"alpha": [0.1, 1.0]}, "n_iter": 2,
            "cv": 2, "error_score": "raise", "random_state": 0}


_REQUIRED_ARGS = {"Pipeline": _pipeline_args, "FeatureUnion": _union_args,
                  "ColumnTransformer": _column_args, "GridSearchCV": _grid_search_args,
                  "RandomizedSearchCV": _randomized_search_args}
