// A limited-memory BFGS minimiser with a line search satisfying the strong Wolfe conditions.
//
// Unconstrained, for smooth objectives given as f(θ, ∇f) → value. The direction is the classic
// two-loop recursion over the last `memory` pairs (s, y) with H₀ = sᵀy / yᵀy; the step length
// satisfies f(θ+αp) ≤ f(θ) + c₁α∇fᵀp and |∇f(θ+αp)ᵀp| ≤ c₂|∇fᵀp| (bracketing, then zoom by
// safeguarded cubic interpolation, Nocedal & Wright, Numerical Optimization, Algorithms 3.5–3.6).
// Stopping rules follow the usual L-BFGS conventions: max|∇f| ≤ gtol, or a relative decrease
// (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol, or max_iter iterations.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

struct LbfgsResult {
    std::ptrdiff_t n_iter = 0;
    int status = 0;  // 0 converged, 1 max_iter reached, 2 line search failed
    double f = 0.0;
    std::ptrdiff_t n_evals = 0;  // objective/gradient evaluations
};

namespace lbfgs_detail {

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

inline double max_abs(const std::vector<double>& a) {
    double m = 0.0;
    for (double v : a) m = std::max(m, std::abs(v));
    return m;
}

// Minimiser of the cubic interpolating (a, fa, ga), (b, fb, gb), or the midpoint when it is not usable.
inline double cubic_min(double a, double fa, double ga, double b, double fb, double gb) {
    const double d1 = ga + gb - 3.0 * (fa - fb) / (a - b);
    const double disc = d1 * d1 - ga * gb;
    if (disc < 0 || !std::isfinite(disc)) return 0.5 * (a + b);
    const double d2 = (b > a ? 1.0 : -1.0) * std::sqrt(disc);
    const double denom = gb - ga + 2.0 * d2;
    if (denom == 0.0 || !std::isfinite(denom)) return 0.5 * (a + b);
    const double t = b - (b - a) * (gb + d2 - d1) / denom;
    return std::isfinite(t) ? t : 0.5 * (a + b);
}

}  // namespace lbfgs_detail

template <class F>
LbfgsResult lbfgs_minimize(std::ptrdiff_t n, F&& fun, double* theta, std::ptrdiff_t max_iter,
                           double gtol, double ftol = 64 * std::numeric_limits<double>::epsilon(),
                           int memory = 10, int max_ls = 50) {
    using namespace lbfgs_detail;
    const size_t N = static_cast<size_t>(n);
    std::vector<double> x(theta, theta + n), g(N), p(N), xt(N), gt(N), q(N);
    std::vector<std::vector<double>> S, Y;
    std::vector<double> rho;
    LbfgsResult res;
    std::ptrdiff_t n_evals = 1;
    double f = fun(x.data(), g.data());
    res.f = f;
    if (max_abs(g) <= gtol) {
        std::copy(x.begin(), x.end(), theta);
        return res;
    }
    const double c1 = 1e-4, c2 = 0.9;
    for (std::ptrdiff_t it = 0; it < max_iter; ++it) {
        check_interrupt();
        // Two-loop recursion: p = −H∇f.
        q = g;
        const size_t m = S.size();
        std::vector<double> a(m);
        for (size_t j = m; j-- > 0;) {
            a[j] = rho[j] * dot(S[j], q);
            for (size_t i = 0; i < N; ++i) q[i] -= a[j] * Y[j][i];
        }
        double gamma = 1.0;
        if (m > 0) gamma = dot(S[m - 1], Y[m - 1]) / dot(Y[m - 1], Y[m - 1]);
        for (size_t i = 0; i < N; ++i) q[i] *= gamma;
        for (size_t j = 0; j < m; ++j) {
            const double b = rho[j] * dot(Y[j], q);
            for (size_t i = 0; i < N; ++i) q[i] += (a[j] - b) * S[j][i];
        }
        for (size_t i = 0; i < N; ++i) p[i] = -q[i];
        double dphi0 = dot(g, p);
        if (!(dphi0 < 0)) {  // not a descent direction: restart from steepest descent
            S.clear();
            Y.clear();
            rho.clear();
            for (size_t i = 0; i < N; ++i) p[i] = -g[i];
            dphi0 = dot(g, p);
        }
        double alpha = 1.0;
        if (m == 0) alpha = std::min(1.0, 1.0 / std::sqrt(dot(g, g)));

        // Strong-Wolfe line search.
        auto eval = [&](double t, double& ft, double& dt) {
            for (size_t i = 0; i < N; ++i) xt[i] = x[i] + t * p[i];
            ft = fun(xt.data(), gt.data());
            dt = dot(gt, p);
            ++n_evals;
        };
        const double f0 = f;
        double a_prev = 0.0, f_prev = f0, d_prev = dphi0;
        double ft = 0, dt = 0;
        bool found = false;
        int evals = 0;
        double lo = 0, hi = 0, flo = 0, dlo = 0, fhi = 0, dhi = 0;
        bool zoom = false;
        while (evals < max_ls) {
            eval(alpha, ft, dt);
            ++evals;
            if (!std::isfinite(ft) || ft > f0 + c1 * alpha * dphi0 || (evals > 1 && ft >= f_prev)) {
                lo = a_prev; flo = f_prev; dlo = d_prev;
                hi = alpha; fhi = ft; dhi = dt;
                zoom = true;
                break;
            }
            if (std::abs(dt) <= -c2 * dphi0) {
                found = true;
                break;
            }
            if (dt >= 0) {
                lo = alpha; flo = ft; dlo = dt;
                hi = a_prev; fhi = f_prev; dhi = d_prev;
                zoom = true;
                break;
            }
            a_prev = alpha; f_prev = ft; d_prev = dt;
            alpha *= 4.0;
        }
        if (zoom) {
            while (evals < max_ls) {
                double t;
                if (std::isfinite(fhi) && std::isfinite(dhi))
                    t = cubic_min(lo, flo, dlo, hi, fhi, dhi);
                else
                    t = 0.5 * (lo + hi);
                const double span = hi - lo;
                const double a_min = std::min(lo, hi) + 0.1 * std::abs(span);
                const double a_max = std::max(lo, hi) - 0.1 * std::abs(span);
                if (!(t >= a_min && t <= a_max)) t = 0.5 * (lo + hi);
                alpha = t;
                eval(alpha, ft, dt);
                ++evals;
                if (!std::isfinite(ft) || ft > f0 + c1 * alpha * dphi0 || ft >= flo) {
                    hi = alpha; fhi = ft; dhi = dt;
                } else {
                    if (std::abs(dt) <= -c2 * dphi0) {
                        found = true;
                        break;
                    }
                    if (dt * (hi - lo) >= 0) {
                        hi = lo; fhi = flo; dhi = dlo;
                    }
                    lo = alpha; flo = ft; dlo = dt;
                }
                if (std::abs(hi - lo) * std::sqrt(dot(p, p)) < 1e-16 * (1.0 + std::sqrt(dot(x, x)))) break;
            }
            if (!found && lo > 0 && flo < f0) {
                // Accept the best sufficient-decrease point of the bracket.
                alpha = lo;
                eval(alpha, ft, dt);
                found = ft <= f0 + c1 * alpha * dphi0;
            }
        }
        if (!found) {
            res.status = 2;
            res.n_iter = it;
            break;
        }
        // Update the memory.
        std::vector<double> s(N), yv(N);
        for (size_t i = 0; i < N; ++i) {
            s[i] = xt[i] - x[i];
            yv[i] = gt[i] - g[i];
        }
        const double sy = dot(s, yv);
        if (sy > 1e-16 * dot(yv, yv)) {
            if (static_cast<int>(S.size()) == memory) {
                S.erase(S.begin());
                Y.erase(Y.begin());
                rho.erase(rho.begin());
            }
            S.push_back(std::move(s));
            Y.push_back(std::move(yv));
            rho.push_back(1.0 / sy);
        }
        x.swap(xt);
        g.swap(gt);
        const double f_old = f;
        f = ft;
        res.n_iter = it + 1;
        res.f = f;
        if (max_abs(g) <= gtol) {
            res.status = 0;
            break;
        }
        if ((f_old - f) / std::max({std::abs(f_old), std::abs(f), 1.0}) <= ftol) {
            res.status = 0;
            break;
        }
        if (it + 1 == max_iter) res.status = 1;
    }
    if (max_iter <= 0 && max_abs(g) > gtol) res.status = 1;
    std::copy(x.begin(), x.end(), theta);
    res.f = f;
    res.n_evals = n_evals;
    return res;
}

}  // namespace scratchlearn
