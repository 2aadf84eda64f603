// The GEMM's vector kernels, written once over a SIMD-operations struct O (simd_avx2.hpp,
// simd_avx512.hpp) and instantiated by each ISA's translation unit (kernels_avx2.cpp,
// kernels_avx512.cpp) inside its anonymous namespace; the contracts are kernel_table.hpp's.
//
// micro<O, MR, NV>: an MR × (NV·W) register tile (AVX2: 6 × 2 vectors, 12 accumulators, 2 vectors
// of B and one broadcast of A in 15 of the 16 YMM registers; AVX-512: 14 × 2 vectors, 28
// accumulators in 31 of the 32 ZMM registers): MR·NV independent FMA chains hide the FMA latency.
// No standard-library template is used, so no AVX-compiled copy of a shared inline function can
// leak into the generic code at link time.
#pragma once

#include <immintrin.h>

#include "../kernel_table.hpp"

namespace scratchlearn::linalg_kernels {
namespace {

using kernel_table::index_t;

template <class O, int MR, int NV>
void micro(index_t kc, const typename O::T* a, const typename O::T* b, typename O::T* c,
           index_t ldc, typename O::T alpha, typename O::T beta) {
    using V = typename O::V;
    constexpr int W = O::W;
    V acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) acc[i][j] = O::zero();
    // The C tile is needed only after the kc loop: start fetching all its cache lines now (a row
    // of NV vectors spans up to NV + 1 lines when C is not line-aligned).
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j <= NV; ++j)
            _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + (j < NV ? j * W : NV * W - 1)),
                         _MM_HINT_T0);
#pragma GCC unroll 4
    for (index_t p = 0; p < kc; ++p) {
        V bv[NV];
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) bv[j] = O::load(b + j * W);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const V ai = O::bcast(a + i);
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) acc[i][j] = O::fma(ai, bv[j], acc[i][j]);
        }
        a += MR;
        b += NV * W;
    }
    const V va = O::set1(alpha);
    if (beta == 0) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) O::storeu(c + i * ldc + j * W, O::mul(va, acc[i][j]));
    } else {
        const V vb = O::set1(beta);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) {
                typename O::T* cij = c + i * ldc + j * W;
                O::storeu(cij, O::fma(va, acc[i][j], O::mul(vb, O::loadu(cij))));
            }
    }
}

// micro_s<O, MR, NV, MASK_B>: the same tile arithmetic as micro (one FMA chain per element over
// p, then α·acc, merged with β·C), for any tile of MR rows and NV vectors whose last vector holds
// `last` columns, the operands read through strides: A's (i, p) at a[i·a_rs + p·a_cs] (a packed
// panel: a_rs = 1, a_cs = its MR; an unpacked matrix: (lda, 1) or (1, lda)), B's row p at
// b + p·b_rs (a packed panel, or an unpacked matrix's row when MASK_B, which then reads only the
// `last` columns of its last vector). Partial vectors of C are read and written through masks.
template <class O, int MR, int NV, bool MASK_B>
void micro_s(index_t kc, const typename O::T* a, index_t a_rs, index_t a_cs,
             const typename O::T* b, index_t b_rs, typename O::T* c, index_t ldc,
             typename O::T alpha, typename O::T beta, int last) {
    using T = typename O::T;
    using V = typename O::V;
    constexpr int W = O::W;
    V acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) acc[i][j] = O::zero();
    const T* ap[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) ap[i] = a + i * a_rs;
    index_t q = 0;
#pragma GCC unroll 2
    for (index_t p = 0; p < kc; ++p, q += a_cs, b += b_rs) {
        V bv[NV];
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j)
            bv[j] = (MASK_B && j == NV - 1) ? O::loadu_n(b + j * W, last) : O::loadu(b + j * W);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const V ai = O::bcast(ap[i] + q);
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) acc[i][j] = O::fma(ai, bv[j], acc[i][j]);
        }
    }
    const V va = O::set1(alpha);
    const V vb = O::set1(beta);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) {
            T* cij = c + i * ldc + j * W;
            const bool part = j == NV - 1 && last < W;
            V r;
            if (beta == 0)
                r = O::mul(va, acc[i][j]);
            else
                r = O::fma(va, acc[i][j], O::mul(vb, part ? O::loadu_n(cij, last) : O::loadu(cij)));
            if (part)
                O::storeu_n(cij, r, last);
            else
                O::storeu(cij, r);
        }
}

template <class O, int NV, bool MB, int R>
void micro_s_rows(int mr, index_t kc, const typename O::T* a, index_t a_rs, index_t a_cs,
                  const typename O::T* b, index_t b_rs, typename O::T* c, index_t ldc,
                  typename O::T alpha, typename O::T beta, int last) {
    if constexpr (R > 0) {
        if (mr == R) return micro_s<O, R, NV, MB>(kc, a, a_rs, a_cs, b, b_rs, c, ldc, alpha, beta, last);
        micro_s_rows<O, NV, MB, R - 1>(mr, kc, a, a_rs, a_cs, b, b_rs, c, ldc, alpha, beta, last);
    }
}

// kernel_table.hpp's StridedKernel for an MR × NV-vector register tile.
template <class O, int MR, int NV>
void strided(index_t kc, const typename O::T* a, index_t a_rs, index_t a_cs,
             const typename O::T* b, index_t b_rs, bool mask_b, typename O::T* c, index_t ldc,
             typename O::T alpha, typename O::T beta, int mr, int nr) {
    static_assert(NV == 1 || NV == 2, "tiles of one or two vectors");
    constexpr int W = O::W;
    const int nv = (nr + W - 1) / W;
    const int last = nr - (nv - 1) * W;
    if (NV == 2 && nv == 2) {
        if (mask_b && last < W)
            micro_s_rows<O, NV, true, MR>(mr, kc, a, a_rs, a_cs, b, b_rs, c, ldc, alpha, beta, last);
        else
            micro_s_rows<O, NV, false, MR>(mr, kc, a, a_rs, a_cs, b, b_rs, c, ldc, alpha, beta, last);
    } else {
        if (mask_b && last < W)
            micro_s_rows<O, 1, true, MR>(mr, kc, a, a_rs, a_cs, b, b_rs, c, ldc, alpha, beta, last);
        else
            micro_s_rows<O, 1, false, MR>(mr, kc, a, a_rs, a_cs, b, b_rs, c, ldc, alpha, beta, last);
    }
}

template <class O>
typename O::T dot(const typename O::T* x, const typename O::T* y, index_t n) {
    using V = typename O::V;
    constexpr int W = O::W;
    V s0 = O::zero(), s1 = O::zero(), s2 = O::zero(), s3 = O::zero();
    index_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        s0 = O::fma(O::loadu(x + i), O::loadu(y + i), s0);
        s1 = O::fma(O::loadu(x + i + W), O::loadu(y + i + W), s1);
        s2 = O::fma(O::loadu(x + i + 2 * W), O::loadu(y + i + 2 * W), s2);
        s3 = O::fma(O::loadu(x + i + 3 * W), O::loadu(y + i + 3 * W), s3);
    }
    for (; i + W <= n; i += W) s0 = O::fma(O::loadu(x + i), O::loadu(y + i), s0);
    typename O::T tail = 0;
    for (; i < n; ++i) tail += x[i] * y[i];
    return O::hsum(O::add(O::add(s0, s1), O::add(s2, s3))) + tail;
}

template <class O>
void axpy(typename O::T alpha, const typename O::T* x, typename O::T* y, index_t n) {
    const typename O::V va = O::set1(alpha);
    constexpr int W = O::W;
    index_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        O::storeu(y + i, O::fma(va, O::loadu(x + i), O::loadu(y + i)));
        O::storeu(y + i + W, O::fma(va, O::loadu(x + i + W), O::loadu(y + i + W)));
    }
    for (; i < n; ++i) y[i] += alpha * x[i];
}

// The GEMM slots of a table for one ISA: MR rows × NV vectors of OF (float) / OD (double), and the
// Bᵀ packing for NR = NV·W columns.
template <class OF, class OD, int MR, int NV>
void fill_gemm(kernel_table::Table* t, kernel_table::PackBtKernel<float> pack_f,
               kernel_table::PackBtKernel<double> pack_d) {
    t->f32.gemm = kernel_table::GemmKernels<float>{MR, NV * OF::W, &micro<OF, MR, NV>, &dot<OF>,
                                                   &axpy<OF>, pack_f, &strided<OF, MR, NV>};
    t->f64.gemm = kernel_table::GemmKernels<double>{MR, NV * OD::W, &micro<OD, MR, NV>, &dot<OD>,
                                                    &axpy<OD>, pack_d, &strided<OD, MR, NV>};
}

}  // namespace
}  // namespace scratchlearn::linalg_kernels
