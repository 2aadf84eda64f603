// _core.linear_model: logistic regression, coordinate descent, SGD and NNLS (cpp/src/linear_model/).
// The dense solves (Cholesky, QR + SVD least squares, NNLS) are in _core.linalg.
#include "common.hpp"
#include "scratchlearn/linear_model.hpp"
#include "scratchlearn/sgd.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using darray = carray<double>;

template <class T>
py::tuple logistic_fit_t(const typed<T>& x_in, const carray<std::int32_t>& y, const py::object& sw_in,
                         double S, index_t K, bool fit_intercept, double l2, double l1,
                         const py::object& solver_in, index_t max_iter, double tol,
                         std::uint64_t seed, const darray& theta_in, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    as_vector<std::int32_t>(y, n, "y");
    const auto solver = enum_arg<LogisticSolver>(solver_in, "solver", "logistic_fit");
    carray<T> swh;
    LogisticProblem<T> P;
    P.n = n;
    P.d = d;
    P.K = K;
    P.X = X.data();
    P.y = y.data();
    P.sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    P.S = S;
    P.fit_intercept = fit_intercept;
    P.l2 = l2;
    P.n_threads = n_threads;
    py::array_t<double> theta = copy_of(as_vector<double>(theta_in, P.n_params(), "theta0"));
    double* pt = theta.mutable_data();
    SolverReport rep;
    {
        CoreCall release;
        rep = logistic_fit<T>(P, solver, l1, pt, max_iter, tol, seed);
    }
    return py::make_tuple(theta, rep.n_iter, rep.status, rep.loss, rep.n_evals);
}

template <class T>
py::tuple sgd_fit_t(const typed<T>& x_in, const darray& Y, const darray& sw_in, const py::object& val_in,
                    const darray& wpos_in, const darray& wneg_in, const carray<std::uint64_t>& seeds_in,
                    const SgdOptions& P, const darray& w0, const darray& b0, const darray& wa0,
                    const darray& ba0, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    check_ndim(Y, 2, "Y");
    const index_t n = X.shape(0), d = X.shape(1), K = Y.shape(0);
    if (Y.shape(1) != n) throw std::invalid_argument("sgd_fit: Y must be K × n_samples");
    darray sw = as_vector<double>(sw_in, n, "sample_weight"), wpos = as_vector<double>(wpos_in, K, "weight_pos"),
           wneg = as_vector<double>(wneg_in, K, "weight_neg");
    auto seeds = as_vector<std::uint64_t>(seeds_in, K, "seeds");
    carray<std::uint8_t> val;
    const std::uint8_t* pval = optional_vector<std::uint8_t>(val_in, n, "validation_mask", val);
    check_ndim(w0, 2, "W0");
    check_ndim(wa0, 2, "Wa0");
    if (w0.shape(0) != K || w0.shape(1) != d) throw std::invalid_argument("sgd_fit: W0 must be K × n_features");
    if (wa0.shape(0) != K || wa0.shape(1) != d) throw std::invalid_argument("sgd_fit: Wa0 must be K × n_features");
    py::array_t<double> W = copy_of(w0), b = copy_of(as_vector<double>(b0, K, "b0"));
    py::array_t<double> Wa = copy_of(wa0), ba = copy_of(as_vector<double>(ba0, K, "ba0"));
    py::array_t<index_t> epochs(K);
    double *pw = W.mutable_data(), *pb = b.mutable_data();
    double *pwa = Wa.mutable_data(), *pba = ba.mutable_data();
    index_t* pe = epochs.mutable_data();
    bool ok;
    {
        CoreCall release;
        ok = sgd_fit<T>(n, d, X.data(), K, Y.data(), sw.data(), pval, wpos.data(), wneg.data(),
                        seeds.data(), P, pw, pb, pwa, pba, pe, n_threads);
    }
    return py::make_tuple(W, b, epochs, ok, Wa, ba);
}

template <class T>
py::array center_columns_t(const typed<T>& x_in, const darray& m_in, const py::object& sw_in,
                           int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    darray mean = as_vector<double>(m_in, d, "mean");
    carray<T> swh;
    const T* sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    py::array_t<double, py::array::f_style> Xf({n, d});
    double* pf = Xf.mutable_data();
    const T* px = X.data();
    {
        CoreCall release;
        center_columns<T>(n, d, px, mean.data(), sw, pf, n_threads);
    }
    return Xf;
}

py::tuple enet_cd_gram_t(const darray& h_in, const darray& q_in, double yy, double l1, double l2,
                         const darray& w_in, index_t max_iter, double tol, double tol_w, bool positive,
                         bool random, std::uint64_t seed, bool check_initial_gap) {
    const darray H = as_square(h_in, "H");
    const index_t d = H.shape(0);
    darray q = as_vector<double>(q_in, d, "q");
    py::array_t<double> w = copy_of(as_vector<double>(w_in, d, "w0"));
    double* pw = w.mutable_data();
    CDReport r;
    {
        CoreCall release;
        r = enet_cd_gram(d, H.data(), q.data(), yy, l1, l2, pw, max_iter, tol, tol_w, positive, random,
                         seed, check_initial_gap);
    }
    return py::make_tuple(w, r.n_iter, r.gap, r.converged);
}

py::tuple enet_cd_data_t(const py::array& x_in, const darray& y_in, double l1, double l2,
                         const darray& w_in, index_t max_iter, double tol, double tol_w, bool positive,
                         bool random, std::uint64_t seed, int n_threads, index_t budget) {
    auto Xf = py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(x_in);
    if (!Xf) throw std::invalid_argument("X could not be converted to an array of numbers");
    check_ndim(Xf, 2, "X");
    const index_t n = Xf.shape(0), d = Xf.shape(1);
    darray y = as_vector<double>(y_in, n, "y");
    py::array_t<double> w = copy_of(as_vector<double>(w_in, d, "w0"));
    double* pw = w.mutable_data();
    CDReport r;
    {
        CoreCall release;
        r = enet_cd_data(n, d, Xf.data(), y.data(), l1, l2, pw, max_iter, tol, tol_w, positive, random,
                         seed, n_threads, budget);
    }
    return py::make_tuple(w, r.n_iter, r.gap, r.converged);
}

}  // namespace

void register_linear_model(py::module_& m) {
    auto f = family_module(m, "linear_model", "Linear models (cpp/src/linear_model/).");

    def_enum<LogisticSolver>(f, "LogisticSolver", "The solver of logistic_fit.",
                             {{"lbfgs", LogisticSolver::Lbfgs},
                              {"newton", LogisticSolver::Newton},
                              {"saga", LogisticSolver::Saga}});
    def_enum<SgdLoss>(f, "Loss", "The loss of an SGD run (scikit-learn's names).",
                      {{"hinge", SgdLoss::Hinge},
                       {"log_loss", SgdLoss::LogLoss},
                       {"modified_huber", SgdLoss::ModifiedHuber},
                       {"squared_hinge", SgdLoss::SquaredHinge},
                       {"perceptron", SgdLoss::Perceptron},
                       {"squared_error", SgdLoss::SquaredError},
                       {"huber", SgdLoss::Huber},
                       {"epsilon_insensitive", SgdLoss::EpsilonInsensitive},
                       {"squared_epsilon_insensitive", SgdLoss::SquaredEpsilonInsensitive}});
    def_enum<SgdPenalty>(f, "Penalty", "The penalty of an SGD run ('none' for scikit-learn's None).",
                         {{"none", SgdPenalty::None},
                          {"l2", SgdPenalty::L2},
                          {"l1", SgdPenalty::L1},
                          {"elasticnet", SgdPenalty::ElasticNet}});
    def_enum<SgdRate>(f, "LearningRate", "The learning-rate schedule of an SGD run.",
                      {{"constant", SgdRate::Constant},
                       {"optimal", SgdRate::Optimal},
                       {"invscaling", SgdRate::InvScaling},
                       {"adaptive", SgdRate::Adaptive}});

    auto opts = options_class<SgdOptions>(f, "SgdOptions", "The options of sgd_fit (see sgd.hpp).");
    enum_field(opts, "loss", &SgdOptions::loss);
    opts.def_readwrite("epsilon", &SgdOptions::epsilon);
    enum_field(opts, "penalty", &SgdOptions::penalty);
    opts.def_readwrite("alpha", &SgdOptions::alpha);
    opts.def_readwrite("l1_ratio", &SgdOptions::l1_ratio);
    opts.def_readwrite("fit_intercept", &SgdOptions::fit_intercept);
    opts.def_readwrite("max_iter", &SgdOptions::max_iter);
    opts.def_readwrite("tol", &SgdOptions::tol);
    opts.def_readwrite("shuffle", &SgdOptions::shuffle);
    enum_field(opts, "learning_rate", &SgdOptions::learning_rate);
    opts.def_readwrite("eta0", &SgdOptions::eta0);
    opts.def_readwrite("power_t", &SgdOptions::power_t);
    opts.def_readwrite("early_stopping", &SgdOptions::early_stopping);
    opts.def_readwrite("n_iter_no_change", &SgdOptions::n_iter_no_change);
    opts.def_readwrite("classification", &SgdOptions::classification);
    opts.def_readwrite("t_start", &SgdOptions::t_start);
    opts.def_readwrite("average", &SgdOptions::average);

    def_float(f, "logistic_fit", &logistic_fit_t<float>, &logistic_fit_t<double>,
              "Fit a logistic regression (solver: LogisticSolver or its name): "
              "(theta, n_iter, status, loss, n_evals).",
              py::arg("X").noconvert(), py::arg("y"), py::arg("sample_weight"), py::arg("S"),
              py::arg("K"), py::arg("fit_intercept"), py::arg("l2"), py::arg("l1"), py::arg("solver"),
              py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("theta0"),
              py::arg("n_threads"));
    def_float(f, "sgd_fit", &sgd_fit_t<float>, &sgd_fit_t<double>,
              "K independent SGD fits on the same X: (W, b, epochs, all_finite, W_average, b_average).",
              py::arg("X").noconvert(), py::arg("Y"), py::arg("sample_weight"),
              py::arg("validation_mask"), py::arg("weight_pos"), py::arg("weight_neg"),
              py::arg("seeds"), py::arg("options"), py::arg("W0"), py::arg("b0"), py::arg("Wa0"),
              py::arg("ba0"), py::arg("n_threads"));
    def_float(f, "center_columns", &center_columns_t<float>, &center_columns_t<double>,
              "sqrt(sample_weight) * (X - mean) as a Fortran-ordered float64 array.",
              py::arg("X").noconvert(), py::arg("mean"), py::arg("sample_weight"),
              py::arg("n_threads"));
    f.def("enet_cd_gram", &enet_cd_gram_t, "Elastic-net coordinate descent on the Gram matrix.",
          py::arg("H"), py::arg("q"), py::arg("yy"), py::arg("l1"), py::arg("l2"), py::arg("w0"),
          py::arg("max_iter"), py::arg("tol"), py::arg("tol_w"), py::arg("positive"),
          py::arg("random"), py::arg("seed"), py::arg("check_initial_gap") = true);
    f.def("enet_cd_data", &enet_cd_data_t, "Elastic-net coordinate descent on centred column-major data.",
          py::arg("Xf"), py::arg("y"), py::arg("l1"), py::arg("l2"), py::arg("w0"),
          py::arg("max_iter"), py::arg("tol"), py::arg("tol_w"), py::arg("positive"),
          py::arg("random"), py::arg("seed"), py::arg("n_threads"), py::arg("budget"));
}
