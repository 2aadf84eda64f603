"""The fitted tree: flat node arrays (``tree_``), its evaluation, and minimal cost-complexity pruning.

A ``Tree`` is nothing but numpy arrays with scikit-learn's names; every evaluation passes them back
into the core (cpp/src/tree/predict.cpp), so a tree pickles and inspects with no special code.
"""

from __future__ import annotations

import numpy as np

from .. import _core

TREE_LEAF = -1
TREE_UNDEFINED = -2

_NODE_FIELDS = (
    "children_left",
    "children_right",
    "feature",
    "threshold",
    "impurity",
    "n_node_samples",
    "weighted_n_node_samples",
    "missing_go_to_left",
)


def _as_float_matrix(X):
    X = np.asarray(X)
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-dimensional, got {X.ndim} dimensions")
    return np.ascontiguousarray(X)


class Tree:
    """A fitted decision tree as flat node arrays (scikit-learn's ``tree_`` attributes).

    Node ``i`` is a leaf when ``children_left[i] == -1``; otherwise samples with
    ``X[:, feature[i]] <= threshold[i]`` go to ``children_left[i]``, the others to
    ``children_right[i]``, and missing values (NaN) go left when ``missing_go_to_left[i]``.
    ``value[i, k, c]`` is the weighted fraction of class ``c`` of output ``k`` among the node's
    training samples (classification) or the weighted mean of output ``k`` (regression, c = 0).
    Child, feature and sample-count arrays are int32, the others float64 (uint8 for
    ``missing_go_to_left``).
    """

    def __init__(self, n_features, n_classes, n_outputs, arrays, max_depth):
        self.n_features = int(n_features)
        self.n_classes = np.asarray(n_classes, dtype=np.intp)
        self.n_outputs = int(n_outputs)
        self.max_n_classes = int(self.n_classes.max())
        for name in _NODE_FIELDS:
            setattr(self, name, arrays[name])
        value = arrays["value"]
        self.value = value.reshape(len(self.feature), self.n_outputs, self.max_n_classes)
        self.max_depth = int(max_depth)

    @property
    def node_count(self):
        return int(len(self.feature))

    @property
    def capacity(self):
        return self.node_count

    @property
    def n_leaves(self):
        return int(np.count_nonzero(self.children_left == TREE_LEAF))

    def _flat(self):
        return dict(
            children_left=self.children_left,
            children_right=self.children_right,
            feature=self.feature,
            threshold=self.threshold,
            missing_go_to_left=self.missing_go_to_left,
            value=self.value.reshape(self.node_count, -1),
            node_offset=np.array([0, self.node_count], dtype=np.int64),
        )

    def _packed(self):
        # the tree packed for evaluation (cpp/src/tree/predict.cpp), built on first use and kept
        # (not pickled)
        p = self.__dict__.get("_packed_cache")
        if p is None:
            p = _core.tree.pack(n_features=self.n_features, **self._flat())
            for v in p.values():
                if isinstance(v, np.ndarray):
                    v.setflags(write=False)
            self.__dict__["_packed_cache"] = p
        return p

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_packed_cache", None)
        return state

    def apply(self, X, n_threads=1):
        """Index of the leaf each row of X ends in (intp array of n_samples)."""
        X = _as_float_matrix(X)
        leaves = _core.tree.packed_apply(X, n_threads=n_threads, **self._packed())
        return leaves[:, 0].astype(np.intp)

    def predict(self, X, n_threads=1):
        """value at the leaf of each row: (n_samples, n_outputs, max_n_classes)."""
        X = _as_float_matrix(X)
        out, _ = _core.tree.packed_mean_value(X, counts=None, n_threads=n_threads, **self._packed())
        return out.reshape(X.shape[0], self.n_outputs, self.max_n_classes)

    def decision_path(self, X):
        """CSR indicator (n_samples, node_count) of the nodes each row goes through."""
        try:
            from scipy.sparse import csr_matrix
        except ImportError as exc:  # pragma: no cover - scipy is a test dependency
            raise ImportError("decision_path returns a scipy.sparse matrix: install scipy") from exc
        X = _as_float_matrix(X)
        indptr, indices = _core.tree.decision_path(X, **self._flat())
        data = np.ones(len(indices), dtype=np.intp)
        return csr_matrix((data, indices, indptr), shape=(X.shape[0], self.node_count))

    def compute_node_depths(self):
        """Depth of every node (the root has depth 1, as in scikit-learn)."""
        depths = np.zeros(self.node_count, dtype=np.int64)
        depths[0] = 1
        # children always come after their parent
        for i in range(self.node_count):
            left = self.children_left[i]
            if left != TREE_LEAF:
                depths[left] = depths[i] + 1
                depths[self.children_right[i]] = depths[i] + 1
        return depths

    def compute_feature_importances(self, normalize=True):
        """Total weighted impurity decrease brought by each feature (normalised to sum 1)."""
        left, right = self.children_left, self.children_right
        inner = np.flatnonzero(left != TREE_LEAF)
        w = self.weighted_n_node_samples
        imp = self.impurity
        gain = (
            w[inner] * imp[inner]
            - w[left[inner]] * imp[left[inner]]
            - w[right[inner]] * imp[right[inner]]
        )
        importances = np.zeros(self.n_features, dtype=np.float64)
        np.add.at(importances, self.feature[inner], gain)
        importances /= w[0]
        if normalize:
            total = importances.sum()
            if total > 0.0:
                importances /= total
        return importances


# ---- minimal cost-complexity pruning ------------------------------------------------------------


def _prune(tree, ccp_alpha=None):
    """Weakest-link pruning of ``tree``.

    Every internal node t has the cost R(t) = w_t / w_root · impurity_t of being a leaf and the cost
    R(T_t) of its subtree (sum over its leaves); its effective alpha is
    (R(t) - R(T_t)) / (|leaves(T_t)| - 1). The node with the smallest alpha (first on ties) is
    collapsed, its ancestors updated, and so on until the root is a leaf (the path) or the smallest
    alpha exceeds ``ccp_alpha``. Returns (alphas, impurities, keep, is_leaf).
    """
    n = tree.node_count
    left, right = tree.children_left, tree.children_right
    w = tree.weighted_n_node_samples
    r_node = w * tree.impurity / w[0]
    parent = np.full(n, -1, dtype=np.int64)
    inner = np.flatnonzero(left != TREE_LEAF)
    parent[left[inner]] = inner
    parent[right[inner]] = inner
    is_leaf = left == TREE_LEAF
    n_leaves = np.zeros(n, dtype=np.int64)
    r_branch = np.zeros(n, dtype=np.float64)
    # leaves, in index order, add themselves to every ancestor (the order of the sums matters)
    for leaf in np.flatnonzero(is_leaf):
        r_branch[leaf] = r_node[leaf]
        cur = r_node[leaf]
        node = leaf
        while node != 0:
            p = parent[node]
            r_branch[p] += cur
            n_leaves[p] += 1
            node = p
    candidate = ~is_leaf
    in_subtree = np.ones(n, dtype=bool)
    leaves = is_leaf.copy()
    alphas = [0.0]
    impurities = [r_branch[0]]
    with np.errstate(divide="ignore", invalid="ignore"):
        while candidate[0]:
            idx = np.flatnonzero(candidate)
            sub = (r_node[idx] - r_branch[idx]) / (n_leaves[idx] - 1)
            j = int(np.argmin(sub))
            alpha = float(sub[j])
            node = int(idx[j])
            if ccp_alpha is not None and ccp_alpha < alpha:
                break
            stack = [node]
            while stack:
                k = stack.pop()
                if not in_subtree[k]:
                    continue
                candidate[k] = False
                leaves[k] = False
                in_subtree[k] = False
                if left[k] != TREE_LEAF:
                    stack.append(left[k])
                    stack.append(right[k])
            leaves[node] = True
            in_subtree[node] = True
            n_pruned = n_leaves[node] - 1
            n_leaves[node] = 0
            r_diff = r_node[node] - r_branch[node]
            r_branch[node] = r_node[node]
            p = parent[node]
            while p != -1:
                n_leaves[p] -= n_pruned
                r_branch[p] += r_diff
                p = parent[p]
            alphas.append(alpha)
            impurities.append(r_branch[0])
    return np.array(alphas), np.array(impurities), in_subtree, leaves


def prune_tree(tree, ccp_alpha):
    """A new Tree: ``tree`` pruned with complexity parameter ``ccp_alpha`` (nodes renumbered depth
    first, left child first)."""
    _, _, keep, leaves = _prune(tree, ccp_alpha)
    order = []
    depth = {}
    stack = [(0, 0)]
    while stack:
        node, dep = stack.pop()
        order.append(node)
        depth[node] = dep
        if not leaves[node]:
            stack.append((int(tree.children_right[node]), dep + 1))
            stack.append((int(tree.children_left[node]), dep + 1))
    order = np.array(order, dtype=np.int64)
    new_id = np.full(tree.node_count, -1, dtype=np.int64)
    new_id[order] = np.arange(len(order))
    arrays = {name: getattr(tree, name)[order].copy() for name in _NODE_FIELDS}
    is_leaf = leaves[order]
    cl = tree.children_left[order]
    cr = tree.children_right[order]
    arrays["children_left"] = np.where(is_leaf, TREE_LEAF, new_id[np.maximum(cl, 0)]).astype(np.int32)
    arrays["children_right"] = np.where(is_leaf, TREE_LEAF, new_id[np.maximum(cr, 0)]).astype(np.int32)
    arrays["feature"] = np.where(is_leaf, TREE_UNDEFINED, arrays["feature"]).astype(np.int32)
    arrays["threshold"] = np.where(is_leaf, float(TREE_UNDEFINED), arrays["threshold"])
    arrays["missing_go_to_left"] = np.where(is_leaf, 0, arrays["missing_go_to_left"]).astype(np.uint8)
    arrays["value"] = tree.value[order].reshape(len(order), -1).copy()
    max_depth = max(depth.values()) if depth else 0
    return Tree(tree.n_features, tree.n_classes, tree.n_outputs, arrays, max_depth)


def ccp_pruning_path(tree):
    """(ccp_alphas, impurities) of the whole weakest-link pruning sequence of ``tree``."""
    alphas, impurities, _, _ = _prune(tree, None)
    return alphas, impurities
