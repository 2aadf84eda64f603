// AVX-512 vector operations (see simd_avx2.hpp). Included only by translation units compiled with
// the AVX-512F/DQ/BW/VL flags (*_avx512.cpp), inside their anonymous namespace.
#pragma once

#include <immintrin.h>

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
};

}  // namespace
}  // namespace scratchlearn::simd
