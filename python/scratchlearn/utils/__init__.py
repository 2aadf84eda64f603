"""Shared helpers: input validation (validation), target typing and class labels (multiclass),
parameter constraints (_param_validation), threads (parallel) and estimator tags (_tags)."""

from ._bunch import Bunch
from .validation import check_array, check_is_fitted, check_random_state, check_sample_weight, check_X_y

__all__ = ["Bunch", "check_array", "check_X_y", "check_is_fitted", "check_random_state", "check_sample_weight"]
