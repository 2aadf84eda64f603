"""Cross-validation: fit and score an estimator on each split (cross_validate, cross_val_score),
predict out of fold (cross_val_predict), and the learning and validation curves."""

from __future__ import annotations

import numbers
import time
import traceback
import warnings
from collections import Counter

import numpy as np

from ..base import clone
from ..exceptions import FitFailedWarning
from ..metrics._scorer import _MultimetricScorer, check_scoring
from ..utils.validation import check_random_state
from ._parallel import run_tasks
from ._split import _indexable, _is_classifier, _num_samples, _safe_indexing, check_cv

__all__ = ["cross_validate", "cross_val_score", "cross_val_predict", "learning_curve",
           "validation_curve"]


def _check_params(X, params, indices):
    """Fit parameters for the rows ``indices``: sample-aligned arrays are indexed, the rest
    passed as they are."""
    if not params:
        return {}
    n = _num_samples(X)
    out = {}
    for key, value in params.items():
        if hasattr(value, "__len__") and not isinstance(value, (str, dict)) and \
                _num_samples_or_none(value) == n:
            out[key] = _safe_indexing(value, indices)
        else:
            out[key] = value
    return out


def _num_samples_or_none(v):
    try:
        return _num_samples(v)
    except TypeError:
        return None


def _check_error_score(error_score):
    if not (error_score == "raise" or isinstance(error_score, numbers.Number)):
        raise ValueError("error_score must be the string 'raise' or a numeric value. (Hint: if "
                         "using 'raise', please make sure that it has been spelled correctly.)")


def _score(estimator, X, y, scorer, error_score):
    try:
        if y is None:
            scores = scorer(estimator, X)
        else:
            scores = scorer(estimator, X, y)
    except Exception:
        if error_score == "raise":
            raise
        if isinstance(scorer, _MultimetricScorer):
            scores = {name: error_score for name in scorer._scorers}
        else:
            scores = error_score
        warnings.warn("Scoring failed. The score on this train-test partition for these "
                      f"parameters will be set to {error_score}. Details: \n"
                      f"{traceback.format_exc()}", UserWarning)
    if isinstance(scorer, _MultimetricScorer):
        out = {}
        for name, s in scores.items():
            if isinstance(s, Exception):
                if error_score == "raise":
                    raise s
                s = error_score
            out[name] = float(s) if isinstance(s, (np.floating, np.integer)) else s
        return out
    if hasattr(scores, "item"):
        scores = scores.item()
    if not isinstance(scores, numbers.Number):
        raise ValueError(f"scoring must return a number, got {scores!s} ({type(scores)}) "
                         "instead.")
    return scores


def _fit_and_score(estimator, X, y, scorer, train, test, parameters, fit_params,
                   return_train_score, return_estimator, error_score):
    """Fit ``estimator`` (its ``parameters`` set) on the rows ``train`` and score it on ``test``
    (and ``train``): a dict of scores, times, and the fit error (a traceback) if the fit failed."""
    fit_params = _check_params(X, fit_params, train)
    split = (_safe_indexing(X, train), _safe_indexing(X, test),
             None if y is None else _safe_indexing(y, train),
             None if y is None else _safe_indexing(y, test))
    return _fit_and_score_split(estimator, split, scorer, parameters, fit_params,
                                return_train_score, return_estimator, error_score)


def _fit_and_score_shared(estimator, X, y, scorer, train, test, candidates, fit_params,
                          return_train_score, error_score):
    """``_fit_and_score`` for candidates that differ only in parameters that change the queries
    and not the fitted data (an estimator's ``_query_only_params``): one split of the rows serves
    them all, and a memo of neighbour lists is lent to each fitted candidate while it is scored,
    so the neighbours of the fold's rows are searched once, for the largest ``n_neighbors``
    (the scores are those of separate fits: see neighbors._base._QueryMemo). A list of results."""
    from ..neighbors._base import _QueryMemo

    fit_params = _check_params(X, fit_params, train)
    split = (_safe_indexing(X, train), _safe_indexing(X, test),
             None if y is None else _safe_indexing(y, train),
             None if y is None else _safe_indexing(y, test))
    memo = _QueryMemo([{**estimator.get_params(), **c}.get("n_neighbors") for c in candidates])
    # the fold's data is fitted once, by the first candidate whose fit succeeds; the others
    # validate their own parameters and share that fitted state (_fit_like), unless fit
    # parameters are routed or fit is not the one of the class that declares the parameters
    # query-only (a subclass's own fit: each fit then runs on its own)
    fitted = []
    owner = next(c for c in type(estimator).__mro__ if "_query_only_params" in vars(c))
    share = type(estimator).fit is owner.fit and hasattr(estimator, "_fit_like")

    def fit_shared(est, *args, **kw):
        if share and fitted and not kw and est._fit_like(fitted[0]):
            return est
        est.fit(*args, **kw)
        fitted.append(est)
        return est

    return [_fit_and_score_split(clone(estimator), split, scorer, c, fit_params, return_train_score,
                                 False, error_score, memo=memo, fit=fit_shared) for c in candidates]


def _fit_and_score_split(estimator, split, scorer, parameters, fit_params, return_train_score,
                         return_estimator, error_score, memo=None, fit=None):
    if parameters:
        estimator = estimator.set_params(**clone(parameters, safe=False))
    X_train, X_test, y_train, y_test = split
    result = {"fit_error": None}
    start = time.time()
    try:
        args = (X_train,) if y_train is None else (X_train, y_train)
        if fit is None:
            estimator.fit(*args, **fit_params)
        else:
            fit(estimator, *args, **fit_params)
    except Exception:
        if error_score == "raise":
            raise
        fit_time = time.time() - start
        if isinstance(scorer, _MultimetricScorer):
            test_scores = {name: error_score for name in scorer._scorers}
        else:
            test_scores = error_score
        result.update(test_scores=test_scores, fit_time=fit_time, score_time=0.0,
                      fit_error=traceback.format_exc())
        if return_train_score:
            result["train_scores"] = test_scores
    else:
        fit_time = time.time() - start
        if memo is not None:
            estimator._query_memo = memo
        try:
            result["test_scores"] = _score(estimator, X_test, y_test, scorer, error_score)
            result["score_time"] = time.time() - start - fit_time
            result["fit_time"] = fit_time
            if return_train_score:
                result["train_scores"] = _score(estimator, X_train, y_train, scorer, error_score)
        finally:
            if memo is not None:
                del estimator._query_memo
    result["n_test_samples"] = _num_samples(X_test)
    if return_estimator:
        result["estimator"] = estimator
    if parameters is not None:
        result["parameters"] = parameters
    return result


def _warn_or_raise_about_fit_failures(results, error_score):
    errors = [r["fit_error"] for r in results if r["fit_error"] is not None]
    if not errors:
        return
    n_fits, n_failed = len(results), len(errors)
    summary = "\n".join(f"{n} fits failed with the following error:\n{e}"
                        for e, n in Counter(errors).items())
    if n_failed == n_fits:
        raise ValueError(f"\nAll the {n_fits} fits failed.\nIt is very likely that your model is "
                         "misconfigured.\nYou can try to debug the error by setting "
                         f"error_score='raise'.\n\nBelow are more details about the "
                         f"failures:\n{summary}")
    warnings.warn(f"\n{n_failed} fits failed out of a total of {n_fits}.\nThe score on these "
                  f"train-test partitions for these parameters will be set to {error_score}.\n"
                  "If these failures are not expected, you can try to debug them by setting "
                  f"error_score='raise'.\n\nBelow are more details about the failures:\n{summary}",
                  FitFailedWarning)


def _aggregate(scores):
    """A list of scores (numbers, or dicts of them) as {name: array}."""
    if isinstance(scores[0], dict):
        return {k: np.asarray([s[k] for s in scores]) for k in scores[0]}
    return {"score": np.asarray(scores)}


def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   verbose=0, params=None, pre_dispatch="2*n_jobs", return_train_score=False,
                   return_estimator=False, return_indices=False, error_score=np.nan,
                   backend=None):
    """Fit and score ``estimator`` on each split of ``cv``.

    Returns a dict of arrays: fit_time, score_time, test_<name> (test_score for one scorer),
    train_<name> with ``return_train_score``, estimator with ``return_estimator``, indices with
    ``return_indices``.

    ``n_jobs`` fits run on Python threads (the cores divided between them), or on the joblib
    backend ``backend`` / an active joblib context (e.g. Dask); see model_selection._parallel.
    """
    _check_error_score(error_score)
    X, y, groups = _indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=_is_classifier(estimator))
    scorer = check_scoring(estimator, scoring)
    indices = list(cv.split(X, y, groups))
    results = run_tasks(_fit_and_score, [
        (clone(estimator), X, y, scorer, train, test, None, params, return_train_score,
         return_estimator, error_score) for train, test in indices],
        n_jobs=n_jobs, backend=backend, pre_dispatch=pre_dispatch)
    _warn_or_raise_about_fit_failures(results, error_score)
    out = {"fit_time": np.array([r["fit_time"] for r in results]),
           "score_time": np.array([r["score_time"] for r in results])}
    if return_estimator:
        out["estimator"] = [r["estimator"] for r in results]
    if return_indices:
        out["indices"] = {"train": [t for t, _ in indices], "test": [t for _, t in indices]}
    for name, values in _aggregate([r["test_scores"] for r in results]).items():
        out[f"test_{name}"] = values
    if return_train_score:
        for name, values in _aggregate([r["train_scores"] for r in results]).items():
            out[f"train_{name}"] = values
    return out


def cross_val_score(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                    verbose=0, params=None, pre_dispatch="2*n_jobs", error_score=np.nan,
                    backend=None):
    """The test score of each split of ``cv`` (one scorer), as an array."""
    scorer = check_scoring(estimator, scoring)
    res = cross_validate(estimator, X, y, groups=groups, scoring={"score": scorer}, cv=cv,
                         n_jobs=n_jobs, verbose=verbose, params=params,
                         pre_dispatch=pre_dispatch, error_score=error_score, backend=backend)
    return res["test_score"]


def _enforce_prediction_order(classes, predictions, n_classes, method):
    if n_classes != len(classes):
        warnings.warn(f"Number of classes in training fold ({len(classes)}) does not match total "
                      f"number of classes ({n_classes}). Results may not be appropriate for your "
                      "use case. To fix this, use a cross-validation technique resulting in "
                      "properly stratified folds", RuntimeWarning)
        if method == "decision_function":
            if predictions.ndim == 2 and predictions.shape[1] != len(classes):
                raise ValueError(f"Output shape {predictions.shape} of {method} does not match "
                                 f"number of classes ({len(classes)}) in fold. Irregular "
                                 "decision_function outputs are not currently supported by "
                                 "cross_val_predict")
            if len(classes) <= 2:
                raise ValueError(f"Only {len(classes)} class/es in training fold, but {n_classes} "
                                 "in overall dataset. This is not supported for "
                                 "decision_function with imbalanced folds. To fix this, use a "
                                 "cross-validation technique resulting in properly stratified "
                                 "folds")
        fill = {"decision_function": np.finfo(predictions.dtype).min,
                "predict_log_proba": np.finfo(predictions.dtype).min, "predict_proba": 0}[method]
        full = np.full((_num_samples(predictions), n_classes), fill, dtype=predictions.dtype)
        full[:, classes] = predictions
        predictions = full
    return predictions


def _fit_and_predict(estimator, X, y, train, test, fit_params, method, encode, n_classes):
    fit_params = _check_params(X, fit_params, train)
    X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    if y is None:
        estimator.fit(X_train, **fit_params)
    else:
        estimator.fit(X_train, _safe_indexing(y, train), **fit_params)
    predictions = getattr(estimator, method)(X_test)
    if encode:
        if isinstance(predictions, list):
            # a multi-output classifier: one array per output, each with its own classes
            predictions = [_enforce_prediction_order(estimator.classes_[i], p, n_classes[i],
                                                     method)
                           for i, p in enumerate(predictions)]
        else:
            n = n_classes if np.ndim(n_classes) == 0 else len(n_classes)
            predictions = _enforce_prediction_order(estimator.classes_, predictions, n, method)
    return predictions


def cross_val_predict(estimator, X, y=None, *, groups=None, cv=None, n_jobs=None, verbose=0,
                      params=None, pre_dispatch="2*n_jobs", method="predict", backend=None):
    """Each sample's prediction by the model fit on the folds that leave it out (``method``:
    'predict', 'predict_proba', 'predict_log_proba', 'decision_function', ...). The splits must
    be a partition (every sample tested exactly once)."""
    X, y, groups = _indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=_is_classifier(estimator))
    splits = list(cv.split(X, y, groups))
    test_indices = np.concatenate([test for _, test in splits])
    n = _num_samples(X)
    if len(test_indices) != n or not np.array_equal(np.sort(test_indices), np.arange(n)):
        raise ValueError("cross_val_predict only works for partitions")
    encode = method in ("decision_function", "predict_proba", "predict_log_proba") and \
        y is not None
    n_classes = None
    if encode:
        y = np.asarray(y)
        if y.ndim == 1:
            classes, y = np.unique(y, return_inverse=True)
            n_classes = len(classes)
        elif y.ndim == 2:
            # each output's labels encoded on their own (n_classes: a count per output)
            encoded = np.empty(y.shape, dtype=np.intp)
            n_classes = []
            for j in range(y.shape[1]):
                classes, encoded[:, j] = np.unique(y[:, j], return_inverse=True)
                n_classes.append(len(classes))
            y = encoded
        else:
            raise ValueError(f"y should be a 1d or 2d array, got an array of shape {y.shape} "
                             "instead.")
    if not hasattr(estimator, method):
        raise AttributeError(f"{type(estimator).__name__} has no method {method!r}")
    predictions = run_tasks(_fit_and_predict, [
        (clone(estimator), X, y, train, test, params, method, encode, n_classes)
        for train, test in splits], n_jobs=n_jobs, backend=backend, pre_dispatch=pre_dispatch)
    inverse = np.empty(len(test_indices), dtype=int)
    inverse[test_indices] = np.arange(len(test_indices))
    if isinstance(predictions[0], list):
        # one list of per-output arrays per split: a list of per-output arrays, rows restored
        return [np.concatenate([p[j] for p in predictions])[inverse]
                for j in range(len(predictions[0]))]
    if hasattr(predictions[0], "tocsr"):
        import scipy.sparse as sp

        stacked = sp.vstack(predictions, format=predictions[0].format)
    else:
        stacked = np.concatenate([np.asarray(p) for p in predictions])
    return stacked[inverse]


def _translate_train_sizes(train_sizes, n_max):
    sizes = np.asarray(train_sizes)
    n_ticks = sizes.shape[0]
    lo, hi = np.min(sizes), np.max(sizes)
    if np.issubdtype(sizes.dtype, np.floating):
        if lo <= 0.0 or hi > 1.0:
            raise ValueError("train_sizes has been interpreted as fractions of the maximum number "
                             f"of training samples and must be within (0, 1], but is within "
                             f"[{lo:f}, {hi:f}].")
        sizes = np.clip((sizes * n_max).astype(dtype=int, copy=False), 1, n_max)
    elif lo <= 0 or hi > n_max:
        raise ValueError("train_sizes has been interpreted as absolute numbers of training "
                         f"samples and must be within (0, {n_max}], but is within "
                         f"[{lo}, {hi}].")
    sizes = np.unique(sizes)
    if n_ticks > sizes.shape[0]:
        warnings.warn("Removed duplicate entries from 'train_sizes'. Number of ticks will be less "
                      f"than the size of 'train_sizes': {sizes.shape[0]} instead of {n_ticks}.",
                      RuntimeWarning)
    return sizes


def learning_curve(estimator, X, y, *, groups=None, train_sizes=np.linspace(0.1, 1.0, 5),
                   cv=None, scoring=None, exploit_incremental_learning=False, n_jobs=None,
                   pre_dispatch="all", verbose=0, shuffle=False, random_state=None,
                   error_score=np.nan, return_times=False, params=None, backend=None):
    """Train and test scores for growing training sets (the first n of each split's training
    indices, shuffled first with ``shuffle``).

    Returns train_sizes_abs, train_scores (n_ticks, n_splits), test_scores[, fit_times,
    score_times].
    """
    if exploit_incremental_learning and not hasattr(estimator, "partial_fit"):
        raise ValueError("An estimator must support the partial_fit interface to exploit "
                         "incremental learning")
    X, y, groups = _indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=_is_classifier(estimator))
    splits = list(cv.split(X, y, groups))
    scorer = check_scoring(estimator, scoring)
    sizes = _translate_train_sizes(train_sizes, len(splits[0][0]))
    n_ticks = sizes.shape[0]
    if shuffle:
        rng = check_random_state(random_state)
        splits = [(rng.permutation(train), test) for train, test in splits]
    if exploit_incremental_learning:
        classes = np.unique(y) if _is_classifier(estimator) else None
        results = run_tasks(_incremental_fit_estimator, [
            (clone(estimator), X, y, classes, train, test, sizes, scorer, params, return_times,
             error_score) for train, test in splits], n_jobs=n_jobs, backend=backend,
            pre_dispatch=pre_dispatch)
        # results: (n_splits, n_ticks, k) -> (k, n_ticks, n_splits), k the scores (and times)
        arr = np.asarray(results, dtype=np.float64).transpose((2, 1, 0))
        return (sizes, arr[0], arr[1]) + ((arr[2], arr[3]) if return_times else ())
    tasks = [(clone(estimator), X, y, scorer, train[:m], test, None, params, True, False,
              error_score) for train, test in splits for m in sizes]
    results = run_tasks(_fit_and_score, tasks, n_jobs=n_jobs, backend=backend,
                        pre_dispatch=pre_dispatch)
    _warn_or_raise_about_fit_failures(results, error_score)
    train = np.asarray([r["train_scores"] for r in results]).reshape(-1, n_ticks).T
    test = np.asarray([r["test_scores"] for r in results]).reshape(-1, n_ticks).T
    if return_times:
        fit = np.asarray([r["fit_time"] for r in results]).reshape(-1, n_ticks).T
        score = np.asarray([r["score_time"] for r in results]).reshape(-1, n_ticks).T
        return sizes, train, test, fit, score
    return sizes, train, test


def _incremental_fit_estimator(estimator, X, y, classes, train, test, sizes, scorer, params,
                               return_times, error_score):
    out = []
    X_test = _safe_indexing(X, test)
    y_test = _safe_indexing(y, test)
    previous = 0
    for m in sizes:
        part = train[previous:m]
        start = time.time()
        X_part, y_part = _safe_indexing(X, part), _safe_indexing(y, part)
        if classes is None:
            estimator.partial_fit(X_part, y_part, **_check_params(X, params, part))
        else:
            estimator.partial_fit(X_part, y_part, classes=classes,
                                  **_check_params(X, params, part))
        fit_time = time.time() - start
        start = time.time()
        test_score = _score(estimator, X_test, y_test, scorer, error_score)
        score_time = time.time() - start
        train_score = _score(estimator, _safe_indexing(X, train[:m]),
                             _safe_indexing(y, train[:m]), scorer, error_score)
        out.append([train_score, test_score, fit_time, score_time] if return_times
                   else [train_score, test_score])
        previous = m
    return np.array(out)


def validation_curve(estimator, X, y, *, param_name, param_range, groups=None, cv=None,
                     scoring=None, n_jobs=None, pre_dispatch="all", verbose=0,
                     error_score=np.nan, params=None, backend=None):
    """Train and test scores of the estimator with each value of one parameter.

    Returns train_scores, test_scores of shape (len(param_range), n_splits).
    """
    X, y, groups = _indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=_is_classifier(estimator))
    scorer = check_scoring(estimator, scoring)
    tasks = [(clone(estimator), X, y, scorer, train, test, {param_name: v}, params, True, False,
              error_score) for train, test in cv.split(X, y, groups) for v in param_range]
    results = run_tasks(_fit_and_score, tasks, n_jobs=n_jobs, backend=backend,
                        pre_dispatch=pre_dispatch)
    _warn_or_raise_about_fit_failures(results, error_score)
    n = len(param_range)
    train = np.asarray([r["train_scores"] for r in results]).reshape(-1, n).T
    test = np.asarray([r["test_scores"] for r in results]).reshape(-1, n).T
    return train, test
