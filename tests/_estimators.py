"""Every public estimator, made small and fitted on tiny data: what the reliability batteries share
(test_io, test_bad_input, test_fuzz, test_threads_concurrent, test_leaks).

The estimators are found by walking the package (tests/_discovery.py), so a new family is covered as
soon as its package lists its estimators in ``__all__``. ``make`` builds one with parameters that keep
it cheap (few trees, few iterations, a seed); ``problem`` gives data of the right kind for it
(class labels, continuous targets or none; non-negative X, which every estimator accepts);
``outputs`` collects every prediction-like method's result.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from _discovery import _REQUIRED_ARGS, all_estimators
from scratchlearn.base import is_classifier, is_regressor

ESTIMATORS = all_estimators()
ESTIMATOR_IDS = [cls.__name__ for cls in ESTIMATORS]

# The model families, for the batteries that feed every estimator numeric X and expect numeric,
# finite answers (test_bad_input, test_concurrency, test_fuzz). The workflow transformers
# (preprocessing, impute, compose, pipeline) are left out of those three for now: by design they
# accept NaN, strings and categories and pass NaN through, which those batteries' expectations do
# not yet encode (their bad input is tested in tests/preprocessing, tests/impute, tests/compose).
_WORKFLOW = ("scratchlearn.preprocessing", "scratchlearn.impute", "scratchlearn.compose",
             "scratchlearn.pipeline")
MODELS = [cls for cls in ESTIMATORS if not cls.__module__.startswith(_WORKFLOW)]
MODEL_IDS = [cls.__name__ for cls in MODELS]

OUTPUT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                  "transform", "score_samples")

# Cheap settings for parameters an estimator may have (applied only where it has them).
_CHEAP = {
    "random_state": 0,
    "n_estimators": 4,
    "max_iter": 30,
    "n_init": 1,
    "n_clusters": 3,
    "n_neighbors": 3,
    "radius": 10.0,
    "hidden_layer_sizes": (5,),
}


def _required_value(name):
    """A value for a parameter without a default (meta-estimators of other families)."""
    from scratchlearn.linear_model import Ridge

    if name in ("estimator", "base_estimator", "regressor"):
        return Ridge()
    if name == "steps":
        return [("model", Ridge())]
    if name in ("param_grid", "param_distributions"):
        return {"alpha": [0.5, 1.0]}
    raise TypeError(f"no test value for the required parameter {name!r}")


def make(cls, **overrides):
    """A small, seeded instance of ``cls``."""
    sig = inspect.signature(cls.__init__)
    # the composite estimators (Pipeline, FeatureUnion, ColumnTransformer) get the configuration the
    # common checks build them with (tests/_discovery.py)
    kwargs = _REQUIRED_ARGS[cls.__name__]() if cls.__name__ in _REQUIRED_ARGS else {}
    for name, p in sig.parameters.items():
        if name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        if name in kwargs:
            continue
        if p.default is inspect.Parameter.empty:
            kwargs[name] = _required_value(name)
        elif name in _CHEAP:
            kwargs[name] = _CHEAP[name]
    kwargs.update(overrides)
    return cls(**kwargs)


def kind(est):
    if is_classifier(est):
        return "classifier"
    if is_regressor(est):
        return "regressor"
    return "unsupervised"


def problem(est, n=40, d=4, dtype=np.float64, seed=0):
    """(X, y) for ``est``: y is class labels (3 classes), continuous targets, or None."""
    rng = np.random.RandomState(seed)
    y_class = rng.randint(0, 3, n)
    y_class[:3] = [0, 1, 2]
    if not est.__scratchlearn_tags__().input_tags.two_d_array:
        # target transformers (LabelEncoder, LabelBinarizer): their "X" is a 1-d array of labels
        return y_class, None
    X = np.abs(rng.randn(n, d) + y_class[:, None]).astype(dtype)
    k = kind(est)
    if k == "classifier":
        return X, y_class
    if k == "regressor":
        return X, (X @ np.arange(1, d + 1) + 0.1 * rng.randn(n)).astype(dtype)
    return X, None


def fit(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if y is None:
            return est.fit(X, **kwargs)
        return est.fit(X, y, **kwargs)


def outputs(est, X):
    """{method: result} for every prediction-like method ``est`` has (kneighbors too)."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in OUTPUT_METHODS:
            if hasattr(est, name):
                out[name] = getattr(est, name)(X)
        if hasattr(est, "kneighbors") and hasattr(est, "n_neighbors"):
            out["kneighbors_dist"], out["kneighbors_ind"] = est.kneighbors(X)
    return out


def fitted_state(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("__")}
