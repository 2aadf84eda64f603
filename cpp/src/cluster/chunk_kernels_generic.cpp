// The per-chunk k-means loops, portable build (see chunk_kernels.hpp).
#define SL_KMEANS_NS generic
#include "chunk_kernels_impl.hpp"

namespace scratchlearn::kernel_table {

void register_kmeans_generic(Table* t) {
    t->f32.kmeans = kmeans_kernels::generic::kernels<float>();
    t->f64.kmeans = kmeans_kernels::generic::kernels<double>();
}

}  // namespace scratchlearn::kernel_table
