// Tree building: one builder serves single trees and forests (see scratchlearn/tree.hpp).
//
// Layout of the work:
//  - Shared (once per call): X transposed to columns; for the exact best splitter every feature's
//    sample order sorted once (NaN last); for the histogram splitter every feature binned once
//    (edges at midpoints between distinct values, at most max_bins bins, uint8 codes found by
//    binary search over the edges, NaN in bin 255).
//  - Per tree (scratch allocated once per thread and reused tree after tree):
//      exact best splitter: for each feature the node's samples in sorted order (ids and values).
//        A node is the same range [start, end) of every feature's list; when it splits, each list's
//        range is partitioned stably (left samples first), so both children stay sorted without
//        any new sort. Cost per level O(n d) instead of O(n d log n).
//      random splitter and histogram splitter: one list of the node's samples; a drawn feature's
//        values are gathered (random: min, max and one threshold drawn between them; histogram:
//        per-bin weighted statistics, then a scan over bins).
//      histogram fast path (single output, no monotonic constraints): each sample's weight and
//        target travel with its id through the partitions, one 256-bin histogram is cleared only
//        where touched (an occupancy bitmap lists the non-empty bins in order), and gini /
//        squared-error candidates are compared by cross-multiplication, without a division.
//      absolute error (exact and random splitters): per feature, the errors of every prefix and
//        suffix of the node's samples from a Fenwick tree over the target ranks (O(n log n)).
//  - Candidate splits are scored with the criterion's proxy (a monotone function of the impurity
//    decrease); the winner's children impurities and weighted impurity decrease are computed once.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <type_traits>

#include "scratchlearn/parallel.hpp"
#include "scratchlearn/tree.hpp"

namespace scratchlearn::tree {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kRandMax = 2147483647u;

// A single tree's node work (samples × features) from which its features are scanned and its
// lists partitioned by several threads. Each such node is a parallel region with a barrier; when
// the machine is busy one descheduled thread stalls the others a time slice per region, so only the
// few largest nodes (milliseconds of work each) are worth it: measured on 2 cores under load 2.6,
// thresholds of 20,000 / 50,000 made 2 threads 2x slower than 1 (DecisionTreeClassifier 100k x 20).
constexpr long long kInnerWork = 1LL << 20;

// Values closer than this count as equal (in the feature's own precision).
template <class T>
constexpr T feature_threshold() { return static_cast<T>(1e-7); }

// The per-tree generator: 32-bit xorshift, values in [0, 2^31).
struct Rng {
    std::uint32_t s;
    std::uint32_t next() {
        if (s == 0) s = 1;
        s ^= static_cast<std::uint32_t>(s << 13);
        s ^= static_cast<std::uint32_t>(s >> 17);
        s ^= static_cast<std::uint32_t>(s << 5);
        return s % (kRandMax + 1u);
    }
    index_t rand_int(index_t lo, index_t hi) { return lo + static_cast<index_t>(next()) % (hi - lo); }
    double rand_uniform(double lo, double hi) {
        return ((hi - lo) * static_cast<double>(next()) / static_cast<double>(kRandMax)) + lo;
    }
};

inline double log2_(double x) { return std::log(x) / std::log(2.0); }
inline double xlogy(double x, double y) { return x == 0.0 ? 0.0 : x * std::log(y); }

template <class T>
inline bool is_nan(T v) { return v != v; }

// ---- Shared, per call ----------------------------------------------------------------------------

template <class T>
struct Shared {
    const Problem<T>* pb = nullptr;
    TreeOptions opt;
    index_t n = 0, d = 0, K = 1;
    bool cls = false;
    int C = 1;              // classification: the largest class count
    index_t ms = 1;         // statistics per sample group: K*C (classification) or K (regression)
    std::vector<T> Xc;      // d × n, column j = feature j (exact best: its values in sorted order)
    std::vector<std::int32_t> ycode;  // n × K class codes
    std::vector<std::uint8_t> has_nan;  // per feature
    std::vector<std::int32_t> sorted;   // exact best: d × n, NaN last
    std::vector<std::uint8_t> codes;    // histogram: d × n
    std::vector<std::vector<double>> edges;  // histogram: upper edges of the bins (n_bins - 1)
    std::vector<int> n_bins;
    index_t max_features = 0;
    bool presorted = false, hist = false;
};

// Bin edges for one feature from its sorted non-missing values: at most max_bins bins of about
// equal counts, cut between distinct values (edge = midpoint of the two neighbours).
template <class T>
void make_edges(const T* v, index_t nn, int max_bins, std::vector<double>& edges) {
    edges.clear();
    if (nn == 0) return;
    // distinct values and their counts
    std::vector<T> dv;
    std::vector<index_t> cnt;
    for (index_t i = 0; i < nn; ++i) {
        if (dv.empty() || v[i] != dv.back()) {
            dv.push_back(v[i]);
            cnt.push_back(1);
        } else {
            ++cnt.back();
        }
    }
    const index_t nd = static_cast<index_t>(dv.size());
    auto mid = [&](index_t a) {  // between dv[a] and dv[a + 1]
        double t = static_cast<double>(dv[a]) / 2.0 + static_cast<double>(dv[a + 1]) / 2.0;
        if (t >= static_cast<double>(dv[a + 1])) t = static_cast<double>(dv[a]);
        return t;
    };
    if (nd <= max_bins) {
        for (index_t a = 0; a + 1 < nd; ++a) edges.push_back(mid(a));
        return;
    }
    // quantile cuts: close a bin once the running count reaches the next 1/max_bins share
    index_t run = 0, bins = 0;
    for (index_t a = 0; a + 1 < nd && bins + 1 < max_bins; ++a) {
        run += cnt[a];
        const double target = static_cast<double>(nn) * static_cast<double>(bins + 1) / max_bins;
        if (static_cast<double>(run) >= target) {
            edges.push_back(mid(a));
            ++bins;
        }
    }
}

// An unsigned key of a non-missing value whose order is the value's (-0.0 and 0.0 one key).
inline std::uint64_t sort_key(double v) {
    if (v == 0.0) v = 0.0;
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b >> 63) ? ~b : (b | (std::uint64_t{1} << 63));
}
inline std::uint32_t sort_key(float v) {
    if (v == 0.0f) v = 0.0f;
    std::uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b >> 31) ? ~b : (b | (std::uint32_t{1} << 31));
}

template <class T>
struct RadixScratch {
    using Key = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
    std::vector<Key> key[2];
    std::vector<std::int32_t> id[2];
};

// Least-significant-digit radix sort (11-bit digits) of the nn (key, id) pairs in rs.key[0] /
// rs.id[0], given in increasing id order; being stable, equal keys keep that order, so the ids
// come out as std::sort of (value, id) pairs would order them. A digit all keys share is skipped.
// The sorted ids go to out.
template <class T>
void radix_sort_pairs(RadixScratch<T>& rs, index_t nn, std::int32_t* out) {
    using Key = typename RadixScratch<T>::Key;
    constexpr int kBits = 11, kB = 1 << kBits;
    constexpr int kPasses = (static_cast<int>(sizeof(Key)) * 8 + kBits - 1) / kBits;
    std::vector<index_t> cnt(static_cast<size_t>(kPasses) * kB, 0);
    const Key* k0 = rs.key[0].data();
    for (index_t q = 0; q < nn; ++q) {
        const Key k = k0[q];
        for (int ps = 0; ps < kPasses; ++ps) ++cnt[ps * kB + ((k >> (ps * kBits)) & (kB - 1))];
    }
    rs.key[1].resize(static_cast<size_t>(nn));
    rs.id[1].resize(static_cast<size_t>(nn));
    int cur = 0;
    for (int ps = 0; ps < kPasses; ++ps) {
        index_t* c = cnt.data() + ps * kB;
        const Key first = nn > 0 ? ((rs.key[cur][0] >> (ps * kBits)) & (kB - 1)) : 0;
        if (nn == 0 || c[first] == nn) continue;  // one digit for all: the order stays
        index_t sum = 0;
        for (int b = 0; b < kB; ++b) {
            const index_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        const Key* ks = rs.key[cur].data();
        const std::int32_t* is = rs.id[cur].data();
        Key* kd = rs.key[1 - cur].data();
        std::int32_t* id = rs.id[1 - cur].data();
        for (index_t q = 0; q < nn; ++q) {
            const Key k = ks[q];
            const index_t dst = c[(k >> (ps * kBits)) & (kB - 1)]++;
            kd[dst] = k;
            id[dst] = is[q];
        }
        cur = 1 - cur;
    }
    std::copy(rs.id[cur].begin(), rs.id[cur].begin() + nn, out);
}

template <class T>
void prepare_shared(Shared<T>& sh, const Problem<T>& pb, const TreeOptions& opt, int n_threads) {
    sh.pb = &pb;
    sh.opt = opt;
    sh.n = pb.n;
    sh.d = pb.d;
    sh.K = pb.n_outputs;
    sh.cls = !pb.n_classes.empty();
    const index_t n = sh.n, d = sh.d, K = sh.K;
    if (sh.cls) {
        sh.C = *std::max_element(pb.n_classes.begin(), pb.n_classes.end());
        sh.ms = K * sh.C;
        sh.ycode.resize(static_cast<size_t>(n * K));
        for (index_t i = 0; i < n * K; ++i) {
            const double c = pb.y[i];
            const int k = static_cast<int>(i % K);
            require(c >= 0 && c < pb.n_classes[k] && c == std::floor(c),
                    "tree: class codes must be integers in [0, n_classes)");
            sh.ycode[i] = static_cast<std::int32_t>(c);
        }
    } else {
        sh.ms = K;
    }
    sh.max_features = (opt.max_features <= 0 || opt.max_features > d) ? d : opt.max_features;
    sh.hist = opt.max_bins > 0 && opt.splitter == SplitterKind::best;
    sh.presorted = !sh.hist && opt.splitter == SplitterKind::best;

    sh.Xc.resize(static_cast<size_t>(n * d));
    sh.has_nan.assign(static_cast<size_t>(d), 0);
    const int nt = threads_for(n_threads, d);
    ExceptionSlot slot;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (index_t j = 0; j < d; ++j) {
        slot.run([&] {
            T* col = sh.Xc.data() + j * n;
            bool nan = false;
            for (index_t i = 0; i < n; ++i) {
                const T v = pb.X[i * d + j];
                col[i] = v;
                nan |= is_nan(v);
            }
            sh.has_nan[j] = nan;
            if (sh.hist) {
                // the sorted non-missing values give the edges; each value's bin is the number of
                // edges below it (a binary search: no sorted order of the samples is needed)
                std::vector<T> sv;
                sv.reserve(static_cast<size_t>(n));
                for (index_t i = 0; i < n; ++i)
                    if (!is_nan(col[i])) sv.push_back(col[i]);
                std::sort(sv.begin(), sv.end());
                const index_t nn = static_cast<index_t>(sv.size());
                make_edges(sv.data(), nn, opt.max_bins, sh.edges[j]);
                const std::vector<double>& e = sh.edges[j];
                sh.n_bins[j] = static_cast<int>(e.size()) + 1;
                std::uint8_t* code = sh.codes.data() + j * n;
                for (index_t i = 0; i < n; ++i) {
                    const T v = col[i];
                    code[i] = is_nan(v) ? std::uint8_t{255}
                                        : static_cast<std::uint8_t>(
                                              std::lower_bound(e.begin(), e.end(), static_cast<double>(v)) - e.begin());
                }
            }
            if (sh.presorted) {
                // the order of (value, index) pairs, NaN last, ties by index
                std::int32_t* ord = sh.sorted.data() + j * n;
                std::vector<std::int32_t> nan_ids;
                RadixScratch<T> rs;
                index_t nn = 0;
                rs.key[0].resize(static_cast<size_t>(n));
                rs.id[0].resize(static_cast<size_t>(n));
                for (index_t i = 0; i < n; ++i) {
                    if (is_nan(col[i])) {
                        nan_ids.push_back(static_cast<std::int32_t>(i));
                    } else {
                        rs.key[0][nn] = sort_key(col[i]);
                        rs.id[0][nn] = static_cast<std::int32_t>(i);
                        ++nn;
                    }
                }
                radix_sort_pairs(rs, nn, ord);
                std::copy(nan_ids.begin(), nan_ids.end(), ord + nn);
                // the column now holds the values in that order (nothing else reads it in
                // the exact best mode): each tree's lists are then filtered sequentially
                std::vector<T> sv(static_cast<size_t>(n));
                for (index_t p = 0; p < n; ++p) sv[p] = col[ord[p]];
                std::copy(sv.begin(), sv.end(), col);
            }
        });
    }
    slot.rethrow();
}

// ---- The criterion -------------------------------------------------------------------------------
//
// Statistics of a group of samples: total weight w and `ms` sums (per output and class the weight of
// that class, or per output the weighted sum of the targets).

template <class T>
struct Crit {
    const Shared<T>* sh;
    const double* w;  // the tree's sample weights
    Criterion kind;
    index_t K, ms;
    int C;
    const int* n_classes;
    const double* y;
    const std::int32_t* ycode;

    void init(const Shared<T>& s, const double* weights) {
        sh = &s;
        w = weights;
        kind = s.opt.criterion;
        K = s.K;
        ms = s.ms;
        C = s.C;
        n_classes = s.cls ? s.pb->n_classes.data() : nullptr;
        y = s.pb->y;
        ycode = s.cls ? s.ycode.data() : nullptr;
    }
    bool cls() const { return n_classes != nullptr; }

    // acc += the statistics of samples ids[0 .. m); returns their weight. With whole weights
    // (exact: every partial sum is an integer) a single-output classification adds in four banks
    // (samples p mod 4), which give the very sums of one sequential pass without its chain of
    // dependent additions into the same class's total; otherwise one pass in sample order.
    double add_all(double* acc, const std::int32_t* ids, index_t m, bool whole, std::vector<double>& banks) const {
        if (!(whole && n_classes && K == 1)) {
            double wt = 0.0;
            for (index_t p = 0; p < m; ++p) wt += add(acc, ids[p]);
            return wt;
        }
        return banked(acc, m, banks, [&](index_t p, std::int32_t& i) {
            i = ids[p];
            return w[i];
        });
    }

    // The four-bank sums of a single-output classification (exact only for whole weights):
    // weight(p, i) gives sample p's weight and sets its index i; acc[class of i] and the returned
    // total get them, samples p mod 4 in bank p mod 4, the banks added at the end.
    template <class Weight>
    double banked(double* acc, index_t m, std::vector<double>& banks, Weight weight) const {
        banks.assign(static_cast<size_t>(4 * C), 0.0);
        double* bk = banks.data();
        double wb[4] = {0.0, 0.0, 0.0, 0.0};
        std::int32_t i = 0;
        index_t p = 0;
        for (; p + 4 <= m; p += 4)
            for (int l = 0; l < 4; ++l) {
                const double wi = weight(p + l, i);
                bk[l * C + ycode[i]] += wi;
                wb[l] += wi;
            }
        for (; p < m; ++p) {
            const double wi = weight(p, i);
            bk[ycode[i]] += wi;
            wb[0] += wi;
        }
        for (int c = 0; c < C; ++c) acc[c] += (bk[c] + bk[C + c]) + (bk[2 * C + c] + bk[3 * C + c]);
        return (wb[0] + wb[1]) + (wb[2] + wb[3]);
    }

    // acc += statistics of sample i; returns its weight
    inline double add(double* acc, std::int32_t i) const {
        const double wi = w[i];
        if (n_classes) {
            if (K == 1) {
                acc[ycode[i]] += wi;
            } else {
                for (index_t k = 0; k < K; ++k) acc[k * C + ycode[i * K + k]] += wi;
            }
        } else {
            if (K == 1) {
                acc[0] += wi * y[i];
            } else {
                for (index_t k = 0; k < K; ++k) acc[k] += wi * y[i * K + k];
            }
        }
        return wi;
    }

    // Impurity of a group from its statistics (classification, MSE needs sq).
    double class_impurity(const double* s, double wt) const {
        double imp = 0.0;
        for (index_t k = 0; k < K; ++k) {
            const double* sk = s + k * C;
            if (kind == Criterion::gini) {
                double sq = 0.0;
                for (int c = 0; c < n_classes[k]; ++c) sq += sk[c] * sk[c];
                imp += 1.0 - sq / (wt * wt);
            } else {
                double e = 0.0;
                for (int c = 0; c < n_classes[k]; ++c) {
                    double p = sk[c];
                    if (p > 0.0) {
                        p /= wt;
                        e -= p * log2_(p);
                    }
                }
                imp += e;
            }
        }
        return imp / static_cast<double>(K);
    }

    // Proxy of the impurity decrease for left statistics L (weight wl) of a node with totals
    // tot (weight wt); larger is better.
    double proxy(const double* L, double wl, const double* tot, double wt) const {
        const double wr = wt - wl;
        if (n_classes) {
            double il = 0.0, ir = 0.0;
            if (kind == Criterion::gini) {
                for (index_t k = 0; k < K; ++k) {
                    double sql = 0.0, sqr = 0.0;
                    const index_t o = k * C;
                    for (int c = 0; c < n_classes[k]; ++c) {
                        const double l = L[o + c], r = tot[o + c] - L[o + c];
                        sql += l * l;
                        sqr += r * r;
                    }
                    il += 1.0 - sql / (wl * wl);
                    ir += 1.0 - sqr / (wr * wr);
                }
            } else {
                for (index_t k = 0; k < K; ++k) {
                    const index_t o = k * C;
                    for (int c = 0; c < n_classes[k]; ++c) {
                        double l = L[o + c], r = tot[o + c] - L[o + c];
                        if (l > 0.0) {
                            l /= wl;
                            il -= l * log2_(l);
                        }
                        if (r > 0.0) {
                            r /= wr;
                            ir -= r * log2_(r);
                        }
                    }
                }
            }
            il /= static_cast<double>(K);
            ir /= static_cast<double>(K);
            return -wr * ir - wl * il;
        }
        switch (kind) {
            case Criterion::friedman_mse: {
                double tl = 0.0, tr = 0.0;
                for (index_t k = 0; k < K; ++k) {
                    tl += L[k];
                    tr += tot[k] - L[k];
                }
                const double diff = wr * tl - wl * tr;
                return diff * diff / (wl * wr);
            }
            case Criterion::poisson: {
                double pl = 0.0, pr = 0.0;
                for (index_t k = 0; k < K; ++k) {
                    const double sl = L[k], sr = tot[k] - L[k];
                    if (sl <= kEps || sr <= kEps) return -kInf;
                    pl -= sl * log2_(sl / wl);
                    pr -= sr * log2_(sr / wr);
                }
                return -pl - pr;
            }
            default: {
                double pl = 0.0, pr = 0.0;
                for (index_t k = 0; k < K; ++k) {
                    const double sl = L[k], sr = tot[k] - L[k];
                    pl += sl * sl;
                    pr += sr * sr;
                }
                return pl / wl + pr / wr;
            }
        }
    }

    double sq_sum(const std::int32_t* ids, index_t cnt) const {
        double sq = 0.0;
        for (index_t p = 0; p < cnt; ++p) {
            const std::int32_t i = ids[p];
            const double wi = w[i];
            for (index_t k = 0; k < K; ++k) {
                const double yk = y[i * K + k];
                sq += wi * yk * yk;
            }
        }
        return sq;
    }

    double poisson_loss(const std::int32_t* ids, index_t cnt, const double* s, double ws) const {
        double loss = 0.0;
        for (index_t k = 0; k < K; ++k) {
            if (s[k] <= kEps) return kInf;
            const double mean = s[k] / ws;
            for (index_t p = 0; p < cnt; ++p) {
                const std::int32_t i = ids[p];
                const double yk = y[i * K + k];
                loss += w[i] * xlogy(yk, yk / mean);
            }
        }
        return loss / (ws * static_cast<double>(K));
    }

    // Impurity of the node holding ids (totals tot, weight wt, and for MSE the sum of w y^2).
    double node_impurity(const std::int32_t* ids, index_t cnt, const double* tot, double wt, double sq_total) const {
        if (n_classes) return class_impurity(tot, wt);
        if (kind == Criterion::poisson) return poisson_loss(ids, cnt, tot, wt);
        double imp = sq_total / wt;
        for (index_t k = 0; k < K; ++k) {
            const double m = tot[k] / wt;
            imp -= m * m;
        }
        return imp / static_cast<double>(K);
    }
};

// ---- Per-tree work ---------------------------------------------------------------------------------

struct Choice {
    bool valid = false;
    double proxy = -kInf;
    int feature = 0;
    double threshold = 0.0;
    bool mgl = false;
    index_t n_left = 0;
    index_t nl_sorted = 0;  // exact: how many of the feature's non-missing sorted samples go left
    int bin = 0;            // histogram: the last bin whose samples go left

    // Keeps the candidate when its proxy beats the best so far (the first met on ties).
    void offer(double pr, int f, index_t nl, double thr, bool missing_left, index_t nl_sort, int b) {
        if (!(pr > proxy)) return;
        valid = true;
        proxy = pr;
        feature = f;
        n_left = nl;
        threshold = thr;
        mgl = missing_left;
        nl_sorted = nl_sort;
        bin = b;
    }
};

// The best split of one feature in the fixed-layout histogram scans: the proxy as a ratio
// num / den (compared by cross products, no division per bin), the bin position q in the
// feature's list of occupied bins, the pass (1: missing values go left) and the left count.
template <class N>
struct ScanBest {
    double num = -1.0, den = 1.0;
    int q = -1, pass = 0;
    N nl = 0;

    void take(double n_, double d_, int q_, int pass_, N nl_) {
        if (!(n_ * den > num * d_)) return;
        num = n_;
        den = d_;
        q = q_;
        pass = pass_;
        nl = nl_;
    }

    // Offers the feature's best (if any) to the node's choice: proxy num / den − shift, the
    // threshold the right edge of bin bins[q] (+inf for the last), missing values left on pass 1
    // or, when there are none, with the larger side.
    void offer_to(Choice& best, double shift, int f, index_t cnt, const int* bins, int nb,
                  const std::vector<double>& edges, bool no_missing) const {
        if (q < 0) return;
        const int b = bins[q];
        const index_t n_left = static_cast<index_t>(nl), n_right = cnt - n_left;
        best.offer(num / den - shift, f, n_left, q == nb - 1 ? kInf : edges[b],
                   no_missing ? n_left > n_right : pass == 1, 0, b);
    }
};

struct Record {
    index_t start, end, depth, parent;
    bool is_left;
    double impurity;
    index_t n_constant;
    double lower, upper;
    bool has_stats = false;  // its totals are on the builder's statistics stack (fast path)
};

struct Frontier {  // best-first
    index_t node_id, start, end, pos, depth;
    bool is_leaf;
    double improvement, impurity, impurity_left, impurity_right, lower, upper, middle;
};

template <class T>
class Builder {
public:
    Builder(const Shared<T>& sh, int inner_threads) : sh_(sh), nt_(std::max(1, inner_threads)) {}

    TreeArrays build(const double* weights, std::uint32_t seed) {
        const Shared<T>& sh = sh_;
        const index_t n = sh.n, d = sh.d;
        w_ = weights;
        crit_.init(sh, weights);
        rng_.s = seed;
        features_.resize(static_cast<size_t>(d));
        std::iota(features_.begin(), features_.end(), 0);
        constant_.assign(static_cast<size_t>(d), 0);
        w_total_ = 0.0;
        m_ = 0;
        integral_weights_ = true;
        for (index_t i = 0; i < n; ++i) {
            w_total_ += weights[i];
            if (weights[i] != 0.0) ++m_;
            integral_weights_ &= weights[i] == std::floor(weights[i]) && weights[i] < 1e6;
        }
        require(m_ > 0, "tree: all sample weights are zero");
        mwl_ = std::max(sh.opt.min_weight_leaf, sh.opt.min_weight_fraction * w_total_);
        goes_left_.resize(static_cast<size_t>(n));
        if (sh.presorted) {
            ids_.resize(static_cast<size_t>(d * m_));
            vals_.resize(static_cast<size_t>(d * m_));
            const int nt = threads_for(nt_, d);
#pragma omp parallel for num_threads(nt) schedule(static)
            for (index_t j = 0; j < d; ++j) {
                const std::int32_t* src = sh.sorted.data() + j * n;
                const T* sv = sh.Xc.data() + j * n;  // the values in sorted order
                std::int32_t* di = ids_.data() + j * m_;
                T* dv = vals_.data() + j * m_;
                // branch-free filter of the samples drawn (a bootstrap's zeros are unpredictable);
                // the writes stay below m_ (the next feature's list belongs to another thread)
                index_t q = 0;
                for (index_t p = 0; p < n && q < m_; ++p) {
                    const std::int32_t i = src[p];
                    di[q] = i;
                    dv[q] = sv[p];
                    q += weights[i] != 0.0;
                }
            }
            tmp_ids_.resize(static_cast<size_t>(m_) * nt_);
            tmp_vals_.resize(static_cast<size_t>(m_) * nt_);
        } else {
            samples_.clear();
            samples_.reserve(static_cast<size_t>(m_));
            for (index_t i = 0; i < n; ++i)
                if (weights[i] != 0.0) samples_.push_back(static_cast<std::int32_t>(i));
            fv_.resize(static_cast<size_t>(m_));
            tmp_ids_.resize(static_cast<size_t>(m_));
        }
        mae_ = !sh.cls && sh.opt.criterion == Criterion::absolute_error;
        if (mae_) {
            const size_t mm = static_cast<size_t>(m_);
            for (auto* v : {&mae_ord_, &mae_rank_, &mae_seq_}) v->resize(mm);
            for (auto* v : {&mae_sv_, &mae_pre_, &mae_suf_, &mae_pmed_, &mae_smed_}) v->resize(mm);
            fen_w_.resize(mm + 1);
            fen_wy_.resize(mm + 1);
        }
        // the histogram splitter's common case: each sample's weight and target kept next to its id
        fast_ = sh.hist && sh.K == 1 && sh.opt.monotonic_cst.empty() &&
                (sh.cls || sh.opt.criterion == Criterion::squared_error ||
                 sh.opt.criterion == Criterion::friedman_mse);
        if (fast_) {
            sw_.resize(static_cast<size_t>(m_));
            sy_.resize(static_cast<size_t>(m_));
            tmp_w_.resize(static_cast<size_t>(m_));
            tmp_y_.resize(static_cast<size_t>(m_));
            for (index_t p = 0; p < m_; ++p) {
                const std::int32_t i = samples_[p];
                sw_[p] = weights[i];
                sy_[p] = sh.cls ? static_cast<double>(sh.ycode[i]) : sh.pb->y[i];
            }
            fst_ = sh.cls ? sh.C + 2 : 3;
            side_stats_.assign(static_cast<size_t>(2 * (sh.ms + 2)), 0.0);
            stat_stack_.clear();
            fhist_.assign(static_cast<size_t>(256 * fst_), 0.0);
            fixed_ = 0;
            if (sh.cls && sh.C == 2 && sh.opt.criterion == Criterion::gini) fixed_ = 2;
            if (!sh.cls && sh.opt.criterion == Criterion::squared_error) fixed_ = 1;
            // every weight a whole number and their total below 2^31: weights and counts packed
            // into one exact 64-bit integer per bin (eval_hist_packed)
            packed_ = fixed_ != 0 && integral_weights_ && w_total_ < 2147483648.0;
            if (packed_) {
                phist_.assign(512, 0);
                shist_.assign(256, 0.0);
            }
        }
        const index_t ms = sh.ms;
        tot_.assign(ms, 0.0);
        L_.assign(ms, 0.0);
        R_.assign(ms, 0.0);
        miss_.assign(ms, 0.0);
        if (sh.hist) {
            int maxb = 1;
            for (int b : sh.n_bins) maxb = std::max(maxb, b);
            hist_.resize(static_cast<size_t>((maxb + 1) * (ms + 1)));
            hcnt_.resize(static_cast<size_t>(maxb + 1));
        }
        results_.resize(static_cast<size_t>(d));
        out_ = TreeArrays();
        reserve_nodes(m_);
        if (sh.opt.max_leaf_nodes > 0)
            build_best_first();
        else
            build_depth_first();
        return std::move(out_);
    }

private:
    const Shared<T>& sh_;
    int nt_;
    const double* w_ = nullptr;
    Crit<T> crit_;
    Rng rng_{1};
    std::vector<index_t> features_, constant_;
    double w_total_ = 0.0, mwl_ = 0.0;
    bool integral_weights_ = true;  // the O(1) gini update is exact only then
    index_t m_ = 0;
    std::vector<std::uint8_t> goes_left_;
    std::vector<std::int32_t> ids_, tmp_ids_, samples_;
    std::vector<T> vals_, tmp_vals_, fv_;
    std::vector<double> tot_, L_, R_, miss_, hist_;
    std::vector<double> banks_;  // eval_random's four banks of class sums
    std::vector<index_t> hcnt_;
    std::vector<Choice> results_;
    std::vector<std::pair<std::uint8_t, std::int32_t>> pairs_;
    std::vector<std::uint8_t> is_constant_;
    // histogram fast path (single output, no monotonic constraints): per node sample its weight and
    // target (class code or y), partitioned with samples_; one 256-bin histogram (bin 255: missing)
    // of fst_ values per bin (weight, per-class weights or weighted target sum, count), kept zero
    // between uses (only the touched bins are cleared)
    bool fast_ = false;
    int fst_ = 0;
    int fixed_ = 0;  // 2: binary gini, 1: squared error (eval_hist_fixed), 0: eval_hist_fast
    bool packed_ = false;  // eval_hist_packed in place of eval_hist_fixed
    // fast path: the last split's left and right statistics (ms sums, weight, Σ w y²), and the
    // statistics of the nodes waiting on the depth-first stack (one block per flagged record)
    std::vector<double> side_stats_, stat_stack_;
    std::vector<std::uint64_t> phist_;
    std::vector<double> shist_;
    std::vector<double> sw_, sy_, tmp_w_, tmp_y_, fhist_;
    index_t cur_nl_ = 0;  // the split being applied: how many samples go left
    // absolute error: scratch of ae_pass (order, ranks, sorted targets, Fenwick sums) and the
    // prefix / suffix errors and medians of a node
    bool mae_ = false;
    // (mutable: scratch of the const split evaluation, never used by two threads: the threads over
    // features are off for absolute error)
    mutable std::vector<std::int32_t> mae_ord_, mae_rank_, mae_seq_;
    mutable std::vector<double> mae_sv_, fen_w_, fen_wy_, mae_pre_, mae_suf_, mae_pmed_, mae_smed_;
    TreeArrays out_;
    // current node
    index_t start_ = 0, end_ = 0;
    double wn_ = 0.0, sq_total_ = 0.0;

    // The samples of the current node (any order).
    const std::int32_t* node_ids() const {
        return sh_.presorted ? ids_.data() + start_ : samples_.data() + start_;
    }

    // node_reset: totals of [start, end)
    void node_reset(index_t start, index_t end) {
        start_ = start;
        end_ = end;
        std::fill(tot_.begin(), tot_.end(), 0.0);
        if (fast_) {
            const double* w = sw_.data() + start;
            const double* yv = sy_.data() + start;
            double wn = 0.0, sq = 0.0;
            if (sh_.cls) {
                for (index_t p = 0; p < end - start; ++p) {
                    tot_[static_cast<int>(yv[p])] += w[p];
                    wn += w[p];
                }
            } else {
                double s0 = 0.0;
                for (index_t p = 0; p < end - start; ++p) {
                    s0 += w[p] * yv[p];
                    wn += w[p];
                }
                tot_[0] = s0;
                for (index_t p = 0; p < end - start; ++p) sq += w[p] * yv[p] * yv[p];
            }
            wn_ = wn;
            sq_total_ = sq;
            return;
        }
        const std::int32_t* ids = node_ids();
        wn_ = crit_.add_all(tot_.data(), ids, end - start, integral_weights_, banks_);
        sq_total_ = sh_.cls ? 0.0 : crit_.sq_sum(ids, end - start);
    }

    double node_impurity() {
        if (mae_) return mae_total(node_ids(), end_ - start_, nullptr) / (wn_ * static_cast<double>(sh_.K));
        return crit_.node_impurity(node_ids(), end_ - start_, tot_.data(), wn_, sq_total_);
    }

    // ---- absolute error: weighted medians and absolute errors of growing sets of samples
    //
    // The samples of seq are ranked by target (output k); walking seq forward (or backward) each
    // sample is activated at its rank in a Fenwick tree of weights and weighted targets. After each
    // step the weighted median of the active set is the smallest active rank whose cumulative
    // weight exceeds half the total (the midpoint of the two neighbours when a cumulative weight
    // equals half exactly), and its absolute error follows from the prefix sums below the median:
    //     Σ w |y - m| = (Σ_right w y - m Σ_right w) + (m Σ_left w - Σ_left w y).
    // out[q] += the error of seq[0..q] (forward) or seq[q..cnt) (backward); med[q] = its median.
    // O(cnt log cnt).
    void ae_pass(const std::int32_t* seq, index_t cnt, index_t k, bool forward, double* out, double* med) const {
        const index_t K = sh_.K;
        const double* y = sh_.pb->y;
        std::int32_t* ord = mae_ord_.data();
        std::int32_t* rank = mae_rank_.data();
        double* sv = mae_sv_.data();
        for (index_t q = 0; q < cnt; ++q) ord[q] = static_cast<std::int32_t>(q);
        std::sort(ord, ord + cnt, [&](std::int32_t a, std::int32_t b) {
            return y[seq[a] * K + k] < y[seq[b] * K + k];
        });
        for (index_t r = 0; r < cnt; ++r) {
            rank[ord[r]] = static_cast<std::int32_t>(r);
            sv[r] = y[seq[ord[r]] * K + k];
        }
        double* fw = fen_w_.data();
        double* fwy = fen_wy_.data();
        std::fill(fw, fw + cnt + 1, 0.0);
        std::fill(fwy, fwy + cnt + 1, 0.0);
        index_t top = 1;
        while (top * 2 <= cnt) top *= 2;
        double total_w = 0.0, total_wy = 0.0;
        for (index_t step = 0; step < cnt; ++step) {
            const index_t q = forward ? step : cnt - 1 - step;
            const double wi = w_[seq[q]];
            const index_t r = rank[q];
            const double wy = wi * sv[r];
            for (index_t j = r + 1; j <= cnt; j += j & -j) {
                fw[j] += wi;
                fwy[j] += wy;
            }
            total_w += wi;
            total_wy += wy;
            const double half = 0.5 * total_w;
            // largest prefix of ranks with cumulative weight <= half: rank `pos` is the median's
            index_t pos = 0;
            double cw = 0.0, cwy = 0.0;
            for (index_t bit = top; bit; bit >>= 1) {
                const index_t nx = pos + bit;
                if (nx <= cnt && cw + fw[nx] <= half) {
                    pos = nx;
                    cw += fw[nx];
                    cwy += fwy[nx];
                }
            }
            double m = sv[pos];
            if (cw == half && cw > 0.0) {
                // the cumulative weight reaches half exactly at an active rank below: midpoint
                index_t p2 = 0;
                double c2 = 0.0;
                for (index_t bit = top; bit; bit >>= 1) {
                    const index_t nx = p2 + bit;
                    if (nx <= cnt && c2 + fw[nx] < half) {
                        p2 = nx;
                        c2 += fw[nx];
                    }
                }
                m = (sv[p2] + sv[pos]) / 2.0;
            }
            const double wr = total_w - cw, wyr = total_wy - cwy;
            out[q] += (wyr - m * wr) + (m * cw - cwy);
            if (med) med[q] = m;
        }
    }

    // Absolute error of the samples seq[0..cnt) summed over the outputs; med (K entries, may be
    // null) receives each output's weighted median.
    double mae_total(const std::int32_t* seq, index_t cnt, double* med) const {
        double* out = mae_pre_.data();
        std::fill(out, out + cnt, 0.0);
        for (index_t k = 0; k < sh_.K; ++k) {
            ae_pass(seq, cnt, k, true, out, mae_pmed_.data());
            if (med) med[k] = mae_pmed_[cnt - 1];
        }
        return out[cnt - 1];
    }

    void node_value(index_t node, double lower, double upper) {
        const index_t ms = sh_.ms;
        double* dst = out_.value.data() + node * ms;
        if (mae_)
            mae_total(node_ids(), end_ - start_, dst);
        else
            for (index_t k = 0; k < ms; ++k) dst[k] = tot_[k] / wn_;
        if (!sh_.opt.monotonic_cst.empty()) {
            if (dst[0] < lower)
                dst[0] = lower;
            else if (dst[0] > upper)
                dst[0] = upper;
            if (sh_.cls) dst[1] = 1.0 - dst[0];
        }
    }

    // Room for as many nodes as the tree can have (2·samples − 1, fewer under max_leaf_nodes or
    // max_depth), so its arrays never grow by reallocation: reserving only takes address space
    // (pages are touched as nodes are added), while every regrowth of a large array maps new
    // memory and unmaps the old, and those calls stall the page faults of the other threads
    // building trees at the same time (measured: a 50-tree forest fitted 2.7x slower on 2 threads
    // when the memory of an earlier fit could not be reused).
    void reserve_nodes(index_t m) {
        std::int64_t cap = 2 * std::max<std::int64_t>(1, m) - 1;
        if (sh_.opt.max_leaf_nodes > 0) cap = std::min<std::int64_t>(cap, 2 * sh_.opt.max_leaf_nodes - 1);
        if (sh_.opt.max_depth < 40) cap = std::min<std::int64_t>(cap, (std::int64_t{2} << sh_.opt.max_depth) - 1);
        const size_t c = static_cast<size_t>(cap);
        TreeArrays& t = out_;
        for (auto* v : {&t.children_left, &t.children_right, &t.feature, &t.n_node_samples}) v->reserve(c);
        for (auto* v : {&t.threshold, &t.impurity, &t.weighted_n_node_samples}) v->reserve(c);
        t.missing_go_to_left.reserve(c);
        t.value.reserve(c * static_cast<size_t>(sh_.ms));
    }

    index_t add_node(index_t parent, bool is_left, bool is_leaf, const Choice& c, double impurity,
                     index_t n_node, double wn) {
        TreeArrays& t = out_;
        const index_t id = t.node_count();
        t.children_left.push_back(-1);
        t.children_right.push_back(-1);
        t.feature.push_back(is_leaf ? -2 : c.feature);
        t.threshold.push_back(is_leaf ? -2.0 : c.threshold);
        t.missing_go_to_left.push_back(is_leaf ? 0 : static_cast<std::uint8_t>(c.mgl));
        t.impurity.push_back(impurity);
        t.n_node_samples.push_back(static_cast<std::int32_t>(n_node));
        t.weighted_n_node_samples.push_back(wn);
        t.value.resize(t.value.size() + static_cast<size_t>(sh_.ms));
        if (parent >= 0) {
            if (is_left)
                t.children_left[parent] = static_cast<std::int32_t>(id);
            else
                t.children_right[parent] = static_cast<std::int32_t>(id);
        }
        return id;
    }

    bool mono_ok(int f, const double* L, double wl, double lower, double upper) const {
        const auto& mc = sh_.opt.monotonic_cst;
        if (mc.empty() || mc[f] == 0) return true;
        const double wr = wn_ - wl;
        const double vl = L[0] / wl, vr = (tot_[0] - L[0]) / wr;
        return vl >= lower && vr >= lower && vl <= upper && vr <= upper &&
               (vl - vr) * static_cast<double>(mc[f]) <= 0;
    }

    // ---- exact best splitter over the presorted lists
    Choice eval_sorted(int f, double lower, double upper, std::vector<double>& L, std::vector<double>& miss,
                       bool& constant) const {
        Choice best;
        const index_t cnt = end_ - start_;
        const std::int32_t* ids = ids_.data() + f * m_ + start_;
        const T* v = vals_.data() + f * m_ + start_;
        index_t nmiss = 0;
        if (sh_.has_nan[f])
            while (nmiss < cnt && is_nan(v[cnt - 1 - nmiss])) ++nmiss;
        const index_t nn = cnt - nmiss;
        constexpr T FT = feature_threshold<T>();
        constant = nn == 0 || (v[nn - 1] <= v[0] + FT && nmiss == 0);
        if (constant) return best;
        const index_t msl = sh_.opt.min_samples_leaf;
        const double mwl = mwl_;
        const index_t ms = sh_.ms;
        double wmiss = 0.0;
        if (nmiss > 0) {
            std::fill(miss.begin(), miss.end(), 0.0);
            for (index_t p = nn; p < cnt; ++p) wmiss += crit_.add(miss.data(), ids[p]);
        }
        if (mae_) return eval_sorted_mae(f, ids, v, cnt, nn, lower, upper);
        const int passes = nmiss > 0 ? 2 : 1;
        if (nmiss == 0 && sh_.K == 1 && sh_.opt.monotonic_cst.empty()) {
            if (sh_.cls && sh_.opt.criterion == Criterion::gini && integral_weights_)
                return scan_gini1(f, ids, v, cnt, msl, mwl);
            if (!sh_.cls && sh_.opt.criterion == Criterion::squared_error)
                return scan_mse1(f, ids, v, cnt, msl, mwl);
        }
        for (int pass = 0; pass < passes; ++pass) {
            const bool go_left = pass == 1;
            double wl;
            if (go_left) {
                std::copy(miss.begin(), miss.end(), L.begin());
                wl = wmiss;
            } else {
                std::fill(L.begin(), L.begin() + ms, 0.0);
                wl = 0.0;
            }
            for (index_t j = 0; j < nn; ++j) {
                wl += crit_.add(L.data(), ids[j]);
                const index_t p = j + 1;
                if (p < nn) {
                    if (v[p] <= v[j] + FT) continue;
                } else if (go_left || nmiss == 0) {
                    break;
                }
                const index_t n_left = go_left ? nmiss + p : p;
                const index_t n_right = cnt - n_left;
                if (n_left < msl || n_right < msl) continue;
                if (!mono_ok(f, L.data(), wl, lower, upper)) continue;
                if (wl < mwl || wn_ - wl < mwl) continue;
                const double pr = crit_.proxy(L.data(), wl, tot_.data(), wn_);
                best.offer(pr, f, n_left,
                           p == nn ? kInf : midpoint(v[j], v[p]), nmiss == 0 ? n_left > n_right : go_left, p, 0);
            }
        }
        return best;
    }

    // The exact splitter for absolute error: the errors of every prefix and suffix of the node's
    // samples in the feature's order, precomputed (ae_pass), then the same candidates as the
    // generic scan with the proxy -(AE_left + AE_right); missing values (at the end of the list)
    // are tried on either side, and monotonic constraints compare the children's medians.
    Choice eval_sorted_mae(int f, const std::int32_t* ids, const T* v, index_t cnt, index_t nn, double lower,
                           double upper) const {
        Choice best;
        const index_t nmiss = cnt - nn;
        const index_t K = sh_.K;
        const index_t msl = sh_.opt.min_samples_leaf;
        const double mwl = mwl_;
        constexpr T FT = feature_threshold<T>();
        const auto& mc = sh_.opt.monotonic_cst;
        const int mono = mc.empty() ? 0 : mc[f];
        double* pre = mae_pre_.data();
        double* suf = mae_suf_.data();
        std::int32_t* seq = mae_seq_.data();
        const int passes = nmiss > 0 ? 2 : 1;
        for (int pass = 0; pass < passes; ++pass) {
            const bool go_left = pass == 1;
            // left sets: seq[0..o+p) with o missing samples first; right sets: the rest of ids
            const index_t o = go_left ? nmiss : 0;
            if (go_left) {
                std::copy(ids + nn, ids + cnt, seq);
                std::copy(ids, ids + nn, seq + nmiss);
            } else {
                std::copy(ids, ids + cnt, seq);
            }
            const index_t rlen = go_left ? nn : cnt;  // the right sets are suffixes of ids[0..rlen)
            std::fill(pre, pre + o + nn, 0.0);
            std::fill(suf, suf + rlen, 0.0);
            for (index_t k = 0; k < K; ++k) {
                ae_pass(seq, o + nn, k, true, pre, mae_pmed_.data());
                ae_pass(ids, rlen, k, false, suf, mae_smed_.data());
            }
            double wl = 0.0;
            for (index_t q = 0; q < o; ++q) wl += w_[seq[q]];
            for (index_t j = 0; j < nn; ++j) {
                wl += w_[ids[j]];
                const index_t p = j + 1;
                if (p < nn) {
                    if (v[p] <= v[j] + FT) continue;
                } else if (go_left || nmiss == 0) {
                    break;
                }
                const index_t n_left = o + p;
                const index_t n_right = cnt - n_left;
                if (n_left < msl || n_right < msl) continue;
                if (wl < mwl || wn_ - wl < mwl) continue;
                if (mono != 0) {
                    const double ml = mae_pmed_[o + j], mr = mae_smed_[p];
                    if (!(ml >= lower && mr >= lower && ml <= upper && mr <= upper &&
                          (ml - mr) * static_cast<double>(mono) <= 0))
                        continue;
                }
                const double pr = -(pre[o + j] + suf[p]) / static_cast<double>(K);
                best.offer(pr, f, n_left,
                           p == nn ? kInf : midpoint(v[j], v[p]), nmiss == 0 ? n_left > n_right : go_left, p, 0);
            }
        }
        return best;
    }

    static double midpoint(T a, T b) {
        double t = static_cast<double>(a) / 2.0 + static_cast<double>(b) / 2.0;
        if (t >= static_cast<double>(b) || std::isinf(t)) t = static_cast<double>(a);
        return t;
    }

    // Single-output gini without missing values: the running sums of squared class weights are
    // updated in O(1) per sample instead of O(n_classes) per candidate (exact in integer weights).
    Choice scan_gini1(int f, const std::int32_t* ids, const T* v, index_t cnt, index_t msl, double mwl) const {
        Choice best;
        const int C = sh_.C;
        double lc[256];
        double* l = C <= 256 ? lc : nullptr;
        std::vector<double> big;
        if (!l) {
            big.assign(static_cast<size_t>(C), 0.0);
            l = big.data();
        } else {
            std::fill(l, l + C, 0.0);
        }
        const double* t = tot_.data();
        double sqr = 0.0;
        for (int c = 0; c < C; ++c) sqr += t[c] * t[c];
        double sql = 0.0, wl = 0.0;
        const double wt = wn_;
        const double* w = w_;
        const std::int32_t* yc = sh_.ycode.data();
        constexpr T FT = feature_threshold<T>();
        const index_t lo = std::max<index_t>(msl, 1), hi = cnt - std::max<index_t>(msl, 1);
        for (index_t j = 0; j < cnt - 1; ++j) {
            const std::int32_t i = ids[j];
            const double wi = w[i];
            const int c = yc[i];
            const double lo_c = l[c], ro_c = t[c] - lo_c;
            sql += wi * (2.0 * lo_c + wi);
            sqr += wi * (wi - 2.0 * ro_c);
            l[c] = lo_c + wi;
            wl += wi;
            const index_t p = j + 1;
            if (p < lo || p > hi) continue;
            if (v[p] <= v[j] + FT) continue;
            const double wr = wt - wl;
            if (wl < mwl || wr < mwl) continue;
            // the generic gini proxy's very operations (equal candidates compare equal across paths)
            const double pr = -wr * (1.0 - sqr / (wr * wr)) - wl * (1.0 - sql / (wl * wl));
            best.offer(pr, f, p, midpoint(v[j], v[p]), p > cnt - p, p, 0);
        }
        return best;
    }

    // Single-output squared error without missing values: proxy S_L^2/w_L + S_R^2/w_R.
    Choice scan_mse1(int f, const std::int32_t* ids, const T* v, index_t cnt, index_t msl, double mwl) const {
        Choice best;
        const double st = tot_[0], wt = wn_;
        double sl = 0.0, wl = 0.0;
        const double* w = w_;
        const double* y = sh_.pb->y;
        constexpr T FT = feature_threshold<T>();
        const index_t lo = std::max<index_t>(msl, 1), hi = cnt - std::max<index_t>(msl, 1);
        for (index_t j = 0; j < cnt - 1; ++j) {
            const std::int32_t i = ids[j];
            const double wi = w[i];
            sl += wi * y[i];
            wl += wi;
            const index_t p = j + 1;
            if (p < lo || p > hi) continue;
            if (v[p] <= v[j] + FT) continue;
            const double wr = wt - wl;
            if (wl < mwl || wr < mwl) continue;
            const double sr = st - sl;
            const double pr = sl * sl / wl + sr * sr / wr;
            best.offer(pr, f, p, midpoint(v[j], v[p]), p > cnt - p, p, 0);
        }
        return best;
    }

    // ---- histogram splitter over the node's sample list
    Choice eval_hist(int f, double lower, double upper, std::vector<double>& L, bool& constant) {
        Choice best;
        const index_t cnt = end_ - start_;
        const index_t n = sh_.n, ms = sh_.ms, st = ms + 1;
        const int nb = sh_.n_bins[f];
        const std::uint8_t* code = sh_.codes.data() + f * n;
        const std::int32_t* ids = samples_.data() + start_;
        if (cnt * 8 < nb) return eval_codes_sorted(f, lower, upper, L, constant);
        // bins 0..nb-1 and the missing bin at nb
        std::fill(hist_.begin(), hist_.begin() + (nb + 1) * st, 0.0);
        std::fill(hcnt_.begin(), hcnt_.begin() + nb + 1, 0);
        if (sh_.cls && sh_.K == 1) {
            const std::int32_t* yc = sh_.ycode.data();
            const double* w = w_;
            double* H = hist_.data();
            index_t* hc = hcnt_.data();
            for (index_t p = 0; p < cnt; ++p) {
                const std::int32_t i = ids[p];
                const int b = code[i] == 255 ? nb : code[i];
                double* h = H + b * st;
                const double wi = w[i];
                h[0] += wi;
                h[1 + yc[i]] += wi;
                ++hc[b];
            }
        } else if (!sh_.cls && sh_.K == 1) {
            const double* y = sh_.pb->y;
            const double* w = w_;
            double* H = hist_.data();
            index_t* hc = hcnt_.data();
            for (index_t p = 0; p < cnt; ++p) {
                const std::int32_t i = ids[p];
                const int b = code[i] == 255 ? nb : code[i];
                double* h = H + b * 2;
                const double wi = w[i];
                h[0] += wi;
                h[1] += wi * y[i];
                ++hc[b];
            }
        } else {
            for (index_t p = 0; p < cnt; ++p) {
                const std::int32_t i = ids[p];
                const int b = code[i] == 255 ? nb : code[i];
                double* h = hist_.data() + b * st;
                h[0] += crit_.add(h + 1, i);
                ++hcnt_[b];
            }
        }
        const index_t nmiss = hcnt_[nb];
        int first = -1, last = -1, nonempty = 0;
        for (int b = 0; b < nb; ++b)
            if (hcnt_[b] > 0) {
                if (first < 0) first = b;
                last = b;
                ++nonempty;
            }
        constant = nonempty == 0 || (nonempty == 1 && nmiss == 0);
        if (constant) return best;
        const index_t msl = sh_.opt.min_samples_leaf;
        const double mwl = mwl_;
        const double* hm = hist_.data() + nb * st;
        const int passes = nmiss > 0 ? 2 : 1;
        for (int pass = 0; pass < passes; ++pass) {
            const bool go_left = pass == 1;
            double wl;
            index_t nl;
            if (go_left) {
                std::copy(hm + 1, hm + st, L.begin());
                wl = hm[0];
                nl = nmiss;
            } else {
                std::fill(L.begin(), L.begin() + ms, 0.0);
                wl = 0.0;
                nl = 0;
            }
            for (int b = first; b <= last; ++b) {
                if (hcnt_[b] == 0) continue;
                const double* h = hist_.data() + b * st;
                wl += h[0];
                for (index_t k = 0; k < ms; ++k) L[k] += h[k + 1];
                nl += hcnt_[b];
                if (b == last && (go_left || nmiss == 0)) break;
                const index_t n_left = nl, n_right = cnt - nl;
                if (n_left < msl || n_right < msl) continue;
                if (!mono_ok(f, L.data(), wl, lower, upper)) continue;
                if (wl < mwl || wn_ - wl < mwl) continue;
                const double pr = crit_.proxy(L.data(), wl, tot_.data(), wn_);
                best.offer(pr, f, n_left,
                           b == last ? kInf : sh_.edges[f][b], nmiss == 0 ? n_left > n_right : go_left, 0, 0);
            }
        }
        return best;
    }

    // The histogram splitter's answer for a node with far fewer samples than bins: the node's
    // (code, sample) pairs sorted by code and scanned like the exact splitter, candidate cuts
    // between distinct codes (the same candidates and thresholds as the bin scan, without
    // clearing and scanning every bin).
    Choice eval_codes_sorted(int f, double lower, double upper, std::vector<double>& L, bool& constant) {
        Choice best;
        const index_t cnt = end_ - start_;
        const std::uint8_t* code = sh_.codes.data() + f * sh_.n;
        const std::int32_t* ids = samples_.data() + start_;
        pairs_.resize(static_cast<size_t>(cnt));
        for (index_t p = 0; p < cnt; ++p) pairs_[p] = {code[ids[p]], ids[p]};
        std::sort(pairs_.begin(), pairs_.end());
        index_t nmiss = 0;
        while (nmiss < cnt && pairs_[cnt - 1 - nmiss].first == 255) ++nmiss;
        const index_t nn = cnt - nmiss;
        constant = nn == 0 || (pairs_[0].first == pairs_[nn - 1].first && nmiss == 0);
        if (constant) return best;
        const index_t msl = sh_.opt.min_samples_leaf;
        const double mwl = mwl_;
        const index_t ms = sh_.ms;
        double wmiss = 0.0;
        std::fill(miss_.begin(), miss_.end(), 0.0);
        for (index_t p = nn; p < cnt; ++p) wmiss += crit_.add(miss_.data(), pairs_[p].second);
        const int passes = nmiss > 0 ? 2 : 1;
        for (int pass = 0; pass < passes; ++pass) {
            const bool go_left = pass == 1;
            double wl;
            if (go_left) {
                std::copy(miss_.begin(), miss_.end(), L.begin());
                wl = wmiss;
            } else {
                std::fill(L.begin(), L.begin() + ms, 0.0);
                wl = 0.0;
            }
            for (index_t j = 0; j < nn; ++j) {
                wl += crit_.add(L.data(), pairs_[j].second);
                const index_t p = j + 1;
                if (p < nn) {
                    if (pairs_[p].first == pairs_[j].first) continue;
                } else if (go_left || nmiss == 0) {
                    break;
                }
                const index_t n_left = go_left ? nmiss + p : p;
                const index_t n_right = cnt - n_left;
                if (n_left < msl || n_right < msl) continue;
                if (!mono_ok(f, L.data(), wl, lower, upper)) continue;
                if (wl < mwl || wn_ - wl < mwl) continue;
                const double pr = crit_.proxy(L.data(), wl, tot_.data(), wn_);
                best.offer(pr, f, n_left,
                           p == nn ? kInf : sh_.edges[f][pairs_[j].first], nmiss == 0 ? n_left > n_right : go_left, 0, 0);
            }
        }
        return best;
    }

    // ---- random splitter: one threshold drawn between the node's min and max
    Choice eval_random(int f, double lower, double upper, std::vector<double>& L, bool& constant) {
        Choice best;
        const index_t cnt = end_ - start_;
        const T* col = sh_.Xc.data() + f * sh_.n;
        const std::int32_t* ids = samples_.data() + start_;
        T vmin = std::numeric_limits<T>::infinity(), vmax = -std::numeric_limits<T>::infinity();
        index_t nmiss = 0;
        for (index_t p = 0; p < cnt; ++p) {  // branch-free: a NaN compares false, so it is skipped
            const T v = col[ids[p]];
            fv_[p] = v;
            nmiss += is_nan(v);
            vmin = v < vmin ? v : vmin;
            vmax = v > vmax ? v : vmax;
        }
        constexpr T FT = feature_threshold<T>();
        constant = cnt == nmiss || (vmax <= vmin + FT && nmiss == 0);
        if (constant) return best;
        double thr = rng_.rand_uniform(static_cast<double>(vmin), static_cast<double>(vmax));
        const bool mgl = nmiss > 0 ? rng_.rand_int(0, 2) != 0 : false;
        if (thr == static_cast<double>(vmax)) thr = static_cast<double>(vmin);
        const index_t ms = sh_.ms;
        std::fill(L.begin(), L.begin() + ms, 0.0);
        double wl = 0.0;
        index_t nl = 0;
        if (sh_.K == 1) {
            // branch-free (a sample's side is unpredictable): every sample adds its weight times
            // 0 or 1; adding an exact zero leaves each sum as the branchy loop would have it
            const double* w = w_;
            double* acc = L.data();
            if (sh_.cls && integral_weights_) {
                // whole weights: every partial sum is an exact integer, so four banks (samples
                // p mod 4) add up to the very sums of one sequential pass, without its chain of
                // dependent additions into the same class's total
                wl = crit_.banked(acc, cnt, banks_, [&](index_t p, std::int32_t& i) {
                    const T v = fv_[p];
                    const bool left = is_nan(v) ? mgl : static_cast<double>(v) <= thr;
                    i = ids[p];
                    nl += left;
                    return w[i] * static_cast<double>(left);
                });
            } else if (sh_.cls) {
                const std::int32_t* yc = sh_.ycode.data();
                for (index_t p = 0; p < cnt; ++p) {
                    const T v = fv_[p];
                    const bool left = is_nan(v) ? mgl : static_cast<double>(v) <= thr;
                    const std::int32_t i = ids[p];
                    const double wi = w[i] * static_cast<double>(left);
                    acc[yc[i]] += wi;
                    wl += wi;
                    nl += left;
                }
            } else {
                const double* y = sh_.pb->y;
                for (index_t p = 0; p < cnt; ++p) {
                    const T v = fv_[p];
                    const bool left = is_nan(v) ? mgl : static_cast<double>(v) <= thr;
                    const std::int32_t i = ids[p];
                    const double wi = w[i] * static_cast<double>(left);
                    acc[0] += wi * y[i];
                    wl += wi;
                    nl += left;
                }
            }
        } else {
            for (index_t p = 0; p < cnt; ++p) {
                const T v = fv_[p];
                const bool left = is_nan(v) ? mgl : static_cast<double>(v) <= thr;
                if (left) {
                    wl += crit_.add(L.data(), ids[p]);
                    ++nl;
                }
            }
        }
        const index_t msl = sh_.opt.min_samples_leaf;
        const double mwl = mwl_;
        if (nl < msl || cnt - nl < msl) return best;
        if (wl < mwl || wn_ - wl < mwl) return best;
        double pr;
        if (mae_) {
            // the two sides' absolute errors (and medians for the monotonic check)
            std::int32_t* seq = mae_seq_.data();
            index_t a = 0, b = nl;
            for (index_t p = 0; p < cnt; ++p) {
                const T v = fv_[p];
                const bool left = is_nan(v) ? mgl : static_cast<double>(v) <= thr;
                seq[left ? a++ : b++] = ids[p];
            }
            double ml[1] = {0.0}, mr[1] = {0.0};
            const bool one = sh_.K == 1;
            const double ael = mae_total(seq, nl, one ? ml : nullptr);
            const double aer = mae_total(seq + nl, cnt - nl, one ? mr : nullptr);
            const auto& mc = sh_.opt.monotonic_cst;
            if (!mc.empty() && mc[f] != 0 &&
                !(ml[0] >= lower && mr[0] >= lower && ml[0] <= upper && mr[0] <= upper &&
                  (ml[0] - mr[0]) * static_cast<double>(mc[f]) <= 0))
                return best;
            pr = -(ael + aer) / static_cast<double>(sh_.K);
        } else {
            if (!mono_ok(f, L.data(), wl, lower, upper)) return best;
            pr = crit_.proxy(L.data(), wl, tot_.data(), wn_);
        }
        best.valid = pr > -kInf;
        best.proxy = pr;
        best.feature = f;
        best.threshold = thr;
        best.n_left = nl;
        best.mgl = nmiss > 0 ? mgl : nl > cnt - nl;
        return best;
    }

    // The histogram fast path for one feature: per-bin statistics of the node's samples (the
    // touched bins recorded in a 256-bit map, so an empty bin costs nothing), then a scan over the
    // non-empty bins in order, missing values tried on either side. Same candidates, statistics and
    // order of sums as eval_hist.
    Choice eval_hist_fast(int f, bool& constant) {
        Choice best;
        const index_t cnt = end_ - start_;
        const std::uint8_t* code = sh_.codes.data() + f * sh_.n;
        const std::int32_t* ids = samples_.data() + start_;
        const double* w = sw_.data() + start_;
        const double* yv = sy_.data() + start_;
        const int st = fst_;
        const int ci = st - 1;  // where the count is
        double* H = fhist_.data();
        std::uint64_t occ[4] = {0, 0, 0, 0};
        if (sh_.cls) {
            for (index_t p = 0; p < cnt; ++p) {
                const int b = code[ids[p]];
                double* h = H + b * st;
                h[0] += w[p];
                h[1 + static_cast<int>(yv[p])] += w[p];
                h[ci] += 1.0;
                occ[b >> 6] |= std::uint64_t{1} << (b & 63);
            }
        } else {
            for (index_t p = 0; p < cnt; ++p) {
                const int b = code[ids[p]];
                double* h = H + b * st;
                h[0] += w[p];
                h[1] += w[p] * yv[p];
                h[2] += 1.0;
                occ[b >> 6] |= std::uint64_t{1} << (b & 63);
            }
        }
        // the non-empty bins in order (the missing bin 255 apart)
        int bins[256];
        int nb = 0;
        for (int q = 0; q < 4; ++q) {
            std::uint64_t m = occ[q];
            while (m) {
                const int b = q * 64 + __builtin_ctzll(m);
                m &= m - 1;
                bins[nb++] = b;
            }
        }
        const double* hm = H + 255 * st;
        const bool has_miss = nb > 0 && bins[nb - 1] == 255;
        if (has_miss) --nb;
        const index_t nmiss = has_miss ? static_cast<index_t>(hm[ci]) : 0;
        constant = nb == 0 || (nb == 1 && nmiss == 0);
        if (!constant) {
            const index_t msl = sh_.opt.min_samples_leaf;
            const double mwl = mwl_;
            const index_t ms = sh_.ms;
            const double wt = wn_;
            const double* tot = tot_.data();
            const bool gini = sh_.cls && sh_.opt.criterion == Criterion::gini;
            const bool mse = !sh_.cls && sh_.opt.criterion == Criterion::squared_error;
            double* L = L_.data();
            const int passes = nmiss > 0 ? 2 : 1;
            const int last = bins[nb - 1];
            // gini and squared error: the proxy is num / den with den = wl wr > 0 (gini's is
            // that minus the node weight), compared by cross-multiplication, no division per bin
            double best_num = -1.0, best_den = 1.0;
            for (int pass = 0; pass < passes; ++pass) {
                const bool go_left = pass == 1;
                double wl;
                index_t nl;
                if (go_left) {
                    std::copy(hm + 1, hm + 1 + ms, L);
                    wl = hm[0];
                    nl = nmiss;
                } else {
                    std::fill(L, L + ms, 0.0);
                    wl = 0.0;
                    nl = 0;
                }
                for (int q = 0; q < nb; ++q) {
                    const int b = bins[q];
                    const double* h = H + b * st;
                    wl += h[0];
                    for (index_t k = 0; k < ms; ++k) L[k] += h[k + 1];
                    nl += static_cast<index_t>(h[ci]);
                    if (b == last && (go_left || nmiss == 0)) break;
                    const index_t n_left = nl, n_right = cnt - nl;
                    if (n_left < msl || n_right < msl) continue;
                    const double wr = wt - wl;
                    if (wl < mwl || wr < mwl) continue;
                    double pr;
                    if (gini || mse) {
                        // sql / wl + sqr / wr, the sums of squared class weights (gini) or the
                        // squared target sums (squared error) of either side
                        double sql = 0.0, sqr = 0.0;
                        for (index_t c = 0; c < ms; ++c) {
                            const double l = L[c], r = tot[c] - L[c];
                            sql += l * l;
                            sqr += r * r;
                        }
                        const double num = sql * wr + sqr * wl, den = wl * wr;
                        if (!(num * best_den > best_num * den)) continue;
                        best_num = num;
                        best_den = den;
                        pr = num / den - (gini ? wt : 0.0);
                    } else {
                        pr = crit_.proxy(L, wl, tot, wt);
                    }
                    best.offer(pr, f, n_left,
                               b == last ? kInf : sh_.edges[f][b], nmiss == 0 ? n_left > n_right : go_left, 0, b);
                }
            }
        }
        // leave the histogram zero for the next use
        for (int q = 0; q < 4; ++q) {
            std::uint64_t m = occ[q];
            while (m) {
                const int b = q * 64 + __builtin_ctzll(m);
                m &= m - 1;
                double* h = H + b * st;
                for (int k = 0; k < st; ++k) h[k] = 0.0;
            }
        }
        return best;
    }

    // The two commonest cases of the fast path with the statistics' layout fixed at compile time
    // and the running sums in registers: binary gini (KIND 2: per bin the weights of class 0 and
    // class 1 and the count; a side's weight is the sum of its two class weights) and squared error
    // (KIND 1: per bin the weight, the weighted target sum and the count). The proxy is
    // num / den with den = wl wr, compared by cross-multiplication (gini's minus the node weight),
    // the candidates and thresholds those of eval_hist_fast.
    template <int KIND>
    Choice eval_hist_fixed(int f, bool& constant) {
        constexpr int ST = 3;
        Choice best;
        const index_t cnt = end_ - start_;
        const std::uint8_t* code = sh_.codes.data() + f * sh_.n;
        const std::int32_t* ids = samples_.data() + start_;
        const double* w = sw_.data() + start_;
        const double* yv = sy_.data() + start_;
        double* H = fhist_.data();
        std::uint64_t occ[4] = {0, 0, 0, 0};
        for (index_t p = 0; p < cnt; ++p) {
            const int b = code[ids[p]];
            double* h = H + b * ST;
            if (KIND == 2) {
                h[static_cast<int>(yv[p])] += w[p];
            } else {
                h[0] += w[p];
                h[1] += w[p] * yv[p];
            }
            h[2] += 1.0;
            occ[b >> 6] |= std::uint64_t{1} << (b & 63);
        }
        int bins[256];
        int nb = 0;
        for (int q = 0; q < 4; ++q) {
            std::uint64_t m = occ[q];
            while (m) {
                bins[nb++] = q * 64 + __builtin_ctzll(m);
                m &= m - 1;
            }
        }
        const double* hm = H + 255 * ST;
        const bool has_miss = nb > 0 && bins[nb - 1] == 255;
        if (has_miss) --nb;
        const double nmiss = has_miss ? hm[2] : 0.0;
        constant = nb == 0 || (nb == 1 && nmiss == 0.0);
        if (!constant) {
            const double msl = static_cast<double>(sh_.opt.min_samples_leaf);
            const double mwl = mwl_;
            const double wt = wn_, cntd = static_cast<double>(cnt);
            const double t0 = tot_[0], t1 = KIND == 2 ? tot_[1] : 0.0;
            const int passes = nmiss > 0.0 ? 2 : 1;
            const std::vector<double>& edges = sh_.edges[f];
            ScanBest<double> sb;
            for (int pass = 0; pass < passes; ++pass) {
                const bool go_left = pass == 1;
                // a = class-0 weight or side weight, c = class-1 weight or weighted target sum
                double a = go_left ? hm[0] : 0.0, c = go_left ? hm[1] : 0.0, nl = go_left ? nmiss : 0.0;
                // the last bin is a candidate only with every missing value going right
                const int nq = (!go_left && nmiss > 0.0) ? nb : nb - 1;
                for (int q = 0; q < nq; ++q) {
                    const double* h = H + bins[q] * ST;
                    a += h[0];
                    c += h[1];
                    nl += h[2];
                    if (nl < msl || cntd - nl < msl) continue;
                    double wl, wr, num;
                    if (KIND == 2) {
                        wl = a + c;
                        wr = wt - wl;
                        const double r0 = t0 - a, r1 = t1 - c;
                        num = (a * a + c * c) * wr + (r0 * r0 + r1 * r1) * wl;
                    } else {
                        wl = a;
                        wr = wt - wl;
                        const double r = t0 - c;
                        num = c * c * wr + r * r * wl;
                    }
                    if (wl < mwl || wr < mwl) continue;
                    sb.take(num, wl * wr, q, pass, nl);
                }
            }
            sb.offer_to(best, KIND == 2 ? wt : 0.0, f, cnt, bins, nb, edges, nmiss == 0.0);
        }
        for (int q = 0; q < 4; ++q) {
            std::uint64_t m = occ[q];
            while (m) {
                double* h = H + (q * 64 + __builtin_ctzll(m)) * ST;
                m &= m - 1;
                h[0] = 0.0;
                h[1] = 0.0;
                h[2] = 0.0;
            }
        }
        return best;
    }

    // eval_hist_fixed with integral weights whose total is below 2^31: a sample adds
    // (weight << 32) | 1 to one 64-bit integer of its bin (binary gini: the slot of its class;
    // squared error: the weight-and-count slot, next to a double for the weighted target sum), one
    // update in place of two or three; the running sums are exact integers, so the candidates and
    // their proxies are those of eval_hist_fixed bit for bit.
    template <int KIND>
    Choice eval_hist_packed(int f, bool& constant) {
        constexpr std::uint64_t LOW = 0xffffffffu;
        Choice best;
        const index_t cnt = end_ - start_;
        const std::uint8_t* code = sh_.codes.data() + f * sh_.n;
        const std::int32_t* ids = samples_.data() + start_;
        const double* w = sw_.data() + start_;
        const double* yv = sy_.data() + start_;
        std::uint64_t* P = phist_.data();  // binary gini: 2 per bin; squared error: 1 per bin
        double* S = shist_.data();         // squared error: the weighted target sum per bin
        std::uint64_t occ[4] = {0, 0, 0, 0};
        for (index_t p = 0; p < cnt; ++p) {
            const int b = code[ids[p]];
            const std::uint64_t pk = (static_cast<std::uint64_t>(static_cast<std::int64_t>(w[p])) << 32) | 1u;
            if (KIND == 2) {
                P[2 * b + static_cast<int>(yv[p])] += pk;
            } else {
                P[b] += pk;
                S[b] += w[p] * yv[p];
            }
            occ[b >> 6] |= std::uint64_t{1} << (b & 63);
        }
        int bins[256];
        int nb = 0;
        for (int q = 0; q < 4; ++q) {
            std::uint64_t m = occ[q];
            while (m) {
                bins[nb++] = q * 64 + __builtin_ctzll(m);
                m &= m - 1;
            }
        }
        const bool has_miss = nb > 0 && bins[nb - 1] == 255;
        if (has_miss) --nb;
        // the missing bin's two sums
        std::uint64_t ma = 0, mc = 0;
        double ms = 0.0;
        if (has_miss) {
            if (KIND == 2) {
                ma = P[2 * 255];
                mc = P[2 * 255 + 1];
            } else {
                ma = P[255];
                ms = S[255];
            }
        }
        const std::uint64_t nmiss = (ma & LOW) + (mc & LOW);
        constant = nb == 0 || (nb == 1 && nmiss == 0);
        if (!constant) {
            const std::uint64_t msl = static_cast<std::uint64_t>(sh_.opt.min_samples_leaf);
            const double mwl = mwl_;
            const double wt = wn_;
            const std::uint64_t ucnt = static_cast<std::uint64_t>(cnt);
            const double t0 = tot_[0], t1 = KIND == 2 ? tot_[1] : 0.0;
            const int passes = nmiss > 0 ? 2 : 1;
            ScanBest<std::uint64_t> sb;
            for (int pass = 0; pass < passes; ++pass) {
                const bool go_left = pass == 1;
                std::uint64_t A = go_left ? ma : 0, Cc = go_left ? mc : 0;
                double sl = go_left ? ms : 0.0;
                const int nq = (!go_left && nmiss > 0) ? nb : nb - 1;
                for (int q = 0; q < nq; ++q) {
                    const int b = bins[q];
                    std::uint64_t nl;
                    double wl, wr, num;
                    if (KIND == 2) {
                        A += P[2 * b];
                        Cc += P[2 * b + 1];
                        nl = (A & LOW) + (Cc & LOW);
                        if (nl < msl || ucnt - nl < msl) continue;
                        const double a = static_cast<double>(static_cast<std::int64_t>(A >> 32)),
                                     c = static_cast<double>(static_cast<std::int64_t>(Cc >> 32));
                        wl = a + c;
                        wr = wt - wl;
                        const double r0 = t0 - a, r1 = t1 - c;
                        num = (a * a + c * c) * wr + (r0 * r0 + r1 * r1) * wl;
                    } else {
                        A += P[b];
                        sl += S[b];
                        nl = A & LOW;
                        if (nl < msl || ucnt - nl < msl) continue;
                        wl = static_cast<double>(static_cast<std::int64_t>(A >> 32));
                        wr = wt - wl;
                        const double r = t0 - sl;
                        num = sl * sl * wr + r * r * wl;
                    }
                    if (wl < mwl || wr < mwl) continue;
                    sb.take(num, wl * wr, q, pass, nl);
                }
            }
            sb.offer_to(best, KIND == 2 ? wt : 0.0, f, cnt, bins, nb, sh_.edges[f], nmiss == 0);
        }
        for (int q = 0; q < 4; ++q) {
            std::uint64_t m = occ[q];
            while (m) {
                const int b = q * 64 + __builtin_ctzll(m);
                m &= m - 1;
                if (KIND == 2) {
                    P[2 * b] = 0;
                    P[2 * b + 1] = 0;
                } else {
                    P[b] = 0;
                    S[b] = 0.0;
                }
            }
        }
        return best;
    }

    Choice eval(int f, double lower, double upper, bool& constant) {
        if (sh_.presorted) return eval_sorted(f, lower, upper, L_, miss_, constant);
        if (fixed_ != 0 && packed_) {
            if (fixed_ == 2) return eval_hist_packed<2>(f, constant);
            return eval_hist_packed<1>(f, constant);
        }
        if (fixed_ == 2) return eval_hist_fixed<2>(f, constant);
        if (fixed_ == 1) return eval_hist_fixed<1>(f, constant);
        if (fast_) return eval_hist_fast(f, constant);
        if (sh_.hist) return eval_hist(f, lower, upper, L_, constant);
        return eval_random(f, lower, upper, L_, constant);
    }

    // Evaluates every feature not known constant at once (threads over features); the draw loop
    // then replays the generator over the stored answers. Only when every feature gets drawn.
    void eval_all_parallel(index_t n_known, double lower, double upper) {
        const index_t d = sh_.d;
        is_constant_.assign(static_cast<size_t>(d), 0);
        std::vector<int> todo;
        for (index_t q = n_known; q < d; ++q) todo.push_back(static_cast<int>(features_[q]));
        const index_t nt = threads_for(nt_, static_cast<long long>(todo.size()));
        const index_t ms = sh_.ms;
        ExceptionSlot slot;
#pragma omp parallel num_threads(nt)
        {
            std::vector<double> L(ms), miss(ms);
#pragma omp for schedule(dynamic, 1)
            for (index_t q = 0; q < static_cast<index_t>(todo.size()); ++q) {
                slot.run([&] {
                    bool c = false;
                    const int f = todo[q];
                    results_[f] = eval_sorted(f, lower, upper, L, miss, c);
                    is_constant_[f] = c;
                });
            }
        }
        slot.rethrow();
    }

    // Draws features as the Fisher-Yates walk does, evaluates them, keeps the best (first met on
    // ties). n_constant: in, the count of known constant features; out, including the new ones.
    Choice node_split(index_t& n_constant, double lower, double upper) {
        const index_t d = sh_.d;
        const index_t maxf = sh_.max_features;
        index_t f_i = d, n_visited = 0, n_found = 0, n_drawn = 0;
        const index_t n_known = n_constant;
        index_t n_total = n_known;
        const bool pre = sh_.presorted && maxf >= d && nt_ > 1 && !mae_ &&
                         (end_ - start_) * (d - n_known) >= kInnerWork;
        if (pre) eval_all_parallel(n_known, lower, upper);
        Choice best;
        while (f_i > n_total && (n_visited < maxf || n_visited <= n_found + n_drawn)) {
            ++n_visited;
            index_t f_j = rng_.rand_int(n_drawn, f_i - n_found);
            if (f_j < n_known) {
                std::swap(features_[n_drawn], features_[f_j]);
                ++n_drawn;
                continue;
            }
            f_j += n_found;
            const int f = static_cast<int>(features_[f_j]);
            bool constant = false;
            Choice c;
            if (pre) {
                c = results_[f];
                constant = is_constant_[f] != 0;
            } else {
                c = eval(f, lower, upper, constant);
            }
            if (constant) {
                std::swap(features_[f_j], features_[n_total]);
                ++n_found;
                ++n_total;
                continue;
            }
            --f_i;
            std::swap(features_[f_i], features_[f_j]);
            if (c.valid && c.proxy > best.proxy) best = c;
        }
        std::copy(constant_.begin(), constant_.begin() + n_known, features_.begin());
        std::copy(features_.begin() + n_known, features_.begin() + n_known + n_found,
                  constant_.begin() + n_known);
        n_constant = n_total;
        return best;
    }

    // Marks the samples going left for the chosen split, partitions the node's lists (left first)
    // and computes the left/right statistics, children impurities and the impurity decrease.
    void apply_split(const Choice& c, double impurity, double& imp_left, double& imp_right,
                     double& improvement, double& middle) {
        const index_t cnt = end_ - start_;
        cur_nl_ = c.n_left;
        std::fill(L_.begin(), L_.end(), 0.0);
        double wl = 0.0;
        std::int32_t* left_ids;  // after partition: the left samples, contiguous
        if (sh_.presorted) {
            const int f = c.feature;
            const std::int32_t* ids = ids_.data() + f * m_ + start_;
            const T* v = vals_.data() + f * m_ + start_;
            index_t nmiss = 0;
            if (sh_.has_nan[f])
                while (nmiss < cnt && is_nan(v[cnt - 1 - nmiss])) ++nmiss;
            const index_t nn = cnt - nmiss;
            for (index_t p = 0; p < cnt; ++p) goes_left_[ids[p]] = 0;
            for (index_t p = 0; p < c.nl_sorted; ++p) goes_left_[ids[p]] = 1;
            if (c.mgl)
                for (index_t p = nn; p < cnt; ++p) goes_left_[ids[p]] = 1;
            const index_t d = sh_.d;
            const int nt = (cnt * d >= kInnerWork) ? threads_for(nt_, d) : 1;
#pragma omp parallel for num_threads(nt) schedule(static)
            for (index_t j = 0; j < d; ++j) {
                int tid = 0;
#ifdef _OPENMP
                tid = omp_get_thread_num();
#endif
                std::int32_t* di = ids_.data() + j * m_ + start_;
                T* dv = vals_.data() + j * m_ + start_;
                std::int32_t* ti = tmp_ids_.data() + static_cast<index_t>(tid) * m_;
                T* tv = tmp_vals_.data() + static_cast<index_t>(tid) * m_;
                // branch-free (the side is a coin toss to the predictor): each sample is written
                // to both sides, and only the side it belongs to advances (l <= p: in place is safe)
                const std::uint8_t* gl = goes_left_.data();
                index_t l = 0, r = 0;
                for (index_t p = 0; p < cnt; ++p) {
                    const std::int32_t i = di[p];
                    const T x = dv[p];
                    const index_t g = gl[i];
                    di[l] = i;
                    dv[l] = x;
                    ti[r] = i;
                    tv[r] = x;
                    l += g;
                    r += 1 - g;
                }
                std::memcpy(di + l, ti, sizeof(std::int32_t) * r);
                std::memcpy(dv + l, tv, sizeof(T) * r);
            }
            left_ids = ids_.data() + start_;  // feature 0's list: left samples first
        } else if (fast_) {
            // partition ids, weights and targets together; the left statistics from the moved values
            std::int32_t* ids = samples_.data() + start_;
            double* w = sw_.data() + start_;
            double* yv = sy_.data() + start_;
            const std::uint8_t* code = sh_.codes.data() + c.feature * sh_.n;
            const int bin = c.bin;
            const bool mgl = c.mgl;
            // the stable partition also sums each side's statistics in the order node_reset
            // would (so the children's totals are carried, not recomputed, bit for bit):
            // classification: per class weight, then the weight; regression: Σ w y, Σ w, Σ w y²
            const index_t ms = sh_.ms;
            double* sl = side_stats_.data();           // left: ms sums, weight, Σ w y²
            double* sr = side_stats_.data() + ms + 2;  // right
            std::fill(side_stats_.begin(), side_stats_.end(), 0.0);
            index_t l = 0, r = 0;
            if (sh_.cls) {
                for (index_t p = 0; p < cnt; ++p) {
                    const std::int32_t i = ids[p];
                    const int b = code[i];
                    const bool left = b == 255 ? mgl : b <= bin;
                    const double wp = w[p], yp = yv[p];
                    double* st = left ? sl : sr;
                    st[static_cast<int>(yp)] += wp;
                    st[ms] += wp;
                    if (left) {
                        ids[l] = i;
                        w[l] = wp;
                        yv[l] = yp;
                        ++l;
                    } else {
                        tmp_ids_[r] = i;
                        tmp_w_[r] = wp;
                        tmp_y_[r] = yp;
                        ++r;
                    }
                }
            } else {
                for (index_t p = 0; p < cnt; ++p) {
                    const std::int32_t i = ids[p];
                    const int b = code[i];
                    const bool left = b == 255 ? mgl : b <= bin;
                    const double wp = w[p], yp = yv[p];
                    double* st = left ? sl : sr;
                    st[0] += wp * yp;
                    st[1] += wp;
                    st[2] += wp * yp * yp;
                    if (left) {
                        ids[l] = i;
                        w[l] = wp;
                        yv[l] = yp;
                        ++l;
                    } else {
                        tmp_ids_[r] = i;
                        tmp_w_[r] = wp;
                        tmp_y_[r] = yp;
                        ++r;
                    }
                }
            }
            std::memcpy(ids + l, tmp_ids_.data(), sizeof(std::int32_t) * r);
            std::memcpy(w + l, tmp_w_.data(), sizeof(double) * r);
            std::memcpy(yv + l, tmp_y_.data(), sizeof(double) * r);
            std::copy(sl, sl + ms, L_.begin());
            wl = sl[ms];
            const double sql = sh_.cls ? 0.0 : sl[ms + 1];
            finish_split(impurity, wl, sql, nullptr, imp_left, imp_right, improvement, middle);
            return;
        } else {
            std::int32_t* ids = samples_.data() + start_;
            const int f = c.feature;
            index_t l = 0, r = 0;
            if (sh_.hist) {
                const std::uint8_t* code = sh_.codes.data() + f * sh_.n;
                const double thr = c.threshold;
                const auto& e = sh_.edges[f];
                // bin b goes left iff its upper edge <= thr (the last bin's edge is +inf)
                for (index_t p = 0; p < cnt; ++p) {
                    const std::int32_t i = ids[p];
                    bool left;
                    if (code[i] == 255)
                        left = c.mgl;
                    else
                        left = code[i] < static_cast<int>(e.size()) ? e[code[i]] <= thr : thr == kInf;
                    if (left)
                        ids[l++] = i;
                    else
                        tmp_ids_[r++] = i;
                }
            } else {
                const T* col = sh_.Xc.data() + f * sh_.n;
                std::int32_t* ti = tmp_ids_.data();
                // branch-free, as the presorted partition (l <= p: in place is safe)
                for (index_t p = 0; p < cnt; ++p) {
                    const std::int32_t i = ids[p];
                    const T x = col[i];
                    const index_t g = is_nan(x) ? c.mgl : static_cast<double>(x) <= c.threshold;
                    ids[l] = i;
                    ti[r] = i;
                    l += g;
                    r += 1 - g;
                }
            }
            std::memcpy(ids + l, tmp_ids_.data(), sizeof(std::int32_t) * r);
            left_ids = ids;
        }
        const index_t nl = c.n_left;
        wl += crit_.add_all(L_.data(), left_ids, nl, integral_weights_, banks_);
        const double sql = (sh_.cls || sh_.opt.criterion == Criterion::poisson) ? 0.0 : crit_.sq_sum(left_ids, nl);
        finish_split(impurity, wl, sql, left_ids, imp_left, imp_right, improvement, middle);
    }

    // From the left statistics L_ (weight wl; for squared error sql = Σ w y² on the left): the
    // children impurities, the weighted impurity decrease and the monotonic bound's middle value.
    // left_ids (the partitioned node, left first) is read only by the poisson criterion.
    void finish_split(double impurity, double wl, double sql, const std::int32_t* left_ids, double& imp_left,
                      double& imp_right, double& improvement, double& middle) {
        const index_t cnt = end_ - start_;
        const index_t ms = sh_.ms;
        const double wr = wn_ - wl;
        for (index_t k = 0; k < ms; ++k) R_[k] = tot_[k] - L_[k];
        if (sh_.cls) {
            imp_left = crit_.class_impurity(L_.data(), wl);
            imp_right = crit_.class_impurity(R_.data(), wr);
        } else if (mae_) {
            double ml[1] = {0.0}, mr[1] = {0.0};
            const bool one = sh_.K == 1;
            imp_left = mae_total(left_ids, cur_nl_, one ? ml : nullptr) / (wl * static_cast<double>(sh_.K));
            imp_right = mae_total(left_ids + cur_nl_, cnt - cur_nl_, one ? mr : nullptr) /
                        (wr * static_cast<double>(sh_.K));
            improvement = (wn_ / w_total_) * (impurity - (wr / wn_ * imp_right) - (wl / wn_ * imp_left));
            middle = (ml[0] + mr[0]) / 2.0;
            return;
        } else if (sh_.opt.criterion == Criterion::poisson) {
            imp_left = crit_.poisson_loss(left_ids, cur_nl_, L_.data(), wl);
            imp_right = crit_.poisson_loss(left_ids + cur_nl_, cnt - cur_nl_, R_.data(), wr);
        } else {
            const double sqr = sq_total_ - sql;
            double il = sql / wl, ir = sqr / wr;
            for (index_t k = 0; k < sh_.K; ++k) {
                const double ml = L_[k] / wl, mr = R_[k] / wr;
                il -= ml * ml;
                ir -= mr * mr;
            }
            imp_left = il / static_cast<double>(sh_.K);
            imp_right = ir / static_cast<double>(sh_.K);
        }
        if (sh_.opt.criterion == Criterion::friedman_mse) {
            double tl = 0.0, tr = 0.0;
            for (index_t k = 0; k < sh_.K; ++k) {
                tl += L_[k];
                tr += R_[k];
            }
            const double diff = (wr * tl - wl * tr) / static_cast<double>(sh_.K);
            improvement = diff * diff / (wl * wr * wn_);
        } else {
            improvement = (wn_ / w_total_) *
                          (impurity - (wr / wn_ * imp_right) - (wl / wn_ * imp_left));
        }
        middle = L_[0] / (2 * wl) + R_[0] / (2 * wr);
    }

    void child_bounds(int f, double lower, double upper, double middle, double& lmin, double& lmax,
                      double& rmin, double& rmax) const {
        const auto& mc = sh_.opt.monotonic_cst;
        if (mc.empty() || mc[f] == 0) {
            lmin = rmin = lower;
            lmax = rmax = upper;
        } else if (mc[f] == 1) {
            lmin = lower;
            rmax = upper;
            rmin = middle;
            lmax = middle;
        } else {
            rmin = lower;
            lmax = upper;
            lmin = middle;
            rmax = middle;
        }
    }

    void build_depth_first() {
        const TreeOptions& o = sh_.opt;
        std::vector<Record> stack;
        stack.push_back({0, m_, 0, -1, false, kInf, 0, -kInf, kInf});
        bool first = true;
        int max_depth_seen = -1;
        while (!stack.empty()) {
            Record r = stack.back();
            stack.pop_back();
            const index_t n_node = r.end - r.start;
            if (r.has_stats) {
                // the totals the parent's partition summed (what node_reset would compute)
                const index_t ms = sh_.ms;
                const double* st = stat_stack_.data() + stat_stack_.size() - (ms + 2);
                start_ = r.start;
                end_ = r.end;
                std::copy(st, st + ms, tot_.begin());
                wn_ = st[ms];
                sq_total_ = sh_.cls ? 0.0 : st[ms + 1];
                stat_stack_.resize(stat_stack_.size() - static_cast<size_t>(ms + 2));
            } else {
                node_reset(r.start, r.end);
            }
            bool is_leaf = r.depth >= o.max_depth || n_node < o.min_samples_split ||
                           n_node < 2 * o.min_samples_leaf || wn_ < 2 * mwl_;
            double impurity = r.impurity;
            if (first) {
                impurity = node_impurity();
                first = false;
            }
            is_leaf = is_leaf || impurity <= kEps;
            Choice c;
            index_t n_constant = r.n_constant;
            double il = 0, ir = 0, improvement = 0, middle = 0;
            if (!is_leaf) {
                c = node_split(n_constant, r.lower, r.upper);
                if (c.valid) apply_split(c, impurity, il, ir, improvement, middle);
                is_leaf = !c.valid || (improvement + kEps < o.min_impurity_decrease);
            }
            const index_t id = add_node(r.parent, r.is_left, is_leaf, c, impurity, n_node, wn_);
            node_value(id, r.lower, r.upper);
            if (!is_leaf) {
                double lmin, lmax, rmin, rmax;
                child_bounds(c.feature, r.lower, r.upper, middle, lmin, lmax, rmin, rmax);
                const index_t pos = r.start + c.n_left;
                const bool carry = fast_;
                stack.push_back({pos, r.end, r.depth + 1, id, false, ir, n_constant, rmin, rmax, carry});
                stack.push_back({r.start, pos, r.depth + 1, id, true, il, n_constant, lmin, lmax, carry});
                if (carry) {  // right below left, as the records
                    const index_t ms = sh_.ms;
                    const double* sl = side_stats_.data();
                    const double* sr = side_stats_.data() + ms + 2;
                    stat_stack_.insert(stat_stack_.end(), sr, sr + ms + 2);
                    stat_stack_.insert(stat_stack_.end(), sl, sl + ms + 2);
                }
            }
            if (r.depth > max_depth_seen) max_depth_seen = static_cast<int>(r.depth);
        }
        out_.max_depth = max_depth_seen;
    }

    Frontier add_split_node(index_t start, index_t end, double impurity, bool is_first, bool is_left,
                            index_t parent, index_t depth, double lower, double upper) {
        const TreeOptions& o = sh_.opt;
        node_reset(start, end);
        index_t n_constant = 0;
        if (is_first) impurity = node_impurity();
        const index_t n_node = end - start;
        bool is_leaf = depth >= o.max_depth || n_node < o.min_samples_split ||
                       n_node < 2 * o.min_samples_leaf || wn_ < 2 * mwl_ || impurity <= kEps;
        Choice c;
        double il = 0, ir = 0, improvement = 0, middle = 0;
        if (!is_leaf) {
            c = node_split(n_constant, lower, upper);
            if (c.valid) apply_split(c, impurity, il, ir, improvement, middle);
            is_leaf = !c.valid || improvement + kEps < o.min_impurity_decrease;
        }
        const index_t id = add_node(parent, is_left, is_leaf, c, impurity, n_node, wn_);
        node_value(id, lower, upper);
        Frontier fr;
        fr.node_id = id;
        fr.start = start;
        fr.end = end;
        fr.depth = depth;
        fr.impurity = impurity;
        fr.lower = lower;
        fr.upper = upper;
        fr.middle = middle;
        if (!is_leaf) {
            fr.pos = start + c.n_left;
            fr.is_leaf = false;
            fr.improvement = improvement;
            fr.impurity_left = il;
            fr.impurity_right = ir;
        } else {
            fr.pos = end;
            fr.is_leaf = true;
            fr.improvement = 0.0;
            fr.impurity_left = impurity;
            fr.impurity_right = impurity;
        }
        return fr;
    }

    void build_best_first() {
        const TreeOptions& o = sh_.opt;
        auto cmp = [](const Frontier& a, const Frontier& b) { return a.improvement < b.improvement; };
        std::vector<Frontier> frontier;
        index_t max_split_nodes = o.max_leaf_nodes - 1;
        int max_depth_seen = -1;
        frontier.push_back(add_split_node(0, m_, kInf, true, true, -1, 0, -kInf, kInf));
        std::push_heap(frontier.begin(), frontier.end(), cmp);
        while (!frontier.empty()) {
            std::pop_heap(frontier.begin(), frontier.end(), cmp);
            Frontier r = frontier.back();
            frontier.pop_back();
            const bool is_leaf = r.is_leaf || max_split_nodes <= 0;
            if (is_leaf) {
                out_.children_left[r.node_id] = -1;
                out_.children_right[r.node_id] = -1;
                out_.feature[r.node_id] = -2;
                out_.threshold[r.node_id] = -2.0;
            } else {
                const int f = out_.feature[r.node_id];
                double lmin, lmax, rmin, rmax;
                child_bounds(f, r.lower, r.upper, r.middle, lmin, lmax, rmin, rmax);
                --max_split_nodes;
                Frontier a = add_split_node(r.start, r.pos, r.impurity_left, false, true, r.node_id,
                                            r.depth + 1, lmin, lmax);
                Frontier b = add_split_node(r.pos, r.end, r.impurity_right, false, false, r.node_id,
                                            r.depth + 1, rmin, rmax);
                frontier.push_back(a);
                std::push_heap(frontier.begin(), frontier.end(), cmp);
                frontier.push_back(b);
                std::push_heap(frontier.begin(), frontier.end(), cmp);
            }
            if (r.depth > max_depth_seen) max_depth_seen = static_cast<int>(r.depth);
        }
        out_.max_depth = max_depth_seen;
    }
};

// numpy's legacy MT19937 (RandomState): seeded by the classic init_genrand, 32-bit outputs.
class Mt19937 {
public:
    explicit Mt19937(std::uint32_t seed) {
        mt_[0] = seed;
        for (int i = 1; i < kN; ++i)
            mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
        pos_ = kN;
    }
    std::uint32_t next() {
        if (pos_ == kN) refill();
        std::uint32_t y = mt_[pos_++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

private:
    static constexpr int kN = 624, kM = 397;
    std::uint32_t mt_[kN];
    int pos_;
    static std::uint32_t twist(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
        const std::uint32_t y = (a & 0x80000000u) | (b & 0x7fffffffu);
        return c ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    void refill() {
        int i = 0;
        for (; i < kN - kM; ++i) mt_[i] = twist(mt_[i], mt_[i + 1], mt_[i + kM]);
        for (; i < kN - 1; ++i) mt_[i] = twist(mt_[i], mt_[i + 1], mt_[i + kM - kN]);
        mt_[kN - 1] = twist(mt_[kN - 1], mt_[0], mt_[kM - 1]);
        pos_ = 0;
    }
};

// The checks both entry points share (the weights apart).
template <class T>
void check_problem(const Problem<T>& pb, index_t n_trees, const TreeOptions& opt) {
    require(pb.n > 0 && pb.d > 0, "tree: X must have at least one sample and one feature");
    require(pb.n_outputs >= 1, "tree: y must have at least one output");
    require(pb.n <= 2147483647, "tree: at most 2^31 - 1 samples");
    require(n_trees >= 0, "tree: n_trees must be >= 0");
    require(opt.min_samples_leaf >= 1, "tree: min_samples_leaf must be >= 1");
    require(opt.min_samples_split >= 2, "tree: min_samples_split must be >= 2");
    require(opt.max_depth >= 0, "tree: max_depth must be >= 0");
    require(opt.max_bins == 0 || (opt.max_bins >= 2 && opt.max_bins <= 255), "tree: max_bins must be in [2, 255]");
    require(opt.max_leaf_nodes < 0 || opt.max_leaf_nodes >= 2 || opt.max_leaf_nodes == 0,
            "tree: max_leaf_nodes must be >= 2");
    require(opt.monotonic_cst.empty() || static_cast<index_t>(opt.monotonic_cst.size()) == pb.d,
            "tree: monotonic_cst must have one entry per feature");
    if (!pb.n_classes.empty()) {
        require(static_cast<index_t>(pb.n_classes.size()) == pb.n_outputs, "tree: one class count per output");
        for (int c : pb.n_classes) require(c >= 1, "tree: each output needs at least one class");
        require(opt.criterion == Criterion::gini || opt.criterion == Criterion::entropy,
                "tree: classification needs the gini or entropy criterion");
    } else {
        require(opt.criterion != Criterion::gini && opt.criterion != Criterion::entropy,
                "tree: regression needs a regression criterion");
        require(opt.criterion != Criterion::absolute_error || opt.max_bins == 0 || opt.splitter != SplitterKind::best,
                "tree: absolute_error needs the exact splitter (max_bins 0)");
    }
    if (!opt.monotonic_cst.empty()) {
        require(pb.n_outputs == 1, "tree: monotonic constraints need a single output");
        require(pb.n_classes.empty() || pb.n_classes[0] <= 2, "tree: monotonic constraints need a binary classification");
    }
    if (pb.n_classes.empty()) {
        for (index_t i = 0; i < pb.n * pb.n_outputs; ++i) require(std::isfinite(pb.y[i]), "tree: y must be finite");
        if (opt.criterion == Criterion::poisson)
            for (index_t i = 0; i < pb.n * pb.n_outputs; ++i) require(pb.y[i] >= 0, "tree: poisson needs y >= 0");
    }
}

// Features binned or sorted once, then the trees built in parallel (one tree per thread at a
// time, the builder's scratch reused); weights_of(t, scratch) gives tree t's weights.
template <class T, class WeightsOf>
std::vector<TreeArrays> build_all(const Problem<T>& pb, const std::uint32_t* seeds, index_t n_trees,
                                  const TreeOptions& opt, int n_threads, const WeightsOf& weights_of) {
    TreeOptions o = opt;
    if (o.max_leaf_nodes == 0) o.max_leaf_nodes = -1;
    Shared<T> sh;
    sh.edges.resize(static_cast<size_t>(pb.d));
    sh.n_bins.assign(static_cast<size_t>(pb.d), 1);
    if (o.max_bins > 0 && o.splitter == SplitterKind::best) sh.codes.resize(static_cast<size_t>(pb.n * pb.d));
    if (o.max_bins == 0 && o.splitter == SplitterKind::best) sh.sorted.resize(static_cast<size_t>(pb.n * pb.d));
    prepare_shared(sh, pb, o, n_threads);

    std::vector<TreeArrays> out(static_cast<size_t>(n_trees));
    if (n_trees == 0) return out;
    const int outer = threads_for(n_threads, n_trees);
    const int inner = std::max(1, n_threads / outer);
    ExceptionSlot slot;
#pragma omp parallel num_threads(outer)
    {
        Builder<T> b(sh, inner);
        std::vector<double> scratch;
#pragma omp for schedule(dynamic, 1)
        for (index_t t = 0; t < n_trees; ++t) {
            slot.run([&] { out[t] = b.build(weights_of(t, scratch), seeds[t]); });
        }
    }
    slot.rethrow();
    return out;
}

}  // namespace

template <class T>
std::vector<TreeArrays> build_trees(const Problem<T>& pb, const double* weights, index_t weights_stride,
                                    const std::uint32_t* seeds, index_t n_trees, const TreeOptions& opt,
                                    int n_threads) {
    check_problem(pb, n_trees, opt);
    for (index_t t = 0; t < n_trees; ++t) {
        const double* w = weights + t * weights_stride;
        if (weights_stride == 0 && t > 0) break;
        for (index_t i = 0; i < pb.n; ++i)
            require(std::isfinite(w[i]) && w[i] >= 0.0, "tree: sample weights must be finite and >= 0");
    }
    return build_all(pb, seeds, n_trees, opt, n_threads,
                     [&](index_t t, std::vector<double>&) { return weights + t * weights_stride; });
}

namespace {

// numpy's bounded draw of an integer in [0, rng] (rng >= 1): 32-bit outputs masked to the smallest
// 2^k - 1 >= rng, rejected while above rng.
struct BoundedDraw {
    std::uint32_t rng, mask;
    explicit BoundedDraw(std::uint32_t r) : rng(r), mask(r) {
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
    }
    std::uint32_t operator()(Mt19937& g) const {
        std::uint32_t v;
        do {
            v = g.next() & mask;
        } while (v > rng);
        return v;
    }
};

}  // namespace

void bootstrap_counts(std::uint32_t seed, index_t n, index_t n_boot, double* counts) {
    require(n >= 1 && n <= 2147483647, "tree: the bootstrap needs 1 <= n_samples < 2^31");
    require(n_boot >= 0, "tree: the bootstrap size must be >= 0");
    std::fill(counts, counts + n, 0.0);
    if (n == 1) {  // numpy draws nothing for a range of one value
        counts[0] = static_cast<double>(n_boot);
        return;
    }
    const BoundedDraw draw(static_cast<std::uint32_t>(n - 1));
    Mt19937 g(seed);
    for (index_t k = 0; k < n_boot; ++k) counts[draw(g)] += 1.0;
}

void first_draws(const std::uint32_t* seeds, index_t n, index_t high, std::uint32_t* out) {
    require(high >= 1 && high <= 2147483647, "tree: high must be in [1, 2^31 - 1]");
    if (high == 1) {  // numpy draws nothing for a range of one value
        std::fill(out, out + n, 0u);
        return;
    }
    const BoundedDraw draw(static_cast<std::uint32_t>(high - 1));
    for (index_t t = 0; t < n; ++t) {
        Mt19937 g(seeds[t]);
        out[t] = draw(g);
    }
}

template <class T>
std::vector<TreeArrays> build_trees_bootstrap(const Problem<T>& pb, const std::uint32_t* boot_seeds, index_t n_boot,
                                              const std::uint32_t* seeds, index_t n_trees, const TreeOptions& opt,
                                              int n_threads) {
    check_problem(pb, n_trees, opt);
    require(n_boot >= 1, "tree: the bootstrap size must be >= 1");
    const index_t n = pb.n;
    return build_all(pb, seeds, n_trees, opt, n_threads, [&](index_t t, std::vector<double>& scratch) {
        scratch.resize(static_cast<size_t>(n));
        bootstrap_counts(boot_seeds[t], n, n_boot, scratch.data());
        return static_cast<const double*>(scratch.data());
    });
}

template std::vector<TreeArrays> build_trees<float>(const Problem<float>&, const double*, index_t,
                                                    const std::uint32_t*, index_t, const TreeOptions&, int);
template std::vector<TreeArrays> build_trees<double>(const Problem<double>&, const double*, index_t,
                                                     const std::uint32_t*, index_t, const TreeOptions&, int);
template std::vector<TreeArrays> build_trees_bootstrap<float>(const Problem<float>&, const std::uint32_t*, index_t,
                                                              const std::uint32_t*, index_t, const TreeOptions&, int);
template std::vector<TreeArrays> build_trees_bootstrap<double>(const Problem<double>&, const std::uint32_t*,
                                                               index_t, const std::uint32_t*, index_t,
                                                               const TreeOptions&, int);

}  // namespace scratchlearn::tree
