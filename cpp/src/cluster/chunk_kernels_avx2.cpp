// The per-chunk k-means loops compiled with AVX2 (this file gets -mavx2 -mfma; see chunk_kernels.hpp).
// No fused multiply-adds: this path must round exactly like the portable one.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define SL_KMEANS_NS avx2
#include "chunk_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_kmeans_avx2(Table* t) {
    t->f32.kmeans = kmeans_kernels::avx2::kernels<float>();
    t->f64.kmeans = kmeans_kernels::avx2::kernels<double>();
}

}  // namespace scratchlearn::kernel_table
