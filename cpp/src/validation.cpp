// Finiteness check on the bits: a value is NaN or ±inf exactly when its exponent field is all
// ones. With e the exponent field, e + 1 carries into the bit above the field only then, so an
// OR of (e + 1) over the data (plain integer operations, which vectorise) has that bit set iff
// some value is not finite. Data that fails is looked at again to tell NaN from infinity.
#include "scratchlearn/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {

namespace {

template <class T>
struct Bits;
template <>
struct Bits<double> {
    using U = std::uint64_t;
    static constexpr int shift = 52;
    static constexpr U field = 0x7ff;
};
template <>
struct Bits<float> {
    using U = std::uint32_t;
    static constexpr int shift = 23;
    static constexpr U field = 0xff;
};

template <class T>
bool any_nonfinite(const T* x, index_t n) {
    using B = Bits<T>;
    using U = typename B::U;
    U acc = 0;
    for (index_t i = 0; i < n; ++i) {
        U u;
        std::memcpy(&u, x + i, sizeof(U));
        acc |= ((u >> B::shift) & B::field) + 1;
    }
    return (acc & (B::field + 1)) != 0;
}

// ±inf: the bits without the sign, a, equal those of +inf. With v = a ^ inf (below 2^(w-1):
// neither has the top bit), v - 1 wraps to all ones, setting the top bit, exactly when v == 0;
// so the OR of (v - 1) over the data has its top bit set iff some value is infinite. Only
// subtraction, XOR, AND and OR: they vectorise on every x86-64 CPU (a 64-bit compare would not).
template <class T>
bool any_inf_block(const T* x, index_t n) {
    using B = Bits<T>;
    using U = typename B::U;
    constexpr U top = U(1) << (sizeof(U) * 8 - 1);
    constexpr U inf = B::field << B::shift;
    U acc = 0;
    for (index_t i = 0; i < n; ++i) {
        U u;
        std::memcpy(&u, x + i, sizeof(U));
        acc |= ((u & (top - 1)) ^ inf) - 1;
    }
    return (acc & top) != 0;
}

// Whether block_test holds for some block of the n values: one vectorised pass, its blocks split
// among n_threads threads (the answer does not depend on them).
template <class T, class BlockTest>
bool any_block(const T* x, index_t n, int n_threads, BlockTest block_test) {
    constexpr index_t kBlock = 1 << 16;
    const index_t n_blocks = (n + kBlock - 1) / kBlock;
    const int nt = threads_for(n_threads, n_blocks / 4);
    std::vector<unsigned char> bad(static_cast<std::size_t>(n_blocks), 0);  // per block
    parallel_for(nt, n_blocks, [&](index_t b) {
        const index_t lo = b * kBlock, hi = std::min(n, lo + kBlock);
        bad[static_cast<std::size_t>(b)] = block_test(x + lo, hi - lo) ? 1 : 0;
    });
    for (unsigned char f : bad)
        if (f) return true;
    return false;
}

}  // namespace

template <class T>
int nonfinite_kind(const T* x, index_t n, int n_threads) {
    require(n >= 0, "nonfinite_kind: negative size");
    if (!any_block(x, n, n_threads, [](const T* p, index_t m) { return any_nonfinite(p, m); })) return 0;
    for (index_t i = 0; i < n; ++i)
        if (std::isnan(x[i])) return 1;
    return 2;
}

template <class T>
bool any_infinite(const T* x, index_t n, int n_threads) {
    require(n >= 0, "any_infinite: negative size");
    return any_block(x, n, n_threads, [](const T* p, index_t m) { return any_inf_block(p, m); });
}

template bool any_infinite<float>(const float*, index_t, int);
template bool any_infinite<double>(const double*, index_t, int);
template int nonfinite_kind<float>(const float*, index_t, int);
template int nonfinite_kind<double>(const double*, index_t, int);

}  // namespace scratchlearn
