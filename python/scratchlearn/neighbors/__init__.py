"""k-nearest neighbours: NearestNeighbors, KNeighborsClassifier, KNeighborsRegressor."""

from ._base import NearestNeighbors, KNeighborsClassifier, KNeighborsRegressor

__all__ = ['NearestNeighbors', 'KNeighborsClassifier', 'KNeighborsRegressor']
