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
#include <functional>
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


// ‖w̃‖₁ + Σ C_i·max(0, b_i)², b_i = 1 − y_i w̃ᵀx̃_i, one feature at a time (the bias feature last),
// in a random order per sweep. For feature j, over the rows with b_i > 0: the loss's gradient
// G = −2 Σ C_i y_i x_ij b_i and curvature H = 2 Σ C_i x_ij²; the Newton step of the
// one-dimensional problem with the |w_j| term (G ± 1), then a backtracking line search on the
// true objective, skipped when the quadratic upper bound Σ C_i x_ij²·d² already proves the
// decrease. Features at 0 whose subgradient range holds 0 well inside are shrunk; the run stops
// when the summed violation falls below tol times its first sweep's.
template <class T>
long long l1_svc(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                 const LinearSvmParams& p, double bias, double* w) {
    const index_t m = d + (bias != 0.0 ? 1 : 0);  // features, with the bias feature
    // Feature-major copy: column j of the augmented X, contiguous.
    std::vector<double> XC(std::size_t(m) * std::size_t(n));
    for (index_t i = 0; i < n; ++i) {
        const T* x = X + i * d;
        for (index_t t = 0; t < d; ++t) XC[t * n + i] = double(x[t]);
        if (m > d) XC[d * n + i] = bias;
    }
    std::vector<double> b(n, 1.0), xj_sq(m, 0.0), wj(m, 0.0);
    for (index_t j = 0; j < m; ++j) {
        const double* c = XC.data() + j * n;
        double s = 0;
        for (index_t i = 0; i < n; ++i) s += Cw[i] * c[i] * c[i];
        xj_sq[j] = s;
    }
    std::vector<index_t> index(m);
    std::iota(index.begin(), index.end(), index_t(0));
    std::mt19937_64 gen(p.seed);
    // liblinear's tolerance of its primal solvers: tol·max(min(#pos, #neg), 1)/n.
    index_t n_pos = 0;
    for (index_t i = 0; i < n; ++i) n_pos += y[i] > 0;
    const double tol = p.tol * double(std::max<index_t>(std::min(n_pos, n - n_pos), 1)) / double(n);
    constexpr double sigma = 0.01;
    constexpr int max_ls = 20;
    double gmax_old = kInf, gnorm1_init = -1.0;
    index_t active = m;
    long long iter = 0;
    while (iter < p.max_iter) {
        double gmax_new = 0, gnorm1 = 0;
        for (index_t s = 0; s < active; ++s)
            std::swap(index[s], index[s + index_t(gen() % std::uint64_t(active - s))]);
        for (index_t s = 0; s < active; ++s) {
            const index_t j = index[s];
            const double* c = XC.data() + j * n;
            double G = 0, H = 0;
            for (index_t i = 0; i < n; ++i) {
                if (b[i] <= 0 || c[i] == 0) continue;
                const double tmp = Cw[i] * y[i] * c[i];
                G -= tmp * b[i];
                H += tmp * y[i] * c[i];
            }
            G *= 2;
            H = std::max(2 * H, 1e-12);
            const double Gp = G + 1, Gn = G - 1;
            double viol = 0;
            if (wj[j] == 0) {
                if (Gp < 0)
                    viol = -Gp;
                else if (Gn > 0)
                    viol = Gn;
                else if (Gp > gmax_old / double(n) && Gn < -gmax_old / double(n)) {
                    --active;
                    std::swap(index[s], index[active]);
                    --s;
                    continue;
                }
            } else {
                viol = wj[j] > 0 ? std::fabs(Gp) : std::fabs(Gn);
            }
            gmax_new = std::max(gmax_new, viol);
            gnorm1 += viol;
            double dlt;
            if (Gp < H * wj[j])
                dlt = -Gp / H;
            else if (Gn > H * wj[j])
                dlt = -Gn / H;
            else
                dlt = -wj[j];
            if (std::fabs(dlt) < 1e-12) continue;
            double delta = std::fabs(wj[j] + dlt) - std::fabs(wj[j]) + G * dlt;
            double d_old = 0, loss_old = -1;
            for (int ls = 0; ls < max_ls; ++ls) {
                const double d_diff = d_old - dlt;
                const double cond = std::fabs(wj[j] + dlt) - std::fabs(wj[j]) - sigma * delta;
                if (xj_sq[j] * dlt * dlt + G * dlt + cond <= 0) {  // the bound proves the decrease
                    for (index_t i = 0; i < n; ++i)
                        if (c[i] != 0) b[i] += d_diff * y[i] * c[i];
                    break;
                }
                if (loss_old < 0) {
                    loss_old = 0;
                    for (index_t i = 0; i < n; ++i)
                        if (b[i] > 0) loss_old += Cw[i] * b[i] * b[i];
                }
                double loss_new = 0;
                for (index_t i = 0; i < n; ++i) {
                    if (c[i] != 0) b[i] += d_diff * y[i] * c[i];
                    if (b[i] > 0) loss_new += Cw[i] * b[i] * b[i];
                }
                if (cond + loss_new - loss_old <= 0) break;
                d_old = dlt;
                dlt *= 0.5;
                delta *= 0.5;
                if (ls == max_ls - 1) {  // no decrease found: undo the last trial
                    for (index_t i = 0; i < n; ++i)
                        if (c[i] != 0) b[i] += d_old * y[i] * c[i];
                    dlt = 0;
                }
            }
            wj[j] += dlt;
        }
        ++iter;
        if (gnorm1_init < 0) gnorm1_init = gnorm1;
        if (gnorm1 <= tol * gnorm1_init) {
            if (active == m) break;
            active = m;
            gmax_old = kInf;
            continue;
        }
        gmax_old = gmax_new;
    }
    for (index_t t = 0; t < d; ++t) w[t] = wj[t];
    w[d] = m > d ? wj[d] : 0.0;
    return iter;
}

// Crammer & Singer's multi-class SVM, min ½Σ_m ‖w̃_m‖² + Σ_i C_i·max(0, max_{m≠y_i}(1 + w̃_mᵀx̃_i −
// w̃_{y_i}ᵀx̃_i)), by the sequential dual method (Keerthi, Sundararajan, Chang, Hsieh & Lin 2008;
// liblinear's MCSVM_CS): one sample's k dual variables at a time (Σ_m α_i^m = 0,
// α_i^m <= C_i·[m = y_i]), each subproblem solved exactly by sorting; classes of a sample whose
// variables sit at their bound with a gradient below the others' are shrunk, and samples with one
// class left are set aside until the next check on everything. Stops when the largest spread of a
// sample's gradients is below tol.
template <class T>
long long crammer_singer(const T* X, index_t n, index_t d, const int* y, int k, const double* Ci,
                         const LinearSvmParams& p, double bias, double* W) {
    const index_t m = d + (bias != 0.0 ? 1 : 0);
    std::vector<double> w(std::size_t(m) * k, 0.0);  // w[f·k + c]
    std::vector<double> alpha(std::size_t(n) * k, 0.0), QD(n);
    std::vector<int> aidx(std::size_t(n) * k), active_i(n, k), yidx(n);
    std::vector<index_t> index(n);
    for (index_t i = 0; i < n; ++i) {
        const T* x = X + i * d;
        double s = bias * bias;
        for (index_t t = 0; t < d; ++t) s += double(x[t]) * double(x[t]);
        QD[i] = s;
        for (int c = 0; c < k; ++c) aidx[i * k + c] = c;
        yidx[i] = y[i];
        index[i] = i;
    }
    auto feat = [&](const T* x, index_t f) { return f < d ? double(x[f]) : bias; };
    std::vector<double> G(k), B(k), D(k), anew(k), dval(k);
    std::vector<int> dind(k);
    std::mt19937_64 gen(p.seed);
    const double eps = p.tol;
    double eps_shrink = std::max(10.0 * eps, 1.0);
    bool start_from_all = true;
    index_t active = n;
    long long iter = 0;
    while (iter < p.max_iter) {
        double stopping = -kInf;
        for (index_t s = 0; s < active; ++s)
            std::swap(index[s], index[s + index_t(gen() % std::uint64_t(active - s))]);
        for (index_t s = 0; s < active; ++s) {
            const index_t i = index[s];
            const double Ai = QD[i];
            double* al = alpha.data() + i * k;
            int* ai = aidx.data() + i * k;
            int& na = active_i[i];
            int& yi = yidx[i];
            const T* x = X + i * d;
            const double Cy = Ci[i];
            if (Ai > 0) {
                for (int c = 0; c < na; ++c) G[c] = 1;
                if (yi < na) G[yi] = 0;
                for (index_t f = 0; f < m; ++f) {
                    const double v = feat(x, f);
                    if (v == 0) continue;
                    const double* wf = w.data() + f * k;
                    for (int c = 0; c < na; ++c) G[c] += wf[ai[c]] * v;
                }
                double minG = kInf, maxG = -kInf;
                for (int c = 0; c < na; ++c) {
                    if (al[ai[c]] < 0 && G[c] < minG) minG = G[c];
                    if (G[c] > maxG) maxG = G[c];
                }
                if (yi < na && al[y[i]] < Cy && G[yi] < minG) minG = G[yi];
                auto shrunk = [&](int c) {
                    const double bound = c == yi ? Cy : 0.0;
                    return al[ai[c]] == bound && G[c] < minG;
                };
                for (int c = 0; c < na; ++c) {
                    if (!shrunk(c)) continue;
                    --na;
                    while (na > c) {
                        if (!shrunk(na)) {
                            std::swap(ai[c], ai[na]);
                            std::swap(G[c], G[na]);
                            if (yi == na) yi = c;
                            else if (yi == c) yi = na;
                            break;
                        }
                        --na;
                    }
                }
                if (na <= 1) {
                    --active;
                    std::swap(index[s], index[active]);
                    --s;
                    continue;
                }
                if (maxG - minG <= 1e-12) continue;
                stopping = std::max(stopping, maxG - minG);
                for (int c = 0; c < na; ++c) B[c] = G[c] - Ai * al[ai[c]];
                // The subproblem: α_new[c] = min(bound_c, (β − B[c]) / A_i) with β from the sorted
                // values D (B with A_i·C added at y_i).
                for (int c = 0; c < na; ++c) D[c] = B[c];
                if (yi < na) D[yi] += Ai * Cy;
                std::sort(D.begin(), D.begin() + na, std::greater<double>());
                double beta = D[0] - Ai * Cy;
                int r = 1;
                for (; r < na && beta < double(r) * D[r]; ++r) beta += D[r];
                beta /= double(r);
                for (int c = 0; c < na; ++c) {
                    const double v = (beta - B[c]) / Ai;
                    anew[c] = c == yi ? std::min(Cy, v) : std::min(0.0, v);
                }
                int nz = 0;
                for (int c = 0; c < na; ++c) {
                    const double dv = anew[c] - al[ai[c]];
                    al[ai[c]] = anew[c];
                    if (std::fabs(dv) >= 1e-12) {
                        dind[nz] = ai[c];
                        dval[nz] = dv;
                        ++nz;
                    }
                }
                for (index_t f = 0; f < m; ++f) {
                    const double v = feat(x, f);
                    if (v == 0) continue;
                    double* wf = w.data() + f * k;
                    for (int z = 0; z < nz; ++z) wf[dind[z]] += dval[z] * v;
                }
            }
        }
        ++iter;
        if (stopping < eps_shrink) {
            if (stopping < eps && start_from_all) break;
            active = n;
            for (index_t i = 0; i < n; ++i) active_i[i] = k;
            eps_shrink = std::max(eps_shrink / 2, eps);
            start_from_all = true;
        } else {
            start_from_all = false;
        }
    }
    for (int c = 0; c < k; ++c) {
        for (index_t f = 0; f < d; ++f) W[c * (d + 1) + f] = w[f * k + c];
        W[c * (d + 1) + d] = m > d ? w[d * k + c] : 0.0;
    }
    return iter;
}

}  // namespace

template <class T>
long long linear_svm_cs_fit(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                            int n_class, const LinearSvmParams& p, double* W) {
    require(n >= 1 && d >= 1, "linear svm: X must have at least one sample and one feature");
    require(n_class >= 2, "linear svm: crammer_singer needs at least two classes");
    std::vector<int> yc(n);
    for (index_t i = 0; i < n; ++i) {
        require(Cw[i] > 0, "linear svm: per-sample C must be positive");
        require(y[i] >= 0 && y[i] < n_class && y[i] == std::floor(y[i]), "linear svm: class codes must be 0 .. n_class - 1");
        yc[i] = int(y[i]);
    }
    const double b = p.fit_intercept ? p.intercept_scaling : 0.0;
    return crammer_singer(X, n, d, yc.data(), n_class, Cw, p, b, W);
}

template long long linear_svm_cs_fit<float>(const float*, index_t, index_t, const double*, const double*, int,
                                            const LinearSvmParams&, double*);
template long long linear_svm_cs_fit<double>(const double*, index_t, index_t, const double*, const double*, int,
                                             const LinearSvmParams&, double*);

template <class T>
long long linear_svm_fit(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                         const LinearSvmParams& p, bool dual, double* w) {
    require(n >= 1 && d >= 1, "linear svm: X must have at least one sample and one feature");
    for (index_t i = 0; i < n; ++i) require(Cw[i] > 0, "linear svm: per-sample C must be positive");
    std::fill(w, w + d + 1, 0.0);
    const double b = p.fit_intercept ? p.intercept_scaling : 0.0;
    const bool cls = is_classification(p.loss);
    if (p.l1_penalty) {
        require(!dual && p.loss == LinearSvmLoss::squared_hinge,
                "linear svm: the l1 penalty needs the squared hinge loss and the primal problem");
        return l1_svc(X, n, d, y, Cw, p, b, w);
    }
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
