"""Targets: what kind a target is, and class labels encoded once for every classifier."""

from __future__ import annotations

import numpy as np

__all__ = ["type_of_target", "check_classification_targets", "unique_labels", "encode_classes",
           "check_partial_fit_classes", "compute_class_weight"]


def type_of_target(y, input_name="y"):
    """The kind of a target: 'binary', 'multiclass', 'continuous', 'multiclass-multioutput',
    'continuous-multioutput', 'multilabel-indicator' or 'unknown'."""
    y = np.asarray(y)
    if y.ndim > 2 or (y.dtype == object and y.size and not all(np.isscalar(v) or v is None for v in y.flat)):
        return "unknown"
    if y.ndim == 2 and y.shape[1] == 0:
        return "unknown"
    suffix = "-multioutput" if (y.ndim == 2 and y.shape[1] > 1) else ""
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)):
            return "continuous" + suffix
        if np.any(y != np.round(y)):
            return "continuous" + suffix
    if suffix:
        uniq = np.unique(y)
        if y.dtype.kind in "biuf" and len(uniq) <= 2 and set(uniq.tolist()) <= {0, 1}:
            return "multilabel-indicator"
        return "multiclass" + suffix
    if y.ndim == 2:
        y = y.ravel()
    n_unique = len(np.unique(y)) if y.size else 0
    return "multiclass" if n_unique > 2 else "binary"


def check_classification_targets(y):
    """Raise ValueError unless ``y`` holds discrete class labels."""
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass", "multiclass-multioutput", "multilabel-indicator"):
        raise ValueError(
            f"Unknown label type: {kind}. Maybe you are trying to fit a classifier, which expects "
            "discrete classes on a regression target with continuous values."
        )


def unique_labels(*ys):
    """The sorted union of the labels in ``ys``; mixing strings and numbers is an error."""
    labels = [np.unique(np.asarray(y).ravel()) for y in ys]
    kinds = {lab.dtype.kind in "USO" and any(isinstance(v, str) for v in lab) for lab in labels if lab.size}
    if len(kinds) > 1:
        raise ValueError("Mix of label input types (string and number)")
    return np.unique(np.concatenate(labels)) if labels else np.array([])


def _unique_with_inverse(y):
    """(sorted distinct labels, index of every label): by a bincount for integer labels of small
    range (no sort), else np.unique."""
    if y.dtype.kind in "iub" and y.size:
        lo, hi = int(y.min()), int(y.max())
        if hi - lo <= max(1 << 16, 4 * y.size):
            shifted = (y.astype(np.int64) - lo) if lo != 0 or y.dtype.kind == "b" else y
            present = np.bincount(shifted.ravel(), minlength=hi - lo + 1) > 0
            uniques = (np.flatnonzero(present) + lo).astype(y.dtype)
            lut = np.cumsum(present) - 1
            return uniques, lut[shifted].astype(np.int64)
    try:
        uniques, inverse = np.unique(y, return_inverse=True)
    except TypeError as e:
        raise ValueError(f"y holds labels of mixed types that cannot be sorted: {e}") from e
    return uniques, inverse.reshape(y.shape).astype(np.int64)


def encode_classes(y, classes=None):
    """``(classes, codes)``: the sorted distinct labels of a classification target ``y`` and, for
    each sample, the index of its label (int64, y's shape). With ``classes`` given (a later
    partial_fit call), those are the classes, and labels not among them are an error."""
    y = np.asarray(y)
    if y.dtype.kind not in "iub":
        check_classification_targets(y)
    uniques, inverse = _unique_with_inverse(y)
    if classes is None:
        return uniques, inverse
    classes = np.asarray(classes)
    pos = np.minimum(np.searchsorted(classes, uniques), len(classes) - 1)
    known = classes[pos] == uniques
    if not np.all(known):
        raise ValueError(
            f"The target label(s) {uniques[~known]} in y do not exist in the initial classes "
            f"{classes}"
        )
    return classes, pos[inverse].astype(np.int64)


def check_partial_fit_classes(estimator, classes):
    """The classes of a ``partial_fit`` call: required on the first call (sorted, distinct, kept as
    ``classes_``), and equal to ``classes_`` when given again. Returns the classes to use."""
    fitted = getattr(estimator, "classes_", None)
    if fitted is None:
        if classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        classes = np.asarray(classes)
        if classes.ndim != 1:
            raise ValueError(f"classes must be a 1-d array, got shape {classes.shape}.")
        check_classification_targets(classes)
        return np.unique(classes)
    if classes is not None:
        classes = np.unique(np.asarray(classes))
        if classes.shape != fitted.shape or not np.array_equal(classes, fitted):
            raise ValueError(f"`classes={classes.tolist()!r}` is not the same as on last call to "
                             f"partial_fit, was: {fitted.tolist()!r}")
    return fitted


def compute_class_weight(class_weight, classes, codes, sample_weight=None):
    """Per-class weights as scikit-learn computes them (None, a dict, or 'balanced')."""
    n_classes = len(classes)
    if class_weight is None or (isinstance(class_weight, dict) and not class_weight):
        return np.ones(n_classes)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(
                f"class_weight must be a dict, 'balanced' or None, got {class_weight!r}."
            )
        sw = np.ones(codes.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
        counts = np.bincount(codes, weights=sw, minlength=n_classes)
        with np.errstate(divide="ignore"):
            return sw.sum() / (n_classes * counts)
    if isinstance(class_weight, dict):
        w = np.ones(n_classes)
        for label, value in class_weight.items():
            where = np.flatnonzero(classes == label)
            if where.size == 0:
                raise ValueError(f"The classes, {[label]}, are not in class, {classes.tolist()}.")
            w[where[0]] = value
        return w
    raise ValueError(f"class_weight must be a dict, 'balanced' or None, got {class_weight!r}.")
