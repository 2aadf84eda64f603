// The fused multinomial logistic block (logistic_kernels_impl.hpp) compiled for AVX2 + FMA (this
// file gets -mavx2 -mfma), with a vectorised exponential.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "../kernel_table.hpp"
#include "../linalg/simd_avx2.hpp"

#define SL_LM_NS avx2
#include "logistic_kernels_impl.hpp"

namespace scratchlearn::lm_kernels::avx2 {
namespace {

// e^x for x ≤ 0, four at a time: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts so that
// n·ln2 is exact), e^r by its Taylor polynomial of degree 13 (truncation below 2⁻⁵²), 2ⁿ built in
// the exponent bits. Below −708 (where 2ⁿ would leave the normal range) the result is 0.
inline __m256d exp_neg(__m256d x) {
    const __m256d lo = _mm256_set1_pd(-708.0);
    const __m256d keep = _mm256_cmp_pd(x, lo, _CMP_GE_OQ);
    x = _mm256_max_pd(x, lo);
    const __m256d n = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634074)),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(6.93147180369123816490e-01), x);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.90821492927058770002e-10), r);
    static constexpr double c[14] = {1.0,
                                     1.0,
                                     1.0 / 2,
                                     1.0 / 6,
                                     1.0 / 24,
                                     1.0 / 120,
                                     1.0 / 720,
                                     1.0 / 5040,
                                     1.0 / 40320,
                                     1.0 / 362880,
                                     1.0 / 3628800,
                                     1.0 / 39916800,
                                     1.0 / 479001600,
                                     1.0 / 6227020800.0};
    __m256d p = _mm256_set1_pd(c[13]);
    for (int k = 12; k >= 0; --k) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(c[k]));
    const __m128i ni = _mm256_cvtpd_epi32(n);
    __m256i e = _mm256_cvtepi32_epi64(ni);
    e = _mm256_slli_epi64(_mm256_add_epi64(e, _mm256_set1_epi64x(1023)), 52);
    p = _mm256_mul_pd(p, _mm256_castsi256_pd(e));
    return _mm256_and_pd(p, keep);
}

struct ExpAvx2 {
    static void exp_inplace(double* x, index_t n) {
        index_t i = 0;
        for (; i + 4 <= n; i += 4) _mm256_storeu_pd(x + i, exp_neg(_mm256_loadu_pd(x + i)));
        if (i < n) {
            alignas(32) double t[4] = {0, 0, 0, 0};
            std::copy(x + i, x + n, t);
            _mm256_store_pd(t, exp_neg(_mm256_load_pd(t)));
            std::copy(t, t + (n - i), x + i);
        }
    }
};

}  // namespace
}  // namespace scratchlearn::lm_kernels::avx2

namespace scratchlearn::kernel_table {

void register_linear_model_avx2(Table* t) {
    using namespace lm_kernels::avx2;
    t->f32.logistic = {simd::Avx2F::W, kMaxVectors, &block<simd::Avx2F, ExpAvx2>};
    t->f64.logistic = {simd::Avx2D::W, kMaxVectors, &block<simd::Avx2D, ExpAvx2>};
}

}  // namespace scratchlearn::kernel_table
