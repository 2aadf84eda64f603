"""Decision trees: DecisionTreeClassifier/Regressor and ExtraTreeClassifier/Regressor.

The heavy work (sorting, split search, partitioning, evaluation) is in cpp/src/tree/; this module
validates, encodes the targets, and keeps the fitted tree as flat numpy arrays (``tree_``).
"""

from __future__ import annotations

import numbers
import warnings
from math import ceil

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, clone, is_classifier
from ..utils._param_validation import Hidden, Interval, RealNotInt, StrOptions
from ..utils.multiclass import check_classification_targets
from ..utils.validation import check_is_fitted, check_random_state, check_sample_weight, validate_data
from ._tree import Tree, ccp_pruning_path, prune_tree

__all__ = [
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ExtraTreeClassifier",
    "ExtraTreeRegressor",
]

RAND_R_MAX = 2147483647
_MAX_INT32 = np.iinfo(np.int32).max

_CRITERIA = {
    "gini": "gini",
    "entropy": "entropy",
    "log_loss": "entropy",
    "squared_error": "squared_error",
    "friedman_mse": "squared_error",
    "poisson": "poisson",
    "absolute_error": "absolute_error",
}


def _allow_nan_finite(X, allow_nan):
    """With NaN allowed (validation run with ensure_all_finite=False), infinity is still refused."""
    if allow_nan and X.dtype.kind == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            s = np.sum(X)
        if not np.isfinite(s) and np.isinf(X).any():
            raise ValueError(
                f"Input X contains infinity or a value too large for {X.dtype!r}."
            )
    return X


class _Bunch(dict):
    """A dict whose keys are also attributes (what cost_complexity_pruning_path returns)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def _class_weight_of(class_weight, classes, y):
    """Weight of each class in ``classes`` ('balanced': n / (n_classes · count), or a dict)."""
    if class_weight == "balanced":
        inverse = np.searchsorted(classes, y)
        counts = np.bincount(inverse, minlength=len(classes)).astype(np.float64)
        with np.errstate(divide="ignore"):
            return len(y) / (len(classes) * counts)
    weight = np.ones(len(classes), dtype=np.float64)
    if class_weight is None:
        return weight
    if not isinstance(class_weight, dict):
        raise ValueError(
            "class_weight must be dict, 'balanced', or None, got: %r" % (class_weight,)
        )
    unknown = [c for c in class_weight if not np.any(classes == c)]
    if unknown:
        raise ValueError(f"The classes, {unknown}, are not in class")
    for c, w in class_weight.items():
        weight[np.searchsorted(classes, c)] = w
    return weight


def compute_sample_weight(class_weight, y, indices=None):
    """Per-sample weights from class weights (product over outputs), as scikit-learn defines them;
    with ``indices`` (a bootstrap sample), 'balanced' counts only the sampled rows and classes
    absent from them get weight 0."""
    y = np.asarray(y)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    n_outputs = y.shape[1]
    if isinstance(class_weight, str) and class_weight not in ("balanced",):
        raise ValueError(f'The only valid preset for class_weight is "balanced". Given "{class_weight}".')
    if n_outputs > 1 and class_weight is not None and not isinstance(class_weight, str):
        if not isinstance(class_weight, (list, tuple)) or (
            len(class_weight) and not isinstance(class_weight[0], dict)
        ):
            raise ValueError(
                "For multi-output, class_weight should be a list of dicts, or the string 'balanced'."
            )
        if len(class_weight) != n_outputs:
            raise ValueError(
                "For multi-output, number of elements in class_weight should match number of outputs."
            )
    out = np.ones(y.shape[0], dtype=np.float64)
    for k in range(n_outputs):
        yk = y[:, k]
        classes_full = np.unique(yk)
        if class_weight == "balanced" or n_outputs == 1:
            cw = class_weight
        else:
            cw = class_weight[k]
        if isinstance(cw, (list, tuple)) and n_outputs == 1:
            cw = cw[0]
        if indices is not None:
            ysub = yk[indices]
            classes_sub = np.unique(ysub)
            wsub = _class_weight_of(cw, classes_sub, ysub)
            wk = np.take(wsub, np.searchsorted(classes_sub, classes_full), mode="clip")
            wk = wk[np.searchsorted(classes_full, yk)]
            missing = np.setdiff1d(classes_full, classes_sub)
            if len(missing):
                wk[np.isin(yk, missing)] = 0.0
        else:
            wk = _class_weight_of(cw, classes_full, yk)[np.searchsorted(classes_full, yk)]
        out *= wk
    return out


class BaseDecisionTree(BaseEstimator):
    """What the four tree estimators share (not for direct use)."""

    _parameter_constraints: dict = {
        "splitter": [StrOptions({"best", "random"})],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(numbers.Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(numbers.Real, 0.0, 0.5, closed="both")],
        "max_features": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "random_state": ["random_state"],
        "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "min_impurity_decrease": [Interval(numbers.Real, 0.0, None, closed="left")],
        "ccp_alpha": [Interval(numbers.Real, 0.0, None, closed="left")],
        "monotonic_cst": ["array-like", None],
    }

    # ---- the pieces the forests reuse -----------------------------------------------------------

    def _allow_nan(self):
        return True

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = self._allow_nan()
        tags.target_tags.multi_output = True
        return tags

    def _criterion_name(self):
        crit = self.criterion
        if crit == "friedman_mse":
            warnings.warn(
                'Value `"friedman_mse"` for `criterion` is deprecated and maps to '
                '`"squared_error"` as both were always equivalent. Use '
                '`criterion="squared_error"` to remove this warning.',
                FutureWarning,
            )
        return _CRITERIA[crit]

    def _validate_X(self, X, reset):
        nan = self._allow_nan()
        X = validate_data(self, X, reset=reset, ensure_all_finite=not nan)
        return _allow_nan_finite(X, nan)

    def _encode_y(self, y):
        """y as a C-contiguous float64 (n, n_outputs) array of class codes (classification) or
        targets; sets classes_, n_classes_, n_outputs_. Returns (y, y_original_2d)."""
        y = np.atleast_1d(y)
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        self.n_outputs_ = y.shape[1]
        if not is_classifier(self):
            return np.ascontiguousarray(y, dtype=np.float64), y
        check_classification_targets(y)
        classes, n_classes = [], []
        codes = np.zeros(y.shape, dtype=np.float64)
        for k in range(self.n_outputs_):
            ck, codes[:, k] = np.unique(y[:, k], return_inverse=True)
            classes.append(ck)
            n_classes.append(len(ck))
        self.classes_ = classes
        self.n_classes_ = np.array(n_classes, dtype=np.intp)
        return codes, y

    def _finish_classes(self):
        if is_classifier(self) and self.n_outputs_ == 1:
            self.n_classes_ = int(self.n_classes_[0])
            self.classes_ = self.classes_[0]

    def _options(self, n_samples, n_features, *, max_bins=None):
        """The core's TreeOptions from the parameters (as scikit-learn derives them)."""
        T = _core.tree
        o = T.TreeOptions()
        crit = self._criterion_name()
        o.criterion = getattr(T.Criterion, crit)
        o.splitter = getattr(T.Splitter, self.splitter)
        o.max_depth = _MAX_INT32 if self.max_depth is None else int(self.max_depth)
        if isinstance(self.min_samples_leaf, numbers.Integral):
            msl = int(self.min_samples_leaf)
        else:
            msl = int(ceil(self.min_samples_leaf * n_samples))
        if isinstance(self.min_samples_split, numbers.Integral):
            mss = int(self.min_samples_split)
        else:
            mss = max(2, int(ceil(self.min_samples_split * n_samples)))
        mss = max(mss, 2 * msl)
        o.min_samples_leaf = msl
        o.min_samples_split = mss
        mf = self.max_features
        if isinstance(mf, str):
            max_features = (
                max(1, int(np.sqrt(n_features))) if mf == "sqrt" else max(1, int(np.log2(n_features)))
            )
        elif mf is None:
            max_features = n_features
        elif isinstance(mf, numbers.Integral):
            max_features = int(mf)
        else:
            max_features = max(1, int(mf * n_features)) if mf > 0.0 else 0
        self.max_features_ = max_features
        o.max_features = max_features
        o.max_leaf_nodes = -1 if self.max_leaf_nodes is None else int(self.max_leaf_nodes)
        o.min_impurity_decrease = float(self.min_impurity_decrease)
        o.min_weight_fraction = float(self.min_weight_fraction_leaf)
        # absolute error (medians) is always grown by the exact splitter
        o.max_bins = 0 if max_bins is None or crit == "absolute_error" else int(max_bins)
        if self.monotonic_cst is not None:
            o.monotonic_cst = [int(v) for v in self._monotonic(n_features)]
        return o

    def _monotonic(self, n_features):
        if self.n_outputs_ > 1:
            raise ValueError("Monotonicity constraints are not supported with multiple outputs.")
        cst = np.asarray(self.monotonic_cst)
        if cst.shape[0] != n_features:
            raise ValueError(
                "monotonic_cst has shape {} but the input data X has {} features.".format(
                    cst.shape[0], n_features
                )
            )
        if not np.all(np.isin(cst, (-1, 0, 1))):
            raise ValueError(
                "monotonic_cst must be None or an array-like of -1, 0 or 1, but got "
                f"{np.unique(cst)}"
            )
        cst = cst.astype(np.int8)
        if is_classifier(self):
            if self.n_classes_[0] > 2:
                raise ValueError(
                    "Monotonicity constraints are not supported with multiclass classification"
                )
            # the core constrains the fraction of class 0; the user constrains the positive class
            cst = -cst
        return cst

    def _check_poisson(self, y):
        if self.criterion == "poisson":
            if np.any(y < 0):
                raise ValueError(
                    "Some value(s) of y are negative which is not allowed for Poisson regression."
                )
            if np.sum(y) <= 0:
                raise ValueError("Sum of y is not positive which is necessary for Poisson regression.")

    # ---- fit ------------------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None):
        self._validate_params()
        X, y = validate_data(
            self,
            X,
            y,
            reset=True,
            ensure_all_finite=not self._allow_nan(),
            multi_output=True,
            y_numeric=not is_classifier(self),
        )
        _allow_nan_finite(X, self._allow_nan())
        X = np.ascontiguousarray(X)
        n_samples, n_features = X.shape
        random_state = check_random_state(self.random_state)
        y_codes, y_orig = self._encode_y(y)
        if not is_classifier(self):
            self._check_poisson(y_codes)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        sw = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if is_classifier(self) and self.class_weight is not None:
            sw = sw * compute_sample_weight(self.class_weight, y_orig)
        opts = self._options(n_samples, n_features)
        seed = np.array([random_state.randint(0, RAND_R_MAX)], dtype=np.uint32)
        n_classes = [int(c) for c in self.n_classes_] if is_classifier(self) else []
        out = _core.tree.build(
            X, y_codes, n_classes, np.ascontiguousarray(sw), seed, opts, n_threads=self._n_threads()
        )
        self.tree_ = _make_tree(out, 0, n_features, self._tree_classes())
        self._finish_classes()
        if self.ccp_alpha > 0.0:
            self.tree_ = prune_tree(self.tree_, self.ccp_alpha)
        return self

    def _tree_classes(self):
        if is_classifier(self):
            return np.asarray(self.n_classes_, dtype=np.intp).reshape(-1)
        return np.ones(self.n_outputs_, dtype=np.intp)

    # ---- predict --------------------------------------------------------------------------------

    def _validate_X_predict(self, X, check_input=True):
        check_is_fitted(self)
        if check_input:
            X = self._validate_X(X, reset=False)
        return np.ascontiguousarray(X)

    def predict(self, X, check_input=True):
        """Predicted class (classification) or value (regression) of each row of X."""
        X = self._validate_X_predict(X, check_input)
        proba = self.tree_.predict(X)
        if is_classifier(self):
            if self.n_outputs_ == 1:
                return self.classes_.take(np.argmax(proba[:, 0, : self.n_classes_], axis=1), axis=0)
            pred = np.zeros((X.shape[0], self.n_outputs_), dtype=self.classes_[0].dtype)
            for k in range(self.n_outputs_):
                pred[:, k] = self.classes_[k].take(
                    np.argmax(proba[:, k, : self.n_classes_[k]], axis=1), axis=0
                )
            return pred
        if self.n_outputs_ == 1:
            return proba[:, 0, 0]
        return proba[:, :, 0]

    def apply(self, X, check_input=True):
        """Index of the leaf each sample ends in."""
        X = self._validate_X_predict(X, check_input)
        return self.tree_.apply(X)

    def decision_path(self, X, check_input=True):
        """Sparse (CSR) indicator of the nodes each sample goes through."""
        X = self._validate_X_predict(X, check_input)
        return self.tree_.decision_path(X)

    def get_depth(self):
        """Depth of the tree (the root alone has depth 0)."""
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves of the tree."""
        check_is_fitted(self)
        return self.tree_.n_leaves

    @property
    def feature_importances_(self):
        """Impurity-based importance of each feature (total weighted decrease, normalised)."""
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """Effective alphas of minimal cost-complexity pruning and the total leaf impurity of the
        subtree at each; a Bunch with ``ccp_alphas`` and ``impurities``."""
        est = clone(self).set_params(ccp_alpha=0.0)
        est.fit(X, y, sample_weight=sample_weight)
        alphas, impurities = ccp_pruning_path(est.tree_)
        return _Bunch(ccp_alphas=alphas, impurities=impurities)


def _make_tree(out, t, n_features, n_classes):
    """Tree t of a core build result (its slice of the concatenated node arrays)."""
    a, b = int(out["node_offset"][t]), int(out["node_offset"][t + 1])
    arrays = {
        name: out[name][a:b]
        for name in (
            "children_left",
            "children_right",
            "feature",
            "threshold",
            "impurity",
            "n_node_samples",
            "weighted_n_node_samples",
            "missing_go_to_left",
            "value",
        )
    }
    return Tree(n_features, n_classes, len(n_classes), arrays, int(out["max_depth"][t]))


_HOW_IT_WORKS = """
    How it works
    ------------
    CART growth. Each feature's samples are sorted once at the root; a node is the same range of
    every feature's sorted list, and a split partitions each list stably (left first), so children
    stay sorted without new sorts: O(n d) per level instead of O(n d log n). For a node, features are
    drawn (all of them when ``max_features`` is None) and each is scanned in sorted order, keeping
    running class weights (or target sums) on the left; every threshold between two distinct values
    (midpoint; values closer than 1e-7 count as equal) is scored by the criterion's proxy
    (gini: -(w_L G_L + w_R G_R); squared error: S_L²/w_L + S_R²/w_R). With NaN in a feature both
    directions for the missing values are tried. The winner's weighted impurity decrease
    (w_t/w)(I_t - w_L/w_t I_L - w_R/w_t I_R) decides (``min_impurity_decrease``) and, with
    ``max_leaf_nodes``, the order of growth (best first). ExtraTree draws one uniform threshold per
    feature between the node's min and max instead. Building is in cpp/src/tree/build.cpp,
    evaluation in cpp/src/tree/predict.cpp.

    Features are drawn per node with the same 32-bit generator and Fisher-Yates walk as
    scikit-learn, so for the same ``random_state`` the trees are node for node those of
    scikit-learn (up to ties between equally good splits).

    Deviations: float32 X is used as is and float64 X keeps its precision (scikit-learn converts
    X to float32 first, so its thresholds are midpoints of float32 values); the statistics are
    always accumulated in float64. ``criterion='absolute_error'`` (leaf values are weighted
    medians, impurity the mean absolute deviation from them; each node's prefix and suffix errors
    come from a Fenwick tree over the target ranks, O(n log n) per feature) treats missing values
    as the other criteria do: the errors of the real left and right sets, missing ones included.
    Child, feature and count arrays of ``tree_`` are int32.
"""


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    __doc__ = (
        """A decision tree classifier (scikit-learn's parameters and attributes).

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
    splitter : {"best", "random"}, default="best"
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_features,
    random_state, max_leaf_nodes, min_impurity_decrease, class_weight, ccp_alpha, monotonic_cst :
        as in scikit-learn.

    Attributes
    ----------
    classes_, n_classes_, n_outputs_, n_features_in_, feature_names_in_, max_features_,
    feature_importances_, tree_ (a :class:`Tree`: flat node arrays).
"""
        + _HOW_IT_WORKS
    )

    _parameter_constraints: dict = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        ccp_alpha=0.0,
        monotonic_cst=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Grow the tree on (X, y). Returns self."""
        return self._fit(X, y, sample_weight)

    def predict_proba(self, X, check_input=True):
        """Class probabilities: the weighted class fractions of the leaf each row reaches
        (a list of arrays, one per output, for multi-output y)."""
        X = self._validate_X_predict(X, check_input)
        proba = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return proba[:, 0, : self.n_classes_]
        return [proba[:, k, : self.n_classes_[k]] for k in range(self.n_outputs_)]

    def predict_log_proba(self, X):
        """Logarithm of predict_proba."""
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    __doc__ = (
        """A decision tree regressor (scikit-learn's parameters and attributes).

    Parameters
    ----------
    criterion : {"squared_error", "absolute_error", "poisson"}, default="squared_error"
        ("friedman_mse" is accepted with a FutureWarning and means "squared_error", as in
        scikit-learn 1.9.)
    splitter, max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_features, random_state, max_leaf_nodes, min_impurity_decrease, ccp_alpha, monotonic_cst :
        as in scikit-learn.

    Attributes
    ----------
    n_outputs_, n_features_in_, feature_names_in_, max_features_, feature_importances_, tree_.
"""
        + _HOW_IT_WORKS
    )

    _parameter_constraints: dict = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [
            StrOptions({"squared_error", "absolute_error", "poisson"}),
            Hidden(StrOptions({"friedman_mse"})),
        ],
    }

    def __init__(
        self,
        *,
        criterion="squared_error",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        ccp_alpha=0.0,
        monotonic_cst=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Grow the tree on (X, y). Returns self."""
        return self._fit(X, y, sample_weight)


class ExtraTreeClassifier(DecisionTreeClassifier):
    def _allow_nan(self):
        return self.splitter == "random"

    __doc__ = (
        """An extremely randomized tree classifier: for each of ``max_features`` drawn features one
    threshold is drawn uniformly between the node's min and max, and the best of those is kept.
    Parameters and attributes as DecisionTreeClassifier (defaults splitter="random",
    max_features="sqrt").
"""
        + _HOW_IT_WORKS
    )

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="random",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        ccp_alpha=0.0,
        monotonic_cst=None,
    ):
        super().__init__(
            criterion=criterion,
            splitter=splitter,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            random_state=random_state,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            class_weight=class_weight,
            ccp_alpha=ccp_alpha,
            monotonic_cst=monotonic_cst,
        )


class ExtraTreeRegressor(DecisionTreeRegressor):
    def _allow_nan(self):
        return self.splitter == "random"

    __doc__ = (
        """An extremely randomized tree regressor (see ExtraTreeClassifier). Parameters and
    attributes as DecisionTreeRegressor (defaults splitter="random", max_features=1.0).
"""
        + _HOW_IT_WORKS
    )

    def __init__(
        self,
        *,
        criterion="squared_error",
        splitter="random",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        random_state=None,
        min_impurity_decrease=0.0,
        max_leaf_nodes=None,
        ccp_alpha=0.0,
        monotonic_cst=None,
    ):
        super().__init__(
            criterion=criterion,
            splitter=splitter,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            random_state=random_state,
            min_impurity_decrease=min_impurity_decrease,
            max_leaf_nodes=max_leaf_nodes,
            ccp_alpha=ccp_alpha,
            monotonic_cst=monotonic_cst,
        )
