// One sample's class probabilities from its scores, shared by the batch solvers (logistic.cpp)
// and SAGA (saga.cpp). Internal to cpp/src/linear_model/.
#pragma once

#include <algorithm>
#include <cmath>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {
namespace logistic_detail {

// z holds the K scores (intercept included) and receives the probabilities: σ(z) when K == 1,
// the softmax otherwise, both computed without overflow. With WithLoss, returns the log-loss
// ℓ(y, z) (binomial: y ∈ {0, 1}; multinomial: y the class), else 0.
template <bool WithLoss>
inline double row_probabilities(index_t K, int y, double* z) {
    if (K == 1) {
        // One exponential: e = exp(−|z|), log(1 + exp(z)) = max(z, 0) + log1p(e).
        const double v = z[0];
        const double e = std::exp(-std::abs(v));
        z[0] = v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        return WithLoss ? (v > 0 ? v : 0.0) + std::log1p(e) - (y == 1 ? v : 0.0) : 0.0;
    }
    const double zy = z[y];
    const double zmax = *std::max_element(z, z + K);
    double sum = 0.0;
    for (index_t k = 0; k < K; ++k) {
        z[k] = std::exp(z[k] - zmax);
        sum += z[k];
    }
    const double inv = 1.0 / sum;
    for (index_t k = 0; k < K; ++k) z[k] *= inv;
    return WithLoss ? zmax + std::log(sum) - zy : 0.0;
}

}  // namespace logistic_detail
}  // namespace scratchlearn
