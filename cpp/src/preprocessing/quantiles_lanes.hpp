// The selection quantiles' two inner loops over vectors (see kernel_table.hpp: BandPassKernel,
// SplitKernel), written once over a small lane-traits struct O that each ISA's translation unit
// defines (quantiles_avx2.cpp, quantiles_avx512.cpp):
//   O::W lanes of T in an O::V; O::M a lane mask (bit k: lane k);
//   set1, load, store; cmp<C>(a, b) the mask of a C b (C one of the _CMP_* predicates);
//   compress(m, v) the lanes of m packed to the front, in order (the others: anything).
// A mask's size and complement are the same bit arithmetic on every ISA (count, inv below).
//  * the band pass: a vector compared with the band's bounds at once, the values inside packed to
//    the front of a register and stored at the band's end, the counts advanced by the masks' sizes;
//  * the quickselect's split: a vector compared with the pivot, its left and right values each
//    packed and stored at the end of their part.
// The same counts, parts and bands, value for value and in the same order, as the portable loops
// of quantiles_impl.hpp (NaN compares as there), which also take the values left over, so the
// selections pick the same pivots and return the same values on every path.
#pragma once

#include <immintrin.h>

#include "quantiles_impl.hpp"

namespace scratchlearn::quantile_lanes {
namespace {

using kernel_table::index_t;

template <class O>
inline index_t count(typename O::M m) {
    return static_cast<index_t>(__builtin_popcount(static_cast<unsigned>(m)));
}
template <class O>
inline typename O::M inv(typename O::M m) {
    return static_cast<typename O::M>(~static_cast<unsigned>(m) & ((1u << O::W) - 1u));
}

// A step runs only while a whole vector fits before the band's room R (a full-width store writes
// past the band's end, values overwritten later or never read); the values left over go through
// the portable loop, which also handles the overflow. For floats the bounds compare as floats:
// L and H are values of the column (or ±inf), exact in float, so x < L in float is x < L in
// double (checked, else every value takes the portable loop).
template <class O, class T>
void band_pass(const T* col, index_t m, double L, double H, T* buf, index_t R, index_t& below,
               index_t& fill, index_t& above) {
    index_t b = below, p = fill, u = 0, i = 0;
    const typename O::V vl = O::set1(L), vh = O::set1(H);
    const bool exact = static_cast<double>(static_cast<T>(L)) == L &&
                       static_cast<double>(static_cast<T>(H)) == H;
    for (; exact && i + O::W <= m && p + O::W <= R; i += O::W) {
        const typename O::V x = O::load(col + i);
        const typename O::M in = O::template cmp<_CMP_GE_OQ>(x, vl) & O::template cmp<_CMP_LE_OQ>(x, vh);
        O::store(buf + p, O::compress(in, x));
        b += count<O>(O::template cmp<_CMP_LT_OQ>(x, vl));
        u += count<O>(O::template cmp<_CMP_GT_OQ>(x, vh));
        p += count<O>(in);
    }
    quantile_loops::band_pass<T, false>(col + i, m - i, 0.0, L, H, buf, R, b, p, u);
    below = b;
    fill = p;
    above += u;
}

// The split: x < p, or !(p < x) when le (NaN goes right, or left when le, as in the portable
// loop); each part's values packed and stored at its end, the rest by the portable loop.
template <class O, class T>
index_t split(const T* src, index_t m, T p, bool le, T* left, T* right) {
    index_t l = 0, h = 0, i = 0;
    const typename O::V vp = O::set1(p);
    for (; i + O::W <= m; i += O::W) {
        const typename O::V x = O::load(src + i);
        const typename O::M to_left =
            le ? O::template cmp<_CMP_NLT_UQ>(vp, x) : O::template cmp<_CMP_LT_OQ>(x, vp);
        O::store(left + l, O::compress(to_left, x));
        O::store(right + h, O::compress(inv<O>(to_left), x));
        const index_t n_left = count<O>(to_left);
        l += n_left;
        h += O::W - n_left;
    }
    return l + quantile_loops::split_portable(src + i, m - i, p, le, left + l, right + h);
}

}  // namespace
}  // namespace scratchlearn::quantile_lanes
