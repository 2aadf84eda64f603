// The metrics' loops: see scratchlearn/metrics.hpp.
#include "scratchlearn/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "../neighbors/distance.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {
namespace {

// An order-preserving unsigned key of a float: larger float, larger key (after the flip, for any
// sign). Descending order of scores is ascending order of ~key.
inline std::uint64_t order_key(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b & 0x8000000000000000ULL) ? ~b : (b | 0x8000000000000000ULL);
}
inline std::uint64_t order_key(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    b = (b & 0x80000000U) ? ~b : (b | 0x80000000U);
    return b;
}

struct Ranked {
    std::uint64_t key;  // ~order_key(score): ascending key = descending score
    std::int64_t index;
};
inline bool key_less(const Ranked& a, const Ranked& b) { return a.key < b.key; }

// Sort v by key: n_threads slices sorted concurrently, then merged pairwise in parallel rounds.
void parallel_sort(std::vector<Ranked>& v, int n_threads) {
    const index_t n = static_cast<index_t>(v.size());
    int parts = threads_for(n_threads, n / 65536 + 1);
    if (parts <= 1) {
        std::sort(v.begin(), v.end(), key_less);
        return;
    }
    std::vector<index_t> bounds(parts + 1);
    for (int t = 0; t <= parts; ++t) bounds[t] = n * t / parts;
#pragma omp parallel for schedule(static, 1) num_threads(parts)
    for (int t = 0; t < parts; ++t) std::sort(v.begin() + bounds[t], v.begin() + bounds[t + 1], key_less);
    std::vector<Ranked> buf(v.size());
    std::vector<Ranked>* src = &v;
    std::vector<Ranked>* dst = &buf;
    while (bounds.size() > 2) {
        const int runs = static_cast<int>(bounds.size()) - 1;
        std::vector<index_t> next;
        for (int r = 0; r < runs; r += 2) next.push_back(bounds[r]);
        next.push_back(n);
        const int nt = threads_for(n_threads, (runs + 1) / 2);
#pragma omp parallel for schedule(static, 1) num_threads(nt)
        for (int r = 0; r < (runs + 1) / 2; ++r) {
            const index_t a = bounds[2 * r], m = bounds[std::min(2 * r + 1, runs)],
                          b = bounds[std::min(2 * r + 2, runs)];
            if (2 * r + 1 < runs)
                std::merge(src->begin() + a, src->begin() + m, src->begin() + m, src->begin() + b,
                           dst->begin() + a, key_less);
            else
                std::copy(src->begin() + a, src->begin() + b, dst->begin() + a);
        }
        std::swap(src, dst);
        bounds.swap(next);
    }
    if (src != &v) v.swap(buf);
}

}  // namespace

template <class T>
void binary_curve(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                  std::vector<double>& fps, std::vector<double>& tps, std::vector<T>& thresholds,
                  int n_threads) {
    require(n >= 0, "binary_curve: negative length");
    fps.clear();
    tps.clear();
    thresholds.clear();
    if (n == 0) return;
    std::vector<Ranked> r(static_cast<std::size_t>(n));
    bool nan = false;
    const int nt = threads_for(n_threads, n / 32768 + 1);
#pragma omp parallel for schedule(static) reduction(|| : nan) num_threads(nt)
    for (index_t i = 0; i < n; ++i) {
        if (std::isnan(score[i])) nan = true;
        r[i].key = ~order_key(score[i]);
        r[i].index = i;
    }
    require(!nan, "binary_curve: the scores contain NaN");
    parallel_sort(r, n_threads);
    double tp = 0, fp = 0;
    for (index_t i = 0; i < n; ++i) {
        const std::int64_t j = r[i].index;
        const double w = weight ? weight[j] : 1.0;
        if (y[j])
            tp += w;
        else
            fp += w;
        // Keys are equal exactly when the scores are (-0.0 and 0.0 differ in key: merge them).
        const bool last = (i + 1 == n) || score[r[i + 1].index] != score[j];
        if (last) {
            tps.push_back(tp);
            fps.push_back(fp);
            thresholds.push_back(score[j]);
        }
    }
}

void int_min_max(const std::int64_t* y, index_t n, std::int64_t& lo, std::int64_t& hi, int n_threads) {
    require(n >= 1, "int_min_max: empty input");
    std::int64_t a = y[0], b = y[0];
    const int nt = threads_for(n_threads, n / 65536 + 1);
#pragma omp parallel for schedule(static) reduction(min : a) reduction(max : b) num_threads(nt)
    for (index_t i = 0; i < n; ++i) {
        a = std::min(a, y[i]);
        b = std::max(b, y[i]);
    }
    lo = a;
    hi = b;
}

void confusion_counts(const std::int64_t* y_true, const std::int64_t* y_pred, index_t n,
                      std::int64_t lo, index_t K, const double* weight, double* out, int n_threads) {
    require(K >= 1, "confusion_counts: K must be >= 1");
    const std::size_t KK = static_cast<std::size_t>(K) * static_cast<std::size_t>(K);
    const int nt = threads_for(n_threads, n / 65536 + 1);
    // Unweighted counts are integers: exact in any order. Weighted ones are summed per fixed
    // chunk and the chunks in order, so the thread count does not change the result.
    const index_t chunk = 1 << 16;
    const index_t n_chunks = (n + chunk - 1) / chunk;
    std::vector<std::vector<double>> part(static_cast<std::size_t>(weight ? n_chunks : nt));
    bool bad = false;
    if (weight) {
#pragma omp parallel for schedule(static) reduction(|| : bad) num_threads(nt)
        for (index_t c = 0; c < n_chunks; ++c) {
            std::vector<double>& h = part[c];
            h.assign(KK, 0.0);
            const index_t e = std::min(n, (c + 1) * chunk);
            for (index_t i = c * chunk; i < e; ++i) {
                const std::uint64_t t = static_cast<std::uint64_t>(y_true[i] - lo);
                const std::uint64_t q = static_cast<std::uint64_t>(y_pred[i] - lo);
                if (t >= static_cast<std::uint64_t>(K) || q >= static_cast<std::uint64_t>(K)) {
                    bad = true;
                    continue;
                }
                h[t * K + q] += weight[i];
            }
        }
    } else {
#pragma omp parallel num_threads(nt) reduction(|| : bad)
        {
            int t_id = 0;
#ifdef _OPENMP
            t_id = omp_get_thread_num();
#endif
            std::vector<std::int64_t> h(KK, 0);
#pragma omp for schedule(static)
            for (index_t i = 0; i < n; ++i) {
                const std::uint64_t t = static_cast<std::uint64_t>(y_true[i] - lo);
                const std::uint64_t q = static_cast<std::uint64_t>(y_pred[i] - lo);
                if (t >= static_cast<std::uint64_t>(K) || q >= static_cast<std::uint64_t>(K)) {
                    bad = true;
                    continue;
                }
                ++h[t * K + q];
            }
            part[t_id].assign(h.begin(), h.end());
        }
    }
    require(!bad, "confusion_counts: a label is out of range");
    std::fill(out, out + KK, 0.0);
    for (const auto& h : part)
        if (!h.empty())
            for (std::size_t k = 0; k < KK; ++k) out[k] += h[k];
}

template <class T>
void silhouette_sums(const T* X, index_t n, index_t d, const std::int64_t* labels, index_t K,
                     Metric metric, double p, double* sums, int n_threads) {
    require(n >= 1 && d >= 1 && K >= 1, "silhouette_sums: empty input");
    for (index_t i = 0; i < n; ++i)
        require(labels[i] >= 0 && labels[i] < K, "silhouette_sums: a label is out of range");
    std::fill(sums, sums + n * K, 0.0);
    const bool gram = metric == Metric::Euclidean || metric == Metric::SqEuclidean;
    std::vector<double> norms;
    if (gram) {
        norms.resize(static_cast<std::size_t>(n));
        for (index_t i = 0; i < n; ++i) {
            double s = 0;
            for (index_t j = 0; j < d; ++j) s += double(X[i * d + j]) * double(X[i * d + j]);
            norms[i] = s;
        }
    }
    const index_t RB = 64, CB = 2048;
    const index_t n_row_blocks = (n + RB - 1) / RB;
    const int nt = threads_for(n_threads, n_row_blocks);
    ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
    {
        std::vector<T> G(static_cast<std::size_t>(RB * CB));
#pragma omp for schedule(dynamic, 1)
        for (index_t rb = 0; rb < n_row_blocks; ++rb)
            slot.run([&] {
                const index_t i0 = rb * RB, i1 = std::min(n, i0 + RB), m = i1 - i0;
                for (index_t j0 = 0; j0 < n; j0 += CB) {
                    const index_t j1 = std::min(n, j0 + CB), w = j1 - j0;
                    if (gram) {
                        gemm<T>(false, true, m, w, d, T(1), X + i0 * d, d, X + j0 * d, d, T(0),
                                G.data(), w, 1);
                        for (index_t a = 0; a < m; ++a) {
                            const index_t i = i0 + a;
                            double* s = sums + i * K;
                            const T* g = G.data() + a * w;
                            const double ni = norms[i];
                            for (index_t b = 0; b < w; ++b) {
                                const index_t j = j0 + b;
                                double q = ni + norms[j] - 2.0 * double(g[b]);
                                q = q > 0 ? q : 0.0;
                                if (j == i) q = 0.0;
                                s[labels[j]] += metric == Metric::Euclidean ? std::sqrt(q) : q;
                            }
                        }
                    } else {
                        for (index_t i = i0; i < i1; ++i) {
                            double* s = sums + i * K;
                            for (index_t j = j0; j < j1; ++j)
                                if (j != i)
                                    s[labels[j]] += knn_detail::exact_distance(X + i * d, X + j * d, d,
                                                                               metric, p);
                        }
                    }
                }
            });
    }
    slot.rethrow();
}

template void binary_curve<float>(const float*, const std::uint8_t*, const double*, index_t,
                                  std::vector<double>&, std::vector<double>&, std::vector<float>&, int);
template void binary_curve<double>(const double*, const std::uint8_t*, const double*, index_t,
                                   std::vector<double>&, std::vector<double>&, std::vector<double>&, int);
template void silhouette_sums<float>(const float*, index_t, index_t, const std::int64_t*, index_t,
                                     Metric, double, double*, int);
template void silhouette_sums<double>(const double*, index_t, index_t, const std::int64_t*, index_t,
                                      Metric, double, double*, int);

}  // namespace scratchlearn
