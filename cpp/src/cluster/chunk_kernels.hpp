// The per-chunk inner loops of the k-means assignment, compiled once per instruction set
// (chunk_kernels_generic.cpp with the default flags, chunk_kernels_avx2.cpp with AVX2) from the same
// source (chunk_kernels_impl.hpp) and picked at run time from the active ISA (cpu.hpp).
// Both paths do the same operations in the same order, without fused multiply-adds (the AVX2 file
// turns contraction off), so given the same products they give the same labels and sums.
#pragma once

#include <cstdint>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn::kmeans_kernels {

template <class T>
struct ChunkKernels {
    // For the m columns of buf (k × m, leading dimension m): lab[i] = argmin_j cn[j] + buf[j, i]
    // (lowest j on ties, as T), best[i] = that minimum.
    void (*argmin_columns)(const T* buf, const T* cn, index_t k, index_t m, T* best, T* lab);
    // Few centres, no product buffer (AVX2 path only; nullptr elsewhere): for the m rows of X,
    // lab[i] = argmin_j cnp[j] + Σ_f x_f·Ct[f, j] (lowest j on ties, as T), best[i] = the minimum.
    // Ct is d × kp holding −2·Cᵀ (zero columns past k), cnp the kp centre norms (+inf past k);
    // kp is 8 or 16.
    void (*argmin_rows)(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp,
                        T* best, T* lab);
    // For samples r0 … r0+m−1 with new labels lab: count the labels that change, store them, add
    // w·x and w into the cluster partial sums (when sums is non-null) and w‖x − c‖² into *inertia
    // (when with_inertia).
    void (*finish_chunk)(const T* X, const T* sw, const T* C, index_t r0, index_t m, index_t d,
                         const T* lab, std::int32_t* labels, double* sums, double* weights,
                         bool with_inertia, long long* changed, double* inertia);
};

namespace generic {
template <class T>
ChunkKernels<T> kernels();
}
namespace avx2 {
template <class T>
ChunkKernels<T> kernels();
}

}  // namespace scratchlearn::kmeans_kernels
