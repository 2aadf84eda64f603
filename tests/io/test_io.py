"""Safe model files (scratchlearn.io): every public estimator round-trips bitwise, nothing in a file
is executed, and every kind of damaged or hostile file is refused with a ValueError.

Also: pickle and copy.deepcopy round-trip bitwise; skops' dump/load works with only scratchlearn
classes reported untrusted; files written by format version 1 (tests/io/fixtures/, made by
tests/io/make_fixtures.py) load and predict as recorded.
"""

import copy
import io
import json
import os
import pickle
import sys
import zipfile

import numpy as np
import scipy.sparse
import pytest
import skops.io as sio
from numpy.testing import assert_allclose, assert_array_equal

import scratchlearn.io as slio
from _estimators import ESTIMATORS, ESTIMATOR_IDS, fit, fitted_state, make, outputs, problem
from scratchlearn.cluster import KMeans
from scratchlearn.decomposition import PCA
from scratchlearn.ensemble import RandomForestClassifier
from scratchlearn.linear_model import Ridge
from scratchlearn.neighbors import KNeighborsClassifier
from scratchlearn.tree import DecisionTreeClassifier

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def _fitted(cls, dtype=np.float64):
    est = make(cls)
    X, y = problem(est, dtype=dtype)
    fit(est, X, y)
    return est, X


def _assert_same(a, b, where=""):
    """Bitwise equality of two values (arrays, scalars, containers), dtypes included."""
    if scipy.sparse.issparse(a):
        assert scipy.sparse.issparse(b) and a.format == b.format and a.shape == b.shape, where
        a, b = a.tocsr(), b.tocsr()
        for part in ("data", "indices", "indptr"):
            _assert_same(getattr(a, part), getattr(b, part), f"{where}.{part}")
        return
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        if a.dtype.kind == "O":
            for x, y in zip(a.ravel(), b.ravel()):
                _assert_same(x, y, where)
        else:
            assert a.tobytes() == b.tobytes(), f"{where} differs"
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert type(b) is dict and list(a) == list(b), where
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, float) and a != a:
        assert isinstance(b, float) and b != b, where
    elif hasattr(a, "__dict__") and type(a).__module__.startswith("scratchlearn"):
        assert type(a) is type(b), where
        # an object's saved state (what __getstate__ gives: caches such as a tree's packed
        # arrays are left out), in any order (a __setstate__ may rebuild some after the rest)
        def saved(o):
            st = o.__getstate__() if type(o).__getstate__ is not object.__getstate__ else vars(o)
            return dict(sorted(st.items())) if isinstance(st, dict) else st
        _assert_same(saved(a), saved(b), where)
    else:
        assert type(a) is type(b) and a == b, f"{where}: {a!r} != {b!r}"


def _roundtrip(est, tmp_path):
    path = tmp_path / "model.zip"
    slio.save(est, path)
    return slio.load(path)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_roundtrip_bitwise(cls, dtype, tmp_path):
    est, X = _fitted(cls, dtype)
    before = outputs(est, X)
    loaded = _roundtrip(est, tmp_path)
    assert type(loaded) is cls
    assert sorted(fitted_state(loaded)) == sorted(fitted_state(est))
    _assert_same(fitted_state(est), fitted_state(loaded), "fitted state")
    _assert_same(est.get_params(deep=False), loaded.get_params(deep=False), "params")
    after = outputs(loaded, X)
    assert sorted(after) == sorted(before)
    for key in before:
        _assert_same(before[key], after[key], key)
    # the loaded model is a working estimator: it refits
    fit(loaded, *problem(loaded, dtype=dtype))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_roundtrip_unfitted(cls, tmp_path):
    est = make(cls)
    loaded = _roundtrip(est, tmp_path)
    assert type(loaded) is cls and repr(loaded) == repr(est)
    _assert_same(est.get_params(deep=False), loaded.get_params(deep=False))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_pickle_and_deepcopy_bitwise(cls):
    est, X = _fitted(cls)
    before = outputs(est, X)
    for other in (pickle.loads(pickle.dumps(est)), copy.deepcopy(est)):
        after = outputs(other, X)
        for key in before:
            _assert_same(before[key], after[key], key)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_skops(cls, tmp_path):
    est, X = _fitted(cls)
    before = outputs(est, X)
    path = tmp_path / "model.skops"
    sio.dump(est, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted, "the estimator's own class is not trusted by default"
    assert all(name.startswith("scratchlearn.") for name in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    after = outputs(loaded, X)
    for key in before:
        _assert_same(before[key], after[key], key)


def test_nested_estimators_and_values(tmp_path):
    # a forest (estimators_ built from its node arrays), a tree (tree_ object), and arbitrary
    # nesting of estimators and plain values in attributes
    X, y = problem(RandomForestClassifier())
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    _ = forest.estimators_  # the cached per-tree view must not break saving
    holder = Ridge(alpha=0.5).fit(X, y)
    holder.extra_ = {"forest": forest, "models": [KMeans(3, n_init=1, random_state=0).fit(X),
                                                  (PCA(2).fit(X), None)],
                     "numbers": [1, 2.5, float("nan"), float("-inf"), np.float32(1.5), np.int64(7),
                                 complex(1, -2), True, "text"],
                     3: np.arange(5), "dtype": np.dtype(np.float32), "type": np.float64,
                     "rs": np.random.RandomState(3), "labels": np.array(["a", "bb"], dtype=object)}
    shared = np.arange(4.0)
    holder.a_, holder.b_ = shared, shared
    loaded = _roundtrip(holder, tmp_path)
    _assert_same(holder.extra_["models"], loaded.extra_["models"])
    assert_array_equal(loaded.extra_["forest"].predict_proba(X), forest.predict_proba(X))
    assert_array_equal(loaded.extra_["models"][1][0].transform(X), holder.extra_["models"][1][0].transform(X))
    numbers = loaded.extra_["numbers"]
    _assert_same(numbers, holder.extra_["numbers"])
    assert loaded.extra_["dtype"] == np.float32 and loaded.extra_["type"] is np.float64
    assert loaded.extra_["rs"].randint(0, 10**9) == np.random.RandomState(3).randint(0, 10**9)
    assert loaded.extra_["labels"].dtype == object and list(loaded.extra_["labels"]) == ["a", "bb"]
    assert loaded.a_ is loaded.b_  # an array held twice is stored once
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    tree2 = _roundtrip(tree, tmp_path)
    assert type(tree2.tree_) is type(tree.tree_)
    assert_array_equal(tree2.tree_.threshold, tree.tree_.threshold)
    assert_array_equal(tree2.apply(X), tree.apply(X))


def test_searches_pipelines_and_any_nesting(tmp_path):
    # a search over a Pipeline (several scorers: scratchlearn's metric functions in the scorers),
    # inside a Pipeline, inside a search: saved and loaded whole, cv_results_' masked param_*
    # columns kept (data and mask), predictions bitwise
    from scratchlearn.model_selection import GridSearchCV, RandomizedSearchCV
    from scratchlearn.pipeline import Pipeline
    from scratchlearn.preprocessing import StandardScaler

    X, y = problem(KNeighborsClassifier(), n=60)
    inner = GridSearchCV(Pipeline([("scale", StandardScaler()), ("knn", KNeighborsClassifier())]),
                         [{"knn__n_neighbors": [1, 3]}, {"knn__weights": ["distance"]}], cv=3,
                         scoring=["accuracy", "f1_macro"], refit="accuracy",
                         return_train_score=True)
    outer = RandomizedSearchCV(Pipeline([("scale", StandardScaler()), ("search", inner)]),
                               {"scale__with_mean": [True, False]}, n_iter=2, cv=2,
                               random_state=0)
    outer.fit(X, y)
    loaded = _roundtrip(outer, tmp_path)
    assert type(loaded) is RandomizedSearchCV
    assert_array_equal(loaded.predict(X), outer.predict(X))
    assert_array_equal(loaded.predict_proba(X), outer.predict_proba(X))
    assert loaded.score(X, y) == outer.score(X, y)
    fitted_inner = outer.best_estimator_.named_steps["search"]
    loaded_inner = loaded.best_estimator_.named_steps["search"]
    for a, b in ((outer, loaded), (fitted_inner, loaded_inner)):
        assert list(a.cv_results_) == list(b.cv_results_)
        for key, value in a.cv_results_.items():
            if isinstance(value, np.ma.MaskedArray):
                assert isinstance(b.cv_results_[key], np.ma.MaskedArray), key
                assert_array_equal(np.ma.getmaskarray(value), np.ma.getmaskarray(b.cv_results_[key]))
                assert list(value.compressed()) == list(b.cv_results_[key].compressed()), key
            else:
                _assert_same(value, b.cv_results_[key], key)
        assert a.best_params_ == b.best_params_ and a.best_index_ == b.best_index_
    assert np.ma.getmaskarray(fitted_inner.cv_results_["param_knn__weights"]).tolist() == [True, True, False]
    assert loaded_inner.scorer_["f1_macro"]._score_func is fitted_inner.scorer_["f1_macro"]._score_func
    # the loaded search refits
    assert_array_equal(loaded.fit(X, y).predict(X), outer.predict(X))
    # pickle and skops too
    assert_array_equal(pickle.loads(pickle.dumps(outer)).predict(X), outer.predict(X))
    path = tmp_path / "search.skops"
    sio.dump(outer, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(name.startswith("scratchlearn.") for name in untrusted), untrusted
    assert_array_equal(sio.load(path, trusted=untrusted).predict(X), outer.predict(X))


def test_functions_only_scratchlearns_own(tmp_path):
    from scratchlearn.metrics import make_scorer, r2_score

    # a scratchlearn metric in a user's scorer is saved by its path; a user's function is not
    search_holder = Ridge()
    search_holder.scorer_ = make_scorer(r2_score)
    loaded = _roundtrip(search_holder, tmp_path)
    assert loaded.scorer_._score_func is r2_score
    search_holder.scorer_ = make_scorer(lambda a, b: 0.0)
    with pytest.raises(ValueError, match=r"cannot save estimator\.scorer_\._score_func: builtins\.function"):
        slio.save(search_holder, tmp_path / "m.zip")
    # a file naming any other function (a builtin, a module's, one of scratchlearn's modules'
    # imports) is refused, and the module is never imported
    search_holder.scorer_ = make_scorer(r2_score)
    path = tmp_path / "f.zip"
    slio.save(search_holder, path)
    for name in ("builtins.eval", "os.system", "scratchlearn.io.json.loads", "numpy.load",
                 "scratchlearn_hostile_module.payload"):
        doc = _doc(path)
        text = json.dumps(doc).replace(f"{r2_score.__module__}.r2_score", name)
        _rewrite(path, doc=json.loads(text))
        with pytest.raises(ValueError, match="is not a scratchlearn function"):
            slio.load(path)
        assert "scratchlearn_hostile_module" not in sys.modules
        slio.save(search_holder, path)


def test_file_objects(tmp_path):
    est = KNeighborsClassifier(3).fit(*problem(KNeighborsClassifier()))
    buf = io.BytesIO()
    slio.save(est, buf)
    buf.seek(0)
    assert_array_equal(slio.load(buf).predict(est._fit_X), est.predict(est._fit_X))


def test_save_refuses_what_is_not_plain_data(tmp_path):
    X, y = problem(KNeighborsClassifier())
    est = KNeighborsClassifier(3, metric=lambda a, b: float(np.sum(np.abs(a - b)))).fit(X, y)
    with pytest.raises(ValueError, match=r"cannot save estimator\.metric: builtins\.function"):
        slio.save(est, tmp_path / "m.zip")
    from sklearn.pipeline import Pipeline

    with pytest.raises(ValueError, match="save writes scratchlearn objects, got Pipeline"):
        slio.save(Pipeline([("r", Ridge())]), tmp_path / "m.zip")
    est = Ridge()
    est.self_ = est
    with pytest.raises(ValueError, match="refers to itself"):
        slio.save(est, tmp_path / "m.zip")


# ---- hostile and damaged files -------------------------------------------------------------------

def _saved(tmp_path):
    X, y = problem(DecisionTreeClassifier())
    est = DecisionTreeClassifier(random_state=0).fit(X, y)
    path = tmp_path / "model.zip"
    slio.save(est, path)
    return path


def _rewrite(path, doc=None, members=None):
    """Rewrite the archive at ``path`` with a new document and/or member contents."""
    with zipfile.ZipFile(path) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    if doc is not None:
        contents["model.json"] = json.dumps(doc).encode()
    contents.update(members or {})
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)


def _doc(path):
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("model.json"))


def _first_array(node):
    if isinstance(node, dict):
        if node.get("$t") == "ndarray":
            return node
        for v in node.values():
            found = _first_array(v)
            if found:
                return found
    elif isinstance(node, list):
        for v in node:
            found = _first_array(v)
            if found:
                return found
    return None


@pytest.mark.parametrize("class_path", [
    "builtins.eval", "os.system", "subprocess.Popen", "sklearn.linear_model.Ridge",
    "scratchlearn_hostile_module.Payload", "scratchlearn.io.os", "scratchlearn.base.np",
])
def test_foreign_class_refused_and_never_imported(tmp_path, monkeypatch, class_path):
    # a module on sys.path that would leave a mark if anything imported it
    marker = tmp_path / "imported"
    (tmp_path / "scratchlearn_hostile_module.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\nclass Payload:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    path = _saved(tmp_path)
    doc = _doc(path)
    doc["root"]["class"] = class_path
    _rewrite(path, doc)
    with pytest.raises(ValueError, match="is not a scratchlearn class"):
        slio.load(path)
    assert not marker.exists()
    assert "scratchlearn_hostile_module" not in sys.modules
    # nested too: the tree_ object
    doc = _doc(path)
    doc["root"]["class"] = "scratchlearn.tree._classes.DecisionTreeClassifier"
    doc["root"]["state"]["tree_"]["class"] = class_path
    _rewrite(path, doc)
    with pytest.raises(ValueError, match=r"estimator\.tree_ names the class"):
        slio.load(path)
    assert not marker.exists()


def test_pickle_inside_is_never_loaded(tmp_path):
    path = _saved(tmp_path)
    doc = _doc(path)
    node = _first_array(doc["root"])
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    data = buf.getvalue()
    import hashlib

    node.update(dtype="|O", shape=[1], sha256=hashlib.sha256(data).hexdigest())
    _rewrite(path, doc, {node["file"]: data})
    with pytest.raises(ValueError, match="refused dtype"):
        slio.load(path)
    node["dtype"] = "<f8"
    _rewrite(path, doc)
    with pytest.raises(ValueError, match="has dtype object, the document says float64"):
        slio.load(path)


def test_wrong_dtype_or_shape_refused(tmp_path):
    path = _saved(tmp_path)
    doc = _doc(path)
    node = _first_array(doc["root"])
    original = dict(node)
    node["shape"] = [s + 1 for s in node["shape"]] or [1]
    _rewrite(path, doc)
    with pytest.raises(ValueError, match="has shape .*, the document says"):
        slio.load(path)
    node.update(original)
    node["dtype"] = "<i2" if original["dtype"] != "<i2" else "<i4"
    _rewrite(path, doc)
    with pytest.raises(ValueError, match="has dtype .*, the document says"):
        slio.load(path)


def test_altered_array_refused(tmp_path):
    path = _saved(tmp_path)
    node = _first_array(_doc(path)["root"])
    with zipfile.ZipFile(path) as zf:
        data = bytearray(zf.read(node["file"]))
    data[-1] ^= 0xFF
    _rewrite(path, members={node["file"]: bytes(data)})
    with pytest.raises(ValueError, match="was altered"):
        slio.load(path)


def test_future_version_and_missing_pieces(tmp_path):
    path = _saved(tmp_path)
    doc = _doc(path)
    _rewrite(path, dict(doc, version=slio.FORMAT_VERSION + 1))
    with pytest.raises(ValueError, match="newer than this scratchlearn reads"):
        slio.load(path)
    _rewrite(path, dict(doc, format="something-else"))
    with pytest.raises(ValueError, match="no format marker"):
        slio.load(path)
    _rewrite(path, {"format": "scratchlearn-model", "version": 1})
    with pytest.raises(ValueError, match="no object in it"):
        slio.load(path)
    bad = dict(doc)
    bad["root"] = {"$t": "nothing-known"}
    _rewrite(path, bad)
    with pytest.raises(ValueError, match="unknown tag"):
        slio.load(path)
    _rewrite(path, members={"model.json": b"{not json"})
    with pytest.raises(ValueError, match="not valid JSON"):
        slio.load(path)
    _rewrite(path, members={"model.json": b'{"format": NaN}'})
    with pytest.raises(ValueError, match="non-standard constant NaN"):
        slio.load(path)
    deep = {"format": "scratchlearn-model", "version": 1, "root": None}
    text = json.dumps(deep).replace("null", "[" * 100000 + "]" * 100000)
    _rewrite(path, members={"model.json": text.encode()})
    with pytest.raises(ValueError):
        slio.load(path)


def test_truncated_and_foreign_files(tmp_path):
    path = _saved(tmp_path)
    data = path.read_bytes()
    for cut in (0, 10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1):
        (tmp_path / "cut.zip").write_bytes(data[:cut])
        with pytest.raises(ValueError):
            slio.load(tmp_path / "cut.zip")
    # bytes flipped inside a stored member: the zip's CRC catches it
    flipped = bytearray(data)
    at = data.find(b"\x93NUMPY") + 200
    flipped[at] ^= 0x55
    (tmp_path / "flip.zip").write_bytes(bytes(flipped))
    with pytest.raises(ValueError):
        slio.load(tmp_path / "flip.zip")
    (tmp_path / "pickle.pkl").write_bytes(pickle.dumps(Ridge()))
    with pytest.raises(ValueError, match="not a readable zip archive"):
        slio.load(tmp_path / "pickle.pkl")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="no model.json"):
        slio.load(tmp_path / "other.zip")


# ---- files of format version 1 --------------------------------------------------------------------

def _fixture_names():
    return sorted(f[:-len(".model.zip")] for f in os.listdir(FIXTURES) if f.endswith(".model.zip"))


def test_fixtures_present():
    assert len(_fixture_names()) >= 8


@pytest.mark.parametrize("name", _fixture_names())
def test_version_1_fixture_loads(name):
    est = slio.load(os.path.join(FIXTURES, f"{name}.model.zip"))
    expected = np.load(os.path.join(FIXTURES, f"{name}.expected.npz"), allow_pickle=False)
    X = expected["X"]
    assert type(est).__name__ == name
    got = outputs(est, X)
    keys = [k for k in expected.files if k != "X"]
    assert keys and set(keys) <= set(got)
    for key in keys:
        tol = 1e-5 if expected[key].dtype == np.float32 else 1e-12
        if expected[key].dtype.kind == "f":
            assert_allclose(got[key], expected[key], rtol=tol, atol=tol, err_msg=key)
        else:
            assert_array_equal(got[key], expected[key], err_msg=key)
