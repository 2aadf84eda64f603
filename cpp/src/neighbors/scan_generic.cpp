// The screening scan of the kNN search, portable C++ (see scan.hpp).
#include "scan.hpp"

namespace scratchlearn {
namespace knn_scan {
namespace {

// One row: bit c % 32 of mask[c / 32] ← (v[c] <= lim); whether any bit is set.
template <class S>
bool below(const S* v, index_t n, S lim, std::uint32_t* mask) {
    std::uint32_t all = 0;
    for (index_t c0 = 0; c0 < n; c0 += 32) {
        const index_t len = n - c0 < 32 ? n - c0 : 32;
        // First an OR of comparisons over the word (the compiler vectorises it), then the bits
        // only where some value passes: most words have none.
        unsigned any = 0;
        for (index_t c = 0; c < len; ++c) any |= static_cast<unsigned>(v[c0 + c] <= lim);
        std::uint32_t w = 0;
        if (any)
            for (index_t c = 0; c < len; ++c)
                w |= static_cast<std::uint32_t>(v[c0 + c] <= lim) << c;
        mask[c0 / 32] = w;
        all |= w;
    }
    return all != 0;
}


}  // namespace

void generic_scan(ScanKernels<float>* f, ScanKernels<double>* d) {
    f->below_rows = below_rows<float, below<float>>;
    d->below_rows = below_rows<double, below<double>>;
}

}  // namespace knn_scan
}  // namespace scratchlearn
