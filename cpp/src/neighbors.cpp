// Brute-force k-nearest neighbours: blocked distances fused with a bounded top-k per query.
//
// Euclidean-type metrics (euclidean, sqeuclidean, cosine) use the matrix product:
//     ‖q − x‖² = ‖q‖² + ‖x‖² − 2·q·x
// on data centred at the training mean (which shrinks the norms and so the cancellation), with the
// q·x block from gemm(). Other metrics are computed pair by pair. Each query keeps a max-heap of its
// best `k + extra` candidates; at the end the candidates' distances are recomputed exactly (in double)
// from the original data and the best k are kept, so the reported distances carry no cancellation
// error and near-ties are ordered by their exact distance.
#include "scratchlearn/neighbors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {
namespace {

constexpr index_t kQueryBlock = 64;    // queries per block (rows of the dot-product tile)
constexpr index_t kTrainBlock = 1024;  // training points per block (columns of the tile)
constexpr index_t kExtra = 4;          // extra candidates kept for the exact re-ranking
constexpr index_t kChunk = 16;         // distances screened together against the heap's bound

// A bounded max-heap of (distance, index) pairs, ordered lexicographically so that equal distances
// prefer the lower index.
struct Candidate {
    double dist;
    std::int64_t index;
};
inline bool worse(const Candidate& a, const Candidate& b) {
    return a.dist < b.dist || (a.dist == b.dist && a.index < b.index);
}

class TopK {
public:
    void reset(Candidate* storage, index_t capacity) {
        heap_ = storage;
        capacity_ = capacity;
        size_ = 0;
    }
    // Threshold below which a candidate can enter (infinity while not full).
    double bound() const {
        return size_ < capacity_ ? std::numeric_limits<double>::infinity() : heap_[0].dist;
    }
    void push(double dist, std::int64_t index) {
        Candidate c{dist, index};
        if (size_ < capacity_) {
            heap_[size_++] = c;
            std::push_heap(heap_, heap_ + size_, worse);
        } else if (worse(c, heap_[0])) {
            std::pop_heap(heap_, heap_ + size_, worse);
            heap_[size_ - 1] = c;
            std::push_heap(heap_, heap_ + size_, worse);
        }
    }
    index_t size() const { return size_; }
    Candidate* data() { return heap_; }

private:
    Candidate* heap_ = nullptr;
    index_t capacity_ = 0;
    index_t size_ = 0;
};

// Exact distance between two rows, accumulated in double.
template <class T>
double exact_distance(const T* a, const T* b, index_t d, Metric metric, double p) {
    switch (metric) {
        case Metric::Euclidean:
        case Metric::SqEuclidean: {
            double s = 0;
            for (index_t j = 0; j < d; ++j) {
                const double t = double(a[j]) - double(b[j]);
                s += t * t;
            }
            return metric == Metric::Euclidean ? std::sqrt(s) : s;
        }
        case Metric::Manhattan: {
            double s = 0;
            for (index_t j = 0; j < d; ++j) s += std::fabs(double(a[j]) - double(b[j]));
            return s;
        }
        case Metric::Chebyshev: {
            double s = 0;
            for (index_t j = 0; j < d; ++j) s = std::max(s, std::fabs(double(a[j]) - double(b[j])));
            return s;
        }
        case Metric::Minkowski: {
            double s = 0;
            for (index_t j = 0; j < d; ++j) s += std::pow(std::fabs(double(a[j]) - double(b[j])), p);
            return std::pow(s, 1.0 / p);
        }
        case Metric::Cosine: {
            double ab = 0, aa = 0, bb = 0;
            for (index_t j = 0; j < d; ++j) {
                ab += double(a[j]) * double(b[j]);
                aa += double(a[j]) * double(a[j]);
                bb += double(b[j]) * double(b[j]);
            }
            // Zero vectors are left unnormalised (their similarity with anything is 0).
            const double na = aa > 0 ? std::sqrt(aa) : 1.0;
            const double nb = bb > 0 ? std::sqrt(bb) : 1.0;
            return std::max(0.0, 1.0 - ab / (na * nb));
        }
    }
    return 0;
}

// Fast pairwise distance for the metrics without a matrix-product form, in T (ranking only).
template <class T>
inline T direct_distance(const T* a, const T* b, index_t d, Metric metric, T p) {
    T s = 0;
    switch (metric) {
        case Metric::Manhattan:
            for (index_t j = 0; j < d; ++j) s += std::fabs(a[j] - b[j]);
            return s;
        case Metric::Chebyshev:
            for (index_t j = 0; j < d; ++j) s = std::max(s, T(std::fabs(a[j] - b[j])));
            return s;
        default:  // Minkowski: the p-th power sum ranks the same as its p-th root
            for (index_t j = 0; j < d; ++j) s += std::pow(std::fabs(a[j] - b[j]), p);
            return s;
    }
}

bool uses_product(Metric m) {
    return m == Metric::Euclidean || m == Metric::SqEuclidean || m == Metric::Cosine;
}

}  // namespace

template <class T>
void knn_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, index_t k,
                Metric metric, double p, T* out_dist, std::int64_t* out_index, int n_threads) {
    require(n_train > 0, "knn_search: the training set is empty");
    require(d > 0, "knn_search: zero features");
    require(k >= 1 && k <= n_train, "knn_search: k must be in [1, n_train]");
    require(metric != Metric::Minkowski || p > 0, "knn_search: Minkowski p must be > 0");
    if (n_queries == 0) return;

    const bool product = uses_product(metric);
    const index_t capacity = std::min(n_train, k + kExtra);

    // Prepared training data for the product path: centred (or, for cosine, unit-normalised) rows
    // and their squared norms.
    std::vector<T> Xp;
    std::vector<T> mean;
    std::vector<T> xnorm;
    if (product) {
        Xp.assign(X, X + n_train * d);
        if (metric == Metric::Cosine) {
            for (index_t i = 0; i < n_train; ++i) {
                double s = 0;
                for (index_t j = 0; j < d; ++j) s += double(Xp[i * d + j]) * Xp[i * d + j];
                const T inv = s > 0 ? T(1.0 / std::sqrt(s)) : T(1);
                for (index_t j = 0; j < d; ++j) Xp[i * d + j] *= inv;
            }
        } else {
            std::vector<double> m(d, 0.0);
            for (index_t i = 0; i < n_train; ++i)
                for (index_t j = 0; j < d; ++j) m[j] += Xp[i * d + j];
            mean.resize(d);
            for (index_t j = 0; j < d; ++j) mean[j] = T(m[j] / double(n_train));
            for (index_t i = 0; i < n_train; ++i)
                for (index_t j = 0; j < d; ++j) Xp[i * d + j] -= mean[j];
        }
        xnorm.resize(n_train);
        for (index_t i = 0; i < n_train; ++i) {
            T s = 0;
            for (index_t j = 0; j < d; ++j) s += Xp[i * d + j] * Xp[i * d + j];
            xnorm[i] = s;
        }
    }

    const index_t n_blocks = (n_queries + kQueryBlock - 1) / kQueryBlock;
    const int nt = threads_for(n_threads, n_blocks);
    ExceptionSlot errors;

#pragma omp parallel num_threads(nt)
    {
        std::vector<Candidate> storage;
        std::vector<TopK> heaps(kQueryBlock);
        std::vector<T> qbuf, qnorm, dots;
        errors.run([&] {
            storage.resize(kQueryBlock * capacity);
            if (product) {
                qbuf.resize(kQueryBlock * d);
                qnorm.resize(kQueryBlock);
                dots.resize(kQueryBlock * kTrainBlock);
            }
        });

#pragma omp for schedule(dynamic, 1)
        for (index_t b = 0; b < n_blocks; ++b) {
            errors.run([&] {
                const index_t q0 = b * kQueryBlock;
                const index_t mb = std::min(kQueryBlock, n_queries - q0);
                for (index_t r = 0; r < mb; ++r) heaps[r].reset(storage.data() + r * capacity, capacity);

                if (product) {
                    for (index_t r = 0; r < mb; ++r) {
                        const T* q = Q + (q0 + r) * d;
                        T* o = qbuf.data() + r * d;
                        if (metric == Metric::Cosine) {
                            double s = 0;
                            for (index_t j = 0; j < d; ++j) s += double(q[j]) * q[j];
                            const T inv = s > 0 ? T(1.0 / std::sqrt(s)) : T(1);
                            for (index_t j = 0; j < d; ++j) o[j] = q[j] * inv;
                        } else {
                            for (index_t j = 0; j < d; ++j) o[j] = q[j] - mean[j];
                        }
                        T s = 0;
                        for (index_t j = 0; j < d; ++j) s += o[j] * o[j];
                        qnorm[r] = s;
                    }
                    const bool cosine = metric == Metric::Cosine;
                    for (index_t t0 = 0; t0 < n_train; t0 += kTrainBlock) {
                        const index_t nb = std::min(kTrainBlock, n_train - t0);
                        // dots ← −2·q·x (cosine: −q·x), so that a row's distances are
                        // ‖q‖² + (‖x‖² + dots) (cosine: 1 + dots).
                        gemm<T>(false, true, mb, nb, d, cosine ? T(-1) : T(-2), qbuf.data(), d,
                                Xp.data() + t0 * d, d, T(0), dots.data(), nb, 1);
                        const T* xn = xnorm.data() + t0;
                        for (index_t r = 0; r < mb; ++r) {
                            TopK& h = heaps[r];
                            T* dr = dots.data() + r * nb;
                            const T offset = cosine ? T(1) : qnorm[r];
                            if (!cosine)
                                for (index_t c = 0; c < nb; ++c) dr[c] += xn[c];
                            double bound = h.bound();
                            // Scan in chunks: a chunk whose smallest distance cannot enter the
                            // heap is skipped after one vectorisable min.
                            for (index_t c0 = 0; c0 < nb; c0 += kChunk) {
                                const index_t c1 = std::min(nb, c0 + kChunk);
                                T lo = dr[c0];
                                for (index_t c = c0 + 1; c < c1; ++c) lo = std::min(lo, dr[c]);
                                if (double(std::max(T(0), lo + offset)) > bound) continue;
                                for (index_t c = c0; c < c1; ++c) {
                                    const double dist = double(std::max(T(0), dr[c] + offset));
                                    if (dist <= bound) {
                                        h.push(dist, t0 + c);
                                        bound = h.bound();
                                    }
                                }
                            }
                        }
                    }
                } else {
                    const T pp = T(p);
                    for (index_t t0 = 0; t0 < n_train; t0 += kTrainBlock) {
                        const index_t nb = std::min(kTrainBlock, n_train - t0);
                        for (index_t r = 0; r < mb; ++r) {
                            TopK& h = heaps[r];
                            const T* q = Q + (q0 + r) * d;
                            double bound = h.bound();
                            for (index_t c = 0; c < nb; ++c) {
                                const T dist = direct_distance(q, X + (t0 + c) * d, d, metric, pp);
                                if (double(dist) <= bound) {
                                    h.push(double(dist), t0 + c);
                                    bound = h.bound();
                                }
                            }
                        }
                    }
                }

                // Exact re-ranking of the candidates, then the best k in order.
                for (index_t r = 0; r < mb; ++r) {
                    TopK& h = heaps[r];
                    Candidate* c = h.data();
                    const index_t sz = h.size();
                    const T* q = Q + (q0 + r) * d;
                    for (index_t i = 0; i < sz; ++i)
                        c[i].dist = exact_distance(q, X + c[i].index * d, d, metric, p);
                    std::sort(c, c + sz, worse);
                    for (index_t i = 0; i < k; ++i) {
                        out_dist[(q0 + r) * k + i] = T(c[i].dist);
                        out_index[(q0 + r) * k + i] = c[i].index;
                    }
                }
            });
        }
    }
    errors.rethrow();
}

template void knn_search<float>(const float*, index_t, const float*, index_t, index_t, index_t,
                                Metric, double, float*, std::int64_t*, int);
template void knn_search<double>(const double*, index_t, const double*, index_t, index_t, index_t,
                                 Metric, double, double*, std::int64_t*, int);

}  // namespace scratchlearn
