// AVX2 + FMA vector operations, for the kernels written once over an operations struct O
// (O::T the scalar, O::V the vector of O::W lanes). Included only by translation units compiled
// with -mavx2 -mfma (*_avx2.cpp), inside their anonymous namespace.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace scratchlearn::simd {
namespace {

struct Avx2F {
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
    // The first n lanes (0 < n <= W); the others read as zero / are left untouched.
    static __m256i mask(int n) {
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    static V loadu_n(const T* p, int n) { return _mm256_maskload_ps(p, mask(n)); }
    static void storeu_n(T* p, V v, int n) { _mm256_maskstore_ps(p, mask(n), v); }
    // For the elementwise kernels (neural_network/mlp_kernels_impl.hpp).
    static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
    static V div(V a, V b) { return _mm256_div_ps(a, b); }
    static V sqrt(V a) { return _mm256_sqrt_ps(a); }
    static V max(V a, V b) { return _mm256_max_ps(a, b); }
    static V min(V a, V b) { return _mm256_min_ps(a, b); }
    static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static V ldexp(V a, V n) {  // a·2^n, n integral within the exponent range
        const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
        return _mm256_mul_ps(a, _mm256_castsi256_ps(e));
    }
    static V abs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
    static V copysign(V mag, V sgn) {
        const V m = _mm256_set1_ps(-0.0f);
        return _mm256_or_ps(_mm256_andnot_ps(m, mag), _mm256_and_ps(m, sgn));
    }
    // For the SVM's float kernel row (svm/row_kernels_simd.hpp): W int8 read as floats.
    static V load_i8(const std::int8_t* p) {
        std::int64_t w;
        std::memcpy(&w, p, sizeof w);
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(w)));
    }
};

struct Avx2D {
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
    static __m256i mask(int n) {
        return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
    }
    static V loadu_n(const T* p, int n) { return _mm256_maskload_pd(p, mask(n)); }
    static void storeu_n(T* p, V v, int n) { _mm256_maskstore_pd(p, mask(n), v); }
    // For the elementwise kernels (neural_network/mlp_kernels_impl.hpp).
    static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
    static V div(V a, V b) { return _mm256_div_pd(a, b); }
    static V sqrt(V a) { return _mm256_sqrt_pd(a); }
    static V max(V a, V b) { return _mm256_max_pd(a, b); }
    static V min(V a, V b) { return _mm256_min_pd(a, b); }
    static V round(V a) { return _mm256_round_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static V ldexp(V a, V n) {  // a·2^n, n integral within the exponent range
        // n + 1.5·2^52 holds n in its low mantissa bits.
        const V magic = _mm256_set1_pd(6755399441055744.0);
        const __m256i i = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(n, magic)),
                                           _mm256_castpd_si256(magic));
        const __m256i e = _mm256_slli_epi64(_mm256_add_epi64(i, _mm256_set1_epi64x(1023)), 52);
        return _mm256_mul_pd(a, _mm256_castsi256_pd(e));
    }
    static V abs(V a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
    static V copysign(V mag, V sgn) {
        const V m = _mm256_set1_pd(-0.0);
        return _mm256_or_pd(_mm256_andnot_pd(m, mag), _mm256_and_pd(m, sgn));
    }
    // For the SVM's row kernels (svm/row_kernels_simd.hpp): W floats or W int8 read as doubles,
    // W doubles stored rounded to float, and a > b ? x : y lane by lane (false where either is NaN).
    static V load_f32(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
    static void store_f32(float* p, V v) { _mm_storeu_ps(p, _mm256_cvtpd_ps(v)); }
    static V load_i8(const std::int8_t* p) {
        std::int32_t w;
        std::memcpy(&w, p, sizeof w);
        return _mm256_cvtepi32_pd(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(w)));
    }
    static V select_gt(V a, V b, V x, V y) { return _mm256_blendv_pd(y, x, _mm256_cmp_pd(a, b, _CMP_GT_OQ)); }
};

}  // namespace
}  // namespace scratchlearn::simd
