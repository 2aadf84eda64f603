// Finiteness check: |x| <= max is false exactly for NaN and ±inf, so one compare per value and an
// OR-reduction (which vectorises) screen the data; only data that fails is looked at again to tell
// NaN from infinity.
#include "scratchlearn/validation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

namespace {

template <class T>
bool any_nonfinite(const T* x, index_t n) {
    const T big = std::numeric_limits<T>::max();
    unsigned bad = 0;
    for (index_t i = 0; i < n; ++i) bad |= static_cast<unsigned>(!(std::fabs(x[i]) <= big));
    return bad != 0;
}

}  // namespace

template <class T>
int nonfinite_kind(const T* x, index_t n, int n_threads) {
    require(n >= 0, "nonfinite_kind: negative size");
    constexpr index_t kBlock = 1 << 16;
    const index_t n_blocks = (n + kBlock - 1) / kBlock;
    const int nt = threads_for(n_threads, n_blocks / 4);
    unsigned bad = 0;
#pragma omp parallel for num_threads(nt) schedule(static) reduction(| : bad)
    for (index_t b = 0; b < n_blocks; ++b) {
        const index_t lo = b * kBlock, hi = std::min(n, lo + kBlock);
        bad |= static_cast<unsigned>(any_nonfinite(x + lo, hi - lo));
    }
    if (!bad) return 0;
    for (index_t i = 0; i < n; ++i)
        if (std::isnan(x[i])) return 1;
    return 2;
}

template int nonfinite_kind<float>(const float*, index_t, int);
template int nonfinite_kind<double>(const double*, index_t, int);

}  // namespace scratchlearn
