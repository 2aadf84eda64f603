"""Missing-value imputation: SimpleImputer and MissingIndicator (statistics in the C++ core)."""

from ._base import MissingIndicator, SimpleImputer

__all__ = ["SimpleImputer", "MissingIndicator"]
