// The SMO solver (sequential minimal optimisation) shared by every kernel SVM.
//
// Problem:  min_α ½ αᵀQα + pᵀα   s.t.  yᵀα = Δ,  0 <= α_i <= C_i,   y_i ∈ {−1, +1}.
//
// Each step changes two variables (i, j) along the equality constraint. i maximises −y_t ∇f_t over
// I_up = {t : α_t < C_t, y_t = +1  or  α_t > 0, y_t = −1}; j, among the t in
// I_low = {t : α_t < C_t, y_t = −1  or  α_t > 0, y_t = +1} with −y_t ∇f_t < m(α), minimises the
// second-order estimate of the objective's decrease −b²/a, b = m(α) + y_t ∇f_t,
// a = Q_ii + Q_tt − 2 y_i y_t Q_it (Fan, Chen & Lin 2005). The solver stops when
// m(α) − M(α) <= tol (m the max over I_up, M the min over I_low of −y ∇f).
// The nu variant (second constraint Σ_{y=+1} α = const) picks both variables within one class.
//
// Shrinking: every min(l, 1000) steps, bounded variables whose gradient says they will stay at
// their bound are moved behind the active set and ignored; when the active problem is solved,
// the gradient of the others is rebuilt from Ḡ (the bounded part, kept up to date) plus the free
// variables' contributions (one GEMM block per chunk), and the solver checks the whole problem.
// The bias ρ is the average of y_i ∇f_i over free variables, or the midpoint of its bounds.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "svm_internal.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn::svm_detail {

namespace {

constexpr double kTau = 1e-12;
constexpr double kInf = std::numeric_limits<double>::infinity();

enum Status : std::int8_t { kLower = 0, kUpper = 1, kFree = 2 };

class Solver {
public:
    Solver(index_t l, QMatrix& Q, const double* p, const std::int8_t* y, const double* alpha,
           const double* C, double eps, bool shrinking, bool nu)
        : l_(l), Q_(Q), QD_(Q.diag()), p_(p, p + l), y_(y, y + l), alpha_(alpha, alpha + l),
          C_(C, C + l), status_(l), active_(l), G_(l), G_bar_(l, 0.0), eps_(eps),
          shrinking_(shrinking), nu_(nu), active_size_(l) {
        for (index_t i = 0; i < l; ++i) {
            update_status(i);
            active_[i] = i;
        }
    }

    SolveResult run(long long max_iter, double* alpha_out) {
        init_gradient();
        SolveResult res;
        long long iter = 0;
        index_t counter = std::min<index_t>(l_, 1000) + 1;
        const long long limit = max_iter < 0 ? std::numeric_limits<long long>::max() : max_iter;
        while (iter < limit) {
            if (--counter == 0) {
                check_interrupt();
                counter = std::min<index_t>(l_, 1000);
                if (shrinking_) do_shrinking();
            }
            index_t i, j;
            if (select(i, j)) {
                reconstruct_gradient();
                active_size_ = l_;
                if (select(i, j)) break;
                counter = 1;  // shrink again at the next step
            }
            ++iter;
            step(i, j);
        }
        if (iter >= limit) res.hit_max_iter = true;
        if (active_size_ < l_) {
            reconstruct_gradient();
            active_size_ = l_;
        }
        res.iter = iter;
        if (nu_)
            rho_nu(res);
        else
            res.rho = rho_standard();
        double v = 0;
        for (index_t i = 0; i < l_; ++i) v += alpha_[i] * (G_[i] + p_[i]);
        res.obj = v / 2;
        for (index_t i = 0; i < l_; ++i) alpha_out[active_[i]] = alpha_[i];
        return res;
    }

private:
    bool upper(index_t i) const { return status_[i] == kUpper; }
    bool lower(index_t i) const { return status_[i] == kLower; }
    void update_status(index_t i) {
        if (alpha_[i] >= C_[i]) status_[i] = kUpper;
        else if (alpha_[i] <= 0) status_[i] = kLower;
        else status_[i] = kFree;
    }

    void init_gradient() {
        for (index_t i = 0; i < l_; ++i) G_[i] = p_[i];
        for (index_t i = 0; i < l_; ++i) {
            if (lower(i)) continue;
            const float* Qi = Q_.get_Q(i, l_);
            const double a = alpha_[i];
            for (index_t j = 0; j < l_; ++j) G_[j] += a * Qi[j];
            if (upper(i))
                for (index_t j = 0; j < l_; ++j) G_bar_[j] += C_[i] * Qi[j];
        }
    }

    // Exchanges two variables' positions; the Q matrix's part is queued in pending_ and applied in
    // one pass at the end of the shrinking round (flush_swaps).
    void swap_index(index_t i, index_t j) {
        pending_.emplace_back(i, j);
        std::swap(y_[i], y_[j]);
        std::swap(G_[i], G_[j]);
        std::swap(status_[i], status_[j]);
        std::swap(alpha_[i], alpha_[j]);
        std::swap(p_[i], p_[j]);
        std::swap(active_[i], active_[j]);
        std::swap(G_bar_[i], G_bar_[j]);
        std::swap(C_[i], C_[j]);
    }

    // The gradient of the shrunk variables: Ḡ + p plus the free variables' Q·α, by GEMM blocks.
    void reconstruct_gradient() {
        if (active_size_ == l_) return;
        for (index_t j = active_size_; j < l_; ++j) G_[j] = G_bar_[j] + p_[j];
        std::vector<index_t> fr;
        for (index_t j = 0; j < active_size_; ++j)
            if (status_[j] == kFree) fr.push_back(j);
        if (fr.empty()) return;
        const index_t nf = index_t(fr.size());
        const index_t chunk = std::max<index_t>(1, std::min<index_t>(l_ - active_size_, (index_t(1) << 21) / nf));
        std::vector<index_t> rows(chunk);
        std::vector<double> B(chunk * nf);
        for (index_t r0 = active_size_; r0 < l_; r0 += chunk) {
            const index_t nr = std::min(chunk, l_ - r0);
            for (index_t r = 0; r < nr; ++r) rows[r] = r0 + r;
            Q_.block(rows.data(), nr, fr.data(), nf, B.data());
            for (index_t r = 0; r < nr; ++r) {
                double s = 0;
                const double* b = B.data() + r * nf;
                for (index_t c = 0; c < nf; ++c) s += alpha_[fr[c]] * double(float(b[c]));
                G_[r0 + r] += s;
            }
        }
    }

    // Working set selection; returns true when the (active) problem is optimal.
    bool select(index_t& out_i, index_t& out_j) {
        return nu_ ? select_nu(out_i, out_j) : select_standard(out_i, out_j);
    }

    bool select_standard(index_t& out_i, index_t& out_j) {
        double gmax = -kInf, gmax2 = -kInf, obj_min = kInf;
        index_t imax = -1, jmin = -1;
        for (index_t t = 0; t < active_size_; ++t) {
            if (y_[t] == 1) {
                if (!upper(t) && -G_[t] >= gmax) { gmax = -G_[t]; imax = t; }
            } else {
                if (!lower(t) && G_[t] >= gmax) { gmax = G_[t]; imax = t; }
            }
        }
        const index_t i = imax;
        const float* Qi = i >= 0 ? Q_.get_Q(i, active_size_) : nullptr;
        for (index_t j = 0; j < active_size_; ++j) {
            if (y_[j] == 1) {
                if (lower(j)) continue;
                const double diff = gmax + G_[j];
                if (G_[j] >= gmax2) gmax2 = G_[j];
                if (diff > 0) {
                    const double quad = QD_[i] + QD_[j] - 2.0 * y_[i] * double(Qi[j]);
                    const double od = -(diff * diff) / (quad > 0 ? quad : kTau);
                    if (od <= obj_min) { jmin = j; obj_min = od; }
                }
            } else {
                if (upper(j)) continue;
                const double diff = gmax - G_[j];
                if (-G_[j] >= gmax2) gmax2 = -G_[j];
                if (diff > 0) {
                    const double quad = QD_[i] + QD_[j] + 2.0 * y_[i] * double(Qi[j]);
                    const double od = -(diff * diff) / (quad > 0 ? quad : kTau);
                    if (od <= obj_min) { jmin = j; obj_min = od; }
                }
            }
        }
        if (gmax + gmax2 < eps_ || jmin == -1) return true;
        out_i = imax;
        out_j = jmin;
        return false;
    }

    bool select_nu(index_t& out_i, index_t& out_j) {
        double gmaxp = -kInf, gmaxp2 = -kInf, gmaxn = -kInf, gmaxn2 = -kInf, obj_min = kInf;
        index_t ip = -1, in = -1, jmin = -1;
        for (index_t t = 0; t < active_size_; ++t) {
            if (y_[t] == 1) {
                if (!upper(t) && -G_[t] >= gmaxp) { gmaxp = -G_[t]; ip = t; }
            } else {
                if (!lower(t) && G_[t] >= gmaxn) { gmaxn = G_[t]; in = t; }
            }
        }
        const float* Qip = ip >= 0 ? Q_.get_Q(ip, active_size_) : nullptr;
        const float* Qin = in >= 0 ? Q_.get_Q(in, active_size_) : nullptr;
        for (index_t j = 0; j < active_size_; ++j) {
            if (y_[j] == 1) {
                if (lower(j)) continue;
                const double diff = gmaxp + G_[j];
                if (G_[j] >= gmaxp2) gmaxp2 = G_[j];
                if (diff > 0) {
                    const double quad = QD_[ip] + QD_[j] - 2.0 * double(Qip[j]);
                    const double od = -(diff * diff) / (quad > 0 ? quad : kTau);
                    if (od <= obj_min) { jmin = j; obj_min = od; }
                }
            } else {
                if (upper(j)) continue;
                const double diff = gmaxn - G_[j];
                if (-G_[j] >= gmaxn2) gmaxn2 = -G_[j];
                if (diff > 0) {
                    const double quad = QD_[in] + QD_[j] - 2.0 * double(Qin[j]);
                    const double od = -(diff * diff) / (quad > 0 ? quad : kTau);
                    if (od <= obj_min) { jmin = j; obj_min = od; }
                }
            }
        }
        if (std::max(gmaxp + gmaxp2, gmaxn + gmaxn2) < eps_ || jmin == -1) return true;
        out_i = y_[jmin] == 1 ? ip : in;
        out_j = jmin;
        return false;
    }

    // One SMO step on (i, j): the two-variable subproblem solved analytically, clipped to the box.
    void step(index_t i, index_t j) {
        const float* Qi = Q_.get_Q(i, active_size_);
        const float* Qj = Q_.get_Q(j, active_size_);
        const double Ci = C_[i], Cj = C_[j];
        const double old_i = alpha_[i], old_j = alpha_[j];
        double ai = old_i, aj = old_j;
        if (y_[i] != y_[j]) {
            double quad = QD_[i] + QD_[j] + 2.0 * double(Qi[j]);
            if (quad <= 0) quad = kTau;
            const double delta = (-G_[i] - G_[j]) / quad;
            const double diff = ai - aj;
            ai += delta;
            aj += delta;
            if (diff > 0) {
                if (aj < 0) { aj = 0; ai = diff; }
            } else {
                if (ai < 0) { ai = 0; aj = -diff; }
            }
            if (diff > Ci - Cj) {
                if (ai > Ci) { ai = Ci; aj = Ci - diff; }
            } else {
                if (aj > Cj) { aj = Cj; ai = Cj + diff; }
            }
        } else {
            double quad = QD_[i] + QD_[j] - 2.0 * double(Qi[j]);
            if (quad <= 0) quad = kTau;
            const double delta = (G_[i] - G_[j]) / quad;
            const double sum = ai + aj;
            ai -= delta;
            aj += delta;
            if (sum > Ci) {
                if (ai > Ci) { ai = Ci; aj = sum - Ci; }
            } else {
                if (aj < 0) { aj = 0; ai = sum; }
            }
            if (sum > Cj) {
                if (aj > Cj) { aj = Cj; ai = sum - Cj; }
            } else {
                if (ai < 0) { ai = 0; aj = sum; }
            }
        }
        alpha_[i] = ai;
        alpha_[j] = aj;
        const double di = ai - old_i, dj = aj - old_j;
        for (index_t k = 0; k < active_size_; ++k) G_[k] += double(Qi[k]) * di + double(Qj[k]) * dj;

        const bool ui = upper(i), uj = upper(j);
        update_status(i);
        update_status(j);
        if (ui != upper(i)) {
            const float* Qf = Q_.get_Q(i, l_);
            const double c = ui ? -Ci : Ci;
            for (index_t k = 0; k < l_; ++k) G_bar_[k] += c * Qf[k];
        }
        if (uj != upper(j)) {
            const float* Qf = Q_.get_Q(j, l_);
            const double c = uj ? -Cj : Cj;
            for (index_t k = 0; k < l_; ++k) G_bar_[k] += c * Qf[k];
        }
    }

    void flush_swaps() {
        Q_.swap_many(pending_);
        pending_.clear();
    }

    // ---- shrinking
    bool shrinkable(index_t i, double g1, double g2) const {
        if (upper(i)) return y_[i] == 1 ? -G_[i] > g1 : -G_[i] > g2;
        if (lower(i)) return y_[i] == 1 ? G_[i] > g2 : G_[i] > g1;
        return false;
    }
    bool shrinkable_nu(index_t i, double g1, double g2, double g3, double g4) const {
        if (upper(i)) return y_[i] == 1 ? -G_[i] > g1 : -G_[i] > g4;
        if (lower(i)) return y_[i] == 1 ? G_[i] > g2 : G_[i] > g3;
        return false;
    }

    void do_shrinking() {
        if (nu_) {
            do_shrinking_nu();
            return;
        }
        double g1 = -kInf, g2 = -kInf;  // max over I_up of −y∇f, max over I_low of y∇f
        for (index_t i = 0; i < active_size_; ++i) {
            if (y_[i] == 1) {
                if (!upper(i)) g1 = std::max(g1, -G_[i]);
                if (!lower(i)) g2 = std::max(g2, G_[i]);
            } else {
                if (!upper(i)) g2 = std::max(g2, -G_[i]);
                if (!lower(i)) g1 = std::max(g1, G_[i]);
            }
        }
        if (!unshrunk_ && g1 + g2 <= eps_ * 10) {
            unshrunk_ = true;
            reconstruct_gradient();
            active_size_ = l_;
        }
        for (index_t i = 0; i < active_size_; ++i) {
            if (!shrinkable(i, g1, g2)) continue;
            --active_size_;
            while (active_size_ > i) {
                if (!shrinkable(active_size_, g1, g2)) {
                    swap_index(i, active_size_);
                    break;
                }
                --active_size_;
            }
        }
        flush_swaps();
    }

    void do_shrinking_nu() {
        double g1 = -kInf, g2 = -kInf, g3 = -kInf, g4 = -kInf;
        for (index_t i = 0; i < active_size_; ++i) {
            if (!upper(i)) {
                if (y_[i] == 1) g1 = std::max(g1, -G_[i]);
                else g4 = std::max(g4, -G_[i]);
            }
            if (!lower(i)) {
                if (y_[i] == 1) g2 = std::max(g2, G_[i]);
                else g3 = std::max(g3, G_[i]);
            }
        }
        if (!unshrunk_ && std::max(g1 + g2, g3 + g4) <= eps_ * 10) {
            unshrunk_ = true;
            reconstruct_gradient();
            active_size_ = l_;
        }
        for (index_t i = 0; i < active_size_; ++i) {
            if (!shrinkable_nu(i, g1, g2, g3, g4)) continue;
            --active_size_;
            while (active_size_ > i) {
                if (!shrinkable_nu(active_size_, g1, g2, g3, g4)) {
                    swap_index(i, active_size_);
                    break;
                }
                --active_size_;
            }
        }
        flush_swaps();
    }

    // ---- the bias
    double rho_standard() const {
        double ub = kInf, lb = -kInf, sum_free = 0;
        index_t n_free = 0;
        for (index_t i = 0; i < active_size_; ++i) {
            const double yg = y_[i] * G_[i];
            if (upper(i)) {
                if (y_[i] == -1) ub = std::min(ub, yg); else lb = std::max(lb, yg);
            } else if (lower(i)) {
                if (y_[i] == 1) ub = std::min(ub, yg); else lb = std::max(lb, yg);
            } else {
                ++n_free;
                sum_free += yg;
            }
        }
        return n_free > 0 ? sum_free / double(n_free) : (ub + lb) / 2;
    }

    void rho_nu(SolveResult& res) const {
        double ub1 = kInf, ub2 = kInf, lb1 = -kInf, lb2 = -kInf, sf1 = 0, sf2 = 0;
        index_t nf1 = 0, nf2 = 0;
        for (index_t i = 0; i < active_size_; ++i) {
            if (y_[i] == 1) {
                if (upper(i)) lb1 = std::max(lb1, G_[i]);
                else if (lower(i)) ub1 = std::min(ub1, G_[i]);
                else { ++nf1; sf1 += G_[i]; }
            } else {
                if (upper(i)) lb2 = std::max(lb2, G_[i]);
                else if (lower(i)) ub2 = std::min(ub2, G_[i]);
                else { ++nf2; sf2 += G_[i]; }
            }
        }
        const double r1 = nf1 > 0 ? sf1 / double(nf1) : (ub1 + lb1) / 2;
        const double r2 = nf2 > 0 ? sf2 / double(nf2) : (ub2 + lb2) / 2;
        res.r = (r1 + r2) / 2;
        res.rho = (r1 - r2) / 2;
    }

    index_t l_;
    QMatrix& Q_;
    const double* QD_;
    std::vector<double> p_;
    std::vector<std::int8_t> y_;
    std::vector<double> alpha_, C_;
    std::vector<std::int8_t> status_;
    std::vector<index_t> active_;
    std::vector<double> G_, G_bar_;
    std::vector<std::pair<index_t, index_t>> pending_;
    double eps_;
    bool shrinking_, nu_, unshrunk_ = false;
    index_t active_size_;
};

}  // namespace

SolveResult smo_solve(index_t l, QMatrix& Q, const double* p, const std::int8_t* y, double* alpha,
                      const double* C, double eps, bool shrinking, long long max_iter, bool nu) {
    Solver s(l, Q, p, y, alpha, C, eps, shrinking, nu);
    return s.run(max_iter, alpha);
}

}  // namespace scratchlearn::svm_detail
