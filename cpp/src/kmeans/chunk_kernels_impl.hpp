// Definitions of the per-chunk k-means loops; included by one .cpp per instruction set with
// SL_KMEANS_NS naming its namespace (see chunk_kernels.hpp).
#include <limits>

#include "chunk_kernels.hpp"

#ifndef SL_KMEANS_NS
#error "define SL_KMEANS_NS before including chunk_kernels_impl.hpp"
#endif

#if defined(__GNUC__)
#define SL_KMEANS_NOINLINE __attribute__((noinline))
#else
#define SL_KMEANS_NOINLINE
#endif

namespace scratchlearn::kmeans_kernels::SL_KMEANS_NS {
namespace {

// One centre against m samples. Kept out of line: inlined into the loop over centres, GCC
// unrolls-and-jams the two loops into scalar code instead of vectorising across samples.
template <class T>
SL_KMEANS_NOINLINE void argmin_update(const T* __restrict row, T cj, T tj, index_t m,
                                      T* __restrict best, T* __restrict lab) {
    for (index_t i = 0; i < m; ++i) {
        const T v = cj + row[i];
        T b = best[i];
        T l = lab[i];
        l = (v < b) ? tj : l;  // plain selects on loaded values: the form that vectorises
        b = (v < b) ? v : b;
        lab[i] = l;
        best[i] = b;
    }
}

template <class T>
void argmin_columns(const T* buf, const T* cn, index_t k, index_t m, T* best, T* lab) {
    for (index_t i = 0; i < m; ++i) {
        best[i] = std::numeric_limits<T>::infinity();
        lab[i] = T(0);
    }
    for (index_t j = 0; j < k; ++j) argmin_update(buf + j * m, cn[j], T(j), m, best, lab);
}

template <class T>
void finish_chunk(const T* X, const T* sw, const T* C, index_t r0, index_t m, index_t d,
                  const T* lab, std::int32_t* labels, double* sums, double* weights,
                  bool with_inertia, long long* changed, double* inertia) {
    long long ch = 0;
    double in = 0;
    for (index_t i = 0; i < m; ++i) {
        const std::int32_t label = static_cast<std::int32_t>(lab[i]);
        const index_t r = r0 + i;
        ch += labels[r] != label;
        labels[r] = label;
        const T* __restrict x = X + r * d;
        const double w = double(sw[r]);
        if (sums) {
            double* __restrict s = sums + static_cast<index_t>(label) * d;
            for (index_t f = 0; f < d; ++f) s[f] += double(x[f]) * w;
            weights[label] += w;
        }
        if (with_inertia) {
            const T* c = C + static_cast<index_t>(label) * d;
            double q = 0;
            for (index_t f = 0; f < d; ++f) {
                const double t = double(x[f]) - double(c[f]);
                q += t * t;
            }
            in += w * q;
        }
    }
    *changed += ch;
    *inertia += in;
}

}  // namespace

template <class T>
ChunkKernels<T> kernels() {
#ifdef SL_KMEANS_TRANSPOSE
    return ChunkKernels<T>{&argmin_columns<T>, &finish_chunk<T>, &SL_KMEANS_TRANSPOSE<T>};
#else
    return ChunkKernels<T>{&argmin_columns<T>, &finish_chunk<T>, nullptr};
#endif
}
template ChunkKernels<float> kernels<float>();
template ChunkKernels<double> kernels<double>();

}  // namespace scratchlearn::kmeans_kernels::SL_KMEANS_NS
