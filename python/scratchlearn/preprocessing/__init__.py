"""Preprocessing: scalers, normalisers, encoders, polynomial features, discretisation.

The numeric statistics and transforms run in the C++ core (cpp/src/preprocessing/); the categories
of object / string columns are hashed by a Cython extension (``_categories.pyx``).
"""

from ._data import (
    Binarizer,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    RobustScaler,
    StandardScaler,
    binarize,
    maxabs_scale,
    minmax_scale,
    normalize,
    robust_scale,
    scale,
)
from ._discretization import KBinsDiscretizer
from ._encoders import OneHotEncoder, OrdinalEncoder
from ._function_transformer import FunctionTransformer
from ._label import LabelBinarizer, LabelEncoder
from ._polynomial import PolynomialFeatures
from ._spline import SplineTransformer

__all__ = [
    "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer", "Binarizer",
    "OneHotEncoder", "OrdinalEncoder", "LabelEncoder", "LabelBinarizer", "FunctionTransformer",
    "PolynomialFeatures", "SplineTransformer", "KBinsDiscretizer", "scale", "minmax_scale", "maxabs_scale", "robust_scale", "normalize", "binarize",
]
