// The SVM's kernel rows and kernel values from dot products compiled with AVX2+FMA (this file gets
// -mavx2 -mfma; it runs only when cpu.cpp has found AVX2). The code is row_kernels_impl.hpp's.
#define SL_SVM_NS avx2
#include "row_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_svm_avx2(Table* t) {
    t->f32.svm = svm_kernels::avx2::kernels<float>();
    t->f64.svm = svm_kernels::avx2::kernels<double>();
}

}  // namespace scratchlearn::kernel_table
