// Least squares, ridge and non-negative least squares on small dense systems.
//
// The big work, the d × d normal equations XᵀX (and XᵀY) over all n samples, is one pass of
// centred_scatter (gemm.hpp, scatter.cpp) over the weighted data. The d × d solves that follow are
// written here: Cholesky for well-conditioned systems and a QR + one-sided Jacobi SVD on X itself for
// the rank-deficient or badly conditioned ones (the spectrum of XᵀX comes from symmetric_eigen).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "scratchlearn/linalg.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

double cholesky_factor(index_t d, double* M) {
    double ratio = 1.0;
    for (index_t j = 0; j < d; ++j) {
        double diag = M[j * d + j];
        const double orig = diag;
        for (index_t p = 0; p < j; ++p) diag -= M[j * d + p] * M[j * d + p];
        if (!(diag > 0.0) || !std::isfinite(diag)) return -1.0;
        ratio = std::min(ratio, orig > 0 ? diag / orig : 0.0);
        const double l = std::sqrt(diag);
        M[j * d + j] = l;
        for (index_t i = j + 1; i < d; ++i) {
            double v = M[i * d + j];
            const double* ri = M + i * d;
            const double* rj = M + j * d;
            for (index_t p = 0; p < j; ++p) v -= ri[p] * rj[p];
            M[i * d + j] = v / l;
        }
    }
    return ratio;
}

// Solves L Lᵀ x = b in place (L lower, from cholesky_factor).
void cholesky_apply(index_t d, const double* L, double* x) {
    for (index_t i = 0; i < d; ++i) {
        double v = x[i];
        for (index_t p = 0; p < i; ++p) v -= L[i * d + p] * x[p];
        x[i] = v / L[i * d + i];
    }
    for (index_t i = d - 1; i >= 0; --i) {
        double v = x[i];
        for (index_t p = i + 1; p < d; ++p) v -= L[p * d + i] * x[p];
        x[i] = v / L[i * d + i];
    }
}

namespace {

// Householder QR of the m × p row-major M (m >= p), rows stay row-major; the reflectors are applied
// to the m × k matrix C as they are formed (C ← QᵀC) and stored in H (m × p, column j from row j)
// with their τ when H is not null. The upper triangle of M is R afterwards.
void householder_qr(index_t m, index_t p, double* M, index_t k, double* C, double* H,
                    double* tau) {
    std::vector<double> v(m), w(std::max(p, k));
    for (index_t j = 0; j < p; ++j) {
        double norm2 = 0.0;
        for (index_t i = j; i < m; ++i) norm2 += M[i * p + j] * M[i * p + j];
        const double x0 = M[j * p + j];
        const double nrm = std::sqrt(norm2);
        double t = 0.0;
        if (nrm > 0.0) {
            const double alpha = x0 >= 0 ? -nrm : nrm;
            for (index_t i = j; i < m; ++i) v[i] = M[i * p + j];
            v[j] -= alpha;
            double vv = 0.0;
            for (index_t i = j; i < m; ++i) vv += v[i] * v[i];
            t = vv > 0 ? 2.0 / vv : 0.0;
            if (t != 0.0) {
                // M[j:, j:] ← (I − t v vᵀ) M[j:, j:], row by row.
                std::fill(w.begin(), w.begin() + p, 0.0);
                for (index_t i = j; i < m; ++i) {
                    const double vi = v[i];
                    const double* row = M + i * p;
                    for (index_t c = j; c < p; ++c) w[c] += vi * row[c];
                }
                for (index_t i = j; i < m; ++i) {
                    const double f = t * v[i];
                    double* row = M + i * p;
                    for (index_t c = j; c < p; ++c) row[c] -= f * w[c];
                }
                if (C) {
                    std::fill(w.begin(), w.begin() + k, 0.0);
                    for (index_t i = j; i < m; ++i) {
                        const double vi = v[i];
                        const double* row = C + i * k;
                        for (index_t c = 0; c < k; ++c) w[c] += vi * row[c];
                    }
                    for (index_t i = j; i < m; ++i) {
                        const double f = t * v[i];
                        double* row = C + i * k;
                        for (index_t c = 0; c < k; ++c) row[c] -= f * w[c];
                    }
                }
            }
        }
        if (H) {
            for (index_t i = 0; i < m; ++i) H[i * p + j] = (i >= j && t != 0.0) ? v[i] : 0.0;
            tau[j] = t;
        }
    }
}

// One-sided Jacobi SVD of the q × q matrix given by its columns (rows of Wt, q × q, destroyed),
// through the shared jacobi_svd_rows (eigen.cpp): on return the rows of Wt are σ_i u_iᵀ and the rows
// of Vt are v_iᵀ (S = Σ u_i σ_i v_iᵀ), ordered by descending σ_i.
void jacobi_svd_columns(index_t q, double* Wt, double* Vt) {
    std::vector<double> U(static_cast<size_t>(q) * q), sv(q), Rows(static_cast<size_t>(q) * q);
    jacobi_svd_rows(q, q, Wt, U.data(), sv.data(), Rows.data());
    for (index_t i = 0; i < q; ++i)
        for (index_t r = 0; r < q; ++r) {
            Wt[i * q + r] = sv[i] * Rows[i * q + r];
            Vt[i * q + r] = U[r * q + i];
        }
}

}  // namespace

double cholesky_solve(index_t d, index_t k, const double* G, const double* B, const double* alpha,
                      index_t n_alpha, double* W) {
    require(n_alpha == 1 || n_alpha == k, "cholesky_solve: alpha must have 1 or k entries");
    std::vector<double> L(static_cast<size_t>(d) * d), x(d);
    double worst = 1.0;
    const index_t n_fact = n_alpha == 1 ? 1 : k;
    for (index_t f = 0; f < n_fact; ++f) {
        std::copy(G, G + d * d, L.begin());
        for (index_t i = 0; i < d; ++i) L[i * d + i] += alpha[f];
        const double r = cholesky_factor(d, L.data());
        if (r < 0) return -1.0;
        worst = std::min(worst, r);
        const index_t j_lo = n_alpha == 1 ? 0 : f, j_hi = n_alpha == 1 ? k : f + 1;
        for (index_t j = j_lo; j < j_hi; ++j) {
            for (index_t i = 0; i < d; ++i) x[i] = B[i * k + j];
            cholesky_apply(d, L.data(), x.data());
            for (index_t i = 0; i < d; ++i) W[i * k + j] = x[i];
        }
    }
    return worst;
}

index_t svd_least_squares(index_t m, index_t p, index_t k, double* A, const double* B,
                          const double* alpha, index_t n_alpha, double cond, double abs_cut,
                          double* W, double* singular) {
    require(m >= 1 && p >= 1 && k >= 1, "svd_least_squares: empty problem");
    require(n_alpha == 1 || n_alpha == k, "svd_least_squares: alpha must have 1 or k entries");
    const index_t q = std::min(m, p);
    std::vector<double> Wt(static_cast<size_t>(q) * q), Vt(static_cast<size_t>(q) * q);
    std::vector<double> rhs(static_cast<size_t>(q) * k);  // the right-hand side in the small problem
    std::vector<double> H, tau;
    if (m >= p) {
        std::vector<double> C(B, B + m * k);
        householder_qr(m, p, A, k, C.data(), nullptr, nullptr);
        // S = R (p × p upper); Wt holds the columns of R as rows.
        for (index_t i = 0; i < p; ++i)
            for (index_t j = 0; j < p; ++j) Wt[j * p + i] = j >= i ? A[i * p + j] : 0.0;
        std::copy(C.begin(), C.begin() + p * k, rhs.begin());
    } else {
        // Aᵀ = Q R with Aᵀ p × m; A = Rᵀ Qᵀ, S = Rᵀ (m × m lower).
        std::vector<double> At(static_cast<size_t>(p) * m);
        for (index_t i = 0; i < m; ++i)
            for (index_t j = 0; j < p; ++j) At[j * m + i] = A[i * p + j];
        H.assign(static_cast<size_t>(p) * m, 0.0);
        tau.assign(m, 0.0);
        householder_qr(p, m, At.data(), 0, nullptr, H.data(), tau.data());
        // columns of S = Rᵀ are the rows of R: Wt row j = column j of Rᵀ = row j of R.
        for (index_t j = 0; j < m; ++j)
            for (index_t i = 0; i < m; ++i) Wt[j * m + i] = i >= j ? At[j * m + i] : 0.0;
        std::copy(B, B + m * k, rhs.begin());
    }
    jacobi_svd_columns(q, Wt.data(), Vt.data());
    std::vector<double> sig(q);
    for (index_t i = 0; i < q; ++i) {
        double s = 0;
        for (index_t r = 0; r < q; ++r) s += Wt[i * q + r] * Wt[i * q + r];
        sig[i] = std::sqrt(s);
    }
    std::vector<index_t> order(q);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](index_t a, index_t b) { return sig[a] > sig[b]; });
    const double smax = q ? sig[order[0]] : 0.0;
    const double cut = std::max(cond * smax, abs_cut);
    index_t rank = 0;
    for (index_t i = 0; i < q; ++i) {
        singular[i] = sig[order[i]];
        if (sig[order[i]] > cut) ++rank;
    }
    // y = Σ_i v_i σ_i/(σ_i²+α) (u_iᵀ rhs) with u_i = w_i/σ_i: coefficient (w_iᵀ rhs)/(σ_i²+α).
    std::vector<double> y(static_cast<size_t>(q) * k, 0.0);
    for (index_t i = 0; i < q; ++i) {
        if (!(sig[i] > cut)) continue;
        const double* wi = Wt.data() + i * q;
        const double* vi = Vt.data() + i * q;
        for (index_t j = 0; j < k; ++j) {
            const double a = alpha ? alpha[n_alpha == 1 ? 0 : j] : 0.0;
            double dot = 0.0;
            for (index_t r = 0; r < q; ++r) dot += wi[r] * rhs[r * k + j];
            const double f = dot / (sig[i] * sig[i] + a);
            for (index_t r = 0; r < q; ++r) y[r * k + j] += f * vi[r];
        }
    }
    if (m >= p) {
        std::copy(y.begin(), y.end(), W);
    } else {
        // x = Q [y; 0] = H_0 H_1 … H_{m−1} [y; 0].
        std::fill(W, W + p * k, 0.0);
        for (index_t r = 0; r < m; ++r)
            for (index_t j = 0; j < k; ++j) W[r * k + j] = y[r * k + j];
        for (index_t h = m - 1; h >= 0; --h) {
            if (tau[h] == 0.0) continue;
            for (index_t j = 0; j < k; ++j) {
                double dot = 0.0;
                for (index_t r = h; r < p; ++r) dot += H[r * m + h] * W[r * k + j];
                dot *= tau[h];
                for (index_t r = h; r < p; ++r) W[r * k + j] -= dot * H[r * m + h];
            }
        }
    }
    return rank;
}

index_t nnls_gram(index_t d, const double* G, const double* b, double alpha, double* w,
                  index_t max_sweeps, double tol) {
    std::vector<double> grad(d);
    for (index_t j = 0; j < d; ++j) w[j] = std::max(0.0, w[j]);
    for (index_t i = 0; i < d; ++i) {
        double s = alpha * w[i] - b[i];
        for (index_t j = 0; j < d; ++j) s += G[i * d + j] * w[j];
        grad[i] = s;
    }
    index_t sweep = 0;
    for (; sweep < max_sweeps; ++sweep) {
        double max_delta = 0.0, max_w = 0.0;
        for (index_t j = 0; j < d; ++j) {
            const double h = G[j * d + j] + alpha;
            if (!(h > 0.0)) continue;
            const double nw = std::max(0.0, w[j] - grad[j] / h);
            const double delta = nw - w[j];
            if (delta != 0.0) {
                const double* gj = G + j * d;  // G symmetric: column j = row j
                for (index_t i = 0; i < d; ++i) grad[i] += delta * gj[i];
                grad[j] += alpha * delta;
                w[j] = nw;
            }
            max_delta = std::max(max_delta, std::abs(delta));
            max_w = std::max(max_w, std::abs(nw));
        }
        if (max_delta <= tol * std::max(max_w, 1e-300)) {
            ++sweep;
            break;
        }
    }
    // Polish: solve exactly on the passive set, keep it if it is feasible and optimal.
    std::vector<index_t> P;
    for (index_t j = 0; j < d; ++j)
        if (w[j] > 0.0) P.push_back(j);
    const index_t np = static_cast<index_t>(P.size());
    if (np == 0) return sweep;
    std::vector<double> L(static_cast<size_t>(np) * np), x(np);
    for (index_t a = 0; a < np; ++a) {
        for (index_t c = 0; c < np; ++c) L[a * np + c] = G[P[a] * d + P[c]];
        L[a * np + a] += alpha;
        x[a] = b[P[a]];
    }
    if (cholesky_factor(np, L.data()) < 1e-12) return sweep;
    cholesky_apply(np, L.data(), x.data());
    for (index_t a = 0; a < np; ++a)
        if (!(x[a] > 0.0)) return sweep;
    std::vector<double> cand(d, 0.0);
    for (index_t a = 0; a < np; ++a) cand[P[a]] = x[a];
    double scale = 0.0;
    for (index_t j = 0; j < d; ++j) scale = std::max(scale, std::abs(b[j]));
    for (index_t i = 0; i < d; ++i) {
        if (cand[i] > 0.0) continue;
        double g = -b[i];
        for (index_t j = 0; j < d; ++j) g += G[i * d + j] * cand[j];
        if (g < -1e-9 * std::max(scale, 1e-300)) return sweep;  // a blocked coordinate wants in
    }
    std::copy(cand.begin(), cand.end(), w);
    return sweep;
}

}  // namespace scratchlearn
