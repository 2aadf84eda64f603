"""ColumnTransformer against scikit-learn: columns by index, name, slice, mask and selector;
remainder drop / passthrough / a transformer; sparse stacking; feature names; n_jobs; pandas
in and out; bad input."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import compose as skc
from sklearn import preprocessing as skp
from sklearn import impute as ski
from sklearn import pipeline as skpl

from scratchlearn import compose as slc
from scratchlearn import impute as sli
from scratchlearn import pipeline as slpl
from scratchlearn import preprocessing as slp


def _frame(rng, n=120):
    df = pd.DataFrame({"a": rng.randn(n), "b": rng.rand(n) * 10,
                       "c": rng.choice(["x", "y", "z"], n),
                       "d": pd.Categorical(rng.choice(["p", "q"], n)),
                       "e": rng.randint(0, 4, n)})
    df.loc[::9, "a"] = np.nan
    df.loc[::11, "c"] = None
    return df


def _pair(lib, remainder="drop", **kw):
    p, imp, pl, comp = (slp, sli, slpl, slc) if lib == "ours" else (skp, ski, skpl, skc)
    num = pl.make_pipeline(imp.SimpleImputer(strategy="median"), p.StandardScaler())
    cat = p.OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    rem = remainder if isinstance(remainder, str) else remainder[lib]
    return comp.ColumnTransformer(
        [("num", num, comp.make_column_selector(dtype_include="number")),
         ("cat", cat, ["c", "d"])], remainder=rem, **kw)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_frame_matches_sklearn(n_jobs, rng):
    df = _frame(rng)
    # (scikit-learn's side serially: its n_jobs starts worker processes, slow to start)
    a, b = _pair("ours", n_jobs=n_jobs), _pair("sklearn")
    assert_allclose(a.fit_transform(df), b.fit_transform(df), atol=1e-12)
    assert_allclose(a.transform(df.iloc[:20]), b.transform(df.iloc[:20]), atol=1e-12)
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert set(a.named_transformers_) == set(b.named_transformers_)
    assert a.output_indices_ == b.output_indices_
    # columns in another order at transform are found by name
    assert_allclose(a.transform(df[df.columns[::-1]]), b.transform(df), atol=1e-12)


@pytest.mark.parametrize("remainder", ["drop", "passthrough",
                                       {"ours": slp.MinMaxScaler(), "sklearn": skp.MinMaxScaler()}],
                         ids=["drop", "passthrough", "transformer"])
def test_remainder_on_arrays(remainder, rng):
    X = rng.rand(40, 5)
    rem_a = remainder if isinstance(remainder, str) else remainder["ours"]
    rem_b = remainder if isinstance(remainder, str) else remainder["sklearn"]
    for cols in ([0, 2], slice(1, 3), np.array([True, False, True, False, False]), [1], [-1]):
        a = slc.ColumnTransformer([("s", slp.StandardScaler(), cols)], remainder=rem_a)
        b = skc.ColumnTransformer([("s", skp.StandardScaler(), cols)], remainder=rem_b)
        assert_allclose(a.fit_transform(X), b.fit_transform(X))
        assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
        assert a.output_indices_ == b.output_indices_


def test_scalar_column_is_one_dimensional(rng):
    X = rng.rand(10, 3)
    df = pd.DataFrame(X, columns=list("abc"))
    seen = []
    from scratchlearn.preprocessing import FunctionTransformer

    def record(Z):
        seen.append(np.ndim(Z))
        return np.asarray(Z).reshape(-1, 1)

    slc.ColumnTransformer([("f", FunctionTransformer(record), 1)]).fit_transform(X)
    slc.ColumnTransformer([("f", FunctionTransformer(record), "b")]).fit_transform(df)
    assert seen == [1, 1]  # the function sees a 1-d column (once per fit_transform)


def test_make_column_transformer_and_drop_passthrough(rng):
    X = rng.rand(30, 4)
    a = slc.make_column_transformer((slp.StandardScaler(), [0]), ("drop", [1]), ("passthrough", [2]),
                                    remainder="passthrough", verbose_feature_names_out=False)
    b = skc.make_column_transformer((skp.StandardScaler(), [0]), ("drop", [1]), ("passthrough", [2]),
                                    remainder="passthrough", verbose_feature_names_out=False)
    assert_allclose(a.fit_transform(X), b.fit_transform(X))
    assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert [t[0] for t in a.transformers] == [t[0] for t in b.transformers]


def test_sparse_threshold(rng):
    X = np.array([["a"], ["b"], ["c"], ["a"]] * 10, dtype=object)
    for thr in (0.0, 0.8):
        a = slc.ColumnTransformer([("o", slp.OneHotEncoder(), [0])], sparse_threshold=thr)
        b = skc.ColumnTransformer([("o", skp.OneHotEncoder(), [0])], sparse_threshold=thr)
        A, B = a.fit_transform(X), b.fit_transform(X)
        assert sp.issparse(A) == sp.issparse(B)
        assert a.sparse_output_ == b.sparse_output_
        assert_array_equal(A.toarray() if sp.issparse(A) else A, B.toarray() if sp.issparse(B) else B)


def test_set_output_pandas(rng):
    df = _frame(rng)
    a = slc.ColumnTransformer([("o", slp.OrdinalEncoder(), ["c"]), ("s", slp.StandardScaler(), ["b"])],
                              remainder="passthrough").set_output(transform="pandas")
    b = skc.ColumnTransformer([("o", skp.OrdinalEncoder(), ["c"]), ("s", skp.StandardScaler(), ["b"])],
                              remainder="passthrough").set_output(transform="pandas")
    A, B = a.fit_transform(df), b.fit_transform(df)
    assert isinstance(A, pd.DataFrame)
    pd.testing.assert_frame_equal(A, B)
    pd.testing.assert_frame_equal(a.transform(df), b.transform(df))


def test_column_selector(rng):
    df = _frame(rng)
    for kw in ({"dtype_include": "number"}, {"dtype_exclude": "number"}, {"pattern": "^[ab]"},
               {"pattern": "c|d", "dtype_include": object}):
        assert slc.make_column_selector(**kw)(df) == skc.make_column_selector(**kw)(df)
    with pytest.raises(ValueError, match="only be applied to pandas dataframes"):
        slc.make_column_selector(dtype_include="number")(np.zeros((2, 2)))


def test_grid_search_over_column_transformer(rng):
    from sklearn.model_selection import GridSearchCV
    from scratchlearn.linear_model import LogisticRegression

    df = _frame(rng)
    y = (df["b"] > 5).astype(int).to_numpy()
    pipe = slpl.Pipeline([("ct", _pair("ours")), ("clf", LogisticRegression())])
    gs = GridSearchCV(pipe, {"clf__C": [0.01, 1.0], "ct__num__simpleimputer__strategy": ["mean", "median"]},
                      cv=3).fit(df, y)
    ref = GridSearchCV(skpl.Pipeline([("ct", _pair("sklearn")), ("clf", LogisticRegression())]),
                       {"clf__C": [0.01, 1.0], "ct__num__simpleimputer__strategy": ["mean", "median"]},
                       cv=3).fit(df, y)
    assert gs.best_params_ == ref.best_params_
    assert_allclose(gs.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])


def test_bad_input(rng):
    X = rng.rand(10, 3)
    with pytest.raises(ValueError, match="only supported for dataframes"):
        slc.ColumnTransformer([("s", slp.StandardScaler(), ["a"])]).fit(X)
    with pytest.raises(ValueError, match="not a column of the dataframe"):
        slc.ColumnTransformer([("s", slp.StandardScaler(), ["zz"])]).fit(pd.DataFrame(X, columns=list("abc")))
    with pytest.raises(TypeError, match="should implement fit and transform"):
        slc.ColumnTransformer([("s", object(), [0])]).fit(X)
    with pytest.raises(ValueError, match="expecting 3 features"):
        slc.ColumnTransformer([("s", slp.StandardScaler(), [0])]).fit(X).transform(X[:, :2])
    with pytest.raises(ValueError, match="Names provided are not unique"):
        slc.ColumnTransformer([("s", slp.StandardScaler(), [0]), ("s", slp.StandardScaler(), [1])]).fit(X)
    with pytest.raises(ValueError, match="columns are missing"):
        df = pd.DataFrame(X, columns=list("abc"))
        slc.ColumnTransformer([("s", slp.StandardScaler(), ["a"])]).fit(df).transform(df[["b", "c"]])
