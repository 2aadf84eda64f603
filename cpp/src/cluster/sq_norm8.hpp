// ‖a − b‖² (b null: ‖a‖²) in double with eight partial sums (feature f into sum f mod 8, the sums
// then added pairwise), so that the loop vectorises where one running sum would wait on each add.
// Shared by kmeans.cpp (the bounds of Lloyd's bounded pass, the inertia of strict convergence) and
// the per-ISA chunk kernels (finish_chunk's inertia), so an inertia comes out the same from either.
// Internal linkage: each translation unit compiles its own copy with its own instruction set.
#pragma once

#include <cstddef>

namespace scratchlearn::kmeans_detail {
namespace {

template <class T>
inline double sq_norm_fast(const T* __restrict a, const T* __restrict b, std::ptrdiff_t d) {
    double acc[8] = {};
    std::ptrdiff_t f = 0;
    if (b) {
        for (; f + 8 <= d; f += 8)
            for (int q = 0; q < 8; ++q) {
                const double t = double(a[f + q]) - double(b[f + q]);
                acc[q] += t * t;
            }
        for (int q = 0; f < d; ++f, ++q) {
            const double t = double(a[f]) - double(b[f]);
            acc[q] += t * t;
        }
    } else {
        for (; f + 8 <= d; f += 8)
            for (int q = 0; q < 8; ++q) acc[q] += double(a[f + q]) * double(a[f + q]);
        for (int q = 0; f < d; ++f, ++q) acc[q] += double(a[f]) * double(a[f]);
    }
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

}  // namespace
}  // namespace scratchlearn::kmeans_detail
