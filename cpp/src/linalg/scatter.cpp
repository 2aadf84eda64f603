// The weighted, centred scatter matrix in one pass over the data (see centred_scatter in gemm.hpp).
//
// How it works. Rows are taken a small block at a time (a few dozen rows, sized so the block stays
// in L1): each value is shifted by a fixed estimate s of the column means, scaled by √w, and written
// into the block with the columns padded to a multiple of 8; the block's outer products are then
// added into a T-precision accumulator by a register-tiled kernel that reads the block in place (no
// packing: 4 rows × 3 vectors of the accumulator per tile, see scatter_block_impl.hpp). Every
// 4096 rows the accumulator is added into a double one. The same pass sums w·(z − s), so the exact
// weighted mean is known at the end and the shift is corrected once:
//     Σ w (z − μ)(z − μ)ᵀ = Σ w (z − s)(z − s)ᵀ − W·δδᵀ,   δ = μ − s = Σ w (z − s) / W.
// With s the mean of 256 rows spread over the data, δ is of the order of the spread of the data,
// so the correction cancels no significant digits (unlike XᵀX − n·μμᵀ when the mean is large).
// Fixed chunks of rows (their number depends on n and d only) are reduced in order, so the result
// does not depend on the thread count. Wide data (more than 256 columns) use syrk_ata on larger
// blocks instead of the in-place kernel.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "../kernel_table.hpp"
#include "scratchlearn/cpu.hpp"
#include "scratchlearn/gemm.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

namespace scratchlearn {

namespace {

constexpr index_t kMaxChunks = 16;     // partial sums at most (fixed: determinism)
constexpr index_t kSuperRows = 4096;   // rows summed in T before the double accumulator
constexpr index_t kShiftSample = 256;  // rows whose mean gives the shift s
constexpr index_t kMaxInPlace = 256;   // widest padded row for the in-place kernel

index_t round_up(index_t v, index_t m) { return (v + m - 1) / m * m; }

// z ← √w·(x − s) rounded to T, and sum += w·(x − s), for one row of n values.
template <class T>
void fill_row(const T* __restrict x, index_t n, const double* __restrict s, double w,
              T* __restrict z, double* __restrict sum) {
    if (w == 1.0) {
        for (index_t j = 0; j < n; ++j) {
            const double v = double(x[j]) - s[j];
            z[j] = T(v);
            sum[j] += v;
        }
    } else {
        const double sq = std::sqrt(w);
        for (index_t j = 0; j < n; ++j) {
            const double v = double(x[j]) - s[j];
            z[j] = T(sq * v);
            sum[j] += w * v;
        }
    }
}

}  // namespace

template <class T>
double centred_scatter(index_t n, index_t d, const T* X, index_t k, const T* Y, const T* sw,
                       bool centre, double* mean, double* S, int n_threads) {
    require(n >= 1 && d >= 1 && k >= 0, "centred_scatter: X must have at least one row and one column");
    require(k == 0 || Y != nullptr, "centred_scatter: Y is missing");
    const index_t m = d + k;
    const index_t ldp = round_up(m, 8);
    const bool in_place = ldp <= kMaxInPlace;
    const index_t di = in_place ? round_up(d, 4) : ldp;  // accumulator rows
    const index_t row_bytes = ldp * index_t(sizeof(T));
    const index_t R = in_place ? std::clamp<index_t>(24 * 1024 / row_bytes, 8, 256)
                               : std::clamp<index_t>((index_t(1) << 21) / row_bytes, 64, kSuperRows);
    const index_t super = std::max(R, (kSuperRows / R) * R);

    // The shift: the mean of up to 256 rows spread evenly over the data.
    std::vector<double> shift(m, 0.0);
    if (centre) {
        const index_t ns = std::min(n, kShiftSample);
        for (index_t t = 0; t < ns; ++t) {
            const index_t i = static_cast<index_t>(static_cast<long double>(t) * n / ns);
            for (index_t j = 0; j < d; ++j) shift[j] += double(X[i * d + j]);
            for (index_t j = 0; j < k; ++j) shift[d + j] += double(Y[i * k + j]);
        }
        for (double& v : shift) v /= double(ns);
    }

    const index_t n_super = (n + super - 1) / super;
    const index_t per_chunk = di * ldp + m + 1;  // accumulator, Σ w (z − s), Σ w
    index_t n_chunks = std::min(kMaxChunks, n_super);
    n_chunks = std::max<index_t>(1, std::min<index_t>(n_chunks, (index_t(1) << 25) / per_chunk));
    std::vector<double> part(static_cast<size_t>(n_chunks * per_chunk), 0.0);
    // The block update of the active kernel path (kernel_table.hpp).
    const kernel_table::ScatterBlockKernel<T> kernel = kernel_table::kernels<T>().scatter_block;

    const int nt = threads_for(n_threads, n_chunks);
    struct Scratch {
        std::vector<T> Zb, acc;
    };
    PerSlot<Scratch> scratch(nt);
    // one task per chunk of row blocks on the task pool; chunks are summed in order below
    parallel_tasks_slots(nt, n_chunks, [&](std::int64_t c, int slot_id) {
        Scratch& sc = scratch.get(slot_id, [&](Scratch& f) {
            f.Zb.assign(static_cast<size_t>(R * ldp), T(0));  // padding columns stay zero
            f.acc.resize(static_cast<size_t>(di * ldp));
        });
        std::vector<T>&Zb = sc.Zb, &acc = sc.acc;
        double* Sc = part.data() + c * per_chunk;
        double* sum = Sc + di * ldp;
        double& wsum = sum[m];
        const index_t s0 = c * n_super / n_chunks, s1 = (c + 1) * n_super / n_chunks;
        for (index_t sb = s0; sb < s1; ++sb) {
            std::fill(acc.begin(), acc.end(), T(0));
            const index_t hi = std::min(n, (sb + 1) * super);
            for (index_t lo = sb * super; lo < hi; lo += R) {
                const index_t rows = std::min(R, hi - lo);
                for (index_t r = 0; r < rows; ++r) {
                    const index_t i = lo + r;
                    const double w = sw ? double(sw[i]) : 1.0;
                    wsum += w;
                    fill_row(X + i * d, d, shift.data(), w, Zb.data() + r * ldp, sum);
                    if (k > 0)
                        fill_row(Y + i * k, k, shift.data() + d, w, Zb.data() + r * ldp + d,
                                 sum + d);
                }
                if (in_place)
                    kernel(rows, di, ldp, Zb.data(), acc.data());
                else
                    syrk_ata<T>(rows, ldp, T(1), Zb.data(), ldp, T(1), acc.data(), ldp, 1);
            }
            for (index_t i = 0; i < d; ++i)
                for (index_t j = i; j < m; ++j) Sc[i * ldp + j] += double(acc[i * ldp + j]);
        }
    });

    std::vector<double> tot(static_cast<size_t>(per_chunk), 0.0);
    for (index_t c = 0; c < n_chunks; ++c) {
        const double* Sc = part.data() + c * per_chunk;
        for (index_t i = 0; i < d; ++i)
            for (index_t j = i; j < m; ++j) tot[i * ldp + j] += Sc[i * ldp + j];
        for (index_t j = 0; j <= m; ++j) tot[di * ldp + j] += Sc[di * ldp + j];
    }
    const double* sum = tot.data() + di * ldp;
    const double W = sum[m];
    std::vector<double> delta(m, 0.0);
    if (centre) {
        require(W > 0, "centred_scatter: the sample weights sum to zero");
        for (index_t j = 0; j < m; ++j) delta[j] = sum[j] / W;
    }
    for (index_t j = 0; j < m; ++j) mean[j] = centre ? shift[j] + delta[j] : 0.0;
    for (index_t i = 0; i < d; ++i)
        for (index_t j = i; j < m; ++j) {
            const double v = tot[i * ldp + j] - W * delta[i] * delta[j];
            S[i * m + j] = v;
            if (j < d) S[j * m + i] = v;
        }
    return W;
}

#define SL_INSTANTIATE(T)                                                                       \
    template double centred_scatter<T>(index_t, index_t, const T*, index_t, const T*, const T*, \
                                       bool, double*, double*, int);
SL_INSTANTIATE(float)
SL_INSTANTIATE(double)
#undef SL_INSTANTIATE

}  // namespace scratchlearn
