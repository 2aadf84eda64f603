// Nearest-neighbour search: brute force, kd-tree and ball tree, k nearest or within a radius.
//
// Brute force: queries are processed in blocks; for each block the distances to one block of
// training points are computed while they are hot in cache and folded into a bounded per-query
// heap, so the full n_queries × n_train distance matrix never exists in memory.
//
// Trees: built once (tree_build) into flat arrays that the caller keeps (the fitted model), then
// passed back to every query (tree_knn, tree_radius). Every search computes each distance with the
// same operations (cpp/src/neighbors/distance.hpp), so all of them return the same neighbours in
// the same order: by distance, ties by the lower training index.
#pragma once

#include <cstdint>
#include <vector>

#include "scratchlearn/gemm.hpp"

namespace scratchlearn {

enum class Metric : int {
    Euclidean = 0,
    SqEuclidean = 1,
    Manhattan = 2,
    Chebyshev = 3,
    Minkowski = 4,
    Cosine = 5,
};

// For every query row of Q (n_queries × d) find the k nearest rows of X (n_train × d).
// Writes distances (n_queries × k, ascending) and indices (n_queries × k). Ties are broken by the
// lower training index. `p` is used by Metric::Minkowski only.
template <class T>
void knn_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d, index_t k,
                Metric metric, double p, T* out_dist, std::int64_t* out_index, int n_threads);

// The neighbours within a radius of each query, CSR-style: query i's neighbours are
// indices[indptr[i] .. indptr[i + 1]) with their distances.
template <class T>
struct RadiusNeighbors {
    std::vector<std::int64_t> indptr;
    std::vector<std::int64_t> indices;
    std::vector<T> distances;
};

// Every row of X at distance <= radius from each query row, by brute force. Each query's list is
// sorted by (distance, index) when sort_results, else by index.
template <class T>
void radius_search(const T* X, index_t n_train, const T* Q, index_t n_queries, index_t d,
                   double radius, Metric metric, double p, bool sort_results,
                   RadiusNeighbors<T>& out, int n_threads);

// ---- Trees ------------------------------------------------------------------------------------
//
// A balanced binary tree over the n training rows, as scikit-learn lays it out: n_levels =
// 1 + ⌊log2(max(1, (n − 1) / leaf_size))⌋ levels, n_nodes = 2^n_levels − 1 nodes, node i's
// children are 2i + 1 and 2i + 2, and the nodes of the last level are the leaves. Each node holds
// the rows perm[start .. end) (node_range[2i], node_range[2i + 1]); an inner node splits its rows at
// the median of the feature of largest spread, so every leaf holds about leaf_size to
// 2·leaf_size rows (all n when n <= leaf_size).
//
// Geometry (node_geom, double, row i for node i):
//   KDTree:   2·d values, the lower then the upper corner of the box bounding the node's rows;
//   BallTree: d + 1 values, the centroid (mean) of the node's rows, then the ball's radius (the
//             largest distance, in the tree's metric, from the centroid to a row).
// The tree's queries read the training rows in tree order, feature by feature: data is d × n with
// data[j·n + i] = X[perm[i], j].
enum class TreeKind : int { KDTree = 0, BallTree = 1 };

index_t tree_node_count(index_t n, index_t leaf_size);
index_t tree_geom_width(TreeKind kind, index_t d);

// Whether the trees can search with this metric (a true metric of the minkowski family, p >= 1).
bool tree_supports(Metric metric, double p);

template <class T>
void tree_build(TreeKind kind, const T* X, index_t n, index_t d, index_t leaf_size, Metric metric,
                double p, std::int64_t* perm, std::int64_t* node_range, double* node_geom);

// A built tree, as the query functions read it.
template <class T>
struct TreeView {
    TreeKind kind;
    const T* data;             // d × n, the training rows in tree order, feature by feature
    const std::int64_t* perm;  // n: tree position → training index
    index_t n, d;
    const std::int64_t* node_range;  // n_nodes × 2
    const double* node_geom;         // n_nodes × tree_geom_width(kind, d)
    index_t n_nodes;
};

template <class T>
void tree_knn(const TreeView<T>& tree, const T* Q, index_t n_queries, index_t k, Metric metric,
              double p, T* out_dist, std::int64_t* out_index, int n_threads);

template <class T>
void tree_radius(const TreeView<T>& tree, const T* Q, index_t n_queries, double radius,
                 Metric metric, double p, bool sort_results, RadiusNeighbors<T>& out,
                 int n_threads);

// The neighbours' votes: totals[i·n_classes + c] = the sum over j < k, in increasing j, of
// w[i·k + j] (1 when w is null) for the neighbours ind[i·k + j] whose label is c. Every index must
// be in [0, n_train) and every label in [0, n_classes).
void knn_vote(const std::int64_t* ind, index_t n_queries, index_t k, const std::int64_t* labels,
              index_t n_train, index_t n_classes, const double* w, double* totals, int n_threads);

}  // namespace scratchlearn
