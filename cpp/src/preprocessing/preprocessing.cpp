// The preprocessing core: column moments, min/max, selection quantiles, affine transforms, filling.
// See cpp/include/scratchlearn/preprocessing.hpp for the contracts.
#include "scratchlearn/preprocessing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "scratchlearn/parallel.hpp"

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
    ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
    {
        std::vector<double> shift(d), s0(d), s1(d), s2(d);
#pragma omp for schedule(static)
        for (index_t b = 0; b < nb; ++b) {
            slot.run([&] {
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
                for (index_t i = r0; i < r1; ++i) {
                    const T* row = X + i * d;
                    const double wi = w ? static_cast<double>(w[i]) : 1.0;
                    for (index_t j = 0; j < d; ++j) {
                        const double x = static_cast<double>(row[j]);
                        const bool ok = (x == x) && !(has_missing && x == missing);
                        const double v = ok ? x - sh[j] : 0.0;
                        const double wv = ok ? wi * v : 0.0;
                        p0[j] += ok ? wi : 0.0;
                        p1[j] += wv;
                        p2[j] += wv * v;
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
        }
    }
    slot.rethrow();
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
#pragma omp parallel num_threads(nt)
    {
#ifdef _OPENMP
        const int t = omp_get_thread_num();
#else
        const int t = 0;
#endif
        double* a = tmin.data() + t * d;
        double* b = tmax.data() + t * d;
        double* c = tcnt.data() + t * d;
#pragma omp for schedule(static)
        for (index_t blk = 0; blk < nb; ++blk) {
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
        }
    }
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

// The q-quantile (numpy's "linear" rule) of the m values at v, which it reorders.
template <class T>
T select_quantile(T* v, index_t m, double q, bool midpoint_median) {
    const double vi = q * static_cast<double>(m - 1);
    index_t lo = static_cast<index_t>(std::floor(vi));
    lo = std::min(std::max<index_t>(lo, 0), m - 1);
    const double g = vi - static_cast<double>(lo);
    std::nth_element(v, v + lo, v + m);
    const T a = v[lo];
    if (lo + 1 >= m) return a;
    const T b = *std::min_element(v + lo + 1, v + m);
    if (midpoint_median && q == 0.5) {
        if ((m % 2) == 1) return a;  // g == 0: the middle value itself
        return static_cast<T>((a + b) / T(2));
    }
    if (g == 0.0) return a;
    const double diff = static_cast<double>(b) - static_cast<double>(a);
    const double r = g >= 0.5 ? static_cast<double>(b) - diff * (1.0 - g)
                              : static_cast<double>(a) + diff * g;
    return static_cast<T>(r);
}

}  // namespace

template <class T>
void column_quantiles(const T* X, index_t n, index_t d, const double* qs, index_t nq,
                      bool has_missing, double missing, bool midpoint_median, T* out, int n_threads) {
    require(n >= 0 && d >= 0 && nq >= 0, "column_quantiles: negative shape");
    for (index_t k = 0; k < nq; ++k)
        require(qs[k] >= 0.0 && qs[k] <= 1.0, "column_quantiles: quantiles must be in [0, 1]");
    const index_t ng = (d + kGroupCols - 1) / kGroupCols;
    const int nt = threads_for(n_threads, ng);
    ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
    {
        std::vector<T> buf;
        slot.run([&] { buf.resize(static_cast<std::size_t>(kGroupCols * n)); });
#pragma omp for schedule(dynamic, 1)
        for (index_t g = 0; g < ng; ++g) {
            slot.run([&] {
                const index_t j0 = g * kGroupCols, gc = std::min(kGroupCols, d - j0);
                index_t cnt[kGroupCols] = {0};
                for (index_t i = 0; i < n; ++i) {
                    const T* row = X + i * d + j0;
                    for (index_t c = 0; c < gc; ++c) {
                        const T x = row[c];
                        if (present(static_cast<double>(x), has_missing, missing))
                            buf[c * n + cnt[c]++] = x;
                    }
                }
                for (index_t c = 0; c < gc; ++c) {
                    T* v = buf.data() + c * n;
                    for (index_t k = 0; k < nq; ++k)
                        out[k * d + j0 + c] = cnt[c] ? select_quantile<T>(v, cnt[c], qs[k], midpoint_median)
                                                     : static_cast<T>(kNaN);
                }
            });
        }
    }
    slot.rethrow();
}

template <class T>
bool column_affine(const T* X, index_t n, index_t d, const double* a, const double* b, int mode,
                   bool clip, double lo, double hi, T* out, int n_threads) {
    require(mode == 0 || mode == 1, "column_affine: mode must be 0 or 1");
    require(n >= 0 && d >= 0, "column_affine: negative shape");
    const index_t nb = (n + kBlockRows - 1) / kBlockRows;
    const int nt = threads_for(n_threads, nb);
    int inf = 0;
    std::vector<double> zero(d, 0.0), one(d, 1.0);
    const double* pa = a ? a : (mode == 0 ? zero.data() : one.data());
    const double* pb = b ? b : (mode == 0 ? one.data() : zero.data());
#pragma omp parallel for schedule(static) num_threads(nt) reduction(| : inf)
    for (index_t blk = 0; blk < nb; ++blk) {
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
        inf |= seen;
    }
    return inf != 0;
}

template <class T>
long long fill_missing(const T* X, index_t n, index_t d, bool has_missing, double missing,
                       const T* fill, T* out, int n_threads) {
    require(n >= 0 && d >= 0, "fill_missing: negative shape");
    const index_t nb = (n + kBlockRows - 1) / kBlockRows;
    const int nt = threads_for(n_threads, nb);
    long long replaced = 0;
#pragma omp parallel for schedule(static) num_threads(nt) reduction(+ : replaced)
    for (index_t blk = 0; blk < nb; ++blk) {
        const index_t r0 = blk * kBlockRows, r1 = std::min(n, r0 + kBlockRows);
        long long r = 0;
        for (index_t i = r0; i < r1; ++i) {
            const T* row = X + i * d;
            T* orow = out + i * d;
            for (index_t j = 0; j < d; ++j) {
                const T x = row[j];
                const bool miss = !present(static_cast<double>(x), has_missing, missing);
                orow[j] = miss ? fill[j] : x;
                r += miss;
            }
        }
        replaced += r;
    }
    return replaced;
}

#define SCRATCHLEARN_PREPROCESSING(T)                                                              \
    template bool column_moments<T>(const T*, index_t, index_t, const T*, bool, double, double*,   \
                                    double*, double*, int);                                        \
    template bool column_minmax<T>(const T*, index_t, index_t, double*, double*, double*, int);    \
    template void column_quantiles<T>(const T*, index_t, index_t, const double*, index_t, bool,    \
                                      double, bool, T*, int);                                      \
    template bool column_affine<T>(const T*, index_t, index_t, const double*, const double*, int,  \
                                   bool, double, double, T*, int);                                 \
    template long long fill_missing<T>(const T*, index_t, index_t, bool, double, const T*, T*, int);
SCRATCHLEARN_PREPROCESSING(float)
SCRATCHLEARN_PREPROCESSING(double)
#undef SCRATCHLEARN_PREPROCESSING

}  // namespace scratchlearn
