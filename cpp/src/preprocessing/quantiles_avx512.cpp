// The selection quantiles' two inner loops with AVX-512 (quantiles_lanes.hpp): eight doubles or
// sixteen floats a step, the lanes packed by vcompress and counted by popcount of the mask.
#include <immintrin.h>

#include "../kernel_table.hpp"
#include "quantiles_lanes.hpp"

namespace scratchlearn::kernel_table {
namespace {

// The few AVX-512 operations the two loops use, for doubles (8 lanes) and floats (16 lanes).
template <class T>
struct Lanes;
template <>
struct Lanes<double> {
    static constexpr index_t W = 8;
    using V = __m512d;
    using M = __mmask8;
    static V set1(double x) { return _mm512_set1_pd(x); }
    static V load(const double* p) { return _mm512_loadu_pd(p); }
    static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
    template <int C>
    static M cmp(V a, V b) { return _mm512_cmp_pd_mask(a, b, C); }
    static V compress(M m, V v) { return _mm512_maskz_compress_pd(m, v); }
};
template <>
struct Lanes<float> {
    static constexpr index_t W = 16;
    using V = __m512;
    using M = __mmask16;
    static V set1(double x) { return _mm512_set1_ps(static_cast<float>(x)); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
    template <int C>
    static M cmp(V a, V b) { return _mm512_cmp_ps_mask(a, b, C); }
    static V compress(M m, V v) { return _mm512_maskz_compress_ps(m, v); }
};

}  // namespace

void register_preprocessing_avx512(Table* t) {
    t->f32.band_pass = quantile_lanes::band_pass<Lanes<float>, float>;
    t->f64.band_pass = quantile_lanes::band_pass<Lanes<double>, double>;
    t->f32.select_split = quantile_lanes::split<Lanes<float>, float>;
    t->f64.select_split = quantile_lanes::split<Lanes<double>, double>;
}

}  // namespace scratchlearn::kernel_table
