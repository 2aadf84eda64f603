// Plain stochastic gradient descent for linear models (cpp/src/linear_model/sgd.cpp).
//
// One pass over the samples per epoch, one weight update per sample, with scikit-learn's
// conventions: the L2 shrinkage by a running scale factor (w_true = wscale · w), the cumulative
// L1 penalty with clipping (Tsuruoka, Tsujii & Ananiadou, 2009), learning-rate schedules 'constant',
// 'optimal' (1/(α(t₀ + t))), 'invscaling' (η₀/t^power_t) and 'adaptive', and the stopping rule
// "n_iter_no_change epochs without the objective (or the validation score) improving by tol".
#pragma once

#include <cstdint>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

enum class SgdLoss : int {
    Hinge = 0, LogLoss = 1, ModifiedHuber = 2, SquaredHinge = 3, Perceptron = 4,
    SquaredError = 5, Huber = 6, EpsilonInsensitive = 7, SquaredEpsilonInsensitive = 8
};
enum class SgdPenalty : int { None = 0, L2 = 1, L1 = 2, ElasticNet = 3 };
enum class SgdRate : int { Constant = 0, Optimal = 1, InvScaling = 2, Adaptive = 3 };

// Every option of a run, passed by name (bound as _core.linear_model.SgdOptions).
struct SgdOptions {
    SgdLoss loss = SgdLoss::Hinge;
    double epsilon = 0.1;
    SgdPenalty penalty = SgdPenalty::L2;
    double alpha = 1e-4, l1_ratio = 0.15;
    bool fit_intercept = true;
    index_t max_iter = 1000;
    double tol = -1.0;          // < −1e300 (−inf) disables the stopping rule
    bool shuffle = true;
    SgdRate learning_rate = SgdRate::Optimal;
    double eta0 = 0.01, power_t = 0.5;
    bool early_stopping = false;
    index_t n_iter_no_change = 5;
    bool classification = true;  // validation score: accuracy (true) or R² (false)
    double t_start = 1.0;        // the running update count t (continues across partial_fit)
    // Averaged SGD (Polyak–Ruppert): when > 0, from update number t = average on, the running
    // mean of the weights after each update is kept too: w̄ ← w̄ + (w − w̄)/(t − average + 1).
    double average = 0.0;
};

// Fits K independent binary / regression problems on the same X (n × d): problem k has targets
// Y[k·n .. k·n + n) (±1 for classification), positive/negative class weights wpos[k]/wneg[k], its own
// seed, and starts from W[k·d ..] and b[k]; sw (n) are sample weights; val (n, may be null) marks the
// validation rows (skipped by the updates, scored for early stopping). Problems run in parallel
// (n_threads); each is sequential, so results do not depend on n_threads. epochs[k] receives the
// number of epochs run; returns false if a weight became non-finite. With params.average > 0,
// Wa (K × d) and ba (K) hold the averaged weights, continued from their values on entry (they are
// not touched, and may be null, otherwise).
template <class T>
bool sgd_fit(index_t n, index_t d, const T* X, index_t K, const double* Y, const double* sw,
             const std::uint8_t* val, const double* wpos, const double* wneg,
             const std::uint64_t* seeds, const SgdOptions& params, double* W, double* b,
             double* Wa, double* ba, index_t* epochs, int n_threads);

}  // namespace scratchlearn
