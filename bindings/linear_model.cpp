// Bindings for the linear models (cpp/src/linear/): thin wrappers, shape checks, GIL release.
#include <optional>

#include "common.hpp"
#include "scratchlearn/linear.hpp"
#include "scratchlearn/sgd.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using darray = carray<double>;

template <class T>
py::tuple logistic_fit_t(const py::array& x_in, const py::array& y_in, const py::object& sw_in,
                         double S, index_t K, bool fit_intercept, double l2, double l1, int solver,
                         index_t max_iter, double tol, std::uint64_t seed,
                         const py::array& theta_in, int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    auto y = as_vector<std::int32_t>(y_in, n, "y");
    if (K < 1) throw std::invalid_argument("logistic_fit: K must be >= 1");
    const std::int32_t* py_ = y.data();
    for (index_t i = 0; i < n; ++i)
        if (py_[i] < 0 || py_[i] >= std::max<index_t>(K, 2))
            throw std::invalid_argument("logistic_fit: class code out of range");
    carray<T> swh;
    LogisticProblem<T> P;
    P.n = n;
    P.d = d;
    P.K = K;
    P.X = X.data();
    P.y = py_;
    P.sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    P.S = S;
    P.fit_intercept = fit_intercept;
    P.l2 = l2;
    P.n_threads = n_threads;
    if (!(S > 0)) throw std::invalid_argument("logistic_fit: the sample weights must sum to > 0");
    if (solver < 0 || solver > 2) throw std::invalid_argument("logistic_fit: unknown solver");
    if (!(l1 >= 0) || !(l2 >= 0)) throw std::invalid_argument("logistic_fit: penalties must be >= 0");
    if (l1 > 0 && solver != 2) throw std::invalid_argument("logistic_fit: an L1 penalty needs the saga solver");
    py::array_t<double> theta = copy_of(as_vector<double>(theta_in, P.n_params(), "theta0"));
    double* pt = theta.mutable_data();
    SolverReport rep;
    {
        py::gil_scoped_release release;
        if (solver == 2)
            rep = logistic_saga<T>(P, l1, pt, max_iter, tol, seed);
        else if (solver == 1)
            rep = logistic_newton<T>(P, pt, max_iter, tol);
        else
            rep = logistic_lbfgs<T>(P, pt, max_iter, tol);
    }
    return py::make_tuple(theta, rep.n_iter, rep.status, rep.loss, rep.n_evals);
}

template <class T>
py::tuple sgd_fit_t(const py::array& x_in, const py::array& y_in, const py::array& sw_in,
                    const py::object& val_in, const py::array& wpos_in, const py::array& wneg_in,
                    const py::array& seeds_in, const SgdParams& P, const py::array& w_in,
                    const py::array& b_in, const py::array& wa_in, const py::array& ba_in,
                    int n_threads) {
    carray<T> X = as_array<T>(x_in, 2, "X");
    darray Y = as_array<double>(y_in, 2, "Y");
    const index_t n = X.shape(0), d = X.shape(1), K = Y.shape(0);
    if (Y.shape(1) != n) throw std::invalid_argument("sgd_fit: Y must be K × n_samples");
    darray sw = as_vector<double>(sw_in, n, "sample_weight"), wpos = as_vector<double>(wpos_in, K, "weight_pos"),
           wneg = as_vector<double>(wneg_in, K, "weight_neg");
    auto seeds = as_vector<std::uint64_t>(seeds_in, K, "seeds");
    carray<std::uint8_t> val;
    const std::uint8_t* pval = optional_vector<std::uint8_t>(val_in, n, "validation_mask", val);
    darray w0 = as_array<double>(w_in, 2, "W0");
    if (w0.shape(0) != K || w0.shape(1) != d) throw std::invalid_argument("sgd_fit: W0 must be K × n_features");
    py::array_t<double> W = copy_of(w0), b = copy_of(as_vector<double>(b_in, K, "b0"));
    darray wa0 = as_array<double>(wa_in, 2, "Wa0");
    if (wa0.shape(0) != K || wa0.shape(1) != d) throw std::invalid_argument("sgd_fit: Wa0 must be K × n_features");
    py::array_t<double> Wa = copy_of(wa0), ba = copy_of(as_vector<double>(ba_in, K, "ba0"));
    py::array_t<index_t> epochs(K);
    double *pw = W.mutable_data(), *pb = b.mutable_data();
    double *pwa = Wa.mutable_data(), *pba = ba.mutable_data();
    index_t* pe = epochs.mutable_data();
    bool ok;
    {
        py::gil_scoped_release release;
        ok = sgd_fit<T>(n, d, X.data(), K, Y.data(), sw.data(), pval, wpos.data(), wneg.data(),
                        seeds.data(), P, pw, pb, pwa, pba, pe, n_threads);
    }
    return py::make_tuple(W, b, epochs, ok, Wa, ba);
}

darray square(const py::array& a_in, const char* name) {
    darray A = as_array<double>(a_in, 2, name);
    if (A.shape(0) != A.shape(1)) throw std::invalid_argument(std::string(name) + " must be square");
    return A;
}

}  // namespace

void register_linear_model(py::module_& m) {
    m.def(
        "logistic_fit",
        [](const py::array& X, const py::array& y, const py::object& sw, double S, index_t K,
           bool fit_intercept, double l2, double l1, int solver, index_t max_iter, double tol,
           std::uint64_t seed, const py::array& theta0, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return logistic_fit_t<decltype(tag)>(X, y, sw, S, K, fit_intercept, l2, l1, solver,
                                                     max_iter, tol, seed, theta0, n_threads);
            });
        },
        py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("S"), py::arg("K"),
        py::arg("fit_intercept"), py::arg("l2"), py::arg("l1"), py::arg("solver"),
        py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("theta0"),
        py::arg("n_threads"),
        "Fit a logistic regression (solver 0 = L-BFGS, 1 = Newton, 2 = SAGA): "
        "(theta, n_iter, status, loss, n_evals).");

    m.def(
        "enet_cd_gram",
        [](const py::array& h_in, const py::array& q_in, double yy, double l1, double l2,
           const py::array& w_in, index_t max_iter, double tol, double tol_w, bool positive,
           bool random, std::uint64_t seed, bool check_initial_gap) {
            darray H = square(h_in, "H");
            const index_t d = H.shape(0);
            darray q = as_vector<double>(q_in, d, "q");
            py::array_t<double> w = copy_of(as_vector<double>(w_in, d, "w0"));
            double* pw = w.mutable_data();
            CDReport r;
            {
                py::gil_scoped_release release;
                r = enet_cd_gram(d, H.data(), q.data(), yy, l1, l2, pw, max_iter, tol, tol_w,
                                 positive, random, seed, check_initial_gap);
            }
            return py::make_tuple(w, r.n_iter, r.gap, r.converged);
        },
        py::arg("H"), py::arg("q"), py::arg("yy"), py::arg("l1"), py::arg("l2"), py::arg("w0"),
        py::arg("max_iter"), py::arg("tol"), py::arg("tol_w"), py::arg("positive"),
        py::arg("random"), py::arg("seed"), py::arg("check_initial_gap") = true);

    m.def(
        "center_columns",
        [](const py::array& x_in, const py::array& m_in, const py::object& sw_in, int n_threads) {
            return dispatch_float(x_in, [&](auto tag) {
                using T = decltype(tag);
                carray<T> X = as_array<T>(x_in, 2, "X");
                const index_t n = X.shape(0), d = X.shape(1);
                darray mean = as_vector<double>(m_in, d, "mean");
                carray<T> swh;
                const T* sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
                py::array_t<double, py::array::f_style> Xf({n, d});
                double* pf = Xf.mutable_data();
                const T* px = X.data();
                {
                    py::gil_scoped_release release;
                    center_columns<T>(n, d, px, mean.data(), sw, pf, n_threads);
                }
                return Xf;
            });
        },
        py::arg("X"), py::arg("mean"), py::arg("sample_weight"), py::arg("n_threads"),
        "sqrt(sample_weight) * (X - mean) as a Fortran-ordered float64 array.");

    m.def(
        "enet_cd_data",
        [](const py::array& x_in, const py::array& y_in, double l1, double l2, const py::array& w_in,
           index_t max_iter, double tol, double tol_w, bool positive, bool random,
           std::uint64_t seed, int n_threads, index_t budget) {
            auto Xf = py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(x_in);
            if (!Xf) throw std::invalid_argument("X could not be converted to an array of numbers");
            check_ndim(Xf, 2, "X");
            const index_t n = Xf.shape(0), d = Xf.shape(1);
            darray y = as_vector<double>(y_in, n, "y");
            py::array_t<double> w = copy_of(as_vector<double>(w_in, d, "w0"));
            double* pw = w.mutable_data();
            CDReport r;
            {
                py::gil_scoped_release release;
                r = enet_cd_data(n, d, Xf.data(), y.data(), l1, l2, pw, max_iter, tol, tol_w,
                                 positive, random, seed, n_threads, budget);
            }
            return py::make_tuple(w, r.n_iter, r.gap, r.converged);
        },
        py::arg("Xf"), py::arg("y"), py::arg("l1"), py::arg("l2"), py::arg("w0"),
        py::arg("max_iter"), py::arg("tol"), py::arg("tol_w"), py::arg("positive"),
        py::arg("random"), py::arg("seed"), py::arg("n_threads"), py::arg("budget"));

    m.def(
        "sgd_fit",
        [](const py::array& X, const py::array& Y, const py::array& sw, const py::object& val,
           const py::array& wpos, const py::array& wneg, const py::array& seeds, int loss,
           double epsilon, int penalty, double alpha, double l1_ratio, bool fit_intercept,
           index_t max_iter, double tol, bool shuffle, int learning_rate, double eta0,
           double power_t, bool early_stopping, index_t n_iter_no_change, bool classification,
           double t_start, double average, const py::array& w0, const py::array& b0,
           const py::array& wa0, const py::array& ba0, int n_threads) {
            if (loss < 0 || loss > 8) throw std::invalid_argument("sgd_fit: unknown loss");
            if (penalty < 0 || penalty > 3) throw std::invalid_argument("sgd_fit: unknown penalty");
            if (learning_rate < 0 || learning_rate > 3)
                throw std::invalid_argument("sgd_fit: unknown learning rate");
            SgdParams P;
            P.loss = static_cast<SgdLoss>(loss);
            P.epsilon = epsilon;
            P.penalty = static_cast<SgdPenalty>(penalty);
            P.alpha = alpha;
            P.l1_ratio = l1_ratio;
            P.fit_intercept = fit_intercept;
            P.max_iter = max_iter;
            P.tol = tol;
            P.shuffle = shuffle;
            P.learning_rate = static_cast<SgdRate>(learning_rate);
            P.eta0 = eta0;
            P.power_t = power_t;
            P.early_stopping = early_stopping;
            P.n_iter_no_change = n_iter_no_change;
            P.classification = classification;
            P.t_start = t_start;
            if (!(average >= 0.0)) throw std::invalid_argument("sgd_fit: average must be >= 0");
            P.average = average;
            return dispatch_float(X, [&](auto tag) {
                return sgd_fit_t<decltype(tag)>(X, Y, sw, val, wpos, wneg, seeds, P, w0, b0, wa0,
                                                ba0, n_threads);
            });
        },
        py::arg("X"), py::arg("Y"), py::arg("sample_weight"), py::arg("validation_mask"),
        py::arg("weight_pos"), py::arg("weight_neg"), py::arg("seeds"), py::arg("loss"),
        py::arg("epsilon"), py::arg("penalty"), py::arg("alpha"), py::arg("l1_ratio"),
        py::arg("fit_intercept"), py::arg("max_iter"), py::arg("tol"), py::arg("shuffle"),
        py::arg("learning_rate"), py::arg("eta0"), py::arg("power_t"), py::arg("early_stopping"),
        py::arg("n_iter_no_change"), py::arg("classification"), py::arg("t_start"),
        py::arg("average"), py::arg("W0"), py::arg("b0"), py::arg("Wa0"), py::arg("ba0"),
        py::arg("n_threads"),
        "K independent SGD fits on the same X: (W, b, epochs, all_finite, W_average, b_average).");

    m.def(
        "cholesky_solve",
        [](const py::array& g_in, const py::array& b_in, const py::array& a_in) {
            darray G = square(g_in, "G");
            darray B = as_array<double>(b_in, 2, "B");
            darray al = as_array<double>(a_in, 1, "alpha");
            const index_t d = G.shape(0), k = B.shape(1);
            if (B.shape(0) != d) throw std::invalid_argument("cholesky_solve: B has the wrong rows");
            py::array_t<double> W({d, k});
            double* pw = W.mutable_data();
            double r;
            {
                py::gil_scoped_release release;
                r = cholesky_solve(d, k, G.data(), B.data(), al.data(), al.shape(0), pw);
            }
            return py::make_tuple(W, r);
        },
        py::arg("G"), py::arg("B"), py::arg("alpha"));

    m.def(
        "svd_least_squares",
        [](const py::array& a_in, const py::array& b_in, const py::array& al_in, double cond,
           double abs_cut) {
            darray A0 = as_array<double>(a_in, 2, "A");
            darray B = as_array<double>(b_in, 2, "B");
            darray al = as_array<double>(al_in, 1, "alpha");
            const index_t m = A0.shape(0), p = A0.shape(1), k = B.shape(1);
            if (B.shape(0) != m) throw std::invalid_argument("svd_least_squares: B has the wrong rows");
            std::vector<double> A(A0.data(), A0.data() + m * p);
            py::array_t<double> W({p, k}), s(std::min(m, p));
            double *pw = W.mutable_data(), *ps = s.mutable_data();
            index_t rank;
            {
                py::gil_scoped_release release;
                rank = svd_least_squares(m, p, k, A.data(), B.data(), al.data(), al.shape(0), cond,
                                         abs_cut, pw, ps);
            }
            return py::make_tuple(W, rank, s);
        },
        py::arg("A"), py::arg("B"), py::arg("alpha"), py::arg("cond"), py::arg("abs_cut"));

    m.def(
        "nnls_gram",
        [](const py::array& g_in, const py::array& b_in, double alpha, const py::array& w_in,
           index_t max_sweeps, double tol) {
            darray G = square(g_in, "G");
            const index_t d = G.shape(0);
            darray b = as_vector<double>(b_in, d, "b");
            py::array_t<double> w = copy_of(as_vector<double>(w_in, d, "w0"));
            double* pw = w.mutable_data();
            index_t sweeps;
            {
                py::gil_scoped_release release;
                sweeps = nnls_gram(d, G.data(), b.data(), alpha, pw, max_sweeps, tol);
            }
            return py::make_tuple(w, sweeps);
        },
        py::arg("G"), py::arg("b"), py::arg("alpha"), py::arg("w0"), py::arg("max_sweeps"),
        py::arg("tol"));
}
