// The per-chunk k-means loops compiled with AVX-512 (this file gets -mavx512f and AVX2; see chunk_kernels.hpp).
// As in the AVX2 file, no contraction: the loops outside the register kernels round like the
// portable ones; the register kernels use the same fused multiply-adds as on AVX2, lane for lane.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define SL_KMEANS_NS avx512
#include "chunk_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_kmeans_avx512(Table* t) {
    t->f32.kmeans = kmeans_kernels::avx512::kernels<float>();
    t->f64.kmeans = kmeans_kernels::avx512::kernels<double>();
}

}  // namespace scratchlearn::kernel_table
