// The SVM's kernel rows and kernel values from dot products compiled with AVX-512 (this file gets
// the AVX-512F/DQ/BW/VL flags; it runs only when cpu.cpp has found them). The code is
// row_kernels_impl.hpp's.
#define SL_SVM_NS avx512
#include "row_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_svm_avx512(Table* t) {
    t->f32.svm = svm_kernels::avx512::kernels<float>();
    t->f64.svm = svm_kernels::avx512::kernels<double>();
}

}  // namespace scratchlearn::kernel_table
