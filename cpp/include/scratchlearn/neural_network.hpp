// Multi-layer perceptrons: forward and backward passes, the stochastic optimisers and L-BFGS.
//
// A network is its layer sizes units = [n_features, h_1, …, h_{L-1}, n_outputs] and one flat
// parameter vector θ laid out as scikit-learn packs it: every layer's coefficient matrix W_i
// (units[i] × units[i+1], row-major) one after the other, then every layer's intercept b_i.
//
// How it works (cpp/src/neural_network/mlp.cpp). For a batch A_0 (rows × n_features):
//     forward   Z_{i+1} = A_i·W_i            one gemm per layer (the shared packed kernel)
//               A_{i+1} = f(Z_{i+1} + b_i)   one fused pass: bias and activation
//     loss      squared error ½·mean_j avg_i (y−p)², Poisson ½-deviance, log-loss (softmax) or
//               binary log-loss (logistic outputs), probabilities clipped to [ε, 1−ε], plus
//               α/(2·Σw)·Σ‖W_i‖²
//     backward  δ_L = (A_L − Y)·w                         (every loss/output pair gives this)
//               ∇W_i = (A_iᵀ·δ_{i+1} + α·W_i)/Σw,  ∇b_i = Σ_rows δ_{i+1}/Σw   (one gemm)
//               δ_i = (δ_{i+1}·W_iᵀ) ⊙ f'(A_i)        (one gemm, then one fused pass)
// Cost per sample and epoch: about 6·Σ units[i]·units[i+1] flops, nearly all of it in gemm.
// Buffers are sized for one batch and allocated once per call. Every elementwise pass and every
// reduction has a fixed order, so results do not depend on n_threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

enum class MlpActivation : int { identity = 0, logistic, tanh, relu, softmax, exp };
enum class MlpLoss : int { squared_error = 0, poisson, log_loss, binary_log_loss };
enum class MlpSolver : int { sgd = 0, adam };

struct MlpNet {
    std::vector<index_t> units;  // n_features, hidden sizes…, n_outputs (>= 2 entries, all >= 1)
    MlpActivation hidden = MlpActivation::relu;
    MlpActivation output = MlpActivation::identity;
    MlpLoss loss = MlpLoss::squared_error;
    double alpha = 0.0;  // L2 strength

    index_t n_layers() const { return static_cast<index_t>(units.size()) - 1; }  // weight layers
    index_t n_params() const;
    index_t coef_offset(index_t i) const;       // start of W_i in θ
    index_t intercept_offset(index_t i) const;  // start of b_i in θ
    void check() const;                          // throws std::invalid_argument when malformed
};

// The state of a stochastic optimiser between steps (scikit-learn's SGDOptimizer / AdamOptimizer).
// SGD:  v ← μ·v − η·g;  θ ← θ + (nesterov ? μ·v − η·g : v)
// Adam: t ← t+1; m ← β₁m + (1−β₁)g; s ← β₂s + (1−β₂)g²;
//       η_t = η₀·√(1−β₂ᵗ)/(1−β₁ᵗ);  θ ← θ − η_t·m/(√s + ε)
struct MlpOptimizer {
    MlpSolver solver = MlpSolver::adam;
    double learning_rate_init = 1e-3;
    double learning_rate = 1e-3;  // SGD's current rate (the schedule is applied by the caller)
    double momentum = 0.9;
    bool nesterov = true;
    double beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-8;
    std::int64_t t = 0;  // Adam's step count
};

// out (n × n_outputs) ← the network's output activation for X (n × n_features); rows in blocks.
template <class T>
void mlp_predict(const MlpNet& net, const T* params, index_t n, const T* X, T* out, int n_threads);

// The loss of (X, Y, sw) and its gradient with respect to θ (grad: n_params entries), over the
// whole data as one batch. Y is n × n_outputs; sw may be nullptr (all ones).
template <class T>
double mlp_loss_grad(const MlpNet& net, const T* params, index_t n, const T* X, const T* Y,
                     const T* sw, T* grad, int n_threads);

// One epoch of minibatch steps: batches of batch_size consecutive rows of the order (or of X
// itself when order is nullptr), each a forward/backward pass and one optimiser step on θ.
// state1/state2: SGD's velocities (state2 unused) or Adam's m and s, n_params entries each.
// Returns Σ_batches loss_b·rows_b / n (scikit-learn's loss_ of the epoch).
template <class T>
double mlp_epoch(const MlpNet& net, T* params, index_t n, const T* X, const T* Y, const T* sw,
                 const std::int64_t* order, index_t batch_size, MlpOptimizer& opt, T* state1,
                 T* state2, int n_threads);

struct MlpLbfgsResult {
    double loss = 0.0;
    std::ptrdiff_t n_iter = 0;
    std::ptrdiff_t n_evals = 0;
    int status = 0;  // 0 converged, 1 max_iter or max_fun reached, 2 line search failed
};

// Minimises the full-batch loss over θ with the project's L-BFGS (lbfgs.hpp): gradient tolerance
// tol (max |∇|), relative-decrease tolerance ftol, at most max_iter iterations and (about)
// max_fun loss evaluations; θ is replaced by the best point found.
template <class T>
MlpLbfgsResult mlp_lbfgs(const MlpNet& net, T* params, index_t n, const T* X, const T* Y,
                         const T* sw, index_t max_iter, index_t max_fun, double tol, double ftol,
                         int n_threads);

}  // namespace scratchlearn
