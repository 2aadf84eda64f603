"""Pipeline, FeatureUnion, make_pipeline, make_union.

How it works
------------
A Pipeline holds (name, estimator) steps: ``fit`` runs ``fit_transform`` of every step but the
last, each on the previous step's output, then ``fit`` of the last; ``predict`` / ``transform`` /
``score`` pass X through the fitted transformers and call the last step. Fit parameters reach a
step by the name ``<step>__<param>``. A step may be ``'passthrough'`` or None (skipped). The
steps are fitted in place (not cloned), as scikit-learn does without a cache. Any estimator with
scikit-learn's API can be a step, ours or scikit-learn's. A FeatureUnion fits its transformers on
the same X (in threads with ``n_jobs``; the core releases the GIL) and stacks their outputs side by
side.

Deviation from scikit-learn: ``memory`` (caching of fitted transformers) must be None, and
``transform_input`` (metadata routing) must be None.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .base import TransformerMixin, _input_feature_names, clone
from .utils._metaestimators import Bunch, _BaseComposition, available_if
from .utils._param_validation import HasMethods, StrOptions
from .utils._set_output import get_output_config
from .utils.parallel import n_threads as _n_threads
from .utils.validation import check_is_fitted

__all__ = ["Pipeline", "FeatureUnion", "make_pipeline", "make_union"]


def _skip(est):
    return est is None or (isinstance(est, str) and est == "passthrough")


def _final_has(attr):
    def check(self):
        last = self._final_estimator
        if _skip(last):
            return attr in ("transform", "inverse_transform", "fit_transform")
        getattr(last, attr)  # raises AttributeError with the step's own message
        return True

    return check


def _all_have(attr):
    def check(self):
        for _, est in self.steps:
            if not _skip(est) and not hasattr(est, attr):
                return False
        return True

    return check


def _split_params(steps, params):
    """{step name: {param: value}} from ``<step>__<param>`` keys."""
    names = {name for name, _ in steps}
    out = defaultdict(dict)
    for key, value in params.items():
        if "__" not in key:
            raise ValueError(
                f"Pipeline.fit does not accept the {key} parameter. You can pass parameters to "
                "specific steps of your pipeline using the stepname__parameter format, e.g. "
                "`Pipeline.fit(X, y, logisticregression__sample_weight=sample_weight)`."
            )
        step, param = key.split("__", 1)
        if step not in names:
            raise ValueError(f"Pipeline has no step named {step!r} (fit parameter {key!r}).")
        out[step][param] = value
    return out


def _name_estimators(estimators):
    names = [est if isinstance(est, str) else type(est).__name__.lower() for est in estimators]
    counts = defaultdict(int)
    for n in names:
        counts[n] += 1
    for k, v in list(counts.items()):
        if v == 1:
            del counts[k]
    for i in reversed(range(len(estimators))):
        name = names[i]
        if name in counts:
            names[i] += f"-{counts[name]}"
            counts[name] -= 1
    return list(zip(names, estimators))


class Pipeline(_BaseComposition):
    """A sequence of transformers with an optional final estimator (scikit-learn's Pipeline).

    How it works: see the module docstring of scratchlearn.pipeline.
    """

    _parameter_constraints = {
        "steps": [list, HasMethods(["__len__"])],
        "transform_input": [None],
        "memory": [None],
        "verbose": ["boolean"],
    }

    def __init__(self, steps, *, transform_input=None, memory=None, verbose=False):
        self.steps = steps
        self.transform_input = transform_input
        self.memory = memory
        self.verbose = verbose

    def get_params(self, deep=True):
        return self._get_params("steps", deep=deep)

    def set_params(self, **kwargs):
        self._set_params("steps", **kwargs)
        return self

    def _validate_steps(self):
        if not self.steps:
            raise ValueError("The pipeline is empty. Please add steps.")
        names, ests = zip(*self.steps)
        self._validate_names(names)
        for t in ests[:-1]:
            if _skip(t):
                continue
            if not (hasattr(t, "fit") or hasattr(t, "fit_transform")) or not hasattr(t, "transform"):
                raise TypeError(
                    "All intermediate steps should be transformers and implement fit and "
                    f"transform or be the string 'passthrough' '{t}' (type {type(t)}) doesn't"
                )
        last = ests[-1]
        if not _skip(last) and not hasattr(last, "fit"):
            raise TypeError(
                "Last step of Pipeline should implement fit or be the string 'passthrough'. "
                f"'{last}' (type {type(last)}) doesn't"
            )

    # ---- access ---------------------------------------------------------------------------------

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, ind):
        if isinstance(ind, slice):
            if ind.step not in (1, None):
                raise ValueError("Pipeline slicing only supports a step of 1")
            return self.__class__(self.steps[ind], memory=self.memory, verbose=self.verbose)
        try:
            return self.steps[ind][1]
        except TypeError:
            return self.named_steps[ind]

    @property
    def named_steps(self):
        return Bunch(**dict(self.steps))

    @property
    def _final_estimator(self):
        return self.steps[-1][1]

    @property
    def _estimator_type(self):
        return getattr(self._final_estimator, "_estimator_type", None)

    @property
    def classes_(self):
        return self.steps[-1][1].classes_

    @property
    def n_features_in_(self):
        return self.steps[0][1].n_features_in_

    @property
    def feature_names_in_(self):
        return self.steps[0][1].feature_names_in_

    def __sklearn_is_fitted__(self):
        last = None
        for _, est in reversed(self.steps):
            if not _skip(est):
                last = est
                break
        if last is None:
            return True
        try:
            check_is_fitted(last)
            return True
        except Exception:  # noqa: BLE001 - NotFittedError or a foreign estimator's variant
            return False

    def _iter(self, with_final=True):
        stop = len(self.steps) if with_final else len(self.steps) - 1
        for i, (name, est) in enumerate(self.steps[:stop]):
            if not _skip(est):
                yield i, name, est

    # ---- fitting -------------------------------------------------------------------------------

    def _fit(self, X, y, routed):
        self.steps = list(self.steps)
        self._validate_steps()
        for i, name, t in self._iter(with_final=False):
            p = routed.get(name, {})
            if hasattr(t, "fit_transform"):
                X = t.fit_transform(X, y, **p)
            else:
                X = t.fit(X, y, **p).transform(X)
            self.steps[i] = (name, t)
        return X

    def fit(self, X, y=None, **params):
        self._validate_params()
        routed = _split_params(self.steps, params)
        Xt = self._fit(X, y, routed)
        last = self._final_estimator
        if not _skip(last):
            last.fit(Xt, y, **routed.get(self.steps[-1][0], {}))
        return self

    @available_if(lambda self: _skip(self._final_estimator) or hasattr(self._final_estimator, "fit_transform")
                  or hasattr(self._final_estimator, "transform"))
    def fit_transform(self, X, y=None, **params):
        self._validate_params()
        routed = _split_params(self.steps, params)
        Xt = self._fit(X, y, routed)
        last = self._final_estimator
        p = routed.get(self.steps[-1][0], {})
        if _skip(last):
            return Xt
        if hasattr(last, "fit_transform"):
            return last.fit_transform(Xt, y, **p)
        return last.fit(Xt, y, **p).transform(Xt)

    def _pass(self, X):
        for _, _, t in self._iter(with_final=False):
            X = t.transform(X)
        return X

    @available_if(_final_has("predict"))
    def predict(self, X, **params):
        return self._final_estimator.predict(self._pass(X), **params)

    @available_if(_final_has("fit_predict"))
    def fit_predict(self, X, y=None, **params):
        self._validate_params()
        routed = _split_params(self.steps, params)
        Xt = self._fit(X, y, routed)
        return self._final_estimator.fit_predict(Xt, y, **routed.get(self.steps[-1][0], {}))

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X, **params):
        return self._final_estimator.predict_proba(self._pass(X), **params)

    @available_if(_final_has("predict_log_proba"))
    def predict_log_proba(self, X, **params):
        return self._final_estimator.predict_log_proba(self._pass(X), **params)

    @available_if(_final_has("decision_function"))
    def decision_function(self, X, **params):
        return self._final_estimator.decision_function(self._pass(X), **params)

    @available_if(_final_has("score_samples"))
    def score_samples(self, X):
        return self._final_estimator.score_samples(self._pass(X))

    @available_if(_final_has("score"))
    def score(self, X, y=None, sample_weight=None, **params):
        Xt = self._pass(X)
        kw = dict(params)
        if sample_weight is not None:
            kw["sample_weight"] = sample_weight
        return self._final_estimator.score(Xt, y, **kw)

    @available_if(_final_has("transform"))
    def transform(self, X, **params):
        for _, _, t in self._iter():
            X = t.transform(X)
        return X

    @available_if(_all_have("inverse_transform"))
    def inverse_transform(self, X, **params):
        for _, _, t in reversed(list(self._iter())):
            X = t.inverse_transform(X)
        return X

    def get_feature_names_out(self, input_features=None):
        names = input_features
        for _, name, t in self._iter():
            if not hasattr(t, "get_feature_names_out"):
                raise AttributeError(
                    f"Estimator {name} does not provide get_feature_names_out. Did you mean to "
                    "call pipeline[:-1].get_feature_names_out()?"
                )
            names = t.get_feature_names_out(names)
        return names

    def set_output(self, *, transform=None):
        for _, _, t in self._iter():
            if hasattr(t, "set_output"):
                t.set_output(transform=transform)
        return self

    def __sklearn_tags__(self):
        from .utils._tags import to_sklearn_tags, Tags

        tags = to_sklearn_tags(Tags())
        try:
            from sklearn.utils import get_tags
        except ImportError:  # pragma: no cover
            return tags
        if not self.steps:
            return tags
        first = self.steps[0][1]
        if not _skip(first):
            try:
                ft = get_tags(first)
                tags.input_tags.pairwise = ft.input_tags.pairwise
                tags.input_tags.sparse = ft.input_tags.sparse
            except Exception:  # noqa: BLE001
                pass
        last = self._final_estimator
        if not _skip(last):
            try:
                lt = get_tags(last)
                tags.estimator_type = lt.estimator_type
                tags.target_tags = lt.target_tags
                tags.classifier_tags = lt.classifier_tags
                tags.regressor_tags = lt.regressor_tags
                tags.transformer_tags = lt.transformer_tags
            except Exception:  # noqa: BLE001
                pass
        return tags


def make_pipeline(*steps, memory=None, transform_input=None, verbose=False):
    """A Pipeline whose step names are the lower-cased class names (numbered when repeated)."""
    return Pipeline(_name_estimators(steps), transform_input=transform_input, memory=memory,
                    verbose=verbose)


def _hstack(parts, est):
    """Outputs side by side: a CSR matrix when any part is sparse, a DataFrame for pandas output."""
    if any(hasattr(p, "tocsr") for p in parts):
        import scipy.sparse as sp

        return sp.hstack(parts).tocsr()
    if get_output_config(est) == "pandas" and all(hasattr(p, "iloc") for p in parts):
        import pandas as pd

        return pd.concat(parts, axis=1)
    arrays = [np.asarray(p) for p in parts]
    return np.hstack(arrays) if arrays else np.zeros((0, 0))


class FeatureUnion(TransformerMixin, _BaseComposition):
    """Concatenate the outputs of several transformers fitted on the same input."""

    _parameter_constraints = {
        "transformer_list": [list],
        "n_jobs": [None, int],
        "transformer_weights": [dict, None],
        "verbose": ["boolean"],
        "verbose_feature_names_out": ["boolean"],
    }

    def __init__(self, transformer_list, *, n_jobs=None, transformer_weights=None, verbose=False,
                 verbose_feature_names_out=True):
        self.transformer_list = transformer_list
        self.n_jobs = n_jobs
        self.transformer_weights = transformer_weights
        self.verbose = verbose
        self.verbose_feature_names_out = verbose_feature_names_out

    def get_params(self, deep=True):
        return self._get_params("transformer_list", deep=deep)

    def set_params(self, **kwargs):
        self._set_params("transformer_list", **kwargs)
        return self

    @property
    def named_transformers(self):
        return Bunch(**dict(self.transformer_list))

    def _validate_transformers(self):
        names = [n for n, _ in self.transformer_list]
        self._validate_names(names)
        for _, t in self.transformer_list:
            if t in ("drop", "passthrough"):
                continue
            if not (hasattr(t, "fit") or hasattr(t, "fit_transform")) or not hasattr(t, "transform"):
                raise TypeError(
                    "All estimators should implement fit and transform. "
                    f"'{t}' (type {type(t)}) doesn't"
                )

    def _iter(self):
        weights = self.transformer_weights or {}
        for name, t in self.transformer_list:
            if isinstance(t, str) and t == "drop":
                continue
            yield name, t, weights.get(name)

    def _run(self, fn, jobs):
        n = len(jobs)
        threads = 1 if self.n_jobs is None else _n_threads(self.n_jobs)
        if threads > 1 and n > 1:
            with ThreadPoolExecutor(max_workers=min(threads, n)) as pool:
                return list(pool.map(fn, jobs))
        return [fn(j) for j in jobs]

    def _fit_one(self, args):
        name, t, w, X, y, p = args
        if isinstance(t, str) and t == "passthrough":
            Xt = X
        elif hasattr(t, "fit_transform"):
            Xt = t.fit_transform(X, y, **p)
        else:
            Xt = t.fit(X, y, **p).transform(X)
        return _weighted(Xt, w)

    def fit(self, X, y=None, **params):
        self.fit_transform(X, y, **params)
        return self

    def fit_transform(self, X, y=None, **params):
        self._validate_params()
        self._validate_transformers()
        from .utils.validation import _check_feature_names, _num_features

        _check_feature_names(self, X, reset=True)
        nf = _num_features(X)
        if nf is None and hasattr(X, "__array__"):
            nf = _num_features(np.asarray(X))
        if nf is not None:
            self.n_features_in_ = nf
        routed = defaultdict(dict)
        for k, v in params.items():
            step, _, param = k.partition("__")
            routed[step][param] = v
        jobs = [(name, t, w, X, y, routed.get(name, {})) for name, t, w in self._iter()]
        parts = self._run(self._fit_one, jobs)
        self._fitted_union = True
        if not parts:
            return np.zeros((X.shape[0], 0))
        return _hstack(parts, self)

    def transform(self, X):
        check_is_fitted(self)

        def one(args):
            name, t, w = args
            Xt = X if isinstance(t, str) and t == "passthrough" else t.transform(X)
            return _weighted(Xt, w)

        parts = self._run(one, list(self._iter()))
        if not parts:
            return np.zeros((X.shape[0], 0))
        return _hstack(parts, self)

    def get_feature_names_out(self, input_features=None):
        names = []
        for name, t, _ in self._iter():
            if isinstance(t, str) and t == "passthrough":
                feats = _input_feature_names(self, input_features)
            else:
                if not hasattr(t, "get_feature_names_out"):
                    raise AttributeError(
                        f"Transformer {name} (type {type(t).__name__}) does not provide "
                        "get_feature_names_out."
                    )
                feats = t.get_feature_names_out(input_features)
            names.extend(f"{name}__{f}" if self.verbose_feature_names_out else f for f in feats)
        if not self.verbose_feature_names_out and len(set(names)) != len(names):
            raise ValueError(f"Output feature names: {names} are not unique. Please set "
                             "verbose_feature_names_out=True to add prefixes to feature names")
        return np.asarray(names, dtype=object)

    def set_output(self, *, transform=None):
        super().set_output(transform=transform)
        for _, t, _ in self._iter():
            if hasattr(t, "set_output") and not isinstance(t, str):
                t.set_output(transform=transform)
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_fitted_union")


def _weighted(Xt, w):
    if w is None:
        return Xt
    return Xt * w


def make_union(*transformers, n_jobs=None, verbose=False, verbose_feature_names_out=True):
    """A FeatureUnion whose names are the lower-cased class names."""
    return FeatureUnion(_name_estimators(transformers), n_jobs=n_jobs, verbose=verbose,
                        verbose_feature_names_out=verbose_feature_names_out)
