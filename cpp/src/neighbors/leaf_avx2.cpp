// A tree leaf's squared euclidean distances with AVX2, four rows per vector (see kernel_table.hpp:
// KnnLeafKernel). Compiled with -mavx2 -mfma and, for this file, -ffp-contract=off (CMakeLists):
// each product and each sum is rounded on its own, as in the portable loop of tree.cpp, so both
// give the same bits and the tree's answers stay those of brute force.
#include <immintrin.h>

#include "../kernel_table.hpp"

namespace scratchlearn::kernel_table {
namespace {

inline __m256d load4(const double* p) { return _mm256_loadu_pd(p); }
inline __m256d load4(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }

// The term of feature j for rows r .. r + 3.
template <class T>
inline __m256d sq_term(const T* const* cols, const double* q, index_t j, index_t r) {
    const __m256d t = _mm256_sub_pd(_mm256_set1_pd(q[j]), load4(cols[j] + r));
    return _mm256_mul_pd(t, t);
}

template <class T>
void leaf_sq(const T* const* cols, const double* q, index_t d, index_t m, double* out) {
    const index_t full = d / 4 * 4;
    index_t r = 0;
    for (; r + 4 <= m; r += 4) {
        __m256d p0 = _mm256_setzero_pd(), p1 = p0, p2 = p0, p3 = p0;
        index_t j = 0;
        for (; j < full; j += 4) {
            p0 = _mm256_add_pd(p0, sq_term(cols, q, j, r));
            p1 = _mm256_add_pd(p1, sq_term(cols, q, j + 1, r));
            p2 = _mm256_add_pd(p2, sq_term(cols, q, j + 2, r));
            p3 = _mm256_add_pd(p3, sq_term(cols, q, j + 3, r));
        }
        for (; j < d; ++j) p0 = _mm256_add_pd(p0, sq_term(cols, q, j, r));
        _mm256_storeu_pd(out + r, _mm256_add_pd(_mm256_add_pd(p0, p1), _mm256_add_pd(p2, p3)));
    }
    for (; r < m; ++r) {  // the last rows, one by one, in the same order
        double p[4] = {0, 0, 0, 0};
        for (index_t j = 0; j < d; ++j) {
            const double t = q[j] - double(cols[j][r]);
            p[j < full ? j % 4 : 0] += t * t;
        }
        out[r] = (p[0] + p[1]) + (p[2] + p[3]);
    }
}

}  // namespace

void register_knn_leaf_avx2(Table* t) {
    t->f32.knn_leaf_sq = leaf_sq<float>;
    t->f64.knn_leaf_sq = leaf_sq<double>;
}

}  // namespace scratchlearn::kernel_table
