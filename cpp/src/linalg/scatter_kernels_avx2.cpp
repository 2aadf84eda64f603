// AVX2 + FMA block update of the scatter matrix (see scatter_kernels.hpp); this file alone is
// compiled with -mavx2 -mfma and runs only when cpu.cpp has found AVX2, FMA and OS support.
//
// Register tile: 4 rows i of the scatter matrix × 3 vectors of columns j (4 × 24 float, 4 × 12
// double): per sample row r, four broadcasts Z[r, i] and three loads of Z[r, j:j+3W] feed twelve
// independent fused multiply-adds (12 accumulators + 3 + 1 registers of the 16). The block Z is
// small enough to stay in L1, so no packing is needed: its rows are read in place.
#include <immintrin.h>

#include "scatter_kernels.hpp"

namespace scratchlearn {
namespace scatter_detail {
namespace {

struct OpsF {
    using T = float;
    using V = __m256;
    static constexpr int W = 8;
    static V load(const T* p) { return _mm256_loadu_ps(p); }
    static void store(T* p, V v) { _mm256_storeu_ps(p, v); }
    static V bcast(const T* p) { return _mm256_broadcast_ss(p); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
};

struct OpsD {
    using T = double;
    using V = __m256d;
    static constexpr int W = 4;
    static V load(const T* p) { return _mm256_loadu_pd(p); }
    static void store(T* p, V v) { _mm256_storeu_pd(p, v); }
    static V bcast(const T* p) { return _mm256_broadcast_sd(p); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
};

// acc[i0:i0+4, j:j+NV·W] += Σ_r Z[r, i0:i0+4]ᵀ Z[r, j:j+NV·W].
template <class O, int NV>
void tile(index_t rows, index_t ldp, const typename O::T* Z, index_t i0, index_t j,
          typename O::T* acc) {
    using V = typename O::V;
    V c[4][NV];
#pragma GCC unroll 4
    for (int m = 0; m < 4; ++m)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) c[m][v] = O::load(acc + (i0 + m) * ldp + j + v * O::W);
    const typename O::T* z = Z;
#pragma GCC unroll 2
    for (index_t r = 0; r < rows; ++r, z += ldp) {
        V b[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) b[v] = O::load(z + j + v * O::W);
#pragma GCC unroll 4
        for (int m = 0; m < 4; ++m) {
            const V a = O::bcast(z + i0 + m);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) c[m][v] = O::fma(a, b[v], c[m][v]);
        }
    }
#pragma GCC unroll 4
    for (int m = 0; m < 4; ++m)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) O::store(acc + (i0 + m) * ldp + j + v * O::W, c[m][v]);
}

template <class O>
void block(index_t rows, index_t di, index_t ldp, const typename O::T* Z, typename O::T* acc) {
    constexpr index_t W = O::W;
    for (index_t i0 = 0; i0 < di; i0 += 4) {
        index_t j = (i0 / W) * W;
        for (; j + 3 * W <= ldp; j += 3 * W) tile<O, 3>(rows, ldp, Z, i0, j, acc);
        if (j + 2 * W <= ldp) {
            tile<O, 2>(rows, ldp, Z, i0, j, acc);
            j += 2 * W;
        }
        if (j + W <= ldp) tile<O, 1>(rows, ldp, Z, i0, j, acc);
    }
}

void block_f(index_t rows, index_t di, index_t ldp, const float* Z, float* acc) {
    block<OpsF>(rows, di, ldp, Z, acc);
}
void block_d(index_t rows, index_t di, index_t ldp, const double* Z, double* acc) {
    block<OpsD>(rows, di, ldp, Z, acc);
}

}  // namespace

void avx2_scatter_kernels(BlockKernelF* f, BlockKernelD* d) {
    *f = block_f;
    *d = block_d;
}

}  // namespace scatter_detail
}  // namespace scratchlearn
