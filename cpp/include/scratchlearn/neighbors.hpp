// Brute-force k-nearest-neighbour search.
//
// Queries are processed in blocks; for each block the distances to one block of training points
// are computed while they are hot in cache and folded into a bounded per-query heap, so the full
// n_queries × n_train distance matrix never exists in memory.
#pragma once

#include <cstdint>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

enum class Metric : int {
    Euclidean = 0,
    SqEuclidean = 1,
    Manhattan = 2,
    Chebyshev = 3,
    Minkowski = 4,
    Cosine = 5,
};

// For every query row of Q (n_queries × d) find the k nearest rows of X (n_train × d).
// Writes distances (n_queries × k, ascending) and indices (n_queries × k). Ties are broken by the
// lower training index. `p` is used by Metric::Minkowski only.
template <class T>
void knn_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, index_t k,
                Metric metric, double p, T* out_dist, std::int64_t* out_index, int n_threads);

}  // namespace scratchlearn
