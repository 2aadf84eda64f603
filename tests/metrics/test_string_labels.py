"""String labels take their own counting path (one hashed pass of the core over each target's
fixed-width bytes, cpp/src/metrics/metrics.cpp: encode_fixed_width): the label metrics on str and
bytes targets against scikit-learn's, with the cases that path has to get right."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import metrics as skm

import scratchlearn.metrics as slm
from scratchlearn import _core
from scratchlearn.metrics import _counts


def _cases():
    rng = np.random.RandomState(0)
    names = np.array([f"class_{i:02d}" for i in range(7)])
    y, p = rng.randint(0, 7, 500), rng.randint(0, 7, 500)
    yield names[y], names[p]                                        # str, same width
    yield names[y].astype("U20"), names[p]                          # wider than its labels
    yield names[y], np.array(["c", "class_03", "zz"])[rng.randint(0, 3, 500)]  # other widths
    yield np.array(["", "a", "ab", "a", ""] * 20), np.array(["a", "", "ab", "ab", "b"] * 20)
    yield np.array(["é", "e", "ü", "é"] * 25), np.array(["e", "é", "é", "ü"] * 25)  # non-ASCII
    many = np.array([f"label{i}" for i in range(300)])              # > 64 labels: table grows
    yield many[rng.randint(0, 300, 2000)], many[rng.randint(0, 300, 2000)]
    yield np.sort(names[y]), np.sort(names[p])                      # runs of one label
    yield names[rng.randint(0, 2, 400)], names[rng.randint(0, 2, 400)]  # binary
    yield np.array(["only"] * 30), np.array(["only"] * 30)         # one label
    z = np.empty(200, "U16")                                        # strided views
    z[:] = names[rng.randint(0, 7, 200)]
    yield z[::2], names[rng.randint(0, 7, 100)][::-1]


@pytest.mark.parametrize("case", range(10))
@pytest.mark.parametrize("weighted", [False, True])
def test_label_metrics_on_string_targets(case, weighted):
    y, p = list(_cases())[case]
    w = np.random.RandomState(case).rand(len(y)) if weighted else None
    assert_array_equal(slm.confusion_matrix(y, p, sample_weight=w),
                       skm.confusion_matrix(y, p, sample_weight=w))
    assert slm.accuracy_score(y, p, sample_weight=w) == pytest.approx(
        skm.accuracy_score(y, p, sample_weight=w), rel=1e-12)
    ours = slm.classification_report(y, p, sample_weight=w, output_dict=True, zero_division=0)
    theirs = skm.classification_report(y, p, sample_weight=w, output_dict=True, zero_division=0)
    assert list(ours) == list(theirs)
    for key in theirs:
        if isinstance(theirs[key], dict):
            for m in theirs[key]:
                assert_allclose(ours[key][m], theirs[key][m], rtol=1e-12, err_msg=f"{key} {m}")
        else:
            assert_allclose(ours[key], theirs[key], rtol=1e-12)
    assert (slm.classification_report(y, p, sample_weight=w, zero_division=0)
            == skm.classification_report(y, p, sample_weight=w, zero_division=0))
    for avg in ("micro", "macro", "weighted"):
        assert_allclose(slm.f1_score(y, p, average=avg, sample_weight=w, zero_division=0),
                        skm.f1_score(y, p, average=avg, sample_weight=w, zero_division=0),
                        rtol=1e-12)
    assert_allclose(slm.matthews_corrcoef(y, p, sample_weight=w),
                    skm.matthews_corrcoef(y, p, sample_weight=w), rtol=1e-12, atol=1e-15)


def test_string_labels_given_and_absent():
    y = np.array(["cat", "dog", "cat", "bird", "dog"])
    p = np.array(["cat", "cat", "cat", "bird", "fish"])
    for labels in (["dog", "cat"], ["cat", "dog", "bird", "fish", "emu"]):
        assert_array_equal(slm.confusion_matrix(y, p, labels=labels),
                           skm.confusion_matrix(y, p, labels=labels))
        assert (slm.classification_report(y, p, labels=labels, zero_division=0)
                == skm.classification_report(y, p, labels=labels, zero_division=0))
    # strings against numbers: not one label type
    with pytest.raises(ValueError, match="Mix of label input types"):
        slm.confusion_matrix(y, np.array([1, 2, 1, 2, 1]))


def test_encode_fixed_width_kernel():
    rng = np.random.RandomState(1)
    for y in (rng.randint(0, 100_000, 50_000).astype(str), np.array(["b", "a", "b", "b", "c"]),
              np.array(["\x00x", "x", "\x00x", "x\x00"])):
        distinct, codes = _counts._encode_strings(y)
        assert_array_equal(distinct[codes], y)
        assert len(distinct) == len(np.unique(y))
        # numbered in order of first appearance
        _, first = np.unique(codes, return_index=True)
        assert_array_equal(np.sort(first), first)
    codes, firsts = _core.metrics.encode_fixed_width(np.zeros((0, 4), np.uint8))
    assert codes.shape == (0,) and firsts.shape == (0,)
    with pytest.raises(ValueError, match="width"):
        _core.metrics.encode_fixed_width(np.zeros((3, 0), np.uint8))
    with pytest.raises(ValueError, match="2-dimensional"):
        _core.metrics.encode_fixed_width(np.zeros(3, np.uint8))


@pytest.mark.parametrize("names", [None, np.array(["x", "y", "z"])])
def test_count_types_as_sklearn(names):
    # supports and multilabel confusion matrices are ints only unweighted and with at least one
    # right prediction (scikit-learn's true-positive sums start as float zeros otherwise), so
    # the text report prints 25 or 25.0 as scikit-learn's does
    y = np.array([0, 1, 1, 2] * 25)
    right, wrong = np.array([0, 1, 0, 2] * 25), np.array([1, 0, 0, 0] * 25)
    for p in (right, wrong):
        for w in (None, np.array([1, 2, 3, 1] * 25), np.array([1.0, 2, 3, 1] * 25)):
            for labels in (None, [1, 2]):
                a, b = (y, p) if names is None else (names[y], names[p])
                lab = labels if names is None or labels is None else list(names[labels])
                ours = slm.multilabel_confusion_matrix(a, b, sample_weight=w, labels=lab)
                theirs = skm.multilabel_confusion_matrix(a, b, sample_weight=w, labels=lab)
                assert ours.dtype == theirs.dtype
                assert_array_equal(ours, theirs)
                s_ours = slm.precision_recall_fscore_support(a, b, sample_weight=w, labels=lab,
                                                             zero_division=0)[3]
                s_theirs = skm.precision_recall_fscore_support(a, b, sample_weight=w, labels=lab,
                                                               zero_division=0)[3]
                assert s_ours.dtype == s_theirs.dtype
                assert (slm.classification_report(a, b, sample_weight=w, labels=lab,
                                                  zero_division=0)
                        == skm.classification_report(a, b, sample_weight=w, labels=lab,
                                                     zero_division=0))


@pytest.mark.parametrize("weighted", [False, True])
def test_object_string_labels(weighted):
    # object arrays of str (a pandas column of labels) take a dict-coding path: the same
    # answers as scikit-learn's, and as the str arrays'
    rng = np.random.RandomState(3)
    names = np.array(["setosa", "versicolor", "virginica", "a", "ab"], dtype=object)
    y, p = names[rng.randint(0, 5, 400)], names[rng.randint(0, 4, 400)]
    w = rng.rand(400) if weighted else None
    for a, b in ((y, p), (y[:50], p[:50])):
        assert_array_equal(slm.confusion_matrix(a, b, sample_weight=w if len(a) == 400 else None),
                           skm.confusion_matrix(a, b, sample_weight=w if len(a) == 400 else None))
        ww = w if len(a) == 400 else None
        assert (slm.classification_report(a, b, sample_weight=ww, zero_division=0)
                == skm.classification_report(a, b, sample_weight=ww, zero_division=0))
        assert_allclose(slm.f1_score(a, b, average="macro", sample_weight=ww),
                        skm.f1_score(a, b, average="macro", sample_weight=ww), rtol=1e-12)
    pd = pytest.importorskip("pandas")
    assert_array_equal(slm.confusion_matrix(pd.Series(y), pd.Series(p)),
                       skm.confusion_matrix(y, p))
    # not all str: the general path, with its errors (scikit-learn's too: a TypeError from
    # sorting str and int)
    mixed = np.array(["a", 1, "b", 2], dtype=object)
    for lib in (slm, skm):
        with pytest.raises(TypeError, match="not supported between instances"):
            lib.confusion_matrix(mixed, np.array(["a", "b", "a", "b"], dtype=object))


def test_multilabel_indicator_matrices():
    rng = np.random.RandomState(0)
    Y, P = rng.randint(0, 2, (300, 5)), rng.randint(0, 2, (300, 5))
    Y[:, 2] = 0                                                    # a label never true
    for a, b in ((Y, P), (Y.astype(bool), P.astype(bool)), (Y.astype(np.int8), P)):
        for avg in ("micro", "macro", "weighted", "samples", None):
            assert_allclose(slm.f1_score(a, b, average=avg, zero_division=0),
                            skm.f1_score(a, b, average=avg, zero_division=0), rtol=1e-12)
        assert (slm.classification_report(a, b, zero_division=0)
                == skm.classification_report(a, b, zero_division=0))
        assert_array_equal(slm.multilabel_confusion_matrix(a, b),
                           skm.multilabel_confusion_matrix(a, b))
    # a 2 among the values: multiclass-multioutput, which neither takes
    bad = Y.copy()
    bad[0, 0] = 2
    for lib in (slm, skm):
        with pytest.raises(ValueError, match="mix of multiclass-multioutput and multilabel"):
            lib.f1_score(bad, P, average="macro")
        with pytest.raises(ValueError, match="multiclass-multioutput is not supported"):
            lib.f1_score(bad, bad, average="macro")


@pytest.mark.parametrize("seed", range(4))
def test_whole_number_float_labels(seed):
    # float labels that are whole numbers take the integer counting path; their labels come
    # back as floats, printed as scikit-learn prints them
    rng = np.random.RandomState(seed)
    y = (rng.randint(0, 4, 300) - 1).astype(float)
    p = (rng.randint(0, 4, 300) - 1).astype([np.float64, np.float32, int, np.float64][seed])
    if seed == 1:
        y = y.astype(np.float32)
    w = rng.rand(300) if seed % 2 else None
    if seed == 3:
        y[0] = 0.5                         # not whole: the general path, continuous, rejected
        for lib in (slm, skm):
            with pytest.raises(ValueError, match="mix of continuous and multiclass"):
                lib.classification_report(y, p, sample_weight=w)
        return
    for labels in (None, [0.0, 1.0], [2.0, -1.0, 7.0]):
        assert (slm.classification_report(y, p, sample_weight=w, labels=labels, zero_division=0)
                == skm.classification_report(y, p, sample_weight=w, labels=labels,
                                             zero_division=0))
        ours = slm.confusion_matrix(y, p, sample_weight=w, labels=labels)
        theirs = skm.confusion_matrix(y, p, sample_weight=w, labels=labels)
        assert ours.dtype == theirs.dtype
        assert_array_equal(ours, theirs)
    assert_allclose(slm.matthews_corrcoef(y, p, sample_weight=w),
                    skm.matthews_corrcoef(y, p, sample_weight=w), rtol=1e-12)
    # NaN labels: the general path's error, as scikit-learn's
    bad = y.copy()
    bad[1] = np.nan
    with pytest.raises(ValueError):
        slm.confusion_matrix(bad, p)
    with pytest.raises(ValueError):
        skm.confusion_matrix(bad, p)
