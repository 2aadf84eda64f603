// SAGA for L1 / elastic-net / L2 logistic regression (see logistic_saga in linear_model.hpp).
//
// How it works. The objective is an average of n smooth terms plus a penalty,
//     F(θ) = (1/n) Σ_j f_j(θ) + (l2/2)‖W‖² + l1‖W‖₁,   f_j = (n/S)·s_j·ℓ(y_j, W x_j + b).
// The gradient of f_j is e_j x_jᵀ (and e_j for b), with e_j = (n/S)·s_j·(p_j − onehot(y_j)) a K-vector
// (K = 1: p = σ(z)). SAGA keeps the last e_j seen for every sample (an n × K table) and the sum of
// the e_j x_jᵀ; a step on a random sample j moves θ along
//     −γ·[(e_j^new − e_j^old) x_jᵀ + (1/n) Σ_i e_i^old x_iᵀ + l2·W]
// (unbiased, with a variance that vanishes at the optimum), then applies the L1 proximal map
// (soft thresholding by γ·l1), and finally stores e_j^new. Dense data: O(K·d) per step.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "logistic_row.hpp"
#include "scratchlearn/linear_model.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

template <class T>
SolverReport logistic_saga(const LogisticProblem<T>& P, double l1, double* theta, index_t max_iter,
                           double tol, std::uint64_t seed) {
    const index_t n = P.n, d = P.d, K = P.K;
    require(n >= 1 && d >= 1 && K >= 1, "logistic_saga: empty problem");
    require(P.S > 0, "logistic_saga: the sample weights must sum to > 0");
    require(l1 >= 0 && P.l2 >= 0, "logistic_saga: penalties must be >= 0");
    const bool binary = K == 1;
    const index_t nw = K * d;
    double* W = theta;
    double* b = P.fit_intercept ? theta + nw : nullptr;
    const double scale = double(n) / P.S;  // f_j = (n/S)·s_j·ℓ_j
    auto weight = [&](index_t j) { return P.sw ? double(P.sw[j]) : 1.0; };

    // Step size from the largest Lipschitz constant of the ∇f_j: the log-loss curvature is at most
    // 1/4 (binary) or 1/2 (softmax), times s_j·(‖x_j‖² + 1 with an intercept).
    double lmax = 0.0;
    for (index_t j = 0; j < n; ++j) {
        const T* x = P.X + j * d;
        double sq = P.fit_intercept ? 1.0 : 0.0;
        for (index_t f = 0; f < d; ++f) sq += double(x[f]) * double(x[f]);
        lmax = std::max(lmax, weight(j) * sq);
    }
    const double L = (binary ? 0.25 : 0.5) * scale * lmax + P.l2;
    require(L > 0 && std::isfinite(L), "logistic_saga: the data give no usable step size");
    const double step = 1.0 / (2.0 * L + std::min(2.0 * double(n) * P.l2, L));
    const double shrink = step * l1;

    std::vector<double> table(static_cast<size_t>(n * K), 0.0);  // e_j last seen
    std::vector<double> sumG(static_cast<size_t>(nw), 0.0), sumB(K, 0.0);
    std::vector<double> z(K), delta(K), prev(static_cast<size_t>(P.n_params()));
    std::mt19937_64 rng(seed);
    const double inv_n = 1.0 / double(n);
    SolverReport rep;
    rep.status = 1;
    for (index_t epoch = 0; epoch < max_iter; ++epoch) {
        check_interrupt();
        std::copy(theta, theta + P.n_params(), prev.begin());
        for (index_t it = 0; it < n; ++it) {
            const index_t j = static_cast<index_t>(rng() % static_cast<std::uint64_t>(n));
            const T* x = P.X + j * d;
            for (index_t k = 0; k < K; ++k) {
                double s = b ? b[k] : 0.0;
                const double* w = W + k * d;
                for (index_t f = 0; f < d; ++f) s += w[f] * double(x[f]);
                z[k] = s;
            }
            const std::int32_t yj = P.y[j];
            logistic_detail::row_probabilities<false>(K, yj, z.data());
            if (binary)
                z[0] -= yj == 1 ? 1.0 : 0.0;
            else
                z[yj] -= 1.0;
            const double sj = scale * weight(j);
            double* ej = table.data() + j * K;
            for (index_t k = 0; k < K; ++k) {
                z[k] *= sj;                 // e_j new
                delta[k] = z[k] - ej[k];    // e_j new − e_j old
            }
            for (index_t k = 0; k < K; ++k) {
                double* w = W + k * d;
                double* g = sumG.data() + k * d;
                const double dk = delta[k];
                for (index_t f = 0; f < d; ++f) {
                    const double xf = double(x[f]);
                    double v = w[f] - step * (dk * xf + g[f] * inv_n + P.l2 * w[f]);
                    if (shrink > 0) v = v > shrink ? v - shrink : (v < -shrink ? v + shrink : 0.0);
                    w[f] = v;
                    g[f] += dk * xf;
                }
                if (b) b[k] -= step * (dk + sumB[k] * inv_n);
                sumB[k] += dk;
                ej[k] = z[k];
            }
        }
        double change = 0.0, size = 0.0;
        bool finite = true;
        for (index_t q = 0; q < P.n_params(); ++q) {
            finite = finite && std::isfinite(theta[q]);
            change = std::max(change, std::abs(theta[q] - prev[q]));
            size = std::max(size, std::abs(theta[q]));
        }
        require(finite, "logistic_saga: the weights became non-finite; scale the data");
        rep.n_iter = epoch + 1;
        if (change <= tol * size) {
            rep.status = 0;
            break;
        }
    }
    rep.loss = logistic_loss_grad<T>(P, theta, nullptr);
    return rep;
}

template SolverReport logistic_saga<float>(const LogisticProblem<float>&, double, double*, index_t,
                                           double, std::uint64_t);
template SolverReport logistic_saga<double>(const LogisticProblem<double>&, double, double*,
                                            index_t, double, std::uint64_t);

}  // namespace scratchlearn
