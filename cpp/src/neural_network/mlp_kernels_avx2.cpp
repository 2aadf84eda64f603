// The MLP's elementwise kernels for AVX2 + FMA (the bias + activation pass and the Adam step),
// registered in that path's kernel table (kernel_table.hpp). This file alone is compiled with the
// path's flags; the kernels are written once in mlp_kernels_impl.hpp.

#include "../linalg/simd_avx2.hpp"
#include "mlp_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_mlp_avx2(Table* t) {
    mlp_kernels::fill_mlp<simd::Avx2F, simd::Avx2D>(t);
}

}  // namespace scratchlearn::kernel_table
