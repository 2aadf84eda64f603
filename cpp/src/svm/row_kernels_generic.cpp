// The SVM's kernel rows and kernel values from dot products, portable build (row_kernels_impl.hpp).
#define SL_SVM_NS generic
#include "row_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_svm_generic(Table* t) {
    t->f32.svm = svm_kernels::generic::kernels<float>();
    t->f64.svm = svm_kernels::generic::kernels<double>();
}

}  // namespace scratchlearn::kernel_table
