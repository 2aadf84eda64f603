// The screening scan of the kNN search with AVX2 (this file alone is compiled with -mavx2 -mfma;
// it runs only when cpu.cpp has found AVX2 and OS support for the YMM state). See scan.hpp.
#include <immintrin.h>

#include "scan.hpp"

namespace scratchlearn {
namespace knn_scan {
namespace {

// Bits of p[j] <= lim for j < 8, from the comparison's sign bits.
inline unsigned le8(const float* p, __m256 L) {
    return unsigned(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p), L, _CMP_LE_OQ)));
}

// One row: bit c % 32 of mask[c / 32] ← (v[c] <= lim); whether any bit is set. 32 floats per
// mask word: four 8-wide comparisons.
bool below_f32(const float* v, index_t n, float lim, std::uint32_t* mask) {
    const __m256 L = _mm256_set1_ps(lim);
    std::uint32_t all = 0;
    index_t c0 = 0;
    for (; c0 + 32 <= n; c0 += 32) {
        const unsigned m0 = le8(v + c0, L), m1 = le8(v + c0 + 8, L);
        const unsigned m2 = le8(v + c0 + 16, L), m3 = le8(v + c0 + 24, L);
        const std::uint32_t w = m0 | (m1 << 8) | (m2 << 16) | (m3 << 24);
        mask[c0 / 32] = w;
        all |= w;
    }
    if (c0 < n) {
        std::uint32_t w = 0;
        for (index_t c = c0; c < n; ++c) w |= static_cast<std::uint32_t>(v[c] <= lim) << (c - c0);
        mask[c0 / 32] = w;
        all |= w;
    }
    return all != 0;
}

// 32 doubles per mask word: eight 4-wide comparisons.
bool below_f64(const double* v, index_t n, double lim, std::uint32_t* mask) {
    const __m256d L = _mm256_set1_pd(lim);
    std::uint32_t all = 0;
    index_t c0 = 0;
    for (; c0 + 32 <= n; c0 += 32) {
        std::uint32_t w = 0;
        for (int j = 0; j < 8; ++j)
            w |= unsigned(_mm256_movemask_pd(
                     _mm256_cmp_pd(_mm256_loadu_pd(v + c0 + 4 * j), L, _CMP_LE_OQ)))
                 << (4 * j);
        mask[c0 / 32] = w;
        all |= w;
    }
    if (c0 < n) {
        std::uint32_t w = 0;
        for (index_t c = c0; c < n; ++c) w |= static_cast<std::uint32_t>(v[c] <= lim) << (c - c0);
        mask[c0 / 32] = w;
        all |= w;
    }
    return all != 0;
}


}  // namespace

void avx2_scan(ScanKernels<float>* f, ScanKernels<double>* d) {
    f->below_rows = below_rows<float, below_f32>;
    d->below_rows = below_rows<double, below_f64>;
}

}  // namespace knn_scan
}  // namespace scratchlearn
