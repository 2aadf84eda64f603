"""Metrics: classification (accuracy) and regression (R², mean squared error) scores.

Each takes scikit-learn's arguments, returns scikit-learn's answer, and checks its options with the
same declarative constraints the estimators use (a bad option raises InvalidParameterError naming
it).
"""

from ._classification import accuracy_score
from ._regression import mean_squared_error, r2_score

__all__ = ["accuracy_score", "r2_score", "mean_squared_error"]
