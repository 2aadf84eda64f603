// Portable micro-kernels (plain C++, no ISA flags): the fallback for any CPU, and the reference
// the vectorised kernels are tested against. A 4 × 8 (float) / 4 × 4 (double) tile of
// accumulators that the compiler can keep in baseline SIMD registers.
#include "kernels.hpp"

namespace scratchlearn {
namespace gemm_detail {
namespace {

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

}  // namespace

void generic_kernels(Kernels<float>* f, Kernels<double>* d) {
    *f = Kernels<float>{4, 8, &micro_generic<float, 4, 8>, &dot_generic<float>, &axpy_generic<float>,
                         nullptr};
    *d = Kernels<double>{4, 4, &micro_generic<double, 4, 4>, &dot_generic<double>,
                         &axpy_generic<double>, nullptr};
}

}  // namespace gemm_detail
}  // namespace scratchlearn
