"""Displays: the plots of the metrics and curves (matplotlib, optional), with scikit-learn's
classes and methods: ``Display.from_estimator(...)``, ``Display.from_predictions(...)`` and
``display.plot(ax=...)``; each keeps ``ax_``, ``figure_`` and its artists."""

from __future__ import annotations

import numpy as np

__all__ = ["ConfusionMatrixDisplay", "RocCurveDisplay", "PrecisionRecallDisplay",
           "DetCurveDisplay", "PredictionErrorDisplay", "LearningCurveDisplay",
           "ValidationCurveDisplay"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("This plot needs matplotlib: pip install matplotlib "
                          f"(import failed: {e}).") from e
    return plt


def _axes(ax):
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _name(estimator, name):
    return name if name is not None else type(estimator).__name__


def _binary_response(estimator, X, response_method, pos_label):
    from ._scorer import _response

    if response_method == "auto":
        response_method = ("predict_proba", "decision_function")
    classes = getattr(estimator, "classes_", None)
    if pos_label is None and classes is not None:
        pos_label = classes[-1]
    return _response(estimator, X, response_method, pos_label), pos_label


class ConfusionMatrixDisplay:
    """The confusion matrix as an image with a count in each cell."""

    def __init__(self, confusion_matrix, *, display_labels=None):
        self.confusion_matrix = confusion_matrix
        self.display_labels = display_labels

    def plot(self, *, include_values=True, cmap="viridis", xticks_rotation="horizontal",
             values_format=None, ax=None, colorbar=True, im_kw=None, text_kw=None):
        ax = _axes(ax)
        fig = ax.figure
        cm = self.confusion_matrix
        n = cm.shape[0]
        self.im_ = ax.imshow(cm, interpolation="nearest", cmap=cmap, **(im_kw or {}))
        self.text_ = None
        cmap_min, cmap_max = self.im_.cmap(0), self.im_.cmap(1.0)
        if include_values:
            self.text_ = np.empty_like(cm, dtype=object)
            thresh = (cm.max() + cm.min()) / 2.0
            for i in range(n):
                for j in range(n):
                    color = cmap_max if cm[i, j] < thresh else cmap_min
                    if values_format is None:
                        text = format(cm[i, j], ".2g")
                        if cm.dtype.kind != "f":
                            alt = format(cm[i, j], "d")
                            text = alt if len(alt) < len(text) else text
                    else:
                        text = format(cm[i, j], values_format)
                    self.text_[i, j] = ax.text(j, i, text, ha="center", va="center", color=color,
                                               **(text_kw or {}))
        labels = np.arange(n) if self.display_labels is None else self.display_labels
        if colorbar:
            fig.colorbar(self.im_, ax=ax)
        ax.set(xticks=np.arange(n), yticks=np.arange(n), xticklabels=labels, yticklabels=labels,
               ylabel="True label", xlabel="Predicted label")
        ax.set_ylim((n - 0.5, -0.5))
        for label in ax.get_xticklabels():
            label.set_rotation(xticks_rotation)
        self.figure_, self.ax_ = fig, ax
        return self

    @classmethod
    def from_predictions(cls, y_true, y_pred, *, labels=None, sample_weight=None,
                         normalize=None, display_labels=None, ax=None, **plot_kw):
        from ._classification import confusion_matrix
        from ._counts import present_confusion

        cm = confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sample_weight,
                              normalize=normalize)
        if display_labels is None:
            display_labels = labels if labels is not None else present_confusion(
                np.asarray(y_true), np.asarray(y_pred), None)[0]
        return cls(cm, display_labels=display_labels).plot(ax=ax, **plot_kw)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, labels=None, sample_weight=None,
                       normalize=None, display_labels=None, ax=None, **plot_kw):
        return cls.from_predictions(y, estimator.predict(X), labels=labels,
                                    sample_weight=sample_weight, normalize=normalize,
                                    display_labels=display_labels, ax=ax, **plot_kw)


class RocCurveDisplay:
    """The ROC curve (false vs true positive rate), its AUC in the legend."""

    def __init__(self, *, fpr, tpr, roc_auc=None, name=None, pos_label=None):
        self.fpr, self.tpr, self.roc_auc = fpr, tpr, roc_auc
        self.name, self.pos_label = name, pos_label

    def plot(self, ax=None, *, name=None, plot_chance_level=False, **kwargs):
        ax = _axes(ax)
        name = self.name if name is None else name
        label = None
        if self.roc_auc is not None and name is not None:
            label = f"{name} (AUC = {self.roc_auc:0.2f})"
        elif self.roc_auc is not None:
            label = f"AUC = {self.roc_auc:0.2f}"
        elif name is not None:
            label = name
        (self.line_,) = ax.plot(self.fpr, self.tpr, drawstyle="steps-post", label=label, **kwargs)
        suffix = f" (Positive label: {self.pos_label})" if self.pos_label is not None else ""
        ax.set(xlabel="False Positive Rate" + suffix, ylabel="True Positive Rate" + suffix,
               xlim=(-0.01, 1.01), ylim=(-0.01, 1.01), aspect="equal")
        self.chance_level_ = None
        if plot_chance_level:
            (self.chance_level_,) = ax.plot((0, 1), (0, 1), "k--", label="Chance level (AUC = 0.5)")
        if label is not None or plot_chance_level:
            ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(cls, y_true, y_score, *, sample_weight=None, drop_intermediate=True,
                         pos_label=None, name=None, ax=None, **kwargs):
        from ._ranking import auc, roc_curve

        fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=pos_label,
                                sample_weight=sample_weight, drop_intermediate=drop_intermediate)
        if pos_label is None:
            pos_label = np.unique(y_true)[-1]
        return cls(fpr=fpr, tpr=tpr, roc_auc=auc(fpr, tpr), name=name,
                   pos_label=pos_label).plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, drop_intermediate=True,
                       response_method="auto", pos_label=None, name=None, ax=None, **kwargs):
        y_score, pos_label = _binary_response(estimator, X, response_method, pos_label)
        return cls.from_predictions(y, y_score, sample_weight=sample_weight,
                                    drop_intermediate=drop_intermediate, pos_label=pos_label,
                                    name=_name(estimator, name), ax=ax, **kwargs)


class PrecisionRecallDisplay:
    """The precision-recall curve, the average precision in the legend."""

    def __init__(self, precision, recall, *, average_precision=None, estimator_name=None,
                 pos_label=None):
        self.precision, self.recall = precision, recall
        self.average_precision = average_precision
        self.estimator_name, self.pos_label = estimator_name, pos_label

    def plot(self, ax=None, *, name=None, **kwargs):
        ax = _axes(ax)
        name = self.estimator_name if name is None else name
        if self.average_precision is not None:
            label = (f"{name} (AP = {self.average_precision:0.2f})" if name is not None
                     else f"AP = {self.average_precision:0.2f}")
        else:
            label = name
        (self.line_,) = ax.plot(self.recall, self.precision, drawstyle="steps-post", label=label,
                                **kwargs)
        suffix = f" (Positive label: {self.pos_label})" if self.pos_label is not None else ""
        ax.set(xlabel="Recall" + suffix, ylabel="Precision" + suffix, xlim=(-0.01, 1.01),
               ylim=(-0.01, 1.01), aspect="equal")
        if label is not None:
            ax.legend(loc="lower left")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(cls, y_true, y_score, *, sample_weight=None, pos_label=None,
                         drop_intermediate=False, name=None, ax=None, **kwargs):
        from ._ranking import average_precision_score, precision_recall_curve

        if pos_label is None:
            pos_label = np.unique(y_true)[-1]
        precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label,
                                                      sample_weight=sample_weight,
                                                      drop_intermediate=drop_intermediate)
        ap = average_precision_score(y_true, y_score, pos_label=pos_label,
                                     sample_weight=sample_weight)
        return cls(precision, recall, average_precision=ap, estimator_name=name,
                   pos_label=pos_label).plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, pos_label=None,
                       drop_intermediate=False, response_method="auto", name=None, ax=None,
                       **kwargs):
        y_score, pos_label = _binary_response(estimator, X, response_method, pos_label)
        return cls.from_predictions(y, y_score, sample_weight=sample_weight, pos_label=pos_label,
                                    drop_intermediate=drop_intermediate,
                                    name=_name(estimator, name), ax=ax, **kwargs)


class DetCurveDisplay:
    """The detection error tradeoff curve on normal-deviate axes."""

    def __init__(self, *, fpr, fnr, estimator_name=None, pos_label=None):
        self.fpr, self.fnr = fpr, fnr
        self.estimator_name, self.pos_label = estimator_name, pos_label

    def plot(self, ax=None, *, name=None, **kwargs):
        from statistics import NormalDist

        ax = _axes(ax)
        ppf = np.vectorize(NormalDist().inv_cdf, otypes=[float])
        # the rates clipped to (eps, 1 - eps) of their type, as scikit-learn's, so 0 and 1
        # land far off the axes' +-3 instead of at infinity
        self.fpr, self.fnr = np.asarray(self.fpr), np.asarray(self.fnr)
        ftype = self.fpr.dtype if self.fpr.dtype.kind == "f" else np.dtype(np.float64)
        eps = np.finfo(ftype).eps
        self.fpr, self.fnr = self.fpr.clip(eps, 1 - eps), self.fnr.clip(eps, 1 - eps)
        name = self.estimator_name if name is None else name
        line_kwargs = {} if name is None else {"label": name}
        line_kwargs.update(kwargs)
        (self.line_,) = ax.plot(ppf(self.fpr), ppf(self.fnr), **line_kwargs)
        suffix = f" (Positive label: {self.pos_label})" if self.pos_label is not None else ""
        ax.set(xlabel="False Positive Rate" + suffix, ylabel="False Negative Rate" + suffix)
        if "label" in line_kwargs:
            ax.legend(loc="lower right")
        ticks = [0.001, 0.01, 0.05, 0.20, 0.5, 0.80, 0.95, 0.99, 0.999]
        where = ppf(ticks)
        labels = ["{:.0%}".format(t) if (100 * t).is_integer() else "{:.1%}".format(t)
                  for t in ticks]
        ax.set_xticks(where)
        ax.set_xticklabels(labels)
        ax.set_xlim(-3, 3)
        ax.set_yticks(where)
        ax.set_yticklabels(labels)
        ax.set_ylim(-3, 3)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(cls, y_true, y_score, *, sample_weight=None, drop_intermediate=True,
                         pos_label=None, name=None, ax=None, **kwargs):
        from ._ranking import det_curve

        fpr, fnr, _ = det_curve(y_true, y_score, pos_label=pos_label,
                                sample_weight=sample_weight, drop_intermediate=drop_intermediate)
        if pos_label is None:
            pos_label = np.unique(y_true)[-1]
        return cls(fpr=fpr, fnr=fnr, estimator_name=name,
                   pos_label=pos_label).plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, drop_intermediate=True,
                       response_method="auto", pos_label=None, name=None, ax=None, **kwargs):
        y_score, pos_label = _binary_response(estimator, X, response_method, pos_label)
        return cls.from_predictions(y, y_score, sample_weight=sample_weight,
                                    drop_intermediate=drop_intermediate, pos_label=pos_label,
                                    name=_name(estimator, name), ax=ax, **kwargs)


class PredictionErrorDisplay:
    """Predicted vs actual targets ('actual_vs_predicted') or residuals vs predictions
    ('residual_vs_predicted'), with the ideal line."""

    def __init__(self, *, y_true, y_pred):
        self.y_true, self.y_pred = np.asarray(y_true), np.asarray(y_pred)

    def plot(self, ax=None, *, kind="residual_vs_predicted", scatter_kwargs=None,
             line_kwargs=None):
        if kind not in ("actual_vs_predicted", "residual_vs_predicted"):
            raise ValueError("`kind` must be one of 'actual_vs_predicted', "
                             f"'residual_vs_predicted'. Got {kind!r} instead.")
        ax = _axes(ax)
        sk = {"color": "tab:blue", "alpha": 0.8, **(scatter_kwargs or {})}
        lk = {"color": "black", "alpha": 0.7, "linestyle": "--", **(line_kwargs or {})}
        if kind == "actual_vs_predicted":
            lo = min(self.y_true.min(), self.y_pred.min())
            hi = max(self.y_true.max(), self.y_pred.max())
            (self.line_,) = ax.plot([lo, hi], [lo, hi], **lk)
            self.scatter_ = ax.scatter(self.y_pred, self.y_true, **sk)
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xticks(np.linspace(lo, hi, num=5))
            ax.set_yticks(np.linspace(lo, hi, num=5))
            ax.set(xlabel="Predicted values", ylabel="Actual values")
        else:
            (self.line_,) = ax.plot([self.y_pred.min(), self.y_pred.max()], [0, 0], **lk)
            self.scatter_ = ax.scatter(self.y_pred, self.y_true - self.y_pred, **sk)
            ax.set(xlabel="Predicted values", ylabel="Residuals (actual - predicted)")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(cls, y_true, y_pred, *, kind="residual_vs_predicted", subsample=1_000,
                         random_state=None, ax=None, scatter_kwargs=None, line_kwargs=None):
        from ..utils.validation import check_random_state

        import numbers

        _pyplot()
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        random_state = check_random_state(random_state)
        n = y_true.shape[0]
        if isinstance(subsample, numbers.Integral):
            if subsample <= 0:
                raise ValueError(f"When an integer, subsample={subsample} should be positive.")
        elif isinstance(subsample, numbers.Real):
            if subsample <= 0 or subsample >= 1:
                raise ValueError(f"When a floating-point, subsample={subsample} should be in "
                                 "the (0, 1) range.")
            subsample = int(n * subsample)
        if subsample is not None and subsample < n:
            # drawn with replacement, as scikit-learn draws them (the same points for the
            # same random_state)
            idx = random_state.choice(np.arange(n), size=subsample)
            y_true, y_pred = y_true[idx], y_pred[idx]
        return cls(y_true=y_true, y_pred=y_pred).plot(ax=ax, kind=kind,
                                                      scatter_kwargs=scatter_kwargs,
                                                      line_kwargs=line_kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, kind="residual_vs_predicted", subsample=1_000,
                       random_state=None, ax=None, scatter_kwargs=None, line_kwargs=None):
        return cls.from_predictions(y, estimator.predict(X), kind=kind, subsample=subsample,
                                    random_state=random_state, ax=ax,
                                    scatter_kwargs=scatter_kwargs, line_kwargs=line_kwargs)


def _score_name(scoring, negate):
    if scoring is None:
        return "Score"
    if isinstance(scoring, str):
        name = scoring[4:] if (negate and scoring.startswith("neg_")) else scoring
        return name.replace("_", " ").capitalize()
    return "Score"


class _CurveDisplay:
    """What the learning and validation curves share: mean ± std bands of train and test
    scores against one x axis."""

    _xlabel = ""

    def _plot_curves(self, x, ax, negate_score, score_name, score_type, std_display_style,
                     line_kw=None, fill_between_kw=None):
        ax = _axes(ax)
        sign = -1 if negate_score else 1
        scores = {"train": sign * self.train_scores, "test": sign * self.test_scores}
        types = ["train", "test"] if score_type == "both" else [score_type]
        labels = {"train": "Train", "test": "Test"}
        self.lines_, self.fill_between_, self.errorbar_ = [], None, None
        if std_display_style == "fill_between":
            self.fill_between_ = []
        elif std_display_style == "errorbar":
            self.errorbar_ = []
        for t in types:
            mean, std = scores[t].mean(axis=1), scores[t].std(axis=1)
            if std_display_style == "errorbar":
                self.errorbar_.append(ax.errorbar(x, mean, std, label=labels[t]))
            else:
                (line,) = ax.plot(x, mean, label=labels[t], **(line_kw or {}))
                self.lines_.append(line)
                if std_display_style == "fill_between":
                    self.fill_between_.append(ax.fill_between(
                        x, mean - std, mean + std, alpha=0.5, **(fill_between_kw or {})))
        ax.legend()
        ax.set_xlabel(self._xlabel)
        ax.set_ylabel(score_name if score_name is not None else "Score")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class LearningCurveDisplay(_CurveDisplay):
    """Train and test scores against the training set size."""

    _xlabel = "Number of samples in the training set"

    def __init__(self, *, train_sizes, train_scores, test_scores, score_name=None):
        self.train_sizes, self.train_scores, self.test_scores = (train_sizes, train_scores,
                                                                 test_scores)
        self.score_name = score_name

    def plot(self, ax=None, *, negate_score=False, score_name=None, score_type="both",
             std_display_style="fill_between", line_kw=None, fill_between_kw=None,
             errorbar_kw=None):
        return self._plot_curves(self.train_sizes, ax, negate_score,
                                 score_name if score_name is not None else self.score_name,
                                 score_type, std_display_style, line_kw, fill_between_kw)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, groups=None, train_sizes=np.linspace(0.1, 1, 5),
                       cv=None, scoring=None, n_jobs=None, shuffle=False, random_state=None,
                       score_name=None, score_type="both", negate_score=False,
                       std_display_style="fill_between", ax=None, **kwargs):
        from ..model_selection import learning_curve

        sizes, train, test = learning_curve(estimator, X, y, groups=groups,
                                            train_sizes=train_sizes, cv=cv, scoring=scoring,
                                            n_jobs=n_jobs, shuffle=shuffle,
                                            random_state=random_state)
        name = score_name if score_name is not None else _score_name(scoring, negate_score)
        return cls(train_sizes=sizes, train_scores=train, test_scores=test,
                   score_name=name).plot(ax=ax, negate_score=negate_score,
                                         score_type=score_type,
                                         std_display_style=std_display_style, **kwargs)


class ValidationCurveDisplay(_CurveDisplay):
    """Train and test scores against the values of one parameter."""

    def __init__(self, *, param_name, param_range, train_scores, test_scores, score_name=None):
        self.param_name, self.param_range = param_name, np.asarray(param_range)
        self.train_scores, self.test_scores = train_scores, test_scores
        self.score_name = score_name

    def plot(self, ax=None, *, negate_score=False, score_name=None, score_type="both",
             std_display_style="fill_between", line_kw=None, fill_between_kw=None,
             errorbar_kw=None):
        self._xlabel = self.param_name
        return self._plot_curves(self.param_range, ax, negate_score,
                                 score_name if score_name is not None else self.score_name,
                                 score_type, std_display_style, line_kw, fill_between_kw)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, param_name, param_range, groups=None, cv=None,
                       scoring=None, n_jobs=None, score_name=None, score_type="both",
                       negate_score=False, std_display_style="fill_between", ax=None, **kwargs):
        from ..model_selection import validation_curve

        train, test = validation_curve(estimator, X, y, param_name=param_name,
                                       param_range=param_range, groups=groups, cv=cv,
                                       scoring=scoring, n_jobs=n_jobs)
        name = score_name if score_name is not None else _score_name(scoring, negate_score)
        return cls(param_name=param_name, param_range=param_range, train_scores=train,
                   test_scores=test, score_name=name).plot(ax=ax, negate_score=negate_score,
                                                            score_type=score_type,
                                                            std_display_style=std_display_style,
                                                            **kwargs)
