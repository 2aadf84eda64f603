"""Ranking metrics: ROC and precision-recall curves, the areas under them, top-k accuracy.

Every curve stands on one ranking of the scores: the core sorts them in decreasing order in
parallel (each thread sorts a slice, the slices are merged pairwise in parallel rounds) and
accumulates the (weighted) true and false positives at each distinct score
(cpp/src/metrics/metrics.cpp, binary_curve).
"""

from __future__ import annotations

import numbers
import warnings
from itertools import combinations

import numpy as np

from .. import _core
from ..exceptions import UndefinedMetricWarning
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.multiclass import type_of_target
from ..utils.parallel import n_threads
from ..utils.validation import check_array, column_or_1d
from ._base import check_consistent_length, check_metric_weights

__all__ = ["auc", "roc_curve", "roc_auc_score", "precision_recall_curve",
           "average_precision_score", "top_k_accuracy_score", "det_curve", "dcg_score",
           "ndcg_score", "coverage_error", "label_ranking_average_precision_score",
           "label_ranking_loss", "confusion_matrix_at_thresholds", "metric_at_thresholds"]


def _validate(constraints, caller, **params):
    validate_parameter_constraints(constraints, params, caller_name=caller)


def _unique(y):
    """Sorted distinct values; integers by a bincount over their range (no sort)."""
    if y.dtype.kind in "iub" and y.ndim == 1 and y.size:
        t = y.astype(np.int64, copy=False)
        lo, hi = _core.metrics.int_min_max(np.ascontiguousarray(t), n_threads())
        if hi - lo < (1 << 20):
            present = np.flatnonzero(np.bincount(t - lo, minlength=hi - lo + 1))
            return (present + lo).astype(y.dtype)
    return np.unique(y)


def _target_kind(y, classes):
    """type_of_target, without a second sort for 1-d numeric targets whose classes are known."""
    if y.ndim == 1 and y.dtype.kind in "iub":
        return "multiclass" if len(classes) > 2 else "binary"
    return type_of_target(y, input_name="y_true")


def _pos_label(pos_label, classes):
    if pos_label is None:
        if classes.dtype.kind in "OUS" or classes.shape[0] > 2 or not any(
                np.array_equal(classes, c) for c in ([0, 1], [-1, 1], [0], [-1], [1])):
            classes_repr = ", ".join(repr(c) for c in classes.tolist())
            raise ValueError(f"y_true takes value in {{{classes_repr}}} and pos_label is not "
                             "specified: either make y_true take value in {0, 1} or {-1, 1} or "
                             "pass pos_label explicitly.")
        return 1
    return pos_label


def _binary_curve(y_true, y_score, pos_label=None, sample_weight=None):
    """(fps, tps, thresholds) at every distinct score, in decreasing order of score."""
    check_consistent_length(y_true, y_score, sample_weight)
    y_true = column_or_1d(y_true, input_name="y_true")
    y_score = column_or_1d(y_score, input_name="y_score")
    classes = _unique(y_true)
    kind = _target_kind(y_true, classes)
    if not (kind == "binary" or (kind == "multiclass" and pos_label is not None)):
        raise ValueError(f"{kind} format is not supported")
    pos_label = _pos_label(pos_label, classes)
    return _ranked_counts(y_true == pos_label, y_score, sample_weight)


def _ranking_inputs(positive, y_score, sample_weight):
    """The core's inputs of a ranking: float scores (NaN / infinity rejected), the positives as
    uint8, and the weights (None, or float64 with the zero-weight samples left out)."""
    if y_score.dtype.kind != "f":
        y_score = y_score.astype(np.float64)
    if not np.isfinite(y_score.sum()) and not np.all(np.isfinite(y_score)):
        raise ValueError("Input y_score contains NaN." if np.any(np.isnan(y_score))
                         else "Input y_score contains infinity or a value too large for "
                              f"{y_score.dtype!r}.")
    positive = np.ascontiguousarray(positive, dtype=bool).view(np.uint8)
    weights = None
    if sample_weight is not None:
        weights = check_metric_weights(sample_weight, positive.shape[0])
        keep = weights != 0
        if not np.all(keep):
            positive, y_score, weights = positive[keep], y_score[keep], weights[keep]
    return np.ascontiguousarray(y_score), positive, weights


def _ranked_counts(positive, y_score, sample_weight):
    """The core's ranking of ``y_score`` with the positives ``positive`` (bool, 1-d)."""
    y_score, positive, weights = _ranking_inputs(positive, y_score, sample_weight)
    return _core.metrics.binary_curve(y_score, positive, weights, n_threads())


_CURVE_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_score": ["array-like"],
    "pos_label": [numbers.Real, str, "boolean", None],
    "sample_weight": ["array-like", None],
    "drop_intermediate": ["boolean"],
}


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """The receiver operating characteristic: false and true positive rates at each threshold.

    Returns
    -------
    fpr, tpr : ndarray of shape (n_thresholds,)
    thresholds : ndarray of shape (n_thresholds,), float64, decreasing; the first is +inf.

    How it works
    ------------
    The core ranks the scores (parallel sort) and accumulates the positives and negatives at each
    distinct score (cpp/src/metrics/metrics.cpp); ``drop_intermediate`` drops the points on a
    straight segment of the curve.
    """
    _validate(_CURVE_CONSTRAINTS, "roc_curve", y_true=y_true, y_score=y_score,
              pos_label=pos_label, sample_weight=sample_weight,
              drop_intermediate=drop_intermediate)
    fps, tps, thresholds = _binary_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    thresholds = np.r_[np.inf, thresholds.astype(np.float64)]
    if fps[-1] <= 0:
        warnings.warn("No negative samples in y_true, false positive value should be "
                      "meaningless", UndefinedMetricWarning)
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn("No positive samples in y_true, true positive value should be "
                      "meaningless", UndefinedMetricWarning)
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """Precision and recall at each threshold (precision 1 and recall 0 appended last).

    Returns
    -------
    precision, recall : ndarray of shape (n_thresholds + 1,)
    thresholds : ndarray of shape (n_thresholds,), increasing, in the scores' dtype.
    """
    _validate(_CURVE_CONSTRAINTS, "precision_recall_curve", y_true=y_true, y_score=y_score,
              pos_label=pos_label, sample_weight=sample_weight,
              drop_intermediate=drop_intermediate)
    fps, tps, thresholds = _binary_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        keep = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    ps = tps + fps
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(ps != 0, tps / np.where(ps != 0, ps, 1), 0.0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all "
                      "thresholds.")
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def det_curve(y_true, y_score, pos_label=None, sample_weight=None, drop_intermediate=False):
    """The detection error tradeoff: false positive and false negative rates per threshold."""
    _validate(_CURVE_CONSTRAINTS, "det_curve", y_true=y_true, y_score=y_score,
              pos_label=pos_label, sample_weight=sample_weight,
              drop_intermediate=drop_intermediate)
    fps, tps, thresholds = _binary_curve(y_true, y_score, pos_label, sample_weight)
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    thresholds = np.r_[np.inf, thresholds.astype(np.float64)]
    if drop_intermediate and len(fps) > 2:
        keep = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    if _unique(column_or_1d(y_true)).shape[0] != 2:
        raise ValueError("Only one class is present in y_true. Detection error tradeoff curve is "
                         "not defined in that case.")
    fns = tps[-1] - tps
    first = np.searchsorted(fps, fps[0], side="right")
    first = first - 1 if first > 0 else None
    last = np.searchsorted(tps, tps[-1]) + 1
    sl = slice(first, last)
    return fps[sl][::-1] / fps[-1], fns[sl][::-1] / tps[-1], thresholds[sl][::-1]


def auc(x, y):
    """The area under a curve by the trapezoidal rule; x monotonic (either way)."""
    _validate({"x": ["array-like"], "y": ["array-like"]}, "auc", x=x, y=y)
    check_consistent_length(x, y)
    x = column_or_1d(x, input_name="x").astype(np.float64, copy=False)
    y = column_or_1d(y, input_name="y").astype(np.float64, copy=False)
    if x.shape[0] < 2:
        raise ValueError("At least 2 points are needed to compute area under curve, but "
                         f"x.shape = {x.shape[0]}")
    direction = 1
    dx = np.diff(x)
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1
        else:
            raise ValueError(f"x is neither increasing nor decreasing : {x}.")
    return float(direction * np.sum(dx * (y[1:] + y[:-1]) / 2.0))


def _binary_roc_auc(y_true, y_score, sample_weight=None, max_fpr=None):
    """ROC AUC of a 0/1 target (already checked)."""
    y_true = np.asarray(y_true)
    n_pos = int(np.count_nonzero(y_true))
    if n_pos == 0 or n_pos == y_true.shape[0]:
        warnings.warn("Only one class is present in y_true. ROC AUC score is not defined in that "
                      "case.", UndefinedMetricWarning)
        return np.nan
    check_consistent_length(y_true, y_score, sample_weight)
    if max_fpr is None or max_fpr == 1:
        # the area straight from the core's walk over the ranking: no curve is materialised
        score, positive, weights = _ranking_inputs(y_true != 0, np.asarray(y_score),
                                                   sample_weight)
        if weights is not None and (not np.any(weights[positive == 1])
                                    or not np.any(weights[positive == 0])):
            return float("nan")  # a class with no weight left: the rates are 0 / 0
        return float(_core.metrics.binary_auc(score, positive, weights, n_threads()))
    fps, tps, _ = _ranked_counts(y_true != 0, np.asarray(y_score), sample_weight)
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    fpr, tpr = fps / fps[-1], tps / tps[-1]
    if max_fpr <= 0 or max_fpr > 1:
        raise ValueError(f"Expected max_fpr in range (0, 1], got: {max_fpr!r}")
    stop = np.searchsorted(fpr, max_fpr, "right")
    x_interp, y_interp = [fpr[stop - 1], fpr[stop]], [tpr[stop - 1], tpr[stop]]
    tpr = np.append(tpr[:stop], np.interp(max_fpr, x_interp, y_interp))
    fpr = np.append(fpr[:stop], max_fpr)
    partial = auc(fpr, tpr)
    min_area, max_area = 0.5 * max_fpr ** 2, max_fpr
    return float(0.5 * (1 + (partial - min_area) / (max_area - min_area)))


def _average_binary_score(metric, y_true, y_score, average, sample_weight=None):
    if average not in (None, "micro", "macro", "weighted", "samples"):
        raise ValueError("average has to be one of (None, 'micro', 'macro', 'weighted', "
                         "'samples')")
    y_true = np.asarray(y_true)
    kind = type_of_target(y_true) if y_true.ndim == 2 else _target_kind(y_true, _unique(y_true))
    if kind not in ("binary", "multilabel-indicator"):
        raise ValueError(f"{kind} format is not supported")
    if kind == "binary":
        return metric(y_true, y_score, sample_weight=sample_weight)
    return _average_columns(metric, y_true, y_score, average, sample_weight)


def _average_columns(metric, y_true, y_score, average, sample_weight=None):
    check_consistent_length(y_true, y_score, sample_weight)
    y_true = check_array(y_true, input_name="y_true")
    y_score = check_array(y_score, input_name="y_score")
    score_weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    average_weight = None
    axis = 1
    if average == "micro":
        if score_weight is not None:
            score_weight = np.repeat(score_weight, y_true.shape[1])
        y_true, y_score = y_true.ravel(), y_score.ravel()
    elif average == "weighted":
        if score_weight is not None:
            average_weight = np.sum(y_true * score_weight[:, None], axis=0)
        else:
            average_weight = np.sum(y_true, axis=0)
        if np.isclose(np.sum(average_weight), 0):
            return 0
    elif average == "samples":
        average_weight, score_weight, axis = score_weight, None, 0
    if y_true.ndim == 1:
        y_true, y_score = y_true.reshape(-1, 1), y_score.reshape(-1, 1)
    n = y_score.shape[axis]
    score = np.zeros(n)
    for c in range(n):
        yt = y_true[:, c] if axis == 1 else y_true[c]
        ys = y_score[:, c] if axis == 1 else y_score[c]
        score[c] = metric(yt, ys, sample_weight=score_weight)
    if average is None:
        return score
    if average_weight is not None:
        score[average_weight == 0] = 0
    return float(np.average(score, weights=average_weight))


def _label_binarize(y, classes):
    Y = np.zeros((y.shape[0], len(classes)), dtype=np.int64)
    pos = np.searchsorted(classes, y)
    pos = np.minimum(pos, len(classes) - 1)
    ok = classes[pos] == y
    Y[np.flatnonzero(ok), pos[ok]] = 1
    if len(classes) == 2:
        return Y[:, 1:]
    return Y


_ROC_AUC_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_score": ["array-like"],
    "average": [StrOptions({"micro", "macro", "samples", "weighted"}), None],
    "sample_weight": ["array-like", None],
    "max_fpr": [Interval(numbers.Real, 0.0, 1, closed="right"), None],
    "multi_class": [StrOptions({"raise", "ovr", "ovo"})],
    "labels": ["array-like", None],
}


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None):
    """Area under the ROC curve: binary, multilabel (averaged per label) and multiclass
    (one-vs-rest 'ovr' or one-vs-one 'ovo', averaged 'macro' or 'weighted'); ``max_fpr`` gives
    the standardised partial AUC (McClish).

    How it works
    ------------
    Per binary problem, the core sorts the scores in parallel and accumulates the positives and
    negatives at each distinct score (cpp/src/metrics/metrics.cpp); the area is the trapezoidal
    sum over those points, so ties count one half.
    """
    _validate(_ROC_AUC_CONSTRAINTS, "roc_auc_score", y_true=y_true, y_score=y_score,
              average=average, sample_weight=sample_weight, max_fpr=max_fpr,
              multi_class=multi_class, labels=labels)
    y_true = check_array(y_true, ensure_2d=False, dtype=None, input_name="y_true")
    y_score = check_array(y_score, ensure_2d=False, input_name="y_score")
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    classes = None if y_true.ndim == 2 else _unique(y_true)
    kind = type_of_target(y_true, input_name="y_true") if y_true.ndim == 2 else \
        _target_kind(y_true, classes)
    if sample_weight is not None:
        sample_weight = column_or_1d(sample_weight, input_name="sample_weight")
    if kind == "multiclass" or (kind == "binary" and y_score.ndim == 2 and y_score.shape[1] > 2):
        if max_fpr is not None and max_fpr != 1.0:
            raise ValueError("Partial AUC computation not available in multiclass setting, "
                             "'max_fpr' must be set to `None`, received "
                             f"`max_fpr={max_fpr}` instead")
        if multi_class == "raise":
            raise ValueError("multi_class must be in ('ovo', 'ovr')")
        return _multiclass_roc_auc(y_true, y_score, labels, multi_class, average, sample_weight)
    if kind == "binary":
        y_true = (y_true == classes[-1]) if len(classes) == 2 else \
            np.zeros(y_true.shape[0], dtype=bool)
        return _binary_roc_auc(y_true, column_or_1d(y_score, input_name="y_score"),
                               sample_weight, max_fpr)
    if kind != "multilabel-indicator":
        raise ValueError(f"{kind} format is not supported")
    return _average_columns(lambda t, s, sample_weight=None: _binary_roc_auc(
        t, s, sample_weight, max_fpr), y_true, y_score, average, sample_weight)


def _ovo_roc_auc(codes, n_classes, y_score, average):
    """One-vs-one ROC AUC (Hand & Till): per pair of present classes (a, b), the mean of the AUC
    of a against b on column a and of b against a on column b, over the samples of the two
    classes; averaged over the pairs (weighted by the pair's share of the samples).

    Each pair's AUC is the Mann-Whitney count, exact in integers: the AUC of a against b on
    column j is (2 #{(s, t): s > t} + #{(s, t): s = t}) / (2 n_a n_b) over a's scores s and b's
    scores t in that column, counted by binary search of a's sorted scores in b's. Every class's
    scores in every column are sorted once (k² sorts of n / k values), not once per pair."""
    counts = np.bincount(codes, minlength=n_classes)
    present = np.flatnonzero(counts)
    starts = np.r_[0, np.cumsum(counts)]
    grouped = y_score[np.argsort(codes, kind="stable")]  # the samples class by class
    cache = {}

    def sorted_scores(c, j):
        if (c, j) not in cache:
            cache[(c, j)] = np.sort(grouped[starts[c]:starts[c + 1], j])
        return cache[(c, j)]

    def auc_against(pos, neg, j):
        s, t = sorted_scores(pos, j), sorted_scores(neg, j)
        below = np.searchsorted(t, s, "left")
        upto = np.searchsorted(t, s, "right")
        twice_u = 2 * int(below.sum()) + int((upto - below).sum())
        return twice_u / (2 * len(s) * len(t))

    pair_scores, prevalence = [], []
    n = codes.shape[0]
    for a, b in combinations(present, 2):
        prevalence.append((counts[a] + counts[b]) / n)
        pair_scores.append((auc_against(a, b, a) + auc_against(b, a, b)) / 2)
    return float(np.average(pair_scores, weights=prevalence if average == "weighted" else None))


def _multiclass_roc_auc(y_true, y_score, labels, multi_class, average, sample_weight):
    if y_score.ndim != 2:
        raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                         f"`y_true` contains multiple classes. Got `y_score.shape={y_score.shape}`.")
    if not np.allclose(1, y_score.sum(axis=1)):
        raise ValueError("Target scores need to be probabilities for multiclass roc_auc, i.e. "
                         "they should sum up to 1.0 over classes")
    options = ("macro", "weighted", None)
    if multi_class == "ovr":
        options = ("micro",) + options
    if average not in options:
        raise ValueError(f"average must be one of {options} for multiclass problems")
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    if labels is not None:
        labels = column_or_1d(labels, input_name="labels")
        classes = np.unique(labels)
        if len(classes) != len(labels):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(classes, labels):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(classes) != y_score.shape[1]:
            raise ValueError(f"Number of given labels, {len(classes)}, not equal to the number of "
                             f"columns in 'y_score', {y_score.shape[1]}")
        if len(np.setdiff1d(y_true, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
    else:
        classes = _unique(y_true)
        if len(classes) != y_score.shape[1]:
            raise ValueError("Number of classes in y_true not equal to the number of columns in "
                             "'y_score'")
    if multi_class == "ovo":
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for multiclass one-vs-one ROC AUC, "
                             "'sample_weight' must be None in this case.")
        return _ovo_roc_auc(np.searchsorted(classes, y_true), len(classes), y_score, average)
    Y = np.zeros((y_true.shape[0], len(classes)), dtype=np.int64)
    pos = np.searchsorted(classes, y_true)
    Y[np.arange(y_true.shape[0]), pos] = 1
    return _average_columns(lambda t, s, sample_weight=None: _binary_roc_auc(
        t, s, sample_weight), Y, y_score, average, sample_weight)


_AP_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_score": ["array-like"],
    "average": [StrOptions({"micro", "samples", "weighted", "macro"}), None],
    "pos_label": [numbers.Real, str, "boolean"],
    "sample_weight": ["array-like", None],
}


def average_precision_score(y_true, y_score, *, average="macro", pos_label=1, sample_weight=None):
    """Average precision: Σ_n (R_n − R_{n−1}) P_n over the precision-recall curve's thresholds
    (no interpolation)."""
    _validate(_AP_CONSTRAINTS, "average_precision_score", y_true=y_true, y_score=y_score,
              average=average, pos_label=pos_label, sample_weight=sample_weight)
    y_true_a = np.asarray(y_true)
    y_score = np.asarray(y_score)
    if sample_weight is not None:
        sample_weight = column_or_1d(sample_weight, input_name="sample_weight")
    present = _unique(y_true_a.ravel()) if y_true_a.ndim == 2 else _unique(y_true_a)
    kind = type_of_target(y_true_a, input_name="y_true") if y_true_a.ndim == 2 else \
        _target_kind(y_true_a, present)
    if kind == "binary":
        if present.shape[0] == 2 and pos_label not in present:
            raise ValueError(f"pos_label={pos_label} is not a valid label. It should be one of "
                             f"{present}")
    elif kind == "multilabel-indicator" and pos_label != 1:
        raise ValueError("Parameter pos_label is fixed to 1 for multilabel-indicator y_true. Do "
                         "not set pos_label or set pos_label to 1.")
    elif kind == "multiclass":
        if pos_label != 1:
            raise ValueError("Parameter pos_label is fixed to 1 for multiclass y_true. Do not set "
                             "pos_label or set pos_label to 1.")
        y_true_a = _label_binarize(y_true_a, present)
        if y_score.shape != y_true_a.shape:
            raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                             "`y_true` contains multiple classes. Got "
                             f"`y_score.shape={y_score.shape}`.")

    def binary_ap(t, s, sample_weight=None):
        precision, recall, _ = precision_recall_curve(t, s, pos_label=pos_label,
                                                      sample_weight=sample_weight)
        return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))

    return _average_binary_score(binary_ap, y_true_a, y_score, average, sample_weight)


_TOPK_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_score": ["array-like"],
    "k": [Interval(numbers.Integral, 1, None, closed="left")],
    "normalize": ["boolean"],
    "sample_weight": ["array-like", None],
    "labels": ["array-like", None],
}


def top_k_accuracy_score(y_true, y_score, *, k=2, normalize=True, sample_weight=None, labels=None):
    """The fraction of samples whose true label is among the k highest-scored ones."""
    _validate(_TOPK_CONSTRAINTS, "top_k_accuracy_score", y_true=y_true, y_score=y_score, k=k,
              normalize=normalize, sample_weight=sample_weight, labels=labels)
    y_true = column_or_1d(check_array(y_true, ensure_2d=False, dtype=None, input_name="y_true"),
                          input_name="y_true")
    kind = type_of_target(y_true, input_name="y_true")
    if kind == "binary" and labels is not None and len(labels) > 2:
        kind = "multiclass"
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"y type must be 'binary' or 'multiclass', got '{kind}' instead.")
    y_score = check_array(y_score, ensure_2d=False, input_name="y_score")
    if kind == "binary":
        if y_score.ndim == 2 and y_score.shape[1] != 1:
            raise ValueError(f"`y_true` is binary while y_score is 2d with {y_score.shape[1]} "
                             "classes. If `y_true` does not contain all the labels, `labels` must "
                             "be provided.")
        y_score = column_or_1d(y_score, input_name="y_score")
    elif y_score.ndim != 2:
        raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                         f"`y_true` contains multiple classes. Got `y_score.shape={y_score.shape}`.")
    check_consistent_length(y_true, y_score, sample_weight)
    n_score_classes = y_score.shape[1] if y_score.ndim == 2 else 2
    if labels is None:
        classes = np.unique(y_true)
        if len(classes) != n_score_classes:
            raise ValueError(f"Number of classes in 'y_true' ({len(classes)}) not equal to the "
                             f"number of classes in 'y_score' ({n_score_classes}).You can provide "
                             "a list of all known classes by assigning it to the `labels` "
                             "parameter.")
    else:
        labels = column_or_1d(labels, input_name="labels")
        classes = np.unique(labels)
        if len(classes) != len(labels):
            raise ValueError("Parameter 'labels' must be unique.")
        if not np.array_equal(classes, labels):
            raise ValueError("Parameter 'labels' must be ordered.")
        if len(classes) != n_score_classes:
            raise ValueError(f"Number of given labels ({len(classes)}) not equal to the number of "
                             f"classes in 'y_score' ({n_score_classes}).")
        if len(np.setdiff1d(y_true, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'.")
    if k >= len(classes):
        warnings.warn(f"'k' ({k}) greater than or equal to 'n_classes' ({len(classes)}) will "
                      "result in a perfect score and is therefore meaningless.",
                      UndefinedMetricWarning)
    codes = np.searchsorted(classes, y_true)
    if kind == "binary":
        if k == 1:
            threshold = 0.5 if y_score.min() >= 0 and y_score.max() <= 1 else 0
            hits = (y_score > threshold).astype(np.int64) == codes
        else:
            hits = np.ones_like(y_score, dtype=bool)
    else:
        order = np.argsort(y_score, axis=1, kind="mergesort")[:, ::-1]
        hits = (codes == order[:, :k].T).any(axis=0)
    if normalize:
        return float(np.average(hits, weights=sample_weight))
    if sample_weight is None:
        return float(np.sum(hits))
    return float(np.dot(hits, sample_weight))


# ---- thresholds -------------------------------------------------------------------------------

def confusion_matrix_at_thresholds(y_true, y_score, *, pos_label=None, sample_weight=None):
    """(tns, fps, fns, tps, thresholds): the binary confusion counts when the samples scoring
    at least each distinct threshold (decreasing) are predicted positive."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"],
               "pos_label": [numbers.Real, str, "boolean", None],
               "sample_weight": ["array-like", None]},
              "confusion_matrix_at_thresholds", y_true=y_true, y_score=y_score,
              pos_label=pos_label, sample_weight=sample_weight)
    fps, tps, thresholds = _binary_curve(y_true, y_score, pos_label=pos_label,
                                         sample_weight=sample_weight)
    fps, tps = np.asarray(fps, dtype=np.float64), np.asarray(tps, dtype=np.float64)
    return fps[-1] - fps, fps, tps[-1] - tps, tps, thresholds


def metric_at_thresholds(y_true, y_score, metric_func, *, sample_weight=None,
                         metric_params=None):
    """(values, thresholds): ``metric_func(y_true, y_pred, **metric_params)`` with y_pred the
    0/1 predictions ``y_score >= threshold`` at each distinct score (decreasing).
    ``sample_weight`` is passed on to the metric (samples of zero weight are left out)."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"], "metric_func": [callable],
               "sample_weight": ["array-like", None], "metric_params": [dict, None]},
              "metric_at_thresholds", y_true=y_true, y_score=y_score, metric_func=metric_func,
              sample_weight=sample_weight, metric_params=metric_params)
    check_consistent_length(y_true, y_score, sample_weight)
    y_true = column_or_1d(y_true, input_name="y_true")
    y_score = column_or_1d(y_score, input_name="y_score")
    for name, a in (("y_true", y_true), ("y_score", y_score)):
        if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            raise ValueError(f"Input {name} contains NaN or infinity.")
    w = None
    if sample_weight is not None:
        w = check_metric_weights(sample_weight, y_true.shape[0])
        keep = w != 0
        y_true, y_score, w = y_true[keep], y_score[keep], w[keep]
    if y_score.dtype.kind in "bu":
        y_score = y_score.astype(np.float64)
    order = np.argsort(-y_score, kind="stable")
    y_true, y_score = y_true[order], y_score[order]
    if w is not None:
        w = w[order]
    ends = np.r_[np.flatnonzero(np.diff(y_score)), y_true.shape[0] - 1]
    thresholds = y_score[ends]
    params = dict(metric_params or {})
    if w is not None:
        params["sample_weight"] = w
    values = [metric_func(y_true, (y_score >= t).astype(np.int32), **params) for t in thresholds]
    return np.asarray(values), thresholds


# ---- rankings of many labels per sample -------------------------------------------------------

_DCG_FORMATS = ("multilabel-indicator", "continuous-multioutput", "multiclass-multioutput")


def _check_dcg_target(y_true):
    kind = type_of_target(y_true, input_name="y_true")
    if kind not in _DCG_FORMATS:
        raise ValueError(f"Only {_DCG_FORMATS} formats are supported. Got {kind} instead")


def _tie_averaged_dcg(y_true, y_score, discount_cumsum):
    """The DCG of one ranking with tied scores sharing their places: each group of tied scores
    gets its members' mean gain over the sum of its positions' discounts."""
    _, inverse, counts = np.unique(-y_score, return_inverse=True, return_counts=True)
    gains = np.bincount(inverse.reshape(-1), weights=y_true, minlength=counts.shape[0]) / counts
    ends = np.cumsum(counts) - 1
    discounts = np.diff(discount_cumsum[ends], prepend=0.0)
    return float(np.dot(gains, discounts))


def _dcg_samples(y_true, y_score, k, log_base, ignore_ties):
    n_labels = y_true.shape[1]
    discount = np.log(log_base) / np.log(np.arange(n_labels) + 2.0)
    if k is not None:
        discount[k:] = 0.0
    if ignore_ties:
        order = np.argsort(y_score, axis=1)[:, ::-1]
        ranked = np.take_along_axis(y_true, order, axis=1)
        return ranked @ discount
    csum = np.cumsum(discount)
    return np.array([_tie_averaged_dcg(t, s, csum) for t, s in zip(y_true, y_score)])


def _dcg_inputs(y_true, y_score, sample_weight):
    y_true = check_array(y_true, ensure_2d=False, input_name="y_true")
    y_score = check_array(y_score, ensure_2d=False, input_name="y_score")
    check_consistent_length(y_true, y_score, sample_weight)
    return y_true, y_score


def _check_same_shape(y_true, y_score):
    if y_true.shape != y_score.shape:
        raise ValueError("y_true and y_score have different shape")


def dcg_score(y_true, y_score, *, k=None, log_base=2, sample_weight=None, ignore_ties=False):
    """Discounted cumulative gain: Σ_r gain of the r-th ranked label / log_base(r + 1), over the
    top ``k`` ranks (all by default), averaged over the samples. Tied scores share their ranks'
    discounts unless ``ignore_ties``."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"],
               "k": [Interval(numbers.Integral, 1, None, closed="left"), None],
               "log_base": [Interval(numbers.Real, 0.0, None, closed="neither")],
               "sample_weight": ["array-like", None], "ignore_ties": ["boolean"]},
              "dcg_score", y_true=y_true, y_score=y_score, k=k, log_base=log_base,
              sample_weight=sample_weight, ignore_ties=ignore_ties)
    y_true, y_score = _dcg_inputs(y_true, y_score, sample_weight)
    _check_dcg_target(y_true)
    _check_same_shape(y_true, y_score)
    scores = _dcg_samples(y_true, y_score, k, log_base, ignore_ties)
    return float(np.average(scores, weights=sample_weight))


def ndcg_score(y_true, y_score, *, k=None, sample_weight=None, ignore_ties=False):
    """Normalised DCG: each sample's DCG over the DCG of its ideal ranking (y_true's own order),
    0 for a sample with no relevant label; averaged over the samples. y_true must be >= 0."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"],
               "k": [Interval(numbers.Integral, 1, None, closed="left"), None],
               "sample_weight": ["array-like", None], "ignore_ties": ["boolean"]},
              "ndcg_score", y_true=y_true, y_score=y_score, k=k, sample_weight=sample_weight,
              ignore_ties=ignore_ties)
    y_true, y_score = _dcg_inputs(y_true, y_score, sample_weight)
    if y_true.min() < 0:
        raise ValueError("ndcg_score should not be used on negative y_true values.")
    if y_true.ndim > 1 and y_true.shape[1] <= 1:
        raise ValueError("Computing NDCG is only meaningful when there is more than 1 document. "
                         f"Got {y_true.shape[1]} instead.")
    _check_dcg_target(y_true)
    _check_same_shape(y_true, y_score)
    gain = _dcg_samples(y_true, y_score, k, 2, ignore_ties)
    ideal = _dcg_samples(y_true, y_true, k, 2, True)
    relevant = ideal != 0
    gain[~relevant] = 0.0
    gain[relevant] /= ideal[relevant]
    return float(np.average(gain, weights=sample_weight))


def _multilabel_inputs(y_true, y_score, sample_weight, allow_binary_2d=False):
    y_true = check_array(y_true, ensure_2d=True, input_name="y_true")
    y_score = check_array(y_score, ensure_2d=True, input_name="y_score")
    check_consistent_length(y_true, y_score, sample_weight)
    _check_same_shape(y_true, y_score)
    kind = type_of_target(y_true, input_name="y_true")
    if kind != "multilabel-indicator" and not (allow_binary_2d and kind == "binary"):
        raise ValueError(f"{kind} format is not supported")
    w = check_metric_weights(sample_weight, y_true.shape[0])
    return y_true != 0, y_score.astype(np.float64, copy=False), w


def coverage_error(y_true, y_score, *, sample_weight=None):
    """How far down the ranking by score one must go, on average, to cover every true label:
    per sample, the number of labels scoring at least the lowest-scored true label (0 for a
    sample with none)."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"],
               "sample_weight": ["array-like", None]}, "coverage_error", y_true=y_true,
              y_score=y_score, sample_weight=sample_weight)
    relevant, score, w = _multilabel_inputs(y_true, y_score, sample_weight)
    lowest = np.where(relevant, score, np.inf).min(axis=1, keepdims=True)
    coverage = (score >= lowest).sum(axis=1)
    coverage[~relevant.any(axis=1)] = 0
    return float(np.average(coverage, weights=w))


def _rank_max(values, among):
    """For each of ``values``, the number of ``among`` that are >= it (its 'max' rank by
    decreasing score within ``among``)."""
    s = np.sort(among)
    return s.shape[0] - np.searchsorted(s, values, side="left")


def label_ranking_average_precision_score(y_true, y_score, *, sample_weight=None):
    """Label ranking average precision: per sample, the mean over its true labels l of the
    fraction of the labels ranked at or above l (by score) that are true; 1 for a sample whose
    labels are all true or all false."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"],
               "sample_weight": ["array-like", None]}, "label_ranking_average_precision_score",
              y_true=y_true, y_score=y_score, sample_weight=sample_weight)
    relevant, score, w = _multilabel_inputs(y_true, y_score, sample_weight, allow_binary_2d=True)
    n_labels = relevant.shape[1]
    per_sample = np.ones(relevant.shape[0])
    for i in range(relevant.shape[0]):
        rel = relevant[i]
        n_rel = int(rel.sum())
        if n_rel == 0 or n_rel == n_labels:
            continue
        rel_scores = score[i, rel]
        rank_all = _rank_max(rel_scores, score[i])
        rank_rel = _rank_max(rel_scores, rel_scores)
        per_sample[i] = np.mean(rank_rel / rank_all)
    if w is None:
        return float(per_sample.mean())
    return float(np.dot(per_sample, w) / w.sum())


def label_ranking_loss(y_true, y_score, *, sample_weight=None):
    """Per sample, the fraction of (true, false) label pairs the scores order wrongly (the false
    label scoring at least the true one), 0 for a sample whose labels are all true or all false;
    averaged over the samples."""
    _validate({"y_true": ["array-like"], "y_score": ["array-like"],
               "sample_weight": ["array-like", None]}, "label_ranking_loss", y_true=y_true,
              y_score=y_score, sample_weight=sample_weight)
    relevant, score, w = _multilabel_inputs(y_true, y_score, sample_weight)
    n_labels = relevant.shape[1]
    loss = np.zeros(relevant.shape[0])
    for i in range(relevant.shape[0]):
        rel = relevant[i]
        n_rel = int(rel.sum())
        if n_rel == 0 or n_rel == n_labels:
            continue
        false_scores = np.sort(score[i, ~rel])
        # false labels scoring >= each true label's score
        wrong = false_scores.shape[0] - np.searchsorted(false_scores, score[i, rel], side="left")
        loss[i] = wrong.sum() / (n_rel * (n_labels - n_rel))
    return float(np.average(loss, weights=w))
