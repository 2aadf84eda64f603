// Linear SVMs: dual coordinate descent (Hsieh, Chang, Lin, Keerthi & Sundararajan 2008; Ho & Lin
// 2012 for regression) and, for the squared losses, the primal by L-BFGS.
//
// Classification, dual:  min_α ½αᵀQ̄α − eᵀα,  0 <= α_i <= U_i,  Q̄ = Q + D,  Q_ij = y_i y_j x̃_iᵀx̃_j,
// hinge: U_i = C_i, D_ii = 0; squared hinge: U_i = ∞, D_ii = 1/(2C_i). One coordinate at a time in
// a random order: G = y_i wᵀx̃_i − 1 + D_ii α_i, α_i ← clip(α_i − G/Q̄_ii), w += Δα_i y_i x̃_i. A
// variable at a bound whose projected gradient points outward beyond last epoch's extremes is
// shrunk; the run stops when max PG − min PG <= tol on the whole set.
// Regression, dual: β_i ∈ [−U_i, U_i] with the ε-insensitive loss's two one-sided gradients
// G ± ε (U_i = C_i, λ = 0; squared: U_i = ∞, λ = 1/(2C_i)); stops when the summed violation falls
// below tol times its first-epoch value.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "scratchlearn/lbfgs.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/svm.hpp"

namespace scratchlearn {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// x̃_i·w for the augmented row (bias feature = b when fit_intercept).
template <class T>
inline double xdot(const T* x, index_t d, const double* w, double b) {
    double s = 0;
    for (index_t t = 0; t < d; ++t) s += double(x[t]) * w[t];
    return s + b * w[d];
}

template <class T>
inline void axpy_row(double a, const T* x, index_t d, double b, double* w) {
    for (index_t t = 0; t < d; ++t) w[t] += a * double(x[t]);
    w[d] += a * b;
}

bool is_classification(LinearSvmLoss l) {
    return l == LinearSvmLoss::hinge || l == LinearSvmLoss::squared_hinge;
}

template <class T>
long long dual_svc(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                   const LinearSvmParams& p, double b, double* w) {
    const bool l1 = p.loss == LinearSvmLoss::hinge;
    std::vector<double> alpha(n, 0.0), QD(n), U(n), D(n);
    std::vector<index_t> index(n);
    for (index_t i = 0; i < n; ++i) {
        U[i] = l1 ? Cw[i] : kInf;
        D[i] = l1 ? 0.0 : 0.5 / Cw[i];
        const T* x = X + i * d;
        double s = b * b;
        for (index_t t = 0; t < d; ++t) s += double(x[t]) * double(x[t]);
        QD[i] = s + D[i];
        index[i] = i;
    }
    std::mt19937_64 gen(p.seed);
    double pg_max_old = kInf, pg_min_old = -kInf;
    index_t active = n;
    long long iter = 0;
    while (iter < p.max_iter) {
        check_interrupt();
        double pg_max = -kInf, pg_min = kInf;
        for (index_t s = 0; s < active; ++s)
            std::swap(index[s], index[s + index_t(gen() % std::uint64_t(active - s))]);
        for (index_t s = 0; s < active; ++s) {
            const index_t i = index[s];
            const T* x = X + i * d;
            const double G = y[i] * xdot(x, d, w, b) - 1.0 + D[i] * alpha[i];
            double PG = 0;
            if (alpha[i] == 0) {
                if (G > pg_max_old) {
                    --active;
                    std::swap(index[s], index[active]);
                    --s;
                    continue;
                }
                if (G < 0) PG = G;
            } else if (alpha[i] == U[i]) {
                if (G < pg_min_old) {
                    --active;
                    std::swap(index[s], index[active]);
                    --s;
                    continue;
                }
                if (G > 0) PG = G;
            } else {
                PG = G;
            }
            pg_max = std::max(pg_max, PG);
            pg_min = std::min(pg_min, PG);
            if (std::fabs(PG) > 1e-12) {
                const double old = alpha[i];
                alpha[i] = std::min(std::max(alpha[i] - G / QD[i], 0.0), U[i]);
                axpy_row((alpha[i] - old) * y[i], x, d, b, w);
            }
        }
        ++iter;
        if (pg_max - pg_min <= p.tol) {
            if (active == n) break;
            active = n;
            pg_max_old = kInf;
            pg_min_old = -kInf;
            continue;
        }
        pg_max_old = pg_max <= 0 ? kInf : pg_max;
        pg_min_old = pg_min >= 0 ? -kInf : pg_min;
    }
    return iter;
}

template <class T>
long long dual_svr(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                   const LinearSvmParams& p, double b, double* w) {
    const bool l1 = p.loss == LinearSvmLoss::epsilon_insensitive;
    std::vector<double> beta(n, 0.0), QD(n), U(n), lam(n);
    std::vector<index_t> index(n);
    for (index_t i = 0; i < n; ++i) {
        U[i] = l1 ? Cw[i] : kInf;
        lam[i] = l1 ? 0.0 : 0.5 / Cw[i];
        const T* x = X + i * d;
        double s = b * b;
        for (index_t t = 0; t < d; ++t) s += double(x[t]) * double(x[t]);
        QD[i] = s;
        index[i] = i;
    }
    std::mt19937_64 gen(p.seed);
    double gmax_old = kInf, gnorm1_init = -1.0;
    index_t active = n;
    long long iter = 0;
    const double eps = p.epsilon;
    while (iter < p.max_iter) {
        check_interrupt();
        double gmax = 0, gnorm1 = 0;
        for (index_t s = 0; s < active; ++s)
            std::swap(index[s], index[s + index_t(gen() % std::uint64_t(active - s))]);
        for (index_t s = 0; s < active; ++s) {
            const index_t i = index[s];
            const T* x = X + i * d;
            const double G = -y[i] + lam[i] * beta[i] + xdot(x, d, w, b);
            const double H = QD[i] + lam[i];
            const double Gp = G + eps, Gn = G - eps;
            double viol = 0;
            bool shrink = false;
            if (beta[i] == 0) {
                if (Gp < 0) viol = -Gp;
                else if (Gn > 0) viol = Gn;
                else if (Gp > gmax_old && Gn < -gmax_old) shrink = true;
            } else if (beta[i] >= U[i]) {
                if (Gp > 0) viol = Gp;
                else if (Gp < -gmax_old) shrink = true;
            } else if (beta[i] <= -U[i]) {
                if (Gn < 0) viol = -Gn;
                else if (Gn > gmax_old) shrink = true;
            } else {
                viol = beta[i] > 0 ? std::fabs(Gp) : std::fabs(Gn);
            }
            if (shrink) {
                --active;
                std::swap(index[s], index[active]);
                --s;
                continue;
            }
            gmax = std::max(gmax, viol);
            gnorm1 += viol;
            double step;
            if (Gp < H * beta[i]) step = -Gp / H;
            else if (Gn > H * beta[i]) step = -Gn / H;
            else step = -beta[i];
            if (std::fabs(step) < 1e-12) continue;
            const double old = beta[i];
            beta[i] = std::min(std::max(beta[i] + step, -U[i]), U[i]);
            if (beta[i] != old) axpy_row(beta[i] - old, x, d, b, w);
        }
        if (iter == 0) gnorm1_init = gnorm1;
        ++iter;
        if (gnorm1 <= p.tol * gnorm1_init) {
            if (active == n) break;
            active = n;
            gmax_old = kInf;
            continue;
        }
        gmax_old = gmax;
    }
    return iter;
}

// Primal squared hinge / squared epsilon-insensitive by L-BFGS.
template <class T>
long long primal(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                 const LinearSvmParams& p, double b, double* w) {
    const bool cls = is_classification(p.loss);
    const double eps = p.epsilon;
    auto fun = [&](const double* th, double* g) {
        double f = 0;
        for (index_t t = 0; t <= d; ++t) {
            f += 0.5 * th[t] * th[t];
            g[t] = th[t];
        }
        for (index_t i = 0; i < n; ++i) {
            const T* x = X + i * d;
            const double z = xdot(x, d, th, b);
            double r = 0, coef = 0;
            if (cls) {
                r = 1.0 - y[i] * z;
                if (r > 0) coef = -2.0 * Cw[i] * r * y[i];
            } else {
                const double e = z - y[i];
                r = std::fabs(e) - eps;
                if (r > 0) coef = 2.0 * Cw[i] * r * (e > 0 ? 1.0 : -1.0);
            }
            if (r > 0) {
                f += Cw[i] * r * r;
                axpy_row(coef, x, d, b, g);
            }
        }
        return f;
    };
    // The gradient at w = 0 sets the scale of the stopping rule (relative, as liblinear's).
    std::vector<double> g0(d + 1), zero(d + 1, 0.0);
    fun(zero.data(), g0.data());
    double gmax0 = 0;
    for (double v : g0) gmax0 = std::max(gmax0, std::fabs(v));
    auto res = lbfgs_minimize(d + 1, fun, w, p.max_iter, p.tol * std::max(gmax0, 1e-12));
    return res.n_iter;
}

}  // namespace

template <class T>
long long linear_svm_fit(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                         const LinearSvmParams& p, bool dual, double* w) {
    require(n >= 1 && d >= 1, "linear svm: X must have at least one sample and one feature");
    for (index_t i = 0; i < n; ++i) require(Cw[i] > 0, "linear svm: per-sample C must be positive");
    std::fill(w, w + d + 1, 0.0);
    const double b = p.fit_intercept ? p.intercept_scaling : 0.0;
    const bool cls = is_classification(p.loss);
    if (!dual) {
        require(p.loss == LinearSvmLoss::squared_hinge || p.loss == LinearSvmLoss::squared_epsilon_insensitive,
                "linear svm: the primal problem needs a squared loss");
        return primal(X, n, d, y, Cw, p, b, w);
    }
    return cls ? dual_svc(X, n, d, y, Cw, p, b, w) : dual_svr(X, n, d, y, Cw, p, b, w);
}

template <class T>
void linear_svm_fit_many(const T* X, index_t n, index_t d, index_t k, const double* Y,
                         const double* Cw, const LinearSvmParams& params, bool dual, double* W,
                         long long* n_iter, int n_threads) {
    ExceptionSlot slot;
#pragma omp parallel for num_threads(threads_for(n_threads, k)) schedule(dynamic, 1)
    for (index_t j = 0; j < k; ++j)
        slot.run([&] {
            LinearSvmParams pj = params;
            pj.seed = params.seed + std::uint64_t(j);
            n_iter[j] = linear_svm_fit(X, n, d, Y + j * n, Cw + j * n, pj, dual, W + j * (d + 1));
        });
    slot.rethrow();
}

template void linear_svm_fit_many<float>(const float*, index_t, index_t, index_t, const double*, const double*,
                                         const LinearSvmParams&, bool, double*, long long*, int);
template void linear_svm_fit_many<double>(const double*, index_t, index_t, index_t, const double*, const double*,
                                          const LinearSvmParams&, bool, double*, long long*, int);
template long long linear_svm_fit<float>(const float*, index_t, index_t, const double*, const double*,
                                         const LinearSvmParams&, bool, double*);
template long long linear_svm_fit<double>(const double*, index_t, index_t, const double*, const double*,
                                          const LinearSvmParams&, bool, double*);

}  // namespace scratchlearn
