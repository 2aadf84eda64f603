// The preprocessing core: column moments, min/max, selection quantiles, affine transforms, filling.
// See cpp/include/scratchlearn/preprocessing.hpp for the contracts.
#include "scratchlearn/preprocessing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "../kernel_table.hpp"
#include "quantiles_impl.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {

namespace {

constexpr index_t kBlockRows = 512;  // rows per block of the moments pass (its sums stay in L1)
constexpr index_t kGroupCols = 8;    // columns gathered together by the quantile pass (a cache line)
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

inline bool present(double x, bool has_missing, double missing) {
    return x == x && !(has_missing && x == missing);
}

}  // namespace

template <class T>
bool column_moments(const T* X, index_t n, index_t d, const T* w, bool has_missing, double missing,
                    double* count, double* mean, double* m2, int n_threads) {
    require(n >= 0 && d >= 0, "column_moments: negative shape");
    const index_t nb = (n + kBlockRows - 1) / kBlockRows;
    // Per block and column: weight, mean and M2 (block-major), merged in block order below.
    std::vector<double> bw(static_cast<std::size_t>(nb * d)), bm(bw.size()), bq(bw.size());
    const int nt = threads_for(n_threads, nb);
    struct Sums {
        std::vector<double> shift, s0, s1, s2;
    };
    PerSlot<Sums> sums(nt);
    // one task per block of rows on the task pool (its caller never waits for a late thread)
    parallel_tasks_slots(nt, nb, [&](std::int64_t b, int slot_id) {
        Sums& st = sums.get(slot_id, [&](Sums& f) {
            f.shift.resize(d);
            f.s0.resize(d);
            f.s1.resize(d);
            f.s2.resize(d);
        });
        std::vector<double>&shift = st.shift, &s0 = st.s0, &s1 = st.s1, &s2 = st.s2;
        const index_t r0 = b * kBlockRows, r1 = std::min(n, r0 + kBlockRows);
        // The shift of each column: its first present value in the block (0 if none).
        index_t found = 0;
        std::fill(shift.begin(), shift.end(), kNaN);
        for (index_t i = r0; i < r1 && found < d; ++i) {
            const T* row = X + i * d;
            for (index_t j = 0; j < d; ++j)
                if (shift[j] != shift[j] && present(row[j], has_missing, missing)) {
                    shift[j] = row[j];
                    ++found;
                }
        }
        for (index_t j = 0; j < d; ++j)
            if (shift[j] != shift[j]) shift[j] = 0.0;
        std::fill(s0.begin(), s0.end(), 0.0);
        std::fill(s1.begin(), s1.end(), 0.0);
        std::fill(s2.begin(), s2.end(), 0.0);
        const double* sh = shift.data();
        double *p0 = s0.data(), *p1 = s1.data(), *p2 = s2.data();
        // branch-free, so that the loop over the row vectorises; an absent value adds zeros
        if (!w && !has_missing) {
            for (index_t i = r0; i < r1; ++i) {
                const T* row = X + i * d;
                for (index_t j = 0; j < d; ++j) {
                    const double x = static_cast<double>(row[j]);
                    const bool ok = x == x;
                    const double diff = x - sh[j];  // computed either way: no branch
                    const double v = ok ? diff : 0.0;
                    p0[j] += ok ? 1.0 : 0.0;
                    p1[j] += v;
                    p2[j] += v * v;
                }
            }
        } else {
            for (index_t i = r0; i < r1; ++i) {
                const T* row = X + i * d;
                const double wi = w ? static_cast<double>(w[i]) : 1.0;
                for (index_t j = 0; j < d; ++j) {
                    const double x = static_cast<double>(row[j]);
                    const bool ok = (x == x) & !(has_missing & (x == missing));
                    const double diff = x - sh[j];
                    const double v = ok ? diff : 0.0;
                    const double wv = wi * v;
                    p0[j] += ok ? wi : 0.0;
                    p1[j] += wv;
                    p2[j] += wv * v;
                }
            }
        }
        double* ow = bw.data() + b * d;
        double* om = bm.data() + b * d;
        double* oq = bq.data() + b * d;
        for (index_t j = 0; j < d; ++j) {
            ow[j] = p0[j];
            if (p0[j] > 0) {
                const double dm = p1[j] / p0[j];
                om[j] = sh[j] + dm;
                oq[j] = std::max(0.0, p2[j] - p1[j] * dm);
            } else {
                om[j] = 0.0;
                oq[j] = 0.0;
            }
        }
    });
    // Chan's pairwise merge, block after block (a fixed order: independent of the thread count).
    for (index_t j = 0; j < d; ++j) {
        double W = 0.0, M = 0.0, Q = 0.0;
        for (index_t b = 0; b < nb; ++b) {
            const double wb = bw[b * d + j];
            if (!(wb > 0)) continue;
            const double mb = bm[b * d + j], qb = bq[b * d + j];
            const double Wn = W + wb;
            const double delta = mb - M;
            M += delta * (wb / Wn);
            Q += qb + delta * delta * (W * wb / Wn);
            W = Wn;
        }
        count[j] = W;
        mean[j] = W > 0 ? M : kNaN;
        m2[j] = W > 0 ? Q : kNaN;
    }
    bool inf = false;
    for (index_t j = 0; j < d; ++j)
        if (count[j] > 0 && !(std::isfinite(mean[j]) && std::isfinite(m2[j]))) inf = true;
    return inf;
}

template <class T>
bool column_minmax(const T* X, index_t n, index_t d, double* mn, double* mx, double* count,
                   int n_threads) {
    require(n >= 0 && d >= 0, "column_minmax: negative shape");
    const index_t nb = (n + kBlockRows - 1) / kBlockRows;
    const int nt = threads_for(n_threads, nb);
    std::vector<double> tmin(static_cast<std::size_t>(nt * d), kInf), tmax(tmin.size(), -kInf),
        tcnt(tmin.size(), 0.0);
    // per-thread partial min / max / count (exact whatever the split), blocks on the task pool
    parallel_tasks_slots(nt, nb, [&](std::int64_t blk, int t) {
        double* a = tmin.data() + t * d;
        double* b = tmax.data() + t * d;
        double* c = tcnt.data() + t * d;
        const index_t r0 = blk * kBlockRows, r1 = std::min(n, r0 + kBlockRows);
        for (index_t i = r0; i < r1; ++i) {
            const T* row = X + i * d;
            for (index_t j = 0; j < d; ++j) {
                const double x = static_cast<double>(row[j]);
                a[j] = x < a[j] ? x : a[j];
                b[j] = x > b[j] ? x : b[j];
                c[j] += (x == x) ? 1.0 : 0.0;
            }
        }
    });
    bool inf = false;
    for (index_t j = 0; j < d; ++j) {
        double lo = kInf, hi = -kInf, cn = 0.0;
        for (int t = 0; t < nt; ++t) {
            lo = std::min(lo, tmin[t * d + j]);
            hi = std::max(hi, tmax[t * d + j]);
            cn += tcnt[t * d + j];
        }
        count[j] = cn;
        if (cn > 0) {
            if (std::isinf(lo) || std::isinf(hi)) inf = true;
            mn[j] = lo;
            mx[j] = hi;
        } else {
            mn[j] = kNaN;
            mx[j] = kNaN;
        }
    }
    return inf;
}

namespace {

// The q-quantile (numpy's "linear" rule) of m values from its two order statistics a (rank lo =
// floor(q·(m − 1))) and b (rank lo + 1; unused when lo + 1 == m).
template <class T>
double interpolate(T a, T b, index_t m, double q, bool midpoint_median) {
    const double vi = q * static_cast<double>(m - 1);
    const index_t lo = std::min<index_t>(static_cast<index_t>(std::floor(vi)), m - 1);
    if (lo + 1 >= m) return static_cast<double>(a);
    if (midpoint_median && q == 0.5)  // numpy's median: the mean of the middle two, in T
        return static_cast<double>((m % 2) == 1 ? a : static_cast<T>((a + b) / T(2)));
    // numpy's percentile: the lerp in double, from whichever end is nearer
    const double g = vi - static_cast<double>(lo);
    if (g == 0.0) return static_cast<double>(a);
    const double diff = static_cast<double>(b) - static_cast<double>(a);
    return g >= 0.5 ? static_cast<double>(b) - diff * (1.0 - g) : static_cast<double>(a) + diff * g;
}

inline index_t rank_of(double q, index_t m) {
    return std::min<index_t>(static_cast<index_t>(std::floor(q * static_cast<double>(m - 1))), m - 1);
}

constexpr index_t kSmallSelect = 24;  // up to this many values a selection sorts them

// Insertion sort of the m <= kSmallSelect values at v.
template <class T>
void sort_small(T* v, index_t m) {
    for (index_t i = 1; i < m; ++i) {
        const T x = v[i];
        index_t k = i;
        for (; k > 0 && x < v[k - 1]; --k) v[k] = v[k - 1];
        v[k] = x;
    }
}

template <class T>
T median_of_three(T x, T y, T z) {
    return std::max(std::min(x, y), std::min(std::max(x, y), z));
}

// Three buffers per thread for the selection below, grown to the largest column seen (plus one
// vector: a split kernel stores whole vectors at the end of each part).
template <class T>
struct SelectBuffers {
    std::vector<T> room[3];
};
template <class T>
SelectBuffers<T>& select_buffers() {
    thread_local SelectBuffers<T> buffers;
    return buffers;
}
constexpr index_t kSplitSlack = 64;  // values of room past m in each buffer (a vector or more)

// The order statistics of rank r and r + 1 (b = a when r + 1 == m) of the m values at v, which
// are left unchanged. Quickselect with a median-of-three pivot (three values at pseudo-random
// places) and an out-of-place, branch-free partition (std::nth_element's in-place partition
// mispredicts about half its comparisons on random data): each pass splits its values into two
// of three buffers, the part holding rank r is kept and the next pass reads it. On AVX2 and
// AVX-512 the split is the registry's vector kernel (kernel_table.hpp: SplitKernel), a vector of
// doubles or floats a step. When r and r + 1 fall on either side of a split, they are the left part's
// largest and the right part's smallest value. A pivot equal to the smallest value splits off the
// values equal to it, so ties always make progress; a pass budget (a run of bad pivots,
// vanishingly unlikely) hands over to std::nth_element.
template <class T>
void nth_pair(const T* v, index_t m, index_t r, T& a, T& b) {
    const bool top = r + 1 >= m;
    if (m <= kSmallSelect) {
        T s[kSmallSelect];
        std::copy(v, v + m, s);
        sort_small(s, m);
        a = s[r];
        b = top ? a : s[r + 1];
        return;
    }
    SelectBuffers<T>& buf = select_buffers<T>();
    const std::size_t need = static_cast<std::size_t>(m + kSplitSlack);
    for (auto& room : buf.room)
        if (room.size() < need) room.resize(need);
    const kernel_table::SplitKernel<T> kernel = kernel_table::kernels<T>().select_split;
    const kernel_table::SplitKernel<T> split_pass = kernel ? kernel : quantile_loops::split_portable<T>;
    const T* src = v;
    int at = -1;  // the buffer src is in (-1: v itself)
    int budget = 16;
    for (index_t k = m; k > 1; k >>= 1) budget += 2;
    // pivot candidates at pseudo-random places (xorshift), so that no fixed order of the input
    // defeats the median of three
    std::uint64_t state = 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(m);
    auto pick = [&state](index_t range) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return static_cast<index_t>(state % static_cast<std::uint64_t>(range));
    };
    // one pass: src split at p into the two buffers src is not in; returns the left part's size
    int lo_at = 0, hi_at = 1;
    auto split = [&](T p, bool le) {
        lo_at = at == 0 ? 1 : 0;
        hi_at = at == 2 ? 1 : (at == 1 || lo_at == 1 ? 2 : 1);
        return split_pass(src, m, p, le, buf.room[lo_at].data(), buf.room[hi_at].data());
    };
    while (m > kSmallSelect) {
        if (--budget < 0) {  // the median of three keeps missing: the library's selection
            T* dst = buf.room[at == 0 ? 1 : 0].data();
            std::copy(src, src + m, dst);
            std::nth_element(dst, dst + r, dst + m);
            a = dst[r];
            b = top ? a : *std::min_element(dst + r + 1, dst + m);
            return;
        }
        const T p = median_of_three(src[pick(m)], src[pick(m)], src[pick(m)]);
        index_t l = split(p, false);
        if (l == 0) {  // p is the smallest value: split off the values equal to it
            src = buf.room[hi_at].data();
            at = hi_at;
            l = split(p, true);
            if (r < l) {
                a = p;
                b = (top || r + 1 < l) ? p : *std::min_element(buf.room[hi_at].data(),
                                                                buf.room[hi_at].data() + (m - l));
                return;
            }
        } else if (r + 1 == l) {  // r the left part's largest, r + 1 the right part's smallest
            const T* left = buf.room[lo_at].data();
            const T* right = buf.room[hi_at].data();
            a = *std::max_element(left, left + l);
            b = *std::min_element(right, right + (m - l));
            return;
        }
        if (r < l) {
            src = buf.room[lo_at].data();
            at = lo_at;
            m = l;
        } else {
            src = buf.room[hi_at].data();
            at = hi_at;
            m -= l;
            r -= l;
        }
    }
    T s[kSmallSelect];
    std::copy(src, src + m, s);
    sort_small(s, m);
    a = s[r];
    b = r + 1 < m ? s[r + 1] : a;
}

// The values of rank rl and rh (rl < rh, both in [0, m)) of the m values at v, by two
// selections (v unchanged); cheaper than sorting the sample when only the bounds are needed.
template <class T>
void two_ranks(const T* v, index_t m, index_t rl, index_t rh, T& a, T& b) {
    T unused;
    nth_pair(v, m, rl, a, unused);
    nth_pair(v, m, rh, b, unused);
}

// From this many values a gathered column is selected through a band (below it the quickselect
// alone was faster, measured from 512 to 16384 values).
constexpr index_t kBandMin = 16384;
constexpr index_t kBandSample = 256;  // values sampled to place the band

// The order statistics of rank r and r + 1 of the m present values at v (left in place), for
// large m through a band (Floyd and Rivest's idea): kBandSample evenly spaced values, selected,
// give two bounds lo <= x <= hi that hold both ranks with high probability (a margin of three
// standard deviations of the sample rank); one branch-free pass counts the values below lo and
// copies those inside [lo, hi] (a few percent) to w, where nth_pair finds the ranks. When
// the ranks miss the band (unlikely, or adversarial data), the whole column is selected.
template <class T>
void select_pair(T* v, index_t m, index_t r, std::vector<T>& w, T& a, T& b) {
    if (m < kBandMin) return nth_pair(v, m, r, a, b);
    const index_t s = kBandSample;
    T sample[kBandSample];
    for (index_t t = 0; t < s; ++t) sample[t] = v[((2 * t + 1) * m) / (2 * s)];
    const double q = static_cast<double>(r) / static_cast<double>(m - 1);
    const double p = q * static_cast<double>(s - 1);
    const double delta = 3.0 * std::sqrt(static_cast<double>(s) * std::max(q * (1 - q), 0.01)) + 2.0;
    const index_t rl = static_cast<index_t>(std::floor(p - delta));
    const index_t rh = static_cast<index_t>(std::ceil(p + delta)) + 1;
    T lo = -std::numeric_limits<T>::infinity(), hi = std::numeric_limits<T>::infinity();
    if (rl > 0 && rh < s - 1) {
        two_ranks(sample, s, rl, rh, lo, hi);
    } else if (rl > 0) {
        std::nth_element(sample, sample + rl, sample + s);
        lo = sample[rl];
    } else if (rh < s - 1) {
        std::nth_element(sample, sample + rh, sample + s);
        hi = sample[rh];
    }
    w.resize(static_cast<std::size_t>(m + 1));
    T* wp = w.data();
    index_t below = 0, nb = 0;
    for (index_t i = 0; i < m; ++i) {
        const T x = v[i];
        below += x < lo;
        wp[nb] = x;
        nb += (x >= lo) & (x <= hi);
    }
    const index_t last = std::min(r + 1, m - 1);
    if (r < below || last >= below + nb) return nth_pair(v, m, r, a, b);
    nth_pair(wp, nb, r - below, a, b);
    if (r + 1 >= m) b = a;
}

// The q-quantile of the m present values at v.
template <class T>
double select_quantile(T* v, index_t m, double q, bool midpoint_median, std::vector<T>& w) {
    T a, b;
    select_pair(v, m, rank_of(q, m), w, a, b);
    return interpolate<T>(a, b, m, q, midpoint_median);
}

constexpr index_t kAhead = 16;         // rows fetched ahead by the strided column passes

constexpr index_t kSampleMax = 4096;   // rows sampled to place the selection band (at most)
constexpr index_t kDirectRows = 1024;  // up to this, every column is gathered and selected

// Rows sampled from n: about 4·√n (between 256 and kSampleMax). The sample's selection costs
// about s, the band's about n/√s, so the sample grows with the column; its bounds sit
// 3 standard deviations of the sample rank (plus a small constant) either side of the rank.
inline index_t sample_rows(index_t n) {
    const index_t s = static_cast<index_t>(4.0 * std::sqrt(static_cast<double>(n)));
    return std::min<index_t>(std::max<index_t>(s, 256), std::min<index_t>(kSampleMax, n));
}


constexpr index_t kPassRows = 2048;  // rows of a group gathered contiguous at a time (L2)
constexpr index_t kPassAhead = 64;   // rows fetched ahead by that gather (~1 ns a row)
constexpr index_t kMaxBands = 4;     // quantiles per column selected through bands (more: gathered)

}  // namespace

// Two ways to the order statistics of a column:
//  * small n (up to kDirectRows): the present values are gathered and the ranks selected;
//  * larger n: sample_rows(n) evenly spaced rows are read, and two selections in that sample
//    place each wanted rank between two sample values lo ≤ x ≤ hi with high probability (a
//    margin of 3 standard deviations of the sample rank, 4 for the largest columns); one pass
//    over the group's rows then counts the values below lo and keeps only those in [lo, hi]
//    (a few percent to a fifth), where nth_element finds the ranks. The columns are never
//    gathered whole. Exact either way: when the ranks fall outside the band (adversarial
//    order), the column falls back to the gathered selection.
template <class T>
void column_quantiles(const T* X, index_t n, index_t d, const double* qs, index_t nq,
                      bool has_missing, double missing, bool midpoint_median, double* out, int n_threads) {
    require(n >= 0 && d >= 0 && nq >= 0, "column_quantiles: negative shape");
    for (index_t k = 0; k < nq; ++k)
        require(qs[k] >= 0.0 && qs[k] <= 1.0, "column_quantiles: quantiles must be in [0, 1]");
    const index_t ng = (d + kGroupCols - 1) / kGroupCols;
    const int nt = threads_for(n_threads, ng);
    struct Scratch {
        std::vector<T> full;                       // a gathered column (direct path, fallback)
        std::vector<T> cols;                       // a group's gathered columns (direct path, band tile)
        std::vector<T> work;                       // select_pair's band
        std::vector<std::vector<T>> band;
        std::vector<double> lo, hi;
        std::vector<index_t> below, fill_, cap;
        std::vector<T> sample;
    };
    PerSlot<Scratch> scratch(nt);
    // one task per group of columns on the task pool (groups are uneven: a band may fall back)
    parallel_tasks_slots(nt, ng, [&](std::int64_t g, int slot_id) {
        Scratch& sc = scratch.get(slot_id, [&](Scratch& f) {
            f.band.resize(static_cast<std::size_t>(kGroupCols * nq));
            f.lo.resize(kGroupCols * nq);
            f.hi.resize(kGroupCols * nq);
            f.below.resize(kGroupCols * nq);
            f.fill_.resize(kGroupCols * nq);
            f.cap.resize(kGroupCols * nq);
        });
        std::vector<T>&full = sc.full, &cols = sc.cols, &work = sc.work, &sample = sc.sample;
        std::vector<std::vector<T>>& band = sc.band;
        std::vector<double>&lo = sc.lo, &hi = sc.hi;
        std::vector<index_t>&below = sc.below, &fill_ = sc.fill_, &cap = sc.cap;
        const index_t j0 = g * kGroupCols, gc = std::min(kGroupCols, d - j0);
        auto gather = [&](index_t c) -> index_t {
            full.resize(static_cast<std::size_t>(n));
            index_t m = 0;
            const T* col = X + j0 + c;
            for (index_t i = 0; i < n; ++i) {
                // rows are d apart: the hardware prefetcher stops at page ends, so
                // the first column of a group fetches its lines ahead itself
                if (c == 0) __builtin_prefetch(col + std::min(i + kAhead, n - 1) * d);
                const T x = col[i * d];
                if (present(static_cast<double>(x), has_missing, missing)) full[m++] = x;
            }
            return m;
        };
        auto select = [&](T* v, index_t m, index_t c) {
            for (index_t k = 0; k < nq; ++k)
                out[k * d + j0 + c] = m ? select_quantile<T>(v, m, qs[k], midpoint_median, work) : kNaN;
        };
        auto direct = [&](index_t c) { select(full.data(), gather(c), c); };
        if (n <= kDirectRows) {
            // the group's columns gathered in one pass over its rows (a cache line each)
            cols.resize(static_cast<std::size_t>(gc * n + 1));
            index_t m[kGroupCols] = {0};
            T* cp = cols.data();
            const T* base = X + j0;
            for (index_t i = 0; i < n; ++i) {
                const T* row = base + i * d;
                __builtin_prefetch(base + std::min(i + kAhead, n - 1) * d);
                for (index_t c = 0; c < gc; ++c) {
                    const T x = row[c];
                    cp[c * n + m[c]] = x;
                    m[c] += present(static_cast<double>(x), has_missing, missing);
                }
            }
            for (index_t c = 0; c < gc; ++c) select(cp + c * n, m[c], c);
            return;
        }
        // 1. The sample: evenly spaced rows, present values; each band's two bounds are
        //    order statistics of it, found by selection.
        const index_t nsample = sample_rows(n);
        const index_t stride = n / nsample;
        // the large columns keep a wider margin (4 deviations + 8): their fallback costs most
        const double sigmas = n > 262144 ? 4.0 : 3.0, extra = n > 262144 ? 8.0 : 4.0;
        bool use_band[kGroupCols];
        // the group's sampled values, column after column, read in one pass over the
        // sampled rows (each row's cache line once)
        index_t ns_of[kGroupCols] = {0};
        if (nq <= kMaxBands) {
            sample.resize(static_cast<std::size_t>(gc * nsample));
            for (index_t r = 0; r < nsample; ++r) {
                __builtin_prefetch(X + (std::min(r + kAhead, nsample - 1) * stride + stride / 2) * d + j0);
                const T* row = X + (r * stride + stride / 2) * d + j0;
                for (index_t c = 0; c < gc; ++c) {
                    const T x = row[c];
                    sample[static_cast<std::size_t>(c * nsample + ns_of[c])] = x;
                    ns_of[c] += present(static_cast<double>(x), has_missing, missing);
                }
            }
        }
        for (index_t c = 0; c < gc; ++c) {
            use_band[c] = false;
            if (nq > kMaxBands) continue;
            const index_t ns = ns_of[c];
            T* smp = sample.data() + c * nsample;
            use_band[c] = ns >= 128;  // else (or many quantiles) gathered
            if (!use_band[c]) continue;
            for (index_t k = 0; k < nq; ++k) {
                const double q = qs[k], p = q * static_cast<double>(ns - 1);
                const double delta = sigmas * std::sqrt(static_cast<double>(ns) * std::max(q * (1 - q), 0.01)) + extra;
                const index_t rl = static_cast<index_t>(std::floor(p - delta));
                const index_t rh = static_cast<index_t>(std::ceil(p + delta)) + 1;
                T a = T(0), b = T(0);
                if (rl > 0 && rh < ns - 1) two_ranks(smp, ns, rl, rh, a, b);
                else if (rl > 0) { std::nth_element(smp, smp + rl, smp + ns); a = smp[rl]; }
                else if (rh < ns - 1) { std::nth_element(smp, smp + rh, smp + ns); b = smp[rh]; }
                lo[c * nq + k] = rl <= 0 ? -kInf : static_cast<double>(a);
                hi[c * nq + k] = rh >= ns - 1 ? kInf : static_cast<double>(b);
                below[c * nq + k] = 0;
                fill_[c * nq + k] = 0;
                // room for three times the expected band (a larger one falls back)
                cap[c * nq + k] = static_cast<index_t>(
                    static_cast<double>(n) * (2.0 * delta + 2.0) / static_cast<double>(ns) * 3.0) + 64;
                band[c * nq + k].resize(static_cast<std::size_t>(cap[c * nq + k] + 1));
            }
        }
        // 2. One pass over the group's rows, in blocks of kPassRows: the block's columns are
        //    gathered contiguous (a tile that stays in L2), then each band column makes a
        //    branch-free pass over its part of the tile: its values below, inside and above
        //    each band; the band's values are written unconditionally and the position advanced
        //    only when inside (a band that outgrows its room is redone by the fallback).
        index_t count[kGroupCols] = {0}, above[kGroupCols] = {0};
        for (index_t c = 0; c < gc; ++c)
            for (index_t k = 0; k < nq; ++k) below[c * nq + k] = fill_[c * nq + k] = 0;
        const auto pass = has_missing ? quantile_loops::band_pass<T, true> : quantile_loops::band_pass<T, false>;
        // the vector pass of the kernel path where it has one (NaN as the only marker)
        const kernel_table::BandPassKernel<T> fast =
            has_missing ? nullptr : kernel_table::kernels<T>().band_pass;
        bool any_band = false;
        for (index_t c = 0; c < gc; ++c) any_band |= use_band[c];
        if (any_band) cols.resize(static_cast<std::size_t>(gc * kPassRows));
        for (index_t i0 = 0; any_band && i0 < n; i0 += kPassRows) {
            const index_t i1 = std::min(n, i0 + kPassRows), rows = i1 - i0;
            // the block's columns gathered contiguous (each row's cache line read once,
            // and each page touched once per block, not once per column)
            T* tile = cols.data();
            const T* base = X + j0;
            for (index_t i = i0; i < i1; ++i) {
                __builtin_prefetch(base + std::min(i + kPassAhead, n - 1) * d);
                const T* row = base + i * d;
                for (index_t c = 0; c < gc; ++c) tile[c * kPassRows + (i - i0)] = row[c];
            }
            for (index_t c = 0; c < gc; ++c) {
                if (!use_band[c]) continue;
                for (index_t k = 0; k < nq; ++k) {
                    const index_t s = c * nq + k;
                    index_t up = 0;
                    if (fast)
                        fast(tile + c * kPassRows, rows, lo[s], hi[s], band[s].data(), cap[s], below[s],
                             fill_[s], up);
                    else
                        pass(tile + c * kPassRows, rows, missing, lo[s], hi[s], band[s].data(), cap[s],
                             below[s], fill_[s], up);
                    if (k == 0) above[c] += up;
                }
            }
        }
        // present values: below, inside and above the first band (NaN compares false)
        for (index_t c = 0; c < gc; ++c)
            if (use_band[c]) count[c] = below[c * nq] + fill_[c * nq] + above[c];
        for (index_t c = 0; c < gc; ++c)
            for (index_t k = 0; k < nq; ++k) {
                const index_t s = c * nq + k;
                if (use_band[c] && fill_[s] > cap[s]) use_band[c] = false;  // overflowed
            }
        // 3. The ranks inside each band (or the gathered fallback).
        for (index_t c = 0; c < gc; ++c) {
            if (!use_band[c]) {  // too few sampled values, or an overflowed band
                direct(c);
                continue;
            }
            const index_t m = count[c];
            if (m == 0) {
                for (index_t k = 0; k < nq; ++k) out[k * d + j0 + c] = kNaN;
                continue;
            }
            bool ok = use_band[c];
            for (index_t k = 0; ok && k < nq; ++k) {
                const index_t s = c * nq + k, r = rank_of(qs[k], m);
                const index_t last = std::min(r + 1, m - 1);
                const index_t nb = fill_[s];
                ok = r >= below[s] && last < below[s] + nb;
            }
            if (!ok) {
                direct(c);
                continue;
            }
            for (index_t k = 0; k < nq; ++k) {
                const index_t s = c * nq + k, r = rank_of(qs[k], m) - below[s];
                T a, b;  // rank r + 1 lies in the band too unless r is the last
                select_pair(band[s].data(), fill_[s], r, work, a, b);
                out[k * d + j0 + c] = interpolate<T>(a, b, m, qs[k], midpoint_median);
            }
        }
    });
}

template <class T>
bool column_affine(const T* X, index_t n, index_t d, const double* a, const double* b, int mode,
                   bool clip, double lo, double hi, T* out, int n_threads) {
    require(mode == 0 || mode == 1, "column_affine: mode must be 0 or 1");
    require(n >= 0 && d >= 0, "column_affine: negative shape");
    const index_t nb = (n + kBlockRows - 1) / kBlockRows;
    const int nt = threads_for(n_threads, nb);
    std::vector<unsigned char> seen_inf(static_cast<std::size_t>(nb), 0);  // per block
    std::vector<double> zero(d, 0.0), one(d, 1.0);
    const double* pa = a ? a : (mode == 0 ? zero.data() : one.data());
    const double* pb = b ? b : (mode == 0 ? one.data() : zero.data());
    parallel_for(nt, nb, [&](index_t blk) {
        const index_t r0 = blk * kBlockRows, r1 = std::min(n, r0 + kBlockRows);
        int seen = 0;
        for (index_t i = r0; i < r1; ++i) {
            const T* row = X + i * d;
            T* orow = out + i * d;
            for (index_t j = 0; j < d; ++j) {
                const double x = static_cast<double>(row[j]);
                seen |= (std::fabs(x) == kInf);
                double v;
                if (mode == 0) {
                    const double t = static_cast<double>(static_cast<T>(x - pa[j]));
                    v = t / pb[j];
                } else {
                    const double t = static_cast<double>(static_cast<T>(x * pa[j]));
                    v = t + pb[j];
                }
                T r = static_cast<T>(v);
                if (clip) r = r < static_cast<T>(lo) ? static_cast<T>(lo) : (r > static_cast<T>(hi) ? static_cast<T>(hi) : r);
                orow[j] = r;
            }
        }
        seen_inf[static_cast<std::size_t>(blk)] = seen != 0;
    });
    for (unsigned char f : seen_inf)
        if (f) return true;
    return false;
}

// One row of fill_missing: entries that are NaN (or equal to mv, when Marker) become fill[j].
// Branch-free selects, both values loaded; in place (row == out) each x is read first. The
// compiler does not vectorise this loop for double (the count's mask type), so on x86-64 it is
// written with SSE2, which every x86-64 CPU has: a compare gives the lanes' masks, the masks
// blend x and fill, and subtracting the masks (all ones = -1) counts the missing entries.
template <class T, bool Marker>
index_t fill_row_scalar(const T* row, const T* fill, T* out, index_t j, index_t d, T mv) {
    index_t c = 0;
    for (; j < d; ++j) {
        const T x = row[j], f = fill[j];
        const bool miss = Marker ? ((x != x) | (x == mv)) : (x != x);
        out[j] = miss ? f : x;
        c += miss;
    }
    return c;
}

#if defined(__SSE2__)
template <bool Marker>
index_t fill_row(const double* row, const double* fill, double* out, index_t d, double mv) {
    const __m128d vm = _mm_set1_pd(mv);
    __m128i acc = _mm_setzero_si128();
    index_t j = 0;
    for (; j + 2 <= d; j += 2) {
        const __m128d x = _mm_loadu_pd(row + j), f = _mm_loadu_pd(fill + j);
        __m128d m = _mm_cmpunord_pd(x, x);
        if (Marker) m = _mm_or_pd(m, _mm_cmpeq_pd(x, vm));
        _mm_storeu_pd(out + j, _mm_or_pd(_mm_and_pd(m, f), _mm_andnot_pd(m, x)));
        acc = _mm_sub_epi64(acc, _mm_castpd_si128(m));
    }
    alignas(16) std::int64_t lanes[2];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    return lanes[0] + lanes[1] + fill_row_scalar<double, Marker>(row, fill, out, j, d, mv);
}

template <bool Marker>
index_t fill_row(const float* row, const float* fill, float* out, index_t d, float mv) {
    const __m128 vm = _mm_set1_ps(mv);
    __m128i acc = _mm_setzero_si128();  // four 32-bit counts: a row of under 2^33 entries
    index_t j = 0;
    for (; j + 4 <= d; j += 4) {
        const __m128 x = _mm_loadu_ps(row + j), f = _mm_loadu_ps(fill + j);
        __m128 m = _mm_cmpunord_ps(x, x);
        if (Marker) m = _mm_or_ps(m, _mm_cmpeq_ps(x, vm));
        _mm_storeu_ps(out + j, _mm_or_ps(_mm_and_ps(m, f), _mm_andnot_ps(m, x)));
        acc = _mm_sub_epi32(acc, _mm_castps_si128(m));
    }
    alignas(16) std::uint32_t lanes[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    index_t c = 0;
    for (std::uint32_t l : lanes) c += static_cast<index_t>(l);
    return c + fill_row_scalar<float, Marker>(row, fill, out, j, d, mv);
}
#else
template <bool Marker, class T>
index_t fill_row(const T* row, const T* fill, T* out, index_t d, T mv) {
    return fill_row_scalar<T, Marker>(row, fill, out, 0, d, mv);
}
#endif

template <class T>
long long fill_missing(const T* X, index_t n, index_t d, bool has_missing, double missing,
                       const T* fill, T* out, int n_threads) {
    return fill_missing_indicator<T>(X, n, d, has_missing, missing, fill, nullptr, 0, out, n_threads);
}

template <class T>
long long fill_missing_indicator(const T* X, index_t n, index_t d, bool has_missing, double missing,
                                 const T* fill, const std::int64_t* columns, index_t m, T* out,
                                 int n_threads) {
    require(n >= 0 && d >= 0 && m >= 0, "fill_missing: negative shape");
    for (index_t c = 0; c < m; ++c)
        require(columns[c] >= 0 && columns[c] < d, "fill_missing: an indicator column is out of range");
    const index_t ldo = d + m;  // out's row: the d filled values, then the m indicators
    bool all_columns = m == d;
    for (index_t c = 0; all_columns && c < m; ++c) all_columns = columns[c] == c;
    const index_t nb = (n + kBlockRows - 1) / kBlockRows;
    const int nt = threads_for(n_threads, nb);
    // A marker X's type cannot hold exactly matches no entry: then only NaN is missing.
    const T mv = static_cast<T>(missing);
    const bool use_marker = has_missing && mv == mv && static_cast<double>(mv) == missing;
        std::vector<long long> per_block(static_cast<std::size_t>(nb), 0);
    parallel_for(nt, nb, [&](index_t blk) {
        const index_t r0 = blk * kBlockRows, r1 = std::min(n, r0 + kBlockRows);
        long long r = 0;
        if (use_marker)
            for (index_t i = r0; i < r1; ++i) r += fill_row<true>(X + i * d, fill, out + i * ldo, d, mv);
        else
            for (index_t i = r0; i < r1; ++i) r += fill_row<false>(X + i * d, fill, out + i * ldo, d, mv);
        for (index_t i = r0; m > 0 && i < r1; ++i) {  // the indicators, from the row's inputs
            const T* row = X + i * d;
            T* ind = out + i * ldo + d;
            if (all_columns) {  // every column, in order: a contiguous pass the compiler vectorises
                if (use_marker)
                    for (index_t c = 0; c < m; ++c) ind[c] = ((row[c] != row[c]) | (row[c] == mv)) ? T(1) : T(0);
                else
                    for (index_t c = 0; c < m; ++c) ind[c] = row[c] != row[c] ? T(1) : T(0);
            } else {
                for (index_t c = 0; c < m; ++c) {
                    const T x = row[columns[c]];
                    ind[c] = ((x != x) | (use_marker & (x == mv))) ? T(1) : T(0);
                }
            }
        }
        per_block[static_cast<std::size_t>(blk)] = r;
    });
    long long replaced = 0;
    for (long long r : per_block) replaced += r;
    return replaced;
}

template <class T>
void missing_columns(const T* X, index_t n, index_t d, bool has_missing, double missing,
                     std::uint8_t* flags) {
    require(n >= 0 && d >= 0, "missing_columns: negative shape");
    std::fill(flags, flags + d, std::uint8_t(0));
    const T mv = static_cast<T>(missing);  // as fill_missing: a marker T cannot hold matches nothing
    const bool use_marker = has_missing && mv == mv && static_cast<double>(mv) == missing;
    constexpr index_t kCheckRows = 32;  // rows between the checks for "every column seen"
    for (index_t r0 = 0; r0 < n; r0 += kCheckRows) {
        const index_t r1 = std::min(n, r0 + kCheckRows);
        for (index_t i = r0; i < r1; ++i) {
            const T* row = X + i * d;
            if (use_marker)
                for (index_t j = 0; j < d; ++j) flags[j] |= std::uint8_t((row[j] != row[j]) | (row[j] == mv));
            else
                for (index_t j = 0; j < d; ++j) flags[j] |= std::uint8_t(row[j] != row[j]);
        }
        index_t seen = 0;
        for (index_t j = 0; j < d; ++j) seen += flags[j];
        if (seen == d) return;
    }
}

template <class T>
void one_hot_dense(const std::int64_t* cols, const unsigned char* keep, index_t n, index_t d,
                   index_t n_out, T* out, int n_threads) {
    require(n >= 0 && d >= 0 && n_out >= 0, "one_hot_dense: negative shape");
    for (index_t t = 0; t < n * d; ++t)
        require((keep && !keep[t]) || (cols[t] >= 0 && cols[t] < n_out),
                "one_hot_dense: a column index is out of range");
    // blocks of about 4 MiB of output (at least one row): the output is fresh zero pages, and
    // numpy backs a large array with 2 MiB pages, whose first touch zeroes the whole page; threads
    // on blocks smaller than that page would wait on each other's faults of the same page
    const index_t row_bytes = std::max<index_t>(1, n_out * static_cast<index_t>(sizeof(T)));
    const index_t rows = std::max<index_t>(1, (index_t(1) << 22) / row_bytes);
    const index_t nb = (n + rows - 1) / rows;
    parallel_for(threads_for(n_threads, nb), nb, [&](index_t b) {
        const index_t r0 = b * rows, r1 = std::min(n, r0 + rows);
        for (index_t i = r0; i < r1; ++i) {
            T* row = out + i * n_out;
            for (index_t j = 0; j < d; ++j)
                if (!keep || keep[i * d + j]) row[cols[i * d + j]] = T(1);
        }
    });
}

#define SCRATCHLEARN_PREPROCESSING(T)                                                              \
    template bool column_moments<T>(const T*, index_t, index_t, const T*, bool, double, double*,   \
                                    double*, double*, int);                                        \
    template bool column_minmax<T>(const T*, index_t, index_t, double*, double*, double*, int);    \
    template void column_quantiles<T>(const T*, index_t, index_t, const double*, index_t, bool,    \
                                      double, bool, double*, int);                                 \
    template bool column_affine<T>(const T*, index_t, index_t, const double*, const double*, int,  \
                                   bool, double, double, T*, int);                                 \
    template long long fill_missing<T>(const T*, index_t, index_t, bool, double, const T*, T*, int); \
    template long long fill_missing_indicator<T>(const T*, index_t, index_t, bool, double, const T*, \
                                                 const std::int64_t*, index_t, T*, int);         \
    template void missing_columns<T>(const T*, index_t, index_t, bool, double, std::uint8_t*); \
    template void one_hot_dense<T>(const std::int64_t*, const unsigned char*, index_t, index_t,    \
                                   index_t, T*, int);
SCRATCHLEARN_PREPROCESSING(float)
SCRATCHLEARN_PREPROCESSING(double)
#undef SCRATCHLEARN_PREPROCESSING

}  // namespace scratchlearn
