"""Encoders against scikit-learn, exactly: OneHotEncoder, OrdinalEncoder, LabelEncoder and
LabelBinarizer on object, string, numeric and pandas (object / category) columns, with None and NaN,
unseen categories in every handle_unknown mode, infrequent categories, drop, feature names."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn import preprocessing as sk

from scratchlearn import preprocessing as sl
from scratchlearn.preprocessing import _categories
from scratchlearn.preprocessing._encoders import _encode_objects


def _frame_equal(a, b):
    return pd.DataFrame(a).equals(pd.DataFrame(b))


def _object_data(rng, n=300):
    X = np.empty((n, 4), dtype=object)
    X[:, 0] = rng.choice(["a", "b", "c", "d", "e"], n, p=[0.5, 0.3, 0.1, 0.07, 0.03])
    X[:, 1] = rng.choice(["x", "y", None], n)
    X[:, 2] = rng.choice([1.0, 2.0, np.nan, 3.0], n)
    X[:, 3] = rng.choice([10, 20, 30], n)
    return X


def _unseen(X):
    Xt = X[:40].copy()
    Xt[0, 0] = "zz"
    Xt[1, 2] = 7.0
    Xt[2, 3] = 99
    return Xt


def _frame(X):
    return pd.DataFrame({"s": X[:, 0], "c": pd.Categorical(X[:, 1]),
                         "f": X[:, 2].astype(float), "i": X[:, 3].astype(np.int64)})


ONEHOT = [
    {}, {"drop": "first"}, {"drop": "if_binary"}, {"drop": ["b", "x", 2.0, 20]},
    {"handle_unknown": "ignore"}, {"handle_unknown": "ignore", "drop": "first"},
    {"handle_unknown": "infrequent_if_exist", "min_frequency": 20},
    {"handle_unknown": "infrequent_if_exist", "max_categories": 3},
    {"min_frequency": 0.1}, {"handle_unknown": "warn", "max_categories": 2},
    {"dtype": np.float32}, {"categories": [["a", "b", "c", "d", "e"], ["x", "y", None], [1.0, 2.0, 3.0, np.nan], [10, 20, 30]]},
]


@pytest.mark.parametrize("kw", ONEHOT, ids=str)
@pytest.mark.parametrize("frame", [False, True])
def test_onehot_matches_sklearn(kw, frame, rng):
    X = _object_data(rng)
    data, new = (_frame(X), _frame(_unseen(X))) if frame else (X, _unseen(X))
    if frame and "categories" in kw:
        # a categorical column holds None as NaN
        kw = dict(kw, categories=[kw["categories"][0], ["x", "y", np.nan], kw["categories"][2], kw["categories"][3]])
    for sparse in (False, True):
        a = sl.OneHotEncoder(sparse_output=sparse, **kw)
        b = sk.OneHotEncoder(sparse_output=sparse, **kw)
        A, B = a.fit_transform(data), b.fit_transform(data)
        if sparse:
            assert sp.issparse(A) and A.format == "csr"
            A, B = A.toarray(), B.toarray()
        assert A.dtype == B.dtype
        assert_array_equal(A, B)
        assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
        assert_array_equal(a.fit(data).transform(data).toarray() if sparse else a.fit(data).transform(data), A)
        for ca, cb in zip(a.categories_, b.categories_):
            assert _frame_equal(ca, cb)
        assert _frame_equal(a.drop_idx_, b.drop_idx_) if b.drop_idx_ is not None else a.drop_idx_ is None
        if kw.get("handle_unknown", "error") == "error":
            with pytest.raises(ValueError, match="Found unknown categories"):
                a.transform(new)
            assert _frame_equal(a.inverse_transform(A), b.inverse_transform(B))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                Ta, Tb = a.transform(new), b.transform(new)
            if sparse:
                Ta, Tb = Ta.toarray(), Tb.toarray()
            assert_array_equal(Ta, Tb)
            assert _frame_equal(a.inverse_transform(Ta), b.inverse_transform(Tb))
        if b._infrequent_enabled:
            for ia, ib in zip(a.infrequent_categories_, b.infrequent_categories_):
                assert _frame_equal(ia, ib)


def test_onehot_warns_like_sklearn(rng):
    X = _object_data(rng)
    a = sl.OneHotEncoder(handle_unknown="ignore", drop="first").fit(X)
    with pytest.warns(UserWarning, match=r"Found unknown categories in columns \[0, 2, 3\]"):
        a.transform(_unseen(X))


ORDINAL = [
    {}, {"handle_unknown": "use_encoded_value", "unknown_value": -1},
    {"handle_unknown": "use_encoded_value", "unknown_value": np.nan, "encoded_missing_value": -2},
    {"min_frequency": 20}, {"max_categories": 2, "handle_unknown": "use_encoded_value", "unknown_value": -1},
    {"dtype": np.float32},
]


@pytest.mark.parametrize("kw", ORDINAL, ids=str)
@pytest.mark.parametrize("frame", [False, True])
def test_ordinal_matches_sklearn(kw, frame, rng):
    X = _object_data(rng)
    data, new = (_frame(X), _frame(_unseen(X))) if frame else (X, _unseen(X))
    a, b = sl.OrdinalEncoder(**kw), sk.OrdinalEncoder(**kw)
    A, B = a.fit_transform(data), b.fit_transform(data)
    assert A.dtype == B.dtype
    assert_array_equal(A, B)
    assert_array_equal(a.transform(data), B)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    if kw.get("handle_unknown", "error") == "error":
        with pytest.raises(ValueError, match="Found unknown categories"):
            a.transform(new)
    else:
        assert_array_equal(a.transform(new), b.transform(new))
    if "max_categories" not in kw and "min_frequency" not in kw and "encoded_missing_value" not in kw:
        assert _frame_equal(a.inverse_transform(A), b.inverse_transform(B))


def test_ordinal_parameter_errors(rng):
    X = _object_data(rng)
    with pytest.raises(TypeError, match="unknown_value should be an integer or np.nan"):
        sl.OrdinalEncoder(handle_unknown="use_encoded_value").fit(X)
    with pytest.raises(TypeError, match="unknown_value should only be set"):
        sl.OrdinalEncoder(unknown_value=-1).fit(X)
    with pytest.raises(ValueError, match="already used for encoding"):
        sl.OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=1).fit(X)
    with pytest.raises(ValueError, match="encoded_missing_value \\(1\\) is already used"):
        sl.OrdinalEncoder(encoded_missing_value=1).fit(X)


def test_numeric_and_string_arrays(rng):
    Xi = rng.randint(0, 5, (100, 3))
    Xf = rng.randn(100, 2).round(1)
    Xf[::9, 0] = np.nan
    Xs = rng.choice(["p", "q", "r"], (100, 2))  # a numpy str array keeps its dtype
    for X in (Xi, Xf, Xs, Xs.tolist()):
        a, b = sl.OneHotEncoder(sparse_output=False), sk.OneHotEncoder(sparse_output=False)
        assert_array_equal(a.fit_transform(X), b.fit_transform(X))
        for ca, cb in zip(a.categories_, b.categories_):
            assert ca.dtype == cb.dtype
            assert _frame_equal(ca, cb)
        assert_array_equal(sl.OrdinalEncoder().fit_transform(X), sk.OrdinalEncoder().fit_transform(X))


def test_bad_input_messages(rng):
    X = _object_data(rng)
    with pytest.raises(ValueError, match=r"Found unknown categories \['zz'\] in column 0 during transform"):
        sl.OneHotEncoder().fit(X).transform(_unseen(X)[:1])
    with pytest.raises(TypeError, match="uniformly strings or numbers"):
        sl.OneHotEncoder().fit(np.array([["a"], [1]], dtype=object))
    with pytest.raises(ValueError, match="Found unknown categories .* during fit"):
        sl.OneHotEncoder(categories=[["a", "b"]]).fit(np.array([["a"], ["c"]], dtype=object))
    with pytest.raises(ValueError, match="Unsorted categories are not supported"):
        sl.OneHotEncoder(categories=[[3, 1]]).fit(np.array([[1], [3]]))
    with pytest.raises(ValueError, match="Shape mismatch"):
        sl.OneHotEncoder(categories=[["a"]]).fit(X)
    with pytest.raises(ValueError, match="were not found in the training data"):
        sl.OneHotEncoder(drop=["zz", "x", 2.0, 20]).fit(X)
    with pytest.raises(ValueError, match="infinity"):
        sl.OneHotEncoder().fit(np.array([[1.0], [np.inf]]))
    with pytest.raises(ValueError, match="expecting 4 features"):
        sl.OneHotEncoder().fit(X).transform(X[:, :2])
    with pytest.raises(ValueError, match="2D array"):
        sl.OrdinalEncoder().fit(np.array(["a", "b"], dtype=object))
    with pytest.raises(ValueError, match="Pandas output does not support sparse data"):
        sl.OneHotEncoder().set_output(transform="pandas").fit_transform(X)


def test_set_output_pandas(rng):
    X = _frame(_object_data(rng))
    out = sl.OneHotEncoder(sparse_output=False).set_output(transform="pandas").fit_transform(X)
    ref = sk.OneHotEncoder(sparse_output=False).set_output(transform="pandas").fit_transform(X)
    pd.testing.assert_frame_equal(out, ref)
    out = sl.OrdinalEncoder().set_output(transform="pandas").fit_transform(X)
    ref = sk.OrdinalEncoder().set_output(transform="pandas").fit_transform(X)
    pd.testing.assert_frame_equal(out, ref)


def test_categories_extension():
    values = np.array(["b", "a", None, "b", np.nan, "c", "a", "a"], dtype=object)
    codes, uniques, n_none, n_nan = _categories.encode(values)
    assert uniques == ["b", "a", "c"] and n_none == 1 and n_nan == 1
    assert_array_equal(codes, [0, 1, -1, 0, -2, 2, 1, 1])
    assert_array_equal(_categories.lookup(values, ["a", "b", None], 2, -5, -9), [1, 0, 2, 1, -5, -9, 0, 0])
    assert_array_equal(_categories.missing_mask(values), [0, 0, 1, 0, 1, 0, 0, 0])
    # a read-only and a strided column go through the wrapper unchanged
    ro = np.array([["x", "y"], ["y", "x"]], dtype=object)
    ro.setflags(write=False)
    assert _encode_objects(ro[:, 1])[1] == ["y", "x"]


@pytest.mark.parametrize("y", [["b", "a", "c", "a"], [3, 1, 2, 3], [1.5, 0.5, 1.5, 2.0]])
def test_label_encoder_binarizer(y):
    a, b = sl.LabelEncoder(), sk.LabelEncoder()
    assert_array_equal(a.fit_transform(y), b.fit_transform(y))
    assert_array_equal(a.classes_, b.classes_)
    assert_array_equal(a.inverse_transform([0, 2, 1]), b.inverse_transform([0, 2, 1]))
    with pytest.raises(ValueError, match="previously unseen labels"):
        a.transform([y[0], "zzz" if isinstance(y[0], str) else 99])
    if isinstance(y[0], float):  # continuous targets are no class labels
        with pytest.raises(ValueError, match="Unknown label type"):
            sl.LabelBinarizer().fit(y)
        with pytest.raises(ValueError, match="Unknown label type"):
            sk.LabelBinarizer().fit(y)
        return
    for kw in ({}, {"neg_label": -1, "pos_label": 2}):
        a, b = sl.LabelBinarizer(**kw), sk.LabelBinarizer(**kw)
        assert_array_equal(a.fit_transform(y), b.fit_transform(y))
        assert_array_equal(a.inverse_transform(a.transform(y)), b.inverse_transform(b.transform(y)))
    yb = y[:2]
    assert_array_equal(sl.LabelBinarizer().fit_transform(yb), sk.LabelBinarizer().fit_transform(yb))
    assert sp.issparse(sl.LabelBinarizer(sparse_output=True).fit_transform(y))
    with pytest.raises(ValueError, match="must be strictly less than"):
        sl.LabelBinarizer(neg_label=2, pos_label=1).fit(y)


@pytest.fixture
def no_scipy(monkeypatch):
    """scipy hidden: every import of scipy or of one of its modules fails as if it were absent."""
    import builtins
    import sys

    real_import = builtins.__import__

    def guarded(name, *args, **kwargs):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for mod in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", guarded)


def test_sparse_output_default_is_csr_with_scipy(rng):
    X = _object_data(rng)
    A = sl.OneHotEncoder().fit_transform(X)
    B = sk.OneHotEncoder().fit_transform(X)
    assert sp.issparse(A) and A.format == "csr"
    assert_array_equal(A.toarray(), B.toarray())
    assert sl.OneHotEncoder().get_params()["sparse_output"] == "auto"
    Xb = rng.random((30, 2))
    a, b = sl.KBinsDiscretizer(n_bins=3), sk.KBinsDiscretizer(n_bins=3, quantile_method="linear")
    Ka, Kb = a.fit_transform(Xb), b.fit_transform(Xb)
    assert sp.issparse(Ka) and Ka.format == "csr"
    assert_array_equal(Ka.toarray(), Kb.toarray())


def test_sparse_output_without_scipy(no_scipy, rng):
    X = _object_data(rng)
    # the default: dense where scipy is absent, equal to the dense answer
    dense = sl.OneHotEncoder().fit_transform(X)
    assert isinstance(dense, np.ndarray)
    assert_array_equal(dense, sl.OneHotEncoder(sparse_output=False).fit_transform(X))
    assert isinstance(sl.OneHotEncoder().fit(X).transform(X), np.ndarray)
    # asked for explicitly: an ImportError naming scipy, at fit and fit_transform
    for call in ("fit", "fit_transform"):
        with pytest.raises(ImportError, match="needs scipy"):
            getattr(sl.OneHotEncoder(sparse_output=True), call)(X)
    y = np.array(["a", "b", "c", "a"])
    assert isinstance(sl.LabelBinarizer().fit_transform(y), np.ndarray)
    with pytest.raises(ImportError, match="LabelBinarizer\\(sparse_output=True\\).*needs scipy"):
        sl.LabelBinarizer(sparse_output=True).fit(y)
    Kd = sl.KBinsDiscretizer(n_bins=3).fit_transform(rng.random((30, 2)))
    assert isinstance(Kd, np.ndarray) and Kd.shape == (30, 6)

