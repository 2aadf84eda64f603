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
// Update. New centre = Σ w·x / Σ w. A cluster left with no weight is moved onto the sample that is
// farthest from its current centre (taking that sample's contribution away from its own cluster),
// the next empty cluster onto the next farthest sample, and so on. The run stops when no label
// changed ("strict convergence"), or when Σ_j ‖c_j^new − c_j^old‖² <= tol.
//
// Elkan. Distances are computed exactly, one pair at a time, but only when the triangle inequality
// cannot rule the pair out: u(x) >= ‖x − c_label‖ (upper bound), l(x, j) <= ‖x − c_j‖ (lower
// bounds), and ‖c_label − c_j‖ / 2 >= u(x) proves that c_j cannot be closer. After each update the
// bounds move by how far each centre moved.
//
// Cost per Lloyd iteration: 2·n·k·d flops in the product plus O(n·(k + d)); memory O(k·d) per group.
#include "scratchlearn/cluster.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "chunk_kernels.hpp"
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
constexpr double kMaxPartialBytes = 256.0 * 1024 * 1024;

// Threads worth starting for `work` multiply-adds split into `items` independent pieces: waking a
// team costs more than a small pass (and much more on a busy machine), so each thread gets at
// least kMinWorkPerThread. Only the speed depends on this, never the result.
constexpr double kMinWorkPerThread = 1 << 20;
inline int team_size(int n_threads, long long items, double work) {
    const double by_work = std::max(1.0, work / kMinWorkPerThread);
    const long long cap = by_work < double(items) ? static_cast<long long>(by_work) : items;
    return threads_for(n_threads, cap);
}

inline int thread_id() {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
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
        const double per_group = double(k) * double(d + 1) * sizeof(double);
        index_t cap = static_cast<index_t>(std::max(1.0, kMaxPartialBytes / std::max(per_group, 1.0)));
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
    // Few centres on a vector path: distances accumulated in registers against −2·Cᵀ (padded to
    // kp columns), with no product buffer; otherwise the product per chunk.
    const index_t kp = (K.argmin_rows && k <= 16) ? (k <= 8 ? 8 : 16) : 0;
    std::vector<T> Ct, cnp;
    if (kp) {
        Ct.assign(static_cast<size_t>(d * kp), T(0));
        cnp.assign(static_cast<size_t>(kp), std::numeric_limits<T>::infinity());
        for (index_t j = 0; j < k; ++j) {
            cnp[j] = cn[j];
            for (index_t f = 0; f < d; ++f) Ct[f * kp + j] = T(-2) * C[j * d + f];
        }
    }
    const int nt = team_size(n_threads, part.n_groups, double(part.n) * double(k) * double(d));
    const index_t per_thread = kChunk * (k + 2);
    buffers.resize(static_cast<size_t>(nt * per_thread));
    P.clear();
    ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
    {
        T* buf = buffers.data() + static_cast<index_t>(thread_id()) * per_thread;
        T* best = buf + kChunk * k;  // per sample: smallest ‖c‖² − 2·x·c so far
        T* lab = best + kChunk;      // and its centre, as T (exact: k < 2^24 is checked)
#pragma omp for schedule(dynamic, 1)
        for (index_t g = 0; g < part.n_groups; ++g) {
            slot.run([&] {
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
                        K.argmin_rows(X + r0 * d, m, d, Ct.data(), cnp.data(), kp, best, lab);
                    } else {
                        gemm<T>(false, true, k, m, d, T(-2), C, d, X + r0 * d, d, T(0), buf, m, 1);
                        K.argmin_columns(buf, cn, k, m, best, lab);
                    }
                    K.finish_chunk(X, sw, C, r0, m, d, lab, labels, gs, gw, with_inertia, &changed,
                                   &inertia);
                }
                P.inertia[g] = inertia;
                P.changed[g] = changed;
            });
        }
    }
    slot.rethrow();
}

// Exact inertia of fixed labels and centres.
template <class T>
double inertia_of(const T* X, index_t n, index_t d, const T* sw, const T* C,
                  const std::int32_t* labels, const Partition& part, Partials& P, int n_threads) {
    const int nt = team_size(n_threads, part.n_groups, double(n) * double(d));
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t g = 0; g < part.n_groups; ++g) {
        double s = 0;
        for (index_t r = part.row_begin(part.chunk_begin(g));
             r < part.row_begin(part.chunk_begin(g + 1)); ++r)
            s += double(sw[r]) * sq_dist(X + r * d, C + labels[r] * d, d);
        P.inertia[g] = s;
    }
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

template <class T>
inline T dist(const T* a, const T* b, index_t d) {
    return T(std::sqrt(sq_dist(a, b, d)));
}

}  // namespace

template <class T>
KMeansRun kmeans_lloyd(const T* X, index_t n, index_t d, const T* sw, T* centers, index_t k,
                       int max_iter, double tol, std::int32_t* labels, int n_threads) {
    check_common(X, n, d, sw, centers, k, labels);
    require(max_iter >= 1, "kmeans: max_iter must be >= 1");
    const Partition part(n, k, d);
    Partials P;
    P.resize(part.n_groups, k, d, true);
    std::vector<T> buffers, c_norms;
    std::vector<double> sums(static_cast<size_t>(k * d)), weights(static_cast<size_t>(k)), shift;
    std::vector<T> new_c(static_cast<size_t>(k * d));
    std::fill(labels, labels + n, std::int32_t(-1));

    KMeansRun run;
    int it = 0;
    for (; it < max_iter; ++it) {
        check_interrupt();
        lloyd_pass(X, n, d, sw, centers, k, labels, true, false, part, P, buffers, c_norms,
                   n_threads);
        P.reduce(part.n_groups, sums.data(), weights.data());
        const double shift_tot = update_centers(X, n, d, sw, centers, new_c.data(), k, labels, sums,
                                                weights, shift, part, n_threads);
        std::copy(new_c.begin(), new_c.end(), centers);
        if (P.total_changed(part.n_groups) == 0) {
            run.strict = true;
            break;
        }
        if (shift_tot <= tol) break;
    }
    run.n_iter = std::min(it + 1, max_iter);
    if (!run.strict) {
        lloyd_pass(X, n, d, sw, centers, k, labels, false, true, part, P, buffers, c_norms,
                   n_threads);
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
    const int nt = team_size(n_threads, part.n_groups, double(n) * double(k) * double(d));

    // Initial bounds: exact distances, skipping centres the first bound already rules out.
    center_half_distances(centers, k, d, half, next);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t r = 0; r < n; ++r) {
        const T* x = X + r * d;
        T* lo = lower.data() + r * k;
        std::int32_t best = 0;
        T min_d = dist(x, centers, d);
        lo[0] = min_d;
        for (index_t j = 1; j < k; ++j) {
            if (min_d > half[best * k + j]) {
                const T dj = dist(x, centers + j * d, d);
                lo[j] = dj;
                if (dj < min_d) {
                    min_d = dj;
                    best = static_cast<std::int32_t>(j);
                }
            }
        }
        labels[r] = best;
        upper[r] = min_d;
    }

    // One bounded assignment pass with centres C (optionally accumulating the partial sums).
    auto pass = [&](const T* C, bool with_sums) {
        P.clear();
        ExceptionSlot slot;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
        for (index_t g = 0; g < part.n_groups; ++g) {
            slot.run([&] {
                double* gs = P.sums.data() + g * k * d;
                double* gw = P.weights.data() + g * k;
                long long changed = 0;
                const index_t r_end = part.row_begin(part.chunk_begin(g + 1));
                for (index_t r = part.row_begin(part.chunk_begin(g)); r < r_end; ++r) {
                    const T* x = X + r * d;
                    T* lo = lower.data() + r * k;
                    T ub = upper[r];
                    std::int32_t label = labels[r];
                    const std::int32_t old = label;
                    if (!(next[label] >= ub)) {
                        bool tight = false;
                        for (index_t j = 0; j < k; ++j) {
                            if (j != label && ub > lo[j] && ub > half[label * k + j]) {
                                if (!tight) {
                                    ub = dist(x, C + label * d, d);
                                    lo[label] = ub;
                                    tight = true;
                                }
                                if (ub > lo[j] || ub > half[label * k + j]) {
                                    const T dj = dist(x, C + j * d, d);
                                    lo[j] = dj;
                                    if (dj < ub) {
                                        label = static_cast<std::int32_t>(j);
                                        ub = dj;
                                    }
                                }
                            }
                        }
                        labels[r] = label;
                        upper[r] = ub;
                    }
                    if (label != old) ++changed;
                    if (with_sums) accumulate(x, double(sw[r]), d, label, gs, gw);
                }
                P.changed[g] = changed;
            });
        }
        slot.rethrow();
    };

    KMeansRun run;
    int it = 0;
    for (; it < max_iter; ++it) {
        check_interrupt();
        pass(centers, true);
        P.reduce(part.n_groups, sums.data(), weights.data());
        const double shift_tot = update_centers(X, n, d, sw, centers, new_c.data(), k, labels, sums,
                                                weights, shift, part, n_threads);
        // Move the bounds by how far the centres moved.
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t r = 0; r < n; ++r) {
            upper[r] += T(shift[labels[r]]);
            T* lo = lower.data() + r * k;
            for (index_t j = 0; j < k; ++j) {
                const T v = lo[j] - T(shift[j]);
                lo[j] = v < T(0) ? T(0) : v;
            }
        }
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
    ExceptionSlot slot;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t c = 0; c < n_chunks; ++c) {
        slot.run([&] {
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
        });
    }
    slot.rethrow();
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                                \
    template KMeansRun kmeans_lloyd<T>(const T*, index_t, index_t, const T*, T*, index_t, int,     \
                                       double, std::int32_t*, int);                                \
    template KMeansRun kmeans_elkan<T>(const T*, index_t, index_t, const T*, T*, index_t, int,     \
                                       double, std::int32_t*, int);                                \
    template double kmeans_assign<T>(const T*, index_t, index_t, const T*, const T*, index_t,      \
                                     std::int32_t*, double*, double*, int);                        \
    template void kmeans_transform<T>(const T*, index_t, index_t, const T*, index_t, T*, int);     \
    template void kmeans_sq_distances<T>(const T*, index_t, index_t, const T*, const T*, index_t,  \
                                         T*, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
