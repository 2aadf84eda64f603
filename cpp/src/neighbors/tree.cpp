// kd-tree and ball tree: built once into flat arrays, searched in parallel over the queries.
//
// Build. The rows are split recursively at the median of the feature of largest spread
// (std::nth_element on the index permutation), which gives a balanced tree laid out implicitly
// (node i → 2i + 1, 2i + 2). A kd-tree node stores the box bounding its rows; a ball-tree node the
// centroid of its rows and the largest distance from it to one of them. Cost O(n·d·log n).
//
// Query (k nearest). Depth first from the root, the nearer child first, with the k best found so
// far in a max-heap ordered by (distance, index). A node is skipped when no row in it can come
// before the heap's worst: its lower bound — the distance from the query to the box (kd-tree), or
// the distance to the centroid minus the radius (ball tree) — exceeds the worst distance. The tests
// are done on reduced distances (squares for euclidean, p-th powers for minkowski), and every
// candidate's distance is computed by the same function as brute force uses (distance.hpp), so
// the answer is brute force's, bit for bit and ties included:
//   - a row is compared exactly, by (distance, index), when its reduced distance s is at most the
//     worst's s·(1 + 1e-12·max(1, p)); a row above that cannot round to the same distance;
//   - lower bounds are lowered by a few units of roundoff per feature (their sums run in another
//     order than the rows' distances), so no row that brute force would take is ever pruned.
// Queries are first sorted by the leaf they fall in, so that consecutive queries walk the same
// part of the tree (cache locality), then processed in blocks by n_threads threads; each query's
// answer depends on nothing else, so it does not depend on the thread count.
// Cost per query ~O(log n + k·2^d)-ish for well-spread low-dimensional data; no better than brute
// force in high dimension (scikit-learn's 'auto' switches to brute force above 15 features).
//
// Radius queries: the same walk with a fixed limit; every row within it is kept.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "../kernel_table.hpp"
#include "distance.hpp"
#include "scratchlearn/neighbors.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {
namespace {

using knn_detail::before;
using knn_detail::Candidate;
using knn_detail::finish_distance;
using knn_detail::reduce_distance;
using knn_detail::reduced_distance;

constexpr double kEps = std::numeric_limits<double>::epsilon();

index_t tree_levels(index_t n, index_t leaf_size) {
    const double r = std::max(1.0, double(n - 1) / double(leaf_size));
    return index_t(std::floor(std::log2(r))) + 1;
}

// Relative slack under which two reduced distances may still round to equal distances.
double reduced_slack(Metric metric, double p) {
    switch (metric) {
        case Metric::Euclidean: return 1e-12;
        case Metric::Minkowski: return 1e-12 * std::max(1.0, p);
        default: return 0.0;  // the reduced distance is the distance
    }
}

// ---- build ------------------------------------------------------------------------------------

template <class T>
struct Builder {
    TreeKind kind;
    const T* X;
    index_t n, d, n_nodes;
    Metric metric;
    double p;
    std::int64_t* perm;
    std::int64_t* range;
    double* geom;
    index_t width;

    void node_geometry(index_t i, index_t s, index_t e) {
        double* g = geom + i * width;
        if (kind == TreeKind::KDTree) {
            double* lo = g;
            double* hi = g + d;
            for (index_t j = 0; j < d; ++j) {
                lo[j] = std::numeric_limits<double>::infinity();
                hi[j] = -std::numeric_limits<double>::infinity();
            }
            for (index_t r = s; r < e; ++r) {
                const T* x = X + perm[r] * d;
                for (index_t j = 0; j < d; ++j) {
                    lo[j] = std::min(lo[j], double(x[j]));
                    hi[j] = std::max(hi[j], double(x[j]));
                }
            }
        } else {
            double* c = g;
            for (index_t j = 0; j < d; ++j) c[j] = 0;
            for (index_t r = s; r < e; ++r) {
                const T* x = X + perm[r] * d;
                for (index_t j = 0; j < d; ++j) c[j] += double(x[j]);
            }
            for (index_t j = 0; j < d; ++j) c[j] /= double(e - s);
            double rad = 0;
            for (index_t r = s; r < e; ++r)
                rad = std::max(rad, knn_detail::exact_distance(c, X + perm[r] * d, d, metric, p));
            g[d] = rad;
        }
    }

    void build(index_t i, index_t s, index_t e) {
        range[2 * i] = s;
        range[2 * i + 1] = e;
        node_geometry(i, s, e);
        if (2 * i + 1 >= n_nodes) return;  // a leaf
        // The feature of largest spread among the node's rows.
        index_t best = 0;
        double best_spread = -1;
        for (index_t j = 0; j < d; ++j) {
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (index_t r = s; r < e; ++r) {
                const double v = double(X[perm[r] * d + j]);
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            if (hi - lo > best_spread) {
                best_spread = hi - lo;
                best = j;
            }
        }
        const index_t mid = s + (e - s) / 2;
        const T* Xc = X;
        const index_t dd = d;
        // Ties in the value are ordered by index, so the split does not depend on the library's
        // nth_element internals.
        std::nth_element(perm + s, perm + mid, perm + e, [Xc, dd, best](std::int64_t a, std::int64_t b) {
            const T va = Xc[a * dd + best], vb = Xc[b * dd + best];
            return va < vb || (va == vb && a < b);
        });
        build(2 * i + 1, s, mid);
        build(2 * i + 2, mid, e);
    }
};

// ---- query ------------------------------------------------------------------------------------

// The k best so far, ordered by (distance, index), with each entry's reduced distance. Small k:
// a sorted array (insertion from the back, a few moves); large k: a max-heap.
struct Best {
    struct Entry {
        double dist, reduced;
        std::int64_t index;
    };
    std::vector<Entry> h;
    index_t k = 0;
    double slack = 0;
    double limit = std::numeric_limits<double>::infinity();  // reduced distances above are out
    bool sorted = true;

    static constexpr index_t kSortedUpTo = 32;
    static bool less(const Entry& a, const Entry& b) {
        return a.dist < b.dist || (a.dist == b.dist && a.index < b.index);
    }
    void reset(index_t kk, double sl) {
        k = kk;
        slack = sl;
        sorted = k <= kSortedUpTo;
        h.clear();
        h.reserve(static_cast<std::size_t>(k));
        limit = std::numeric_limits<double>::infinity();
    }
    bool full() const { return static_cast<index_t>(h.size()) == k; }
    const Entry& worst_entry() const { return sorted ? h.back() : h.front(); }
    double worst() const { return full() ? worst_entry().dist : std::numeric_limits<double>::infinity(); }
    void offer(double dist, double reduced, std::int64_t index) {
        const Entry e{dist, reduced, index};
        if (full() && !less(e, worst_entry())) return;
        if (sorted) {
            if (!full()) h.push_back(e);
            // Shift the entries after e one place back, dropping the last (the old worst).
            index_t j = static_cast<index_t>(h.size()) - 1;
            while (j > 0 && less(e, h[j - 1])) {
                h[j] = h[j - 1];
                --j;
            }
            h[j] = e;
        } else if (!full()) {
            h.push_back(e);
            std::push_heap(h.begin(), h.end(), less);
        } else {
            std::pop_heap(h.begin(), h.end(), less);
            h.back() = e;
            std::push_heap(h.begin(), h.end(), less);
        }
        if (full()) limit = worst_entry().reduced * (1.0 + slack);
    }
    // The entries in ascending order.
    void finish() {
        if (!sorted) std::sort_heap(h.begin(), h.end(), less);
    }
};

// The kd-tree walk's cheap bounds. For each inner node, a feature along which its two children's
// boxes do not overlap (the split feature always qualifies: the left child holds the rows at or
// below the median, the right one those at or above), the widest such gap: the left child lies in
// x[s] <= lo, the right one in x[s] >= hi. Found once per search from the boxes.
struct Splits {
    std::vector<std::int32_t> dim;  // -1: no separating feature (then the children inherit)
    std::vector<double> lo, hi;
};

template <class T>
Splits make_splits(const TreeView<T>& t) {
    Splits sp;
    const index_t n_inner = t.n_nodes / 2, d = t.d, w = tree_geom_width(t.kind, d);
    sp.dim.assign(static_cast<std::size_t>(n_inner), -1);
    sp.lo.assign(static_cast<std::size_t>(n_inner), 0.0);
    sp.hi.assign(static_cast<std::size_t>(n_inner), 0.0);
    for (index_t i = 0; i < n_inner; ++i) {
        const double* left_hi = t.node_geom + (2 * i + 1) * w + d;
        const double* right_lo = t.node_geom + (2 * i + 2) * w;
        double gap = -1.0;
        for (index_t j = 0; j < d; ++j) {
            const double g = right_lo[j] - left_hi[j];
            if (g >= 0.0 && g > gap) {
                gap = g;
                sp.dim[i] = static_cast<std::int32_t>(j);
                sp.lo[i] = left_hi[j];
                sp.hi[i] = right_lo[j];
            }
        }
    }
    return sp;
}

// D > 0: the feature count fixed at compile time (small d: the distance loops unroll); 0: t.d.
template <class T, Metric M, int D>
class Searcher {
public:
    Searcher(const TreeView<T>& t, double p)
        : t_(t), d_(D > 0 ? D : t.d), p_(p), width_(tree_geom_width(t.kind, t.d)),
          bound_scale_(1.0 - 4.0 * double(t.d + 4) * kEps),
          ball_tol_(16.0 * double(t.d + 4) * kEps * (M == Metric::Minkowski ? std::max(1.0, p) : 1.0)),
          slack_(reduced_slack(M, p)), leaf_sq_(kernel_table::kernels<T>().knn_leaf_sq) {
    }

    index_t dim() const { return D > 0 ? index_t(D) : d_; }

    // The reduced distances from q to the rows s .. e of the tree (one leaf), computed with the
    // operations of reduced_distance (distance.hpp) in the same order, so bit for bit the same
    // values: for euclidean, four partial sums (feature j into sum j % 4 for the full groups of
    // four, the remaining features into sum 0), then (s0 + s1) + (s2 + s3). The data is stored
    // feature by feature (d × n), so each feature's pass runs over contiguous values and the
    // compiler vectorises it across the rows.
    const double* leaf_distances(const double* q, index_t s, index_t e) {
        const index_t m = e - s, d = dim(), n = t_.n;
        if (static_cast<index_t>(acc_[0].size()) < m)
            for (auto& a : acc_) a.resize(static_cast<std::size_t>(m));
        double* a0 = acc_[0].data();
        if (M == Metric::Euclidean && leaf_sq_) {  // the same operations, several rows per vector
            cols_.resize(static_cast<std::size_t>(d));
            for (index_t j = 0; j < d; ++j) cols_[j] = t_.data + j * n + s;
            leaf_sq_(cols_.data(), q, d, m, a0);
        } else if (M == Metric::Euclidean && D > 0) {
            // The feature count is fixed: the loop over features unrolls, the partial sums stay
            // in registers, and the compiler vectorises across the rows.
            constexpr int kD = D > 0 ? D : 1;
            constexpr int kFull = kD / 4 * 4;
            const T* cols[kD];
            for (int j = 0; j < kD; ++j) cols[j] = t_.data + j * n + s;
            double qv[kD];
            for (int j = 0; j < kD; ++j) qv[j] = q[j];
            double* __restrict out = a0;
            for (index_t r = 0; r < m; ++r) {
                double p0 = 0, p1 = 0, p2 = 0, p3 = 0;
                for (int j = 0; j < kD; ++j) {
                    const double t = qv[j] - double(cols[j][r]);
                    const double tt = t * t;
                    if (j >= kFull || j % 4 == 0)
                        p0 += tt;
                    else if (j % 4 == 1)
                        p1 += tt;
                    else if (j % 4 == 2)
                        p2 += tt;
                    else
                        p3 += tt;
                }
                out[r] = (p0 + p1) + (p2 + p3);
            }
        } else if (M == Metric::Euclidean) {
            double* a1 = acc_[1].data();
            double* a2 = acc_[2].data();
            double* a3 = acc_[3].data();
            for (index_t r = 0; r < m; ++r) a0[r] = a1[r] = a2[r] = a3[r] = 0.0;
            const index_t full = d / 4 * 4;
            for (index_t j = 0; j < d; ++j) {
                double* acc = j < full ? acc_[j % 4].data() : a0;
                const T* col = t_.data + j * n + s;
                const double qj = q[j];
                for (index_t r = 0; r < m; ++r) {
                    const double t = qj - double(col[r]);
                    acc[r] += t * t;
                }
            }
            for (index_t r = 0; r < m; ++r) a0[r] = (a0[r] + a1[r]) + (a2[r] + a3[r]);
        } else {
            for (index_t r = 0; r < m; ++r) a0[r] = 0.0;
            for (index_t j = 0; j < d; ++j) {
                const T* col = t_.data + j * n + s;
                const double qj = q[j];
                if (M == Metric::Manhattan) {
                    for (index_t r = 0; r < m; ++r) a0[r] += std::fabs(qj - double(col[r]));
                } else if (M == Metric::Chebyshev) {
                    for (index_t r = 0; r < m; ++r)
                        a0[r] = std::max(a0[r], std::fabs(qj - double(col[r])));
                } else {
                    for (index_t r = 0; r < m; ++r) a0[r] += std::pow(std::fabs(qj - double(col[r])), p_);
                }
            }
        }
        return a0;
    }

    // Reduced distance from q to node i's box (kd-tree), lowered by the rounding allowance. The
    // allowance covers the roundoff of a sum of d non-negative terms in any order, so the sums may
    // be reassociated (vectorised across the features).
    double box_bound(const double* q, index_t i) const {
        const double* lo = t_.node_geom + i * width_;
        const double* hi = lo + dim();
        const index_t d = dim();
        double s = 0;
        if (M == Metric::Euclidean) {
#pragma omp simd reduction(+ : s)
            for (index_t j = 0; j < d; ++j) {
                const double g = std::max(0.0, std::max(lo[j] - q[j], q[j] - hi[j]));
                s += g * g;
            }
        } else if (M == Metric::Manhattan) {
#pragma omp simd reduction(+ : s)
            for (index_t j = 0; j < d; ++j) s += std::max(0.0, std::max(lo[j] - q[j], q[j] - hi[j]));
        } else if (M == Metric::Chebyshev) {
            for (index_t j = 0; j < d; ++j)
                s = std::max(s, std::max(0.0, std::max(lo[j] - q[j], q[j] - hi[j])));
        } else {
            for (index_t j = 0; j < d; ++j)
                s += std::pow(std::max(0.0, std::max(lo[j] - q[j], q[j] - hi[j])), p_);
        }
        return s * bound_scale_;
    }
    // Lower bound of the distance from q to node i's ball (ball tree), lowered likewise.
    double ball_bound(const double* q, index_t i) const {
        const double* c = t_.node_geom + i * width_;
        const double r = c[dim()];
        const double dc = finish_distance(reduced_distance(q, c, dim(), M, p_), M, p_);
        return std::max(0.0, dc - r - ball_tol_ * (dc + r));
    }
    // A node's bound in the space the walk compares it in: reduced for kd-trees, distances for
    // ball trees.
    double bound(const double* q, index_t i) const {
        return t_.kind == TreeKind::KDTree ? box_bound(q, i) : ball_bound(q, i);
    }

    // k nearest of q, written sorted.
    void knn(const double* q, index_t k, T* out_dist, std::int64_t* out_index) {
        best_.reset(k, slack_);
        const bool kd = t_.kind == TreeKind::KDTree;
        stack_.clear();
        stack_.push_back({0, bound(q, 0)});
        while (!stack_.empty()) {
            const Item it = stack_.pop();
            if (kd ? it.bound > best_.limit : it.bound > best_.worst()) continue;
            const index_t i = it.node;
            if (2 * i + 1 >= t_.n_nodes) {
                offer_leaf(q, i);
                continue;
            }
            const index_t a = 2 * i + 1, b = 2 * i + 2;
            const double ba = bound(q, a), bb = bound(q, b);
            // Far child first on the stack, so the near one is walked first.
            if (ba <= bb) {
                stack_.push_back({b, bb});
                stack_.push_back({a, ba});
            } else {
                stack_.push_back({a, ba});
                stack_.push_back({b, bb});
            }
        }
        best_.finish();
        const std::vector<Best::Entry>& h = best_.h;
        for (index_t j = 0; j < k; ++j) {
            out_dist[j] = T(h[j].dist);
            out_index[j] = h[j].index;
        }
    }

    // k nearest of q through a kd-tree, written sorted: the same answer as knn(), with cheaper
    // bounds. Each node's bound is a sum (a max for chebyshev) over the features of a per-feature
    // gap term, kept in gap_: a child's region is its parent's cut by the split (Splits), so only
    // the split feature's term changes on the way down (it grows to the child's gap to the split
    // value when that is larger); no box is read but the root's (testing each leaf's own box too
    // skipped one leaf in ten and cost more than that saved). Every term is one subtraction and a
    // power, as in box_bound, and the sums get a larger rounding allowance, so no row that could
    // enter the k best is ever skipped.
    void knn_split(const double* q, index_t k, const Splits& sp, T* out_dist, std::int64_t* out_index) {
        best_.reset(k, slack_);
        const index_t d = dim();
        const double* lo = t_.node_geom;
        const double* hi = lo + d;
        gap_.resize(static_cast<std::size_t>(d));
        gap_sum_ = 0;
        for (index_t j = 0; j < d; ++j) {
            gap_[j] = term(std::max(0.0, std::max(lo[j] - q[j], q[j] - hi[j])));
            gap_sum_ += gap_[j];
        }
        split_scale_ = 1.0 - 8.0 * double(d + 2 * 64 + 4) * kEps;
        split_walk(q, 0, sp);
        best_.finish();
        const std::vector<Best::Entry>& h = best_.h;
        for (index_t j = 0; j < k; ++j) {
            out_dist[j] = T(h[j].dist);
            out_index[j] = h[j].index;
        }
    }

    // Every row within `radius` of q (unsorted).
    void radius(const double* q, double radius, std::vector<Candidate>& out) {
        out.clear();
        const bool kd = t_.kind == TreeKind::KDTree;
        const double red_radius = reduce_distance(radius, M, p_);
        const double limit = red_radius * (1.0 + slack_);
        stack_.clear();
        stack_.push_back({0, bound(q, 0)});
        while (!stack_.empty()) {
            const Item it = stack_.pop();
            if (kd ? it.bound > limit : it.bound > radius) continue;
            const index_t i = it.node;
            if (2 * i + 1 >= t_.n_nodes) {
                const index_t s = t_.node_range[2 * i], e = t_.node_range[2 * i + 1];
                const double* reds = leaf_distances(q, s, e);
                for (index_t r = s; r < e; ++r) {
                    const double red = reds[r - s];
                    if (red <= limit) {
                        const double dist = finish_distance(red, M, p_);
                        if (dist <= radius) out.push_back({dist, t_.perm[r]});
                    }
                }
                continue;
            }
            stack_.push_back({2 * i + 2, bound(q, 2 * i + 2)});
            stack_.push_back({2 * i + 1, bound(q, 2 * i + 1)});
        }
    }

    // The leaf q falls in: down the nearer child at each node.
    // With the split table (kd-trees), each level compares the query with the split's two sides
    // instead of computing two boxes' bounds (the leaf only orders the queries).
    index_t leaf_of(const double* q, const Splits* sp) const {
        index_t i = 0;
        while (2 * i + 1 < t_.n_nodes) {
            const index_t a = 2 * i + 1, b = 2 * i + 2;
            const std::int32_t f = sp ? sp->dim[i] : -1;
            if (f >= 0)
                i = q[f] - sp->lo[i] <= sp->hi[i] - q[f] ? a : b;
            else
                i = bound(q, a) <= bound(q, b) ? a : b;
        }
        return i;
    }

private:
    // One feature's term of a reduced distance to a region, from its gap g >= 0.
    double term(double g) const {
        if (M == Metric::Euclidean) return g * g;
        if (M == Metric::Minkowski) return std::pow(g, p_);
        return g;  // manhattan, chebyshev
    }
    // The bound of the region whose terms are gap_ but feature s's, which is ts: from the running
    // sum of the terms (a max for chebyshev). The sum is updated along the path (minus the old
    // term, plus the new, which is never smaller), so its rounding error is at most 2·(depth + d)
    // ulps of the final sum; split_scale_ lowers it by more than that (depth < 64).
    double combine(index_t s, double ts) const {
        if (M == Metric::Chebyshev) {
            double b = 0;
            for (index_t j = 0; j < dim(); ++j) b = std::max(b, j == s ? ts : gap_[j]);
            return b;
        }
        return s < 0 ? gap_sum_ * split_scale_ : (gap_sum_ - gap_[s] + ts) * split_scale_;
    }
    // Leaf i's rows offered to the k best (both walks).
    void offer_leaf(const double* q, index_t i) {
        const index_t s = t_.node_range[2 * i], e = t_.node_range[2 * i + 1];
        const double* red = leaf_distances(q, s, e);
        for (index_t r = s; r < e; ++r)
            if (red[r - s] <= best_.limit) best_.offer(finish_distance(red[r - s], M, p_), red[r - s], t_.perm[r]);
    }
    // Node i's subtree, its region's terms in gap_ (its bound already found within the limit).
    void split_walk(const double* q, index_t i, const Splits& sp) {
        if (2 * i + 1 >= t_.n_nodes) {
            offer_leaf(q, i);
            return;
        }
        const index_t a = 2 * i + 1, b = 2 * i + 2;
        const std::int32_t f = sp.dim[i];
        if (f < 0) {  // no separating feature: both children in the parent's region
            split_walk(q, a, sp);
            if (combine(-1, 0.0) <= best_.limit) split_walk(q, b, sp);
            return;
        }
        const double old = gap_[f];
        const double ta = std::max(old, term(std::max(0.0, q[f] - sp.lo[i])));
        const double tb = std::max(old, term(std::max(0.0, sp.hi[i] - q[f])));
        const bool a_first = ta <= tb;
        const index_t near = a_first ? a : b, far = a_first ? b : a;
        const double tn = a_first ? ta : tb, tf = a_first ? tb : ta;
        const double sum = gap_sum_;
        if (combine(f, tn) <= best_.limit) {
            gap_sum_ = sum - old + tn;
            gap_[f] = tn;
            split_walk(q, near, sp);
        }
        if (combine(f, tf) <= best_.limit) {  // the limit may have shrunk meanwhile
            gap_sum_ = sum - old + tf;
            gap_[f] = tf;
            split_walk(q, far, sp);
        }
        gap_[f] = old;
        gap_sum_ = sum;
    }

    std::vector<double> gap_;  // knn_split's per-feature terms of the current region
    double gap_sum_ = 0;       // and their running sum
    double split_scale_ = 1.0;  // set per query: 1 - 8·(d + 2·64 + 4)·eps
    struct Item {
        index_t node;
        double bound;
    };
    const TreeView<T>& t_;
    index_t d_;
    double p_;
    index_t width_;
    double bound_scale_, ball_tol_, slack_;
    kernel_table::KnnLeafKernel<T> leaf_sq_;  // the ISA's leaf distances (nullptr: the loops here)
    std::vector<const T*> cols_;              // its columns
    // The walk's stack: each inner node popped pushes its two children, so it never holds more than
    // one node per level plus one (levels < 62, tree_node_count).
    struct Stack {
        Item items[64];
        int size = 0;
        void clear() { size = 0; }
        bool empty() const { return size == 0; }
        void push_back(const Item& it) { items[size++] = it; }
        Item pop() { return items[--size]; }
    };
    Best best_;
    Stack stack_;
    std::vector<double> acc_[4];  // leaf_distances' partial sums, one per row of the leaf
};

constexpr index_t kQueryChunk = 32;

// Runs body(searcher, query_as_double, query_index) for every query, in leaf order, in parallel.
template <class T, Metric M, int D, class Body>
void for_each_query(const TreeView<T>& t, const T* Q, index_t nq, double p, int n_threads, Body body,
                    const Splits* sp = nullptr) {
    const index_t d = t.d;
    // Sort the queries by the leaf they fall in (ties by index): neighbouring queries then walk
    // the same nodes and rows while they are in cache.
    std::vector<index_t> order(static_cast<std::size_t>(nq));
    std::iota(order.begin(), order.end(), index_t(0));
    std::vector<index_t> leaf(static_cast<std::size_t>(nq));
    const index_t n_chunks = (nq + kQueryChunk - 1) / kQueryChunk;
    const int nt = threads_for(n_threads, n_chunks);
    ExceptionSlot errors;
#pragma omp parallel num_threads(nt)
    {
        Searcher<T, M, D> s(t, p);
        std::vector<double> q(static_cast<std::size_t>(d));
#pragma omp for schedule(static)
        for (index_t i = 0; i < nq; ++i) {
            errors.run([&] {
                for (index_t j = 0; j < d; ++j) q[j] = double(Q[i * d + j]);
                leaf[i] = s.leaf_of(q.data(), sp);
            });
        }
    }
    errors.rethrow();
    std::sort(order.begin(), order.end(), [&leaf](index_t a, index_t b) {
        return leaf[a] < leaf[b] || (leaf[a] == leaf[b] && a < b);
    });
#pragma omp parallel num_threads(nt)
    {
        Searcher<T, M, D> s(t, p);
        std::vector<double> q(static_cast<std::size_t>(d));
#pragma omp for schedule(dynamic, 1)
        for (index_t c = 0; c < n_chunks; ++c) {
            errors.run([&] {
                const index_t end = std::min(nq, (c + 1) * kQueryChunk);
                for (index_t o = c * kQueryChunk; o < end; ++o) {
                    const index_t i = order[o];
                    for (index_t j = 0; j < d; ++j) q[j] = double(Q[i * d + j]);
                    body(s, q.data(), i);
                }
            });
        }
    }
    errors.rethrow();
}

template <class T, class Fn>
void dispatch_metric(Metric metric, Fn&& fn) {
    switch (metric) {
        case Metric::Euclidean: fn(std::integral_constant<Metric, Metric::Euclidean>{}); break;
        case Metric::Manhattan: fn(std::integral_constant<Metric, Metric::Manhattan>{}); break;
        case Metric::Chebyshev: fn(std::integral_constant<Metric, Metric::Chebyshev>{}); break;
        case Metric::Minkowski: fn(std::integral_constant<Metric, Metric::Minkowski>{}); break;
        default: require(false, "tree search: this metric is not supported by the trees");
    }
}

// Euclidean in 2 to 15 features (the range where 'auto' picks a tree) runs with the feature count
// fixed at compile time; everything else with the run-time count.
//
// The sanitizer builds (SCRATCHLEARN_TREE_FEW_FIXED_DIMS, set by CMake with SCRATCHLEARN_SANITIZE)
// fix only the two ends of that range, 2 and 15, and 3; the other counts take the run-time path.
// The fixed counts are one template, the same code with d a constant, and its 108 instantiations
// (3 walks x 18 searchers x 2 dtypes) made this file a quarter of the instrumented build's compile
// time (128 s of 535 s under AddressSanitizer on 2 cores).
template <int D>
constexpr bool fixed_dim_compiled() {
#ifdef SCRATCHLEARN_TREE_FEW_FIXED_DIMS
    return D == 2 || D == 3 || D == 15;
#else
    return true;
#endif
}

template <int D, class Fn>
bool dispatch_fixed(index_t d, Fn& fn) {
    if constexpr (D > 15) {
        return false;
    } else {
        if constexpr (fixed_dim_compiled<D>()) {
            if (d == D) {
                fn(std::integral_constant<int, D>{});
                return true;
            }
        }
        return dispatch_fixed<D + 1>(d, fn);
    }
}

template <class Fn>
void dispatch_dim(Metric metric, index_t d, Fn&& fn) {
    if (metric == Metric::Euclidean && dispatch_fixed<2>(d, fn)) return;
    fn(std::integral_constant<int, 0>{});
}

template <class T>
void check_view(const TreeView<T>& t, Metric metric, double p, const char* who) {
    require(tree_supports(metric, p),
            std::string(who) + ": the trees support euclidean, manhattan, chebyshev and minkowski with p >= 1");
    require(t.n > 0 && t.d > 0, std::string(who) + ": empty tree");
    require(t.n_nodes >= 1 && ((t.n_nodes + 1) & t.n_nodes) == 0,
            std::string(who) + ": the node count must be 2^levels - 1");
    // Every node range within [0, n], every permutation entry within [0, n): no read out of bounds.
    bool ranges_ok = true, perm_ok = true;
    for (index_t i = 0; i < t.n_nodes; ++i) {
        const std::int64_t s = t.node_range[2 * i], e = t.node_range[2 * i + 1];
        ranges_ok &= (0 <= s) & (s <= e) & (e <= t.n);
    }
    for (index_t i = 0; i < t.n; ++i) perm_ok &= (0 <= t.perm[i]) & (t.perm[i] < t.n);
    require(ranges_ok, std::string(who) + ": corrupt node ranges");
    require(perm_ok, std::string(who) + ": corrupt index permutation");
}

}  // namespace

index_t tree_node_count(index_t n, index_t leaf_size) {
    require(n > 0, "tree: the training set is empty");
    require(leaf_size >= 1, "tree: leaf_size must be >= 1");
    const index_t levels = tree_levels(n, leaf_size);
    require(levels < 62, "tree: too many levels");
    return (index_t(1) << levels) - 1;
}

index_t tree_geom_width(TreeKind kind, index_t d) { return kind == TreeKind::KDTree ? 2 * d : d + 1; }

bool tree_supports(Metric metric, double p) {
    switch (metric) {
        case Metric::Euclidean:
        case Metric::Manhattan:
        case Metric::Chebyshev: return true;
        case Metric::Minkowski: return p >= 1;
        default: return false;
    }
}

template <class T>
void tree_build(TreeKind kind, const T* X, index_t n, index_t d, index_t leaf_size, Metric metric,
                double p, std::int64_t* perm, std::int64_t* node_range, double* node_geom) {
    require(n > 0, "tree_build: the training set is empty");
    require(d > 0, "tree_build: zero features");
    require(tree_supports(metric, p),
            "tree_build: the trees support euclidean, manhattan, chebyshev and minkowski with p >= 1");
    for (index_t i = 0; i < n; ++i) perm[i] = i;
    Builder<T> b{kind, X, n, d, tree_node_count(n, leaf_size), metric, p, perm, node_range, node_geom,
                 tree_geom_width(kind, d)};
    b.build(0, 0, n);
}

template <class T>
void tree_knn(const TreeView<T>& tree, const T* Q, index_t n_queries, index_t k, Metric metric,
              double p, T* out_dist, std::int64_t* out_index, int n_threads) {
    check_view(tree, metric, p, "tree_knn");
    require(k >= 1 && k <= tree.n, "tree_knn: k must be in [1, n_train]");
    if (n_queries == 0) return;
    // kd-trees walk with the split bounds (their table costs a pass over the inner nodes: worth
    // it unless the queries are few against a large tree); ball trees with their balls
    const bool use_splits = tree.kind == TreeKind::KDTree && tree.n_nodes > 1 && 8 * n_queries >= tree.n_nodes;
    const Splits splits = use_splits ? make_splits(tree) : Splits{};
    dispatch_metric<T>(metric, [&](auto m) {
        constexpr Metric M = decltype(m)::value;
        dispatch_dim(M, tree.d, [&](auto dim) {
            constexpr int D = decltype(dim)::value;
            if (use_splits) {
                for_each_query<T, M, D>(
                    tree, Q, n_queries, p, n_threads,
                    [&](Searcher<T, M, D>& s, const double* q, index_t i) {
                        s.knn_split(q, k, splits, out_dist + i * k, out_index + i * k);
                    },
                    &splits);
                return;
            }
            for_each_query<T, M, D>(tree, Q, n_queries, p, n_threads,
                                    [&](Searcher<T, M, D>& s, const double* q, index_t i) {
                                        s.knn(q, k, out_dist + i * k, out_index + i * k);
                                    });
        });
    });
}

template <class T>
void tree_radius(const TreeView<T>& tree, const T* Q, index_t n_queries, double radius,
                 Metric metric, double p, bool sort_results, RadiusNeighbors<T>& out,
                 int n_threads) {
    check_view(tree, metric, p, "tree_radius");
    require(radius >= 0, "tree_radius: radius must be >= 0");
    std::vector<std::vector<Candidate>> per_query(static_cast<std::size_t>(n_queries));
    if (n_queries > 0) {
        dispatch_metric<T>(metric, [&](auto m) {
            constexpr Metric M = decltype(m)::value;
            dispatch_dim(M, tree.d, [&](auto dim) {
                constexpr int D = decltype(dim)::value;
                for_each_query<T, M, D>(tree, Q, n_queries, p, n_threads,
                                        [&](Searcher<T, M, D>& s, const double* q, index_t i) {
                                            s.radius(q, radius, per_query[i]);
                                        });
            });
        });
    }
    knn_detail::gather_radius(per_query, sort_results, out, n_threads);
}

#define SL_TREE_INSTANTIATE(T)                                                                      \
    template void tree_build<T>(TreeKind, const T*, index_t, index_t, index_t, Metric, double,      \
                                std::int64_t*, std::int64_t*, double*);                             \
    template void tree_knn<T>(const TreeView<T>&, const T*, index_t, index_t, Metric, double, T*,   \
                              std::int64_t*, int);                                                  \
    template void tree_radius<T>(const TreeView<T>&, const T*, index_t, double, Metric, double,     \
                                 bool, RadiusNeighbors<T>&, int);
SL_TREE_INSTANTIATE(float)
SL_TREE_INSTANTIATE(double)
#undef SL_TREE_INSTANTIATE

}  // namespace scratchlearn
