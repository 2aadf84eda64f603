"""Hyper-parameter search: every candidate of a grid (GridSearchCV) or of a random sample
(RandomizedSearchCV) cross-validated, the results in scikit-learn's cv_results_ layout, and the
best candidate refit on all the data."""

from __future__ import annotations

import numbers
import operator
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import reduce
from itertools import product

import numpy as np

from ..base import BaseEstimator, clone
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ..utils._tags import Tags
from ..metrics._scorer import _MultimetricScorer, check_multimetric_scoring, check_scoring
from ..utils.validation import check_is_fitted, check_random_state
from ._parallel import run_tasks
from ._split import _indexable, _is_classifier, _num_samples, check_cv
from ._validation import (_check_error_score, _fit_and_score, _fit_and_score_shared,
                          _warn_or_raise_about_fit_failures)

__all__ = ["ParameterGrid", "ParameterSampler", "GridSearchCV", "RandomizedSearchCV"]


class ParameterGrid:
    """The candidates of a grid: every combination of the listed values (keys in sorted order),
    for one dict or for each of a list of dicts. Iterable, sized and indexable."""

    def __init__(self, param_grid):
        if not isinstance(param_grid, (Mapping, Iterable)):
            raise TypeError(f"Parameter grid should be a dict or a list, got: {param_grid!r} of "
                            f"type {type(param_grid).__name__}")
        if isinstance(param_grid, Mapping):
            param_grid = [param_grid]
        for grid in param_grid:
            if not isinstance(grid, dict):
                raise TypeError(f"Parameter grid is not a dict ({grid!r})")
            for key, value in grid.items():
                if isinstance(value, np.ndarray) and value.ndim > 1:
                    raise ValueError(f"Parameter array for {key!r} should be one-dimensional, "
                                     f"got: {value!r} with shape {value.shape}")
                if isinstance(value, str) or not isinstance(value, (np.ndarray, Sequence)):
                    raise TypeError(f"Parameter grid for parameter {key!r} needs to be a list or "
                                    f"a numpy array, but got {value!r} (of type "
                                    f"{type(value).__name__}) instead. Single values need to be "
                                    "wrapped in a list with one element.")
                if len(value) == 0:
                    raise ValueError(f"Parameter grid for parameter {key!r} need to be a "
                                     f"non-empty sequence, got: {value!r}")
        self.param_grid = param_grid

    def __iter__(self):
        for grid in self.param_grid:
            items = sorted(grid.items())
            if not items:
                yield {}
                continue
            keys, values = zip(*items)
            for combo in product(*values):
                yield dict(zip(keys, combo))

    def __len__(self):
        return sum(reduce(operator.mul, (len(v) for v in g.values()), 1) if g else 1
                   for g in self.param_grid)

    def __getitem__(self, ind):
        for grid in self.param_grid:
            if not grid:
                if ind == 0:
                    return {}
                ind -= 1
                continue
            keys, lists = zip(*sorted(grid.items())[::-1])
            sizes = [len(v) for v in lists]
            total = int(np.prod(sizes))
            if ind >= total:
                ind -= total
                continue
            out = {}
            for key, values, n in zip(keys, lists, sizes):
                ind, offset = divmod(ind, n)
                out[key] = values[offset]
            return out
        raise IndexError("ParameterGrid index out of range")


def _sample_without_replacement(n_population, n_samples, rng):
    """n_samples distinct integers of [0, n_population), drawn as scikit-learn's 'auto' method
    draws them (a permutation's prefix for moderate ratios, else tracking or reservoir)."""
    ratio = n_samples / n_population if n_population else 1.0
    if 0.01 < ratio < 0.99:
        return rng.permutation(n_population)[:n_samples]
    out = np.empty(n_samples, dtype=int)
    if ratio < 0.2:
        selected = set()
        for i in range(n_samples):
            j = rng.randint(n_population)
            while j in selected:
                j = rng.randint(n_population)
            selected.add(j)
            out[i] = j
        return out
    out[:] = np.arange(n_samples)
    for i in range(n_samples, n_population):
        j = rng.randint(0, i + 1)
        if j < n_samples:
            out[j] = i
    return out


class ParameterSampler:
    """``n_iter`` candidates drawn at random: from lists uniformly (without replacement when
    every value is a list), from scipy.stats-style distributions by their ``rvs``. The same
    random_state gives scikit-learn's candidates."""

    def __init__(self, param_distributions, n_iter, *, random_state=None):
        if not isinstance(param_distributions, (Mapping, Iterable)):
            raise TypeError(f"Parameter distribution is not a dict or a list, got: "
                            f"{param_distributions!r} of type "
                            f"{type(param_distributions).__name__}")
        if isinstance(param_distributions, Mapping):
            param_distributions = [param_distributions]
        for dist in param_distributions:
            if not isinstance(dist, dict):
                raise TypeError(f"Parameter distribution is not a dict ({dist!r})")
            for key in dist:
                if not isinstance(dist[key], Iterable) and not hasattr(dist[key], "rvs"):
                    raise TypeError(f"Parameter grid for parameter {key!r} is not iterable or a "
                                    f"distribution (value={dist[key]})")
        self.n_iter = n_iter
        self.random_state = random_state
        self.param_distributions = param_distributions

    def _all_lists(self):
        return all(not hasattr(v, "rvs") for d in self.param_distributions for v in d.values())

    def __iter__(self):
        rng = check_random_state(self.random_state)
        if self._all_lists():
            grid = ParameterGrid(self.param_distributions)
            n_iter = self.n_iter
            if len(grid) < n_iter:
                warnings.warn(f"The total space of parameters {len(grid)} is smaller than "
                              f"n_iter={self.n_iter}. Running {len(grid)} iterations. For "
                              "exhaustive searches, use GridSearchCV.", UserWarning)
                n_iter = len(grid)
            for i in _sample_without_replacement(len(grid), n_iter, rng):
                yield grid[i]
            return
        for _ in range(self.n_iter):
            dist = rng.choice(self.param_distributions)
            params = {}
            for key, value in sorted(dist.items()):
                if hasattr(value, "rvs"):
                    params[key] = value.rvs(random_state=rng)
                else:
                    params[key] = value[rng.randint(len(value))]
            yield params

    def __len__(self):
        if self._all_lists():
            return min(self.n_iter, len(ParameterGrid(self.param_distributions)))
        return self.n_iter


def _param_arrays(candidates):
    """``param_<name>``: a masked array per parameter, masked where a candidate lacks it."""
    values = defaultdict(dict)
    for i, params in enumerate(candidates):
        for name, value in params.items():
            values[f"param_{name}"][i] = value
    for key, by_index in values.items():
        listed = list(by_index.values())
        try:
            arr = np.array(listed)
            dtype = arr.dtype if arr.dtype.kind != "U" and arr.ndim == 1 else object
        except ValueError:
            dtype = np.dtype(object)
        ma = np.ma.MaskedArray(np.empty(len(candidates), dtype=dtype), mask=True)
        for i, value in by_index.items():
            ma[i] = value
        yield key, ma


def _shared_query_groups(base, candidates):
    """Groups (lists of candidate indices) of candidates that differ only in the estimator's
    ``_query_only_params``, when the estimator declares them and some group has more than one
    candidate; otherwise None (each candidate is fitted and scored on its own)."""
    names = getattr(type(base), "_query_only_params", None)
    if not names or len(candidates) < 2:
        return None
    groups, keys = [], []
    for i, c in enumerate(candidates):
        key = {k: v for k, v in c.items() if k not in names}
        for g, other in zip(groups, keys):
            try:
                same = other.keys() == key.keys() and all(
                    other[k] is key[k] or (type(other[k]) is type(key[k]) and bool(other[k] == key[k]))
                    for k in key)
            except Exception:  # values that do not compare to a truth value: kept apart
                same = False
            if same:
                g.append(i)
                break
        else:
            groups.append([i])
            keys.append(key)
    return groups if len(groups) < len(candidates) else None


def _rank_min(values):
    """Ranks of ``-values`` by scipy's 'min' method (1 for the largest; ties share the lowest)."""
    neg = -values
    return (np.searchsorted(np.sort(neg), neg, side="left") + 1).astype(np.int32)


_MULTIMETRIC_REFIT_MSG = (
    "For multi-metric scoring, the parameter refit must be set to a scorer key or a callable to "
    "refit an estimator with the best parameter setting on the whole data and make the best_* "
    "attributes available for that metric. If this is not needed, refit should be set to False "
    "explicitly. {!r} was passed.")


def _available_if_best(name):
    def check(self):
        if not self.refit:
            raise AttributeError(f"This {type(self).__name__} instance was initialized with "
                                 f"`refit=False`. {name} is available only after refitting on "
                                 "the best parameters. You can refit an estimator manually using "
                                 "the `best_params_` attribute")
        if not hasattr(self, "best_estimator_"):
            # not fitted: the method exists when the searched estimator has it (scikit-learn's
            # rule), and calling it raises NotFittedError
            if not hasattr(self.estimator, name):
                raise AttributeError(f"This '{type(self).__name__}' has no attribute '{name}'")
            return False
        if not hasattr(self.best_estimator_, name):
            raise AttributeError(f"This '{type(self).__name__}' has no attribute '{name}'")
        return True
    return check


def _estimator_type_of(estimator):
    return getattr(estimator, "_estimator_type", None)


class _Delegate:
    """A method of the search that calls the refit best estimator's (present only when that
    estimator has it; before fit, when the searched estimator has it, and then a call raises
    NotFittedError)."""

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if not _available_if_best(self.name)(obj):
            def not_fitted(*args, **kwargs):
                check_is_fitted(obj, "best_estimator_")
            return not_fitted
        return getattr(obj.best_estimator_, self.name)


class BaseSearchCV(BaseEstimator):
    """What GridSearchCV and RandomizedSearchCV share: fit evaluates candidates x splits (on
    threads, or a joblib backend), formats cv_results_, selects and refits the best.

    A meta-estimator in the shared contract (as scikit-learn's BaseSearchCV is a BaseEstimator):
    get_params / set_params with nested ``estimator__<param>`` names, clone, repr, parameter
    validation, tags taken from the searched estimator. Its state is plain data (the masked
    ``param_*`` columns of cv_results_ are held as their data and mask arrays in
    ``__getstate__``), so pickle, skops and scratchlearn.io save it.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [str, callable, list, tuple, dict, None],
        "n_jobs": [numbers.Integral, None],
        "refit": ["boolean", str, callable],
        "cv": [Interval(numbers.Integral, 2, None, closed="left"), HasMethods(["split", "get_n_splits"]),
               Iterable, None],
        "verbose": ["verbose"],
        "pre_dispatch": [numbers.Integral, str],
        "error_score": [StrOptions({"raise"}), numbers.Real],
        "return_train_score": ["boolean"],
        "backend": [str, None],
    }

    def __init__(self, estimator, *, scoring=None, n_jobs=None, refit=True, cv=None, verbose=0,
                 pre_dispatch="2*n_jobs", error_score=np.nan, return_train_score=False,
                 backend=None):
        self.estimator = estimator
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.pre_dispatch = pre_dispatch
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.backend = backend

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def __sklearn_tags__(self):
        return self.estimator.__sklearn_tags__()

    def __scratchlearn_tags__(self):
        tags = getattr(self.estimator, "__scratchlearn_tags__", None)
        return tags() if tags is not None else Tags()

    def __getstate__(self):
        state = dict(self.__dict__)
        results = state.get("cv_results_")
        if isinstance(results, dict):
            plain, masks = {}, {}
            for key, value in results.items():
                if isinstance(value, np.ma.MaskedArray):
                    plain[key] = np.asarray(value.data)
                    masks[key] = np.ma.getmaskarray(value).copy()
                else:
                    plain[key] = value
            state["cv_results_"] = plain
            state["_cv_results_masks"] = masks
        return state

    def __setstate__(self, state):
        state = dict(state)
        masks = state.pop("_cv_results_masks", None)
        if masks:
            state["cv_results_"] = {
                key: np.ma.MaskedArray(value, mask=masks[key]) if key in masks else value
                for key, value in state["cv_results_"].items()}
        self.__dict__.update(state)

    def _check_refit_for_multimetric(self, scores):
        valid = (self.refit is False or (isinstance(self.refit, str) and self.refit in scores)
                 or callable(self.refit))
        if not valid:
            raise ValueError(_MULTIMETRIC_REFIT_MSG.format(self.refit))

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        if callable(refit):
            best = refit(results)
            if not isinstance(best, numbers.Integral):
                raise TypeError("best_index_ returned is not an integer")
            if best < 0 or best >= len(results["params"]):
                raise IndexError("best_index_ index out of range")
            return int(best)
        return int(results[f"rank_test_{refit_metric}"].argmin())

    def _scorers(self):
        if callable(self.scoring):
            return self.scoring
        if self.scoring is None or isinstance(self.scoring, str):
            return check_scoring(self.estimator, self.scoring)
        scorers = check_multimetric_scoring(self.estimator, self.scoring)
        self._check_refit_for_multimetric(scorers)
        return _MultimetricScorer(scorers=scorers, raise_exc=False)

    def fit(self, X, y=None, **params):
        """Cross-validate every candidate, then (with ``refit``) fit the best on all of X, y.
        ``params`` go to the estimator's fit (sample-aligned arrays split with the data);
        ``groups=`` goes to the splitter."""
        self._validate_params()
        _check_error_score(self.error_score)
        groups = params.pop("groups", None)
        scorer = self._scorers()
        multimetric = isinstance(scorer, _MultimetricScorer)
        refit_metric = self.refit if multimetric else "score"
        if y is None and _estimator_type_of(self.estimator) in ("classifier", "regressor"):
            raise ValueError(f"{type(self.estimator).__name__} requires y to be passed, but the "
                             "target y is None.")
        X, y, groups = _indexable(X, y, groups)
        if _num_samples(X) == 0:
            raise ValueError(f"Found array with 0 sample(s) (shape={getattr(X, 'shape', (0,))}) "
                             f"while a minimum of 1 is required by {type(self).__name__}.")
        cv = check_cv(self.cv, y, classifier=_is_classifier(self.estimator))
        n_splits = cv.get_n_splits(X, y, groups)
        base = clone(self.estimator)
        all_candidates, all_out = [], []
        results_holder = {}

        def evaluate_candidates(candidate_params):
            candidate_params = list(candidate_params)
            splits = list(cv.split(X, y, groups))
            shared = _shared_query_groups(base, candidate_params)
            if shared is None:
                tasks = [(clone(base), X, y, scorer, train, test, parameters, params,
                          self.return_train_score, False, self.error_score)
                         for parameters in candidate_params for train, test in splits]
                out = run_tasks(_fit_and_score, tasks, n_jobs=self.n_jobs, backend=self.backend,
                                pre_dispatch=self.pre_dispatch)
            else:
                # one task per (group, split); results put back in candidate-major order. On
                # this process's threads the tasks run one after the other: a task is one fit
                # and one neighbour search (the core's, on all the cores) and then each
                # candidate's Python-level scoring, which holds the GIL, so concurrent tasks only
                # contend (measured on the bench's searches, 2 cores: serial 15-48 ms, two
                # threads 26-66 ms)
                tasks = [(clone(base), X, y, scorer, train, test, [candidate_params[i] for i in g],
                          params, self.return_train_score, self.error_score)
                         for g in shared for train, test in splits]
                grouped = run_tasks(_fit_and_score_shared, tasks, n_jobs=self.n_jobs,
                                    backend=self.backend, pre_dispatch=self.pre_dispatch,
                                    threads=False)
                out = [None] * (len(candidate_params) * len(splits))
                for t, res in enumerate(grouped):
                    g, s = shared[t // len(splits)], t % len(splits)
                    for i, r in zip(g, res):
                        out[i * len(splits) + s] = r
            if len(out) < 1:
                raise ValueError("No fits were performed. Was the CV iterator empty? Were there "
                                 "no candidates?")
            if len(out) != len(candidate_params) * n_splits:
                raise ValueError("cv.split and cv.get_n_splits returned inconsistent results. "
                                 f"Expected {n_splits} splits, got "
                                 f"{len(out) // len(candidate_params)}")
            _warn_or_raise_about_fit_failures(out, self.error_score)
            all_candidates.extend(candidate_params)
            all_out.extend(out)
            results_holder["r"] = self._format_results(all_candidates, n_splits, all_out)
            return results_holder["r"]

        self._run_search(evaluate_candidates)
        results = results_holder["r"]
        first = all_out[0]["test_scores"]
        self.multimetric_ = isinstance(first, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first)
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = float(results[f"mean_test_{refit_metric}"][self.best_index_])
            self.best_params_ = results["params"][self.best_index_]
        if self.refit:
            self.best_estimator_ = clone(base).set_params(**clone(self.best_params_, safe=False))
            start = time.time()
            if y is not None:
                self.best_estimator_.fit(X, y, **params)
            else:
                self.best_estimator_.fit(X, **params)
            self.refit_time_ = time.time() - start
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
            if hasattr(self.best_estimator_, "n_features_in_"):
                self.n_features_in_ = self.best_estimator_.n_features_in_
        self.scorer_ = scorer._scorers if multimetric else scorer
        self.cv_results_ = results
        self.n_splits_ = n_splits
        return self

    def _format_results(self, candidates, n_splits, out):
        n = len(candidates)
        results = {}

        def store(key, array, splits=False, rank=False):
            array = np.array(array, dtype=np.float64).reshape(n, n_splits)
            if splits:
                for s in range(n_splits):
                    results[f"split{s}_{key}"] = array[:, s]
            means = np.average(array, axis=1)
            results[f"mean_{key}"] = means
            if key.startswith(("train_", "test_")) and np.any(~np.isfinite(means)):
                warnings.warn(f"One or more of the {key.split('_')[0]} scores are non-finite: "
                              f"{means}", category=UserWarning)
            results[f"std_{key}"] = np.sqrt(np.average((array - means[:, None]) ** 2, axis=1))
            if rank:
                if np.isnan(means).all():
                    ranks = np.ones_like(means, dtype=np.int32)
                else:
                    ranks = _rank_min(np.nan_to_num(means, nan=np.nanmin(means) - 1))
                results[f"rank_{key}"] = ranks

        store("fit_time", [o["fit_time"] for o in out])
        store("score_time", [o["score_time"] for o in out])
        for key, ma in _param_arrays(candidates):
            results[key] = ma
        results["params"] = candidates
        test = [o["test_scores"] for o in out]
        names = list(test[0]) if isinstance(test[0], dict) else None
        for name in (names or ["score"]):
            values = [t[name] for t in test] if names else test
            store(f"test_{name}", values, splits=True, rank=True)
            if self.return_train_score:
                train = [o["train_scores"] for o in out]
                store(f"train_{name}", [t[name] for t in train] if names else train,
                      splits=True)
        return results

    @property
    def classes_(self):
        if not _available_if_best("classes_")(self):
            check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.classes_

    def score(self, X, y=None, **params):
        """The refit scorer (or the best estimator's score) on X, y."""
        check_is_fitted(self)
        if not self.refit:
            raise AttributeError(f"This {type(self).__name__} instance was initialized with "
                                 "`refit=False`. score is available only after refitting on "
                                 "the best parameters.")
        scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
        return scorer(self.best_estimator_, X, y, **params)

    predict = _Delegate("predict")
    predict_proba = _Delegate("predict_proba")
    predict_log_proba = _Delegate("predict_log_proba")
    decision_function = _Delegate("decision_function")
    transform = _Delegate("transform")
    inverse_transform = _Delegate("inverse_transform")
    score_samples = _Delegate("score_samples")


class GridSearchCV(BaseSearchCV):
    """Exhaustive search over a grid of parameter values, each candidate cross-validated.

    Parameters are scikit-learn's (estimator, param_grid, scoring, n_jobs, refit, cv, verbose,
    pre_dispatch, error_score, return_train_score) plus ``backend``: None runs ``n_jobs`` fits on
    Python threads in this process (the cores divided between concurrent fits, each fit's own
    OpenMP threads capped to its share); a joblib backend name ('loky', 'threading', 'dask', ...)
    runs them through joblib, as an active ``joblib.parallel_backend`` context does.

    Attributes: cv_results_ (scikit-learn's keys), best_estimator_, best_score_, best_params_,
    best_index_, scorer_, n_splits_, refit_time_, multimetric_.

    How it works
    ------------
    The candidates x splits fits are independent tasks: each clones the estimator, sets the
    candidate's parameters, fits on the split's training rows and scores its test rows; the
    scores are gathered into cv_results_, ranked, and the best candidate is refit on all the
    data. A fit of a scratchlearn estimator releases the GIL in the C++ core, so threads give
    real parallelism without copying the data to other processes.
    """

    _parameter_constraints = {**BaseSearchCV._parameter_constraints, "param_grid": [dict, list]}

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, refit=True, cv=None,
                 verbose=0, pre_dispatch="2*n_jobs", error_score=np.nan,
                 return_train_score=False, backend=None):
        super().__init__(estimator, scoring=scoring, n_jobs=n_jobs, refit=refit, cv=cv,
                         verbose=verbose, pre_dispatch=pre_dispatch, error_score=error_score,
                         return_train_score=return_train_score, backend=backend)
        self.param_grid = param_grid

    def _run_search(self, evaluate_candidates):
        evaluate_candidates(ParameterGrid(self.param_grid))


class RandomizedSearchCV(BaseSearchCV):
    """Search over ``n_iter`` candidates drawn from ``param_distributions`` (lists, or
    scipy.stats distributions), each cross-validated; the same random_state draws scikit-learn's
    candidates. Otherwise as GridSearchCV."""

    _parameter_constraints = {**BaseSearchCV._parameter_constraints,
                              "param_distributions": [dict, list],
                              "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
                              "random_state": ["random_state"]}

    def __init__(self, estimator, param_distributions, *, n_iter=10, scoring=None, n_jobs=None,
                 refit=True, cv=None, verbose=0, pre_dispatch="2*n_jobs", random_state=None,
                 error_score=np.nan, return_train_score=False, backend=None):
        super().__init__(estimator, scoring=scoring, n_jobs=n_jobs, refit=refit, cv=cv,
                         verbose=verbose, pre_dispatch=pre_dispatch, error_score=error_score,
                         return_train_score=return_train_score, backend=backend)
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.random_state = random_state

    def _run_search(self, evaluate_candidates):
        evaluate_candidates(ParameterSampler(self.param_distributions, self.n_iter,
                                             random_state=self.random_state))
