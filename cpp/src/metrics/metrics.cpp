// The metrics' loops: see scratchlearn/metrics.hpp.
#include "scratchlearn/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include "../neighbors/distance.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {
namespace {

// An order-preserving unsigned key of a float: larger float, larger key (after the flip, for any
// sign). Descending order of scores is ascending order of ~key.
inline std::uint64_t order_key(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b & 0x8000000000000000ULL) ? ~b : (b | 0x8000000000000000ULL);
}
inline std::uint64_t order_key(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    b = (b & 0x80000000U) ? ~b : (b | 0x80000000U);
    return b;
}

// One sample of one class in the weighted ranking: its key and its weight.
struct Ranked {
    std::uint64_t key;  // ~order_key(score): ascending key = descending score
    double weight;
};
inline bool key_less(const Ranked& a, const Ranked& b) { return a.key < b.key; }
inline std::uint64_t key_of(std::uint64_t k) { return k; }
inline std::uint64_t key_of(const Ranked& r) { return r.key; }

// LSD radix sort of keys (plain, or the (key, weight) pairs of the weighted ranking; stable), 8 bits a pass (256 buckets: the scatter stays in cache), constant
// digits skipped (tmp: n entries). Every digit's histogram comes from one read of the keys up
// front, so each pass after it is only the scatter.
template <class E>
void radix_sort_keys(E* v, E* tmp, index_t n, int key_bits) {
    constexpr int B = 8;
    constexpr std::size_t R = std::size_t(1) << B;
    if (n < 2) return;
    const int passes = (key_bits + B - 1) / B;
    std::vector<index_t> counts(R * static_cast<std::size_t>(passes), 0);
    for (index_t i = 0; i < n; ++i) {
        const std::uint64_t k = key_of(v[i]);
        for (int p = 0; p < passes; ++p) ++counts[R * p + ((k >> (B * p)) & (R - 1))];
    }
    E* src = v;
    E* dst = tmp;
    for (int p = 0; p < passes; ++p) {
        const int shift = B * p;
        index_t* count = counts.data() + R * p;
        if (count[(key_of(src[0]) >> shift) & (R - 1)] == n) continue;
        index_t sum = 0;
        for (std::size_t d = 0; d < R; ++d) {
            const index_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (index_t i = 0; i < n; ++i) dst[count[(key_of(src[i]) >> shift) & (R - 1)]++] = src[i];
        std::swap(src, dst);
    }
    if (src != v) std::copy(src, src + n, v);
}

// From 4096 keys: one most-significant-digit pass first (the 11 highest bits in which the keys
// differ, 2048 buckets), then each bucket (a few hundred keys, in L1) sorted by the LSD passes
// above: two passes over memory instead of one per digit.
constexpr index_t kMsdMin = 262144;

template <class E>
void radix_sort_keys_msd(E* v, E* tmp, index_t n, int key_bits) {
    if (n < kMsdMin) return radix_sort_keys(v, tmp, n, key_bits);
    std::uint64_t diff = 0;
    for (index_t i = 1; i < n; ++i) diff |= key_of(v[i]) ^ key_of(v[0]);
    if (diff == 0) return;
    const int top = 63 - __builtin_clzll(diff);    // the highest bit that varies
    constexpr int B = 11;
    constexpr std::size_t R = std::size_t(1) << B;
    const int shift = std::max(0, top - B + 1);
    std::vector<index_t> start(R + 1, 0);
    for (index_t i = 0; i < n; ++i) ++start[((key_of(v[i]) >> shift) & (R - 1)) + 1];
    for (std::size_t d = 0; d < R; ++d) start[d + 1] += start[d];
    std::vector<index_t> pos(start.begin(), start.end() - 1);
    for (index_t i = 0; i < n; ++i) tmp[pos[(key_of(v[i]) >> shift) & (R - 1)]++] = v[i];
    // each bucket: its low bits sorted in tmp (scratch in v), then copied back into v
    for (std::size_t d = 0; d < R; ++d) {
        const index_t a = start[d], m = start[d + 1] - a;
        if (m > 1) {
            if (m <= 256) {  // small buckets: a comparison sort beats eight 256-bucket passes
                if constexpr (std::is_same<E, std::uint64_t>::value)
                    std::sort(tmp + a, tmp + a + m);
                else  // (key, weight) pairs keep their sample order among equal keys
                    std::stable_sort(tmp + a, tmp + a + m, key_less);
            }
            else
                radix_sort_keys(tmp + a, v + a, m, shift);
        }
        std::copy(tmp + a, tmp + a + m, v + a);
    }
}

// Sort v (bare keys or (key, weight) pairs) by key, stably: n_threads slices radix-sorted
// concurrently (the MSD pass above, then in-cache buckets), then merged pairwise in parallel
// rounds.
template <class E>
void parallel_sort(std::vector<E>& v, int n_threads, int key_bits) {
    const index_t n = static_cast<index_t>(v.size());
    std::vector<E> buf(v.size());
    int parts = threads_for(n_threads, n / 65536 + 1);
    std::vector<index_t> bounds(parts + 1);
    for (int t = 0; t <= parts; ++t) bounds[t] = n * t / parts;
    parallel_for_each(parts, parts, [&](int t) {
        radix_sort_keys_msd(v.data() + bounds[t], buf.data() + bounds[t], bounds[t + 1] - bounds[t],
                            key_bits);
    });
    std::vector<E>* src = &v;
    std::vector<E>* dst = &buf;
    while (bounds.size() > 2) {
        const int runs = static_cast<int>(bounds.size()) - 1;
        std::vector<index_t> next;
        for (int r = 0; r < runs; r += 2) next.push_back(bounds[r]);
        next.push_back(n);
        const int nt = threads_for(n_threads, (runs + 1) / 2);
        parallel_for_each(nt, int((runs + 1) / 2), [&](int r) {
            const index_t a = bounds[2 * r], m = bounds[std::min(2 * r + 1, runs)],
                          b = bounds[std::min(2 * r + 2, runs)];
            if (2 * r + 1 < runs)
                std::merge(src->begin() + a, src->begin() + m, src->begin() + m, src->begin() + b,
                           dst->begin() + a, [](const E& x, const E& y) { return key_of(x) < key_of(y); });
            else
                std::copy(src->begin() + a, src->begin() + b, dst->begin() + a);
        });
        std::swap(src, dst);
        bounds.swap(next);
    }
    if (src != &v) v.swap(buf);
}

// The score whose key is ~k (the inverse of order_key).
template <class T>
T score_of(std::uint64_t k);
template <>
double score_of<double>(std::uint64_t k) {
    std::uint64_t b = ~k;
    b = (b & 0x8000000000000000ULL) ? (b & ~0x8000000000000000ULL) : ~b;
    double v;
    std::memcpy(&v, &b, sizeof v);
    return v;
}
template <>
float score_of<float>(std::uint64_t k) {
    std::uint32_t b = static_cast<std::uint32_t>(~k);
    b = (b & 0x80000000U) ? (b & ~0x80000000U) : ~b;
    float v;
    std::memcpy(&v, &b, sizeof v);
    return v;
}

}  // namespace

namespace {

// The ranking of one binary problem: the positives' entries (cls[0]) and the negatives'
// (cls[1]), each sorted by key (ascending key = descending score), stably; an entry is
// make(key, i): the bare key, or the (key, weight) pair. Two passes on the task pool (slice t of
// nt in each): count each slice's positives, then (after the prefix sums) write each class's
// entries at the slice's own offsets; then the two arrays sorted as one task each.
template <class T, class E, class Make>
void sorted_class_entries(const T* score, const std::uint8_t* y, index_t n, int n_threads,
                          Make make, std::vector<E> cls[2]) {
    const std::uint64_t key_mask = sizeof(T) == 4 ? 0xFFFFFFFFULL : ~0ULL;
    const int key_bits = sizeof(T) == 4 ? 32 : 64;
    const int nt = threads_for(n_threads, n / 16384 + 1);
    std::vector<index_t> pos_before(static_cast<std::size_t>(nt) + 1, 0);
    parallel_for_each(nt, nt, [&](int t) {
        const index_t i0 = n * t / nt, i1 = n * (t + 1) / nt;
        index_t c = 0;
        for (index_t i = i0; i < i1; ++i) c += y[i] ? 1 : 0;
        pos_before[static_cast<std::size_t>(t) + 1] = c;
    });
    for (int u = 0; u < nt; ++u) pos_before[u + 1] += pos_before[u];
    cls[0].resize(static_cast<std::size_t>(pos_before[nt]));
    cls[1].resize(static_cast<std::size_t>(n - pos_before[nt]));
    std::vector<char> bad_slice(static_cast<std::size_t>(nt), 0);
    parallel_for_each(nt, nt, [&](int t) {
        const index_t i0 = n * t / nt, i1 = n * (t + 1) / nt;
        E* P = cls[0].data();
        E* N = cls[1].data();
        index_t a = pos_before[t], b = i0 - pos_before[t];
        bool bad_here = false;
        for (index_t i = i0; i < i1; ++i) {
            if (std::isnan(score[i])) bad_here = true;
            const T s = score[i] == T(0) ? T(0) : score[i];  // -0 ranks with +0
            const E e = make(~order_key(s) & key_mask, i);
            if (y[i])
                P[a++] = e;
            else
                N[b++] = e;
        }
        bad_slice[static_cast<std::size_t>(t)] = bad_here;
    });
    bool bad = false;
    for (char f : bad_slice) bad |= f != 0;
    require(!bad, "binary_curve: the scores contain NaN");
    const int outer = n_threads >= 2 ? 2 : 1;
    const int inner = std::max(1, n_threads / 2);
    parallel_for_each(outer, 2, [&](int t) { parallel_sort(cls[t], inner, key_bits); });
}

template <class T>
void sorted_class_keys(const T* score, const std::uint8_t* y, index_t n, int n_threads,
                       std::vector<std::uint64_t> keys[2]) {
    sorted_class_entries(score, y, n, n_threads, [](std::uint64_t k, index_t) { return k; }, keys);
}

template <class T>
void sorted_class_weights(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                          int n_threads, std::vector<Ranked> cls[2]) {
    sorted_class_entries(score, y, n, n_threads,
                         [weight](std::uint64_t k, index_t i) { return Ranked{k, weight[i]}; }, cls);
}

// Σ over the values x of N of #{P < x} (strict) or #{P <= x}, both arrays sorted: a merge
// without branches on the data (one index moves per step).
template <bool Strict>
std::uint64_t count_below(const std::uint64_t* P, index_t np, const std::uint64_t* N, index_t j0,
                          index_t j1) {
    const std::uint64_t x0 = N[j0];
    index_t i = static_cast<index_t>(
        (Strict ? std::lower_bound(P, P + np, x0) : std::upper_bound(P, P + np, x0)) - P);
    std::uint64_t acc = 0;
    index_t j = j0;
    while (j < j1) {
        const std::uint64_t p = P[i < np ? i : np - 1];
        const bool take = (i < np) & (Strict ? p < N[j] : p <= N[j]);
        acc += take ? 0 : static_cast<std::uint64_t>(i);
        i += take;
        j += !take;
    }
    return acc;
}

// The ranking both binary_curve and binary_auc walk: visit(fp, tp, key) at the end of every run
// of equal scores, in decreasing order of score, with the (weighted) counts so far.
template <class T, class Visit>
void ranked_walk(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                 int n_threads, Visit&& visit) {
    if (!weight) {
        // Unweighted: the positives' and the negatives' keys sorted apart (two plain arrays, one
        // task each), then one merge walk counts both at every distinct score.
        std::vector<std::uint64_t> keys[2];
        sorted_class_keys(score, y, n, n_threads, keys);
        const std::vector<std::uint64_t>& P = keys[0];
        const std::vector<std::uint64_t>& N = keys[1];
        std::size_t i = 0, j = 0;
        double tp = 0, fp = 0;
        while (i < P.size() || j < N.size()) {
            const std::uint64_t k = (j == N.size() || (i < P.size() && P[i] <= N[j])) ? P[i] : N[j];
            while (i < P.size() && P[i] == k) {
                ++i;
                tp += 1;
            }
            while (j < N.size() && N[j] == k) {
                ++j;
                fp += 1;
            }
            visit(fp, tp, k);
        }
        return;
    }
    // Weighted: the same class split, each sample's weight carried beside its key (so the walk
    // reads the two sorted arrays in order, never the weights by index), each class's array
    // sorted stably (slices in sample order, stable merges): the running sums add each class's
    // weights in the order of the full stable ranking, whatever the thread count.
    std::vector<Ranked> cls[2];
    sorted_class_weights(score, y, weight, n, n_threads, cls);
    const std::vector<Ranked>& P = cls[0];
    const std::vector<Ranked>& N = cls[1];
    std::size_t i = 0, j = 0;
    double tp = 0, fp = 0;
    while (i < P.size() || j < N.size()) {
        const std::uint64_t k =
            (j == N.size() || (i < P.size() && P[i].key <= N[j].key)) ? P[i].key : N[j].key;
        while (i < P.size() && P[i].key == k) tp += P[i++].weight;
        while (j < N.size() && N[j].key == k) fp += N[j++].weight;
        visit(fp, tp, k);
    }
}

}  // namespace

template <class T>
void binary_curve(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                  std::vector<double>& fps, std::vector<double>& tps, std::vector<T>& thresholds,
                  int n_threads) {
    require(n >= 0, "binary_curve: negative length");
    fps.clear();
    tps.clear();
    thresholds.clear();
    if (n == 0) return;
    const std::uint64_t key_mask = sizeof(T) == 4 ? 0xFFFFFFFFULL : ~0ULL;
    ranked_walk(score, y, weight, n, n_threads, [&](double fp, double tp, std::uint64_t k) {
        tps.push_back(tp);
        fps.push_back(fp);
        thresholds.push_back(score_of<T>(k | ~key_mask));
    });
}

template <class T>
double binary_auc(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                  int n_threads) {
    require(n >= 1, "binary_auc: empty input");
    if (!weight) {
        // Unweighted counts are integers: twice the area, Σ Δfp · (tp + tp_prev) over the distinct
        // scores, is an exact integer sum (below 2⁶³ for any n < 2³¹), rounded once by the final
        // division. It equals Σ over the negatives of #{positives scored higher} + #{higher or
        // equal}: two branch-free merge counts, the negatives split between the threads.
        std::vector<std::uint64_t> keys[2];
        sorted_class_keys(score, y, n, n_threads, keys);
        const index_t np = static_cast<index_t>(keys[0].size()), nn = static_cast<index_t>(keys[1].size());
        require(np > 0 && nn > 0, "binary_auc: both classes must be present");
        const std::uint64_t* P = keys[0].data();
        const std::uint64_t* N = keys[1].data();
        const int nt = threads_for(n_threads, n / 16384 + 1);
        std::vector<std::uint64_t> part(static_cast<std::size_t>(2 * nt), 0);
        parallel_for_each(nt, 2 * nt, [&](int t) {
            const index_t j0 = nn * (t / 2) / nt, j1 = nn * (t / 2 + 1) / nt;
            if (j0 < j1) part[static_cast<std::size_t>(t)] = (t % 2) ? count_below<false>(P, np, N, j0, j1)
                                                                      : count_below<true>(P, np, N, j0, j1);
        });
        std::uint64_t area2 = 0;
        for (std::uint64_t a : part) area2 += a;
        return static_cast<double>(area2) / (2.0 * static_cast<double>(nn) * static_cast<double>(np));
    }
    // Weighted: the trapezoids summed with Kahan compensation.
    double sum = 0, comp = 0, fp_prev = 0, tp_prev = 0;
    ranked_walk(score, y, weight, n, n_threads, [&](double fp, double tp, std::uint64_t) {
        const double term = (fp - fp_prev) * (tp + tp_prev) * 0.5 - comp;
        const double t = sum + term;
        comp = (t - sum) - term;
        sum = t;
        fp_prev = fp;
        tp_prev = tp;
    });
    require(fp_prev != 0 && tp_prev != 0, "binary_auc: both classes must have weight");
    return sum / (fp_prev * tp_prev);
}



void int_min_max(const std::int64_t* y, index_t n, std::int64_t& lo, std::int64_t& hi, int n_threads) {
    require(n >= 1, "int_min_max: empty input");
    // a scan at memory speed: a second thread pays only from about a million values on (waking
    // it costs more than it saves below that, most of all on a busy machine). Slices on the task
    // pool, each its own (min, max); min and max are exact in any order.
    const int nt = threads_for(n_threads, n / (1 << 20) + 1);
    const int parts = nt == 1 ? 1 : 4 * nt;
    std::vector<std::int64_t> part_lo(static_cast<std::size_t>(parts), y[0]);
    std::vector<std::int64_t> part_hi(static_cast<std::size_t>(parts), y[0]);
    parallel_for_each(nt, parts, [&](int t) {
        const index_t i0 = n * t / parts, i1 = n * (t + 1) / parts;
        std::int64_t a = y[i0 < n ? i0 : 0], b = a;
        for (index_t i = i0; i < i1; ++i) {
            a = std::min(a, y[i]);
            b = std::max(b, y[i]);
        }
        part_lo[static_cast<std::size_t>(t)] = a;
        part_hi[static_cast<std::size_t>(t)] = b;
    });
    lo = *std::min_element(part_lo.begin(), part_lo.end());
    hi = *std::max_element(part_hi.begin(), part_hi.end());
}

void confusion_counts(const std::int64_t* y_true, const std::int64_t* y_pred, index_t n,
                      std::int64_t lo, index_t K, const double* weight, double* out, int n_threads) {
    require(K >= 1, "confusion_counts: K must be >= 1");
    const std::size_t KK = static_cast<std::size_t>(K) * static_cast<std::size_t>(K);
    const std::uint64_t uK = static_cast<std::uint64_t>(K);
    std::fill(out, out + KK, 0.0);
    if (weight) {
        // Weighted: every cell is the sum of its samples' weights in sample order (the order of
        // scikit-learn's sparse sum), so the result is the same for any thread count. Threads
        // split the true labels: task r scans all of y_true and adds the samples whose true label
        // is in its band of rows (its own rows of out: no two tasks write one cell).
        const int nt = threads_for(n_threads, std::min<long long>(K, n / (1 << 19) + 1));
        const int bands = nt;
        std::vector<char> bad_band(static_cast<std::size_t>(bands), 0);
        parallel_for_each(nt, bands, [&](int r) {
            const std::uint64_t r0 = uK * r / bands, r1 = uK * (r + 1) / bands;
            bool bad = false;
            for (index_t i = 0; i < n; ++i) {
                const std::uint64_t t = static_cast<std::uint64_t>(y_true[i] - lo);
                if (t < r0 || t >= r1) {
                    if (r == 0 && t >= uK) bad = true;  // out of range: reported by one band
                    continue;
                }
                const std::uint64_t q = static_cast<std::uint64_t>(y_pred[i] - lo);
                if (q >= uK) {
                    bad = true;
                    continue;
                }
                out[t * uK + q] += weight[i];
            }
            bad_band[static_cast<std::size_t>(r)] = bad;
        });
        for (char b : bad_band) require(!b, "confusion_counts: a label is out of range");
        return;
    }
    // Unweighted counts are integers: exact in any order. Fixed slices of samples taken from the
    // task pool, each added into its thread's own histogram, the histograms summed after (a
    // histogram larger than a slice's samples is not worth copying: one thread then).
    const index_t slice = index_t(1) << 16;
    const index_t n_slices = (n + slice - 1) / slice;
    int nt = threads_for(n_threads, n / (1 << 19) + 1);
    if (KK > static_cast<std::size_t>(slice)) nt = 1;
    std::vector<std::vector<std::int64_t>> hist(static_cast<std::size_t>(nt));
    std::vector<char> bad_slot(static_cast<std::size_t>(nt), 0);
    parallel_tasks_slots(nt, n_slices, [&](std::int64_t c, int slot) {
        std::vector<std::int64_t>& h = hist[static_cast<std::size_t>(slot)];
        if (h.empty()) h.assign(KK, 0);
        const index_t e = std::min(n, (static_cast<index_t>(c) + 1) * slice);
        bool bad = false;
        for (index_t i = static_cast<index_t>(c) * slice; i < e; ++i) {
            const std::uint64_t t = static_cast<std::uint64_t>(y_true[i] - lo);
            const std::uint64_t q = static_cast<std::uint64_t>(y_pred[i] - lo);
            if (t >= uK || q >= uK) {
                bad = true;
                continue;
            }
            ++h[t * uK + q];
        }
        if (bad) bad_slot[static_cast<std::size_t>(slot)] = 1;
    });
    for (char b : bad_slot) require(!b, "confusion_counts: a label is out of range");
    for (const auto& h : hist)
        if (!h.empty())
            for (std::size_t k = 0; k < KK; ++k) out[k] += static_cast<double>(h[k]);
}

namespace {

// A 64-bit hash of `width` bytes: 8-byte words folded by multiply-xorshift steps, the tail bytes
// as one last word (zero-padded), then a final avalanche.
inline std::uint64_t bytes_hash(const std::uint8_t* p, index_t width) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(width);
    index_t i = 0;
    for (; i + 8 <= width; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    if (i < width) {
        std::uint64_t w = 0;
        std::memcpy(&w, p + i, static_cast<std::size_t>(width - i));
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 29);
}

}  // namespace

std::vector<std::int64_t> encode_fixed_width(const std::uint8_t* data, index_t n, index_t width,
                                             std::int64_t* codes) {
    require(n >= 0 && width >= 1, "encode_fixed_width: width must be >= 1");
    // slots: -1 (empty) or a distinct item's number; kept at most half full
    std::vector<std::int64_t> firsts;
    std::vector<std::uint64_t> hashes;
    std::size_t cap = 64;
    std::vector<std::int64_t> slots(cap, -1);
    const std::size_t w = static_cast<std::size_t>(width);
    // the previous item's code: runs of one label (sorted or grouped targets) skip the table
    std::int64_t prev = -1;
    const std::uint8_t* prev_p = nullptr;
    for (index_t i = 0; i < n; ++i) {
        const std::uint8_t* item = data + static_cast<std::size_t>(i) * w;
        if (prev >= 0 && std::memcmp(item, prev_p, w) == 0) {
            codes[i] = prev;
            continue;
        }
        const std::uint64_t h = bytes_hash(item, width);
        std::size_t s = static_cast<std::size_t>(h) & (cap - 1);
        std::int64_t code = -1;
        while (slots[s] >= 0) {
            const std::int64_t c = slots[s];
            if (hashes[static_cast<std::size_t>(c)] == h &&
                std::memcmp(item, data + static_cast<std::size_t>(firsts[static_cast<std::size_t>(c)]) * w, w) == 0) {
                code = c;
                break;
            }
            s = (s + 1) & (cap - 1);
        }
        if (code < 0) {
            code = static_cast<std::int64_t>(firsts.size());
            firsts.push_back(i);
            hashes.push_back(h);
            slots[s] = code;
            if (2 * firsts.size() > cap) {  // grow: rehash the distinct items into twice the slots
                cap *= 2;
                slots.assign(cap, -1);
                for (std::size_t c = 0; c < hashes.size(); ++c) {
                    std::size_t t = static_cast<std::size_t>(hashes[c]) & (cap - 1);
                    while (slots[t] >= 0) t = (t + 1) & (cap - 1);
                    slots[t] = static_cast<std::int64_t>(c);
                }
            }
        }
        codes[i] = code;
        prev = code;
        prev_p = item;
    }
    return firsts;
}

namespace {

// Σ_b dist over one cluster's contiguous columns of a product block: √max(‖a‖² + ‖b‖² − 2 a·b, 0)
// (or its square), vectorised (this file is built with -fno-math-errno so √ is a SIMD op).
template <class T>
inline double segment_sum(const T* g, const double* nj, double ni, index_t len, bool squared) {
    double acc = 0;
    if (squared) {
#pragma omp simd reduction(+ : acc)
        for (index_t b = 0; b < len; ++b) {
            const double q = ni + nj[b] - 2.0 * double(g[b]);
            acc += q > 0 ? q : 0.0;
        }
    } else {
#pragma omp simd reduction(+ : acc)
        for (index_t b = 0; b < len; ++b) {
            const double q = ni + nj[b] - 2.0 * double(g[b]);
            acc += std::sqrt(q > 0 ? q : 0.0);
        }
    }
    return acc;
}

}  // namespace

template <class T>
void silhouette_sums(const T* X, index_t n, index_t d, const std::int64_t* labels, index_t K,
                     Metric metric, double p, double* sums, int n_threads) {
    require(n >= 1 && d >= 1 && K >= 1, "silhouette_sums: empty input");
    for (index_t i = 0; i < n; ++i)
        require(labels[i] >= 0 && labels[i] < K, "silhouette_sums: a label is out of range");
    std::fill(sums, sums + n * K, 0.0);
    // The samples in cluster order (stable): each cluster's columns are one contiguous run, so a
    // row's sum over a cluster is a plain vectorised reduction instead of a scattered add.
    std::vector<index_t> start(static_cast<std::size_t>(K + 1), 0);
    for (index_t i = 0; i < n; ++i) ++start[labels[i] + 1];
    for (index_t c = 0; c < K; ++c) start[c + 1] += start[c];
    std::vector<index_t> order(static_cast<std::size_t>(n));
    {
        std::vector<index_t> next(start.begin(), start.end() - 1);
        for (index_t i = 0; i < n; ++i) order[next[labels[i]]++] = i;
    }
    std::vector<T> Xs(static_cast<std::size_t>(n * d));
    std::vector<std::int64_t> lab(static_cast<std::size_t>(n));
    for (index_t r = 0; r < n; ++r) {
        std::copy(X + order[r] * d, X + order[r] * d + d, Xs.data() + r * d);
        lab[r] = labels[order[r]];
    }
    const bool gram = metric == Metric::Euclidean || metric == Metric::SqEuclidean;
    const bool squared = metric == Metric::SqEuclidean;
    std::vector<double> norms;
    if (gram) {
        norms.resize(static_cast<std::size_t>(n));
        for (index_t i = 0; i < n; ++i) {
            double s = 0;
            for (index_t j = 0; j < d; ++j) s += double(Xs[i * d + j]) * double(Xs[i * d + j]);
            norms[i] = s;
        }
    }
    const index_t RB = 64, CB = 2048;
    const index_t n_row_blocks = (n + RB - 1) / RB;
    const int nt = threads_for(n_threads, n_row_blocks);
    // the symmetric walk keeps min(256, K) column sums per sample for each row block of a wave;
    // with very many clusters that would outgrow 64 MiB for two blocks per thread: walk the full
    // matrix instead (the sums themselves are n x K either way)
    const bool symmetric = gram && static_cast<std::size_t>(std::min<index_t>(256, K)) *
                                           static_cast<std::size_t>(n) * 8 * 2 *
                                           static_cast<std::size_t>(nt) <= (std::size_t(64) << 20);
    if (symmetric) {
        // The distance matrix is symmetric: each row block computes only the columns from its own
        // first row on (half the products and square roots). A pair (i, j), j past the block,
        // adds d(i, j) to i's sum over j's cluster (the row part, summed in the task, in column
        // order) and to j's sum over i's cluster (the column part). The column parts of a wave
        // of W row blocks go to one buffer per block of the wave and are added in block order
        // after the wave, so the sums do not depend on the thread count.
        // Row blocks of 64 to 128 rows, 128-column tiles: a thread's product and distance tiles
        // (256 KiB) stay in L2; waves as wide as 64 MiB of column buffers allow (each wave ends
        // in a barrier, which costs a time slice on a busy machine, so they are few). Block b
        // computes the columns from its first row on, so the blocks' work falls from first to
        // last: with eight blocks or more (n / 8 rows, 64 to 128), taken in order, the threads
        // finish close together. The size depends on n alone, never on the thread count, so the
        // order of the additions, and the sums, do not either. Measured on 2 cores against
        // 256-row blocks: 500 x 1000 8.4 -> 6.2 ms, 2000 x 100 13.8 -> 10.2 ms, 1000 x 500
        // 10.6 -> 10.0 ms; no loss at 5000 rows.
        const index_t CB = 128;
        const index_t RB = std::max<index_t>(64, std::min<index_t>(128, ((n + 7) / 8 + 15) / 16 * 16));
        const index_t n_row_blocks = (n + RB - 1) / RB;
        const std::size_t nK = static_cast<std::size_t>(n) * static_cast<std::size_t>(K);
        const index_t R = std::min(RB, K);  // the most cluster runs a row block can hold
        const std::size_t slot_size = static_cast<std::size_t>(R) * static_cast<std::size_t>(n);
        const index_t budget = static_cast<index_t>((std::size_t(64) << 20) / (8 * slot_size));
        const index_t W = std::min(n_row_blocks, std::max<index_t>(2 * index_t(nt), budget));
        std::vector<double> colsum(nK, 0.0);
        std::vector<double> colbuf(static_cast<std::size_t>(W) * slot_size);
        std::vector<std::int64_t> run_cluster(static_cast<std::size_t>(W * R));
        std::vector<index_t> n_runs(static_cast<std::size_t>(W));
        const std::size_t per_slot = static_cast<std::size_t>(RB * CB);
        std::vector<T> Gw(static_cast<std::size_t>(std::max(1, n_threads)) * per_slot);
        std::vector<double> Dw(static_cast<std::size_t>(std::max(1, n_threads)) * per_slot);
        for (index_t w0 = 0; w0 < n_row_blocks; w0 += W) {
            const index_t wc = std::min(W, n_row_blocks - w0);
            const int ntw = threads_for(n_threads, wc);
            // On the task pool (task_pool.hpp), per-thread buffers by the pool's slot.
            parallel_tasks_slots(ntw, wc, [&](std::int64_t qi, int slot_id) {
                const index_t q = static_cast<index_t>(qi);
                T* G = Gw.data() + static_cast<std::size_t>(slot_id) * static_cast<std::size_t>(RB * CB);
                double* D = Dw.data() + static_cast<std::size_t>(slot_id) * static_cast<std::size_t>(RB * CB);
                    {
                        const index_t rb = w0 + q;
                        const index_t i0 = rb * RB, i1 = std::min(n, i0 + RB), m = i1 - i0;
                        // this block's rows form runs of one cluster each (rows are in
                        // cluster order); the column part keeps one row of n per run
                        double* cb = colbuf.data() + static_cast<std::size_t>(q) * slot_size;
                        std::vector<index_t> run_start;
                        for (index_t a = 0; a < m; ++a)
                            if (a == 0 || lab[i0 + a] != lab[i0 + a - 1]) {
                                run_cluster[q * R + static_cast<index_t>(run_start.size())] =
                                    lab[i0 + a];
                                run_start.push_back(a);
                            }
                        const index_t nr = static_cast<index_t>(run_start.size());
                        n_runs[q] = nr;
                        run_start.push_back(m);
                        for (index_t r = 0; r < nr; ++r)
                            std::fill(cb + r * n + i1, cb + r * n + n, 0.0);
                        for (index_t j0 = i0; j0 < n; j0 += CB) {
                            const index_t j1 = std::min(n, j0 + CB), w = j1 - j0;
                            gemm<T>(false, true, m, w, d, T(1), Xs.data() + i0 * d, d,
                                    Xs.data() + j0 * d, d, T(0), G, w, 1);
                            for (index_t a = 0; a < m; ++a) {
                                const double ni = norms[i0 + a];
                                const double* nj = norms.data() + j0;
                                const T* g = G + a * w;
                                double* dr = D + a * w;
                                if (squared) {
#pragma omp simd
                                    for (index_t b = 0; b < w; ++b) {
                                        const double v = ni + nj[b] - 2.0 * double(g[b]);
                                        dr[b] = v > 0 ? v : 0.0;
                                    }
                                } else {
#pragma omp simd
                                    for (index_t b = 0; b < w; ++b) {
                                        const double v = ni + nj[b] - 2.0 * double(g[b]);
                                        dr[b] = std::sqrt(v > 0 ? v : 0.0);
                                    }
                                }
                                const index_t self = i0 + a - j0;
                                if (self >= 0 && self < w) dr[self] = 0.0;
                                // row part: this row's sums over the clusters of [j0, j1)
                                double* srow = sums + order[i0 + a] * K;
                                for (index_t c = lab[j0]; c < K && start[c] < j1; ++c) {
                                    const index_t b0 = std::max(start[c], j0) - j0;
                                    const index_t b1 = std::min(start[c + 1], j1) - j0;
                                    double acc = 0;
#pragma omp simd reduction(+ : acc)
                                    for (index_t b = b0; b < b1; ++b) acc += dr[b];
                                    srow[c] += acc;
                                }
                            }
                            // column part, for the columns past this block: each column's sums
                            // over the clusters of this block's rows (one run per cluster)
                            const index_t bstart = std::max(i1, j0) - j0;
                            for (index_t r = 0; r < nr; ++r) {
                                double* acc = cb + r * n + j0;
                                for (index_t a = run_start[r]; a < run_start[r + 1]; ++a) {
                                    const double* dr = D + a * w;
#pragma omp simd
                                    for (index_t b = bstart; b < w; ++b) acc[b] += dr[b];
                                }
                            }
                        }
                    }
            });
            // the wave's column parts, added block by block in order (parallel over columns)
            const index_t jstart = std::min(n, (w0 + 1) * RB);
            const int ntc = threads_for(n_threads, (n - jstart) / 4096 + 1);
            parallel_for(ntc, index_t(n - jstart), [&](index_t jj) {
                const index_t j = jstart + jj;
                for (index_t q = 0; q < wc; ++q) {
                    const index_t i1q = std::min(n, (w0 + q + 1) * RB);
                    if (j < i1q) continue;
                    const double* src = colbuf.data() + static_cast<std::size_t>(q) * slot_size;
                    for (index_t r = 0; r < n_runs[q]; ++r)
                        colsum[j * K + run_cluster[q * R + r]] += src[r * n + j];
                }
            });
        }
        for (index_t j = 0; j < n; ++j)
            for (index_t c = 0; c < K; ++c) sums[order[j] * K + c] += colsum[j * K + c];
        return;
    }
    // On the task pool (task_pool.hpp): a thread that starts late never holds up the sums.
    std::vector<T> Gs(static_cast<std::size_t>(nt) * static_cast<std::size_t>(RB * CB));
    parallel_tasks_slots(nt, n_row_blocks, [&](std::int64_t rbi, int slot_id) {
        const index_t rb = static_cast<index_t>(rbi);
        T* G = Gs.data() + static_cast<std::size_t>(slot_id) * static_cast<std::size_t>(RB * CB);
            {
                const index_t i0 = rb * RB, i1 = std::min(n, i0 + RB), m = i1 - i0;
                for (index_t j0 = 0; j0 < n; j0 += CB) {
                    const index_t j1 = std::min(n, j0 + CB), w = j1 - j0;
                    if (gram)
                        gemm<T>(false, true, m, w, d, T(1), Xs.data() + i0 * d, d,
                                Xs.data() + j0 * d, d, T(0), G, w, 1);
                    for (index_t a = 0; a < m; ++a) {
                        const index_t i = i0 + a;
                        double* s = sums + order[i] * K;
                        // the clusters whose runs meet [j0, j1)
                        for (index_t c = lab[j0]; c < K && start[c] < j1; ++c) {
                            const index_t b0 = std::max(start[c], j0), b1 = std::min(start[c + 1], j1);
                            if (b0 >= b1) continue;
                            double acc = 0;
                            if (gram) {
                                const T* g = G + a * w + (b0 - j0);
                                acc = segment_sum(g, norms.data() + b0, norms[i], b1 - b0, squared);
                                if (i >= b0 && i < b1) {  // the sample itself: distance 0
                                    const double q = norms[i] + norms[i] - 2.0 * double(g[i - b0]);
                                    const double self = q > 0 ? q : 0.0;
                                    acc -= squared ? self : std::sqrt(self);
                                }
                            } else {
                                for (index_t j = b0; j < b1; ++j)
                                    if (j != i)
                                        acc += knn_detail::exact_distance(Xs.data() + i * d,
                                                                          Xs.data() + j * d, d,
                                                                          metric, p);
                            }
                            s[c] += acc;
                        }
                    }
                }
            }
    });
}

template void binary_curve<float>(const float*, const std::uint8_t*, const double*, index_t,
                                  std::vector<double>&, std::vector<double>&, std::vector<float>&, int);
template void binary_curve<double>(const double*, const std::uint8_t*, const double*, index_t,
                                   std::vector<double>&, std::vector<double>&, std::vector<double>&, int);
template double binary_auc<float>(const float*, const std::uint8_t*, const double*, index_t, int);
template double binary_auc<double>(const double*, const std::uint8_t*, const double*, index_t, int);
template void silhouette_sums<float>(const float*, index_t, index_t, const std::int64_t*, index_t,
                                     Metric, double, double*, int);
template void silhouette_sums<double>(const double*, index_t, index_t, const std::int64_t*, index_t,
                                      Metric, double, double*, int);

}  // namespace scratchlearn
