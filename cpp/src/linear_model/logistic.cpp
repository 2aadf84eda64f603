// Logistic regression: objective, gradient and Hessian in row blocks on the GEMM, and the two
// solvers (L-BFGS from lbfgs.hpp, Newton with a Cholesky solve of the GEMM-built Hessian).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "scratchlearn/lbfgs.hpp"
#include "scratchlearn/linear_model.hpp"
#include "logistic_row.hpp"
#include "scratchlearn/parallel.hpp"
#include "../kernel_table.hpp"

namespace scratchlearn {

namespace {

constexpr index_t kRowBlock = 256;
constexpr index_t kMaxChunks = 64;

// Number of fixed reduction chunks for n rows (independent of the thread count).
index_t n_chunks_for(index_t n, index_t cap) {
    return std::max<index_t>(1, std::min<index_t>(cap, (n + kRowBlock - 1) / kRowBlock));
}


// Per row of a block: probabilities into P (rows × K) from the scores Z; returns Σ s_i ℓ_i.
template <class T>
double block_probabilities(const LogisticProblem<T>& Pb, index_t lo, index_t rows, const double* b,
                           const T* Z, double* Pr) {
    const index_t K = Pb.K;
    double loss = 0.0;
    for (index_t r = 0; r < rows; ++r) {
        const index_t i = lo + r;
        const double s = Pb.sw ? double(Pb.sw[i]) : 1.0;
        const int yi = Pb.y[i];
        double* pr = Pr + r * K;
        for (index_t k = 0; k < K; ++k) pr[k] = double(Z[r * K + k]) + b[k];
        loss += s * logistic_detail::row_probabilities<true>(K, yi, pr);
    }
    return loss;
}

template <class T>
void unpack(const LogisticProblem<T>& P, const double* theta, std::vector<T>& W, std::vector<double>& b) {
    W.resize(static_cast<size_t>(P.K) * P.d);
    for (index_t j = 0; j < P.K * P.d; ++j) W[j] = T(theta[j]);
    b.assign(P.K, 0.0);
    if (P.fit_intercept)
        for (index_t k = 0; k < P.K; ++k) b[k] = theta[P.K * P.d + k];
}

// The multinomial objective through the fused per-ISA block kernel (kernel_table.hpp,
// LogisticKernels): the same chunks and reduction as the GEMM form below, the scores, softmax and
// gradient of each 64-row block in one pass while the block is in cache.
template <class T>
double loss_grad_fused(const LogisticProblem<T>& P, const kernel_table::LogisticKernels<T>& kern,
                       const double* theta, double* grad) {
    const index_t n = P.n, d = P.d, K = P.K;
    const index_t Wd = kern.width;
    const index_t Kp = (K + Wd - 1) / Wd * Wd;
    std::vector<T> Wt(static_cast<size_t>(d) * Kp, T(0));
    for (index_t k = 0; k < K; ++k)
        for (index_t j = 0; j < d; ++j) Wt[j * Kp + k] = T(theta[k * d + j]);
    std::vector<double> b(K, 0.0);
    if (P.fit_intercept)
        for (index_t k = 0; k < K; ++k) b[k] = theta[K * d + k];
    const index_t n_chunks = n_chunks_for(n, kMaxChunks);
    const index_t chunk = (n + n_chunks - 1) / n_chunks;
    const index_t stride = K * d + K + 1;  // per chunk: W-gradient, b-gradient, loss
    std::vector<double> part(static_cast<size_t>(n_chunks) * stride, 0.0);
    ExceptionSlot slot;
    const int nt = std::min(threads_for(P.n_threads, n_chunks), threads_for(P.n_threads, n * d * K / 262144));
    constexpr index_t B = 64;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t c = 0; c < n_chunks; ++c) {
        slot.run([&] {
            std::vector<T> zbuf(B * Kp), gwt(grad ? static_cast<size_t>(d) * Kp : 0, T(0));
            std::vector<double> ebuf(B * K);
            double* acc = part.data() + c * stride;
            const index_t c_lo = c * chunk, c_hi = std::min(n, c_lo + chunk);
            for (index_t lo = c_lo; lo < c_hi; lo += B) {
                const index_t rows = std::min(B, c_hi - lo);
                kern.block(P.X + lo * d, rows, d, Wt.data(), K, Kp, b.data(), P.y + lo,
                           P.sw ? P.sw + lo : nullptr, grad ? gwt.data() : nullptr, acc + K * d,
                           acc + K * d + K, zbuf.data(), ebuf.data());
            }
            if (grad)
                for (index_t k = 0; k < K; ++k)
                    for (index_t j = 0; j < d; ++j) acc[k * d + j] = double(gwt[j * Kp + k]);
        });
    }
    slot.rethrow();
    std::vector<double> tot(stride, 0.0);
    for (index_t c = 0; c < n_chunks; ++c)
        for (index_t j = 0; j < stride; ++j) tot[j] += part[c * stride + j];
    const double invS = 1.0 / P.S;
    double penalty = 0.0;
    for (index_t j = 0; j < K * d; ++j) penalty += theta[j] * theta[j];
    const double f = tot[K * d + K] * invS + 0.5 * P.l2 * penalty;
    if (grad) {
        for (index_t j = 0; j < K * d; ++j) grad[j] = tot[j] * invS + P.l2 * theta[j];
        if (P.fit_intercept)
            for (index_t k = 0; k < K; ++k) grad[K * d + k] = tot[K * d + k] * invS;
    }
    return f;
}

}  // namespace

template <class T>
double logistic_loss_grad(const LogisticProblem<T>& P, const double* theta, double* grad) {
    const index_t n = P.n, d = P.d, K = P.K;
    const auto& kern = kernel_table::kernels<T>().logistic;
    if (K > 1 && kern.block && K <= index_t(kern.max_vectors) * kern.width)
        return loss_grad_fused<T>(P, kern, theta, grad);
    if (K == 1 && kern.block) {
        // Binary: the logistic loss log(1 + e^z) − y·z is the two-class softmax loss of the scores
        // (0, z), so the fused kernel serves it with a class-0 row of zero coefficients (the
        // padded vector it computes anyway). y is 0 / 1 (logistic_fit checks the codes).
        LogisticProblem<T> P2 = P;
        P2.K = 2;
        std::vector<double> th2(static_cast<size_t>(P2.n_params()), 0.0);
        std::copy(theta, theta + d, th2.begin() + d);
        if (P.fit_intercept) th2[2 * d + 1] = theta[d];
        std::vector<double> g2(grad ? th2.size() : 0);
        const double f = loss_grad_fused<T>(P2, kern, th2.data(), grad ? g2.data() : nullptr);
        if (grad) {
            std::copy(g2.begin() + d, g2.begin() + 2 * d, grad);
            if (P.fit_intercept) grad[d] = g2[2 * d + 1];
        }
        return f;
    }
    std::vector<T> W;
    std::vector<double> b;
    unpack(P, theta, W, b);
    const index_t n_chunks = n_chunks_for(n, kMaxChunks);
    const index_t chunk = (n + n_chunks - 1) / n_chunks;
    const index_t stride = K * d + K + 1;  // per chunk: W-gradient, b-gradient, loss
    std::vector<double> part(static_cast<size_t>(n_chunks) * stride, 0.0);
    ExceptionSlot slot;
    // Small problems stay on one thread (waking threads costs more than the pass itself).
    const int nt = std::min(threads_for(P.n_threads, n_chunks), threads_for(P.n_threads, n * d * K / 262144));
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t c = 0; c < n_chunks; ++c) {
        slot.run([&] {
            std::vector<T> Z(kRowBlock * K), G(kRowBlock * K), gw(grad ? K * d : 0, T(0));
            std::vector<double> Pr(kRowBlock * K);
            double* acc = part.data() + c * stride;
            const index_t c_lo = c * chunk, c_hi = std::min(n, c_lo + chunk);
            for (index_t lo = c_lo; lo < c_hi; lo += kRowBlock) {
                const index_t rows = std::min(kRowBlock, c_hi - lo);
                const T* Xb = P.X + lo * d;
                if (K == 1)
                    gemv<T>(false, rows, d, T(1), Xb, d, W.data(), T(0), Z.data(), 1);
                else
                    gemm<T>(false, true, rows, K, d, T(1), Xb, d, W.data(), d, T(0), Z.data(), K, 1);
                acc[K * d + K] += block_probabilities(P, lo, rows, b.data(), Z.data(), Pr.data());
                if (!grad) continue;
                for (index_t r = 0; r < rows; ++r) {
                    const double s = P.sw ? double(P.sw[lo + r]) : 1.0;
                    const int yi = P.y[lo + r];
                    for (index_t k = 0; k < K; ++k) {
                        const double target = (K == 1) ? (yi == 1 ? 1.0 : 0.0) : (yi == k ? 1.0 : 0.0);
                        const double gk = s * (Pr[r * K + k] - target);
                        G[r * K + k] = T(gk);
                        acc[K * d + k] += gk;
                    }
                }
                if (K == 1)
                    gemv<T>(true, rows, d, T(1), Xb, d, G.data(), T(1), gw.data(), 1);
                else
                    gemm<T>(true, false, K, d, rows, T(1), G.data(), K, Xb, d, T(1), gw.data(), d, 1);
            }
            for (index_t j = 0; j < (grad ? K * d : 0); ++j) acc[j] = double(gw[j]);
        });
    }
    slot.rethrow();
    std::vector<double> tot(stride, 0.0);
    for (index_t c = 0; c < n_chunks; ++c)
        for (index_t j = 0; j < stride; ++j) tot[j] += part[c * stride + j];
    const double invS = 1.0 / P.S;
    double penalty = 0.0;
    for (index_t j = 0; j < K * d; ++j) penalty += theta[j] * theta[j];
    const double f = tot[K * d + K] * invS + 0.5 * P.l2 * penalty;
    if (grad) {
        for (index_t j = 0; j < K * d; ++j) grad[j] = tot[j] * invS + P.l2 * theta[j];
        if (P.fit_intercept)
            for (index_t k = 0; k < K; ++k) grad[K * d + k] = tot[K * d + k] * invS;
    }
    return f;
}

template <class T>
void logistic_hessian(const LogisticProblem<T>& P, const double* theta, double* H) {
    const index_t n = P.n, d = P.d, K = P.K;
    const index_t np = P.n_params();
    const bool fi = P.fit_intercept;
    std::vector<T> W;
    std::vector<double> b;
    unpack(P, theta, W, b);
    const index_t n_chunks = n_chunks_for(n, 8);
    const index_t chunk = (n + n_chunks - 1) / n_chunks;
    const index_t n_pairs = K * (K + 1) / 2;
    // Per chunk and pair (k ≤ l): the d × d block, the d-vector Σ w x and the scalar Σ w.
    const index_t pstride = d * d + d + 1;
    std::vector<double> part(static_cast<size_t>(n_chunks) * n_pairs * pstride, 0.0);
    ExceptionSlot slot;
    const int nt = std::min(threads_for(P.n_threads, n_chunks), threads_for(P.n_threads, n * d * d * n_pairs / 65536));
    // Chunks run in parallel; with fewer chunks than threads the GEMMs inside get the rest.
    const int inner = std::max(1, P.n_threads / std::max(1, nt));
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t c = 0; c < n_chunks; ++c) {
        slot.run([&] {
            const index_t B = 1024;
            std::vector<T> Z(B * K), Sb(B * d), Hb(d * d);
            std::vector<double> Pr(B * K);
            double* acc = part.data() + c * n_pairs * pstride;
            const index_t c_lo = c * chunk, c_hi = std::min(n, c_lo + chunk);
            for (index_t lo = c_lo; lo < c_hi; lo += B) {
                const index_t rows = std::min(B, c_hi - lo);
                const T* Xb = P.X + lo * d;
                gemm<T>(false, true, rows, K, d, T(1), Xb, d, W.data(), d, T(0), Z.data(), K, inner);
                block_probabilities(P, lo, rows, b.data(), Z.data(), Pr.data());
                index_t pair = 0;
                for (index_t k = 0; k < K; ++k) {
                    for (index_t l = k; l < K; ++l, ++pair) {
                        double* a = acc + pair * pstride;
                        for (index_t r = 0; r < rows; ++r) {
                            const double s = P.sw ? double(P.sw[lo + r]) : 1.0;
                            double w;
                            if (K == 1) {
                                w = s * Pr[r] * (1.0 - Pr[r]);
                            } else {
                                const double pk = Pr[r * K + k], pl = Pr[r * K + l];
                                w = s * pk * ((k == l ? 1.0 : 0.0) - pl);
                            }
                            const T* xr = Xb + r * d;
                            T* sr = Sb.data() + r * d;
                            const T wt = T(w);
                            for (index_t j = 0; j < d; ++j) {
                                sr[j] = wt * xr[j];
                                a[d * d + j] += double(sr[j]);
                            }
                            a[d * d + d] += w;
                        }
                        gemm<T>(true, false, d, d, rows, T(1), Xb, d, Sb.data(), d, T(0), Hb.data(), d,
                                inner);
                        for (index_t j = 0; j < d * d; ++j) a[j] += double(Hb[j]);
                    }
                }
            }
        });
    }
    slot.rethrow();
    std::vector<double> tot(static_cast<size_t>(n_pairs) * pstride, 0.0);
    for (index_t c = 0; c < n_chunks; ++c)
        for (index_t j = 0; j < n_pairs * pstride; ++j) tot[j] += part[c * n_pairs * pstride + j];
    const double invS = 1.0 / P.S;
    std::fill(H, H + np * np, 0.0);
    index_t pair = 0;
    for (index_t k = 0; k < K; ++k) {
        for (index_t l = k; l < K; ++l, ++pair) {
            const double* a = tot.data() + pair * pstride;
            for (index_t i = 0; i < d; ++i) {
                for (index_t j = 0; j < d; ++j) {
                    const double v = a[i * d + j] * invS;
                    H[(k * d + i) * np + (l * d + j)] = v;
                    H[(l * d + j) * np + (k * d + i)] = v;
                }
            }
            if (fi) {
                const index_t bk = K * d + k, bl = K * d + l;
                for (index_t i = 0; i < d; ++i) {
                    const double v = a[d * d + i] * invS;
                    H[(k * d + i) * np + bl] = v;
                    H[bl * np + (k * d + i)] = v;
                    H[(l * d + i) * np + bk] = v;
                    H[bk * np + (l * d + i)] = v;
                }
                H[bk * np + bl] = H[bl * np + bk] = a[d * d + d] * invS;
            }
        }
    }
    for (index_t j = 0; j < K * d; ++j) H[j * np + j] += P.l2;
}

template <class T>
SolverReport logistic_lbfgs(const LogisticProblem<T>& P, double* theta, index_t max_iter, double tol) {
    auto fun = [&](const double* th, double* g) { return logistic_loss_grad<T>(P, th, g); };
    const LbfgsResult r = lbfgs_minimize(P.n_params(), fun, theta, max_iter, tol);
    SolverReport rep;
    rep.n_iter = r.n_iter;
    rep.status = r.status;
    rep.loss = r.f;
    rep.n_evals = r.n_evals;
    return rep;
}

template <class T>
SolverReport logistic_newton(const LogisticProblem<T>& P, double* theta, index_t max_iter, double tol) {
    const index_t np = P.n_params();
    const index_t K = P.K, d = P.d;
    std::vector<double> g(np), H(static_cast<size_t>(np) * np), step(np), trial(np), L;
    SolverReport rep;
    double f = logistic_loss_grad<T>(P, theta, g.data());
    rep.loss = f;
    auto max_abs = [](const std::vector<double>& v) {
        double m = 0;
        for (double x : v) m = std::max(m, std::abs(x));
        return m;
    };
    if (max_abs(g) <= tol) return rep;
    rep.status = 1;
    for (index_t it = 0; it < max_iter; ++it) {
        check_interrupt();
        logistic_hessian<T>(P, theta, H.data());
        if (K > 1) {
            // The multinomial Hessian is singular along "add the same vector to every class"
            // (exactly so for the intercepts, and for W without penalty). The gradient has no
            // component there, so adding c·(J/K ⊗ I) on that subspace leaves the step unchanged
            // elsewhere and makes the system positive definite.
            double c = 0.0;
            for (index_t j = 0; j < np; ++j) c = std::max(c, H[j * np + j]);
            c = std::max(c, 1e-12);
            for (index_t k = 0; k < K; ++k)
                for (index_t l = 0; l < K; ++l) {
                    for (index_t j = 0; j < d; ++j) H[(k * d + j) * np + (l * d + j)] += c / K;
                    if (P.fit_intercept) H[(K * d + k) * np + (K * d + l)] += c / K;
                }
        }
        std::vector<double> rhs(np);
        for (index_t j = 0; j < np; ++j) rhs[j] = -g[j];
        double ridge = 0.0;
        bool ok = false;
        for (int attempt = 0; attempt < 8 && !ok; ++attempt) {
            std::vector<double> Hs(H);
            if (ridge > 0)
                for (index_t j = 0; j < np; ++j) Hs[j * np + j] += ridge;
            std::vector<double> one(1, 0.0);
            ok = cholesky_solve(np, 1, Hs.data(), rhs.data(), one.data(), 1, step.data()) > 0;
            double diag = 0;
            for (index_t j = 0; j < np; ++j) diag = std::max(diag, H[j * np + j]);
            ridge = ridge == 0 ? 1e-10 * std::max(diag, 1e-300) : ridge * 100;
        }
        if (!ok) {
            for (index_t j = 0; j < np; ++j) step[j] = -g[j];
        }
        double slope = 0;
        for (index_t j = 0; j < np; ++j) slope += g[j] * step[j];
        double t = 1.0, ft = f;
        bool accepted = false;
        for (int ls = 0; ls < 40; ++ls) {
            for (index_t j = 0; j < np; ++j) trial[j] = theta[j] + t * step[j];
            ft = logistic_loss_grad<T>(P, trial.data(), nullptr);
            if (std::isfinite(ft) && ft <= f + 1e-4 * t * slope) {
                accepted = true;
                break;
            }
            // Near the optimum round-off hides the decrease: take the full step if f did not grow.
            if (ls == 0 && std::isfinite(ft) && std::abs(ft - f) <= 1e-14 * std::max(1.0, std::abs(f))) {
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        rep.n_iter = it + 1;
        if (!accepted) {
            rep.status = 2;
            break;
        }
        std::copy(trial.begin(), trial.end(), theta);
        const double f_old = f;
        f = logistic_loss_grad<T>(P, theta, g.data());
        rep.loss = f;
        if (max_abs(g) <= tol) {
            rep.status = 0;
            break;
        }
        // No measurable progress left (round-off floor of the objective): stop, as L-BFGS does.
        if ((f_old - f) <= 64 * std::numeric_limits<double>::epsilon() *
                               std::max({std::abs(f_old), std::abs(f), 1.0})) {
            rep.status = 0;
            break;
        }
    }
    return rep;
}

template <class T>
SolverReport logistic_fit(const LogisticProblem<T>& P, LogisticSolver solver, double l1, double* theta,
                          index_t max_iter, double tol, std::uint64_t seed) {
    require(P.K >= 1, "logistic_fit: K must be >= 1");
    const index_t n_codes = std::max<index_t>(P.K, 2);
    bool codes_ok = true;
    for (index_t i = 0; i < P.n; ++i) codes_ok &= P.y[i] >= 0 && P.y[i] < n_codes;
    require(codes_ok, "logistic_fit: class code out of range");
    require(P.S > 0, "logistic_fit: the sample weights must sum to > 0");
    require(solver == LogisticSolver::Lbfgs || solver == LogisticSolver::Newton ||
                solver == LogisticSolver::Saga,
            "logistic_fit: unknown solver");
    require(l1 >= 0 && P.l2 >= 0, "logistic_fit: penalties must be >= 0");
    require(l1 == 0 || solver == LogisticSolver::Saga, "logistic_fit: an L1 penalty needs the saga solver");
    switch (solver) {
        case LogisticSolver::Saga: return logistic_saga<T>(P, l1, theta, max_iter, tol, seed);
        case LogisticSolver::Newton: return logistic_newton<T>(P, theta, max_iter, tol);
        default: return logistic_lbfgs<T>(P, theta, max_iter, tol);
    }
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                                   \
    template double logistic_loss_grad<T>(const LogisticProblem<T>&, const double*, double*);         \
    template void logistic_hessian<T>(const LogisticProblem<T>&, const double*, double*);             \
    template SolverReport logistic_lbfgs<T>(const LogisticProblem<T>&, double*, index_t, double);     \
    template SolverReport logistic_newton<T>(const LogisticProblem<T>&, double*, index_t, double);    \
    template SolverReport logistic_fit<T>(const LogisticProblem<T>&, LogisticSolver, double, double*, \
                                          index_t, double, std::uint64_t);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
