"""Targets: what kind a target is, and class labels encoded once for every classifier."""

from __future__ import annotations

import numpy as np

__all__ = ["type_of_target", "check_classification_targets", "unique_labels", "encode_classes",
           "check_partial_fit_classes"]


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


def encode_classes(y, classes=None):
    """``(classes, codes)``: the sorted distinct labels of a classification target ``y`` and, for each
    sample, the index of its label (int64). With ``classes`` given (partial fit), labels not in it are
    an error."""
    check_classification_targets(y)
    y = np.asarray(y)
    if classes is None:
        try:
            classes, codes = np.unique(y, return_inverse=True)
        except TypeError as e:
            raise ValueError(f"y holds labels of mixed types that cannot be sorted: {e}") from e
        return classes, codes.astype(np.int64).reshape(y.shape)
    classes = np.asarray(classes)
    codes = np.searchsorted(classes, y)
    codes = np.clip(codes, 0, len(classes) - 1)
    unknown = classes[codes] != y
    if np.any(unknown):
        missing = np.unique(y[unknown])
        raise ValueError(f"y contains labels {missing.tolist()!r} that do not exist in the initial "
                         f"classes {classes.tolist()!r}.")
    return classes, codes.astype(np.int64)


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
        uniq = np.unique(classes)
        if len(uniq) != len(classes):
            raise ValueError("classes must not contain duplicates.")
        return uniq
    if classes is not None:
        classes = np.asarray(classes)
        if classes.shape != fitted.shape or not np.array_equal(np.unique(classes), fitted):
            raise ValueError(f"`classes={classes.tolist()!r}` is not the same as on last call to "
                             f"partial_fit, was: {fitted.tolist()!r}")
    return fitted
