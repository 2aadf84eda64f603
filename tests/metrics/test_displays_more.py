"""More of the displays: from_predictions of the curve displays, DetCurveDisplay.from_estimator,
PredictionErrorDisplay.from_predictions, plot(ax=...) on a display built by hand, the ImportError
without matplotlib, and `python -m scratchlearn.bench --plot PATH`. The plotted data are compared
to scikit-learn's curves (and to its own displays, drawn on the same inputs)."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from sklearn import metrics as skm  # noqa: E402

from scratchlearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from scratchlearn.metrics import (ConfusionMatrixDisplay, DetCurveDisplay,  # noqa: E402
                                  PrecisionRecallDisplay, PredictionErrorDisplay, RocCurveDisplay)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    plt.close(fig)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _binary(seed=0, n=300, labels=(0, 1)):
    rng = np.random.RandomState(seed)
    y01 = rng.randint(0, 2, n)
    score = rng.rand(n) + 0.6 * y01
    score[::7] = np.round(score[::7], 1)          # some ties
    return np.asarray(labels)[y01], score, rng.rand(n) + 0.5


@pytest.mark.parametrize("labels,pos_label", [((0, 1), None), ((-1, 1), None),
                                              (("ham", "spam"), "spam"), (("a", "b"), "a")])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("drop_intermediate", [True, False])
def test_roc_display_from_predictions(tmp_path, labels, pos_label, weighted, drop_intermediate):
    y, s, w = _binary(labels=labels)
    w = w if weighted else None
    disp = RocCurveDisplay.from_predictions(y, s, sample_weight=w, pos_label=pos_label,
                                            drop_intermediate=drop_intermediate, name="model")
    fpr, tpr, _ = skm.roc_curve(y, s, sample_weight=w, pos_label=pos_label,
                                drop_intermediate=drop_intermediate)
    assert_allclose(disp.line_.get_xdata(), fpr, rtol=1e-12)
    assert_allclose(disp.line_.get_ydata(), tpr, rtol=1e-12)
    assert_allclose(disp.roc_auc, skm.auc(fpr, tpr), rtol=1e-12)
    shown = pos_label if pos_label is not None else labels[1]
    assert disp.ax_.get_xlabel() == f"False Positive Rate (Positive label: {shown})"
    assert disp.ax_.get_ylabel() == f"True Positive Rate (Positive label: {shown})"
    assert len(disp.ax_.get_lines()) == 1
    (text,) = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert text == f"model (AUC = {skm.auc(fpr, tpr):0.2f})"
    _png(disp.figure_, tmp_path, "roc")


@pytest.mark.parametrize("labels,pos_label", [((0, 1), None), (("ham", "spam"), "spam"),
                                              (("a", "b"), "a")])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("drop_intermediate", [False, True])
def test_precision_recall_display_from_predictions(tmp_path, labels, pos_label, weighted,
                                                   drop_intermediate):
    y, s, w = _binary(1, labels=labels)
    w = w if weighted else None
    disp = PrecisionRecallDisplay.from_predictions(y, s, sample_weight=w, pos_label=pos_label,
                                                   drop_intermediate=drop_intermediate)
    p, r, _ = skm.precision_recall_curve(y, s, sample_weight=w, pos_label=pos_label,
                                         drop_intermediate=drop_intermediate)
    ap = skm.average_precision_score(y, s, sample_weight=w,
                                     pos_label=pos_label if pos_label is not None else 1)
    assert_allclose(disp.line_.get_xdata(), r, rtol=1e-12)
    assert_allclose(disp.line_.get_ydata(), p, rtol=1e-12)
    assert_allclose(disp.average_precision, ap, rtol=1e-12)
    shown = pos_label if pos_label is not None else labels[1]
    assert disp.ax_.get_xlabel() == f"Recall (Positive label: {shown})"
    assert disp.ax_.get_ylabel() == f"Precision (Positive label: {shown})"
    assert len(disp.ax_.get_lines()) == 1
    (text,) = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert text == f"AP = {ap:0.2f}"
    _png(disp.figure_, tmp_path, "pr")


@pytest.mark.parametrize("drop_intermediate", [True, False])
def test_det_display_from_estimator_matches_sklearn(tmp_path, drop_intermediate):
    from scipy.stats import norm

    rng = np.random.RandomState(0)
    X = rng.randn(300, 4)
    y = (X[:, 0] + 0.8 * rng.randn(300) > 0).astype(int)
    clf = LogisticRegression().fit(X, y)
    disp = DetCurveDisplay.from_estimator(clf, X, y, drop_intermediate=drop_intermediate)
    fpr, fnr, _ = skm.det_curve(y, clf.predict_proba(X)[:, 1],
                                drop_intermediate=drop_intermediate)
    eps = np.finfo(fpr.dtype).eps
    assert_allclose(disp.fpr, np.clip(fpr, eps, 1 - eps), rtol=1e-12)
    assert_allclose(disp.fnr, np.clip(fnr, eps, 1 - eps), rtol=1e-12)
    assert_allclose(disp.line_.get_xdata(), norm.ppf(np.clip(fpr, eps, 1 - eps)), rtol=1e-9)
    assert_allclose(disp.line_.get_ydata(), norm.ppf(np.clip(fnr, eps, 1 - eps)), rtol=1e-9)
    assert disp.ax_.get_xlabel() == "False Positive Rate (Positive label: 1)"
    assert disp.ax_.get_ylabel() == "False Negative Rate (Positive label: 1)"
    assert [t.get_text() for t in disp.ax_.get_legend().get_texts()] == ["LogisticRegression"]
    # the normal-deviate ticks and limits of scikit-learn's plot
    sk_disp = skm.DetCurveDisplay.from_predictions(y, clf.predict_proba(X)[:, 1],
                                                   drop_intermediate=drop_intermediate)
    assert_allclose(disp.ax_.get_xticks(), sk_disp.ax_.get_xticks())
    assert ([t.get_text() for t in disp.ax_.get_xticklabels()]
            == [t.get_text() for t in sk_disp.ax_.get_xticklabels()])
    assert disp.ax_.get_xlim() == sk_disp.ax_.get_xlim() == (-3, 3)
    assert disp.ax_.get_ylim() == (-3, 3)
    assert_allclose(disp.line_.get_xydata(), sk_disp.line_.get_xydata(), rtol=1e-9)
    # a decision function and a name
    disp = DetCurveDisplay.from_estimator(clf, X, y, response_method="decision_function",
                                          name="lr", drop_intermediate=drop_intermediate)
    fpr, fnr, _ = skm.det_curve(y, clf.decision_function(X), drop_intermediate=drop_intermediate)
    assert len(disp.line_.get_xdata()) == len(fpr)
    assert [t.get_text() for t in disp.ax_.get_legend().get_texts()] == ["lr"]
    _png(disp.figure_, tmp_path, "det")


@pytest.mark.parametrize("kind", ["actual_vs_predicted", "residual_vs_predicted"])
@pytest.mark.parametrize("subsample", [None, 50, 0.3])
def test_prediction_error_display_from_predictions(tmp_path, kind, subsample):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = X @ [1.0, 2.0, -0.5] + 0.3 * rng.randn(200)
    pred = Ridge().fit(X, y).predict(X)
    disp = PredictionErrorDisplay.from_predictions(y, pred, kind=kind, subsample=subsample,
                                                   random_state=3)
    sk_disp = skm.PredictionErrorDisplay.from_predictions(y, pred, kind=kind,
                                                          subsample=subsample, random_state=3)
    n = {None: 200, 50: 50, 0.3: 60}[subsample]
    offsets = np.asarray(disp.scatter_.get_offsets())
    assert offsets.shape == (n, 2)
    assert_allclose(offsets, np.asarray(sk_disp.scatter_.get_offsets()), rtol=1e-12)
    assert_allclose(disp.line_.get_xydata(), sk_disp.line_.get_xydata(), rtol=1e-12)
    if kind == "actual_vs_predicted":
        assert disp.ax_.get_ylabel() == "Actual values"
    else:
        assert disp.ax_.get_ylabel() == "Residuals (actual - predicted)"
        assert_allclose(disp.line_.get_ydata(), [0, 0])
    assert disp.ax_.get_xlabel() == "Predicted values"
    assert len(disp.ax_.collections) == 1 and len(disp.ax_.get_lines()) == 1
    _png(disp.figure_, tmp_path, f"err_{kind}")


def test_plot_into_given_axes(tmp_path):
    y, s, _ = _binary(2)
    fpr, tpr, _ = skm.roc_curve(y, s)
    p, r, _ = skm.precision_recall_curve(y, s)
    fig, axes = plt.subplots(2, 3)
    roc = RocCurveDisplay(fpr=fpr, tpr=tpr, roc_auc=skm.auc(fpr, tpr), name="hand").plot(
        ax=axes[0, 0], plot_chance_level=True)
    pr = PrecisionRecallDisplay(p, r, average_precision=0.5).plot(ax=axes[0, 1], name="given")
    det = DetCurveDisplay(fpr=fpr, fnr=1 - tpr).plot(ax=axes[0, 2])
    cm = ConfusionMatrixDisplay(np.array([[3, 1], [2, 4]]), display_labels=["no", "yes"]).plot(
        ax=axes[1, 0], colorbar=False)
    err = PredictionErrorDisplay(y_true=s, y_pred=s + 0.1).plot(ax=axes[1, 1])
    for disp, ax in ((roc, axes[0, 0]), (pr, axes[0, 1]), (det, axes[0, 2]), (cm, axes[1, 0]),
                     (err, axes[1, 1])):
        assert disp.ax_ is ax and disp.figure_ is fig
    assert len(fig.axes) == 6                    # nothing drawn anywhere else
    assert len(axes[1, 2].get_lines()) == 0 and len(axes[1, 2].collections) == 0
    assert len(axes[0, 0].get_lines()) == 2      # the curve and the chance line
    assert_allclose(roc.line_.get_xdata(), fpr)
    assert [t.get_text() for t in axes[0, 0].get_legend().get_texts()] == [
        f"hand (AUC = {skm.auc(fpr, tpr):0.2f})", "Chance level (AUC = 0.5)"]
    assert [t.get_text() for t in axes[0, 1].get_legend().get_texts()] == ["given (AP = 0.50)"]
    assert_allclose(pr.line_.get_xdata(), r)
    assert_allclose(pr.line_.get_ydata(), p)
    assert axes[0, 0].get_xlabel() == "False Positive Rate"      # no pos_label given
    assert [t.get_text() for t in cm.text_.ravel()] == ["3", "1", "2", "4"]
    assert [t.get_text() for t in axes[1, 0].get_yticklabels()] == ["no", "yes"]
    assert np.asarray(err.scatter_.get_offsets()).shape == (len(s), 2)
    # two curves into one axes
    fig2, ax = plt.subplots()
    RocCurveDisplay(fpr=fpr, tpr=tpr).plot(ax=ax, name="first")
    RocCurveDisplay(fpr=[0, 0.5, 1], tpr=[0, 0.9, 1]).plot(ax=ax, name="second")
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["first", "second"]
    _png(fig, tmp_path, "grid")
    _png(fig2, tmp_path, "two")


@pytest.mark.parametrize("call", [
    lambda: RocCurveDisplay.from_predictions([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.3]),
    lambda: PrecisionRecallDisplay.from_predictions([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.3]),
    lambda: DetCurveDisplay.from_predictions([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.3]),
    lambda: ConfusionMatrixDisplay.from_predictions([0, 1, 1, 0], [0, 1, 0, 0]),
    lambda: PredictionErrorDisplay.from_predictions([1.0, 2.0, 3.0], [1.1, 2.0, 2.5]),
    lambda: RocCurveDisplay(fpr=[0, 1], tpr=[0, 1]).plot(),
], ids=["roc", "pr", "det", "cm", "err", "plot"])
def test_missing_matplotlib_is_a_clear_import_error(monkeypatch, call):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # import matplotlib fails
    with pytest.raises(ImportError, match="matplotlib"):
        call()


def test_missing_matplotlib_bench_plot(monkeypatch, tmp_path):
    from scratchlearn.bench.plot import plot_speedups

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="matplotlib"):
        plot_speedups([{"name": "a", "ours_s": 1.0, "sklearn_s": 2.0}], ["sklearn"],
                      tmp_path / "x.png")


def test_bench_command_writes_the_speedup_chart(tmp_path, monkeypatch):
    from scratchlearn.bench import plot as bench_plot
    from scratchlearn.bench import runner

    # the command line itself: a PNG on disk
    path = tmp_path / "speedup.png"
    only = "knn_predict_f32,knn_predict_f64"
    proc = subprocess.run([sys.executable, "-m", "scratchlearn.bench", "--quick", "--only", only,
                           "--peers", "sklearn", "--plot", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 100 and height > 100
    # the same run in process: one bar per workload per library, at the measured speedups
    figures = []
    real = bench_plot.plot_speedups
    monkeypatch.setattr(bench_plot, "plot_speedups",
                        lambda *a, **k: figures.append((a, real(*a, **k))) or figures[-1][1])
    path2 = tmp_path / "speedup2.png"
    assert runner.main(["--quick", "--only", only, "--peers", "sklearn", "--plot",
                        str(path2)]) == 0
    assert path2.read_bytes()[:8] == PNG_MAGIC
    ((results, peers, _), fig), = figures
    names = [r["name"] for r in results]
    assert sorted(names) == sorted(only.split(","))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert len(ax.patches) == len(names) * len([p for p in peers if p == "sklearn"])
    assert_allclose([b.get_height() for b in ax.patches],
                    [r["sklearn_s"] / r["ours_s"] for r in results])
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    plt.close(fig)


@pytest.mark.parametrize("subsample,message", [(0, "should be positive"), (-3, "should be positive"),
                                               (1.0, r"in the \(0, 1\) range"),
                                               (0.0, r"in the \(0, 1\) range")])
def test_prediction_error_display_bad_subsample(subsample, message):
    with pytest.raises(ValueError, match=message):
        PredictionErrorDisplay.from_predictions([1.0, 2.0, 3.0], [1.1, 2.0, 2.5],
                                                subsample=subsample)
