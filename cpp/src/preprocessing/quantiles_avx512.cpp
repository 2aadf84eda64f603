// The selection quantiles' two inner loops with AVX-512 (see kernel_table.hpp: BandPassKernel,
// SplitKernel), eight doubles or sixteen floats a step where the portable loops of
// preprocessing.cpp take one value with scalar compares:
//  * the band pass: a vector compared with the band's bounds at once, the values inside packed to
//    the front of a register (vcompress) and stored at the band's end, the counts advanced by the
//    masks' popcounts;
//  * the quickselect's split: a vector compared with the pivot, its left and right values each
//    packed and stored at the end of their part.
// The same counts, parts and bands, value for value and in the same order, as the portable loops
// (NaN compares as there), so the selections pick the same pivots and return the same values.
#include <immintrin.h>

#include "../kernel_table.hpp"

namespace scratchlearn::kernel_table {
namespace {

inline index_t count_bits(unsigned m) { return static_cast<index_t>(__builtin_popcount(m)); }

// Values stored past the band's end by a full-width store are overwritten later or never read:
// a step runs only while a whole vector fits before the band's room R, the rest goes to `tail`.
template <class T>
index_t band_tail(const T* col, index_t i, index_t m, double L, double H, T* buf, index_t R,
                  index_t& b, index_t& p, index_t& u) {
    for (; i < m; ++i) {
        const T x = col[i];
        const double xv = static_cast<double>(x);
        b += xv < L;
        u += xv > H;
        buf[p < R ? p : R] = x;
        p += (xv >= L) & (xv <= H);
    }
    return i;
}

void band_pass_f64(const double* col, index_t m, double L, double H, double* buf, index_t R,
                   index_t& below, index_t& fill, index_t& above) {
    index_t b = below, p = fill, u = 0, i = 0;
    const __m512d vl = _mm512_set1_pd(L), vh = _mm512_set1_pd(H);
    for (; i + 8 <= m && p + 8 <= R; i += 8) {
        const __m512d x = _mm512_loadu_pd(col + i);
        const __mmask8 lt = _mm512_cmp_pd_mask(x, vl, _CMP_LT_OQ);
        const __mmask8 gt = _mm512_cmp_pd_mask(x, vh, _CMP_GT_OQ);
        const __mmask8 in = _mm512_cmp_pd_mask(x, vl, _CMP_GE_OQ) & _mm512_cmp_pd_mask(x, vh, _CMP_LE_OQ);
        _mm512_storeu_pd(buf + p, _mm512_maskz_compress_pd(in, x));
        b += count_bits(lt);
        u += count_bits(gt);
        p += count_bits(in);
    }
    band_tail(col, i, m, L, H, buf, R, b, p, u);
    below = b;
    fill = p;
    above += u;
}

// Floats compare with the bounds as floats: L and H are values of the column (or ±inf), exact in
// float, so x < L in float is x < L in double.
void band_pass_f32(const float* col, index_t m, double L, double H, float* buf, index_t R,
                   index_t& below, index_t& fill, index_t& above) {
    index_t b = below, p = fill, u = 0, i = 0;
    const __m512 vl = _mm512_set1_ps(static_cast<float>(L)), vh = _mm512_set1_ps(static_cast<float>(H));
    const bool exact = static_cast<double>(static_cast<float>(L)) == L &&
                       static_cast<double>(static_cast<float>(H)) == H;
    for (; exact && i + 16 <= m && p + 16 <= R; i += 16) {
        const __m512 x = _mm512_loadu_ps(col + i);
        const __mmask16 lt = _mm512_cmp_ps_mask(x, vl, _CMP_LT_OQ);
        const __mmask16 gt = _mm512_cmp_ps_mask(x, vh, _CMP_GT_OQ);
        const __mmask16 in = _mm512_cmp_ps_mask(x, vl, _CMP_GE_OQ) & _mm512_cmp_ps_mask(x, vh, _CMP_LE_OQ);
        _mm512_storeu_ps(buf + p, _mm512_maskz_compress_ps(in, x));
        b += count_bits(lt);
        u += count_bits(gt);
        p += count_bits(in);
    }
    band_tail(col, i, m, L, H, buf, R, b, p, u);
    below = b;
    fill = p;
    above += u;
}

// The split's masks: x < p, or !(p < x) when le (NaN goes right, or left when le, as in the
// portable loop).
inline __mmask8 left_mask(__m512d x, __m512d p, bool le) {
    return le ? _mm512_cmp_pd_mask(p, x, _CMP_NLT_UQ) : _mm512_cmp_pd_mask(x, p, _CMP_LT_OQ);
}
inline __mmask16 left_mask(__m512 x, __m512 p, bool le) {
    return le ? _mm512_cmp_ps_mask(p, x, _CMP_NLT_UQ) : _mm512_cmp_ps_mask(x, p, _CMP_LT_OQ);
}

template <class T>
index_t split_tail(const T* src, index_t i, index_t m, T p, bool le, T* left, T* right, index_t l,
                   index_t h) {
    for (; i < m; ++i) {
        const T x = src[i];
        const bool to_left = le ? !(p < x) : x < p;
        left[l] = x;
        right[h] = x;
        l += to_left;
        h += !to_left;
    }
    return l;
}

index_t split_f64(const double* src, index_t m, double p, bool le, double* left, double* right) {
    index_t l = 0, h = 0, i = 0;
    const __m512d vp = _mm512_set1_pd(p);
    for (; i + 8 <= m; i += 8) {
        const __m512d x = _mm512_loadu_pd(src + i);
        const __mmask8 to_left = left_mask(x, vp, le);
        _mm512_storeu_pd(left + l, _mm512_maskz_compress_pd(to_left, x));
        _mm512_storeu_pd(right + h, _mm512_maskz_compress_pd(static_cast<__mmask8>(~to_left), x));
        const index_t n_left = count_bits(to_left);
        l += n_left;
        h += 8 - n_left;
    }
    return split_tail(src, i, m, p, le, left, right, l, h);
}

index_t split_f32(const float* src, index_t m, float p, bool le, float* left, float* right) {
    index_t l = 0, h = 0, i = 0;
    const __m512 vp = _mm512_set1_ps(p);
    for (; i + 16 <= m; i += 16) {
        const __m512 x = _mm512_loadu_ps(src + i);
        const __mmask16 to_left = left_mask(x, vp, le);
        _mm512_storeu_ps(left + l, _mm512_maskz_compress_ps(to_left, x));
        _mm512_storeu_ps(right + h, _mm512_maskz_compress_ps(static_cast<__mmask16>(~to_left), x));
        const index_t n_left = count_bits(to_left);
        l += n_left;
        h += 16 - n_left;
    }
    return split_tail(src, i, m, p, le, left, right, l, h);
}

}  // namespace

void register_preprocessing_avx512(Table* t) {
    t->f32.band_pass = band_pass_f32;
    t->f64.band_pass = band_pass_f64;
    t->f32.select_split = split_f32;
    t->f64.select_split = split_f64;
}

}  // namespace scratchlearn::kernel_table
