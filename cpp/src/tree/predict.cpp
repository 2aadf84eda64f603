// Evaluating many trees at once (see scratchlearn/tree.hpp).
//
// Rows are taken in blocks of kBlock (a block of X stays in cache while every tree walks it);
// blocks are shared among threads. Each row's sum over trees runs in tree order, so the answers do
// not depend on the thread count.
#include <algorithm>
#include <string>
#include <vector>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/tree.hpp"

namespace scratchlearn::tree {
namespace {

constexpr index_t kBlock = 256;

// One node in a cache line's third: what a walk step reads, packed together (the forest's separate
// arrays would cost a cache miss each per step on large forests).
struct PNode {
    double threshold;
    std::int32_t feature;
    std::int32_t left;   // global index; -1: leaf
    std::int32_t right;
    std::int32_t missing_left;
};

std::vector<PNode> pack(const Forest& f) {
    std::vector<PNode> nodes(static_cast<size_t>(f.total_nodes));
    for (index_t t = 0; t < f.n_trees; ++t) {
        const index_t a = f.node_offset[t], b = f.node_offset[t + 1];
        for (index_t j = a; j < b; ++j) {
            PNode& p = nodes[j];
            p.threshold = f.threshold[j];
            p.feature = f.feature[j];
            const bool leaf = f.children_left[j] < 0;
            p.left = leaf ? -1 : static_cast<std::int32_t>(a + f.children_left[j]);
            p.right = leaf ? -1 : static_cast<std::int32_t>(a + f.children_right[j]);
            p.missing_left = f.missing_go_to_left[j];
        }
    }
    return nodes;
}

// Leaves (global indices) of rows x[0..cnt) (row stride d) in the tree rooted at `root`; eight rows
// walk in lockstep so that their memory accesses overlap.
template <class T>
inline void walk_rows(const PNode* nodes, std::int32_t root, const T* x, index_t d, index_t cnt, std::int32_t* leaf) {
    constexpr int W = 8;
    for (index_t a = 0; a < cnt; a += W) {
        const int m = static_cast<int>(std::min<index_t>(W, cnt - a));
        std::int32_t cur[W];
        for (int l = 0; l < m; ++l) cur[l] = root;
        bool active = true;
        while (active) {
            active = false;
            for (int l = 0; l < m; ++l) {
                const PNode& nd = nodes[cur[l]];
                if (nd.left < 0) continue;
                const T v = x[(a + l) * d + nd.feature];
                const bool go_left = v != v ? nd.missing_left != 0 : static_cast<double>(v) <= nd.threshold;
                cur[l] = go_left ? nd.left : nd.right;
                active = true;
            }
        }
        for (int l = 0; l < m; ++l) leaf[a + l] = cur[l];
    }
}

}  // namespace

void check_forest(const Forest& f, index_t d) {
    require(f.n_trees >= 1, "tree: at least one tree is needed");
    require(f.node_offset[0] == 0 && f.node_offset[f.n_trees] == f.total_nodes,
            "tree: node offsets do not cover the node arrays");
    for (index_t t = 0; t < f.n_trees; ++t) {
        const index_t a = f.node_offset[t], b = f.node_offset[t + 1];
        require(b > a, "tree: every tree needs at least one node");
        const index_t cnt = b - a;
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
        }
    }
}

template <class T>
void forest_apply(const Forest& f, const T* X, index_t n, index_t d, std::int32_t* out, int n_threads) {
    check_forest(f, d);
    const std::vector<PNode> nodes = pack(f);
    const index_t nb = (n + kBlock - 1) / kBlock;
    const int nt = threads_for(n_threads, nb);
#pragma omp parallel num_threads(nt)
    {
        std::vector<std::int32_t> leaf(kBlock);
#pragma omp for schedule(dynamic, 1)
        for (index_t b = 0; b < nb; ++b) {
            const index_t i0 = b * kBlock, i1 = std::min(n, i0 + kBlock);
            for (index_t t = 0; t < f.n_trees; ++t) {
                const std::int32_t off = static_cast<std::int32_t>(f.node_offset[t]);
                walk_rows(nodes.data(), off, X + i0 * d, d, i1 - i0, leaf.data());
                for (index_t i = i0; i < i1; ++i) out[i * f.n_trees + t] = leaf[i - i0] - off;
            }
        }
    }
}

template <class T>
void forest_mean_value(const Forest& f, const T* X, index_t n, index_t d, const std::int32_t* counts,
                       double* out, std::int32_t* n_used, int n_threads) {
    check_forest(f, d);
    const std::vector<PNode> nodes = pack(f);
    const index_t s = f.value_stride;
    const index_t nb = (n + kBlock - 1) / kBlock;
    const int nt = threads_for(n_threads, nb);
#pragma omp parallel num_threads(nt)
    {
        std::vector<std::int32_t> leaf(kBlock);
#pragma omp for schedule(dynamic, 1)
        for (index_t b = 0; b < nb; ++b) {
            const index_t i0 = b * kBlock, i1 = std::min(n, i0 + kBlock);
            std::fill(out + i0 * s, out + i1 * s, 0.0);
            if (n_used) std::fill(n_used + i0, n_used + i1, 0);
            for (index_t t = 0; t < f.n_trees; ++t) {
                const std::int32_t off = static_cast<std::int32_t>(f.node_offset[t]);
                walk_rows(nodes.data(), off, X + i0 * d, d, i1 - i0, leaf.data());
                const std::int32_t* cnt = counts ? counts + t * n : nullptr;
                for (index_t i = i0; i < i1; ++i) {
                    if (cnt && cnt[i] != 0) continue;
                    const double* v = f.value + static_cast<index_t>(leaf[i - i0]) * s;
                    double* o = out + i * s;
                    for (index_t k = 0; k < s; ++k) o[k] += v[k];
                    if (n_used) ++n_used[i];
                }
            }
            for (index_t i = i0; i < i1; ++i) {
                const double m = counts ? static_cast<double>(n_used[i]) : static_cast<double>(f.n_trees);
                if (m > 0) {
                    double* o = out + i * s;
                    for (index_t k = 0; k < s; ++k) o[k] /= m;
                }
            }
        }
    }
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
