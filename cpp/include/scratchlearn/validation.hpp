// Input checks that every estimator runs on its data before the heavy kernels.
#pragma once

#include <cstddef>

namespace scratchlearn {

using index_t = std::ptrdiff_t;

// What the n values at x hold: 0 if all are finite, 1 if some is NaN, 2 if none is NaN but some is
// infinite. One vectorised pass split among n_threads threads (the answer does not depend on it).
template <class T>
int nonfinite_kind(const T* x, index_t n, int n_threads);

// Whether some of the n values at x is +inf or -inf (NaN is not): for inputs where NaN marks a
// missing value and only infinity is an error. One vectorised pass, split as above.
template <class T>
bool any_infinite(const T* x, index_t n, int n_threads);

}  // namespace scratchlearn
