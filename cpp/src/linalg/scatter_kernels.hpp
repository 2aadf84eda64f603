// Internal to centred_scatter (scatter.cpp): the block update of the scatter matrix, per ISA.
//
// Like kernels.hpp, this header holds plain declarations only: the AVX2 translation unit includes
// nothing else but <immintrin.h>, so no function compiled with AVX flags can leak into the code
// that runs on older CPUs.
#pragma once

#include <cstddef>

namespace scratchlearn {
namespace scatter_detail {

using index_t = std::ptrdiff_t;

// For the rows × ldp block Z (row-major, leading dimension ldp, zero past its real columns):
//     acc[i, j] += Σ_r Z[r, i] · Z[r, j]
// for every i < di (di a multiple of 4, di <= ldp) and every j from i's tile start on:
// j >= ⌊i / 4⌋·4 rounded down to a multiple of the vector width (so at least the upper triangle
// and everything right of it). acc is di × ldp, row-major. ldp is a multiple of 8.
using BlockKernelF = void (*)(index_t rows, index_t di, index_t ldp, const float* Z, float* acc);
using BlockKernelD = void (*)(index_t rows, index_t di, index_t ldp, const double* Z, double* acc);

// Filled in by scatter_kernels_avx2.cpp (AVX2 + FMA).
void avx2_scatter_kernels(BlockKernelF* f, BlockKernelD* d);

}  // namespace scatter_detail
}  // namespace scratchlearn
