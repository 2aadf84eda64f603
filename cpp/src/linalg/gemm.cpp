// The packed, blocked matrix product (GotoBLAS/BLIS scheme) and what stands on it: syrk_ata, gemv,
// sq_dist_argmin. Portable code only: the ISA-specific micro-kernels live in kernels_*.cpp and are
// reached through the kernel table of the active path (kernel_table.hpp).
//
// Loop nest of gemm (C m × n += op(A) m × k · op(B) k × n):
//
//   for jc in steps of nc            (columns of C; B block in L3)
//     for pc in steps of kc          (the shared dimension)
//       pack op(B)[pc:pc+kc, jc:jc+nc] → Bp
//       for ic in steps of mc        (rows of C)
//         pack op(A)[ic:ic+mc, pc:pc+kc] → Ap     (L2-sized)
//         for jr in steps of NR      (a B micro-panel stays in L1)
//           for ir in steps of MR
//             micro-kernel: C[ir:ir+MR, jr:jr+NR] = α·Ap_ir·Bp_jr + β'·C   (β' = β on the first
//                                                                            pc block, else 1)
//
// Edges are zero-padded in the packed buffers, so the micro-kernel always runs on full tiles; a
// partial tile is computed into a small local buffer and merged into C. With several threads, C
// is cut into rectangles each running this nest (see gemm_blocked).
#include "scratchlearn/gemm.hpp"
#include "scratchlearn/task_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <limits>
#include <mutex>
#include <new>
#include <vector>

#include "../kernel_table.hpp"
#include "scratchlearn/cpu.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {
namespace gemm_detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Kernels (from the kernel table of each path) and blocking, one plan per path, built once.

template <class T>
using Kernels = kernel_table::GemmKernels<T>;
template <class T>
using PackBtKernel = kernel_table::PackBtKernel<T>;

template <class T>
struct Plan {
    Kernels<T> k;
    index_t mc, kc, nc;
};

struct Plans {
    Plan<float> f[3];
    Plan<double> d[3];
};

index_t round_down(index_t x, index_t m) { return std::max(m, x / m * m); }
index_t round_up(index_t x, index_t m) { return (x + m - 1) / m * m; }

// Cache blocking from the cache sizes (the analytical model of the BLIS papers, simplified):
//  - kc: a B micro-panel (kc × NR) about as large as L1, at most 384 deep (A's micro-panel streams
//    through from L2, and a deeper panel loads and stores each C tile less often: measured on
//    AVX-512 with 48 KB of L1, kc = 384 runs large products 10-15% faster on one core than a
//    half-L1 kc = 192; AVX2 there keeps 384, and 512 was slower);
//  - mc: the packed A block (mc × kc) fills about half of L2;
//  - nc: the packed B block (kc × nc) a share of L3, at most 4096 columns.
template <class T>
Plan<T> make_plan(const Kernels<T>& k) {
    const CpuFeatures& f = cpu_features();
    const double l1 = f.l1d >= 16384 && f.l1d <= (1 << 20) ? double(f.l1d) : 32768.0;
    const double l2 = f.l2 >= 131072 && f.l2 <= (16 << 20) ? double(f.l2) : 262144.0;
    // Virtual machines often report nonsense for L3; keep it within what a real part has.
    const double l3 = std::min(std::max(f.l3 > 0 ? double(f.l3) : 8.0 * (1 << 20), 2.0 * (1 << 20)),
                               64.0 * (1 << 20));
    const double s = sizeof(T);
    Plan<T> p;
    p.k = k;
    p.kc = std::min<index_t>(384, std::max<index_t>(128, round_down(index_t(l1 / (k.nr * s)), 16)));
    p.mc = std::min<index_t>(1024, round_down(index_t(l2 / 2 / (p.kc * s)), k.mr));
    p.nc = std::min<index_t>(4096, round_down(index_t(l3 / 4 / (p.kc * s)), k.nr));
    // Tuning aid: SCRATCHLEARN_GEMM_BLOCKING="mc,kc,nc" overrides the model (rounded to the tile).
    if (const char* env = std::getenv("SCRATCHLEARN_GEMM_BLOCKING")) {
        long mc = 0, kc = 0, nc = 0;
        if (std::sscanf(env, "%ld,%ld,%ld", &mc, &kc, &nc) == 3 && mc > 0 && kc > 0 && nc > 0) {
            p.mc = round_down(index_t(mc), k.mr);
            p.kc = index_t(kc);
            p.nc = round_down(index_t(nc), k.nr);
        }
    }
    return p;
}

const Plans& plans() {
    static const Plans p = [] {
        Plans r;
        for (int i = 0; i < 3; ++i) {
            r.f[i] = make_plan(kernel_table::kernels<float>(static_cast<Isa>(i)).gemm);
            r.d[i] = make_plan(kernel_table::kernels<double>(static_cast<Isa>(i)).gemm);
        }
        return r;
    }();
    return p;
}

template <class T>
const Plan<T>& plan_for(int isa);
template <>
const Plan<float>& plan_for<float>(int isa) {
    return plans().f[isa];
}
template <>
const Plan<double>& plan_for<double>(int isa) {
    return plans().d[isa];
}

template <class T>
const Plan<T>& plan();
template <>
const Plan<float>& plan<float>() {
    return plans().f[static_cast<int>(active_isa())];
}
template <>
const Plan<double>& plan<double>() {
    return plans().d[static_cast<int>(active_isa())];
}

// ---------------------------------------------------------------------------------------------
// Per-thread packing buffers: 64-byte aligned, grown on demand, never shrunk, freed at thread exit.

class Buffer {
public:
    Buffer() = default;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { release(); }
    template <class T>
    T* get(std::size_t count) {
        const std::size_t bytes = (count * sizeof(T) + 63) / 64 * 64 + 64;
        if (bytes > size_) {
            release();
            ptr_ = ::operator new(bytes, std::align_val_t(64));  // may throw std::bad_alloc
            size_ = bytes;
        }
        return static_cast<T*>(ptr_);
    }

private:
    void release() {
        if (ptr_) ::operator delete(ptr_, std::align_val_t(64));
        ptr_ = nullptr;
        size_ = 0;
    }
    void* ptr_ = nullptr;
    std::size_t size_ = 0;
};

Buffer& a_buffer() {
    thread_local Buffer b;
    return b;
}
Buffer& b_buffer() {
    thread_local Buffer b;
    return b;
}
Buffer& tile_buffer() {
    thread_local Buffer b;
    return b;
}

// ---------------------------------------------------------------------------------------------
// Packing.

// A block: rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) into MR-row micro-panels; within a
// panel, column p is MR contiguous values (zero beyond the last row).
template <class T, int MR>
void pack_a_fixed(bool trans, const T* A, index_t lda, index_t i0, index_t p0, index_t mc,
                  index_t kc, T* dst) {
    for (index_t ir = 0; ir < mc; ir += MR) {
        const int mr = int(std::min<index_t>(MR, mc - ir));
        T* d = dst + ir * kc;
        if (!trans) {
            const T* rows[MR];
            for (int i = 0; i < MR; ++i) rows[i] = A + (i0 + ir + std::min(i, mr - 1)) * lda + p0;
            if (mr == MR) {
                for (index_t p = 0; p < kc; ++p, d += MR)
                    for (int i = 0; i < MR; ++i) d[i] = rows[i][p];
            } else {
                for (index_t p = 0; p < kc; ++p, d += MR)
                    for (int i = 0; i < MR; ++i) d[i] = i < mr ? rows[i][p] : T(0);
            }
        } else {
            const T* src = A + p0 * lda + i0 + ir;
            if (mr == MR) {
                for (index_t p = 0; p < kc; ++p, d += MR, src += lda)
                    for (int i = 0; i < MR; ++i) d[i] = src[i];
            } else {
                for (index_t p = 0; p < kc; ++p, d += MR, src += lda) {
                    for (int i = 0; i < mr; ++i) d[i] = src[i];
                    for (int i = mr; i < MR; ++i) d[i] = T(0);
                }
            }
        }
    }
}

// B block: rows [p0, p0+kc) × columns [j0 + jr_begin·NR, j0 + jr_end·NR) ∩ [j0, j0+nc) of op(B) into
// NR-column micro-panels (row p of a panel = NR contiguous values, zero beyond the last column).
template <class T, int NR>
void pack_b_fixed(bool trans, const T* B, index_t ldb, index_t p0, index_t j0, index_t nc,
                  index_t kc, index_t panel_begin, index_t panel_end, T* dst,
                  PackBtKernel<T> pack_bt) {
    if (!trans) {
        // Eight rows of B at a time across all the panels: eight sequential read streams, which
        // the hardware prefetchers follow (panel by panel, kc rows at once are kc streams, and
        // on a wide B, rows far apart in memory, each panel's reads then wait on memory).
        constexpr index_t kRun = 8;
        for (index_t pb = 0; pb < kc; pb += kRun) {
            const index_t pn = std::min(kRun, kc - pb);
            for (index_t q = panel_begin; q < panel_end; ++q) {
                const index_t jr = q * NR;
                const int nr = int(std::min<index_t>(NR, nc - jr));
                T* d = dst + jr * kc + pb * NR;
                const T* src = B + (p0 + pb) * ldb + j0 + jr;
                if (nr == NR) {
                    for (index_t p = 0; p < pn; ++p, d += NR, src += ldb)
                        for (int j = 0; j < NR; ++j) d[j] = src[j];
                } else {
                    for (index_t p = 0; p < pn; ++p, d += NR, src += ldb) {
                        for (int j = 0; j < nr; ++j) d[j] = src[j];
                        for (int j = nr; j < NR; ++j) d[j] = T(0);
                    }
                }
            }
        }
        return;
    }
    for (index_t q = panel_begin; q < panel_end; ++q) {
        const index_t jr = q * NR;
        const int nr = int(std::min<index_t>(NR, nc - jr));
        T* d = dst + jr * kc;
        if (trans && nr == NR && pack_bt) {  // vectorised transposes of the ISA's table
            pack_bt(kc, B + (j0 + jr) * ldb + p0, ldb, d);
            continue;
        }
        {
            const T* cols[NR];
            for (int j = 0; j < NR; ++j) cols[j] = B + (j0 + jr + std::min(j, nr - 1)) * ldb + p0;
            if (nr == NR) {
                for (index_t p = 0; p < kc; ++p, d += NR)
                    for (int j = 0; j < NR; ++j) d[j] = cols[j][p];
            } else {
                for (index_t p = 0; p < kc; ++p, d += NR)
                    for (int j = 0; j < NR; ++j) d[j] = j < nr ? cols[j][p] : T(0);
            }
        }
    }
}

template <class T>
void pack_a(int MR, bool trans, const T* A, index_t lda, index_t i0, index_t p0, index_t mc,
            index_t kc, T* dst) {
    switch (MR) {
        case 4: return pack_a_fixed<T, 4>(trans, A, lda, i0, p0, mc, kc, dst);
        case 6: return pack_a_fixed<T, 6>(trans, A, lda, i0, p0, mc, kc, dst);
        case 14: return pack_a_fixed<T, 14>(trans, A, lda, i0, p0, mc, kc, dst);
        default: throw std::logic_error("gemm: unsupported MR");
    }
}

template <class T>
void pack_b(const Kernels<T>& K, bool trans, const T* B, index_t ldb, index_t p0, index_t j0,
            index_t nc, index_t kc, index_t pb, index_t pe, T* dst) {
    switch (K.nr) {
        case 4: return pack_b_fixed<T, 4>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst, K.pack_bt);
        case 8: return pack_b_fixed<T, 8>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst, K.pack_bt);
        case 16: return pack_b_fixed<T, 16>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst, K.pack_bt);
        case 32: return pack_b_fixed<T, 32>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst, K.pack_bt);
        default: throw std::logic_error("gemm: unsupported NR");
    }
}

// ---------------------------------------------------------------------------------------------
// Macro-kernel: one packed A block (mc × kc) times the B micro-panels [pb, pe) of a packed B block.
// `lower`: skip tiles strictly above the diagonal of C (row index gi + i, column gj + j).

template <class T>
void macro_kernel(const Kernels<T>& K, index_t mc, index_t nc, index_t kc, T alpha, const T* Ap,
                  const T* Bp, T beta, T* C, index_t ldc, index_t pb, index_t pe, bool lower,
                  index_t gi, index_t gj) {
    const int MR = K.mr, NR = K.nr;
    alignas(64) T tmp[32 * 32];  // largest register tile (without a strided kernel)
    if (!K.strided) std::fill(tmp, tmp + 32 * 32, T(0));
    for (index_t q = pb; q < pe; ++q) {
        const index_t jr = q * NR;
        const int nr = int(std::min<index_t>(NR, nc - jr));
        const T* b = Bp + jr * kc;
        for (index_t ir = 0; ir < mc; ir += MR) {
            const int mr = int(std::min<index_t>(MR, mc - ir));
            if (lower && gj + jr > gi + ir + mr - 1) continue;  // tile wholly above the diagonal
            const T* a = Ap + ir * kc;
            T* c = C + ir * ldc + jr;
            if (mr == MR && nr == NR) {
                K.micro(kc, a, b, c, ldc, alpha, beta);
            } else if (K.strided) {
                // Partial tile: a kernel of exactly mr rows and ⌈nr / W⌉ vectors, masked stores;
                // an element's arithmetic (including how β·C is merged) is the same in every tile.
                K.strided(kc, a, 1, MR, b, NR, false, c, ldc, alpha, beta, mr, nr);
            } else {
                // The kernel runs on a full tile in `tmp` holding C's values.
                if (beta != T(0))
                    for (int i = 0; i < mr; ++i)
                        for (int j = 0; j < nr; ++j) tmp[i * NR + j] = c[i * ldc + j];
                K.micro(kc, a, b, tmp, NR, alpha, beta);
                for (int i = 0; i < mr; ++i)
                    for (int j = 0; j < nr; ++j) c[i * ldc + j] = tmp[i * NR + j];
            }
        }
    }
}

// C ← β·C (β == 0 writes zeros without reading C).
template <class T>
void scale_c(index_t m, index_t n, T beta, T* C, index_t ldc, int n_threads, bool lower) {
    if (beta == T(1)) return;
    const int nt = threads_for(n_threads, m * n / 32768);
    parallel_for(nt, index_t(m), [&](index_t i) {
        T* c = C + i * ldc;
        const index_t len = lower ? std::min(n, i + 1) : n;
        if (beta == T(0))
            std::fill(c, c + len, T(0));
        else
            for (index_t j = 0; j < len; ++j) c[j] *= beta;
    });
}

// The loop nest on one rectangle of C, rows [i0, i1) × columns [j0, j1), with this thread's own
// packing buffers. Rectangles start at multiples of MR and NR, so the tiles (and the arithmetic of
// every element of C) are the same however C is cut.
//
// `pre`: op(B) already packed (a PackedB: block pc of kc rows at pre + pc·pre_npad, its column j at
// + j·kc), with C's column 0 at column pre_col0 of it; then B is not packed here.
template <class T>
void gemm_rect(const Plan<T>& P, bool ta, bool tb, index_t i0, index_t i1, index_t j0, index_t j1,
               index_t k, T alpha, const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C,
               index_t ldc, bool lower, const T* pre = nullptr, index_t pre_npad = 0,
               index_t pre_col0 = 0, const T* pre_a = nullptr, index_t pre_mpad = 0) {
    const Kernels<T>& K = P.k;
    const int MR = K.mr, NR = K.nr;
    const index_t m = i1 - i0, n = j1 - j0;
    const index_t KC = std::min(P.kc, k);
    const index_t nblk = (m + P.mc - 1) / P.mc;
    // One block of rows (a short-wide rectangle): each packed B block serves that block alone,
    // so it is sized to stay in L2 with it (about mc·kc values, as the A block) rather than the
    // share of L3 that several row blocks would reuse.
    const index_t NC = nblk == 1 ? std::min({P.nc, round_up(n, NR),
                                             std::max<index_t>(NR, round_down(P.mc * P.kc / KC, NR))})
                                 : std::min(P.nc, round_up(n, NR));
    const index_t MC = round_up((m + nblk - 1) / nblk, MR);  // even row blocks, <= mc
    T* Bbuf = pre ? nullptr : b_buffer().get<T>(std::size_t(KC) * std::size_t(NC));
    T* Ap = pre_a ? nullptr : a_buffer().get<T>(std::size_t(MC) * std::size_t(KC));
    for (index_t jc = j0; jc < j1; jc += NC) {
        const index_t nc = std::min(NC, j1 - jc);
        const index_t panels = (nc + NR - 1) / NR;
        if (lower && jc > i1 - 1) break;  // the rest is above the diagonal
        for (index_t pc = 0; pc < k; pc += KC) {
            const index_t kc = std::min(KC, k - pc);
            const T beta_eff = pc == 0 ? beta : T(1);
            const T* Bp = Bbuf;
            if (pre)
                Bp = pre + pc * pre_npad + (pre_col0 + jc) * kc;
            else
                pack_b<T>(K, tb, B, ldb, pc, jc, nc, kc, 0, panels, Bbuf);
            for (index_t ic = i0; ic < i1; ic += MC) {
                const index_t mc = std::min(MC, i1 - ic);
                if (lower && jc > ic + mc - 1) continue;  // block wholly above the diagonal
                const T* Ablk = Ap;
                if (pre_a)
                    Ablk = pre_a + pc * pre_mpad + ic * kc;
                else
                    pack_a<T>(MR, ta, A, lda, ic, pc, mc, kc, Ap);
                macro_kernel<T>(K, mc, nc, kc, alpha, Ablk, Bp, beta_eff, C + ic * ldc + jc, ldc, 0,
                                panels, lower, ic, jc);
            }
        }
    }
}

// Threads: C is cut into rectangles (tasks) that threads take from a shared counter; each task
// runs the whole loop nest with the thread's own packing buffers. No barrier, no shared buffer: a
// thread the OS delays (other processes on the machine, a core waking from sleep) simply takes
// fewer tasks, or none, and any thread count balances. The threads are the task pool's
// (task_pool.hpp), not an OpenMP team, whose closing barrier would make the caller wait for a
// late thread even when the work is done. The price is that a task packs the rows of A and the columns of B it uses, so
// op(A) and op(B) are read about (column tasks) and (row tasks) times: the rectangles are kept
// as square as possible (traffic per flop ∝ 1/rows + 1/cols) and only as many as needed
// (4 per thread). The cut depends on the thread count but never the arithmetic (rectangles
// start at multiples of MR and NR), so results do not depend on n_threads.
//
// When threads pay: a measured cost model. Once per process (at the first product that could
// use threads) two figures are timed on this machine, under whatever load it has: the time the
// task pool takes to put all its threads to work on a job, and the single-thread speed of the float
// micro-kernel on cached data. A thread is worth its wake-up only if it gets at least twice
// the team's cost in work: min_work = 2 · t_team · rate multiply-adds per thread (half for
// double, whose kernel does half the multiply-adds per second), clipped to [2^16, 2^26].
// gemm_set_min_thread_work overrides it (tests, tuning).
std::atomic<double> g_min_thread_work{0.0};  // > 0: set by gemm_set_min_thread_work

struct ThreadCost {
    double team_s = 0.0;      // the task pool's hand-off to all hardware threads, seconds
    double f32_rate = 0.0;    // multiply-adds per second of one thread, float kernel
};

const ThreadCost& thread_cost() {
    static const ThreadCost cost = [] {
        using clock = std::chrono::steady_clock;
        ThreadCost r;
        const Kernels<float>& K = plan<float>().k;
        const index_t kc = 256;
        Buffer abuf, bbuf;
        float* a = abuf.get<float>(std::size_t(kc * K.mr));
        float* b = bbuf.get<float>(std::size_t(kc * K.nr));
        std::fill(a, a + kc * K.mr, 0.5f);
        std::fill(b, b + kc * K.nr, 0.25f);
        alignas(64) float c[32 * 32];
        double best = 1e30;
        for (int rep = 0; rep < 5; ++rep) {
            const auto t0 = clock::now();
            for (int it = 0; it < 16; ++it) K.micro(kc, a, b, c, K.nr, 1.0f, 0.0f);
            best = std::min(best, std::chrono::duration<double>(clock::now() - t0).count());
        }
        r.f32_rate = 16.0 * double(kc) * K.mr * K.nr / std::max(best, 1e-9);
        // The hand-off: how long until the pool's other threads are at work on a job (each
        // task waits, at most 100 us, for all of them to start), hot: the first quartile of 20
        // jobs. A round whose threads never got going (a new thread can wait milliseconds for
        // its first time slice here) is measured again, up to three rounds; the best is kept.
        const int nt = std::max(2, std::min(64, int(std::thread::hardware_concurrency())));
        pool_start(50);
        r.team_s = 1.0;
        for (int round = 0; round < 3 && r.team_s > 50e-6; ++round) {
            std::vector<double> ts;
            for (int rep = 0; rep < 21; ++rep) {
                std::atomic<int> started{0};
                const auto t0 = clock::now();
                parallel_tasks(nt, nt, [&](std::int64_t) {
                    started.fetch_add(1);
                    const auto limit = clock::now() + std::chrono::microseconds(100);
                    // Yielding: a thread just started or woken may be queued on this very core.
                    while (started.load() < nt && clock::now() < limit) std::this_thread::yield();
                });
                ts.push_back(std::chrono::duration<double>(clock::now() - t0).count());
            }
            std::sort(ts.begin() + 1, ts.end());  // the first wakes the threads: not counted
            r.team_s = std::min(r.team_s, ts[1 + (ts.size() - 1) / 4]);
        }
        return r;
    }();
    return cost;
}

template <class T>
double min_thread_work() {
    const double set = g_min_thread_work.load(std::memory_order_relaxed);
    if (set > 0) return set;
    const ThreadCost& c = thread_cost();
    const double rate = c.f32_rate * (sizeof(T) == sizeof(float) ? 1.0 : 0.5);
    return std::min(67108864.0, std::max(65536.0, 2.0 * c.team_s * rate));
}

// Threads for a product of `madds` multiply-adds (1 without measuring anything when it could
// not use more).
template <class T>
int product_threads(int n_threads, double madds) {
    if (n_threads <= 1 || madds < 2.0 * 65536.0) return 1;
    return threads_for(n_threads, static_cast<long long>(std::min(madds / min_thread_work<T>(), 1e9)));
}

struct Tasks {
    int nt;
    index_t rows, cols;  // rectangle size (multiples of MR, NR)
    index_t row_tasks, col_tasks;
};

template <class T>
Tasks choose_tasks(index_t m, index_t n, index_t k, int MR, int NR, int n_threads, bool lower) {
    const double madds = double(m) * double(n) * double(k) * (lower ? 0.5 : 1.0);
    Tasks t;
    t.nt = product_threads<T>(n_threads, madds);
    t.rows = round_up(m, MR);
    t.cols = round_up(n, NR);
    if (t.nt > 1) {
        // A lower triangle has about half its rectangles empty: ask for twice as many.
        const index_t want = 4 * index_t(t.nt) * (lower ? 2 : 1);
        for (;;) {
            const index_t count = ((m + t.rows - 1) / t.rows) * ((n + t.cols - 1) / t.cols);
            if (count >= want) break;
            const bool can_r = t.rows >= 8 * MR, can_c = t.cols >= 16 * NR;
            if (!can_r && !can_c) break;
            if (can_c && (t.cols >= t.rows || !can_r))
                t.cols = round_up((t.cols + 1) / 2, NR);
            else
                t.rows = round_up((t.rows + 1) / 2, MR);
        }
    }
    t.row_tasks = (m + t.rows - 1) / t.rows;
    t.col_tasks = (n + t.cols - 1) / t.cols;
    return t;
}

template <class T>
void gemm_blocked(const Plan<T>& P, bool ta, bool tb, index_t m, index_t n, index_t k, T alpha,
                  const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                  int n_threads, bool lower, const T* pre = nullptr, index_t pre_npad = 0,
                  index_t pre_col0 = 0, const T* pre_a = nullptr, index_t pre_mpad = 0) {
    const Tasks tk = choose_tasks<T>(m, n, k, P.k.mr, P.k.nr, n_threads, lower);
    const index_t count = tk.row_tasks * tk.col_tasks;
    auto run = [&](index_t t) {
        // Column-major over tasks: neighbours in time share a block of B (hot in L3).
        const index_t ci = t / tk.row_tasks, ri = t % tk.row_tasks;
        const index_t i0 = ri * tk.rows, i1 = std::min(m, i0 + tk.rows);
        const index_t j0 = ci * tk.cols, j1 = std::min(n, j0 + tk.cols);
        if (lower && j0 > i1 - 1) return;  // wholly above the diagonal
        gemm_rect(P, ta, tb, i0, i1, j0, j1, k, alpha, A, lda, B, ldb, beta, C, ldc, lower, pre,
                  pre_npad, pre_col0, pre_a, pre_mpad);
    };
    if (tk.nt == 1 || count == 1) {
        for (index_t t = 0; t < count; ++t) run(t);
        return;
    }
    parallel_tasks(tk.nt, count, [&](std::int64_t t) { run(index_t(t)); });
}

// Validation shared by the entry points.
void check_gemm_args(bool ta, bool tb, index_t m, index_t n, index_t k, index_t lda, index_t ldb,
                     index_t ldc, bool a_null, bool b_null, bool c_null) {
    require(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension");
    const index_t a_cols = ta ? m : k, b_cols = tb ? k : n;
    require(lda >= std::max<index_t>(1, a_cols), "gemm: lda is smaller than the row length of A");
    require(ldb >= std::max<index_t>(1, b_cols), "gemm: ldb is smaller than the row length of B");
    require(ldc >= std::max<index_t>(1, n), "gemm: ldc is smaller than n");
    require(!(c_null && m > 0 && n > 0), "gemm: C is null");
    require(!((a_null || b_null) && m > 0 && n > 0 && k > 0), "gemm: A or B is null");
}

// A long shared dimension (XᵀX of a tall X, say: k >= 4·max(m, n)) is cut into slices whose
// partial products are computed in parallel, one slice per thread at a time, and summed in slice
// order. Rectangles of C would each stream the whole of op(A) and op(B) from memory again, and a
// small C has too few of them to keep threads busy; a slice stays in cache. The number of slices
// (a power of two, so 2, 4, 8 or 16 threads balance) depends on the shape only, never on the
// thread count, so neither do the results. Partial products take at most 64 MB.
index_t k_slices(index_t m, index_t n, index_t k, std::size_t elem) {
    if (k < 8192 || k < 4 * std::max(m, n)) return 1;
    const double cap = 64.0 * (1 << 20) / (double(m) * double(n) * double(elem));
    index_t ks = std::min<index_t>(16, k / 2048);
    ks = std::min<index_t>(ks, index_t(cap));
    index_t pow2 = 1;
    while (pow2 * 2 <= ks) pow2 *= 2;
    return pow2;
}

template <class T>
void gemm_ksplit(const Plan<T>& P, bool ta, bool tb, index_t m, index_t n, index_t k, T alpha,
                 const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                 int n_threads, bool lower, index_t ks) {
    std::vector<T> part(std::size_t(ks) * std::size_t(m) * std::size_t(n));
    const std::size_t stride = std::size_t(m) * std::size_t(n);
    const int nt = threads_for(n_threads, ks);
    parallel_for_each(nt, index_t(ks), [&](index_t s) {
        const index_t k0 = k * s / ks, k1 = k * (s + 1) / ks;
        const T* As = ta ? A + k0 * lda : A + k0;
        const T* Bs = tb ? B + k0 : B + k0 * ldb;
        gemm_rect(P, ta, tb, 0, m, 0, n, k1 - k0, T(1), As, lda, Bs, ldb, T(0),
                  part.data() + std::size_t(s) * stride, n, lower);
    });
    const int nr = threads_for(n_threads, m * n / 16384);
    parallel_for(nr, index_t(m), [&](index_t i) {
        const index_t len = lower ? std::min(n, i + 1) : n;
        T* c = C + i * ldc;
        for (index_t j = 0; j < len; ++j) {
            T sum = T(0);
            for (index_t q = 0; q < ks; ++q) sum += part[std::size_t(q) * stride + std::size_t(i * n + j)];
            c[j] = beta == T(0) ? alpha * sum : alpha * sum + beta * c[j];
        }
    });
}

// The direct path, for products too small or too narrow to repay packing: op(A) is read in place
// (never packed: through its strides, A's row or column as op(A)'s row), op(B) in place when it
// is B itself (rows contiguous; the last partial vector read through a mask) and packed kc rows at
// a time only when it is Bᵀ. Same kc blocks, tiles and per-element arithmetic as gemm_blocked, so
// the same bits. Threads (if any) take contiguous runs of MR-row tiles.
// SCRATCHLEARN_GEMM_DIRECT=0 / 1 (tuning aid): never / always the direct path; else the shape rule.
int direct_mode_from_env() {
    const char* env = std::getenv("SCRATCHLEARN_GEMM_DIRECT");
    return env && (env[0] == '0' || env[0] == '1') ? env[0] - '0' : -1;
}
std::atomic<int> g_direct_mode{direct_mode_from_env()};

template <class T>
bool use_direct(const Plan<T>& P, index_t m, index_t n, index_t k) {
    if (!P.k.strided) return false;
    const int mode = g_direct_mode.load(std::memory_order_relaxed);
    if (mode >= 0) return mode == 1;
    // Packing A costs about one pass over m·k values per column block and is repaid over
    // n / NR micro-panels; packing B over m / MR tiles. Narrow products (few panels) and small
    // ones (everything in L2, packing a sizeable share of the time) go direct.
    const double bytes = (double(m) * double(k) + double(k) * double(n)) * sizeof(T);
    if (n <= 2 * P.k.nr) return true;
    return bytes <= 256.0 * 1024 && double(m) * double(n) * double(k) <= 4.0 * 1024 * 1024;
}

template <class T>
void gemm_direct(const Plan<T>& P, bool ta, bool tb, index_t m, index_t n, index_t k, T alpha,
                 const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                 int nt) {
    const Kernels<T>& K = P.k;
    const int MR = K.mr, NR = K.nr;
    const index_t KC = std::min(P.kc, k);
    const index_t a_rs = ta ? 1 : lda, a_cs = ta ? lda : 1;
    const index_t panels = (n + NR - 1) / NR;
    const index_t row_tiles = (m + MR - 1) / MR;
    T* Bp = tb ? b_buffer().get<T>(std::size_t(KC) * std::size_t(panels * NR)) : nullptr;
    for (index_t pc = 0; pc < k; pc += KC) {
        const index_t kc = std::min(KC, k - pc);
        const T beta_eff = pc == 0 ? beta : T(1);
        if (tb) pack_b<T>(K, true, B, ldb, pc, 0, n, kc, 0, panels, Bp);
        const index_t b_rs = tb ? NR : ldb;
        auto block = [&](index_t t0, index_t t1, index_t q0, index_t q1) {
            for (index_t q = q0; q < q1; ++q) {
                const index_t jr = q * NR;
                const int nr = int(std::min<index_t>(NR, n - jr));
                const T* b = tb ? Bp + jr * kc : B + pc * ldb + jr;
                for (index_t t = t0; t < t1; ++t) {
                    const index_t ir = t * MR;
                    const int mr = int(std::min<index_t>(MR, m - ir));
                    K.strided(kc, A + ir * a_rs + pc * a_cs, a_rs, a_cs, b, b_rs, !tb,
                              C + ir * ldc + jr, ldc, alpha, beta_eff, mr, nr);
                }
            }
        };
        if (nt <= 1 || (row_tiles < 2 && panels < 2)) {
            block(0, row_tiles, 0, panels);
        } else if (row_tiles >= 4 * index_t(nt) || row_tiles >= panels) {
            // Runs of MR-row tiles taken from a counter (4 per thread): a late thread takes fewer.
            const index_t runs = std::min<index_t>(row_tiles, 4 * index_t(nt));
            parallel_tasks(nt, runs, [&](std::int64_t t) {
                block(row_tiles * index_t(t) / runs, row_tiles * (index_t(t) + 1) / runs, 0,
                      panels);
            });
        } else {
            // Few rows (short-wide): runs of column panels instead, every row tile in each.
            const index_t runs = std::min<index_t>(panels, 4 * index_t(nt));
            parallel_tasks(nt, runs, [&](std::int64_t t) {
                block(0, row_tiles, panels * index_t(t) / runs, panels * (index_t(t) + 1) / runs);
            });
        }
    }
}

// A narrow product (n <= 8 columns, many more rows) wastes most of each NR-wide vector of the
// tiles: computed transposed instead, Cᵀ = op(B)ᵀ·op(A)ᵀ, its rows are op(A)'s columns and fill
// the vectors. Only when op(A) = Aᵀ: then op(A)ᵀ is A itself, read in place (for A it would be
// packed, which costs more than the vectors gain). Cᵀ goes through a small buffer (C's old values copied in first when beta != 0), so
// every element sees exactly the arithmetic of the direct path: the same bits.
bool narrow_shape(index_t m, index_t n, index_t k) {
    return n <= 8 && m >= 8 * n && double(m) * double(n) * double(k) <= 4.0 * 1024 * 1024;
}

template <class T>
void gemm_narrow(const Plan<T>& P, bool ta, bool tb, index_t m, index_t n, index_t k, T alpha,
                 const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc) {
    thread_local Buffer tbuf;
    T* t = tbuf.get<T>(std::size_t(m) * std::size_t(n));
    if (beta != T(0))
        for (index_t i = 0; i < m; ++i)
            for (index_t j = 0; j < n; ++j) t[j * m + i] = C[i * ldc + j];
    gemm_direct(P, !tb, !ta, n, m, k, alpha, B, ldb, A, lda, beta, t, m, 1);
    for (index_t i = 0; i < m; ++i)
        for (index_t j = 0; j < n; ++j) C[i * ldc + j] = t[j * m + i];
}

template <class T>
void gemm_impl(bool ta, bool tb, index_t m, index_t n, index_t k, T alpha, const T* A, index_t lda,
               const T* B, index_t ldb, T beta, T* C, index_t ldc, int n_threads, bool lower) {
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == T(0)) {
        scale_c(m, n, beta, C, ldc, n_threads, lower);
        return;
    }
    const index_t ks = k_slices(m, n, k, sizeof(T));
    if (ks > 1)
        gemm_ksplit(plan<T>(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, n_threads,
                    lower, ks);
    else if (!lower && ta && plan<T>().k.strided && narrow_shape(m, n, k) &&
             g_direct_mode.load(std::memory_order_relaxed) != 0)
        gemm_narrow(plan<T>(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    else if (!lower && use_direct(plan<T>(), m, n, k))
        gemm_direct(plan<T>(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc,
                    product_threads<T>(n_threads, double(m) * double(n) * double(k)));
    else
        gemm_blocked(plan<T>(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, n_threads,
                     lower);
}

}  // namespace
}  // namespace gemm_detail

using namespace gemm_detail;

template <class T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* A,
          index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc, int n_threads) {
    check_gemm_args(trans_a, trans_b, m, n, k, lda, ldb, ldc, A == nullptr, B == nullptr,
                    C == nullptr);
    gemm_impl(trans_a, trans_b, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, n_threads, false);
}

namespace {

// Whether the rows × cols block at p (row stride ld, in elements) and C's block share a byte.
template <class T>
bool blocks_overlap(const T* p, index_t rows, index_t cols, index_t ld, const T* c, index_t crows,
                    index_t ccols, index_t ldc) {
    if (rows == 0 || cols == 0 || crows == 0 || ccols == 0) return false;
    const auto a0 = reinterpret_cast<std::uintptr_t>(p);
    const auto a1 = a0 + std::uintptr_t((rows - 1) * ld + cols) * sizeof(T);
    const auto c0 = reinterpret_cast<std::uintptr_t>(c);
    const auto c1 = c0 + std::uintptr_t((crows - 1) * ldc + ccols) * sizeof(T);
    return a0 < c1 && c0 < a1;
}

// p itself, or (when it overlaps C) a contiguous copy in keep; ld is updated to the copy's.
template <class T>
const T* unaliased(const T* p, index_t rows, index_t cols, index_t& ld, const T* c, index_t crows,
                   index_t ccols, index_t ldc, std::vector<T>& keep) {
    if (!blocks_overlap(p, rows, cols, ld, c, crows, ccols, ldc)) return p;
    keep.resize(std::size_t(rows) * std::size_t(cols));
    for (index_t i = 0; i < rows; ++i)
        std::copy(p + i * ld, p + i * ld + cols, keep.data() + i * cols);
    ld = std::max<index_t>(1, cols);
    return keep.data();
}

}  // namespace

template <class T>
void gemm_unaliased(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha,
                    const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                    int n_threads) {
    check_gemm_args(trans_a, trans_b, m, n, k, lda, ldb, ldc, A == nullptr, B == nullptr,
                    C == nullptr);
    std::vector<T> a_copy, b_copy;
    // the stored shapes: op(A) is m × k, so A holds k × m when transposed
    A = unaliased(A, trans_a ? k : m, trans_a ? m : k, lda, C, m, n, ldc, a_copy);
    B = unaliased(B, trans_b ? n : k, trans_b ? k : n, ldb, C, m, n, ldc, b_copy);
    gemm_impl(trans_a, trans_b, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, n_threads, false);
}

template <class T>
void syrk_ata(index_t n, index_t d, T alpha, const T* A, index_t lda, T beta, T* C, index_t ldc,
              int n_threads) {
    require(n >= 0 && d >= 0, "syrk_ata: negative dimension");
    require(lda >= std::max<index_t>(1, d), "syrk_ata: lda is smaller than d");
    require(ldc >= std::max<index_t>(1, d), "syrk_ata: ldc is smaller than d");
    if (d == 0) return;
    require(C != nullptr && (A != nullptr || n == 0), "syrk_ata: null array");
    // Lower triangle of op(A)·op(B) with op(A) = Aᵀ (d × n) and op(B) = A (n × d).
    gemm_impl(true, false, d, d, n, alpha, A, lda, A, lda, beta, C, ldc, n_threads, true);
    for (index_t i = 0; i < d; ++i)
        for (index_t j = i + 1; j < d; ++j) C[i * ldc + j] = C[j * ldc + i];
}

template <class T>
void gemv(bool trans, index_t m, index_t n, T alpha, const T* A, index_t lda, const T* x, T beta,
          T* y, int n_threads) {
    require(m >= 0 && n >= 0, "gemv: negative dimension");
    require(lda >= std::max<index_t>(1, n), "gemv: lda is smaller than n");
    const index_t ylen = trans ? n : m;
    const index_t xlen = trans ? m : n;
    if (ylen == 0) return;
    require(y != nullptr, "gemv: y is null");
    if (xlen == 0 || alpha == T(0)) {
        for (index_t i = 0; i < ylen; ++i) y[i] = beta == T(0) ? T(0) : beta * y[i];
        return;
    }
    require(A != nullptr && x != nullptr, "gemv: A or x is null");
    const Kernels<T>& K = plan<T>().k;
    if (!trans) {
        // y_i = α·(A_i · x) + β·y_i: independent rows.
        const int nt = threads_for(n_threads, m * n / 32768);
        parallel_for(nt, index_t(m), [&](index_t i) {
            const T s = alpha * K.dot(A + i * lda, x, n);
            y[i] = beta == T(0) ? s : s + beta * y[i];
        });
        return;
    }
    // y = α·Aᵀx + β·y: row blocks (their number depends on m only, never on the thread count)
    // each accumulate Σ x_i·A_i into a partial vector; the partials are then summed in block order.
    const index_t nblk = std::max<index_t>(1, std::min<index_t>(64, m / 512));
    std::vector<T> part(std::size_t(nblk) * std::size_t(n), T(0));
    {
        const int nt = threads_for(n_threads, std::min<index_t>(nblk, m * n / 32768));
        parallel_for(nt, index_t(nblk), [&](index_t b) {
            T* pb = part.data() + b * n;
            const index_t i0 = m * b / nblk, i1 = m * (b + 1) / nblk;
            for (index_t i = i0; i < i1; ++i) K.axpy(x[i], A + i * lda, pb, n);
        });
    }
    const int nt = threads_for(n_threads, nblk * n / 32768);
    parallel_for(nt, index_t(n), [&](index_t j) {
        T s = T(0);
        for (index_t b = 0; b < nblk; ++b) s += part[std::size_t(b * n + j)];
        y[j] = beta == T(0) ? alpha * s : alpha * s + beta * y[j];
    });
}

template <class T>
void sq_dist_argmin(const T* X, index_t n, const T* C, index_t k, index_t d, const T* x_norms,
                    const T* c_norms, std::int64_t* labels, T* min_dist, int n_threads) {
    require(n >= 0 && k >= 1 && d >= 0, "sq_dist_argmin: need n >= 0, k >= 1, d >= 0");
    if (n == 0) return;
    require(X != nullptr && C != nullptr && labels != nullptr, "sq_dist_argmin: null array");
    constexpr index_t RB = 256, CB = 1024;
    // Squared norms of the centres (shared) when not given.
    std::vector<T> cn_own;
    if (c_norms == nullptr) {
        cn_own.resize(std::size_t(k));
        for (index_t j = 0; j < k; ++j) {
            T s = 0;
            for (index_t t = 0; t < d; ++t) s += C[j * d + t] * C[j * d + t];
            cn_own[std::size_t(j)] = s;
        }
        c_norms = cn_own.data();
    }
    const index_t nblocks = (n + RB - 1) / RB;
    const int nt = threads_for(n_threads, nblocks);
    parallel_for_each(nt, index_t(nblocks), [&](index_t blk) {
        const index_t r0 = blk * RB, rb = std::min(RB, n - r0);
        const index_t cbw = std::min(CB, k);
        T* tile = tile_buffer().get<T>(std::size_t(rb * cbw + 2 * rb));
        T* xn = tile + rb * cbw;  // ‖x_i‖²
        T* bd = xn + rb;          // best ‖c_j‖² − 2·x_i·c_j so far
        for (index_t i = 0; i < rb; ++i) {
            if (x_norms) {
                xn[i] = x_norms[r0 + i];
            } else {
                T s = 0;
                const T* xi = X + (r0 + i) * d;
                for (index_t t = 0; t < d; ++t) s += xi[t] * xi[t];
                xn[i] = s;
            }
            bd[i] = std::numeric_limits<T>::quiet_NaN();
            labels[r0 + i] = 0;
        }
        for (index_t c0 = 0; c0 < k; c0 += CB) {
            const index_t cb = std::min(CB, k - c0);
            // tile = −2·X_blk·C_blkᵀ
            gemm_impl(false, true, rb, cb, d, T(-2), X + r0 * d, std::max<index_t>(1, d),
                      C + c0 * d, std::max<index_t>(1, d), T(0), tile, cb, 1, false);
            const T* cn = c_norms + c0;
            for (index_t i = 0; i < rb; ++i) {
                const T* ti = tile + i * cb;
                T best = bd[i];
                std::int64_t best_j = labels[r0 + i];
                for (index_t j = 0; j < cb; ++j) {
                    const T v = ti[j] + cn[j];
                    // Strict <: ties keep the lowest index. NaN never wins over a number.
                    if (v < best || (best != best && v == v)) {
                        best = v;
                        best_j = c0 + j;
                    }
                }
                bd[i] = best;
                labels[r0 + i] = best_j;
            }
        }
        if (min_dist)
            for (index_t i = 0; i < rb; ++i) {
                const T v = bd[i] + xn[i];
                min_dist[r0 + i] = v < T(0) ? T(0) : v;  // NaN stays NaN
            }
    });
}

template <class T>
PackedB<T>::PackedB(bool trans_b, index_t k, index_t n, const T* B, index_t ldb, int n_threads) {
    require(k >= 0 && n >= 0, "PackedB: negative dimension");
    require(ldb >= std::max<index_t>(1, trans_b ? k : n), "PackedB: ldb is smaller than a row of B");
    require(B != nullptr || k == 0 || n == 0, "PackedB: B is null");
    isa_ = static_cast<int>(active_isa());
    const Plan<T>& P = plan_for<T>(isa_);
    k_ = k;
    n_ = n;
    nr_ = P.k.nr;
    npad_ = round_up(std::max<index_t>(n, 1), P.k.nr);
    buf_.assign(std::size_t(std::max<index_t>(k, 1)) * std::size_t(npad_) + 64 / sizeof(T), T(0));
    T* base = data_mut();
    const index_t KC = P.kc;
    const index_t panels = npad_ / P.k.nr;
    const index_t blocks = (k + KC - 1) / KC;
    const int nt = threads_for(n_threads, blocks * panels * std::min<index_t>(KC, k) / 65536);
    // Every (k block, panel group) is independent.
    const index_t group = 64;
    const index_t groups = (panels + group - 1) / group;
    parallel_for_each(nt, index_t(blocks * groups), [&](index_t t) {
        const index_t b = t / groups, g = t % groups;
        const index_t pc = b * KC, kc = std::min(KC, k - pc);
        pack_b<T>(P.k, trans_b, B, ldb, pc, 0, n, kc, g * group,
                  std::min(panels, (g + 1) * group), base + pc * npad_);
    });
}

template <class T>
T* PackedB<T>::data_mut() {
    const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(buf_.data());
    return reinterpret_cast<T*>((p + 63) / 64 * 64);
}

template <class T>
const T* PackedB<T>::data() const {
    const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(buf_.data());
    return reinterpret_cast<const T*>((p + 63) / 64 * 64);
}

template <class T>
void gemm_packed(bool trans_a, index_t m, index_t j0, index_t nb, T alpha, const T* A,
                 index_t lda, const PackedB<T>& B, T beta, T* C, index_t ldc, int n_threads) {
    require(m >= 0 && nb >= 0 && j0 >= 0 && j0 + nb <= B.n(),
            "gemm_packed: the column range is outside the packed matrix");
    require(nb == 0 || j0 % B.column_step() == 0,
            "gemm_packed: the first column must be a multiple of column_step()");
    const index_t k = B.k();
    require(lda >= std::max<index_t>(1, trans_a ? m : k), "gemm_packed: lda is too small");
    require(ldc >= std::max<index_t>(1, nb), "gemm_packed: ldc is smaller than nb");
    if (m == 0 || nb == 0) return;
    require(C != nullptr && (A != nullptr || k == 0), "gemm_packed: null array");
    if (k == 0 || alpha == T(0)) {
        scale_c(m, nb, beta, C, ldc, n_threads, false);
        return;
    }
    const Plan<T>& P = plan_for<T>(B.isa_);
    gemm_blocked(P, trans_a, false, m, nb, k, alpha, A, lda, static_cast<const T*>(nullptr), 1,
                 beta, C, ldc, n_threads, false, B.data(), B.npad_, j0);
}

template <class T>
void PackedA<T>::assign(bool trans_a, index_t m, const T* A, index_t lda, const PackedB<T>& B) {
    const index_t k = B.k();
    require(m >= 0, "PackedA: negative dimension");
    require(lda >= std::max<index_t>(1, trans_a ? m : k), "PackedA: lda is too small");
    require(A != nullptr || m == 0 || k == 0, "PackedA: A is null");
    isa_ = B.isa_;
    const Plan<T>& P = plan_for<T>(isa_);
    m_ = m;
    k_ = k;
    mpad_ = round_up(std::max<index_t>(m, 1), P.k.mr);
    const std::size_t need =
        std::size_t(std::max<index_t>(k, 1)) * std::size_t(mpad_) + 64 / sizeof(T);
    if (buf_.size() < need) buf_.resize(need);
    T* base = const_cast<T*>(data());
    // Block pc (kc = min(P.kc, k − pc) columns of op(A)) at pc·mpad, MR-row micro-panels inside:
    // the layout gemm_rect packs one (ic, pc) block into, so the micro-kernel sees the same data.
    for (index_t pc = 0; pc < k; pc += P.kc) {
        const index_t kc = std::min(P.kc, k - pc);
        if (m > 0) pack_a<T>(P.k.mr, trans_a, A, lda, 0, pc, m, kc, base + pc * mpad_);
    }
}

template <class T>
const T* PackedA<T>::data() const {  // 64-byte aligned, like the gemm's own packing buffers
    const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(buf_.data());
    return reinterpret_cast<const T*>((p + 63) / 64 * 64);
}

template <class T>
void gemm_packed(const PackedA<T>& A, index_t j0, index_t nb, T alpha, const PackedB<T>& B,
                 T beta, T* C, index_t ldc, int n_threads) {
    require(A.k_ == B.k() && A.isa_ == B.isa_,
            "gemm_packed: A was not packed for this B (see PackedA::assign)");
    require(nb >= 0 && j0 >= 0 && j0 + nb <= B.n(),
            "gemm_packed: the column range is outside the packed matrix");
    require(nb == 0 || j0 % B.column_step() == 0,
            "gemm_packed: the first column must be a multiple of column_step()");
    require(ldc >= std::max<index_t>(1, nb), "gemm_packed: ldc is smaller than nb");
    const index_t m = A.m_, k = A.k_;
    if (m == 0 || nb == 0) return;
    require(C != nullptr, "gemm_packed: null array");
    if (k == 0 || alpha == T(0)) {
        scale_c(m, nb, beta, C, ldc, n_threads, false);
        return;
    }
    const Plan<T>& P = plan_for<T>(B.isa_);
    gemm_blocked(P, false, false, m, nb, k, alpha, static_cast<const T*>(nullptr), 1,
                 static_cast<const T*>(nullptr), 1, beta, C, ldc, n_threads, false, B.data(),
                 B.npad_, j0, A.data(), A.mpad_);
}

double gemm_set_min_thread_work(double madds) {
    require(madds >= 1, "gemm_set_min_thread_work: need >= 1 multiply-add per thread");
    const double set = g_min_thread_work.exchange(madds);
    return set > 0 ? set : min_thread_work<float>();
}

int gemm_set_direct_mode(int mode) {
    require(mode >= -1 && mode <= 1, "gemm_set_direct_mode: mode must be -1, 0 or 1");
    return g_direct_mode.exchange(mode);
}

GemmThreadCost gemm_thread_cost() {
    const ThreadCost& c = thread_cost();
    return GemmThreadCost{c.team_s, c.f32_rate, min_thread_work<float>(), min_thread_work<double>()};
}

template <class T>
GemmBlocking gemm_blocking() {
    const Plan<T>& p = plan<T>();
    return GemmBlocking{p.k.mr, p.k.nr, p.mc, p.kc, p.nc};
}

template <class T>
void gemm_packed_columns(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, const T* A,
                         index_t lda, const T* B, index_t ldb, T* C, index_t ldc, index_t block,
                         bool pack_a, int n_threads) {
    require(block >= 1, "gemm_packed: block must be >= 1");
    PackedB<T> packed(trans_b, k, n, B, ldb, n_threads);
    PackedA<T> apacked;
    if (pack_a) apacked.assign(trans_a, m, A, lda, packed);
    for (index_t j0 = 0; j0 < n; j0 += block) {
        const index_t nb = std::min(block, n - j0);
        if (pack_a)
            gemm_packed<T>(apacked, j0, nb, T(1), packed, T(0), C + j0, ldc, n_threads);
        else
            gemm_packed<T>(trans_a, m, j0, nb, T(1), A, lda, packed, T(0), C + j0, ldc, n_threads);
    }
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                              \
    template void gemm_packed_columns<T>(bool, bool, index_t, index_t, index_t, const T*,        \
                                         index_t, const T*, index_t, T*, index_t, index_t, bool, \
                                         int);                                                   \
    template void gemm<T>(bool, bool, index_t, index_t, index_t, T, const T*, index_t, const T*, \
                          index_t, T, T*, index_t, int);                                         \
    template void gemm_unaliased<T>(bool, bool, index_t, index_t, index_t, T, const T*, index_t, \
                                    const T*, index_t, T, T*, index_t, int);                     \
    template void syrk_ata<T>(index_t, index_t, T, const T*, index_t, T, T*, index_t, int);      \
    template void gemv<T>(bool, index_t, index_t, T, const T*, index_t, const T*, T, T*, int);   \
    template void sq_dist_argmin<T>(const T*, index_t, const T*, index_t, index_t, const T*,     \
                                    const T*, std::int64_t*, T*, int);                           \
    template GemmBlocking gemm_blocking<T>();                                                    \
    template class PackedB<T>;                                                                   \
    template void gemm_packed<T>(bool, index_t, index_t, index_t, T, const T*, index_t,           \
                                 const PackedB<T>&, T, T*, index_t, int);                \
    template class PackedA<T>;                                                                   \
    template void gemm_packed<T>(const PackedA<T>&, index_t, index_t, T, const PackedB<T>&, T,   \
                                 T*, index_t, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
