// The SVM's kernel rows and kernel values from dot products compiled with AVX-512 (this file gets
// the AVX-512F/DQ/BW/VL flags; it runs only when cpu.cpp has found them): row_kernels_impl.hpp's
// code, with the kernel row and the selection of j in explicit vectors (row_kernels_simd.hpp).
#include "../linalg/simd_avx512.hpp"
#define SL_SVM_NS avx512
#include "row_kernels_simd.hpp"

namespace scratchlearn::kernel_table {

void register_svm_avx512(Table* t) {
    t->f32.svm = svm_kernels::avx512::kernels_v<simd::Avx512F, simd::Avx512D>();
    t->f64.svm = svm_kernels::avx512::kernels_v<simd::Avx512D, simd::Avx512D>();
}

}  // namespace scratchlearn::kernel_table
