// k-means: Lloyd's and Elkan's iterations with a fused assignment step.
//
// Lloyd. The samples are cut into chunks of 256 rows. For a chunk, the block of dot products
// x·c (256 × k) comes from gemm() into a small per-thread buffer, and each row is reduced at once
// to its nearest centre through ‖x − c‖² = ‖x‖² + ‖c‖² − 2·x·c, where ‖x‖² is the same for every
// centre and can be dropped. No n × k matrix is ever stored. While the chunk is hot, each sample
// adds w·x and w into the partial sums of its cluster.
//
// The loops that touch every sample after the product (the argmin, the label bookkeeping, the
// partial sums) live in chunk_kernels_*.cpp, compiled for the portable target and for AVX2 and
// chosen at run time.
//
// Determinism. Chunks are grouped into at most kMaxGroups contiguous groups that do not depend on
// the thread count; each group accumulates its own partial sums (in double), threads take whole
// groups, and the partials are reduced in group order. So centres, labels, inertia and n_iter are
// bit-for-bit identical for any n_threads.
//
// Bounded Lloyd. From 20 features and a few hundred k·d on (the vector paths), the passes after
// the first skip the samples whose label the triangle inequality settles (Hamerly's two bounds
// per sample, with a margin for the rounding of the expanded form, so the labels are those the
// full pass would give), and keep the partial sums from pass to pass, updated by the samples that
// change cluster: see lloyd_bounded_pass.
//
// Update. New centre = Σ w·x / Σ w. A cluster left with no weight is moved onto the sample that is
// farthest from its current centre (taking that sample's contribution away from its own cluster),
// the next empty cluster onto the next farthest sample, and so on. The run stops when no label
// changed ("strict convergence"), or when Σ_j ‖c_j^new − c_j^old‖² <= tol.
//
// Elkan. The initial bounds (and those of a chunk whose bounds have grown too loose after large
// moves) come from the register kernel, all k distances at once, with a rounding margin; otherwise
// distances are computed exactly in T, one pair at a time, only when the triangle inequality
// cannot rule the pair out: u(x) >= ‖x − c_label‖ (upper bound), l(x, j) <= ‖x − c_j‖ (lower
// bounds), and ‖c_label − c_j‖ / 2 >= u(x) proves that c_j cannot be closer. After each update the
// bounds move by how far each centre moved.
//
// Cost per Lloyd iteration: 2·n·k·d flops in the product plus O(n·(k + d)); memory O(k·d) per group.
// std::sqrt never needs errno here; without it the bound loops vectorise.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-math-errno")
#endif
#include "scratchlearn/cluster.hpp"
#include "scratchlearn/task_pool.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <type_traits>
#include <utility>
#include <vector>

#include "chunk_kernels.hpp"
#include "sq_norm8.hpp"
#include "scratchlearn/cpu.hpp"
#include "scratchlearn/parallel.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace scratchlearn {
namespace {

constexpr index_t kChunk = 256;      // rows per assignment chunk
constexpr index_t kWideChunk = 4096; // rows per block of the few-rows distance products (k-means++)
constexpr index_t kMaxGroups = 64;   // fixed partition of the chunks, whatever the thread count
constexpr index_t kMinGroups = 16;  // fewest groups when the partial sums are large
constexpr double kPartialBytes = 4.0 * 1024 * 1024;  // partial sums of all groups, when k·d is large
// Lloyd's bounded pass from these sizes on (measured on 2 cores, 50000 samples, against the full
// pass: below them its bookkeeping and the gathers cost what the skipped products save; float's
// products cost half as much, so it starts at twice the k·d)
constexpr index_t kBoundedMinD = 20;
constexpr index_t kBoundedMinKD = 400;  // k·d in float64, 800 in float32

// Threads worth starting for `work` multiply-adds split into `items` independent pieces: waking a
// team costs more than a small pass (and much more on a busy machine), so each thread gets at
// least kMinWorkPerThread. Only the speed depends on this, never the result.
constexpr double kMinWorkPerThread = 1 << 20;
inline int team_size(int n_threads, long long items, double work) {
    const double by_work = std::max(1.0, work / kMinWorkPerThread);
    const long long cap = by_work < double(items) ? static_cast<long long>(by_work) : items;
    return threads_for(n_threads, cap);
}

// Exact squared distance accumulated in double.
template <class T>
inline double sq_dist(const T* a, const T* b, index_t d) {
    double s = 0;
    for (index_t f = 0; f < d; ++f) {
        const double t = double(a[f]) - double(b[f]);
        s += t * t;
    }
    return s;
}

// The fixed partition of n samples into chunks and groups, plus one partial-sum slot per group.
struct Partition {
    index_t n = 0, n_chunks = 0, n_groups = 0;
    index_t chunk_begin(index_t g) const { return g * n_chunks / n_groups; }
    index_t row_begin(index_t c) const { return std::min(n, c * kChunk); }

    Partition(index_t n_, index_t k, index_t d) : n(n_) {
        n_chunks = (n + kChunk - 1) / kChunk;
        if (n_chunks < 1) n_chunks = 1;
        // Each group's partials are zeroed and reduced once per pass; beyond a few MB in all
        // that traffic starts to show next to the distances, so large k·d gets fewer groups (at
        // least kMinGroups, for the threads' balance).
        const double per_group = double(k) * double(d + 1) * sizeof(double);
        const index_t cap = static_cast<index_t>(std::max(
            double(kMinGroups), kPartialBytes / std::max(per_group, 1.0)));
        n_groups = std::max<index_t>(1, std::min({n_chunks, kMaxGroups, cap}));
    }
};

struct Partials {
    index_t k = 0, d = 0;
    std::vector<double> sums;      // n_groups × k × d
    std::vector<double> weights;   // n_groups × k
    std::vector<double> inertia;   // n_groups
    std::vector<long long> changed;  // n_groups

    void resize(index_t n_groups, index_t k_, index_t d_, bool with_sums) {
        k = k_;
        d = d_;
        if (with_sums) {
            sums.assign(static_cast<size_t>(n_groups * k * d), 0.0);
            weights.assign(static_cast<size_t>(n_groups * k), 0.0);
        }
        inertia.assign(static_cast<size_t>(n_groups), 0.0);
        changed.assign(static_cast<size_t>(n_groups), 0);
    }
    void clear() {
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(weights.begin(), weights.end(), 0.0);
        std::fill(inertia.begin(), inertia.end(), 0.0);
        std::fill(changed.begin(), changed.end(), 0);
    }
    // Group partials summed in group order.
    void reduce(index_t n_groups, double* total_sums, double* total_weights) const {
        std::fill(total_sums, total_sums + k * d, 0.0);
        std::fill(total_weights, total_weights + k, 0.0);
        for (index_t g = 0; g < n_groups; ++g) {
            const double* s = sums.data() + g * k * d;
            const double* w = weights.data() + g * k;
            for (index_t i = 0; i < k * d; ++i) total_sums[i] += s[i];
            for (index_t j = 0; j < k; ++j) total_weights[j] += w[j];
        }
    }
    double total_inertia(index_t n_groups) const {
        double s = 0;
        for (index_t g = 0; g < n_groups; ++g) s += inertia[g];
        return s;
    }
    long long total_changed(index_t n_groups) const {
        long long s = 0;
        for (index_t g = 0; g < n_groups; ++g) s += changed[g];
        return s;
    }
};

using kmeans_detail::sq_norm_fast;  // sq_norm8.hpp (sq_dist keeps one running sum)

// `count` zeros in v, returned from a 64-byte boundary (one vector load never splits a line).
template <class T>
T* zeroed_aligned(std::vector<T>& v, index_t count) {
    v.assign(static_cast<size_t>(count) + 64 / sizeof(T), T(0));
    const auto p = reinterpret_cast<std::uintptr_t>(v.data());
    return reinterpret_cast<T*>((p + 63) & ~std::uintptr_t(63));
}

// The register kernels' layout of the centres (kernel_table.hpp, argmin_rows): kp columns (8,
// 16 or a multiple of 16), −2·Cᵀ as d × kp for kp <= 16, else as d × 16 panels (centres 16p …
// 16p+15, one panel after the other), 64-byte aligned in `store`; cnp[j] = cn[j], `pad` past k.
inline index_t padded_centres(index_t k) { return k <= 8 ? 8 : (k + 15) / 16 * 16; }
inline index_t panel_width(index_t kp) { return kp <= 16 ? kp : 16; }

template <class T>
T* pack_centres(const T* C, const T* cn, index_t k, index_t d, index_t kp, T pad,
                std::vector<T>& store, std::vector<T>& cnp) {
    T* Ct = zeroed_aligned(store, d * kp);
    cnp.assign(static_cast<size_t>(kp), pad);
    const index_t width = panel_width(kp);
    for (index_t j = 0; j < k; ++j) {
        cnp[j] = cn[j];
        T* panel = Ct + (j / width) * d * width;
        for (index_t f = 0; f < d; ++f) panel[f * width + j % width] = T(-2) * C[j * d + f];
    }
    return Ct;
}

template <class T>
void row_sq_norms(const T* C, index_t k, index_t d, T* out) {
    for (index_t j = 0; j < k; ++j) {
        double s = 0;
        for (index_t f = 0; f < d; ++f) s += double(C[j * d + f]) * double(C[j * d + f]);
        out[j] = T(s);
    }
}

// Adds w·x into the group's partial sums of cluster `label`.
template <class T>
inline void accumulate(const T* x, double w, index_t d, std::int32_t label, double* sums,
                       double* weights) {
    double* s = sums + static_cast<index_t>(label) * d;
    for (index_t f = 0; f < d; ++f) s[f] += double(x[f]) * w;
    weights[label] += w;
}

template <class T>
const kmeans_kernels::ChunkKernels<T>& chunk_kernels() {
    return kernel_table::kernels<T>().kmeans;  // the active path's (kernel_table.hpp)
}

// A chunk's labels (lab, as T) into `labels` (counting changes), its samples' Σ w·x and Σ w into
// the group's double partials gs, gw when with_sums, its inertia when with_inertia. In double the
// chunk adds straight into the group's partials; in float it adds into its own float sums first
// (csum, cw: a float vector loop, zero on entry and on return), folded into the partials here.
template <class T>
inline void finish_chunk_into(const kmeans_kernels::ChunkKernels<T>& K, const T* X, const T* sw,
                              const T* C, index_t r0, index_t m, index_t d, index_t k, const T* lab,
                              std::int32_t* labels, bool with_sums, bool with_inertia, T* csum,
                              T* cw, double* gs, double* gw, long long& changed, double& inertia) {
    T* sums_to = csum;
    T* weights_to = cw;
    if constexpr (std::is_same_v<T, double>) {
        sums_to = gs;
        weights_to = gw;
    }
    K.finish_chunk(X, sw, C, r0, m, d, lab, labels, with_sums ? sums_to : nullptr, weights_to,
                   with_inertia, &changed, &inertia);
    if (with_sums && !std::is_same_v<T, double>) {
        // The chunk's sums into the group's double partials (k·d adds per chunk of 256 samples:
        // small next to the 256·k·d of the distances).
        for (index_t j = 0; j < k; ++j) {
            gw[j] += double(cw[j]);
            cw[j] = T(0);
            T* cs = csum + j * d;
            double* s = gs + j * d;
            for (index_t f = 0; f < d; ++f) {
                s[f] += double(cs[f]);
                cs[f] = T(0);
            }
        }
    }
}

// One Lloyd assignment pass over all samples with centres C: labels (counting changes), optional
// partial sums and optional exact inertia, per group.
template <class T>
void lloyd_pass(const T* X, index_t /*n*/, index_t d, const T* sw, const T* C, index_t k,
                std::int32_t* labels, bool with_sums, bool with_inertia, const Partition& part,
                Partials& P, std::vector<T>& buffers, std::vector<T>& c_norms, int n_threads) {
    require(k >= 1 && k < (index_t(1) << 24), "kmeans: n_clusters must be in [1, 2^24)");
    c_norms.resize(static_cast<size_t>(k));
    row_sq_norms(C, k, d, c_norms.data());
    const T* cn = c_norms.data();
    const kmeans_kernels::ChunkKernels<T> K = chunk_kernels<T>();
    // On a vector path: distances accumulated in registers against −2·Cᵀ (padded to kp columns,
    // in panels of 16 centres beyond 16), with no product buffer; otherwise the product per chunk.
    const index_t kp = K.argmin_rows ? padded_centres(k) : 0;
    std::vector<T> Ct_store, cnp;
    T* Ct = kp ? pack_centres(C, cn, k, d, kp, std::numeric_limits<T>::infinity(), Ct_store, cnp)
               : nullptr;
    const int nt = team_size(n_threads, part.n_groups, double(part.n) * double(k) * double(d));
    // Per thread: the product buffer (none on the register path), best and label per sample, and
    // the chunk's own sums and weights in T.
    const index_t prod = kp ? 0 : kChunk * k;
    const index_t per_thread = prod + 2 * kChunk + (with_sums ? k * (d + 1) : 0);
    buffers.assign(static_cast<size_t>(nt * per_thread), T(0));
    P.clear();
    // On the task pool (task_pool.hpp): a thread that starts late never holds up the pass.
    parallel_tasks_slots(nt, part.n_groups, [&](std::int64_t gi, int slot) {
        const index_t g = static_cast<index_t>(gi);
        T* buf = buffers.data() + static_cast<index_t>(slot) * per_thread;
        T* best = buf + prod;        // per sample: smallest ‖c‖² − 2·x·c so far
        T* lab = best + kChunk;      // and its centre, as T (exact: k < 2^24 is checked)
        T* csum = lab + kChunk;      // the chunk's Σ w·x (k × d), then Σ w (k)
        T* cw = csum + k * d;
            {
                double* gs = with_sums ? P.sums.data() + g * k * d : nullptr;
                double* gw = with_sums ? P.weights.data() + g * k : nullptr;
                double inertia = 0;
                long long changed = 0;
                for (index_t c = part.chunk_begin(g); c < part.chunk_begin(g + 1); ++c) {
                    const index_t r0 = part.row_begin(c), r1 = part.row_begin(c + 1);
                    const index_t m = r1 - r0;
                    if (m <= 0) continue;
                    // buf = −2·C·X_chunkᵀ (k × m): one row per centre, one column per sample,
                    // so the argmin below runs across samples (vectorisable, no branch).
                    if (kp) {
                        K.argmin_rows(X + r0 * d, m, d, Ct, cnp.data(), kp, k, best, lab);
                    } else {
                        gemm<T>(false, true, k, m, d, T(-2), C, d, X + r0 * d, d, T(0), buf, m, 1);
                        K.argmin_columns(buf, cn, k, m, best, lab);
                    }
                    finish_chunk_into(K, X, sw, C, r0, m, d, k, lab, labels, with_sums, with_inertia,
                                      csum, cw, gs, gw, changed, inertia);
                }
                P.inertia[g] = inertia;
                P.changed[g] = changed;
            }
    });
}

// Lloyd's pass with Hamerly's bounds. Per sample, in double: `upper` >= the distance to its
// centre and `lower` <= the distance to every other centre, kept true across iterations by the
// triangle inequality (after the centres move, upper grows by its centre's shift and lower shrinks
// by the largest shift of another centre). A sample keeps its label without any product when
//     upper² + 2·E < L²,   L = max(lower, 2·s_a − upper),   s_a = ½ min_{j≠a} ‖c_a − c_j‖,
// where E bounds the rounding of the expanded form ‖c‖² − 2·x·c that Lloyd's pass compares
// (2·(d + 4)·ε·(3·max‖c‖² + ‖x‖²), twice the error of its d + 1 rounded multiply-adds): the values
// that pass would compute for that sample then put its centre strictly first, so it would give
// the same label. Otherwise the upper bound is first tightened to the exact distance (d
// operations); when that does not settle it either, the sample's row goes with the chunk's other
// undecided rows through the register kernel (argmin2_rows: the sums of Lloyd's argmin_rows, in
// the same order), whose smallest value gives the label exactly as the full pass gives it, and
// whose two smallest give new bounds. The first pass computes every sample that way.
// So for given centres the labels are the full pass's, bit for bit. The centres themselves come
// from sums kept across passes (below), which round differently from sums made afresh: float64
// centres agree with the full pass's to about 1e-15 (float32 ones to the full pass's float chunk
// sums, about 1e-7), the same labels and n_iter on the tests' data; on data without clusters a
// float32 run may part from the full pass's after many iterations, as any two roundings may.
// On clustered data, after the first iterations, a tenth to a third of the samples are read
// and fewer still need products.
struct LloydBounds {
    std::vector<double> upper, lower, xn;  // per sample; xn = ‖x‖²
    std::vector<double> shift;             // per centre: how far it moved since the last pass
    bool valid = false;                    // false: no bounds yet, every sample is computed
    // The groups' partial sums are kept from pass to pass and updated by the samples that change
    // cluster (x taken from the old cluster's sum, added to the new one's) instead of summed
    // again over every sample, which would read all of X each pass: after the first passes most
    // samples neither move nor need a product, and are then never read. The updates are
    // compensated (Knuth's two-sum: each rounding error kept in sums_lo), so a cluster that loses
    // most of its samples still has its remaining sum to the precision of a fresh one. Each group
    // applies its samples' moves in sample order: the sums do not depend on the thread count.
    bool sums_valid = false;
    std::vector<double> sums_lo, weights_lo;  // n_groups × k × d, n_groups × k
    std::vector<long long> counts;            // n_groups × k: a cluster with none is empty
};

// hi + lo += v, hi the rounded sum and lo the accumulated rounding errors (two-sum).
inline void add_compensated(double& hi, double& lo, double v) {
    const double s = hi + v, bv = s - hi;
    lo += (hi - (s - bv)) + (v - bv);
    hi = s;
}

template <class T>
void lloyd_bounded_pass(const T* X, index_t n, index_t d, const T* sw, const T* C, index_t k,
                        std::int32_t* labels, bool with_sums, bool with_inertia,
                        const Partition& part, Partials& P, LloydBounds& B, int n_threads) {
    const kmeans_kernels::ChunkKernels<T>& K = chunk_kernels<T>();
    std::vector<T> cn(static_cast<size_t>(k));
    row_sq_norms(C, k, d, cn.data());
    // the register kernel's layout, as lloyd_pass packs it (+inf past k: never an argmin)
    const index_t kp = padded_centres(k);
    std::vector<T> Ct_store, cnp_inf;
    const T* Ct = pack_centres(C, cn.data(), k, d, kp, std::numeric_limits<T>::infinity(), Ct_store,
                               cnp_inf);
    double cmax = 0;
    for (index_t j = 0; j < k; ++j) cmax = std::max(cmax, double(cn[j]));
    const double eps = 2.0 * double(d + 4) * double(std::numeric_limits<T>::epsilon());
    const double deps = 8.0 * double(d + 4) * std::numeric_limits<double>::epsilon();
    // s_a, a little low; the shifts (a little high): the largest two, for "every other centre"
    std::vector<double> s_half(static_cast<size_t>(k), std::numeric_limits<double>::infinity());
    for (index_t a = 0; a < k; ++a)
        for (index_t b = a + 1; b < k; ++b) {
            const double h = 0.5 * std::sqrt(sq_norm_fast(C + a * d, C + b * d, d)) * (1.0 - deps);
            s_half[a] = std::min(s_half[a], h);
            s_half[b] = std::min(s_half[b], h);
        }
    double ms1 = 0, ms2 = 0;
    index_t top = -1;
    if (B.valid)
        for (index_t j = 0; j < k; ++j) {
            const double v = B.shift[j];
            if (v > ms1) {
                ms2 = ms1;
                ms1 = v;
                top = j;
            } else if (v > ms2) {
                ms2 = v;
            }
        }
    const bool first = !B.valid;
    // incremental sums from the second summing pass on (the first sums every sample afresh)
    const bool incremental = with_sums && B.sums_valid;
    if (with_sums && !B.sums_valid) {
        B.sums_lo.assign(P.sums.size(), 0.0);
        B.weights_lo.assign(P.weights.size(), 0.0);
        B.counts.assign(P.weights.size(), 0);
    }
    if (first) {
        B.upper.assign(static_cast<size_t>(n), 0.0);
        B.lower.assign(static_cast<size_t>(n), 0.0);
        B.xn.assign(static_cast<size_t>(n), 0.0);
    }
    // Work for the team size: the products of every sample in the first pass, else about a
    // third of them (a guess: only the speed depends on it).
    const double work = double(n) * double(k) * double(d) * (first ? 1.0 : 0.3);
    const int nt = team_size(n_threads, part.n_groups, work);
    struct Scratch {
        std::vector<T> lab, rows, out, b1, b2, csum;
        std::vector<index_t> cand, bl;
    };
    PerSlot<Scratch> scratch(nt);
    if (incremental) {
        std::fill(P.inertia.begin(), P.inertia.end(), 0.0);
        std::fill(P.changed.begin(), P.changed.end(), 0);
    } else {
        P.clear();
    }
    parallel_tasks_slots(nt, part.n_groups, [&](std::int64_t gi, int slot) {
        const index_t g = static_cast<index_t>(gi);
        Scratch& sc = scratch.get(slot, [&](Scratch& f) {
            f.lab.resize(kChunk);
            f.rows.resize(static_cast<size_t>(kChunk * d));
            f.out.resize(kChunk);
            f.b1.resize(kChunk);
            f.b2.resize(kChunk);
            f.cand.resize(kChunk);
            f.bl.resize(kChunk);
            f.csum.assign(static_cast<size_t>(k * (d + 1)), T(0));
        });
        double* gs = with_sums ? P.sums.data() + g * k * d : nullptr;
        double* gw = with_sums ? P.weights.data() + g * k : nullptr;
        double inertia = 0;
        long long changed = 0;
        T* lab = sc.lab.data();
        for (index_t c = part.chunk_begin(g); c < part.chunk_begin(g + 1); ++c) {
            const index_t r0 = part.row_begin(c), m = part.row_begin(c + 1) - r0;
            if (m <= 0) continue;
            index_t nc = 0;
            if (first) {
                // every sample through the register kernel: its label (Lloyd's), its two smallest
                // values for the bounds
                T* best = sc.b1.data();
                T* second = sc.b2.data();
                K.argmin2_rows(X + r0 * d, m, d, Ct, cnp_inf.data(), kp, k, best, second, lab);
                for (index_t i = 0; i < m; ++i) {
                    const index_t r = r0 + i;
                    const double xn = sq_norm_fast(X + r * d, static_cast<const T*>(nullptr), d);
                    const double e = eps * (3.0 * cmax + xn);
                    B.xn[r] = xn;
                    B.upper[r] = std::sqrt(std::max(double(best[i]) + xn + e, 0.0)) * (1.0 + deps);
                    B.lower[r] = std::sqrt(std::max(double(second[i]) + xn - e, 0.0)) * (1.0 - deps);
                }
            }
            // Two steps: the bounds alone settle most samples without reading them; the others'
            // rows are then read (fetched a few rows ahead: they are in memory, not cache) to
            // tighten the upper bound to the exact distance, which settles some more.
            index_t n_tight = 0;
            index_t* tight = sc.bl.data();  // the samples to tighten
            for (index_t i = 0; !first && i < m; ++i) {
                const index_t r = r0 + i;
                const index_t a = labels[r];
                const double e2 = 2.0 * eps * (3.0 * cmax + B.xn[r]);
                const double u = (B.upper[r] + B.shift[a]) * (1.0 + deps);
                const double l = B.lower[r] - (a == top ? ms2 : ms1) * (1.0 + deps);
                const double L = std::max(l, 2.0 * s_half[a] - u);
                B.upper[r] = u;
                B.lower[r] = l;
                lab[i] = T(a);
                if (!(L > 0 && u * u + e2 < L * L)) tight[n_tight++] = i;
            }
            constexpr index_t kAheadRows = 4;
            const index_t line = 64 / static_cast<index_t>(sizeof(T));
            for (index_t q = 0; q < n_tight; ++q) {
                if (q + kAheadRows < n_tight) {
                    const T* ahead = X + (r0 + tight[q + kAheadRows]) * d;
                    for (index_t f = 0; f < d; f += line) __builtin_prefetch(ahead + f);
                }
                const index_t i = tight[q], r = r0 + i;
                const index_t a = labels[r];
                const double e2 = 2.0 * eps * (3.0 * cmax + B.xn[r]);
                const double u = std::sqrt(sq_norm_fast(X + r * d, C + a * d, d)) * (1.0 + deps);
                const double l = B.lower[r];
                const double L = std::max(l, 2.0 * s_half[a] - u);
                B.upper[r] = u;
                if (!(L > 0 && u * u + e2 < L * L)) sc.cand[nc++] = i;
            }
            if (nc > 0) {
                // the undecided rows, gathered (all of the chunk's: read in place)
                const T* rows = X + r0 * d;
                if (nc < m) {
                    T* dst = sc.rows.data();
                    for (index_t q = 0; q < nc; ++q)
                        std::copy(X + (r0 + sc.cand[q]) * d, X + (r0 + sc.cand[q] + 1) * d, dst + q * d);
                    rows = dst;
                }
                // their two smallest values and the label through the register kernel
                T* b1 = sc.b1.data();
                T* b2 = sc.b2.data();
                T* bl = sc.out.data();
                K.argmin2_rows(rows, nc, d, Ct, cnp_inf.data(), kp, k, b1, b2, bl);
                for (index_t q = 0; q < nc; ++q) {
                    const index_t i = sc.cand[q], r = r0 + i;
                    lab[i] = bl[q];
                    const double xn = B.xn[r], e = eps * (3.0 * cmax + xn);
                    B.upper[r] = std::sqrt(std::max(double(b1[q]) + xn + e, 0.0)) * (1.0 + deps);
                    B.lower[r] = std::sqrt(std::max(double(b2[q]) + xn - e, 0.0)) * (1.0 - deps);
                }
            }
            if (incremental) {
                double* gsl = B.sums_lo.data() + g * k * d;
                double* gwl = B.weights_lo.data() + g * k;
                for (index_t i = 0; i < m; ++i) {
                    const index_t r = r0 + i;
                    const std::int32_t to = static_cast<std::int32_t>(lab[i]), from = labels[r];
                    if (to == from) continue;
                    ++changed;
                    labels[r] = to;
                    const T* x = X + r * d;
                    const double w = double(sw[r]);
                    double *sf = gs + index_t(from) * d, *st = gs + index_t(to) * d;
                    double *lf = gsl + index_t(from) * d, *lt = gsl + index_t(to) * d;
                    for (index_t f = 0; f < d; ++f) {
                        const double v = double(x[f]) * w;
                        add_compensated(sf[f], lf[f], -v);
                        add_compensated(st[f], lt[f], v);
                    }
                    add_compensated(gw[from], gwl[from], -w);
                    add_compensated(gw[to], gwl[to], w);
                    --B.counts[g * k + from];
                    ++B.counts[g * k + to];
                }
            } else {
                finish_chunk_into(K, X, sw, C, r0, m, d, k, lab, labels, with_sums, with_inertia,
                                  sc.csum.data(), sc.csum.data() + k * d, gs, gw, changed, inertia);
                if (with_sums)
                    for (index_t i = 0; i < m; ++i) ++B.counts[g * k + labels[r0 + i]];
            }
        }
        P.inertia[g] = inertia;
        P.changed[g] = changed;
    });
    B.valid = true;
    if (with_sums) B.sums_valid = true;
    std::fill(B.shift.begin(), B.shift.end(), 0.0);
}

// Exact inertia of fixed labels and centres.
template <class T>
double inertia_of(const T* X, index_t n, index_t d, const T* sw, const T* C,
                  const std::int32_t* labels, const Partition& part, Partials& P, int n_threads) {
    const int nt = team_size(n_threads, part.n_groups, double(n) * double(d));
    parallel_tasks(nt, part.n_groups, [&](std::int64_t gi) {
        const index_t g = static_cast<index_t>(gi);
        double s = 0;
        for (index_t r = part.row_begin(part.chunk_begin(g));
             r < part.row_begin(part.chunk_begin(g + 1)); ++r)
            s += double(sw[r]) * sq_norm_fast(X + r * d, C + labels[r] * d, d);
        P.inertia[g] = s;
    });
    (void)n;
    return P.total_inertia(part.n_groups);
}

// The M step from reduced sums: relocate empty clusters, average, and measure the shift of every
// centre. `old_c` are the centres the labels were computed with; `new_c` receives the new ones.
// Returns Σ_j shift_j².
template <class T>
double update_centers(const T* X, index_t n, index_t d, const T* sw, const T* old_c, T* new_c,
                      index_t k, const std::int32_t* labels, std::vector<double>& sums,
                      std::vector<double>& weights, std::vector<double>& shift,
                      const Partition& part, int n_threads) {
    std::vector<index_t> empty;
    for (index_t j = 0; j < k; ++j)
        if (weights[j] == 0.0) empty.push_back(j);
    if (!empty.empty()) {
        // Distance of every sample to the centre of its cluster; the farthest ones seed the empties.
        std::vector<double> dist(static_cast<size_t>(n));
        const int nt = team_size(n_threads, part.n_groups, double(n) * double(d));
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t r = 0; r < n; ++r) dist[r] = sq_dist(X + r * d, old_c + labels[r] * d, d);
        const index_t n_empty = std::min<index_t>(static_cast<index_t>(empty.size()), n);
        std::vector<index_t> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), index_t(0));
        std::partial_sort(order.begin(), order.begin() + n_empty, order.end(),
                          [&](index_t a, index_t b) {
                              return dist[a] > dist[b] || (dist[a] == dist[b] && a < b);
                          });
        for (index_t e = 0; e < n_empty; ++e) {
            const index_t to = empty[e], far = order[e];
            const index_t from = labels[far];
            const double w = double(sw[far]);
            const T* x = X + far * d;
            for (index_t f = 0; f < d; ++f) {
                sums[from * d + f] -= double(x[f]) * w;
                sums[to * d + f] = double(x[f]) * w;
            }
            weights[to] = w;
            weights[from] -= w;
        }
    }
    double total = 0;
    shift.assign(static_cast<size_t>(k), 0.0);
    for (index_t j = 0; j < k; ++j) {
        T* c = new_c + j * d;
        const T* o = old_c + j * d;
        if (weights[j] > 0) {
            const double alpha = 1.0 / weights[j];
            for (index_t f = 0; f < d; ++f) c[f] = T(sums[j * d + f] * alpha);
        } else {
            for (index_t f = 0; f < d; ++f) c[f] = o[f];  // no weight at all: stay in place
        }
        double s = 0;
        for (index_t f = 0; f < d; ++f) {
            const double t = double(c[f]) - double(o[f]);
            s += t * t;
        }
        shift[j] = std::sqrt(s);
        total += s;
    }
    return total;
}

template <class T>
void check_common(const T* X, index_t n, index_t d, const T* sw, const T* centers, index_t k,
                  const std::int32_t* labels) {
    require(n >= 1 && d >= 1, "kmeans: X must have at least one sample and one feature");
    require(k >= 1, "kmeans: n_clusters must be >= 1");
    require(k <= n, "kmeans: n_clusters must be <= n_samples");
    require(k < (index_t(1) << 24), "kmeans: n_clusters must be < 2^24");
    require(X && sw && centers && labels, "kmeans: null buffer");
}

// Elkan helpers: half distances between centres (k × k) and, per centre, the half distance to the
// nearest other centre.
template <class T>
void center_half_distances(const T* C, index_t k, index_t d, std::vector<T>& half,
                           std::vector<T>& next) {
    half.assign(static_cast<size_t>(k * k), T(0));
    for (index_t a = 0; a < k; ++a)
        for (index_t b = a + 1; b < k; ++b) {
            const T h = T(std::sqrt(sq_dist(C + a * d, C + b * d, d)) / 2);
            half[a * k + b] = h;
            half[b * k + a] = h;
        }
    next.assign(static_cast<size_t>(k), T(0));
    for (index_t a = 0; a < k; ++a) {
        T best = T(0);
        bool first = true;
        for (index_t b = 0; b < k; ++b) {
            if (b == a) continue;
            if (first || half[a * k + b] < best) {
                best = half[a * k + b];
                first = false;
            }
        }
        next[a] = best;
    }
}

// Euclidean distance in T (Elkan's bounds), with 8 partial sums so that the loop vectorises.
template <class T>
inline T dist_t(const T* __restrict a, const T* __restrict b, index_t d) {
    T acc[8] = {};
    index_t f = 0;
    for (; f + 8 <= d; f += 8)
        for (int q = 0; q < 8; ++q) {
            const T t = a[f + q] - b[f + q];
            acc[q] += t * t;
        }
    for (int q = 0; f < d; ++f, ++q) {
        const T t = a[f] - b[f];
        acc[q] += t * t;
    }
    const T s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    return std::sqrt(s);
}

}  // namespace

template <class T>
KMeansRun kmeans_lloyd(const T* X, index_t n, index_t d, const T* sw, T* centers, index_t k,
                       int max_iter, double tol, std::int32_t* labels, int n_threads, bool bounded) {
    check_common(X, n, d, sw, centers, k, labels);
    require(max_iter >= 1, "kmeans: max_iter must be >= 1");
    const Partition part(n, k, d);
    Partials P;
    P.resize(part.n_groups, k, d, true);
    std::vector<T> buffers, c_norms;
    std::vector<double> sums(static_cast<size_t>(k * d)), weights(static_cast<size_t>(k)), shift;
    std::vector<T> new_c(static_cast<size_t>(k * d));
    std::fill(labels, labels + n, std::int32_t(-1));
    // The bounded pass where its products are worth skipping (k·d of at least kBoundedMinKD: below
    // it the register kernel's full pass costs about what the bounds' bookkeeping does), on the
    // vector paths, whose register kernel has the dot products it needs.
    const bool use_bounds = bounded && k >= 2 && d >= kBoundedMinD &&
                            k * d * index_t(sizeof(T)) >= kBoundedMinKD * index_t(sizeof(double)) &&
                            chunk_kernels<T>().argmin2_rows != nullptr;
    LloydBounds B;
    B.shift.assign(static_cast<size_t>(k), 0.0);
    auto pass = [&](bool with_sums, bool with_inertia) {
        if (use_bounds)
            lloyd_bounded_pass(X, n, d, sw, centers, k, labels, with_sums, with_inertia, part, P, B,
                               n_threads);
        else
            lloyd_pass(X, n, d, sw, centers, k, labels, with_sums, with_inertia, part, P, buffers,
                       c_norms, n_threads);
    };

    KMeansRun run;
    int it = 0;
    for (; it < max_iter; ++it) {
        check_interrupt();
        pass(true, false);
        P.reduce(part.n_groups, sums.data(), weights.data());
        if (use_bounds) {
            // the compensations of the kept sums, in group order; a cluster with no sample is
            // empty, exactly (its kept sums may hold a rounding's remainder)
            std::vector<long long> count(static_cast<size_t>(k), 0);
            for (index_t g = 0; g < part.n_groups; ++g) {
                const double* sl = B.sums_lo.data() + g * k * d;
                const double* wl = B.weights_lo.data() + g * k;
                for (index_t i = 0; i < k * d; ++i) sums[i] += sl[i];
                for (index_t j = 0; j < k; ++j) {
                    weights[j] += wl[j];
                    count[j] += B.counts[g * k + j];
                }
            }
            for (index_t j = 0; j < k; ++j)
                if (count[j] == 0) {
                    weights[j] = 0.0;
                    std::fill(sums.begin() + j * d, sums.begin() + (j + 1) * d, 0.0);
                }
        }
        const double shift_tot = update_centers(X, n, d, sw, centers, new_c.data(), k, labels, sums,
                                                weights, shift, part, n_threads);
        std::copy(new_c.begin(), new_c.end(), centers);
        for (index_t j = 0; j < k; ++j) B.shift[j] += shift[j];
        if (P.total_changed(part.n_groups) == 0) {
            run.strict = true;
            break;
        }
        if (shift_tot <= tol) break;
    }
    run.n_iter = std::min(it + 1, max_iter);
    if (!run.strict) {
        pass(false, true);
        run.inertia = P.total_inertia(part.n_groups);
    } else {
        run.inertia = inertia_of(X, n, d, sw, centers, labels, part, P, n_threads);
    }
    return run;
}

template <class T>
KMeansRun kmeans_elkan(const T* X, index_t n, index_t d, const T* sw, T* centers, index_t k,
                       int max_iter, double tol, std::int32_t* labels, int n_threads) {
    check_common(X, n, d, sw, centers, k, labels);
    require(max_iter >= 1, "kmeans: max_iter must be >= 1");
    require(k >= 2, "kmeans: algorithm 'elkan' needs n_clusters >= 2");
    const Partition part(n, k, d);
    Partials P;
    P.resize(part.n_groups, k, d, true);
    std::vector<T> half, next;
    std::vector<T> upper(static_cast<size_t>(n)), lower(static_cast<size_t>(n * k), T(0));
    std::vector<double> sums(static_cast<size_t>(k * d)), weights(static_cast<size_t>(k)), shift;
    std::vector<T> new_c(static_cast<size_t>(k * d));
    // How far each centre moved since the bounds were last valid; applied to the bounds by the
    // next pass as it reads them (one sweep over the n × k lower bounds per iteration, not two).
    std::vector<T> moved(static_cast<size_t>(k), T(0));
    const int nt = team_size(n_threads, part.n_groups, double(n) * double(k) * double(d));

    // Dense bounds for a chunk: every distance, from the register kernel in panels of 16 centres
    // (the expanded form ‖x‖² + ‖c‖² − 2·x·c, as in Lloyd's pass, so the first labels are
    // Lloyd's). Each lower bound is lowered by a margin that covers the rounding of that form; the
    // upper bound is the exact distance to the chosen centre. Used for the initial bounds, and for
    // a chunk whose bounds have become too loose to prune (after large moves of the centres).
    const auto& K = chunk_kernels<T>();
    const index_t kp = padded_centres(k), width = panel_width(kp);
    std::vector<T> Ct_store, cnp, cn(static_cast<size_t>(k));
    T* Ct = nullptr;
    auto pack = [&](const T* C) {
        row_sq_norms(C, k, d, cn.data());
        Ct = pack_centres(C, cn.data(), k, d, kp, T(0), Ct_store, cnp);
    };
    const T eps = T(d + 8) * std::numeric_limits<T>::epsilon();
    auto dense_chunk = [&](const T* C, index_t r0, index_t m, T* out, T* best) {
        T* xn = best + kChunk;
        for (index_t i = 0; i < m; ++i) {
            best[i] = std::numeric_limits<T>::infinity();
            const T* x = X + (r0 + i) * d;
            T s2 = 0;
            for (index_t f = 0; f < d; ++f) s2 += x[f] * x[f];
            xn[i] = s2;
        }
        for (index_t p = 0; p * width < k; ++p) {
            K.dots_rows(X + r0 * d, m, d, Ct + p * d * width, cnp.data() + p * width,
                        width, out);
            const index_t j0 = p * width, jn = std::min(width, k - j0);
            const T* cj = cn.data() + j0;
            for (index_t i = 0; i < m; ++i) {
                const index_t r = r0 + i;
                const T* o = out + i * width;
                for (index_t j = 0; j < jn; ++j)
                    if (o[j] < best[i]) {
                        best[i] = o[j];
                        labels[r] = static_cast<std::int32_t>(j0 + j);
                    }
                T* __restrict lo = lower.data() + r * k + j0;
                const T xi = xn[i], xe = eps * xn[i];
                for (index_t j = 0; j < jn; ++j) {
                    const T sq = (xi + o[j]) - (xe + eps * cj[j]);
                    lo[j] = std::sqrt(sq > T(0) ? sq : T(0));
                }
            }
        }
        for (index_t i = 0; i < m; ++i) {
            const index_t r = r0 + i;
            const T u = dist_t(X + r * d, C + static_cast<index_t>(labels[r]) * d, d);
            upper[r] = u;
            lower[r * k + labels[r]] = u;
        }
    };
    const index_t scratch = kChunk * width + 2 * kChunk;

    center_half_distances(centers, k, d, half, next);
    pack(centers);
    {
        std::vector<T> bufs(static_cast<size_t>(nt * scratch));
        parallel_tasks_slots(nt, part.n_chunks, [&](std::int64_t ci, int slot) {
            const index_t c = static_cast<index_t>(ci);
            T* buf = bufs.data() + static_cast<index_t>(slot) * scratch;
            const index_t r0 = part.row_begin(c), m = part.row_begin(c + 1) - r0;
            if (m > 0) dense_chunk(centers, r0, m, buf, buf + kChunk * width);
        });
    }

    // One bounded assignment pass with centres C (optionally accumulating the partial sums), chunk
    // by chunk. Per sample: the bounds catch up with the centres' moves; when the nearest other
    // centre is not provably farther, the candidates are listed in one branch-free sweep (the
    // lower bound and the half distance from the current centre both below the upper bound). When
    // a chunk has more candidates than a tenth of its sample–centre pairs, its bounds are rebuilt
    // densely (cheaper than that many single distances); otherwise each candidate is re-checked
    // against the tightened bound and computed only if it still can win.
    // Per thread of the pool (its slot): the candidate lists and a chunk's buffers.
    struct PassScratch {
        std::vector<std::int32_t> cand, old;
        std::vector<index_t> ncand;
        std::vector<T> buf;
    };
    PerSlot<PassScratch> pass_scratch(nt);
    auto pass = [&](const T* C, bool with_sums) {
        P.clear();
        pack(C);
        parallel_tasks_slots(nt, part.n_groups, [&](std::int64_t gi, int slot) {
            const index_t g = static_cast<index_t>(gi);
            PassScratch& ps = pass_scratch.get(slot, [&](PassScratch& fresh) {
                fresh.cand.resize(static_cast<size_t>(kChunk * k));
                fresh.ncand.resize(static_cast<size_t>(kChunk));
                fresh.old.resize(static_cast<size_t>(kChunk));
                fresh.buf.resize(static_cast<size_t>(scratch));
            });
            std::vector<std::int32_t>& cand = ps.cand;
            std::vector<index_t>& ncand = ps.ncand;
            std::vector<std::int32_t>& old = ps.old;
            std::vector<T>& buf = ps.buf;
                {
                    double* gs = P.sums.data() + g * k * d;
                    double* gw = P.weights.data() + g * k;
                    long long changed = 0;
                    const T* mv = moved.data();
                    for (index_t c = part.chunk_begin(g); c < part.chunk_begin(g + 1); ++c) {
                        const index_t r0 = part.row_begin(c), m = part.row_begin(c + 1) - r0;
                        if (m <= 0) continue;
                        index_t total = 0;
                        for (index_t i = 0; i < m; ++i) {
                            const index_t r = r0 + i;
                            T* __restrict lo = lower.data() + r * k;
                            const std::int32_t label = labels[r];
                            old[i] = label;
                            const T ub = upper[r] + mv[label];
                            upper[r] = ub;
                            for (index_t j = 0; j < k; ++j) {
                                const T v = lo[j] - mv[j];
                                lo[j] = v < T(0) ? T(0) : v;
                            }
                            index_t nc = 0;
                            if (!(next[label] >= ub)) {
                                const T* hrow = half.data() + static_cast<index_t>(label) * k;
                                std::int32_t* cl = cand.data() + i * k;
                                for (index_t j = 0; j < k; ++j) {
                                    cl[nc] = static_cast<std::int32_t>(j);
                                    nc += (ub > lo[j]) & (ub > hrow[j]);
                                }
                            }
                            ncand[i] = nc;
                            total += nc;
                        }
                        if (total * 10 > m * k) {
                            dense_chunk(C, r0, m, buf.data(), buf.data() + kChunk * width);
                        } else {
                            for (index_t i = 0; i < m; ++i) {
                                const index_t nc = ncand[i];
                                if (nc == 0) continue;
                                const index_t r = r0 + i;
                                const T* x = X + r * d;
                                T* lo = lower.data() + r * k;
                                const std::int32_t* cl = cand.data() + i * k;
                                std::int32_t label = labels[r];
                                T ub = upper[r];
                                bool tight = false;
                                for (index_t q = 0; q < nc; ++q) {
                                    const index_t j = cl[q];
                                    if (j == label) continue;
                                    if (!tight) {
                                        ub = dist_t(x, C + static_cast<index_t>(label) * d, d);
                                        lo[label] = ub;
                                        tight = true;
                                    }
                                    if (ub > lo[j] &&
                                        ub > half[static_cast<index_t>(label) * k + j]) {
                                        const T dj = dist_t(x, C + j * d, d);
                                        lo[j] = dj;
                                        if (dj < ub) {
                                            label = static_cast<std::int32_t>(j);
                                            ub = dj;
                                        }
                                    }
                                }
                                labels[r] = label;
                                upper[r] = ub;
                            }
                        }
                        for (index_t i = 0; i < m; ++i) {
                            const index_t r = r0 + i;
                            if (labels[r] != old[i]) ++changed;
                            if (with_sums) accumulate(X + r * d, double(sw[r]), d, labels[r], gs, gw);
                        }
                    }
                    P.changed[g] = changed;
                }
        });
        std::fill(moved.begin(), moved.end(), T(0));
    };

    KMeansRun run;
    int it = 0;
    for (; it < max_iter; ++it) {
        check_interrupt();
        pass(centers, true);
        P.reduce(part.n_groups, sums.data(), weights.data());
        const double shift_tot = update_centers(X, n, d, sw, centers, new_c.data(), k, labels, sums,
                                                weights, shift, part, n_threads);
        for (index_t j = 0; j < k; ++j) moved[j] = T(shift[j]);
        std::copy(new_c.begin(), new_c.end(), centers);
        center_half_distances(centers, k, d, half, next);
        // The first iteration compares with "no labels yet", as the Lloyd loop does.
        if (it > 0 && P.total_changed(part.n_groups) == 0) {
            run.strict = true;
            break;
        }
        if (shift_tot <= tol) break;
    }
    run.n_iter = std::min(it + 1, max_iter);
    if (!run.strict) pass(centers, false);
    run.inertia = inertia_of(X, n, d, sw, centers, labels, part, P, n_threads);
    return run;
}

template <class T>
double kmeans_assign(const T* X, index_t n, index_t d, const T* sw, const T* centers, index_t k,
                     std::int32_t* labels, double* sums, double* weights, int n_threads) {
    require(k >= 1, "kmeans: at least one centre is needed");
    require(n >= 0 && d >= 1 && k >= 1, "kmeans_assign: bad dimensions");
    if (n == 0) {
        if (sums) std::fill(sums, sums + k * d, 0.0);
        if (weights) std::fill(weights, weights + k, 0.0);
        return 0.0;
    }
    require(X && sw && centers && labels, "kmeans_assign: null buffer");
    const Partition part(n, k, d);
    const bool with_sums = sums != nullptr && weights != nullptr;
    Partials P;
    P.resize(part.n_groups, k, d, with_sums);
    std::vector<T> buffers, c_norms;
    lloyd_pass(X, n, d, sw, centers, k, labels, with_sums, true, part, P, buffers, c_norms,
               n_threads);
    if (with_sums) P.reduce(part.n_groups, sums, weights);
    return P.total_inertia(part.n_groups);
}

template <class T>
void kmeans_transform(const T* X, index_t n, index_t d, const T* centers, index_t k, T* out,
                      int n_threads) {
    require(k >= 1, "kmeans: at least one centre is needed");
    require(n >= 0 && d >= 1 && k >= 1, "kmeans_transform: bad dimensions");
    if (n == 0) return;
    // In double: the expanded form loses digits to cancellation in single precision.
    std::vector<double> C(static_cast<size_t>(k * d)), cn(static_cast<size_t>(k));
    for (index_t i = 0; i < k * d; ++i) C[i] = double(centers[i]);
    row_sq_norms(C.data(), k, d, cn.data());
    const index_t n_chunks = (n + kChunk - 1) / kChunk;
    const int nt = team_size(n_threads, n_chunks, double(n) * double(k) * double(d));
    ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
    {
        std::vector<double> xb(static_cast<size_t>(kChunk * d)), db(static_cast<size_t>(kChunk * k));
#pragma omp for schedule(static)
        for (index_t c = 0; c < n_chunks; ++c) {
            slot.run([&] {
                const index_t r0 = c * kChunk, m = std::min(kChunk, n - r0);
                for (index_t i = 0; i < m * d; ++i) xb[i] = double(X[r0 * d + i]);
                gemm<double>(false, true, m, k, d, -2.0, xb.data(), d, C.data(), d, 0.0, db.data(),
                             k, 1);
                for (index_t i = 0; i < m; ++i) {
                    double xn = 0;
                    for (index_t f = 0; f < d; ++f) xn += xb[i * d + f] * xb[i * d + f];
                    for (index_t j = 0; j < k; ++j) {
                        const double v = xn + cn[j] + db[i * k + j];
                        out[(r0 + i) * k + j] = T(std::sqrt(v > 0 ? v : 0.0));
                    }
                }
            });
        }
    }
    slot.rethrow();
}

template <class T>
void kmeans_sq_distances(const T* X, index_t n, index_t d, const T* x_sq_norms, const T* Y,
                         index_t m, T* out, int n_threads) {
    require(n >= 0 && d >= 1 && m >= 0, "kmeans_sq_distances: bad dimensions");
    if (n == 0 || m == 0) return;
    std::vector<T> yn(static_cast<size_t>(m));
    row_sq_norms(Y, m, d, yn.data());
    const index_t n_chunks = (n + kWideChunk - 1) / kWideChunk;
    const int nt = team_size(n_threads, n_chunks, double(n) * double(m) * double(d));
    parallel_tasks(nt, n_chunks, [&](std::int64_t ci) {
        const index_t c = static_cast<index_t>(ci);
        {
            const index_t r0 = c * kWideChunk, mc = std::min(kWideChunk, n - r0);
            // out[:, r0:r0+mc] = −2·Y·X_chunkᵀ, then the norms, clipped at 0.
            gemm<T>(false, true, m, mc, d, T(-2), Y, d, X + r0 * d, d, T(0), out + r0, n, 1);
            for (index_t i = 0; i < m; ++i) {
                T* o = out + i * n + r0;
                for (index_t r = 0; r < mc; ++r) {
                    const T v = o[r] + yn[i] + x_sq_norms[r0 + r];
                    o[r] = v > T(0) ? v : T(0);
                }
            }
        }
    });
}


namespace {

// Squared distances (clipped at 0) from the rows r0 … r0+m−1 of X to the t candidates `cand`
// (t × d, in U), through the dots_rows kernel of U: out[i·kp + j] for j < t. xb is scratch for
// the rows converted to U (unused when U is T), ct/cnp the packed candidates (filled here once per
// candidate set by pack_candidates).
template <class U>
void pack_candidates(const U* cand, index_t t, index_t d, index_t kp, std::vector<U>& ct,
                     std::vector<U>& cnp) {
    ct.assign(static_cast<size_t>(d * kp), U(0));
    cnp.assign(static_cast<size_t>(kp), U(0));
    for (index_t j = 0; j < t; ++j) {
        U s = 0;
        for (index_t f = 0; f < d; ++f) {
            const U v = cand[j * d + f];
            s += v * v;
            ct[f * kp + j] = U(-2) * v;
        }
        cnp[j] = s;
    }
}

}  // namespace

template <class T>
void kmeans_plusplus(const T* X, index_t n, index_t d, const T* xn, const T* sw, index_t k,
                     index_t first, const double* draws, index_t t, std::int64_t* indices,
                     int n_threads) {
    require(n >= 1 && d >= 1, "kmeans_plusplus: X must have at least one sample and one feature");
    require(k >= 1 && k <= n, "kmeans_plusplus: n_clusters must be in [1, n_samples]");
    require(t >= 1 && t <= 4096, "kmeans_plusplus: n_local_trials must be in [1, 4096]");
    require(first >= 0 && first < n, "kmeans_plusplus: first centre out of range");
    require(X && xn && sw && indices && (k == 1 || draws), "kmeans_plusplus: null buffer");
    // Float data: distances in double, as scikit-learn computes them (so the same draws pick the
    // same samples); double data: directly.
    using U = double;
    constexpr bool upcast = !std::is_same<T, U>::value;
    const auto& KU = kernel_table::kernels<U>().kmeans;
    const index_t n_chunks = (n + kWideChunk - 1) / kWideChunk;
    const index_t tb = std::min<index_t>(t, 16);  // candidates per kernel call
    const index_t kp_max = tb <= 8 ? 8 : 16;
    std::vector<T> closest(static_cast<size_t>(n)), D(static_cast<size_t>(t * n));
    std::vector<double> part_pot(static_cast<size_t>(n_chunks * t));
    std::vector<U> cand(static_cast<size_t>(t * d));
    std::vector<std::vector<U>> cts((t + 15) / 16), cnps((t + 15) / 16);
    std::vector<index_t> ids(static_cast<size_t>(t));
    const int nt = team_size(n_threads, n_chunks, double(n) * double(t) * double(d));
    std::vector<U> scratch(static_cast<size_t>(nt * kWideChunk * (kp_max + (upcast ? d : 0))));

    // Distances of every sample to the ids[0 … tc) candidates, min'ed with `closest` (or not,
    // when with_min is false), into D (tc × n), with each chunk's weighted sums in part_pot.
    auto candidate_pass = [&](index_t tc, bool with_min) {
        for (index_t j = 0; j < tc; ++j)
            for (index_t f = 0; f < d; ++f) cand[j * d + f] = U(X[ids[j] * d + f]);
        for (index_t g0 = 0; g0 < tc; g0 += 16) {
            const index_t tg = std::min<index_t>(16, tc - g0);
            pack_candidates(cand.data() + g0 * d, tg, d, tg <= 8 ? 8 : 16, cts[g0 / 16],
                            cnps[g0 / 16]);
        }
        parallel_tasks_slots(nt, n_chunks, [&](std::int64_t ci, int slot) {
            const index_t c = static_cast<index_t>(ci);
            U* out = scratch.data() + static_cast<index_t>(slot) * kWideChunk *
                                          (kp_max + (upcast ? d : 0));
            U* xb = out + kWideChunk * kp_max;
                {
                    const index_t r0 = c * kWideChunk, m = std::min(kWideChunk, n - r0);
                    const U* rows;
                    if (upcast) {
                        for (index_t i = 0; i < m * d; ++i) xb[i] = U(X[r0 * d + i]);
                        rows = xb;
                    } else {
                        rows = reinterpret_cast<const U*>(X + r0 * d);
                    }
                    double* pot = part_pot.data() + c * t;
                    for (index_t g0 = 0; g0 < tc; g0 += 16) {
                        const index_t tg = std::min<index_t>(16, tc - g0);
                        const index_t kp = tg <= 8 ? 8 : 16;
                        KU.dots_rows(rows, m, d, cts[g0 / 16].data(), cnps[g0 / 16].data(), kp,
                                     out);
                        for (index_t j = 0; j < tg; ++j) {
                            T* Dj = D.data() + (g0 + j) * n + r0;
                            double s = 0;
                            for (index_t i = 0; i < m; ++i) {
                                U v = out[i * kp + j] + U(xn[r0 + i]);
                                T tv = T(v > U(0) ? v : U(0));
                                if (with_min && closest[r0 + i] < tv) tv = closest[r0 + i];
                                Dj[i] = tv;
                                s += double(sw[r0 + i]) * double(tv);
                            }
                            pot[g0 + j] = s;
                        }
                    }
                }
        });
    };
    auto total_pot = [&](index_t j) {
        double s = 0;
        for (index_t c = 0; c < n_chunks; ++c) s += part_pot[c * t + j];
        return T(s);
    };

    indices[0] = first;
    ids[0] = first;
    candidate_pass(1, false);
    std::copy(D.begin(), D.begin() + n, closest.begin());
    T pot = total_pot(0);
    std::vector<std::pair<double, index_t>> targets(static_cast<size_t>(t));
    for (index_t c = 1; c < k; ++c) {
        // The candidates: the first sample where the running sum of w·D reaches each target.
        for (index_t j = 0; j < t; ++j)
            targets[j] = {draws[(c - 1) * t + j] * double(pot), j};
        std::sort(targets.begin(), targets.end());
        T run = T(0);
        index_t q = 0, i = 0;
        for (; i < n && q < t; ++i) {
            run += sw[i] * closest[i];
            while (q < t && double(run) >= targets[q].first) ids[targets[q++].second] = i;
        }
        for (; q < t; ++q) ids[targets[q].second] = n - 1;  // rounding past the end: the last one
        candidate_pass(t, true);
        index_t best = 0;
        T best_pot = total_pot(0);
        for (index_t j = 1; j < t; ++j) {
            const T pj = total_pot(j);
            if (pj < best_pot) {
                best_pot = pj;
                best = j;
            }
        }
        pot = best_pot;
        std::copy(D.begin() + best * n, D.begin() + (best + 1) * n, closest.begin());
        indices[c] = ids[best];
    }
}

template <class T>
bool kmeans_center(const T* X, index_t n, index_t d, T* out, T* mean, bool only_if_offset,
                   int n_threads) {
    require(n >= 1 && d >= 1, "kmeans: X must have at least one sample and one feature");
    require(X && out && mean, "kmeans: null buffer");
    // Column sums (and, for the offset test, sums of squares) in double over a fixed partition
    // of the rows (not the threads), reduced in order: the mean does not depend on n_threads.
    // Then out = X − mean, row blocks in parallel (the first touch of a new output spreads its
    // pages over the threads).
    const index_t rows_per = std::max<index_t>(kChunk, (n + kMaxGroups - 1) / kMaxGroups);
    const index_t n_blocks = (n + rows_per - 1) / rows_per;
    const index_t width = only_if_offset ? 2 * d : d;  // per block: sums, then squares
    std::vector<double> part(static_cast<size_t>(n_blocks * width), 0.0);
    const int nt = team_size(n_threads, n_blocks, double(n) * double(d));
    parallel_tasks(nt, n_blocks, [&](std::int64_t b) {
        double* s = part.data() + b * width;
        const index_t r1 = std::min(n, (b + 1) * rows_per);
        for (index_t r = b * rows_per; r < r1; ++r) {
            const T* x = X + r * d;
            for (index_t f = 0; f < d; ++f) s[f] += double(x[f]);
            if (only_if_offset) {
                double* q = s + d;
                for (index_t f = 0; f < d; ++f) q[f] += double(x[f]) * double(x[f]);
            }
        }
    });
    std::vector<double> total(static_cast<size_t>(width), 0.0);
    for (index_t b = 0; b < n_blocks; ++b)
        for (index_t f = 0; f < width; ++f) total[f] += part[b * width + f];
    for (index_t f = 0; f < d; ++f) mean[f] = T(total[f] / double(n));
    if (only_if_offset) {
        // ‖mean‖² against the mean of ‖x − mean‖² = Σ_f (E[x_f²] − mean_f²): a rough test, so
        // the cancellation in E[x²] − mean² does not matter
        double offset = 0, spread = 0;
        for (index_t f = 0; f < d; ++f) {
            const double mu = total[f] / double(n);
            offset += mu * mu;
            spread += total[d + f] / double(n) - mu * mu;
        }
        if (!(offset > spread)) return false;
    }
    parallel_tasks(nt, n_blocks, [&](std::int64_t b) {
        const index_t r1 = std::min(n, (b + 1) * rows_per);
        for (index_t r = b * rows_per; r < r1; ++r) {
            const T* __restrict x = X + r * d;
            T* __restrict o = out + r * d;
            if (x == o) {
                for (index_t f = 0; f < d; ++f) o[f] -= mean[f];
            } else {
                for (index_t f = 0; f < d; ++f) o[f] = x[f] - mean[f];
            }
        }
    });
    return true;
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                                \
    template bool kmeans_center<T>(const T*, index_t, index_t, T*, T*, bool, int);                \
    template KMeansRun kmeans_lloyd<T>(const T*, index_t, index_t, const T*, T*, index_t, int,     \
                                       double, std::int32_t*, int, bool);                          \
    template KMeansRun kmeans_elkan<T>(const T*, index_t, index_t, const T*, T*, index_t, int,     \
                                       double, std::int32_t*, int);                                \
    template double kmeans_assign<T>(const T*, index_t, index_t, const T*, const T*, index_t,      \
                                     std::int32_t*, double*, double*, int);                        \
    template void kmeans_transform<T>(const T*, index_t, index_t, const T*, index_t, T*, int);     \
    template void kmeans_sq_distances<T>(const T*, index_t, index_t, const T*, const T*, index_t,  \
                                         T*, int);                                                 \
    template void kmeans_plusplus<T>(const T*, index_t, index_t, const T*, const T*, index_t,      \
                                     index_t, const double*, index_t, std::int64_t*, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
