"""Writes tests/io/fixtures/: one model file per estimator below, written by this version's
scratchlearn.io (format version 1), and the outputs it gave, which test_io.py checks later versions
still reproduce from the file. Run once per format version: ``python tests/io/make_fixtures.py``
(or with names, ``python tests/io/make_fixtures.py GridSearchCV``, to add only those files)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import scratchlearn.io as slio  # noqa: E402
from _estimators import ESTIMATORS, fit, make, outputs, problem  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
NAMES = ["KNeighborsClassifier", "Ridge", "LogisticRegression", "KMeans", "PCA", "GaussianNB", "SVC",
         "MLPClassifier", "DecisionTreeRegressor", "RandomForestClassifier", "LinearSVC",
         "Pipeline", "GridSearchCV"]

if __name__ == "__main__":
    os.makedirs(FIXTURES, exist_ok=True)
    by_name = {cls.__name__: cls for cls in ESTIMATORS}
    only = set(sys.argv[1:])
    for i, name in enumerate(NAMES):
        if only and name not in only:
            continue
        est = make(by_name[name])
        dtype = np.float32 if i % 2 else np.float64
        X, y = problem(est, n=30, d=3, dtype=dtype, seed=i)
        fit(est, X, y)
        slio.save(est, os.path.join(FIXTURES, f"{name}.model.zip"))
        np.savez(os.path.join(FIXTURES, f"{name}.expected.npz"), X=X, **outputs(est, X))
        print("wrote", name)
