"""Loaders for the datasets shipped in ``scratchlearn/datasets/data/`` (no download, no network).

Each dataset is one ``.npz`` file (numpy arrays, read with ``allow_pickle=False``) plus its names in
``datasets.json``. The tabular data are the classic public datasets (see each loader's DESCR for its
source and licence); the messages corpus was written for this project.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache

import numpy as np

from ..utils import Bunch

_DATA = os.path.join(os.path.dirname(__file__), "data")

_DESCR = {
    "iris": """Iris plants
-----------
150 samples, 3 classes (setosa, versicolor, virginica), 50 each; 4 features in cm: sepal length, sepal
width, petal length, petal width. Collected by Edgar Anderson and used by R. A. Fisher (1936), "The use of
multiple measurements in taxonomic problems". Public domain. A first dataset for classification: one class
is linearly separable from the other two, which overlap a little.""",
    "wine": """Wine recognition
----------------
178 samples, 3 classes (cultivars of wine grown in one region of Italy: 59, 71 and 48 samples); 13
chemical measurements (alcohol, malic acid, ash, ..., proline). From the UCI Machine Learning Repository
(Forina et al.), licence CC BY 4.0. The features have very different scales: a dataset where standardising
matters for kNN, SVMs and gradient descent.""",
    "breast_cancer": """Breast cancer Wisconsin (diagnostic)
------------------------------------
569 samples, 2 classes (malignant 212, benign 357); 30 features: the mean, standard error and worst value
of 10 measurements of cell nuclei in a digitised image of a fine needle aspirate. From the UCI Machine
Learning Repository (Wolberg, Street and Mangasarian, 1995), licence CC BY 4.0. A binary classification
problem for logistic regression, SVMs and trees.""",
    "digits": """Optical recognition of handwritten digits
------------------------------------------
1797 images of the digits 0-9 (about 180 each), 8x8 pixels with values 0-16 (counts of set pixels in 4x4
blocks of a 32x32 bitmap). From the UCI Machine Learning Repository (Alpaydin and Kaynak, 1998), licence
CC BY 4.0. ``images`` holds the 8x8 arrays, ``data`` the same flattened to 64 features.""",
    "diabetes": """Diabetes
--------
442 patients, 10 baseline variables (age, sex, body mass index, average blood pressure and six blood serum
measurements s1-s6); the target is a quantitative measure of disease progression one year after baseline.
From Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle Regression", distributed freely with that
paper. With ``scaled=True`` (the default) each feature is centred and divided by its standard deviation
times sqrt(n_samples), so that every column has sum of squares 1.""",
    "messages": """Short messages (ham / spam)
---------------------------
130 short text messages labelled ``ham`` (ordinary) or ``spam`` (advertising), written for scratchlearn's
naive Bayes examples (licence BSD-3-Clause, as the project). Small on purpose: a bag-of-words and a
MultinomialNB separate the two classes, and the file is short enough to read.""",
}


@lru_cache(maxsize=None)
def _names():
    with open(os.path.join(_DATA, "datasets.json"), encoding="utf-8") as f:
        return json.load(f)


def _arrays(name):
    with np.load(os.path.join(_DATA, name + ".npz"), allow_pickle=False) as z:
        return z["data"], z["target"]


def _frame(data, target, feature_names, target_column):
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is a test dependency
        raise ImportError("as_frame=True needs pandas; install it with `pip install pandas`.") from exc
    X = pd.DataFrame(data, columns=feature_names)
    y = pd.Series(target, name=target_column)
    frame = pd.concat([X, y], axis=1)
    return frame, X, y


def _load(name, return_X_y, as_frame, target_column="target", data=None, extra=None):
    X, y = _arrays(name) if data is None else data
    names = _names()[name]
    feature_names = list(names["feature_names"])
    frame = None
    if as_frame:
        frame, X, y = _frame(X, y, feature_names, target_column)
    if return_X_y:
        return X, y
    bunch = Bunch(data=X, target=y, frame=frame, feature_names=feature_names, DESCR=_DESCR[name])
    if names["target_names"] is not None:
        bunch.target_names = np.asarray(names["target_names"])
    if extra:
        bunch.update(extra)
    return bunch


def load_iris(*, return_X_y=False, as_frame=False):
    """The iris dataset: 150 samples, 4 features, 3 classes (see ``DESCR``).

    Returns a Bunch (data, target, frame, feature_names, target_names, DESCR), or ``(data, target)`` when
    ``return_X_y``; with ``as_frame`` the data are a pandas DataFrame and the target a Series.
    """
    return _load("iris", return_X_y, as_frame)


def load_wine(*, return_X_y=False, as_frame=False):
    """The wine dataset: 178 samples, 13 features, 3 classes (see ``DESCR``)."""
    return _load("wine", return_X_y, as_frame)


def load_breast_cancer(*, return_X_y=False, as_frame=False):
    """The breast cancer Wisconsin dataset: 569 samples, 30 features, 2 classes (see ``DESCR``)."""
    return _load("breast_cancer", return_X_y, as_frame)


def load_digits(*, n_class=10, return_X_y=False, as_frame=False):
    """The handwritten digits: 1797 8x8 images, 10 classes; ``n_class`` keeps the digits below it.

    The Bunch adds ``images`` (n_samples, 8, 8).
    """
    if isinstance(n_class, bool) or not isinstance(n_class, (int, np.integer)) or not 1 <= n_class <= 10:
        raise ValueError(f"n_class must be an integer from 1 to 10, got {n_class!r}.")
    data, target = _arrays("digits")
    keep = target < n_class
    data = data[keep].astype(np.float64)
    target = target[keep]
    images = data.reshape(-1, 8, 8)
    return _load("digits", return_X_y, as_frame, data=(data, target), extra={"images": images})


def load_diabetes(*, return_X_y=False, as_frame=False, scaled=True):
    """The diabetes regression dataset: 442 samples, 10 features, a continuous target (see ``DESCR``).

    ``scaled=True`` centres each feature and divides it by ``std * sqrt(n_samples)``.
    """
    data, target = _arrays("diabetes")
    if scaled:
        data = data - data.mean(axis=0)
        data /= data.std(axis=0) * np.sqrt(data.shape[0])
    return _load("diabetes", return_X_y, as_frame, data=(data, target))


def load_messages(*, return_X_y=False):
    """130 short text messages labelled 'ham' or 'spam' (see ``DESCR``), for naive Bayes on text.

    ``data`` is a list of strings, ``target`` an int array (1 = spam), ``target_names`` ['ham', 'spam'].
    """
    texts, labels = [], []
    with open(os.path.join(_DATA, "messages.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            label, text = line.rstrip("\n").split("\t", 1)
            labels.append(1 if label == "spam" else 0)
            texts.append(text)
    target = np.asarray(labels, dtype=np.int64)
    if return_X_y:
        return texts, target
    return Bunch(data=texts, target=target, target_names=np.asarray(["ham", "spam"]), DESCR=_DESCR["messages"])
