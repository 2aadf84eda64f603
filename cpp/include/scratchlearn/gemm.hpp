// The one matrix product every dense kernel of scratchlearn stands on.
//
// All matrices are row-major with a leading dimension (the distance in elements between the starts
// of two consecutive rows). `trans_a` means op(A) = Aᵀ, i.e. A is stored k × m; likewise for B.
//
// How it works (cpp/src/linalg/): the GotoBLAS/BLIS scheme. op(B) is cut into kc × nc blocks packed
// into a contiguous buffer (NR-column micro-panels, sized for L3), op(A) into mc × kc blocks
// (MR-row micro-panels, sized for L2); edges are zero-padded while packing. A register-blocked
// micro-kernel (MR × NR accumulators, kc fused multiply-adds deep, an L1-sized B micro-panel)
// computes each tile. The micro-kernels exist for AVX-512, AVX2+FMA and portable C++; the path is
// chosen once from the CPU (see cpu.hpp, SCRATCHLEARN_ISA). Threads take square-ish rectangles of
// C from a shared counter, each packing into its own buffers (no barrier, so a thread delayed by
// the OS does not stall the others); a long shared dimension is cut into slices instead.
//
// Thread safety: every function may be called concurrently from several threads (each thread packs
// into its own thread_local buffers; there is no lock). Inside another parallel region pass
// n_threads = 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace scratchlearn {

using index_t = std::ptrdiff_t;

// C ← α·op(A)·op(B) + β·C, with op(A) m × k, op(B) k × n, C m × n.
// Any m, n, k >= 0. When β == 0, C is not read (NaN in C does not propagate). When k == 0 or
// α == 0, C ← β·C. n_threads >= 1 threads are used (the caller decides; 1 inside another parallel
// region). The result does not depend on n_threads.
template <class T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* A,
          index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc, int n_threads);

// gemm for inputs that may share memory with C (a caller's views of one buffer): an input whose
// byte range overlaps C's (bounds only, the test numpy's may_share_memory makes) is copied to a
// contiguous scratch first, so the product reads the values A and B held before C was written.
template <class T>
void gemm_unaliased(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha,
                    const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                    int n_threads);

// C ← α·AᵀA + β·C for A n × d (C d × d, both triangles written): the Gram matrix of the columns.
// The lower triangle is computed (about half the flops of gemm) and mirrored into the upper one;
// as in BLAS syrk, β·C reads only the lower triangle of C (C is taken as symmetric).
template <class T>
void syrk_ata(index_t n, index_t d, T alpha, const T* A, index_t lda, T beta, T* C, index_t ldc,
              int n_threads);

// The weighted, centred scatter of the columns of Z = [X | Y] in one pass over the data
// (X n × d, Y n × k, both contiguous; k may be 0 and Y nullptr):
//     W    = Σ_i w_i                            (returned; w = sw, or all ones when sw is nullptr)
//     mean = Σ_i w_i z_i / W                    (d + k values; zeros when centre is false)
//     S    = Σ_i w_i (x_i − μ_x)(z_i − μ)ᵀ      (d × (d + k), row-major: the centred XᵀX with both
//                                                triangles equal, then the centred XᵀY)
// With centre false, μ = 0 (the plain weighted XᵀX and XᵀY). The normal equations of least squares
// and the covariance of PCA. Accumulated in T within blocks of 4096 rows and in double across them;
// the result does not depend on n_threads. centre with W == 0 throws std::invalid_argument.
template <class T>
double centred_scatter(index_t n, index_t d, const T* X, index_t k, const T* Y, const T* sw,
                       bool centre, double* mean, double* S, int n_threads);

// y ← α·op(A)·x + β·y, A m × n row-major (op(A) = Aᵀ when trans). When β == 0, y is not read.
// Memory-bound: rows are split among threads (row blocks with a fixed reduction order when trans),
// so the result does not depend on n_threads.
template <class T>
void gemv(bool trans, index_t m, index_t n, T alpha, const T* A, index_t lda, const T* x, T beta,
          T* y, int n_threads);

// Nearest row of C (k × d) for every row of X (n × d), both contiguous (leading dimension d), by
// squared Euclidean distance, without ever forming the n × k distance matrix:
//     ‖x − c‖² = ‖x‖² + ‖c‖² − 2·x·c,
// computed tile by tile (256 rows of X × 1024 rows of C) through gemm, the argmin folded in while
// the tile is in cache. x_norms (n) and c_norms (k) are the squared row norms, or nullptr to have
// them computed here. labels[i] ∈ [0, k) is the index of the nearest row (ties: the lowest index),
// min_dist[i] its squared distance clipped at 0 (min_dist may be nullptr). A row whose distances
// are all NaN gets label 0 and distance NaN. Requires k >= 1. Parallel over rows of X; the result
// does not depend on n_threads. (Cancellation: for data far from the origin centre it first.)
template <class T>
void sq_dist_argmin(const T* X, index_t n, const T* C, index_t k, index_t d, const T* x_norms,
                    const T* c_norms, std::int64_t* labels, T* min_dist, int n_threads);

template <class T>
class PackedA;

// op(B) (k × n) packed once into the micro-panel layout of the kernel path active at
// construction, for many products with different A: e.g. every query block of a kNN search
// against one training set, where re-packing B in each gemm call would cost ~10% of the time.
// Move-only; read-only once built, so one PackedB may serve many threads at once.
template <class T>
class PackedB {
public:
    PackedB() = default;
    PackedB(bool trans_b, index_t k, index_t n, const T* B, index_t ldb, int n_threads);
    PackedB(const PackedB&) = delete;
    PackedB& operator=(const PackedB&) = delete;
    PackedB(PackedB&&) = default;
    PackedB& operator=(PackedB&&) = default;
    index_t k() const { return k_; }
    index_t n() const { return n_; }
    // gemm_packed's first column must be a multiple of this (the register tile width, 4 … 32):
    // column blocks of a multiple of 64 always qualify.
    index_t column_step() const { return nr_; }
    const T* data() const;

private:
    template <class U>
    friend void gemm_packed(bool, index_t, index_t, index_t, U, const U*, index_t,
                            const PackedB<U>&, U, U*, index_t, int);
    template <class U>
    friend class PackedA;
    template <class U>
    friend void gemm_packed(const PackedA<U>&, index_t, index_t, U, const PackedB<U>&, U, U*,
                            index_t, int);
    T* data_mut();
    std::vector<T> buf_;
    index_t k_ = 0, n_ = 0, nr_ = 1, npad_ = 0;
    int isa_ = 0;
};

// op(A) (m × k) packed into the micro-panel layout of a PackedB's kernel path, for many products
// against column blocks of that PackedB: e.g. one block of kNN queries against every training
// block, where re-packing A in each gemm_packed call costs a few per cent of the time. assign()
// refills it (the buffer is kept, so a thread can reuse one PackedA for block after block); between
// two assigns it is read-only, so several threads may multiply with it at once.
template <class T>
class PackedA {
public:
    PackedA() = default;
    // Packs op(A), m × B.k(), for products with B (its kernel path and depth).
    void assign(bool trans_a, index_t m, const T* A, index_t lda, const PackedB<T>& B);
    index_t m() const { return m_; }
    index_t k() const { return k_; }

private:
    template <class U>
    friend void gemm_packed(const PackedA<U>&, index_t, index_t, U, const PackedB<U>&, U, U*,
                            index_t, int);
    const T* data() const;
    std::vector<T> buf_;
    index_t m_ = 0, k_ = 0, mpad_ = 0;
    int isa_ = 0;
};

// C ← α·op(A)·op(B)[:, j0 : j0+nb] + β·C with both packed (A by assign() for this B); C m × nb.
// Same results as gemm_packed with the unpacked op(A), bit for bit, and the same rules.
template <class T>
void gemm_packed(const PackedA<T>& A, index_t j0, index_t nb, T alpha, const PackedB<T>& B,
                 T beta, T* C, index_t ldc, int n_threads);

// C ← α·op(A)·op(B)[:, j0 : j0+nb] + β·C with B packed beforehand: op(A) m × k, C m × nb.
// Same rules as gemm (β == 0 does not read C; the result does not depend on n_threads and equals
// gemm's bit for bit on the same kernel path, unless gemm cuts a long k into slices: k >= 8192
// and k >= 4·max(m, n)); j0 must be a multiple of B.column_step(). Safe to call concurrently
// (n_threads = 1 inside a parallel region).
template <class T>
void gemm_packed(bool trans_a, index_t m, index_t j0, index_t nb, T alpha, const T* A,
                 index_t lda, const PackedB<T>& B, T beta, T* C, index_t ldc, int n_threads);

// C = op(A)·op(B) (C is m × n, row-major, ldc) through one PackedB of op(B), computed in column
// blocks of `block` columns (a multiple of the packing's column step), with op(A) packed once too
// (PackedA) when `pack_a`: how a caller that streams over column blocks (kNN) uses the packed
// product; equal to gemm's result bit for bit. Throws std::invalid_argument for block < 1.
template <class T>
void gemm_packed_columns(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, const T* A,
                         index_t lda, const T* B, index_t ldb, T* C, index_t ldc, index_t block,
                         bool pack_a, int n_threads);

// gemm uses one thread per this many multiply-adds at most. By default the figure comes from a
// cost model measured once per process on this machine (gemm_thread_cost): twice the cost of
// starting a team of threads, in multiply-adds of one thread's kernel speed. This sets it for
// every dtype instead; returns the previous figure (the measured float one if none was set).
// For tests (which force threads on small products) and tuning.
double gemm_set_min_thread_work(double madds);

// Which products take the direct path (op(A) never packed, op(B) packed only when transposed):
// -1 the shape rule (the default, or SCRATCHLEARN_GEMM_DIRECT=0/1 at load), 0 never, 1 always.
// Both paths give the same bits. Returns the previous mode. For tests and tuning.
int gemm_set_direct_mode(int mode);

// The measured thread cost model (see gemm_set_min_thread_work).
struct GemmThreadCost {
    double team_seconds;           // start and join of a team of all hardware threads
    double f32_madds_per_second;   // one thread's float micro-kernel on cached data
    double min_work_f32, min_work_f64;  // multiply-adds per thread in use now
};
GemmThreadCost gemm_thread_cost();

// The blocking the active kernel path uses for T (for show_config and benchmarks).
struct GemmBlocking {
    int mr, nr;              // register tile
    index_t mc, kc, nc;      // cache blocks: A is packed mc × kc, B kc × nc
};
template <class T>
GemmBlocking gemm_blocking();

}  // namespace scratchlearn
