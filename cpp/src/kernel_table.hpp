// The per-ISA kernel registry: one table of function pointers per instruction set (generic C++,
// AVX2+FMA, AVX-512), holding every family's per-ISA kernels, built once and picked by the active
// kernel path (cpu.hpp: active_isa(), SCRATCHLEARN_ISA) — the idea of BLIS's context.
//
// How a table is filled. The generic table is filled by the generic translation units, one per
// family with per-ISA code (linalg/kernels_generic.cpp, kmeans/chunk_kernels_generic.cpp, ...).
// A wider path starts as a copy of the path below it (AVX2 from generic, AVX-512 from AVX2) and
// its own translation units overwrite the slots they implement (AVX-512 keeps, for instance, the
// AVX2 scatter kernel).
//
// A kernel is written once, as a template over a small SIMD-operations struct (see
// linalg/simd_avx2.hpp, linalg/simd_avx512.hpp) in a family's *_impl.hpp, and instantiated in each
// ISA's translation unit (compiled with that ISA's flags: *_avx2.cpp, *_avx512.cpp).
//
// Adding a kernel: a slot in Kernels<T> below, its impl header in the family's folder, one
// register_<family>_<isa>() per ISA that has a version of it (declared below, defined in that
// ISA's translation unit), a call in kernel_table.cpp, and kernels<T>().slot at the call site.
//
// Like every header an ISA translation unit includes, this one holds plain declarations only (no
// inline code), so no function compiled with AVX flags can be picked by the linker for code that
// also runs on older CPUs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace scratchlearn {
enum class Isa;  // cpu.hpp (not included here: it brings <string> into the ISA translation units)
}

namespace scratchlearn::kernel_table {

using index_t = std::ptrdiff_t;

// ---- linalg: the GEMM (linalg/gemm.cpp) ------------------------------------------------------
// Register-blocked micro-kernel on one full MR × NR tile:
//     C[0:MR, 0:NR] ← alpha · Σ_p a[p·MR + i] · b[p·NR + j] + beta · C   (kc >= 1 terms)
// `a` is an MR-row micro-panel of packed A (column p stored as MR contiguous values), `b` an
// NR-column micro-panel of packed B (row p stored as NR contiguous values); both 64-byte aligned.
// C is row-major with leading dimension ldc. When beta == 0, C is not read.
template <class T>
using MicroKernel = void (*)(index_t kc, const T* a, const T* b, T* c, index_t ldc, T alpha, T beta);
// Dot product of two contiguous vectors, and y += alpha·x (gemv's building blocks).
template <class T>
using DotKernel = T (*)(const T* x, const T* y, index_t n);
template <class T>
using AxpyKernel = void (*)(T alpha, const T* x, T* y, index_t n);
// Packs one full micro-panel of op(B) = Bᵀ: NR rows of B from `src` (leading dimension ldb), kc
// values each, into dst[p·NR + j] = src[j·ldb + p]. dst is 32-byte aligned. nullptr: the portable
// packing is used.
template <class T>
using PackBtKernel = void (*)(index_t kc, const T* src, index_t ldb, T* dst);

// Any tile of at most MR × NR (mr rows, nr columns), the operands read through strides: A's
// element (i, p) at a[i·a_rs + p·a_cs], B's row p at b + p·b_rs; C row-major with leading
// dimension ldc, only its mr × nr values touched. mask_b: B's rows hold only nr readable values
// (B is not packed); otherwise they are zero-padded packed rows of NR. Each element's arithmetic
// is MicroKernel's (so packed and unpacked operands give the same bits). When beta == 0, C is not
// read.
template <class T>
using StridedKernel = void (*)(index_t kc, const T* a, index_t a_rs, index_t a_cs, const T* b,
                               index_t b_rs, bool mask_b, T* c, index_t ldc, T alpha, T beta,
                               int mr, int nr);

template <class T>
struct GemmKernels {
    int mr = 0;  // rows of the register tile
    int nr = 0;  // columns of the register tile
    MicroKernel<T> micro = nullptr;
    DotKernel<T> dot = nullptr;
    AxpyKernel<T> axpy = nullptr;
    PackBtKernel<T> pack_bt = nullptr;
    StridedKernel<T> strided = nullptr;
};

// ---- linalg: the centred scatter (linalg/scatter.cpp) ----------------------------------------
// For the rows × ldp block Z (row-major, leading dimension ldp, zero past its real columns):
//     acc[i, j] += Σ_r Z[r, i] · Z[r, j]
// for every i < di (di a multiple of 4, di <= ldp) and every j from i's tile start on:
// j >= ⌊i / 4⌋·4 rounded down to a multiple of the vector width (so at least the upper triangle
// and everything right of it). acc is di × ldp, row-major. ldp is a multiple of 8.
template <class T>
using ScatterBlockKernel = void (*)(index_t rows, index_t di, index_t ldp, const T* Z, T* acc);

// ---- kmeans: the per-chunk loops of the assignment (kmeans/kmeans.cpp) ------------------------
template <class T>
struct KMeansKernels {
    // For the m columns of buf (k × m, leading dimension m): lab[i] = argmin_j cn[j] + buf[j, i]
    // (lowest j on ties, as T), best[i] = that minimum.
    void (*argmin_columns)(const T* buf, const T* cn, index_t k, index_t m, T* best, T* lab) = nullptr;
    // No product buffer (nullptr where the path has no such kernel): for the m rows of X,
    // lab[i] = argmin_j cnp[j] + Σ_f x_f·Ct[f, j] (lowest j on ties, as T), best[i] = the
    // minimum. Ct holds −2·Cᵀ (zero columns past k), cnp the kp centre norms (+inf past k); k is
    // the number of centres (<= kp). kp is
    // 8, 16 or a multiple of 16; for kp <= 16, Ct is d × kp, beyond it is kp / 16 panels, panel p
    // being the d × 16 block of centres 16p … 16p+15 (contiguous, one after the other).
    void (*argmin_rows)(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp,
                        index_t k, T* best, T* lab) = nullptr;
    // For samples r0 … r0+m−1 with new labels lab: count the labels that change, store them, add
    // w·x and w into the cluster partial sums (when sums is non-null) and w‖x − c‖² into *inertia
    // (when with_inertia). sums (k × d) and weights (k) are added to, never cleared (the caller
    // zeroes them and, in float, folds them into its double partials after each chunk).
    void (*finish_chunk)(const T* X, const T* sw, const T* C, index_t r0, index_t m, index_t d,
                         const T* lab, std::int32_t* labels, T* sums, T* weights,
                         bool with_inertia, long long* changed, double* inertia) = nullptr;
    // out[i·kp + j] = cnp[j] + Σ_f x_f·Ct[f, j] for the m rows of X, Ct d × kp, kp ∈ {8, 16}
    // (the candidate distances of k-means++ seeding).
    void (*dots_rows)(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp,
                      T* out) = nullptr;
    // argmin_rows with the second smallest value too (second[i]: the smallest over the other
    // centres, equal to best[i] on a tie): the same sums in the same order, so the same labels
    // (Lloyd's bounded pass, kmeans.cpp). nullptr where the path has no argmin_rows.
    void (*argmin2_rows)(const T* X, index_t m, index_t d, const T* Ct, const T* cnp, index_t kp,
                         index_t k, T* best, T* second, T* lab) = nullptr;
};

// ---- neighbors: the screening scan of the kNN search (neighbors/scan_*.cpp) --------------------
// For the m rows of a block v (m × n, leading dimension n), row r against its limit lim[r]:
// bit c % 32 of mask[r·words + c / 32] ← (v[r·n + c] <= lim[r]) for c < n, words = ⌈n / 32⌉;
// bit r % 64 of rows[r / 64] ← whether row r has any bit set.
template <class T>
using KnnBelowRowsKernel = void (*)(const T* v, index_t m, index_t n, const T* lim, std::uint32_t* mask,
                                    std::uint64_t* rows);
// ---- neighbors: a tree leaf's squared euclidean distances (neighbors/tree.cpp) -----------------
// out[r] = (p0 + p1) + (p2 + p3) for r < m, where feature j's term (q[j] − cols[j][r])², in
// double, goes into p(j mod 4) for j below d rounded down to a multiple of 4 and into p0 after
// that, in increasing j: exactly the operations of the portable loop (and of brute force's
// distance), several rows at a time; never fused multiply-adds, so every path gives the same bits.
template <class T>
using KnnLeafKernel = void (*)(const T* const* cols, const double* q, index_t d, index_t m, double* out);

// ---- svm: kernel rows of the SMO solver and kernel values from dot products (svm/*.cpp) -------
// kind: 0 linear (x·y), 1 poly ((γ x·y + c0)^degree), 2 rbf (exp(−γ‖x − y‖²)), 3 sigmoid
// (tanh(γ x·y + c0)).
struct SvmRowParams {
    int kind = 2;
    int degree = 3;
    double gamma = 1.0;
    double coef0 = 0.0;
};
template <class T>
struct SvmKernels {
    // out[k] = sa·s[k]·K(xa, x_k) (s == nullptr: sa·K) for k in [k0, k1), where x_k is column k
    // of XT (d × ld, row-major: XT[t·ld + k] is feature t of point k). Float outputs. rbf in
    // double also reads row d of XT, the points' squared norms, and xa_sq = ‖xa‖².
    void (*row)(const T* XT, index_t ld, index_t d, const T* xa, double xa_sq, index_t k0, index_t k1,
                const SvmRowParams* p, const std::int8_t* s, double sa, float* out) = nullptr;
    // Kernel values in place from the n dot products v[c] = x·y_c (rbf: from qa + qb[c] − 2 v[c],
    // qa = ‖x‖², qb[c] = ‖y_c‖²).
    void (*from_dots)(T* v, index_t n, double qa, const T* qb, const SvmRowParams* p) = nullptr;
    // The SMO solver's passes over its n active variables (the same in both tables: the solver
    // works in double). up[k], low[k]: 0 where variable k is in I_up (I_low), −inf where not;
    // ys[k] = y_k = ±1.
    // G[k] += Qi[k]·di + Qj[k]·dj; returns max_k (−ys[k]·G[k] + up[k]).
    double (*grad_step)(double* G, const float* Qi, const float* Qj, double di, double dj,
                        const double* ys, const double* up, index_t n) = nullptr;
    // max_k (−ys[k]·G[k] + up[k]).
    double (*max_up)(const double* G, const double* ys, const double* up, index_t n) = nullptr;
    // Second-order choice of j (Fan, Chen & Lin 2005) given i: v = ys[k]·G[k] + low[k],
    // b = gmax + v, a = qdi + QD[k] − 2·ysi·ys[k]·Qi[k] (tau when <= 0): od[k] = −b²/a where
    // b > 0, else +inf. Returns min_k od[k]; *gmax2 gets max_k v.
    double (*select_j)(const double* G, const double* ys, const double* low, const double* QD,
                       const float* Qi, double qdi, double ysi, double gmax, index_t n, double* od,
                       double* gmax2) = nullptr;
    // out[k] = (si·sign[k])·row[idx[k]] for k < n (the regression solver's rows of Q).
    void (*gather)(const float* row, const std::int32_t* idx, const float* sign, float si, index_t n,
                   float* out) = nullptr;
    // The fused decision values (svm/decision_kernels_impl.hpp; nullptr on the generic path):
    // out[r·n_pairs + q] += Σ_k K(x_r, s_k)·coef[k, q] for the m query rows x_r of Xq (row-major,
    // d columns; qn their squared norms) and the support vectors s_k of n_panels panels of
    // decision_panel vectors each: P[(b·d + t)·NP + j] is feature t of vector b·NP + j, pn their
    // squared norms (rbf), PW[(b·n_pairs + q)·NP + j] their coefficients in pair q.
    void (*decision)(const T* Xq, index_t m, index_t d, const T* qn, const T* P, const T* pn,
                     const T* PW, index_t n_panels, index_t n_pairs, const SvmRowParams* p,
                     double* out) = nullptr;
    int decision_panel = 0;
};

// ---- neural_network: the MLP's elementwise passes (neural_network/mlp.cpp) --------------------
template <class T>
struct MlpKernels {
    // Z[r, j] ← f(Z[r, j] + b[j]) for r < rows, j < cols (Z rows × cols, row-major);
    // f: 0 identity, 1 relu (max(v, 0)), 2 tanh, 3 logistic (1 / (1 + e^−v)).
    void (*bias_act)(T* Z, index_t rows, index_t cols, const T* b, int f) = nullptr;
    // The Adam step over n values: m ← b1·m + c1·g, v ← b2·v + c2·g², w ← w − lr·m / (√v + eps).
    void (*adam)(index_t n, T* w, const T* g, T* m, T* v, T lr, T b1, T b2, T c1, T c2,
                 T eps) = nullptr;
};

// ---- linear_model: one row block of the multinomial logistic loss (linear_model/logistic_kernels_*)
// For the `rows` rows of X (row-major, leading dimension d), with Wt the d × Kp coefficients
// (transposed, Kp = K rounded up to `width`, zero past K) and intercepts b (K):
//     z_i = Wtᵀ x_i + b,  p_i = softmax(z_i),  *loss += Σ_i s_i (log Σ_k e^{z_ik} − z_{i,y_i})
// and, when Gwt is non-null, with g_i = s_i (p_i − e_{y_i}):
//     Gwt (d × Kp) += Σ_i x_i g_iᵀ,   gb (K) += Σ_i g_i.
// s_i = sw[i] (1 when sw is nullptr). zbuf holds rows·Kp values of T, ebuf rows·K doubles.
// K ≤ max_vectors·width (otherwise the caller uses the GEMM form).
template <class T>
struct LogisticKernels {
    int width = 0;
    int max_vectors = 0;
    void (*block)(const T* X, index_t rows, index_t d, const T* Wt, index_t K, index_t Kp,
                  const double* b, const std::int32_t* y, const T* sw, T* Gwt, double* gb, double* loss,
                  T* zbuf, double* ebuf) = nullptr;
};

// ---- preprocessing: the band pass of the selection quantiles (preprocessing/quantiles_*.cpp)
// Over the m values of col (contiguous): below += how many are < L, above += how many are > H,
// and those in [L, H] appended in order at buf + fill (fill advanced by their count); the band has
// room for R values, and one past it a slot that takes the writes once fill reaches R (fill goes
// on counting: the caller then sees the overflow). NaN is in none of the three. The values with
// no missing marker other than NaN (the marker case runs preprocessing.cpp's loop).
template <class T>
using BandPassKernel = void (*)(const T* col, index_t m, double L, double H, T* buf, index_t R,
                                index_t& below, index_t& fill, index_t& above);

// One pass of the quickselect (preprocessing.cpp: nth_pair): the m values of src split at p into
// `left` (x < p, or x <= p when le) and `right`, each written forward from its start in src's
// order; returns the left part's size. Each output has room for m + 64 values (the kernel may
// store whole vectors past a part's end).
template <class T>
using SplitKernel = index_t (*)(const T* src, index_t m, T p, bool le, T* left, T* right);

// ---- the table --------------------------------------------------------------------------------

template <class T>
struct Kernels {
    GemmKernels<T> gemm;
    ScatterBlockKernel<T> scatter_block = nullptr;
    KMeansKernels<T> kmeans;
    KnnBelowRowsKernel<T> knn_below_rows = nullptr;
    KnnLeafKernel<T> knn_leaf_sq = nullptr;  // nullptr on the generic path: tree.cpp's loop runs
    SvmKernels<T> svm;
    MlpKernels<T> mlp;  // nullptr slots on the generic path: mlp.cpp's portable loops run
    LogisticKernels<T> logistic;
    BandPassKernel<T> band_pass = nullptr;  // nullptr on the generic path: preprocessing.cpp's loop runs
    SplitKernel<T> select_split = nullptr;  // likewise
};

struct Table {
    Kernels<float> f32;
    Kernels<double> f64;
};

// Per family, per ISA: fills (overwrites) that family's slots of the table. Defined in the ISA's
// translation unit of the family.
void register_linalg_generic(Table* t);
void register_linalg_avx2(Table* t);
void register_linalg_avx512(Table* t);
void register_kmeans_generic(Table* t);
void register_kmeans_avx2(Table* t);
void register_kmeans_avx512(Table* t);
void register_svm_generic(Table* t);
void register_svm_avx2(Table* t);
void register_svm_avx512(Table* t);
void register_svm_decision_avx2(Table* t);
void register_svm_decision_avx512(Table* t);
void register_mlp_avx2(Table* t);
void register_mlp_avx512(Table* t);
void register_linear_model_avx2(Table* t);
void register_linear_model_avx512(Table* t);
void register_knn_leaf_avx2(Table* t);
void register_preprocessing_avx2(Table* t);
void register_preprocessing_avx512(Table* t);

// The table of a kernel path (built once for every path this CPU runs; a path it cannot run gets
// the best one it can), and of the active path.
const Table& table(Isa isa);
template <class T>
const Kernels<T>& kernels(Isa isa);
template <class T>
const Kernels<T>& kernels();

}  // namespace scratchlearn::kernel_table
