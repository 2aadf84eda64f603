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

// Σ w·x into the cluster's row of sums, for one sample. Out of line and with d known to be
// positive, the compiler emits a clean vector loop.
template <class T>
SL_KMEANS_NOINLINE void add_scaled(const T* __restrict x, double w, index_t d,
                                   double* __restrict s) {
    for (index_t f = 0; f < d; ++f) s[f] += double(x[f]) * w;
}

template <class T>
void finish_chunk(const T* X, const T* sw, const T* C, index_t r0, index_t m, index_t d,
                  const T* lab, std::int32_t* labels, double* sums, double* weights,
                  bool with_inertia, long long* changed, double* inertia) {
    // Labels first (a vector loop), then the sums and the inertia.
    long long ch = 0;
    std::int32_t* __restrict out = labels + r0;
    for (index_t i = 0; i < m; ++i) {
        const std::int32_t label = static_cast<std::int32_t>(lab[i]);
        ch += out[i] != label;
        out[i] = label;
    }
    *changed += ch;
    if (sums) {
        for (index_t i = 0; i < m; ++i) {
            const index_t label = out[i];
            const double w = double(sw[r0 + i]);
            add_scaled(X + (r0 + i) * d, w, d, sums + label * d);
            weights[label] += w;
        }
    }
    if (with_inertia) {
        double in = 0;
        for (index_t i = 0; i < m; ++i) {
            const T* x = X + (r0 + i) * d;
            const T* c = C + static_cast<index_t>(out[i]) * d;
            double q = 0;
            for (index_t f = 0; f < d; ++f) {
                const double t = double(x[f]) - double(c[f]);
                q += t * t;
            }
            in += double(sw[r0 + i]) * q;
        }
        *inertia += in;
    }
}

}  // namespace

template <class T>
ChunkKernels<T> kernels() {
    return ChunkKernels<T>{&argmin_columns<T>, &finish_chunk<T>};
}
template ChunkKernels<float> kernels<float>();
template ChunkKernels<double> kernels<double>();

}  // namespace scratchlearn::kmeans_kernels::SL_KMEANS_NS
