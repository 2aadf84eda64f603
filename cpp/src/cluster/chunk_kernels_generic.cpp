// The per-chunk k-means loops, portable build (see chunk_kernels.hpp).
#define SL_KMEANS_NS generic
#include "chunk_kernels_impl.hpp"
