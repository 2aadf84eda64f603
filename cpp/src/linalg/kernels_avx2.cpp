// AVX2 + FMA micro-kernels (this file alone is compiled with -mavx2 -mfma; it runs only when
// cpu.cpp has found AVX2, FMA and OS support for the YMM state).
//
// Register tile: 6 rows × 2 vectors (6 × 16 float, 6 × 8 double): 12 accumulators, 2 vectors of B
// and one broadcast of A use 15 of the 16 YMM registers, and 12 independent FMA chains cover the
// 4-cycle FMA latency on two FMA ports.
//
// Everything lives in an anonymous namespace and no standard-library template is used, so no
// AVX-compiled copy of a shared inline function can leak into the generic code at link time.
#include <immintrin.h>

#include "kernels.hpp"

namespace scratchlearn {
namespace gemm_detail {
namespace {

struct OpsF {
    using T = float;
    using V = __m256;
    static constexpr int W = 8;
    static V zero() { return _mm256_setzero_ps(); }
    static V load(const T* p) { return _mm256_load_ps(p); }
    static V loadu(const T* p) { return _mm256_loadu_ps(p); }
    static void storeu(T* p, V v) { _mm256_storeu_ps(p, v); }
    static V bcast(const T* p) { return _mm256_broadcast_ss(p); }
    static V set1(T x) { return _mm256_set1_ps(x); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
    static V add(V a, V b) { return _mm256_add_ps(a, b); }
    static T hsum(V v) {
        __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
        lo = _mm_add_ps(lo, hi);
        lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
        lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
        return _mm_cvtss_f32(lo);
    }
};

struct OpsD {
    using T = double;
    using V = __m256d;
    static constexpr int W = 4;
    static V zero() { return _mm256_setzero_pd(); }
    static V load(const T* p) { return _mm256_load_pd(p); }
    static V loadu(const T* p) { return _mm256_loadu_pd(p); }
    static void storeu(T* p, V v) { _mm256_storeu_pd(p, v); }
    static V bcast(const T* p) { return _mm256_broadcast_sd(p); }
    static V set1(T x) { return _mm256_set1_pd(x); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
    static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
    static V add(V a, V b) { return _mm256_add_pd(a, b); }
    static T hsum(V v) {
        __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
        lo = _mm_add_pd(lo, hi);
        return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
    }
};

template <class O, int MR, int NV>
void micro(index_t kc, const typename O::T* a, const typename O::T* b, typename O::T* c,
           index_t ldc, typename O::T alpha, typename O::T beta) {
    using V = typename O::V;
    constexpr int W = O::W;
    V acc[MR][NV];
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) acc[i][j] = O::zero();
    // The C tile is needed only after the kc loop: start fetching all its cache lines now (a row
    // of NV vectors spans up to NV + 1 lines when C is not line-aligned).
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j <= NV; ++j)
            _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + (j < NV ? j * W : NV * W - 1)),
                         _MM_HINT_T0);
#pragma GCC unroll 4
    for (index_t p = 0; p < kc; ++p) {
        V bv[NV];
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) bv[j] = O::load(b + j * W);
#pragma GCC unroll 8
        for (int i = 0; i < MR; ++i) {
            const V ai = O::bcast(a + i);
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) acc[i][j] = O::fma(ai, bv[j], acc[i][j]);
        }
        a += MR;
        b += NV * W;
    }
    const V va = O::set1(alpha);
    if (beta == 0) {
#pragma GCC unroll 8
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) O::storeu(c + i * ldc + j * W, O::mul(va, acc[i][j]));
    } else {
        const V vb = O::set1(beta);
#pragma GCC unroll 8
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) {
                typename O::T* cij = c + i * ldc + j * W;
                O::storeu(cij, O::fma(va, acc[i][j], O::mul(vb, O::loadu(cij))));
            }
    }
}

template <class O>
typename O::T dot(const typename O::T* x, const typename O::T* y, index_t n) {
    using V = typename O::V;
    constexpr int W = O::W;
    V s0 = O::zero(), s1 = O::zero(), s2 = O::zero(), s3 = O::zero();
    index_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        s0 = O::fma(O::loadu(x + i), O::loadu(y + i), s0);
        s1 = O::fma(O::loadu(x + i + W), O::loadu(y + i + W), s1);
        s2 = O::fma(O::loadu(x + i + 2 * W), O::loadu(y + i + 2 * W), s2);
        s3 = O::fma(O::loadu(x + i + 3 * W), O::loadu(y + i + 3 * W), s3);
    }
    for (; i + W <= n; i += W) s0 = O::fma(O::loadu(x + i), O::loadu(y + i), s0);
    typename O::T tail = 0;
    for (; i < n; ++i) tail += x[i] * y[i];
    return O::hsum(O::add(O::add(s0, s1), O::add(s2, s3))) + tail;
}

template <class O>
void axpy(typename O::T alpha, const typename O::T* x, typename O::T* y, index_t n) {
    const typename O::V va = O::set1(alpha);
    constexpr int W = O::W;
    index_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        O::storeu(y + i, O::fma(va, O::loadu(x + i), O::loadu(y + i)));
        O::storeu(y + i + W, O::fma(va, O::loadu(x + i + W), O::loadu(y + i + W)));
    }
    for (; i < n; ++i) y[i] += alpha * x[i];
}

#include "pack_transpose.inc"

}  // namespace

void avx2_kernels(Kernels<float>* f, Kernels<double>* d) {
    *f = Kernels<float>{6, 16, &micro<OpsF, 6, 2>, &dot<OpsF>, &axpy<OpsF>,
                        &pack_bt_f32<16>};
    *d = Kernels<double>{6, 8, &micro<OpsD, 6, 2>, &dot<OpsD>, &axpy<OpsD>,
                         &pack_bt_f64<8>};
}

}  // namespace gemm_detail
}  // namespace scratchlearn
