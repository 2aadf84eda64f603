"""Missing-value imputation: SimpleImputer, KNNImputer and MissingIndicator."""

from ._base import MissingIndicator, SimpleImputer
from ._knn import KNNImputer

__all__ = ["SimpleImputer", "KNNImputer", "MissingIndicator"]
