// Packing of Bᵀ micro-panels with in-register transposes (256-bit AVX; included by
// kernels_avx2.cpp and kernels_avx512.cpp only, never by portable code). The contract is
// kernel_table.hpp's PackBtKernel.
//
// A full micro-panel of op(B) = Bᵀ takes NR consecutive rows of B (each kc long, leading dimension
// ldb) and stores, for every p < kc, the NR values B[j][p] contiguously. 8 × 8 (float) or 4 × 4
// (double) blocks are transposed in registers; the kc tail goes element by element.
#pragma once

#include <immintrin.h>

#include "../kernel_table.hpp"

namespace scratchlearn::linalg_kernels {
namespace {

using kernel_table::index_t;

template <int NR>
void pack_bt_f32(index_t kc, const float* src, index_t ldb, float* dst) {
    static_assert(NR % 8 == 0, "NR must be a multiple of 8");
    index_t p = 0;
    for (; p + 8 <= kc; p += 8) {
        for (int g = 0; g < NR; g += 8) {
            const float* s = src + g * ldb + p;
            const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ldb);
            const __m256 r2 = _mm256_loadu_ps(s + 2 * ldb), r3 = _mm256_loadu_ps(s + 3 * ldb);
            const __m256 r4 = _mm256_loadu_ps(s + 4 * ldb), r5 = _mm256_loadu_ps(s + 5 * ldb);
            const __m256 r6 = _mm256_loadu_ps(s + 6 * ldb), r7 = _mm256_loadu_ps(s + 7 * ldb);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float* d = dst + p * NR + g;
            _mm256_store_ps(d + 0 * NR, _mm256_permute2f128_ps(s0, s4, 0x20));
            _mm256_store_ps(d + 1 * NR, _mm256_permute2f128_ps(s1, s5, 0x20));
            _mm256_store_ps(d + 2 * NR, _mm256_permute2f128_ps(s2, s6, 0x20));
            _mm256_store_ps(d + 3 * NR, _mm256_permute2f128_ps(s3, s7, 0x20));
            _mm256_store_ps(d + 4 * NR, _mm256_permute2f128_ps(s0, s4, 0x31));
            _mm256_store_ps(d + 5 * NR, _mm256_permute2f128_ps(s1, s5, 0x31));
            _mm256_store_ps(d + 6 * NR, _mm256_permute2f128_ps(s2, s6, 0x31));
            _mm256_store_ps(d + 7 * NR, _mm256_permute2f128_ps(s3, s7, 0x31));
        }
    }
    for (; p < kc; ++p)
        for (int j = 0; j < NR; ++j) dst[p * NR + j] = src[j * ldb + p];
}

template <int NR>
void pack_bt_f64(index_t kc, const double* src, index_t ldb, double* dst) {
    static_assert(NR % 4 == 0, "NR must be a multiple of 4");
    index_t p = 0;
    for (; p + 4 <= kc; p += 4) {
        for (int g = 0; g < NR; g += 4) {
            const double* s = src + g * ldb + p;
            const __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + ldb);
            const __m256d r2 = _mm256_loadu_pd(s + 2 * ldb), r3 = _mm256_loadu_pd(s + 3 * ldb);
            const __m256d a = _mm256_unpacklo_pd(r0, r1), b = _mm256_unpackhi_pd(r0, r1);
            const __m256d c = _mm256_unpacklo_pd(r2, r3), e = _mm256_unpackhi_pd(r2, r3);
            double* d = dst + p * NR + g;
            _mm256_store_pd(d + 0 * NR, _mm256_permute2f128_pd(a, c, 0x20));
            _mm256_store_pd(d + 1 * NR, _mm256_permute2f128_pd(b, e, 0x20));
            _mm256_store_pd(d + 2 * NR, _mm256_permute2f128_pd(a, c, 0x31));
            _mm256_store_pd(d + 3 * NR, _mm256_permute2f128_pd(b, e, 0x31));
        }
    }
    for (; p < kc; ++p)
        for (int j = 0; j < NR; ++j) dst[p * NR + j] = src[j * ldb + p];
}

}  // namespace
}  // namespace scratchlearn::linalg_kernels
