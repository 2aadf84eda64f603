"""scikit-learn's own estimator checks over every public scratchlearn estimator.

Every class listed in the ``__all__`` of a public module anywhere in the package (found by walking
it: tests/_discovery.py) that derives from BaseEstimator is checked; expected failures are listed
below, each with its reason (the aim is none). The checks run with ``xfail_strict=True``: an
expected failure that passes fails the run, so the list cannot go stale.
"""

import sys
import textwrap
import warnings

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from _discovery import all_estimators, construct, public_modules

ESTIMATORS = all_estimators()
warnings.filterwarnings("ignore", message="Estimator .* does not inherit from `sklearn.base.BaseEstimator`")

# {estimator class name: {check name: reason}}; aim for none. Each entry below is a check that
# scikit-learn also expects its own estimator of the same name to fail, for the same reason.
_RANDOMISED = (
    "sample_weight is not equivalent to removing/repeating samples: the estimator draws random "
    "samples (initial centres / shuffled order), and a weighted sample and its repetitions are "
    "drawn differently (scikit-learn marks this check for its own estimator too)"
)
_FOREST_WEIGHTS = (
    "sample_weight is not equivalent to removing/repeating samples: the bootstrap draws a weighted "
    "sample and its repetitions differently (scikit-learn marks this check for its own forest too)"
)
_SVM_WEIGHTS = (
    "sample_weight rescales C per sample, which matches repeating the sample only at the exact "
    "optimum; the solver stops at tol and the two problems stop at different points (scikit-learn "
    "marks this check for its own libsvm/liblinear estimator too)"
)
_COMPOSITE_FITS_STEPS = (
    "the steps are fitted in place (no cache, no clone), so the nested estimators in the steps "
    "parameter gain fitted attributes; scikit-learn's own Pipeline and FeatureUnion do the same and "
    "are marked for this check too"
)
_COLUMNS_0_1 = (
    "the checked configuration transforms columns [0, 1]; this check passes data with fewer "
    "columns (or none), so the column selection fails before the transformer sees the data "
    "(scikit-learn marks its own ColumnTransformer for this check too)"
)
EXPECTED_FAILURES = {
    "RandomForestClassifier": {"check_sample_weight_equivalence_on_dense_data": _FOREST_WEIGHTS},
    "RandomForestRegressor": {"check_sample_weight_equivalence_on_dense_data": _FOREST_WEIGHTS},
    **{name: {"check_sample_weight_equivalence_on_dense_data": _SVM_WEIGHTS}
       for name in ("SVC", "SVR", "NuSVR", "OneClassSVM", "LinearSVC", "LinearSVR")},
    "NuSVC": {
        "check_sample_weight_equivalence_on_dense_data": _SVM_WEIGHTS,
        "check_class_weight_classifiers": (
            "nu-SVC has no C to weight: class_weight is ignored, as in libsvm (scikit-learn marks "
            "this check for its own NuSVC too)"
        ),
    },
    "KMeans": {"check_sample_weight_equivalence_on_dense_data": _RANDOMISED},
    "MiniBatchKMeans": {"check_sample_weight_equivalence_on_dense_data": _RANDOMISED},
    "SGDClassifier": {"check_sample_weight_equivalence_on_dense_data": _RANDOMISED},
    "SGDRegressor": {"check_sample_weight_equivalence_on_dense_data": _RANDOMISED},
    "Pipeline": {name: _COMPOSITE_FITS_STEPS for name in (
        "check_estimators_overwrite_params", "check_dont_overwrite_parameters")},
    "FeatureUnion": {
        "check_estimators_overwrite_params": _COMPOSITE_FITS_STEPS,
        "check_estimators_nan_inf": (
            "the checked union's only transformer is StandardScaler, which accepts NaN as missing "
            "values, so NaN in fit is not refused (scikit-learn marks its own FeatureUnion too)"
        ),
    },
    "ColumnTransformer": {name: _COLUMNS_0_1 for name in (
        "check_complex_data", "check_estimators_empty_data_messages", "check_fit2d_1feature",
        "check_fit2d_predict1d")},
    "Ridge": {
        "check_non_transformer_estimators_n_iter": (
            "Ridge's direct solvers (Cholesky, eigen) are not iterative: n_iter_ is None, as in "
            "scikit-learn, whose own Ridge is marked for this check too"
        )
    },
}


# Non-default configurations with code paths of their own, checked too.
def extra_instances():
    from scratchlearn.linear_model import LogisticRegression, SGDClassifier, SGDRegressor

    return [
        LogisticRegression(solver="saga", l1_ratio=0.5, random_state=0),
        SGDClassifier(average=True, random_state=0),
        SGDRegressor(average=10, random_state=0),
    ]


EXTRA_EXPECTED_FAILURES = {
    "LogisticRegression": {"check_sample_weight_equivalence_on_dense_data": (
        "saga draws samples at random, and a weighted sample and its repetitions are drawn "
        "differently (scikit-learn marks this check for its own saga too)"
    )},
}


def expected_failed_checks(estimator):
    name = type(estimator).__name__
    out = dict(EXPECTED_FAILURES.get(name, {}))
    if getattr(estimator, "solver", None) == "saga":
        out.update(EXTRA_EXPECTED_FAILURES.get(name, {}))
    return out


def test_estimators_found():
    names = {cls.__name__ for cls in ESTIMATORS}
    assert {
        "NearestNeighbors", "KNeighborsClassifier", "KNeighborsRegressor", "KMeans",
        "MiniBatchKMeans", "PCA", "LinearRegression", "Ridge", "Lasso", "ElasticNet",
        "LogisticRegression", "SGDClassifier", "SGDRegressor", "GaussianNB", "MultinomialNB",
        "BernoulliNB",
    } <= names
    # every estimator with an expected failure is one that is checked
    assert set(EXPECTED_FAILURES) | set(EXTRA_EXPECTED_FAILURES) <= names


def test_discovery_walks_nested_packages(tmp_path, monkeypatch):
    # A package two levels deep, an estimator exported only there, one in a private module (not
    # public), a non-estimator class and a function: only the first is found.
    root = tmp_path / "fakepkg"
    (root / "deep" / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("__all__ = []\n")
    (root / "deep" / "__init__.py").write_text("")
    (root / "deep" / "sub" / "__init__.py").write_text(textwrap.dedent("""
        from scratchlearn.base import BaseEstimator
        class DeepEstimator(BaseEstimator):
            def fit(self, X, y=None):
                return self
        class NotAnEstimator:
            def fit(self, X):
                return self
        def helper():
            pass
        __all__ = ["DeepEstimator", "NotAnEstimator", "helper"]
    """))
    (root / "deep" / "_private.py").write_text(textwrap.dedent("""
        from scratchlearn.base import BaseEstimator
        class Hidden(BaseEstimator):
            def fit(self, X, y=None):
                return self
        __all__ = ["Hidden"]
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    import fakepkg

    try:
        assert public_modules(fakepkg) == ["fakepkg", "fakepkg.deep", "fakepkg.deep.sub"]
        assert [cls.__name__ for cls in all_estimators(fakepkg)] == ["DeepEstimator"]
        # a public package that fails to import is an error, not a silent skip
        (root / "broken").mkdir()
        (root / "broken" / "__init__.py").write_text("import no_such_module_here\n")
        with pytest.raises(ImportError):
            all_estimators(fakepkg)
    finally:
        for name in [m for m in sys.modules if m == "fakepkg" or m.startswith("fakepkg.")]:
            del sys.modules[name]


CHECKED = [construct(cls) for cls in ESTIMATORS] + extra_instances()
CHECKS = parametrize_with_checks(CHECKED, expected_failed_checks=expected_failed_checks,
                                 xfail_strict=True)


def test_expected_failures_are_strict_and_used():
    # Every listed expected failure marks exactly one parametrized check, strictly (a pass fails
    # the run); a listed check name that no longer exists would mark nothing and fails here.
    marked = {}
    for param in CHECKS.args[1]:
        # a check with no mark is a plain (estimator, check) tuple, a marked one a pytest.param
        estimator, check = param.values if hasattr(param, "marks") else param
        for mark in getattr(param, "marks", ()):
            if mark.name == "xfail":
                assert mark.kwargs.get("strict") is True, param
                name = getattr(check, "func", check).__name__
                marked.setdefault(id(estimator), set()).add(name)
    for estimator in CHECKED:
        assert set(expected_failed_checks(estimator)) == marked.get(id(estimator), set()), estimator


# scikit-learn warns that our estimators do not inherit from its BaseEstimator: by design, since
# scratchlearn never imports scikit-learn at run time (it answers __sklearn_tags__ instead).
@pytest.mark.filterwarnings("ignore:Estimator .* does not inherit from `sklearn.base.BaseEstimator`")
@CHECKS
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
