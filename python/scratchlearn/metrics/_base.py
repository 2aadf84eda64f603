"""What the metrics share: sample counts, sample weights, and their weighted averages."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_sample_weight


def _num_samples(a):
    shape = getattr(a, "shape", None)
    if shape is not None:
        if len(shape) == 0:
            raise TypeError(f"Singleton array {a!r} cannot be considered a valid collection.")
        return int(shape[0])
    return len(a)


def check_consistent_length(*arrays):
    """Raise ValueError unless every non-None array has the same number of samples."""
    lengths = [_num_samples(a) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")


def check_metric_weights(sample_weight, n_samples):
    """Sample weights of a metric as a float64 1-d array (None stays None).

    The project's one weight helper does the checks (1-d, length, NaN/infinity, not all zero);
    negative weights are allowed, as scikit-learn's metrics allow them.
    """
    if sample_weight is None:
        return None
    return check_sample_weight(sample_weight, np.empty((n_samples, 0)), dtype=np.float64,
                               allow_negative=True)


def weighted_mean(values, weights, axis=None):
    """``np.average`` over ``axis``, with a ValueError (not ZeroDivisionError) when the weights sum
    to zero, as signed weights can."""
    if weights is not None and np.sum(weights) == 0:
        raise ValueError("The weights sum to zero: the weighted average is undefined.")
    return np.average(values, axis=axis, weights=weights)
