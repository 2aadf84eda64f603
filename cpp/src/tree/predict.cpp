// Evaluating many trees at once (see scratchlearn/tree.hpp).
//
// The forest is first repacked into one compact array of 16-byte nodes, each tree renumbered depth
// first so that a node's left child is the next node: a walk step reads one node (threshold,
// feature with the missing-value direction in a spare bit, right child), and leaves absorb the
// walk (they lead to themselves), so eight rows step in lockstep with no branch per row. Rows are
// taken in large blocks (about 512 KiB of X); inside a block the trees are walked one after the
// other (tree-major: a tree stays hot while every row of the block goes through it). Blocks are
// shared among threads; each row's sum over trees runs in tree order, so the answers do not
// depend on the thread count.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/tree.hpp"

namespace scratchlearn::tree {
namespace {

constexpr std::int32_t kMissingLeft = 0x40000000;  // bit of CNode::feature: NaN goes left
constexpr std::int32_t kFeatureMask = kMissingLeft - 1;

// An internal node: feature >= 0 (plus kMissingLeft), left child = this + 1, right child `right`
// (packed index). A leaf absorbs the walk: feature 0, threshold NaN (no value compares <= NaN, and
// NaN goes right: no missing-left bit), right = itself; leaf_id[packed index] is its index in the
// user's arrays (its value row and, minus the tree's offset, its local id).
struct CNode {
    double threshold;
    std::int32_t feature;
    std::int32_t right;
};

struct Packed {
    std::vector<CNode> nodes;
    std::vector<std::int32_t> leaf_id;
};

// Every tree renumbered depth first (left subtree before right), concatenated in tree order; tree
// t's root stays at node_offset[t] (check_forest made sure every node is reached once).
void pack(const Forest& f, Packed& p) {
    p.nodes.resize(static_cast<size_t>(f.total_nodes));
    p.leaf_id.resize(static_cast<size_t>(f.total_nodes));
    std::vector<std::int32_t> stack, fix;  // user node, packed index of the parent expecting it as right child
    std::int32_t pos = 0;
    for (index_t t = 0; t < f.n_trees; ++t) {
        const std::int32_t a = static_cast<std::int32_t>(f.node_offset[t]);
        stack.assign(1, 0);
        fix.assign(1, -1);
        while (!stack.empty()) {
            const std::int32_t j = stack.back() + a;
            const std::int32_t parent = fix.back();
            stack.pop_back();
            fix.pop_back();
            if (parent >= 0) p.nodes[parent].right = pos;
            CNode& c = p.nodes[pos];
            p.leaf_id[pos] = j;
            if (f.children_left[j] < 0) {
                c.threshold = std::numeric_limits<double>::quiet_NaN();
                c.feature = 0;
                c.right = pos;
            } else {
                c.threshold = f.threshold[j];
                c.feature = f.feature[j] | (f.missing_go_to_left[j] ? kMissingLeft : 0);
                c.right = -1;
                stack.push_back(f.children_right[j]);
                fix.push_back(pos);
                stack.push_back(f.children_left[j]);
                fix.push_back(-1);  // the left child is the next node
            }
            ++pos;
        }
    }
}

// Rows per block: a block of X of about 512 KiB (the walks are bound by how often each tree is
// read again from memory, once per block), at least 64 rows, no more than one thread's share, a
// multiple of the lockstep width.
index_t block_rows(index_t d, index_t n, int n_threads) {
    index_t r = (index_t{512} * 1024) / (static_cast<index_t>(sizeof(double)) * std::max<index_t>(d, 1));
    r = std::max<index_t>(64, r);
    r = std::min<index_t>(r, (n + n_threads - 1) / std::max(n_threads, 1));
    return std::max<index_t>(8, (r + 7) / 8 * 8);
}

// leaf[r] = the user's node index of the leaf reached by row r of x[0..cnt) (row stride d) in the
// tree whose root is p.nodes[root]. Eight rows walk in lockstep, without a branch per row: a round
// moves every row one step (a row at its leaf stays), until no row moved.
template <class T>
inline std::int32_t step(const CNode* nodes, std::int32_t c, const T* xr) {
    const CNode& nd = nodes[c];
    const std::int32_t fe = nd.feature;
    const T v = xr[fe & kFeatureMask];
    const bool go_left = v != v ? (fe & kMissingLeft) != 0 : static_cast<double>(v) <= nd.threshold;
    return go_left ? c + 1 : nd.right;
}

template <class T>
inline void walk_rows(const Packed& p, std::int32_t root, const T* x, index_t d, index_t cnt,
                      std::int32_t* leaf) {
    constexpr int W = 8;
    const CNode* nodes = p.nodes.data();
    index_t a = 0;
    for (; a + W <= cnt; a += W) {
        std::int32_t cur[W];
        const T* xr[W];
        for (int l = 0; l < W; ++l) {
            cur[l] = root;
            xr[l] = x + (a + l) * d;
        }
        bool moved = true;
        while (moved) {
            std::int32_t any = 0;
            for (int l = 0; l < W; ++l) {
                const std::int32_t nx = step(nodes, cur[l], xr[l]);
                any |= nx ^ cur[l];
                cur[l] = nx;
            }
            moved = any != 0;
        }
        for (int l = 0; l < W; ++l) leaf[a + l] = p.leaf_id[cur[l]];
    }
    for (; a < cnt; ++a) {
        const T* xr = x + a * d;
        std::int32_t c = root, nx;
        while ((nx = step(nodes, c, xr)) != c) c = nx;
        leaf[a] = p.leaf_id[c];
    }
}

// Calls body(i0, i1, t, leaf) for every row block [i0, i1) and tree t in that order within a
// block (trees ascending), blocks spread over threads; leaf[r] is the user's node index of row
// i0 + r's leaf in tree t.
template <class T, class Body, class Start, class Finish>
void for_blocks(const Forest& f, const T* X, index_t n, index_t d, int n_threads, Start start, Body body,
                Finish finish) {
    check_forest(f, d);
    Packed nodes;
    pack(f, nodes);
    const index_t br = block_rows(d, n, std::max(1, n_threads));
    const index_t nb = (n + br - 1) / br;
    const int nt = threads_for(n_threads, nb);
#pragma omp parallel num_threads(nt)
    {
        std::vector<std::int32_t> leaf(static_cast<size_t>(br));
#pragma omp for schedule(dynamic, 1)
        for (index_t b = 0; b < nb; ++b) {
            const index_t i0 = b * br, i1 = std::min(n, i0 + br);
            start(i0, i1);
            for (index_t t = 0; t < f.n_trees; ++t) {
                walk_rows(nodes, static_cast<std::int32_t>(f.node_offset[t]), X + i0 * d, d, i1 - i0,
                          leaf.data());
                body(i0, i1, t, leaf.data());
            }
            finish(i0, i1);
        }
    }
}

}  // namespace

void check_forest(const Forest& f, index_t d) {
    require(f.n_trees >= 1, "tree: at least one tree is needed");
    require(f.node_offset[0] == 0 && f.node_offset[f.n_trees] == f.total_nodes,
            "tree: node offsets do not cover the node arrays");
    require(f.total_nodes <= kFeatureMask, "tree: too many nodes in the forest");
    require(d <= kFeatureMask, "tree: too many features");
    // every node but the root reached exactly once from its tree's root (a node with two parents
    // or none would make the packed walk read past its tree)
    std::vector<std::uint8_t> seen;
    for (index_t t = 0; t < f.n_trees; ++t) {
        const index_t a = f.node_offset[t], b = f.node_offset[t + 1];
        require(b > a, "tree: every tree needs at least one node");
        const index_t cnt = b - a;
        seen.assign(static_cast<size_t>(cnt), 0);
        for (index_t j = 0; j < cnt; ++j) {
            const std::int32_t l = f.children_left[a + j], r = f.children_right[a + j];
            if (l < 0) {
                require(l == -1 && r == -1, "tree: a leaf must have both children -1");
                continue;
            }
            // children come after their parent in both growth orders: no cycles
            require(l > j && r > j && l < cnt && r < cnt, "tree: child index out of range");
            if (f.feature[a + j] < 0 || f.feature[a + j] >= d)
                throw std::invalid_argument("tree: feature index out of range (X has " + std::to_string(d) +
                                            " features)");
            require(!seen[l] && !seen[r] && l != r, "tree: a node has two parents");
            seen[l] = seen[r] = 1;
        }
        for (index_t j = 1; j < cnt; ++j) require(seen[j], "tree: a node is not reachable from its tree's root");
    }
}

template <class T>
void forest_apply(const Forest& f, const T* X, index_t n, index_t d, std::int32_t* out, int n_threads) {
    const index_t nt = f.n_trees;
    for_blocks(
        f, X, n, d, n_threads, [](index_t, index_t) {},
        [&](index_t i0, index_t i1, index_t t, const std::int32_t* leaf) {
            const std::int32_t off = static_cast<std::int32_t>(f.node_offset[t]);
            for (index_t i = i0; i < i1; ++i) out[i * nt + t] = leaf[i - i0] - off;
        },
        [](index_t, index_t) {});
}

template <class T>
void forest_mean_value(const Forest& f, const T* X, index_t n, index_t d, const std::int32_t* counts,
                       double* out, std::int32_t* n_used, int n_threads) {
    const index_t s = f.value_stride;
    for_blocks(
        f, X, n, d, n_threads,
        [&](index_t i0, index_t i1) {
            std::fill(out + i0 * s, out + i1 * s, 0.0);
            if (n_used) std::fill(n_used + i0, n_used + i1, 0);
        },
        [&](index_t i0, index_t i1, index_t t, const std::int32_t* leaf) {
            const std::int32_t* cnt = counts ? counts + t * n : nullptr;
            if (s == 1 && !cnt) {
                for (index_t i = i0; i < i1; ++i) out[i] += f.value[leaf[i - i0]];
                return;
            }
            if (s == 2 && !cnt) {
                for (index_t i = i0; i < i1; ++i) {
                    const double* v = f.value + static_cast<index_t>(leaf[i - i0]) * 2;
                    out[2 * i] += v[0];
                    out[2 * i + 1] += v[1];
                }
                return;
            }
            for (index_t i = i0; i < i1; ++i) {
                if (cnt && cnt[i] != 0) continue;
                const double* v = f.value + static_cast<index_t>(leaf[i - i0]) * s;
                double* o = out + i * s;
                for (index_t k = 0; k < s; ++k) o[k] += v[k];
                if (n_used) ++n_used[i];
            }
        },
        [&](index_t i0, index_t i1) {
            for (index_t i = i0; i < i1; ++i) {
                const double m = counts ? static_cast<double>(n_used[i]) : static_cast<double>(f.n_trees);
                if (m > 0) {
                    double* o = out + i * s;
                    for (index_t k = 0; k < s; ++k) o[k] /= m;
                }
            }
        });
}

template <class T>
void forest_decision_path(const Forest& f, const T* X, index_t n, index_t d, std::vector<std::int64_t>& indptr,
                          std::vector<std::int64_t>& indices) {
    check_forest(f, d);
    indptr.assign(static_cast<size_t>(n + 1), 0);
    indices.clear();
    for (index_t i = 0; i < n; ++i) {
        const T* x = X + i * d;
        for (index_t t = 0; t < f.n_trees; ++t) {
            const index_t off = f.node_offset[t];
            std::int32_t node = 0;
            while (true) {
                indices.push_back(off + node);
                const std::int32_t l = f.children_left[off + node];
                if (l < 0) break;
                const T v = x[f.feature[off + node]];
                if (v != v)
                    node = f.missing_go_to_left[off + node] ? l : f.children_right[off + node];
                else
                    node = static_cast<double>(v) <= f.threshold[off + node] ? l : f.children_right[off + node];
            }
        }
        indptr[i + 1] = static_cast<std::int64_t>(indices.size());
    }
}

#define SL_INST(T)                                                                                    \
    template void forest_apply<T>(const Forest&, const T*, index_t, index_t, std::int32_t*, int);     \
    template void forest_mean_value<T>(const Forest&, const T*, index_t, index_t, const std::int32_t*, \
                                       double*, std::int32_t*, int);                                  \
    template void forest_decision_path<T>(const Forest&, const T*, index_t, index_t,                  \
                                          std::vector<std::int64_t>&, std::vector<std::int64_t>&);
SL_INST(float)
SL_INST(double)
#undef SL_INST

}  // namespace scratchlearn::tree
