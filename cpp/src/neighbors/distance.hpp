// Internal to the neighbour searches: the exact distance between two rows, shared by brute force
// and the trees so that both compute every distance with the same floating-point operations (and
// so return the same neighbours, in the same order, ties included).
//
// A distance is computed in two steps: the "reduced" distance s, which ranks like the distance
// (the sum of squares for euclidean, the sum of |·|^p for minkowski, the distance itself for the
// others), and the distance from it, finish(s) (sqrt, the p-th root, or nothing).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "scratchlearn/neighbors.hpp"

namespace scratchlearn {
namespace knn_detail {

// Reduced distance between a and b (d values each), accumulated in double. Cosine is not a reduced
// form: its "reduced" distance is the distance.
template <class A, class B>
inline double reduced_distance(const A* a, const B* b, index_t d, Metric metric, double p) {
    switch (metric) {
        case Metric::Euclidean:
        case Metric::SqEuclidean: {
            // Four partial sums: four independent addition chains instead of one.
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            index_t j = 0;
            for (; j + 4 <= d; j += 4) {
                const double t0 = double(a[j]) - double(b[j]);
                const double t1 = double(a[j + 1]) - double(b[j + 1]);
                const double t2 = double(a[j + 2]) - double(b[j + 2]);
                const double t3 = double(a[j + 3]) - double(b[j + 3]);
                s0 += t0 * t0;
                s1 += t1 * t1;
                s2 += t2 * t2;
                s3 += t3 * t3;
            }
            for (; j < d; ++j) {
                const double t = double(a[j]) - double(b[j]);
                s0 += t * t;
            }
            return (s0 + s1) + (s2 + s3);
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
            return s;
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

// The distance from its reduced form.
inline double finish_distance(double s, Metric metric, double p) {
    switch (metric) {
        case Metric::Euclidean: return std::sqrt(s);
        case Metric::Minkowski: return std::pow(s, 1.0 / p);
        default: return s;
    }
}

// The reduced form of a distance r (for a radius): the inverse of finish_distance.
inline double reduce_distance(double r, Metric metric, double p) {
    switch (metric) {
        case Metric::Euclidean: return r * r;
        case Metric::Minkowski: return std::pow(r, p);
        default: return r;
    }
}

template <class A, class B>
inline double exact_distance(const A* a, const B* b, index_t d, Metric metric, double p) {
    return finish_distance(reduced_distance(a, b, d, metric, p), metric, p);
}

// A neighbour found: its distance and training index. Neighbours are ordered by (distance, index).
struct Candidate {
    double dist;
    std::int64_t index;
};
inline bool before(const Candidate& a, const Candidate& b) {
    return a.dist < b.dist || (a.dist == b.dist && a.index < b.index);
}

// Each query's radius neighbours into one CSR-like result: sorted by (distance, index) when
// `sort_results`, else by index (so every algorithm returns the same lists in the same order).
template <class T>
void gather_radius(std::vector<std::vector<Candidate>>& per_query, bool sort_results,
                   RadiusNeighbors<T>& out, int n_threads) {
    const index_t nq = static_cast<index_t>(per_query.size());
    out.indptr.assign(static_cast<std::size_t>(nq + 1), 0);
    for (index_t i = 0; i < nq; ++i)
        out.indptr[i + 1] = out.indptr[i] + static_cast<std::int64_t>(per_query[i].size());
    out.indices.resize(static_cast<std::size_t>(out.indptr[nq]));
    out.distances.resize(static_cast<std::size_t>(out.indptr[nq]));
#pragma omp parallel for schedule(dynamic, 64) num_threads(n_threads)
    for (index_t i = 0; i < nq; ++i) {
        std::vector<Candidate>& c = per_query[i];
        if (sort_results)
            std::sort(c.begin(), c.end(), before);
        else
            std::sort(c.begin(), c.end(),
                      [](const Candidate& a, const Candidate& b) { return a.index < b.index; });
        const std::int64_t o = out.indptr[i];
        for (std::size_t j = 0; j < c.size(); ++j) {
            out.indices[o + j] = c[j].index;
            out.distances[o + j] = T(c[j].dist);
        }
        std::vector<Candidate>().swap(c);
    }
}

}  // namespace knn_detail
}  // namespace scratchlearn
