// k-means: Lloyd and Elkan iterations, the fused assignment step, and the helpers of k-means++ and
// mini-batch k-means. Pure C++17; float and double instantiations.
//
// Conventions shared by every function here:
//   X is n × d row-major, sample_weight has n entries (never null), centres are k × d row-major,
//   labels are int32. Inertia Σ wᵢ‖xᵢ − c_{labelᵢ}‖² is accumulated in double from exact
//   differences (not from the expanded form), so it carries no cancellation error.
//   Every result is identical for any n_threads: per-sample work is split into a fixed set of
//   blocks whose partial sums are reduced in a fixed order.
#pragma once

#include <cstdint>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

// The iteration of a full k-means run: kmeans_lloyd or kmeans_elkan. LloydFull is kmeans_lloyd
// with bounded = false, every distance computed (the reference its bounded passes are tested on).
enum class KMeansAlgorithm : int { Lloyd = 0, Elkan = 1, LloydFull = 2 };

// Result of a full k-means run (labels and centres are written into caller buffers).
struct KMeansRun {
    int n_iter = 0;         // iterations run (scikit-learn's n_iter_)
    double inertia = 0.0;   // Σ w‖x − c_label‖² with the final centres and labels
    bool strict = false;    // converged because no label changed
};

// Lloyd's algorithm from the initial `centers` (overwritten with the final ones), until labels stop
// changing, or Σ_j ‖c_j^new − c_j^old‖² <= tol, or max_iter iterations. Empty clusters are moved to
// the points farthest from their centre. When the run does not end on unchanged labels, one last
// assignment step makes `labels` consistent with the final centres. bounded: skip the products
// of the samples whose label the triangle inequality settles (Hamerly's bounds, with a margin for
// the rounding of the distances' expanded form); the result is the same, bit for bit.
template <class T>
KMeansRun kmeans_lloyd(const T* X, index_t n, index_t d, const T* sample_weight, T* centers,
                       index_t k, int max_iter, double tol, std::int32_t* labels, int n_threads,
                       bool bounded = true);

// Same contract, with Elkan's triangle-inequality bounds (one upper bound per sample, k lower
// bounds per sample, the centre–centre distances) to skip most distance computations. Needs k >= 2.
template <class T>
KMeansRun kmeans_elkan(const T* X, index_t n, index_t d, const T* sample_weight, T* centers,
                       index_t k, int max_iter, double tol, std::int32_t* labels, int n_threads);

// Nearest centre of every sample (ties: lowest index) and the inertia. When `sums` (k × d) and
// `weights` (k) are non-null they receive, in double, Σ w·x and Σ w of the samples of each cluster.
template <class T>
double kmeans_assign(const T* X, index_t n, index_t d, const T* sample_weight, const T* centers,
                     index_t k, std::int32_t* labels, double* sums, double* weights, int n_threads);

// The column means of X (`mean`, d entries, summed in double) and out = X − mean (n × d; `out`
// may be X itself, centring in place). Identical for any n_threads. With only_if_offset, out is
// written only when the means are far from the origin next to the spread of the rows
// (‖mean‖² > the mean of ‖x − mean‖²): below that the distances' expanded form loses at most
// twice the precision it has on centred data, and the centred copy (a write of all of X) is
// skipped. Returns whether out was written.
template <class T>
bool kmeans_center(const T* X, index_t n, index_t d, T* out, T* mean, bool only_if_offset,
                   int n_threads);

// Euclidean distances from every sample to every centre: out is n × k.
template <class T>
void kmeans_transform(const T* X, index_t n, index_t d, const T* centers, index_t k, T* out,
                      int n_threads);

// Squared euclidean distances from each of the m rows of `Y` (m × d) to every row of X, through
// ‖y‖² + ‖x‖² − 2·y·x clipped at 0: out is m × n. `x_sq_norms` holds ‖x‖² (n entries).
template <class T>
void kmeans_sq_distances(const T* X, index_t n, index_t d, const T* x_sq_norms, const T* Y,
                         index_t m, T* out, int n_threads);

// Greedy k-means++ seeding (scikit-learn's procedure, draw for draw). indices[0] = first; then
// for c = 1 … k−1, with D the squared distance of every sample to its nearest chosen centre and
// pot = Σ w·D: the t candidates are the first samples where the running sum of w·D (in T, in
// sample order) reaches draws[(c−1)·t + j]·pot; each candidate's potential Σ w·min(D, ‖x − cand‖²)
// is computed (one pass over X for all t candidates, in blocks of 4096 samples, in parallel),
// and the candidate with the lowest potential joins. draws has (k−1)·t uniforms in [0, 1).
// Squared distances come from ‖x‖² + ‖c‖² − 2·x·c (x_sq_norms given), clipped at 0, computed
// in double for float data as scikit-learn does. Results do not depend on n_threads.
template <class T>
void kmeans_plusplus(const T* X, index_t n, index_t d, const T* x_sq_norms, const T* sample_weight,
                     index_t k, index_t first, const double* draws, index_t t,
                     std::int64_t* indices, int n_threads);

}  // namespace scratchlearn
