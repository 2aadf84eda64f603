// The vector block update of the centred scatter (scatter.cpp), written once over a
// SIMD-operations struct O and instantiated by an ISA's translation unit (kernels_avx2.cpp) inside
// its anonymous namespace; the contract is kernel_table.hpp's ScatterBlockKernel.
//
// Register tile: 4 rows i of the scatter matrix × 3 vectors of columns j (AVX2: 4 × 24 float,
// 4 × 12 double): per sample row r, four broadcasts Z[r, i] and three loads of Z[r, j:j+3W] feed
// twelve independent fused multiply-adds (12 accumulators + 3 + 1 registers of the 16). The block Z
// is small enough to stay in L1, so no packing is needed: its rows are read in place.
#pragma once

#include "../kernel_table.hpp"

namespace scratchlearn::linalg_kernels {
namespace {

// acc[i0:i0+4, j:j+NV·W] += Σ_r Z[r, i0:i0+4]ᵀ Z[r, j:j+NV·W].
template <class O, int NV>
void scatter_tile(kernel_table::index_t rows, kernel_table::index_t ldp, const typename O::T* Z,
                  kernel_table::index_t i0, kernel_table::index_t j, typename O::T* acc) {
    using V = typename O::V;
    V c[4][NV];
#pragma GCC unroll 4
    for (int m = 0; m < 4; ++m)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) c[m][v] = O::loadu(acc + (i0 + m) * ldp + j + v * O::W);
    const typename O::T* z = Z;
#pragma GCC unroll 2
    for (kernel_table::index_t r = 0; r < rows; ++r, z += ldp) {
        V b[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) b[v] = O::loadu(z + j + v * O::W);
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
        for (int v = 0; v < NV; ++v) O::storeu(acc + (i0 + m) * ldp + j + v * O::W, c[m][v]);
}

template <class O>
void scatter_block(kernel_table::index_t rows, kernel_table::index_t di, kernel_table::index_t ldp,
                   const typename O::T* Z, typename O::T* acc) {
    constexpr kernel_table::index_t W = O::W;
    for (kernel_table::index_t i0 = 0; i0 < di; i0 += 4) {
        kernel_table::index_t j = (i0 / W) * W;
        for (; j + 3 * W <= ldp; j += 3 * W) scatter_tile<O, 3>(rows, ldp, Z, i0, j, acc);
        if (j + 2 * W <= ldp) {
            scatter_tile<O, 2>(rows, ldp, Z, i0, j, acc);
            j += 2 * W;
        }
        if (j + W <= ldp) scatter_tile<O, 1>(rows, ldp, Z, i0, j, acc);
    }
}

}  // namespace
}  // namespace scratchlearn::linalg_kernels
