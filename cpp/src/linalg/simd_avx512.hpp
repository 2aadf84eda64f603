// AVX-512 vector operations (see simd_avx2.hpp). Included only by translation units compiled with
// the AVX-512F/DQ/BW/VL flags (*_avx512.cpp), inside their anonymous namespace.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace scratchlearn::simd {
namespace {

struct Avx512F {
    using T = float;
    using V = __m512;
    static constexpr int W = 16;
    static V zero() { return _mm512_setzero_ps(); }
    static V load(const T* p) { return _mm512_load_ps(p); }
    static V loadu(const T* p) { return _mm512_loadu_ps(p); }
    static void storeu(T* p, V v) { _mm512_storeu_ps(p, v); }
    static V bcast(const T* p) { return _mm512_set1_ps(*p); }
    static V set1(T x) { return _mm512_set1_ps(x); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
    static V add(V a, V b) { return _mm512_add_ps(a, b); }
    static T hsum(V v) { return _mm512_reduce_add_ps(v); }
    // The first n lanes (0 < n <= W); the others read as zero / are left untouched.
    static V loadu_n(const T* p, int n) { return _mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p); }
    static void storeu_n(T* p, V v, int n) { _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), v); }
    // For the elementwise kernels (neural_network/mlp_kernels_impl.hpp).
    static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
    static V div(V a, V b) { return _mm512_div_ps(a, b); }
    static V sqrt(V a) { return _mm512_sqrt_ps(a); }
    static V max(V a, V b) { return _mm512_max_ps(a, b); }
    static V min(V a, V b) { return _mm512_min_ps(a, b); }
    static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static V ldexp(V a, V n) { return _mm512_scalef_ps(a, n); }  // a·2^n, n integral
    static V abs(V a) { return _mm512_andnot_ps(_mm512_set1_ps(-0.0f), a); }
    static V copysign(V mag, V sgn) {
        const V m = _mm512_set1_ps(-0.0f);
        return _mm512_or_ps(_mm512_andnot_ps(m, mag), _mm512_and_ps(m, sgn));
    }
    // For the SVM's float kernel row (svm/row_kernels_simd.hpp): W int8 read as floats.
    static V load_i8(const std::int8_t* p) {
        return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
    }
};

struct Avx512D {
    using T = double;
    using V = __m512d;
    static constexpr int W = 8;
    static V zero() { return _mm512_setzero_pd(); }
    static V load(const T* p) { return _mm512_load_pd(p); }
    static V loadu(const T* p) { return _mm512_loadu_pd(p); }
    static void storeu(T* p, V v) { _mm512_storeu_pd(p, v); }
    static V bcast(const T* p) { return _mm512_set1_pd(*p); }
    static V set1(T x) { return _mm512_set1_pd(x); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
    static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
    static V add(V a, V b) { return _mm512_add_pd(a, b); }
    static T hsum(V v) { return _mm512_reduce_add_pd(v); }
    static V loadu_n(const T* p, int n) { return _mm512_maskz_loadu_pd(__mmask8((1u << n) - 1), p); }
    static void storeu_n(T* p, V v, int n) { _mm512_mask_storeu_pd(p, __mmask8((1u << n) - 1), v); }
    // For the elementwise kernels (neural_network/mlp_kernels_impl.hpp).
    static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
    static V div(V a, V b) { return _mm512_div_pd(a, b); }
    static V sqrt(V a) { return _mm512_sqrt_pd(a); }
    static V max(V a, V b) { return _mm512_max_pd(a, b); }
    static V min(V a, V b) { return _mm512_min_pd(a, b); }
    static V round(V a) { return _mm512_roundscale_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static V ldexp(V a, V n) { return _mm512_scalef_pd(a, n); }  // a·2^n, n integral
    static V abs(V a) { return _mm512_andnot_pd(_mm512_set1_pd(-0.0), a); }
    static V copysign(V mag, V sgn) {
        const V m = _mm512_set1_pd(-0.0);
        return _mm512_or_pd(_mm512_andnot_pd(m, mag), _mm512_and_pd(m, sgn));
    }
    // For the SVM's row kernels (see simd_avx2.hpp).
    static V load_f32(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
    static void store_f32(float* p, V v) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(v)); }
    static V load_i8(const std::int8_t* p) {
        return _mm512_cvtepi32_pd(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    }
    static V select_gt(V a, V b, V x, V y) { return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, b, _CMP_GT_OQ), y, x); }
};

}  // namespace
}  // namespace scratchlearn::simd
