// The selection quantiles' two inner loops with AVX2 (quantiles_lanes.hpp): four doubles or eight
// floats a step. AVX2 has no compress, so a lane mask (movemask of the compare) indexes a table of
// permutations that packs the chosen lanes to the front in order (vpermd), and the mask's
// popcount advances the count.
#include <immintrin.h>

#include <cstdint>

#include "../kernel_table.hpp"
#include "quantiles_lanes.hpp"

namespace scratchlearn::kernel_table {
namespace {

// For each mask of `lanes` lanes, the 32-bit element indices (eight of them, a vpermd operand)
// that move the chosen lanes, each `per` 32-bit elements wide, to the front in order.
template <int lanes, int per>
struct PackTable {
    alignas(32) std::int32_t idx[1 << lanes][8];
    constexpr PackTable() : idx{} {
        for (int m = 0; m < (1 << lanes); ++m) {
            int out = 0;
            for (int k = 0; k < lanes; ++k)
                if (m >> k & 1)
                    for (int e = 0; e < per; ++e) idx[m][out++] = k * per + e;
        }
    }
};
constexpr PackTable<4, 2> kPackDouble{};
constexpr PackTable<8, 1> kPackFloat{};

inline __m256i pack_index(const std::int32_t* row) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(row));
}

template <class T>
struct Lanes;
template <>
struct Lanes<double> {
    static constexpr index_t W = 4;
    using V = __m256d;
    using M = unsigned;
    static V set1(double x) { return _mm256_set1_pd(x); }
    static V load(const double* p) { return _mm256_loadu_pd(p); }
    static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
    template <int C>
    static M cmp(V a, V b) { return static_cast<M>(_mm256_movemask_pd(_mm256_cmp_pd(a, b, C))); }
    static V compress(M m, V v) {
        return _mm256_castsi256_pd(
            _mm256_permutevar8x32_epi32(_mm256_castpd_si256(v), pack_index(kPackDouble.idx[m])));
    }
};
template <>
struct Lanes<float> {
    static constexpr index_t W = 8;
    using V = __m256;
    using M = unsigned;
    static V set1(double x) { return _mm256_set1_ps(static_cast<float>(x)); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
    template <int C>
    static M cmp(V a, V b) { return static_cast<M>(_mm256_movemask_ps(_mm256_cmp_ps(a, b, C))); }
    static V compress(M m, V v) { return _mm256_permutevar8x32_ps(v, pack_index(kPackFloat.idx[m])); }
};

}  // namespace

void register_preprocessing_avx2(Table* t) {
    t->f32.band_pass = quantile_lanes::band_pass<Lanes<float>, float>;
    t->f64.band_pass = quantile_lanes::band_pass<Lanes<double>, double>;
    t->f32.select_split = quantile_lanes::split<Lanes<float>, float>;
    t->f64.select_split = quantile_lanes::split<Lanes<double>, double>;
}

}  // namespace scratchlearn::kernel_table
