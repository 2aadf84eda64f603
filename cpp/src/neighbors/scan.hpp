// Internal to the kNN search: the screening scan, compiled once per instruction set
// (scan_generic.cpp with the default flags, scan_avx2.cpp with AVX2) and picked at run time from
// the active ISA (cpu.hpp).
//
// The scan marks which approximate distances of one query row come under the query's current
// limit; only those are offered to its top-k screen. Both paths compute the same comparisons
// (v[c] <= lim, false for NaN), so they mark the same bits.
//
// Like the GEMM's kernel files, scan_*.cpp include nothing but this header and <immintrin.h>, and
// keep their code in an anonymous namespace, so no function compiled with AVX flags can be picked
// by the linker for code that also runs on older CPUs. The one template here (below_rows) is in an
// anonymous namespace too: each file instantiates its own copy around its own row scan.
#pragma once

#include <cstddef>
#include <cstdint>

namespace scratchlearn {
namespace knn_scan {

using index_t = std::ptrdiff_t;

// For the m rows of a block v (m × n, leading dimension n), row r against its limit lim[r]:
// bit c % 32 of mask[r·words + c / 32] ← (v[r·n + c] <= lim[r]) for c < n, words = ⌈n / 32⌉
// (bits past n are 0); bit r % 64 of rows[r / 64] ← whether row r has any bit set (⌈m / 64⌉
// words). One call per block, so the few rows that pass are found by their bits rather than by
// one hard-to-predict branch per row.
template <class S>
using BelowRowsFn = void (*)(const S* v, index_t m, index_t n, const S* lim, std::uint32_t* mask,
                             std::uint64_t* rows);

template <class S>
struct ScanKernels {
    BelowRowsFn<S> below_rows;
};

namespace {

// The block loop around a row scan Below(v, n, lim, mask) → whether any bit is set, as one
// BelowRowsFn: the row scan is inlined, so there is no call per row.
template <class S, bool (*Below)(const S*, index_t, S, std::uint32_t*)>
void below_rows(const S* v, index_t m, index_t n, const S* lim, std::uint32_t* mask,
                std::uint64_t* rows) {
    const index_t words = (n + 31) / 32;
    for (index_t w = 0; w < (m + 63) / 64; ++w) rows[w] = 0;
    for (index_t r = 0; r < m; ++r)
        if (Below(v + r * n, n, lim[r], mask + r * words))
            rows[r / 64] |= std::uint64_t(1) << (r % 64);
}

}  // namespace

// Filled by scan_generic.cpp and scan_avx2.cpp respectively.
void generic_scan(ScanKernels<float>* f, ScanKernels<double>* d);
void avx2_scan(ScanKernels<float>* f, ScanKernels<double>* d);

}  // namespace knn_scan
}  // namespace scratchlearn
