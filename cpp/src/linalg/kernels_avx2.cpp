// The linalg family's AVX2 + FMA kernels, registered in the AVX2 kernel table (kernel_table.hpp):
// the GEMM micro-kernels (6 × 2 vectors), dot and axpy, the transposing Bᵀ packing and the scatter
// block. This file alone is compiled with -mavx2 -mfma; it runs only when cpu.cpp has found AVX2,
// FMA and OS support for the YMM state. The kernels themselves are written once in *_impl.hpp.
#include "simd_avx2.hpp"
#include "gemm_micro_impl.hpp"
#include "pack_transpose_impl.hpp"
#include "scatter_block_impl.hpp"

namespace scratchlearn::kernel_table {

void register_linalg_avx2(Table* t) {
    using namespace linalg_kernels;
    fill_gemm<simd::Avx2F, simd::Avx2D, 6, 2>(t, &pack_bt_f32<16>, &pack_bt_f64<8>);
    t->f32.scatter_block = &scatter_block<simd::Avx2F>;
    t->f64.scatter_block = &scatter_block<simd::Avx2D>;
}

}  // namespace scratchlearn::kernel_table
