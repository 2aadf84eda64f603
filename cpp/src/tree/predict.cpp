// Evaluating many trees at once (see scratchlearn/tree.hpp).
//
// The forest is packed once (pack_forest; the estimators keep the packed arrays with the fitted
// forest) into 16-byte nodes, each tree renumbered depth first so that a node's left child is the
// next node: a walk step reads one node (threshold, feature with the missing-value direction in a
// spare bit, distance to the right child) and one value of the row. Rows are taken in blocks
// of about 1 MiB of X, a whole number of blocks per thread; inside a block the trees are walked one after the other (tree-major: a tree stays hot in
// cache while every row of the block goes through it). A tree is walked by W rows at a time, each
// in its own slot: a round moves every slot K steps (the child chosen without a branch; a leaf
// steps onto itself), then each slot whose row reached its leaf adds the leaf's values to the
// row's sums and takes the next row of the block. Each tree's nodes are prefetched in
// order before its walk. Blocks are shared among threads; each row's sum over trees runs in tree
// order, so the answers do not depend on the thread count. Rows that fit in one block go through
// chunks of 8 trees in parallel instead, the chunks' sums added in chunk order.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"
#include "scratchlearn/tree.hpp"

namespace scratchlearn::tree {
namespace {

constexpr std::int32_t kFeatureMask = kPackedLeaf - 1;

// A leaf's threshold: a quiet NaN carrying the leaf number q in its low 32 bits.
inline double leaf_threshold(std::int32_t q) {
    const std::uint64_t bits = 0x7ff8000000000000ull | static_cast<std::uint32_t>(q);
    double t;
    std::memcpy(&t, &bits, sizeof t);
    return t;
}

inline std::int32_t leaf_index(const PackedNode& c) {
    std::uint64_t bits;
    std::memcpy(&bits, &c.threshold, sizeof bits);
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(bits));
}

inline bool is_leaf(const PackedNode* c) { return (c->feature & kPackedLeaf) != 0; }

// Rows per block: a block of X of about 1 MiB (at least 64 rows), the blocks made of equal size and
// their number a multiple of the threads, so that no thread is left with a short last block.
// Each tree is read again from memory once per block, so blocks must not be small; but with the
// block and a tree together past the 2 MiB L2 the row values miss (measured, 100 trees on
// 10000–100000 rows: 1 MiB 79 ms, 2 MiB 86, 512 KiB 82, 256 KiB 91).
index_t block_rows(index_t d, index_t n, int n_threads) {
    index_t r = (index_t{1} << 20) / (static_cast<index_t>(sizeof(double)) * std::max<index_t>(d, 1));
    r = std::max<index_t>(64, r);
    const index_t nt = std::max(n_threads, 1);
    index_t nb = (n + r - 1) / r;
    nb = (nb + nt - 1) / nt * nt;
    r = (n + nb - 1) / nb;
    return std::max<index_t>(16, r);
}

// One step from node c for row xr: the child. Without NaN in the rows (Nan false) the
// missing-value direction is not looked at. The left child is the next node and `right` is the
// distance in bytes to the right child (0 at a leaf), so the step is two candidate addresses and
// a conditional move between them, not a branch (a taken-or-not branch here is mispredicted half
// the time).
template <bool Nan, class T>
inline const PackedNode* step_ptr(const PackedNode* c, const T* xr) {
    const std::int32_t fe = c->feature;
    const T v = xr[fe & kFeatureMask];
    const char* r = reinterpret_cast<const char*>(c) + c->right;
    const char* l = reinterpret_cast<const char*>(c + 1);
#if defined(__x86_64__) && defined(__GNUC__)
    if (!Nan) {
        // compilers turn the select into a branch; threshold >= v (ordered, so neither a leaf's
        // NaN threshold nor a NaN value goes left) picks the left child
        const double vd = static_cast<double>(v);
        asm("comisd %[v], %[t]\n\tcmovae %[l], %[r]"
            : [r] "+r"(r)
            : [v] "x"(vd), [t] "x"(c->threshold), [l] "r"(l)
            : "cc");
        return reinterpret_cast<const PackedNode*>(r);
    }
#endif
    bool left = static_cast<double>(v) <= c->threshold;
    if (Nan) left |= (v != v) & ((fe & kPackedMissingLeft) != 0);
    return reinterpret_cast<const PackedNode*>(left ? l : r);
}

// Walks rows [i0, i1) of X (row stride d) through the tree rooted at packed node `root`, W rows
// at a time; on_leaf(i, q) (q the leaf number) for every row, in any order within the tree. Every slot takes
// K steps, then the slots that reached a leaf (where a step stays put) hand it over and take the
// next row: no test per step, and the W × K steps of a round are straight-line code whose W
// chains of loads overlap. A slot that arrives early idles until the round ends, but a look
// after every step costs a mispredicted branch per row (measured, 100 trees of 13 steps per row on
// average: K = 16 beats 8 and 12, and 16 slots with K = 32 was slower).
template <int W, int K, bool Nan, class T, class OnLeaf>
inline void walk_tree_w(const PackedNode* nodes, std::int32_t root, const T* X, index_t d, index_t i0, index_t i1,
                        OnLeaf&& on_leaf) {
    index_t next = i0;
    const PackedNode* rootp = nodes + root;
    if (i1 - i0 >= W) {
        const PackedNode* cur[W];
        index_t row[W];
        const T* xr[W];
        for (int l = 0; l < W; ++l) {
            cur[l] = rootp;
            row[l] = next;
            xr[l] = X + next * d;
            ++next;
        }
        bool more = true;
        while (more) {
            for (int s = 0; s < K; ++s)
                for (int l = 0; l < W; ++l) cur[l] = step_ptr<Nan>(cur[l], xr[l]);
            for (int l = 0; l < W; ++l) {
                if (!is_leaf(cur[l]) || row[l] < 0) continue;
                on_leaf(row[l], leaf_index(*cur[l]));
                if (next < i1) {
                    row[l] = next;
                    xr[l] = X + next * d;
                    cur[l] = rootp;
                    ++next;
                } else {
                    row[l] = -1;
                    more = false;
                }
            }
        }
        // the rows still on their way, one by one
        for (int l = 0; l < W; ++l) {
            if (row[l] < 0) continue;
            const PackedNode* c = cur[l];
            while (!is_leaf(c)) c = step_ptr<Nan>(c, xr[l]);
            on_leaf(row[l], leaf_index(*c));
        }
    }
    for (; next < i1; ++next) {
        const T* x = X + next * d;
        const PackedNode* c = rootp;
        while (!is_leaf(c)) c = step_ptr<Nan>(c, x);
        on_leaf(next, leaf_index(*c));
    }
}

// walk_tree_w with 12 slots (measured on forests of 13 and 10 steps per row: 12 slots 5–15% faster
// than 8 or 16, 24 and 32 slower), the NaN-aware step only when the rows hold a NaN.
template <class T, class OnLeaf>
inline void walk_tree(const PackedNode* nodes, std::int32_t root, std::int64_t end, const T* X, index_t d,
                      index_t i0, index_t i1, bool nan, OnLeaf&& on_leaf) {
    // the tree's nodes asked for in order first: a sequential stream the memory serves far faster
    // than the scattered misses of the walk (which would otherwise dominate for few rows)
    for (const PackedNode* q = nodes + root; q < nodes + end; q += 64 / sizeof(PackedNode)) __builtin_prefetch(q);
    if (i0 >= i1) return;
    // the first row walked alone: its depth picks the steps per round for the others
    int depth = 0;
    {
        const T* x = X + i0 * d;
        const PackedNode* c = nodes + root;
        while (!is_leaf(c)) {
            c = nan ? step_ptr<true>(c, x) : step_ptr<false>(c, x);
            ++depth;
        }
        on_leaf(i0, leaf_index(*c));
        ++i0;
    }
    auto run = [&](auto k) {
        constexpr int K = decltype(k)::value;
        if (nan)
            walk_tree_w<12, K, true>(nodes, root, X, d, i0, i1, on_leaf);
        else
            walk_tree_w<12, K, false>(nodes, root, X, d, i0, i1, on_leaf);
    };
    if (depth <= 5)
        run(std::integral_constant<int, 8>());
    else
        run(std::integral_constant<int, 16>());
}

// Calls start(i0, i1), then body(i0, i1, t, nan) for every tree t ascending, then finish(i0, i1),
// for every row block [i0, i1), the blocks spread over threads; nan: the block holds a NaN.
template <class T, class Start, class Body, class Finish>
void for_blocks(const T* X, index_t n, index_t d, index_t n_trees, int n_threads, Start start, Body body,
                Finish finish) {
    if (n <= 0) return;
    const index_t br = block_rows(d, n, std::max(1, n_threads));
    const index_t nb = (n + br - 1) / br;
    const int nt = threads_for(n_threads, nb);
    // On the task pool (task_pool.hpp): a thread that starts late never holds up the predict.
    parallel_tasks(nt, nb, [&](std::int64_t bi) {
        const index_t b = static_cast<index_t>(bi);
        const index_t i0 = b * br, i1 = std::min(n, i0 + br);
        bool nan = false;
        for (const T* x = X + i0 * d; x < X + i1 * d; ++x) nan |= *x != *x;
        start(i0, i1);
        for (index_t t = 0; t < n_trees; ++t) body(i0, i1, t, nan);
        finish(i0, i1);
    });
}

}  // namespace

PackedForest PackedStorage::packed_view() const {
    PackedForest p;
    p.nodes = nodes.data();
    p.roots = roots.data();
    p.leaf_node = leaf_node.data();
    p.leaf_value = leaf_value.data();
    p.total_nodes = static_cast<index_t>(nodes.size());
    p.n_trees = static_cast<index_t>(roots.size()) - 1;
    p.n_leaves = static_cast<index_t>(leaf_node.size());
    p.value_stride = value_stride;
    p.n_features = n_features;
    return p;
}

void pack_forest(const Forest& f, index_t d, PackedStorage& p) {
    check_forest(f, d);
    const index_t s = f.value_stride;
    p.value_stride = s;
    p.nodes.resize(static_cast<size_t>(f.total_nodes));
    p.roots.resize(static_cast<size_t>(f.n_trees + 1));
    p.leaf_node.clear();
    p.leaf_value.clear();
    std::int32_t max_feature = -1;
    // each tree renumbered depth first (left subtree before right), the trees in order; tree t's
    // root stays at node_offset[t] (check_forest made sure every node is reached once)
    std::vector<std::int32_t> stack, fix;  // user node, packed index of the parent expecting it as right child
    std::int32_t pos = 0;
    for (index_t t = 0; t < f.n_trees; ++t) {
        const std::int32_t a = static_cast<std::int32_t>(f.node_offset[t]);
        p.roots[t] = pos;
        stack.assign(1, 0);
        fix.assign(1, -1);
        while (!stack.empty()) {
            const std::int32_t j = stack.back() + a;
            const std::int32_t parent = fix.back();
            stack.pop_back();
            fix.pop_back();
            if (parent >= 0) p.nodes[parent].right = (pos - parent) * static_cast<std::int32_t>(sizeof(PackedNode));
            PackedNode& c = p.nodes[pos];
            if (f.children_left[j] < 0) {
                const std::int32_t q = static_cast<std::int32_t>(p.leaf_node.size());
                p.leaf_node.push_back(j - a);
                const double* v = f.value + static_cast<index_t>(j) * s;
                p.leaf_value.insert(p.leaf_value.end(), v, v + s);
                c.threshold = leaf_threshold(q);
                c.feature = kPackedLeaf;
                c.right = 0;  // a step from a leaf stays on it
            } else {
                c.threshold = f.threshold[j];
                c.feature = f.feature[j] | (f.missing_go_to_left[j] ? kPackedMissingLeft : 0);
                max_feature = std::max(max_feature, f.feature[j]);
                c.right = -1;
                stack.push_back(f.children_right[j]);
                fix.push_back(pos);
                stack.push_back(f.children_left[j]);
                fix.push_back(-1);  // the left child is the next node
            }
            ++pos;
        }
    }
    p.roots[f.n_trees] = pos;
    p.n_features = max_feature + 1;
}

void check_packed(const PackedForest& p, index_t d) {
    require(p.n_trees >= 1, "tree: at least one tree is needed");
    require(p.roots[0] == 0 && p.roots[p.n_trees] == p.total_nodes, "tree: packed roots do not cover the nodes");
    for (index_t t = 0; t < p.n_trees; ++t) require(p.roots[t + 1] > p.roots[t], "tree: an empty packed tree");
    require(p.n_leaves >= p.n_trees && p.n_leaves <= p.total_nodes, "tree: packed leaf count out of range");
    require(p.n_features <= d, "tree: X has fewer features than the forest uses (" + std::to_string(d) + ")");
    require(d >= 1, "tree: X needs at least one feature");  // a step from a leaf reads feature 0
    require(p.value_stride >= 1, "tree: packed values need at least one column");
}

void check_forest(const Forest& f, index_t d) {
    require(f.n_trees >= 1, "tree: at least one tree is needed");
    require(f.node_offset[0] == 0 && f.node_offset[f.n_trees] == f.total_nodes,
            "tree: node offsets do not cover the node arrays");
    require(f.total_nodes <= 2147483647, "tree: too many nodes in the forest");
    require(d <= kFeatureMask, "tree: too many features");
    // every node but the root reached exactly once from its tree's root (a node with two parents
    // or none would make the packed walk read past its tree)
    std::vector<std::uint8_t> seen;
    for (index_t t = 0; t < f.n_trees; ++t) {
        const index_t a = f.node_offset[t], b = f.node_offset[t + 1];
        require(b > a, "tree: every tree needs at least one node");
        const index_t cnt = b - a;
        // a packed node holds the distance to its right child in bytes, an int32
        require(cnt < (index_t{1} << 27), "tree: too many nodes in one tree");
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
void packed_apply(const PackedForest& p, const T* X, index_t n, index_t d, std::int32_t* out, int n_threads) {
    check_packed(p, d);
    const index_t nt = p.n_trees;
    for_blocks(
        X, n, d, nt, n_threads, [](index_t, index_t) {},
        [&](index_t i0, index_t i1, index_t t, bool nan) {
            walk_tree(p.nodes, static_cast<std::int32_t>(p.roots[t]), p.roots[t + 1], X, d, i0, i1, nan,
                      [&](index_t i, std::int32_t q) { out[i * nt + t] = p.leaf_node[q]; });
        },
        [](index_t, index_t) {});
}

// Few rows (all of them in one block) meet every tree once whatever the threads: then the threads
// take chunks of kTreeChunk trees instead of row blocks, each chunk summing into its own rows, and
// the chunks' sums are added in chunk order (the same order for any thread count).
constexpr index_t kTreeChunk = 8;

template <class T>
void packed_mean_value(const PackedForest& p, const T* X, index_t n, index_t d, const std::int32_t* counts,
                       double* out, std::int32_t* n_used, int n_threads) {
    check_packed(p, d);
    const index_t s = p.value_stride;
    const double* lv = p.leaf_value;
    // rows [i0, i1) through tree t, their leaf values added to acc (row i at acc + i * s)
    auto add_tree = [&](index_t i0, index_t i1, index_t t, bool nan, double* acc) {
        const std::int32_t root = static_cast<std::int32_t>(p.roots[t]);
        const std::int64_t end = p.roots[t + 1];
        const std::int32_t* cnt = counts ? counts + t * n : nullptr;
        if (cnt) {
            // out of bag: only the rows this tree did not see
            walk_tree(p.nodes, root, end, X, d, i0, i1, nan, [&](index_t i, std::int32_t q) {
                if (cnt[i] != 0) return;
                const double* v = lv + static_cast<index_t>(q) * s;
                double* o = acc + i * s;
                for (index_t k = 0; k < s; ++k) o[k] += v[k];
                if (n_used) ++n_used[i];
            });
        } else if (s == 1) {
            walk_tree(p.nodes, root, end, X, d, i0, i1, nan,
                      [&](index_t i, std::int32_t q) { acc[i] += lv[q]; });
        } else if (s == 2) {
            walk_tree(p.nodes, root, end, X, d, i0, i1, nan, [&](index_t i, std::int32_t q) {
                const double* v = lv + static_cast<index_t>(q) * 2;
                acc[2 * i] += v[0];
                acc[2 * i + 1] += v[1];
            });
        } else {
            walk_tree(p.nodes, root, end, X, d, i0, i1, nan, [&](index_t i, std::int32_t q) {
                const double* v = lv + static_cast<index_t>(q) * s;
                double* o = acc + i * s;
                for (index_t k = 0; k < s; ++k) o[k] += v[k];
            });
        }
    };
    const bool few = !counts && n > 0 && p.n_trees >= 2 * kTreeChunk && block_rows(d, n, 1) >= n;
    if (few) {
        const index_t nc = (p.n_trees + kTreeChunk - 1) / kTreeChunk;
        std::vector<double> part(static_cast<size_t>(nc * n * s), 0.0);
        bool nan = false;
        for (const T* x = X; x < X + n * d; ++x) nan |= *x != *x;
        const int nt = threads_for(n_threads, nc);
        parallel_tasks(nt, nc, [&](std::int64_t ci) {
            const index_t c = static_cast<index_t>(ci);
            double* acc = part.data() + c * n * s;
            for (index_t t = c * kTreeChunk; t < std::min(p.n_trees, (c + 1) * kTreeChunk); ++t)
                add_tree(0, n, t, nan, acc);
        });
        const double m = static_cast<double>(p.n_trees);
        for (index_t q = 0; q < n * s; ++q) {
            double sum = 0.0;
            for (index_t c = 0; c < nc; ++c) sum += part[static_cast<size_t>(c * n * s + q)];
            out[q] = sum / m;
        }
        return;
    }
    for_blocks(
        X, n, d, p.n_trees, n_threads,
        [&](index_t i0, index_t i1) {
            std::fill(out + i0 * s, out + i1 * s, 0.0);
            if (n_used) std::fill(n_used + i0, n_used + i1, 0);
        },
        [&](index_t i0, index_t i1, index_t t, bool nan) { add_tree(i0, i1, t, nan, out); },
        [&](index_t i0, index_t i1) {
            for (index_t i = i0; i < i1; ++i) {
                const double m = counts ? static_cast<double>(n_used[i]) : static_cast<double>(p.n_trees);
                if (m > 0) {
                    double* o = out + i * s;
                    for (index_t k = 0; k < s; ++k) o[k] /= m;
                }
            }
        });
}

template <class T>
void forest_apply(const Forest& f, const T* X, index_t n, index_t d, std::int32_t* out, int n_threads) {
    PackedStorage p;
    pack_forest(f, d, p);
    packed_apply<T>(p.packed_view(), X, n, d, out, n_threads);
}

template <class T>
void forest_mean_value(const Forest& f, const T* X, index_t n, index_t d, const std::int32_t* counts,
                       double* out, std::int32_t* n_used, int n_threads) {
    PackedStorage p;
    pack_forest(f, d, p);
    packed_mean_value<T>(p.packed_view(), X, n, d, counts, out, n_used, n_threads);
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
    template void packed_apply<T>(const PackedForest&, const T*, index_t, index_t, std::int32_t*, int); \
    template void packed_mean_value<T>(const PackedForest&, const T*, index_t, index_t, const std::int32_t*, \
                                       double*, std::int32_t*, int);                                  \
    template void forest_apply<T>(const Forest&, const T*, index_t, index_t, std::int32_t*, int);     \
    template void forest_mean_value<T>(const Forest&, const T*, index_t, index_t, const std::int32_t*, \
                                       double*, std::int32_t*, int);                                  \
    template void forest_decision_path<T>(const Forest&, const T*, index_t, index_t,                  \
                                          std::vector<std::int64_t>&, std::vector<std::int64_t>&);
SL_INST(float)
SL_INST(double)
#undef SL_INST

}  // namespace scratchlearn::tree
