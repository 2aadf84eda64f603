// PCA kernels (see cpp/include/scratchlearn/pca.hpp).
#include "scratchlearn/pca.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "scratchlearn/gemm.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

namespace {

constexpr index_t kMeanBlock = 4096;  // rows per partial sum of the column means
constexpr index_t kMaxChunks = 16;    // partial scatter matrices at most

// Rows [begin, end) of chunk g out of G chunks of whole blocks of `block` rows over n rows.
void chunk_rows(index_t n, index_t block, index_t G, index_t g, index_t& begin, index_t& end) {
    const index_t n_blocks = (n + block - 1) / block;
    const index_t b0 = g * n_blocks / G, b1 = (g + 1) * n_blocks / G;
    begin = std::min(n, b0 * block);
    end = std::min(n, b1 * block);
}

}  // namespace

template <class T>
void pca_scatter(const T* X, index_t n, index_t d, double* mean, double* S, int n_threads) {
    require(n >= 1 && d >= 1, "pca_scatter: X must have at least one row and one column");
    // 1. Column means: fixed blocks of rows, one partial sum each, summed in block order.
    {
        const index_t nb = (n + kMeanBlock - 1) / kMeanBlock;
        std::vector<double> part(nb * d, 0.0);
        const int nt = threads_for(n_threads, nb);
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t b = 0; b < nb; ++b) {
            double* acc = part.data() + b * d;
            const index_t i1 = std::min(n, (b + 1) * kMeanBlock);
            for (index_t i = b * kMeanBlock; i < i1; ++i) {
                const T* x = X + i * d;
                for (index_t j = 0; j < d; ++j) acc[j] += double(x[j]);
            }
        }
        std::fill(mean, mean + d, 0.0);
        for (index_t b = 0; b < nb; ++b)
            for (index_t j = 0; j < d; ++j) mean[j] += part[b * d + j];
        for (index_t j = 0; j < d; ++j) mean[j] /= double(n);
    }
    // 2. Scatter of the centred rows, block by block: centre a block into a small buffer (hot in
    //    cache) and add its XᵀX (syrk_ata) into the chunk's double accumulator.
    const index_t block = std::clamp<index_t>((1 << 20) / (index_t(sizeof(T)) * d), 256, 8192);
    const index_t n_blocks = (n + block - 1) / block;
    const double dd = double(d) * double(d) * 8.0;
    index_t G = std::min<index_t>(n_blocks, kMaxChunks);
    G = std::max<index_t>(1, std::min<index_t>(G, static_cast<index_t>((256.0 * 1024 * 1024) / dd)));
    std::vector<double> part(G * d * d, 0.0);
    std::vector<T> meanT(d);
    for (index_t j = 0; j < d; ++j) meanT[j] = static_cast<T>(mean[j]);
    ExceptionSlot slot;
    const int outer = G >= 2 ? threads_for(n_threads, G) : 1;
    const int inner = G >= 2 ? 1 : std::max(1, n_threads);
#pragma omp parallel num_threads(outer)
    {
        std::vector<T> buf(block * d);
        std::vector<T> tmp(d * d);
#pragma omp for schedule(dynamic, 1)
        for (index_t g = 0; g < G; ++g) {
            slot.run([&] {
                double* acc = part.data() + g * d * d;
                index_t r0, r1;
                chunk_rows(n, block, G, g, r0, r1);
                for (index_t i0 = r0; i0 < r1; i0 += block) {
                    const index_t r = std::min(block, r1 - i0);
                    for (index_t i = 0; i < r; ++i) {
                        const T* x = X + (i0 + i) * d;
                        T* z = buf.data() + i * d;
                        for (index_t j = 0; j < d; ++j) z[j] = x[j] - meanT[j];
                    }
                    syrk_ata<T>(r, d, T(1), buf.data(), d, T(0), tmp.data(), d, inner);
                    for (index_t k = 0; k < d * d; ++k) acc[k] += double(tmp[k]);
                }
            });
        }
    }
    slot.rethrow();
    std::copy(part.begin(), part.begin() + d * d, S);
    for (index_t g = 1; g < G; ++g)
        for (index_t k = 0; k < d * d; ++k) S[k] += part[g * d * d + k];
    // Exact symmetry (the two triangles may differ in the last bit).
    for (index_t i = 0; i < d; ++i)
        for (index_t j = i + 1; j < d; ++j) {
            const double v = 0.5 * (S[i * d + j] + S[j * d + i]);
            S[i * d + j] = S[j * d + i] = v;
        }
}

template <class T>
void orthonormalize_columns(index_t m, index_t k, T* A, int n_threads) {
    require(m >= k && k >= 0, "orthonormalize_columns: needs a tall matrix (m >= k)");
    if (k == 0) return;
    // Work on the transpose (columns as contiguous rows). Classical Gram-Schmidt applied twice
    // (CGS2), each projection as two matrix-vector products on the gemm: r = Q_{<j} a,
    // a ← a − Q_{<j}ᵀ r. Orthogonal to working precision for numerically independent columns.
    std::vector<T> QT(k * m);
    for (index_t i = 0; i < m; ++i)
        for (index_t j = 0; j < k; ++j) QT[j * m + i] = A[i * k + j];
    std::vector<T> r(k);
    const double tiny = std::numeric_limits<T>::epsilon() * 16;
    for (index_t j = 0; j < k; ++j) {
        T* a = QT.data() + j * m;
        T norm0;
        gemv<T>(false, 1, m, T(1), a, m, a, T(0), &norm0, n_threads);
        norm0 = std::sqrt(norm0);
        for (int pass = 0; pass < 2 && j > 0; ++pass) {
            gemv<T>(false, j, m, T(1), QT.data(), m, a, T(0), r.data(), n_threads);
            gemv<T>(true, j, m, T(-1), QT.data(), m, r.data(), T(1), a, n_threads);
        }
        T norm;
        gemv<T>(false, 1, m, T(1), a, m, a, T(0), &norm, n_threads);
        norm = std::sqrt(norm);
        if (!(norm > tiny * norm0) || norm == T(0)) {
            std::fill(a, a + m, T(0));
            continue;
        }
        const T inv = T(1) / norm;
        for (index_t i = 0; i < m; ++i) a[i] *= inv;
    }
    for (index_t i = 0; i < m; ++i)
        for (index_t j = 0; j < k; ++j) A[i * k + j] = QT[j * m + i];
}

template <class T>
void lu_permuted_l(index_t m, index_t k, T* A) {
    require(m >= k && k >= 0, "lu_permuted_l: needs a tall matrix (m >= k)");
    if (k == 0) return;
    std::vector<index_t> perm(m);  // perm[i] = original row now at position i
    for (index_t i = 0; i < m; ++i) perm[i] = i;
    std::vector<T> rowbuf(k);
    for (index_t j = 0; j < k; ++j) {
        index_t p = j;
        T best = std::abs(A[j * k + j]);
        for (index_t i = j + 1; i < m; ++i) {
            const T v = std::abs(A[i * k + j]);
            if (v > best) {
                best = v;
                p = i;
            }
        }
        if (p != j) {
            std::swap_ranges(A + j * k, A + (j + 1) * k, A + p * k);
            std::swap(perm[j], perm[p]);
        }
        const T piv = A[j * k + j];
        if (piv == T(0)) continue;  // zero column below the diagonal: nothing to eliminate
        const T* pr = A + j * k;
        for (index_t i = j + 1; i < m; ++i) {
            T* ai = A + i * k;
            const T l = ai[j] / piv;
            ai[j] = l;
            if (l != T(0))
                for (index_t c = j + 1; c < k; ++c) ai[c] -= l * pr[c];
        }
    }
    // L: unit lower trapezoidal part; then undo the row permutation (row i of L goes back to
    // original row perm[i]).
    std::vector<T> out(m * k);
    for (index_t i = 0; i < m; ++i) {
        T* o = out.data() + perm[i] * k;
        const T* ai = A + i * k;
        for (index_t c = 0; c < k; ++c) o[c] = c < i ? ai[c] : (c == i ? T(1) : T(0));
    }
    std::copy(out.begin(), out.end(), A);
}

#define SCRATCHLEARN_INSTANTIATE(T)                                              \
    template void pca_scatter<T>(const T*, index_t, index_t, double*, double*, int); \
    template void orthonormalize_columns<T>(index_t, index_t, T*, int);          \
    template void lu_permuted_l<T>(index_t, index_t, T*);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
