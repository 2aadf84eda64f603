// The MLP's elementwise kernels (kernel_table.hpp's MlpKernels), written once over a SIMD
// operations struct O (linalg/simd_avx2.hpp, linalg/simd_avx512.hpp) and instantiated by each
// ISA's translation unit (mlp_kernels_avx2.cpp, mlp_kernels_avx512.cpp) inside its anonymous
// namespace: the fused bias + activation pass of the forward pass and the Adam step.
//
// exp, tanh and the logistic function are computed here, not by libm: x = n·ln2 + r with
// n = round(x / ln2) (ln2 split in a high and a low part, so r is exact to a few ulp) and
// |r| <= ln2 / 2; e^r = 1 + q(r) with q the Taylor polynomial to r^7 (float) or r^13 (double),
// whose truncation error is below half an ulp; e^x = 2^n·(1 + q). tanh|x| = u / (u + 2) with
// u = e^{2|x|} − 1 = 2^n·q + (2^n − 1), which has no cancellation near 0 (n = 0 there, u = q),
// so tanh is accurate to a few ulp everywhere; its sign is copied from x.
#pragma once

#include <immintrin.h>

#include "../kernel_table.hpp"

namespace scratchlearn::mlp_kernels {
namespace {

using kernel_table::index_t;

template <class T>
struct ExpConsts;

template <>
struct ExpConsts<float> {
    static constexpr float log2e = 1.44269504088896341f;
    static constexpr float ln2_hi = 0.693359375f;
    static constexpr float ln2_lo = -2.12194440e-4f;
    static constexpr float max_arg = 88.0f;      // e^88 < FLT_MAX
    static constexpr float tanh_cut = 10.0f;     // tanh(10) rounds to 1
    static constexpr int degree = 7;
};

template <>
struct ExpConsts<double> {
    static constexpr double log2e = 1.4426950408889634074;
    static constexpr double ln2_hi = 6.93147180369123816490e-01;
    static constexpr double ln2_lo = 1.90821492927058770002e-10;
    static constexpr double max_arg = 708.0;     // e^708 < DBL_MAX
    static constexpr double tanh_cut = 20.0;     // tanh(20) rounds to 1
    static constexpr int degree = 13;
};

// e^x = 2^n·(1 + q) for |x| <= max_arg.
template <class O>
inline void exp_parts(typename O::V x, typename O::V& n, typename O::V& q) {
    using T = typename O::T;
    using C = ExpConsts<T>;
    using V = typename O::V;
    n = O::round(O::mul(x, O::set1(C::log2e)));
    V r = O::fma(n, O::set1(-C::ln2_hi), x);
    r = O::fma(n, O::set1(-C::ln2_lo), r);
    // q = r·(1 + r/2·(1 + r/3·(…))): Horner on the coefficients 1/k!.
    T coef[14];
    T f = 1;
    for (int k = 1; k <= C::degree; ++k) {
        f /= T(k);
        coef[k] = f;
    }
    V p = O::set1(coef[C::degree]);
    for (int k = C::degree - 1; k >= 1; --k) p = O::fma(p, r, O::set1(coef[k]));
    q = O::mul(p, r);
}

template <class O>
inline typename O::V exp_v(typename O::V x) {
    using T = typename O::T;
    using V = typename O::V;
    const T lim = ExpConsts<T>::max_arg;
    x = O::max(O::min(x, O::set1(lim)), O::set1(-lim));
    V n, q;
    exp_parts<O>(x, n, q);
    return O::ldexp(O::add(O::set1(T(1)), q), n);
}

template <class O>
inline typename O::V tanh_v(typename O::V x) {
    using T = typename O::T;
    using V = typename O::V;
    const V a = O::min(O::abs(x), O::set1(ExpConsts<T>::tanh_cut));
    V n, q;
    exp_parts<O>(O::add(a, a), n, q);
    const V t = O::ldexp(O::set1(T(1)), n);
    const V u = O::fma(t, q, O::sub(t, O::set1(T(1))));
    return O::copysign(O::div(u, O::add(u, O::set1(T(2)))), x);
}

template <class O>
inline typename O::V logistic_v(typename O::V x) {
    using T = typename O::T;
    const typename O::V one = O::set1(T(1));
    return O::div(one, O::add(one, exp_v<O>(O::sub(O::zero(), x))));
}

// f: 0 identity, 1 relu, 2 tanh, 3 logistic (kernel_table.hpp).
template <class O, int F>
inline typename O::V act(typename O::V v) {
    if constexpr (F == 1) return O::max(v, O::zero());
    else if constexpr (F == 2) return tanh_v<O>(v);
    else if constexpr (F == 3) return logistic_v<O>(v);
    else return v;
}

template <class O, int F>
void bias_act_f(typename O::T* Z, index_t rows, index_t cols, const typename O::T* b) {
    constexpr int W = O::W;
    for (index_t r = 0; r < rows; ++r) {
        typename O::T* z = Z + r * cols;
        index_t j = 0;
        for (; j + W <= cols; j += W) O::storeu(z + j, act<O, F>(O::add(O::loadu(z + j), O::loadu(b + j))));
        if (j < cols) {
            const int t = int(cols - j);
            O::storeu_n(z + j, act<O, F>(O::add(O::loadu_n(z + j, t), O::loadu_n(b + j, t))), t);
        }
    }
}

template <class O>
void bias_act(typename O::T* Z, index_t rows, index_t cols, const typename O::T* b, int f) {
    switch (f) {
        case 1: return bias_act_f<O, 1>(Z, rows, cols, b);
        case 2: return bias_act_f<O, 2>(Z, rows, cols, b);
        case 3: return bias_act_f<O, 3>(Z, rows, cols, b);
        default: return bias_act_f<O, 0>(Z, rows, cols, b);
    }
}

template <class O>
inline void adam_v(typename O::T* w, const typename O::T* g, typename O::T* m, typename O::T* v,
                   index_t e, int t, typename O::V lr, typename O::V b1, typename O::V b2,
                   typename O::V c1, typename O::V c2, typename O::V eps) {
    using V = typename O::V;
    const V gv = t == O::W ? O::loadu(g + e) : O::loadu_n(g + e, t);
    const V mv = O::add(O::mul(b1, t == O::W ? O::loadu(m + e) : O::loadu_n(m + e, t)), O::mul(c1, gv));
    const V vv = O::add(O::mul(b2, t == O::W ? O::loadu(v + e) : O::loadu_n(v + e, t)),
                        O::mul(c2, O::mul(gv, gv)));
    const V wv = t == O::W ? O::loadu(w + e) : O::loadu_n(w + e, t);
    const V step = O::div(O::mul(lr, mv), O::add(O::sqrt(vv), eps));
    const V nw = O::sub(wv, step);
    if (t == O::W) {
        O::storeu(m + e, mv);
        O::storeu(v + e, vv);
        O::storeu(w + e, nw);
    } else {
        O::storeu_n(m + e, mv, t);
        O::storeu_n(v + e, vv, t);
        O::storeu_n(w + e, nw, t);
    }
}

// m ← b1·m + c1·g; v ← b2·v + c2·g²; w ← w − lr·m / (√v + eps), elementwise over n values.
template <class O>
void adam(index_t n, typename O::T* w, const typename O::T* g, typename O::T* m,
          typename O::T* v, typename O::T lr, typename O::T b1, typename O::T b2,
          typename O::T c1, typename O::T c2, typename O::T eps) {
    constexpr int W = O::W;
    const typename O::V vlr = O::set1(lr), vb1 = O::set1(b1), vb2 = O::set1(b2), vc1 = O::set1(c1),
                        vc2 = O::set1(c2), veps = O::set1(eps);
    index_t e = 0;
    for (; e + W <= n; e += W) adam_v<O>(w, g, m, v, e, W, vlr, vb1, vb2, vc1, vc2, veps);
    if (e < n) adam_v<O>(w, g, m, v, e, int(n - e), vlr, vb1, vb2, vc1, vc2, veps);
}

template <class OF, class OD>
void fill_mlp(kernel_table::Table* t) {
    t->f32.mlp.bias_act = &bias_act<OF>;
    t->f32.mlp.adam = &adam<OF>;
    t->f64.mlp.bias_act = &bias_act<OD>;
    t->f64.mlp.adam = &adam<OD>;
}

}  // namespace
}  // namespace scratchlearn::mlp_kernels
