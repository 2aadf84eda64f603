"""Categorical encoders: OneHotEncoder and OrdinalEncoder.

How it works
------------
Each column is encoded on its own. An object / string column goes through the Cython extension
``_categories.pyx``: one pass hashes every Python object into a code in order of first appearance
(None and NaN marked missing), the few distinct values are sorted (scikit-learn's category order:
sorted, then None, then NaN), and the codes are renumbered by that permutation, so ``fit_transform``
reads the column once. ``transform`` looks each value up in a dict of the fitted categories, in the
same single pass. Numeric columns use numpy (``np.unique``, ``searchsorted``). Infrequent categories
(``min_frequency``, ``max_categories``), ``drop`` and the ``handle_unknown`` modes are then applied to
the integer codes, and the one-hot output is assembled directly as CSR arrays (or a dense array).
Cost: O(n) dict operations per column plus O(k log k) to sort the k categories.

Deviation from scikit-learn: OneHotEncoder's ``sparse_output`` defaults to ``'auto'``: a scipy CSR
matrix when scipy is installed (scikit-learn's default answer), a dense array when it is not (scipy
is not a runtime dependency). ``sparse_output=True`` always means CSR and raises an ImportError
naming scipy when scipy is absent; ``False`` is dense.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils.validation import _check_feature_names, _is_dataframe, check_is_fitted

try:  # the compiled Cython module; a pure-Python fallback keeps a source checkout usable
    from . import _categories as _cat
except ImportError:  # pragma: no cover - only without a build
    _cat = None

__all__ = ["OneHotEncoder", "OrdinalEncoder"]


def _is_nan(v):
    return isinstance(v, (float, np.floating)) and v != v


# ---- columns and their categories -------------------------------------------------------------

def _encode_objects(values):
    if _cat is not None:
        return _cat.encode(values if values.flags.writeable else values.copy())
    table, uniques = {}, []
    codes = np.empty(len(values), dtype=np.int64)
    n_none = n_nan = 0
    for i, v in enumerate(values):
        if v is None:
            codes[i] = -1
            n_none += 1
        elif isinstance(v, float) and v != v:
            codes[i] = -2
            n_nan += 1
        else:
            c = table.get(v)
            if c is None:
                c = table[v] = len(uniques)
                uniques.append(v)
            codes[i] = c
    return codes, uniques, n_none, n_nan


def _lookup_objects(values, categories, none_code, nan_code, unknown):
    if _cat is not None:
        values = values if values.flags.writeable else values.copy()
        return _cat.lookup(values, categories, none_code, nan_code, unknown)
    table = {c: k for k, c in enumerate(categories) if not (c is None or _is_nan(c))}
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        if v is None:
            out[i] = none_code
        elif isinstance(v, float) and v != v:
            out[i] = nan_code
        else:
            out[i] = table.get(v, unknown)
    return out


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _unique_codes(Xi, counts=True):
    """(categories, codes, counts) of one column: sorted categories (None, then NaN, last), the
    code of every value, and each category's count (None unless ``counts``)."""
    if Xi.dtype.kind == "O":
        codes, uniq, n_none, n_nan = _encode_objects(Xi)
        try:
            order = sorted(range(len(uniq)), key=uniq.__getitem__)
        except TypeError:
            types = sorted({type(v).__qualname__ for v in uniq})
            raise TypeError(
                "Encoders require their input argument must be uniformly strings or numbers. "
                f"Got {types}"
            ) from None
        k = len(uniq)
        cats = [uniq[o] for o in order]
        rank = np.empty(k + 2, dtype=np.int64)
        rank[np.asarray(order, dtype=np.int64)] = np.arange(k)
        nxt = k
        if n_none:
            cats.append(None)
            rank[k + 1] = nxt  # code -1
            nxt += 1
        if n_nan:
            cats.append(np.nan)
            rank[k] = nxt  # code -2
        if order != list(range(k)) or n_none or n_nan:
            codes = rank[codes]  # negative codes index from the end: -1 → None, -2 → NaN
        return _object_array(cats), codes, (np.bincount(codes, minlength=len(cats)) if counts else None)
    cats, codes, counts = np.unique(Xi, return_inverse=True, return_counts=True)
    codes = codes.reshape(-1)
    if cats.dtype.kind == "f" and cats.size and np.isnan(cats[-1]):
        first = int(np.searchsorted(cats, np.nan))
        if first < cats.size - 1:  # older numpy: one NaN per occurrence
            counts = np.concatenate([counts[:first], [counts[first:].sum()]])
            codes = np.minimum(codes, first)
            cats = cats[: first + 1]
    return cats, codes.astype(np.int64), counts


def _lookup(Xi, cats):
    """Codes of Xi's values among cats (-1 for a value not among them)."""
    if cats.dtype.kind == "O" or Xi.dtype.kind == "O":
        catlist = list(cats)
        none_code = nan_code = -1
        for k, c in enumerate(catlist):
            if c is None:
                none_code = k
            elif _is_nan(c):
                nan_code = k
        Xo = Xi if Xi.dtype.kind == "O" else Xi.astype(object)
        return _lookup_objects(Xo, catlist, none_code, nan_code, -1)
    if cats.size == 0:
        return np.full(Xi.shape[0], -1, dtype=np.int64)
    if Xi.dtype.kind in "US" and cats.dtype.kind not in "US":
        return np.full(Xi.shape[0], -1, dtype=np.int64)
    idx = np.searchsorted(cats, Xi)
    idx = np.minimum(idx, cats.size - 1)
    hit = cats[idx] == Xi
    if cats.dtype.kind == "f" and Xi.dtype.kind == "f":
        hit |= np.isnan(Xi) & np.isnan(cats[idx])
    return np.where(hit, idx, -1).astype(np.int64)


def _check_columns(est, X, *, reset):
    """The columns of X (a list of 1-d arrays), n_samples and n_features, recording or checking
    n_features_in_ and feature_names_in_."""
    _check_feature_names(est, X, reset=reset)
    if _is_dataframe(X):
        n, d = X.shape
        cols = []
        for j in range(d):
            col = X.iloc[:, j]
            kind = getattr(col.dtype, "kind", "O")
            if str(col.dtype) == "category" or kind not in "biuf":
                Xi = np.asarray(col, dtype=object)
            else:
                Xi = col.to_numpy()
                if Xi.dtype.kind == "f" and np.isinf(Xi).any():
                    raise ValueError("Input X contains infinity or a value too large for "
                                     f"{Xi.dtype!r}.")
            cols.append(Xi)
    else:
        if hasattr(X, "tocsr") and hasattr(X, "nnz"):
            raise TypeError(
                "Sparse data was passed, but dense data is required. Use '.toarray()' to convert "
                "to a dense numpy array."
            )
        was_array = hasattr(X, "dtype")
        A = np.asarray(X)
        if A.ndim == 1 or A.ndim == 0:
            raise ValueError(
                f"Expected 2D array, got {'scalar' if A.ndim == 0 else '1D'} array instead:\n"
                f"array={A}.\nReshape your data either using array.reshape(-1, 1) if your data has "
                "a single feature or array.reshape(1, -1) if it contains a single sample."
            )
        if A.ndim > 2:
            raise ValueError(f"Found array with dim {A.ndim}. Expected <= 2.")
        if A.dtype.kind == "c":
            raise ValueError("Complex data not supported")
        if not was_array and A.dtype.kind in "US":
            A = A.astype(object)
        if A.dtype.kind in "biu":
            pass
        elif A.dtype.kind == "f":
            if np.isinf(A).any():
                raise ValueError(f"Input X contains infinity or a value too large for {A.dtype!r}.")
        elif A.dtype.kind not in "OUS":
            A = A.astype(np.float64)
        n, d = A.shape
        cols = [A[:, j] for j in range(d)]
    if n < 1:
        raise ValueError(f"Found array with 0 sample(s) (shape=({n}, {d})) while a minimum of 1 is required.")
    if d < 1:
        raise ValueError(f"Found array with 0 feature(s) (shape=({n}, {d})) while a minimum of 1 is required.")
    if reset:
        est.n_features_in_ = d
    elif d != est.n_features_in_:
        raise ValueError(
            f"X has {d} features, but {type(est).__name__} is expecting {est.n_features_in_} "
            "features as input."
        )
    return cols, n, d


class _BaseEncoder(TransformerMixin, BaseEstimator):
    """Shared fitting of categories, infrequent grouping and integer codes."""

    def _infrequent_enabled_now(self):
        mc = getattr(self, "max_categories", None)
        mf = getattr(self, "min_frequency", None)
        return (mc is not None and mc >= 1) or mf is not None

    def _fit(self, X, handle_unknown="error", ignore_missing_for_infrequent=False, keep_codes=False):
        self._infrequent_enabled = self._infrequent_enabled_now()
        cols, n, d = _check_columns(self, X, reset=True)
        if not (isinstance(self.categories, str) and self.categories == "auto"):
            if len(self.categories) != d:
                raise ValueError("Shape mismatch: if categories is an array, it has to be of shape (n_features,).")
        self.categories_ = []
        counts_all, codes_all = [], []
        for i, Xi in enumerate(cols):
            if isinstance(self.categories, str):
                cats, codes, counts = _unique_codes(Xi, counts=self._infrequent_enabled)
            else:
                given = self.categories[i]
                dt = object if Xi.dtype.kind in "OUS" else Xi.dtype
                cats = np.array(given, dtype=dt) if dt is not object else _object_array(list(given))
                for c in cats[:-1]:
                    if _is_nan(c):
                        raise ValueError(
                            "Nan should be the last element in user provided categories, see "
                            f"categories {cats} in column #{i}"
                        )
                if len(_unique_codes(cats)[0]) != cats.size:
                    raise ValueError(f"In column {i}, the predefined categories contain duplicate elements.")
                if Xi.dtype.kind not in "OUS":
                    srt = np.sort(cats)
                    stop = -1 if srt.size and srt.dtype.kind == "f" and np.isnan(srt[-1]) else None
                    if np.any(srt[:stop] != cats[:stop]):
                        raise ValueError("Unsorted categories are not supported for numerical categories")
                codes = _lookup(Xi, cats)
                unknown = codes < 0
                if handle_unknown == "error" and unknown.any():
                    diff = _sorted_unique_list(Xi[unknown])
                    raise ValueError(f"Found unknown categories {diff} in column {i} during fit")
                counts = np.bincount(codes[~unknown], minlength=cats.size)
            self.categories_.append(cats)
            counts_all.append(counts)
            codes_all.append(codes)
        missing = {}
        if ignore_missing_for_infrequent:
            for i, cats in enumerate(self.categories_):
                if cats.size and _is_nan(cats[-1]):
                    missing[i] = cats.size - 1
        self._missing_indices = missing
        if self._infrequent_enabled:
            self._fit_infrequent(n, counts_all, missing)
        self._fit_codes = codes_all if keep_codes else None
        return n

    def _identify_infrequent(self, count, n_samples):
        mf = self.min_frequency
        if isinstance(mf, numbers.Integral):
            mask = count < mf
        elif isinstance(mf, numbers.Real):
            mask = count < mf * n_samples
        else:
            mask = np.zeros(count.shape[0], dtype=bool)
        n_current = count.size - mask.sum() + 1
        mc = self.max_categories
        if mc is not None and mc < n_current:
            frequent = mc - 1
            if frequent == 0:
                mask[:] = True
            else:
                smallest = np.argsort(count, kind="mergesort")[:-frequent]
                mask[smallest] = True
        out = np.flatnonzero(mask)
        return out if out.size > 0 else None

    def _fit_infrequent(self, n_samples, counts_all, missing):
        counts_ = [np.delete(c, missing[i]) if i in missing else c for i, c in enumerate(counts_all)]
        self._infrequent_indices = [self._identify_infrequent(c, n_samples) for c in counts_]
        self._default_to_infrequent_mappings = []
        for i, infreq in enumerate(self._infrequent_indices):
            if infreq is None:
                self._default_to_infrequent_mappings.append(None)
                continue
            n_cats = len(self.categories_[i]) - (1 if i in missing else 0)
            mapping = np.empty(n_cats, dtype=np.int64)
            n_freq = n_cats - infreq.size
            mapping[infreq] = n_freq
            mapping[np.setdiff1d(np.arange(n_cats), infreq)] = np.arange(n_freq)
            self._default_to_infrequent_mappings.append(mapping)

    @property
    def infrequent_categories_(self):
        """The infrequent categories of each feature (None where there are none)."""
        return [None if idx is None else cats[idx]
                for cats, idx in zip(self.categories_, self._infrequent_indices)]

    def _codes(self, X, handle_unknown, *, warn_on_unknown=False, ignore=None, fitted_codes=None):
        """X_int (n × d codes) and X_mask (known values), infrequent categories grouped."""
        if fitted_codes is None:
            cols, n, d = _check_columns(self, X, reset=False)
        else:
            n, d = fitted_codes[0].shape[0], len(fitted_codes)
        X_int = np.zeros((n, d), dtype=np.int64)
        X_mask = np.ones((n, d), dtype=bool)
        unknown_cols = []
        for i in range(d):
            codes = fitted_codes[i] if fitted_codes is not None else _lookup(cols[i], self.categories_[i])
            bad = codes < 0
            if bad.any():
                if handle_unknown == "error":
                    diff = _sorted_unique_list(cols[i][bad])
                    raise ValueError(f"Found unknown categories {diff} in column {i} during transform")
                if warn_on_unknown:
                    unknown_cols.append(i)
                X_mask[:, i] = ~bad
                codes = np.where(bad, 0, codes)
            X_int[:, i] = codes
        if unknown_cols:
            if handle_unknown == "infrequent_if_exist":
                msg = (f"Found unknown categories in columns {unknown_cols} during transform. These "
                       "unknown categories will be encoded as the infrequent category.")
            else:
                msg = (f"Found unknown categories in columns {unknown_cols} during transform. These "
                       "unknown categories will be encoded as all zeros")
            warnings.warn(msg, UserWarning)
        self._map_infrequent(X_int, X_mask, ignore or {}, handle_unknown)
        return X_int, X_mask

    def _map_infrequent(self, X_int, X_mask, ignore, handle_unknown):
        if not self._infrequent_enabled:
            return
        for i in range(X_int.shape[1]):
            infreq = self._infrequent_indices[i]
            if infreq is None:
                continue
            X_int[~X_mask[:, i], i] = infreq[0]
            if handle_unknown == "infrequent_if_exist":
                X_mask[:, i] = True
        for i, mapping in enumerate(self._default_to_infrequent_mappings):
            if mapping is None:
                continue
            rows = X_int[:, i] != ignore[i] if i in ignore else slice(None)
            X_int[rows, i] = np.take(mapping, X_int[rows, i])

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def _sorted_unique_list(values):
    vals = list(dict.fromkeys(v for v in values.tolist() if not (v is None or _is_nan(v))))
    try:
        vals.sort()
    except TypeError:
        pass
    if any(v is None for v in values.tolist()):
        vals.append(None)
    if any(_is_nan(v) for v in values.tolist()):
        vals.append(np.nan)
    return vals


_INFREQUENT_CONSTRAINTS = {
    "max_categories": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "min_frequency": [Interval(numbers.Integral, 1, None, closed="left"),
                      Interval(RealNotInt, 0, 1, closed="neither"), None],
}


class OneHotEncoder(_BaseEncoder):
    """Encode categorical features as a one-hot numeric array (scikit-learn's OneHotEncoder).

    How it works: see the module docstring (categories hashed in one pass by the Cython
    extension ``_categories.pyx``; the output assembled directly from the integer codes).
    Deviation: ``sparse_output`` defaults to ``'auto'``, a CSR matrix when scipy is installed
    (as scikit-learn's default ``True``) and a dense array when it is not; ``True`` with scipy
    absent raises an ImportError naming scipy.
    """

    _parameter_constraints = {
        "categories": [StrOptions({"auto"}), list],
        "drop": [StrOptions({"first", "if_binary"}), "array-like", None],
        "dtype": "no_validation",
        "handle_unknown": [StrOptions({"error", "ignore", "infrequent_if_exist", "warn"})],
        "sparse_output": ["boolean", StrOptions({"auto"})],
        "feature_name_combiner": [StrOptions({"concat"}), callable],
        **_INFREQUENT_CONSTRAINTS,
    }

    def __init__(self, *, categories="auto", drop=None, sparse_output="auto", dtype=np.float64,
                 handle_unknown="error", min_frequency=None, max_categories=None,
                 feature_name_combiner="concat"):
        self.categories = categories
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.drop = drop
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.feature_name_combiner = feature_name_combiner

    def fit(self, X, y=None):
        self._fit_all(X, keep_codes=False)
        return self

    def _fit_all(self, X, keep_codes):
        self._validate_params()
        sparse_output_wanted(self.sparse_output, type(self).__name__)
        self._fit(X, handle_unknown=self.handle_unknown, keep_codes=keep_codes)
        self._set_drop_idx()
        self._n_features_outs = self._compute_n_features_outs()

    def fit_transform(self, X, y=None):
        self._fit_all(X, keep_codes=True)
        codes, self._fit_codes = self._fit_codes, None
        return self._encode(X, fitted_codes=codes)

    def _map_drop_idx_to_infrequent(self, i, drop_idx):
        if not self._infrequent_enabled or self._default_to_infrequent_mappings[i] is None:
            return drop_idx
        infreq = self._infrequent_indices[i]
        if infreq is not None and drop_idx in infreq:
            cat = self.categories_[i][drop_idx]
            raise ValueError(
                f"Unable to drop category {cat.item() if hasattr(cat, 'item') else cat!r} from "
                f"feature {i} because it is infrequent"
            )
        return self._default_to_infrequent_mappings[i][drop_idx]

    def _set_drop_idx(self):
        if self.drop is None:
            after = None
        elif isinstance(self.drop, str):
            if self.drop == "first":
                after = np.zeros(len(self.categories_), dtype=object)
            else:
                n_out = [len(c) for c in self.categories_]
                if self._infrequent_enabled:
                    for i, infreq in enumerate(self._infrequent_indices):
                        if infreq is not None:
                            n_out[i] -= infreq.size - 1
                after = np.array([0 if k == 2 else None for k in n_out], dtype=object)
        else:
            drop = np.asarray(self.drop, dtype=object)
            if len(drop) != len(self.categories_):
                raise ValueError(
                    f"`drop` should have length equal to the number of features "
                    f"({len(self.categories_)}), got {len(drop)}"
                )
            missing, idx = [], []
            for i, (val, cats) in enumerate(zip(drop, self.categories_)):
                if not _is_nan(val):
                    found = np.flatnonzero(_lookup(_object_array([val]), cats) >= 0)
                    if found.size:
                        idx.append(self._map_drop_idx_to_infrequent(i, int(_lookup(_object_array([val]), cats)[0])))
                    else:
                        missing.append((i, val))
                    continue
                if cats.size and _is_nan(cats[-1]):
                    idx.append(self._map_drop_idx_to_infrequent(i, cats.size - 1))
                else:
                    missing.append((i, val))
            if missing:
                raise ValueError(
                    "The following categories were supposed to be dropped, but were not found in "
                    "the training data.\n" + "\n".join(f"Category: {c}, Feature: {v}" for c, v in missing)
                )
            after = np.array(idx, dtype=object)
        self._drop_idx_after_grouping = after
        if not self._infrequent_enabled or after is None:
            self.drop_idx_ = after
        else:
            out = []
            for i, di in enumerate(after):
                mapping = self._default_to_infrequent_mappings[i]
                out.append(di if di is None or mapping is None else np.flatnonzero(mapping == di)[0])
            self.drop_idx_ = np.asarray(out, dtype=object)

    def _compute_transformed_categories(self, i, remove_dropped=True):
        cats = self.categories_[i]
        if self._infrequent_enabled:
            mapping = self._default_to_infrequent_mappings[i]
            if mapping is not None:
                frequent = mapping < mapping.max()
                cats = np.concatenate((cats[frequent], np.array(["infrequent_sklearn"], dtype=object)))
        if remove_dropped and self._drop_idx_after_grouping is not None \
                and self._drop_idx_after_grouping[i] is not None:
            cats = np.delete(cats, self._drop_idx_after_grouping[i])
        return cats

    def _compute_n_features_outs(self):
        out = [len(c) for c in self.categories_]
        if self._drop_idx_after_grouping is not None:
            for i, di in enumerate(self._drop_idx_after_grouping):
                if di is not None:
                    out[i] -= 1
        if self._infrequent_enabled:
            for i, infreq in enumerate(self._infrequent_indices):
                if infreq is not None:
                    out[i] -= infreq.size - 1
        return out

    def transform(self, X):
        check_is_fitted(self, "categories_")
        return self._encode(X)

    def _encode(self, X, fitted_codes=None):
        from ..utils._set_output import get_output_config

        sparse = sparse_output_wanted(self.sparse_output, type(self).__name__)
        if sparse and get_output_config(self) != "default":
            cfg = get_output_config(self)
            raise ValueError(
                f"{cfg.capitalize()} output does not support sparse data. Set sparse_output=False "
                f"to output {cfg} dataframes or disable {cfg.capitalize()} output via "
                '`ohe.set_output(transform="default").'
            )
        if self.handle_unknown == "warn":
            warn, hu = True, "infrequent_if_exist"
        else:
            warn = self.drop is not None and self.handle_unknown in {"ignore", "infrequent_if_exist"}
            hu = self.handle_unknown
        if fitted_codes is not None:
            warn = False
        X_int, X_mask = self._codes(X, hu, warn_on_unknown=warn, fitted_codes=fitted_codes)
        n, d = X_int.shape
        if self._drop_idx_after_grouping is not None:
            to_drop = self._drop_idx_after_grouping.copy()
            keep = X_int != to_drop
            for i, cats in enumerate(self.categories_):
                if to_drop[i] is None:
                    to_drop[i] = len(cats)
            to_drop = to_drop.reshape(1, -1).astype(np.int64)
            X_int[X_int > to_drop] -= 1
            X_mask &= keep
        offsets = np.cumsum([0] + self._n_features_outs)
        n_out = int(offsets[-1])
        all_known = bool(X_mask.all())
        if sparse:
            import scipy.sparse as sp

            idx_dtype = np.int32 if max(n_out, n * d) < 2**31 - 1 else np.int64
            cols = X_int.astype(idx_dtype, copy=False)
            cols += offsets[:-1].astype(idx_dtype)
            if all_known:  # every row holds d ones: indptr is a plain range
                indices = cols.reshape(-1)
                indptr = np.arange(0, n * d + 1, d, dtype=idx_dtype)
            else:
                indices = cols[X_mask]
                indptr = np.empty(n + 1, dtype=idx_dtype)
                indptr[0] = 0
                np.cumsum(X_mask.sum(axis=1), out=indptr[1:])
            data = np.ones(indices.shape[0], dtype=self.dtype)
            # assembled here with sorted, in-range indices: scipy's O(nnz) format check is skipped
            out = sp.csr_matrix((n, n_out), dtype=self.dtype)
            out.data, out.indices, out.indptr = data, indices, indptr
            out.has_sorted_indices = True
            return out
        cols = X_int + offsets[:-1]
        out = np.zeros((n, n_out), dtype=self.dtype)
        if out.dtype in (np.float32, np.float64) and out.size:
            # the core writes the ones in parallel: the fresh zero pages are touched on 2+ threads
            from .. import _core

            _core.preprocessing.one_hot(np.ascontiguousarray(cols, dtype=np.int64),
                                        None if all_known else np.ascontiguousarray(X_mask, dtype=np.uint8),
                                        out, self._n_threads())
            return out
        flat = cols + (np.arange(n, dtype=np.int64) * n_out)[:, None]
        out.reshape(-1)[flat.reshape(-1) if all_known else flat[X_mask]] = 1
        return out

    def inverse_transform(self, X):
        check_is_fitted(self, "categories_")
        if hasattr(X, "toarray"):
            X = X.toarray()
        X = np.asarray(X)
        n = X.shape[0]
        d = len(self.categories_)
        n_expected = sum(self._n_features_outs)
        if X.ndim != 2 or X.shape[1] != n_expected:
            raise ValueError(
                f"Shape of the passed X data is not correct. Expected {n_expected} columns, got "
                f"{X.shape[1] if X.ndim == 2 else X.shape}."
            )
        dts = [c.dtype for c in self.categories_]
        dt = np.result_type(*dts) if all(k.kind not in "OUS" for k in dts) and not self._infrequent_enabled else object
        out = np.empty((n, d), dtype=dt)
        j = 0
        found_unknown = {}
        for i in range(d):
            cats = self._compute_transformed_categories(i, remove_dropped=False)
            n_i = self._n_features_outs[i]
            di = None if self._drop_idx_after_grouping is None else self._drop_idx_after_grouping[i]
            kept = np.delete(np.arange(len(cats)), di) if di is not None else np.arange(len(cats))
            block = X[:, j:j + n_i]
            labels = kept[np.argmax(block, axis=1)] if n_i else np.zeros(n, dtype=np.int64)
            out[:, i] = cats[labels]
            zero = block.sum(axis=1) == 0 if n_i else np.ones(n, dtype=bool)
            if zero.any():
                if di is not None:
                    out[zero, i] = cats[di]
                elif self.handle_unknown in ("ignore", "infrequent_if_exist", "warn"):
                    found_unknown[i] = zero
                else:
                    raise ValueError(
                        "Samples can not be inverted when drop=None and handle_unknown='error' "
                        "because they contain all zeros"
                    )
            j += n_i
        if found_unknown:
            if out.dtype != object:
                out = out.astype(object)
            for i, m in found_unknown.items():
                out[m, i] = None
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "categories_")
        names = _input_feature_names(self, input_features)
        cats = [self._compute_transformed_categories(i) for i in range(len(self.categories_))]
        combiner = self.feature_name_combiner
        out = []
        for feat, cs in zip(names, cats):
            for c in cs:
                if combiner == "concat":
                    out.append(f"{feat}_{c}")
                else:
                    name = combiner(feat, c)
                    if not isinstance(name, str):
                        raise TypeError(
                            f"When `feature_name_combiner` is a callable, it should return a Python "
                            f"string. Got {type(name)} instead."
                        )
                    out.append(name)
        return np.asarray(out, dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.sparse = False
        return tags


def _have_scipy():
    try:
        import scipy.sparse  # noqa: F401
    except ImportError:
        return False
    return True


def sparse_output_wanted(sparse_output, owner):
    """Whether an encoder's output is a scipy CSR matrix: ``'auto'`` when scipy is installed,
    ``True`` always (an ImportError naming scipy when it is absent), ``False`` never."""
    if isinstance(sparse_output, str):  # 'auto'
        return _have_scipy()
    if sparse_output and not _have_scipy():
        raise ImportError(f"{owner}(sparse_output=True) returns a scipy.sparse CSR matrix and "
                          "needs scipy, which is not installed: pip install scipy, or set "
                          "sparse_output=False for a dense numpy array.")
    return bool(sparse_output)


class OrdinalEncoder(OneToOneFeatureMixin, _BaseEncoder):
    """Encode categorical features as integer codes (scikit-learn's OrdinalEncoder).

    How it works: see the module docstring (one hashing pass per object column in the Cython
    extension ``_categories.pyx``; numpy for numeric columns).
    """

    _parameter_constraints = {
        "categories": [StrOptions({"auto"}), list],
        "dtype": "no_validation",
        "encoded_missing_value": [numbers.Integral, type(np.nan)],
        "handle_unknown": [StrOptions({"error", "use_encoded_value"})],
        "unknown_value": [numbers.Integral, type(np.nan), None],
        **_INFREQUENT_CONSTRAINTS,
    }

    def __init__(self, *, categories="auto", dtype=np.float64, handle_unknown="error",
                 unknown_value=None, encoded_missing_value=np.nan, min_frequency=None,
                 max_categories=None):
        self.categories = categories
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.unknown_value = unknown_value
        self.encoded_missing_value = encoded_missing_value
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    def _fit_all(self, X, keep_codes):
        self._validate_params()
        if self.handle_unknown == "use_encoded_value":
            if isinstance(self.unknown_value, numbers.Integral) or _is_nan(self.unknown_value):
                pass
            else:
                raise TypeError(
                    "unknown_value should be an integer or np.nan when handle_unknown is "
                    f"'use_encoded_value', got {self.unknown_value}."
                )
        elif self.unknown_value is not None:
            raise TypeError(
                "unknown_value should only be set when handle_unknown is 'use_encoded_value', "
                f"got {self.unknown_value}."
            )
        self._fit(X, handle_unknown=self.handle_unknown, ignore_missing_for_infrequent=True,
                  keep_codes=keep_codes)
        cardinalities = [len(c) for c in self.categories_]
        if self._infrequent_enabled:
            for i, infreq in enumerate(self._infrequent_indices):
                if infreq is not None:
                    cardinalities[i] -= len(infreq)
        for i in self._missing_indices:
            cardinalities[i] -= 1
        if self.handle_unknown == "use_encoded_value":
            uv = self.unknown_value
            if isinstance(uv, numbers.Integral) and 0 <= uv < max(cardinalities):
                raise ValueError(
                    f"The used value for unknown_value {uv} is one of the values already used "
                    "for encoding the seen categories."
                )
        if self._missing_indices:
            emv = self.encoded_missing_value
            if isinstance(emv, numbers.Integral):
                bad = [i for i in self._missing_indices if 0 <= emv < cardinalities[i]]
                if bad:
                    names = self.feature_names_in_[bad].tolist() if hasattr(self, "feature_names_in_") else bad
                    raise ValueError(
                        f"encoded_missing_value ({emv}) is already used to encode a known category "
                        f"in features: {names}"
                    )
        if np.dtype(self.dtype).kind in "iu":
            if self._missing_indices and _is_nan(self.encoded_missing_value):
                raise ValueError(
                    f"There are missing values in features {list(self._missing_indices)}. For "
                    f"OrdinalEncoder to encode missing values with dtype: {self.dtype}, set "
                    "encoded_missing_value to a non-nan value, or set dtype to a float"
                )
            if self.handle_unknown == "use_encoded_value" and _is_nan(self.unknown_value):
                raise ValueError(
                    "When unknown_value is np.nan, the dtype parameter should be a float dtype. "
                    f"Got {self.dtype}."
                )

    def fit(self, X, y=None):
        self._fit_all(X, keep_codes=False)
        return self

    def fit_transform(self, X, y=None):
        self._fit_all(X, keep_codes=True)
        codes, self._fit_codes = self._fit_codes, None
        return self._encode(X, fitted_codes=codes)

    def transform(self, X):
        check_is_fitted(self, "categories_")
        return self._encode(X)

    def _encode(self, X, fitted_codes=None):
        X_int, X_mask = self._codes(X, self.handle_unknown, ignore=self._missing_indices,
                                    fitted_codes=fitted_codes)
        out = X_int.astype(self.dtype, copy=False)
        for i, mi in self._missing_indices.items():
            out[X_int[:, i] == mi, i] = self.encoded_missing_value
        if self.handle_unknown == "use_encoded_value":
            out[~X_mask] = self.unknown_value
        return out

    def inverse_transform(self, X):
        check_is_fitted(self, "categories_")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != len(self.categories_):
            raise ValueError(
                f"Shape of the passed X data is not correct. Expected {len(self.categories_)} "
                f"columns, got {X.shape[1] if X.ndim == 2 else X.shape}."
            )
        dts = [c.dtype for c in self.categories_]
        dt = np.result_type(*dts) if all(k.kind not in "OUS" for k in dts) else object
        if self._infrequent_enabled:
            dt = object
        out = np.empty(X.shape, dtype=dt)
        found_unknown = {}
        for i, cats in enumerate(self.categories_):
            labels = X[:, i]
            if i in self._missing_indices:
                miss = np.isnan(labels.astype(float)) if _is_nan(self.encoded_missing_value) \
                    else labels == self.encoded_missing_value
                labels = np.where(miss, self._missing_indices[i], labels)
            if self.handle_unknown == "use_encoded_value":
                unk = np.isnan(labels.astype(float)) if _is_nan(self.unknown_value) \
                    else labels == self.unknown_value
                found_unknown[i] = unk
                labels = np.where(unk, 0, labels)
            labels = labels.astype(np.int64)
            mapping = self._default_to_infrequent_mappings[i] if self._infrequent_enabled else None
            if mapping is not None:
                tcats = np.concatenate((cats[:mapping.size][mapping < mapping.max()],
                                        np.array(["infrequent_sklearn"], dtype=object)))
                if i in self._missing_indices:
                    tcats = np.concatenate((tcats, cats[-1:]))
                    labels = np.where(labels == self._missing_indices[i], tcats.size - 1, labels)
                out[:, i] = tcats[labels]
            else:
                out[:, i] = cats[labels]
        if found_unknown:
            if out.dtype != object:
                out = out.astype(object)
            for i, m in found_unknown.items():
                out[m, i] = None
        return out
