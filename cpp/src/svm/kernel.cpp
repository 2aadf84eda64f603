// Kernels, the LRU kernel-row cache, the Q matrices of the SMO solver, and the decision values.
//
// A kernel row K(x_a, x_k) over many k is a dot product per k (split among threads); many rows at
// once over arbitrary rows (the folds' decision values, the regression Q's gradient
// reconstruction) go through the shared GEMM: the dot products of two row blocks, then the kernel
// elementwise, for rbf from ‖x‖² + ‖y‖² − 2·x·y. The classification Q's reconstruction uses its
// cached whole rows instead (smo.cpp).
// Prediction goes through the fused per-ISA decision kernel (decision_kernels_impl.hpp), the GEMM
// being its fallback on the generic path.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "scratchlearn/gemm.hpp"
#include "scratchlearn/parallel.hpp"
#include "scratchlearn/task_pool.hpp"
#include "scratchlearn/svm.hpp"
#include "svm_internal.hpp"

namespace scratchlearn::svm_detail {

namespace {

// Rows of work below which one thread computes a kernel row alone (waking threads costs more).
constexpr double kRowParallelWork = 4.0e6;

template <class T>
inline T dot_rows(const T* a, const T* b, index_t d) {
    T s = 0;
#pragma omp simd reduction(+ : s)
    for (index_t t = 0; t < d; ++t) s += a[t] * b[t];
    return s;
}

template <class T>
void gather_rows(const T* X, index_t d, const index_t* ids, index_t n, T* out) {
    for (index_t r = 0; r < n; ++r) std::memcpy(out + r * d, X + ids[r] * d, sizeof(T) * d);
}

}  // namespace

template <class T>
Kernel<T>::Kernel(const T* X_, index_t n_, index_t d_, const SvmKernelParams& kp_)
    : X(X_), n(n_), d(d_), kp(kp_), rp(row_params(kp_)) {
    if (kp.kernel == SvmKernel::rbf) {
        sq.resize(n);
        for (index_t i = 0; i < n; ++i) sq[i] = double(dot_rows(X + i * d, X + i * d, d));
    }
}

template <class T>
double Kernel<T>::dot(index_t a, index_t b) const {
    return double(dot_rows(X + a * d, X + b * d, d));
}

template <class T>
void Kernel<T>::row(index_t a, const index_t* ids, index_t start, index_t len, float* out,
                    double sa, const std::int8_t* s, int n_threads) const {
    // The precomputed kernel: a gather from row a of the Gram matrix.
    const index_t cnt = len - start;
    if (cnt <= 0) return;
    const T* xa = X + a * d;
    const int nt = double(cnt) < kRowParallelWork ? 1 : threads_for(n_threads, cnt / 4096 + 1);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (index_t k = start; k < len; ++k) {
        const double v = double(xa[ids[k]]);
        out[k] = float(s ? v * (sa * s[k]) : v * sa);
    }
}

template <class T>
std::vector<T> Kernel<T>::transpose(const index_t* ids, index_t l) const {
    std::vector<T> XT;
    if (kp.kernel == SvmKernel::precomputed) return XT;
    XT.resize(std::size_t(l) * std::size_t(xt_rows()));
    for (index_t k = 0; k < l; ++k) {
        const T* x = X + ids[k] * d;
        for (index_t t = 0; t < d; ++t) XT[t * l + k] = x[t];
    }
    if (xt_rows() > d)
        for (index_t k = 0; k < l; ++k) XT[d * l + k] = T(sq[ids[k]]);
    return XT;
}

template <class T>
void Kernel<T>::row_t(const T* XT, index_t ld, index_t a, index_t start, index_t len, float* out,
                      double sa, const std::int8_t* s, int n_threads, PassPool* pool) const {
    const index_t cnt = len - start;
    if (cnt <= 0) return;
    const auto fn = kernel_table::kernels<T>().svm.row;
    const T* xa = X + a * d;
    const double xa_sq = sq.empty() ? 0.0 : sq[a];
    if (pool) {  // inside a solve with helpers: chunks of 1024 points
        constexpr index_t kPts = 1024;
        const index_t nc = (cnt + kPts - 1) / kPts;
        auto f = [&](index_t c) {
            const index_t b = start + c * kPts, e = std::min(len, b + kPts);
            fn(XT, ld, d, xa, xa_sq, b, e, &rp, s, sa, out);
        };
        pool->for_chunks(nc, f);
        return;
    }
    const double work = double(cnt) * double(d + 8);
    const int nt = work < kRowParallelWork ? 1 : threads_for(n_threads, cnt / 1024 + 1);
    if (nt == 1) {  // short rows: no parallel region at all
        fn(XT, ld, d, xa, xa_sq, start, len, &rp, s, sa, out);
        return;
    }
    // Even slices, each a multiple of 64 points (whole cache lines of the output).
    const index_t per = ((cnt + nt - 1) / nt + 63) / 64 * 64;
    parallel_for(nt, int(nt), [&](int t) {
        const index_t b = std::min(len, start + t * per), e = std::min(len, b + per);
        if (b < e) fn(XT, ld, d, xa, xa_sq, b, e, &rp, s, sa, out);
    });
}

template <class T>
void Kernel<T>::block(const index_t* ia, index_t na, const index_t* ib, index_t nb, double* out,
                      int n_threads, Scratch* scratch) const {
    if (na == 0 || nb == 0) return;
    if (kp.kernel == SvmKernel::precomputed) {
        for (index_t r = 0; r < na; ++r)
            for (index_t c = 0; c < nb; ++c) out[r * nb + c] = double(X[ia[r] * d + ib[c]]);
        return;
    }
    Scratch local;
    Scratch& w = scratch ? *scratch : local;
    // Column blocks keep the T buffers bounded; each is one GEMM of gathered rows. The buffers
    // only grow (a kept scratch is reused without touching new pages; each is written before it
    // is read).
    const index_t cb = std::max<index_t>(1, std::min<index_t>(nb, (index_t(1) << 20) / std::max<index_t>(na, 1)));
    const auto grow = [](std::vector<T>& v, std::size_t n) {
        if (v.size() < n) v.resize(n);
    };
    grow(w.A, std::size_t(na) * std::size_t(d));
    grow(w.B, std::size_t(std::min(cb, nb)) * std::size_t(d));
    grow(w.C, std::size_t(na) * std::size_t(std::min(cb, nb)));
    grow(w.qb, std::size_t(nb));
    T* const A = w.A.data();
    T* const B = w.B.data();
    T* const C = w.C.data();
    T* const qb = w.qb.data();
    for (index_t c = 0; c < nb; ++c) qb[c] = kp.kernel == SvmKernel::rbf ? T(sq[ib[c]]) : T(0);
    gather_rows(X, d, ia, na, A);
    for (index_t c0 = 0; c0 < nb; c0 += cb) {
        const index_t wd = std::min(cb, nb - c0);
        gather_rows(X, d, ib + c0, wd, B);
        gemm<T>(false, true, na, wd, d, T(1), A, d, B, d, T(0), C, wd, n_threads);
        const int nt = threads_for(n_threads, na);
        const auto fd = kernel_table::kernels<T>().svm.from_dots;
        parallel_for(nt, index_t(na), [&](index_t r) {
            T* c = C + r * wd;
            fd(c, wd, sq.empty() ? 0.0 : sq[ia[r]], qb + c0, &rp);
            double* o = out + r * nb + c0;
            for (index_t k = 0; k < wd; ++k) o[k] = double(c[k]);
        });
    }
}

template struct Kernel<float>;
template struct Kernel<double>;

// ---------------------------------------------------------------- the LRU cache

namespace {

// The row memory: storage of long cached rows, in size classes of 4 KB, kept when freed for the
// next row of its class. A fit's cache fills with fresh rows, and fresh memory costs a page fault
// per 4 KB, on some machines about as much as computing the kernel values that fill it; with the
// storage kept, the next fit (a grid search's, a cross-validation's) finds it mapped. What is kept
// is bounded: never more than kKeepBytes, and when a cache goes, no more than its budget.
constexpr std::size_t kClassFloats = 1024;
constexpr std::size_t kKeepBytes = std::size_t(256) << 20;

class RowMemory {
public:
    // Never destroyed: a fit still running on another thread at exit may give rows back.
    static RowMemory& instance() {
        static RowMemory* m = new RowMemory;
        return *m;
    }
    float* take(std::size_t cap) {
        {
            std::lock_guard<std::mutex> g(mu_);
            auto it = free_.find(cap);
            if (it != free_.end() && !it->second.empty()) {
                float* p = it->second.back();
                it->second.pop_back();
                kept_ -= cap * sizeof(float);
                return p;
            }
        }
        return new float[cap];
    }
    void give(float* p, std::size_t cap) {
        std::lock_guard<std::mutex> g(mu_);
        free_[cap].push_back(p);
        kept_ += cap * sizeof(float);
        trim_locked(kKeepBytes);
    }
    void trim(std::size_t bytes) {
        std::lock_guard<std::mutex> g(mu_);
        trim_locked(bytes);
    }

private:
    // Frees the largest classes' storage first until at most `bytes` are kept.
    void trim_locked(std::size_t bytes) {
        for (auto it = free_.rbegin(); kept_ > bytes && it != free_.rend(); ++it)
            while (kept_ > bytes && !it->second.empty()) {
                delete[] it->second.back();
                it->second.pop_back();
                kept_ -= it->first * sizeof(float);
            }
    }
    std::mutex mu_;
    std::map<std::size_t, std::vector<float*>> free_;  // class (floats) → storage kept
    std::size_t kept_ = 0;                             // bytes kept
};

}  // namespace

RowBuf::RowBuf(std::size_t len) {
    if (len < kClassFloats) {  // short rows: the allocator's own
        p_ = new float[std::max<std::size_t>(len, 1)];
        cap_ = 0;
        return;
    }
    cap_ = (len + kClassFloats - 1) / kClassFloats * kClassFloats;
    p_ = RowMemory::instance().take(cap_);
}

void RowBuf::reset() {
    if (!p_) return;
    if (cap_ == 0)
        delete[] p_;
    else
        RowMemory::instance().give(p_, cap_);
    p_ = nullptr;
    cap_ = 0;
}

RowCache::RowCache(index_t n_rows, index_t row_len, double megabytes) : rows_(n_rows) {
    budget_ = static_cast<long long>(megabytes * double(1 << 20) / sizeof(float));
    free_ = std::max<long long>(budget_, 2LL * row_len);
}

RowCache::~RowCache() {
    rows_.clear();
    RowMemory::instance().trim(std::min(kKeepBytes, std::size_t(std::max<long long>(budget_, 0)) * sizeof(float)));
}

void RowCache::unlink(index_t i) {
    Row& r = rows_[i];
    if (!r.linked) return;
    if (r.prev >= 0) rows_[r.prev].next = r.next; else lru_ = r.next;
    if (r.next >= 0) rows_[r.next].prev = r.prev; else mru_ = r.prev;
    r.prev = r.next = -1;
    r.linked = false;
}

void RowCache::push_mru(index_t i) {
    Row& r = rows_[i];
    r.prev = mru_;
    r.next = -1;
    if (mru_ >= 0) rows_[mru_].next = i; else lru_ = i;
    mru_ = i;
    r.linked = true;
}

void RowCache::evict(index_t i) {
    unlink(i);
    free_ += rows_[i].len;
    rows_[i].len = 0;
    rows_[i].data.reset();
}

// Applies the exchanges logged since row i last saw the log to its entries; a row holding one
// position of an exchange but not the other is dropped.
void RowCache::catch_up(index_t i) {
    Row& r = rows_[i];
    const std::size_t end = log_.size();
    if (r.len == 0) {
        r.seen = end;
        return;
    }
    float* v = r.data.get();
    const index_t len = r.len;
    for (std::size_t k = r.seen; k < end; ++k) {
        const index_t a = log_[k].first, b = log_[k].second;
        if (len <= a) continue;
        if (len <= b) {
            evict(i);
            break;
        }
        std::swap(v[a], v[b]);
    }
    r.seen = end;
}

float* RowCache::get(index_t i, index_t len, index_t* filled) {
    Row& r = rows_[i];
    unlink(i);
    catch_up(i);
    *filled = r.len;
    if (r.len < len) {
        const long long need = len - r.len;
        while (free_ < need && lru_ >= 0) evict(lru_);
        free_ -= need;
        RowBuf grown{std::size_t(len)};  // not initialised: the caller computes it
        if (r.len > 0) std::memcpy(grown.get(), r.data.get(), sizeof(float) * r.len);
        r.data = std::move(grown);
        r.len = len;
    }
    push_mru(i);
    return r.data.get();
}

// Rows i and j change places (their entries are exchanged later, by catch_up).
void RowCache::exchange_rows(index_t i, index_t j) {
    const bool li = rows_[i].len > 0, lj = rows_[j].len > 0;
    unlink(i);
    unlink(j);
    std::swap(rows_[i].data, rows_[j].data);
    std::swap(rows_[i].len, rows_[j].len);
    std::swap(rows_[i].seen, rows_[j].seen);
    if (lj) push_mru(i);
    if (li) push_mru(j);
}

void RowCache::swap_index(index_t i, index_t j) {
    if (i == j) return;
    if (i > j) std::swap(i, j);
    exchange_rows(i, j);
    log_.emplace_back(i, j);
}

// ---------------------------------------------------------------- rows shared by subproblems

template <class T>
SharedRows<T>::SharedRows(const Kernel<T>& K, const std::vector<index_t>& ids, long long max_rows)
    : K_(K), ids_(ids), l_(index_t(ids.size())), XT_(K.transpose(ids.data(), l_)),
      cap_(std::max<long long>(0, std::min<long long>(max_rows, l_))),
      rows_(new RowBuf[std::size_t(cap_)]),
      slot_(new std::atomic<std::int64_t>[std::size_t(l_)]) {
    for (index_t a = 0; a < l_; ++a) slot_[a].store(kEmpty, std::memory_order_relaxed);
}

template <class T>
const float* SharedRows<T>::row(index_t a, PassPool* pool) {
    std::int64_t s = slot_[a].load(std::memory_order_acquire);
    if (s >= 0) return rows_[s].get();
    if (s != kEmpty || XT_.empty()) return nullptr;
    if (!slot_[a].compare_exchange_strong(s, kBusy, std::memory_order_acq_rel)) return nullptr;
    const long long r = next_.fetch_add(1, std::memory_order_relaxed);
    if (r >= cap_) {
        slot_[a].store(kNone, std::memory_order_release);
        return nullptr;
    }
    rows_[r] = RowBuf{std::size_t(l_)};  // this thread's alone until the slot is published
    float* dst = rows_[r].get();
    K_.row_t(XT_.data(), l_, ids_[a], 0, l_, dst, 1.0, nullptr, 1, pool);
    slot_[a].store(r, std::memory_order_release);
    return dst;
}

template <class T>
void SharedRows<T>::compute(index_t a, float* dst) const {
    const std::int64_t s = slot_[a].load(std::memory_order_acquire);
    if (s >= 0) {
        std::memcpy(dst, rows_[s].get(), sizeof(float) * std::size_t(l_));
        return;
    }
    K_.row_t(XT_.data(), l_, ids_[a], 0, l_, dst, 1.0, nullptr, 1);
}

template <class T>
void SharedRows<T>::compute_range(index_t a, index_t k0, index_t k1, float* dst) const {
    K_.row_t(XT_.data(), l_, ids_[a], k0, k1, dst, 1.0, nullptr, 1);
}

template class SharedRows<float>;
template class SharedRows<double>;

// ---------------------------------------------------------------- Q matrices

template <class T>
SvcQ<T>::SvcQ(const Kernel<T>& K, const std::vector<index_t>& ids, const std::int8_t* y,
              double cache_mb, int n_threads, SharedRows<T>* shared,
              const std::vector<index_t>* pos)
    : K_(K), ids_(ids), y_(y, y + ids.size()), qd_(ids.size()),
      XT_(K.transpose(ids.data(), index_t(ids.size()))),
      cache_(index_t(ids.size()), index_t(ids.size()), cache_mb), n_threads_(n_threads),
      shared_(shared && pos ? shared : nullptr) {
    if (shared_) pos_ = *pos;
    for (std::size_t i = 0; i < ids.size(); ++i) qd_[i] = K.eval(ids[i], ids[i]);
}

template <class T>
const float* SvcQ<T>::get_Q(index_t i, index_t len) {
    index_t filled;
    float* row = cache_.get(i, len, &filled);
    const float* src = filled < len && shared_ ? shared_->row(pos_[i], pool_) : nullptr;
    if (src) {
        // A row of the whole problem: a gather (y_i y_k K is exact in float).
        const float yi = float(y_[i]);
        const index_t* ps = pos_.data();
        const std::int8_t* ys = y_.data();
        for (index_t k = filled; k < len; ++k) row[k] = (yi * float(ys[k])) * src[ps[k]];
        return row;
    }
    if (filled < len) {
        if (XT_.empty())
            K_.row(ids_[i], ids_.data(), filled, len, row, y_[i], y_.data(), n_threads_);
        else
            K_.row_t(XT_.data(), index_t(ids_.size()), ids_[i], filled, len, row, y_[i], y_.data(), n_threads_, pool_);
    }
    return row;
}

template <class T>
float* SvcQ<T>::row_storage(index_t i, index_t len, index_t* filled) {
    if (shared_ || XT_.empty()) return nullptr;  // rows from the shared store, or precomputed
    return cache_.get(i, len, filled);
}

template <class T>
void SvcQ<T>::fill(index_t i, float* row, index_t b, index_t e) {
    K_.row_t(XT_.data(), index_t(ids_.size()), ids_[i], b, e, row, y_[i], y_.data(), 1);
}

template <class T>
void SvcQ<T>::swap_index(index_t i, index_t j) {
    cache_.swap_index(i, j);
    if (shared_) std::swap(pos_[i], pos_[j]);
    std::swap(ids_[i], ids_[j]);
    std::swap(y_[i], y_[j]);
    std::swap(qd_[i], qd_[j]);
    const index_t l = index_t(ids_.size());
    if (!XT_.empty())
        for (index_t t = 0; t < K_.xt_rows(); ++t) std::swap(XT_[t * l + i], XT_[t * l + j]);
}

template <class T>
void SvcQ<T>::swap_many(const std::vector<std::pair<index_t, index_t>>& swaps) {
    for (const auto& sw : swaps) cache_.swap_index(sw.first, sw.second);
    const index_t l = index_t(ids_.size());
    if (!XT_.empty())
        for (index_t t = 0; t < K_.xt_rows(); ++t) {  // one row of Xᵀ at a time: each stays in cache
            T* r = XT_.data() + t * l;
            for (const auto& sw : swaps) std::swap(r[sw.first], r[sw.second]);
        }
    for (const auto& sw : swaps) {
        if (shared_) std::swap(pos_[sw.first], pos_[sw.second]);
        std::swap(ids_[sw.first], ids_[sw.second]);
        std::swap(y_[sw.first], y_[sw.second]);
        std::swap(qd_[sw.first], qd_[sw.second]);
    }
}

template <class T>
void SvcQ<T>::add_products(const index_t* vi, index_t ni, const index_t* vj, index_t nj, const double* coef,
                           double* G) {
    if (XT_.empty()) {  // precomputed
        QMatrix::add_products(vi, ni, vj, nj, coef, G);
        return;
    }
    // Summed in vj's order, as the blocks are, then added to G.
    const index_t l = index_t(ids_.size());
    constexpr index_t kPts = 2048;  // per chunk shared with the solve's helpers
    std::vector<double> s(std::size_t(ni), 0.0);
    for (index_t c = 0; c < nj; ++c) {
        const float* q = get_Q(vj[c], l);
        const double a = coef[c];
        auto f = [&](index_t ch) {
            for (index_t r = ch * kPts, e = std::min(ni, r + kPts); r < e; ++r) s[r] += a * double(q[vi[r]]);
        };
        run_chunks(ni >= 2 * kPts ? pool_ : nullptr, (ni + kPts - 1) / kPts, f);
    }
    for (index_t r = 0; r < ni; ++r) G[r] += s[r];
}

template <class T>
void SvcQ<T>::block(const index_t* vi, index_t ni, const index_t* vj, index_t nj, double* out) {
    std::vector<index_t> a(ni), b(nj);
    for (index_t r = 0; r < ni; ++r) a[r] = ids_[vi[r]];
    for (index_t c = 0; c < nj; ++c) b[c] = ids_[vj[c]];
    K_.block(a.data(), ni, b.data(), nj, out, n_threads_, &scratch_);
    std::vector<double> yc(nj);
    for (index_t c = 0; c < nj; ++c) yc[c] = double(y_[vj[c]]);
    for_rows(ni, [&](index_t r) {
        const double yr = double(y_[vi[r]]);
        double* o = out + r * nj;
        for (index_t c = 0; c < nj; ++c) o[c] *= yr * yc[c];
    });
}

template <class T>
SvrQ<T>::SvrQ(const Kernel<T>& K, const std::vector<index_t>& ids, double cache_mb, int n_threads)
    : K_(K), XT_(K.transpose(ids.data(), index_t(ids.size()))), ids_(ids), index_(2 * ids.size()),
      sign_(2 * ids.size()), qd_(2 * ids.size()),
      cache_(index_t(ids.size()), index_t(ids.size()), cache_mb), n_threads_(n_threads) {
    const index_t l = index_t(ids.size());
    for (index_t k = 0; k < l; ++k) {
        sign_[k] = 1.0f;
        sign_[k + l] = -1.0f;
        index_[k] = std::int32_t(k);
        index_[k + l] = std::int32_t(k);
        qd_[k] = qd_[k + l] = K.eval(ids[k], ids[k]);
    }
    buf_[0].resize(2 * l);
    buf_[1].resize(2 * l);
}

template <class T>
const float* SvrQ<T>::get_Q(index_t i, index_t len) {
    const index_t l = index_t(ids_.size());
    const index_t real = index_[i];
    index_t filled;
    float* row = cache_.get(real, l, &filled);
    if (filled < l) {
        if (XT_.empty())
            K_.row(ids_[real], ids_.data(), filled, l, row, 1.0, nullptr, n_threads_);
        else
            K_.row_t(XT_.data(), l, ids_[real], filled, l, row, 1.0, nullptr, n_threads_, pool_);
    }
    // The solver asks for the same row twice in a row (selection, then the step): served again
    // when nothing has moved since.
    for (int b = 0; b < 2; ++b)
        if (buf_var_[b] == i && buf_len_[b] >= len) {
            last_ = b;
            return buf_[b].data();
        }
    const int b = 1 - last_;
    const auto gather = kernel_table::kernels<T>().svm.gather;
    float* out = buf_[b].data();
    const float si = sign_[i];
    constexpr index_t kPts = 2048;  // the gather in chunks, shared with the solve's helpers when long
    auto f = [&](index_t c) {
        const index_t k0 = c * kPts, m = std::min(kPts, len - k0);
        gather(row, index_.data() + k0, sign_.data() + k0, si, m, out + k0);
    };
    run_chunks(len >= 2 * kPts ? pool_ : nullptr, (len + kPts - 1) / kPts, f);
    buf_var_[b] = i;
    buf_len_[b] = len;
    last_ = b;
    return buf_[b].data();
}

template <class T>
void SvrQ<T>::swap_index(index_t i, index_t j) {
    buf_var_[0] = buf_var_[1] = -1;
    std::swap(sign_[i], sign_[j]);
    std::swap(index_[i], index_[j]);
    std::swap(qd_[i], qd_[j]);
}

template <class T>
void SvrQ<T>::block(const index_t* vi, index_t ni, const index_t* vj, index_t nj, double* out) {
    std::vector<index_t> a(ni), b(nj);
    for (index_t r = 0; r < ni; ++r) a[r] = ids_[index_[vi[r]]];
    for (index_t c = 0; c < nj; ++c) b[c] = ids_[index_[vj[c]]];
    K_.block(a.data(), ni, b.data(), nj, out, n_threads_, &scratch_);
    for_rows(ni, [&](index_t r) {
        double* o = out + r * nj;
        for (index_t c = 0; c < nj; ++c) o[c] *= double(sign_[vi[r]] * sign_[vj[c]]);
    });
}

template <class T>
void SvrQ<T>::add_products(const index_t* vi, index_t ni, const index_t* vj, index_t nj,
                           const double* coef, double* G) {
    // α_k and α*_k share data row k, and Q = s_r s_c K: the products are s_r Σ_k c_k K(r, k) over
    // the distinct data rows k of the columns (c_k = Σ coef·s over the columns of row k), each
    // distinct data row of vi computed once.
    const index_t l = index_t(ids_.size());
    std::vector<index_t> slot(l, -1), ra(ni), a, b;
    std::vector<double> cb;
    for (index_t c = 0; c < nj; ++c) {
        const index_t k = index_[vj[c]];
        if (slot[k] < 0) {
            slot[k] = index_t(b.size());
            b.push_back(ids_[k]);
            cb.push_back(0.0);
        }
        cb[slot[k]] += coef[c] * double(sign_[vj[c]]);
    }
    std::fill(slot.begin(), slot.end(), index_t(-1));
    for (index_t r = 0; r < ni; ++r) {
        const index_t k = index_[vi[r]];
        if (slot[k] < 0) {
            slot[k] = index_t(a.size());
            a.push_back(ids_[k]);
        }
        ra[r] = slot[k];
    }
    const index_t na = index_t(a.size()), nb = index_t(b.size());
    if (na == 0 || nb == 0) return;
    std::vector<double> h(na);
    const index_t chunk = std::max<index_t>(1, std::min<index_t>(na, (index_t(1) << 21) / nb));
    if (products_.size() < std::size_t(chunk) * std::size_t(nb)) products_.resize(std::size_t(chunk) * std::size_t(nb));
    double* const B = products_.data();
    for (index_t r0 = 0; r0 < na; r0 += chunk) {
        const index_t nr = std::min(chunk, na - r0);
        K_.block(a.data() + r0, nr, b.data(), nb, B, n_threads_, &scratch_);
        for_rows(nr, [&](index_t r) {
            const double* br = B + std::size_t(r) * std::size_t(nb);
            double s = 0;
            for (index_t c = 0; c < nb; ++c) s += cb[c] * double(float(br[c]));
            h[r0 + r] = s;
        });
    }
    for (index_t r = 0; r < ni; ++r) G[r] += double(sign_[vi[r]]) * h[ra[r]];
}

template class SvcQ<float>;
template class SvcQ<double>;
template class SvrQ<float>;
template class SvrQ<double>;

}  // namespace scratchlearn::svm_detail

namespace scratchlearn {

namespace {

// Kernel values from dot products in place: C (rows × cols, leading dimension ldc), the per-ISA
// kernel row by row (rbf: qa, qb the squared norms of the rows and columns).
template <class T>
void kernel_from_dots(T* C, index_t rows, index_t cols, index_t ldc, const T* qa, const T* qb,
                      const SvmKernelParams& kp) {
    if (kp.kernel == SvmKernel::linear || kp.kernel == SvmKernel::precomputed) return;
    const kernel_table::SvmRowParams rp = svm_detail::row_params(kp);
    const auto fd = kernel_table::kernels<T>().svm.from_dots;
    for (index_t r = 0; r < rows; ++r) fd(C + r * ldc, cols, qa ? double(qa[r]) : 0.0, qb, &rp);
}

template <class T>
std::vector<T> row_sq_norms(const T* X, index_t n, index_t d) {
    std::vector<T> out(n);
    for (index_t i = 0; i < n; ++i) {
        T s = 0;
        for (index_t t = 0; t < d; ++t) s += X[i * d + t] * X[i * d + t];
        out[i] = s;
    }
    return out;
}

}  // namespace

template <class T>
void svm_kernel_matrix(const T* A, index_t na, const T* B, index_t nb, index_t d,
                       const SvmKernelParams& kernel, T* out, int n_threads) {
    require(kernel.kernel != SvmKernel::precomputed, "svm: a precomputed kernel has no kernel matrix to compute");
    if (na == 0 || nb == 0) return;
    gemm<T>(false, true, na, nb, d, T(1), A, d, B, d, T(0), out, nb, n_threads);
    std::vector<T> qa, qb;
    if (kernel.kernel == SvmKernel::rbf) {
        qa = row_sq_norms(A, na, d);
        qb = row_sq_norms(B, nb, d);
    }
    const int nt = threads_for(n_threads, na / 16 + 1);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (index_t r = 0; r < na; ++r)
        kernel_from_dots(out + r * nb, 1, nb, nb, qa.empty() ? nullptr : qa.data() + r,
                         qb.empty() ? nullptr : qb.data(), kernel);
}

// The decision values through the fused per-ISA kernel: the support vectors packed once in
// panels (padded with copies of the last one, coefficient 0), then query blocks in parallel, each
// walking the support vectors tile by tile (a tile's panels stay in L2 while every row of the
// block passes over them).
template <class T>
void decision_fused(const kernel_table::SvmKernels<T>& kern, const T* Xq, index_t m, index_t d,
                    const T* SV, index_t n_sv, const T* W, index_t n_pairs, const std::vector<T>& qsv,
                    const double* rho, const SvmKernelParams& kp, T* out, int n_threads) {
    const index_t NP = kern.decision_panel;
    const index_t n_panels = (n_sv + NP - 1) / NP;
    std::vector<T> P(std::size_t(n_panels) * d * NP), pn(std::size_t(n_panels) * NP, T(0)),
        PW(std::size_t(n_panels) * n_pairs * NP, T(0));
    for (index_t b = 0; b < n_panels; ++b)
        for (index_t j = 0; j < NP; ++j) {
            const index_t k = std::min(b * NP + j, n_sv - 1);
            const T* s = SV + k * d;
            T* pp = P.data() + b * d * NP + j;
            for (index_t t = 0; t < d; ++t) pp[t * NP] = s[t];
            if (!qsv.empty()) pn[b * NP + j] = qsv[k];
            if (b * NP + j < n_sv)
                for (index_t q = 0; q < n_pairs; ++q) PW[(b * n_pairs + q) * NP + j] = W[k * n_pairs + q];
        }
    // A tile of panels: about 192 KB of support vectors (at least one panel).
    const index_t tile = std::max<index_t>(1, (index_t(192) << 10) / std::max<index_t>(1, index_t(sizeof(T)) * d * NP));
    // Blocks of 48 rows (whole register blocks of 6 or 8 rows): many more blocks than threads, so a
    // thread held up (a busy machine) is made up for by the others.
    const index_t bs = 48;
    const index_t n_blocks = (m + bs - 1) / bs;
    const kernel_table::SvmRowParams rp = svm_detail::row_params(kp);
    const bool rbf = kp.kernel == SvmKernel::rbf;
    const int nt = threads_for(n_threads, n_blocks);
    // Per thread of the task pool (its slot): the block's accumulators and query norms.
    std::vector<double> accs(std::size_t(nt) * std::size_t(bs) * std::size_t(n_pairs));
    std::vector<T> qas(std::size_t(nt) * std::size_t(bs), T(0));
    parallel_tasks_slots(nt, n_blocks, [&](std::int64_t bi, int slot) {
        const index_t blk = static_cast<index_t>(bi);
        double* acc = accs.data() + std::size_t(slot) * std::size_t(bs) * std::size_t(n_pairs);
        T* qa = qas.data() + std::size_t(slot) * std::size_t(bs);
        {
            const index_t q0 = blk * bs, rows = std::min(bs, m - q0);
            const T* xq = Xq + q0 * d;
            if (rbf)
                for (index_t r = 0; r < rows; ++r) {
                    T s = 0;
                    for (index_t t = 0; t < d; ++t) s += xq[r * d + t] * xq[r * d + t];
                    qa[r] = s;
                }
            std::fill(acc, acc + rows * n_pairs, 0.0);
            for (index_t b0 = 0; b0 < n_panels; b0 += tile) {
                const index_t nb = std::min(tile, n_panels - b0);
                kern.decision(xq, rows, d, qa, P.data() + b0 * d * NP, pn.data() + b0 * NP,
                              PW.data() + b0 * n_pairs * NP, nb, n_pairs, &rp, acc);
            }
            for (index_t r = 0; r < rows; ++r)
                for (index_t p = 0; p < n_pairs; ++p)
                    out[(q0 + r) * n_pairs + p] = T(acc[r * n_pairs + p] - rho[p]);
        }
    });
}

template <class T>
void svm_decision(const T* Xq, index_t m, index_t d, const T* SV, index_t n_sv,
                  const std::int64_t* support, const double* dual_coef,
                  const std::int32_t* n_support, int n_class, const double* rho,
                  const SvmKernelParams& kp, T* out, int n_threads) {
    const bool classification = n_support != nullptr;
    const index_t n_pairs = classification ? index_t(n_class) * (n_class - 1) / 2 : 1;
    require(!classification || n_class >= 2, "svm: a classifier needs at least two classes");
    if (m == 0) return;
    // W (n_sv × n_pairs): the coefficient of each support vector in each pair's decision.
    std::vector<T> W(std::max<index_t>(n_sv, 1) * n_pairs, T(0));
    if (classification) {
        std::vector<index_t> start(n_class + 1, 0);
        for (int c = 0; c < n_class; ++c) start[c + 1] = start[c] + n_support[c];
        require(start[n_class] == n_sv, "svm: n_support does not add up to the number of support vectors");
        index_t p = 0;
        for (int i = 0; i < n_class; ++i)
            for (int j = i + 1; j < n_class; ++j, ++p) {
                for (index_t k = start[i]; k < start[i + 1]; ++k) W[k * n_pairs + p] = T(dual_coef[(j - 1) * n_sv + k]);
                for (index_t k = start[j]; k < start[j + 1]; ++k) W[k * n_pairs + p] = T(dual_coef[i * n_sv + k]);
            }
    } else {
        for (index_t k = 0; k < n_sv; ++k) W[k] = T(dual_coef[k]);
    }
    if (kp.kernel == SvmKernel::precomputed)
        for (index_t k = 0; k < n_sv; ++k)
            require(support[k] >= 0 && support[k] < d, "svm: precomputed kernel has too few columns for the support vectors");
    if (n_sv == 0) {
        for (index_t q = 0; q < m; ++q)
            for (index_t p = 0; p < n_pairs; ++p) out[q * n_pairs + p] = T(-rho[p]);
        return;
    }
    std::vector<T> qsv;
    if (kp.kernel == SvmKernel::rbf) qsv = row_sq_norms(SV, n_sv, d);
    const auto& kern = kernel_table::kernels<T>().svm;
    if (kp.kernel != SvmKernel::precomputed && kern.decision) {
        decision_fused(kern, Xq, m, d, SV, n_sv, W.data(), n_pairs, qsv, rho, kp, out, n_threads);
        return;
    }
    // Query blocks in parallel, each a GEMM against the support vectors packed once.
    const index_t bs = std::max<index_t>(8, std::min<index_t>(256, (m + 4 * n_threads - 1) / (4 * n_threads)));
    const index_t n_blocks = (m + bs - 1) / bs;
    PackedB<T> packed;
    const bool pre = kp.kernel == SvmKernel::precomputed;
    if (!pre) packed = PackedB<T>(true, d, n_sv, SV, d, n_threads);
    const int nt = threads_for(n_threads, n_blocks);
    ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
    {
        std::vector<T> Kb(bs * n_sv), qa(bs);
#pragma omp for schedule(dynamic, 1)
        for (index_t b = 0; b < n_blocks; ++b) {
            slot.run([&] {
                const index_t q0 = b * bs, rows = std::min(bs, m - q0);
                if (pre) {
                    for (index_t r = 0; r < rows; ++r)
                        for (index_t k = 0; k < n_sv; ++k) Kb[r * n_sv + k] = Xq[(q0 + r) * d + support[k]];
                } else {
                    gemm_packed<T>(false, rows, 0, n_sv, T(1), Xq + q0 * d, d, packed, T(0), Kb.data(), n_sv, 1);
                    if (kp.kernel == SvmKernel::rbf)
                        for (index_t r = 0; r < rows; ++r) {
                            T s = 0;
                            const T* x = Xq + (q0 + r) * d;
                            for (index_t t = 0; t < d; ++t) s += x[t] * x[t];
                            qa[r] = s;
                        }
                    kernel_from_dots(Kb.data(), rows, n_sv, n_sv, qa.data(), qsv.data(), kp);
                }
                if (n_pairs == 1) {
                    // One decision function: a dot product per query (a GEMM would pack Kb for nothing).
                    for (index_t r = 0; r < rows; ++r) {
                        const T* kr = Kb.data() + r * n_sv;
                        double s0 = 0, s1 = 0;
                        index_t k = 0;
                        for (; k + 1 < n_sv; k += 2) {
                            s0 += double(kr[k]) * double(W[k]);
                            s1 += double(kr[k + 1]) * double(W[k + 1]);
                        }
                        if (k < n_sv) s0 += double(kr[k]) * double(W[k]);
                        out[q0 + r] = T(s0 + s1 - rho[0]);
                    }
                } else {
                    gemm<T>(false, false, rows, n_pairs, n_sv, T(1), Kb.data(), n_sv, W.data(), n_pairs, T(0),
                            out + q0 * n_pairs, n_pairs, 1);
                    for (index_t r = 0; r < rows; ++r)
                        for (index_t p = 0; p < n_pairs; ++p) out[(q0 + r) * n_pairs + p] -= T(rho[p]);
                }
            });
        }
    }
    slot.rethrow();
}

#define SCRATCHLEARN_SVM_KERNEL_INST(T)                                                               \
    template void svm_kernel_matrix<T>(const T*, index_t, const T*, index_t, index_t,                 \
                                       const SvmKernelParams&, T*, int);                              \
    template void svm_decision<T>(const T*, index_t, index_t, const T*, index_t, const std::int64_t*, \
                                  const double*, const std::int32_t*, int, const double*,             \
                                  const SvmKernelParams&, T*, int);
SCRATCHLEARN_SVM_KERNEL_INST(float)
SCRATCHLEARN_SVM_KERNEL_INST(double)

}  // namespace scratchlearn
