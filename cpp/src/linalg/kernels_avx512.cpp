// The linalg family's AVX-512 kernels, registered in the AVX-512 kernel table (kernel_table.hpp):
// the GEMM micro-kernels (14 × 2 vectors), dot, axpy and the transposing Bᵀ packing. The scatter
// block is the AVX2 one (the table starts as a copy of AVX2's). This file alone is compiled with
// AVX-512F/DQ/BW/VL flags; it runs only when cpu.cpp has found those four extensions and OS
// support for the ZMM and opmask state. The kernels themselves are written once in *_impl.hpp.
//
// GCC 12's avx512fintrin.h trips -Wuninitialized inside _mm512_set1_* (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "simd_avx512.hpp"
#include "gemm_micro_impl.hpp"
#include "pack_transpose_impl.hpp"

namespace scratchlearn::kernel_table {

void register_linalg_avx512(Table* t) {
    using namespace linalg_kernels;
    fill_gemm<simd::Avx512F, simd::Avx512D, 14, 2>(t, &pack_bt_f32<32>, &pack_bt_f64<16>);
}

}  // namespace scratchlearn::kernel_table
