// Pieces shared by the SVM sources: kernel evaluation over rows of the training data, the LRU
// kernel-row cache, the Q matrices the solver sees, and the SMO solver itself.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "../kernel_table.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/svm.hpp"

namespace scratchlearn::svm_detail {

class PassPool;


// The kernel's parameters as the per-ISA kernels (kernel_table.hpp) take them.
inline kernel_table::SvmRowParams row_params(const SvmKernelParams& kp) {
    kernel_table::SvmRowParams rp;
    rp.kind = kp.kernel == SvmKernel::poly ? 1 : kp.kernel == SvmKernel::rbf ? 2 : kp.kernel == SvmKernel::sigmoid ? 3 : 0;
    rp.degree = kp.degree;
    rp.gamma = kp.gamma;
    rp.coef0 = kp.coef0;
    return rp;
}

// The kernel on rows of one data matrix X (row ids index X's rows). For the precomputed kernel X
// is the Gram matrix itself and K(a, b) = X[a, b].
template <class T>
struct Kernel {
    const T* X = nullptr;
    index_t n = 0, d = 0;       // rows, row length
    SvmKernelParams kp;
    std::vector<double> sq;     // squared row norms (rbf)
    kernel_table::SvmRowParams rp;  // the kernel as the per-ISA kernels take it

    Kernel(const T* X_, index_t n_, index_t d_, const SvmKernelParams& kp_);

    // The kernel from a dot product (and, for rbf, the squared norms of both rows).
    double from_dot(double dot, double sa, double sb) const {
        switch (kp.kernel) {
            case SvmKernel::linear: return dot;
            case SvmKernel::poly: return ipow(kp.gamma * dot + kp.coef0, kp.degree);
            case SvmKernel::rbf: return std::exp(-kp.gamma * (sa + sb - 2.0 * dot));
            case SvmKernel::sigmoid: return std::tanh(kp.gamma * dot + kp.coef0);
            default: return dot;
        }
    }
    static double ipow(double b, int e) {
        double r = 1.0;
        while (e > 0) {
            if (e & 1) r *= b;
            b *= b;
            e >>= 1;
        }
        return r;
    }
    double dot(index_t a, index_t b) const;
    double eval(index_t a, index_t b) const {
        if (kp.kernel == SvmKernel::precomputed) return double(X[a * d + b]);
        return from_dot(dot(a, b), sq.empty() ? 0.0 : sq[a], sq.empty() ? 0.0 : sq[b]);
    }
    // out[k] = sa·s[k]·K(a, ids[k]) for k in [start, len) (s == nullptr: all +1), in parallel.
    void row(index_t a, const index_t* ids, index_t start, index_t len, float* out, double sa,
             const std::int8_t* s, int n_threads) const;
    // Rows of the transposed layout: the d features, and for rbf in double the squared norms
    // (the per-ISA row kernel computes rbf in double from them).
    index_t xt_rows() const {
        return d + (kp.kernel == SvmKernel::rbf && sizeof(T) == sizeof(double) ? 1 : 0);
    }
    // Xᵀ of rows ids (xt_rows() × l, row-major), the layout row_t reads (empty for precomputed).
    std::vector<T> transpose(const index_t* ids, index_t l) const;
    // out[k] = sa·s[k]·K(a, point k) for k in [start, len), the points being the columns of XT
    // (d × ld, from transpose); the per-ISA row kernel, split among threads when long enough.
    void row_t(const T* XT, index_t ld, index_t a, index_t start, index_t len, float* out, double sa,
               const std::int8_t* s, int n_threads, PassPool* pool = nullptr) const;
    // out[k − u0] = sa·s[k]·K(a, point k) for k in [u0, u1): the same values, into a buffer of
    // u1 − u0, on this thread.
    void row_part(const T* XT, index_t ld, index_t a, index_t u0, index_t u1, float* out, double sa,
                  const std::int8_t* s) const {
        kernel_table::kernels<T>().svm.row(XT + u0, ld, d, X + a * d, sq.empty() ? 0.0 : sq[a], 0, u1 - u0, &rp,
                                           s ? s + u0 : nullptr, sa, out);
    }
    // Working buffers of block, kept by a caller that calls it again and again (so that each call
    // does not map and fault in fresh pages).
    struct Scratch {
        std::vector<T> A, B, C, qb;
    };
    // out (na × nb, row-major, leading dimension nb) = K(ia[r], ib[c]) through the GEMM.
    void block(const index_t* ia, index_t na, const index_t* ib, index_t nb, double* out,
               int n_threads, Scratch* scratch = nullptr) const;
};

// Helper threads for the SMO solver's passes over its variables (kernel rows, gradient update,
// working-set search). A pass is split into fixed chunks; the calling thread and the helpers
// claim chunks from one atomic ticket (the caller from the front, the helpers from the back; see
// smo.cpp) and the caller returns once every chunk is done. The caller never waits for a helper that has not started: a helper that is not
// running (a busy machine) just claims nothing, and the caller does the chunks itself. Chunks are
// fixed, so results do not depend on the number of threads. Helpers live for one solve.
class PassPool {
public:
    using Fn = void (*)(void* ctx, index_t chunk);
    explicit PassPool(int n_helpers);
    ~PassPool();
    PassPool(const PassPool&) = delete;
    PassPool& operator=(const PassPool&) = delete;
    int helpers() const { return int(threads_.size()); }
    // fn(ctx, c) for c in [0, n_chunks), on this thread and the helpers.
    void run(index_t n_chunks, Fn fn, void* ctx);
    // Calls f(c) for the chunks (f a lambda; its state lives on the caller's stack).
    template <class F>
    void for_chunks(index_t n_chunks, F& f) {
        run(n_chunks, [](void* ctx, index_t c) { (*static_cast<F*>(ctx))(c); }, &f);
    }

private:
    void helper_loop();
    bool work(std::uint64_t pass, bool from_back);
    std::vector<std::thread> threads_;
    std::atomic<std::uint64_t> ticket_{0};  // pass << 32 | front << 16 | back
    std::atomic<Fn> fn_{nullptr};
    std::atomic<void*> ctx_{nullptr};
    std::atomic<index_t> done_{0};
    std::atomic<bool> stop_{false};
    std::uint64_t pass_ = 0;
};

// f(c) for the chunks c in [0, n_chunks): shared with pool's helpers when there is a pool, else
// all on this thread (the same chunks either way, so the same results).
template <class F>
void run_chunks(PassPool* pool, index_t n_chunks, F& f) {
    if (pool)
        pool->for_chunks(n_chunks, f);
    else
        for (index_t c = 0; c < n_chunks; ++c) f(c);
}

// A cached row's storage: at least the asked-for number of floats, uninitialised. Long rows come
// from, and go back to, the row memory (kernel.cpp), which keeps freed storage for the next rows
// of its size: fresh memory costs a page fault per 4 KB, and a fit fills its cache with rows.
class RowBuf {
public:
    RowBuf() = default;
    explicit RowBuf(std::size_t len);
    RowBuf(RowBuf&& o) noexcept : p_(o.p_), cap_(o.cap_) { o.p_ = nullptr, o.cap_ = 0; }
    RowBuf& operator=(RowBuf&& o) noexcept {
        if (this != &o) {
            reset();
            p_ = o.p_, cap_ = o.cap_;
            o.p_ = nullptr, o.cap_ = 0;
        }
        return *this;
    }
    RowBuf(const RowBuf&) = delete;
    RowBuf& operator=(const RowBuf&) = delete;
    ~RowBuf() { reset(); }
    void reset();
    float* get() const { return p_; }

private:
    float* p_ = nullptr;
    std::size_t cap_ = 0;
};

// LRU cache of kernel rows: row i holds its first len(i) values; the total is bounded by a
// budget in floats (at least two full rows, so the two rows of one SMO step never evict each
// other).
class RowCache {
public:
    RowCache(index_t n_rows, index_t row_len, double megabytes);
    // The rows' storage goes back to the row memory, which keeps no more than this cache's budget.
    ~RowCache();
    RowCache(const RowCache&) = delete;
    RowCache& operator=(const RowCache&) = delete;
    // Row i with at least len values; *filled gets how many were already computed.
    float* get(index_t i, index_t len, index_t* filled);
    // Exchanges rows i and j and entries i and j of every cached row (rows too short to hold both
    // are dropped). The rows themselves are exchanged at once; the entries of a cached row only
    // when the row is next asked for (get), each row keeping how much of the log of exchanges it
    // has seen: a row never asked for again costs nothing.
    void swap_index(index_t i, index_t j);

private:
    struct Row {
        RowBuf data;
        index_t len = 0, prev = -1, next = -1;
        std::size_t seen = 0;  // exchanges of log_ applied to the entries
        bool linked = false;
    };
    void unlink(index_t i);
    void push_mru(index_t i);
    void evict(index_t i);
    void exchange_rows(index_t i, index_t j);
    void catch_up(index_t i);
    std::vector<Row> rows_;
    std::vector<std::pair<index_t, index_t>> log_;  // every exchange so far, smaller position first
    index_t lru_ = -1, mru_ = -1;
    long long free_ = 0;
    long long budget_ = 0;  // floats
};

// What the solver sees: Q[i][j] = y_i y_j K(x_i, x_j) over its variables, with rows served from
// the cache, the diagonal, and the exchange of two variables' positions (shrinking).
class QMatrix {
public:
    virtual ~QMatrix() = default;
    virtual const float* get_Q(index_t i, index_t len) = 0;
    virtual const double* diag() const = 0;
    virtual void swap_index(index_t i, index_t j) = 0;
    // Row i's storage with at least len values, the first *filled of them computed, for a caller
    // that computes the rest itself, piece by piece, with fill (each piece [b, e) before it reads
    // it); nullptr where the matrix does not serve rows that way (the caller then uses get_Q).
    virtual float* row_storage(index_t i, index_t len, index_t* filled) {
        (void)i, (void)len, (void)filled;
        return nullptr;
    }
    virtual void fill(index_t i, float* row, index_t b, index_t e) { (void)i, (void)row, (void)b, (void)e; }
    // Whether a whole row (all variables, not only the active ones) costs little more than the
    // active part (the solver then keeps Ḡ up to date at once instead of postponing its tail).
    virtual bool whole_rows_cheap() const { return false; }
    virtual void swap_many(const std::vector<std::pair<index_t, index_t>>& swaps) {
        for (const auto& s : swaps) swap_index(s.first, s.second);
    }
    // Whether rows_range serves (the rows straight from the data, cheaper than blocks of `block`
    // where many rows are needed over some variables, as in the gradient's reconstruction).
    virtual bool has_rows_range() const { return false; }
    // out[k − u0] = Q(i, k) for k in [u0, u1), the very values the cache holds for row i, computed
    // on this thread, neither read from the cache nor put in it (helpers may call it at once).
    virtual void rows_range(index_t i, index_t u0, index_t u1, float* out) { (void)i, (void)u0, (void)u1, (void)out; }
    // Helpers for the kernel rows (nullptr: none); set by the solver for the length of a solve.
    void set_pool(PassPool* pool) { pool_ = pool; }
    // Q over variable positions vi × vj (out ni × nj) computed directly (GEMM), no cache.
    virtual void block(const index_t* vi, index_t ni, const index_t* vj, index_t nj,
                       double* out) = 0;
    // G[r] += Σ_c coef[c]·Q(vi[r], vj[c]) for r < ni, Q's values as the cache holds them (float):
    // the gradient reconstruction. Here through blocks of `block`.
    virtual void add_products(const index_t* vi, index_t ni, const index_t* vj, index_t nj,
                              const double* coef, double* G);

protected:
    // f(r) for r in [0, n): in chunks of 64 shared with the solve's helpers when there are any.
    template <class F>
    void for_rows(index_t n, F&& f);
    PassPool* pool_ = nullptr;
    std::vector<double> products_;  // add_products' block of Q, kept between calls
};

template <class F>
void QMatrix::for_rows(index_t n, F&& f) {
    constexpr index_t kRows = 64;
    const index_t nc = (n + kRows - 1) / kRows;
    auto g = [&](index_t c) {
        for (index_t r = c * kRows, e = std::min(n, r + kRows); r < e; ++r) f(r);
    };
    run_chunks(pool_, nc, g);
}

// Kernel rows of a whole problem shared by the solvers of its subproblems (the cross-validation
// folds, which run at the same time): the row of whole-problem position a holds K(x_a, x_b) for
// every position b, computed once, by whichever solver asks first (Kernel::row_t, so a
// subproblem served from here gets the very values it would compute itself), within a budget of
// rows. A row another thread is computing, or one past the budget, is not waited for: the caller
// computes its own.
template <class T>
class SharedRows {
public:
    SharedRows(const Kernel<T>& K, const std::vector<index_t>& ids, long long max_rows);
    index_t size() const { return l_; }
    // The row of position a (nullptr: the caller computes it); pool: helpers for computing it.
    const float* row(index_t a, PassPool* pool = nullptr);
    // The row of position a into dst (l values), stored or not.
    void compute(index_t a, float* dst) const;
    // Values [k0, k1) of the row of position a into dst[k0, k1), computed here (one thread).
    void compute_range(index_t a, index_t k0, index_t k1, float* dst) const;

private:
    static constexpr std::int64_t kEmpty = -1, kBusy = -2, kNone = -3;
    const Kernel<T>& K_;
    const std::vector<index_t>& ids_;
    index_t l_;
    std::vector<T> XT_;
    long long cap_;
    std::unique_ptr<RowBuf[]> rows_;  // cap_ stored rows, each taken when first computed
    std::unique_ptr<std::atomic<std::int64_t>[]> slot_;  // position → stored row, or a state
    std::atomic<long long> next_{0};
};

// Classification and one-class: one variable per data row.
template <class T>
class SvcQ final : public QMatrix {
public:
    // shared, pos: the whole problem's rows and each variable's position in it (a fold).
    SvcQ(const Kernel<T>& K, const std::vector<index_t>& ids, const std::int8_t* y,
         double cache_mb, int n_threads, SharedRows<T>* shared = nullptr,
         const std::vector<index_t>* pos = nullptr);
    const float* get_Q(index_t i, index_t len) override;
    float* row_storage(index_t i, index_t len, index_t* filled) override;
    void fill(index_t i, float* row, index_t b, index_t e) override;
    const double* diag() const override { return qd_.data(); }
    void swap_index(index_t i, index_t j) override;
    void swap_many(const std::vector<std::pair<index_t, index_t>>& swaps) override;
    void block(const index_t* vi, index_t ni, const index_t* vj, index_t nj, double* out) override;
    // From the free variables' whole rows, taken from the cache and left there (the next
    // reconstruction, at the end of the solve, finds most of them); GEMM blocks without Xᵀ.
    void add_products(const index_t* vi, index_t ni, const index_t* vj, index_t nj, const double* coef,
                      double* G) override;
    bool has_rows_range() const override { return !XT_.empty(); }
    void rows_range(index_t i, index_t u0, index_t u1, float* out) override {
        K_.row_part(XT_.data(), index_t(ids_.size()), ids_[i], u0, u1, out, y_[i], y_.data());
    }

private:
    const Kernel<T>& K_;
    std::vector<index_t> ids_;
    std::vector<std::int8_t> y_;
    std::vector<double> qd_;
    std::vector<T> XT_;   // the rows' features, d × l, in the variables' current order
    RowCache cache_;
    typename Kernel<T>::Scratch scratch_;
    int n_threads_;
    SharedRows<T>* shared_;
    std::vector<index_t> pos_;  // with shared_: each variable's whole-problem position
};

// Regression: two variables (α, α*) per data row; the cache holds whole kernel rows of the data.
template <class T>
class SvrQ final : public QMatrix {
public:
    SvrQ(const Kernel<T>& K, const std::vector<index_t>& ids, double cache_mb, int n_threads);
    const float* get_Q(index_t i, index_t len) override;
    const double* diag() const override { return qd_.data(); }
    void swap_index(index_t i, index_t j) override;
    bool whole_rows_cheap() const override { return true; }  // the cache holds whole data rows
    void block(const index_t* vi, index_t ni, const index_t* vj, index_t nj, double* out) override;
    void add_products(const index_t* vi, index_t ni, const index_t* vj, index_t nj, const double* coef,
                      double* G) override;

private:
    const Kernel<T>& K_;
    std::vector<T> XT_;            // the rows' features, d × l (data order)
    std::vector<index_t> ids_;     // l data rows
    std::vector<std::int32_t> index_;  // 2l: variable → data position
    std::vector<float> sign_;
    std::vector<double> qd_;
    RowCache cache_;
    typename Kernel<T>::Scratch scratch_;
    // The two rows handed out last (a step needs two at once): variable, length (−1: none).
    std::vector<float> buf_[2];
    index_t buf_var_[2] = {-1, -1}, buf_len_[2] = {0, 0};
    int last_ = 0;
    int n_threads_;
};

struct SolveResult {
    double rho = 0.0;   // the bias term: decision = Σ coef K − ρ
    double r = 0.0;     // nu variants: the second multiplier
    double obj = 0.0;
    long long iter = 0;
    bool hit_max_iter = false;
};

// SMO for min ½αᵀQα + pᵀα, yᵀα = const, 0 <= α_i <= C_i (Fan, Chen & Lin 2005, working set
// selection by second-order information; libsvm's formulation). `nu` selects the variant with the
// second equality constraint Σ_{y=±1} α = const (nu-SVC, nu-SVR). alpha holds the feasible start
// and gets the answer.
// n_threads > 1: the passes over the variables are shared with n_threads − 1 helper threads.
// grad: when given, grad->init (2l: ∇f then Ḡ = Σ_{α_j = C_j} C_j Q_·j, for the start alpha)
// replaces their computation from Q's rows, and grad->out (when non-null, 2l) gets both at the
// answer.
struct SolveGradient {
    const double* init = nullptr;
    double* out = nullptr;
};
SolveResult smo_solve(index_t l, QMatrix& Q, const double* p, const std::int8_t* y, double* alpha,
                      const double* C, double eps, bool shrinking, long long max_iter, bool nu,
                      int n_threads = 1, const SolveGradient* grad = nullptr);

}  // namespace scratchlearn::svm_detail
