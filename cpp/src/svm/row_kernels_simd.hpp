// The SVM's kernel row and second-order selection written with explicit vectors, over an
// operations struct for the data (OT) and one for double (OD) (linalg/simd_avx2.hpp,
// linalg/simd_avx512.hpp), for the units that have them (row_kernels_avx2.cpp, _avx512.cpp). They
// do exactly the operations of the plain loops of row_kernels_impl.hpp, lane by lane, so a row or a
// selection is bit for bit the one the plain loops of the same unit give; the plain loops do the
// last few points of a chunk that do not fill a vector.
//
// Why not leave it to the compiler: the plain loops' accumulator blocks were kept in memory rather
// than registers, and the loops that convert the kernel values (int8 signs, double to float) or
// choose with a condition were left scalar; by hand each runs a vector at a time.
#pragma once

#include "row_kernels_impl.hpp"

namespace scratchlearn::svm_kernels::SL_SVM_NS {

// acc[u] for u in [0, nb·R·W) of a chunk: R vectors of sums held in registers across the
// features (one load and one multiply-add per vector and feature).
template <class O, bool Rbf, int R>
inline void sums_block(const typename O::T* XT, index_t ld, index_t d, const typename O::T* xa, index_t c,
                       typename O::T* acc) {
    using V = typename O::V;
    constexpr int W = O::W;
    V a[R];
    {
        const V x = O::set1(xa[0]);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const V v = O::loadu(XT + c + r * W);
            if (Rbf) {
                const V df = O::sub(v, x);
                a[r] = O::mul(df, df);
            } else {
                a[r] = O::mul(v, x);
            }
        }
    }
    for (index_t t = 1; t < d; ++t) {
        const V x = O::set1(xa[t]);
        const typename O::T* row = XT + t * ld + c;
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const V v = O::loadu(row + r * W);
            if (Rbf) {
                const V df = O::sub(v, x);
                a[r] = O::fma(df, df, a[r]);
            } else {
                a[r] = O::fma(v, x, a[r]);
            }
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) O::storeu(acc + r * W, a[r]);
}

// The sums of a chunk of m points (c0 its first): blocks of R vectors, then single vectors;
// returns how many points were done (the plain loop does the rest).
template <class O, bool Rbf>
inline index_t sums_v(const typename O::T* XT, index_t ld, index_t d, const typename O::T* xa, index_t c0, index_t m,
                      typename O::T* acc) {
    constexpr int W = O::W, R = 8;
    index_t u = 0;
    for (; u + R * W <= m; u += R * W) sums_block<O, Rbf, R>(XT, ld, d, xa, c0 + u, acc + u);
    for (; u + W <= m; u += W) sums_block<O, Rbf, 1>(XT, ld, d, xa, c0 + u, acc + u);
    return u;
}

// The range reduction of both exponentials below (and of exp_nonpositive / exp_nonpositive_f):
// x clamped at `lo`, then x = k·ln2 + r, k rounded by adding `shift` (1.5·2^(mantissa bits)), ln2 in
// two parts.
template <class O>
inline void exp_reduce(typename O::V x, typename O::T lo, typename O::T shift_c, typename O::T log2e,
                       typename O::T ln2_hi, typename O::T ln2_lo, typename O::V& k,
                       typename O::V& r) {
    using V = typename O::V;
    using T = typename O::T;
    const V shift = O::set1(shift_c);
    x = O::max(O::set1(lo), x);
    const V t = O::fma(x, O::set1(log2e), shift);
    k = O::sub(t, shift);
    const V nk = O::mul(O::set1(T(-1)), k);
    r = O::fma(nk, O::set1(ln2_lo), O::fma(nk, O::set1(ln2_hi), x));
}

// exp(x) for x <= 0: exp_nonpositive's operations on a vector.
template <class OD>
inline typename OD::V exp_nonpositive_v(typename OD::V x) {
    using V = typename OD::V;
    V k, r;
    exp_reduce<OD>(x, -700.0, 6755399441055744.0, 1.4426950408889634, 0.6931471803691238,
                   1.9082149292705877e-10, k, r);
    const V r2 = OD::mul(r, r), r4 = OD::mul(r2, r2), r8 = OD::mul(r4, r4);
    const V a0 = OD::add(OD::set1(1.0), r), a1 = OD::fma(r, OD::set1(1.0 / 6.0), OD::set1(0.5)),
            a2 = OD::fma(r, OD::set1(1.0 / 120.0), OD::set1(1.0 / 24.0)),
            a3 = OD::fma(r, OD::set1(1.0 / 5040.0), OD::set1(1.0 / 720.0)),
            a4 = OD::fma(r, OD::set1(1.0 / 362880.0), OD::set1(1.0 / 40320.0)),
            a5 = OD::fma(r, OD::set1(1.0 / 39916800.0), OD::set1(1.0 / 3628800.0)), a6 = OD::set1(1.0 / 479001600.0);
    const V b0 = OD::fma(a1, r2, a0), b1 = OD::fma(a3, r2, a2), b2 = OD::fma(a5, r2, a4);
    const V p = OD::fma(OD::fma(a6, r4, b2), r8, OD::fma(b1, r4, b0));
    return OD::ldexp(p, k);
}

// exp(x) for x <= 0 in float: exp_nonpositive_f's operations on a vector.
template <class OF>
inline typename OF::V exp_nonpositive_fv(typename OF::V x) {
    using V = typename OF::V;
    V k, r;
    exp_reduce<OF>(x, -87.0f, 12582912.0f, 1.44269504f, 0.693359375f, -2.12194440e-4f, k, r);
    V p = OF::fma(r, OF::set1(1.0f / 5040.0f), OF::set1(1.0f / 720.0f));
    p = OF::fma(p, r, OF::set1(1.0f / 120.0f));
    p = OF::fma(p, r, OF::set1(1.0f / 24.0f));
    p = OF::fma(p, r, OF::set1(1.0f / 6.0f));
    p = OF::fma(p, r, OF::set1(0.5f));
    p = OF::fma(p, r, OF::set1(1.0f));
    p = OF::fma(p, r, OF::set1(1.0f));
    return OF::ldexp(p, k);
}

// v·sa·sc[0..W) (sc == nullptr: v·sa), as row_values scales a value (vsa = sa in every lane).
template <class O>
inline typename O::V times_signs(typename O::V v, typename O::V vsa, const std::int8_t* sc, double sa) {
    if (sc) return O::mul(v, O::mul(vsa, O::load_i8(sc)));
    return sa != 1.0 ? O::mul(v, vsa) : v;
}

// The float rbf row's kernel values from its sums ‖x − y‖², a vector of OF at a time (the
// float branch of row_values); returns how many points were done.
template <class OF>
inline index_t values_fv(const float* acc, index_t m, const SvmRowParams& p, const std::int8_t* sc, double sa,
                         float* o) {
    using V = typename OF::V;
    constexpr int W = OF::W;
    const V g = OF::set1(float(-p.gamma)), vsa = OF::set1(float(sa));
    index_t u = 0;
    for (; u + W <= m; u += W) {
        const V e = exp_nonpositive_fv<OF>(OF::mul(g, OF::loadu(acc + u)));
        OF::storeu(o + u, times_signs<OF>(e, vsa, sc ? sc + u : nullptr, sa));
    }
    return u;
}

// The kernel values of a chunk from its sums, a vector of OD at a time (row_values's operations;
// the float rbf row a vector of OT at a time, values_fv); returns how many points were done.
template <class OT, class OD>
inline index_t values_v(const typename OT::T* acc, const typename OT::T* qb, double xa_sq, index_t m,
                        const SvmRowParams& p, const std::int8_t* sc, double sa, float* o) {
    using T = typename OT::T;
    if constexpr (!kDotRbf<T>)
        if (p.kind == 2) return values_fv<OT>(acc, m, p, sc, sa, o);
    using V = typename OD::V;
    constexpr int W = OD::W;
    const V g = OD::set1(-p.gamma), gp = OD::set1(p.gamma), c0 = OD::set1(p.coef0), two = OD::set1(2.0),
            qa = OD::set1(xa_sq), vsa = OD::set1(sa);
    index_t u = 0;
    for (; u + W <= m; u += W) {
        V v;
        if constexpr (sizeof(T) == sizeof(double))
            v = OD::loadu(acc + u);
        else
            v = OD::load_f32(acc + u);
        if constexpr (kDotRbf<T>) {
            if (p.kind == 2) {
                const V dd = OD::sub(OD::add(qa, OD::loadu(qb + u)), OD::mul(two, v));
                v = exp_nonpositive_v<OD>(OD::mul(g, OD::max(dd, OD::zero())));
            }
        }
        if (p.kind == 1) {
            V b = OD::add(OD::mul(gp, v), c0), r = OD::set1(1.0);
            for (int e = p.degree; e > 0; e >>= 1) {
                if (e & 1) r = OD::mul(r, b);
                b = OD::mul(b, b);
            }
            v = r;
        }
        OD::store_f32(o + u, times_signs<OD>(v, vsa, sc ? sc + u : nullptr, sa));
    }
    return u;
}

template <class OT, class OD>
void row_v(const typename OT::T* XT, index_t ld, index_t d, const typename OT::T* xa, double xa_sq, index_t k0,
           index_t k1, const SvmRowParams* pp, const std::int8_t* s, double sa, float* out) {
    using T = typename OT::T;
    const SvmRowParams p = *pp;
    if (p.kind == 3) {  // tanh: the plain loops
        row<T>(XT, ld, d, xa, xa_sq, k0, k1, pp, s, sa, out);
        return;
    }
    alignas(64) T acc[kChunk];
    for (index_t c0 = k0; c0 < k1; c0 += kChunk) {
        const index_t m = k1 - c0 < kChunk ? k1 - c0 : kChunk;
        if (p.kind == 2 && !kDotRbf<T>) {
            const index_t u = sums_v<OT, true>(XT, ld, d, xa, c0, m, acc);
            row_sums<T, true>(XT, ld, d, xa, c0, u, m, acc);
        } else {
            const index_t u = sums_v<OT, false>(XT, ld, d, xa, c0, m, acc);
            row_sums<T, false>(XT, ld, d, xa, c0, u, m, acc);
        }
        const T* qb = p.kind == 2 && kDotRbf<T> ? XT + d * ld + c0 : nullptr;
        const std::int8_t* sc = s ? s + c0 : nullptr;
        const index_t u = values_v<OT, OD>(acc, qb, xa_sq, m, p, sc, sa, out + c0);
        row_values(acc, qb, xa_sq, u, m, p, sc, sa, out + c0);
    }
}

// select_j's operations a vector at a time (the plain loop does the last n mod W).
template <class OD>
double select_j_v(const double* G, const double* ys, const double* low, const double* QD, const float* Qi,
                  double qdi, double ysi, double gmax, index_t n, double* od, double* gmax2) {
    using V = typename OD::V;
    constexpr int W = OD::W;
    const V vg = OD::set1(gmax), vq = OD::set1(qdi), c = OD::set1(2.0 * ysi), tau = OD::set1(1e-12),
            inf = OD::set1(HUGE_VAL), neg = OD::set1(-1.0), zero = OD::zero();
    V m2 = OD::set1(-HUGE_VAL), omin = inf;
    index_t k = 0;
    for (; k + W <= n; k += W) {
        const V y = OD::loadu(ys + k);
        const V v = OD::add(OD::mul(y, OD::loadu(G + k)), OD::loadu(low + k));
        m2 = OD::max(v, m2);
        const V b = OD::add(vg, v);
        const V a0 = OD::sub(OD::add(vq, OD::loadu(QD + k)), OD::mul(c, OD::mul(y, OD::load_f32(Qi + k))));
        const V a = OD::select_gt(a0, zero, a0, tau);
        const V q = OD::div(OD::mul(OD::mul(neg, b), b), a);
        const V o = OD::select_gt(b, zero, q, inf);
        OD::storeu(od + k, o);
        omin = OD::min(o, omin);
    }
    alignas(64) double lm[W], lo[W];
    OD::storeu(lm, m2);
    OD::storeu(lo, omin);
    double r2 = -HUGE_VAL, ro = HUGE_VAL;
    for (int u = 0; u < W; ++u) {
        r2 = lm[u] > r2 ? lm[u] : r2;
        ro = lo[u] < ro ? lo[u] : ro;
    }
    if (k < n) {
        double t2;
        const double to = select_j(G + k, ys + k, low + k, QD + k, Qi + k, qdi, ysi, gmax, n - k, od + k, &t2);
        r2 = t2 > r2 ? t2 : r2;
        ro = to < ro ? to : ro;
    }
    *gmax2 = r2;
    return ro;
}

// The unit's table for data type OT::T: the plain loops' kernels with the row and the selection
// of j replaced by the vector versions.
template <class OT, class OD>
kernel_table::SvmKernels<typename OT::T> kernels_v() {
    kernel_table::SvmKernels<typename OT::T> k = kernels<typename OT::T>();
    k.row = &row_v<OT, OD>;
    k.select_j = &select_j_v<OD>;
    return k;
}

}  // namespace scratchlearn::svm_kernels::SL_SVM_NS
