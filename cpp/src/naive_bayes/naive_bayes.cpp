// Naive Bayes kernels (see cpp/include/scratchlearn/naive_bayes.hpp).
//
// Fit-time reductions walk the rows in blocks of kBlock; the blocks are grouped into a fixed number
// of chunks (a function of n and the model size only, never of the thread count). Threads take
// whole chunks; each chunk accumulates its own partial result in double, and the partials are
// merged in chunk order at the end. Hence bit-identical results for every n_jobs.
#include "scratchlearn/naive_bayes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "scratchlearn/gemm.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

namespace {

constexpr index_t kBlock = 1024;      // rows per block
constexpr index_t kMaxChunks = 64;    // at most this many partial results
constexpr double kChunkBudget = 64.0 * 1024 * 1024;  // bytes of partial results at most

index_t chunk_count(index_t n, double bytes_per_chunk) {
    const index_t n_blocks = (n + kBlock - 1) / kBlock;
    index_t g = std::min<index_t>(n_blocks, kMaxChunks);
    const index_t fit = static_cast<index_t>(kChunkBudget / std::max(1.0, bytes_per_chunk));
    g = std::min<index_t>(g, std::max<index_t>(1, fit));
    return std::max<index_t>(1, g);
}

// Rows [begin, end) of chunk g out of G chunks over n rows (whole blocks per chunk).
void chunk_rows(index_t n, index_t G, index_t g, index_t& begin, index_t& end) {
    const index_t n_blocks = (n + kBlock - 1) / kBlock;
    const index_t b0 = g * n_blocks / G, b1 = (g + 1) * n_blocks / G;
    begin = std::min(n, b0 * kBlock);
    end = std::min(n, b1 * kBlock);
}

void check_class(std::int64_t c, index_t n_classes) {
    if (c < 0 || c >= n_classes)
        throw std::invalid_argument("naive_bayes: class index out of range [0, n_classes)");
}

// s += w·x (s double, x of the data type); no aliasing, so the loop vectorises.
template <class T>
inline void add_scaled_row(double* __restrict s, const T* __restrict x, double w, index_t d) {
    if (w == 1.0) {
        for (index_t j = 0; j < d; ++j) s[j] += double(x[j]);
    } else {
        for (index_t j = 0; j < d; ++j) s[j] += w * double(x[j]);
    }
}

// q += w·(x − m)².
template <class T>
inline void add_scaled_squares(double* __restrict q, const T* __restrict x,
                               const double* __restrict m, double w, index_t d) {
    for (index_t j = 0; j < d; ++j) {
        const double t = double(x[j]) - m[j];
        q[j] += w * (t * t);
    }
}

// Chan et al.'s pairwise update: merge (wb, mb, Mb) into (wa, ma, Ma) for d features.
void merge_moments(double& wa, double* ma, double* Ma, double wb, const double* mb,
                   const double* Mb, index_t d) {
    if (wb == 0.0) return;
    if (wa == 0.0) {
        wa = wb;
        std::copy(mb, mb + d, ma);
        std::copy(Mb, Mb + d, Ma);
        return;
    }
    const double w = wa + wb;
    const double fb = wb / w, cross = wa * wb / w;
    for (index_t j = 0; j < d; ++j) {
        const double delta = mb[j] - ma[j];
        ma[j] += delta * fb;
        Ma[j] += Mb[j] + delta * delta * cross;
    }
    wa = w;
}

}  // namespace

template <class T>
void nb_class_moments(const T* X, index_t n, index_t d, const std::int64_t* cls, index_t n_classes,
                      const T* sw, double* weight_sum, T* mean, T* var, int n_threads) {
    require(n >= 0 && d >= 0 && n_classes >= 1, "nb_class_moments: bad dimensions");
    const index_t C = n_classes;
    const index_t cd = C * d;
    const index_t G = chunk_count(n, 16.0 * double(cd) + 8.0 * double(C));
    std::vector<double> cw(G * C, 0.0), cm(G * cd, 0.0), cM(G * cd, 0.0);
    ExceptionSlot slot;
    const int nt = threads_for(n_threads, G);
#pragma omp parallel num_threads(nt)
    {
        std::vector<double> bw(C, 0.0), bs(cd, 0.0), bM(cd, 0.0);
        std::vector<index_t> present;
        std::vector<char> seen(C, 0);
#pragma omp for schedule(dynamic, 1)
        for (index_t g = 0; g < G; ++g) {
            slot.run([&] {
                double* W = cw.data() + g * C;
                double* M = cm.data() + g * cd;
                double* S2 = cM.data() + g * cd;
                index_t r0, r1;
                chunk_rows(n, G, g, r0, r1);
                for (index_t i0 = r0; i0 < r1; i0 += kBlock) {
                    const index_t i1 = std::min(r1, i0 + kBlock);
                    present.clear();
                    // Pass 1 over the block: weights and weighted sums per class.
                    for (index_t i = i0; i < i1; ++i) {
                        const std::int64_t c = cls[i];
                        check_class(c, C);
                        if (!seen[c]) {
                            seen[c] = 1;
                            present.push_back(c);
                            bw[c] = 0.0;
                            std::fill(bs.begin() + c * d, bs.begin() + (c + 1) * d, 0.0);
                            std::fill(bM.begin() + c * d, bM.begin() + (c + 1) * d, 0.0);
                        }
                        const double w = sw ? double(sw[i]) : 1.0;
                        bw[c] += w;
                        add_scaled_row(bs.data() + c * d, X + i * d, w, d);
                    }
                    for (index_t c : present) {
                        seen[c] = 0;
                        if (bw[c] == 0.0) continue;
                        const double inv = 1.0 / bw[c];
                        double* s = bs.data() + c * d;
                        for (index_t j = 0; j < d; ++j) s[j] *= inv;
                    }
                    // Pass 2 (block still in cache): weighted squared deviations from the means.
                    for (index_t i = i0; i < i1; ++i) {
                        const std::int64_t c = cls[i];
                        if (bw[c] == 0.0) continue;
                        const double w = sw ? double(sw[i]) : 1.0;
                        add_scaled_squares(bM.data() + c * d, X + i * d, bs.data() + c * d, w, d);
                    }
                    for (index_t c : present)
                        merge_moments(W[c], M + c * d, S2 + c * d, bw[c], bs.data() + c * d,
                                      bM.data() + c * d, d);
                }
            });
        }
    }
    slot.rethrow();
    // Merge the chunks in order.
    for (index_t g = 1; g < G; ++g)
        for (index_t c = 0; c < C; ++c)
            merge_moments(cw[c], cm.data() + c * d, cM.data() + c * d, cw[g * C + c],
                          cm.data() + g * cd + c * d, cM.data() + g * cd + c * d, d);
    for (index_t c = 0; c < C; ++c) {
        weight_sum[c] = cw[c];
        const double inv = cw[c] != 0.0 ? 1.0 / cw[c] : 0.0;
        for (index_t j = 0; j < d; ++j) {
            mean[c * d + j] = static_cast<T>(cm[c * d + j]);
            var[c * d + j] = static_cast<T>(cM[c * d + j] * inv);
        }
    }
}

template <class T>
void nb_class_sums_dense(const T* X, index_t n, index_t d, const std::int64_t* cls,
                         index_t n_classes, const T* sw, double* out, int n_threads) {
    require(n >= 0 && d >= 0 && n_classes >= 1, "nb_class_sums: bad dimensions");
    const index_t C = n_classes, cd = C * d;
    const index_t G = chunk_count(n, 8.0 * double(cd));
    std::vector<double> part(G * cd, 0.0);
    ExceptionSlot slot;
    const int nt = threads_for(n_threads, G);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t g = 0; g < G; ++g) {
        slot.run([&] {
            double* acc = part.data() + g * cd;
            index_t r0, r1;
            chunk_rows(n, G, g, r0, r1);
            for (index_t i = r0; i < r1; ++i) {
                const std::int64_t c = cls[i];
                check_class(c, C);
                const double w = sw ? double(sw[i]) : 1.0;
                add_scaled_row(acc + c * d, X + i * d, w, d);
            }
        });
    }
    slot.rethrow();
    std::copy(part.begin(), part.begin() + cd, out);
    for (index_t g = 1; g < G; ++g)
        for (index_t k = 0; k < cd; ++k) out[k] += part[g * cd + k];
}

template <class T>
void nb_class_sums_csr(const T* data, const std::int64_t* indices, const std::int64_t* indptr,
                       index_t n, index_t d, const std::int64_t* cls, index_t n_classes,
                       const T* sw, double* out, int n_threads) {
    require(n >= 0 && d >= 0 && n_classes >= 1, "nb_class_sums_csr: bad dimensions");
    require(indptr[0] == 0, "nb_class_sums_csr: indptr[0] must be 0");
    for (index_t i = 0; i < n; ++i)
        require(indptr[i + 1] >= indptr[i], "nb_class_sums_csr: indptr must be non-decreasing");
    const index_t C = n_classes;
    // Rows grouped by class (a stable counting sort), then one class per task: every class row of
    // `out` is accumulated by one thread, over its samples in increasing order, so the sums do not
    // depend on the thread count and no partial copies of the C × d result are needed.
    std::vector<index_t> start(C + 1, 0), order(n);
    for (index_t i = 0; i < n; ++i) {
        check_class(cls[i], C);
        ++start[cls[i] + 1];
    }
    for (index_t c = 0; c < C; ++c) start[c + 1] += start[c];
    {
        std::vector<index_t> fill(start.begin(), start.end() - 1);
        for (index_t i = 0; i < n; ++i) order[fill[cls[i]]++] = i;
    }
    std::fill(out, out + C * d, 0.0);
    ExceptionSlot slot;
    const int nt = threads_for(n_threads, C);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t c = 0; c < C; ++c) {
        slot.run([&] {
            double* s = out + c * d;
            for (index_t q = start[c]; q < start[c + 1]; ++q) {
                const index_t i = order[q];
                const double w = sw ? double(sw[i]) : 1.0;
                for (std::int64_t p = indptr[i]; p < indptr[i + 1]; ++p) {
                    const std::int64_t j = indices[p];
                    if (j < 0 || j >= d)
                        throw std::invalid_argument("nb_class_sums_csr: column index out of range");
                    s[j] += w * double(data[p]);
                }
            }
        });
    }
    slot.rethrow();
}

template <class T>
void nb_gaussian_jll(const T* X, index_t n, index_t d, const T* theta, const T* var,
                     const T* log_prior, index_t n_classes, T* out, int n_threads) {
    require(n >= 0 && d >= 0 && n_classes >= 1, "nb_gaussian_jll: bad dimensions");
    const index_t C = n_classes;
    // −½ Σ (x − θ)²/σ² = Σ x²·(−½/σ²) + Σ x·(θ/σ²) − ½ Σ θ²/σ². The data are first shifted by
    // s = the mean of the class means (x' = x − s, θ' = θ − s, same differences), which keeps the
    // expanded terms small. With Z = [x'², x'] (one row block at a time) and W = [−½/σ², θ'/σ²],
    // the quadratic forms of a block are then one product Z·Wᵀ on the gemm.
    //
    // The expansion loses about eps·(x − s)²/σ² per feature to cancellation, so a feature whose
    // smallest class variance is tiny next to its spread (κ_j = spread_j / min_c σ²_cj large, e.g.
    // a feature constant within one class) is summed directly as (x − θ)²/σ² instead.
    std::vector<double> shift(d, 0.0);
    for (index_t c = 0; c < C; ++c)
        for (index_t j = 0; j < d; ++j) shift[j] += double(theta[c * d + j]);
    for (index_t j = 0; j < d; ++j) shift[j] /= double(C);
    const double kappa_max = sizeof(T) == 4 ? 1e2 : 1e6;
    std::vector<index_t> fg, fd;  // features on the gemm / summed directly
    for (index_t j = 0; j < d; ++j) {
        double spread = 0.0, vmax = 0.0, vmin = std::numeric_limits<double>::infinity();
        for (index_t c = 0; c < C; ++c) {
            const double t = double(theta[c * d + j]) - shift[j];
            const double v = double(var[c * d + j]);
            spread = std::max(spread, t * t);
            vmax = std::max(vmax, v);
            vmin = std::min(vmin, v);
        }
        spread += vmax;
        if (vmin > 0.0 && std::isfinite(spread) && spread <= kappa_max * vmin)
            fg.push_back(j);
        else
            fd.push_back(j);
    }
    const index_t dg = static_cast<index_t>(fg.size()), dd = static_cast<index_t>(fd.size());
    const index_t d2 = 2 * dg;
    std::vector<T> W(C * d2);
    std::vector<double> konst(C);
    std::vector<double> inv_d(C * dd), theta_d(C * dd);
    const double log2pi = std::log(2.0 * 3.14159265358979323846);
    for (index_t c = 0; c < C; ++c) {
        double k = double(log_prior[c]);
        for (index_t j = 0; j < d; ++j) k -= 0.5 * (log2pi + std::log(double(var[c * d + j])));
        for (index_t q = 0; q < dg; ++q) {
            const index_t j = fg[q];
            const double v = double(var[c * d + j]);
            const double t = double(theta[c * d + j]) - shift[j];
            W[c * d2 + q] = static_cast<T>(-0.5 / v);
            W[c * d2 + dg + q] = static_cast<T>(t / v);
            k -= 0.5 * t * t / v;
        }
        for (index_t q = 0; q < dd; ++q) {
            const index_t j = fd[q];
            inv_d[c * dd + q] = 1.0 / double(var[c * d + j]);
            theta_d[c * dd + q] = double(theta[c * d + j]);
        }
        konst[c] = k;
    }
    constexpr index_t R = 1024;
    const index_t n_blocks = (n + R - 1) / R;
    ExceptionSlot slot;
    const int nt = threads_for(n_threads, n_blocks);
#pragma omp parallel num_threads(nt)
    {
        std::vector<T> Z(R * std::max<index_t>(d2, 1));
        std::vector<T> OT(C * R);
#pragma omp for schedule(static)
        for (index_t b = 0; b < n_blocks; ++b) {
            slot.run([&] {
                const index_t i0 = b * R, r = std::min(R, n - i0);
                T* o = out + i0 * C;
                if (dg > 0) {
                    for (index_t i = 0; i < r; ++i) {
                        const T* x = X + (i0 + i) * d;
                        T* z = Z.data() + i * d2;
                        for (index_t q = 0; q < dg; ++q) {
                            const T t = static_cast<T>(double(x[fg[q]]) - shift[fg[q]]);
                            z[q] = t * t;
                            z[dg + q] = t;
                        }
                    }
                    // outᵀ (C × r) = W · Zᵀ: the few classes take the micro-kernel's rows and
                    // the many samples its columns, so little of the register tile is padding.
                    gemm<T>(false, true, C, r, d2, T(1), W.data(), d2, Z.data(), d2, T(0),
                            OT.data(), r, 1);
                    for (index_t i = 0; i < r; ++i)
                        for (index_t c = 0; c < C; ++c) o[i * C + c] = OT[c * r + i];
                } else {
                    std::fill(o, o + r * C, T(0));
                }
                for (index_t i = 0; i < r; ++i) {
                    const T* x = X + (i0 + i) * d;
                    for (index_t c = 0; c < C; ++c) {
                        double acc = konst[c];
                        const double* iv = inv_d.data() + c * dd;
                        const double* th = theta_d.data() + c * dd;
                        for (index_t q = 0; q < dd; ++q) {
                            const double t = double(x[fd[q]]) - th[q];
                            acc -= 0.5 * t * t * iv[q];
                        }
                        o[i * C + c] = static_cast<T>(double(o[i * C + c]) + acc);
                    }
                }
            });
        }
    }
    slot.rethrow();
}

template <class T>
void nb_linear_csr(const T* data, const std::int64_t* indices, const std::int64_t* indptr,
                   index_t n, index_t d, const T* W, const T* b, index_t n_classes, T* out,
                   int n_threads) {
    require(n >= 0 && d >= 0 && n_classes >= 1, "nb_linear_csr: bad dimensions");
    require(indptr[0] == 0, "nb_linear_csr: indptr[0] must be 0");
    for (index_t i = 0; i < n; ++i)
        require(indptr[i + 1] >= indptr[i], "nb_linear_csr: indptr must be non-decreasing");
    const index_t C = n_classes;
    // Wᵀ (d × C) so that a nonzero x_ij touches one contiguous row of weights.
    std::vector<double> Wt(d * C);
    for (index_t c = 0; c < C; ++c)
        for (index_t j = 0; j < d; ++j) Wt[j * C + c] = double(W[c * d + j]);
    ExceptionSlot slot;
    const int nt = threads_for(n_threads, n / 1024 + 1);
#pragma omp parallel num_threads(nt)
    {
        std::vector<double> acc(C);
#pragma omp for schedule(static)
        for (index_t i = 0; i < n; ++i) {
            slot.run([&] {
                for (index_t c = 0; c < C; ++c) acc[c] = double(b[c]);
                for (std::int64_t p = indptr[i]; p < indptr[i + 1]; ++p) {
                    const std::int64_t j = indices[p];
                    if (j < 0 || j >= d)
                        throw std::invalid_argument("nb_linear_csr: column index out of range");
                    const double v = double(data[p]);
                    const double* w = Wt.data() + j * C;
                    for (index_t c = 0; c < C; ++c) acc[c] += v * w[c];
                }
                for (index_t c = 0; c < C; ++c) out[i * C + c] = static_cast<T>(acc[c]);
            });
        }
    }
    slot.rethrow();
}

template <class T>
void nb_log_normalize(T* a, index_t n, index_t n_classes, T* lse, int n_threads) {
    require(n >= 0 && n_classes >= 1, "nb_log_normalize: bad dimensions");
    const index_t C = n_classes;
    const int nt = threads_for(n_threads, n / 32768 + 1);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t i = 0; i < n; ++i) {
        T* r = a + i * C;
        double m = -std::numeric_limits<double>::infinity();
        for (index_t c = 0; c < C; ++c) m = std::max(m, double(r[c]));
        double l;
        if (!std::isfinite(m)) {
            l = m;
        } else {
            double s = 0.0;
            for (index_t c = 0; c < C; ++c) s += std::exp(double(r[c]) - m);
            l = m + std::log(s);
        }
        // The subtraction is done in the data type, as scikit-learn does: when one class takes
        // (numerically) all the probability, its log-probability is then exactly 0, consistent
        // with its probability rounding to 1 in that type.
        const T lt = static_cast<T>(l);
        for (index_t c = 0; c < C; ++c) r[c] = r[c] - lt;
        if (lse) lse[i] = lt;
    }
}

template <class T>
void nb_row_argmax(const T* a, index_t n, index_t n_classes, std::int64_t* out, int n_threads) {
    require(n >= 0 && n_classes >= 1, "nb_row_argmax: bad dimensions");
    const index_t C = n_classes;
    const int nt = threads_for(n_threads, n / 32768 + 1);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t i = 0; i < n; ++i) {
        const T* r = a + i * C;
        index_t best = 0;
        T v = r[0];
        if (!std::isnan(v)) {
            for (index_t c = 1; c < C; ++c) {
                if (std::isnan(r[c])) {
                    best = c;
                    break;
                }
                if (r[c] > v) {
                    v = r[c];
                    best = c;
                }
            }
        }
        out[i] = best;
    }
}

#define SCRATCHLEARN_INSTANTIATE(T)                                                               \
    template void nb_class_moments<T>(const T*, index_t, index_t, const std::int64_t*, index_t,   \
                                      const T*, double*, T*, T*, int);                            \
    template void nb_class_sums_dense<T>(const T*, index_t, index_t, const std::int64_t*,         \
                                         index_t, const T*, double*, int);                        \
    template void nb_class_sums_csr<T>(const T*, const std::int64_t*, const std::int64_t*,        \
                                       index_t, index_t, const std::int64_t*, index_t, const T*,  \
                                       double*, int);                                             \
    template void nb_gaussian_jll<T>(const T*, index_t, index_t, const T*, const T*, const T*,    \
                                     index_t, T*, int);                                           \
    template void nb_linear_csr<T>(const T*, const std::int64_t*, const std::int64_t*, index_t,   \
                                   index_t, const T*, const T*, index_t, T*, int);                \
    template void nb_log_normalize<T>(T*, index_t, index_t, T*, int);                            \
    template void nb_row_argmax<T>(const T*, index_t, index_t, std::int64_t*, int);
SCRATCHLEARN_INSTANTIATE(float)
SCRATCHLEARN_INSTANTIATE(double)
#undef SCRATCHLEARN_INSTANTIATE

}  // namespace scratchlearn
