// Decision trees and forests of them: building (exact presorted splitter, random thresholds, and a
// histogram splitter over binned features) and evaluation of many trees at once.
//
// A tree is a set of flat node arrays (TreeArrays): node 0 is the root; an internal node has a
// feature, a threshold (x <= threshold goes left, NaN goes where missing_go_to_left says), two
// children; a leaf has children -1, feature -2 and threshold -2. Nodes are numbered in the order
// they are created: depth first with the left child first, or, with max_leaf_nodes, best first.
// value[node, output, class] holds the weighted class fractions (classification) or the weighted
// mean of each output (regression).
//
// The splitting rules follow the classical CART definitions so that trees agree node for node with
// the ones scikit-learn grows: candidate thresholds sit at the midpoint of two adjacent distinct
// sorted values (values closer than 1e-7 count as equal), features are drawn for each node by a
// Fisher-Yates walk driven by a 32-bit xorshift generator seeded per tree, features found constant
// in a node are not drawn again below it, and ties keep the first candidate met.
#pragma once

#include <cstdint>
#include <vector>

#include "scratchlearn/validation.hpp"

namespace scratchlearn::tree {

enum class Criterion { gini, entropy, squared_error, friedman_mse, poisson, absolute_error };
enum class SplitterKind { best, random };

struct TreeOptions {
    Criterion criterion = Criterion::gini;
    SplitterKind splitter = SplitterKind::best;
    std::int64_t max_depth = 2147483647;
    std::int64_t min_samples_split = 2;
    std::int64_t min_samples_leaf = 1;
    double min_weight_leaf = 0.0;           // absolute weight
    double min_weight_fraction = 0.0;       // per tree: also at least this fraction of its total weight
    std::int64_t max_features = -1;         // features drawn per node; <= 0 or > d: all of them
    std::int64_t max_leaf_nodes = -1;       // > 0: best-first growth with at most that many leaves
    double min_impurity_decrease = 0.0;
    std::vector<std::int8_t> monotonic_cst; // empty: none; else one of -1, 0, 1 per feature
    int max_bins = 0;                       // 0: exact splitter; 2..255: histogram splitter
};

// The training problem. X is row-major n × d (NaN marks a missing value); y is n × n_outputs,
// holding class codes 0..n_classes[k]-1 for classification (n_classes non-empty) or the targets.
template <class T>
struct Problem {
    const T* X = nullptr;
    index_t n = 0, d = 0;
    const double* y = nullptr;
    index_t n_outputs = 1;
    std::vector<int> n_classes;  // empty: regression
};

struct TreeArrays {
    std::vector<std::int32_t> children_left, children_right, feature, n_node_samples;
    std::vector<double> threshold, impurity, weighted_n_node_samples, value;
    std::vector<std::uint8_t> missing_go_to_left;
    int max_depth = 0;
    index_t node_count() const { return static_cast<index_t>(feature.size()); }
};

// Builds n_trees trees. weights is n_trees × n (row t: tree t's sample weights, e.g. bootstrap
// counts times the user's weights; zero-weight samples are left out of that tree) or, with
// weights_stride 0, one row shared by all trees. seeds[t] seeds tree t's feature/threshold draws.
// Trees are built in parallel over n_threads threads; each tree's result depends only on its own
// weights and seed.
template <class T>
std::vector<TreeArrays> build_trees(const Problem<T>& pb, const double* weights, index_t weights_stride,
                                    const std::uint32_t* seeds, index_t n_trees, const TreeOptions& opt,
                                    int n_threads);

// The bootstrap of one tree as scikit-learn draws it: counts[i] (n entries, overwritten) = how many
// times i is among numpy.random.RandomState(seed).randint(0, n, n_boot), i.e. numpy's legacy
// MT19937 seeded with `seed` and its masked rejection sampling of bounded integers.
void bootstrap_counts(std::uint32_t seed, index_t n, index_t n_boot, double* counts);

// out[t] = numpy.random.RandomState(seeds[t]).randint(0, high) for t < n: the first bounded draw of
// a fresh generator (how a forest's tree, given the integer random_state seed, draws its
// splitter's seed).
void first_draws(const std::uint32_t* seeds, index_t n, index_t high, std::uint32_t* out);

// build_trees where tree t's weights are bootstrap_counts(boot_seeds[t], n, n_boot), drawn by the
// thread that builds the tree (no n_trees x n weight matrix).
template <class T>
std::vector<TreeArrays> build_trees_bootstrap(const Problem<T>& pb, const std::uint32_t* boot_seeds, index_t n_boot,
                                              const std::uint32_t* seeds, index_t n_trees, const TreeOptions& opt,
                                              int n_threads);

// Many trees evaluated at once. A forest is the concatenation of its trees' node arrays;
// node_offset[t] is where tree t starts (n_trees + 1 entries) and child indices are local to their
// tree. value has value_stride entries per node.
struct Forest {
    const std::int32_t* children_left = nullptr;
    const std::int32_t* children_right = nullptr;
    const std::int32_t* feature = nullptr;
    const double* threshold = nullptr;
    const std::uint8_t* missing_go_to_left = nullptr;
    const double* value = nullptr;
    index_t value_stride = 0;
    const std::int64_t* node_offset = nullptr;
    index_t n_trees = 0;
    index_t total_nodes = 0;
};

// Checks that the node arrays describe valid trees over d features (throws std::invalid_argument).
void check_forest(const Forest& f, index_t d);

// A forest packed for evaluation: every tree renumbered depth first (a node's left child is the
// next node) into 16-byte nodes, the trees concatenated. An internal node holds its threshold, its
// feature (plus kPackedMissingLeft when NaN goes left) and the distance in bytes from it to its
// right child. A leaf has feature kPackedLeaf (a flag, no feature bits), `right` 0 and a NaN
// threshold whose payload is its leaf number q (packed_leaf_index): a walk step from a leaf
// stays on it (x <= NaN is false for every x, and no NaN goes left), so walks may take several
// steps between looks at whether they arrived. Leaf q is node leaf_node[q] (tree-local index) of
// the user's arrays, with the values leaf_value[q * value_stride ...]. Built once per fitted
// forest (pack_forest) and kept with it.
struct PackedNode {
    double threshold;
    std::int32_t feature;
    std::int32_t right;
};
constexpr std::int32_t kPackedLeaf = 0x20000000;
constexpr std::int32_t kPackedMissingLeft = 0x40000000;

struct PackedForest {
    const PackedNode* nodes = nullptr;
    const std::int64_t* roots = nullptr;  // n_trees + 1: tree t is nodes[roots[t], roots[t + 1])
    const std::int32_t* leaf_node = nullptr;
    const double* leaf_value = nullptr;   // n_leaves × value_stride
    index_t total_nodes = 0, n_trees = 0, n_leaves = 0, value_stride = 0;
    index_t n_features = 0;               // X needs at least this many columns
};

struct PackedStorage {
    std::vector<PackedNode> nodes;
    std::vector<std::int64_t> roots;
    std::vector<std::int32_t> leaf_node;
    std::vector<double> leaf_value;
    index_t value_stride = 0, n_features = 0;
    PackedForest packed_view() const;
};

// Checks the forest (check_forest) and packs it.
void pack_forest(const Forest& f, index_t d, PackedStorage& out);

// Cheap checks of a packed forest handed back (sizes, root offsets, feature count).
void check_packed(const PackedForest& p, index_t d);

// out[i, t] = the leaf of tree t reached by row i (local node index). out is n × n_trees.
template <class T>
void packed_apply(const PackedForest& p, const T* X, index_t n, index_t d, std::int32_t* out, int n_threads);

// out[i, :] = mean over trees of the leaf values of row i (n × value_stride). With `counts`
// (n_trees × n, may be null), tree t only contributes to rows i with counts[t, i] == 0 (the
// out-of-bag rows) and n_used[i] receives how many trees did.
template <class T>
void packed_mean_value(const PackedForest& p, const T* X, index_t n, index_t d, const std::int32_t* counts,
                       double* out, std::int32_t* n_used, int n_threads);

// The same over unpacked node arrays (packed for the call).
template <class T>
void forest_apply(const Forest& f, const T* X, index_t n, index_t d, std::int32_t* out, int n_threads);
template <class T>
void forest_mean_value(const Forest& f, const T* X, index_t n, index_t d, const std::int32_t* counts,
                       double* out, std::int32_t* n_used, int n_threads);

// Node indicator of the paths: for each row the (tree-local + node_offset) indices of the nodes
// visited, in order. Returns indptr (n + 1) and indices.
template <class T>
void forest_decision_path(const Forest& f, const T* X, index_t n, index_t d,
                          std::vector<std::int64_t>& indptr, std::vector<std::int64_t>& indices);

}  // namespace scratchlearn::tree
