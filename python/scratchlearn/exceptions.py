"""Exceptions and warnings raised by scratchlearn."""

__all__ = ["NotFittedError", "ConvergenceWarning", "DataConversionWarning", "UndefinedMetricWarning"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before `fit`.

    It subclasses both ValueError and AttributeError, as scikit-learn's does, so code that catches
    either keeps working after an import swap.
    """


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped at its iteration limit before reaching its tolerance."""


class DataConversionWarning(UserWarning):
    """Input data was converted in a way the user may not expect (e.g. a column-vector y)."""


class UndefinedMetricWarning(UserWarning):
    """A metric is not defined for the input (R² of fewer than two samples) and a NaN is returned."""


class FitFailedWarning(RuntimeWarning):
    """A fit inside a search or cross-validation failed; its score is ``error_score``."""
