// The per-chunk inner loops of the k-means assignment, compiled once per instruction set
// (chunk_kernels_generic.cpp with the default flags, chunk_kernels_avx2.cpp with AVX2,
// chunk_kernels_avx512.cpp with AVX-512) from the same
// source (chunk_kernels_impl.hpp) and registered in the kernel table of each path (kernel_table.hpp).
// Both paths do the same operations in the same order, without fused multiply-adds (the AVX2 file
// turns contraction off), so given the same products they give the same labels and sums.
#pragma once

#include <cstdint>

#include "../kernel_table.hpp"

namespace scratchlearn::kmeans_kernels {

// The slots of the kernel table (kernel_table.hpp) these loops fill.
template <class T>
using ChunkKernels = kernel_table::KMeansKernels<T>;

namespace generic {
template <class T>
ChunkKernels<T> kernels();
}
namespace avx2 {
template <class T>
ChunkKernels<T> kernels();
}
namespace avx512 {
template <class T>
ChunkKernels<T> kernels();
}

}  // namespace scratchlearn::kmeans_kernels
