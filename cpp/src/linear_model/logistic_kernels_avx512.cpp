// The fused multinomial logistic block (logistic_kernels_impl.hpp) compiled for AVX-512 (this file
// gets -mavx512f -mavx512dq ...), with a vectorised exponential.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "../kernel_table.hpp"
#include "../linalg/simd_avx512.hpp"

#define SL_LM_NS avx512
#include "logistic_kernels_impl.hpp"

namespace scratchlearn::lm_kernels::avx512 {
namespace {

// e^x for x ≤ 0, eight at a time; the same reduction and polynomial as the AVX2 version.
inline __m512d exp_neg(__m512d x) {
    const __m512d lo = _mm512_set1_pd(-708.0);
    const __mmask8 keep = _mm512_cmp_pd_mask(x, lo, _CMP_GE_OQ);
    x = _mm512_max_pd(x, lo);
    const __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(1.4426950408889634074)),
                                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(6.93147180369123816490e-01), x);
    r = _mm512_fnmadd_pd(n, _mm512_set1_pd(1.90821492927058770002e-10), r);
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
    __m512d p = _mm512_set1_pd(c[13]);
    for (int k = 12; k >= 0; --k) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(c[k]));
    __m512i e = _mm512_cvtepi32_epi64(_mm512_cvtpd_epi32(n));
    e = _mm512_slli_epi64(_mm512_add_epi64(e, _mm512_set1_epi64(1023)), 52);
    p = _mm512_mul_pd(p, _mm512_castsi512_pd(e));
    return _mm512_maskz_mov_pd(keep, p);
}

struct ExpAvx512 {
    static void exp_inplace(double* x, index_t n) {
        index_t i = 0;
        for (; i + 8 <= n; i += 8) _mm512_storeu_pd(x + i, exp_neg(_mm512_loadu_pd(x + i)));
        if (i < n) {
            const __mmask8 m = static_cast<__mmask8>((1u << (n - i)) - 1u);
            const __m512d v = _mm512_maskz_loadu_pd(m, x + i);
            _mm512_mask_storeu_pd(x + i, m, exp_neg(v));
        }
    }
};

}  // namespace
}  // namespace scratchlearn::lm_kernels::avx512

namespace scratchlearn::kernel_table {

void register_linear_model_avx512(Table* t) {
    using namespace lm_kernels::avx512;
    t->f32.logistic = {simd::Avx512F::W, kMaxVectors, &block<simd::Avx512F, ExpAvx512>};
    t->f64.logistic = {simd::Avx512D::W, kMaxVectors, &block<simd::Avx512D, ExpAvx512>};
}

}  // namespace scratchlearn::kernel_table
