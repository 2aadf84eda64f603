// The SVM's fused decision kernel for AVX2 + FMA (6 query rows per register block), registered
// in that path's kernel table. This file alone gets the path's flags; the kernel is written once
// in decision_kernels_impl.hpp.
#include "../linalg/simd_avx2.hpp"
#include "decision_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_svm_decision_avx2(Table* t) {
    svm_decision_kernels::fill_decision<simd::Avx2F, simd::Avx2D, 6, 6>(t);
}

}  // namespace scratchlearn::kernel_table
