// The MLP's elementwise kernels for AVX-512 (the bias + activation pass and the Adam step),
// registered in that path's kernel table (kernel_table.hpp). This file alone is compiled with the
// path's flags; the kernels are written once in mlp_kernels_impl.hpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "../linalg/simd_avx512.hpp"
#include "mlp_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_mlp_avx512(Table* t) {
    mlp_kernels::fill_mlp<simd::Avx512F, simd::Avx512D>(t);
}

}  // namespace scratchlearn::kernel_table
