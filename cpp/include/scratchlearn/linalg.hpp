// The linalg family: the dense kernels every family shares (cpp/src/linalg/, bound as
// _core.linalg). The matrix product and what stands on it (gemm, syrk_ata, gemv, the centred
// scatter, sq_dist_argmin, packed operands) are declared in gemm.hpp; the dense factorizations and
// solves here: symmetric eigen (Householder + implicit QL), Jacobi SVD, QR and LU of tall matrices,
// Cholesky and QR + SVD least squares, non-negative least squares, and the affine map X·op(W) + b.
#pragma once

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

// ---------------------------------------------------------------- products (linalg/affine.cpp)

// out (n × k) = X (n × d) · op(W) + b (b broadcast over rows), op(W) = Wᵀ (W k × d) when trans_w,
// else W (d × k): linear scores (naive Bayes, W the classes' weights) and projections (PCA's
// transform / inverse_transform), on the gemm.
template <class T>
void affine(const T* X, index_t n, index_t d, const T* W, bool trans_w, index_t k, const T* b,
            T* out, int n_threads);

// ---------------------------------------------------------------- eigen / SVD (linalg/eigen.cpp)

// Eigen-decomposition of the symmetric d × d matrix A (row-major; only its lower triangle is read,
// A is overwritten). On return w holds the eigenvalues in descending order and row k of V (d × d,
// row-major) the unit eigenvector of w[k]. Householder reduction to tridiagonal form, then the
// implicit-shift QL iteration on A / max|A| (so no scale of the data overflows it). Throws
// std::invalid_argument (ValueError) if the iteration fails to converge.
void symmetric_eigen(index_t d, double* A, double* w, double* V);

// Thin SVD of the m × n matrix B (row-major, m <= n, overwritten) by one-sided Jacobi rotations of
// its rows: B = U · diag(s) · Vt with U m × m orthogonal, s descending (m entries), Vt m × n with
// orthonormal rows (rows for zero singular values are left zero).
void jacobi_svd_rows(index_t m, index_t n, double* B, double* U, double* s, double* Vt);

// ---------------------------------------------------------------- tall matrices (linalg/qr_lu.cpp)

// Orthonormalise the columns of the tall matrix A (m × k, row-major, m >= k) in place: A ← Q of its
// thin QR (shifted Cholesky-QR3 on the gemm; classical Gram-Schmidt twice when A is numerically
// rank-deficient, in which case a column dependent on the previous ones becomes zeros).
template <class T>
void orthonormalize_columns(index_t m, index_t k, T* A, int n_threads);

// A ← P·L of the partial-pivoting LU factorisation of the tall matrix A (m × k, m >= k): the
// column space of the leading columns is kept while the columns are made well-scaled.
template <class T>
void lu_permuted_l(index_t m, index_t k, T* A, int n_threads);

// ---------------------------------------------------------------- dense solves (linalg/dense_solve.cpp)
// (The normal equations G = X̃ᵀX̃, X̃ᵀỸ themselves come from centred_scatter, gemm.hpp.)

// Solves (G + α_j I) w_j = b_j for every target j by Cholesky (G d × d, B d × k, α one per target
// or one in all when n_alpha == 1). W is d × k. Returns the smallest ratio L_ii² / G_ii met by
// the factorisations (a cheap measure of how well conditioned the systems are), or −1 when a
// factorisation broke down (matrix not positive definite in floating point).
double cholesky_solve(index_t d, index_t k, const double* G, const double* B, const double* alpha,
                      index_t n_alpha, double* W);

// Minimum-norm (ridge-filtered when α > 0) least squares on A itself, the stable path:
// Householder QR of A (or of Aᵀ when m < p), then a one-sided Jacobi SVD of the small triangular
// factor. Singular values σ below cond·σ_max (and below abs_cut) are dropped; the others give
// w = Σ v_i σ_i/(σ_i² + α) (u_iᵀ b). A is m × p (destroyed), B m × k, W p × k. singular gets
// min(m, p) values, descending. Returns the rank (number of σ kept).
index_t svd_least_squares(index_t m, index_t p, index_t k, double* A, const double* B,
                          const double* alpha, index_t n_alpha, double cond, double abs_cut,
                          double* W, double* singular);

// Non-negative least squares on the normal equations: min ½wᵀ(G + αI)w − bᵀw, w ≥ 0, by projected
// cyclic coordinate descent followed by an exact solve on the final passive set (Lawson–Hanson
// style polish). w (d) is the starting point and the answer. Returns the number of sweeps.
index_t nnls_gram(index_t d, const double* G, const double* b, double alpha, double* w,
                  index_t max_sweeps, double tol);

// In-place lower Cholesky factor of the d × d matrix M (its lower triangle is read; the upper one
// is left as it was); returns min L_ii²/M_ii, or −1 when M is not numerically positive definite.
double cholesky_factor(index_t d, double* M);

// Solves L Lᵀ x = b in place (L lower, from cholesky_factor).
void cholesky_apply(index_t d, const double* L, double* x);

}  // namespace scratchlearn
