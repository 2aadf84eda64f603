// Plain SGD for linear models: the per-sample loop. See cpp/include/scratchlearn/sgd.hpp.
#include "scratchlearn/sgd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

namespace {

// w·x and x·x with four independent partial sums each (fixed order: deterministic; no long
// dependency chain in the per-sample loop).
template <class T>
inline void dot_and_sq(const double* w, const T* x, index_t d, double& dot, double& xsq) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    index_t j = 0;
    for (; j + 4 <= d; j += 4) {
        const double x0 = double(x[j]), x1 = double(x[j + 1]), x2 = double(x[j + 2]), x3 = double(x[j + 3]);
        a0 += w[j] * x0;
        a1 += w[j + 1] * x1;
        a2 += w[j + 2] * x2;
        a3 += w[j + 3] * x3;
        q0 += x0 * x0;
        q1 += x1 * x1;
        q2 += x2 * x2;
        q3 += x3 * x3;
    }
    for (; j < d; ++j) {
        const double xj = double(x[j]);
        a0 += w[j] * xj;
        q0 += xj * xj;
    }
    dot = (a0 + a1) + (a2 + a3);
    xsq = (q0 + q1) + (q2 + q3);
}

constexpr index_t kPrefetchAhead = 6;

struct LossEval {
    double loss, grad;  // ℓ(y, p) and ∂ℓ/∂p
};

LossEval eval_loss(SgdLoss kind, double eps, double y, double p) {
    switch (kind) {
        case SgdLoss::Hinge:
        case SgdLoss::Perceptron: {
            const double thr = kind == SgdLoss::Hinge ? 1.0 : 0.0;
            const double z = p * y;
            if (z <= thr) return {thr - z, -y};
            return {0.0, 0.0};
        }
        case SgdLoss::LogLoss: {
            // Binomial log-loss with y ∈ {−1, +1}: log(1 + exp(−y p)).
            const double z = p * y;
            double loss, g;
            if (z > 18.0) {
                loss = std::exp(-z);
                g = -y * std::exp(-z);
            } else if (z < -18.0) {
                loss = -z;
                g = -y;
            } else {
                loss = std::log1p(std::exp(-z));
                g = -y / (std::exp(z) + 1.0);
            }
            return {loss, g};
        }
        case SgdLoss::ModifiedHuber: {
            const double z = p * y;
            if (z >= 1.0) return {0.0, 0.0};
            if (z >= -1.0) return {(1.0 - z) * (1.0 - z), -2.0 * y * (1.0 - z)};
            return {-4.0 * z, -4.0 * y};
        }
        case SgdLoss::SquaredHinge: {
            const double z = 1.0 - p * y;
            if (z > 0) return {z * z, -2.0 * y * z};
            return {0.0, 0.0};
        }
        case SgdLoss::SquaredError: {
            const double r = p - y;
            return {0.5 * r * r, r};
        }
        case SgdLoss::Huber: {
            const double r = p - y;
            const double a = std::abs(r);
            if (a <= eps) return {0.5 * r * r, r};
            return {eps * a - 0.5 * eps * eps, r > 0 ? eps : -eps};
        }
        case SgdLoss::EpsilonInsensitive: {
            const double r = y - p;
            const double loss = std::max(0.0, std::abs(r) - eps);
            if (r > eps) return {loss, -1.0};
            if (-r > eps) return {loss, 1.0};
            return {loss, 0.0};
        }
        case SgdLoss::SquaredEpsilonInsensitive: {
            const double r = y - p;
            const double z = std::abs(r) - eps;
            const double loss = z > 0 ? z * z : 0.0;
            if (r > eps) return {loss, -2.0 * (r - eps)};
            if (-r > eps) return {loss, 2.0 * (-r - eps)};
            return {loss, 0.0};
        }
    }
    return {0.0, 0.0};
}

template <class T>
double validation_score(index_t n, index_t d, const T* X, const double* y, const double* sw,
                        const std::uint8_t* val, const double* w, double wscale, double b,
                        bool classification) {
    double num = 0, den = 0, sum_w = 0, sum_wy = 0;
    std::vector<double> pred;
    std::vector<index_t> rows;
    for (index_t i = 0; i < n; ++i) {
        if (!val[i]) continue;
        const T* x = X + i * d;
        double s = 0;
        for (index_t j = 0; j < d; ++j) s += w[j] * double(x[j]);
        const double p = wscale * s + b;
        const double wi = sw[i];
        if (classification) {
            num += wi * (((p > 0) ? 1.0 : -1.0) == (y[i] > 0 ? 1.0 : -1.0) ? 1.0 : 0.0);
            den += wi;
        } else {
            pred.push_back(p);
            rows.push_back(i);
            sum_w += wi;
            sum_wy += wi * y[i];
        }
    }
    if (classification) return den > 0 ? num / den : 0.0;
    if (sum_w <= 0) return 0.0;
    const double mean = sum_wy / sum_w;
    double ss_res = 0, ss_tot = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
        const index_t i = rows[r];
        ss_res += sw[i] * (y[i] - pred[r]) * (y[i] - pred[r]);
        ss_tot += sw[i] * (y[i] - mean) * (y[i] - mean);
    }
    if (ss_tot == 0) return ss_res == 0 ? 1.0 : 0.0;
    return 1.0 - ss_res / ss_tot;
}

template <class T>
bool sgd_one(index_t n, index_t d, const T* X, const double* y, const double* sw,
             const std::uint8_t* val, double weight_pos, double weight_neg, std::uint64_t seed,
             const SgdOptions& P, double* w, double& b, double* wa, double* ba,
             index_t& epochs_out) {
    std::mt19937_64 rng(seed);
    std::vector<index_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    const bool l1_on = P.penalty == SgdPenalty::L1 || P.penalty == SgdPenalty::ElasticNet;
    const double l1_ratio = P.penalty == SgdPenalty::L2 ? 0.0 : (P.penalty == SgdPenalty::L1 ? 1.0 : P.l1_ratio);
    std::vector<double> q(l1_on ? d : 0, 0.0);
    double u = 0.0;
    double wscale = 1.0;
    double sq_norm = 0.0;
    for (index_t j = 0; j < d; ++j) sq_norm += w[j] * w[j];
    double t = P.t_start;
    double eta = P.eta0;
    double optimal_init = 0.0;
    if (P.learning_rate == SgdRate::Optimal) {
        const double typw = std::sqrt(1.0 / std::sqrt(P.alpha));
        const double g = eval_loss(P.loss, P.epsilon, 1.0, -typw).grad;
        const double initial_eta0 = typw / std::max(1.0, g);
        optimal_init = 1.0 / (initial_eta0 * P.alpha);
    }
    index_t train_count = 0;
    for (index_t i = 0; i < n; ++i) train_count += (val && val[i]) ? 0 : 1;
    if (train_count == 0) train_count = 1;
    double best_objective = std::numeric_limits<double>::infinity();
    double best_score = -std::numeric_limits<double>::infinity();
    index_t no_improvement = 0;
    const bool check_tol = P.tol > -1e300;
    index_t epoch = 0;
    bool finite = true;
    auto reset_scale = [&]() {
        for (index_t j = 0; j < d; ++j) w[j] *= wscale;
        wscale = 1.0;
    };
    for (epoch = 0; epoch < P.max_iter; ++epoch) {
        check_interrupt();
        double objective_sum = 0.0;
        if (P.shuffle) {
            for (index_t i = n - 1; i > 0; --i) {
                const index_t j = static_cast<index_t>(rng() % static_cast<std::uint64_t>(i + 1));
                std::swap(order[i], order[j]);
            }
        }
        for (index_t r = 0; r < n; ++r) {
            const index_t i = order[r];
#if defined(__GNUC__)
            // Shuffled rows are random memory accesses: fetch a row a few samples ahead.
            if (r + kPrefetchAhead < n) {
                const char* ahead = reinterpret_cast<const char*>(X + order[r + kPrefetchAhead] * d);
                const index_t bytes = d * index_t(sizeof(T));
                for (index_t off = 0; off < bytes; off += 64) __builtin_prefetch(ahead + off, 0, 1);
            }
#endif
            if (val && val[i]) continue;
            const T* x = X + i * d;
            double dot, xsq;
            dot_and_sq(w, x, d, dot, xsq);
            const double p = wscale * dot + b;
            if (P.learning_rate == SgdRate::Optimal)
                eta = 1.0 / (P.alpha * (optimal_init + t - 1.0));
            else if (P.learning_rate == SgdRate::InvScaling)
                eta = P.eta0 / std::pow(t, P.power_t);
            const double yi = y[i];
            const LossEval le = eval_loss(P.loss, P.epsilon, yi, p);
            if (!P.early_stopping) {
                objective_sum += le.loss;
                if (P.penalty != SgdPenalty::None) {
                    double l1n = 0.0;
                    if (l1_on) {
                        double s2 = 0.0;
                        for (index_t j = 0; j < d; ++j) {
                            l1n += std::abs(w[j]);
                            s2 += w[j] * w[j];
                        }
                        l1n *= std::abs(wscale);
                        sq_norm = s2 * wscale * wscale;
                    }
                    objective_sum += P.alpha * ((1.0 - l1_ratio) * 0.5 * sq_norm + l1_ratio * l1n);
                }
            }
            const double class_weight = yi > 0.0 ? weight_pos : weight_neg;
            double dloss = std::min(1e12, std::max(-1e12, le.grad));
            double update = -eta * dloss * class_weight * sw[i];
            if (P.penalty == SgdPenalty::L2 || P.penalty == SgdPenalty::ElasticNet) {
                const double c = std::max(0.0, 1.0 - (1.0 - l1_ratio) * eta * P.alpha);
                wscale *= c;
                sq_norm *= c * c;
                if (wscale < 1e-9) reset_scale();
            }
            if (update != 0.0) {
                const double step = update / wscale;
                for (index_t j = 0; j < d; ++j) w[j] += step * double(x[j]);
                sq_norm += xsq * update * update + 2.0 * dot * wscale * update;
            }
            if (P.fit_intercept && update != 0.0) b += update;  // intercept decay 1 for dense data
            if (P.average > 0.0 && P.average <= t) {
                // The running mean of the weights after this update (before the L1 clipping).
                const double c = 1.0 / (t - P.average + 1.0);
                for (index_t j = 0; j < d; ++j) wa[j] += (wscale * w[j] - wa[j]) * c;
                *ba += (b - *ba) * c;
            }
            if (l1_on) {
                u += l1_ratio * eta * P.alpha;
                for (index_t j = 0; j < d; ++j) {
                    const double z = w[j];
                    if (wscale * z > 0.0)
                        w[j] = std::max(0.0, w[j] - (u + q[j]) / wscale);
                    else if (wscale * z < 0.0)
                        w[j] = std::min(0.0, w[j] + (u - q[j]) / wscale);
                    q[j] += wscale * (w[j] - z);
                }
            }
            t += 1.0;
        }
        for (index_t j = 0; j < d && finite; ++j) finite = std::isfinite(w[j]);
        if (!std::isfinite(b)) finite = false;
        if (!finite) break;
        if (P.early_stopping) {
            const double score = validation_score(n, d, X, y, sw, val, w, wscale, b, P.classification);
            if (check_tol && score < best_score + P.tol)
                ++no_improvement;
            else
                no_improvement = 0;
            if (score > best_score) best_score = score;
        } else {
            const double obj = objective_sum / double(train_count);
            if (check_tol && obj > best_objective - P.tol)
                ++no_improvement;
            else
                no_improvement = 0;
            if (obj < best_objective) best_objective = obj;
        }
        if (no_improvement >= P.n_iter_no_change) {
            if (P.learning_rate == SgdRate::Adaptive && eta > 1e-6) {
                eta /= 5.0;
                no_improvement = 0;
            } else {
                ++epoch;
                break;
            }
        }
    }
    reset_scale();
    epochs_out = finite ? epoch : epoch + 1;
    return finite;
}

}  // namespace

template <class T>
bool sgd_fit(index_t n, index_t d, const T* X, index_t K, const double* Y, const double* sw,
             const std::uint8_t* val, const double* wpos, const double* wneg,
             const std::uint64_t* seeds, const SgdOptions& params, double* W, double* b,
             double* Wa, double* ba, index_t* epochs, int n_threads) {
    require(n >= 1 && d >= 1 && K >= 1, "sgd_fit: empty problem");
    require(params.max_iter >= 1, "sgd_fit: max_iter must be >= 1");
    require(int(params.loss) >= 0 && int(params.loss) <= int(SgdLoss::SquaredEpsilonInsensitive),
            "sgd_fit: unknown loss");
    require(int(params.penalty) >= 0 && int(params.penalty) <= int(SgdPenalty::ElasticNet),
            "sgd_fit: unknown penalty");
    require(int(params.learning_rate) >= 0 && int(params.learning_rate) <= int(SgdRate::Adaptive),
            "sgd_fit: unknown learning rate");
    require(params.average >= 0.0, "sgd_fit: average must be >= 0");
    require(params.average <= 0.0 || (Wa != nullptr && ba != nullptr),
            "sgd_fit: averaging needs the averaged weights");
    std::vector<char> ok(K, 1);
    ExceptionSlot slot;
    const int nt = threads_for(n_threads, K);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t k = 0; k < K; ++k) {
        slot.run([&] {
            ok[k] = sgd_one<T>(n, d, X, Y + k * n, sw, val, wpos[k], wneg[k], seeds[k], params,
                               W + k * d, b[k], params.average > 0.0 ? Wa + k * d : nullptr,
                               params.average > 0.0 ? ba + k : nullptr, epochs[k]) ? 1 : 0;
        });
    }
    slot.rethrow();
    for (index_t k = 0; k < K; ++k)
        if (!ok[k]) return false;
    return true;
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                                  \
    template bool sgd_fit<T>(index_t, index_t, const T*, index_t, const double*, const double*,      \
                             const std::uint8_t*, const double*, const double*, const std::uint64_t*, \
                             const SgdOptions&, double*, double*, double*, double*, index_t*, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
