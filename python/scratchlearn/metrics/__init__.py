"""Metrics used by the estimators' ``score`` methods."""

from ._metrics import accuracy_score, r2_score, mean_squared_error

__all__ = ['accuracy_score', 'r2_score', 'mean_squared_error']
