// Metrics: the loops behind curves, confusion matrices and silhouettes.
//
// binary_curve: the ranking behind ROC / precision-recall curves and AUC. The scores are sorted in
//   decreasing order by a parallel sort (each thread sorts one slice, then the slices are merged
//   pairwise, in parallel rounds), then one pass accumulates the (weighted) true and false positives
//   at the end of every run of equal scores: those runs are the curve's thresholds.
// int_min_max / confusion_counts: the counting behind confusion matrices and reports. Each thread
//   fills its own K x K histogram of (true, predicted) label codes; the histograms are summed in a
//   fixed order, so the result does not depend on the thread count.
// encode_fixed_width: string labels (numpy's fixed-width str / bytes items) coded by one hashed
//   pass, in the order each distinct item first appears; no sort of the samples.
// silhouette_sums: for every sample, the sum of its distances to the members of each cluster,
//   computed block by block (a block of rows against a block of columns, the euclidean distances
//   from one matrix product of the block) and folded into the sums while hot in cache: the n x n
//   distance matrix never exists. For the euclidean distances only the upper triangle is
//   computed (the matrix is symmetric): each distance feeds both its row's and its column's sums.
#pragma once

#include <cstdint>
#include <vector>

#include "scratchlearn/gemm.hpp"
#include "scratchlearn/neighbors.hpp"

namespace scratchlearn {

// The distinct-threshold curve of a binary ranking. y (n, 0/1 or any: nonzero is positive),
// score (n), weight (n or nullptr). Writes, per distinct score in decreasing order, the score
// and the cumulated false and true positive weight of the samples scored at least that.
// Throws on a NaN score.
template <class T>
void binary_curve(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                  std::vector<double>& fps, std::vector<double>& tps, std::vector<T>& thresholds,
                  int n_threads);

// The area under the ROC curve of the same ranking (trapezoids between consecutive thresholds),
// without materialising the curve; exact integer arithmetic when unweighted. Throws on a NaN score
// or when a class is absent.
template <class T>
double binary_auc(const T* score, const std::uint8_t* y, const double* weight, index_t n,
                  int n_threads);

// Smallest and largest of n integers (n >= 1).
void int_min_max(const std::int64_t* y, index_t n, std::int64_t& lo, std::int64_t& hi, int n_threads);

// out (K x K, row-major, zeroed here) [t - lo][p - lo] += weight (1 when weight is nullptr) for
// every pair (t, p) of y_true, y_pred; values outside [lo, lo + K) throw.
void confusion_counts(const std::int64_t* y_true, const std::int64_t* y_pred, index_t n,
                      std::int64_t lo, index_t K, const double* weight, double* out, int n_threads);

// n items of `width` bytes each, back to back (a fixed-width numpy string array's buffer): codes[i]
// is the number of the distinct item equal to item i (bytewise), numbered in order of first
// appearance; returns the first index of each distinct item (its length is the number of them).
// One pass, an open-addressing hash table of the distinct items (O(n) expected).
std::vector<std::int64_t> encode_fixed_width(const std::uint8_t* data, index_t n, index_t width,
                                             std::int64_t* codes);

// sums (n x K, double): sums[i][c] = sum over j with labels[j] == c of dist(x_i, x_j), the
// distance of x_i to itself counted as 0. labels in [0, K). Euclidean and sqeuclidean through the
// matrix product (‖a‖² + ‖b‖² − 2 a·b clipped at 0), the other metrics exactly.
template <class T>
void silhouette_sums(const T* X, index_t n, index_t d, const std::int64_t* labels, index_t K,
                     Metric metric, double p, double* sums, int n_threads);

}  // namespace scratchlearn
