"""Every metric of scratchlearn.metrics against scikit-learn's on random inputs: binary,
multiclass, multilabel, weighted, with absent classes and tied scores, in every average and
zero_division mode; the scorers by name; bad input rejected with scikit-learn's messages."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import metrics as skm

import scratchlearn.metrics as slm
from scratchlearn.utils._param_validation import InvalidParameterError


def _same(ours, theirs, rtol=1e-12, atol=1e-14):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, rtol, atol)
        return
    if theirs is None:
        assert ours is None
        return
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs)
        for key in theirs:
            _same(ours[key], theirs[key], rtol, atol)
        return
    if isinstance(theirs, str):
        assert ours == theirs
        return
    if np.ndim(theirs) == 0:
        assert np.ndim(ours) == 0
        assert_allclose(float(ours), float(theirs), rtol=rtol, atol=atol, equal_nan=True)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    if theirs.dtype.kind in "iu":
        assert ours.dtype.kind in "iu"
        assert_array_equal(ours, theirs)
    else:
        assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def _both(name, *args, **kwargs):
    """Call the metric in both libraries: equal results, or the same exception type and message;
    and the same warning categories."""
    results, errors, warns = [], [], []
    for lib in (slm, skm):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                results.append(getattr(lib, name)(*args, **kwargs))
                errors.append(None)
            except Exception as e:  # noqa: BLE001 - compared below
                results.append(None)
                errors.append(e)
        warns.append(sorted({type(x.message).__name__ for x in w
                             if not issubclass(x.category, (DeprecationWarning, FutureWarning))}))
    if errors[1] is not None:
        assert errors[0] is not None, f"{name}: sklearn raised {errors[1]!r}, we returned {results[0]!r}"
        assert (isinstance(errors[0], type(errors[1]))
                or type(errors[0]).__name__ == type(errors[1]).__name__), repr(errors[0])
        assert str(errors[0]) == str(errors[1]) or type(errors[1]).__name__ == "InvalidParameterError"
        return None
    assert errors[0] is None, f"{name}: we raised {errors[0]!r}"
    _same(results[0], results[1])
    assert warns[0] == warns[1], (name, warns)
    return results[0]


def _label_pairs(rng, n=60):
    yield rng.randint(0, 2, n), rng.randint(0, 2, n)                      # binary
    yield rng.randint(0, 4, n), rng.randint(0, 4, n)                      # multiclass
    yield rng.randint(1, 4, n), rng.randint(0, 5, n)                      # absent classes
    names = np.array(["ant", "bee", "cat"])
    yield names[rng.randint(0, 3, n)], names[rng.randint(0, 3, n)]        # strings
    yield rng.randint(-2, 2, n).astype(float), rng.randint(-2, 2, n)      # integral floats
    yield np.zeros(n, int), rng.randint(0, 2, n)                          # one true class
    yield rng.randint(0, 3, n).astype(np.int32), rng.randint(0, 3, n).astype(np.uint8)


def _multilabel_pairs(rng, n=60):
    Y = rng.randint(0, 2, (n, 4))
    yield Y, np.where(rng.rand(n, 4) < 0.3, 1 - Y, Y)
    Z = Y.copy()
    Z[:, 2] = 0  # a label never true
    yield Z, rng.randint(0, 2, (n, 4))


@pytest.mark.parametrize("average", [None, "binary", "micro", "macro", "weighted", "samples"])
def test_prfs_matches_sklearn(average):
    rng = np.random.RandomState(0)
    pairs = list(_label_pairs(rng)) + list(_multilabel_pairs(rng))
    for y_true, y_pred in pairs:
        n = len(y_true)
        for w, zero_division in ((None, "warn"), (rng.rand(n), 1.0), (None, np.nan),
                                 (rng.rand(n), 0.0)):
            kw = dict(average=average, sample_weight=w, zero_division=zero_division)
            if average == "binary":
                kw["pos_label"] = y_true[0] if np.ndim(y_true) == 1 else 1
            _both("precision_recall_fscore_support", y_true, y_pred, **kw)
            if zero_division in ("warn", 1.0):
                _both("fbeta_score", y_true, y_pred, beta=0.5, **kw)
                for name in ("precision_score", "recall_score", "f1_score", "jaccard_score"):
                    _both(name, y_true, y_pred, **kw)
            if np.ndim(y_true) == 1:
                labels = np.unique(np.r_[y_true, y_pred])[::-1][:2]
                _both("precision_recall_fscore_support", y_true, y_pred,
                      **dict(kw, labels=labels))


@pytest.mark.parametrize("seed", [0, 1])
def test_confusion_report_agreement_match_sklearn(seed):
    rng = np.random.RandomState(seed)
    for y_true, y_pred in _label_pairs(rng):
        n = len(y_true)
        labels = np.unique(np.r_[y_true, y_pred])
        for w in (None, rng.rand(n), rng.randint(0, 3, n)):
            for normalize in (None, "true", "pred", "all"):
                _both("confusion_matrix", y_true, y_pred, sample_weight=w, normalize=normalize)
            _both("confusion_matrix", y_true, y_pred, sample_weight=w, labels=labels[::-1][:2])
            _both("multilabel_confusion_matrix", y_true, y_pred, sample_weight=w)
            _both("multilabel_confusion_matrix", y_true, y_pred, sample_weight=w,
                  labels=labels[::-1])
            _both("balanced_accuracy_score", y_true, y_pred, sample_weight=w)
            _both("balanced_accuracy_score", y_true, y_pred, sample_weight=w, adjusted=True)
            _both("matthews_corrcoef", y_true, y_pred, sample_weight=w)
            for weights in (None, "linear", "quadratic"):
                _both("cohen_kappa_score", y_true, y_pred, sample_weight=w, weights=weights)
            _both("classification_report", y_true, y_pred, sample_weight=w, output_dict=True)
            _both("hamming_loss", y_true, y_pred, sample_weight=w)
            _both("zero_one_loss", y_true, y_pred, sample_weight=w)
            _both("zero_one_loss", y_true, y_pred, sample_weight=w, normalize=False)
        _both("classification_report", y_true, y_pred)
        _both("classification_report", y_true, y_pred, digits=4, zero_division=1)
        _both("classification_report", y_true, y_pred, labels=labels[:2],
              target_names=[f"c{i}" for i in range(2)])
    for Y, P in _multilabel_pairs(rng):
        w = rng.rand(len(Y))
        _both("multilabel_confusion_matrix", Y, P)
        _both("multilabel_confusion_matrix", Y, P, sample_weight=w, samplewise=True)
        _both("multilabel_confusion_matrix", Y, P, labels=[3, 0])
        _both("classification_report", Y, P, output_dict=True)
        _both("classification_report", Y, P)
        _both("hamming_loss", Y, P, sample_weight=w)


def test_large_integer_labels_fast_path_equals_sorted_path():
    rng = np.random.RandomState(5)
    y_true, y_pred = rng.randint(0, 10, 300_000), rng.randint(0, 10, 300_000)
    w = rng.rand(300_000)
    _both("classification_report", y_true, y_pred, output_dict=True)
    _both("confusion_matrix", y_true, y_pred, sample_weight=w)
    # labels far apart (the sorted path) give the same answers
    _both("confusion_matrix", y_true * 100_000, y_pred * 100_000)
    _both("f1_score", y_true * 100_000, y_pred * 100_000, average="macro")


def _score_cases(rng, n=80):
    y = rng.randint(0, 2, n)
    yield y, rng.rand(n)                                           # continuous scores
    yield y, np.round(rng.rand(n), 1)                              # many ties
    yield y, (rng.rand(n) * 4).astype(np.float32)                  # float32
    yield np.array(["no", "yes"])[y], rng.randn(n)                 # strings: pos_label needed
    yield y * 2 - 1, rng.randn(n)                                  # {-1, 1}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_curves_and_auc_match_sklearn(seed):
    rng = np.random.RandomState(seed)
    for y, s in _score_cases(rng):
        pos = "yes" if y.dtype.kind == "U" else None
        for w in (None, rng.rand(len(y)), np.r_[np.zeros(5), rng.rand(len(y) - 5)]):
            for drop in (True, False):
                _both("roc_curve", y, s, sample_weight=w, pos_label=pos, drop_intermediate=drop)
                _both("precision_recall_curve", y, s, sample_weight=w, pos_label=pos,
                      drop_intermediate=drop)
                _both("det_curve", y, s, sample_weight=w, pos_label=pos, drop_intermediate=drop)
            if pos is None:
                for max_fpr in (None, 0.3, 1.0):
                    _both("roc_auc_score", y, s, sample_weight=w, max_fpr=max_fpr)
                _both("average_precision_score", y, s, sample_weight=w)
            else:
                _both("average_precision_score", y, s, sample_weight=w, pos_label=pos)
        fpr, tpr, _ = slm.roc_curve(y, s, pos_label=pos)
        _both("auc", fpr, tpr)
        _both("auc", fpr[::-1], tpr[::-1])


@pytest.mark.parametrize("seed", [0, 1])
def test_multiclass_and_multilabel_auc_match_sklearn(seed):
    rng = np.random.RandomState(seed)
    n, k = 90, 4
    y = rng.randint(0, k, n)
    P = rng.rand(n, k)
    P /= P.sum(axis=1, keepdims=True)
    w = rng.rand(n)
    for mc in ("ovr", "ovo"):
        for avg in ("macro", "weighted", None, "micro"):
            _both("roc_auc_score", y, P, multi_class=mc, average=avg)
            _both("roc_auc_score", y, P, multi_class=mc, average=avg, sample_weight=w)
    _both("roc_auc_score", np.array(list("abcd"))[y], P, multi_class="ovr")
    _both("roc_auc_score", y, P)  # multi_class='raise'
    _both("roc_auc_score", y, P, multi_class="ovr", labels=[0, 1, 2, 3])
    Y = rng.randint(0, 2, (n, 3))
    S = rng.rand(n, 3)
    for avg in ("macro", "weighted", "micro", "samples", None):
        _both("roc_auc_score", Y, S, average=avg)
        _both("roc_auc_score", Y, S, average=avg, sample_weight=w)
        _both("average_precision_score", Y, S, average=avg)
        _both("average_precision_score", Y, S, average=avg, sample_weight=w)
    _both("average_precision_score", y, P)
    for k_ in (1, 2, 3):
        _both("top_k_accuracy_score", y, P, k=k_)
        _both("top_k_accuracy_score", y, P, k=k_, sample_weight=w, normalize=False)
    yb = rng.randint(0, 2, n)
    for k_ in (1, 2):
        _both("top_k_accuracy_score", yb, rng.rand(n), k=k_)


@pytest.mark.parametrize("seed", [0, 1])
def test_probabilistic_losses_match_sklearn(seed):
    rng = np.random.RandomState(seed)
    n = 70
    y = rng.randint(0, 3, n)
    P = rng.rand(n, 3)
    P /= P.sum(axis=1, keepdims=True)
    w = rng.rand(n)
    for sw in (None, w):
        _both("log_loss", y, P, sample_weight=sw)
        _both("log_loss", y, P, sample_weight=sw, normalize=False)
        _both("log_loss", y, P.astype(np.float32), sample_weight=sw)
        _both("brier_score_loss", y, P, sample_weight=sw)
        yb, pb = rng.randint(0, 2, n), rng.rand(n)
        _both("log_loss", yb, pb, sample_weight=sw)
        _both("brier_score_loss", yb, pb, sample_weight=sw)
        _both("brier_score_loss", np.array(["a", "b"])[yb], pb, sample_weight=sw, pos_label="b")
        _both("hinge_loss", yb * 2 - 1, rng.randn(n), sample_weight=sw)
        _both("hinge_loss", y, rng.randn(n, 3), sample_weight=sw)
    _both("log_loss", [0, 1, 1], [[0.2, 0.3, 0.5]] * 3, labels=[0, 1, 2])
    _both("log_loss", [1, 1, 1], [0.5, 0.2, 0.1])  # one class, no labels


@pytest.mark.parametrize("seed", [0, 1])
def test_regression_metrics_match_sklearn(seed):
    rng = np.random.RandomState(seed)
    n = 50
    for shape in ((n,), (n, 3)):
        y, p = rng.rand(*shape) * 3, rng.rand(*shape) * 3
        for w in (None, rng.rand(n), rng.randint(0, 3, n).astype(float)):
            outs = ["raw_values", "uniform_average"] + ([[0.2, 0.3, 0.5]] if len(shape) == 2 else [])
            for mo in outs:
                for name in ("mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
                             "mean_squared_log_error", "root_mean_squared_log_error",
                             "mean_absolute_percentage_error", "median_absolute_error"):
                    _both(name, y, p, sample_weight=w, multioutput=mo)
            for mo in outs + ["variance_weighted"]:
                for ff in (True, False):
                    _both("r2_score", y, p, sample_weight=w, multioutput=mo, force_finite=ff)
                    _both("explained_variance_score", y, p, sample_weight=w, multioutput=mo,
                          force_finite=ff)
        if len(shape) == 1:
            _both("max_error", y, p)
    # weighted medians with ties and zero weights
    y, p = rng.randint(0, 4, n).astype(float), rng.randint(0, 4, n).astype(float)
    for w in (rng.randint(0, 3, n).astype(float), np.ones(n)):
        _both("median_absolute_error", y, p, sample_weight=w)
    _both("mean_squared_log_error", [-2.0, 1.0], [1.0, 2.0])
    _both("max_error", rng.rand(5, 2), rng.rand(5, 2))
    c = np.ones(10)
    _both("explained_variance_score", c, c + 1, force_finite=False)
    _both("explained_variance_score", c, c)


@pytest.mark.parametrize("seed", [0, 1])
def test_clustering_metrics_match_sklearn(seed):
    rng = np.random.RandomState(seed)
    for a, b in ((rng.randint(0, 3, 100), rng.randint(0, 4, 100)),
                 (rng.randint(0, 2, 30), rng.randint(5, 7, 30)),
                 (np.array(list("aabbcc")), np.array([1, 1, 2, 2, 3, 3])),
                 (np.zeros(10, int), np.zeros(10, int)),
                 (np.arange(10), np.arange(10) % 3)):
        for name in ("adjusted_rand_score", "rand_score", "mutual_info_score", "homogeneity_score",
                     "completeness_score", "v_measure_score", "homogeneity_completeness_v_measure",
                     "pair_confusion_matrix", "fowlkes_mallows_score"):
            _both(name, a, b)
        from sklearn.metrics.cluster import contingency_matrix

        _same(slm._cluster.contingency_matrix(a, b), contingency_matrix(a, b))
        for method in ("arithmetic", "geometric", "min", "max"):
            _both("normalized_mutual_info_score", a, b, average_method=method)
        _both("v_measure_score", a, b, beta=0.5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_silhouette_matches_sklearn(dtype):
    rng = np.random.RandomState(0)
    X = (rng.randn(300, 5) + rng.randint(0, 3, (300, 1)) * 2).astype(dtype)
    labels = rng.randint(0, 4, 300)
    labels[0] = 9  # a cluster of one sample
    rtol = 1e-9 if dtype == np.float64 else 1e-4
    for metric in ("euclidean", "sqeuclidean", "manhattan", "cosine", "chebyshev"):
        assert_allclose(slm.silhouette_samples(X, labels, metric=metric),
                        skm.silhouette_samples(X, labels, metric=metric), rtol=rtol, atol=rtol)
        assert_allclose(slm.silhouette_score(X, labels, metric=metric),
                        skm.silhouette_score(X, labels, metric=metric), rtol=rtol)
    assert_allclose(slm.silhouette_score(X, labels, sample_size=120, random_state=3),
                    skm.silhouette_score(X, labels, sample_size=120, random_state=3), rtol=rtol)
    D = skm.pairwise_distances(X.astype(np.float64))
    assert_allclose(slm.silhouette_samples(D, labels, metric="precomputed"),
                    skm.silhouette_samples(D, labels, metric="precomputed"), rtol=1e-12)
    X2 = rng.randn(3000, 4)
    lab2 = rng.randint(0, 5, 3000)
    assert_allclose(slm.silhouette_score(X2, lab2), skm.silhouette_score(X2, lab2), rtol=1e-9)


def test_silhouette_rejects_bad_input():
    X = np.random.RandomState(0).randn(10, 2)
    with pytest.raises(ValueError, match="Number of labels is 1"):
        slm.silhouette_score(X, np.zeros(10))
    with pytest.raises(ValueError, match="Number of labels is 10"):
        slm.silhouette_score(X, np.arange(10))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        slm.silhouette_score(X, np.zeros(9))
    with pytest.raises(ValueError, match="non-zero elements on the diagonal"):
        slm.silhouette_score(np.ones((10, 10)), np.arange(10) % 2, metric="precomputed")
    with pytest.raises(ValueError, match="Unknown metric"):
        slm.silhouette_score(X, np.arange(10) % 2, metric="nope")


def test_bad_input_rejected_with_messages():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        slm.f1_score([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="continuous is not supported"):
        slm.confusion_matrix([0.1, 0.5, 0.7], [0.1, 0.5, 0.7])
    with pytest.raises(ValueError, match="Classification metrics can't handle a mix"):
        slm.precision_score([0, 1, 2], [0.5, 1.5, 2.5], average="macro")
    with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
        slm.f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="pos_label=2 is not a valid label"):
        slm.recall_score([0, 1], [0, 1], pos_label=2)
    with pytest.raises(InvalidParameterError, match="average"):
        slm.f1_score([0, 1], [0, 1], average="mean")
    with pytest.raises(InvalidParameterError, match="zero_division"):
        slm.precision_score([0, 1], [0, 1], zero_division=2)
    with pytest.raises(ValueError, match="multiclass format is not supported"):
        slm.roc_curve([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="contains NaN"):
        slm.roc_curve([0, 1, 1], [0.1, np.nan, 0.3])
    with pytest.raises(ValueError, match="At least 2 points"):
        slm.auc([1.0], [1.0])
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        slm.auc([0, 2, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="multi_class must be in"):
        slm.roc_auc_score([0, 1, 2], np.eye(3))
    with pytest.raises(ValueError, match="different number of output"):
        slm.mean_absolute_error(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="not a valid scoring value"):
        slm.get_scorer("accuracy_of_nothing")


def test_scorers_by_name_match_sklearn():
    from sklearn.linear_model import LogisticRegression as SkLogistic
    from sklearn.linear_model import Ridge as SkRidge

    rng = np.random.RandomState(0)
    X = rng.randn(120, 4)
    yb = (X[:, 0] + 0.5 * rng.randn(120) > 0).astype(int)
    ym = np.digitize(X[:, 1] + 0.3 * rng.randn(120), [-0.5, 0.5])
    yr = X @ rng.randn(4) + rng.randn(120)
    clf_b, clf_m = SkLogistic().fit(X, yb), SkLogistic().fit(X, ym)
    reg = SkRidge().fit(X, yr)
    assert set(slm.get_scorer_names()) <= set(skm.get_scorer_names())
    binary = ["accuracy", "balanced_accuracy", "f1", "precision", "recall", "jaccard", "roc_auc",
              "average_precision", "neg_log_loss", "neg_brier_score", "matthews_corrcoef",
              "top_k_accuracy"]
    multi = ["accuracy", "f1_macro", "f1_micro", "f1_weighted", "precision_macro",
             "recall_weighted", "jaccard_macro", "roc_auc_ovr", "roc_auc_ovo",
             "roc_auc_ovr_weighted", "roc_auc_ovo_weighted", "neg_log_loss", "top_k_accuracy",
             "adjusted_rand_score", "v_measure_score", "normalized_mutual_info_score"]
    regr = ["r2", "explained_variance", "neg_mean_squared_error", "neg_mean_absolute_error",
            "neg_root_mean_squared_error", "neg_median_absolute_error", "neg_max_error",
            "neg_mean_absolute_percentage_error"]
    for names, est, y in ((binary, clf_b, yb), (multi, clf_m, ym), (regr, reg, yr)):
        for name in names:
            assert_allclose(slm.get_scorer(name)(est, X, y), skm.get_scorer(name)(est, X, y),
                            rtol=1e-12, err_msg=name)
    sc = slm.make_scorer(slm.fbeta_score, beta=2)
    assert_allclose(sc(clf_b, X, yb), skm.make_scorer(skm.fbeta_score, beta=2)(clf_b, X, yb))
    sc = slm.make_scorer(slm.mean_squared_error, greater_is_better=False)
    assert sc(reg, X, yr) < 0
    assert slm.check_scoring(clf_b)(clf_b, X, yb) == clf_b.score(X, yb)
    multi_scorer = slm.check_scoring(clf_b, ["accuracy", "roc_auc"])
    scores = multi_scorer(clf_b, X, yb)
    assert set(scores) == {"accuracy", "roc_auc"}
    with pytest.raises(ValueError, match="looks like it is a metric function"):
        slm.check_scoring(clf_b, slm.accuracy_score)
    with pytest.raises(TypeError, match="should have a 'score' method"):
        slm.check_scoring(object())
