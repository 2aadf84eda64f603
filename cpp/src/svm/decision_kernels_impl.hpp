// The SVM's fused decision kernel (kernel_table.hpp, SvmKernels::decision), written once over a
// SIMD operations struct O (linalg/simd_avx2.hpp, linalg/simd_avx512.hpp) and instantiated by
// each ISA's translation unit (decision_kernels_avx2.cpp, decision_kernels_avx512.cpp).
//
// The support vectors come packed in panels of NP = 2·W (two vectors): panel b holds, for every
// feature t, the NP values P[(b·d + t)·NP + j] of support vectors b·NP + j. For R query rows at
// once the kernel accumulates the R × NP dot products in registers (one broadcast and two
// multiply-adds per feature and row), turns them into kernel values in registers (rbf:
// exp(−γ(‖x‖² + ‖s‖² − 2x·s)) through the MLP's vector exp, in the data's precision), and adds
// kernel × dual coefficient into per-row, per-pair vector accumulators. Nothing of the
// queries × support vectors kernel block is ever stored. The accumulators are summed into the
// double outputs at the end of each call; the caller passes a tile of a few hundred support
// vectors at a time, so each float lane sums a few dozen terms only.
#pragma once

#include <vector>

#include "../kernel_table.hpp"
#include "../neural_network/mlp_kernels_impl.hpp"

namespace scratchlearn::svm_decision_kernels {
namespace {

using kernel_table::index_t;
using kernel_table::SvmRowParams;

// Kernel values from dot products (rbf: qa + qb − 2·dot the squared distance).
template <class O>
inline typename O::V kernel_v(typename O::V dot, typename O::V qa, typename O::V qb,
                              const SvmRowParams& p, typename O::V g, typename O::V c0) {
    using T = typename O::T;
    using V = typename O::V;
    switch (p.kind) {
        case 1: {
            const V b = O::fma(g, dot, c0);
            V r = O::set1(T(1)), x = b;
            for (int e = p.degree; e > 0; e >>= 1) {
                if (e & 1) r = O::mul(r, x);
                x = O::mul(x, x);
            }
            return r;
        }
        case 2: {
            const V dd = O::fma(O::set1(T(-2)), dot, O::add(qa, qb));
            const V z = O::min(O::mul(O::sub(O::zero(), g), dd), O::zero());
            return mlp_kernels::exp_v<O>(z);
        }
        case 3: return mlp_kernels::tanh_v<O>(O::fma(g, dot, c0));
        default: return dot;
    }
}

// R rows of queries against n_panels panels; acc (R × n_pairs × W) accumulates kernel × coef.
template <class O, int R>
void rows_block(const typename O::T* Xq, index_t d, const typename O::T* qn,
                const typename O::T* P, const typename O::T* pn, const typename O::T* PW,
                index_t n_panels, index_t n_pairs, const SvmRowParams& p, typename O::T* acc) {
    using T = typename O::T;
    using V = typename O::V;
    constexpr int W = O::W;
    constexpr int NP = 2 * W;
    const V g = O::set1(T(p.gamma)), c0 = O::set1(T(p.coef0));
    for (index_t b = 0; b < n_panels; ++b) {
        const T* pp = P + b * d * NP;
        V a0[R], a1[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) a0[r] = a1[r] = O::zero();
        for (index_t t = 0; t < d; ++t) {
            const V b0 = O::loadu(pp + t * NP), b1 = O::loadu(pp + t * NP + W);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) {
                const V x = O::bcast(Xq + r * d + t);
                a0[r] = O::fma(x, b0, a0[r]);
                a1[r] = O::fma(x, b1, a1[r]);
            }
        }
        const V n0 = O::loadu(pn + b * NP), n1 = O::loadu(pn + b * NP + W);
        const T* w = PW + b * n_pairs * NP;
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const V qa = O::set1(qn[r]);
            const V k0 = kernel_v<O>(a0[r], qa, n0, p, g, c0);
            const V k1 = kernel_v<O>(a1[r], qa, n1, p, g, c0);
            T* ar = acc + r * n_pairs * W;
            for (index_t q = 0; q < n_pairs; ++q) {
                const V s = O::fma(k1, O::loadu(w + q * NP + W), O::mul(k0, O::loadu(w + q * NP)));
                O::storeu(ar + q * W, O::add(O::loadu(ar + q * W), s));
            }
        }
    }
}

template <class O, int R>
void rows_run(const typename O::T* Xq, index_t d, const typename O::T* qn,
              const typename O::T* P, const typename O::T* pn, const typename O::T* PW,
              index_t n_panels, index_t n_pairs, const SvmRowParams& p, typename O::T* acc,
              double* out) {
    constexpr int W = O::W;
    for (index_t k = 0; k < R * n_pairs * W; ++k) acc[k] = 0;
    rows_block<O, R>(Xq, d, qn, P, pn, PW, n_panels, n_pairs, p, acc);
    for (int r = 0; r < R; ++r)
        for (index_t q = 0; q < n_pairs; ++q) {
            double s = 0;
            for (int u = 0; u < W; ++u) s += double(acc[(r * n_pairs + q) * W + u]);
            out[r * n_pairs + q] += s;
        }
}

// out (m × n_pairs) += Σ over the panels' support vectors of K(query, sv)·coef.
template <class O, int R>
void decision(const typename O::T* Xq, index_t m, index_t d, const typename O::T* qn,
              const typename O::T* P, const typename O::T* pn, const typename O::T* PW,
              index_t n_panels, index_t n_pairs, const SvmRowParams* pp, double* out) {
    using T = typename O::T;
    constexpr int W = O::W;
    const SvmRowParams p = *pp;
    std::vector<T> acc(static_cast<std::size_t>(R * n_pairs * W));
    index_t r0 = 0;
    for (; r0 + R <= m; r0 += R)
        rows_run<O, R>(Xq + r0 * d, d, qn + r0, P, pn, PW, n_panels, n_pairs, p, acc.data(),
                       out + r0 * n_pairs);
    for (; r0 < m; ++r0)
        rows_run<O, 1>(Xq + r0 * d, d, qn + r0, P, pn, PW, n_panels, n_pairs, p, acc.data(),
                       out + r0 * n_pairs);
}

template <class OF, class OD, int RF, int RD>
void fill_decision(kernel_table::Table* t) {
    t->f32.svm.decision = &decision<OF, RF>;
    t->f32.svm.decision_panel = 2 * OF::W;
    t->f64.svm.decision = &decision<OD, RD>;
    t->f64.svm.decision_panel = 2 * OD::W;
}

}  // namespace
}  // namespace scratchlearn::svm_decision_kernels
