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

# Every estimator is in every battery, the workflow transformers (preprocessing, impute, compose,
# pipeline) included. What they accept by design the batteries encode: NaN passed through by a
# transformer that allows it (``passes_nan``), categories and strings taken by the encoders, and
# 1-d label input for the target transformers (``takes_labels``; tests/test_bad_input.py gives
# them label cases of their own).
_COMPOSITE = ("Pipeline", "FeatureUnion", "ColumnTransformer")


def takes_labels(est):
    """A target transformer (LabelEncoder, LabelBinarizer): its "X" is a 1-d array of labels."""
    return not est.__scratchlearn_tags__().input_tags.two_d_array


def transform_only(est):
    """A transformer without a predictor's methods: its outputs are judged on the data it was
    fitted on (``fit_transform``), as an encoder knows only the categories it saw."""
    return hasattr(est, "transform") and not any(
        hasattr(est, m) for m in ("predict", "predict_proba", "decision_function", "score_samples"))


def passes_nan(est):
    """True where ``transform`` keeps a NaN of its input as NaN by design (the scalers, the
    encoders' and the composites' passthrough); never for an imputer, whose output is finite."""
    if type(est).__module__.startswith("scratchlearn.impute"):
        return False
    return est.__scratchlearn_tags__().input_tags.allow_nan or type(est).__name__ in _COMPOSITE


def nan_allowed(est, method, X, value):
    """A mask of the entries of ``value`` (the result of ``method`` on X) that may be non-finite:
    where ``est`` passes NaN through and X has NaN, the NaN entries; where ``est`` does not validate
    at all (FunctionTransformer's identity) and X has non-finite values, those; else none."""
    value = np.asarray(value)
    if method != "transform" or not passes_nan(est):
        return np.zeros(value.shape, dtype=bool)
    try:
        Xf = np.asarray(X, dtype=np.float64)
        has_nan, has_inf = np.isnan(Xf).any(), np.isinf(Xf).any()
    except (TypeError, ValueError):  # strings, objects: NaN markers among them
        has_nan, has_inf = any(v != v for v in np.asarray(X, dtype=object).ravel()), False
    if est.__scratchlearn_tags__().no_validation:
        return ~np.isfinite(value) if has_nan or has_inf else np.zeros(value.shape, dtype=bool)
    return np.isnan(value) if has_nan else np.zeros(value.shape, dtype=bool)


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
                value = getattr(est, name)(X)
                out[name] = value.toarray() if hasattr(value, "toarray") else value
        if hasattr(est, "kneighbors") and hasattr(est, "n_neighbors"):
            out["kneighbors_dist"], out["kneighbors_ind"] = est.kneighbors(X)
    return out


def fitted_state(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("__")}
