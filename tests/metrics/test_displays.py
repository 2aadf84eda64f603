"""The displays render with the Agg backend to PNG, and their figures hold what they should:
axis labels, the number of cells / points / bars, the values plotted; the bench's speedup chart
has one bar per workload and peer on a log axis."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from sklearn import metrics as skm  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402

from scratchlearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from scratchlearn.metrics import (ConfusionMatrixDisplay, DetCurveDisplay,  # noqa: E402
                                  PrecisionRecallDisplay, PredictionErrorDisplay, RocCurveDisplay)
from scratchlearn.model_selection import LearningCurveDisplay, ValidationCurveDisplay  # noqa: E402
from scratchlearn.neighbors import KNeighborsClassifier  # noqa: E402


def _png(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.stat().st_size > 1000
    plt.close(fig)


def test_confusion_matrix_display(tmp_path):
    X, y = load_iris(return_X_y=True)
    clf = KNeighborsClassifier(15).fit(X, y)
    disp = ConfusionMatrixDisplay.from_estimator(clf, X, y)
    cm = skm.confusion_matrix(y, clf.predict(X))
    assert (disp.confusion_matrix == cm).all()
    assert disp.ax_.get_xlabel() == "Predicted label"
    assert disp.ax_.get_ylabel() == "True label"
    assert disp.text_.shape == (3, 3)
    assert [t.get_text() for t in disp.text_.ravel()] == [str(v) for v in cm.ravel()]
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["0", "1", "2"]
    _png(disp.figure_, tmp_path, "cm")
    names = np.array(["setosa", "versicolor", "virginica"])
    disp = ConfusionMatrixDisplay.from_predictions(names[y], names[clf.predict(X)],
                                                   normalize="true", colorbar=False)
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == list(names)
    assert_allclose(disp.confusion_matrix.sum(axis=1), 1.0)
    _png(disp.figure_, tmp_path, "cm_norm")


def test_curve_displays_plot_the_curves(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = (X[:, 0] + rng.randn(200) > 0).astype(int)
    clf = LogisticRegression().fit(X, y)
    fig, ax = plt.subplots()
    roc = RocCurveDisplay.from_estimator(clf, X, y, ax=ax, plot_chance_level=True)
    fpr, tpr, _ = skm.roc_curve(y, clf.predict_proba(X)[:, 1])
    assert_allclose(roc.line_.get_xdata(), fpr)
    assert_allclose(roc.line_.get_ydata(), tpr)
    assert roc.ax_ is ax
    assert roc.ax_.get_xlabel() == "False Positive Rate (Positive label: 1)"
    assert "AUC = " in roc.ax_.get_legend().get_texts()[0].get_text()
    _png(fig, tmp_path, "roc")
    pr = PrecisionRecallDisplay.from_estimator(clf, X, y)
    p, r, _ = skm.precision_recall_curve(y, clf.predict_proba(X)[:, 1])
    assert_allclose(pr.line_.get_xdata(), r)
    assert_allclose(pr.line_.get_ydata(), p)
    assert pr.ax_.get_ylabel().startswith("Precision")
    _png(pr.figure_, tmp_path, "pr")
    det = DetCurveDisplay.from_predictions(y, clf.decision_function(X), name="logistic")
    assert len(det.line_.get_xdata()) > 2
    _png(det.figure_, tmp_path, "det")
    reg = Ridge().fit(X, X @ [1.0, 2.0, 0.5])
    err = PredictionErrorDisplay.from_estimator(reg, X, X @ [1.0, 2.0, 0.5],
                                                kind="actual_vs_predicted")
    assert err.scatter_.get_offsets().shape == (200, 2)
    assert err.ax_.get_xlabel() == "Predicted values"
    _png(err.figure_, tmp_path, "err")
    with pytest.raises(ValueError, match="`kind` must be one of"):
        PredictionErrorDisplay.from_predictions([1.0, 2.0], [1.0, 2.5], kind="nope")


def test_learning_and_validation_curve_displays(tmp_path):
    X, y = load_iris(return_X_y=True)
    lc = LearningCurveDisplay.from_estimator(KNeighborsClassifier(5), X, y, cv=3,
                                             train_sizes=[0.3, 0.6, 1.0], scoring="accuracy")
    assert len(lc.lines_) == 2 and len(lc.lines_[0].get_xdata()) == 3
    assert lc.ax_.get_xlabel() == "Number of samples in the training set"
    assert lc.ax_.get_ylabel() == "Accuracy"
    _png(lc.figure_, tmp_path, "lc")
    vc = ValidationCurveDisplay.from_estimator(KNeighborsClassifier(), X, y, cv=3,
                                               param_name="n_neighbors", param_range=[1, 5, 9, 15])
    assert vc.ax_.get_xlabel() == "n_neighbors"
    assert_allclose(vc.lines_[1].get_ydata(), vc.test_scores.mean(axis=1))
    _png(vc.figure_, tmp_path, "vc")


def test_bench_speedup_chart(tmp_path):
    from scratchlearn.bench.plot import plot_speedups

    rows = [{"name": "a", "ours_s": 1.0, "sklearn_s": 3.0, "sklearnex_s": 2.0},
            {"name": "b", "ours_s": 0.5, "sklearn_s": 5.0, "sklearnex_s": 0.25},
            {"name": "c", "ours_s": 2.0, "sklearn_s": 2.0}]
    fig = plot_speedups(rows, ["sklearn", "sklearnex"], tmp_path / "speedup.png")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 6
    assert_allclose(heights[:3], [3.0, 10.0, 1.0])
    assert_allclose(heights[3:5], [2.0, 0.5])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (tmp_path / "speedup.png").stat().st_size > 1000
    plt.close(fig)
