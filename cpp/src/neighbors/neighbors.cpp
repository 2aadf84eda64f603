// Brute-force k-nearest neighbours: blocked distances fused with a per-query top-k.
//
// Screening, then exact re-ranking:
//
// 1. Screening. Every training point gets an approximate distance, cheaply:
//    - euclidean, sqeuclidean and cosine through the matrix product,
//          ‖q − x‖² = ‖q‖² + ‖x‖² − 2·q·x
//      on data centred at the training mean (cosine: on unit vectors), with the q·x block from
//      gemm() in single precision whatever the input precision (it runs twice as fast), unless
//      the values leave single precision's comfortable range (then in double);
//    - the other metrics pair by pair in the input precision.
//    A bounded max-heap of the k smallest approximate distances gives the k-th, b. Each point whose
//    approximate distance is at most b + 2·M is kept as a candidate, where M bounds the rounding
//    error of an approximate distance (a standard dot-product error bound, below). Blocks of ~64
//    queries × 256 training points are screened while they are in cache; the full distance matrix
//    never exists. A vectorised scan of the block (scan_*.cpp, one per instruction set) marks the
//    values under their query's current limit and the rows having any; only those values are
//    offered to their query's heap: after the first block, almost none. (In the first block the
//    limit starts from the k-th smallest of the row's 32-value group minima, a b' ≥ b with k
//    values at or below it, so the start b' + 2·M(b') is as safe as any later limit.)
// 2. Re-ranking. The candidates' distances are recomputed exactly (in double, from the original
//    data); the k best by (distance, index) are the answer.
//
// Radius queries (radius_search) run the same screen with a fixed limit instead of the heap's:
// every point whose approximate distance is at most the (reduced) radius plus 2·M is a candidate,
// and the candidates whose exact distance is at most the radius are the answer.
//
// Why this is exact: a true neighbour x has approx(x) ≤ d(x) + M ≤ d_k + M, and the k-th smallest
// approximate distance satisfies b ≥ d_k − M, so approx(x) ≤ b + 2M: no true neighbour is dropped.
//
// Error bound M. For the product path, with unit roundoff u of the screening type and dimension d:
// |fl(q·x) − q·x| ≤ (d + 2)·u·‖q‖‖x‖ (accumulation plus the conversion of the inputs), and
// ‖q‖‖x‖ ≤ (‖q‖² + ‖x‖²)/2; the rounding of the norms and the final sums adds a few u·(‖q‖² + ‖x‖²).
// So M = 1.5·(d + 8)·u·(‖q‖² + max‖x‖²), per query. When ‖x‖² rides along in the product as one
// more term (the euclidean family does, saving a pass), the sum of the terms' magnitudes grows by
// ‖x‖²/2 and the bound becomes M = 1.5·(2(d + 1) + 8)·u·(‖q‖² + max‖x‖²). For the pairwise metrics
// (sums or maxima of non-negative terms), M = 1.5·(d + 4)·u·distance, a relative bound.
#include "scratchlearn/neighbors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "distance.hpp"
#include "scan.hpp"
#include "../kernel_table.hpp"
#include "scratchlearn/cpu.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {
namespace {

using knn_detail::Candidate;
using knn_detail::exact_distance;
using knn_detail::before;
using knn_detail::reduce_distance;

constexpr index_t kQueryBlock = 64;   // queries per block (rows of the product tile; see below)
constexpr index_t kTrainBlock = 256;  // training points per block (a multiple of 64, see PackedB)

inline int lowest_bit64(std::uint64_t w) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(w);
#else
    int i = 0;
    while (!(w & 1u)) {
        w >>= 1;
        ++i;
    }
    return i;
#endif
}

inline int lowest_bit(std::uint32_t w) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctz(w);
#else
    int i = 0;
    while (!(w & 1u)) {
        w >>= 1;
        ++i;
    }
    return i;
#endif
}


// One query's screening state: a max-heap of the k smallest approximate distances, and the list of
// candidates within the error margin of the current k-th.
class Screen {
public:
    void reset(index_t k, double abs_margin, double rel_margin) {
        k_ = k;
        abs_ = abs_margin;
        rel_ = rel_margin;
        heap_.clear();
        cand_.clear();
        compact_at_ = 2 * k + 64;
        threshold_ = std::numeric_limits<double>::infinity();
    }
    // Radius mode: every value at most t (plus the error margins) is a candidate; there is no heap
    // and the threshold never moves.
    void reset_radius(double t, double abs_margin, double rel_margin) {
        reset(0, abs_margin, rel_margin);
        threshold_ = t + 2.0 * (abs_ + rel_ * t);
    }
    double threshold() const { return threshold_; }
    // Lowers the threshold to what a full heap with k-th smallest b would give, for b the k-th
    // smallest of approximate distances that the caller offers next: their k smallest still pass
    // and fill the heap, and most of the others need not be offered at all.
    void prime(double b) { threshold_ = std::min(threshold_, b + 2.0 * (abs_ + rel_ * b)); }

    void offer(double approx, std::int64_t index) {
        if (approx > threshold_) return;
        cand_.push_back({approx, index});
        if (k_ == 0) return;  // radius mode
        if (static_cast<index_t>(heap_.size()) < k_) {
            heap_.push_back(approx);
            std::push_heap(heap_.begin(), heap_.end());
        } else if (approx < heap_.front()) {
            std::pop_heap(heap_.begin(), heap_.end());
            heap_.back() = approx;
            std::push_heap(heap_.begin(), heap_.end());
        }
        if (static_cast<index_t>(heap_.size()) == k_) {
            const double b = heap_.front();
            threshold_ = std::min(threshold_, b + 2.0 * (abs_ + rel_ * b));
        }
        if (static_cast<index_t>(cand_.size()) >= compact_at_) compact();
    }

    void compact() {
        const double t = threshold_;
        cand_.erase(std::remove_if(cand_.begin(), cand_.end(),
                                   [t](const Candidate& c) { return c.dist > t; }),
                    cand_.end());
        compact_at_ = std::max<index_t>(2 * k_ + 64, 2 * static_cast<index_t>(cand_.size()));
    }
    std::vector<Candidate>& candidates() { return cand_; }

private:
    index_t k_ = 0;
    double abs_ = 0, rel_ = 0, threshold_ = 0;
    index_t compact_at_ = 0;
    std::vector<double> heap_;
    std::vector<Candidate> cand_;
};

// Approximate distance for the metrics without a product form, in T (Minkowski: the p-th power
// sum, which ranks like its root).
template <class T>
inline T direct_distance(const T* a, const T* b, index_t d, Metric metric, T p) {
    T s = 0;
    switch (metric) {
        case Metric::Manhattan:
            for (index_t j = 0; j < d; ++j) s += std::fabs(a[j] - b[j]);
            return s;
        case Metric::Chebyshev:
            for (index_t j = 0; j < d; ++j) s = std::max(s, T(std::fabs(a[j] - b[j])));
            return s;
        default:
            for (index_t j = 0; j < d; ++j) s += std::pow(std::fabs(a[j] - b[j]), p);
            return s;
    }
}

// std::nextafter(x, +inf), without the library call (it runs once per threshold change): the
// next representable value above x, by one step of the bit pattern.
template <class S>
S next_up(S x) {
    using U = typename std::conditional<sizeof(S) == 4, std::uint32_t, std::uint64_t>::type;
    static_assert(sizeof(U) == sizeof(S), "IEEE binary32/binary64 only");
    if (!(x < std::numeric_limits<S>::infinity())) return x;  // +inf, NaN
    if (x == S(0)) return std::numeric_limits<S>::denorm_min();
    U u;
    std::memcpy(&u, &x, sizeof u);
    u = x > S(0) ? u + 1 : u - 1;  // magnitude up for positives, down for negatives
    std::memcpy(&x, &u, sizeof u);
    return x;
}

// The largest stored value v worth offering, v + offset <= threshold, rounded upwards so that the
// cheap screen never skips a value that the exact test in Screen::offer would accept.
template <class S>
S screen_limit(double threshold, S offset) {
    if (!(threshold < std::numeric_limits<double>::infinity())) return std::numeric_limits<S>::infinity();
    const double v = threshold - double(offset);
    S lim = S(v);
    if (double(lim) < v) lim = next_up(lim);
    // One more step up absorbs the rounding of dr + offset in S.
    return next_up(next_up(lim)) + std::fabs(offset) * std::numeric_limits<S>::epsilon();
}

bool uses_product(Metric m) {
    return m == Metric::Euclidean || m == Metric::SqEuclidean || m == Metric::Cosine;
}

template <class T>
constexpr double unit_roundoff() {
    return std::numeric_limits<T>::epsilon() / 2;
}

// Start fetching the rows of the query's remaining candidates: they lie anywhere in the training
// set (mostly outside the caches), and a block's worth of fetches in flight at once costs about
// one memory latency instead of one per row.
template <class T>
void prefetch_candidates(Screen& s, const T* X, index_t d) {
    s.compact();
#if defined(__GNUC__) || defined(__clang__)
    const std::size_t bytes = std::size_t(d) * sizeof(T);
    for (const Candidate& e : s.candidates()) {
        const char* row = reinterpret_cast<const char*>(X + e.index * d);
        for (std::size_t off = 0; off < bytes; off += 64) __builtin_prefetch(row + off);
        __builtin_prefetch(row + bytes - 1);
    }
#else
    (void)X;
    (void)d;
#endif
}

// Re-rank one query's candidates exactly and write its k best.
template <class T>
void finish_query(Screen& s, const T* q, const T* X, index_t d, index_t k, Metric metric, double p,
                  T* out_dist, std::int64_t* out_index) {
    s.compact();
    std::vector<Candidate>& c = s.candidates();
    for (Candidate& e : c) e.dist = exact_distance(q, X + e.index * d, d, metric, p);
    std::partial_sort(c.begin(), c.begin() + k, c.end(), before);
    for (index_t i = 0; i < k; ++i) {
        out_dist[i] = T(c[i].dist);
        out_index[i] = c[i].index;
    }
}

// Radius mode: keep the candidates whose exact distance is at most `radius`.
template <class T>
void finish_radius(Screen& s, const T* q, const T* X, index_t d, Metric metric, double p,
                   double radius, std::vector<Candidate>& out) {
    out.clear();
    for (const Candidate& e : s.candidates()) {
        const double dist = exact_distance(q, X + e.index * d, d, metric, p);
        if (dist <= radius) out.push_back({dist, e.index});
    }
}

// What a search is for: the k nearest (written to out_dist / out_index), or, when `per_query` is
// set, every point within `radius` (into per_query[i] for query i, unsorted).
struct Goal {
    index_t k = 0;
    double radius = 0;
    std::vector<std::vector<Candidate>>* per_query = nullptr;
};

// Euclidean, squared euclidean and cosine, screened with products in precision S.
template <class T, class S>
void knn_product(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, Goal goal,
                 Metric metric, T* out_dist, std::int64_t* out_index, int n_threads) {
    const index_t k = goal.k;
    const bool radius_mode = goal.per_query != nullptr;
    const double radius_approx = reduce_distance(goal.radius, metric, 2.0);
    const bool cosine = metric == Metric::Cosine;
    // Training rows prepared in double (centred, or unit-normalised for cosine), stored in S.
    std::vector<double> mean(d, 0.0);
    if (!cosine) {
        for (index_t i = 0; i < n_train; ++i)
            for (index_t j = 0; j < d; ++j) mean[j] += X[i * d + j];
        for (index_t j = 0; j < d; ++j) mean[j] /= double(n_train);
    }
    // Each stored row carries one more column: ‖x‖² (euclidean family), so that the product with a
    // query row extended by −½ yields ‖x‖² − 2·q·x directly (α = −2), with no separate pass.
    const index_t da = cosine ? d : d + 1;
    std::vector<S> Xs(static_cast<std::size_t>(n_train * da));
    double xnorm_max = 0;
    for (index_t i = 0; i < n_train; ++i) {
        const T* x = X + i * d;
        double scale = 1.0, s = 0;
        if (cosine) {
            for (index_t j = 0; j < d; ++j) s += double(x[j]) * double(x[j]);
            scale = s > 0 ? 1.0 / std::sqrt(s) : 1.0;
            s = s > 0 ? 1.0 : 0.0;
            for (index_t j = 0; j < d; ++j) Xs[i * da + j] = S(double(x[j]) * scale);
        } else {
            for (index_t j = 0; j < d; ++j) {
                const double v = double(x[j]) - mean[j];
                Xs[i * da + j] = S(v);
                s += v * v;
            }
            Xs[i * da + d] = S(s);
        }
        xnorm_max = std::max(xnorm_max, s);
    }
    const double u = unit_roundoff<S>();
    const double margin_factor = 1.5 * double(cosine ? d + 8 : 2 * da + 8) * u;
    // op(B) = Xsᵀ is packed once for the gemm's micro-kernel and shared by every query block.
    const PackedB<S> packed(true, da, n_train, Xs.data(), da, n_threads);
    std::vector<S>().swap(Xs);

    // Query blocks of whole register tiles (64 rows rounded up to the micro-kernel's MR), so no
    // partial tile goes through the gemm's edge path.
    const index_t mr = gemm_blocking<S>().mr;
    const index_t qblock = (kQueryBlock + mr - 1) / mr * mr;
    // The screening scan of the active path, from the one per-ISA kernel table.
    const kernel_table::KnnBelowRowsKernel<S> below_rows = kernel_table::kernels<S>().knn_below_rows;
    const index_t n_blocks = (n_queries + qblock - 1) / qblock;
    const int nt = threads_for(n_threads, n_blocks);
    // Per thread of the task pool (by its slot), made the first time that thread takes a block.
    constexpr index_t kWords = (kTrainBlock + 31) / 32;
    struct State {
        std::vector<Screen> screens;
        std::vector<S> qbuf;
        std::vector<double> qnorm;
        std::vector<S> dots;
        std::vector<std::uint32_t> mask;
        std::vector<std::uint64_t> rows_passing;
        std::vector<S> sel;
        // Per query: the screen limit in S and the threshold it was computed for (screen_limit
        // is recomputed only when the threshold moves, which is rare after the first block).
        std::vector<S> lims;
        std::vector<double> lim_for;
        PackedA<S> qpacked;
    };
    PerSlot<State> states(nt);
    // On the task pool (task_pool.hpp): a thread that starts late never holds up the queries.
    parallel_tasks_slots(nt, n_blocks, [&](std::int64_t bi, int slot) {
        const index_t b = static_cast<index_t>(bi);
        State& st = states.get(slot, [&](State& fresh) {
            fresh.screens.resize(qblock);
            fresh.qbuf.resize(static_cast<std::size_t>(qblock * da));
            fresh.qnorm.resize(qblock);
            fresh.dots.resize(static_cast<std::size_t>(qblock * kTrainBlock));
            fresh.mask.resize(static_cast<std::size_t>(qblock * kWords));
            fresh.rows_passing.resize(static_cast<std::size_t>((qblock + 63) / 64));
            fresh.sel.resize(kTrainBlock);
            fresh.lims.resize(qblock);
            fresh.lim_for.resize(qblock);
        });
        std::vector<Screen>& screens = st.screens;
        std::vector<S>& qbuf = st.qbuf;
        std::vector<double>& qnorm = st.qnorm;
        std::vector<S>& dots = st.dots;
        std::vector<std::uint32_t>& mask = st.mask;
        std::vector<std::uint64_t>& rows_passing = st.rows_passing;
        std::vector<S>& sel = st.sel;
        std::vector<S>& lims = st.lims;
        std::vector<double>& lim_for = st.lim_for;
        PackedA<S>& qpacked = st.qpacked;
        const index_t q0 = b * qblock;
        const index_t mb = std::min(qblock, n_queries - q0);
        for (index_t r = 0; r < mb; ++r) {
            const T* q = Q + (q0 + r) * d;
            S* o = qbuf.data() + r * da;
            double s = 0;
            if (cosine) {
                for (index_t j = 0; j < d; ++j) s += double(q[j]) * double(q[j]);
                const double scale = s > 0 ? 1.0 / std::sqrt(s) : 1.0;
                for (index_t j = 0; j < d; ++j) o[j] = S(double(q[j]) * scale);
                s = s > 0 ? 1.0 : 0.0;
            } else {
                for (index_t j = 0; j < d; ++j) {
                    const double v = double(q[j]) - mean[j];
                    o[j] = S(v);
                    s += v * v;
                }
                o[d] = S(-0.5);
            }
            qnorm[r] = s;
            if (radius_mode)
                screens[r].reset_radius(radius_approx, margin_factor * (s + xnorm_max), 0.0);
            else
                screens[r].reset(k, margin_factor * (s + xnorm_max), 0.0);
            lim_for[r] = screens[r].threshold();
            lims[r] = screen_limit<S>(lim_for[r], cosine ? S(1) : S(s));
        }
        // The query block is packed once for all the training blocks.
        qpacked.assign(false, mb, qbuf.data(), da, packed);
        for (index_t t0 = 0; t0 < n_train; t0 += kTrainBlock) {
            const index_t nb = std::min(kTrainBlock, n_train - t0);
            // dots ← ‖x‖² − 2·q·x (cosine: −q·x): a row's distances are then
            // ‖q‖² + dots (cosine: 1 + dots).
            gemm_packed<S>(qpacked, t0, nb, cosine ? S(-1) : S(-2), packed, S(0),
                           dots.data(), nb, 1);
            if (!radius_mode && t0 == 0 && nb / 32 >= k) {
                // First block: each limit starts not from +inf but from an upper bound of
                // the row's k-th smallest value, the k-th smallest of its 32-value groups'
                // minima (k values lie at or below it), so few values are offered.
                const index_t groups = nb / 32;
                for (index_t r = 0; r < mb; ++r) {
                    const S* dr = dots.data() + r * nb;
                    for (index_t g = 0; g < groups; ++g) {
                        S m = std::numeric_limits<S>::infinity();  // NaNs are passed over
                        for (index_t c = g * 32; c < g * 32 + 32; ++c)
                            m = dr[c] < m ? dr[c] : m;
                        sel[g] = m;
                    }
                    std::nth_element(sel.begin(), sel.begin() + (k - 1), sel.begin() + groups);
                    const S offset = cosine ? S(1) : S(qnorm[r]);
                    screens[r].prime(double(std::max(S(0), sel[k - 1] + offset)));
                    lim_for[r] = screens[r].threshold();
                    lims[r] = screen_limit<S>(lim_for[r], offset);
                }
            }
            // Which values come under their row's limit (in most rows, none)?
            const index_t words = (nb + 31) / 32;
            below_rows(dots.data(), mb, nb, lims.data(), mask.data(),
                            rows_passing.data());
            for (index_t rw = 0; rw * 64 < mb; ++rw) {
                for (std::uint64_t rbits = rows_passing[rw]; rbits; rbits &= rbits - 1) {
                    const index_t r = rw * 64 + lowest_bit64(rbits);
                    const S* dr = dots.data() + r * nb;
                    const std::uint32_t* rmask = mask.data() + r * words;
                    S lim = lims[r];
                    Screen& sc = screens[r];
                    const S offset = cosine ? S(1) : S(qnorm[r]);
                    for (index_t w = 0; w < words; ++w) {
                        for (std::uint32_t bits = rmask[w]; bits; bits &= bits - 1) {
                            const index_t c = w * 32 + lowest_bit(bits);
                            // The limit may have dropped since the scan; a value above it
                            // would be turned down by offer anyway.
                            if (!(dr[c] <= lim)) continue;
                            sc.offer(double(std::max(S(0), dr[c] + offset)), t0 + c);
                            if (sc.threshold() != lim_for[r]) {
                                lim_for[r] = sc.threshold();
                                lim = screen_limit<S>(lim_for[r], offset);
                            }
                        }
                    }
                    lims[r] = lim;
                }
            }
        }
        for (index_t r = 0; r < mb; ++r) prefetch_candidates(screens[r], X, d);
        for (index_t r = 0; r < mb; ++r) {
            if (radius_mode)
                finish_radius(screens[r], Q + (q0 + r) * d, X, d, metric, 2.0, goal.radius,
                              (*goal.per_query)[q0 + r]);
            else
                finish_query(screens[r], Q + (q0 + r) * d, X, d, k, metric, 2.0,
                             out_dist + (q0 + r) * k, out_index + (q0 + r) * k);
        }
    });
}

// Manhattan, Chebyshev and Minkowski: pairwise, in T.
template <class T>
void knn_pairwise(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, Goal goal,
                  Metric metric, double p, T* out_dist, std::int64_t* out_index, int n_threads) {
    const index_t k = goal.k;
    const bool radius_mode = goal.per_query != nullptr;
    const double radius_approx = reduce_distance(goal.radius, metric, p);
    const double rel_margin = 1.5 * double(d + 4) * unit_roundoff<T>() *
                              (metric == Metric::Minkowski ? std::max(1.0, p) : 1.0);
    const index_t n_blocks = (n_queries + kQueryBlock - 1) / kQueryBlock;
    const int nt = threads_for(n_threads, n_blocks);
    const T pp = T(p);
    ExceptionSlot errors;
#pragma omp parallel num_threads(nt)
    {
        std::vector<Screen> screens(kQueryBlock);
#pragma omp for schedule(dynamic, 1)
        for (index_t b = 0; b < n_blocks; ++b) {
            errors.run([&] {
                const index_t q0 = b * kQueryBlock;
                const index_t mb = std::min(kQueryBlock, n_queries - q0);
                for (index_t r = 0; r < mb; ++r) {
                    if (radius_mode)
                        screens[r].reset_radius(radius_approx, 0.0, rel_margin);
                    else
                        screens[r].reset(k, 0.0, rel_margin);
                }
                for (index_t t0 = 0; t0 < n_train; t0 += kTrainBlock) {
                    const index_t nb = std::min(kTrainBlock, n_train - t0);
                    for (index_t r = 0; r < mb; ++r) {
                        const T* q = Q + (q0 + r) * d;
                        Screen& sc = screens[r];
                        for (index_t c = 0; c < nb; ++c)
                            sc.offer(double(direct_distance(q, X + (t0 + c) * d, d, metric, pp)), t0 + c);
                    }
                }
                for (index_t r = 0; r < mb; ++r) {
                    if (radius_mode)
                        finish_radius(screens[r], Q + (q0 + r) * d, X, d, metric, p, goal.radius,
                                      (*goal.per_query)[q0 + r]);
                    else
                        finish_query(screens[r], Q + (q0 + r) * d, X, d, k, metric, p,
                                     out_dist + (q0 + r) * k, out_index + (q0 + r) * k);
                }
            });
        }
    }
    errors.rethrow();
}

// Single precision screens well unless the (centred) values leave its comfortable range: float32
// input too (squares of values beyond ~1e19 overflow it). An OR of comparisons per element (which
// vectorises) rather than a running maximum (which would not).
template <class T>
bool in_float_range(const T* v, index_t count, bool& some_not_tiny) {
    unsigned big = 0, not_tiny = 0;
    for (index_t i = 0; i < count; ++i) {
        const T a = std::fabs(v[i]);
        big |= static_cast<unsigned>(a >= T(1e15));
        not_tiny |= static_cast<unsigned>(a > T(1e-15));
    }
    some_not_tiny = some_not_tiny || not_tiny;
    return !big;
}

template <class T>
bool float_screening_is_safe(const T* X, index_t n, const T* Q, index_t nq, index_t d) {
    // All-zero data is safe; otherwise the largest magnitude must lie in (1e-15, 1e15).
    bool some_not_tiny = false;
    if (!in_float_range(X, n * d, some_not_tiny) || !in_float_range(Q, nq * d, some_not_tiny))
        return false;
    bool all_zero = true;
    if (!some_not_tiny)
        for (index_t i = 0; i < n * d && all_zero; ++i) all_zero = X[i] == T(0);
    if (!some_not_tiny)
        for (index_t i = 0; i < nq * d && all_zero; ++i) all_zero = Q[i] == T(0);
    return some_not_tiny || all_zero;
}

template <class T>
void brute_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, Goal goal,
                  Metric metric, double p, T* out_dist, std::int64_t* out_index, int n_threads) {
    if (!uses_product(metric)) {
        knn_pairwise(X, n_train, Q, n_queries, d, goal, metric, p, out_dist, out_index, n_threads);
    } else if (metric == Metric::Cosine || float_screening_is_safe(X, n_train, Q, n_queries, d)) {
        knn_product<T, float>(X, n_train, Q, n_queries, d, goal, metric, out_dist, out_index, n_threads);
    } else {
        knn_product<T, double>(X, n_train, Q, n_queries, d, goal, metric, out_dist, out_index, n_threads);
    }
}

}  // namespace

template <class T>
void knn_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, index_t k,
                Metric metric, double p, T* out_dist, std::int64_t* out_index, int n_threads) {
    require(n_train > 0, "knn_search: the training set is empty");
    require(d > 0, "knn_search: zero features");
    require(k >= 1 && k <= n_train, "knn_search: k must be in [1, n_train]");
    require(metric != Metric::Minkowski || p > 0, "knn_search: Minkowski p must be > 0");
    if (n_queries == 0) return;
    Goal goal;
    goal.k = k;
    brute_search(X, n_train, Q, n_queries, d, goal, metric, p, out_dist, out_index, n_threads);
}

template <class T>
void radius_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d,
                   double radius, Metric metric, double p, bool sort_results,
                   RadiusNeighbors<T>& out, int n_threads) {
    require(n_train > 0, "radius_search: the training set is empty");
    require(d > 0, "radius_search: zero features");
    require(radius >= 0, "radius_search: radius must be >= 0");
    require(metric != Metric::Minkowski || p > 0, "radius_search: Minkowski p must be > 0");
    std::vector<std::vector<Candidate>> per_query(static_cast<std::size_t>(n_queries));
    if (n_queries > 0) {
        Goal goal;
        goal.radius = radius;
        goal.per_query = &per_query;
        brute_search(X, n_train, Q, n_queries, d, goal, metric, p, static_cast<T*>(nullptr),
                     static_cast<std::int64_t*>(nullptr), n_threads);
    }
    knn_detail::gather_radius(per_query, sort_results, out, n_threads);
}

template void knn_search<float>(const float*, index_t, const float*, index_t, index_t, index_t,
                                Metric, double, float*, std::int64_t*, int);
template void knn_search<double>(const double*, index_t, const double*, index_t, index_t, index_t,
                                 Metric, double, double*, std::int64_t*, int);

template void radius_search<float>(const float*, index_t, const float*, index_t, index_t, double,
                                   Metric, double, bool, RadiusNeighbors<float>&, int);
template void radius_search<double>(const double*, index_t, const double*, index_t, index_t, double,
                                    Metric, double, bool, RadiusNeighbors<double>&, int);

void knn_vote(const std::int64_t* ind, index_t n_queries, index_t k, const std::int64_t* labels,
              index_t n_train, index_t n_classes, const double* w, double* totals, int n_threads) {
    require(n_queries >= 0 && k >= 0 && n_train >= 0 && n_classes >= 1, "knn_vote: bad sizes");
    for (index_t t = 0; t < n_queries * k; ++t)
        require(ind[t] >= 0 && ind[t] < n_train, "knn_vote: a neighbour index is out of range");
    for (index_t t = 0; t < n_train; ++t)
        require(labels[t] >= 0 && labels[t] < n_classes, "knn_vote: a label is out of range");
    constexpr index_t kRows = 4096;
    const index_t nb = (n_queries + kRows - 1) / kRows;
    parallel_for(threads_for(n_threads, nb), nb, [&](index_t b) {
        const index_t i0 = b * kRows, i1 = std::min(n_queries, i0 + kRows);
        std::fill(totals + i0 * n_classes, totals + i1 * n_classes, 0.0);
        for (index_t i = i0; i < i1; ++i) {
            double* row = totals + i * n_classes;
            for (index_t j = 0; j < k; ++j) row[labels[ind[i * k + j]]] += w ? w[i * k + j] : 1.0;
        }
    });
}

}  // namespace scratchlearn
