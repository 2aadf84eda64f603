// Coordinate descent for the lasso and the elastic net, with scikit-learn's duality-gap stopping
// rule. Two forms of the same iteration: on the Gram matrix (n ≫ d: one centred_scatter up front, then
// O(d) per coordinate) and on the columns of the centred data (wide problems, O(n) per coordinate).
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "scratchlearn/linear_model.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

namespace {

inline double soft_update(double tmp, double l1, double denom, bool positive) {
    if (positive && tmp < 0) return 0.0;
    const double a = std::abs(tmp) - l1;
    if (a <= 0) return 0.0;
    return (tmp > 0 ? a : -a) / denom;
}

// Gap of the elastic net from the sufficient statistics:
//   R_norm2 = ‖R‖², Ry = Rᵀy, XtA = XᵀR − l2·w (given), w norms.
double enet_gap(double l1, double l2, double R_norm2, double Ry, const double* XtA, const double* w,
                index_t d, bool positive) {
    double w_l1 = 0.0, w_l2 = 0.0;
    for (index_t j = 0; j < d; ++j) {
        w_l1 += std::abs(w[j]);
        w_l2 += w[j] * w[j];
    }
    if (l1 == 0.0) {
        // Ridge (formulation B) or plain least squares (first-order condition).
        double xta2 = 0.0;
        for (index_t j = 0; j < d; ++j) {
            const double v = XtA[j] + l2 * w[j];  // XᵀR
            xta2 += v * v;
        }
        if (l2 == 0.0) return xta2;
        return R_norm2 + 0.5 * l2 * w_l2 - Ry + xta2 / (2.0 * l2);
    }
    double dual_norm = 0.0;
    for (index_t j = 0; j < d; ++j) dual_norm = std::max(dual_norm, positive ? XtA[j] : std::abs(XtA[j]));
    const double primal = 0.5 * (R_norm2 + l2 * w_l2) + l1 * w_l1;
    const double scale = dual_norm > l1 ? l1 / dual_norm : 1.0;
    const double dual = -0.5 * scale * scale * (R_norm2 + l2 * w_l2) + scale * Ry;
    return primal - dual;
}

// xᵀy with eight independent partial sums (a fixed order, so deterministic, and no long
// dependency chain).
inline double dot8(const double* a, const double* b, index_t n) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    index_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int u = 0; u < 8; ++u) s[u] += a[i + u] * b[i + u];
    double tail = 0.0;
    for (; i < n; ++i) tail += a[i] * b[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) + tail;
}

class CoordinateOrder {
public:
    CoordinateOrder(bool random, std::uint64_t seed, index_t d) : random_(random), rng_(seed), d_(d) {}
    index_t operator()(index_t f) {
        if (!random_) return f;
        return static_cast<index_t>(rng_() % static_cast<std::uint64_t>(d_));
    }

private:
    bool random_;
    std::mt19937_64 rng_;
    index_t d_;
};

// scikit-learn's stopping rule, after sweep `it`: the duality gap is computed only when the largest
// coordinate change is small next to the largest coefficient (or at the last sweep), and the fit
// stops once the gap is within tol.
template <class Gap>
bool sweep_converged(CDReport& rep, index_t it, index_t max_iter, double d_w_max, double w_max,
                     double tol_w, double tol, Gap&& gap_now) {
    rep.n_iter = it + 1;
    if (w_max == 0.0 || d_w_max / w_max <= tol_w || it == max_iter - 1) {
        rep.gap = gap_now();
        if (rep.gap <= tol) {
            rep.converged = true;
            return true;
        }
    }
    return false;
}

}  // namespace

CDReport enet_cd_gram(index_t d, const double* H, const double* q, double yy, double l1, double l2,
                      double* w, index_t max_iter, double tol, double tol_w, bool positive,
                      bool random, std::uint64_t seed, bool check_initial_gap) {
    std::vector<double> Hw(d, 0.0), XtA(d);
    for (index_t i = 0; i < d; ++i) {
        double s = 0.0;
        for (index_t j = 0; j < d; ++j) s += H[i * d + j] * w[j];
        Hw[i] = s;
    }
    auto gap_now = [&]() {
        double wq = 0.0, wHw = 0.0;
        for (index_t j = 0; j < d; ++j) {
            wq += w[j] * q[j];
            wHw += w[j] * Hw[j];
            XtA[j] = q[j] - Hw[j] - l2 * w[j];
        }
        const double R_norm2 = std::max(0.0, yy - 2.0 * wq + wHw);
        const double Ry = yy - wq;
        return enet_gap(l1, l2, R_norm2, Ry, XtA.data(), w, d, positive);
    };
    CDReport rep;
    if (check_initial_gap) {
        rep.gap = gap_now();
        if (rep.gap <= tol) {
            rep.converged = true;
            return rep;
        }
    }
    CoordinateOrder order(random, seed, d);
    for (index_t it = 0; it < max_iter; ++it) {
        check_interrupt();
        double w_max = 0.0, d_w_max = 0.0;
        for (index_t f = 0; f < d; ++f) {
            const index_t j = order(f);
            const double hjj = H[j * d + j];
            if (hjj == 0.0) continue;
            const double wj = w[j];
            const double tmp = q[j] - Hw[j] + hjj * wj;
            const double nw = soft_update(tmp, l1, hjj + l2, positive);
            if (nw != wj) {
                const double delta = nw - wj;
                const double* hj = H + j * d;  // symmetric: row j = column j
                for (index_t i = 0; i < d; ++i) Hw[i] += delta * hj[i];
                w[j] = nw;
            }
            d_w_max = std::max(d_w_max, std::abs(nw - wj));
            w_max = std::max(w_max, std::abs(nw));
        }
        if (sweep_converged(rep, it, max_iter, d_w_max, w_max, tol_w, tol, gap_now)) break;
    }
    return rep;
}

template <class T>
void center_columns(index_t n, index_t d, const T* X, const double* mean, const T* sw, double* Xf,
                    int n_threads) {
    constexpr index_t kTile = 64;
    const index_t row_tiles = (n + kTile - 1) / kTile;
    const int nt = threads_for(n_threads, n * d / 65536);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t rt = 0; rt < row_tiles; ++rt) {
        const index_t r0 = rt * kTile, r1 = std::min(n, r0 + kTile);
        for (index_t c0 = 0; c0 < d; c0 += kTile) {
            const index_t c1 = std::min(d, c0 + kTile);
            for (index_t i = r0; i < r1; ++i) {
                const double s = sw ? std::sqrt(double(sw[i])) : 1.0;
                const T* xi = X + i * d;
                for (index_t j = c0; j < c1; ++j) Xf[j * n + i] = (double(xi[j]) - mean[j]) * s;
            }
        }
    }
}

template void center_columns<float>(index_t, index_t, const float*, const double*, const float*,
                                    double*, int);
template void center_columns<double>(index_t, index_t, const double*, const double*,
                                     const double*, double*, int);

CDReport enet_cd_data(index_t n, index_t d, const double* Xf, const double* y, double l1, double l2,
                      double* w, index_t max_iter, double tol, double tol_w, bool positive,
                      bool random, std::uint64_t seed, int n_threads, index_t budget) {
    std::vector<double> R(y, y + n), norm2(d, 0.0), XtA(d);
    for (index_t j = 0; j < d; ++j) {
        const double* xj = Xf + j * n;
        norm2[j] = dot8(xj, xj, n);
        if (w[j] != 0.0)
            for (index_t i = 0; i < n; ++i) R[i] -= w[j] * xj[i];
    }
    auto gap_now = [&]() {
        const double R_norm2 = dot8(R.data(), R.data(), n);
        const double Ry = dot8(R.data(), y, n);
        const int nt = threads_for(n_threads, n * d / 65536);
#pragma omp parallel for num_threads(nt) schedule(static)
        for (index_t j = 0; j < d; ++j) {
            XtA[j] = dot8(Xf + j * n, R.data(), n) - l2 * w[j];
        }
        return enet_gap(l1, l2, R_norm2, Ry, XtA.data(), w, d, positive);
    };
    CDReport rep;
    rep.gap = gap_now();
    if (rep.gap <= tol) {
        rep.converged = true;
        return rep;
    }
    CoordinateOrder order(random, seed, d);
    for (index_t it = 0; it < std::min(max_iter, budget); ++it) {
        check_interrupt();
        double w_max = 0.0, d_w_max = 0.0;
        for (index_t f = 0; f < d; ++f) {
            const index_t j = order(f);
            if (norm2[j] == 0.0) continue;
            const double* xj = Xf + j * n;
            const double wj = w[j];
            const double tmp = dot8(xj, R.data(), n) + wj * norm2[j];
            const double nw = soft_update(tmp, l1, norm2[j] + l2, positive);
            if (nw != wj) {
                const double delta = wj - nw;
                for (index_t i = 0; i < n; ++i) R[i] += delta * xj[i];
                w[j] = nw;
            }
            d_w_max = std::max(d_w_max, std::abs(nw - wj));
            w_max = std::max(w_max, std::abs(nw));
        }
        if (sweep_converged(rep, it, max_iter, d_w_max, w_max, tol_w, tol, gap_now)) break;
    }
    return rep;
}

}  // namespace scratchlearn
