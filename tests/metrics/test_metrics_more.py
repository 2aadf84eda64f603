"""The rest of sklearn.metrics: adjusted mutual information, Calinski-Harabasz, Davies-Bouldin,
the contingency matrix, (n)DCG, the multilabel ranking metrics, the Tweedie deviances, the
pinball loss and the D² scores, class likelihood ratios and the threshold sweeps; each against
scikit-learn on random inputs, with weights, and at the edge cases; bad input rejected."""

import inspect
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import metrics as skm

import scratchlearn.metrics as slm
from scratchlearn.exceptions import UndefinedMetricWarning


def _quiet(f, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kwargs)


def test_public_names_match_scikit_learn():
    # scikit-learn's public names (its own test package appears in dir() once another test has
    # imported it, so submodules count only where scikit-learn lists them in __all__)
    theirs = {n for n in dir(skm) if not n.startswith("_")
              and (not inspect.ismodule(getattr(skm, n)) or n in skm.__all__)}
    ours = set(dir(slm))
    assert theirs - ours == set()
    assert set(skm.get_scorer_names()) <= set(slm.get_scorer_names())
    for name in dir(skm.cluster):
        if not name.startswith("_") and callable(getattr(skm.cluster, name)) and \
                name in skm.cluster.__all__:
            assert hasattr(slm.cluster, name), name


# ---- clustering -------------------------------------------------------------------------------

@pytest.mark.parametrize("average_method", ["min", "geometric", "arithmetic", "max"])
@pytest.mark.parametrize("seed", [0, 1])
def test_adjusted_mutual_info(average_method, seed):
    rng = np.random.default_rng(seed)
    for n, ka, kb in ((30, 3, 4), (400, 6, 9), (3000, 25, 12)):
        a, b = rng.integers(0, ka, n), rng.integers(0, kb, n)
        assert_allclose(slm.adjusted_mutual_info_score(a, b, average_method=average_method),
                        skm.adjusted_mutual_info_score(a, b, average_method=average_method),
                        rtol=1e-10, atol=1e-12)
        b = np.where(rng.random(n) < 0.8, a, b)  # correlated labelings
        assert_allclose(slm.adjusted_mutual_info_score(a, b, average_method=average_method),
                        skm.adjusted_mutual_info_score(a, b, average_method=average_method),
                        rtol=1e-10, atol=1e-12)


def test_adjusted_mutual_info_edges_and_strings():
    cases = [([0, 0, 1, 1], [1, 1, 0, 0]), ([0, 0, 0], [0, 0, 0]), ([0, 1, 2], [0, 0, 0]),
             ([], []), ([0, 1, 2, 3], [0, 1, 2, 3]), (list("aabbc"), list("xyyzz"))]
    for a, b in cases:
        assert_allclose(slm.adjusted_mutual_info_score(a, b), skm.adjusted_mutual_info_score(a, b),
                        atol=1e-12)
    # a large, perfectly matched labeling: E[MI] from log-space terms stays finite
    a = np.repeat(np.arange(50), 400)
    assert_allclose(slm.adjusted_mutual_info_score(a, a), 1.0)
    c = np.random.default_rng(0).permutation(a)
    assert_allclose(slm.adjusted_mutual_info_score(a, c), skm.adjusted_mutual_info_score(a, c),
                    atol=1e-10)
    assert slm.cluster.adjusted_mutual_info_score is slm.adjusted_mutual_info_score


def test_expected_mutual_information_and_entropy():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 5, 200), rng.integers(0, 4, 200)
    C = slm.contingency_matrix(a, b)
    from sklearn.metrics.cluster import expected_mutual_information as sk_emi
    assert_allclose(slm.cluster.expected_mutual_information(C, 200),
                    sk_emi(skm.cluster.contingency_matrix(a, b), 200), rtol=1e-12)
    assert_allclose(slm.cluster.entropy(a), skm.cluster.entropy(a), rtol=1e-12)


def test_contingency_matrix():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 4, 100), rng.integers(2, 9, 100)
    assert_array_equal(slm.contingency_matrix(a, b), skm.cluster.contingency_matrix(a, b))
    assert_allclose(slm.contingency_matrix(a, b, eps=0.5),
                    skm.cluster.contingency_matrix(a, b, eps=0.5))
    ours = slm.cluster.contingency_matrix(a, b, sparse=True)
    theirs = skm.cluster.contingency_matrix(a, b, sparse=True)
    assert ours.format == "csr"
    assert_array_equal(ours.toarray(), theirs.toarray())
    with pytest.raises(ValueError, match="eps"):
        slm.contingency_matrix(a, b, eps=1.0, sparse=True)


def test_contingency_sparse_without_scipy(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError("No module named 'scipy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    with pytest.raises(ImportError, match="scipy"):
        slm.contingency_matrix([0, 1], [1, 1], sparse=True)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_calinski_harabasz_and_davies_bouldin(dtype):
    rng = np.random.default_rng(2)
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    for n, d, k in ((50, 2, 3), (600, 7, 5), (2000, 3, 12)):
        X = (rng.normal(size=(n, d)) + rng.integers(0, 3, (n, 1))).astype(dtype)
        labels = rng.integers(0, k, n)
        assert_allclose(slm.calinski_harabasz_score(X, labels),
                        skm.calinski_harabasz_score(X, labels), rtol=rtol)
        assert_allclose(slm.davies_bouldin_score(X, labels), skm.davies_bouldin_score(X, labels),
                        rtol=rtol)
        names = np.array(["c%d" % i for i in range(k)])[labels]
        assert_allclose(slm.davies_bouldin_score(X, names), skm.davies_bouldin_score(X, names),
                        rtol=rtol)


def test_cluster_scores_edges():
    X = np.repeat([[0.0, 1.0], [2.0, 3.0]], 3, axis=0)
    labels = np.repeat([0, 1], 3)
    assert slm.calinski_harabasz_score(X, labels) == skm.calinski_harabasz_score(X, labels) == 1.0
    assert slm.davies_bouldin_score(X, labels) == skm.davies_bouldin_score(X, labels) == 0.0
    X = np.zeros((4, 2))
    assert slm.davies_bouldin_score(X, [0, 0, 1, 1]) == skm.davies_bouldin_score(X, [0, 0, 1, 1])
    for f in (slm.calinski_harabasz_score, slm.davies_bouldin_score):
        with pytest.raises(ValueError, match="Number of labels is 1"):
            f(np.ones((4, 2)), [0, 0, 0, 0])
        with pytest.raises(ValueError, match="Number of labels is 4"):
            f(np.ones((4, 2)), [0, 1, 2, 3])
        with pytest.raises(ValueError, match="inconsistent numbers of samples"):
            f(np.ones((4, 2)), [0, 1, 0])


# ---- rankings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [None, 1, 3, 10])
@pytest.mark.parametrize("ignore_ties", [False, True])
def test_dcg_ndcg(k, ignore_ties):
    rng = np.random.default_rng(4)
    y_true = rng.random((40, 7))
    y_true[3] = 0.0  # a sample with no relevant document
    y_int = rng.integers(0, 4, (40, 7))
    # tied scores (ignore_ties only changes the answer with ties; without ties both must agree)
    y_score = rng.integers(0, 3, (40, 7)).astype(float) if not ignore_ties else rng.random((40, 7))
    w = rng.random(40)
    for yt in (y_true, y_int):
        for sw in (None, w):
            assert_allclose(slm.dcg_score(yt, y_score, k=k, ignore_ties=ignore_ties,
                                          sample_weight=sw),
                            skm.dcg_score(yt, y_score, k=k, ignore_ties=ignore_ties,
                                          sample_weight=sw), rtol=1e-12)
            assert_allclose(slm.ndcg_score(yt, y_score, k=k, ignore_ties=ignore_ties,
                                           sample_weight=sw),
                            skm.ndcg_score(yt, y_score, k=k, ignore_ties=ignore_ties,
                                           sample_weight=sw), rtol=1e-12)
    assert_allclose(slm.dcg_score(y_true, y_score, k=k, log_base=10),
                    skm.dcg_score(y_true, y_score, k=k, log_base=10), rtol=1e-12)


def test_dcg_bad_input():
    with pytest.raises(ValueError, match="formats are supported"):
        slm.dcg_score([1, 0, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="negative y_true"):
        slm.ndcg_score([[-1, 2]], [[0.1, 0.2]])
    with pytest.raises(ValueError, match="more than 1 document"):
        slm.ndcg_score([[1], [2]], [[0.1], [0.2]])
    with pytest.raises(ValueError, match="different shape"):
        slm.dcg_score([[1, 0, 2]], [[0.1, 0.2]])
    with pytest.raises(ValueError, match="k"):
        slm.dcg_score([[1, 0, 2]], [[0.1, 0.2, 0.3]], k=0)


@pytest.mark.parametrize("metric", ["coverage_error", "label_ranking_average_precision_score",
                                    "label_ranking_loss"])
def test_multilabel_ranking(metric):
    rng = np.random.default_rng(5)
    ours, theirs = getattr(slm, metric), getattr(skm, metric)
    for n, L in ((30, 2), (80, 6), (200, 15)):
        Y = rng.integers(0, 2, (n, L))
        Y[0], Y[1] = 0, 1  # no relevant label / all relevant
        for scores in (rng.random((n, L)), rng.integers(0, 3, (n, L)).astype(float)):
            assert_allclose(ours(Y, scores), theirs(Y, scores), rtol=1e-12)
            w = rng.random(n)
            assert_allclose(ours(Y, scores, sample_weight=w), theirs(Y, scores, sample_weight=w),
                            rtol=1e-12)
    with pytest.raises(ValueError, match="format is not supported"):
        ours([[0.5, 1.5]], [[0.1, 0.2]])
    with pytest.raises(ValueError, match="different shape"):
        ours([[0, 1, 1]], [[0.1, 0.2]])


def test_thresholds_sweeps():
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.random(300), 2)  # ties
    w = rng.random(300)
    w[:10] = 0
    for sw in (None, w):
        for a, b in zip(slm.confusion_matrix_at_thresholds(y, s, sample_weight=sw),
                        skm.confusion_matrix_at_thresholds(y, s, sample_weight=sw)):
            assert_allclose(a, b, rtol=1e-12)
        va, ta = slm.metric_at_thresholds(y, s, skm.f1_score, sample_weight=sw)
        vb, tb = skm.metric_at_thresholds(y, s, skm.f1_score, sample_weight=sw)
        assert_allclose(va, vb, rtol=1e-12)
        assert_array_equal(ta, tb)
    yl = np.array(["no", "yes"])[y]
    for a, b in zip(slm.confusion_matrix_at_thresholds(yl, s, pos_label="yes"),
                    skm.confusion_matrix_at_thresholds(yl, s, pos_label="yes")):
        assert_allclose(a, b)
    va, _ = slm.metric_at_thresholds(y, s, skm.fbeta_score, metric_params={"beta": 2.0})
    vb, _ = skm.metric_at_thresholds(y, s, skm.fbeta_score, metric_params={"beta": 2.0})
    assert_allclose(va, vb)


# ---- regression -------------------------------------------------------------------------------

@pytest.mark.parametrize("power", [-1.5, -1, 0, 1, 1.2, 1.5, 2, 2.5, 3])
def test_tweedie(power):
    rng = np.random.default_rng(7)
    y = rng.gamma(2.0, size=120)
    if power < 2:
        y[:5] = 0.0  # zeros are in the domain below power 2 (power 1: y log y -> 0)
    if power <= 0:
        y[5:10] = -rng.random(5)
    p = rng.gamma(2.0, size=120)
    w = rng.random(120)
    for sw in (None, w):
        assert_allclose(slm.mean_tweedie_deviance(y, p, power=power, sample_weight=sw),
                        skm.mean_tweedie_deviance(y, p, power=power, sample_weight=sw),
                        rtol=1e-12)
        assert_allclose(slm.d2_tweedie_score(y, p, power=power, sample_weight=sw),
                        skm.d2_tweedie_score(y, p, power=power, sample_weight=sw), rtol=1e-12)
    if power == 1:
        assert_allclose(slm.mean_poisson_deviance(y, p, sample_weight=w),
                        skm.mean_poisson_deviance(y, p, sample_weight=w), rtol=1e-12)
    if power == 2:
        assert_allclose(slm.mean_gamma_deviance(y, p), skm.mean_gamma_deviance(y, p), rtol=1e-12)


def test_tweedie_bad_input():
    with pytest.raises(ValueError, match="power"):
        slm.mean_tweedie_deviance([1.0, 2.0], [1.0, 2.0], power=0.5)
    with pytest.raises(ValueError, match="strictly positive y_pred"):
        slm.mean_tweedie_deviance([1.0, 2.0], [0.0, 2.0], power=-1)
    with pytest.raises(ValueError, match="non-negative y and strictly positive y_pred"):
        slm.mean_poisson_deviance([-1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="strictly positive y and y_pred"):
        slm.mean_gamma_deviance([0.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="Multioutput not supported"):
        slm.mean_tweedie_deviance([[1.0, 2.0]] * 3, [[1.0, 2.0]] * 3)
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        assert np.isnan(slm.d2_tweedie_score([1.0], [2.0]))


@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.5, 0.77, 1.0])
def test_pinball_and_d2(alpha):
    rng = np.random.default_rng(8)
    Y, P = rng.normal(size=(90, 3)), rng.normal(size=(90, 3))
    w = rng.random(90)
    w[:7] = 0
    wi = rng.integers(0, 3, 90).astype(float)  # integer weights: quantiles landing on a cdf step
    for sw in (None, w, wi):
        for mo in ("raw_values", "uniform_average", [0.2, 0.3, 0.5]):
            _same = dict(sample_weight=sw, alpha=alpha, multioutput=mo)
            assert_allclose(slm.mean_pinball_loss(Y, P, **_same),
                            skm.mean_pinball_loss(Y, P, **_same), rtol=1e-12)
            assert_allclose(slm.d2_pinball_score(Y, P, **_same),
                            skm.d2_pinball_score(Y, P, **_same), rtol=1e-12, atol=1e-14)
        assert_allclose(slm.d2_pinball_score(Y[:, 0], P[:, 0], sample_weight=sw, alpha=alpha),
                        skm.d2_pinball_score(Y[:, 0], P[:, 0], sample_weight=sw, alpha=alpha),
                        rtol=1e-12, atol=1e-14)
    Yi = rng.integers(0, 4, (20, 2)).astype(float)  # ties and an even count
    assert_allclose(slm.d2_absolute_error_score(Yi, Yi[::-1], multioutput="raw_values"),
                    skm.d2_absolute_error_score(Yi, Yi[::-1], multioutput="raw_values"))


def test_d2_edges():
    assert slm.d2_absolute_error_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0
    # constant target, imperfect prediction: 0.0 as scikit-learn
    assert slm.d2_pinball_score([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]) == \
        skm.d2_pinball_score([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(slm.d2_pinball_score([1.0], [1.0]))
    with pytest.raises(ValueError, match="alpha"):
        slm.mean_pinball_loss([1.0, 2.0], [1.0, 2.0], alpha=1.5)


# ---- classification ---------------------------------------------------------------------------

def test_d2_log_loss_and_brier():
    rng = np.random.default_rng(9)
    y = rng.integers(0, 4, 150)
    P = rng.dirichlet(np.ones(4), 150)
    w = rng.random(150)
    for sw in (None, w):
        assert_allclose(slm.d2_log_loss_score(y, P, sample_weight=sw),
                        skm.d2_log_loss_score(y, P, sample_weight=sw), rtol=1e-12)
        assert_allclose(slm.d2_brier_score(y, P, sample_weight=sw),
                        skm.d2_brier_score(y, P, sample_weight=sw), rtol=1e-12)
    names = np.array(["a", "b", "c", "d"])[y]
    assert_allclose(slm.d2_log_loss_score(names, P), skm.d2_log_loss_score(names, P))
    # a class absent from y_true, named through labels
    y3 = np.where(y == 3, 0, y)
    assert_allclose(slm.d2_log_loss_score(y3, P, labels=[0, 1, 2, 3]),
                    skm.d2_log_loss_score(y3, P, labels=[0, 1, 2, 3]), rtol=1e-12)
    yb, pb = rng.integers(0, 2, 150), rng.random(150)
    assert_allclose(slm.d2_log_loss_score(yb, pb), skm.d2_log_loss_score(yb, pb), rtol=1e-12)
    assert_allclose(slm.d2_brier_score(yb, pb, sample_weight=w),
                    skm.d2_brier_score(yb, pb, sample_weight=w), rtol=1e-12)
    ys = np.array(["neg", "pos"])[yb]
    assert_allclose(slm.d2_brier_score(ys, pb, pos_label="pos"),
                    skm.d2_brier_score(ys, pb, pos_label="pos"), rtol=1e-12)
    P32 = P.astype(np.float32)
    assert_allclose(slm.d2_log_loss_score(y, P32), skm.d2_log_loss_score(y, P32), rtol=1e-5)
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(slm.d2_log_loss_score([1], [[0.2, 0.8]]))
    with pytest.raises(ValueError, match="different number of classes"):
        slm.d2_log_loss_score(y, P[:, :3])
    with pytest.raises(ValueError, match="greater than 1"):
        slm.d2_brier_score(yb, pb + 1)
    with pytest.warns(FutureWarning):
        assert_allclose(slm.d2_log_loss_score(y, y_pred=P), skm.d2_log_loss_score(y, P))


def test_class_likelihood_ratios():
    rng = np.random.default_rng(10)
    for seed in range(3):
        yt, yp = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
        w = rng.random(200)
        for sw in (None, w):
            assert_allclose(slm.class_likelihood_ratios(yt, yp, sample_weight=sw),
                            skm.class_likelihood_ratios(yt, yp, sample_weight=sw), rtol=1e-12)
    yt, yp = np.array(["a", "b", "b", "a", "b"]), np.array(["a", "b", "a", "a", "b"])
    assert_allclose(slm.class_likelihood_ratios(yt, yp, labels=["b", "a"]),
                    skm.class_likelihood_ratios(yt, yp, labels=["b", "a"]))
    # undefined ratios: no false positive, no true negative, no positive at all
    for yt, yp in (([0, 1, 1, 0], [0, 1, 0, 0]), ([0, 1, 1, 0], [1, 1, 1, 1]),
                   ([0, 0, 0, 0], [0, 1, 0, 1]), ([0, 1, 1, 0], [0, 0, 0, 0])):
        for rep in (np.nan, 1.0, {"LR+": 5.0, "LR-": 0.25}):
            ours = _quiet(slm.class_likelihood_ratios, yt, yp, replace_undefined_by=rep)
            theirs = _quiet(skm.class_likelihood_ratios, yt, yp, replace_undefined_by=rep)
            assert_allclose(ours, theirs, equal_nan=True)
    with pytest.warns(UndefinedMetricWarning):
        slm.class_likelihood_ratios([0, 1, 1, 0], [0, 1, 0, 0])
    with pytest.raises(ValueError, match="only supports binary"):
        slm.class_likelihood_ratios([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="LR\\+"):
        slm.class_likelihood_ratios([0, 1], [0, 1], replace_undefined_by={"LR+": 0.5, "LR-": 0})


def test_new_scorers():
    from sklearn.linear_model import LogisticRegression, PoissonRegressor
    rng = np.random.default_rng(11)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    clf = LogisticRegression().fit(X, y)
    for name in ("d2_log_loss_score", "d2_brier_score", "positive_likelihood_ratio",
                 "neg_negative_likelihood_ratio", "adjusted_mutual_info_score"):
        assert_allclose(slm.get_scorer(name)(clf, X, y), skm.get_scorer(name)(clf, X, y),
                        rtol=1e-12)
    yc = rng.poisson(np.exp(X[:, 0] * 0.5)) + 1.0
    reg = PoissonRegressor().fit(X, yc)
    for name in ("neg_mean_poisson_deviance", "neg_mean_gamma_deviance",
                 "d2_absolute_error_score"):
        assert_allclose(slm.get_scorer(name)(reg, X, yc), skm.get_scorer(name)(reg, X, yc),
                        rtol=1e-12)


def test_consensus_score():
    rng = np.random.default_rng(12)

    def biclusters(n, n_rows=25, n_cols=12):
        return rng.random((n, n_rows)) < 0.4, rng.random((n, n_cols)) < 0.4

    for na, nb in ((3, 3), (2, 5), (6, 4)):
        a, b = biclusters(na), biclusters(nb)
        assert_allclose(slm.consensus_score(a, b), skm.consensus_score(a, b), rtol=1e-12)
        assert_allclose(slm.consensus_score(a, a), 1.0)
        # a permutation of the same biclusters is the same set
        perm = rng.permutation(na)
        assert_allclose(slm.consensus_score(a, (a[0][perm], a[1][perm])), 1.0)

    def overlap(ar, ac, br, bc):
        return float((ar & br).sum() + (ac & bc).sum())

    a, b = biclusters(4), biclusters(3)
    assert_allclose(slm.consensus_score(a, b, similarity=overlap),
                    skm.consensus_score(a, b, similarity=overlap), rtol=1e-12)


def test_min_cost_assignment_is_optimal():
    from scipy.optimize import linear_sum_assignment
    from scratchlearn.metrics._cluster import _min_cost_assignment
    rng = np.random.default_rng(13)
    for k, m in ((1, 1), (3, 3), (4, 7), (8, 2), (9, 9)):
        for cost in (rng.random((k, m)), rng.integers(0, 3, (k, m)).astype(float)):
            r, c = _min_cost_assignment(cost)
            r2, c2 = linear_sum_assignment(cost)
            assert len(set(c.tolist())) == len(c) == min(k, m)
            assert_allclose(cost[r, c].sum(), cost[r2, c2].sum(), atol=1e-12)


def test_roc_auc_core_area_matches_the_curve():
    # the area is summed in the core without the curve: exact (integer) when unweighted
    rng = np.random.default_rng(14)
    for n in (2, 7, 500, 20000):
        y = rng.integers(0, 2, n)
        y[0], y[-1] = 0, 1
        for s in (rng.random(n) + 0.3 * y, np.round(rng.random(n), 1)):
            for w in (None, rng.random(n), np.where(rng.random(n) < 0.3, 0.0, 1.0)):
                for dtype in (np.float64, np.float32):
                    sd = s.astype(dtype)
                    assert_allclose(slm.roc_auc_score(y, sd, sample_weight=w),
                                    skm.roc_auc_score(y, sd, sample_weight=w), rtol=1e-13,
                                    atol=1e-15)
                    fpr, tpr, _ = skm.roc_curve(y, sd, sample_weight=w, drop_intermediate=False)
                    assert_allclose(slm.roc_auc_score(y, sd, sample_weight=w), skm.auc(fpr, tpr),
                                    rtol=1e-13, atol=1e-15)


def test_roc_auc_large_sorts_and_thread_split():
    # from 262144 keys per class the core sorts by a most-significant-digit pass and then each
    # bucket; the negatives are split between threads for the count: exact and thread-independent
    # for distinct scores, heavy ties, a narrow range, negative and extreme scores, float32
    from scratchlearn import _core
    rng = np.random.default_rng(16)
    n = 600000
    y = rng.integers(0, 2, n)
    scores = [rng.random(n) + 0.3 * y, np.round(rng.random(n), 2) + 0.05 * y,
              1.0 + 1e-9 * rng.random(n) + 1e-10 * y,
              np.where(rng.random(n) < 0.01, -3e38, rng.standard_normal(n) * 1e3 + y)]
    for s in scores:
        for dtype in (np.float64, np.float32):
            sd = s.astype(dtype)
            ref = skm.roc_auc_score(y, sd)
            assert_allclose(slm.roc_auc_score(y, sd), ref, rtol=1e-13, atol=1e-15)
            one = _core.metrics.binary_auc(sd, y.astype(np.uint8), None, 1)
            two = _core.metrics.binary_auc(sd, y.astype(np.uint8), None, 2)
            assert one == two


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_silhouette_symmetric_blocks(dtype):
    # the core walks the upper triangle of the distance matrix in blocks of 64 to 128 rows:
    # sizes around the block edges, many clusters per block, and thread counts must not change
    # the answer
    from scratchlearn import _core
    rng = np.random.default_rng(15)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for n, d, k in ((257, 3, 2), (600, 5, 300), (1100, 4, 7)):
        labels = rng.integers(0, k, n)
        labels[:k] = np.arange(k)
        X = (rng.normal(size=(k, d))[labels] * 3 + rng.normal(size=(n, d))).astype(dtype)
        for metric in ("euclidean", "sqeuclidean"):
            assert_allclose(slm.silhouette_samples(X, labels, metric=metric),
                            skm.silhouette_samples(X, labels, metric=metric), rtol=tol, atol=tol)
        codes = np.unique(labels, return_inverse=True)[1].astype(np.int64)
        sums = [_core.metrics.silhouette_sums(X, codes, k, _core.neighbors.Metric.euclidean, 2.0,
                                              t) for t in (1, 2, 3)]
        assert_array_equal(sums[0], sums[1])
        assert_array_equal(sums[0], sums[2])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_silhouette_full_walk_many_clusters(dtype):
    # with many clusters and many threads the symmetric walk's per-thread column sums would pass
    # their 64 MiB budget (256 sums per sample, two blocks per thread), and the core walks the
    # full distance matrix instead: the same sums as the symmetric walk, the same silhouette as
    # scikit-learn's
    from scratchlearn import _core
    rng = np.random.default_rng(16)
    n, d, k = 1100, 4, 300
    labels = rng.integers(0, k, n)
    labels[:k] = np.arange(k)
    X = (rng.normal(size=(k, d))[labels] * 3 + rng.normal(size=(n, d))).astype(dtype)
    codes = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    symmetric = _core.metrics.silhouette_sums(X, codes, k, _core.neighbors.Metric.euclidean, 2.0, 1)
    full = _core.metrics.silhouette_sums(X, codes, k, _core.neighbors.Metric.euclidean, 2.0, 16)
    assert_allclose(full, symmetric, rtol=tol, atol=tol)
    assert_allclose(slm.silhouette_samples(X, labels), skm.silhouette_samples(X, labels),
                    rtol=tol, atol=tol)


def test_weighted_ranking_large_sorts_and_thread_split():
    # weighted: each class's (key, weight) pairs sorted stably (a most-significant-digit pass
    # from 262144 pairs, slices merged when a class gets more than one thread): curve and area
    # the same for 1, 2 and 4 threads, equal to scikit-learn's, with ties and zero weights
    from scratchlearn import _core
    rng = np.random.default_rng(17)
    n = 700000
    y = rng.integers(0, 2, n)
    yu = y.astype(np.uint8)
    w = rng.random(n)
    w0 = np.where(rng.random(n) < 0.2, 0.0, w)
    for s in (rng.random(n) + 0.3 * y, np.round(rng.random(n), 2) + 0.05 * y,
              np.where(rng.random(n) < 0.01, -3e38, rng.standard_normal(n) * 1e3 + y)):
        for dtype in (np.float64, np.float32):
            sd = s.astype(dtype)
            for ww in (w, w0):
                assert_allclose(slm.roc_auc_score(y, sd, sample_weight=ww),
                                skm.roc_auc_score(y, sd, sample_weight=ww), rtol=1e-12)
            areas = {_core.metrics.binary_auc(sd, yu, w, t) for t in (1, 2, 4)}
            assert len(areas) == 1
            curves = [_core.metrics.binary_curve(sd, yu, w, t) for t in (1, 2, 4)]
            for c in curves[1:]:
                for a, b in zip(c, curves[0]):
                    assert_array_equal(a, b)
    s = np.round(rng.random(n), 3)
    fpr, tpr, thr = slm.roc_curve(y, s, sample_weight=w)
    rfpr, rtpr, rthr = skm.roc_curve(y, s, sample_weight=w)
    assert_array_equal(thr, rthr)
    assert_allclose(fpr, rfpr, rtol=1e-12)
    assert_allclose(tpr, rtpr, rtol=1e-12)


def test_weighted_counts_in_sample_order_for_any_thread_count():
    # weighted confusion counts add each cell's weights in sample order (scikit-learn's), the
    # threads splitting the true labels: bit-equal to scikit-learn and across thread counts
    from scratchlearn import _core
    rng = np.random.default_rng(18)
    n = 1_100_000
    for k in (2, 7, 40):
        t = rng.integers(0, k, n)
        p = np.where(rng.random(n) < 0.6, t, rng.integers(0, k, n))
        w = rng.random(n)
        ref = skm.confusion_matrix(t, p, sample_weight=w)
        assert_array_equal(slm.confusion_matrix(t, p, sample_weight=w), ref)
        runs = [_core.metrics.confusion_counts(t, p, 0, k, w, th) for th in (1, 2, 3)]
        for r in runs:
            assert_array_equal(r, ref)
        plain = [_core.metrics.confusion_counts(t, p, 0, k, None, th) for th in (1, 2, 3)]
        for r in plain:
            assert_array_equal(r, skm.confusion_matrix(t, p))
    # a label out of range is an error in either path, wherever it is
    t = rng.integers(0, 5, n)
    for bad_at in (0, n // 2, n - 1):
        for side in ("t", "p"):
            tt, pp = t.copy(), t.copy()
            (tt if side == "t" else pp)[bad_at] = 9
            for w in (None, rng.random(n)):
                for th in (1, 2):
                    with pytest.raises(ValueError, match="out of range"):
                        _core.metrics.confusion_counts(tt, pp, 0, 5, w, th)
    lo, hi = _core.metrics.int_min_max(np.r_[t, -7, 12], 2)
    assert (lo, hi) == (-7, 12)


def test_weighted_report_text_equals_sklearns():
    # the supports with float weights are printed in full: each label's weight is summed in
    # sample order, as scikit-learn's bincount sums it
    rng = np.random.default_rng(19)
    for n, k in ((60, 3), (300000, 7)):
        y = rng.integers(0, k, n)
        p = np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n))
        w = rng.random(n)
        names = np.array([f"c{i}" for i in range(k)])
        for yt, yp in ((y, p), (names[y], names[p])):
            for zd in ("warn", 0.0, 1.0, np.nan):
                assert (_quiet(slm.classification_report, yt, yp, sample_weight=w,
                               zero_division=zd, digits=4)
                        == _quiet(skm.classification_report, yt, yp, sample_weight=w,
                                  zero_division=zd, digits=4))
        assert_array_equal(slm.multilabel_confusion_matrix(y, p, sample_weight=w),
                           skm.multilabel_confusion_matrix(y, p, sample_weight=w))


@pytest.mark.parametrize("func", ["matthews_corrcoef", "balanced_accuracy_score",
                                  "confusion_matrix"])
def test_single_label_warns_like_sklearn(func):
    for y in (np.zeros(5, dtype=int), np.array(["a"] * 4)):
        with pytest.warns(UserWarning, match="A single label was found"):
            ours = getattr(slm, func)(y, y)
        with pytest.warns(UserWarning, match="A single label was found"):
            theirs = getattr(skm, func)(y, y)
        assert_array_equal(ours, theirs)


def _same_with_warnings(name, *args, **kwargs):
    # value (or error type) and the warning categories equal to scikit-learn's
    got = {}
    for side, mod in (("ours", slm), ("theirs", skm)):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                value, error = getattr(mod, name)(*args, **kwargs), None
            except ValueError as e:
                value, error = None, type(e)
        got[side] = value, error, sorted({x.category.__name__ for x in w
                                           if not issubclass(x.category, DeprecationWarning)})
    (v, e, w), (rv, re_, rw) = got["ours"], got["theirs"]
    assert (e is None) == (re_ is None), (name, kwargs, e, re_)
    assert w == rw, (name, kwargs, w, rw)
    if e is None:
        if isinstance(rv, (str, dict)):
            assert v == rv or _dicts_close(v, rv), (name, kwargs)
        else:
            for a, b in zip(np.atleast_1d(np.asarray(v, dtype=object)),
                            np.atleast_1d(np.asarray(rv, dtype=object))):
                assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                rtol=1e-12, atol=1e-15, equal_nan=True)


def _dicts_close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_dicts_close(a[k], b[k]) for k in a)
    return np.allclose(a, b, rtol=1e-12, atol=1e-15, equal_nan=True)


def test_every_zero_division_and_average_mode_against_sklearn():
    # the full product: each score function x average x zero_division x target kind (binary,
    # multiclass with a class never true and one never predicted, multilabel with an empty
    # label and empty rows, strings, all one class, no positive) x weights; the report in
    # text and dict form for each zero_division
    rng = np.random.RandomState(0)
    n = 60
    ym, pm = rng.randint(0, 4, n), rng.randint(0, 4, n)
    ym, pm = np.where(ym == 3, 2, ym), np.where(pm == 1, 0, pm)
    YL, PL = rng.randint(0, 2, (n, 4)), rng.randint(0, 2, (n, 4))
    PL[:, 2] = 0
    YL[:5] = 0
    names = np.array(["cat", "dog", "emu"])
    kinds = {"binary": (rng.randint(0, 2, n), rng.randint(0, 2, n)), "multiclass": (ym, pm),
             "multilabel": (YL, PL), "strings": (names[ym % 3], names[pm % 3]),
             "one class": (np.zeros(10, int), np.zeros(10, int)),
             "no positive": (np.zeros(10, int), np.r_[np.zeros(9, int), 1])}
    for zd in ("warn", 0, 1, 0.0, 1.0, np.nan):
        for kind, (yt, yp) in kinds.items():
            for w in (None, rng.rand(len(yt))):
                for avg in ("binary", "micro", "macro", "weighted", "samples", None):
                    kw = dict(average=avg, zero_division=zd, sample_weight=w)
                    if kind == "strings" and avg == "binary":
                        kw["pos_label"] = "dog"
                    for name in ("precision_score", "recall_score", "f1_score", "jaccard_score"):
                        _same_with_warnings(name, yt, yp, **kw)
                    _same_with_warnings("fbeta_score", yt, yp, beta=2.0, **kw)
                if kind not in ("one class", "no positive"):
                    for output_dict in (False, True):
                        _same_with_warnings("classification_report", yt, yp, sample_weight=w,
                                            zero_division=zd, output_dict=output_dict)


@pytest.mark.parametrize("seed", range(6))
def test_ovo_roc_auc_pair_counts_match_sklearn(seed):
    # one-vs-one AUC from the sorted per-class scores (Mann-Whitney counts): ties in the scores,
    # float32, an absent class given in labels, many classes, tiny classes
    rng = np.random.RandomState(seed)
    n, k = [(40, 3), (500, 4), (3000, 12), (200, 6), (1000, 5), (60, 8)][seed]
    y = rng.randint(0, k, n)
    y[:k] = np.arange(k)                       # every class at least once
    P = rng.rand(n, k) + 0.4 * np.eye(k)[y]
    if seed % 2 == 0:
        P = np.round(P, 1) + 0.05              # many tied scores
    labels = None
    if seed in (1, 4):
        y[y == 2] = 0                          # class 2 absent from y_true, named in labels
        labels = np.arange(k)
    P /= P.sum(axis=1, keepdims=True)
    if seed == 3:
        P = P.astype(np.float32)
        P /= P.sum(axis=1, keepdims=True)
    for average in ("macro", "weighted"):
        ours = slm.roc_auc_score(y, P, multi_class="ovo", average=average, labels=labels)
        theirs = skm.roc_auc_score(y, P, multi_class="ovo", average=average, labels=labels)
        assert isinstance(ours, float)
        assert_allclose(ours, theirs, rtol=1e-12)
