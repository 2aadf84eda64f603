"""Decision trees (scikit-learn's ``sklearn.tree``): CART classifiers and regressors, extremely
randomized trees, and ways to look at a fitted tree. The building and evaluation loops are C++
(cpp/src/tree/); a fitted tree is the flat node arrays of ``tree_``."""

from ._classes import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    ExtraTreeClassifier,
    ExtraTreeRegressor,
)
from ._export import export_graphviz, export_text, plot_tree
from ._tree import Tree

__all__ = [
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ExtraTreeClassifier",
    "ExtraTreeRegressor",
    "export_graphviz",
    "export_text",
    "plot_tree",
]
