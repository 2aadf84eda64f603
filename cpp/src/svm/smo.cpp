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
// variables' contributions (QMatrix::add_products: the classification Q's from the free
// variables' cached whole rows, else GEMM blocks), and the solver checks the whole problem.
// The bias ρ is the average of y_i ∇f_i over free variables, or the midpoint of its bounds.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SL_SVM_PAUSE() _mm_pause()
#else
#define SL_SVM_PAUSE() ((void)0)
#endif

#include "svm_internal.hpp"
#include "scratchlearn/parallel.hpp"

namespace scratchlearn::svm_detail {

// ---------------------------------------------------------------- helper threads of one solve

PassPool::PassPool(int n_helpers) {
    for (int h = 0; h < n_helpers; ++h) threads_.emplace_back([this] { helper_loop(); });
}

PassPool::~PassPool() {
    stop_.store(true, std::memory_order_release);
    for (auto& t : threads_) t.join();
}

// The ticket: pass number (bits 32-63), the next chunk from the front (16-31) and the end of the
// chunks left from the back (0-15); a pass's chunks are all claimed once front meets back. The
// caller claims from the front and the helpers from the back, so from one pass to the next the
// low chunks (the first variables, the first points of a kernel row) run on the caller's core and
// the high ones on a helper's, each core's cache keeping its own part of the arrays. The chunks
// left travel in the same word as the pass, so a helper never claims a chunk of an old pass
// against a newer pass's count.
namespace {
constexpr std::uint64_t kChunkMask = 0xffffu;
inline std::uint64_t ticket_pass(std::uint64_t t) { return t >> 32; }
inline index_t ticket_front(std::uint64_t t) { return index_t((t >> 16) & kChunkMask); }
inline index_t ticket_back(std::uint64_t t) { return index_t(t & kChunkMask); }
}  // namespace

// Claims and runs chunks of pass `pass` (from the front, or from the back) until none is left;
// false when the ticket has moved on to another pass. A chunk claimed belongs to a pass still
// running (its caller waits for it), so the function and context read before the claim are that
// pass's.
bool PassPool::work(std::uint64_t pass, bool from_back) {
    const Fn fn = fn_.load(std::memory_order_acquire);
    void* ctx = ctx_.load(std::memory_order_acquire);
    std::uint64_t t = ticket_.load(std::memory_order_acquire);
    for (;;) {
        if (ticket_pass(t) != pass) return false;
        const index_t front = ticket_front(t), back = ticket_back(t);
        if (front >= back) return true;
        const std::uint64_t next = from_back ? t - 1 : t + (std::uint64_t(1) << 16);
        if (ticket_.compare_exchange_weak(t, next, std::memory_order_acq_rel, std::memory_order_acquire)) {
            fn(ctx, from_back ? back - 1 : front);
            done_.fetch_add(1, std::memory_order_acq_rel);
            t = ticket_.load(std::memory_order_acquire);
        }
    }
}

void PassPool::helper_loop() {
    std::uint64_t seen = 0;
    int idle = 0;
    while (!stop_.load(std::memory_order_acquire)) {
        const std::uint64_t t = ticket_.load(std::memory_order_acquire);
        const std::uint64_t pass = ticket_pass(t);
        if (pass != seen && ticket_front(t) < ticket_back(t)) {
            work(pass, true);
            seen = pass;
            idle = 0;
            continue;
        }
        // Spin briefly (a pass follows within microseconds while the solver runs), then give the
        // core away between looks.
        if (++idle < 2000)
            SL_SVM_PAUSE();
        else
            std::this_thread::yield();
    }
}

void PassPool::run(index_t n_chunks, Fn fn, void* ctx) {
    if (n_chunks <= 0) return;
    if (threads_.empty() || n_chunks == 1 || std::uint64_t(n_chunks) > kChunkMask) {
        for (index_t c = 0; c < n_chunks; ++c) fn(ctx, c);
        return;
    }
    ++pass_;
    fn_.store(fn, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    ticket_.store(pass_ << 32 | std::uint64_t(n_chunks), std::memory_order_release);
    work(pass_, false);
    // A helper's chunk takes microseconds; a longer wait means the helper lost its core (a busy
    // machine), so after a short spin the core is offered back between looks.
    for (int spins = 0; done_.load(std::memory_order_acquire) < n_chunks;) {
        if (++spins < 4000)
            SL_SVM_PAUSE();
        else
            std::this_thread::yield();
    }
}

void QMatrix::add_products(const index_t* vi, index_t ni, const index_t* vj, index_t nj,
                           const double* coef, double* G) {
    if (ni <= 0 || nj <= 0) return;
    const index_t chunk = std::max<index_t>(1, std::min<index_t>(ni, (index_t(1) << 21) / nj));
    if (products_.size() < std::size_t(chunk) * std::size_t(nj)) products_.resize(std::size_t(chunk) * std::size_t(nj));
    double* const B = products_.data();
    for (index_t r0 = 0; r0 < ni; r0 += chunk) {
        const index_t nr = std::min(chunk, ni - r0);
        block(vi + r0, nr, vj, nj, B);
        for_rows(nr, [&](index_t r) {  // each row's sum, shared with the solve's helpers
            double s = 0;
            const double* b = B + std::size_t(r) * std::size_t(nj);
            for (index_t k = 0; k < nj; ++k) s += coef[k] * double(float(b[k]));
            G[r0 + r] += s;
        });
    }
}

namespace {

constexpr double kTau = 1e-12;
constexpr index_t kPass = 2048;  // variables per chunk of a pass shared with helpers
constexpr double kInf = std::numeric_limits<double>::infinity();

enum Status : std::int8_t { kLower = 0, kUpper = 1, kFree = 2 };

class Solver {
public:
    Solver(index_t l, QMatrix& Q, const double* p, const std::int8_t* y, const double* alpha,
           const double* C, double eps, bool shrinking, bool nu, PassPool* pool)
        : l_(l), Q_(Q), QD_(Q.diag()), p_(p, p + l), y_(y, y + l), alpha_(alpha, alpha + l),
          C_(C, C + l), status_(l), active_(l), G_(l), G_bar_(l, 0.0), ys_(l), up_(l), low_(l),
          od_(l), eps_(eps), shrinking_(shrinking), nu_(nu), active_size_(l),
          kern_(kernel_table::kernels<double>().svm), pool_(pool) {
        for (index_t i = 0; i < l; ++i) {
            ys_[i] = y_[i];
            update_status(i);
            active_[i] = i;
        }
    }

    void set_gradient(const double* init, double* out) {
        g_init_ = init;
        g_out_ = out;
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
        if (g_out_)
            for (index_t i = 0; i < l_; ++i) {
                g_out_[active_[i]] = G_[i];
                g_out_[l_ + active_[i]] = G_bar_[i];
            }
        return res;
    }

private:
    bool upper(index_t i) const { return status_[i] == kUpper; }
    bool lower(index_t i) const { return status_[i] == kLower; }
    void update_status(index_t i) {
        if (alpha_[i] >= C_[i]) status_[i] = kUpper;
        else if (alpha_[i] <= 0) status_[i] = kLower;
        else status_[i] = kFree;
        // I_up: α < C for y = +1, α > 0 for y = −1; I_low the other way round.
        const bool in_up = y_[i] == 1 ? status_[i] != kUpper : status_[i] != kLower;
        const bool in_low = y_[i] == 1 ? status_[i] != kLower : status_[i] != kUpper;
        up_[i] = in_up ? 0.0 : -kInf;
        low_[i] = in_low ? 0.0 : -kInf;
    }

    void init_gradient() {
        if (g_init_) {
            for (index_t i = 0; i < l_; ++i) {
                G_[i] = g_init_[i];
                G_bar_[i] = g_init_[l_ + i];
            }
            return;
        }
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
        std::swap(ys_[i], ys_[j]);
        std::swap(up_[i], up_[j]);
        std::swap(low_[i], low_[j]);
        gmax_valid_ = false;
    }

    // The gradient of the shrunk variables: Ḡ + p plus the free variables' Q·α.
    void reconstruct_gradient() {
        apply_g_bar();
        gmax_valid_ = false;
        if (active_size_ == l_) return;
        for (index_t j = active_size_; j < l_; ++j) G_[j] = G_bar_[j] + p_[j];
        std::vector<index_t> fr;
        for (index_t j = 0; j < active_size_; ++j)
            if (status_[j] == kFree) fr.push_back(j);
        if (fr.empty()) return;
        const index_t nf = index_t(fr.size()), b0 = active_size_, n = l_ - active_size_;
        std::vector<double> coef(nf);
        for (index_t c = 0; c < nf; ++c) coef[c] = alpha_[fr[c]];
        std::vector<index_t> rows(n);
        for (index_t r = 0; r < n; ++r) rows[r] = b0 + r;
        Q_.add_products(rows.data(), n, fr.data(), nf, coef.data(), G_.data() + b0);
    }

    // Working set selection; returns true when the (active) problem is optimal.
    bool select(index_t& out_i, index_t& out_j) {
        return nu_ ? select_nu(out_i, out_j) : select_standard(out_i, out_j);
    }

    // Runs f(c) for the chunks of kPass variables of a pass: on the helpers when there are
    // several chunks to share, else here. Either way each chunk's partial result is kept, so the
    // variable attaining a maximum or minimum is then looked for in one chunk only.
    template <class F>
    void chunks(index_t n, F& f) {
        run_chunks(n >= 2 * kPass ? pool_ : nullptr, (n + kPass - 1) / kPass, f);
    }
    // The last chunk whose partial equals v.
    static index_t last_chunk(const std::vector<double>& part, index_t nc, double v) {
        index_t c = nc - 1;
        while (c > 0 && !(part[c] == v)) --c;
        return c;
    }

    // i: the last t attaining max over I_up of −y_t ∇f_t (kept from the gradient update when
    // valid); j: the last t attaining the least second-order estimate −b²/a (see the top).
    bool select_standard(index_t& out_i, index_t& out_j) {
        const index_t n = active_size_;
        if (n == 0) return true;
        const index_t nc = (n + kPass - 1) / kPass;
        if (!gmax_valid_) {
            cmax_.resize(nc);
            auto f = [&](index_t c) {
                const index_t b = c * kPass, m = std::min(kPass, n - b);
                cmax_[c] = kern_.max_up(G_.data() + b, ys_.data() + b, up_.data() + b, m);
            };
            chunks(n, f);
            gmax_ = -kInf;
            for (index_t c = 0; c < nc; ++c) gmax_ = std::max(gmax_, cmax_[c]);
        }
        const double gmax = gmax_;
        gmax_valid_ = false;
        if (gmax == -kInf) return true;  // I_up is empty
        const index_t ci = last_chunk(cmax_, nc, gmax);
        index_t i = std::min(n, (ci + 1) * kPass) - 1;
        while (i > ci * kPass && !(-ys_[i] * G_[i] + up_[i] == gmax)) --i;
        // Row i computed, where it is not cached, chunk by chunk in the same pass (one pass, each
        // chunk of the row used while in cache); otherwise from the Q matrix as it serves rows.
        index_t fi = n;
        float* Qi_fill = Q_.row_storage(i, n, &fi);
        const float* Qi = Qi_fill ? Qi_fill : Q_.get_Q(i, n);
        part_.resize(2 * nc);
        const double qdi = QD_[i], ysi = ys_[i];
        auto f = [&](index_t c) {
            const index_t b = c * kPass, m = std::min(kPass, n - b);
            if (b + m > fi) Q_.fill(i, Qi_fill, std::max(b, fi), b + m);
            part_[c] = kern_.select_j(G_.data() + b, ys_.data() + b, low_.data() + b, QD_ + b, Qi + b, qdi, ysi,
                                      gmax, m, od_.data() + b, &part_[nc + c]);
        };
        chunks(n, f);
        double omin = kInf, gmax2 = -kInf;
        for (index_t c = 0; c < nc; ++c) {
            omin = std::min(omin, part_[c]);
            gmax2 = std::max(gmax2, part_[nc + c]);
        }
        if (gmax + gmax2 < eps_ || !(omin < kInf)) return true;
        const index_t cj = last_chunk(part_, nc, omin);
        index_t j = std::min(n, (cj + 1) * kPass) - 1;
        while (j > cj * kPass && !(od_[j] == omin)) --j;
        out_i = i;
        out_j = j;
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
        // Row j (read only by the gradient update) computed in that pass where it is not cached.
        index_t fj = active_size_;
        float* Qj_fill = Q_.row_storage(j, active_size_, &fj);
        const float* Qj = Qj_fill ? Qj_fill : Q_.get_Q(j, active_size_);
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
        const bool ui = upper(i), uj = upper(j);
        update_status(i);
        update_status(j);
        // The gradient update, and in the same pass the next step's max over I_up (per chunk).
        const index_t n = active_size_;
        const index_t nc = (n + kPass - 1) / kPass;
        cmax_.resize(nc);
        auto f = [&](index_t c) {
            const index_t b = c * kPass, m = std::min(kPass, n - b);
            if (b + m > fj) Q_.fill(j, Qj_fill, std::max(b, fj), b + m);
            cmax_[c] = kern_.grad_step(G_.data() + b, Qi + b, Qj + b, di, dj, ys_.data() + b, up_.data() + b, m);
        };
        chunks(n, f);
        gmax_ = -kInf;
        for (index_t c = 0; c < nc; ++c) gmax_ = std::max(gmax_, cmax_[c]);
        gmax_valid_ = !nu_;

        if (ui != upper(i)) add_to_g_bar(i, ui ? -Ci : Ci);
        if (uj != upper(j)) add_to_g_bar(j, uj ? -Cj : Cj);
    }

    // Ḡ += c·Q_t (variable t entered or left its upper bound). Over the active variables at once,
    // from t's row as the step had it; over the shrunk ones (read only when the gradient is
    // rebuilt) later, in apply_g_bar, so that no step needs a whole row of Q (whose tail costs a
    // kernel row's computation and the cached row's growth).
    void add_to_g_bar(index_t t, double c) {
        // Where whole rows are cheap (regression: a gather from the data row, which the cache
        // holds whole), all of Ḡ at once.
        const index_t n = Q_.whole_rows_cheap() ? l_ : active_size_;
        const float* Qt = Q_.get_Q(t, n);
        auto f = [&](index_t ch) {
            double* g = G_bar_.data();
            for (index_t k = ch * kPass, e = std::min(n, k + kPass); k < e; ++k) g[k] += c * Qt[k];
        };
        chunks(n, f);
        if (n < l_) bar_pending_.push_back({active_[t], c, n});
    }

    // The postponed parts of Ḡ's updates: for each, in the order they were made, positions
    // [from, l) (the variables shrunk then, which have not moved since) get c·Q_t, Q's values
    // rounded to float as the cache holds them, so Ḡ is what updating it at once would give.
    void apply_g_bar() {
        if (bar_pending_.empty()) return;
        std::vector<index_t> pos_of(l_);
        for (index_t k = 0; k < l_; ++k) pos_of[active_[k]] = k;
        std::size_t a = 0;
        while (a < bar_pending_.size()) {
            // A run of updates with the same start (made between two shrinking rounds).
            const index_t from = bar_pending_[a].from;
            std::size_t b = a;
            while (b < bar_pending_.size() && bar_pending_[b].from == from) ++b;
            const index_t nc = l_ - from;
            if (Q_.has_rows_range()) {
                // Chunk by chunk of positions [from, l): each update's row over the chunk, added in
                // the updates' order.
                std::vector<index_t> rows(b - a);
                for (std::size_t r = a; r < b; ++r) rows[r - a] = pos_of[bar_pending_[r].var];
                auto f = [&](index_t ch) {
                    const index_t k0 = from + ch * kPass, k1 = std::min(l_, k0 + kPass), m = k1 - k0;
                    float q[kPass];
                    double* g = G_bar_.data() + k0;
                    for (std::size_t r = a; r < b; ++r) {
                        Q_.rows_range(rows[r - a], k0, k1, q);
                        const double c = bar_pending_[r].c;
                        for (index_t k = 0; k < m; ++k) g[k] += c * double(q[k]);
                    }
                };
                chunks(nc, f);
                a = b;
                continue;
            }
            std::vector<index_t> cols(nc);
            for (index_t k = 0; k < nc; ++k) cols[k] = from + k;
            const std::size_t per = std::max<std::size_t>(1, (std::size_t(1) << 21) / std::size_t(nc));
            std::vector<double>& B = bar_block_;  // kept between calls (no fresh pages each time)
            for (std::size_t r0 = a; r0 < b; r0 += per) {
                const index_t nr = index_t(std::min(per, b - r0));
                std::vector<index_t> rows(nr);
                for (index_t r = 0; r < nr; ++r) rows[r] = pos_of[bar_pending_[r0 + r].var];
                if (B.size() < std::size_t(nr) * std::size_t(nc)) B.resize(std::size_t(nr) * std::size_t(nc));
                Q_.block(rows.data(), nr, cols.data(), nc, B.data());
                auto f = [&](index_t ch) {
                    double* g = G_bar_.data() + from;
                    const index_t k0 = ch * kPass, k1 = std::min(nc, k0 + kPass);
                    for (index_t r = 0; r < nr; ++r) {
                        const double c = bar_pending_[r0 + r].c;
                        const double* q = B.data() + std::size_t(r) * std::size_t(nc);
                        for (index_t k = k0; k < k1; ++k) g[k] += c * double(float(q[k]));
                    }
                };
                chunks(nc, f);
            }
            a = b;
        }
        bar_pending_.clear();
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
        gmax_valid_ = false;
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
    std::vector<double> ys_, up_, low_;  // y as ±1; 0 / −inf by membership of I_up, I_low
    std::vector<double> od_;             // the second-order estimates of one selection
    std::vector<std::pair<index_t, index_t>> pending_;
    double eps_;
    bool shrinking_, nu_, unshrunk_ = false;
    index_t active_size_;
    const kernel_table::SvmKernels<double>& kern_;
    const double* g_init_ = nullptr;
    double* g_out_ = nullptr;
    PassPool* pool_ = nullptr;  // helpers for the passes (nullptr: this thread alone)
    std::vector<double> part_;  // per-chunk partial results of a pass
    std::vector<double> cmax_;  // per-chunk max over I_up of −y∇f (valid with gmax_valid_)
    struct BarUpdate {
        index_t var;   // the variable (its index in the problem, as active_ holds it)
        double c;      // ±C
        index_t from;  // the active size when it was made
    };
    std::vector<BarUpdate> bar_pending_;  // Ḡ's updates not yet made over the shrunk variables
    std::vector<double> bar_block_;       // apply_g_bar's block of Q
    double gmax_ = 0.0;
    bool gmax_valid_ = false;
};

}  // namespace

SolveResult smo_solve(index_t l, QMatrix& Q, const double* p, const std::int8_t* y, double* alpha,
                      const double* C, double eps, bool shrinking, long long max_iter, bool nu,
                      int n_threads, const SolveGradient* grad) {
    // Helpers only where a pass has several chunks to share.
    const int helpers = l >= 2 * kPass ? std::max(0, n_threads - 1) : 0;
    std::unique_ptr<PassPool> pool;
    if (helpers > 0) pool = std::make_unique<PassPool>(helpers);
    Q.set_pool(pool.get());
    Solver s(l, Q, p, y, alpha, C, eps, shrinking, nu, pool.get());
    if (grad) s.set_gradient(grad->init, grad->out);
    SolveResult res;
    try {
        res = s.run(max_iter, alpha);
    } catch (...) {
        Q.set_pool(nullptr);
        throw;
    }
    Q.set_pool(nullptr);
    return res;
}

}  // namespace scratchlearn::svm_detail
