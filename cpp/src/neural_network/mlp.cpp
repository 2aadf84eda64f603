// Multi-layer perceptrons: see cpp/include/scratchlearn/neural_network.hpp for the maths.
//
// Each layer is one call of the shared gemm followed by one fused elementwise pass; the loss, the
// intercept gradients and the optimiser step are single passes with a fixed order, so the
// result does not depend on the thread count (gemm guarantees the same for its products).
// No errno from the math functions here (their arguments are never out of domain: √ of a sum of
// squares, exp/tanh of finite values), so the optimiser's √ and the fused passes vectorise.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-math-errno")
#endif

#include "scratchlearn/neural_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../kernel_table.hpp"
#include "scratchlearn/lbfgs.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/gemm.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {

index_t MlpNet::n_params() const {
    index_t p = 0;
    for (index_t i = 0; i < n_layers(); ++i) p += units[i] * units[i + 1] + units[i + 1];
    return p;
}

index_t MlpNet::coef_offset(index_t i) const {
    index_t p = 0;
    for (index_t j = 0; j < i; ++j) p += units[j] * units[j + 1];
    return p;
}

index_t MlpNet::intercept_offset(index_t i) const {
    index_t p = coef_offset(n_layers());
    for (index_t j = 0; j < i; ++j) p += units[j + 1];
    return p;
}

void MlpNet::check() const {
    require(units.size() >= 2, "mlp: the network needs at least an input and an output layer");
    for (index_t u : units) require(u >= 1, "mlp: every layer needs at least one unit");
    require(hidden == MlpActivation::identity || hidden == MlpActivation::logistic ||
                hidden == MlpActivation::tanh || hidden == MlpActivation::relu,
            "mlp: the hidden activation must be identity, logistic, tanh or relu");
    require(output != MlpActivation::tanh && output != MlpActivation::relu,
            "mlp: the output activation must be identity, logistic, softmax or exp");
    require(std::isfinite(alpha) && alpha >= 0, "mlp: alpha must be finite and >= 0");
}

namespace {

// Below this many elements an elementwise pass runs on one thread: a minibatch's passes take tens
// of microseconds, less than waking a team (and far less than a team with a descheduled member on a
// busy machine). Full-batch passes (L-BFGS, predict) are split among the threads.
constexpr index_t kParallelElements = 1 << 17;

// A minibatch epoch runs on a team of threads when one batch's products take at least this many
// multiply-adds (a few tens of microseconds: several barriers' worth); below, on one thread.
constexpr double kTeamMadds = 1 << 20;

inline int pass_threads(int n_threads, index_t work) {
    return work >= kParallelElements ? std::max(1, n_threads) : 1;
}

template <class T>
inline T logistic(T x) {
    return T(1) / (T(1) + std::exp(-x));
}

// The per-ISA kernel's code of an activation (kernel_table.hpp's MlpKernels), or −1.
inline int kernel_code(MlpActivation f) {
    switch (f) {
        case MlpActivation::identity: return 0;
        case MlpActivation::relu: return 1;
        case MlpActivation::tanh: return 2;
        case MlpActivation::logistic: return 3;
        default: return -1;
    }
}

// Z ← f(Z + b) row by row (Z rows × cols): the active path's vector kernel where it has one
// (exp and tanh vectorised), else the portable loops below.
template <class T>
void bias_activation(T* Z, index_t rows, index_t cols, const T* b, MlpActivation f, int n_threads) {
    const int nt = pass_threads(n_threads, rows * cols);
    const auto kern = kernel_table::kernels<T>().mlp.bias_act;
    const int code = kernel_code(f);
    if (kern && code >= 0 && nt == 1) {  // no region (this may run inside a team's region)
        kern(Z, rows, cols, b, code);
        return;
    }
    if (kern && code >= 0) {
#pragma omp parallel for num_threads(nt) schedule(static)
        for (int t = 0; t < nt; ++t) {
            const index_t r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
            kern(Z + r0 * cols, r1 - r0, cols, b, code);
        }
        return;
    }
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (index_t r = 0; r < rows; ++r) {
        T* z = Z + r * cols;
        switch (f) {
            case MlpActivation::identity:
                for (index_t j = 0; j < cols; ++j) z[j] += b[j];
                break;
            case MlpActivation::relu:
                for (index_t j = 0; j < cols; ++j) {
                    const T v = z[j] + b[j];
                    z[j] = v > T(0) ? v : T(0);
                }
                break;
            case MlpActivation::tanh:
                for (index_t j = 0; j < cols; ++j) z[j] = std::tanh(z[j] + b[j]);
                break;
            case MlpActivation::logistic:
                for (index_t j = 0; j < cols; ++j) z[j] = logistic(z[j] + b[j]);
                break;
            case MlpActivation::exp:
                for (index_t j = 0; j < cols; ++j) z[j] = std::exp(z[j] + b[j]);
                break;
            case MlpActivation::softmax: {
                T mx = -std::numeric_limits<T>::infinity();
                for (index_t j = 0; j < cols; ++j) {
                    z[j] += b[j];
                    mx = std::max(mx, z[j]);
                }
                T s = 0;
                for (index_t j = 0; j < cols; ++j) {
                    z[j] = std::exp(z[j] - mx);
                    s += z[j];
                }
                for (index_t j = 0; j < cols; ++j) z[j] /= s;
                break;
            }
        }
    }
}

// D ← D ⊙ f'(A), A the activation's output (count elements). One loop per activation, each a
// plain vectorisable pass.
template <class T>
void apply_derivative(T* D, const T* A, index_t count, MlpActivation f, int n_threads) {
    if (f == MlpActivation::identity) return;
    const int nt = pass_threads(n_threads, count);
    if (f == MlpActivation::relu) {
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t e = 0; e < count; ++e) D[e] = A[e] == T(0) ? T(0) : D[e];
    } else if (f == MlpActivation::tanh) {
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t e = 0; e < count; ++e) D[e] *= T(1) - A[e] * A[e];
    } else {  // logistic: δ·a·(1 − a), in that order
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t e = 0; e < count; ++e) D[e] = (D[e] * A[e]) * (T(1) - A[e]);
    }
}

template <class T>
struct Workspace {
    std::vector<std::vector<T>> act;    // act[i]: output of layer i (i = 1..L), rows × units[i]
    std::vector<std::vector<T>> delta;  // delta[i]: ∂loss/∂Z_i, rows × units[i]
    std::vector<T> xb, yb, swb, grad;
    std::vector<double> colsum;

    Workspace(const MlpNet& net, index_t rows, bool gather, bool with_grad) {
        const index_t L = net.n_layers();
        act.resize(L + 1);
        for (index_t i = 1; i <= L; ++i) act[i].resize(rows * net.units[i]);
        if (with_grad) {
            delta.resize(L + 1);
            for (index_t i = 1; i <= L; ++i) delta[i].resize(rows * net.units[i]);
            grad.resize(net.n_params());
            index_t widest = 0;
            for (index_t u : net.units) widest = std::max(widest, u);
            colsum.resize(widest);
        }
        if (gather) {
            xb.resize(rows * net.units[0]);
            yb.resize(rows * net.units[L]);
            swb.resize(rows);
        }
    }
};

template <class T>
void forward(const MlpNet& net, const T* params, index_t rows, const T* X, Workspace<T>& ws,
             int n_threads) {
    const index_t L = net.n_layers();
    const T* in = X;
    for (index_t i = 0; i < L; ++i) {
        const index_t fi = net.units[i], fo = net.units[i + 1];
        T* out = ws.act[i + 1].data();
        gemm<T>(false, false, rows, fo, fi, T(1), in, fi, params + net.coef_offset(i), fo, T(0),
                out, fo, n_threads);
        bias_activation(out, rows, fo, params + net.intercept_offset(i),
                        i + 1 == L ? net.output : net.hidden, n_threads);
        in = out;
    }
}

inline double xlogy(double x, double y) { return x == 0.0 ? 0.0 : x * std::log(y); }

// The data term of the loss of one row (scikit-learn's definitions), in double, unweighted.
template <class T>
double row_loss(const MlpNet& net, const T* p, const T* y) {
    const index_t k = net.units.back();
    const T eps = std::numeric_limits<T>::epsilon();
    double s = 0.0;
    switch (net.loss) {
        case MlpLoss::squared_error:
            for (index_t j = 0; j < k; ++j) {
                const double d = double(y[j]) - double(p[j]);
                s += d * d;
            }
            break;
        case MlpLoss::poisson:
            for (index_t j = 0; j < k; ++j) {
                const double yj = y[j], pj = p[j];
                s += xlogy(yj, yj / pj) - yj + pj;
            }
            break;
        case MlpLoss::log_loss:
            if (k == 1) {  // one logistic output seen as two classes
                const T pc = std::min(std::max(p[0], eps), T(1) - eps);
                s -= xlogy(double(y[0]), double(pc)) + xlogy(double(T(1) - y[0]), double(T(1) - pc));
            } else {
                for (index_t j = 0; j < k; ++j) {
                    const T pc = std::min(std::max(p[j], eps), T(1) - eps);
                    s -= xlogy(double(y[j]), double(pc));
                }
            }
            break;
        case MlpLoss::binary_log_loss:
            for (index_t j = 0; j < k; ++j) {
                const T pc = std::min(std::max(p[j], eps), T(1) - eps);
                s -= xlogy(double(y[j]), double(pc)) + xlogy(double(T(1) - y[j]), double(T(1) - pc));
            }
            break;
    }
    return s;
}

// The row terms (each already weighted) summed in row order, scaled as scikit-learn does.
inline double finish_data_loss(const MlpNet& net, double total, double sw_sum) {
    total /= sw_sum;
    if (net.loss == MlpLoss::squared_error) total *= 0.5 / double(net.units.back());
    return total;
}

// The data term of the loss (scikit-learn's definitions), in double.
template <class T>
double data_loss(const MlpNet& net, index_t rows, const T* P, const T* Y, const T* sw, double sw_sum) {
    const index_t k = net.units.back();
    double total = 0.0;
    for (index_t r = 0; r < rows; ++r) {
        const double s = row_loss(net, P + r * k, Y + r * k);
        total += sw ? double(sw[r]) * s : s;
    }
    return finish_data_loss(net, total, sw_sum);
}

// Σ θ_e² over one chunk of kSqChunk values, in double, in 8 interleaved lanes (so the loop
// vectorises without reassociation) folded in a fixed order. The sum over all the coefficients is
// the chunks' sums added in chunk order: the same bits whichever thread computes which chunk.
constexpr index_t kSqChunk = 4096;

template <class T>
double sq_chunk(const T* x, index_t count) {
    double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    index_t e = 0;
    for (; e + 8 <= count; e += 8)
        for (int j = 0; j < 8; ++j) lane[j] += double(x[e + j]) * double(x[e + j]);
    for (int j = 0; e < count; ++e, ++j) lane[j] += double(x[e]) * double(x[e]);
    return ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

template <class T>
double sq_norm(const T* x, index_t count) {
    double s = 0.0;
    for (index_t c = 0; c < count; c += kSqChunk) s += sq_chunk(x + c, std::min(kSqChunk, count - c));
    return s;
}

// Forward pass, loss and gradient of one batch (rows of X, Y, sw contiguous). Returns the loss.
template <class T>
double batch_step(const MlpNet& net, const T* params, index_t rows, const T* X, const T* Y,
                  const T* sw, T* grad, Workspace<T>& ws, int n_threads) {
    const index_t L = net.n_layers(), k = net.units.back();
    forward(net, params, rows, X, ws, n_threads);
    double sw_sum = double(rows);
    if (sw) {
        sw_sum = 0.0;
        for (index_t r = 0; r < rows; ++r) sw_sum += double(sw[r]);
    }
    double loss = data_loss(net, rows, ws.act[L].data(), Y, sw, sw_sum);
    loss += 0.5 * net.alpha * sq_norm(params, net.coef_offset(L)) / sw_sum;

    // δ_L = (P − Y)·w
    {
        const T* P = ws.act[L].data();
        T* D = ws.delta[L].data();
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = 0; j < k; ++j) {
                T d = P[r * k + j] - Y[r * k + j];
                if (sw) d *= sw[r];
                D[r * k + j] = d;
            }
    }
    const T inv = T(1.0 / sw_sum);
    const T reg = T(net.alpha / sw_sum);
    for (index_t i = L - 1; i >= 0; --i) {
        const index_t fi = net.units[i], fo = net.units[i + 1];
        const T* in = i == 0 ? X : ws.act[i].data();
        const T* W = params + net.coef_offset(i);
        const T* D = ws.delta[i + 1].data();
        T* gW = grad + net.coef_offset(i);
        {
            const index_t cnt = fi * fo;
            const int nt = pass_threads(n_threads, cnt);
#pragma omp parallel for num_threads(nt) schedule(static)
            for (index_t e = 0; e < cnt; ++e) gW[e] = reg * W[e];
        }
        gemm<T>(true, false, fi, fo, rows, inv, in, fi, D, fo, T(1), gW, fo, n_threads);
        double* cs = ws.colsum.data();
        std::fill(cs, cs + fo, 0.0);
        for (index_t r = 0; r < rows; ++r) {
            const T* d = D + r * fo;
            for (index_t j = 0; j < fo; ++j) cs[j] += double(d[j]);
        }
        T* gb = grad + net.intercept_offset(i);
        for (index_t j = 0; j < fo; ++j) gb[j] = T(cs[j] / sw_sum);
        if (i > 0) {
            T* Dp = ws.delta[i].data();
            gemm<T>(false, true, rows, fi, fo, T(1), D, fo, W, fo, T(0), Dp, fi, n_threads);
            apply_derivative(Dp, ws.act[i].data(), rows * fi, net.hidden, n_threads);
        }
    }
    return loss;
}

// The step sizes of one optimiser step (Adam's bias-corrected rate for step count t).
struct StepConsts {
    double lr, b1, b2, c1, c2, eps, mu;
};

inline StepConsts step_consts(const MlpOptimizer& opt, std::int64_t t) {
    StepConsts c{};
    if (opt.solver == MlpSolver::sgd) {
        c.mu = opt.momentum;
        c.lr = opt.learning_rate;
    } else {
        const double td = double(t);
        c.lr = opt.learning_rate_init * std::sqrt(1.0 - std::pow(opt.beta_2, td)) /
               (1.0 - std::pow(opt.beta_1, td));
        c.b1 = opt.beta_1;
        c.b2 = opt.beta_2;
        c.c1 = 1.0 - opt.beta_1;
        c.c2 = 1.0 - opt.beta_2;
        c.eps = opt.epsilon;
    }
    return c;
}

// The optimiser's update of parameters [e0, e1): elementwise, so any split gives the same bits.
template <class T>
void optimizer_range(const MlpOptimizer& opt, const StepConsts& c, index_t e0, index_t e1,
                     T* params, const T* g, T* s1, T* s2) {
    if (opt.solver == MlpSolver::sgd) {
        const T mu = T(c.mu), lr = T(c.lr);
        const bool nesterov = opt.nesterov;
        for (index_t e = e0; e < e1; ++e) {
            const T v = mu * s1[e] - lr * g[e];
            s1[e] = v;
            params[e] += nesterov ? mu * v - lr * g[e] : v;
        }
        return;
    }
    const T lr = T(c.lr), b1 = T(c.b1), b2 = T(c.b2), c1 = T(c.c1), c2 = T(c.c2), eps = T(c.eps);
    if (const auto kern = kernel_table::kernels<T>().mlp.adam) {  // vector √ and ÷
        if (e1 > e0) kern(e1 - e0, params + e0, g + e0, s1 + e0, s2 + e0, lr, b1, b2, c1, c2, eps);
        return;
    }
    for (index_t e = e0; e < e1; ++e) {
        const T m = b1 * s1[e] + c1 * g[e];
        const T v = b2 * s2[e] + c2 * (g[e] * g[e]);
        s1[e] = m;
        s2[e] = v;
        params[e] += -lr * m / (std::sqrt(v) + eps);
    }
}

template <class T>
void optimizer_step(MlpOptimizer& opt, index_t P, T* params, const T* g, T* s1, T* s2, int n_threads) {
    const int nt = pass_threads(n_threads, P);
    if (opt.solver == MlpSolver::adam) opt.t += 1;
    const StepConsts c = step_consts(opt, opt.t);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int t = 0; t < nt; ++t)
        optimizer_range(opt, c, P * t / nt, P * (t + 1) / nt, params, g, s1, s2);
}

// D ← D ⊙ f'(A) over `count` contiguous values, on the calling thread (a task's own rows).
template <class T>
void derivative_rows(T* D, const T* A, index_t count, MlpActivation f) {
    if (f == MlpActivation::relu) {
        for (index_t e = 0; e < count; ++e) D[e] = A[e] == T(0) ? T(0) : D[e];
    } else if (f == MlpActivation::tanh) {
        for (index_t e = 0; e < count; ++e) D[e] *= T(1) - A[e] * A[e];
    } else if (f == MlpActivation::logistic) {
        for (index_t e = 0; e < count; ++e) D[e] = (D[e] * A[e]) * (T(1) - A[e]);
    }
}

// The inputs of the batch that starts at row s: rows s… of X, Y and sw themselves, or, with an
// order, the workspace's copies that gather_rows fills.
template <class T>
struct BatchInputs {
    const T *x, *y, *sw;
};

template <class T>
BatchInputs<T> batch_inputs(const Workspace<T>& ws, const T* X, const T* Y, const T* sw, bool ordered,
                            index_t s, index_t d, index_t k) {
    if (ordered) return {ws.xb.data(), ws.yb.data(), sw ? ws.swb.data() : nullptr};
    return {X + s * d, Y + s * k, sw ? sw + s : nullptr};
}

// Rows [r0, r1) of the batch that starts at s copied in the order's sequence into the workspace.
template <class T>
void gather_rows(Workspace<T>& ws, const T* X, const T* Y, const T* sw, const std::int64_t* order,
                 index_t s, index_t r0, index_t r1, index_t d, index_t k) {
    for (index_t r = r0; r < r1; ++r) {
        const index_t src = order[s + r];
        std::memcpy(ws.xb.data() + r * d, X + src * d, sizeof(T) * d);
        std::memcpy(ws.yb.data() + r * k, Y + src * k, sizeof(T) * k);
        if (sw) ws.swb[r] = sw[src];
    }
}

// Point t of `parts` cuts of [0, n) at multiples of `align` (the last part takes the remainder).
inline index_t cut_at(index_t n, index_t align, index_t parts, index_t t) {
    const index_t units = (n + align - 1) / align;
    return std::min(n, units * t / parts * align);
}

// Rows [a0, a1) × columns [c0, c1) of one layer's coefficient matrix: a task of the update job.
struct WeightBlock {
    index_t layer, a0, a1, c0, c1;
};

// Tasks per thread of a job when several threads share a batch: enough that a thread the OS
// delays leaves the others work to take, few enough that each task's packing stays small.
constexpr index_t kTasksPerThread = 3;

// One epoch of minibatch steps, each batch in two jobs on the task pool (task_pool.hpp), so that
// a thread the OS starts late (1-8 ms on a busy machine) never holds the others at a barrier:
//   1. rows [r0, r1) of the batch per task: gather, the forward pass (each layer's product, bias and
//      activation), δ_L and the rows' loss terms, then the whole backward chain of deltas
//      δ_i = (δ_{i+1}·W_iᵀ) ⊙ f'(a_i) for those rows (a row's deltas need only its own row and the
//      weights); other tasks take chunks of Σθ² for the penalty.
//   2. blocks of every layer's weights per task: ∂W = reg·W + inv·inᵀδ over the block (the only
//      products that sum over the rows of the batch) and, at once while the block is in cache, the
//      optimiser's update of those weights; one task per layer sums ∂b over the rows and updates b.
// Every product's per-element arithmetic is the same however its rows or columns are cut (gemm.hpp),
// and every sum has a fixed order, so the results equal batch_step + optimizer_step for any nt.
// Requires batch_size < 8192 (gemm never slices k there, so a product's bits depend on no cut).
template <class T>
double epoch_tasks(const MlpNet& net, T* params, index_t n, const T* X, const T* Y, const T* sw,
                   const std::int64_t* order, index_t bs, MlpOptimizer& opt, T* s1, T* s2,
                   Workspace<T>& ws, int nt) {
    const index_t L = net.n_layers(), d = net.units[0], k = net.units.back();
    const index_t n_coef = net.coef_offset(L);
    const index_t n_chunks = (n_coef + kSqChunk - 1) / kSqChunk;
    const GemmBlocking blk = gemm_blocking<T>();
    const index_t MR = blk.mr, NR = blk.nr;
    std::vector<double> row_terms(bs), sq_parts(n_chunks);
    std::vector<index_t> colsum_at(L + 1, 0);
    for (index_t i = 0; i < L; ++i) colsum_at[i + 1] = colsum_at[i] + net.units[i + 1];
    std::vector<double> colsum(colsum_at[L]);
    T* grad = ws.grad.data();

    // The update job's blocks (the same for every batch): one per layer on one thread; else about
    // kTasksPerThread·nt blocks of similar size, a layer cut along its longer side (rows at
    // multiples of MR, columns at multiples of NR: whole register tiles), the largest first.
    std::vector<WeightBlock> blocks;
    {
        const double target = double(n_coef) / double(kTasksPerThread * nt);
        for (index_t i = 0; i < L; ++i) {
            const index_t fi = net.units[i], fo = net.units[i + 1];
            const bool by_rows = fi >= fo;
            const index_t len = by_rows ? fi : fo, align = by_rows ? MR : NR;
            index_t parts = nt == 1 ? 1 : index_t(double(fi) * double(fo) / target + 0.5);
            parts = std::max<index_t>(1, std::min(parts, (len + align - 1) / align));
            for (index_t t = 0; t < parts; ++t) {
                const index_t lo = cut_at(len, align, parts, t), hi = cut_at(len, align, parts, t + 1);
                if (hi <= lo) continue;
                blocks.push_back(by_rows ? WeightBlock{i, lo, hi, 0, fo} : WeightBlock{i, 0, fi, lo, hi});
            }
        }
        std::stable_sort(blocks.begin(), blocks.end(), [](const WeightBlock& a, const WeightBlock& b) {
            return (a.a1 - a.a0) * (a.c1 - a.c0) > (b.a1 - b.a0) * (b.c1 - b.c0);
        });
    }
    const index_t n_blocks = index_t(blocks.size());

    const std::int64_t t0 = opt.t;
    std::int64_t step = 0;
    double acc = 0.0;
    for (index_t s = 0; s < n; s += bs, ++step) {
        const index_t rows = std::min(bs, n - s);
        const BatchInputs<T> in_b = batch_inputs(ws, X, Y, sw, order != nullptr, s, d, k);
        const T *xp = in_b.x, *yp = in_b.y, *swp = in_b.sw;
        // 1. rows: forward, loss terms, deltas; chunks of Σθ².
        const index_t row_tiles = (rows + MR - 1) / MR;
        const index_t row_tasks = nt == 1 ? 1 : std::min<index_t>(row_tiles, kTasksPerThread * nt);
        auto rows_task = [&](index_t r0, index_t r1) {
            if (order) gather_rows(ws, X, Y, sw, order, s, r0, r1, d, k);
            const index_t m = r1 - r0;
            const T* in = xp + r0 * d;
            for (index_t i = 0; i < L; ++i) {
                const index_t fi = net.units[i], fo = net.units[i + 1];
                T* out = ws.act[i + 1].data() + r0 * fo;
                gemm<T>(false, false, m, fo, fi, T(1), in, fi, params + net.coef_offset(i), fo, T(0),
                        out, fo, 1);
                bias_activation(out, m, fo, params + net.intercept_offset(i),
                                i + 1 == L ? net.output : net.hidden, 1);
                in = out;
            }
            const T* Pp = ws.act[L].data();
            T* D = ws.delta[L].data();
            for (index_t r = r0; r < r1; ++r) {
                const double term = row_loss(net, Pp + r * k, yp + r * k);
                row_terms[r] = swp ? double(swp[r]) * term : term;
                for (index_t j = 0; j < k; ++j) {
                    T dv = Pp[r * k + j] - yp[r * k + j];
                    if (swp) dv *= swp[r];
                    D[r * k + j] = dv;
                }
            }
            for (index_t i = L - 1; i >= 1; --i) {
                const index_t fi = net.units[i], fo = net.units[i + 1];
                T* Dp = ws.delta[i].data() + r0 * fi;
                gemm<T>(false, true, m, fi, fo, T(1), ws.delta[i + 1].data() + r0 * fo, fo,
                        params + net.coef_offset(i), fo, T(0), Dp, fi, 1);
                derivative_rows(Dp, ws.act[i].data() + r0 * fi, m * fi, net.hidden);
            }
        };
        parallel_tasks(nt, row_tasks + n_chunks, [&](std::int64_t t) {
            if (t < row_tasks) {
                const index_t r0 = cut_at(rows, MR, row_tasks, index_t(t));
                const index_t r1 = cut_at(rows, MR, row_tasks, index_t(t) + 1);
                if (r1 > r0) rows_task(r0, r1);
            } else {
                const index_t c = index_t(t) - row_tasks;
                sq_parts[c] = sq_chunk(params + c * kSqChunk, std::min(kSqChunk, n_coef - c * kSqChunk));
            }
        });
        double sw_sum = double(rows);
        if (swp) {
            sw_sum = 0.0;
            for (index_t r = 0; r < rows; ++r) sw_sum += double(swp[r]);
        }
        {
            double total = 0.0;
            for (index_t r = 0; r < rows; ++r) total += row_terms[r];
            double sq = 0.0;
            for (index_t c = 0; c < n_chunks; ++c) sq += sq_parts[c];
            acc += (finish_data_loss(net, total, sw_sum) + 0.5 * net.alpha * sq / sw_sum) * double(rows);
        }
        // 2. weight blocks: gradient and update; per layer the intercepts.
        const T inv = T(1.0 / sw_sum);
        const T reg = T(net.alpha / sw_sum);
        const StepConsts c = step_consts(opt, t0 + step + 1);
        parallel_tasks(nt, n_blocks + L, [&](std::int64_t t) {
            if (t < n_blocks) {
                const WeightBlock& b = blocks[std::size_t(t)];
                const index_t i = b.layer, fi = net.units[i], fo = net.units[i + 1];
                const T* in = i == 0 ? xp : ws.act[i].data();
                const index_t off = net.coef_offset(i);
                const T* W = params + off;
                T* gW = grad + off;
                for (index_t a = b.a0; a < b.a1; ++a)
                    for (index_t j = b.c0; j < b.c1; ++j) gW[a * fo + j] = reg * W[a * fo + j];
                gemm<T>(true, false, b.a1 - b.a0, b.c1 - b.c0, rows, inv, in + b.a0, fi,
                        ws.delta[i + 1].data() + b.c0, fo, T(1), gW + b.a0 * fo + b.c0, fo, 1);
                if (b.c0 == 0 && b.c1 == fo)
                    optimizer_range(opt, c, off + b.a0 * fo, off + b.a1 * fo, params, grad, s1, s2);
                else
                    for (index_t a = b.a0; a < b.a1; ++a)
                        optimizer_range(opt, c, off + a * fo + b.c0, off + a * fo + b.c1, params, grad,
                                        s1, s2);
            } else {
                const index_t i = index_t(t) - n_blocks, fo = net.units[i + 1];
                const T* D = ws.delta[i + 1].data();
                double* cs = colsum.data() + colsum_at[i];
                std::fill(cs, cs + fo, 0.0);
                for (index_t r = 0; r < rows; ++r) {
                    const T* dr = D + r * fo;
                    for (index_t j = 0; j < fo; ++j) cs[j] += double(dr[j]);
                }
                const index_t off = net.intercept_offset(i);
                T* gb = grad + off;
                for (index_t j = 0; j < fo; ++j) gb[j] = T(cs[j] / sw_sum);
                optimizer_range(opt, c, off, off + fo, params, grad, s1, s2);
            }
        });
    }
    if (opt.solver == MlpSolver::adam) opt.t = t0 + (n + bs - 1) / bs;
    return acc / double(n);
}

struct MaxFunReached {};

}  // namespace

template <class T>
void mlp_predict(const MlpNet& net, const T* params, index_t n, const T* X, T* out, int n_threads) {
    net.check();
    require(n >= 0, "mlp_predict: n must be >= 0");
    if (n == 0) return;
    const index_t block = std::min<index_t>(n, 4096), d = net.units[0], k = net.units.back();
    Workspace<T> ws(net, block, false, false);
    for (index_t s = 0; s < n; s += block) {
        const index_t rows = std::min(block, n - s);
        forward(net, params, rows, X + s * d, ws, n_threads);
        std::memcpy(out + s * k, ws.act.back().data(), sizeof(T) * rows * k);
    }
}

template <class T>
double mlp_loss_grad(const MlpNet& net, const T* params, index_t n, const T* X, const T* Y,
                     const T* sw, T* grad, int n_threads) {
    net.check();
    require(n >= 1, "mlp_loss_grad: at least one sample is needed");
    Workspace<T> ws(net, n, false, true);
    const double loss = batch_step(net, params, n, X, Y, sw, ws.grad.data(), ws, n_threads);
    std::copy(ws.grad.begin(), ws.grad.end(), grad);
    return loss;
}

template <class T>
double mlp_epoch(const MlpNet& net, T* params, index_t n, const T* X, const T* Y, const T* sw,
                 const std::int64_t* order, index_t batch_size, MlpOptimizer& opt, T* state1,
                 T* state2, int n_threads) {
    net.check();
    require(n >= 1, "mlp_epoch: at least one sample is needed");
    require(batch_size >= 1, "mlp_epoch: batch_size must be >= 1");
    require(opt.solver == MlpSolver::sgd || opt.solver == MlpSolver::adam, "mlp_epoch: unknown solver");
    if (order)
        for (index_t i = 0; i < n; ++i)
            require(order[i] >= 0 && order[i] < n, "mlp_epoch: order holds an index out of range");
    const index_t d = net.units[0], k = net.units.back(), P = net.n_params();
    const index_t bs = std::min(batch_size, n);
    Workspace<T> ws(net, bs, order != nullptr, true);
    if (bs < 8192) {
        // A team only where a batch's products repay its barriers (the bits are the same either way).
        double madds = 0.0;
        for (index_t i = 0; i < net.n_layers(); ++i)
            madds += 3.0 * double(bs) * double(net.units[i]) * double(net.units[i + 1]);
        const int nt = madds >= kTeamMadds ? std::max(1, n_threads) : 1;
        return epoch_tasks(net, params, n, X, Y, sw, order, bs, opt, state1, state2, ws, nt);
    }
    double acc = 0.0;
    for (index_t s = 0; s < n; s += bs) {
        const index_t rows = std::min(bs, n - s);
        if (order) gather_rows(ws, X, Y, sw, order, s, 0, rows, d, k);
        const BatchInputs<T> in_b = batch_inputs(ws, X, Y, sw, order != nullptr, s, d, k);
        const T *xp = in_b.x, *yp = in_b.y, *swp = in_b.sw;
        const double loss = batch_step(net, params, rows, xp, yp, swp, ws.grad.data(), ws, n_threads);
        acc += loss * double(rows);
        optimizer_step(opt, P, params, ws.grad.data(), state1, state2, n_threads);
    }
    return acc / double(n);
}

template <class T>
MlpLbfgsResult mlp_lbfgs(const MlpNet& net, T* params, index_t n, const T* X, const T* Y,
                         const T* sw, index_t max_iter, index_t max_fun, double tol, double ftol,
                         int n_threads) {
    net.check();
    require(n >= 1, "mlp_lbfgs: at least one sample is needed");
    require(max_iter >= 1 && max_fun >= 1, "mlp_lbfgs: max_iter and max_fun must be >= 1");
    const index_t P = net.n_params();
    Workspace<T> ws(net, n, false, true);
    std::vector<T> theta_t(params, params + P);
    std::vector<double> theta(params, params + P), best_x(theta);
    double best_f = std::numeric_limits<double>::infinity();
    index_t evals = 0, improvements = 0;
    auto fun = [&](const double* x, double* g) -> double {
        if (evals >= max_fun) throw MaxFunReached{};
        ++evals;
        for (index_t e = 0; e < P; ++e) theta_t[e] = T(x[e]);
        const double f = batch_step(net, theta_t.data(), n, X, Y, sw, ws.grad.data(), ws, n_threads);
        for (index_t e = 0; e < P; ++e) g[e] = double(ws.grad[e]);
        if (f < best_f) {
            best_f = f;
            std::copy(x, x + P, best_x.begin());
            ++improvements;
        }
        return f;
    };
    MlpLbfgsResult out;
    try {
        const LbfgsResult r = lbfgs_minimize(P, fun, theta.data(), max_iter, tol, ftol, 10, 20);
        for (index_t e = 0; e < P; ++e) params[e] = T(theta[e]);
        out.loss = r.f;
        out.n_iter = std::min<std::ptrdiff_t>(r.n_iter, max_iter);
        out.status = r.status;
    } catch (const MaxFunReached&) {
        for (index_t e = 0; e < P; ++e) params[e] = T(best_x[e]);
        out.loss = best_f;
        out.n_iter = std::min<std::ptrdiff_t>(std::max<index_t>(improvements - 1, 0), max_iter);
        out.status = 1;
    }
    out.n_evals = evals;
    return out;
}

#define SCRATCHLEARN_MLP_INSTANTIATE(T)                                                          \
    template void mlp_predict<T>(const MlpNet&, const T*, index_t, const T*, T*, int);          \
    template double mlp_loss_grad<T>(const MlpNet&, const T*, index_t, const T*, const T*,      \
                                     const T*, T*, int);                                       \
    template double mlp_epoch<T>(const MlpNet&, T*, index_t, const T*, const T*, const T*,      \
                                 const std::int64_t*, index_t, MlpOptimizer&, T*, T*, int);    \
    template MlpLbfgsResult mlp_lbfgs<T>(const MlpNet&, T*, index_t, const T*, const T*,        \
                                         const T*, index_t, index_t, double, double, int);

SCRATCHLEARN_MLP_INSTANTIATE(float)
SCRATCHLEARN_MLP_INSTANTIATE(double)

}  // namespace scratchlearn
