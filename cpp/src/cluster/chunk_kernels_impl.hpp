// Definitions of the per-chunk k-means loops; included by one .cpp per instruction set with
// SL_KMEANS_NS naming its namespace (see chunk_kernels.hpp).
#include <algorithm>
#include <limits>
#include <type_traits>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "chunk_kernels.hpp"
#include "sq_norm8.hpp"

#ifndef SL_KMEANS_NS
#error "define SL_KMEANS_NS before including chunk_kernels_impl.hpp"
#endif

#if defined(__GNUC__)
#define SL_KMEANS_NOINLINE __attribute__((noinline))
#else
#define SL_KMEANS_NOINLINE
#endif

namespace scratchlearn::kmeans_kernels::SL_KMEANS_NS {
namespace {

using kernel_table::index_t;

// One centre against m samples. Kept out of line: inlined into the loop over centres, GCC
// unrolls-and-jams the two loops into scalar code instead of vectorising across samples.
template <class T>
SL_KMEANS_NOINLINE void argmin_update(const T* __restrict row, T cj, T tj, index_t m,
                                      T* __restrict best, T* __restrict lab) {
    for (index_t i = 0; i < m; ++i) {
        const T v = cj + row[i];
        T b = best[i];
        T l = lab[i];
        l = (v < b) ? tj : l;  // plain selects on loaded values: the form that vectorises
        b = (v < b) ? v : b;
        lab[i] = l;
        best[i] = b;
    }
}

template <class T>
void argmin_columns(const T* buf, const T* cn, index_t k, index_t m, T* best, T* lab) {
    for (index_t i = 0; i < m; ++i) {
        best[i] = std::numeric_limits<T>::infinity();
        lab[i] = T(0);
    }
    for (index_t j = 0; j < k; ++j) argmin_update(buf + j * m, cn[j], T(j), m, best, lab);
}

#if defined(__AVX2__) && defined(__FMA__)
// Distances to a few centres with the accumulators in vector registers: several samples at a
// time, d fused multiply-adds deep, against −2·Cᵀ (d × kp). No product buffer, no packing. Each
// lane's sum is the same chain of fused multiply-adds (f in increasing order) on every vector
// width, so the AVX2 and AVX-512 paths give the same bits.
//
// The SIMD operations, per register width: V<T, 256> (AVX2) and V<T, 512> (AVX-512).
template <class T, int BITS>
struct V;
template <>
struct V<double, 256> {
    using T = double;
    using R = __m256d;
    static constexpr int W = 4;
    static constexpr int NREG = 16;
    static R load(const double* p) { return _mm256_loadu_pd(p); }
    static R set1(double x) { return _mm256_set1_pd(x); }
    static R fma(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
    static void store(double* p, R a) { _mm256_storeu_pd(p, a); }
    static R min(R a, R b) { return _mm256_min_pd(a, b); }
    static double hmin(R a) {
        __m128d m = _mm_min_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
        m = _mm_min_sd(m, _mm_unpackhi_pd(m, m));
        return _mm_cvtsd_f64(m);
    }
    static unsigned eq_mask(R a, double b) {
        return unsigned(_mm256_movemask_pd(_mm256_cmp_pd(a, _mm256_set1_pd(b), _CMP_EQ_OQ)));
    }
    static bool lt_mask(R a, double b) {
        return _mm256_movemask_pd(_mm256_cmp_pd(a, _mm256_set1_pd(b), _CMP_LT_OQ)) != 0;
    }
    static R put_where_eq(R a, double b, double v) {
        return _mm256_blendv_pd(a, _mm256_set1_pd(v), _mm256_cmp_pd(a, _mm256_set1_pd(b), _CMP_EQ_OQ));
    }
};
template <>
struct V<float, 256> {
    using T = float;
    using R = __m256;
    static constexpr int W = 8;
    static constexpr int NREG = 16;
    static R load(const float* p) { return _mm256_loadu_ps(p); }
    static R set1(float x) { return _mm256_set1_ps(x); }
    static R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
    static void store(float* p, R a) { _mm256_storeu_ps(p, a); }
    static R min(R a, R b) { return _mm256_min_ps(a, b); }
    static float hmin(R a) {
        __m128 m = _mm_min_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        m = _mm_min_ps(m, _mm_movehl_ps(m, m));
        m = _mm_min_ss(m, _mm_shuffle_ps(m, m, 1));
        return _mm_cvtss_f32(m);
    }
    static unsigned eq_mask(R a, float b) {
        return unsigned(_mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_set1_ps(b), _CMP_EQ_OQ)));
    }
    static bool lt_mask(R a, float b) {
        return _mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_set1_ps(b), _CMP_LT_OQ)) != 0;
    }
    static R put_where_eq(R a, float b, float v) {
        return _mm256_blendv_ps(a, _mm256_set1_ps(v), _mm256_cmp_ps(a, _mm256_set1_ps(b), _CMP_EQ_OQ));
    }
};
#if defined(__AVX512F__)
template <>
struct V<double, 512> {
    using T = double;
    using R = __m512d;
    static constexpr int W = 8;
    static constexpr int NREG = 32;
    static R load(const double* p) { return _mm512_loadu_pd(p); }
    static R set1(double x) { return _mm512_set1_pd(x); }
    static R fma(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }
    static void store(double* p, R a) { _mm512_storeu_pd(p, a); }
    static R min(R a, R b) { return _mm512_min_pd(a, b); }
    static double hmin(R a) {
        __m256d h = _mm256_min_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
        return V<double, 256>::hmin(h);
    }
    static unsigned eq_mask(R a, double b) {
        return unsigned(_mm512_cmp_pd_mask(a, _mm512_set1_pd(b), _CMP_EQ_OQ));
    }
    static bool lt_mask(R a, double b) {
        return _mm512_cmp_pd_mask(a, _mm512_set1_pd(b), _CMP_LT_OQ) != 0;
    }
    static R put_where_eq(R a, double b, double v) {
        return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, _mm512_set1_pd(b), _CMP_EQ_OQ), a, _mm512_set1_pd(v));
    }
};
template <>
struct V<float, 512> {
    using T = float;
    using R = __m512;
    static constexpr int W = 16;
    static constexpr int NREG = 32;
    static R load(const float* p) { return _mm512_loadu_ps(p); }
    static R set1(float x) { return _mm512_set1_ps(x); }
    static R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
    static void store(float* p, R a) { _mm512_storeu_ps(p, a); }
    static R min(R a, R b) { return _mm512_min_ps(a, b); }
    static float hmin(R a) {
        const __m256 h = _mm256_min_ps(_mm512_castps512_ps256(a),
                                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
        return V<float, 256>::hmin(h);
    }
    static unsigned eq_mask(R a, float b) {
        return unsigned(_mm512_cmp_ps_mask(a, _mm512_set1_ps(b), _CMP_EQ_OQ));
    }
    static bool lt_mask(R a, float b) {
        return _mm512_cmp_ps_mask(a, _mm512_set1_ps(b), _CMP_LT_OQ) != 0;
    }
    static R put_where_eq(R a, float b, float v) {
        return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, _mm512_set1_ps(b), _CMP_EQ_OQ), a, _mm512_set1_ps(v));
    }
};
constexpr int kWideBits = 512;  // the widest registers this translation unit may use
#else
constexpr int kWideBits = 256;
#endif

// Branch-free argmin over the NV·W lanes: the minimum by a vector reduction, then the lowest lane
// holding it from the comparison masks.
template <class O, int NV>
inline void store_argmin(const typename O::R* a, typename O::T* best, typename O::T* lab) {
    using T = typename O::T;
    typename O::R mv = a[0];
    for (int q = 1; q < NV; ++q) mv = O::min(mv, a[q]);
    const T b = O::hmin(mv);
    unsigned bits = 0;
    for (int q = 0; q < NV; ++q) bits |= O::eq_mask(a[q], b) << (q * O::W);
    *best = b;
    *lab = T(__builtin_ctz(bits));
}

// The smallest value over the NV·W lanes other than the lowest lane holding b (the minimum, whose
// comparison masks are `bits`): b itself when two lanes hold it, else the minimum of the lanes
// with b replaced by +inf.
template <class O, int NV>
inline typename O::T second_of(const typename O::R* a, typename O::T b, unsigned bits) {
    using T = typename O::T;
    if (__builtin_popcount(bits) >= 2) return b;
    const T inf = std::numeric_limits<T>::infinity();
    typename O::R mv = O::put_where_eq(a[0], b, inf);
    for (int q = 1; q < NV; ++q) mv = O::min(mv, O::put_where_eq(a[q], b, inf));
    return O::hmin(mv);
}

// kp = NV·W centres (Ct is d × kp): the sums cnp[j] + Σ_f x_f·Ct[f, j] of S samples at a time, so
// that S·NV independent chains of fused multiply-adds hide their latency (at least 8 in flight); a
// short last group repeats its last sample (not stored twice). kArgmin: each sample's minimum and
// its lane into best and lab (argmin_rows); otherwise all kp sums into out = best (dots_rows).
template <class O, int NV, bool kArgmin, bool kSecond = false>
void rows_nv(const typename O::T* __restrict X, index_t m, index_t d,
             const typename O::T* __restrict Ct, const typename O::T* __restrict cnp,
             typename O::T* __restrict best, typename O::T* __restrict lab,
             typename O::T* __restrict second = nullptr) {
    using T = typename O::T;
    using R = typename O::R;
    constexpr int KP = NV * O::W;
    constexpr int S = NV >= 4 ? 2 : 8 / NV;
    R init[NV];
    for (int q = 0; q < NV; ++q) init[q] = O::load(cnp + q * O::W);
    for (index_t i = 0; i < m; i += S) {
        const T* x[S];
#pragma GCC unroll 8
        for (int s = 0; s < S; ++s) x[s] = X + std::min<index_t>(i + s, m - 1) * d;
        R a[S][NV];
#pragma GCC unroll 8
        for (int s = 0; s < S; ++s)
#pragma GCC unroll 4
            for (int q = 0; q < NV; ++q) a[s][q] = init[q];
        for (index_t f = 0; f < d; ++f) {
            const T* ct = Ct + f * KP;
            R c[NV];
#pragma GCC unroll 4
            for (int q = 0; q < NV; ++q) c[q] = O::load(ct + q * O::W);
#pragma GCC unroll 8
            for (int s = 0; s < S; ++s) {
                const R u = O::set1(x[s][f]);
#pragma GCC unroll 4
                for (int q = 0; q < NV; ++q) a[s][q] = O::fma(u, c[q], a[s][q]);
            }
        }
#pragma GCC unroll 8
        for (int s = 0; s < S; ++s) {
            if (i + s >= m) break;
            if constexpr (kSecond) {
                store_argmin<O, NV>(a[s], best + i + s, lab + i + s);
                const T b = best[i + s];
                unsigned bits = 0;
                for (int q = 0; q < NV; ++q) bits |= O::eq_mask(a[s][q], b) << (q * O::W);
                second[i + s] = second_of<O, NV>(a[s], b, bits);
            } else if constexpr (kArgmin) {
                store_argmin<O, NV>(a[s], best + i + s, lab + i + s);
            } else {
#pragma GCC unroll 4
                for (int q = 0; q < NV; ++q) O::store(best + (i + s) * KP + q * O::W, a[s][q]);
            }
        }
    }
}

// rows_nv for kp ∈ {8, 16} at the widest registers that kp fills (8 floats: AVX2's).
template <class T, bool kArgmin, bool kSecond = false>
void rows_small_kp(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp,
                   T* best, T* lab, T* second = nullptr) {
    using Wide = V<T, kWideBits>;
    using Narrow = V<T, 256>;
    if (kp == 8) {
        if constexpr (Wide::W == 8)
            rows_nv<Wide, 1, kArgmin, kSecond>(X, m, d, Ct, cnp, best, lab, second);
        else
            rows_nv<Narrow, 8 / Narrow::W, kArgmin, kSecond>(X, m, d, Ct, cnp, best, lab, second);
    } else {
        rows_nv<Wide, 16 / Wide::W, kArgmin, kSecond>(X, m, d, Ct, cnp, best, lab, second);
    }
}

// PP consecutive panels of 16 centres (each d × 16, contiguous, panel p at Ct + p·d·16) against
// every sample of the chunk: S samples at a time, NV = PP·16/W accumulators each (about two
// thirds of the vector registers in all). The panels stay in L1 while the chunk's rows stream by.
// The accumulators are folded into each sample's running minimum (best, lab) at once: a vector
// compare against the best so far and, only when some lane beats it, the reduction that finds
// the lane. Lanes are numbered in centre order and only a strictly smaller value replaces the best,
// so ties keep the lowest centre index.
template <class O, int PP, bool kSecond = false>
void argmin_panels_pass(const typename O::T* __restrict X, index_t m, index_t d,
                        const typename O::T* __restrict panels,
                        const typename O::T* __restrict cnp, index_t p0,
                        typename O::T* __restrict best, index_t* __restrict blab,
                        typename O::T* __restrict second = nullptr) {
    using T = typename O::T;
    using R = typename O::R;
    constexpr int NVP = 16 / O::W;  // vectors per panel
    constexpr int NV = PP * NVP;
    constexpr int S = std::min(8, (O::NREG * 3 / 4) / NV);  // at most 8 row pointers
    R init[NV];
#pragma GCC unroll 4
    for (int q = 0; q < NV; ++q) init[q] = O::load(cnp + p0 * 16 + q * O::W);
    const T* pan[PP];
    for (int p = 0; p < PP; ++p) pan[p] = panels + (p0 + p) * d * 16;
    for (index_t i = 0; i < m; i += S) {
        const T* x[S];
#pragma GCC unroll 12
        for (int s = 0; s < S; ++s) x[s] = X + std::min<index_t>(i + s, m - 1) * d;
        R a[S][NV];
#pragma GCC unroll 12
        for (int s = 0; s < S; ++s)
#pragma GCC unroll 4
            for (int q = 0; q < NV; ++q) a[s][q] = init[q];
        // The first pass over the chunk brings its rows in from memory: the next S rows are
        // fetched one cache line per row every 64 bytes of features, ahead of their turn.
        const bool fetch = p0 == 0 && i + 2 * S <= m;
        for (index_t f = 0; f < d; ++f) {
            if (fetch && f % (64 / sizeof(T)) == 0)
#pragma GCC unroll 12
                for (int s = 0; s < S; ++s)
                    _mm_prefetch(reinterpret_cast<const char*>(x[s] + S * d + f), _MM_HINT_T0);
            R c[NV];
#pragma GCC unroll 2
            for (int p = 0; p < PP; ++p)
#pragma GCC unroll 4
                for (int q = 0; q < NVP; ++q) c[p * NVP + q] = O::load(pan[p] + f * 16 + q * O::W);
#pragma GCC unroll 12
            for (int s = 0; s < S; ++s) {
                const R u = O::set1(x[s][f]);
#pragma GCC unroll 4
                for (int q = 0; q < NV; ++q) a[s][q] = O::fma(u, c[q], a[s][q]);
            }
        }
#pragma GCC unroll 12
        for (int s = 0; s < S; ++s) {
            if (i + s >= m) break;
            R mv = a[s][0];
#pragma GCC unroll 4
            for (int q = 1; q < NV; ++q) mv = O::min(mv, a[s][q]);
            if constexpr (kSecond) {
                // this pass's smallest and second smallest, merged with the earlier passes'
                // (the same test as below: only a strictly smaller value replaces the best)
                const T pb = O::hmin(mv);
                unsigned bits = 0;
                for (int q = 0; q < NV; ++q) bits |= O::eq_mask(a[s][q], pb) << (q * O::W);
                const T p2 = second_of<O, NV>(a[s], pb, bits);
                if (pb < best[i + s]) {
                    second[i + s] = std::min(best[i + s], p2);
                    best[i + s] = pb;
                    blab[i + s] = p0 * 16 + static_cast<index_t>(__builtin_ctz(bits));
                } else {
                    second[i + s] = std::min(second[i + s], pb);
                }
                continue;
            }
            if (O::lt_mask(mv, best[i + s])) {
                T b, l;
                store_argmin<O, NV>(a[s], &b, &l);
                best[i + s] = b;
                blab[i + s] = p0 * 16 + static_cast<index_t>(l);
            }
        }
    }
}

// Any number of centres, in panels of 16: pairs of panels at a time on AVX-512 (single panels on
// AVX2, whose 16 registers hold one panel's accumulators for three to six samples), each pair
// against the whole chunk.
template <class O, bool kSecond = false>
void argmin_rows_panels(const typename O::T* X, index_t m, index_t d, const typename O::T* Ct,
                        const typename O::T* cnp, index_t kp, typename O::T* best,
                        typename O::T* lab, typename O::T* second = nullptr) {
    using T = typename O::T;
    constexpr int PP = O::NREG >= 32 ? 2 : 1;
    index_t blab[256];
    const index_t n_panels = kp / 16;
    for (index_t i0 = 0; i0 < m; i0 += 256) {
        const index_t mm = std::min<index_t>(256, m - i0);
        T* b = best + i0;
        T* b2 = kSecond ? second + i0 : nullptr;
        for (index_t i = 0; i < mm; ++i) {
            b[i] = std::numeric_limits<T>::infinity();
            blab[i] = 0;
            if constexpr (kSecond) b2[i] = std::numeric_limits<T>::infinity();
        }
        index_t p = 0;
        for (; p + PP <= n_panels; p += PP)
            argmin_panels_pass<O, PP, kSecond>(X + i0 * d, mm, d, Ct, cnp, p, b, blab, b2);
        for (; p < n_panels; ++p)
            argmin_panels_pass<O, 1, kSecond>(X + i0 * d, mm, d, Ct, cnp, p, b, blab, b2);
        for (index_t i = 0; i < mm; ++i) lab[i0 + i] = T(blab[i]);
    }
}

// An 8 × 8 block of floats (rows r[0..7], 8 consecutive features each) turned into its 8 columns
// (c[t]: feature t of the 8 rows, row s in lane s), in registers.
inline void transpose_block(const __m256* r, __m256* c) {
    __m256 t[8], u[8];
    for (int q = 0; q < 4; ++q) {
        t[2 * q] = _mm256_unpacklo_ps(r[2 * q], r[2 * q + 1]);
        t[2 * q + 1] = _mm256_unpackhi_ps(r[2 * q], r[2 * q + 1]);
    }
    for (int h = 0; h < 2; ++h) {  // rows 4h … 4h+3
        u[4 * h + 0] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
        u[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
        u[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
        u[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
    }
    for (int q = 0; q < 4; ++q) {
        c[q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x20);
        c[q + 4] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x31);
    }
}

// A few centres (k <= 4 of the kp = 8 columns) against many features, in float: one sample per lane rather
// than one centre per lane, so no multiply-add is spent on the empty columns. The rows of a
// group of G·W samples are first turned into columns (xt: d × G·W, in L1), then each centre's
// sums run down the features, G vectors of samples at a time (G·k chains in flight). Lane s of
// centre j's sum is cnp[j] then the fused multiply-adds x_sf·Ct[f, j] for f = 0, 1, …, d−1:
// the very operations of rows_nv (a multiply-add's two factors commute exactly), so the sums,
// the labels and the second smallest are rows_nv's, bit for bit. Rows past m repeat the last one
// (not stored).
constexpr int kLaneGroups = 4;
template <int K, bool kSecond>
void rows_few_centres(const float* __restrict X, index_t m, index_t d, const float* __restrict Ct,
                      const float* __restrict cnp, index_t kp, float* __restrict best,
                      float* __restrict lab, float* __restrict second, float* __restrict xt) {
    using T = float;
    using O = V<T, 256>;
    using R = typename O::R;
    constexpr int W = O::W, G = kLaneGroups, B = G * W;
    const index_t d_full = d / W * W;
    T sums[K][B];
    for (index_t i = 0; i < m; i += B) {
        // the group's rows as columns
        for (int g = 0; g < G; ++g) {
            const T* x[W];
            for (int s = 0; s < W; ++s) x[s] = X + std::min<index_t>(i + g * W + s, m - 1) * d;
            for (index_t f = 0; f < d_full; f += W) {
                R r[W], c[W];
                for (int s = 0; s < W; ++s) r[s] = O::load(x[s] + f);
                transpose_block(r, c);
                for (int t = 0; t < W; ++t) O::store(xt + (f + t) * B + g * W, c[t]);
            }
            for (index_t f = d_full; f < d; ++f)
                for (int s = 0; s < W; ++s) xt[f * B + g * W + s] = x[s][f];
        }
        R a[K][G];
        for (int j = 0; j < K; ++j)
            for (int g = 0; g < G; ++g) a[j][g] = O::set1(cnp[j]);
        for (index_t f = 0; f < d; ++f) {
            R c[G];
            for (int g = 0; g < G; ++g) c[g] = O::load(xt + f * B + g * W);
            for (int j = 0; j < K; ++j) {
                const R w = O::set1(Ct[f * kp + j]);
                for (int g = 0; g < G; ++g) a[j][g] = O::fma(c[g], w, a[j][g]);
            }
        }
        for (int j = 0; j < K; ++j)
            for (int g = 0; g < G; ++g) O::store(sums[j] + g * W, a[j][g]);
        // per sample: the lowest centre holding the minimum, and the smallest of the others
        const index_t n_here = std::min<index_t>(B, m - i);
        for (index_t s = 0; s < n_here; ++s) {
            T b = sums[0][s], b2 = std::numeric_limits<T>::infinity();
            int l = 0;
            for (int j = 1; j < K; ++j) {
                const T v = sums[j][s];
                if (v < b) {
                    b2 = b;
                    b = v;
                    l = j;
                } else {
                    b2 = std::min(b2, v);
                }
            }
            best[i + s] = b;
            lab[i + s] = T(l);
            if constexpr (kSecond) second[i + s] = b2;
        }
    }
}

// From this many features on, k <= 4 centres go through rows_few_centres (below it the
// transposes cost what the empty columns do).
constexpr index_t kFewCentresMinD = 16;

// argmin_rows / argmin2_rows for k <= 4 centres and d >= kFewCentresMinD: true when done. In
// float only: in double the rows are twice the memory traffic, which hides the empty columns'
// multiply-adds (measured no faster from 16 to 100 features).
template <class T, bool kSecond>
bool few_centres(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp,
                 index_t k, T* best, T* lab, T* second) {
    if constexpr (std::is_same_v<T, float>) {
        if (kp != 8 || k < 1 || k > 4 || d < kFewCentresMinD) return false;
        constexpr index_t B = kLaneGroups * 8;
        alignas(64) float xt_local[B * 256];  // the columns of up to 256 features
        std::vector<float> xt_heap;
        float* xt = xt_local;
        if (d > 256) {
            xt_heap.resize(static_cast<std::size_t>(B * d));
            xt = xt_heap.data();
        }
        switch (k) {
            case 1: rows_few_centres<1, kSecond>(X, m, d, Ct, cnp, kp, best, lab, second, xt); break;
            case 2: rows_few_centres<2, kSecond>(X, m, d, Ct, cnp, kp, best, lab, second, xt); break;
            case 3: rows_few_centres<3, kSecond>(X, m, d, Ct, cnp, kp, best, lab, second, xt); break;
            default: rows_few_centres<4, kSecond>(X, m, d, Ct, cnp, kp, best, lab, second, xt); break;
        }
        return true;
    }
    return false;
}

template <class T>
void argmin_rows(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp, index_t k,
                 T* best, T* lab) {
    if (few_centres<T, false>(X, m, d, Ct, cnp, kp, k, best, lab, nullptr)) return;
    if (kp <= 16)
        rows_small_kp<T, true>(X, m, d, Ct, cnp, kp, best, lab);
    else
        argmin_rows_panels<V<T, kWideBits>>(X, m, d, Ct, cnp, kp, best, lab);
}

// out[i·kp + j] = cnp[j] + Σ_f x_if·Ct[f, j] for the m rows of X and kp ∈ {8, 16} centres.
template <class T>
void dots_rows(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp, T* out) {
    rows_small_kp<T, false>(X, m, d, Ct, cnp, kp, out, nullptr);
}

// argmin_rows with the second smallest value (kernel_table.hpp: argmin2_rows).
template <class T>
void argmin2_rows(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp, index_t k,
                  T* best, T* second, T* lab) {
    if (few_centres<T, true>(X, m, d, Ct, cnp, kp, k, best, lab, second)) return;
    if (kp <= 16)
        rows_small_kp<T, true, true>(X, m, d, Ct, cnp, kp, best, lab, second);
    else
        argmin_rows_panels<V<T, kWideBits>, true>(X, m, d, Ct, cnp, kp, best, lab, second);
}
#define SL_KMEANS_ROWS(T) (&argmin_rows<T>)
#define SL_KMEANS_ROWS2(T) (&argmin2_rows<T>)
#else
// Portable: the same products, one sample and one centre at a time.
template <class T>
void dots_rows(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp, T* out) {
    for (index_t i = 0; i < m; ++i) {
        T* o = out + i * kp;
        for (index_t j = 0; j < kp; ++j) o[j] = cnp[j];
        for (index_t f = 0; f < d; ++f) {
            const T xf = X[i * d + f];
            const T* ct = Ct + f * kp;
            for (index_t j = 0; j < kp; ++j) o[j] += xf * ct[j];
        }
    }
}
#define SL_KMEANS_ROWS(T) nullptr
#define SL_KMEANS_ROWS2(T) nullptr
#endif

// Σ w·x into the cluster's row of sums, for one sample. Out of line and with d known to be
// positive, the compiler emits a clean vector loop.
template <class T>
SL_KMEANS_NOINLINE void add_scaled(const T* __restrict x, T w, index_t d, T* __restrict s) {
    for (index_t f = 0; f < d; ++f) s[f] += x[f] * w;
}

// Σ w·x into the cluster's row of sums for one sample, inline for a few features (where the
// call to add_scaled costs more than the adds).
template <class T>
inline void add_sample(const T* __restrict x, T w, index_t d, T* __restrict s) {
    if (d <= 4) {
        for (index_t f = 0; f < d; ++f) s[f] += x[f] * w;
    } else {
        add_scaled(x, w, d, s);
    }
}

template <class T>
void finish_chunk(const T* X, const T* sw, const T* C, index_t r0, index_t m, index_t d,
                  const T* lab, std::int32_t* labels, T* sums, T* weights,
                  bool with_inertia, long long* changed, double* inertia) {
    // Labels first (a vector loop), then the sums and the inertia.
    long long ch = 0;
    std::int32_t* __restrict out = labels + r0;
    for (index_t i = 0; i < m; ++i) {
        const std::int32_t label = static_cast<std::int32_t>(lab[i]);
        ch += out[i] != label;
        out[i] = label;
    }
    *changed += ch;
    if (sums) {
        for (index_t i = 0; i < m; ++i) {
            const index_t label = out[i];
            const T w = sw[r0 + i];
            add_sample(X + (r0 + i) * d, w, d, sums + label * d);
            weights[label] += w;
        }
    }
    if (with_inertia) {
        double in = 0;
        for (index_t i = 0; i < m; ++i) {
            const T* x = X + (r0 + i) * d;
            const T* c = C + static_cast<index_t>(out[i]) * d;
            in += double(sw[r0 + i]) * kmeans_detail::sq_norm_fast(x, c, d);
        }
        *inertia += in;
    }
}

}  // namespace

template <class T>
ChunkKernels<T> kernels() {
    return ChunkKernels<T>{&argmin_columns<T>, SL_KMEANS_ROWS(T), &finish_chunk<T>, &dots_rows<T>,
                           SL_KMEANS_ROWS2(T)};
}
template ChunkKernels<float> kernels<float>();
template ChunkKernels<double> kernels<double>();

}  // namespace scratchlearn::kmeans_kernels::SL_KMEANS_NS
