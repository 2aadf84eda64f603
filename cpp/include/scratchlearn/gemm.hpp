// The one matrix product every dense kernel of scratchlearn stands on.
//
// All matrices are row-major with a leading dimension (the distance in elements between the starts
// of two consecutive rows). `trans_a` means op(A) = Aᵀ, i.e. A is stored k × m; likewise for B.
#pragma once

#include <cstddef>

namespace scratchlearn {

using index_t = std::ptrdiff_t;

// C ← α·op(A)·op(B) + β·C, with op(A) m × k, op(B) k × n, C m × n.
// Any m, n, k >= 0. When β == 0, C is not read (NaN in C does not propagate).
// n_threads >= 1 threads are used (the caller decides; 1 inside another parallel region).
template <class T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* A,
          index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc, int n_threads);

// C ← α·AᵀA + β·C for A n × d (C d × d, both triangles written): the Gram matrix of the columns.
template <class T>
void syrk_ata(index_t n, index_t d, T alpha, const T* A, index_t lda, T beta, T* C, index_t ldc,
              int n_threads);

// y ← α·op(A)·x + β·y, A m × n row-major (op(A) = Aᵀ when trans).
template <class T>
void gemv(bool trans, index_t m, index_t n, T alpha, const T* A, index_t lda, const T* x, T beta,
          T* y, int n_threads);

}  // namespace scratchlearn
