// The linalg family's portable kernels (plain C++, no ISA flags), registered in the generic kernel
// table (kernel_table.hpp): the fallback for any CPU, and the reference the vectorised kernels are
// tested against. GEMM: a 4 × 8 (float) / 4 × 4 (double) tile of accumulators that the compiler
// can keep in baseline SIMD registers; scatter: tiles of 4 rows × 8 columns.
#include "../kernel_table.hpp"

namespace scratchlearn::linalg_kernels {
namespace {

using kernel_table::index_t;

template <class T, int MR, int NR>
void micro_generic(index_t kc, const T* a, const T* b, T* c, index_t ldc, T alpha, T beta) {
    T acc[MR][NR] = {};
    for (index_t p = 0; p < kc; ++p) {
        for (int i = 0; i < MR; ++i) {
            const T ai = a[i];
            for (int j = 0; j < NR; ++j) acc[i][j] += ai * b[j];
        }
        a += MR;
        b += NR;
    }
    for (int i = 0; i < MR; ++i) {
        T* ci = c + i * ldc;
        if (beta == T(0)) {
            for (int j = 0; j < NR; ++j) ci[j] = alpha * acc[i][j];
        } else {
            for (int j = 0; j < NR; ++j) ci[j] = alpha * acc[i][j] + beta * ci[j];
        }
    }
}

// kernel_table.hpp's StridedKernel, portable: the arithmetic of micro_generic on any tile.
template <class T, int MR, int NR>
void strided_generic(index_t kc, const T* a, index_t a_rs, index_t a_cs, const T* b, index_t b_rs,
                     bool, T* c, index_t ldc, T alpha, T beta, int mr, int nr) {
    T acc[MR][NR] = {};
    for (index_t p = 0; p < kc; ++p) {
        for (int i = 0; i < mr; ++i) {
            const T ai = a[i * a_rs + p * a_cs];
            for (int j = 0; j < nr; ++j) acc[i][j] += ai * b[j];
        }
        b += b_rs;
    }
    for (int i = 0; i < mr; ++i) {
        T* ci = c + i * ldc;
        if (beta == T(0)) {
            for (int j = 0; j < nr; ++j) ci[j] = alpha * acc[i][j];
        } else {
            for (int j = 0; j < nr; ++j) ci[j] = alpha * acc[i][j] + beta * ci[j];
        }
    }
}

template <class T>
T dot_generic(const T* x, const T* y, index_t n) {
    // Eight partial sums: independent chains the CPU can overlap.
    T s[8] = {};
    index_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int u = 0; u < 8; ++u) s[u] += x[i + u] * y[i + u];
    T tail = 0;
    for (; i < n; ++i) tail += x[i] * y[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) + tail;
}

template <class T>
void axpy_generic(T alpha, const T* x, T* y, index_t n) {
    for (index_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// The scatter block update (kernel_table.hpp's ScatterBlockKernel): tiles of 4 rows × 8 columns
// from the tile row's start rounded down to a multiple of 8.
template <class T>
void scatter_block_generic(index_t rows, index_t di, index_t ldp, const T* Z, T* acc) {
    for (index_t i0 = 0; i0 < di; i0 += 4) {
        for (index_t j = (i0 / 8) * 8; j < ldp; j += 8) {
            T c[4][8];
#pragma GCC unroll 4
            for (int m = 0; m < 4; ++m)
#pragma GCC unroll 8
                for (int v = 0; v < 8; ++v) c[m][v] = acc[(i0 + m) * ldp + j + v];
            const T* z = Z;
            for (index_t r = 0; r < rows; ++r, z += ldp)
#pragma GCC unroll 4
                for (int m = 0; m < 4; ++m) {
                    const T a = z[i0 + m];
#pragma GCC unroll 8
                    for (int v = 0; v < 8; ++v) c[m][v] += a * z[j + v];
                }
#pragma GCC unroll 4
            for (int m = 0; m < 4; ++m)
#pragma GCC unroll 8
                for (int v = 0; v < 8; ++v) acc[(i0 + m) * ldp + j + v] = c[m][v];
        }
    }
}

}  // namespace
}  // namespace scratchlearn::linalg_kernels

namespace scratchlearn::kernel_table {

void register_linalg_generic(Table* t) {
    using namespace linalg_kernels;
    t->f32.gemm = GemmKernels<float>{4, 8, &micro_generic<float, 4, 8>, &dot_generic<float>,
                                     &axpy_generic<float>, nullptr,
                                     &strided_generic<float, 4, 8>};
    t->f64.gemm = GemmKernels<double>{4, 4, &micro_generic<double, 4, 4>, &dot_generic<double>,
                                      &axpy_generic<double>, nullptr,
                                      &strided_generic<double, 4, 4>};
    t->f32.scatter_block = &scatter_block_generic<float>;
    t->f64.scatter_block = &scatter_block_generic<double>;
}

}  // namespace scratchlearn::kernel_table
