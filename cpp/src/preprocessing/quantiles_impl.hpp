// The selection quantiles' two inner loops, portable (see kernel_table.hpp: BandPassKernel,
// SplitKernel): preprocessing.cpp runs them where the kernel path has no vector version, and the
// vector kernels (quantiles_lanes.hpp) run them on the values their vectors leave over, so every
// path gives the same counts, bands and parts. Templates in an anonymous namespace: each translation unit that
// includes this gets its own copy, compiled with its own flags.
#pragma once

#include "../kernel_table.hpp"

namespace scratchlearn::quantile_loops {
namespace {

using kernel_table::index_t;

// Over the m values of col: below += how many are < L, above += how many are > H (among those
// not equal to `missing` when HM), and those in [L, H] appended at buf + fill; once fill reaches
// R the writes go to buf[R] while fill goes on counting. Branch-free. NaN is in none of the three.
template <class T, bool HM>
void band_pass(const T* col, index_t m, double missing, double L, double H, T* buf, index_t R,
               index_t& below, index_t& fill, index_t& above) {
    index_t b = below, p = fill, u = 0;
    for (index_t i = 0; i < m; ++i) {
        const T x = col[i];
        const double xv = static_cast<double>(x);
        const bool ok = !HM || xv != missing;
        b += ok & (xv < L);
        u += ok & (xv > H);
        buf[p < R ? p : R] = x;
        p += ok & (xv >= L) & (xv <= H);
    }
    below = b;
    fill = p;
    above += u;
}

// One quickselect pass: src's m values split at p into `left` (x < p, or x <= p when le) and
// `right`, each written forward from its start; returns the left part's size. Branch-free: each
// value is written to both parts and only its side's position advances.
template <class T>
index_t split_portable(const T* src, index_t m, T p, bool le, T* left, T* right) {
    index_t l = 0, h = 0;
    for (index_t i = 0; i < m; ++i) {
        const T x = src[i];
        const bool to_left = le ? !(p < x) : x < p;
        left[l] = x;
        right[h] = x;
        l += to_left;
        h += !to_left;
    }
    return l;
}

}  // namespace
}  // namespace scratchlearn::quantile_loops
