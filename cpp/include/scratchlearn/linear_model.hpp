// Linear models (cpp/src/linear_model/): logistic regression (logistic.cpp, saga.cpp), coordinate
// descent for the lasso and the elastic net (coordinate_descent.cpp) and plain SGD (sgd.cpp, its
// declarations in sgd.hpp). The dense solves they use are linalg's (linalg.hpp).
//
// Conventions: X is n × d row-major of type T (float or double); targets Y are n × k row-major;
// sample weights `sw` may be null (all ones). Small dense solves (d × d) always run in double.
#pragma once

#include <cstdint>
#include <vector>

#include "scratchlearn/linalg.hpp"

namespace scratchlearn {

// (The dense solves the estimators use, cholesky_solve, svd_least_squares and nnls_gram, are in
// linalg.hpp.)

}  // namespace scratchlearn

namespace scratchlearn {

// ---------------------------------------------------------------- logistic regression

// The data of a (weighted, L2-penalised) logistic regression, scikit-learn's objective:
//     f(W, b) = (1/S) Σ_i s_i ℓ(y_i, W x_i + b) + (l2/2)‖W‖²,   S = Σ_i s_i,  l2 = 1/(C·S),
// ℓ the binomial log-loss (K = 1, y_i ∈ {0, 1}) or the multinomial cross-entropy (K = n_classes,
// y_i ∈ {0..K−1}). The intercept b is not penalised. Parameters θ = [W (K × d row-major), b (K)].
template <class T>
struct LogisticProblem {
    index_t n = 0, d = 0, K = 1;
    const T* X = nullptr;          // n × d
    const std::int32_t* y = nullptr;  // n class codes
    const T* sw = nullptr;         // n weights or null
    double S = 0.0;                // Σ s_i (n when sw is null)
    bool fit_intercept = true;
    double l2 = 0.0;
    int n_threads = 1;
    index_t n_params() const { return K * d + (fit_intercept ? K : 0); }
};

struct SolverReport {
    index_t n_iter = 0;
    int status = 0;  // 0 converged, 1 iteration limit, 2 line search failed
    double loss = 0.0;
    index_t n_evals = 0;  // objective evaluations (L-BFGS)
};

// Objective and gradient at θ (grad may be null). Row blocks: X·Wᵀ and Gᵀ·X through the GEMM while
// the block is in cache; fixed reduction chunks, so identical for every n_threads.
template <class T>
double logistic_loss_grad(const LogisticProblem<T>& P, const double* theta, double* grad);

// Full Hessian (n_params × n_params, row-major) at θ.
template <class T>
void logistic_hessian(const LogisticProblem<T>& P, const double* theta, double* H);

// L-BFGS (memory 10, strong-Wolfe line search) from θ (in/out). Stops when max|∇f| ≤ tol, when the
// relative decrease of f falls below 64·ε, or at max_iter iterations.
template <class T>
SolverReport logistic_lbfgs(const LogisticProblem<T>& P, double* theta, index_t max_iter, double tol);

// Newton's method with the Hessian through the GEMM and a Cholesky solve, backtracking line search.
template <class T>
SolverReport logistic_newton(const LogisticProblem<T>& P, double* theta, index_t max_iter, double tol);

// The solvers below, for logistic_fit.
enum class LogisticSolver : int { Lbfgs = 0, Newton = 1, Saga = 2 };

// Checks the problem (K >= 1, class codes in [0, max(K, 2)), S > 0, penalties >= 0, an L1 penalty
// only with SAGA; std::invalid_argument otherwise) and runs the solver from θ (in/out); seed is
// SAGA's. Throws before any work, so a bad call never half-runs.
template <class T>
SolverReport logistic_fit(const LogisticProblem<T>& P, LogisticSolver solver, double l1, double* theta,
                          index_t max_iter, double tol, std::uint64_t seed);

// SAGA (Defazio, Bach & Lacoste-Julien, 2014) for the objective above plus an L1 term l1·‖W‖₁
// (P.l2 and l1 from C and l1_ratio: the elastic net). Samples are drawn uniformly with replacement
// from a generator seeded with `seed`; each step uses the sample's fresh gradient, minus its stored
// one, plus the mean of the stored gradients, then the L1 proximal step (soft thresholding).
// Step size 1/(2L + min(2·n·l2, L)), L the largest per-sample Lipschitz constant. After each epoch
// (n steps) it stops when max|Δθ| ≤ tol·max|θ| (status 0), else at max_iter epochs (status 1).
// Single-threaded and sequential: the result depends on the seed only.
template <class T>
SolverReport logistic_saga(const LogisticProblem<T>& P, double l1, double* theta, index_t max_iter,
                           double tol, std::uint64_t seed);

}  // namespace scratchlearn

namespace scratchlearn {

// ---------------------------------------------------------------- lasso / elastic net

// Cyclic (or random) coordinate descent for
//     min_w ½‖y − Xw‖² + l1·‖w‖₁ + ½·l2·‖w‖²        (l1 = α·ρ·n, l2 = α(1−ρ)·n: scikit-learn's
//                                                    scaling of 1/(2n)‖y − Xw‖² + αρ‖w‖₁ + …)
// stopping when the duality gap is ≤ tol (tol already multiplied by ‖y‖²); the gap is checked when
// the largest coordinate change of a sweep is ≤ tol_w·max|w| (tol_w is the user's tol), or at the
// last sweep. Result: sweeps done (0 when the start already satisfies the gap), the final gap, and
// whether it converged.
struct CDReport {
    index_t n_iter = 0;
    double gap = 0.0;
    bool converged = false;
};

// On the normal equations: H = XᵀX (d × d), q = Xᵀy, yy = yᵀy (all of centred, weighted data);
// O(d) per coordinate update.
// check_initial_gap = false continues an earlier run (no gap test before the first sweep).
CDReport enet_cd_gram(index_t d, const double* H, const double* q, double yy, double l1, double l2,
                      double* w, index_t max_iter, double tol, double tol_w, bool positive,
                      bool random, std::uint64_t seed, bool check_initial_gap = true);

// Xf (n × d column-major, double) = √s_i·(X − μ) from the row-major X: a blocked transpose.
template <class T>
void center_columns(index_t n, index_t d, const T* X, const double* mean, const T* sw, double* Xf,
                    int n_threads);

// On the data: Xf is n × d column-major (centred, weighted), y (n); O(n) per coordinate update.
// At most `budget` sweeps run in this call (the last-sweep gap test still refers to max_iter), so a
// caller can start here and continue on the Gram matrix when many sweeps turn out to be needed.
CDReport enet_cd_data(index_t n, index_t d, const double* Xf, const double* y, double l1, double l2,
                      double* w, index_t max_iter, double tol, double tol_w, bool positive,
                      bool random, std::uint64_t seed, int n_threads, index_t budget);

}  // namespace scratchlearn
