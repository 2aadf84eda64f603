// Preprocessing kernels: per-column statistics in one pass, NaN-aware selection quantiles, and the
// column-wise affine transforms written straight into the output. Used by the scalers
// (python/scratchlearn/preprocessing/_data.py) and the imputers (python/scratchlearn/impute/).
#pragma once

#include <cstdint>
#include <cstddef>

#include "scratchlearn/validation.hpp"  // index_t

namespace scratchlearn {

// Weighted count, mean and centred sum of squares M2 = Σ w (x − mean)² of every column of the
// n × d row-major X, skipping NaN and (when has_missing) the value `missing`. w may be null (all
// ones). Rows are cut into blocks of a fixed size; each block's sums are taken in double around a
// shift (its first present value per column) in one pass, and the blocks are merged in block order
// (Chan et al.'s pairwise update), so the result does not depend on n_threads. Columns with no
// present value get count 0, mean NaN, m2 NaN. Returns true when an infinite value was seen.
template <class T>
bool column_moments(const T* X, index_t n, index_t d, const T* w, bool has_missing, double missing,
                    double* count, double* mean, double* m2, int n_threads);

// Per-column minimum and maximum ignoring NaN (NaN for a column that is all NaN), and the
// present-value count. Returns true when an infinite value was seen.
template <class T>
bool column_minmax(const T* X, index_t n, index_t d, double* mn, double* mx, double* count,
                   int n_threads);

// Quantiles of every column ignoring NaN (and `missing` when has_missing): out is nq × d. Each
// column's present values are gathered (a group of columns per thread, read row by row) and the two
// order statistics around q·(m − 1) found by selection (nth_element), then linearly interpolated as
// numpy's default "linear" method does (in double, as numpy's percentile of float32 data is
// float64). `midpoint_median`: a q of 0.5 gives (a + b) / 2 of the two middle values computed in T
// (numpy's median). NaN for a column with no present value.
template <class T>
void column_quantiles(const T* X, index_t n, index_t d, const double* qs, index_t nq,
                      bool has_missing, double missing, bool midpoint_median, double* out,
                      int n_threads);

// out = (x − a) / b (mode 0; a or b may be null: skipped) or out = x · a + b (mode 1), column by
// column, each step rounded to T as numpy's in-place operations round; then clipped to [lo, hi]
// when clip. out may be X (in place). Returns true when an infinite input value was seen.
template <class T>
bool column_affine(const T* X, index_t n, index_t d, const double* a, const double* b, int mode,
                   bool clip, double lo, double hi, T* out, int n_threads);

// Replaces NaN (or `missing` when has_missing) in column j by fill[j]; out may be X. Returns the
// number of values replaced.
template <class T>
long long fill_missing(const T* X, index_t n, index_t d, bool has_missing, double missing,
                       const T* fill, T* out, int n_threads);

// Which columns hold a missing entry (NaN, or `missing` when has_missing): flags[j] = 1 or 0.
// One pass over the rows that stops once every column has been seen missing, so it reads the
// whole of X only when some column has no missing entry (MissingIndicator's features in fit).
template <class T>
void missing_columns(const T* X, index_t n, index_t d, bool has_missing, double missing,
                     std::uint8_t* flags);

// fill_missing with missing-value indicators in the same pass: out is n × (d + m) (row-major);
// out[i, :d] is row i filled, out[i, d + c] is 1 where X[i, columns[c]] is missing, else 0
// (MissingIndicator's columns next to SimpleImputer's output). out may not be X.
template <class T>
long long fill_missing_indicator(const T* X, index_t n, index_t d, bool has_missing, double missing,
                                 const T* fill, const std::int64_t* columns, index_t m, T* out,
                                 int n_threads);

// The ones of the dense one-hot matrix: out (n × n_out) holds zeros on entry (a fresh np.zeros,
// whose pages the system zeroes on first touch); row i gets a one at column cols[i·d + j] for
// each j (where keep is null or keep[i·d + j] is non-zero). Rows are written in blocks on
// n_threads threads, so the pages are first touched in parallel. Every used column must be in
// [0, n_out).
template <class T>
void one_hot_dense(const std::int64_t* cols, const unsigned char* keep, index_t n, index_t d,
                   index_t n_out, T* out, int n_threads);

}  // namespace scratchlearn
