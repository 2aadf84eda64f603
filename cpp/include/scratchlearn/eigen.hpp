// Dense symmetric eigendecomposition and small SVDs, in double precision.
#pragma once

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

// Eigen-decomposition of the symmetric d × d matrix A (row-major; only its lower triangle is read,
// A is overwritten). On return w holds the eigenvalues in descending order and row k of V (d × d,
// row-major) the unit eigenvector of w[k]. Householder reduction to tridiagonal form, then the
// implicit-shift QL iteration. Throws std::runtime_error if the iteration fails to converge.
void symmetric_eigen(index_t d, double* A, double* w, double* V);

// Thin SVD of the m × n matrix B (row-major, m <= n, overwritten) by one-sided Jacobi rotations of
// its rows: B = U · diag(s) · Vt with U m × m orthogonal, s descending (m entries), Vt m × n with
// orthonormal rows (rows for zero singular values are left zero).
void jacobi_svd_rows(index_t m, index_t n, double* B, double* U, double* s, double* Vt);

}  // namespace scratchlearn
