// The SVM's fused decision kernel for AVX-512 (8 query rows per register block), registered in
// that path's kernel table. This file alone gets the path's flags; the kernel is written once in
// decision_kernels_impl.hpp.
#include "../linalg/simd_avx512.hpp"
#include "decision_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_svm_decision_avx512(Table* t) {
    svm_decision_kernels::fill_decision<simd::Avx512F, simd::Avx512D, 8, 8>(t);
}

}  // namespace scratchlearn::kernel_table
