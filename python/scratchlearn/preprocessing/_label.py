"""Target encoders: LabelEncoder and LabelBinarizer.

How it works: the labels' categories come from the same one-pass hashing as the feature encoders
(the Cython extension ``_categories.pyx`` for object labels, numpy for numeric ones).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..base import BaseEstimator, TransformerMixin
from ..utils._param_validation import Interval
from ..utils.multiclass import type_of_target
from ..utils.validation import check_is_fitted, column_or_1d
from ._encoders import _lookup, _unique_codes, sparse_output_wanted

__all__ = ["LabelEncoder", "LabelBinarizer"]


def _labels(y):
    y = column_or_1d(y, warn=True)
    if y.dtype.kind in "US":
        y = y.astype(object) if y.dtype.kind == "S" else y
    return y


class LabelEncoder(TransformerMixin, BaseEstimator):
    """Encode target labels as 0 … n_classes − 1 (``classes_`` sorted)."""

    _parameter_constraints = {}

    def fit(self, y):
        y = _labels(y)
        self.classes_, _, _ = _unique_codes(y)
        return self

    def fit_transform(self, y):
        y = _labels(y)
        self.classes_, codes, _ = _unique_codes(y)
        return codes

    def transform(self, y):
        check_is_fitted(self)
        y = _labels(y)
        if y.shape[0] == 0:
            return np.array([], dtype=np.int64)
        codes = _lookup(y, self.classes_)
        if (codes < 0).any():
            diff = np.unique(y[codes < 0]) if y.dtype.kind != "O" else sorted(set(y[codes < 0].tolist()), key=str)
            raise ValueError(f"y contains previously unseen labels: {list(diff)}")
        return codes

    def inverse_transform(self, y):
        check_is_fitted(self)
        y = column_or_1d(y, warn=True)
        if y.shape[0] == 0:
            return np.array([], dtype=self.classes_.dtype)
        diff = np.setdiff1d(y, np.arange(len(self.classes_)))
        if len(diff):
            raise ValueError(f"y contains previously unseen labels: {diff.tolist()}")
        return self.classes_[np.asarray(y, dtype=np.int64)]

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags


class LabelBinarizer(TransformerMixin, BaseEstimator):
    """Binarise labels one-vs-all: n × n_classes of neg_label / pos_label (one column when binary).

    ``sparse_output=True`` gives a scipy CSR matrix and needs scipy (an ImportError naming it when
    it is absent); the default, False, is a dense array."""

    _parameter_constraints = {
        "neg_label": [Interval(numbers.Integral, None, None, closed="neither")],
        "pos_label": [Interval(numbers.Integral, None, None, closed="neither")],
        "sparse_output": ["boolean"],
    }

    def __init__(self, *, neg_label=0, pos_label=1, sparse_output=False):
        self.neg_label = neg_label
        self.pos_label = pos_label
        self.sparse_output = sparse_output

    def fit(self, y):
        self._validate_params()
        sparse_output_wanted(self.sparse_output, type(self).__name__)
        if self.neg_label >= self.pos_label:
            raise ValueError(
                f"neg_label={self.neg_label} must be strictly less than pos_label={self.pos_label}."
            )
        y = np.asarray(y)
        if y.ndim > 2:
            raise ValueError(f"y must be a 1-d array of labels (or a 2-d label indicator), got a "
                             f"{y.ndim}-d array of shape {y.shape}.")
        kind = type_of_target(y)
        if y.ndim == 2 and y.shape[1] > 1:
            if kind != "multilabel-indicator":
                raise ValueError("Multioutput target data is not supported with label binarization "
                                 f"(y is 2-d of type {kind!r}, not a 0/1 label indicator).")
            self.y_type_ = "multilabel-indicator"
            self.classes_ = np.arange(y.shape[1])
            return self
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Unknown label type: {kind!r}; LabelBinarizer needs class labels.")
        y = _labels(y)
        if y.shape[0] == 0:
            raise ValueError("y has 0 samples: %r" % y)
        self.classes_, _, _ = _unique_codes(y)
        self.y_type_ = "binary" if len(self.classes_) <= 2 else "multiclass"
        return self

    def fit_transform(self, y):
        return self.fit(y).transform(y)

    def transform(self, y):
        check_is_fitted(self)
        y = np.asarray(y)
        if self.y_type_ == "multilabel-indicator":
            out = np.where(y != 0, self.pos_label, self.neg_label).astype(int)
        else:
            y = _labels(y)
            codes = _lookup(y, self.classes_)
            k = len(self.classes_)
            out = np.full((y.shape[0], k), self.neg_label, dtype=int)
            known = codes >= 0
            out[np.flatnonzero(known), codes[known]] = self.pos_label
            if k == 1:  # a single class: one column of neg_label, as in scikit-learn
                out = np.full((y.shape[0], 1), self.neg_label, dtype=int)
            elif k == 2:
                out = out[:, -1:]
        if sparse_output_wanted(self.sparse_output, type(self).__name__):
            import scipy.sparse as sp

            return sp.csr_matrix(out)
        return out

    def inverse_transform(self, Y, threshold=None):
        check_is_fitted(self)
        if hasattr(Y, "toarray"):
            Y = Y.toarray()
        Y = np.asarray(Y)
        if threshold is None:
            threshold = (self.pos_label + self.neg_label) / 2.0
        if self.y_type_ == "multilabel-indicator":
            return (Y > threshold).astype(int)
        if len(self.classes_) == 1:
            return np.repeat(self.classes_[0], Y.shape[0])
        if self.y_type_ == "binary" or Y.shape[1] == 1:
            return self.classes_[(Y[:, 0] > threshold).astype(int)]
        return self.classes_[np.argmax(Y, axis=1)]

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags
