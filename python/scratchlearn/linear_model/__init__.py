"""Linear models: LinearRegression, Ridge, LogisticRegression, Lasso, ElasticNet, SGDClassifier,
SGDRegressor — scikit-learn's estimators of the same names on the C++ core in cpp/src/linear_model/."""

from ._least_squares import LinearRegression, Ridge
from ._logistic import LogisticRegression
from ._coordinate_descent import ElasticNet, Lasso
from ._sgd import SGDClassifier, SGDRegressor

__all__ = ["LinearRegression", "Ridge", "LogisticRegression", "Lasso", "ElasticNet", "SGDClassifier",
           "SGDRegressor"]
