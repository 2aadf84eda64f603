// X·op(W) + b on the gemm (linalg.hpp): linear scores and projections.
#include <algorithm>

#include "scratchlearn/linalg.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {

template <class T>
void affine(const T* X, index_t n, index_t d, const T* W, bool trans_w, index_t k, const T* b,
            T* out, int n_threads) {
    require(n >= 0 && d >= 0 && k >= 0, "affine: negative dimension");
    if (n == 0 || k == 0) return;
    gemm<T>(false, trans_w, n, k, d, T(1), X, d, W, trans_w ? d : k, T(0), out, k, n_threads);
    const int nt = threads_for(n_threads, n / 32768 + 1);
    parallel_for(nt, n, [&](index_t i) {
        for (index_t j = 0; j < k; ++j) out[i * k + j] += b[j];
    });
}

template void affine<float>(const float*, index_t, index_t, const float*, bool, index_t, const float*,
                            float*, int);
template void affine<double>(const double*, index_t, index_t, const double*, bool, index_t,
                             const double*, double*, int);

}  // namespace scratchlearn
