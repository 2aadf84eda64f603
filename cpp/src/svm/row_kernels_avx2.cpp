// The SVM's kernel rows and kernel values from dot products compiled with AVX2+FMA (this file gets
// -mavx2 -mfma; it runs only when cpu.cpp has found AVX2): row_kernels_impl.hpp's code, with the
// kernel row and the selection of j in explicit vectors (row_kernels_simd.hpp).
#include "../linalg/simd_avx2.hpp"
#define SL_SVM_NS avx2
#include "row_kernels_simd.hpp"

namespace scratchlearn::kernel_table {

void register_svm_avx2(Table* t) {
    t->f32.svm = svm_kernels::avx2::kernels_v<simd::Avx2F, simd::Avx2D>();
    t->f64.svm = svm_kernels::avx2::kernels_v<simd::Avx2D, simd::Avx2D>();
}

}  // namespace scratchlearn::kernel_table
