"""Classification metrics: accuracy, the confusion matrices, precision / recall / F, the report,
agreement scores (MCC, kappa) and the probabilistic losses."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ..exceptions import UndefinedMetricWarning
from ..utils._param_validation import (Interval, Options, StrOptions,
                                       validate_parameter_constraints)
from ..utils.multiclass import type_of_target, unique_labels
from ..utils.validation import check_array, column_or_1d
from . import _counts
from ._base import _num_samples, check_consistent_length, check_metric_weights, weighted_mean

__all__ = ["accuracy_score", "balanced_accuracy_score", "confusion_matrix",
           "multilabel_confusion_matrix", "precision_recall_fscore_support", "precision_score",
           "recall_score", "f1_score", "fbeta_score", "classification_report", "matthews_corrcoef",
           "cohen_kappa_score", "log_loss", "hinge_loss", "brier_score_loss", "zero_one_loss",
           "hamming_loss", "jaccard_score", "class_likelihood_ratios", "d2_log_loss_score",
           "d2_brier_score"]


def _is_sparse(a):
    return hasattr(a, "tocsr") and hasattr(a, "nnz")


def _check_targets(y_true, y_pred):
    """``(kind, y_true, y_pred)`` for a classification metric: both targets of one task, kind one
    of 'binary', 'multiclass' (1-d labels; a column vector is raveled) or 'multilabel-indicator'
    (2-d 0/1 matrices of equal shape; sparse ones made dense). Anything else is a ValueError."""
    check_consistent_length(y_true, y_pred)
    y_true = y_true.toarray() if _is_sparse(y_true) else np.asarray(y_true)
    y_pred = y_pred.toarray() if _is_sparse(y_pred) else np.asarray(y_pred)
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.ndim == 0:
            raise ValueError(f"{name} must be an array of labels, got the scalar {y!r}.")
        if y.shape[0] < 1:
            raise ValueError(
                "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum of 1 "
                "sample is required."
            )
    kind_true, kind_pred = type_of_target(y_true), type_of_target(y_pred)
    kinds = {kind_true, kind_pred}
    if kinds == {"binary", "multiclass"}:
        kinds = {"multiclass"}
    if len(kinds) > 1:
        raise ValueError(
            f"Classification metrics can't handle a mix of {kind_true} and {kind_pred} targets"
        )
    kind = kinds.pop()
    if kind not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(f"{kind} is not supported")
    if kind == "multilabel-indicator":
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"y_true and y_pred have different numbers of labels: shapes {y_true.shape} and "
                f"{y_pred.shape}."
            )
        return kind, y_true, y_pred
    y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
    unique_labels(y_true, y_pred)  # mixing strings and numbers is an error
    return kind, y_true, y_pred


_ACCURACY_CONSTRAINTS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_pred": ["array-like", "sparse matrix"],
    "normalize": ["boolean"],
    "sample_weight": ["array-like", None],
}


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Accuracy: the fraction (or, with ``normalize=False``, the weighted count) of samples whose
    prediction is exactly right.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,), or label indicator matrix (n_samples, n_labels)
        True labels. For multilabel targets (0/1 matrices, dense or sparse) a sample counts as right
        only when its whole row of labels matches (subset accuracy).
    y_pred : array-like of the same kind
        Predicted labels.
    normalize : bool, default=True
        Return the fraction of correct samples; if False, their (weighted) number.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples (may be negative, as in scikit-learn; not all zero).

    Returns
    -------
    score : float

    How it works
    ------------
    Each sample gives 1 if its label (row of labels) equals the prediction, else 0; the score is
    the weighted mean (or sum) of those. O(n_samples × n_labels), numpy only.
    """
    validate_parameter_constraints(
        _ACCURACY_CONSTRAINTS,
        {"y_true": y_true, "y_pred": y_pred, "normalize": normalize, "sample_weight": sample_weight},
        caller_name="accuracy_score",
    )
    check_consistent_length(y_true, y_pred, sample_weight)
    kind, y_true, y_pred = _check_targets(y_true, y_pred)
    weights = check_metric_weights(sample_weight, y_true.shape[0])
    if kind == "multilabel-indicator":
        correct = np.all(y_true == y_pred, axis=1)
    else:
        correct = y_true == y_pred
    correct = correct.astype(np.float64)
    if normalize:
        return float(weighted_mean(correct, weights))
    return float(correct.sum() if weights is None else correct @ weights)


# ---- the shared machinery ---------------------------------------------------------------------

_ZERO_DIVISION = [StrOptions({"warn"}), Options(numbers.Real, {0.0, 1.0}), "nan"]
_AVERAGES = [StrOptions({"micro", "macro", "samples", "weighted", "binary"}), None]


def _validate(constraints, caller, **params):
    validate_parameter_constraints(constraints, params, caller_name=caller)


def _zero_division_value(zero_division):
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, numbers.Real) and zero_division in (0, 1):
        return float(zero_division)
    return float("nan")


def _binary_matrices(y_true, y_pred):
    """Both 2-d integer / boolean numpy arrays of one shape with more than one column and
    every value 0 or 1."""
    return (isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
            and y_true.ndim == 2 and y_true.shape == y_pred.shape and y_true.shape[1] > 1
            and y_true.shape[0] > 0 and y_true.dtype.kind in "iub" and y_pred.dtype.kind in "iub"
            and all(y.min() >= 0 and y.max() <= 1 for y in (y_true, y_pred)))


class _Targets:
    """One classification task, checked once: its kind, the labels present (sorted) and, for 1-d
    targets, the (weighted) confusion counts over them; for multilabel ones the 0/1 matrices."""

    def __init__(self, y_true, y_pred, sample_weight=None):
        check_consistent_length(y_true, y_pred, sample_weight)
        yt = y_true if isinstance(y_true, np.ndarray) else (
            y_true.toarray() if _is_sparse(y_true) else np.asarray(y_true))
        yp = y_pred if isinstance(y_pred, np.ndarray) else (
            y_pred.toarray() if _is_sparse(y_pred) else np.asarray(y_pred))
        n = yt.shape[0] if yt.ndim else 0
        self.weights = check_metric_weights(sample_weight, n) if sample_weight is not None else None
        self.int_weights = (sample_weight is not None
                            and np.asarray(sample_weight).dtype.kind in "iub")
        self.label_sums = None
        if _counts.int_fast_path(yt, yp):
            self.y_true, self.y_pred = yt, yp
            self._count(yt, yp)
            self.kind = "binary" if len(self.labels) <= 2 else "multiclass"
            return
        ti = _counts.integral_floats(yt)
        pi = _counts.integral_floats(yp) if ti is not None else None
        if pi is not None:
            # 1-d float labels that are whole numbers (0.0 / 1.0 ...): counted as integers,
            # the labels given back as floats (what _check_targets finds: binary or multiclass
            # by their number, never continuous)
            self.y_true, self.y_pred = yt, yp
            self._count(ti, pi)
            self.labels = self.labels.astype(np.result_type(yt.dtype, yp.dtype))
            self.kind = "binary" if len(self.labels) <= 2 else "multiclass"
            return
        if _counts.str_fast_path(yt, yp):
            # 1-d string labels: what _check_targets would find (binary or multiclass by the
            # number of labels, never continuous, no mix of strings and numbers) follows from
            # the labels the counting finds, by one hashed pass of each target (no unique sorts)
            self.y_true, self.y_pred = yt, yp
            self._count(yt, yp)
            self.kind = "binary" if len(self.labels) <= 2 else "multiclass"
            return
        encoded = _counts.object_string_pair(yt, yp)
        if encoded is not None:
            # 1-d object arrays of str (a pandas column of labels): coded by one dict pass
            # each, which also finds that every label is a str (binary or multiclass, as
            # _check_targets would find by sorting them)
            self.y_true, self.y_pred = yt, yp
            self._count(yt, yp, encoded)
            self.kind = "binary" if len(self.labels) <= 2 else "multiclass"
            return
        if _binary_matrices(yt, yp):
            # 2-d integer / boolean 0/1 matrices of one shape, more than one column: multilabel
            # indicators (what _check_targets finds by a unique of each, here by min / max)
            kind = "multilabel-indicator"
        else:
            kind, yt, yp = _check_targets(yt, yp)
        self.y_true, self.y_pred = yt, yp
        self._ml_sums = {}
        if kind == "multilabel-indicator":
            self.kind = kind
            self.labels = np.arange(yt.shape[1])
            self.C = None
            return
        self._count(yt, yp)
        self.kind = "binary" if (kind == "binary" and len(self.labels) <= 2) else "multiclass"

    def _count(self, yt, yp, encoded=None):
        got = _counts.present_confusion(yt, yp, self.weights, sums=True, encoded=encoded)
        self.labels, self.C = got[0], got[1]
        if len(got) == 3:
            self.label_sums = got[2]  # (true, pred) weights per label, in sample order

    def integer_counts(self):
        """Whether the per-label counts (supports, multilabel confusion matrices) come back as
        integers, as scikit-learn's do: for 1-d targets only unweighted ones with at least one
        right prediction (with none, its true-positive sums start as float zeros, and so every
        count derived from them is float); for multilabel ones unweighted or integer-weighted."""
        if self.kind == "multilabel-indicator":
            return self.weights is None or self.int_weights
        return self.weights is None and bool(np.trace(self.C) > 0)

    @property
    def total(self):
        return float(self.C.sum()) if self.C is not None else None

    def class_sums(self, labels=None, samplewise=False):
        """(tp, pred, true, tn) per label (per sample when samplewise), float64; the labels given
        (any not present count zero) or the present ones."""
        if self.kind == "multilabel-indicator":
            return self._multilabel_sums(labels, samplewise)
        if samplewise:
            raise ValueError("Samplewise metrics are not available outside of multilabel "
                             "classification.")
        C = self.C
        tp_all = np.diag(C)
        if self.label_sums is not None:
            true_all, pred_all = self.label_sums
        else:
            pred_all, true_all = C.sum(axis=0), C.sum(axis=1)
        if labels is None:
            tp, pred, true = tp_all, pred_all, true_all
        else:
            labels = np.asarray(labels)
            pos = np.searchsorted(self.labels, labels)
            pos = np.minimum(pos, len(self.labels) - 1)
            found = self.labels[pos] == labels if len(labels) else np.zeros(0, bool)
            tp = np.where(found, tp_all[pos], 0.0)
            pred = np.where(found, pred_all[pos], 0.0)
            true = np.where(found, true_all[pos], 0.0)
        # scikit-learn's order of operations: the total weight, less tp, fp and fn
        total = C.sum() if self.weights is None else np.sum(self.weights)
        tn = total - tp - (pred - tp) - (true - tp)
        return tp, pred, true, tn

    def _multilabel_sums(self, labels, samplewise):
        # a report asks for the same sums once per average: computed once per (labels,
        # samplewise), handed out as copies
        key = (None if labels is None else tuple(np.asarray(labels).ravel().tolist()), samplewise)
        if key not in self._ml_sums:
            self._ml_sums[key] = self._multilabel_sums_of(labels, samplewise)
        return tuple(np.array(v, copy=True) for v in self._ml_sums[key])

    def _multilabel_sums_of(self, labels, samplewise):
        yt, yp = self.y_true, self.y_pred
        present = self.labels
        if labels is not None:
            labels = np.asarray(labels)
            if labels.shape != present.shape or np.any(labels != present):
                if np.max(labels) > np.max(present):
                    raise ValueError("All labels must be in [0, n labels) for multilabel targets. "
                                     f"Got {np.max(labels)} > {np.max(present)}")
                if np.min(labels) < 0:
                    raise ValueError("All labels must be in [0, n labels) for multilabel targets. "
                                     f"Got {np.min(labels)} < 0")
            yt, yp = yt[:, labels], yp[:, labels]
        axis = 1 if samplewise else 0
        t, p = yt != 0, yp != 0
        w = self.weights
        if w is None:
            tp = np.sum(t & p, axis=axis).astype(np.float64)
            pred = np.sum(p, axis=axis).astype(np.float64)
            true = np.sum(t, axis=axis).astype(np.float64)
            total = yt.shape[1] if samplewise else yt.shape[0]
        elif samplewise:
            tp = np.sum(t & p, axis=1) * w
            pred = np.sum(p, axis=1) * w
            true = np.sum(t, axis=1) * w
            total = w * yt.shape[1]
        else:
            # each label's weights summed in sample order (scikit-learn's bincount over the
            # nonzeros), not by a dot product whose order differs in the last bit
            def col_sums(M):
                rows, cols = np.nonzero(M)
                return np.bincount(cols, weights=w[rows], minlength=M.shape[1])
            tp, pred, true = col_sums(t & p), col_sums(p), col_sums(t)
            total = w.sum()
        tn = total - tp - (pred - tp) - (true - tp)
        return tp, pred, true, tn


def _warn_prf(average, modifier, msg_start, result_size):
    axis0, axis1 = ("label", "sample") if average == "samples" else ("sample", "label")
    msg = (f"{msg_start} ill-defined and being set to 0.0 {{0}} no {modifier} {axis0}s. Use "
           "`zero_division` parameter to control this behavior.")
    msg = msg.format("due to") if result_size == 1 else msg.format(f"in {axis1}s with")
    warnings.warn(msg, UndefinedMetricWarning, stacklevel=3)


def _prf_divide(numerator, denominator, metric, modifier, average, warn_for, zero_division):
    mask = denominator == 0
    denominator = np.where(mask, 1.0, denominator)
    result = np.asarray(numerator, dtype=np.float64) / denominator
    if not np.any(mask):
        return result
    result[mask] = _zero_division_value(zero_division)
    if isinstance(zero_division, str) and zero_division == "warn" and metric in warn_for:
        _warn_prf(average, modifier, f"{metric.capitalize()} is", result.shape[0])
    return result


def _nanaverage(a, weights=None):
    if a.shape[0] == 0:
        return float("nan")
    mask = np.isnan(a)
    if np.all(mask):
        return float("nan")
    if weights is None:
        return float(np.mean(a[~mask]))
    a, weights = a[~mask], np.asarray(weights, dtype=np.float64)[~mask]
    if np.sum(weights) == 0:
        return float(np.mean(a))
    return float(np.average(a, weights=weights))


def _set_wise_labels(targets, average, labels, pos_label):
    if average == "binary":
        if targets.kind == "binary":
            present = targets.labels.tolist()
            if pos_label not in present and len(present) >= 2:
                raise ValueError(f"pos_label={pos_label} is not a valid label. It should be one "
                                 f"of {targets.labels}")
            return [pos_label]
        options = [None, "micro", "macro", "weighted", "samples"]
        if targets.kind == "multiclass":
            options.remove("samples")
        raise ValueError(f"Target is {targets.kind} but average='binary'. Please choose another "
                         f"average setting, one of {options!r}.")
    if pos_label not in (None, 1):
        warnings.warn(f"Note that pos_label (set to {pos_label!r}) is ignored when average != "
                      f"'binary' (got {average!r}). You may use labels=[pos_label] to specify a "
                      "single positive class.", UserWarning)
    return labels


def _prfs(targets, beta, labels, pos_label, average, warn_for, zero_division):
    labels = _set_wise_labels(targets, average, labels, pos_label)
    if labels is not None and targets.kind != "multilabel-indicator":
        labels = _labels_array(labels, targets.labels)
    samplewise = average == "samples"
    tp, pred, true, _ = targets.class_sums(labels, samplewise)
    if targets.weights is not None:
        # scikit-learn reads the sums back from its per-label 2 x 2 matrices (tp + fp, tp + fn):
        # the same round trip, so float weights give its last bits
        pred, true = tp + (pred - tp), tp + (true - tp)
    if average == "micro":
        tp, pred, true = np.array([tp.sum()]), np.array([pred.sum()]), np.array([true.sum()])
    precision = _prf_divide(tp, pred, "precision", "predicted", average, warn_for, zero_division)
    recall = _prf_divide(tp, true, "recall", "true", average, warn_for, zero_division)
    if np.isposinf(beta):
        f = recall
    elif beta == 0:
        f = precision
    else:
        beta2 = beta ** 2
        f = _prf_divide((1 + beta2) * tp, beta2 * true + pred, "f-score", "true nor predicted",
                        average, warn_for, zero_division)
    if average is None:
        return precision, recall, f, _support(true, targets)
    weights = true if average == "weighted" else (targets.weights if samplewise else None)
    return _nanaverage(precision, weights), _nanaverage(recall, weights), _nanaverage(f, weights), None


def _support(true, targets):
    if targets.integer_counts():
        return np.rint(true).astype(np.int64)
    return true


def _labels_array(labels, present):
    labels = np.asarray(labels)
    if labels.dtype.kind in "USO" and present.dtype.kind not in "USO" and labels.size:
        raise ValueError("Mix of label input types (string and number)")
    return labels


_PRFS_CONSTRAINTS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_pred": ["array-like", "sparse matrix"],
    "beta": [Interval(numbers.Real, 0.0, None, closed="both")],
    "labels": ["array-like", None],
    "pos_label": [numbers.Real, str, "boolean", None],
    "average": _AVERAGES,
    "warn_for": [list, tuple, set],
    "sample_weight": ["array-like", None],
    "zero_division": _ZERO_DIVISION,
}


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Precision, recall, F-beta and support, per label or averaged.

    Parameters are scikit-learn's: ``average`` in {None, 'binary', 'micro', 'macro', 'weighted',
    'samples'}, ``pos_label`` (binary only), ``labels`` (the labels to report, in that order; absent
    ones count zero), ``zero_division`` in {'warn', 0, 1, nan} (the value of 0/0; 'warn' gives 0 and
    an UndefinedMetricWarning).

    Returns
    -------
    precision, recall, fbeta_score : float (averaged) or ndarray of shape (n_labels,)
    support : None (averaged) or ndarray of shape (n_labels,)

    How it works
    ------------
    One pass of the core counts every (true, predicted) label pair (per-thread histograms,
    cpp/src/metrics/metrics.cpp); true positives are the diagonal, the predicted and true counts
    the column and row sums. precision = tp / pred, recall = tp / true,
    F = (1 + β²) tp / (β² true + pred), then averaged as asked.
    """
    _validate(_PRFS_CONSTRAINTS, "precision_recall_fscore_support", y_true=y_true, y_pred=y_pred,
              beta=beta, labels=labels, pos_label=pos_label, average=average, warn_for=warn_for,
              sample_weight=sample_weight, zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    return _prfs(targets, beta, labels, pos_label, average, warn_for, zero_division)


_SCORE_CONSTRAINTS = {k: v for k, v in _PRFS_CONSTRAINTS.items() if k not in ("beta", "warn_for")}


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    """The F-beta score: the weighted harmonic mean of precision and recall (β > 1 favours
    recall). See precision_recall_fscore_support for the parameters."""
    _validate(dict(_SCORE_CONSTRAINTS, beta=_PRFS_CONSTRAINTS["beta"]), "fbeta_score",
              y_true=y_true, y_pred=y_pred, beta=beta, labels=labels, pos_label=pos_label,
              average=average, sample_weight=sample_weight, zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    return _prfs(targets, beta, labels, pos_label, average, ("f-score",), zero_division)[2]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None,
             zero_division="warn"):
    """The F1 score, 2 tp / (2 tp + fp + fn). See precision_recall_fscore_support."""
    _validate(_SCORE_CONSTRAINTS, "f1_score", y_true=y_true, y_pred=y_pred, labels=labels,
              pos_label=pos_label, average=average, sample_weight=sample_weight,
              zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    return _prfs(targets, 1.0, labels, pos_label, average, ("f-score",), zero_division)[2]


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    """Precision, tp / (tp + fp). See precision_recall_fscore_support."""
    _validate(_SCORE_CONSTRAINTS, "precision_score", y_true=y_true, y_pred=y_pred, labels=labels,
              pos_label=pos_label, average=average, sample_weight=sample_weight,
              zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    return _prfs(targets, 1.0, labels, pos_label, average, ("precision",), zero_division)[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    """Recall, tp / (tp + fn). See precision_recall_fscore_support."""
    _validate(_SCORE_CONSTRAINTS, "recall_score", y_true=y_true, y_pred=y_pred, labels=labels,
              pos_label=pos_label, average=average, sample_weight=sample_weight,
              zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    return _prfs(targets, 1.0, labels, pos_label, average, ("recall",), zero_division)[1]


_REPORT_CONSTRAINTS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_pred": ["array-like", "sparse matrix"],
    "labels": ["array-like", None],
    "target_names": ["array-like", None],
    "sample_weight": ["array-like", None],
    "digits": [Interval(numbers.Integral, 0, None, closed="left")],
    "output_dict": ["boolean"],
    "zero_division": _ZERO_DIVISION,
}


def classification_report(y_true, y_pred, *, labels=None, target_names=None, sample_weight=None,
                          digits=2, output_dict=False, zero_division="warn"):
    """A text report (or a dict) of precision, recall, F1 and support per label, with the
    accuracy (or micro average), macro and weighted averages (and samples for multilabel).

    How it works
    ------------
    The task is checked and its label pairs counted once (the core's per-thread histograms,
    cpp/src/metrics/metrics.cpp); every line of the report is read from those counts.
    """
    _validate(_REPORT_CONSTRAINTS, "classification_report", y_true=y_true, y_pred=y_pred,
              labels=labels, target_names=target_names, sample_weight=sample_weight,
              digits=digits, output_dict=output_dict, zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    if labels is None:
        labels, labels_given = targets.labels, False
    else:
        labels, labels_given = np.asarray(labels), True
    micro_is_accuracy = targets.kind in ("multiclass", "binary") and (
        not labels_given or set(labels.tolist()) >= set(targets.labels.tolist()))
    if target_names is not None and len(labels) != len(target_names):
        if labels_given:
            warnings.warn(f"labels size, {len(labels)}, does not match size of target_names, "
                          f"{len(target_names)}")
        else:
            raise ValueError(f"Number of classes, {len(labels)}, does not match size of "
                             f"target_names, {len(target_names)}. Try specifying the labels "
                             "parameter")
    if target_names is None:
        target_names = [f"{label}" for label in labels]
    headers = ["precision", "recall", "f1-score", "support"]
    p, r, f1, s = _prfs(targets, 1.0, labels, 1, None, ("precision", "recall", "f-score"),
                        zero_division)
    rows = list(zip(target_names, p, r, f1, s))
    averages = ("micro", "macro", "weighted") + (
        ("samples",) if targets.kind == "multilabel-indicator" else ())
    if output_dict:
        report = {row[0]: dict(zip(headers, [float(v) for v in row[1:]])) for row in rows}
    else:
        width = max(max((len(str(cn)) for cn in target_names), default=0), len("weighted avg"),
                    digits)
        head_fmt = "{:>{width}s} " + " {:>9}" * len(headers)
        text = head_fmt.format("", *headers, width=width) + "\n\n"
        row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
        for row in rows:
            text += row_fmt.format(*row, width=width, digits=digits)
        text += "\n"
    for average in averages:
        heading = "accuracy" if average == "micro" and micro_is_accuracy else average + " avg"
        ap, ar, af, _ = _prfs(targets, 1.0, labels, 1, average,
                              ("precision", "recall", "f-score"), zero_division)
        avg = [ap, ar, af, np.sum(s)]
        if output_dict:
            report[heading] = dict(zip(headers, [float(v) for v in avg]))
        elif heading == "accuracy":
            fmt = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
            text += fmt.format(heading, "", "", *avg[2:], width=width, digits=digits)
        else:
            text += row_fmt.format(heading, *avg, width=width, digits=digits)
    if output_dict:
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        return report
    return text


_CM_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "labels": ["array-like", None],
    "sample_weight": ["array-like", None],
    "normalize": [StrOptions({"true", "pred", "all"}), None],
}


def _select(C, present, labels):
    """C restricted to ``labels`` (rows and columns, in that order; absent labels are zeros)."""
    pos = np.minimum(np.searchsorted(present, labels), len(present) - 1)
    found = present[pos] == labels
    out = np.zeros((len(labels), len(labels)))
    idx = np.flatnonzero(found)
    out[np.ix_(idx, idx)] = C[np.ix_(pos[idx], pos[idx])]
    return out


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """C[i, j]: the (weighted) number of samples of true label i predicted as j.

    Parameters
    ----------
    labels : array-like, default=None
        The labels indexing the matrix, in that order (samples with other labels are left out);
        by default the sorted labels present in either target.
    normalize : {'true', 'pred', 'all'}, default=None
        Divide by the row sums, the column sums or the total.

    How it works
    ------------
    One parallel pass of the core (cpp/src/metrics/metrics.cpp): each thread fills its own
    histogram of label pairs; integer labels of small range need no sort at all.
    """
    _validate(_CM_CONSTRAINTS, "confusion_matrix", y_true=y_true, y_pred=y_pred, labels=labels,
              sample_weight=sample_weight, normalize=normalize)
    targets = _Targets(y_true, y_pred, sample_weight)
    if targets.kind not in ("binary", "multiclass"):
        raise ValueError(f"{targets.kind} is not supported")
    if labels is None:
        cm = targets.C
    else:
        labels = _labels_array(labels, targets.labels)
        if labels.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if not np.any(np.isin(targets.y_true, labels)):
            raise ValueError("At least one label specified must be in y_true")
        cm = _select(targets.C, targets.labels, labels)
    if sample_weight is None or targets.int_weights:
        cm = np.rint(cm).astype(np.int64)
    with np.errstate(all="ignore"):
        if normalize == "true":
            cm = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            cm = cm / cm.sum(axis=0, keepdims=True)
        elif normalize == "all":
            cm = cm / cm.sum()
        cm = np.nan_to_num(cm)
    _warn_single_label(cm)
    return cm


def _warn_single_label(cm):
    # scikit-learn's confusion_matrix warns so; its balanced accuracy and MCC inherit it
    if cm.shape == (1, 1):
        warnings.warn("A single label was found in 'y_true' and 'y_pred'. For the confusion "
                      "matrix to have the correct shape, use the 'labels' parameter to pass all "
                      "known labels.", UserWarning, stacklevel=3)


_MCM_CONSTRAINTS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_pred": ["array-like", "sparse matrix"],
    "sample_weight": ["array-like", None],
    "labels": ["array-like", None],
    "samplewise": ["boolean"],
}


def multilabel_confusion_matrix(y_true, y_pred, *, sample_weight=None, labels=None,
                                samplewise=False):
    """One 2 x 2 matrix [[tn, fp], [fn, tp]] per label (or per sample with ``samplewise``, for
    multilabel targets), of shape (n_outputs, 2, 2)."""
    _validate(_MCM_CONSTRAINTS, "multilabel_confusion_matrix", y_true=y_true, y_pred=y_pred,
              sample_weight=sample_weight, labels=labels, samplewise=samplewise)
    targets = _Targets(y_true, y_pred, sample_weight)
    if labels is not None and targets.kind != "multilabel-indicator":
        labels = _labels_array(labels, targets.labels)
    tp, pred, true, tn = targets.class_sums(labels, samplewise)
    out = np.stack([tn, pred - tp, true - tp, tp]).T.reshape(-1, 2, 2)
    if targets.integer_counts():
        out = np.rint(out).astype(np.int64)
    return out


_BALANCED_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
    "adjusted": ["boolean"],
}


def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """The mean of the recalls of the classes present in y_true (optionally adjusted for chance,
    so that random guessing scores 0)."""
    _validate(_BALANCED_CONSTRAINTS, "balanced_accuracy_score", y_true=y_true, y_pred=y_pred,
              sample_weight=sample_weight, adjusted=adjusted)
    targets = _Targets(y_true, y_pred, sample_weight)
    if targets.kind not in ("binary", "multiclass"):
        raise ValueError(f"{targets.kind} is not supported")
    C = targets.C
    _warn_single_label(C)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = np.diag(C) / C.sum(axis=1)
    if np.any(np.isnan(per_class)):
        warnings.warn("y_pred contains classes not in y_true")
        per_class = per_class[~np.isnan(per_class)]
    score = np.mean(per_class)
    if adjusted:
        chance = 1 / per_class.shape[0]
        score = (score - chance) / (1 - chance)
    return float(score)


_MCC_CONSTRAINTS = {"y_true": ["array-like"], "y_pred": ["array-like"],
                    "sample_weight": ["array-like", None]}


def matthews_corrcoef(y_true, y_pred, *, sample_weight=None):
    """The Matthews correlation coefficient (multiclass: Gorodkin's R_K), in [-1, 1]; 0 when
    undefined."""
    _validate(_MCC_CONSTRAINTS, "matthews_corrcoef", y_true=y_true, y_pred=y_pred,
              sample_weight=sample_weight)
    targets = _Targets(y_true, y_pred, sample_weight)
    if targets.kind not in ("binary", "multiclass"):
        raise ValueError(f"{targets.kind} is not supported")
    C = targets.C
    _warn_single_label(C)
    t_sum, p_sum = C.sum(axis=1), C.sum(axis=0)
    n_correct, n = np.trace(C), p_sum.sum()
    cov_tp = n_correct * n - np.dot(t_sum, p_sum)
    cov_pp = n ** 2 - np.dot(p_sum, p_sum)
    cov_tt = n ** 2 - np.dot(t_sum, t_sum)
    if cov_pp * cov_tt == 0:
        return 0.0
    return float(cov_tp / np.sqrt(cov_pp * cov_tt))


_KAPPA_CONSTRAINTS = {
    "y1": ["array-like"],
    "y2": ["array-like"],
    "labels": ["array-like", None],
    "weights": [StrOptions({"linear", "quadratic"}), None],
    "sample_weight": ["array-like", None],
    "replace_undefined_by": [Interval(numbers.Real, -1.0, 1.0, closed="both"), "nan"],
}


def cohen_kappa_score(y1, y2, *, labels=None, weights=None, sample_weight=None,
                      replace_undefined_by=np.nan):
    """Cohen's kappa: the agreement of two labelings beyond chance (weighted: 'linear' or
    'quadratic' disagreement costs)."""
    _validate(_KAPPA_CONSTRAINTS, "cohen_kappa_score", y1=y1, y2=y2, labels=labels,
              weights=weights, sample_weight=sample_weight,
              replace_undefined_by=replace_undefined_by)
    try:
        confusion = confusion_matrix(y1, y2, labels=labels, sample_weight=sample_weight)
    except ValueError as e:
        if "At least one label specified must be in y_true" in str(e):
            raise ValueError("At least one label in `labels` must be present in `y1` (even though "
                             "`cohen_kappa_score` is otherwise agnostic to the order of `y1` and "
                             "`y2`).") from e
        raise
    confusion = confusion.astype(np.float64)
    k = confusion.shape[0]
    sum0, sum1 = confusion.sum(axis=0), confusion.sum(axis=1)
    total = sum0.sum()
    if total == 0:
        warnings.warn("`y2` contains no labels that are present in both `y1` and `labels`."
                      "`cohen_kappa_score` is undefined and set to the value defined by the "
                      f"`replace_undefined_by` param, which is set to {replace_undefined_by}.",
                      UndefinedMetricWarning, stacklevel=2)
        return replace_undefined_by
    expected = np.outer(sum0, sum1) / total
    if weights is None:
        w = np.ones((k, k))
        np.fill_diagonal(w, 0)
    else:
        grid = np.zeros((k, k)) + np.arange(k)
        w = np.abs(grid - grid.T) if weights == "linear" else (grid - grid.T) ** 2
    den = np.sum(w * expected)
    if den == 0:
        warnings.warn("`y1`, `y2` and `labels` have only one label in common. `cohen_kappa_score` "
                      "is undefined and set to the value defined by the the "
                      f"`replace_undefined_by` param, which is set to {replace_undefined_by}.",
                      UndefinedMetricWarning, stacklevel=2)
        return replace_undefined_by
    return float(1 - np.sum(w * confusion) / den)


_ZERO_ONE_CONSTRAINTS = dict(_ACCURACY_CONSTRAINTS)


def zero_one_loss(y_true, y_pred, *, normalize=True, sample_weight=None):
    """The fraction (or weighted count) of misclassified samples: 1 - accuracy."""
    _validate(_ZERO_ONE_CONSTRAINTS, "zero_one_loss", y_true=y_true, y_pred=y_pred,
              normalize=normalize, sample_weight=sample_weight)
    score = accuracy_score(y_true, y_pred, normalize=normalize, sample_weight=sample_weight)
    if normalize:
        return float(1 - score)
    n = np.sum(sample_weight) if sample_weight is not None else _num_samples(y_true)
    return float(n - score)


def hamming_loss(y_true, y_pred, *, sample_weight=None):
    """The (weighted) fraction of labels predicted wrongly."""
    _validate({"y_true": ["array-like", "sparse matrix"], "y_pred": ["array-like", "sparse matrix"],
               "sample_weight": ["array-like", None]}, "hamming_loss", y_true=y_true,
              y_pred=y_pred, sample_weight=sample_weight)
    check_consistent_length(y_true, y_pred, sample_weight)
    kind, yt, yp = _check_targets(y_true, y_pred)
    w = check_metric_weights(sample_weight, yt.shape[0])
    if kind == "multilabel-indicator":
        wrong = np.sum(yt != yp, axis=1) / yt.shape[1]
    else:
        wrong = (yt != yp).astype(np.float64)
    return float(np.average(wrong, weights=w))


_JACCARD_CONSTRAINTS = dict(_SCORE_CONSTRAINTS,
                            zero_division=[StrOptions({"warn"}), Options(numbers.Real, {0.0, 1.0})])


def jaccard_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                  sample_weight=None, zero_division="warn"):
    """The Jaccard index tp / (tp + fp + fn), per label or averaged."""
    _validate(_JACCARD_CONSTRAINTS, "jaccard_score", y_true=y_true, y_pred=y_pred, labels=labels,
              pos_label=pos_label, average=average, sample_weight=sample_weight,
              zero_division=zero_division)
    targets = _Targets(y_true, y_pred, sample_weight)
    labels = _set_wise_labels(targets, average, labels, pos_label)
    if labels is not None and targets.kind != "multilabel-indicator":
        labels = _labels_array(labels, targets.labels)
    samplewise = average == "samples"
    tp, pred, true, _ = targets.class_sums(labels, samplewise)
    den = pred + true - tp
    if average == "micro":
        tp, den = np.array([tp.sum()]), np.array([den.sum()])
    jac = _prf_divide(tp, den, "jaccard", "true or predicted", average, ("jaccard",),
                      zero_division)
    if average is None:
        return jac
    weights = true if average == "weighted" else (targets.weights if samplewise else None)
    if average == "weighted" and not np.any(weights):
        return float(_zero_division_value(zero_division)) if zero_division != "warn" else 0.0
    return float(np.average(jac, weights=weights))


# ---- probabilistic losses ---------------------------------------------------------------------

def _one_hot(y_true, labels, n_proba_cols):
    """(one-hot (n, K) of y_true over the sorted classes, classes)."""
    y_true = column_or_1d(np.asarray(y_true), input_name="y_true") if np.ndim(y_true) == 2 and np.shape(y_true)[1] == 1 else np.asarray(y_true)
    if y_true.ndim == 2:  # multilabel indicator
        classes = np.arange(y_true.shape[1])
        Y = y_true.astype(np.float64)
    else:
        if labels is not None:
            classes = np.unique(np.asarray(labels))
            if not np.array_equal(classes, np.asarray(labels)):
                warnings.warn(f"Labels passed were {labels}. But this function assumes labels are "
                              "ordered lexicographically. Pass the ordered "
                              f"labels={classes.tolist()} and ensure that the columns of y_prob "
                              "correspond to this ordering.", UserWarning)
            if not np.all(np.isin(y_true, classes)):
                raise ValueError(f"y_true contains values {set(y_true) - set(labels)} not "
                                 f"belonging to the passed labels {labels}.")
        else:
            classes = np.unique(y_true)
        if classes.shape[0] == 1:
            if labels is None:
                raise ValueError(f"y_true contains only one label ({classes[0]}). Please provide "
                                 "the list of all expected class labels explicitly through the "
                                 "labels argument.")
            raise ValueError(f"The labels array needs to contain at least two labels, got "
                             f"{classes}.")
        codes = np.searchsorted(classes, y_true)
        Y = np.zeros((y_true.shape[0], classes.shape[0]))
        Y[np.arange(y_true.shape[0]), codes] = 1.0
    return Y, classes


def _proba_2d(y_true, y_proba, sample_weight, labels):
    y_proba = np.asarray(y_proba)
    if y_proba.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {y_proba.max()}")
    if y_proba.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {y_proba.min()}")
    check_consistent_length(y_proba, y_true, sample_weight)
    Y, classes = _one_hot(y_true, labels, None)
    if y_proba.ndim == 1:
        y_proba = y_proba[:, None]
    if y_proba.shape[1] == 1:
        y_proba = np.concatenate([1 - y_proba, y_proba], axis=1)
    eps = np.finfo(y_proba.dtype).eps
    if not np.all(np.isclose(y_proba.sum(axis=1), 1, rtol=np.sqrt(eps))):
        warnings.warn("The y_prob values do not sum to one. Make sure to pass probabilities.",
                      UserWarning)
    if classes.shape[0] != y_proba.shape[1]:
        if labels is None:
            raise ValueError(f"y_true and y_prob contain different number of classes: "
                             f"{Y.shape[1]} vs {y_proba.shape[1]}. Please provide the true labels "
                             f"explicitly through the labels argument. Classes found in y_true: "
                             f"{classes}")
        raise ValueError(f"The number of classes in labels is different from that in y_prob. "
                         f"Classes found in labels: {classes}")
    return Y, y_proba


def log_loss(y_true, y_proba=None, *, normalize=True, sample_weight=None, labels=None):
    """Cross-entropy of the predicted probabilities: -mean Σ_k y_k log p_k (p clipped to
    [eps, 1 - eps] of its dtype)."""
    _validate({"y_true": ["array-like"], "y_proba": ["array-like"], "normalize": ["boolean"],
               "sample_weight": ["array-like", None], "labels": ["array-like", None]},
              "log_loss", y_true=y_true, y_proba=y_proba, normalize=normalize,
              sample_weight=sample_weight, labels=labels)
    y_proba = check_array(y_proba, ensure_2d=False, dtype=[np.float64, np.float32],
                          input_name="y_proba")
    Y, P = _proba_2d(y_true, y_proba, sample_weight, labels)
    w = check_metric_weights(sample_weight, P.shape[0])
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    Y = Y.astype(P.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(Y == 0, P.dtype.type(0), Y * np.log(P))
    loss = -terms.sum(axis=1)
    if normalize:
        return float(np.average(loss, weights=w))
    return float(np.sum(loss) if w is None else np.dot(loss, w))


def brier_score_loss(y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None,
                     scale_by_half="auto"):
    """The mean squared difference between predicted probabilities and the one-hot outcome
    (halved for binary problems by default, as scikit-learn's 'auto')."""
    _validate({"y_true": ["array-like"], "y_proba": ["array-like"],
               "sample_weight": ["array-like", None], "pos_label": [numbers.Real, str, "boolean", None],
               "labels": ["array-like", None], "scale_by_half": ["boolean", StrOptions({"auto"})]},
              "brier_score_loss", y_true=y_true, y_proba=y_proba, sample_weight=sample_weight,
              pos_label=pos_label, labels=labels, scale_by_half=scale_by_half)
    y_proba = check_array(y_proba, ensure_2d=False, dtype=[np.float64, np.float32],
                          input_name="y_proba")
    Y, P = _brier_inputs(y_true, y_proba, sample_weight, pos_label, labels)
    w = check_metric_weights(sample_weight, P.shape[0])
    score = np.average(np.sum((Y - P) ** 2, axis=1), weights=w)
    if scale_by_half == "auto":
        scale_by_half = P.shape[1] < 3
    if scale_by_half:
        score *= 0.5
    return float(score)


def _brier_inputs(y_true, y_proba, sample_weight, pos_label, labels):
    """(one-hot outcomes, probabilities), both (n, K): a 1-d or one-column y_proba is the
    probability of the positive class of a binary y_true."""
    if y_proba.ndim == 1 or y_proba.shape[1] == 1:
        y_true = column_or_1d(y_true, input_name="y_true")
        y_proba = y_proba.reshape(-1)
        check_consistent_length(y_proba, y_true, sample_weight)
        kind = type_of_target(y_true, input_name="y_true")
        if kind != "binary":
            raise ValueError(f"The type of the target inferred from y_true is {kind} but should "
                             "be binary according to the shape of y_prob.")
        if y_proba.max() > 1:
            raise ValueError(f"y_prob contains values greater than 1: {y_proba.max()}")
        if y_proba.min() < 0:
            raise ValueError(f"y_prob contains values less than 0: {y_proba.min()}")
        pos_label = _binary_pos_label(y_true, pos_label, fallback_last=True)
        pos = (y_true == pos_label).astype(np.float64)
        return np.stack([1 - pos, pos], axis=1), np.stack([1 - y_proba, y_proba], axis=1)
    return _proba_2d(y_true, y_proba, sample_weight, labels)


def _d2_too_few(y_proba):
    if _num_samples(y_proba) < 2:
        warnings.warn("D^2 score is not well-defined with less than two samples.",
                      UndefinedMetricWarning)
        return True
    return False


def _log_loss_sum(Y, P, w):
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(Y == 0, 0.0, Y * np.log(P))
    loss = -terms.sum(axis=1)
    return float(np.sum(loss) if w is None else np.dot(loss, w))


def d2_log_loss_score(y_true, y_proba=None, *, sample_weight=None, labels=None,
                      y_pred="deprecated"):
    """D² of the log loss: 1 − log_loss(y, p) / log_loss(y, the (weighted) class frequencies),
    the fraction of the null model's log loss explained. NaN with a warning for fewer than two
    samples. ``y_pred`` is the former name of ``y_proba`` (deprecated)."""
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        if y_proba is not None:
            raise ValueError("Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, "
                             "use `y_proba` instead.")
        warnings.warn("`y_pred` was renamed to `y_proba` and will be removed. Use `y_proba` "
                      "instead.", FutureWarning)
        y_proba = y_pred
    _validate({"y_true": ["array-like"], "y_proba": ["array-like"],
               "sample_weight": ["array-like", None], "labels": ["array-like", None]},
              "d2_log_loss_score", y_true=y_true, y_proba=y_proba, sample_weight=sample_weight,
              labels=labels)
    check_consistent_length(y_proba, y_true, sample_weight)
    if _d2_too_few(y_proba):
        return float("nan")
    y_proba = check_array(y_proba, ensure_2d=False, dtype=[np.float64, np.float32],
                          input_name="y_proba")
    Y, P = _proba_2d(y_true, y_proba, sample_weight, labels)
    w = check_metric_weights(sample_weight, P.shape[0])
    null = np.broadcast_to(np.average(Y, axis=0, weights=w).astype(P.dtype), P.shape)
    return float(1 - _log_loss_sum(Y, P, w) / _log_loss_sum(Y, null, w))


def d2_brier_score(y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None):
    """D² of the Brier score: 1 − brier(y, p) / brier(y, the (weighted) class frequencies).
    NaN with a warning for fewer than two samples."""
    _validate({"y_true": ["array-like"], "y_proba": ["array-like"],
               "sample_weight": ["array-like", None],
               "pos_label": [numbers.Real, str, "boolean", None],
               "labels": ["array-like", None]},
              "d2_brier_score", y_true=y_true, y_proba=y_proba, sample_weight=sample_weight,
              pos_label=pos_label, labels=labels)
    check_consistent_length(y_proba, y_true, sample_weight)
    if _d2_too_few(y_proba):
        return float("nan")
    y_proba = check_array(y_proba, ensure_2d=False, dtype=[np.float64, np.float32],
                          input_name="y_proba")
    Y, P = _brier_inputs(y_true, y_proba, sample_weight, pos_label, labels)
    w = check_metric_weights(sample_weight, P.shape[0])
    null = np.average(Y, axis=0, weights=w)
    score = np.average(np.sum((Y - P) ** 2, axis=1), weights=w)
    score_null = np.average(np.sum((Y - null) ** 2, axis=1), weights=w)
    return float(1 - score / score_null)


_LR_UNDEFINED_MSG = ("The dictionary passed as `replace_undefined_by` needs to be in the form "
                     "`{{'LR+': `value_1`, 'LR-': `value_2`}}` where the value for `LR+` ranges "
                     "from `1.0` to `np.inf` or is `np.nan` and the value for `LR-` ranges from "
                     "`0.0` to `1.0` or is `np.nan`; got `{}`.")


def _lr_replacements(replace_undefined_by):
    """(value for an undefined LR+, value for an undefined LR-)."""
    if isinstance(replace_undefined_by, numbers.Real) and not isinstance(replace_undefined_by,
                                                                         bool):
        if np.isnan(replace_undefined_by):
            return np.nan, np.nan
        if replace_undefined_by == 1.0:
            return 1.0, 1.0
    if not isinstance(replace_undefined_by, dict):
        raise ValueError(f"replace_undefined_by must be np.nan, 1.0 or a dict {{'LR+': value, "
                         f"'LR-': value}}; got {replace_undefined_by!r}.")
    msg = _LR_UNDEFINED_MSG.format(replace_undefined_by)
    if "LR+" not in replace_undefined_by or "LR-" not in replace_undefined_by:
        raise ValueError(msg)
    pos, neg = replace_undefined_by["LR+"], replace_undefined_by["LR-"]
    for v, lo, hi in ((pos, 1.0, np.inf), (neg, 0.0, 1.0)):
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise ValueError(msg)
        if not np.isnan(v) and not (lo <= v <= hi):
            raise ValueError(msg)
    return float(pos), float(neg)


def class_likelihood_ratios(y_true, y_pred, *, labels=None, sample_weight=None,
                            replace_undefined_by=np.nan):
    """(LR+, LR-) of a binary classification: LR+ = sensitivity / (1 − specificity),
    LR- = (1 − sensitivity) / specificity, from the confusion counts (labels[1] or the larger
    class is the positive one). An undefined ratio warns (UndefinedMetricWarning) and takes the
    value ``replace_undefined_by`` gives (NaN, 1.0, or a dict {'LR+': ..., 'LR-': ...})."""
    _validate({"y_true": ["array-like"], "y_pred": ["array-like"],
               "labels": ["array-like", None], "sample_weight": ["array-like", None],
               "replace_undefined_by": [numbers.Real, dict]},
              "class_likelihood_ratios", y_true=y_true, y_pred=y_pred, labels=labels,
              sample_weight=sample_weight, replace_undefined_by=replace_undefined_by)
    kind, y_true, y_pred = _check_targets(y_true, y_pred)
    if kind != "binary":
        raise ValueError("class_likelihood_ratios only supports binary classification problems, "
                         f"got targets of type: {kind}")
    undefined_pos, undefined_neg = _lr_replacements(replace_undefined_by)
    cm = confusion_matrix(y_true, y_pred, sample_weight=sample_weight, labels=labels)
    tn, fp, fn, tp = (np.float64(v) for v in cm.ravel())
    support_pos, support_neg = tp + fn, tn + fp
    if support_pos == 0:
        warnings.warn("No samples of the positive class are present in `y_true`. "
                      "`positive_likelihood_ratio` and `negative_likelihood_ratio` are both set "
                      "to `np.nan`. Use the `replace_undefined_by` param to control this "
                      "behavior.", UndefinedMetricWarning, stacklevel=2)
    if fp == 0:
        start = ("No samples were predicted for the positive class and "
                 "`positive_likelihood_ratio` is " if tp == 0
                 else "`positive_likelihood_ratio` is ill-defined and ")
        warnings.warn(start + "set to `np.nan`. Use the `replace_undefined_by` param to control "
                      "this behavior.", UndefinedMetricWarning, stacklevel=2)
        lr_pos = undefined_pos
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            lr_pos = (tp * support_neg) / (fp * support_pos)
    if tn == 0:
        warnings.warn("`negative_likelihood_ratio` is ill-defined and set to `np.nan`. Use the "
                      "`replace_undefined_by` param to control this behavior.",
                      UndefinedMetricWarning, stacklevel=2)
        lr_neg = undefined_neg
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            lr_neg = (fn * support_neg) / (tn * support_pos)
    return float(lr_pos), float(lr_neg)


def _binary_pos_label(y_true, pos_label, fallback_last=False):
    """scikit-learn's positive label of a binary target: pos_label, or 1 when the classes are
    {0, 1} / {-1, 1} / {1}; else an error (or, with fallback_last, the larger class for numbers)."""
    classes = np.unique(y_true)
    if pos_label is None:
        if classes.dtype.kind in "OUS" or not (
                np.array_equal(classes, [0, 1]) or np.array_equal(classes, [-1, 1])
                or np.array_equal(classes, [0]) or np.array_equal(classes, [-1])
                or np.array_equal(classes, [1])):
            if fallback_last and classes.dtype.kind not in "OUS":
                return classes[-1]
            classes_repr = ", ".join([repr(c) for c in classes.tolist()])
            raise ValueError(f"y_true takes value in {{{classes_repr}}} and pos_label is not "
                             "specified: either make y_true take value in {0, 1} or {-1, 1} or "
                             "pass pos_label explicitly.")
        return 1
    return pos_label


def hinge_loss(y_true, pred_decision, *, labels=None, sample_weight=None):
    """The mean hinge loss max(0, 1 - margin): binary margins y·f(x) with y in {-1, +1};
    multiclass (Crammer-Singer) margins f_y(x) - max_{k≠y} f_k(x)."""
    _validate({"y_true": ["array-like"], "pred_decision": ["array-like"],
               "labels": ["array-like", None], "sample_weight": ["array-like", None]},
              "hinge_loss", y_true=y_true, pred_decision=pred_decision, labels=labels,
              sample_weight=sample_weight)
    check_consistent_length(y_true, pred_decision, sample_weight)
    pred = check_array(pred_decision, ensure_2d=False, input_name="pred_decision")
    y_true = column_or_1d(y_true, input_name="y_true")
    classes = np.unique(labels if labels is not None else y_true)
    if classes.size > 2:
        if pred.ndim <= 1:
            raise ValueError(f"The shape of pred_decision cannot be 1d arraywith a multiclass "
                             f"target. pred_decision shape must be (n_samples, n_classes), that is "
                             f"({y_true.shape[0]}, {classes.size}). Got: {pred.shape}")
        if classes.size != pred.shape[1]:
            if labels is None:
                raise ValueError("Please include all labels in y_true or pass labels as third "
                                 "argument")
            raise ValueError(f"The shape of pred_decision is not consistent with the number of "
                             f"classes. With a multiclass target, pred_decision shape must be "
                             f"(n_samples, n_classes), that is ({y_true.shape[0]}, "
                             f"{classes.size}). Got: {pred.shape}")
        codes = np.searchsorted(classes, y_true)
        if np.any(codes >= classes.size) or np.any(classes[np.minimum(codes, classes.size - 1)] != y_true):
            raise ValueError(f"y contains previously unseen labels: {set(y_true) - set(classes)}")
        rows = np.arange(y_true.shape[0])
        margin = pred[rows, codes].astype(np.float64)
        others = pred.astype(np.float64).copy()
        others[rows, codes] = -np.inf
        margin = margin - others.max(axis=1)
    else:
        pred = column_or_1d(pred, input_name="pred_decision")
        if classes.size == 1:
            sign = np.full(y_true.shape[0], -1.0)
        else:
            sign = np.where(y_true == classes[-1], 1.0, -1.0)
        margin = sign * pred
    losses = np.clip(1 - margin, 0, None)
    return float(np.average(losses, weights=sample_weight))
