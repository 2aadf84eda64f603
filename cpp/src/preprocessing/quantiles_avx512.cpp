// The selection quantiles' two inner loops with AVX-512 (see kernel_table.hpp: BandPassKernel,
// SplitKernel), eight doubles or sixteen floats a step where the portable loops of
// quantiles_impl.hpp take one value with scalar compares (they also take the values left over):
//  * the band pass: a vector compared with the band's bounds at once, the values inside packed to
//    the front of a register (vcompress) and stored at the band's end, the counts advanced by the
//    masks' popcounts;
//  * the quickselect's split: a vector compared with the pivot, its left and right values each
//    packed and stored at the end of their part.
// The same counts, parts and bands, value for value and in the same order, as the portable loops
// (NaN compares as there), so the selections pick the same pivots and return the same values.
#include <immintrin.h>

#include "../kernel_table.hpp"
#include "quantiles_impl.hpp"

namespace scratchlearn::kernel_table {
namespace {

inline index_t count_bits(unsigned m) { return static_cast<index_t>(__builtin_popcount(m)); }

// The few AVX-512 operations the two loops use, for doubles (8 lanes) and floats (16 lanes).
template <class T>
struct Lanes;
template <>
struct Lanes<double> {
    static constexpr index_t W = 8;
    using V = __m512d;
    using M = __mmask8;
    static V set1(double x) { return _mm512_set1_pd(x); }
    static V load(const double* p) { return _mm512_loadu_pd(p); }
    static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
    template <int C>
    static M cmp(V a, V b) { return _mm512_cmp_pd_mask(a, b, C); }
    static V compress(M m, V v) { return _mm512_maskz_compress_pd(m, v); }
};
template <>
struct Lanes<float> {
    static constexpr index_t W = 16;
    using V = __m512;
    using M = __mmask16;
    static V set1(double x) { return _mm512_set1_ps(static_cast<float>(x)); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
    template <int C>
    static M cmp(V a, V b) { return _mm512_cmp_ps_mask(a, b, C); }
    static V compress(M m, V v) { return _mm512_maskz_compress_ps(m, v); }
};

// A step runs only while a whole vector fits before the band's room R (a full-width store writes
// past the band's end, values overwritten later or never read); the values left over go through
// the portable loop, which also handles the overflow. For floats the bounds compare as floats:
// L and H are values of the column (or ±inf), exact in float, so x < L in float is x < L in
// double (checked, else every value takes the portable loop).
template <class T>
void band_pass(const T* col, index_t m, double L, double H, T* buf, index_t R, index_t& below,
               index_t& fill, index_t& above) {
    using O = Lanes<T>;
    index_t b = below, p = fill, u = 0, i = 0;
    const typename O::V vl = O::set1(L), vh = O::set1(H);
    const bool exact = static_cast<double>(static_cast<T>(L)) == L &&
                       static_cast<double>(static_cast<T>(H)) == H;
    for (; exact && i + O::W <= m && p + O::W <= R; i += O::W) {
        const typename O::V x = O::load(col + i);
        const typename O::M in = O::template cmp<_CMP_GE_OQ>(x, vl) & O::template cmp<_CMP_LE_OQ>(x, vh);
        O::store(buf + p, O::compress(in, x));
        b += count_bits(O::template cmp<_CMP_LT_OQ>(x, vl));
        u += count_bits(O::template cmp<_CMP_GT_OQ>(x, vh));
        p += count_bits(in);
    }
    quantile_loops::band_pass<T, false>(col + i, m - i, 0.0, L, H, buf, R, b, p, u);
    below = b;
    fill = p;
    above += u;
}

// The split: x < p, or !(p < x) when le (NaN goes right, or left when le, as in the portable
// loop); each part's values packed and stored at its end, the rest by the portable loop.
template <class T>
index_t split(const T* src, index_t m, T p, bool le, T* left, T* right) {
    using O = Lanes<T>;
    index_t l = 0, h = 0, i = 0;
    const typename O::V vp = O::set1(p);
    for (; i + O::W <= m; i += O::W) {
        const typename O::V x = O::load(src + i);
        const typename O::M to_left =
            le ? O::template cmp<_CMP_NLT_UQ>(vp, x) : O::template cmp<_CMP_LT_OQ>(x, vp);
        O::store(left + l, O::compress(to_left, x));
        O::store(right + h, O::compress(static_cast<typename O::M>(~to_left), x));
        const index_t n_left = count_bits(to_left);
        l += n_left;
        h += O::W - n_left;
    }
    return l + quantile_loops::split_portable(src + i, m - i, p, le, left + l, right + h);
}

}  // namespace

void register_preprocessing_avx512(Table* t) {
    t->f32.band_pass = band_pass<float>;
    t->f64.band_pass = band_pass<double>;
    t->f32.select_split = split<float>;
    t->f64.select_split = split<double>;
}

}  // namespace scratchlearn::kernel_table
