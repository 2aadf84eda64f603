"""Input and parameter validation shared by every estimator.

Everything that reaches the compiled core passes through here first: arrays come out C-contiguous,
2-d, finite, float32 (kept when given) or float64 (everything else numeric), with at least one sample
and one feature. Problems raise ValueError/TypeError with a message that names them.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .parallel import n_threads

from ..exceptions import DataConversionWarning, NotFittedError

__all__ = [
    "check_array",
    "check_X_y",
    "validate_data",
    "check_is_fitted",
    "column_or_1d",
    "check_sample_weight",
    "check_random_state",
    "assert_finite_through",
]

FLOAT_DTYPES = (np.float64, np.float32)


def _is_sparse(X):
    return hasattr(X, "tocsr") and hasattr(X, "nnz") and hasattr(X, "format")


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def _get_feature_names(X):
    """Column names of a DataFrame as an object array when they are all strings, else None."""
    if not _is_dataframe(X):
        return None
    names = np.asarray(X.columns, dtype=object)
    if len(names) == 0:
        return None
    kinds = {isinstance(n, str) for n in names}
    if kinds == {True}:
        return names
    if kinds == {True, False}:
        raise TypeError(
            "Feature names are only supported if all input features have string names, but your "
            "input has mixed types of feature names. Convert all of them to strings, e.g. with "
            "X.columns = X.columns.astype(str)."
        )
    return None


def _dataframe_to_numpy(X):
    dtypes = list(X.dtypes)
    if dtypes and all(getattr(dt, "kind", None) == "f" and getattr(dt, "itemsize", 8) == 4 for dt in dtypes):
        return X.to_numpy(dtype=np.float32)
    try:
        # Extension dtypes (nullable ints, booleans) become float64 with missing values as NaN.
        return X.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return np.asarray(X)


_CORE_FINITE_MIN_SIZE = 1 << 16  # below this, numpy's single pass is as quick as a thread team


def _threads_of(estimator):
    """The estimator's thread count (its n_jobs) for the validation passes; all cores otherwise."""
    if estimator is not None and hasattr(estimator, "_n_threads") and not isinstance(estimator, (str, type)):
        return estimator._n_threads()
    return n_threads(None)


def _core_checks(X):
    """Whether the core's parallel, vectorised pass checks X (large contiguous float32/64 data)."""
    return (X.size >= _CORE_FINITE_MIN_SIZE and X.dtype in FLOAT_DTYPES
            and (X.flags.c_contiguous or X.flags.f_contiguous))


def _assert_finite(X, input_name, threads=None):
    if X.dtype.kind != "f":
        return
    if _core_checks(X):
        # Large data: one parallel, vectorised pass in the core (cpp/src/validation.cpp).
        from .. import _core

        kind = _core.validation.nonfinite_kind(X, threads if threads is not None else n_threads(None))
        if kind == 0:
            return
        if kind == 1:
            raise ValueError(f"Input {input_name} contains NaN.")
        raise ValueError(
            f"Input {input_name} contains infinity or a value too large for {X.dtype!r}."
        )
    # Small data: the sum is finite iff no element is NaN or infinite (barring overflow).
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.sum(X)
    if np.isfinite(s):
        return
    if np.isnan(X).any():
        raise ValueError(f"Input {input_name} contains NaN.")
    if not np.isfinite(X).all():
        raise ValueError(
            f"Input {input_name} contains infinity or a value too large for {X.dtype!r}."
        )


def assert_no_infinity(X, input_name="X", threads=None):
    """ValueError if float X holds +inf or -inf; NaN is allowed (it marks a missing value)."""
    if X.dtype.kind != "f":
        return
    if _core_checks(X):
        from .. import _core

        bad = _core.validation.any_infinite(X, threads if threads is not None else n_threads(None))
    else:
        bad = bool(np.isinf(X).any())
    if bad:
        raise ValueError(f"Input {input_name} contains infinity or a value too large for {X.dtype!r}.")


def assert_finite_through(results, X, input_name="X"):
    """The NaN/infinity check of X, done through the results of a core pass over all of X.

    A pass that multiplies every value of X into its results (a scatter matrix XᵀX: each x_ij
    enters the diagonal as x_ij²) turns any NaN or infinity in X into a NaN or infinity there, so
    finite results prove X finite and the separate pass over X is saved. When a result is not
    finite, X is checked in full (raising the usual message); if X is finite after all, the
    computation overflowed, which is reported too.
    """
    if all(np.isfinite(r).all() for r in results):
        return
    _assert_finite(X, input_name)
    raise ValueError(
        f"Input {input_name} has values too large: its scatter matrix overflows {X.dtype!r}. "
        "Scale the data down."
    )


def check_array(
    X,
    *,
    dtype="numeric",
    ensure_2d=True,
    allow_nd=False,
    ensure_all_finite=True,
    ensure_min_samples=1,
    ensure_min_features=1,
    accept_sparse=False,
    copy=False,
    input_name="X",
    estimator=None,
):
    """Validate an array-like and return it as a C-contiguous float32/float64 numpy array.

    ``dtype="numeric"`` keeps float32 and float64 and turns everything else numeric into float64.
    ``accept_sparse=True`` lets scipy.sparse matrices through (converted to CSR with float data).
    """
    who = f" by {estimator}" if isinstance(estimator, str) else (
        f" by {type(estimator).__name__}" if estimator is not None else ""
    )
    if _is_sparse(X):
        if not accept_sparse:
            raise TypeError(
                f"Sparse data was passed for {input_name}{who}, but dense data is required. "
                "Use '.toarray()' to convert to a dense numpy array."
            )
        X = X.tocsr()
        if X.dtype not in FLOAT_DTYPES:
            X = X.astype(np.float64)
        if copy:
            X = X.copy()
        if ensure_all_finite:
            _assert_finite(X.data, input_name, _threads_of(estimator))
        n_samples, n_features = X.shape
        _check_min_sizes(X.shape, ensure_min_samples, ensure_min_features, who)
        return X

    if _is_dataframe(X):
        X = _dataframe_to_numpy(X)
    elif hasattr(X, "__array__") or isinstance(X, (list, tuple)):
        pass
    elif isinstance(X, (numbers.Number, str)):
        pass
    elif X is None:
        raise ValueError(f"Expected {input_name} to be array-like, got None.")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            arr = np.asarray(X)
    except np.exceptions.ComplexWarning as e:  # pragma: no cover - depends on numpy path
        raise ValueError(f"Complex data not supported\n{X}\n") from e
    except ValueError as e:
        raise ValueError(f"{input_name} could not be converted to a numeric array: {e}") from e

    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{arr}\n")

    if dtype == "numeric":
        if arr.dtype in FLOAT_DTYPES:
            target = arr.dtype
        else:
            target = np.float64
    elif dtype is None:
        target = arr.dtype
    elif isinstance(dtype, (list, tuple)):
        # Keep the array's dtype when it is one of those listed, else convert to the first.
        allowed = [np.dtype(d) for d in dtype]
        target = arr.dtype if arr.dtype in allowed else allowed[0]
    else:
        target = np.dtype(dtype)

    if arr.dtype != target:
        if arr.dtype.kind in "USO" or arr.dtype.kind == "V":
            try:
                arr = arr.astype(target)
            except TypeError as e:
                raise TypeError(f"{input_name} must contain numbers only: {e}") from e
            except ValueError as e:
                raise ValueError(
                    f"{input_name} must contain numbers only (non-numeric data found): {e}"
                ) from e
            if arr.dtype.kind == "c":  # pragma: no cover
                raise ValueError(f"Complex data not supported\n{arr}\n")
        else:
            arr = arr.astype(target)

    if ensure_2d:
        if arr.ndim == 0:
            raise ValueError(
                f"Expected 2D array, got scalar array instead:\narray={arr}.\n"
                "Reshape your data either using array.reshape(-1, 1) if your data has a single "
                "feature or array.reshape(1, -1) if it contains a single sample."
            )
        if arr.ndim == 1:
            raise ValueError(
                f"Expected 2D array, got 1D array instead:\narray={arr}.\n"
                "Reshape your data either using array.reshape(-1, 1) if your data has a single "
                "feature or array.reshape(1, -1) if it contains a single sample."
            )
    if not allow_nd and arr.ndim >= 3:
        raise ValueError(
            f"Found array with dim {arr.ndim}{who}. Expected <= 2 (input {input_name})."
        )

    if ensure_all_finite:
        _assert_finite(arr, input_name, _threads_of(estimator))

    if ensure_2d or arr.ndim == 2:
        _check_min_sizes(arr.shape, ensure_min_samples, ensure_min_features, who)
    elif ensure_min_samples > 0 and arr.ndim == 1 and arr.shape[0] < ensure_min_samples:
        raise ValueError(
            f"Found array with {arr.shape[0]} sample(s) (shape={arr.shape}) while a minimum of "
            f"{ensure_min_samples} is required{who}."
        )

    if copy or not arr.flags.c_contiguous:
        arr = np.array(arr, dtype=arr.dtype, order="C", copy=True)
    return arr


def _check_min_sizes(shape, ensure_min_samples, ensure_min_features, who):
    n_samples = shape[0]
    if ensure_min_samples > 0 and n_samples < ensure_min_samples:
        raise ValueError(
            f"Found array with {n_samples} sample(s) (shape={tuple(shape)}) while a minimum of "
            f"{ensure_min_samples} is required{who}."
        )
    if len(shape) == 2 and ensure_min_features > 0 and shape[1] < ensure_min_features:
        raise ValueError(
            f"Found array with {shape[1]} feature(s) (shape={tuple(shape)}) while a minimum of "
            f"{ensure_min_features} is required{who}."
        )


def column_or_1d(y, *, warn=False, dtype=None, input_name="y"):
    """Ravel a column vector (warning if ``warn``) and reject anything not 1-d."""
    y = np.asarray(y, dtype=dtype)
    if y.ndim == 1:
        return y
    if y.ndim == 2 and y.shape[1] == 1:
        if warn:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change the "
                "shape of y to (n_samples, ), for example using ravel().",
                DataConversionWarning,
                stacklevel=3,
            )
        return y.ravel()
    raise ValueError(f"{input_name} should be a 1d array, got an array of shape {y.shape} instead.")


def _check_y(y, *, multi_output=False, y_numeric=False, estimator=None):
    if y is None:
        name = type(estimator).__name__ if estimator is not None else "This estimator"
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    if _is_sparse(y):
        raise TypeError("Sparse y is not supported; pass a dense array.")
    if _is_dataframe(y):
        y = _dataframe_to_numpy(y)
    y = np.asarray(y)
    if multi_output:
        if y.ndim == 0 or y.ndim > 2:
            raise ValueError(f"y must be 1- or 2-dimensional, got shape {y.shape}.")
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 outputs (shape (n, 0)); at least one is required.")
    else:
        y = column_or_1d(y, warn=True)
    if y.dtype.kind == "c":
        raise ValueError("Complex data not supported in y.")
    if y_numeric:
        if y.dtype.kind == "O":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError) as e:
                raise ValueError(f"y must be numeric: {e}") from e
        elif y.dtype.kind in "US":
            raise ValueError("y must be numeric, got strings.")
        elif y.dtype.kind not in "f":
            y = y.astype(np.float64)
        _assert_finite(y, "y", _threads_of(estimator))
    else:
        if y.dtype.kind == "f":
            _assert_finite(y, "y", _threads_of(estimator))
        elif y.dtype.kind == "O" and any(v is None for v in np.ravel(y)):
            raise ValueError("Input y contains None; labels must all be present.")
    return y


def check_X_y(X, y, *, multi_output=False, y_numeric=False, estimator=None, **kwargs):
    """Validate X with check_array and y as a 1-d (or 2-d if ``multi_output``) target of equal length."""
    if y is None:
        name = type(estimator).__name__ if estimator is not None else "This estimator"
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    X = check_array(X, estimator=estimator, **kwargs)
    y = _check_y(y, multi_output=multi_output, y_numeric=y_numeric, estimator=estimator)
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: [{X.shape[0]}, {y.shape[0]}]"
        )
    return X, y


def _check_feature_names(estimator, X, *, reset):
    names = _get_feature_names(X)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            delattr(estimator, "feature_names_in_")
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    cls = type(estimator).__name__
    if fitted is None and names is None:
        return
    if names is not None and fitted is None:
        warnings.warn(f"X has feature names, but {cls} was fitted without feature names", UserWarning)
        return
    if names is None and fitted is not None:
        warnings.warn(
            f"X does not have valid feature names, but {cls} was fitted with feature names",
            UserWarning,
        )
        return
    if len(fitted) != len(names) or np.any(fitted != names):
        unexpected = sorted(set(names) - set(fitted))
        missing = sorted(set(fitted) - set(names))
        msg = "The feature names should match those that were passed during fit.\n"
        if unexpected:
            msg += "Feature names unseen at fit time:\n" + "".join(f"- {n}\n" for n in unexpected[:5])
        if missing:
            msg += "Feature names seen at fit time, yet now missing:\n" + "".join(
                f"- {n}\n" for n in missing[:5]
            )
        if not unexpected and not missing:
            msg += "Feature names must be in the same order as they were in fit.\n"
        raise ValueError(msg)


def _num_features(X):
    if hasattr(X, "shape") and len(X.shape) >= 2:
        return X.shape[1]
    return None


def validate_data(estimator, X="no_validation", y="no_validation", *, reset=True,
                  multi_output=False, y_numeric=False, **check_params):
    """Validate X (and y) for ``estimator``; record (``reset``) or check n_features_in_ and
    feature_names_in_. Returns X, or (X, y) when y is given."""
    no_y = isinstance(y, str) and y == "no_validation"
    if not (isinstance(X, str) and X == "no_validation"):
        _check_feature_names(estimator, X, reset=reset)
    if no_y:
        X = check_array(X, estimator=estimator, **check_params)
        out = X
    else:
        X, y = check_X_y(X, y, multi_output=multi_output, y_numeric=y_numeric,
                         estimator=estimator, **check_params)
        out = (X, y)
    n_features = _num_features(X)
    if reset:
        estimator.n_features_in_ = n_features
    else:
        expected = getattr(estimator, "n_features_in_", None)
        if expected is not None and n_features != expected:
            raise ValueError(
                f"X has {n_features} features, but {type(estimator).__name__} is expecting "
                f"{expected} features as input."
            )
    return out


def check_is_fitted(estimator, attributes=None, *, msg=None):
    """Raise NotFittedError unless ``estimator`` has been fitted."""
    if isinstance(estimator, type) or not hasattr(estimator, "fit"):
        raise TypeError(f"{estimator} is not an estimator instance.")
    if attributes is not None:
        if isinstance(attributes, str):
            attributes = [attributes]
        fitted = all(hasattr(estimator, a) for a in attributes)
    elif hasattr(estimator, "__sklearn_is_fitted__"):
        fitted = estimator.__sklearn_is_fitted__()
    else:
        fitted = any(v.endswith("_") and not v.startswith("__") for v in vars(estimator))
    if not fitted:
        if msg is None:
            msg = (
                f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        raise _not_fitted_error_class()(
            msg % {"name": type(estimator).__name__} if "%(name)" in msg else msg
        )


_NOT_FITTED_CLASSES = {}


def _not_fitted_error_class():
    """Our NotFittedError; when the caller has scikit-learn loaded already (never imported here),
    a subclass that is also scikit-learn's NotFittedError, so ``except`` clauses written for either
    library catch it."""
    import sys

    sk = sys.modules.get("sklearn.exceptions")
    if sk is None or not hasattr(sk, "NotFittedError"):
        return NotFittedError
    cls = _NOT_FITTED_CLASSES.get(id(sk))
    if cls is None:
        cls = type("NotFittedError", (NotFittedError, sk.NotFittedError),
                   {"__module__": NotFittedError.__module__, "__doc__": NotFittedError.__doc__})
        _NOT_FITTED_CLASSES[id(sk)] = cls
    return cls






def check_sample_weight(sample_weight, X, dtype=None, *, allow_negative=False):
    """Sample weights as a 1-d array of length n_samples in X's float dtype (ones when None).

    The one helper every estimator uses. A scalar is broadcast. Rejected with a ValueError: a wrong
    shape or length, NaN or infinity, negative weights (unless ``allow_negative``) and weights that
    are all zero.
    """
    n = X.shape[0]
    dtype = dtype or (X.dtype if X.dtype in FLOAT_DTYPES else np.float64)
    if sample_weight is None:
        return np.ones(n, dtype=dtype)
    if isinstance(sample_weight, numbers.Number) and not isinstance(sample_weight, (bool, np.bool_)):
        sw = np.full(n, sample_weight, dtype=dtype)
    else:
        sw = check_array(sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight",
                         ensure_min_samples=0)
        if sw.ndim != 1:
            raise ValueError(f"Sample weights must be 1D array or scalar, got shape {sw.shape}.")
        if sw.shape[0] != n:
            raise ValueError(f"sample_weight.shape == ({sw.shape[0]},), expected ({n},)!")
    if not np.all(np.isfinite(sw)):
        raise ValueError("Input sample_weight contains NaN or infinity.")
    if not allow_negative and np.any(sw < 0):
        raise ValueError("Negative values in sample_weight are not allowed.")
    if n and not np.any(sw != 0):
        raise ValueError("Sample weights must contain at least one non-zero number (they are all zero).")
    return sw


def check_random_state(seed):
    """A numpy RandomState from None, an int, or an existing RandomState/Generator."""
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.RandomState(int(seed))
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    raise ValueError(f"random_state must be None, an int or a numpy RandomState, got {seed!r}.")









