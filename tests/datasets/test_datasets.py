"""The shipped datasets equal scikit-learn's copies of the same public data; the generators are
deterministic and produce the structure their parameters describe."""

import hashlib

import numpy as np
import pandas as pd
import pytest
import sklearn.datasets as skd
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn import datasets
from scratchlearn.linear_model import LogisticRegression
from scratchlearn.utils import Bunch

LOADERS = [
    ("iris", (150, 4), 3),
    ("wine", (178, 13), 3),
    ("breast_cancer", (569, 30), 2),
    ("digits", (1797, 64), 10),
]

# sha256 of the shipped arrays (data bytes, then target bytes): the files must not change unnoticed.
SHIPPED = {
    "iris": ((150, 4), "<f8", "<i8", "aa06b8008ceba42efc654be0f83fdafc786239c9e8f13146044d078f5aab8f23"),
    "wine": ((178, 13), "<f8", "<i8", "3a28849ef2366c4b9d4e382b3fa5624a66f693c04d7fdcf43c529bbb0bb338d7"),
    "breast_cancer": ((569, 30), "<f8", "<i8", "25e2eb7b7a8745b1bde5ba18bc4969983d2e2f403291ecd5bde4a29ef30c3859"),
    "digits": ((1797, 64), "|u1", "<i8", "65e5b4619795efb40c1082f4c350c049e4ad552200d369b6ae99e21eef5e72c5"),
    "diabetes": ((442, 10), "<f8", "<f8", "e9c1f7559552854a24dc45b41c446ce5f79f96e5da081bcce24b57492720b3f7"),
}


def _digest(X, y):
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(X).tobytes())
    h.update(np.ascontiguousarray(y).tobytes())
    return h.hexdigest()


@pytest.mark.parametrize("name,shape,n_classes", LOADERS)
def test_loader_equals_scikit_learn(name, shape, n_classes):
    ours = getattr(datasets, f"load_{name}")()
    theirs = getattr(skd, f"load_{name}")()
    assert isinstance(ours, Bunch)
    assert ours.data.shape == shape and ours.data.dtype == np.float64
    assert ours.target.dtype.kind == "i" and ours.target.shape == (shape[0],)
    assert len(np.unique(ours.target)) == n_classes
    assert_array_equal(ours.data, theirs.data)
    assert_array_equal(ours.target, theirs.target)
    assert list(ours.feature_names) == list(theirs.feature_names)
    assert_array_equal(ours.target_names, theirs.target_names)
    assert ours.DESCR and name.split("_")[0] in ours.DESCR.lower()


@pytest.mark.parametrize("name,shape,n_classes", LOADERS)
def test_loader_return_X_y_and_frame(name, shape, n_classes):
    load = getattr(datasets, f"load_{name}")
    X, y = load(return_X_y=True)
    assert X.shape == shape and y.shape == (shape[0],)
    bunch = load(as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame) and isinstance(bunch.target, pd.Series)
    assert list(bunch.data.columns) == list(bunch.feature_names)
    assert bunch.frame.shape == (shape[0], shape[1] + 1)
    assert_array_equal(bunch.data.to_numpy(), X)
    Xf, yf = load(return_X_y=True, as_frame=True)
    assert_array_equal(yf.to_numpy(), y)


def test_digits_images_and_n_class():
    d = datasets.load_digits()
    assert d.images.shape == (1797, 8, 8)
    assert_array_equal(d.images.reshape(1797, 64), d.data)
    assert d.data.min() == 0 and d.data.max() == 16
    X, y = datasets.load_digits(n_class=4, return_X_y=True)
    Xs, ys = skd.load_digits(n_class=4, return_X_y=True)
    assert_array_equal(X, Xs)
    assert_array_equal(y, ys)
    with pytest.raises(ValueError, match="n_class"):
        datasets.load_digits(n_class=11)


@pytest.mark.parametrize("scaled", [True, False])
def test_diabetes_equals_scikit_learn(scaled):
    ours = datasets.load_diabetes(scaled=scaled)
    theirs = skd.load_diabetes(scaled=scaled)
    assert ours.data.shape == (442, 10)
    assert_allclose(ours.data, theirs.data, rtol=1e-12, atol=1e-15)
    assert_array_equal(ours.target, theirs.target)
    assert list(ours.feature_names) == list(theirs.feature_names)
    if scaled:
        assert_allclose((ours.data ** 2).sum(axis=0), 1.0, rtol=1e-12)


def test_shipped_arrays_checksums():
    # Shapes and dtypes as stored, and a digest that changes if any value changes.
    seen = {}
    for name in ["iris", "wine", "breast_cancer", "digits", "diabetes"]:
        X, y = datasets._base._arrays(name)
        seen[name] = (X.shape, X.dtype.str, y.dtype.str, _digest(X, y))
    assert seen["digits"][1] == "|u1"
    assert {k: v[0] for k, v in seen.items()} == {
        "iris": (150, 4), "wine": (178, 13), "breast_cancer": (569, 30), "digits": (1797, 64), "diabetes": (442, 10)}
    assert seen == SHIPPED


def test_messages_corpus():
    b = datasets.load_messages()
    assert len(b.data) == len(b.target) == 130
    assert set(np.unique(b.target)) == {0, 1}
    assert all(isinstance(t, str) and t for t in b.data)
    assert_array_equal(b.target_names, ["ham", "spam"])
    assert "licence" in b.DESCR.lower() or "license" in b.DESCR.lower()
    texts, y = datasets.load_messages(return_X_y=True)
    assert texts == b.data


# ----------------------------------------------------------------------------------- generators

GENERATORS = [
    (datasets.make_classification, {"n_samples": 200, "n_features": 8}),
    (datasets.make_regression, {"n_samples": 150, "n_features": 6, "noise": 1.0}),
    (datasets.make_blobs, {"n_samples": 120, "centers": 4}),
    (datasets.make_moons, {"n_samples": 101, "noise": 0.1}),
    (datasets.make_circles, {"n_samples": 101, "noise": 0.05}),
]


@pytest.mark.parametrize("make,kwargs", GENERATORS, ids=lambda v: getattr(v, "__name__", ""))
def test_generators_deterministic(make, kwargs):
    a = make(random_state=3, **kwargs)
    b = make(random_state=3, **kwargs)
    c = make(random_state=4, **kwargs)
    for u, v in zip(a, b):
        assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    assert a[0].shape[0] == kwargs["n_samples"] and a[1].shape[0] == kwargs["n_samples"]


def test_make_blobs_structure():
    X, y, centers = datasets.make_blobs(n_samples=[300, 200, 100], centers=None, n_features=3, cluster_std=[0.5, 1.0, 0.2],
                                        random_state=0, return_centers=True)
    assert X.shape == (600, 3) and centers.shape == (3, 3)
    assert_array_equal(np.bincount(y), [300, 200, 100])
    for k, std in enumerate([0.5, 1.0, 0.2]):
        assert_allclose(X[y == k].mean(axis=0), centers[k], atol=4 * std / np.sqrt((y == k).sum()) * 3)
        assert_allclose(X[y == k].std(axis=0), std, rtol=0.25)
    assert np.all((centers >= -10) & (centers <= 10))
    X2, y2 = datasets.make_blobs(n_samples=10, centers=[[0, 0], [5, 5]], random_state=1)
    assert X2.shape == (10, 2) and set(y2) == {0, 1}
    with pytest.raises(ValueError, match="centers"):
        datasets.make_blobs(n_samples=[1, 2], centers=3)


def test_make_moons_and_circles_geometry():
    X, y = datasets.make_moons(n_samples=(40, 60), shuffle=False)
    assert_array_equal(np.bincount(y), [40, 60])
    assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    assert_allclose(np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5), 1.0)
    assert np.all(X[y == 0, 1] >= -1e-12)
    X, y = datasets.make_circles(n_samples=100, factor=0.3, random_state=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert_allclose(r[y == 0], 1.0)
    assert_allclose(r[y == 1], 0.3)
    with pytest.raises(ValueError, match="factor"):
        datasets.make_circles(factor=1.5)


def test_make_classification_structure():
    X, y = datasets.make_classification(n_samples=1000, n_features=10, n_informative=3, n_redundant=2, n_repeated=1,
                                        n_classes=3, n_clusters_per_class=1, weights=[0.5, 0.25], flip_y=0.0,
                                        class_sep=2.0, random_state=0)
    assert X.shape == (1000, 10)
    assert_array_equal(np.bincount(y), [500, 250, 250])
    # redundant and repeated features are linear combinations: the centred data have rank informative + noise.
    centred = X - X.mean(axis=0)
    assert np.linalg.matrix_rank(centred, tol=1e-8 * np.abs(centred).max()) == 3 + 4
    assert LogisticRegression(max_iter=500).fit(X, y).score(X, y) > 0.9
    with pytest.raises(ValueError, match="2\\*\\*n_informative"):
        datasets.make_classification(n_informative=1, n_classes=3, n_redundant=0, n_clusters_per_class=1)
    with pytest.raises(ValueError, match="n_features"):
        datasets.make_classification(n_features=3, n_informative=2, n_redundant=2)


def test_make_regression_structure():
    X, y, w = datasets.make_regression(n_samples=80, n_features=12, n_informative=4, bias=3.0, coef=True, random_state=0)
    assert X.shape == (80, 12) and y.shape == (80,) and w.shape == (12,)
    assert np.count_nonzero(w) == 4
    assert_allclose(y, X @ w + 3.0, rtol=1e-12)
    X, Y, W = datasets.make_regression(n_samples=60, n_features=5, n_targets=2, coef=True, noise=0.5, random_state=1)
    assert Y.shape == (60, 2) and W.shape == (5, 2)
    assert np.std(Y - X @ W) == pytest.approx(0.5, rel=0.3)
    X, _ = datasets.make_regression(n_samples=100, n_features=40, effective_rank=5, tail_strength=0.1, random_state=0)
    s = np.linalg.svd(X, compute_uv=False)
    assert s[0] > 5 * s[15]
