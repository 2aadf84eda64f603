"""ColumnTransformer, make_column_transformer, make_column_selector.

How it works
------------
Each (name, transformer, columns) entry is fitted on its own columns of X: columns given as an
int, a str (DataFrame column name), a slice, a list of either, a boolean mask, or a callable
(``make_column_selector``) that answers them from X. A DataFrame stays a DataFrame for the
transformers (so the encoders see object and category columns and their names). The columns left
over go to ``remainder`` ('drop', 'passthrough' or a transformer). The transformers run in
threads when ``n_jobs`` asks for more than one (the C++ core releases the GIL, so they really run
side by side), and the outputs are stacked: a CSR matrix when some output is sparse and the overall
density is below ``sparse_threshold``, a DataFrame with ``set_output(transform="pandas")``.
"""

from __future__ import annotations

import numbers
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..base import TransformerMixin, _input_feature_names, clone
from ..utils._metaestimators import Bunch, _BaseComposition
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ..utils._set_output import get_output_config
from ..utils.parallel import n_threads as _n_threads
from ..utils.validation import _check_feature_names, _is_dataframe, check_is_fitted

__all__ = ["ColumnTransformer", "make_column_transformer", "make_column_selector"]


def _is_sparse(X):
    return hasattr(X, "tocsr") and hasattr(X, "nnz")


def _resolve_columns(X, columns, names):
    """The integer indices of ``columns`` in X."""
    n = X.shape[1]
    if callable(columns):
        columns = columns(X)
    if isinstance(columns, slice):
        if isinstance(columns.start, str) or isinstance(columns.stop, str):
            if names is None:
                raise ValueError("Specifying the columns using strings is only supported for dataframes.")
            lst = list(names)
            start = 0 if columns.start is None else lst.index(columns.start)
            stop = n if columns.stop is None else lst.index(columns.stop) + 1
            return list(range(start, stop))
        return list(range(n))[columns]
    if isinstance(columns, (str, numbers.Integral)) and not isinstance(columns, bool):
        columns = [columns]
        scalar = True
    else:
        scalar = False
    arr = np.asarray(columns) if not isinstance(columns, list) else columns
    if isinstance(arr, np.ndarray) and arr.dtype == bool:
        if arr.shape[0] != n:
            raise ValueError(f"Boolean mask of length {arr.shape[0]} does not match {n} columns.")
        return list(np.flatnonzero(arr))
    cols = list(arr) if not isinstance(arr, list) else arr
    if cols and all(isinstance(c, (bool, np.bool_)) for c in cols):
        return list(np.flatnonzero(np.asarray(cols)))
    out = []
    for c in cols:
        if isinstance(c, str):
            if names is None:
                raise ValueError("Specifying the columns using strings is only supported for dataframes.")
            where = np.flatnonzero(np.asarray(names) == c)
            if where.size == 0:
                raise ValueError(f"A given column is not a column of the dataframe: {c!r}")
            out.append(int(where[0]))
        elif isinstance(c, numbers.Integral):
            c = int(c)
            if not -n <= c < n:
                raise ValueError(f"Column index {c} is out of bounds for X with {n} features "
                                 f"(all column indices must be in [-{n}, {n - 1}]).")
            out.append(c % n)
        else:
            raise ValueError(
                "No valid specification of the columns. Only a scalar, list or slice of all "
                "integers or all strings, or boolean mask is allowed"
            )
    return out if not scalar else out


def _is_scalar_spec(columns):
    return isinstance(columns, (str, numbers.Integral)) and not isinstance(columns, bool)


def _select(X, idx, scalar=False):
    """The columns idx of X; one column given as a scalar comes out 1-d (a Series for a frame),
    as scikit-learn passes it."""
    if scalar:
        if _is_dataframe(X):
            return X.iloc[:, idx[0]]
        if not _is_sparse(X):
            return np.asarray(X)[:, idx[0]]
    if _is_dataframe(X):
        return X.iloc[:, idx]
    if _is_sparse(X):
        return X.tocsc()[:, idx].tocsr() if idx else X[:, []]
    return np.asarray(X)[:, idx]


class ColumnTransformer(TransformerMixin, _BaseComposition):
    """Apply transformers to columns of an array or DataFrame (scikit-learn's ColumnTransformer).

    How it works: see the module docstring of scratchlearn.compose._column_transformer.
    """

    _parameter_constraints = {
        "transformers": [list],
        "remainder": [StrOptions({"drop", "passthrough"}), HasMethods(["fit", "transform"]),
                      HasMethods(["fit_transform", "transform"])],
        "sparse_threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "n_jobs": [None, int],
        "transformer_weights": [dict, None],
        "verbose": ["verbose"],
        "verbose_feature_names_out": ["boolean", str, callable],
    }

    def __init__(self, transformers, *, remainder="drop", sparse_threshold=0.3, n_jobs=None,
                 transformer_weights=None, verbose=False, verbose_feature_names_out=True):
        self.transformers = transformers
        self.remainder = remainder
        self.sparse_threshold = sparse_threshold
        self.n_jobs = n_jobs
        self.transformer_weights = transformer_weights
        self.verbose = verbose
        self.verbose_feature_names_out = verbose_feature_names_out

    @property
    def _transformers(self):
        items = self.transformers
        if not isinstance(items, (list, tuple)) or not all(
                isinstance(it, (list, tuple)) and len(it) == 3 for it in items):
            return items
        return [(name, t) for name, t, _ in items]

    def get_params(self, deep=True):
        out = super().get_params(deep=False)
        if not deep:
            return out
        out = self._get_params("_transformers", deep=True)
        return out

    def set_params(self, **kwargs):
        items = self._transformers
        names = [it[0] for it in items] if isinstance(items, list) and items is not self.transformers else []
        for name in list(kwargs):
            if "__" not in name and name in names:
                new = list(self.transformers)
                for i, (n, t, c) in enumerate(new):
                    if n == name:
                        new[i] = (n, kwargs.pop(name), c)
                self.transformers = new
        super(_BaseComposition, self).set_params(**kwargs)
        return self

    def _validate_transformers(self):
        if not self.transformers:
            return
        names = [t[0] for t in self.transformers]
        self._validate_names(names)
        for _, t, _ in self.transformers:
            if isinstance(t, str) and t in ("drop", "passthrough"):
                continue
            if not (hasattr(t, "fit") or hasattr(t, "fit_transform")) or not hasattr(t, "transform"):
                raise TypeError(
                    "All estimators should implement fit and transform, or can be 'drop' or "
                    f"'passthrough' specifiers. '{t}' (type {type(t)}) doesn't."
                )

    @property
    def named_transformers_(self):
        return Bunch(**{name: t for name, t, _ in self.transformers_})

    def _passthrough(self):
        from ..preprocessing import FunctionTransformer

        return FunctionTransformer(accept_sparse=True, check_inverse=False,
                                   feature_names_out="one-to-one")

    def fit(self, X, y=None, **params):
        self.fit_transform(X, y, **params)
        return self

    def fit_transform(self, X, y=None, **params):
        self._validate_params()
        self._validate_transformers()
        if not _is_dataframe(X) and not _is_sparse(X):
            X = np.asarray(X) if not hasattr(X, "shape") else X
            if X.ndim != 2:
                raise ValueError(f"Expected 2D array, got {X.ndim}D array instead")
        _check_feature_names(self, X, reset=True)
        self.n_features_in_ = X.shape[1]
        names = getattr(self, "feature_names_in_", None)
        if names is None and _is_dataframe(X):
            names = np.asarray(X.columns)
        self._columns = []
        entries = []
        used = set()
        for name, t, cols in self.transformers:
            idx = _resolve_columns(X, cols, names)
            self._columns.append(cols)
            used.update(idx)
            entries.append((name, t, idx, cols))
        rest = [j for j in range(X.shape[1]) if j not in used]
        self._remainder_idx = rest
        rem = self.remainder
        if rest:
            if isinstance(rem, str) and rem == "passthrough":
                entries.append(("remainder", self._passthrough(), rest, rest))
            elif not isinstance(rem, str):
                entries.append(("remainder", clone(rem), rest, rest))
            else:
                entries.append(("remainder", "drop", rest, rest))
        routed = {}
        for k, v in params.items():
            step, _, param = k.partition("__")
            routed.setdefault(step, {})[param] = v

        out_cfg = get_output_config(self)

        def fit_one(entry):
            name, t, idx, cols = entry
            if isinstance(t, str):
                if t == "drop" or not idx:
                    return name, t, idx, cols, None
                t = self._passthrough()
            if not idx:
                return name, t, idx, cols, None
            t = clone(t)
            if out_cfg != "default" and hasattr(t, "set_output"):
                t.set_output(transform=out_cfg)
            sub = _select(X, idx, _is_scalar_spec(cols))
            p = routed.get(name, {})
            Xt = t.fit_transform(sub, y, **p) if hasattr(t, "fit_transform") else t.fit(sub, y, **p).transform(sub)
            return name, t, idx, cols, Xt

        results = self._run(fit_one, entries)
        self.transformers_ = []
        parts, slices = [], {}
        pos = 0
        for name, t, idx, cols, Xt in results:
            self.transformers_.append((name, t, cols if name != "remainder" else idx))
            if Xt is None:
                slices[name] = slice(0, 0)
                continue
            Xt = self._weight(name, Xt)
            if getattr(Xt, "ndim", 2) == 1:
                raise ValueError(
                    f"The output of the '{name}' transformer should be 2D (numpy array, scipy "
                    "sparse array, dataframe)."
                )
            k = Xt.shape[1]
            slices[name] = slice(pos, pos + k)
            pos += k
            parts.append(Xt)
        if "remainder" not in slices:
            slices["remainder"] = slice(0, 0)
        self.output_indices_ = slices
        self._fit_idx = {name: idx for name, _, idx, _, _ in results}
        return self._stack(parts, X, fitting=True)

    def _weight(self, name, Xt):
        w = (self.transformer_weights or {}).get(name)
        return Xt if w is None else Xt * w

    def _run(self, fn, entries):
        threads = 1 if self.n_jobs is None else _n_threads(self.n_jobs)
        if threads > 1 and len(entries) > 1:
            with ThreadPoolExecutor(max_workers=min(threads, len(entries))) as pool:
                return list(pool.map(fn, entries))
        return [fn(e) for e in entries]

    def _stack(self, parts, X, fitting):
        n = X.shape[0]
        if fitting:
            if any(_is_sparse(p) for p in parts):
                nnz = sum(p.nnz if _is_sparse(p) else np.count_nonzero(np.asarray(p)) for p in parts)
                total = sum(p.shape[0] * p.shape[1] for p in parts)
                density = nnz / total if total else 0
                self.sparse_output_ = density < self.sparse_threshold
            else:
                self.sparse_output_ = False
        if not parts:
            return np.zeros((n, 0))
        if self.sparse_output_:
            import scipy.sparse as sp

            return sp.hstack([p if _is_sparse(p) else sp.csr_matrix(np.asarray(p, dtype=float)) for p in parts]).tocsr()
        parts = [p.toarray() if _is_sparse(p) else p for p in parts]
        if get_output_config(self) == "pandas":
            import pandas as pd

            frames = []
            for p in parts:
                frames.append(p.reset_index(drop=True) if hasattr(p, "iloc") else pd.DataFrame(np.asarray(p)))
            out = pd.concat(frames, axis=1)
            try:
                out.columns = self.get_feature_names_out()
            except Exception:  # noqa: BLE001
                pass
            if _is_dataframe(X):
                out.index = X.index
            return out
        arrays = [p.to_numpy() if hasattr(p, "iloc") else np.asarray(p) for p in parts]
        return np.hstack(arrays)

    def transform(self, X, **params):
        check_is_fitted(self, "transformers_")
        fitted_names = getattr(self, "feature_names_in_", None)
        if _is_dataframe(X) and fitted_names is not None:
            missing = set(fitted_names) - set(X.columns)
            if missing:
                raise ValueError(f"columns are missing: {missing}")
            X = X[list(fitted_names)]
        else:
            if not _is_dataframe(X) and not _is_sparse(X):
                X = np.asarray(X) if not hasattr(X, "shape") else X
            if not _is_dataframe(X) and not _is_sparse(X) and X.ndim != 2:
                raise ValueError(f"Expected 2D array, got {X.ndim}D array instead")
            _check_feature_names(self, X, reset=False)
            if X.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {X.shape[1]} features, but ColumnTransformer is expecting "
                    f"{self.n_features_in_} features as input."
                )

        def one(entry):
            name, t, cols = entry
            if isinstance(t, str):
                return None
            idx = self._fit_idx[name]
            if not idx:
                return None
            return self._weight(name, t.transform(_select(X, idx, name != "remainder" and _is_scalar_spec(cols))))

        parts = [p for p in self._run(one, self.transformers_) if p is not None]
        return self._stack(parts, X, fitting=False)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "transformers_")
        inputs = _input_feature_names(self, input_features)
        out = []
        for name, t, cols in self.transformers_:
            if isinstance(t, str) and t == "drop":
                continue
            idx = self._fit_idx[name]
            if not idx:
                continue
            if isinstance(t, str):
                continue
            if not hasattr(t, "get_feature_names_out"):
                raise AttributeError(
                    f"Transformer {name} (type {type(t).__name__}) does not provide get_feature_names_out."
                )
            feats = t.get_feature_names_out(inputs[idx])
            v = self.verbose_feature_names_out
            if v is True:
                out.extend(f"{name}__{f}" for f in feats)
            elif v is False:
                out.extend(feats)
            elif isinstance(v, str):
                out.extend(v.format(transformer_name=name, feature_name=f) for f in feats)
            else:
                out.extend(v(name, f) for f in feats)
        if self.verbose_feature_names_out is False and len(set(out)) != len(out):
            dup = sorted({f for f in out if out.count(f) > 1})[:5]
            raise ValueError(
                f"Output feature names: {dup} are not unique. Please set "
                "verbose_feature_names_out=True to add prefixes to feature names"
            )
        return np.asarray(out, dtype=object)

    def set_output(self, *, transform=None):
        super().set_output(transform=transform)
        for _, t, _ in list(self.transformers) + list(getattr(self, "transformers_", [])):
            if not isinstance(t, str) and hasattr(t, "set_output"):
                t.set_output(transform=transform)
        if not isinstance(self.remainder, str) and hasattr(self.remainder, "set_output"):
            self.remainder.set_output(transform=transform)
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "transformers_")

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


def _get_transformer_list(estimators):
    from ..pipeline import _name_estimators

    transformers, columns = zip(*estimators)
    names, _ = zip(*_name_estimators(transformers))
    return list(zip(names, transformers, columns))


def make_column_transformer(*transformers, remainder="drop", sparse_threshold=0.3, n_jobs=None,
                            verbose=False, verbose_feature_names_out=True):
    """A ColumnTransformer from (transformer, columns) pairs, named after the transformers."""
    return ColumnTransformer(_get_transformer_list(transformers), n_jobs=n_jobs, remainder=remainder,
                             sparse_threshold=sparse_threshold, verbose=verbose,
                             verbose_feature_names_out=verbose_feature_names_out)


class make_column_selector:
    """Select DataFrame columns by name pattern (a regex) and/or dtype (``select_dtypes``)."""

    def __init__(self, pattern=None, *, dtype_include=None, dtype_exclude=None):
        self.pattern = pattern
        self.dtype_include = dtype_include
        self.dtype_exclude = dtype_exclude

    def __call__(self, df):
        if not _is_dataframe(df):
            raise ValueError("make_column_selector can only be applied to pandas dataframes")
        sub = df.iloc[:1]
        if self.dtype_include is not None or self.dtype_exclude is not None:
            sub = sub.select_dtypes(include=self.dtype_include, exclude=self.dtype_exclude)
        cols = sub.columns
        if self.pattern is not None:
            cols = cols[cols.str.contains(self.pattern, regex=True)]
        return cols.tolist()
