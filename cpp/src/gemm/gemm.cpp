// Placeholder-free simple matrix product: correct for every shape, parallel over rows of C.
// The packed, blocked, ISA-dispatched version replaces the body of these functions.
#include "scratchlearn/gemm.hpp"
#include "scratchlearn/parallel.hpp"

#include <vector>

namespace scratchlearn {

template <class T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* A,
          index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc, int n_threads) {
    require(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension");
    if (m == 0 || n == 0) return;
    const int nt = threads_for(n_threads, m);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t i = 0; i < m; ++i) {
        T* c = C + i * ldc;
        if (beta == T(0)) {
            for (index_t j = 0; j < n; ++j) c[j] = T(0);
        } else if (beta != T(1)) {
            for (index_t j = 0; j < n; ++j) c[j] *= beta;
        }
        if (alpha == T(0) || k == 0) continue;
        for (index_t p = 0; p < k; ++p) {
            const T a = alpha * (trans_a ? A[p * lda + i] : A[i * lda + p]);
            if (!trans_b) {
                const T* b = B + p * ldb;
                for (index_t j = 0; j < n; ++j) c[j] += a * b[j];
            } else {
                for (index_t j = 0; j < n; ++j) c[j] += a * B[j * ldb + p];
            }
        }
    }
}

template <class T>
void syrk_ata(index_t n, index_t d, T alpha, const T* A, index_t lda, T beta, T* C, index_t ldc,
              int n_threads) {
    gemm<T>(true, false, d, d, n, alpha, A, lda, A, lda, beta, C, ldc, n_threads);
}

template <class T>
void gemv(bool trans, index_t m, index_t n, T alpha, const T* A, index_t lda, const T* x, T beta,
          T* y, int n_threads) {
    // y is a column: treat as (rows × 1) with leading dimension 1.
    if (!trans)
        gemm<T>(false, false, m, 1, n, alpha, A, lda, x, 1, beta, y, 1, n_threads);
    else
        gemm<T>(true, false, n, 1, m, alpha, A, lda, x, 1, beta, y, 1, n_threads);
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                              \
    template void gemm<T>(bool, bool, index_t, index_t, index_t, T, const T*, index_t, const T*, \
                          index_t, T, T*, index_t, int);                                         \
    template void syrk_ata<T>(index_t, index_t, T, const T*, index_t, T, T*, index_t, int);      \
    template void gemv<T>(bool, index_t, index_t, T, const T*, index_t, const T*, T, T*, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
