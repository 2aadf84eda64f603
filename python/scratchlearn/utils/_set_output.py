"""``set_output(transform="pandas")``: transformers' outputs as DataFrames, pandas imported only then.

Every transformer derives from ``_SetOutputMixin`` (through TransformerMixin), which wraps the
``transform`` and ``fit_transform`` a class defines: when the output configuration is "pandas", the
array returned becomes a DataFrame whose columns are ``get_feature_names_out()`` and whose index is
the input's (when the input was a DataFrame). The configuration is the estimator's own
(``set_output``), else scikit-learn's global ``transform_output`` when scikit-learn is already
loaded by the caller (never imported here), else "default" (unchanged arrays).
"""

from __future__ import annotations

import functools
import sys

__all__ = ["_SetOutputMixin", "get_output_config", "wrap_output"]


def get_output_config(estimator, method="transform"):
    """The output container of ``estimator``'s ``method``: "default", "pandas" or "polars"."""
    own = getattr(estimator, "_sklearn_output_config", {}).get(method)
    if own is not None:
        return own
    sk = sys.modules.get("sklearn._config")
    if sk is not None and hasattr(sk, "get_config"):
        return sk.get_config().get(f"{method}_output", "default")
    return "default"


def _is_sparse(X):
    return hasattr(X, "tocsr") and hasattr(X, "nnz") and hasattr(X, "format")


def wrap_output(estimator, data, original_input, method="transform"):
    """``data`` in the container ``estimator`` is configured for."""
    config = get_output_config(estimator, method)
    if config == "default" or isinstance(data, tuple):
        return data
    if _is_sparse(data):
        raise ValueError(
            f"{config.capitalize()} output does not support sparse data. Set sparse_output=False "
            f"to output {config} dataframes or disable {config.capitalize()} output via "
            "`set_output(transform='default')`."
        )
    try:
        columns = estimator.get_feature_names_out()
    except Exception:  # noqa: BLE001 - names unknown: let the container number the columns
        columns = None
    if config == "polars":
        import polars as pl

        if isinstance(data, pl.DataFrame):
            if columns is not None:
                data.columns = list(columns)
            return data
        return pl.DataFrame(data, schema=None if columns is None else list(columns), orient="row")
    import pandas as pd

    index = getattr(original_input, "index", None) if isinstance(original_input, pd.DataFrame) else None
    if isinstance(data, pd.DataFrame):
        if columns is not None:
            data.columns = columns
        if index is not None and len(index) == len(data):
            data.index = index
        return data
    if index is not None and len(index) != len(data):
        index = None
    return pd.DataFrame(data, index=index, columns=columns, copy=False)


def _wrap_method(f, method):
    @functools.wraps(f)
    def wrapped(self, X, *args, **kwargs):
        out = f(self, X, *args, **kwargs)
        return wrap_output(self, out, X, method="transform")

    wrapped._scratchlearn_output_wrapped = True
    return wrapped


class _SetOutputMixin:
    """Adds ``set_output`` and wraps the ``transform`` / ``fit_transform`` each subclass defines."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for method in ("transform", "fit_transform"):
            f = cls.__dict__.get(method)
            if f is None or not callable(f) or getattr(f, "_scratchlearn_output_wrapped", False):
                continue
            setattr(cls, method, _wrap_method(f, method))

    def set_output(self, *, transform=None):
        """Set the output container of ``transform`` and ``fit_transform``: "default" (arrays),
        "pandas" (DataFrames), "polars", or None (unchanged). Returns self."""
        if transform is None:
            return self
        if transform not in ("default", "pandas", "polars"):
            raise ValueError(
                f"output config must be in ['default', 'pandas', 'polars'], got {transform!r}"
            )
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self
