// Naive Bayes kernels: per-class moments and sums (fit), joint log-likelihoods (predict).
//
// Every reduction over samples runs over fixed chunks of rows whose partial results are merged in
// chunk order, so the answers do not depend on the number of threads.
#pragma once

#include <cstdint>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

// Per-class weighted moments of the rows of X (n × d). cls[i] in [0, n_classes) is the class of
// row i, sw (may be null = all ones) its weight. Writes weight_sum[c] (the class's total weight),
// mean[c, j] and var[c, j] = Σ w (x − mean)² / Σ w (0 for an empty class). Accumulates in double.
template <class T>
void nb_class_moments(const T* X, index_t n, index_t d, const std::int64_t* cls, index_t n_classes,
                      const T* sw, double* weight_sum, T* mean, T* var, int n_threads);

// Per-class weighted sums of dense rows: out[c, j] = Σ_{i: cls[i] = c} w_i x_ij (out n_classes × d,
// accumulated in double, written as double).
template <class T>
void nb_class_sums_dense(const T* X, index_t n, index_t d, const std::int64_t* cls,
                         index_t n_classes, const T* sw, double* out, int n_threads);

// The same for a CSR matrix (data/indices/indptr, n rows, d columns).
template <class T>
void nb_class_sums_csr(const T* data, const std::int64_t* indices, const std::int64_t* indptr,
                       index_t n, index_t d, const std::int64_t* cls, index_t n_classes,
                       const T* sw, double* out, int n_threads);

// Gaussian joint log-likelihood: out[i, c] = log_prior[c] − ½ Σ_j log(2π var[c,j])
//                                           − ½ Σ_j (x_ij − theta[c,j])² / var[c,j].
// Expanded into two matrix products on the gemm (see the .cpp). out is n × n_classes.
template <class T>
void nb_gaussian_jll(const T* X, index_t n, index_t d, const T* theta, const T* var,
                     const T* log_prior, index_t n_classes, T* out, int n_threads);

// Linear scores out[i, c] = Σ_j x_ij W[c, j] + b[c] for a CSR X (n × d), W n_classes × d (for a
// dense X: linalg.hpp's affine with trans_w).
template <class T>
void nb_linear_csr(const T* data, const std::int64_t* indices, const std::int64_t* indptr,
                   index_t n, index_t d, const T* W, const T* b, index_t n_classes, T* out,
                   int n_threads);

// Row-wise log-softmax in place: a[i, :] −= log Σ_c exp(a[i, c]) (stable log-sum-exp).
// Also returns, per row, the log-sum-exp in lse (may be null).
template <class T>
void nb_log_normalize(T* a, index_t n, index_t n_classes, T* lse, int n_threads);

// Index of the largest entry of every row (the first one on ties; NaN rows give the first NaN's
// position, as numpy's argmax does).
template <class T>
void nb_row_argmax(const T* a, index_t n, index_t n_classes, std::int64_t* out, int n_threads);

}  // namespace scratchlearn
