// The SVM's per-ISA kernels (kernel_table.hpp, SvmKernels): a kernel row of the SMO solver and
// kernel values from dot products. Written once here as plain loops, and compiled in each ISA's
// translation unit (row_kernels_generic.cpp, _avx2.cpp, _avx512.cpp) with SL_SVM_NS naming that
// unit's namespace (so no two units define the same symbol). The vector units replace the row and
// the selection of j with explicit-vector versions of the same operations (row_kernels_simd.hpp).
//
// The row walks the points in chunks of 256 held in a small accumulator: for every feature t the
// chunk's contiguous slice of row t of Xᵀ is read once, so the inner loop is one vector
// multiply-add per few points (no per-point horizontal sums, as a dot product per point would
// need). rbf in double works as libsvm does, from ‖x‖² + ‖y‖² − 2x·y (the points' squared norms
// are one more row of Xᵀ, so they move with the points); rbf in float accumulates ‖x − y‖²
// directly, since in float the cancellation of the other form would cost digits on data far from
// the origin.
//
// The sums use fused multiply-adds where the unit is built for them (AVX2, AVX-512) and a multiply
// then an add in the generic unit. The two differ in the last bits of a double; a kernel value
// is stored as float, so a row from either path is the same but for values within 1e-16 of a
// float rounding boundary (about one in 10⁹).
//
// exp(x) for x <= 0 on arrays, vectorisable (no calls, no branches): x = k·ln2 + r with
// |r| <= ln2/2, e^r by its degree-12 Taylor polynomial (relative error < 2e-16, Estrin's scheme,
// fused multiply-adds where the unit has them), 2^k from the exponent bits. Arguments below −700 give ~1e-304, which is 0 once stored as float.
// The float rbf row works its kernel values out in float (exp_nonpositive_f, the same scheme with a
// degree-7 polynomial): its ‖x − y‖² is a float sum already, and a float exponential does twice
// the lanes; against the correctly rounded float of exp it differs in about 0.5% of values, by one
// ulp.
#pragma once

// No contraction of other expressions into fused multiply-adds (only the row sums use them,
// explicitly through mul_add below).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cmath>
#include <cstdint>
#include <cstring>

#include "../kernel_table.hpp"

#ifndef SL_SVM_NS
#error "define SL_SVM_NS (the translation unit's namespace) before including row_kernels_impl.hpp"
#endif

namespace scratchlearn::svm_kernels::SL_SVM_NS {

using kernel_table::index_t;
using kernel_table::SvmRowParams;

constexpr index_t kChunk = 256;

// a·b + c, fused where the unit is compiled for FMA.
template <class T>
inline T mul_add(T a, T b, T c) {
#if defined(__FMA__)
    return __builtin_fma(a, b, c);
#else
    return a * b + c;
#endif
}
template <>
inline float mul_add<float>(float a, float b, float c) {
#if defined(__FMA__)
    return __builtin_fmaf(a, b, c);
#else
    return a * b + c;
#endif
}

inline void exp_nonpositive(double* v, index_t n) {
    constexpr double log2e = 1.4426950408889634, ln2_hi = 0.6931471803691238, ln2_lo = 1.9082149292705877e-10;
    constexpr double shift = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer
    for (index_t i = 0; i < n; ++i) {  // its own loop: a clamp inside the next one blocks vectorisation
        const double x = v[i];
        v[i] = x < -700.0 ? -700.0 : x;
    }
#pragma omp simd
    for (index_t i = 0; i < n; ++i) {
        const double x = v[i];
        const double t = mul_add(x, log2e, shift);
        const double k = t - shift;
        const double r = mul_add(-k, ln2_lo, mul_add(-k, ln2_hi, x));
        const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        const double a0 = 1.0 + r, a1 = mul_add(r, 1.0 / 6.0, 0.5), a2 = mul_add(r, 1.0 / 120.0, 1.0 / 24.0),
                     a3 = mul_add(r, 1.0 / 5040.0, 1.0 / 720.0), a4 = mul_add(r, 1.0 / 362880.0, 1.0 / 40320.0),
                     a5 = mul_add(r, 1.0 / 39916800.0, 1.0 / 3628800.0), a6 = 1.0 / 479001600.0;
        const double b0 = mul_add(a1, r2, a0), b1 = mul_add(a3, r2, a2), b2 = mul_add(a5, r2, a4);
        const double p = mul_add(mul_add(a6, r4, b2), r8, mul_add(b1, r4, b0));
        std::uint64_t bits;  // unsigned: the shift is defined for every input (NaN too)
        std::memcpy(&bits, &t, sizeof bits);
        bits = (bits + 1023) << 52;
        double scale;
        std::memcpy(&scale, &bits, sizeof scale);
        v[i] = p * scale;
    }
}

// exp(x) for x <= 0 in float, for the float rbf row, whose kernel values are worked out in float
// from ‖x − y‖² summed in float: x clamped at −87 (e^−87 ≈ 1.6e-38, still a normal float), then
// x = k·ln2 + r with |r| <= ln2/2 (ln2 in two parts), e^r by its degree-7 Taylor polynomial
// (Horner; truncation error below 6e-9, so the result is within about a float ulp), 2^k from the
// exponent bits.
inline float exp_nonpositive_f(float x) {
    constexpr float log2e = 1.44269504f, ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    constexpr float shift = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer
    x = x < -87.0f ? -87.0f : x;
    const float t = mul_add(x, log2e, shift);
    const float k = t - shift;
    const float r = mul_add(-k, ln2_lo, mul_add(-k, ln2_hi, x));
    float p = mul_add(r, 1.0f / 5040.0f, 1.0f / 720.0f);
    p = mul_add(p, r, 1.0f / 120.0f);
    p = mul_add(p, r, 1.0f / 24.0f);
    p = mul_add(p, r, 1.0f / 6.0f);
    p = mul_add(p, r, 0.5f);
    p = mul_add(p, r, 1.0f);
    p = mul_add(p, r, 1.0f);
    std::uint32_t bits;  // t's low mantissa bits hold k
    std::memcpy(&bits, &t, sizeof bits);
    bits = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

inline double ipow(double b, int e) {
    double r = 1.0;
    while (e > 0) {
        if (e & 1) r *= b;
        b *= b;
        e >>= 1;
    }
    return r;
}

// buf[u] (dot products, or for rbf −γ‖x − y‖²) → kernel values.
inline void finish(double* buf, index_t m, const SvmRowParams& p) {
    switch (p.kind) {
        case 1:
            for (index_t u = 0; u < m; ++u) buf[u] = ipow(p.gamma * buf[u] + p.coef0, p.degree);
            return;
        case 2: exp_nonpositive(buf, m); return;
        case 3:
            for (index_t u = 0; u < m; ++u) buf[u] = std::tanh(p.gamma * buf[u] + p.coef0);
            return;
        default: return;
    }
}

// acc[u] (u in [u0, m)) = Σ_t (XT[t][c0 + u] − xa[t])² (rbf) or Σ_t XT[t][c0 + u]·xa[t], the
// features in order (the vector units do [0, u0) themselves, row_kernels_simd.hpp, with the same
// operations). Blocks of kRegs points keep their sums in a small array across the features; the
// same sums in the same order as the plain loop.
template <class T, bool Rbf>
inline void row_sums(const T* XT, index_t ld, index_t d, const T* xa, index_t c0, index_t u0, index_t m, T* acc) {
    constexpr index_t kRegs = 256 / sizeof(T);
    for (; u0 + kRegs <= m; u0 += kRegs) {
        T a[kRegs];
        {
            const T* r = XT + c0 + u0;
            const T x = xa[0];
#pragma omp simd
            for (index_t u = 0; u < kRegs; ++u) {
                if (Rbf) {
                    const T df = r[u] - x;
                    a[u] = df * df;
                } else {
                    a[u] = r[u] * x;
                }
            }
        }
        for (index_t t = 1; t < d; ++t) {
            const T* r = XT + t * ld + c0 + u0;
            const T x = xa[t];
#pragma omp simd
            for (index_t u = 0; u < kRegs; ++u) {
                if (Rbf) {
                    const T df = r[u] - x;
                    a[u] = mul_add(df, df, a[u]);
                } else {
                    a[u] = mul_add(r[u], x, a[u]);
                }
            }
        }
        for (index_t u = 0; u < kRegs; ++u) acc[u0 + u] = a[u];
    }
    if (u0 == m) return;
    {
        const T* r = XT + c0;
        const T x = xa[0];
#pragma omp simd
        for (index_t u = u0; u < m; ++u) {
            if (Rbf) {
                const T df = r[u] - x;
                acc[u] = df * df;
            } else {
                acc[u] = r[u] * x;
            }
        }
    }
    for (index_t t = 1; t < d; ++t) {
        const T* r = XT + t * ld + c0;
        const T x = xa[t];
#pragma omp simd
        for (index_t u = u0; u < m; ++u) {
            if (Rbf) {
                const T df = r[u] - x;
                acc[u] = mul_add(df, df, acc[u]);
            } else {
                acc[u] = mul_add(r[u], x, acc[u]);
            }
        }
    }
}

// Whether rbf is computed from the norms (double) rather than from ‖x − y‖² directly (float).
template <class T>
constexpr bool kDotRbf = sizeof(T) == sizeof(double);

// o[u] = sa·sc[u]·K for u in [u0, m) (sc == nullptr: sa·K), K from the chunk's sums acc[u] (rbf in
// double: with the points' squared norms qb[u] and xa_sq = ‖xa‖²). The vector units do [0, u0).
template <class T>
inline void row_values(const T* acc, const T* qb, double xa_sq, index_t u0, index_t m, const SvmRowParams& p,
                       const std::int8_t* sc, double sa, float* o) {
    alignas(64) double buf[kChunk];
    const index_t n = m - u0;
    if (n <= 0) return;
    acc += u0;
    if constexpr (!kDotRbf<T>) {
        if (p.kind == 2) {  // rbf in float: the kernel in float too
            const float g = float(-p.gamma), fsa = float(sa);
            o += u0;
            if (sc) sc += u0;
            for (index_t u = 0; u < n; ++u) {
                const float e = exp_nonpositive_f(g * float(acc[u]));
                o[u] = sc ? e * (fsa * float(sc[u])) : (sa != 1.0 ? e * fsa : e);
            }
            return;
        }
    }
    if (p.kind == 2) {  // rbf in double, from the norms
        qb += u0;
        const double g = -p.gamma;
        for (index_t u = 0; u < n; ++u) {
            const double dd = (xa_sq + double(qb[u])) - 2.0 * double(acc[u]);
            buf[u] = g * (dd > 0 ? dd : 0.0);
        }
    } else {
        for (index_t u = 0; u < n; ++u) buf[u] = double(acc[u]);
    }
    finish(buf, n, p);
    o += u0;
    if (sc) {
        sc += u0;
        for (index_t u = 0; u < n; ++u) o[u] = float(buf[u] * (sa * double(sc[u])));
    } else if (sa != 1.0) {
        for (index_t u = 0; u < n; ++u) o[u] = float(buf[u] * sa);
    } else {
        for (index_t u = 0; u < n; ++u) o[u] = float(buf[u]);
    }
}

template <class T>
void row(const T* XT, index_t ld, index_t d, const T* xa, double xa_sq, index_t k0, index_t k1,
         const SvmRowParams* pp, const std::int8_t* s, double sa, float* out) {
    const SvmRowParams p = *pp;
    alignas(64) T acc[kChunk];
    for (index_t c0 = k0; c0 < k1; c0 += kChunk) {
        const index_t m = k1 - c0 < kChunk ? k1 - c0 : kChunk;
        if (p.kind == 2 && !kDotRbf<T>)
            row_sums<T, true>(XT, ld, d, xa, c0, 0, m, acc);
        else
            row_sums<T, false>(XT, ld, d, xa, c0, 0, m, acc);
        const T* qb = p.kind == 2 && kDotRbf<T> ? XT + d * ld + c0 : nullptr;
        row_values(acc, qb, xa_sq, 0, m, p, s ? s + c0 : nullptr, sa, out + c0);
    }
}

template <class T>
void from_dots(T* v, index_t n, double qa, const T* qb, const SvmRowParams* pp) {
    const SvmRowParams p = *pp;
    if (p.kind == 0) return;
    alignas(64) double buf[kChunk];
    for (index_t c0 = 0; c0 < n; c0 += kChunk) {
        const index_t m = n - c0 < kChunk ? n - c0 : kChunk;
        T* r = v + c0;
        if (p.kind == 2) {
            const T* q = qb + c0;
            const double g = -p.gamma;
            for (index_t u = 0; u < m; ++u) {
                const double dd = qa + double(q[u]) - 2.0 * double(r[u]);
                buf[u] = g * (dd > 0 ? dd : 0.0);
            }
        } else {
            for (index_t u = 0; u < m; ++u) buf[u] = double(r[u]);
        }
        finish(buf, m, p);
        for (index_t u = 0; u < m; ++u) r[u] = T(buf[u]);
    }
}

inline double grad_step(double* G, const float* Qi, const float* Qj, double di, double dj,
                        const double* ys, const double* up, index_t n) {
    double m = -HUGE_VAL;
#pragma omp simd reduction(max : m)
    for (index_t k = 0; k < n; ++k) {
        const double g = G[k] + (double(Qi[k]) * di + double(Qj[k]) * dj);
        G[k] = g;
        const double v = -ys[k] * g + up[k];
        m = v > m ? v : m;
    }
    return m;
}

inline double max_up(const double* G, const double* ys, const double* up, index_t n) {
    double m = -HUGE_VAL;
#pragma omp simd reduction(max : m)
    for (index_t k = 0; k < n; ++k) {
        const double v = -ys[k] * G[k] + up[k];
        m = v > m ? v : m;
    }
    return m;
}

inline double select_j(const double* G, const double* ys, const double* low, const double* QD,
                       const float* Qi, double qdi, double ysi, double gmax, index_t n, double* od,
                       double* gmax2) {
    constexpr double tau = 1e-12;
    double m2 = -HUGE_VAL, omin = HUGE_VAL;
#pragma omp simd reduction(max : m2) reduction(min : omin)
    for (index_t k = 0; k < n; ++k) {
        const double v = ys[k] * G[k] + low[k];
        m2 = v > m2 ? v : m2;
        const double b = gmax + v;
        const double a0 = qdi + QD[k] - 2.0 * ysi * (ys[k] * double(Qi[k]));
        const double a = a0 > 0 ? a0 : tau;
        const double q = -(b * b) / a;  // for every k (no branch around a division)
        const double o = b > 0 ? q : HUGE_VAL;
        od[k] = o;
        omin = o < omin ? o : omin;
    }
    *gmax2 = m2;
    return omin;
}

inline void gather(const float* row, const std::int32_t* idx, const float* sign, float si, index_t n,
                   float* out) {
#pragma omp simd
    for (index_t k = 0; k < n; ++k) out[k] = si * sign[k] * row[idx[k]];
}

template <class T>
kernel_table::SvmKernels<T> kernels() {
    kernel_table::SvmKernels<T> k;
    k.row = &row<T>;
    k.from_dots = &from_dots<T>;
    k.grad_step = &grad_step;
    k.max_up = &max_up;
    k.select_j = &select_j;
    k.gather = &gather;
    return k;
}

}  // namespace scratchlearn::svm_kernels::SL_SVM_NS
