"""Ensembles of trees (scikit-learn's ``sklearn.ensemble`` forests): random forests and
extremely randomized trees, built and evaluated by the tree core (cpp/src/tree/)."""

from ._forest import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

__all__ = [
    "RandomForestClassifier",
    "RandomForestRegressor",
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
]
