// The SVM formulations on top of the SMO solver, one-vs-one multi-class, and Platt scaling.
//
//   C-SVC        α = 0, p = −1, C_i = C·class_weight·w_i.                    coef = y α
//   nu-SVC       α split ν·Σw/2 per class, p = 0, C_i = w_i, nu solver.      coef = y α / r, ρ /= r
//   one-class    α filled greedily to ν·Σw, p = 0, y = +1, C_i = w_i.        coef = α
//   epsilon-SVR  2l variables (α, α*): p = ε ∓ y, y = ±1, C_i = C·w_i.       coef = α − α*
//   nu-SVR       α = α* filled to C·ν·Σw/2, p = ∓y, nu solver.               coef = α − α*
//
// Multi-class: every pair of classes (i < j) is one binary problem, class i as +1; the pairs run in
// parallel when there are several (each with its own cache), else the one solver's kernel rows use
// every thread. probability: for each pair, decision values from a 5-fold cross-validation (folds in
// parallel; for C-SVC each warm-started from the pair's model, multipliers and gradient, and all
// five reading one store of the pair's kernel rows) fit Platt's sigmoid; several classes are
// coupled at prediction (Wu, Lin & Weng 2004).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <utility>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"
#include "scratchlearn/svm.hpp"
#include "svm_internal.hpp"

namespace scratchlearn {

using svm_detail::Kernel;
using svm_detail::SolveResult;

namespace {

// One binary (or regression / one-class) problem over rows `ids` of the data.
struct Problem {
    std::vector<index_t> ids;
    std::vector<double> y;   // ±1 for classification, the target for regression
    std::vector<double> w;   // sample weights
};

struct Solution {
    std::vector<double> coef;  // one per row of the problem
    double rho = 0.0;
    long long iter = 0;
    bool hit_max_iter = false;
};

template <class T>
Solution solve_problem(const Kernel<T>& K, const Problem& pb, const SvmParams& prm, double Cp,
                       double Cn, int n_threads, const double* alpha0 = nullptr,
                       svm_detail::SharedRows<T>* shared = nullptr,
                       const std::vector<index_t>* pos = nullptr, const double* g_init = nullptr,
                       std::vector<double>* g_out = nullptr) {
    const index_t l = index_t(pb.ids.size());
    Solution sol;
    sol.coef.assign(l, 0.0);
    if (l == 0) return sol;
    double wsum = 0;
    for (double v : pb.w) wsum += v;
    SolveResult res;
    switch (prm.type) {
        case SvmType::c_svc:
        case SvmType::nu_svc: {
            std::vector<std::int8_t> y(l);
            for (index_t i = 0; i < l; ++i) y[i] = pb.y[i] > 0 ? 1 : -1;
            std::vector<double> alpha(l, 0.0), p(l), C(l);
            svm_detail::SvcQ<T> Q(K, pb.ids, y.data(), prm.cache_size, n_threads, shared, pos);
            if (prm.type == SvmType::c_svc) {
                for (index_t i = 0; i < l; ++i) {
                    p[i] = -1.0;
                    C[i] = (y[i] > 0 ? Cp : Cn) * pb.w[i];
                    if (alpha0) alpha[i] = std::min(std::max(alpha0[i], 0.0), C[i]);
                }
                svm_detail::SolveGradient grad;
                grad.init = g_init;
                if (g_out) {
                    g_out->assign(2 * l, 0.0);
                    grad.out = g_out->data();
                }
                res = svm_detail::smo_solve(l, Q, p.data(), y.data(), alpha.data(), C.data(), prm.tol,
                                            prm.shrinking, prm.max_iter, false, n_threads, &grad);
                for (index_t i = 0; i < l; ++i) sol.coef[i] = alpha[i] * y[i];
                sol.rho = res.rho;
            } else {
                double sum_pos = prm.nu * wsum / 2, sum_neg = sum_pos;
                for (index_t i = 0; i < l; ++i) {
                    C[i] = pb.w[i];
                    p[i] = 0.0;
                    double& s = y[i] > 0 ? sum_pos : sum_neg;
                    alpha[i] = std::min(C[i], s);
                    s -= alpha[i];
                }
                res = svm_detail::smo_solve(l, Q, p.data(), y.data(), alpha.data(), C.data(), prm.tol,
                                            prm.shrinking, prm.max_iter, true, n_threads);
                const double r = res.r;
                for (index_t i = 0; i < l; ++i) sol.coef[i] = alpha[i] * y[i] / r;
                sol.rho = res.rho / r;
            }
            break;
        }
        case SvmType::one_class: {
            std::vector<std::int8_t> y(l, 1);
            std::vector<double> alpha(l, 0.0), p(l, 0.0), C(pb.w);
            double rest = prm.nu * wsum;
            for (index_t i = 0; i < l && rest > 0; ++i) {
                alpha[i] = std::min(C[i], rest);
                rest -= alpha[i];
            }
            svm_detail::SvcQ<T> Q(K, pb.ids, y.data(), prm.cache_size, n_threads);
            res = svm_detail::smo_solve(l, Q, p.data(), y.data(), alpha.data(), C.data(), prm.tol,
                                        prm.shrinking, prm.max_iter, false, n_threads);
            sol.coef = alpha;
            sol.rho = res.rho;
            break;
        }
        case SvmType::epsilon_svr:
        case SvmType::nu_svr: {
            std::vector<std::int8_t> y(2 * l);
            std::vector<double> alpha(2 * l, 0.0), p(2 * l), C(2 * l);
            const bool nu = prm.type == SvmType::nu_svr;
            double sum = prm.C * prm.nu * wsum / 2;
            for (index_t i = 0; i < l; ++i) {
                y[i] = 1;
                y[i + l] = -1;
                C[i] = C[i + l] = prm.C * pb.w[i];
                if (nu) {
                    alpha[i] = alpha[i + l] = std::min(sum, C[i]);
                    sum -= alpha[i];
                    p[i] = -pb.y[i];
                    p[i + l] = pb.y[i];
                } else {
                    p[i] = prm.epsilon - pb.y[i];
                    p[i + l] = prm.epsilon + pb.y[i];
                }
            }
            svm_detail::SvrQ<T> Q(K, pb.ids, prm.cache_size, n_threads);
            res = svm_detail::smo_solve(2 * l, Q, p.data(), y.data(), alpha.data(), C.data(), prm.tol,
                                        prm.shrinking, prm.max_iter, nu, n_threads);
            for (index_t i = 0; i < l; ++i) sol.coef[i] = alpha[i] - alpha[i + l];
            sol.rho = res.rho;
            break;
        }
    }
    sol.iter = res.iter;
    sol.hit_max_iter = res.hit_max_iter;
    return sol;
}

// Decision values Σ coef K(x_sv, x_t) − ρ for rows `test` of the data.
template <class T>
std::vector<double> decision_on(const Kernel<T>& K, const Problem& train, const Solution& sol,
                                const std::vector<index_t>& test, int n_threads) {
    std::vector<index_t> sv;
    std::vector<double> c;
    for (std::size_t i = 0; i < train.ids.size(); ++i)
        if (sol.coef[i] != 0.0) {
            sv.push_back(train.ids[i]);
            c.push_back(sol.coef[i]);
        }
    const index_t nt = index_t(test.size()), ns = index_t(sv.size());
    std::vector<double> out(nt, -sol.rho);
    if (ns == 0 || nt == 0) return out;
    const index_t chunk = std::max<index_t>(1, (index_t(1) << 20) / ns);
    std::vector<double> B(std::min(chunk, nt) * ns);
    for (index_t r0 = 0; r0 < nt; r0 += chunk) {
        const index_t nr = std::min(chunk, nt - r0);
        K.block(test.data() + r0, nr, sv.data(), ns, B.data(), n_threads);
        for (index_t r = 0; r < nr; ++r) {
            double s = 0;
            for (index_t k = 0; k < ns; ++k) s += c[k] * B[r * ns + k];
            out[r0 + r] += s;
        }
    }
    return out;
}

// The gradient ∇f and Ḡ (the solver's SolveGradient::init) of a fold's C-SVC problem at its warm
// start a0, from the whole problem's (gfull, at its answer warm): the held-out rows' terms taken
// out and balance_start's changes put in, each a shared row (all are the whole problem's support
// vectors; one past the store's budget is computed here).
template <class T>
std::vector<double> fold_gradient(svm_detail::SharedRows<T>& shared, const Problem& pb,
                                  const std::vector<double>& gfull, const std::vector<double>& warm,
                                  const Problem& tr, const std::vector<index_t>& pos,
                                  const std::vector<double>& a0, const std::vector<double>& c0,
                                  const std::vector<index_t>& test_pos, double Cp, double Cn) {
    const index_t l = index_t(pb.ids.size()), lt = index_t(tr.ids.size());
    std::vector<double> g(2 * lt);
    std::vector<double> ys(lt);
    for (index_t k = 0; k < lt; ++k) {
        g[k] = gfull[pos[k]];
        g[lt + k] = gfull[l + pos[k]];
        ys[k] = tr.y[k] > 0 ? 1.0 : -1.0;
    }
    // Row j of the whole problem changes α_j by da (and leaves the upper bound when left_upper).
    std::vector<float> tmp;
    auto apply = [&](index_t j, double da, bool left_upper, double Cj) {
        const float* row = shared.row(j);
        if (!row) {  // past the store's budget: computed here
            tmp.resize(std::size_t(l));
            shared.compute(j, tmp.data());
            row = tmp.data();
        }
        const double yj = pb.y[j] > 0 ? 1.0 : -1.0;
        for (index_t k = 0; k < lt; ++k) {
            const double q = double(float(ys[k] * yj) * row[pos[k]]);
            g[k] += da * q;
            if (left_upper) g[lt + k] -= Cj * q;
        }
        return true;
    };
    for (index_t j : test_pos) {
        if (warm[j] <= 0) continue;
        const double Cj = (pb.y[j] > 0 ? Cp : Cn) * pb.w[j];
        if (!apply(j, -warm[j], warm[j] >= Cj, Cj)) return {};
    }
    for (index_t k = 0; k < lt; ++k) {
        const double w0 = warm[pos[k]];
        if (a0[k] == w0) continue;
        if (!apply(pos[k], a0[k] - w0, w0 >= c0[k] && a0[k] < c0[k], c0[k])) return {};
    }
    return g;
}

// One fold of the cross-validation: its training problem and answer, its held-out rows (ids
// into the data, and positions in the whole problem), its training rows' positions.
struct Fold {
    Problem tr;
    Solution sol;
    std::vector<index_t> pos, test, test_pos;
    bool solved = false;
};

// Decision values of every fold's model on its held-out rows (dec, by position in the whole
// problem) from the kernel rows of the whole problem, in one walk over them: row j adds, for each
// fold that trains on j, its coefficient times the row's values at that fold's held-out positions,
// so each row is read from memory once rather than once per fold. A row in the shared store is
// read from there; one past the store's budget is computed here, each thread working out the part
// of the row its held-out rows need. The threads split each fold's held-out rows, so every sum runs
// over j in the same order whatever the thread count.
template <class T>
void decisions_shared(svm_detail::SharedRows<T>& shared, const std::vector<Fold>& folds, index_t l,
                      int n_threads, std::vector<double>& dec) {
    const int nf = int(folds.size());
    // cf[j·nf + f]: the coefficient of whole-problem row j in fold f's model.
    std::vector<double> cf(std::size_t(l) * std::size_t(nf), 0.0);
    for (int f = 0; f < nf; ++f) {
        const Fold& fd = folds[f];
        if (!fd.solved) continue;
        for (std::size_t k = 0; k < fd.pos.size(); ++k) cf[std::size_t(fd.pos[k]) * nf + f] = fd.sol.coef[k];
    }
    std::vector<index_t> used;
    for (index_t j = 0; j < l; ++j)
        for (int f = 0; f < nf; ++f)
            if (cf[std::size_t(j) * nf + f] != 0.0) {
                used.push_back(j);
                break;
            }
    const index_t nu = index_t(used.size());
    std::vector<const float*> rows(nu, nullptr);
    const int nt = threads_for(n_threads, nu / 8 + 1);
    ExceptionSlot slot;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 8)
    for (index_t u = 0; u < nu; ++u) slot.run([&] { rows[u] = shared.row(used[u]); });
    slot.rethrow();
    std::vector<std::vector<double>> acc(nf);
    for (int f = 0; f < nf; ++f) acc[f].assign(folds[f].test_pos.size(), 0.0);
#pragma omp parallel num_threads(nt)
    slot.run([&] {
        const int h = omp_get_thread_num(), nh = omp_get_num_threads();
        std::vector<index_t> t0(nf), t1(nf);
        index_t lo = l, hi = 0;  // the positions this thread's held-out rows span
        for (int f = 0; f < nf; ++f) {
            const index_t n = folds[f].solved ? index_t(folds[f].test_pos.size()) : 0;
            t0[f] = n * h / nh;
            t1[f] = n * (h + 1) / nh;
            if (t0[f] < t1[f]) {
                lo = std::min(lo, folds[f].test_pos[t0[f]]);
                hi = std::max(hi, folds[f].test_pos[t1[f] - 1] + 1);
            }
        }
        std::vector<float> own;
        for (index_t u = 0; u < nu && lo < hi; ++u) {
            const float* row = rows[u];
            if (!row) {
                own.resize(std::size_t(l));
                shared.compute_range(used[u], lo, hi, own.data());
                row = own.data();
            }
            const double* c = cf.data() + std::size_t(used[u]) * nf;
            for (int f = 0; f < nf; ++f) {
                if (c[f] == 0.0) continue;
                const index_t* tp = folds[f].test_pos.data();
                double* a = acc[f].data();
                const double cv = c[f];
                for (index_t t = t0[f]; t < t1[f]; ++t) a[t] += cv * double(row[tp[t]]);
            }
        }
    });
    slot.rethrow();
    for (int f = 0; f < nf; ++f) {
        const Fold& fd = folds[f];
        if (!fd.solved) continue;
        for (std::size_t t = 0; t < fd.test_pos.size(); ++t) dec[fd.test_pos[t]] = acc[f][t] - fd.sol.rho;
    }
}

// A feasible C-SVC start for a fold from the whole problem's multipliers restricted to the fold's
// training rows: Σ yα = 0 no longer holds once the held-out rows are gone, so the class with the
// excess gives it back, free multipliers first (then bounded ones), in row order. The solver then
// needs only the few steps that move the answer from the whole problem's optimum to the fold's.
void balance_start(const std::vector<double>& y, std::vector<double>& alpha, const std::vector<double>& C) {
    double excess = 0;
    for (std::size_t i = 0; i < y.size(); ++i) excess += y[i] > 0 ? alpha[i] : -alpha[i];
    const double cls = excess > 0 ? 1.0 : -1.0;
    double rest = std::fabs(excess);
    for (int pass = 0; pass < 2 && rest > 0; ++pass)
        for (std::size_t i = 0; i < y.size() && rest > 0; ++i) {
            if ((y[i] > 0) != (cls > 0) || alpha[i] <= 0) continue;
            const bool bounded = alpha[i] >= C[i];
            if (bounded != (pass == 1)) continue;
            const double take = std::min(alpha[i], rest);
            alpha[i] -= take;
            rest -= take;
        }
}

// Platt's sigmoid from 5-fold cross-validated decision values of a binary problem (y = ±1).
// `full` (when given) also gets the model trained on the whole problem: it is solved first, with
// every thread, and for C-SVC its multipliers warm-start the folds (balance_start). The folds then
// run in parallel, the threads split among them.
template <class T>
std::pair<double, double> cv_sigmoid(const Kernel<T>& K, const Problem& pb, const SvmParams& prm,
                                     double Cp, double Cn, std::uint64_t seed, int n_threads,
                                     Solution* full) {
    const index_t l = index_t(pb.ids.size());
    constexpr int n_fold = 5;
    std::vector<index_t> perm(l);
    std::iota(perm.begin(), perm.end(), index_t(0));
    std::mt19937_64 gen(seed);
    for (index_t i = l - 1; i > 0; --i) std::swap(perm[i], perm[index_t(gen() % std::uint64_t(i + 1))]);
    SvmParams sub = prm;
    sub.probability = false;
    std::vector<double> warm, gfull;
    // The whole problem's kernel rows, shared by the folds (each row computed once for all five,
    // as many as cache_size allows).
    std::unique_ptr<svm_detail::SharedRows<T>> shared;
    long long cap = 0;
    if (prm.kernel.kernel != SvmKernel::precomputed) {
        const long long budget = static_cast<long long>(prm.cache_size * double(1 << 20) / sizeof(float));
        cap = budget / std::max<index_t>(1, l);
        shared = std::make_unique<svm_detail::SharedRows<T>>(K, pb.ids, cap);
    }
    if (full) {
        // The whole problem's solver reads its rows from the shared store too: the rows it
        // computes (most of them the support vectors') are then there for the folds.
        std::vector<index_t> ident;
        if (shared) {
            ident.resize(l);
            std::iota(ident.begin(), ident.end(), index_t(0));
        }
        *full = solve_problem<T>(K, pb, sub, Cp, Cn, n_threads, nullptr, shared.get(), shared ? &ident : nullptr,
                                 nullptr, prm.type == SvmType::c_svc ? &gfull : nullptr);
        if (prm.type == SvmType::c_svc) {
            warm.resize(l);
            for (index_t i = 0; i < l; ++i) warm[i] = full->coef[i] * (pb.y[i] > 0 ? 1.0 : -1.0);
        }
        // The support vectors' rows now, in parallel: the warm start's gradient needs them all,
        // and most working sets are made of them.
        if (shared) {
            std::vector<index_t> sv_pos;
            for (index_t i = 0; i < l; ++i)
                if (full->coef[i] != 0.0) sv_pos.push_back(i);
            const index_t ns = index_t(sv_pos.size());
            const int nt = threads_for(n_threads, ns / 8 + 1);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 8)
            for (index_t r = 0; r < ns; ++r) shared->row(sv_pos[r]);
        }
    }
    std::vector<double> dec(l, 0.0);
    std::vector<Fold> folds(n_fold);
    const int outer = threads_for(n_threads, n_fold);
    const int inner = std::max(1, n_threads / outer);
    ExceptionSlot slot;
#pragma omp parallel for num_threads(outer) schedule(dynamic, 1)
    for (int f = 0; f < n_fold; ++f) {
        slot.run([&] {
            const index_t begin = f * l / n_fold, end = (f + 1) * l / n_fold;
            Fold& fd = folds[f];
            Problem& tr = fd.tr;
            std::vector<index_t>& test = fd.test;
            std::vector<double> a0, c0;
            std::vector<index_t>& pos = fd.pos;
            std::vector<index_t>& test_pos = fd.test_pos;
            index_t n_pos = 0, n_neg = 0;
            // The fold's rows in the whole problem's order (the held-out ones too): every read of
            // a whole-problem row through pos or test_pos (the fold's Q rows, its starting
            // gradient, its decision values) then runs forward through memory.
            std::vector<char> held(std::size_t(l), 0);
            for (index_t k = begin; k < end; ++k) held[perm[k]] = 1;
            for (index_t i = 0; i < l; ++i) {
                if (held[i]) {
                    test.push_back(pb.ids[i]);
                    test_pos.push_back(i);
                    continue;
                }
                tr.ids.push_back(pb.ids[i]);
                tr.y.push_back(pb.y[i]);
                tr.w.push_back(pb.w[i]);
                pos.push_back(i);
                if (!warm.empty()) {
                    a0.push_back(warm[i]);
                    c0.push_back((pb.y[i] > 0 ? Cp : Cn) * pb.w[i]);
                }
                (pb.y[i] > 0 ? n_pos : n_neg) += 1;
            }
            std::vector<double> d;
            if (n_pos > 0 && n_neg > 0) {
                if (!a0.empty()) {
                    for (std::size_t i = 0; i < a0.size(); ++i) a0[i] = std::min(std::max(a0[i], 0.0), c0[i]);
                    balance_start(tr.y, a0, c0);
                }
                std::vector<double> g0;
                if (!a0.empty()) {
                    if (shared) g0 = fold_gradient(*shared, pb, gfull, warm, tr, pos, a0, c0, test_pos, Cp, Cn);
                }
                fd.sol = solve_problem(K, tr, sub, Cp, Cn, inner, a0.empty() ? nullptr : a0.data(),
                                       shared.get(), &pos, g0.empty() ? nullptr : g0.data());
                fd.solved = true;
                if (shared) return;  // decisions_shared, below, for the five folds at once
                d = decision_on(K, tr, fd.sol, test, inner);
            } else {
                d.assign(test.size(), n_pos > 0 ? 1.0 : (n_neg > 0 ? -1.0 : 0.0));
            }
            for (std::size_t t = 0; t < test_pos.size(); ++t) dec[test_pos[t]] = d[t];
        });
    }
    slot.rethrow();
    if (shared) decisions_shared(*shared, folds, l, n_threads, dec);
    return svm_sigmoid_train(l, dec.data(), pb.y.data());
}

double sigmoid_predict(double f, double A, double B) {
    const double z = f * A + B;
    return z >= 0 ? std::exp(-z) / (1.0 + std::exp(-z)) : 1.0 / (1.0 + std::exp(z));
}

}  // namespace

std::pair<double, double> svm_sigmoid_train(index_t n, const double* dec, const double* labels) {
    double prior1 = 0, prior0 = 0;
    for (index_t i = 0; i < n; ++i) (labels[i] > 0 ? prior1 : prior0) += 1;
    const int max_iter = 100;
    const double min_step = 1e-10, sigma = 1e-12, eps = 1e-5;
    const double hi = (prior1 + 1.0) / (prior1 + 2.0), lo = 1.0 / (prior0 + 2.0);
    std::vector<double> t(n);
    for (index_t i = 0; i < n; ++i) t[i] = labels[i] > 0 ? hi : lo;
    auto objective = [&](double A, double B) {
        double f = 0;
        for (index_t i = 0; i < n; ++i) {
            const double z = dec[i] * A + B;
            f += z >= 0 ? t[i] * z + std::log1p(std::exp(-z)) : (t[i] - 1.0) * z + std::log1p(std::exp(z));
        }
        return f;
    };
    double A = 0.0, B = std::log((prior0 + 1.0) / (prior1 + 1.0));
    double fval = objective(A, B);
    for (int it = 0; it < max_iter; ++it) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
        for (index_t i = 0; i < n; ++i) {
            const double z = dec[i] * A + B;
            double p, q;
            if (z >= 0) {
                const double e = std::exp(-z);
                p = e / (1.0 + e);
                q = 1.0 / (1.0 + e);
            } else {
                const double e = std::exp(z);
                p = 1.0 / (1.0 + e);
                q = e / (1.0 + e);
            }
            const double d2 = p * q;
            h11 += dec[i] * dec[i] * d2;
            h22 += d2;
            h21 += dec[i] * d2;
            const double d1 = t[i] - p;
            g1 += dec[i] * d1;
            g2 += d1;
        }
        if (std::fabs(g1) < eps && std::fabs(g2) < eps) break;
        const double det = h11 * h22 - h21 * h21;
        const double dA = -(h22 * g1 - h21 * g2) / det;
        const double dB = -(-h21 * g1 + h11 * g2) / det;
        const double gd = g1 * dA + g2 * dB;
        double step = 1.0;
        while (step >= min_step) {
            const double nA = A + step * dA, nB = B + step * dB;
            const double nf = objective(nA, nB);
            if (nf < fval + 1e-4 * step * gd) {
                A = nA;
                B = nB;
                fval = nf;
                break;
            }
            step /= 2;
        }
        if (step < min_step) break;  // the line search failed
    }
    return {A, B};
}

template <class T>
void svm_probability(const T* dec, index_t m, int k, const double* prob_a, const double* prob_b,
                     T* out, int n_threads) {
    require(k >= 2, "svm: probabilities need at least two classes");
    const index_t n_pairs = index_t(k) * (k - 1) / 2;
    const double min_prob = 1e-7;
    const int nt = threads_for(n_threads, m / 64 + 1);
#pragma omp parallel num_threads(nt)
    {
        std::vector<double> r(k * k), Q(k * k), Qp(k), p(k);
#pragma omp for schedule(static)
        for (index_t q = 0; q < m; ++q) {
            index_t pp = 0;
            for (int i = 0; i < k; ++i)
                for (int j = i + 1; j < k; ++j, ++pp) {
                    const double v = std::min(std::max(sigmoid_predict(double(dec[q * n_pairs + pp]), prob_a[pp], prob_b[pp]), min_prob), 1 - min_prob);
                    r[i * k + j] = v;
                    r[j * k + i] = 1 - v;
                }
            T* o = out + q * k;
            if (k == 2) {
                o[0] = T(r[0 * k + 1]);
                o[1] = T(r[1 * k + 0]);
                continue;
            }
            for (int t = 0; t < k; ++t) {
                p[t] = 1.0 / k;
                Q[t * k + t] = 0;
                for (int j = 0; j < t; ++j) {
                    Q[t * k + t] += r[j * k + t] * r[j * k + t];
                    Q[t * k + j] = Q[j * k + t];
                }
                for (int j = t + 1; j < k; ++j) {
                    Q[t * k + t] += r[j * k + t] * r[j * k + t];
                    Q[t * k + j] = -r[j * k + t] * r[t * k + j];
                }
            }
            const int max_iter = std::max(100, k);
            const double eps = 0.005 / k;
            for (int it = 0; it < max_iter; ++it) {
                double pQp = 0;
                for (int t = 0; t < k; ++t) {
                    Qp[t] = 0;
                    for (int j = 0; j < k; ++j) Qp[t] += Q[t * k + j] * p[j];
                    pQp += p[t] * Qp[t];
                }
                double max_err = 0;
                for (int t = 0; t < k; ++t) max_err = std::max(max_err, std::fabs(Qp[t] - pQp));
                if (max_err < eps) break;
                for (int t = 0; t < k; ++t) {
                    const double diff = (-Qp[t] + pQp) / Q[t * k + t];
                    p[t] += diff;
                    pQp = (pQp + diff * (diff * Q[t * k + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
                    for (int j = 0; j < k; ++j) {
                        Qp[j] = (Qp[j] + diff * Q[t * k + j]) / (1 + diff);
                        p[j] /= (1 + diff);
                    }
                }
            }
            for (int t = 0; t < k; ++t) o[t] = T(p[t]);
        }
    }
}

template <class T>
SvmModel svm_fit(const T* X, index_t n, index_t d, const double* y, const double* sw,
                 const double* class_weight, int n_class, const SvmParams& prm, int n_threads) {
    require(n >= 1 && d >= 1, "svm: X must have at least one sample and one feature");
    require(prm.tol > 0, "svm: tol must be positive");
    require(prm.cache_size > 0, "svm: cache_size must be positive");
    if (prm.kernel.kernel == SvmKernel::precomputed)
        require(d == n, "svm: a precomputed kernel must be a square matrix (n_samples x n_samples), got " +
                            std::to_string(n) + " x " + std::to_string(d));
    if (prm.kernel.kernel == SvmKernel::poly) require(prm.kernel.degree >= 0, "svm: degree must be >= 0");
    const bool classify = prm.type == SvmType::c_svc || prm.type == SvmType::nu_svc;
    const bool uses_nu = prm.type == SvmType::nu_svc || prm.type == SvmType::one_class || prm.type == SvmType::nu_svr;
    if (uses_nu) require(prm.nu > 0 && prm.nu <= 1, "svm: nu must be in (0, 1]");
    if (prm.type == SvmType::c_svc || prm.type == SvmType::epsilon_svr || prm.type == SvmType::nu_svr)
        require(prm.C > 0, "svm: C must be positive");
    if (prm.type == SvmType::epsilon_svr) require(prm.epsilon >= 0, "svm: epsilon must be >= 0");
    n_threads = std::max(1, n_threads);

    Kernel<T> K(X, n, d, prm.kernel);
    std::vector<char> keep(n, 1);
    if (sw)
        for (index_t i = 0; i < n; ++i) keep[i] = sw[i] > 0;
    auto weight = [&](index_t i) { return sw ? sw[i] : 1.0; };

    SvmModel model;
    if (!classify) {
        Problem pb;
        for (index_t i = 0; i < n; ++i)
            if (keep[i]) {
                pb.ids.push_back(i);
                pb.y.push_back(prm.type == SvmType::one_class ? 1.0 : y[i]);
                pb.w.push_back(weight(i));
            }
        require(!pb.ids.empty(), "svm: every sample has zero weight");
        Solution s = solve_problem(K, pb, prm, 1.0, 1.0, n_threads);
        model.n_class = 2;
        for (std::size_t i = 0; i < pb.ids.size(); ++i)
            if (s.coef[i] != 0.0) {
                model.support.push_back(pb.ids[i]);
                model.dual_coef.push_back(s.coef[i]);
            }
        model.n_support = {std::int32_t(model.support.size())};
        model.rho = {s.rho};
        model.n_iter = {s.iter};
        model.fit_status = s.hit_max_iter ? 1 : 0;
        return model;
    }

    require(n_class >= 2, "svm: classification needs at least two classes");
    // Rows grouped by class (stable), weighted class sizes.
    std::vector<std::vector<index_t>> members(n_class);
    std::vector<double> wsum(n_class, 0.0);
    for (index_t i = 0; i < n; ++i) {
        if (!keep[i]) continue;
        const double c = y[i];
        require(c >= 0 && c < n_class && c == std::floor(c), "svm: class codes must be 0 .. n_class - 1");
        members[int(c)].push_back(i);
        wsum[int(c)] += weight(i);
    }
    for (int c = 0; c < n_class; ++c)
        require(!members[c].empty(), "svm: class " + std::to_string(c) + " has no sample with positive weight");
    if (prm.type == SvmType::nu_svc)
        for (int i = 0; i < n_class; ++i)
            for (int j = i + 1; j < n_class; ++j)
                require(prm.nu * (wsum[i] + wsum[j]) / 2 <= std::min(wsum[i], wsum[j]), "specified nu is infeasible");
    std::vector<double> cw(n_class, 1.0);
    if (class_weight)
        for (int c = 0; c < n_class; ++c) cw[c] = class_weight[c];
    const double Cbase = prm.type == SvmType::c_svc ? prm.C : 1.0;

    const index_t n_pairs = index_t(n_class) * (n_class - 1) / 2;
    std::vector<std::pair<int, int>> pairs;
    for (int i = 0; i < n_class; ++i)
        for (int j = i + 1; j < n_class; ++j) pairs.emplace_back(i, j);
    std::vector<Solution> sols(n_pairs);
    model.prob_a.assign(prm.probability ? n_pairs : 0, 0.0);
    model.prob_b.assign(prm.probability ? n_pairs : 0, 0.0);
    const int outer = threads_for(n_threads, n_pairs);
    const int inner = std::max(1, n_threads / outer);
    parallel_for_each(outer, index_t(n_pairs), [&](index_t p) {
        const int i = pairs[p].first, j = pairs[p].second;
        Problem pb;
        for (int c : {i, j})
            for (index_t r : members[c]) {
                pb.ids.push_back(r);
                pb.y.push_back(c == i ? 1.0 : -1.0);
                pb.w.push_back(weight(r));
            }
        const double Cp = Cbase * cw[i], Cn = Cbase * cw[j];
        if (prm.probability) {
            // The pair's final model runs as one more task beside the five folds.
            auto ab = cv_sigmoid(K, pb, prm, Cp, Cn, prm.seed + std::uint64_t(p) * 0x9E3779B97F4A7C15ULL, inner,
                                 &sols[p]);
            model.prob_a[p] = ab.first;
            model.prob_b[p] = ab.second;
        } else {
            sols[p] = solve_problem(K, pb, prm, Cp, Cn, inner);
        }
    });

    // A row is a support vector when its coefficient is non-zero in any of its pairs.
    std::vector<char> nonzero(n, 0);
    for (index_t p = 0; p < n_pairs; ++p) {
        const int i = pairs[p].first, j = pairs[p].second;
        index_t k = 0;
        for (int c : {i, j})
            for (index_t r : members[c]) {
                if (sols[p].coef[k] != 0.0) nonzero[r] = 1;
                ++k;
            }
    }
    std::vector<index_t> start(n_class + 1, 0);
    std::vector<index_t> pos(n, -1);
    model.n_class = n_class;
    model.n_support.assign(n_class, 0);
    for (int c = 0; c < n_class; ++c) {
        for (index_t r : members[c])
            if (nonzero[r]) {
                pos[r] = index_t(model.support.size());
                model.support.push_back(r);
                ++model.n_support[c];
            }
        start[c + 1] = index_t(model.support.size());
    }
    const index_t n_sv = index_t(model.support.size());
    model.dual_coef.assign((n_class - 1) * n_sv, 0.0);
    model.rho.resize(n_pairs);
    model.n_iter.resize(n_pairs);
    for (index_t p = 0; p < n_pairs; ++p) {
        const int i = pairs[p].first, j = pairs[p].second;
        index_t k = 0;
        for (int c : {i, j})
            for (index_t r : members[c]) {
                const double v = sols[p].coef[k++];
                if (pos[r] < 0) continue;
                const int row = c == i ? j - 1 : i;
                model.dual_coef[row * n_sv + pos[r]] = v;
            }
        model.rho[p] = sols[p].rho;
        model.n_iter[p] = sols[p].iter;
        if (sols[p].hit_max_iter) model.fit_status = 1;
    }
    return model;
}

#define SCRATCHLEARN_SVM_TRAIN_INST(T)                                                             \
    template SvmModel svm_fit<T>(const T*, index_t, index_t, const double*, const double*,         \
                                 const double*, int, const SvmParams&, int);                       \
    template void svm_probability<T>(const T*, index_t, int, const double*, const double*, T*, int);
SCRATCHLEARN_SVM_TRAIN_INST(float)
SCRATCHLEARN_SVM_TRAIN_INST(double)

}  // namespace scratchlearn
