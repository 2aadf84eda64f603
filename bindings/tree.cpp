// Bindings for decision trees and forests (cpp/src/tree/): building many trees at once, and
// evaluating the concatenated node arrays of a forest.
#include <cstring>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "common.hpp"
#include "scratchlearn/tree.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::tree;
using namespace scratchlearn::bind;

namespace {

// The trees' node arrays concatenated, as the dict the estimators read.
py::dict trees_dict(const std::vector<TreeArrays>& trees, const std::vector<int>& n_classes, index_t n_outputs) {
    const index_t n_trees = static_cast<index_t>(trees.size());
    index_t total = 0;
    for (const auto& t : trees) total += t.node_count();
    const index_t ms = n_classes.empty() ? n_outputs
                                         : n_outputs * *std::max_element(n_classes.begin(), n_classes.end());
    py::array_t<std::int32_t> left(total), right(total), feature(total), nns(total);
    py::array_t<double> thr(total), imp(total), wns(total), value({total, ms});
    py::array_t<std::uint8_t> mgl(total);
    py::array_t<std::int64_t> offset(n_trees + 1);
    py::array_t<std::int32_t> depth(n_trees);
    index_t o = 0;
    offset.mutable_data()[0] = 0;
    for (index_t t = 0; t < n_trees; ++t) {
        const TreeArrays& a = trees[t];
        const index_t c = a.node_count();
        std::copy(a.children_left.begin(), a.children_left.end(), left.mutable_data() + o);
        std::copy(a.children_right.begin(), a.children_right.end(), right.mutable_data() + o);
        std::copy(a.feature.begin(), a.feature.end(), feature.mutable_data() + o);
        std::copy(a.n_node_samples.begin(), a.n_node_samples.end(), nns.mutable_data() + o);
        std::copy(a.threshold.begin(), a.threshold.end(), thr.mutable_data() + o);
        std::copy(a.impurity.begin(), a.impurity.end(), imp.mutable_data() + o);
        std::copy(a.weighted_n_node_samples.begin(), a.weighted_n_node_samples.end(), wns.mutable_data() + o);
        std::copy(a.missing_go_to_left.begin(), a.missing_go_to_left.end(), mgl.mutable_data() + o);
        std::copy(a.value.begin(), a.value.end(), value.mutable_data() + o * ms);
        o += c;
        offset.mutable_data()[t + 1] = o;
        depth.mutable_data()[t] = a.max_depth;
    }
    py::dict out;
    out["children_left"] = left;
    out["children_right"] = right;
    out["feature"] = feature;
    out["threshold"] = thr;
    out["impurity"] = imp;
    out["n_node_samples"] = nns;
    out["weighted_n_node_samples"] = wns;
    out["missing_go_to_left"] = mgl;
    out["value"] = value;
    out["node_offset"] = offset;
    out["max_depth"] = depth;
    return out;
}

// What a build reads: X (n × d), y (n × n_outputs, checked by the caller to match X) and the class
// counts per output; the arrays stay owned by the caller.
template <class T, class Y>
Problem<T> problem_of(const carray<T>& X, const Y& y, const std::vector<int>& n_classes) {
    Problem<T> pb;
    pb.X = X.data();
    pb.n = X.shape(0);
    pb.d = X.shape(1);
    pb.y = y.data();
    pb.n_outputs = y.shape(1);
    pb.n_classes = n_classes;
    return pb;
}

// Builds the trees and returns their node arrays concatenated (tree t holds nodes
// node_offset[t]:node_offset[t+1], child indices local to the tree).
template <class T>
py::dict build(const carray<T>& X, const py::array& y_in, const std::vector<int>& n_classes,
               const py::array& w_in, const py::array& seeds_in, const TreeOptions& options,
               int n_threads) {
    check_ndim(X, 2, "X");
    auto y = as_array<double>(y_in, 2, "y");
    auto seeds = as_array<std::uint32_t>(seeds_in, 1, "seeds");
    auto W = carray<double>::ensure(w_in);
    if (!W) throw std::invalid_argument("sample weights could not be converted to an array of numbers");
    const index_t n = X.shape(0);
    if (y.shape(0) != n) throw std::invalid_argument("tree: X and y differ in length");
    const index_t n_trees = seeds.shape(0);
    index_t stride;
    if (W.ndim() == 1) {
        if (W.shape(0) != n) throw std::invalid_argument("tree: sample weights and X differ in length");
        stride = 0;
    } else if (W.ndim() == 2) {
        if (W.shape(1) != n || W.shape(0) != n_trees)
            throw std::invalid_argument("tree: weights must be n_trees x n_samples");
        stride = n;
    } else {
        throw std::invalid_argument("tree: weights must be 1- or 2-dimensional");
    }
    const Problem<T> pb = problem_of(X, y, n_classes);
    std::vector<TreeArrays> trees;
    {
        py::gil_scoped_release release;
        trees = build_trees<T>(pb, W.data(), stride, seeds.data(), n_trees, options, n_threads);
    }
    return trees_dict(trees, pb.n_classes, pb.n_outputs);
}

// build where tree t's weights are the bootstrap counts of numpy.random.RandomState(
// bootstrap_seeds[t]).randint(0, n, n_bootstrap), drawn in the core.
template <class T>
py::dict build_bootstrap(const carray<T>& X, const py::array& y_in, const std::vector<int>& n_classes,
                         const py::array& boot_in, index_t n_bootstrap, const py::array& seeds_in,
                         const TreeOptions& options, int n_threads) {
    check_ndim(X, 2, "X");
    auto y = as_array<double>(y_in, 2, "y");
    auto seeds = as_array<std::uint32_t>(seeds_in, 1, "seeds");
    auto boot = as_array<std::uint32_t>(boot_in, 1, "bootstrap_seeds");
    const index_t n = X.shape(0);
    if (y.shape(0) != n) throw std::invalid_argument("tree: X and y differ in length");
    const index_t n_trees = seeds.shape(0);
    if (boot.shape(0) != n_trees) throw std::invalid_argument("tree: one bootstrap seed per tree");
    const Problem<T> pb = problem_of(X, y, n_classes);
    std::vector<TreeArrays> trees;
    {
        py::gil_scoped_release release;
        trees = build_trees_bootstrap<T>(pb, boot.data(), n_bootstrap, seeds.data(), n_trees, options, n_threads);
    }
    return trees_dict(trees, pb.n_classes, pb.n_outputs);
}

// counts[t, i] = how often i is among RandomState(seeds[t]).randint(0, n, n_bootstrap).
py::array_t<double> bootstrap(const py::array& seeds_in, index_t n, index_t n_bootstrap) {
    auto seeds = as_array<std::uint32_t>(seeds_in, 1, "seeds");
    if (n < 1) throw std::invalid_argument("tree: the bootstrap needs n_samples >= 1");
    const index_t n_trees = seeds.shape(0);
    py::array_t<double> out({n_trees, n});
    double* o = out.mutable_data();
    const std::uint32_t* s = seeds.data();
    {
        py::gil_scoped_release release;
        for (index_t t = 0; t < n_trees; ++t) bootstrap_counts(s[t], n, n_bootstrap, o + t * n);
    }
    return out;
}

// out[t] = RandomState(seeds[t]).randint(0, high).
py::array_t<std::uint32_t> bind_first_draws(const py::array& seeds_in, index_t high) {
    auto seeds = as_array<std::uint32_t>(seeds_in, 1, "seeds");
    py::array_t<std::uint32_t> out(seeds.shape(0));
    py::gil_scoped_release release;
    scratchlearn::tree::first_draws(seeds.data(), seeds.shape(0), high, out.mutable_data());
    return out;
}

using i32 = carray<std::int32_t>;

struct ForestArgs {
    i32 left, right, feature;
    carray<double> threshold, value;
    carray<std::uint8_t> mgl;
    carray<std::int64_t> offset;
    Forest f;
};

ForestArgs forest_args(const py::array& left, const py::array& right, const py::array& feature,
                       const py::array& threshold, const py::array& mgl, const py::array& value,
                       const py::array& offset) {
    ForestArgs a;
    a.left = as_array<std::int32_t>(left, 1, "children_left");
    const index_t total = a.left.shape(0);
    a.right = as_vector<std::int32_t>(right, total, "children_right");
    a.feature = as_vector<std::int32_t>(feature, total, "feature");
    a.threshold = as_vector<double>(threshold, total, "threshold");
    a.mgl = as_vector<std::uint8_t>(mgl, total, "missing_go_to_left");
    a.value = as_array<double>(value, 2, "value");
    if (a.value.shape(0) != total) throw std::invalid_argument("tree: value must have one row per node");
    a.offset = as_array<std::int64_t>(offset, 1, "node_offset");
    if (a.offset.shape(0) < 2) throw std::invalid_argument("tree: node_offset needs at least two entries");
    a.f.children_left = a.left.data();
    a.f.children_right = a.right.data();
    a.f.feature = a.feature.data();
    a.f.threshold = a.threshold.data();
    a.f.missing_go_to_left = a.mgl.data();
    a.f.value = a.value.data();
    a.f.value_stride = a.value.shape(1);
    a.f.node_offset = a.offset.data();
    a.f.n_trees = a.offset.shape(0) - 1;
    a.f.total_nodes = total;
    return a;
}

template <class T>
py::array apply(const carray<T>& X, const py::array& left, const py::array& right, const py::array& feature,
                const py::array& threshold, const py::array& mgl, const py::array& value,
                const py::array& offset, int n_threads) {
    check_ndim(X, 2, "X");
    ForestArgs a = forest_args(left, right, feature, threshold, mgl, value, offset);
    const index_t n = X.shape(0), d = X.shape(1);
    py::array_t<std::int32_t> out({n, a.f.n_trees});
    const T* px = X.data();
    std::int32_t* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        forest_apply<T>(a.f, px, n, d, po, n_threads);
    }
    return out;
}

// The optional per-tree sample counts (n_trees × n, bootstrap multiplicities) of a mean-value
// call and its outputs: the mean (n × stride) and, with counts, the number of trees used per row.
struct MeanCall {
    i32 counts;
    const std::int32_t* pc = nullptr;
    py::array_t<double> out;
    py::array_t<std::int32_t> used;
    std::int32_t* pu = nullptr;
};

MeanCall mean_call(const py::object& counts_in, index_t n_trees, index_t n, index_t stride) {
    MeanCall c;
    if (!counts_in.is_none()) {
        c.counts = as_array<std::int32_t>(counts_in, 2, "counts");
        if (c.counts.shape(0) != n_trees || c.counts.shape(1) != n)
            throw std::invalid_argument("tree: counts must be n_trees x n_samples");
        c.pc = c.counts.data();
    }
    c.out = py::array_t<double>({n, stride});
    c.used = py::array_t<std::int32_t>(c.pc ? n : 0);
    if (c.pc) c.pu = c.used.mutable_data();
    return c;
}

template <class T>
py::tuple mean_value(const carray<T>& X, const py::array& left, const py::array& right, const py::array& feature,
                     const py::array& threshold, const py::array& mgl, const py::array& value,
                     const py::array& offset, const py::object& counts_in, int n_threads) {
    check_ndim(X, 2, "X");
    ForestArgs a = forest_args(left, right, feature, threshold, mgl, value, offset);
    const index_t n = X.shape(0), d = X.shape(1);
    MeanCall c = mean_call(counts_in, a.f.n_trees, n, a.f.value_stride);
    const T* px = X.data();
    double* po = c.out.mutable_data();
    {
        py::gil_scoped_release release;
        forest_mean_value<T>(a.f, px, n, d, c.pc, po, c.pu, n_threads);
    }
    return py::make_tuple(c.out, c.used);
}

// Packs the forest for evaluation (scratchlearn/tree.hpp, PackedForest): a dict of arrays the
// estimator keeps with the fitted forest and hands back to packed_mean_value / packed_apply.
py::dict pack(const py::array& left, const py::array& right, const py::array& feature, const py::array& threshold,
              const py::array& mgl, const py::array& value, const py::array& offset, std::int64_t n_features) {
    ForestArgs a = forest_args(left, right, feature, threshold, mgl, value, offset);
    PackedStorage p;
    {
        py::gil_scoped_release release;
        pack_forest(a.f, static_cast<index_t>(n_features), p);
    }
    py::array_t<std::uint8_t> nodes(static_cast<py::ssize_t>(p.nodes.size() * sizeof(PackedNode)));
    std::memcpy(nodes.mutable_data(), p.nodes.data(), p.nodes.size() * sizeof(PackedNode));
    py::array_t<double> lv({static_cast<py::ssize_t>(p.leaf_node.size()), static_cast<py::ssize_t>(p.value_stride)});
    std::copy(p.leaf_value.begin(), p.leaf_value.end(), lv.mutable_data());
    py::dict out;
    out["nodes"] = nodes;
    out["roots"] = to_numpy(p.roots);
    out["leaf_node"] = to_numpy(p.leaf_node);
    out["leaf_value"] = lv;
    out["n_features"] = static_cast<std::int64_t>(p.n_features);
    return out;
}

struct PackedArgs {
    carray<std::uint8_t> nodes;
    carray<std::int64_t> roots;
    i32 leaf_node;
    carray<double> leaf_value;
    PackedForest p;
};

PackedArgs packed_args(const py::array& nodes, const py::array& roots, const py::array& leaf_node,
                       const py::array& leaf_value, std::int64_t n_features) {
    PackedArgs a;
    a.nodes = as_array<std::uint8_t>(nodes, 1, "nodes");
    if (a.nodes.shape(0) % static_cast<py::ssize_t>(sizeof(PackedNode)) != 0)
        throw std::invalid_argument("tree: packed nodes must be whole 16-byte nodes");
    a.roots = as_array<std::int64_t>(roots, 1, "roots");
    if (a.roots.shape(0) < 2) throw std::invalid_argument("tree: roots needs at least two entries");
    a.leaf_node = as_array<std::int32_t>(leaf_node, 1, "leaf_node");
    a.leaf_value = as_array<double>(leaf_value, 2, "leaf_value");
    if (a.leaf_value.shape(0) != a.leaf_node.shape(0))
        throw std::invalid_argument("tree: leaf_value must have one row per leaf");
    a.p.nodes = reinterpret_cast<const PackedNode*>(a.nodes.data());
    a.p.total_nodes = a.nodes.shape(0) / static_cast<py::ssize_t>(sizeof(PackedNode));
    a.p.roots = a.roots.data();
    a.p.n_trees = a.roots.shape(0) - 1;
    a.p.leaf_node = a.leaf_node.data();
    a.p.leaf_value = a.leaf_value.data();
    a.p.n_leaves = a.leaf_node.shape(0);
    a.p.value_stride = a.leaf_value.shape(1);
    a.p.n_features = static_cast<index_t>(n_features);
    return a;
}

template <class T>
py::tuple packed_mean(const carray<T>& X, const py::array& nodes, const py::array& roots, const py::array& leaf_node,
                      const py::array& leaf_value, std::int64_t n_features, const py::object& counts_in,
                      int n_threads) {
    check_ndim(X, 2, "X");
    PackedArgs a = packed_args(nodes, roots, leaf_node, leaf_value, n_features);
    const index_t n = X.shape(0), d = X.shape(1);
    MeanCall c = mean_call(counts_in, a.p.n_trees, n, a.p.value_stride);
    const T* px = X.data();
    double* po = c.out.mutable_data();
    {
        py::gil_scoped_release release;
        packed_mean_value<T>(a.p, px, n, d, c.pc, po, c.pu, n_threads);
    }
    return py::make_tuple(c.out, c.used);
}

template <class T>
py::array packed_leaves(const carray<T>& X, const py::array& nodes, const py::array& roots, const py::array& leaf_node,
                        const py::array& leaf_value, std::int64_t n_features, int n_threads) {
    check_ndim(X, 2, "X");
    PackedArgs a = packed_args(nodes, roots, leaf_node, leaf_value, n_features);
    const index_t n = X.shape(0), d = X.shape(1);
    py::array_t<std::int32_t> out({n, a.p.n_trees});
    const T* px = X.data();
    std::int32_t* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        packed_apply<T>(a.p, px, n, d, po, n_threads);
    }
    return out;
}

template <class T>
py::tuple decision_path(const carray<T>& X, const py::array& left, const py::array& right,
                        const py::array& feature, const py::array& threshold, const py::array& mgl,
                        const py::array& value, const py::array& offset) {
    check_ndim(X, 2, "X");
    ForestArgs a = forest_args(left, right, feature, threshold, mgl, value, offset);
    std::vector<std::int64_t> indptr, indices;
    const T* px = X.data();
    const index_t n = X.shape(0), d = X.shape(1);
    {
        py::gil_scoped_release release;
        forest_decision_path<T>(a.f, px, n, d, indptr, indices);
    }
    return py::make_tuple(to_numpy(indptr), to_numpy(indices));
}

}  // namespace

void register_tree(py::module_& m) {
    auto t = family_module(m, "tree", "Decision trees and forests: building and evaluation (cpp/src/tree/).");
    py::enum_<Criterion>(t, "Criterion")
        .value("gini", Criterion::gini)
        .value("entropy", Criterion::entropy)
        .value("squared_error", Criterion::squared_error)
        .value("friedman_mse", Criterion::friedman_mse)
        .value("poisson", Criterion::poisson)
        .value("absolute_error", Criterion::absolute_error);
    py::enum_<SplitterKind>(t, "Splitter").value("best", SplitterKind::best).value("random", SplitterKind::random);
    py::class_<TreeOptions>(t, "TreeOptions", "Growth options of the trees (see scratchlearn/tree.hpp).")
        .def(py::init<>())
        .def_readwrite("criterion", &TreeOptions::criterion)
        .def_readwrite("splitter", &TreeOptions::splitter)
        .def_readwrite("max_depth", &TreeOptions::max_depth)
        .def_readwrite("min_samples_split", &TreeOptions::min_samples_split)
        .def_readwrite("min_samples_leaf", &TreeOptions::min_samples_leaf)
        .def_readwrite("min_weight_leaf", &TreeOptions::min_weight_leaf)
        .def_readwrite("min_weight_fraction", &TreeOptions::min_weight_fraction)
        .def_readwrite("max_features", &TreeOptions::max_features)
        .def_readwrite("max_leaf_nodes", &TreeOptions::max_leaf_nodes)
        .def_readwrite("min_impurity_decrease", &TreeOptions::min_impurity_decrease)
        .def_readwrite("monotonic_cst", &TreeOptions::monotonic_cst)
        .def_readwrite("max_bins", &TreeOptions::max_bins);
    def_float(t, "build", &build<float>, &build<double>,
              "Build one tree per seed; returns the concatenated node arrays (dict) with node_offset.",
              py::arg("X").noconvert(), py::arg("y"), py::arg("n_classes"), py::arg("weights"),
              py::arg("seeds"), py::arg("options"), py::arg("n_threads"));
    def_float(t, "build_bootstrap", &build_bootstrap<float>, &build_bootstrap<double>,
              "build with tree t's weights the bootstrap counts of "
              "numpy.random.RandomState(bootstrap_seeds[t]).randint(0, n, n_bootstrap), drawn in the core.",
              py::arg("X").noconvert(), py::arg("y"), py::arg("n_classes"), py::arg("bootstrap_seeds"),
              py::arg("n_bootstrap"), py::arg("seeds"), py::arg("options"), py::arg("n_threads"));
    t.def("first_draws", &bind_first_draws,
          "RandomState(seed).randint(0, high) for each seed: a forest's per-tree splitter seeds.",
          py::arg("seeds"), py::arg("high"));
    t.def("bootstrap", &bootstrap,
          "counts[t, i]: how often i is among numpy.random.RandomState(seeds[t]).randint(0, n, n_bootstrap).",
          py::arg("seeds"), py::arg("n"), py::arg("n_bootstrap"));
    def_float(t, "apply", &apply<float>, &apply<double>, "Leaf (tree-local index) of each row in each tree.",
              py::arg("X").noconvert(), py::arg("children_left"), py::arg("children_right"), py::arg("feature"),
              py::arg("threshold"), py::arg("missing_go_to_left"), py::arg("value"), py::arg("node_offset"),
              py::arg("n_threads"));
    def_float(t, "mean_value", &mean_value<float>, &mean_value<double>,
              "Mean over trees of the leaf values of each row; with counts (n_trees x n), only the trees "
              "where the row's count is 0 (out of bag), and how many did.",
              py::arg("X").noconvert(), py::arg("children_left"), py::arg("children_right"), py::arg("feature"),
              py::arg("threshold"), py::arg("missing_go_to_left"), py::arg("value"), py::arg("node_offset"),
              py::arg("counts"), py::arg("n_threads"));
    t.def("pack", &pack, "Pack the forest for evaluation: dict of nodes, roots, leaf_node, leaf_value, n_features.",
          py::arg("children_left"), py::arg("children_right"), py::arg("feature"), py::arg("threshold"),
          py::arg("missing_go_to_left"), py::arg("value"), py::arg("node_offset"), py::arg("n_features"));
    def_float(t, "packed_mean_value", &packed_mean<float>, &packed_mean<double>,
              "mean_value over a packed forest (see pack).", py::arg("X").noconvert(), py::arg("nodes"),
              py::arg("roots"), py::arg("leaf_node"), py::arg("leaf_value"), py::arg("n_features"),
              py::arg("counts"), py::arg("n_threads"));
    def_float(t, "packed_apply", &packed_leaves<float>, &packed_leaves<double>,
              "apply over a packed forest (see pack).", py::arg("X").noconvert(), py::arg("nodes"),
              py::arg("roots"), py::arg("leaf_node"), py::arg("leaf_value"), py::arg("n_features"),
              py::arg("n_threads"));
    def_float(t, "decision_path", &decision_path<float>, &decision_path<double>,
              "CSR (indptr, indices) of the nodes each row visits (indices offset by node_offset).",
              py::arg("X").noconvert(), py::arg("children_left"), py::arg("children_right"), py::arg("feature"),
              py::arg("threshold"), py::arg("missing_go_to_left"), py::arg("value"), py::arg("node_offset"));
}
