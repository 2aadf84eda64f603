"""Scorers: a metric bound to the estimator method it reads (predict, predict_proba,
decision_function) and to its sign (greater is better), under scikit-learn's names."""

from __future__ import annotations

import copy

import numpy as np

from . import _classification as C
from . import _cluster as K
from . import _ranking as R
from . import _regression as G

__all__ = ["make_scorer", "get_scorer", "get_scorer_names", "check_scoring"]


def _positive_column(estimator, proba, pos_label):
    classes = getattr(estimator, "classes_", None)
    if proba.ndim == 2 and classes is not None and len(classes) == 2 and proba.shape[1] == 2:
        label = classes[1] if pos_label is None else pos_label
        where = np.flatnonzero(classes == label)
        if where.size == 0:
            raise ValueError(f"pos_label={label} is not a valid label: It should be one of "
                             f"{classes}")
        return proba[:, where[0]]
    return proba


def _response(estimator, X, response_method, pos_label):
    """The prediction a scorer reads: the first of ``response_method`` the estimator has; for a
    binary classifier's probabilities the positive class's column, and decision values negated
    when the positive class is the first."""
    methods = (response_method,) if isinstance(response_method, str) else tuple(response_method)
    for name in methods:
        method = getattr(estimator, name, None)
        if method is not None:
            break
    else:
        raise AttributeError(f"{type(estimator).__name__} has none of the following attributes: "
                             f"{', '.join(methods)}.")
    out = method(X)
    if name == "predict_proba":
        return _positive_column(estimator, out, pos_label)
    if name == "decision_function":
        classes = getattr(estimator, "classes_", None)
        if (classes is not None and len(classes) == 2 and pos_label is not None
                and np.ndim(out) == 1 and pos_label == classes[0]):
            return -out
    return out


class _Scorer:
    """``scorer(estimator, X, y, sample_weight=None)`` = sign · score_func(y, response(X))."""

    def __init__(self, score_func, sign, kwargs, response_method="predict"):
        self._score_func = score_func
        self._sign = sign
        self._kwargs = kwargs
        self._response_method = response_method

    def __repr__(self):
        kw = "".join(f", {k}={v!r}" for k, v in self._kwargs.items())
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        rm = self._response_method
        rm = f", response_method={rm!r}" if rm != "predict" else ""
        return f"make_scorer({self._score_func.__name__}{sign}{rm}{kw})"

    def _pos_label(self):
        return self._kwargs.get("pos_label", None)

    def __call__(self, estimator, X, y_true, sample_weight=None, **kwargs):
        return self._score(estimator, X, y_true, sample_weight=sample_weight, _cache=None,
                           **kwargs)

    def _score(self, estimator, X, y_true, sample_weight=None, _cache=None, **kwargs):
        key = (self._response_method if isinstance(self._response_method, str)
               else tuple(self._response_method), self._pos_label())
        if _cache is not None and key in _cache:
            y_pred = _cache[key]
        else:
            y_pred = _response(estimator, X, self._response_method, self._pos_label())
            if _cache is not None:
                _cache[key] = y_pred
        kw = dict(self._kwargs, **kwargs)
        if sample_weight is not None:
            kw["sample_weight"] = sample_weight
        if self._score_func in _WANTS_LABELS and "labels" not in kw and \
                getattr(estimator, "classes_", None) is not None and np.ndim(y_pred) == 2:
            kw["labels"] = estimator.classes_
        return self._sign * self._score_func(y_true, y_pred, **kw)


def make_scorer(score_func, *, response_method="predict", greater_is_better=True, **kwargs):
    """A scorer from a metric ``score_func(y_true, y_pred, **kwargs)``: it calls the estimator's
    ``response_method`` ('predict', 'predict_proba', 'decision_function', or a list tried in
    order) and returns the score, negated when ``greater_is_better`` is False."""
    if not callable(score_func):
        raise TypeError(f"score_func must be a callable, got {score_func!r}.")
    if not (isinstance(response_method, str) or isinstance(response_method, (list, tuple))):
        raise TypeError("response_method must be a string or a list of strings.")
    allowed = {"predict", "predict_proba", "decision_function", "predict_log_proba"}
    for m in ([response_method] if isinstance(response_method, str) else response_method):
        if m not in allowed:
            raise ValueError(f"response_method must be one of {sorted(allowed)} or a list of "
                             f"them, got {m!r}.")
    return _Scorer(score_func, 1 if greater_is_better else -1, kwargs,
                   tuple(response_method) if not isinstance(response_method, str)
                   else response_method)


_WANTS_LABELS = {C.log_loss, C.d2_log_loss_score, C.d2_brier_score}


def _fowlkes_mallows(labels_true, labels_pred):
    labels_true, labels_pred = K._check_clusterings(labels_true, labels_pred)
    n = labels_true.shape[0]
    Cm = K._contingency(labels_true, labels_pred).astype(np.int64)
    tk = int((Cm ** 2).sum()) - n
    pk = int((Cm.sum(axis=0) ** 2).sum()) - n
    qk = int((Cm.sum(axis=1) ** 2).sum()) - n
    return float(np.sqrt(tk / pk) * np.sqrt(tk / qk)) if tk != 0 else 0.0


fowlkes_mallows_score = _fowlkes_mallows
fowlkes_mallows_score.__name__ = "fowlkes_mallows_score"

_EITHER = ("decision_function", "predict_proba")


def positive_likelihood_ratio(y_true, y_pred):
    """LR+ of class_likelihood_ratios, 1.0 where undefined (the scorer's convention)."""
    return C.class_likelihood_ratios(y_true, y_pred, replace_undefined_by=1.0)[0]


def negative_likelihood_ratio(y_true, y_pred):
    """LR- of class_likelihood_ratios, 1.0 where undefined (the scorer's convention)."""
    return C.class_likelihood_ratios(y_true, y_pred, replace_undefined_by=1.0)[1]


def _build_scorers():
    s = {
        "accuracy": make_scorer(C.accuracy_score),
        "balanced_accuracy": make_scorer(C.balanced_accuracy_score),
        "matthews_corrcoef": make_scorer(C.matthews_corrcoef),
        "explained_variance": make_scorer(G.explained_variance_score),
        "r2": make_scorer(G.r2_score),
        "neg_max_error": make_scorer(G.max_error, greater_is_better=False),
        "neg_mean_absolute_error": make_scorer(G.mean_absolute_error, greater_is_better=False),
        "neg_mean_absolute_percentage_error": make_scorer(G.mean_absolute_percentage_error,
                                                          greater_is_better=False),
        "neg_mean_squared_error": make_scorer(G.mean_squared_error, greater_is_better=False),
        "neg_mean_squared_log_error": make_scorer(G.mean_squared_log_error,
                                                  greater_is_better=False),
        "neg_median_absolute_error": make_scorer(G.median_absolute_error,
                                                 greater_is_better=False),
        "neg_root_mean_squared_error": make_scorer(G.root_mean_squared_error,
                                                   greater_is_better=False),
        "neg_root_mean_squared_log_error": make_scorer(G.root_mean_squared_log_error,
                                                       greater_is_better=False),
        "average_precision": make_scorer(R.average_precision_score, response_method=_EITHER),
        "roc_auc": make_scorer(R.roc_auc_score, response_method=_EITHER),
        "roc_auc_ovo": make_scorer(R.roc_auc_score, response_method="predict_proba",
                                   multi_class="ovo"),
        "roc_auc_ovo_weighted": make_scorer(R.roc_auc_score, response_method="predict_proba",
                                            multi_class="ovo", average="weighted"),
        "roc_auc_ovr": make_scorer(R.roc_auc_score, response_method="predict_proba",
                                   multi_class="ovr"),
        "roc_auc_ovr_weighted": make_scorer(R.roc_auc_score, response_method="predict_proba",
                                            multi_class="ovr", average="weighted"),
        "top_k_accuracy": make_scorer(R.top_k_accuracy_score, response_method=_EITHER),
        "neg_log_loss": make_scorer(C.log_loss, response_method="predict_proba",
                                    greater_is_better=False),
        "neg_brier_score": make_scorer(C.brier_score_loss, response_method="predict_proba",
                                       greater_is_better=False),
        "adjusted_rand_score": make_scorer(K.adjusted_rand_score),
        "rand_score": make_scorer(K.rand_score),
        "homogeneity_score": make_scorer(K.homogeneity_score),
        "completeness_score": make_scorer(K.completeness_score),
        "v_measure_score": make_scorer(K.v_measure_score),
        "mutual_info_score": make_scorer(K.mutual_info_score),
        "normalized_mutual_info_score": make_scorer(K.normalized_mutual_info_score),
        "fowlkes_mallows_score": make_scorer(fowlkes_mallows_score),
        "adjusted_mutual_info_score": make_scorer(K.adjusted_mutual_info_score),
        "neg_mean_poisson_deviance": make_scorer(G.mean_poisson_deviance,
                                                 greater_is_better=False),
        "neg_mean_gamma_deviance": make_scorer(G.mean_gamma_deviance, greater_is_better=False),
        "d2_absolute_error_score": make_scorer(G.d2_absolute_error_score),
        "d2_log_loss_score": make_scorer(C.d2_log_loss_score, response_method="predict_proba"),
        "d2_brier_score": make_scorer(C.d2_brier_score, response_method="predict_proba"),
        "positive_likelihood_ratio": make_scorer(positive_likelihood_ratio),
        "neg_negative_likelihood_ratio": make_scorer(negative_likelihood_ratio,
                                                     greater_is_better=False),
    }
    for name, func in (("precision", C.precision_score), ("recall", C.recall_score),
                       ("f1", C.f1_score), ("jaccard", C.jaccard_score)):
        s[name] = make_scorer(func, average="binary")
        for avg in ("macro", "micro", "samples", "weighted"):
            s[f"{name}_{avg}"] = make_scorer(func, pos_label=None, average=avg)
    return s


_SCORERS = _build_scorers()


def get_scorer_names():
    """The names ``get_scorer`` (and every ``scoring=`` parameter) accepts, sorted."""
    return sorted(_SCORERS)


def get_scorer(scoring):
    """The scorer named ``scoring`` (a fresh copy), or ``scoring`` itself when it is a callable
    or None."""
    if isinstance(scoring, str):
        try:
            return copy.deepcopy(_SCORERS[scoring])
        except KeyError:
            raise ValueError(f"{scoring!r} is not a valid scoring value. Use "
                             "sklearn.metrics.get_scorer_names() to get valid options.") from None
    return scoring


class _PassthroughScorer:
    """The estimator's own ``score`` method as a scorer."""

    def __init__(self, estimator):
        self._estimator = estimator

    def __call__(self, estimator, X, y_true=None, sample_weight=None, **kwargs):
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        if y_true is None:
            return estimator.score(X, **kwargs)
        return estimator.score(X, y_true, **kwargs)

    def __repr__(self):
        return f"{type(self._estimator).__name__}.score"


def check_scoring(estimator=None, scoring=None, *, allow_none=False, raise_exc=True):
    """The scorer ``scoring`` names (a string, a callable, a list / set / tuple / dict of names
    for several, or None for the estimator's ``score`` method)."""
    if isinstance(scoring, str):
        return get_scorer(scoring)
    if callable(scoring):
        module = getattr(scoring, "__module__", None) or ""
        if (module.startswith(("scratchlearn.metrics.", "sklearn.metrics."))
                and not module.endswith("._scorer") and ".tests" not in module):
            raise ValueError(f"scoring value {scoring!r} looks like it is a metric function "
                             "rather than a scorer. A scorer should require an estimator as its "
                             "first parameter. Please use `make_scorer` to convert a metric to a "
                             "scorer.")
        return scoring
    if isinstance(scoring, (list, tuple, set, dict)):
        return _MultimetricScorer(scorers=check_multimetric_scoring(estimator, scoring),
                                  raise_exc=raise_exc)
    if scoring is None:
        if hasattr(estimator, "score"):
            return _PassthroughScorer(estimator)
        if allow_none:
            return None
        raise TypeError("If no scoring is specified, the estimator passed should have a 'score' "
                        f"method. The estimator {estimator!r} does not.")
    raise ValueError(f"scoring value should either be a callable, string or None. {scoring!r} "
                     "was passed")


def check_multimetric_scoring(estimator, scoring):
    """{name: scorer} from a list / tuple / set of names or a dict of names or callables."""
    err = ("scoring is invalid (got {!r}). Refer to the scoring glossary for details: "
           "https://scikit-learn.org/stable/glossary.html#term-scoring")
    if isinstance(scoring, (list, tuple, set)):
        keys = list(scoring)
        if len(keys) == 0:
            raise ValueError(f"Empty list was given. {err.format(scoring)}")
        if len(set(keys)) < len(keys):
            raise ValueError(f"Duplicate elements were found in the given list. "
                             f"{err.format(scoring)}")
        if not all(isinstance(k, str) for k in keys):
            if any(callable(k) for k in keys):
                raise ValueError("One or more of the elements were callables. Use a dict of "
                                 f"score name mapped to the scorer callable. {err.format(scoring)}")
            raise ValueError(f"Non-string types were found in the given list. Got {keys!r}. "
                             f"{err.format(scoring)}")
        return {k: get_scorer(k) for k in keys}
    if isinstance(scoring, dict):
        if not all(isinstance(k, str) for k in scoring):
            raise ValueError(f"Non-string types were found in the keys of the given dict. "
                             f"{err.format(scoring)}")
        if len(scoring) == 0:
            raise ValueError(f"An empty dict was passed. {err.format(scoring)}")
        return {k: check_scoring(estimator, scoring=v) for k, v in scoring.items()}
    raise ValueError(err.format(scoring))


class _MultimetricScorer:
    """Several scorers at once, the estimator's predictions computed once per method."""

    def __init__(self, *, scorers, raise_exc=True):
        self._scorers = scorers
        self._raise_exc = raise_exc

    def __call__(self, estimator, *args, **kwargs):
        scores = {}
        cache = {}
        for name, scorer in self._scorers.items():
            try:
                if isinstance(scorer, _Scorer):
                    scores[name] = scorer._score(estimator, *args, _cache=cache, **kwargs)
                else:
                    scores[name] = scorer(estimator, *args, **kwargs)
            except Exception as e:
                if self._raise_exc:
                    raise
                scores[name] = e
        return scores

