"""Looking at a fitted tree: as indented text, as Graphviz DOT, or drawn with matplotlib."""

from __future__ import annotations

import numbers

import numpy as np

from ..base import is_classifier
from ..utils.validation import check_is_fitted

__all__ = ["export_text", "export_graphviz", "plot_tree"]


def _tree_of(decision_tree):
    check_is_fitted(decision_tree, "tree_")
    return decision_tree.tree_


def _feature_name(i, feature_names):
    return f"feature_{i}" if feature_names is None else str(feature_names[i])


def _node_class(decision_tree, tree, node, class_names):
    value = tree.value[node, 0, : tree.n_classes[0]]
    c = int(np.argmax(value))
    if class_names is None or class_names is False:
        classes = getattr(decision_tree, "classes_", None)
        if classes is not None and np.ndim(classes) == 1:
            return str(classes[c])
        return str(c)
    if class_names is True:
        return f"y[{c}]"
    return str(class_names[c])


def export_text(
    decision_tree,
    *,
    feature_names=None,
    class_names=None,
    max_depth=10,
    spacing=3,
    decimals=2,
    show_weights=False,
):
    """The tree as indented text rules, one line per node (``|--- feature <= threshold``)."""
    tree = _tree_of(decision_tree)
    if feature_names is not None and len(feature_names) != tree.n_features:
        raise ValueError(
            "feature_names must contain {} elements, got {}".format(tree.n_features, len(feature_names))
        )
    if not isinstance(max_depth, numbers.Integral) or max_depth < 0:
        raise ValueError("max_depth bust be >= 0, given %r" % (max_depth,))
    if not isinstance(spacing, numbers.Integral) or spacing <= 0:
        raise ValueError("spacing must be > 0, given %r" % (spacing,))
    if not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError("decimals must be >= 0, given %r" % (decimals,))
    classifier = is_classifier(decision_tree)
    lines = []
    pad = "|" + " " * spacing

    def leaf_text(node, indent):
        if classifier:
            text = "class: " + _node_class(decision_tree, tree, node, class_names)
            if show_weights:
                w = tree.value[node, 0, : tree.n_classes[0]] * tree.weighted_n_node_samples[node]
                text = "weights: [" + ", ".join(f"{v:.{decimals}f}" for v in w) + "] " + text
        else:
            vals = tree.value[node, :, 0]
            text = "value: [" + ", ".join(f"{v:.{decimals}f}" for v in vals) + "]"
        lines.append(indent + "|" + "-" * spacing + " " + text + "\n")

    def recurse(node, depth):
        indent = pad * depth
        if depth > max_depth:
            sub = _subtree_depth(tree, node)
            lines.append(indent + "|" + "-" * spacing + f" truncated branch of depth {sub}\n")
            return
        left = tree.children_left[node]
        if left == -1:
            leaf_text(node, indent)
            return
        name = _feature_name(tree.feature[node], feature_names)
        thr = f"{tree.threshold[node]:.{decimals}f}"
        lines.append(indent + "|" + "-" * spacing + f" {name} <= {thr}\n")
        recurse(left, depth + 1)
        lines.append(indent + "|" + "-" * spacing + f" {name} >  {thr}\n")
        recurse(tree.children_right[node], depth + 1)

    recurse(0, 0)
    return "".join(lines)


def _subtree_depth(tree, node):
    best = 0
    stack = [(node, 0)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        if tree.children_left[n] != -1:
            stack.append((tree.children_left[n], d + 1))
            stack.append((tree.children_right[n], d + 1))
    return best


def _node_label(decision_tree, tree, node, feature_names, class_names, impurity, node_ids,
                proportion, precision, sep):
    crit = getattr(decision_tree, "criterion", "impurity")
    parts = []
    if node_ids:
        parts.append(f"node #{node}")
    if tree.children_left[node] != -1:
        name = _feature_name(tree.feature[node], feature_names)
        parts.append(f"{name} <= {round(tree.threshold[node], precision)}")
    if impurity:
        parts.append(f"{crit} = {round(tree.impurity[node], precision)}")
    if proportion:
        parts.append(f"samples = {round(100.0 * tree.n_node_samples[node] / tree.n_node_samples[0], 1)}%")
    else:
        parts.append(f"samples = {tree.n_node_samples[node]}")
    if is_classifier(decision_tree):
        v = tree.value[node, 0, : tree.n_classes[0]]
        if not proportion:
            v = v * tree.weighted_n_node_samples[node]
        parts.append("value = [" + ", ".join(str(round(x, precision)) for x in v) + "]")
        if class_names is not None:
            parts.append("class = " + _node_class(decision_tree, tree, node, class_names))
    else:
        v = tree.value[node, :, 0]
        if len(v) == 1:
            parts.append(f"value = {round(v[0], precision)}")
        else:
            parts.append("value = [" + ", ".join(str(round(x, precision)) for x in v) + "]")
    return sep.join(parts)


def export_graphviz(
    decision_tree,
    out_file=None,
    *,
    max_depth=None,
    feature_names=None,
    class_names=None,
    label="all",
    filled=False,
    leaves_parallel=False,
    impurity=True,
    node_ids=False,
    proportion=False,
    rotate=False,
    rounded=False,
    special_characters=False,
    precision=3,
    fontname="helvetica",
):
    """The tree in Graphviz DOT; returned as a string when ``out_file`` is None, else written to
    ``out_file`` (a path or an open text file)."""
    tree = _tree_of(decision_tree)
    if feature_names is not None and len(feature_names) != tree.n_features:
        raise ValueError(
            "Length of feature_names, %d does not match number of features, %d"
            % (len(feature_names), tree.n_features)
        )
    if not isinstance(precision, numbers.Integral) or precision < 0:
        raise ValueError("'precision' should be greater or equal to 0. Got {} instead.".format(precision))
    if class_names is True:
        class_names = True
    lines = ["digraph Tree {"]
    style = []
    if filled:
        style.append("filled")
    if rounded:
        style.append("rounded")
    node_attr = f'node [shape=box, fontname="{fontname}"'
    if style:
        node_attr += ', style="' + ", ".join(style) + '", color="black"'
    node_attr += "] ;"
    lines.append(node_attr)
    lines.append(f'edge [fontname="{fontname}"] ;')
    if rotate:
        lines.append("rankdir=LR ;")
    sep = "<br/>" if special_characters else "\\n"
    stack = [(0, 0, -1)]
    while stack:
        node, depth, parent = stack.pop()
        if max_depth is not None and depth > max_depth:
            lines.append(f'{node} [label="(...)"] ;')
        else:
            text = _node_label(decision_tree, tree, node, feature_names, class_names, impurity,
                               node_ids, proportion, precision, sep).replace('"', '\\"')
            if special_characters:
                lines.append(f"{node} [label=<{text}>] ;")
            else:
                lines.append(f'{node} [label="{text}"] ;')
            if tree.children_left[node] != -1:
                stack.append((int(tree.children_right[node]), depth + 1, node))
                stack.append((int(tree.children_left[node]), depth + 1, node))
        if parent >= 0:
            edge = f"{parent} -> {node}"
            if parent == 0:
                first = node == tree.children_left[0]
                angle = 45 if first else -45
                edge += f' [labeldistance=2.5, labelangle={angle}, headlabel="{"True" if first else "False"}"]'
            lines.append(edge + " ;")
    lines.append("}")
    dot = "\n".join(lines) + "\n"
    if out_file is None:
        return dot
    if isinstance(out_file, str):
        with open(out_file, "w", encoding="utf-8") as fh:
            fh.write(dot)
    else:
        out_file.write(dot)
    return None


def plot_tree(
    decision_tree,
    *,
    max_depth=None,
    feature_names=None,
    class_names=None,
    label="all",
    filled=False,
    impurity=True,
    node_ids=False,
    proportion=False,
    rounded=False,
    precision=3,
    ax=None,
    fontsize=None,
):
    """Draw the tree with matplotlib; returns the list of annotation artists."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "plot_tree requires matplotlib: install it with `pip install matplotlib`"
        ) from exc
    tree = _tree_of(decision_tree)
    if ax is None:
        ax = plt.gca()
    ax.set_axis_off()
    # x: in-order position of the leaves; y: depth
    pos = {}
    counter = [0]
    limit = np.inf if max_depth is None else max_depth

    def place(node, depth):
        left = tree.children_left[node]
        if left == -1 or depth >= limit:
            pos[node] = (counter[0], depth)
            counter[0] += 1
            return
        place(left, depth + 1)
        place(tree.children_right[node], depth + 1)
        pos[node] = ((pos[left][0] + pos[tree.children_right[node]][0]) / 2.0, depth)

    place(0, 0)
    width = max(counter[0] - 1, 1)
    height = max(d for _, d in pos.values()) or 1
    bbox = dict(boxstyle="round" if rounded else "square", fc="white" if not filled else "#e58139",
                ec="black")
    artists = []
    for node, (x, d) in pos.items():
        text = _node_label(decision_tree, tree, node, feature_names, class_names, impurity, node_ids,
                           proportion, precision, "\n")
        xy = (x / width, 1.0 - d / height)
        parent = None
        if node != 0:
            parent = next(p for p in pos if tree.children_left[p] == node or tree.children_right[p] == node)
        kw = dict(ha="center", va="center", bbox=bbox, fontsize=fontsize)
        if parent is None:
            artists.append(ax.annotate(text, xy, xycoords="axes fraction", **kw))
        else:
            px, pd = pos[parent]
            artists.append(
                ax.annotate(text, xy=(px / width, 1.0 - pd / height), xytext=xy, xycoords="axes fraction",
                            textcoords="axes fraction", arrowprops=dict(arrowstyle="<-"), **kw)
            )
    return artists
