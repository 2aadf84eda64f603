# cython: language_level=3, boundscheck=False, wraparound=False
"""Categories of object / string columns: Python objects hashed into integer codes in one pass.

The encoders (OneHotEncoder, OrdinalEncoder, LabelEncoder) and SimpleImputer(most_frequent) call
these on object columns; numeric columns take the numpy / C++ path instead. Missing values are None
and float NaN (any float that is not equal to itself).
"""

import numpy as np

from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.object cimport PyObject
from cpython.list cimport PyList_Append

ctypedef long long i64


cdef inline bint _is_missing(object v):
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    return False


def encode(object[:] values):
    """(codes, uniques, n_none, n_nan) for a 1-d object array: codes[i] is the index of values[i]
    in uniques (the distinct present values in order of first appearance), -1 for None and -2 for
    NaN; n_none / n_nan count those."""
    cdef Py_ssize_t i, n = values.shape[0]
    cdef dict table = {}
    cdef list uniques = []
    codes = np.empty(n, dtype=np.int64)
    cdef i64[::1] c = codes
    cdef object v
    cdef PyObject* hit
    cdef object last = None       # runs of one value (sorted or grouped data) skip the dict
    cdef i64 last_code = -3
    cdef i64 k
    cdef Py_ssize_t n_none = 0, n_nan = 0
    for i in range(n):
        v = values[i]
        if v is last and last_code >= 0:
            c[i] = last_code
            continue
        if v is None:
            c[i] = -1
            n_none += 1
            continue
        if isinstance(v, float) and v != v:
            c[i] = -2
            n_nan += 1
            continue
        hit = PyDict_GetItem(table, v)
        if hit is NULL:
            k = len(uniques)
            PyDict_SetItem(table, v, k)
            PyList_Append(uniques, v)
        else:
            k = <i64>(<object>hit)
        c[i] = k
        last = v
        last_code = k
    return codes, uniques, n_none, n_nan


def lookup(object[:] values, list categories, i64 none_code, i64 nan_code, i64 unknown_code):
    """Codes of values against a list of known categories (their positions): None gets none_code,
    NaN nan_code, a value not among the categories unknown_code."""
    cdef Py_ssize_t i, n = values.shape[0]
    cdef dict table = {}
    cdef Py_ssize_t k
    for k in range(len(categories)):
        if not _is_missing(categories[k]):
            table[categories[k]] = k
    codes = np.empty(n, dtype=np.int64)
    cdef i64[::1] c = codes
    cdef object v
    cdef PyObject* hit
    for i in range(n):
        v = values[i]
        if v is None:
            c[i] = none_code
        elif isinstance(v, float) and v != v:
            c[i] = nan_code
        else:
            hit = PyDict_GetItem(table, v)
            c[i] = unknown_code if hit is NULL else <i64>(<object>hit)
    return codes


def missing_mask(object[:] values):
    """A boolean mask of the None / NaN entries of a 1-d object array."""
    cdef Py_ssize_t i, n = values.shape[0]
    mask = np.zeros(n, dtype=np.uint8)
    cdef unsigned char[::1] m = mask
    for i in range(n):
        if _is_missing(values[i]):
            m[i] = 1
    return mask.view(np.bool_)
