"""Forests of trees: RandomForestClassifier/Regressor and ExtraTreesClassifier/Regressor.

All trees are built by one core call (cpp/src/tree/build.cpp): threads over trees, scratch
allocated once per thread, each tree from its own seed and bootstrap counts (no copy of X), so the
forest does not depend on n_jobs. The fitted forest is the concatenation of its trees' node arrays
(``forest_nodes_``); prediction walks all of them in one core call over blocks of rows
(cpp/src/tree/predict.cpp) and averages the leaf values there.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from .. import _core
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from ..metrics import accuracy_score, r2_score
from ..tree._classes import (
    RAND_R_MAX,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    ExtraTreeClassifier,
    ExtraTreeRegressor,
    _allow_nan_finite,
    _make_tree,
    compute_sample_weight,
)
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils.validation import check_is_fitted, check_random_state, check_sample_weight, validate_data

__all__ = [
    "RandomForestClassifier",
    "RandomForestRegressor",
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
]

MAX_INT = np.iinfo(np.int32).max
_NODE_KEYS = (
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
# weights of at most this many (tree, sample) pairs are materialised at once (64 MiB of float64);
# each core call bins the features again, so the forests of the usual sizes (100 trees of up to
# 80,000 samples) are built in one call
_BATCH_ENTRIES = 1 << 23


class ForestNodes:
    """The node arrays of all trees of a forest, concatenated; tree t owns nodes
    ``node_offset[t]:node_offset[t + 1]`` (child indices local to the tree). ``value`` is
    (total_nodes, n_outputs * max_n_classes)."""

    def __init__(self, parts):
        for key in _NODE_KEYS:
            setattr(self, key, np.concatenate([p[key] for p in parts]))
        counts = np.concatenate([np.diff(p["node_offset"]) for p in parts])
        self.node_offset = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.max_depth = np.concatenate([p["max_depth"] for p in parts]).astype(np.int32)

    @property
    def n_trees(self):
        return len(self.node_offset) - 1

    def __getitem__(self, key):  # the dict view _make_tree reads
        return getattr(self, key)

    # ---- compact pickles ----------------------------------------------------------------------
    #
    # A classifier's node values are weighted class fractions count / weight. With integral
    # weights (bootstrap counts, no fractional sample or class weights) the counts are small
    # integers, exact in float32, and value, weighted_n_node_samples and the gini or entropy
    # impurity follow from them with the very operations of the core, bit for bit. The pickle then holds the
    # float32 counts instead of those three float64 arrays; each is dropped only when rebuilding it
    # gives back exactly the fitted array, so nothing a pickle restores ever differs.
    class_layout = None  # (n_outputs, max_n_classes) for a classifier, set by the forest

    @staticmethod
    def _gini(counts, w):
        K, C = counts.shape[1], counts.shape[2]
        imp = np.zeros(len(w))
        for k in range(K):
            sq = np.zeros(len(w))
            for c in range(C):
                sq = sq + counts[:, k, c] * counts[:, k, c]
            imp = imp + (1.0 - sq / (w * w))
        return imp / float(K)

    @staticmethod
    def _entropy(counts, w):
        K, C = counts.shape[1], counts.shape[2]
        imp = np.zeros(len(w))
        log = np.frompyfunc(math.log, 1, 1)  # the C library's log, as the core calls it
        log2 = math.log(2.0)
        for k in range(K):
            e = np.zeros(len(w))
            for c in range(C):
                p = counts[:, k, c] / w
                pos = counts[:, k, c] > 0.0
                lg = log(np.where(pos, p, 1.0)).astype(np.float64)
                e = np.where(pos, e - p * (lg / log2), e)
            imp = imp + e
        return imp / float(K)

    def _class_state(self, state):
        if self.class_layout is None:
            return
        K, C = self.class_layout
        w = self.weighted_n_node_samples
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            counts = np.rint(self.value.reshape(-1, K, C) * w[:, None, None]).astype(np.float32)
            c64 = counts.astype(np.float64)
            w_back = np.zeros(len(w))
            for c in range(C):
                w_back = w_back + c64[:, 0, c]
            if not np.array_equal(w_back, w):
                return
            if not np.array_equal((c64 / w[:, None, None]).reshape(self.value.shape), self.value):
                return
            kind = None
            for name in ("gini", "entropy"):
                if np.array_equal(getattr(self, "_" + name)(c64, w), self.impurity):
                    kind = name
                    break
        del state["value"], state["weighted_n_node_samples"]
        if kind is not None:
            del state["impurity"]
            state["_impurity_kind"] = kind
        state["_class_counts"] = counts
        return

    def _class_restore(self, state):
        counts = state.pop("_class_counts", None)
        kind = state.pop("_impurity_kind", None)
        self.__dict__.update(state)
        if counts is None:
            return
        c64 = counts.astype(np.float64)
        K, C = counts.shape[1], counts.shape[2]
        w = np.zeros(len(c64))
        for c in range(C):
            w = w + c64[:, 0, c]
        self.weighted_n_node_samples = w
        self.value = (c64 / w[:, None, None]).reshape(len(w), K * C)
        if kind is not None:
            self.impurity = getattr(self, "_" + kind)(c64, w)

    # The tree structure, for every forest. Trees grown depth first number a node's left child
    # next to it, so children_left follows from the leaves; a subtree is then a contiguous range
    # of nodes, so n_node_samples and (with integral weights) weighted_n_node_samples of an inner
    # node are sums over the leaves of its range, and only the leaves' are kept; thresholds are
    # kept for inner nodes only (a leaf's is -2), features as int16, missing_go_to_left as bits.
    # Each array is dropped only when its rebuild gives it back exactly.

    @staticmethod
    def _subtree_end(right, offset):
        """(is_leaf, end): end[i] = one past the last node of node i's subtree (global index)."""
        n = len(right)
        tree_of = np.repeat(np.arange(len(offset) - 1), np.diff(offset))
        is_leaf = right < 0
        idx = np.arange(n)
        last = np.where(is_leaf, idx, right.astype(np.int64) + offset[tree_of])
        # pointer jumping along the rightmost path: last[i] ends as its subtree's last leaf
        while True:
            nxt = last[last]
            if np.array_equal(nxt, last):
                break
            last = nxt
        return is_leaf, last + 1

    @staticmethod
    def _leaf_sums(values, is_leaf, end):
        c = np.concatenate([[0], np.cumsum(np.where(is_leaf, values, 0), dtype=values.dtype)])
        return c[end] - c[np.arange(len(end))]

    @staticmethod
    def _inner_sums(values, left, right, offset):
        """values of the leaves summed into every inner node (children after parents: level by
        level from the deepest)."""
        tree_of = np.repeat(np.arange(len(offset) - 1), np.diff(offset))
        inner = np.flatnonzero(right >= 0)
        gl = left[inner].astype(np.int64) + offset[tree_of[inner]]
        gr = right[inner].astype(np.int64) + offset[tree_of[inner]]
        depth = np.zeros(len(right), dtype=np.int64)
        pos = np.full(len(right), -1, dtype=np.int64)
        pos[inner] = np.arange(len(inner))
        frontier = offset[:-1].astype(np.int64)
        level = 0
        while frontier.size:
            depth[frontier] = level
            q = pos[frontier]
            q = q[q >= 0]
            frontier = np.concatenate([gl[q], gr[q]])
            level += 1
        out = np.where(right < 0, values, 0).astype(values.dtype)
        d_inner = depth[inner]
        for lev in range(level - 1, -1, -1):
            sel = np.flatnonzero(d_inner == lev)
            out[inner[sel]] = out[gl[sel]] + out[gr[sel]]
        return out

    def _sums(self, values, is_leaf, end, dfs, left, right, offset):
        if dfs:
            return self._leaf_sums(values, is_leaf, end)
        return self._inner_sums(values, left, right, offset)

    def _structure_state(self, state):
        right, offset = self.children_right, self.node_offset
        if len(right) == 0:
            return
        tree_of = np.repeat(np.arange(len(offset) - 1), np.diff(offset))
        local = np.arange(len(right)) - offset[tree_of]
        is_leaf = right < 0
        left = np.where(is_leaf, -1, local + 1).astype(np.int32)
        dfs = np.array_equal(left, self.children_left)
        end = None
        packed = {}
        if dfs:
            _, end = self._subtree_end(right, offset)
            packed["_is_depth_first"] = True
            del state["children_left"]
        else:
            packed["_is_depth_first"] = False
        left = self.children_left
        f = self.feature
        if f.size and f.max() < 32768 and f.min() >= -32768:
            packed["_feature16"] = f.astype(np.int16)
            del state["feature"]
        thr = self.threshold
        if np.all(thr[is_leaf] == -2.0):
            packed["_inner_threshold"] = thr[~is_leaf]
            del state["threshold"]
        mgl = self.missing_go_to_left
        if np.all((mgl == 0) | (mgl == 1)):
            packed["_mgl_bits"] = np.packbits(mgl.astype(np.uint8))
            del state["missing_go_to_left"]
        nns = self.n_node_samples
        if np.array_equal(self._sums(nns.astype(np.int64), is_leaf, end, dfs, left, right, offset), nns):
            packed["_leaf_n_node_samples"] = nns[is_leaf]
            del state["n_node_samples"]
        if "weighted_n_node_samples" in state:
            w = self.weighted_n_node_samples
            w32 = w[is_leaf].astype(np.float32)
            full = np.zeros(len(w))
            full[is_leaf] = w32
            if np.array_equal(self._sums(full, is_leaf, end, dfs, left, right, offset), w):
                packed["_leaf_weights32"] = w32
                del state["weighted_n_node_samples"]
        state.update(packed)

    def _structure_restore(self, state):
        if "_is_depth_first" not in state:
            return
        dfs = state.pop("_is_depth_first")
        right, offset = state["children_right"], state["node_offset"]
        is_leaf = right < 0
        end = None
        if dfs:
            _, end = self._subtree_end(right, offset)
            tree_of = np.repeat(np.arange(len(offset) - 1), np.diff(offset))
            local = np.arange(len(right)) - offset[tree_of]
            state["children_left"] = np.where(is_leaf, -1, local + 1).astype(np.int32)
        left = state["children_left"]
        if "_feature16" in state:
            state["feature"] = state.pop("_feature16").astype(np.int32)
        if "_inner_threshold" in state:
            thr = np.full(len(right), -2.0)
            thr[~is_leaf] = state.pop("_inner_threshold")
            state["threshold"] = thr
        if "_mgl_bits" in state:
            state["missing_go_to_left"] = np.unpackbits(state.pop("_mgl_bits"), count=len(right))
        if "_leaf_n_node_samples" in state:
            nns = np.zeros(len(right), dtype=np.int64)
            nns[is_leaf] = state.pop("_leaf_n_node_samples")
            state["n_node_samples"] = self._sums(nns, is_leaf, end, dfs, left, right, offset).astype(np.int32)
        if "_leaf_weights32" in state:
            w = np.zeros(len(right))
            w[is_leaf] = state.pop("_leaf_weights32")
            state["weighted_n_node_samples"] = self._sums(w, is_leaf, end, dfs, left, right, offset)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_packed", None)
        self._class_state(state)
        self._structure_state(state)
        return state

    def __setstate__(self, state):
        state = dict(state)
        self._structure_restore(state)
        self._class_restore(state)

    def packed(self, n_features):
        """The forest packed for evaluation (cpp/src/tree/predict.cpp), built on first use and
        kept (it is not pickled: a loaded forest packs again on first use)."""
        p = self.__dict__.get("_packed")
        if p is None:
            p = _core.tree.pack(n_features=n_features, **self.flat())
            for v in p.values():
                if isinstance(v, np.ndarray):
                    v.setflags(write=False)
            self.__dict__["_packed"] = p
        return p

    def flat(self):
        return dict(
            children_left=self.children_left,
            children_right=self.children_right,
            feature=self.feature,
            threshold=self.threshold,
            missing_go_to_left=self.missing_go_to_left,
            value=self.value,
            node_offset=self.node_offset,
        )


def _get_n_samples_bootstrap(n_samples, max_samples, sample_weight):
    if max_samples is None:
        return n_samples
    if isinstance(max_samples, numbers.Integral):
        return int(max_samples)
    total = n_samples if sample_weight is None else float(np.sum(sample_weight))
    n = max(int(max_samples * total), 1)
    if n < max(10, n_samples ** (1 / 3)):
        warnings.warn(
            f"Using the fractional value max_samples={max_samples} results in a low number ({n}) "
            "of bootstrap samples. We recommend passing `max_samples` as an integer instead."
        )
    return n


def _sample_indices(seed, n_samples, n_bootstrap, sample_weight):
    rs = np.random.RandomState(seed)
    if sample_weight is None:
        return rs.randint(0, n_samples, n_bootstrap)
    return rs.choice(n_samples, n_bootstrap, replace=True, p=sample_weight / np.sum(sample_weight))


class BaseForest(BaseEstimator):
    """What the four forests share (not for direct use)."""

    _tree_class = None

    _forest_constraints: dict = {
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "bootstrap": ["boolean"],
        "oob_score": ["boolean", callable],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "max_samples": [
            None,
            Interval(RealNotInt, 0.0, None, closed="neither"),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "max_bins": [Interval(numbers.Integral, 2, 255, closed="both"), None],
    }

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        tags.target_tags.multi_output = True
        return tags

    # ---- trees as estimators --------------------------------------------------------------------

    def _tree_params(self):
        names = (
            "criterion",
            "max_depth",
            "min_samples_split",
            "min_samples_leaf",
            "min_weight_fraction_leaf",
            "max_features",
            "max_leaf_nodes",
            "min_impurity_decrease",
            "ccp_alpha",
            "monotonic_cst",
        )
        return {k: getattr(self, k) for k in names}

    @property
    def estimators_(self):
        """The fitted trees, each a tree estimator whose ``tree_`` arrays are views of the
        forest's node arrays (built on first access)."""
        nodes = self.__dict__.get("forest_nodes_")
        if nodes is None:
            raise AttributeError("estimators_")
        cache = self.__dict__.get("_estimators_cache")
        if cache is not None and len(cache) == nodes.n_trees:
            return cache
        params = self._tree_params()
        classes = self._tree_classes()
        out = []
        for t in range(nodes.n_trees):
            est = self._tree_class(random_state=int(self._tree_seeds_[t]), **params)
            if is_classifier(self):
                est.classes_ = self.classes_
                est.n_classes_ = self.n_classes_
            est.n_outputs_ = self.n_outputs_
            est.n_features_in_ = self.n_features_in_
            if hasattr(self, "feature_names_in_"):
                est.feature_names_in_ = self.feature_names_in_
            est.max_features_ = self._max_features
            est.tree_ = _make_tree(nodes, t, self.n_features_in_, classes)
            out.append(est)
        self.__dict__["_estimators_cache"] = out
        return out

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_estimators_cache", None)
        return state

    def _tree_classes(self):
        if is_classifier(self):
            return np.atleast_1d(np.asarray(self._n_classes_all, dtype=np.intp))
        return np.ones(self.n_outputs_, dtype=np.intp)

    def __len__(self):
        return len(self.estimators_)

    def __getitem__(self, index):
        return self.estimators_[index]

    def __iter__(self):
        return iter(self.estimators_)

    # ---- fit ------------------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Grow the forest on (X, y). Returns self."""
        self._validate_params()
        X, y = validate_data(
            self,
            X,
            y,
            reset=True,
            multi_output=True,
            ensure_all_finite=False,
            y_numeric=not is_classifier(self),
        )
        _allow_nan_finite(X, True)
        X = np.ascontiguousarray(X)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        y = np.atleast_1d(y)
        if y.ndim == 2 and y.shape[1] == 1:
            from ..exceptions import DataConversionWarning

            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change the "
                "shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=2,
            )
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        n_samples, n_features = X.shape
        self.n_outputs_ = y.shape[1]
        if not is_classifier(self) and self.criterion == "poisson":
            if np.any(y < 0):
                raise ValueError(
                    "Some value(s) of y are negative which is not allowed for Poisson regression."
                )
            if np.sum(y) <= 0:
                raise ValueError(
                    "Sum of y is not strictly positive which is necessary for Poisson regression."
                )
        y_codes, expanded = self._encode_y(y)
        if sample_weight is None:
            sw = expanded
        elif expanded is None:
            sw = sample_weight
        else:
            sw = sample_weight * expanded
        if not self.bootstrap and self.max_samples is not None:
            raise ValueError(
                "`max_sample` cannot be set if `bootstrap=False`. Either switch to "
                "`bootstrap=True` or set `max_sample=None`."
            )
        n_boot = _get_n_samples_bootstrap(n_samples, self.max_samples, sw) if self.bootstrap else None
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        random_state = check_random_state(self.random_state)
        fresh = not self.warm_start or "forest_nodes_" not in self.__dict__
        n_have = 0 if fresh else self.forest_nodes_.n_trees
        n_more = self.n_estimators - n_have
        if n_more < 0:
            raise ValueError(
                "n_estimators=%d must be larger or equal to len(estimators_)=%d when warm_start==True"
                % (self.n_estimators, n_have)
            )
        if n_more == 0:
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit new trees.")
        else:
            if not fresh:
                random_state.randint(MAX_INT, size=n_have)
            seeds = np.array([random_state.randint(MAX_INT) for _ in range(n_more)], dtype=np.int64)
            parts = self._build(X, y_codes, sw, n_boot, seeds, y)
            if fresh:
                self._tree_seeds_ = seeds
                self.forest_nodes_ = ForestNodes(parts)
            else:
                self._tree_seeds_ = np.concatenate([self._tree_seeds_, seeds])
                self.forest_nodes_ = ForestNodes([self._nodes_dict(), *parts])
            if is_classifier(self):
                self.forest_nodes_.class_layout = (self.n_outputs_, int(np.max(self._n_classes_all)))
            self.__dict__.pop("_estimators_cache", None)
        self._n_samples_bootstrap = n_boot
        self._sample_weight = sw
        if self.oob_score and (n_more > 0 or not hasattr(self, "oob_score_")):
            self._set_oob(X, y_codes)
        if is_classifier(self) and self.n_outputs_ == 1:
            self.n_classes_ = int(self.n_classes_[0])
            self.classes_ = self.classes_[0]
        return self

    def _nodes_dict(self):
        nodes = self.forest_nodes_
        d = {key: getattr(nodes, key) for key in _NODE_KEYS}
        d["node_offset"] = nodes.node_offset
        d["max_depth"] = nodes.max_depth
        return d

    def _encode_y(self, y):
        return np.ascontiguousarray(y, dtype=np.float64), None

    def _tree_weights(self, seed, n_samples, n_boot, sw, y):
        if not self.bootstrap:
            return np.ones(n_samples) if sw is None else sw
        idx = _sample_indices(int(seed), n_samples, n_boot, sw)
        w = np.bincount(idx, minlength=n_samples).astype(np.float64)
        if getattr(self, "class_weight", None) == "balanced_subsample":
            w *= compute_sample_weight("balanced", y, indices=idx)
        return w

    def _build(self, X, y_codes, sw, n_boot, seeds, y):
        n_samples, n_features = X.shape
        tree = self._tree_class(**self._tree_params())
        tree.n_outputs_ = self.n_outputs_
        if is_classifier(self):
            tree.n_classes_ = np.asarray(self._n_classes_all, dtype=np.intp)
        opts = tree._options(n_samples, n_features, max_bins=self._max_bins_used())
        self._max_features = tree.max_features_
        n_classes = [int(c) for c in self._n_classes_all] if is_classifier(self) else []
        n_threads = self._n_threads()
        # each tree's splitter seed, RandomState(seed).randint(0, RAND_R_MAX), drawn in the core
        # (a RandomState per tree cost 80 us: 8 ms of a 200 ms fit of 100 trees)
        tree_seeds = _core.tree.first_draws(np.asarray(seeds, dtype=np.uint32), RAND_R_MAX)
        if self._core_bootstrap(sw):
            # the core draws each tree's bootstrap (numpy's RandomState(seed).randint(0, n, n_boot),
            # the same counts as _tree_weights) in the thread that builds it: one call, no weights
            # matrix, the features binned once
            return [_core.tree.build_bootstrap(X, y_codes, n_classes, np.asarray(seeds, dtype=np.uint32), n_boot,
                                               tree_seeds, opts, n_threads=n_threads)]
        # equal batches, as few as the memory cap allows
        n_calls = max(1, -(-len(seeds) * n_samples // _BATCH_ENTRIES))
        batch = max(n_threads, -(-len(seeds) // n_calls))
        parts = []
        for b in range(0, len(seeds), batch):
            sb = seeds[b : b + batch]
            W = np.empty((len(sb), n_samples), dtype=np.float64)
            for j, s in enumerate(sb):
                W[j] = self._tree_weights(s, n_samples, n_boot, sw, y)
            parts.append(_core.tree.build(X, y_codes, n_classes, W, tree_seeds[b : b + batch], opts,
                                          n_threads=n_threads))
        return parts

    def _core_bootstrap(self, sw):
        """Whether the trees' bootstrap counts are plain RandomState.randint draws the core can make."""
        return self.bootstrap and sw is None and getattr(self, "class_weight", None) != "balanced_subsample"

    def _max_bins_used(self):
        if self._tree_class in (ExtraTreeClassifier, ExtraTreeRegressor):
            return None
        return self.max_bins

    def _n_threads(self):
        try:
            return super()._n_threads()
        except AttributeError:  # before the contract's helper exists
            import os

            if self.n_jobs is None or self.n_jobs < 0:
                return os.cpu_count() or 1
            return int(self.n_jobs)

    # ---- evaluation -----------------------------------------------------------------------------

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        X = _allow_nan_finite(validate_data(self, X, reset=False, ensure_all_finite=False), True)
        return np.ascontiguousarray(X)

    def _mean_value(self, X, counts=None):
        packed = self.forest_nodes_.packed(self.n_features_in_)
        out, used = _core.tree.packed_mean_value(X, counts=counts, n_threads=self._n_threads(), **packed)
        return out, used

    def apply(self, X):
        """Leaf index of each sample in each tree, (n_samples, n_estimators)."""
        X = self._validate_X_predict(X)
        packed = self.forest_nodes_.packed(self.n_features_in_)
        return _core.tree.packed_apply(X, n_threads=self._n_threads(), **packed).astype(np.intp)

    def decision_path(self, X):
        """(indicator, n_nodes_ptr): CSR indicator of the nodes each sample visits, columns of
        tree t at n_nodes_ptr[t]:n_nodes_ptr[t + 1]."""
        from scipy.sparse import csr_matrix

        X = self._validate_X_predict(X)
        indptr, indices = _core.tree.decision_path(X, **self.forest_nodes_.flat())
        total = int(self.forest_nodes_.node_offset[-1])
        ind = csr_matrix((np.ones(len(indices), dtype=np.intp), indices, indptr), shape=(X.shape[0], total))
        return ind, self.forest_nodes_.node_offset.copy()

    @property
    def feature_importances_(self):
        """Mean over trees of the trees' impurity-based importances (trees that are a single
        leaf are left out), normalised to sum 1."""
        check_is_fitted(self)
        imps = [e.tree_.compute_feature_importances() for e in self.estimators_ if e.tree_.node_count > 1]
        if not imps:
            return np.zeros(self.n_features_in_, dtype=np.float64)
        mean = np.mean(imps, axis=0, dtype=np.float64)
        return mean / np.sum(mean)

    @property
    def estimators_samples_(self):
        """The bootstrap sample indices of each tree."""
        check_is_fitted(self)
        out = []
        for s in self._tree_seeds_:
            if self.bootstrap:
                out.append(_sample_indices(int(s), self._n_train, self._n_samples_bootstrap, self._sample_weight))
            else:
                out.append(np.arange(self._n_train))
        return out

    def _oob_counts(self, n_samples, t0, t1):
        if self._core_bootstrap(self._sample_weight):
            seeds = np.asarray(self._tree_seeds_[t0:t1], dtype=np.uint32)
            return _core.tree.bootstrap(seeds, n_samples, self._n_samples_bootstrap).astype(np.int32)
        C = np.empty((t1 - t0, n_samples), dtype=np.int32)
        for j, s in enumerate(self._tree_seeds_[t0:t1]):
            idx = _sample_indices(int(s), n_samples, self._n_samples_bootstrap, self._sample_weight)
            C[j] = np.bincount(idx, minlength=n_samples)
        return C

    def _oob_mean(self, X):
        """Sum over the out-of-bag trees of each row's leaf values, and their count."""
        n = X.shape[0]
        nodes = self.forest_nodes_
        s = nodes.value.shape[1]
        total = np.zeros((n, s), dtype=np.float64)
        used = np.zeros(n, dtype=np.int64)
        batch = max(1, _BATCH_ENTRIES // max(n, 1))
        for t0 in range(0, nodes.n_trees, batch):
            t1 = min(nodes.n_trees, t0 + batch)
            a, b = int(nodes.node_offset[t0]), int(nodes.node_offset[t1])
            flat = nodes.flat()
            for key in ("children_left", "children_right", "feature", "threshold", "missing_go_to_left", "value"):
                flat[key] = flat[key][a:b]
            flat["node_offset"] = nodes.node_offset[t0 : t1 + 1] - a
            out, u = _core.tree.mean_value(
                X, counts=self._oob_counts(n, t0, t1), n_threads=self._n_threads(), **flat
            )
            total += out * u[:, None]
            used += u
        if np.any(used == 0):
            warnings.warn(
                "Some inputs do not have OOB scores. This probably means too few trees were used "
                "to compute any reliable OOB estimates.",
                UserWarning,
            )
        return total / np.maximum(used, 1)[:, None]


class ForestClassifier(ClassifierMixin, BaseForest):
    def _encode_y(self, y):
        from ..utils.multiclass import check_classification_targets

        check_classification_targets(y)
        self._n_train = y.shape[0]
        classes, n_classes = [], []
        codes = np.zeros(y.shape, dtype=np.float64)
        for k in range(self.n_outputs_):
            ck, codes[:, k] = np.unique(y[:, k], return_inverse=True)
            classes.append(ck)
            n_classes.append(len(ck))
        self.classes_ = classes
        self.n_classes_ = n_classes
        self._n_classes_all = np.array(n_classes, dtype=np.intp)
        cw = self.class_weight
        if cw is None:
            return codes, None
        if isinstance(cw, (dict, list)):
            return codes, compute_sample_weight(cw, y)
        if self.warm_start:
            warnings.warn(
                'class_weight presets "balanced" or "balanced_subsample" are not recommended for '
                "warm_start if the fitted data differs from the full dataset."
            )
        if cw == "balanced_subsample" and self.bootstrap:
            return codes, None
        return codes, compute_sample_weight("balanced", y)

    def _set_oob(self, X, y_codes):
        from ..utils.multiclass import type_of_target

        y_type = type_of_target(y_codes)
        if y_type == "unknown" or y_type == "multiclass-multioutput":
            raise ValueError(
                "The type of target cannot be used to compute OOB estimates. Got "
                f"{y_type} while only the following are supported: continuous, "
                "continuous-multioutput, binary, multiclass, multilabel-indicator."
            )
        mean = self._oob_mean(X)
        K = self.n_outputs_
        C = int(np.max(self._n_classes_all))
        dec = mean.reshape(X.shape[0], K, C).transpose(0, 2, 1)
        if K == 1:
            dec = dec[:, :, 0]
        self.oob_decision_function_ = dec
        score = self.oob_score if callable(self.oob_score) else accuracy_score
        pred = np.argmax(dec, axis=1)
        yc = y_codes[:, 0] if K == 1 else y_codes
        self.oob_score_ = score(yc, pred)

    def predict_proba(self, X):
        """Mean over trees of the trees' class probabilities (computed in the core)."""
        X = self._validate_X_predict(X)
        out, _ = self._mean_value(X)
        C = int(np.max(self._n_classes_all))
        out = out.reshape(X.shape[0], self.n_outputs_, C)
        if self.n_outputs_ == 1:
            return out[:, 0, : self.n_classes_]
        return [out[:, k, : self.n_classes_[k]] for k in range(self.n_outputs_)]

    def predict_log_proba(self, X):
        """Logarithm of predict_proba."""
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]

    def predict(self, X):
        """The class with the highest mean probability."""
        proba = self.predict_proba(X)
        if self.n_outputs_ == 1:
            return self.classes_.take(np.argmax(proba, axis=1), axis=0)
        pred = np.empty((proba[0].shape[0], self.n_outputs_), dtype=self.classes_[0].dtype)
        for k in range(self.n_outputs_):
            pred[:, k] = self.classes_[k].take(np.argmax(proba[k], axis=1), axis=0)
        return pred

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class ForestRegressor(RegressorMixin, BaseForest):
    def _encode_y(self, y):
        self._n_train = y.shape[0]
        return np.ascontiguousarray(y, dtype=np.float64), None

    def _set_oob(self, X, y):
        mean = self._oob_mean(X)
        pred = mean if self.n_outputs_ > 1 else mean[:, 0]
        self.oob_prediction_ = pred
        score = self.oob_score if callable(self.oob_score) else r2_score
        self.oob_score_ = score(y[:, 0] if self.n_outputs_ == 1 else y, pred)

    def predict(self, X):
        """Mean over trees of the trees' predictions (computed in the core)."""
        X = self._validate_X_predict(X)
        out, _ = self._mean_value(X)
        if self.n_outputs_ == 1:
            return out[:, 0]
        return out


_FOREST_DOC = """
    How it works
    ------------
    Each tree is grown as the corresponding single tree (see DecisionTreeClassifier) on a
    bootstrap sample given as integer weights: tree t's seed (drawn from ``random_state`` as
    scikit-learn draws it) gives its bootstrap counts and its feature draws, so the forest is
    the same whatever ``n_jobs`` is. All trees are built in one core call, threads over trees,
    per-thread scratch allocated once (cpp/src/tree/build.cpp). For prediction the forest is
    packed once (on first use, kept with the fitted forest but not pickled) into 16-byte nodes,
    each tree depth first with the left child next to its parent; rows are walked in 1 MiB
    blocks, tree after tree, 12 rows interleaved per tree (a row that reaches its leaf hands its
    slot to the next row), threads over blocks, and the leaf values (class fractions or means)
    are averaged in the core (cpp/src/tree/predict.cpp).

    ``max_bins`` (RandomForest only; default 255, a deviation from scikit-learn, which has no such
    parameter): features are binned once into at most ``max_bins`` quantile bins (uint8 codes,
    NaN in a bin of its own) and each node's split is found on per-bin histograms, O(n) per
    feature instead of scanning sorted values: a different but equally accurate forest.
    ``max_bins=None`` uses the exact splitter, and then the trees are node for node
    scikit-learn's (same random_state, up to ties between equally good splits).
    ``estimators_`` are tree estimators whose ``tree_`` arrays are views of ``forest_nodes_``
    (built on access; the pickle holds the node arrays once, compactly: left children, inner
    sample counts and weights rebuilt exactly from the rest on load, about 0.4x the size of
    scikit-learn's pickle). ``criterion='absolute_error'``
    always uses the exact splitter (``max_bins`` is ignored for it).
"""


def _forest_init(self, n_estimators, criterion, max_depth, min_samples_split, min_samples_leaf,
                 min_weight_fraction_leaf, max_features, max_leaf_nodes, min_impurity_decrease,
                 bootstrap, oob_score, n_jobs, random_state, verbose, warm_start, ccp_alpha,
                 max_samples, monotonic_cst):
    self.n_estimators = n_estimators
    self.criterion = criterion
    self.max_depth = max_depth
    self.min_samples_split = min_samples_split
    self.min_samples_leaf = min_samples_leaf
    self.min_weight_fraction_leaf = min_weight_fraction_leaf
    self.max_features = max_features
    self.max_leaf_nodes = max_leaf_nodes
    self.min_impurity_decrease = min_impurity_decrease
    self.bootstrap = bootstrap
    self.oob_score = oob_score
    self.n_jobs = n_jobs
    self.random_state = random_state
    self.verbose = verbose
    self.warm_start = warm_start
    self.ccp_alpha = ccp_alpha
    self.max_samples = max_samples
    self.monotonic_cst = monotonic_cst


def _constraints(forest_base, tree_class, class_weight):
    c = {**BaseForest._forest_constraints, **tree_class._parameter_constraints}
    c.pop("splitter")
    c.pop("random_state")
    c["random_state"] = ["random_state"]
    if class_weight:
        c["class_weight"] = [StrOptions({"balanced_subsample", "balanced"}), dict, list, None]
    return c


class RandomForestClassifier(ForestClassifier):
    __doc__ = (
        """A random forest classifier (scikit-learn's parameters and attributes, plus max_bins).

    Parameters
    ----------
    n_estimators=100, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1,
    min_weight_fraction_leaf=0.0, max_features="sqrt", max_leaf_nodes=None,
    min_impurity_decrease=0.0, bootstrap=True, oob_score=False, n_jobs=None, random_state=None,
    verbose=0, warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None,
    monotonic_cst=None : as in scikit-learn.
    max_bins : int in [2, 255] or None, default=255
        Histogram splitter with that many bins; None: exact splitter.

    Attributes
    ----------
    estimators_, classes_, n_classes_, n_features_in_, feature_names_in_, n_outputs_,
    feature_importances_, oob_score_, oob_decision_function_, estimators_samples_,
    forest_nodes_ (the concatenated node arrays).
"""
        + _FOREST_DOC
    )
    _tree_class = DecisionTreeClassifier
    _parameter_constraints = _constraints(BaseForest, DecisionTreeClassifier, True)

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
        max_bins=255,
    ):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split, min_samples_leaf,
                     min_weight_fraction_leaf, max_features, max_leaf_nodes, min_impurity_decrease,
                     bootstrap, oob_score, n_jobs, random_state, verbose, warm_start, ccp_alpha,
                     max_samples, monotonic_cst)
        self.class_weight = class_weight
        self.max_bins = max_bins


class RandomForestRegressor(ForestRegressor):
    __doc__ = (
        """A random forest regressor (scikit-learn's parameters and attributes, plus max_bins).

    Parameters
    ----------
    n_estimators=100, criterion="squared_error", max_depth=None, min_samples_split=2,
    min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=1.0, max_leaf_nodes=None,
    min_impurity_decrease=0.0, bootstrap=True, oob_score=False, n_jobs=None, random_state=None,
    verbose=0, warm_start=False, ccp_alpha=0.0, max_samples=None, monotonic_cst=None :
    as in scikit-learn.
    max_bins : int in [2, 255] or None, default=255
        Histogram splitter with that many bins; None: exact splitter.

    Attributes
    ----------
    estimators_, n_features_in_, feature_names_in_, n_outputs_, feature_importances_,
    oob_score_, oob_prediction_, estimators_samples_, forest_nodes_.
"""
        + _FOREST_DOC
    )
    _tree_class = DecisionTreeRegressor
    _parameter_constraints = _constraints(BaseForest, DecisionTreeRegressor, False)

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
        max_bins=255,
    ):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split, min_samples_leaf,
                     min_weight_fraction_leaf, max_features, max_leaf_nodes, min_impurity_decrease,
                     bootstrap, oob_score, n_jobs, random_state, verbose, warm_start, ccp_alpha,
                     max_samples, monotonic_cst)
        self.max_bins = max_bins


class ExtraTreesClassifier(ForestClassifier):
    __doc__ = (
        """An extra-trees classifier: a forest of ExtraTreeClassifier (random thresholds), by
    default without bootstrap (scikit-learn's parameters and attributes).
"""
        + _FOREST_DOC
    )
    _tree_class = ExtraTreeClassifier
    _parameter_constraints = {
        k: v for k, v in _constraints(BaseForest, ExtraTreeClassifier, True).items() if k != "max_bins"
    }
    max_bins = None

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
    ):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split, min_samples_leaf,
                     min_weight_fraction_leaf, max_features, max_leaf_nodes, min_impurity_decrease,
                     bootstrap, oob_score, n_jobs, random_state, verbose, warm_start, ccp_alpha,
                     max_samples, monotonic_cst)
        self.class_weight = class_weight


class ExtraTreesRegressor(ForestRegressor):
    __doc__ = (
        """An extra-trees regressor: a forest of ExtraTreeRegressor (random thresholds), by
    default without bootstrap (scikit-learn's parameters and attributes).
"""
        + _FOREST_DOC
    )
    _tree_class = ExtraTreeRegressor
    _parameter_constraints = {
        k: v for k, v in _constraints(BaseForest, ExtraTreeRegressor, False).items() if k != "max_bins"
    }
    max_bins = None

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
    ):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split, min_samples_leaf,
                     min_weight_fraction_leaf, max_features, max_leaf_nodes, min_impurity_decrease,
                     bootstrap, oob_score, n_jobs, random_state, verbose, warm_start, ccp_alpha,
                     max_samples, monotonic_cst)
