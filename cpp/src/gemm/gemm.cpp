// The packed, blocked matrix product (GotoBLAS/BLIS scheme) and what stands on it: syrk_ata, gemv,
// sq_dist_argmin. Portable code only: the ISA-specific micro-kernels live in kernels_*.cpp and are
// reached through the table chosen by cpu.cpp.
//
// Loop nest of gemm (C m × n += op(A) m × k · op(B) k × n):
//
//   for jc in steps of nc            (columns of C; B block in L3)
//     for pc in steps of kc          (the shared dimension)
//       pack op(B)[pc:pc+kc, jc:jc+nc] → Bp        (all threads pack a share, then a barrier)
//       for ic in steps of mc        (this thread's rows of C)
//         pack op(A)[ic:ic+mc, pc:pc+kc] → Ap     (per thread, L2-sized)
//         for jr in steps of NR      (this thread's columns; a B micro-panel stays in L1)
//           for ir in steps of MR
//             micro-kernel: C[ir:ir+MR, jr:jr+NR] = α·Ap_ir·Bp_jr + β'·C   (β' = β on the first
//                                                                            pc block, else 1)
//
// Edges are zero-padded in the packed buffers, so the micro-kernel always runs on full tiles; a
// partial tile is computed into a small local buffer and merged into C.
#include "scratchlearn/gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <vector>

#include "kernels.hpp"
#include "scratchlearn/cpu.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {
namespace gemm_detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Kernel tables and blocking, one per path, built once.

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
//  - kc: a B micro-panel (kc × NR) fills about half of L1, the rest holds A's micro-panel and C;
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
    p.kc = std::min<index_t>(512, std::max<index_t>(128, round_down(index_t(l1 / 2 / (k.nr * s)), 16)));
    p.mc = std::min<index_t>(1024, round_down(index_t(l2 / 2 / (p.kc * s)), k.mr));
    p.nc = std::min<index_t>(4096, round_down(index_t(l3 / 4 / (p.kc * s)), k.nr));
    return p;
}

const Plans& plans() {
    static const Plans p = [] {
        Plans r;
        Kernels<float> kf;
        Kernels<double> kd;
        generic_kernels(&kf, &kd);
        r.f[0] = make_plan(kf);
        r.d[0] = make_plan(kd);
        r.f[1] = r.f[0];
        r.d[1] = r.d[0];
        r.f[2] = r.f[0];
        r.d[2] = r.d[0];
#ifdef SCRATCHLEARN_X86
        if (isa_supported(Isa::Avx2)) {
            avx2_kernels(&kf, &kd);
            r.f[1] = make_plan(kf);
            r.d[1] = make_plan(kd);
        }
        if (isa_supported(Isa::Avx512)) {
            avx512_kernels(&kf, &kd);
            r.f[2] = make_plan(kf);
            r.d[2] = make_plan(kd);
        }
#endif
        return r;
    }();
    return p;
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
                  index_t kc, index_t panel_begin, index_t panel_end, T* dst) {
    for (index_t q = panel_begin; q < panel_end; ++q) {
        const index_t jr = q * NR;
        const int nr = int(std::min<index_t>(NR, nc - jr));
        T* d = dst + jr * kc;
        if (!trans) {
            const T* src = B + p0 * ldb + j0 + jr;
            if (nr == NR) {
                for (index_t p = 0; p < kc; ++p, d += NR, src += ldb)
                    for (int j = 0; j < NR; ++j) d[j] = src[j];
            } else {
                for (index_t p = 0; p < kc; ++p, d += NR, src += ldb) {
                    for (int j = 0; j < nr; ++j) d[j] = src[j];
                    for (int j = nr; j < NR; ++j) d[j] = T(0);
                }
            }
        } else {
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
void pack_b(int NR, bool trans, const T* B, index_t ldb, index_t p0, index_t j0, index_t nc,
            index_t kc, index_t pb, index_t pe, T* dst) {
    switch (NR) {
        case 4: return pack_b_fixed<T, 4>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst);
        case 8: return pack_b_fixed<T, 8>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst);
        case 16: return pack_b_fixed<T, 16>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst);
        case 32: return pack_b_fixed<T, 32>(trans, B, ldb, p0, j0, nc, kc, pb, pe, dst);
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
    alignas(64) T tmp[32 * 32];  // largest register tile
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
            } else {
                K.micro(kc, a, b, tmp, NR, alpha, T(0));
                for (int i = 0; i < mr; ++i) {
                    T* ci = c + i * ldc;
                    const T* ti = tmp + i * NR;
                    if (beta == T(0))
                        for (int j = 0; j < nr; ++j) ci[j] = ti[j];
                    else
                        for (int j = 0; j < nr; ++j) ci[j] = ti[j] + beta * ci[j];
                }
            }
        }
    }
}

// C ← β·C (β == 0 writes zeros without reading C).
template <class T>
void scale_c(index_t m, index_t n, T beta, T* C, index_t ldc, int n_threads, bool lower) {
    if (beta == T(1)) return;
    const int nt = threads_for(n_threads, m * n / 32768);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t i = 0; i < m; ++i) {
        T* c = C + i * ldc;
        const index_t len = lower ? std::min(n, i + 1) : n;
        if (beta == T(0))
            std::fill(c, c + len, T(0));
        else
            for (index_t j = 0; j < len; ++j) c[j] *= beta;
    }
}

// Row boundaries of `parts` row groups of m rows, aligned to MR. For a lower-triangular product
// the work of rows [0, i) grows like i², so the cuts move to i = m·√(t/parts).
std::vector<index_t> row_cuts(index_t m, int parts, int MR, bool lower) {
    std::vector<index_t> cut(parts + 1);
    for (int t = 0; t <= parts; ++t) {
        const double frac = double(t) / parts;
        const double x = lower ? std::sqrt(frac) : frac;
        index_t c = index_t(std::llround(x * double(m) / MR)) * MR;
        cut[t] = std::min(m, std::max<index_t>(0, c));
    }
    cut[0] = 0;
    cut[parts] = m;
    for (int t = 1; t <= parts; ++t) cut[t] = std::max(cut[t], cut[t - 1]);
    return cut;
}

// Thread grid for the product: at least ~64k multiply-adds per thread, then tm × tn groups
// minimising the tiles of the busiest thread (ties: more row groups, which do not duplicate the
// packing of A).
struct Grid {
    int nt, tm, tn;
};

Grid choose_grid(index_t m, index_t n, index_t k, int MR, int NR, index_t NC, int n_threads,
                 bool lower) {
    const double madds = double(m) * double(n) * double(k) * (lower ? 0.5 : 1.0);
    const int nt = threads_for(n_threads, static_cast<long long>(std::min(madds / 65536.0, 1e9)));
    Grid g{nt, nt, 1};
    if (nt == 1) return g;
    const index_t row_tiles = (m + MR - 1) / MR;
    const index_t col_tiles = (std::min(n, NC) + NR - 1) / NR;
    index_t best = std::numeric_limits<index_t>::max();
    for (int r = nt; r >= 1; --r) {
        if (nt % r) continue;
        const int c = nt / r;
        if (lower && c > 1) continue;
        const index_t work = ((row_tiles + r - 1) / r) * ((col_tiles + c - 1) / c);
        if (work < best) {
            best = work;
            g.tm = r;
            g.tn = c;
        }
    }
    return g;
}

enum class RunStatus { Ok, OutOfMemory, ShortTeam };

// The blocked product for m, n, k >= 1 and alpha != 0 (β applied on the first k block) on a given
// thread grid. C is untouched unless the status is Ok.
template <class T>
RunStatus gemm_run(const Plan<T>& P, bool ta, bool tb, index_t m, index_t n, index_t k, T alpha,
                   const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                   Grid g, bool lower) {
    const Kernels<T>& K = P.k;
    const int MR = K.mr, NR = K.nr;
    const index_t KC = std::min(P.kc, k);
    const index_t NC = std::min(P.nc, round_up(n, NR));
    const int tn = g.tn;
    const std::vector<index_t> cuts = row_cuts(m, g.tm, MR, lower);

    T* Bp = b_buffer().get<T>(std::size_t(KC) * std::size_t(NC));  // shared by the team

    std::atomic<bool> failed{false};
    auto body = [&](int tid, int nthreads, auto barrier) {
        const int rg = tid / tn, cg = tid % tn;
        const index_t ib = cuts[rg], ie = cuts[rg + 1];
        const index_t rows = ie - ib;
        index_t mcb = 0;
        if (rows > 0) {
            const index_t nblk = (rows + P.mc - 1) / P.mc;
            mcb = round_up((rows + nblk - 1) / nblk, MR);
        }
        T* Ap = nullptr;
        try {
            if (mcb > 0) Ap = a_buffer().get<T>(std::size_t(mcb) * std::size_t(KC));
        } catch (...) {
            failed = true;  // every writer stores the same value
        }
        barrier();
        if (failed) return;
        for (index_t jc = 0; jc < n; jc += NC) {
            const index_t nc = std::min(NC, n - jc);
            const index_t panels = (nc + NR - 1) / NR;
            for (index_t pc = 0; pc < k; pc += KC) {
                const index_t kc = std::min(KC, k - pc);
                const T beta_eff = pc == 0 ? beta : T(1);
                pack_b<T>(NR, tb, B, ldb, pc, jc, nc, kc, panels * tid / nthreads,
                          panels * (tid + 1) / nthreads, Bp);
                barrier();
                const index_t pb = panels * cg / tn, pe = panels * (cg + 1) / tn;
                if (pe > pb) {
                    for (index_t ic = ib; ic < ie; ic += mcb) {
                        const index_t mc = std::min(mcb, ie - ic);
                        if (lower && jc + pb * NR > ic + mc - 1) continue;  // block above diagonal
                        pack_a<T>(MR, ta, A, lda, ic, pc, mc, kc, Ap);
                        macro_kernel<T>(K, mc, nc, kc, alpha, Ap, Bp, beta_eff, C + ic * ldc + jc,
                                        ldc, pb, pe, lower, ic, jc);
                    }
                }
                barrier();  // Bp is repacked next
            }
        }
    };

    if (g.nt == 1) {
        body(0, 1, [] {});
        return failed ? RunStatus::OutOfMemory : RunStatus::Ok;
    }
    bool short_team = false;
#pragma omp parallel num_threads(g.nt)
    {
#ifdef _OPENMP
        const int tid = omp_get_thread_num();
        const int got = omp_get_num_threads();
#else
        const int tid = 0;
        const int got = 1;
#endif
        // The runtime may grant fewer threads than asked (nesting, thread limits); every thread
        // sees the same team size, so either all run or none touches C.
        if (got == g.nt) {
            body(tid, g.nt, [] {
#pragma omp barrier
            });
        } else if (tid == 0) {
            short_team = true;
        }
    }
    if (short_team) return RunStatus::ShortTeam;
    return failed ? RunStatus::OutOfMemory : RunStatus::Ok;
}

template <class T>
void gemm_blocked(const Plan<T>& P, bool ta, bool tb, index_t m, index_t n, index_t k, T alpha,
                  const T* A, index_t lda, const T* B, index_t ldb, T beta, T* C, index_t ldc,
                  int n_threads, bool lower) {
    const index_t NC = std::min(P.nc, round_up(n, P.k.nr));
    Grid g = choose_grid(m, n, k, P.k.mr, P.k.nr, NC, n_threads, lower);
    RunStatus s = gemm_run(P, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, g, lower);
    if (s == RunStatus::ShortTeam)
        s = gemm_run(P, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, Grid{1, 1, 1}, lower);
    if (s != RunStatus::Ok) throw std::bad_alloc();
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

template <class T>
void gemm_impl(bool ta, bool tb, index_t m, index_t n, index_t k, T alpha, const T* A, index_t lda,
               const T* B, index_t ldb, T beta, T* C, index_t ldc, int n_threads, bool lower) {
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == T(0)) {
        scale_c(m, n, beta, C, ldc, n_threads, lower);
        return;
    }
    gemm_blocked(plan<T>(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, n_threads, lower);
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
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t i = 0; i < m; ++i) {
            const T s = alpha * K.dot(A + i * lda, x, n);
            y[i] = beta == T(0) ? s : s + beta * y[i];
        }
        return;
    }
    // y = α·Aᵀx + β·y: row blocks (their number depends on m only, never on the thread count)
    // each accumulate Σ x_i·A_i into a partial vector; the partials are then summed in block order.
    const index_t nblk = std::max<index_t>(1, std::min<index_t>(64, m / 512));
    std::vector<T> part(std::size_t(nblk) * std::size_t(n), T(0));
    {
        const int nt = threads_for(n_threads, std::min<index_t>(nblk, m * n / 32768));
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t b = 0; b < nblk; ++b) {
            T* pb = part.data() + b * n;
            const index_t i0 = m * b / nblk, i1 = m * (b + 1) / nblk;
            for (index_t i = i0; i < i1; ++i) K.axpy(x[i], A + i * lda, pb, n);
        }
    }
    const int nt = threads_for(n_threads, nblk * n / 32768);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t j = 0; j < n; ++j) {
        T s = T(0);
        for (index_t b = 0; b < nblk; ++b) s += part[std::size_t(b * n + j)];
        y[j] = beta == T(0) ? alpha * s : alpha * s + beta * y[j];
    }
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
    ExceptionSlot slot;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t blk = 0; blk < nblocks; ++blk) {
        slot.run([&] {
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
    slot.rethrow();
}

template <class T>
GemmBlocking gemm_blocking() {
    const Plan<T>& p = plan<T>();
    return GemmBlocking{p.k.mr, p.k.nr, p.mc, p.kc, p.nc};
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                              \
    template void gemm<T>(bool, bool, index_t, index_t, index_t, T, const T*, index_t, const T*, \
                          index_t, T, T*, index_t, int);                                         \
    template void syrk_ata<T>(index_t, index_t, T, const T*, index_t, T, T*, index_t, int);      \
    template void gemv<T>(bool, index_t, index_t, T, const T*, index_t, const T*, T, T*, int);   \
    template void sq_dist_argmin<T>(const T*, index_t, const T*, index_t, index_t, const T*,     \
                                    const T*, std::int64_t*, T*, int);                           \
    template GemmBlocking gemm_blocking<T>();
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
