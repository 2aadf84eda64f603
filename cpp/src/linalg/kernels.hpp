// Internal to the GEMM: the per-ISA kernel tables.
//
// Each instruction set (generic C++, AVX2+FMA, AVX-512) has its own translation unit that fills one
// table. Those units include nothing but this header (plain declarations, no inline code) and
// <immintrin.h>, and keep all their code in an anonymous namespace, so no function compiled with
// AVX flags can be picked by the linker for code that also runs on older CPUs.
#pragma once

#include <cstddef>

namespace scratchlearn {
namespace gemm_detail {

using index_t = std::ptrdiff_t;

// Register-blocked micro-kernel on one full MR × NR tile:
//     C[0:MR, 0:NR] ← alpha · Σ_p a[p·MR + i] · b[p·NR + j] + beta · C   (kc >= 1 terms)
// `a` is an MR-row micro-panel of packed A (column p stored as MR contiguous values), `b` an NR-column
// micro-panel of packed B (row p stored as NR contiguous values); both 64-byte aligned. C is
// row-major with leading dimension ldc. When beta == 0, C is not read.
template <class T>
using MicroKernel = void (*)(index_t kc, const T* a, const T* b, T* c, index_t ldc, T alpha, T beta);

// Dot product of two contiguous vectors, and y += alpha·x (gemv's building blocks).
template <class T>
using DotKernel = T (*)(const T* x, const T* y, index_t n);
template <class T>
using AxpyKernel = void (*)(T alpha, const T* x, T* y, index_t n);

// Packs one full micro-panel of op(B) = Bᵀ: NR rows of B from `src` (leading dimension ldb), kc
// values each, into dst[p·NR + j] = src[j·ldb + p]. dst is 32-byte aligned. nullptr: the portable
// packing is used.
template <class T>
using PackBtKernel = void (*)(index_t kc, const T* src, index_t ldb, T* dst);

template <class T>
struct Kernels {
    int mr;              // rows of the register tile
    int nr;              // columns of the register tile
    MicroKernel<T> micro;
    DotKernel<T> dot;
    AxpyKernel<T> axpy;
    PackBtKernel<T> pack_bt;
};

// Filled by kernels_generic.cpp, kernels_avx2.cpp and kernels_avx512.cpp respectively.
void generic_kernels(Kernels<float>* f, Kernels<double>* d);
void avx2_kernels(Kernels<float>* f, Kernels<double>* d);
void avx512_kernels(Kernels<float>* f, Kernels<double>* d);

}  // namespace gemm_detail
}  // namespace scratchlearn
