// Symmetric eigendecomposition (Householder tridiagonalisation + implicit QL) and a one-sided
// Jacobi SVD for small matrices. See linalg.hpp.
#include "scratchlearn/linalg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

namespace {

// Reduce the symmetric A (lower triangle used, d × d) to tridiagonal T = Qᵀ A Q.
// diag[k] = T[k][k], off[k] = T[k+1][k] (off[d-1] = 0). On return QT (d × d) holds Qᵀ.
void tridiagonalize(index_t d, double* A, double* diag, double* off, double* QT) {
    // Make A fully symmetric from its lower triangle.
    for (index_t i = 0; i < d; ++i)
        for (index_t j = i + 1; j < d; ++j) A[i * d + j] = A[j * d + i];
    std::vector<double> vs(d * d, 0.0);  // Householder vectors, vector k in row k (from index k+1)
    std::vector<double> taus(d, 0.0);
    std::vector<double> p(d), w(d);
    for (index_t k = 0; k + 2 < d; ++k) {
        const index_t m = d - k - 1;        // length of the vector below the diagonal
        const double* x = A + k * d + k + 1;  // row k, columns k+1..: equals column k below diag
        double tail = 0.0;
        for (index_t i = 1; i < m; ++i) tail += x[i] * x[i];
        double* v = vs.data() + k * d + k + 1;
        if (tail == 0.0) {  // already tridiagonal in this column
            taus[k] = 0.0;
            off[k] = x[0];
            continue;
        }
        const double norm = std::sqrt(x[0] * x[0] + tail);
        const double alpha = x[0] > 0 ? -norm : norm;
        v[0] = x[0] - alpha;
        for (index_t i = 1; i < m; ++i) v[i] = x[i];
        const double vtv = v[0] * v[0] + tail;
        const double tau = 2.0 / vtv;
        taus[k] = tau;
        off[k] = alpha;
        // B ← H B H with B = A[k+1:, k+1:], H = I − τ v vᵀ:
        // p = τ B v, w = p − (τ/2)(pᵀv) v, B ← B − v wᵀ − w vᵀ.
        double* B = A + (k + 1) * d + (k + 1);
        for (index_t i = 0; i < m; ++i) {
            const double* bi = B + i * d;
            double s = 0.0;
            for (index_t j = 0; j < m; ++j) s += bi[j] * v[j];
            p[i] = tau * s;
        }
        double pv = 0.0;
        for (index_t i = 0; i < m; ++i) pv += p[i] * v[i];
        const double K = 0.5 * tau * pv;
        for (index_t i = 0; i < m; ++i) w[i] = p[i] - K * v[i];
        for (index_t i = 0; i < m; ++i) {
            double* bi = B + i * d;
            const double vi = v[i], wi = w[i];
            for (index_t j = 0; j < m; ++j) bi[j] -= vi * w[j] + wi * v[j];
        }
    }
    for (index_t k = 0; k < d; ++k) diag[k] = A[k * d + k];
    if (d >= 2) off[d - 2] = A[(d - 1) * d + (d - 2)];
    if (d >= 1) off[d - 1] = 0.0;
    // T = H_{d-3}···H_0 · A · H_0···H_{d-3}, so A = Q T Qᵀ with Q = H_0···H_{d-3} and
    // Qᵀ = H_{d-3}···H_0 (each reflector is symmetric). Build Qᵀ from the identity by applying
    // H_0, H_1, ... on the left: QT ← H_k·QT touches rows k+1.. only (contiguous row updates).
    std::fill(QT, QT + d * d, 0.0);
    for (index_t i = 0; i < d; ++i) QT[i * d + i] = 1.0;
    for (index_t k = 0; k + 2 < d; ++k) {
        const double tau = taus[k];
        if (tau == 0.0) continue;
        const index_t m = d - k - 1;
        const double* v = vs.data() + k * d + k + 1;
        // Rows k+1.. of QT change: QT_sub ← QT_sub − τ v (vᵀ QT_sub).
        double* Q = QT + (k + 1) * d;
        std::vector<double>& t = w;  // reuse
        t.assign(d, 0.0);
        for (index_t i = 0; i < m; ++i) {
            const double vi = v[i];
            if (vi == 0.0) continue;
            const double* qi = Q + i * d;
            for (index_t j = 0; j < d; ++j) t[j] += vi * qi[j];
        }
        for (index_t i = 0; i < m; ++i) {
            const double f = tau * v[i];
            if (f == 0.0) continue;
            double* qi = Q + i * d;
            for (index_t j = 0; j < d; ++j) qi[j] -= f * t[j];
        }
    }
}

// Implicit-shift QL on the tridiagonal (diag, off); rotations are applied to the rows of ZT, whose
// rows end up as the eigenvectors.
void tridiagonal_ql(index_t d, double* diag, double* off, double* ZT) {
    const double eps = std::numeric_limits<double>::epsilon();
    for (index_t l = 0; l < d; ++l) {
        int iter = 0;
        while (true) {
            index_t m = l;
            for (; m + 1 < d; ++m) {
                const double dd = std::fabs(diag[m]) + std::fabs(diag[m + 1]);
                if (std::fabs(off[m]) <= eps * dd) break;
            }
            if (m == l) break;
            if (++iter > 100)
                throw std::invalid_argument("symmetric_eigen: QL iteration did not converge");
            // Wilkinson-like shift from the leading 2 × 2 block.
            double g = (diag[l + 1] - diag[l]) / (2.0 * off[l]);
            double r = std::hypot(g, 1.0);
            g = diag[m] - diag[l] + off[l] / (g + std::copysign(r, g));
            double s = 1.0, c = 1.0, p = 0.0;
            bool deflated = false;
            for (index_t i = m - 1; i >= l; --i) {
                double f = s * off[i];
                const double b = c * off[i];
                r = std::hypot(f, g);
                off[i + 1] = r;
                if (r == 0.0) {  // underflow: split here and start again
                    diag[i + 1] -= p;
                    off[m] = 0.0;
                    deflated = true;
                    break;
                }
                s = f / r;
                c = g / r;
                g = diag[i + 1] - p;
                r = (diag[i] - g) * s + 2.0 * c * b;
                p = s * r;
                diag[i + 1] = g + p;
                g = c * r - b;
                double* zi = ZT + i * d;
                double* zj = ZT + (i + 1) * d;
                for (index_t k = 0; k < d; ++k) {
                    f = zj[k];
                    zj[k] = s * zi[k] + c * f;
                    zi[k] = c * zi[k] - s * f;
                }
                if (i == 0) break;
            }
            if (deflated) continue;
            diag[l] -= p;
            off[l] = g;
            off[m] = 0.0;
        }
    }
}

}  // namespace

void symmetric_eigen(index_t d, double* A, double* w, double* V) {
    require(d >= 0, "symmetric_eigen: negative dimension");
    if (d == 0) return;
    for (index_t i = 0; i < d * d; ++i)
        if (!std::isfinite(A[i])) throw std::invalid_argument("symmetric_eigen: matrix is not finite");
    // Work on A / max|A|: the rotations' squares and sums then cannot overflow (or underflow to
    // zero) whatever the data's scale; the eigenvalues are scaled back, the vectors are unchanged.
    double scale = 0.0;
    for (index_t i = 0; i < d * d; ++i) scale = std::max(scale, std::fabs(A[i]));
    if (scale > 0.0)
        for (index_t i = 0; i < d * d; ++i) A[i] /= scale;
    std::vector<double> diag(d), off(d), ZT(d * d);
    tridiagonalize(d, A, diag.data(), off.data(), ZT.data());
    tridiagonal_ql(d, diag.data(), off.data(), ZT.data());
    if (scale > 0.0)
        for (index_t k = 0; k < d; ++k) diag[k] *= scale;
    std::vector<index_t> order(d);
    std::iota(order.begin(), order.end(), index_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](index_t a, index_t b) { return diag[a] > diag[b]; });
    for (index_t k = 0; k < d; ++k) {
        w[k] = diag[order[k]];
        std::copy(ZT.begin() + order[k] * d, ZT.begin() + (order[k] + 1) * d, V + k * d);
    }
}

void jacobi_svd_rows(index_t m, index_t n, double* B, double* U, double* s, double* Vt) {
    require(m >= 0 && n >= m, "jacobi_svd_rows: needs m <= n");
    if (m == 0) return;
    for (index_t i = 0; i < m * n; ++i)
        if (!std::isfinite(B[i])) throw std::invalid_argument("jacobi_svd_rows: matrix is not finite");
    // Rotate pairs of rows of B until all rows are mutually orthogonal; UT accumulates the same
    // rotations, so B_final = UT·B_initial and B_initial = UTᵀ·B_final = U·diag(s)·Vt with the
    // row norms of B_final as s and its normalised rows as Vt.
    std::vector<double> UT(m * m, 0.0);
    for (index_t i = 0; i < m; ++i) UT[i * m + i] = 1.0;
    const double eps = std::numeric_limits<double>::epsilon();
    for (int sweep = 0; sweep < 60; ++sweep) {
        bool rotated = false;
        for (index_t p = 0; p + 1 < m; ++p) {
            for (index_t q = p + 1; q < m; ++q) {
                double* bp = B + p * n;
                double* bq = B + q * n;
                double a = 0.0, b = 0.0, g = 0.0;
                for (index_t j = 0; j < n; ++j) {
                    a += bp[j] * bp[j];
                    b += bq[j] * bq[j];
                    g += bp[j] * bq[j];
                }
                if (g == 0.0 || std::fabs(g) <= eps * std::sqrt(a * b)) continue;
                rotated = true;
                const double zeta = (b - a) / (2.0 * g);
                const double t = std::copysign(1.0, zeta) / (std::fabs(zeta) + std::hypot(1.0, zeta));
                const double c = 1.0 / std::sqrt(1.0 + t * t);
                const double sn = c * t;
                for (index_t j = 0; j < n; ++j) {
                    const double x = bp[j], y = bq[j];
                    bp[j] = c * x - sn * y;
                    bq[j] = sn * x + c * y;
                }
                double* up = UT.data() + p * m;
                double* uq = UT.data() + q * m;
                for (index_t j = 0; j < m; ++j) {
                    const double x = up[j], y = uq[j];
                    up[j] = c * x - sn * y;
                    uq[j] = sn * x + c * y;
                }
            }
        }
        if (!rotated) break;
    }
    // Row norms are the singular values; rows of UT are the left singular vectors (as rows).
    std::vector<double> norms(m);
    for (index_t i = 0; i < m; ++i) {
        double a = 0.0;
        for (index_t j = 0; j < n; ++j) a += B[i * n + j] * B[i * n + j];
        norms[i] = std::sqrt(a);
    }
    std::vector<index_t> order(m);
    std::iota(order.begin(), order.end(), index_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](index_t a, index_t b) { return norms[a] > norms[b]; });
    for (index_t k = 0; k < m; ++k) {
        const index_t i = order[k];
        s[k] = norms[i];
        const double inv = norms[i] > 0.0 ? 1.0 / norms[i] : 0.0;
        for (index_t j = 0; j < n; ++j) Vt[k * n + j] = B[i * n + j] * inv;
        for (index_t r = 0; r < m; ++r) U[r * m + k] = UT[i * m + r];
    }
}

}  // namespace scratchlearn
