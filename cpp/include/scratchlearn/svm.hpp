// Support vector machines: one SMO solver for C-SVC, nu-SVC, one-class, epsilon-SVR and nu-SVR
// (cpp/src/svm/smo.cpp), the kernels, the kernel-row cache and the decision values
// (cpp/src/svm/kernel.cpp), the formulations, one-vs-one multi-class and Platt scaling
// (cpp/src/svm/train.cpp), and dual coordinate descent for linear SVMs (cpp/src/svm/linear.cpp).
//
// The model layout is libsvm's (scikit-learn exposes the same arrays): support vectors grouped by
// class, dual coefficients (n_class − 1) × n_SV where the coefficients of class i's support vectors
// for the pair (i, j) sit in row j − 1 (j > i) or row j (j < i), and one ρ per pair in the order
// (0,1), (0,2), …, (1,2), …; decision value of pair (i, j) = Σ coef·K(sv, x) − ρ, positive for i.
#pragma once

#include <cstdint>
#include <vector>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

enum class SvmKernel { linear, poly, rbf, sigmoid, precomputed };
enum class SvmType { c_svc, nu_svc, one_class, epsilon_svr, nu_svr };

struct SvmKernelParams {
    SvmKernel kernel = SvmKernel::rbf;
    int degree = 3;
    double gamma = 1.0;
    double coef0 = 0.0;
};

struct SvmParams {
    SvmType type = SvmType::c_svc;
    SvmKernelParams kernel;
    double C = 1.0;
    double nu = 0.5;
    double epsilon = 0.1;
    double tol = 1e-3;
    bool shrinking = true;
    double cache_size = 200.0;     // MB, per solver
    long long max_iter = -1;       // < 0: no limit
    bool probability = false;      // Platt scaling by internal 5-fold cross-validation (C-SVC, nu-SVC)
    std::uint64_t seed = 0;        // fold shuffle of the cross-validation
};

// A fitted model in libsvm's layout (see the top of this file).
struct SvmModel {
    int n_class = 2;                     // 2 for regression and one-class (one coefficient row)
    std::vector<std::int64_t> support;   // n_SV indices into the training rows
    std::vector<std::int32_t> n_support; // per class (classification) or {n_SV}
    std::vector<double> dual_coef;       // (n_class − 1) × n_SV, row-major
    std::vector<double> rho;             // n_class·(n_class − 1)/2
    std::vector<double> prob_a, prob_b;  // per pair when probability
    std::vector<std::int64_t> n_iter;    // per pair (one entry for regression / one-class)
    int fit_status = 0;                  // 1 when some solve stopped at max_iter
};

// Trains a model. X is n × d (for the precomputed kernel, the n × n Gram matrix). For
// classification y holds class codes 0 … n_class − 1 (every class present) and class_weight
// n_class factors on C (nullptr: ones); for regression y is the target; for one-class it is
// ignored. sw: n sample weights (nullptr: ones); rows with weight <= 0 are left out, as if absent.
// Multi-class pairs run in parallel when there are several; throws std::invalid_argument for an
// infeasible nu or bad parameters.
template <class T>
SvmModel svm_fit(const T* X, index_t n, index_t d, const double* y, const double* sw,
                 const double* class_weight, int n_class, const SvmParams& params, int n_threads);

// Decision values of a model on m queries Xq (m × d; for precomputed, m × n_train kernel values,
// the support vectors' columns picked by `support`): out is m × n_pairs (n_pairs = 1 for
// regression / one-class): out[q, p] = Σ_k W[k, p]·K(sv_k, x_q) − ρ_p with W built from dual_coef
// and n_support as described above. SV is n_sv × d (unused for precomputed).
template <class T>
void svm_decision(const T* Xq, index_t m, index_t d, const T* SV, index_t n_sv,
                  const std::int64_t* support, const double* dual_coef,
                  const std::int32_t* n_support, int n_class, const double* rho,
                  const SvmKernelParams& kernel, T* out, int n_threads);

// Kernel matrix K(A, B) (na × nb) through the shared GEMM (tests and callers that want it).
template <class T>
void svm_kernel_matrix(const T* A, index_t na, const T* B, index_t nb, index_t d,
                       const SvmKernelParams& kernel, T* out, int n_threads);

// Pairwise coupling of pairwise probabilities (Wu, Lin & Weng 2004, method 2) and Platt's
// sigmoid on decision values: class probabilities (m × n_class) from decision values
// (m × n_pairs) and the per-pair sigmoid parameters.
template <class T>
void svm_probability(const T* dec, index_t m, int n_class, const double* prob_a,
                     const double* prob_b, T* out, int n_threads);

// Platt's sigmoid fitted by Newton's method with backtracking (Lin, Lin & Weng 2007):
// P(y = 1 | f) = 1 / (1 + exp(A f + B)). labels > 0 are positives. Returns {A, B}.
std::pair<double, double> svm_sigmoid_train(index_t n, const double* dec, const double* labels);

// ---------------------------------------------------------------- linear SVMs (liblinear's dual CD)

enum class LinearSvmLoss { hinge, squared_hinge, epsilon_insensitive, squared_epsilon_insensitive };

struct LinearSvmParams {
    LinearSvmLoss loss = LinearSvmLoss::squared_hinge;
    double C = 1.0;
    double epsilon = 0.0;        // regression
    double tol = 1e-4;
    long long max_iter = 1000;
    bool fit_intercept = true;
    double intercept_scaling = 1.0;
    std::uint64_t seed = 0;      // order of the coordinate sweeps
    bool l1_penalty = false;     // ‖w̃‖₁ instead of ½‖w̃‖² (squared hinge, primal only)
};

// One binary problem (y ∈ {−1, +1}) or one regression target of a linear SVM, scikit-learn's
// (liblinear's) objective ½‖w̃‖² + Σ_i C_i·loss_i with w̃ = [w, b] and the bias feature equal to
// intercept_scaling (so the intercept is regularised too, as liblinear does). Cw: n per-sample C
// values (C × class weight × sample weight). dual: coordinate descent on the dual (Hsieh et al.
// 2008; Ho & Lin 2012 for regression, with their shrinking); otherwise the primal (squared losses
// only) by L-BFGS. w gets d + 1 values (the last one times intercept_scaling is the intercept; 0
// when not fit_intercept). l1_penalty: ‖w̃‖₁ + Σ C_i·max(0, 1 − y_i w̃ᵀx̃_i)² by coordinate descent
// over the features with a one-dimensional Newton step and line search (Yuan, Chang, Hsieh & Lin
// 2010; liblinear's L1R_L2LOSS_SVC), squared hinge and dual=False only. Returns the number of
// iterations (epochs for the dual and the l1 solver).
template <class T>
long long linear_svm_fit(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                         const LinearSvmParams& params, bool dual, double* w);

// Crammer & Singer's multi-class linear SVM (liblinear's MCSVM_CS, the sequential dual method):
// y holds class codes 0 … n_class − 1, Cw per-sample C values (C × class weight × sample weight);
// W gets n_class × (d + 1) (the last column times intercept_scaling is the intercept). Returns the
// number of outer iterations.
template <class T>
long long linear_svm_cs_fit(const T* X, index_t n, index_t d, const double* y, const double* Cw,
                            int n_class, const LinearSvmParams& params, double* W);

// k independent problems over the same X (one-vs-rest): Y and Cw are k × n, W gets k × (d + 1),
// n_iter k counts; problem j uses seed params.seed + j. The problems run in parallel.
template <class T>
void linear_svm_fit_many(const T* X, index_t n, index_t d, index_t k, const double* Y,
                         const double* Cw, const LinearSvmParams& params, bool dual, double* W,
                         long long* n_iter, int n_threads);

}  // namespace scratchlearn
