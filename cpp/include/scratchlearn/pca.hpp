// PCA kernels: the covariance of centred data (blocked, on the gemm's syrk) and the building
// blocks of the randomized range finder (QR and LU of tall matrices).
#pragma once

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

// Orthonormalise the columns of the tall matrix A (m × k, row-major, m >= k) in place: A ← Q of its
// thin QR (shifted Cholesky-QR3 on the gemm; classical Gram-Schmidt twice when A is numerically
// rank-deficient, in which case a column dependent on the previous ones becomes zeros).
template <class T>
void orthonormalize_columns(index_t m, index_t k, T* A, int n_threads);

// A ← P·L of the partial-pivoting LU factorisation of the tall matrix A (m × k, m >= k): the
// column space of the leading columns is kept while the columns are made well-scaled.
template <class T>
void lu_permuted_l(index_t m, index_t k, T* A, int n_threads);

// out (n × k) = X (n × d) · op(W) + b (b broadcast over rows), op(W) = Wᵀ (W k × d) when trans_w,
// else W (d × k). The projection of PCA's transform / inverse_transform, on the gemm.
template <class T>
void pca_affine(const T* X, index_t n, index_t d, const T* W, bool trans_w, index_t k, const T* b,
                T* out, int n_threads);

}  // namespace scratchlearn
