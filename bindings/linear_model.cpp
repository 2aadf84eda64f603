// Bindings for the linear models (cpp/src/linear/): thin wrappers, shape checks, GIL release.
#include <optional>

#include "common.hpp"
#include "scratchlearn/linear.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using darray = carray<double>;

template <class T>
const T* optional_weights(const py::object& sw_in, index_t n, carray<T>& holder) {
    if (sw_in.is_none()) return nullptr;
    holder = carray<T>::ensure(sw_in);
    if (!holder) throw std::invalid_argument("sample_weight could not be converted");
    check_ndim(holder, 1, "sample_weight");
    if (holder.shape(0) != n) throw std::invalid_argument("sample_weight has the wrong length");
    return holder.data();
}

template <class T>
py::tuple normal_eq(const py::array& x_in, const py::array& y_in, const py::object& sw_in,
                    bool fit_intercept, int n_threads) {
    carray<T> X = carray<T>::ensure(x_in);
    carray<T> Y = carray<T>::ensure(y_in);
    if (!X || !Y) throw std::invalid_argument("normal_equations: inputs could not be converted");
    check_ndim(X, 2, "X");
    check_ndim(Y, 2, "Y");
    const index_t n = X.shape(0), d = X.shape(1), k = Y.shape(1);
    if (Y.shape(0) != n) throw std::invalid_argument("normal_equations: X and Y differ in rows");
    carray<T> swh;
    const T* sw = optional_weights<T>(sw_in, n, swh);
    py::array_t<double> xm(d), ym(k), G({d, d}), C({d, k});
    const T* px = X.data();
    const T* py_ = Y.data();
    double *pxm = xm.mutable_data(), *pym = ym.mutable_data(), *pg = G.mutable_data(),
           *pc = C.mutable_data();
    {
        py::gil_scoped_release release;
        normal_equations<T>(n, d, k, px, py_, sw, fit_intercept, pxm, pym, pg, pc, n_threads);
    }
    return py::make_tuple(xm, ym, G, C);
}

template <class T>
py::tuple logistic_fit_t(const py::array& x_in, const py::array& y_in, const py::object& sw_in,
                         double S, index_t K, bool fit_intercept, double l2, int solver,
                         index_t max_iter, double tol, const py::array& theta_in, int n_threads) {
    carray<T> X = carray<T>::ensure(x_in);
    auto y = carray<std::int32_t>::ensure(y_in);
    darray th0 = darray::ensure(theta_in);
    if (!X || !y || !th0) throw std::invalid_argument("logistic_fit: inputs could not be converted");
    check_ndim(X, 2, "X");
    check_ndim(y, 1, "y");
    const index_t n = X.shape(0), d = X.shape(1);
    if (y.shape(0) != n) throw std::invalid_argument("logistic_fit: X and y differ in length");
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
    P.sw = optional_weights<T>(sw_in, n, swh);
    P.S = S;
    P.fit_intercept = fit_intercept;
    P.l2 = l2;
    P.n_threads = n_threads;
    if (!(S > 0)) throw std::invalid_argument("logistic_fit: the sample weights must sum to > 0");
    if (th0.size() != P.n_params()) throw std::invalid_argument("logistic_fit: theta has the wrong size");
    py::array_t<double> theta(P.n_params());
    double* pt = theta.mutable_data();
    std::copy(th0.data(), th0.data() + P.n_params(), pt);
    SolverReport rep;
    {
        py::gil_scoped_release release;
        rep = solver == 1 ? logistic_newton<T>(P, pt, max_iter, tol) : logistic_lbfgs<T>(P, pt, max_iter, tol);
    }
    return py::make_tuple(theta, rep.n_iter, rep.status, rep.loss);
}

darray square(const py::array& a_in, const char* name) {
    darray A = darray::ensure(a_in);
    if (!A) throw std::invalid_argument(std::string(name) + " could not be converted");
    check_ndim(A, 2, name);
    if (A.shape(0) != A.shape(1)) throw std::invalid_argument(std::string(name) + " must be square");
    return A;
}

}  // namespace

void register_linear_model(py::module_& m) {
    m.def(
        "normal_equations",
        [](const py::array& X, const py::array& Y, const py::object& sw, bool fit_intercept,
           int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return normal_eq<decltype(tag)>(X, Y, sw, fit_intercept, n_threads);
            });
        },
        py::arg("X"), py::arg("Y"), py::arg("sample_weight"), py::arg("fit_intercept"),
        py::arg("n_threads"),
        "(x_mean, y_mean, G, XtY) of the weighted, centred least-squares problem.");

    m.def(
        "logistic_fit",
        [](const py::array& X, const py::array& y, const py::object& sw, double S, index_t K,
           bool fit_intercept, double l2, int solver, index_t max_iter, double tol,
           const py::array& theta0, int n_threads) {
            return dispatch_float(X, [&](auto tag) {
                return logistic_fit_t<decltype(tag)>(X, y, sw, S, K, fit_intercept, l2, solver,
                                                     max_iter, tol, theta0, n_threads);
            });
        },
        py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("S"), py::arg("K"),
        py::arg("fit_intercept"), py::arg("l2"), py::arg("solver"), py::arg("max_iter"),
        py::arg("tol"), py::arg("theta0"), py::arg("n_threads"),
        "Fit a logistic regression (solver 0 = L-BFGS, 1 = Newton): (theta, n_iter, status, loss).");

    m.def(
        "enet_cd_gram",
        [](const py::array& h_in, const py::array& q_in, double yy, double l1, double l2,
           const py::array& w_in, index_t max_iter, double tol, double tol_w, bool positive,
           bool random, std::uint64_t seed) {
            darray H = square(h_in, "H");
            darray q = darray::ensure(q_in);
            darray w0 = darray::ensure(w_in);
            if (!q || !w0) throw std::invalid_argument("enet_cd_gram: bad inputs");
            const index_t d = H.shape(0);
            if (q.size() != d || w0.size() != d) throw std::invalid_argument("enet_cd_gram: bad sizes");
            py::array_t<double> w(d);
            double* pw = w.mutable_data();
            std::copy(w0.data(), w0.data() + d, pw);
            CDReport r;
            {
                py::gil_scoped_release release;
                r = enet_cd_gram(d, H.data(), q.data(), yy, l1, l2, pw, max_iter, tol, tol_w,
                                 positive, random, seed);
            }
            return py::make_tuple(w, r.n_iter, r.gap, r.converged);
        },
        py::arg("H"), py::arg("q"), py::arg("yy"), py::arg("l1"), py::arg("l2"), py::arg("w0"),
        py::arg("max_iter"), py::arg("tol"), py::arg("tol_w"), py::arg("positive"),
        py::arg("random"), py::arg("seed"));

    m.def(
        "enet_cd_data",
        [](const py::array& x_in, const py::array& y_in, double l1, double l2, const py::array& w_in,
           index_t max_iter, double tol, double tol_w, bool positive, bool random,
           std::uint64_t seed, int n_threads) {
            auto Xf = py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(x_in);
            darray y = darray::ensure(y_in);
            darray w0 = darray::ensure(w_in);
            if (!Xf || !y || !w0) throw std::invalid_argument("enet_cd_data: bad inputs");
            check_ndim(Xf, 2, "X");
            const index_t n = Xf.shape(0), d = Xf.shape(1);
            if (y.size() != n || w0.size() != d) throw std::invalid_argument("enet_cd_data: bad sizes");
            py::array_t<double> w(d);
            double* pw = w.mutable_data();
            std::copy(w0.data(), w0.data() + d, pw);
            CDReport r;
            {
                py::gil_scoped_release release;
                r = enet_cd_data(n, d, Xf.data(), y.data(), l1, l2, pw, max_iter, tol, tol_w,
                                 positive, random, seed, n_threads);
            }
            return py::make_tuple(w, r.n_iter, r.gap, r.converged);
        },
        py::arg("Xf"), py::arg("y"), py::arg("l1"), py::arg("l2"), py::arg("w0"),
        py::arg("max_iter"), py::arg("tol"), py::arg("tol_w"), py::arg("positive"),
        py::arg("random"), py::arg("seed"), py::arg("n_threads"));

    m.def(
        "cholesky_solve",
        [](const py::array& g_in, const py::array& b_in, const py::array& a_in) {
            darray G = square(g_in, "G");
            darray B = darray::ensure(b_in);
            darray al = darray::ensure(a_in);
            if (!B || !al) throw std::invalid_argument("cholesky_solve: inputs could not be converted");
            check_ndim(B, 2, "B");
            check_ndim(al, 1, "alpha");
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
            darray A0 = darray::ensure(a_in);
            darray B = darray::ensure(b_in);
            darray al = darray::ensure(al_in);
            if (!A0 || !B || !al) throw std::invalid_argument("svd_least_squares: bad inputs");
            check_ndim(A0, 2, "A");
            check_ndim(B, 2, "B");
            check_ndim(al, 1, "alpha");
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
            darray b = darray::ensure(b_in);
            darray w0 = darray::ensure(w_in);
            if (!b || !w0) throw std::invalid_argument("nnls_gram: bad inputs");
            const index_t d = G.shape(0);
            if (b.size() != d || w0.size() != d) throw std::invalid_argument("nnls_gram: bad sizes");
            py::array_t<double> w(d);
            double* pw = w.mutable_data();
            std::copy(w0.data(), w0.data() + d, pw);
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
