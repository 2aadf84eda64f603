// The fused row-block kernel of the multinomial logistic loss (see LogisticKernels in
// ../kernel_table.hpp), written once over a SIMD-operations struct O (../linalg/simd_*.hpp) and an
// exponential E (E::exp_inplace(double*, n): e^x for x ≤ 0 in place). Included by one translation
// unit per instruction set (logistic_kernels_avx2.cpp, logistic_kernels_avx512.cpp) with
// SL_LM_NS naming its namespace.
//
// How it works. The coefficients are stored transposed, Wt (d × Kp), so the scores of a row are
// Σ_j x_ij·Wt[j, :]: one broadcast of x_ij times Kp/W vectors of Wt, accumulated for a few rows at
// once in registers (an outer-product tile, as in a GEMM micro-kernel, but reading X in place with
// no packing). The softmax is done for the whole block in double: shifted scores, one vectorised
// exponential over the block, then sums, logarithms and the gradient rows g_i = s_i (p_i − e_y).
// The gradient Gwt += Σ_i x_i g_iᵀ is the same tile read the other way: g rows in registers,
// one broadcast of x_ij per row, Kp/W vectors of Gwt loaded, updated and stored per feature j.
// X is read twice per block while it is in L1/L2, W and Gwt stay in L1.

#include <algorithm>
#include <cmath>
#include <cstdint>

#ifndef SL_LM_NS
#error "define SL_LM_NS before including logistic_kernels_impl.hpp"
#endif

namespace scratchlearn::lm_kernels::SL_LM_NS {

using index_t = std::ptrdiff_t;

// Rows per register tile: the scores keep R·NV accumulators, NV coefficient vectors and one
// broadcast live; the gradient R·NV g vectors, R broadcasts and one accumulator.
template <int NV>
constexpr int score_rows() {
    return std::max(1, std::min(6, (15 - NV) / NV));
}
template <int NV>
constexpr int grad_rows() {
    return std::max(1, std::min(6, 13 / (NV + 1)));
}

template <class O, int NV, int R>
inline void scores_tile(const typename O::T* X, index_t d, const typename O::T* Wt, index_t Kp,
                        typename O::T* Z) {
    using V = typename O::V;
    constexpr int W = O::W;
    V acc[R][NV];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < NV; ++v) acc[r][v] = O::zero();
    for (index_t j = 0; j < d; ++j) {
        V wv[NV];
        for (int v = 0; v < NV; ++v) wv[v] = O::loadu(Wt + j * Kp + v * W);
        for (int r = 0; r < R; ++r) {
            const V xb = O::bcast(X + r * d + j);
            for (int v = 0; v < NV; ++v) acc[r][v] = O::fma(xb, wv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < NV; ++v) O::storeu(Z + r * Kp + v * W, acc[r][v]);
}

template <class O, int NV, int R>
inline void grad_tile(const typename O::T* X, index_t d, const typename O::T* G, index_t Kp,
                      typename O::T* Gwt) {
    using V = typename O::V;
    constexpr int W = O::W;
    V g[R][NV];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < NV; ++v) g[r][v] = O::loadu(G + r * Kp + v * W);
    for (index_t j = 0; j < d; ++j) {
        V xb[R];
        for (int r = 0; r < R; ++r) xb[r] = O::bcast(X + r * d + j);
        for (int v = 0; v < NV; ++v) {
            V a = O::loadu(Gwt + j * Kp + v * W);
            for (int r = 0; r < R; ++r) a = O::fma(xb[r], g[r][v], a);
            O::storeu(Gwt + j * Kp + v * W, a);
        }
    }
}

template <class O, class E, int NV>
void block_nv(const typename O::T* X, index_t rows, index_t d, const typename O::T* Wt, index_t K,
              index_t Kp, const double* b, const std::int32_t* y, const typename O::T* sw,
              typename O::T* Gwt, double* gb, double* loss, typename O::T* Z, double* Eb) {
    using T = typename O::T;
    constexpr int RS = score_rows<NV>();
    constexpr int RG = grad_rows<NV>();
    index_t r = 0;
    for (; r + RS <= rows; r += RS) scores_tile<O, NV, RS>(X + r * d, d, Wt, Kp, Z + r * Kp);
    for (; r < rows; ++r) scores_tile<O, NV, 1>(X + r * d, d, Wt, Kp, Z + r * Kp);
    // Shifted scores z − max z into Eb, their exponentials in place.
    for (index_t i = 0; i < rows; ++i) {
        const T* zi = Z + i * Kp;
        double* ei = Eb + i * K;
        double zmax = -HUGE_VAL;
        for (index_t k = 0; k < K; ++k) {
            ei[k] = double(zi[k]) + b[k];
            zmax = std::max(zmax, ei[k]);
        }
        for (index_t k = 0; k < K; ++k) ei[k] -= zmax;
    }
    // The log-loss needs z_y − max z: keep it before the exponentials overwrite Eb.
    double acc_loss = 0.0;
    for (index_t i = 0; i < rows; ++i) {
        const double s = sw ? double(sw[i]) : 1.0;
        acc_loss -= s * Eb[i * K + y[i]];
    }
    E::exp_inplace(Eb, rows * K);
    // Unweighted rows: Σ log(sum_i) as the log of products of 16 sums (each sum is in [1, K], so a
    // product stays below K^16, far from overflow), one logarithm per 16 rows instead of per row.
    double prod = 1.0;
    int in_prod = 0;
    for (index_t i = 0; i < rows; ++i) {
        double* ei = Eb + i * K;
        double sum = 0.0;
        for (index_t k = 0; k < K; ++k) sum += ei[k];
        const double s = sw ? double(sw[i]) : 1.0;
        if (sw) {
            acc_loss += s * std::log(sum);
        } else {
            prod *= sum;
            if (++in_prod == 16) {
                acc_loss += std::log(prod);
                prod = 1.0;
                in_prod = 0;
            }
        }
        if (!Gwt) continue;
        const double inv = s / sum;
        T* gi = Z + i * Kp;  // the scores are no longer needed: the row becomes g_i
        for (index_t k = 0; k < K; ++k) {
            const double g = ei[k] * inv - (k == y[i] ? s : 0.0);
            gb[k] += g;
            gi[k] = T(g);
        }
        for (index_t k = K; k < Kp; ++k) gi[k] = T(0);
    }
    if (in_prod) acc_loss += std::log(prod);
    *loss += acc_loss;
    if (!Gwt) return;
    r = 0;
    for (; r + RG <= rows; r += RG) grad_tile<O, NV, RG>(X + r * d, d, Z + r * Kp, Kp, Gwt);
    for (; r < rows; ++r) grad_tile<O, NV, 1>(X + r * d, d, Z + r * Kp, Kp, Gwt);
}

template <class O, class E>
void block(const typename O::T* X, index_t rows, index_t d, const typename O::T* Wt, index_t K,
           index_t Kp, const double* b, const std::int32_t* y, const typename O::T* sw,
           typename O::T* Gwt, double* gb, double* loss, typename O::T* Z, double* Eb) {
    switch (Kp / O::W) {
        case 1: return block_nv<O, E, 1>(X, rows, d, Wt, K, Kp, b, y, sw, Gwt, gb, loss, Z, Eb);
        case 2: return block_nv<O, E, 2>(X, rows, d, Wt, K, Kp, b, y, sw, Gwt, gb, loss, Z, Eb);
        case 3: return block_nv<O, E, 3>(X, rows, d, Wt, K, Kp, b, y, sw, Gwt, gb, loss, Z, Eb);
        case 4: return block_nv<O, E, 4>(X, rows, d, Wt, K, Kp, b, y, sw, Gwt, gb, loss, Z, Eb);
        case 5: return block_nv<O, E, 5>(X, rows, d, Wt, K, Kp, b, y, sw, Gwt, gb, loss, Z, Eb);
        case 6: return block_nv<O, E, 6>(X, rows, d, Wt, K, Kp, b, y, sw, Gwt, gb, loss, Z, Eb);
        default: return;  // the caller never passes more (max_vectors)
    }
}

constexpr int kMaxVectors = 6;

}  // namespace scratchlearn::lm_kernels::SL_LM_NS
