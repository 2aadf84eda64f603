"""The counting every label metric stands on: the present labels of a pair of 1-d targets and their
(weighted) confusion counts, from the core (cpp/src/metrics/metrics.cpp).

Integer and boolean targets take a fast path with no sort at all: their range is found by a
parallel min/max and, when small, the counts of every (true, predicted) pair come from per-thread
histograms; the labels present are the rows and columns with a sample. Other labels (strings,
floats, wide integer ranges) are sorted once (np.unique) and encoded by binary search; 1-d
fixed-width string arrays are encoded by one hashed pass of the core each (no sort of the samples).
"""

from __future__ import annotations

import numpy as np

from .. import _core
from ..utils.parallel import n_threads

_MAX_RANGE = 4096  # widest integer range counted directly (a 4096 x 4096 histogram per thread)


def _as_int64(y):
    return y.astype(np.int64, copy=False) if y.dtype != np.int64 else np.ascontiguousarray(y)


def _counts(t, p, lo, k, weights):
    if k <= 8192:
        return _core.metrics.confusion_counts(t, p, int(lo), int(k), weights, n_threads())
    flat = (t - lo) * k + (p - lo)
    return np.bincount(flat, weights=weights, minlength=k * k).astype(np.float64).reshape(k, k)


def int_fast_path(y_true, y_pred):
    """Whether both targets are 1-d integer/boolean numpy arrays (the sort-free path)."""
    return (isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
            and y_true.ndim == 1 and y_pred.ndim == 1 and y_true.size > 0 and y_pred.size > 0
            and y_true.dtype.kind in "iub" and y_pred.dtype.kind in "iub")


def integral_floats(y):
    """``y`` as int64 when it is a non-empty 1-d float array of whole numbers (finite, no -0.0,
    whose label would print apart from 0.0), else None: such labels take the integer path."""
    if not (isinstance(y, np.ndarray) and y.ndim == 1 and y.size > 0 and y.dtype.kind == "f"):
        return None
    with np.errstate(invalid="ignore"):
        v = y.astype(np.int64)
    if not np.array_equal(v, y) or np.any(np.signbit(y) & (y == 0)):
        return None  # NaN, inf, fractions, values past int64 or a -0.0
    return v


def str_fast_path(y_true, y_pred):
    """Whether both targets are non-empty 1-d numpy arrays of fixed-width str: encoded by one
    hashed pass each (encode_string_pair), no sort. (bytes labels keep the general path.)"""
    return (isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
            and y_true.ndim == 1 and y_pred.ndim == 1 and y_true.size > 0 and y_pred.size > 0
            and y_true.dtype.kind == "U" and y_pred.dtype.kind == "U")


def _encode_strings(y):
    """``(distinct, codes)`` of a 1-d fixed-width string array: its distinct labels (in order of
    first appearance) and each sample's number among them, from one hashed pass of the core over
    the raw bytes (numpy's equal strings are equal bytes: both pad with NULs)."""
    y = np.ascontiguousarray(y)
    if y.dtype.itemsize == 0:
        return y[:1], np.zeros(y.shape[0], np.int64)
    codes, firsts = _core.metrics.encode_fixed_width(y.view(np.uint8).reshape(y.shape[0], -1))
    return y[firsts], codes


def encode_string_pair(y_true, y_pred):
    """``(labels, t, p)`` of two string targets (str_fast_path): the sorted union of their labels
    and each sample's index into it (int64)."""
    ut, ct = _encode_strings(y_true)
    up, cp = _encode_strings(y_pred)
    labels = np.unique(np.concatenate([ut, up]))
    t = np.searchsorted(labels, ut).astype(np.int64)[ct]
    p = np.searchsorted(labels, up).astype(np.int64)[cp]
    return labels, t, p


def _object_string_codes(y):
    """``(distinct, codes)`` of a 1-d object array of str (distinct in order of first
    appearance, an object array), by one dict pass (str objects keep their hash); None unless
    every distinct label is a str."""
    index = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in y.tolist()), dtype=np.int64,
                        count=y.shape[0])
    if not all(isinstance(v, str) for v in index):
        return None
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return distinct, codes


def object_string_pair(y_true, y_pred):
    """``(labels, t, p)`` of two non-empty 1-d object arrays of str labels (a pandas column of
    strings): the sorted union of their labels (object) and each sample's index into it; None
    when either is not one (numbers, None, mixed types: the general path)."""
    if not (isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
            and y_true.ndim == 1 and y_pred.ndim == 1 and y_true.size > 0 and y_pred.size > 0
            and y_true.dtype == object and y_pred.dtype == object):
        return None
    got_t = _object_string_codes(y_true)
    got_p = _object_string_codes(y_pred) if got_t is not None else None
    if got_p is None:
        return None
    (ut, ct), (up, cp) = got_t, got_p
    labels = np.unique(np.concatenate([ut, up]))
    t = np.searchsorted(labels, ut).astype(np.int64)[ct]
    p = np.searchsorted(labels, up).astype(np.int64)[cp]
    return labels, t, p


def present_confusion(y_true, y_pred, weights, sums=False, encoded=None):
    """``(labels, C)``: the sorted labels present in either 1-d target and the float64 K x K
    (weighted) counts C[i, j] of samples whose true label is labels[i] and prediction labels[j].

    With ``sums`` (and weights), ``(labels, C, (true_sums, pred_sums))``: each label's weight in
    y_true and in y_pred summed in sample order (scikit-learn's bincount order; C's row and column
    sums add the same weights in another order, which can differ in the last bit).

    ``encoded``: the ``(labels, t, p)`` of object_string_pair, when the caller has them."""
    if int_fast_path(y_true, y_pred):
        t, p = _as_int64(y_true), _as_int64(y_pred)
        th = n_threads()
        lo_t, hi_t = _core.metrics.int_min_max(t, th)
        lo_p, hi_p = _core.metrics.int_min_max(p, th)
        lo, hi = min(lo_t, lo_p), max(hi_t, hi_p)
        if hi - lo < _MAX_RANGE:
            k = hi - lo + 1
            counts = _core.metrics.confusion_counts(t, p, lo, k, None, th)
            present = np.flatnonzero((counts.sum(axis=1) > 0) | (counts.sum(axis=0) > 0))
            if weights is not None:
                counts = _core.metrics.confusion_counts(t, p, lo, k, weights, th)
            C = counts[np.ix_(present, present)]
            labels = (present + lo).astype(np.result_type(y_true.dtype, y_pred.dtype))
            if sums and weights is not None:
                return labels, np.ascontiguousarray(C), _label_sums(t, p, lo, k, weights, present)
            return labels, np.ascontiguousarray(C)
    if encoded is not None:
        labels, t, p = encoded
    elif str_fast_path(y_true, y_pred):
        labels, t, p = encode_string_pair(y_true, y_pred)
    else:
        labels = _unique_union(y_true, y_pred)
        t = np.searchsorted(labels, y_true).astype(np.int64)
        p = np.searchsorted(labels, y_pred).astype(np.int64)
    C = _counts(t, p, 0, len(labels), weights)
    if sums and weights is not None:
        return labels, C, _label_sums(t, p, 0, len(labels), weights, None)
    return labels, C


def _label_sums(t, p, lo, k, weights, keep):
    true = np.bincount(t - lo if lo else t, weights=weights, minlength=k)
    pred = np.bincount(p - lo if lo else p, weights=weights, minlength=k)
    if keep is not None:
        true, pred = true[keep], pred[keep]
    return true, pred


def _unique_union(y_true, y_pred):
    try:
        return np.unique(np.concatenate([np.unique(y_true), np.unique(y_pred)]))
    except TypeError as e:
        raise ValueError("Mix of label input types (string and number)") from e
