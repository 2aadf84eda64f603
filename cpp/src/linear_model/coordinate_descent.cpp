// Coordinate descent for the lasso and the elastic net, with scikit-learn's duality-gap stopping
// rule. Two forms of the same iteration: on the Gram matrix (n ≫ d: one centred_scatter up front, then
// O(d) per coordinate) and on the columns of the centred data (wide problems, O(n) per coordinate).
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "scratchlearn/linear_model.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"

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
// *dual_norm_out (when given) receives max_j |XtA_j| (max_j XtA_j when positive), the dual norm
// the screening rule needs (l1 > 0 only).
double enet_gap(double l1, double l2, double R_norm2, double Ry, const double* XtA, const double* w,
                index_t d, bool positive, double* dual_norm_out = nullptr) {
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
    if (dual_norm_out) *dual_norm_out = dual_norm;
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

// R += delta·xp, then returns xjᵀR (the new R): the pending update of the previous coordinate and
// the dot product of the next one in one pass over R. Element for element the same operations, in
// the same order, as the axpy followed by dot8, so the iterates do not change.
inline double axpy_dot8(double delta, const double* xp, double* R, const double* xj, index_t n) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    index_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int u = 0; u < 8; ++u) {
            R[i + u] += delta * xp[i + u];
            s[u] += xj[i + u] * R[i + u];
        }
    double tail = 0.0;
    for (; i < n; ++i) {
        R[i] += delta * xp[i];
        tail += xj[i] * R[i];
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) + tail;
}

// The coordinates a sweep visits: the active set (every feature until screening removes some),
// in order, or drawn at random from it.
class CoordinateOrder {
public:
    CoordinateOrder(bool random, std::uint64_t seed, index_t d) : random_(random), rng_(seed), active_(d) {
        for (index_t j = 0; j < d; ++j) active_[j] = j;
        excluded_.assign(d, 0);
    }
    index_t size() const { return static_cast<index_t>(active_.size()); }
    index_t operator()(index_t f) {
        if (!random_) return active_[f];
        return active_[static_cast<index_t>(rng_() % static_cast<std::uint64_t>(active_.size()))];
    }
    // Gap safe screening (Ndiaye, Fercoq, Gramfort & Salmon, 2017, eq. 11, as scikit-learn applies
    // it): feature j is provably zero at the optimum when
    //     (1 − |x_jᵀθ|) / √(‖x_j‖² + l2) > √(2·gap) / l1,   θ = R / max(l1, ‖XᵀR − l2·w‖_∞),
    // so it leaves the active set for good; drop(j) is called for each one removed (to zero its
    // coefficient and update the residual). Only for l1 > 0.
    template <class Drop>
    void screen(double l1, double l2, double gap, double dual_norm, const double* XtA, const double* norm2,
                Drop&& drop) {
        if (!(l1 > 0.0)) return;
        const double radius = std::sqrt(2.0 * std::max(gap, 0.0)) / l1;
        const double scale = 1.0 / std::max(l1, dual_norm);
        const index_t d = static_cast<index_t>(excluded_.size());
        active_.clear();
        for (index_t j = 0; j < d; ++j) {
            if (excluded_[j]) continue;
            const double dj = (1.0 - std::abs(XtA[j] * scale)) / std::sqrt(norm2[j] + l2);
            if (norm2[j] != 0.0 && !(dj <= radius)) {
                excluded_[j] = 1;
                drop(j);
            } else {
                active_.push_back(j);
            }
        }
    }

private:
    bool random_;
    std::mt19937_64 rng_;
    std::vector<index_t> active_;
    std::vector<char> excluded_;
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
    CDReport rep;
    double dual_norm = 0.0;
    bool fresh = false;  // XtA and dual_norm hold the last gap's values, not yet used to screen
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
        fresh = true;
        return enet_gap(l1, l2, R_norm2, Ry, XtA.data(), w, d, positive, &dual_norm);
    };
    std::vector<double> hdiag(d);
    for (index_t j = 0; j < d; ++j) hdiag[j] = H[j * d + j];
    CoordinateOrder order(random, seed, d);
    // Screening after a gap that did not stop the fit: a dropped coefficient goes to zero.
    auto screen = [&]() {
        if (!fresh) return;
        fresh = false;
        order.screen(l1, l2, rep.gap, dual_norm, XtA.data(), hdiag.data(), [&](index_t j) {
            if (w[j] == 0.0) return;
            const double delta = -w[j];
            const double* hj = H + j * d;
            for (index_t i = 0; i < d; ++i) Hw[i] += delta * hj[i];
            w[j] = 0.0;
        });
    };
    if (check_initial_gap) {
        rep.gap = gap_now();
        if (rep.gap <= tol) {
            rep.converged = true;
            return rep;
        }
        screen();
    }
    for (index_t it = 0; it < max_iter; ++it) {
        check_interrupt();
        double w_max = 0.0, d_w_max = 0.0;
        const index_t n_active = order.size();
        for (index_t f = 0; f < n_active; ++f) {
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
        screen();
    }
    return rep;
}

template <class T>
void center_columns(index_t n, index_t d, const T* X, const double* mean, const T* sw, double* Xf,
                    int n_threads) {
    constexpr index_t kTile = 64;
    const index_t row_tiles = (n + kTile - 1) / kTile;
    const int nt = threads_for(n_threads, n * d / 65536);
    parallel_for(nt, index_t(row_tiles), [&](index_t rt) {
        const index_t r0 = rt * kTile, r1 = std::min(n, r0 + kTile);
        for (index_t c0 = 0; c0 < d; c0 += kTile) {
            const index_t c1 = std::min(d, c0 + kTile);
            for (index_t i = r0; i < r1; ++i) {
                const double s = sw ? std::sqrt(double(sw[i])) : 1.0;
                const T* xi = X + i * d;
                for (index_t j = c0; j < c1; ++j) Xf[j * n + i] = (double(xi[j]) - mean[j]) * s;
            }
        }
    });
}

template void center_columns<float>(index_t, index_t, const float*, const double*, const float*,
                                    double*, int);
template void center_columns<double>(index_t, index_t, const double*, const double*,
                                     const double*, double*, int);

CDReport enet_cd_data(index_t n, index_t d, const double* Xf, const double* y, double l1, double l2,
                      double* w, index_t max_iter, double tol, double tol_w, bool positive,
                      bool random, std::uint64_t seed, int n_threads, index_t budget) {
    std::vector<double> R(y, y + n), norm2(d, 0.0), XtA(d);
    bool cold = true;  // w = 0: R = y, and the first gap needs only Xᵀy, found with the norms
    for (index_t j = 0; j < d; ++j) cold &= w[j] == 0.0;
    {
        const int nt = threads_for(n_threads, n * d / 65536);
        parallel_for(nt, index_t(d), [&](index_t j) {
            const double* xj = Xf + j * n;
            norm2[j] = dot8(xj, xj, n);
            if (cold) XtA[j] = dot8(xj, y, n);
        });
    }
    for (index_t j = 0; j < d; ++j) {
        const double* xj = Xf + j * n;
        if (w[j] != 0.0)
            for (index_t i = 0; i < n; ++i) R[i] -= w[j] * xj[i];
    }
    double dual_norm = 0.0;
    bool fresh = false;  // XtA and dual_norm hold the last gap's values, not yet used to screen
    auto gap_now = [&]() {
        fresh = true;
        const double R_norm2 = dot8(R.data(), R.data(), n);
        const double Ry = dot8(R.data(), y, n);
        const int nt = threads_for(n_threads, n * d / 65536);
        parallel_for(nt, index_t(d), [&](index_t j) {
            XtA[j] = dot8(Xf + j * n, R.data(), n) - l2 * w[j];
        });
        return enet_gap(l1, l2, R_norm2, Ry, XtA.data(), w, d, positive, &dual_norm);
    };
    CDReport rep;
    CoordinateOrder order(random, seed, d);
    // Screening after a gap that did not stop the fit: a dropped coefficient goes to zero and its
    // column leaves the residual.
    auto screen = [&]() {
        if (!fresh) return;
        fresh = false;
        order.screen(l1, l2, rep.gap, dual_norm, XtA.data(), norm2.data(), [&](index_t j) {
            if (w[j] == 0.0) return;
            const double* xj = Xf + j * n;
            const double wj = w[j];
            for (index_t i = 0; i < n; ++i) R[i] += wj * xj[i];
            w[j] = 0.0;
        });
    };
    if (cold) {
        const double yy = dot8(y, y, n);
        fresh = true;
        rep.gap = enet_gap(l1, l2, yy, yy, XtA.data(), w, d, positive, &dual_norm);
    } else {
        rep.gap = gap_now();
    }
    if (rep.gap <= tol) {
        rep.converged = true;
        return rep;
    }
    screen();
    for (index_t it = 0; it < std::min(max_iter, budget); ++it) {
        check_interrupt();
        double w_max = 0.0, d_w_max = 0.0;
        // The residual update of a changed coordinate is deferred and fused with the next
        // coordinate's dot product (one pass over R per coordinate instead of two).
        const double* pending = nullptr;
        double pending_delta = 0.0;
        const index_t n_active = order.size();
        for (index_t f = 0; f < n_active; ++f) {
            const index_t j = order(f);
            if (norm2[j] == 0.0) continue;
            const double* xj = Xf + j * n;
            const double wj = w[j];
            const double xr = pending ? axpy_dot8(pending_delta, pending, R.data(), xj, n)
                                      : dot8(xj, R.data(), n);
            pending = nullptr;
            const double tmp = xr + wj * norm2[j];
            const double nw = soft_update(tmp, l1, norm2[j] + l2, positive);
            if (nw != wj) {
                pending = xj;
                pending_delta = wj - nw;
                w[j] = nw;
            }
            d_w_max = std::max(d_w_max, std::abs(nw - wj));
            w_max = std::max(w_max, std::abs(nw));
        }
        if (pending)
            for (index_t i = 0; i < n; ++i) R[i] += pending_delta * pending[i];
        if (sweep_converged(rep, it, max_iter, d_w_max, w_max, tol_w, tol, gap_now)) break;
        screen();
    }
    return rep;
}

}  // namespace scratchlearn
