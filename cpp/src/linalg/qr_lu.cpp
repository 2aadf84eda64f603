// QR and LU of tall matrices, the building blocks of the randomized range finder (linalg.hpp).
#include "scratchlearn/linalg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {

namespace {

// Cholesky factor R (upper, k × k, RᵀR = G) of the symmetric G, as the transpose of the lower
// factor of cholesky_factor (linalg.hpp); false if G is not numerically positive definite.
bool cholesky_upper(index_t k, const double* G, double* R) {
    std::vector<double> L(G, G + k * k);
    if (cholesky_factor(k, L.data()) < 0) return false;
    for (index_t j = 0; j < k; ++j)
        for (index_t c = 0; c < k; ++c) R[j * k + c] = c >= j ? L[c * k + j] : 0.0;
    return true;
}

// Inverse of the upper-triangular R (k × k) into Ri.
void upper_inverse(index_t k, const double* R, double* Ri) {
    std::fill(Ri, Ri + k * k, 0.0);
    for (index_t j = 0; j < k; ++j) {  // column j of Ri: solve R x = e_j, back substitution
        for (index_t i = j; i >= 0; --i) {
            double t = i == j ? 1.0 : 0.0;
            for (index_t p = i + 1; p <= j; ++p) t -= R[i * k + p] * Ri[p * k + j];
            Ri[i * k + j] = t / R[i * k + i];
            if (i == 0) break;
        }
    }
}

// One (optionally shifted) Cholesky-QR step on the gemm: G = YᵀY (+ shift·I), Y ← Y·R⁻¹.
template <class T>
bool cholesky_qr_step(index_t m, index_t k, T* Y, bool shifted, std::vector<T>& G_t,
                      std::vector<T>& tmp, int n_threads) {
    syrk_ata<T>(m, k, T(1), Y, k, T(0), G_t.data(), k, n_threads);
    std::vector<double> G(k * k), R(k * k), Ri(k * k);
    for (index_t i = 0; i < k * k; ++i) G[i] = double(G_t[i]);
    if (shifted) {
        // Fukaya et al.'s shift: 11·(m·k + k·(k + 1))·u·‖Y‖²_F makes the factorisation succeed for
        // any numerically full-rank Y; the following unshifted steps restore orthogonality.
        double fro2 = 0.0;
        for (index_t i = 0; i < k; ++i) fro2 += G[i * k + i];
        const double u = std::numeric_limits<T>::epsilon() / 2;
        const double shift = 11.0 * (double(m) * double(k) + double(k) * double(k + 1)) * u * fro2;
        for (index_t i = 0; i < k; ++i) G[i * k + i] += shift;
    }
    if (!cholesky_upper(k, G.data(), R.data())) return false;
    upper_inverse(k, R.data(), Ri.data());
    std::vector<T> Ri_t(k * k);
    for (index_t i = 0; i < k * k; ++i) Ri_t[i] = static_cast<T>(Ri[i]);
    gemm<T>(false, false, m, k, k, T(1), Y, k, Ri_t.data(), k, T(0), tmp.data(), k, n_threads);
    for (index_t i = 0; i < m * k; ++i) {
        if (!std::isfinite(double(tmp[i]))) return false;
    }
    std::copy(tmp.begin(), tmp.end(), Y);
    return true;
}

// Classical Gram-Schmidt twice, column by column (the robust fallback).
template <class T>
void cgs2(index_t m, index_t k, T* A, int n_threads) {
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

}  // namespace

template <class T>
void orthonormalize_columns(index_t m, index_t k, T* A, int n_threads) {
    require(m >= k && k >= 0, "orthonormalize_columns: needs a tall matrix (m >= k)");
    if (k == 0) return;
    // Shifted Cholesky-QR3 (Fukaya, Kannan, Nakatsukasa, Yamamoto and Yanagisawa, 2020): three
    // Cholesky-QR steps, the first with a small diagonal shift; each is one syrk and one product on
    // the gemm, so the whole QR costs a few passes over A. Orthogonal to working precision for
    // numerically full-rank A; if a factorisation still breaks down (rank-deficient A), Gram-Schmidt
    // twice takes over from the original A.
    std::vector<T> saved(A, A + m * k), G(k * k), tmp(m * k);
    bool ok = cholesky_qr_step<T>(m, k, A, true, G, tmp, n_threads) &&
              cholesky_qr_step<T>(m, k, A, false, G, tmp, n_threads) &&
              cholesky_qr_step<T>(m, k, A, false, G, tmp, n_threads);
    if (!ok) {
        std::copy(saved.begin(), saved.end(), A);
        cgs2<T>(m, k, A, n_threads);
    }
}

template <class T>
void lu_permuted_l(index_t m, index_t k, T* A, int n_threads) {
    require(m >= k && k >= 0, "lu_permuted_l: needs a tall matrix (m >= k)");
    if (k == 0) return;
    std::vector<index_t> perm(m);  // perm[i] = original row now at position i
    for (index_t i = 0; i < m; ++i) perm[i] = i;
    // Right-looking elimination, one pass over the rows per column: while column j is eliminated,
    // the candidates for the next pivot (column j + 1, already updated) are screened on the way.
    // Rows are split in fixed blocks; the pivot is the largest |value|, lowest row on ties, so the
    // choice does not depend on the thread count.
    auto abs_ = [](T v) { return v < T(0) ? -v : v; };
    index_t p = 0;
    {
        T best = abs_(A[0]);
        for (index_t i = 1; i < m; ++i)
            if (abs_(A[i * k]) > best) {
                best = abs_(A[i * k]);
                p = i;
            }
    }
    constexpr index_t kRows = 8192;
    const index_t n_blocks = (m + kRows - 1) / kRows;
    std::vector<T> bmax(n_blocks);
    std::vector<index_t> barg(n_blocks);
    for (index_t j = 0; j < k; ++j) {
        if (p != j) {
            std::swap_ranges(A + j * k, A + (j + 1) * k, A + p * k);
            std::swap(perm[j], perm[p]);
        }
        const T piv = A[j * k + j];
        const T* pr = A + j * k;
        const bool next = j + 1 < k;
        const int nt = threads_for(n_threads, (m - j) * (k - j) / (1 << 20) + 1);
        parallel_for(nt, index_t(n_blocks), [&](index_t b) {
            T bm = T(-1);
            index_t ba = -1;
            const index_t i0 = std::max(j + 1, b * kRows), i1 = std::min(m, (b + 1) * kRows);
            for (index_t i = i0; i < i1; ++i) {
                T* ai = A + i * k;
                if (piv != T(0)) {
                    const T l = ai[j] / piv;
                    ai[j] = l;
                    if (l != T(0))
                        for (index_t c = j + 1; c < k; ++c) ai[c] -= l * pr[c];
                }
                if (next) {
                    const T v = abs_(ai[j + 1]);
                    if (v > bm) {
                        bm = v;
                        ba = i;
                    }
                }
            }
            bmax[b] = bm;
            barg[b] = ba;
        });
        if (next) {
            // Next pivot: among rows j+1.., the largest |A[i][j+1]|, lowest index on ties.
            T best = abs_(A[(j + 1) * k + j + 1]);
            p = j + 1;
            for (index_t b = 0; b < n_blocks; ++b)
                if (barg[b] >= 0 && bmax[b] > best) {
                    best = bmax[b];
                    p = barg[b];
                }
        }
    }
    // L: unit lower trapezoidal part; then undo the row permutation (row i of L goes back to
    // original row perm[i]).
    std::vector<T> out(m * k);
    const int nt = threads_for(n_threads, m / 32768 + 1);
    parallel_for(nt, index_t(m), [&](index_t i) {
        T* o = out.data() + perm[i] * k;
        const T* ai = A + i * k;
        for (index_t c = 0; c < k; ++c) o[c] = c < i ? ai[c] : (c == i ? T(1) : T(0));
    });
    std::copy(out.begin(), out.end(), A);
}

#define SCRATCHLEARN_INSTANTIATE(T)                                              \
    template void orthonormalize_columns<T>(index_t, index_t, T*, int);          \
    template void lu_permuted_l<T>(index_t, index_t, T*, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
