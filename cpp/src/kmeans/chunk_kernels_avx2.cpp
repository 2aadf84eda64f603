// The per-chunk k-means loops compiled with AVX2 (this file gets -mavx2 -mfma; see chunk_kernels.hpp),
// plus a register-blocked transpose of the sample chunk, so that the product packs contiguous rows
// instead of gathering a column per sample.
#include <immintrin.h>

#include <algorithm>

#include "scratchlearn/gemm.hpp"

// No fused multiply-adds: this path must round exactly like the portable one.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace scratchlearn::kmeans_kernels::avx2 {
namespace {

template <class T>
void transpose_chunk(const T* x, index_t m, index_t d, T* xt);

// 4 × 4 blocks of doubles: two unpacks and two lane permutes per pair of rows.
template <>
void transpose_chunk<double>(const double* x, index_t m, index_t d, double* xt) {
    const index_t m4 = m - m % 4, d4 = d - d % 4;
    for (index_t i = 0; i < m4; i += 4) {
        const double* r = x + i * d;
        for (index_t f = 0; f < d4; f += 4) {
            const __m256d r0 = _mm256_loadu_pd(r + f);
            const __m256d r1 = _mm256_loadu_pd(r + d + f);
            const __m256d r2 = _mm256_loadu_pd(r + 2 * d + f);
            const __m256d r3 = _mm256_loadu_pd(r + 3 * d + f);
            const __m256d t0 = _mm256_unpacklo_pd(r0, r1);
            const __m256d t1 = _mm256_unpackhi_pd(r0, r1);
            const __m256d t2 = _mm256_unpacklo_pd(r2, r3);
            const __m256d t3 = _mm256_unpackhi_pd(r2, r3);
            _mm256_storeu_pd(xt + f * m + i, _mm256_permute2f128_pd(t0, t2, 0x20));
            _mm256_storeu_pd(xt + (f + 1) * m + i, _mm256_permute2f128_pd(t1, t3, 0x20));
            _mm256_storeu_pd(xt + (f + 2) * m + i, _mm256_permute2f128_pd(t0, t2, 0x31));
            _mm256_storeu_pd(xt + (f + 3) * m + i, _mm256_permute2f128_pd(t1, t3, 0x31));
        }
        for (index_t f = d4; f < d; ++f)
            for (index_t q = 0; q < 4; ++q) xt[f * m + i + q] = r[q * d + f];
    }
    for (index_t i = m4; i < m; ++i)
        for (index_t f = 0; f < d; ++f) xt[f * m + i] = x[i * d + f];
}

// 4 × 4 blocks of floats with SSE.
template <>
void transpose_chunk<float>(const float* x, index_t m, index_t d, float* xt) {
    const index_t m4 = m - m % 4, d4 = d - d % 4;
    for (index_t i = 0; i < m4; i += 4) {
        const float* r = x + i * d;
        for (index_t f = 0; f < d4; f += 4) {
            __m128 r0 = _mm_loadu_ps(r + f);
            __m128 r1 = _mm_loadu_ps(r + d + f);
            __m128 r2 = _mm_loadu_ps(r + 2 * d + f);
            __m128 r3 = _mm_loadu_ps(r + 3 * d + f);
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            _mm_storeu_ps(xt + f * m + i, r0);
            _mm_storeu_ps(xt + (f + 1) * m + i, r1);
            _mm_storeu_ps(xt + (f + 2) * m + i, r2);
            _mm_storeu_ps(xt + (f + 3) * m + i, r3);
        }
        for (index_t f = d4; f < d; ++f)
            for (index_t q = 0; q < 4; ++q) xt[f * m + i + q] = r[q * d + f];
    }
    for (index_t i = m4; i < m; ++i)
        for (index_t f = 0; f < d; ++f) xt[f * m + i] = x[i * d + f];
}

}  // namespace
}  // namespace scratchlearn::kmeans_kernels::avx2

#define SL_KMEANS_NS avx2
#define SL_KMEANS_TRANSPOSE transpose_chunk
#include "chunk_kernels_impl.hpp"
