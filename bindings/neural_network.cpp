// Bindings for the multi-layer perceptrons (cpp/src/neural_network/mlp.cpp): thin wrappers, shape
// checks, GIL release. The network is passed by name (units, activations, loss, alpha); the flat
// parameter vector and the optimiser's state arrays are updated in place.
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common.hpp"
#include "scratchlearn/neural_network.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

MlpNet make_net(const std::vector<index_t>& units, MlpActivation hidden, MlpActivation output,
                MlpLoss loss, double alpha) {
    MlpNet net;
    net.units = units;
    net.hidden = hidden;
    net.output = output;
    net.loss = loss;
    net.alpha = alpha;
    net.check();
    return net;
}

// A writeable, C-contiguous 1-d array of exactly T and `len` entries, updated in place.
template <class T>
T* inplace_vector(const py::array& a, index_t len, const char* name) {
    if (!py::isinstance<py::array_t<T>>(a) || !(a.flags() & py::array::c_style) || !a.writeable())
        throw std::invalid_argument(std::string(name) +
                                    " must be a writeable C-contiguous array of the data's dtype");
    check_ndim(a, 1, name);
    if (a.shape(0) != len)
        throw std::invalid_argument(std::string(name) + " has " + std::to_string(a.shape(0)) +
                                    " entries, expected " + std::to_string(len));
    return static_cast<T*>(const_cast<void*>(a.data()));
}

template <class T>
carray<T> matrix(const py::handle& a, index_t rows, index_t cols, const char* name) {
    carray<T> out = as_array<T>(a, 2, name);
    if (out.shape(0) != rows || out.shape(1) != cols)
        throw std::invalid_argument(std::string(name) + " has shape (" + std::to_string(out.shape(0)) +
                                    ", " + std::to_string(out.shape(1)) + "), expected (" +
                                    std::to_string(rows) + ", " + std::to_string(cols) + ")");
    return out;
}

template <class T>
py::array predict(const carray<T>& X, const py::array& params_in, const std::vector<index_t>& units,
                  MlpActivation hidden, MlpActivation output, int n_threads) {
    check_ndim(X, 2, "X");
    MlpNet net = make_net(units, hidden, output, MlpLoss::squared_error, 0.0);
    if (X.shape(1) != net.units[0]) throw std::invalid_argument("mlp: X has the wrong number of features");
    carray<T> params = as_vector<T>(params_in, net.n_params(), "params");
    const index_t n = X.shape(0);
    py::array_t<T> out({n, net.units.back()});
    T* po = out.mutable_data();
    {
        CoreCall release;
        mlp_predict<T>(net, params.data(), n, X.data(), po, n_threads);
    }
    return out;
}

template <class T>
py::tuple loss_grad(const carray<T>& X, const py::array& y_in, const py::object& sw_in,
                    const py::array& params_in, const std::vector<index_t>& units,
                    MlpActivation hidden, MlpActivation output, MlpLoss loss, double alpha,
                    int n_threads) {
    check_ndim(X, 2, "X");
    MlpNet net = make_net(units, hidden, output, loss, alpha);
    const index_t n = X.shape(0);
    if (X.shape(1) != net.units[0]) throw std::invalid_argument("mlp: X has the wrong number of features");
    carray<T> Y = matrix<T>(y_in, n, net.units.back(), "Y");
    carray<T> swh;
    const T* sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    carray<T> params = as_vector<T>(params_in, net.n_params(), "params");
    py::array_t<T> grad(net.n_params());
    T* pg = grad.mutable_data();
    double f;
    {
        CoreCall release;
        f = mlp_loss_grad<T>(net, params.data(), n, X.data(), Y.data(), sw, pg, n_threads);
    }
    return py::make_tuple(f, grad);
}

template <class T>
py::tuple epoch(const carray<T>& X, const py::array& y_in, const py::object& sw_in,
                const py::object& order_in, const py::array& params_in, const py::array& s1_in,
                const py::array& s2_in, const std::vector<index_t>& units, MlpActivation hidden,
                MlpActivation output, MlpLoss loss, double alpha, index_t batch_size,
                MlpSolver solver, double learning_rate_init, double learning_rate, double momentum,
                bool nesterov, double beta_1, double beta_2, double epsilon, std::int64_t t,
                int n_threads) {
    check_ndim(X, 2, "X");
    MlpNet net = make_net(units, hidden, output, loss, alpha);
    const index_t n = X.shape(0), P = net.n_params();
    if (X.shape(1) != net.units[0]) throw std::invalid_argument("mlp: X has the wrong number of features");
    carray<T> Y = matrix<T>(y_in, n, net.units.back(), "Y");
    carray<T> swh;
    const T* sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    carray<std::int64_t> oh;
    const std::int64_t* order = optional_vector<std::int64_t>(order_in, n, "order", oh);
    T* params = inplace_vector<T>(params_in, P, "params");
    T* s1 = inplace_vector<T>(s1_in, P, "state1");
    T* s2 = inplace_vector<T>(s2_in, P, "state2");
    MlpOptimizer opt;
    opt.solver = solver;
    opt.learning_rate_init = learning_rate_init;
    opt.learning_rate = learning_rate;
    opt.momentum = momentum;
    opt.nesterov = nesterov;
    opt.beta_1 = beta_1;
    opt.beta_2 = beta_2;
    opt.epsilon = epsilon;
    opt.t = t;
    double f;
    {
        CoreCall release;
        f = mlp_epoch<T>(net, params, n, X.data(), Y.data(), sw, order, batch_size, opt, s1, s2,
                         n_threads);
    }
    return py::make_tuple(f, opt.t);
}

template <class T>
py::tuple lbfgs(const carray<T>& X, const py::array& y_in, const py::object& sw_in,
                const py::array& params_in, const std::vector<index_t>& units, MlpActivation hidden,
                MlpActivation output, MlpLoss loss, double alpha, index_t max_iter, index_t max_fun,
                double tol, double ftol, int n_threads) {
    check_ndim(X, 2, "X");
    MlpNet net = make_net(units, hidden, output, loss, alpha);
    const index_t n = X.shape(0);
    if (X.shape(1) != net.units[0]) throw std::invalid_argument("mlp: X has the wrong number of features");
    carray<T> Y = matrix<T>(y_in, n, net.units.back(), "Y");
    carray<T> swh;
    const T* sw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    T* params = inplace_vector<T>(params_in, net.n_params(), "params");
    MlpLbfgsResult r;
    {
        CoreCall release;
        r = mlp_lbfgs<T>(net, params, n, X.data(), Y.data(), sw, max_iter, max_fun, tol, ftol, n_threads);
    }
    return py::make_tuple(r.loss, r.n_iter, r.n_evals, r.status);
}

}  // namespace

void register_neural_network(py::module_& m) {
    auto f = family_module(m, "neural_network",
                           "Multi-layer perceptrons: forward/backward passes, SGD/Adam epochs, L-BFGS.");
    py::enum_<MlpActivation>(f, "Activation")
        .value("identity", MlpActivation::identity)
        .value("logistic", MlpActivation::logistic)
        .value("tanh", MlpActivation::tanh)
        .value("relu", MlpActivation::relu)
        .value("softmax", MlpActivation::softmax)
        .value("exp", MlpActivation::exp);
    py::enum_<MlpLoss>(f, "Loss")
        .value("squared_error", MlpLoss::squared_error)
        .value("poisson", MlpLoss::poisson)
        .value("log_loss", MlpLoss::log_loss)
        .value("binary_log_loss", MlpLoss::binary_log_loss);
    py::enum_<MlpSolver>(f, "Solver").value("sgd", MlpSolver::sgd).value("adam", MlpSolver::adam);

    def_float(f, "predict", &predict<float>, &predict<double>,
              "The output layer's activations for X (n × n_outputs).", py::arg("X").noconvert(),
              py::arg("params"), py::arg("units"), py::arg("hidden"), py::arg("output"),
              py::arg("n_threads"));
    def_float(f, "loss_grad", &loss_grad<float>, &loss_grad<double>,
              "(loss, gradient) of the whole data as one batch.", py::arg("X").noconvert(),
              py::arg("Y"), py::arg("sample_weight"), py::arg("params"), py::arg("units"),
              py::arg("hidden"), py::arg("output"), py::arg("loss"), py::arg("alpha"),
              py::arg("n_threads"));
    def_float(f, "epoch", &epoch<float>, &epoch<double>,
              "One epoch of minibatch SGD/Adam steps, params and state updated in place: "
              "(epoch loss, Adam's step count).",
              py::arg("X").noconvert(), py::arg("Y"), py::arg("sample_weight"), py::arg("order"),
              py::arg("params"), py::arg("state1"), py::arg("state2"), py::arg("units"),
              py::arg("hidden"), py::arg("output"), py::arg("loss"), py::arg("alpha"),
              py::arg("batch_size"), py::arg("solver"), py::arg("learning_rate_init"),
              py::arg("learning_rate"), py::arg("momentum"), py::arg("nesterov"),
              py::arg("beta_1"), py::arg("beta_2"), py::arg("epsilon"), py::arg("t"),
              py::arg("n_threads"));
    def_float(f, "lbfgs", &lbfgs<float>, &lbfgs<double>,
              "Full-batch L-BFGS on params (in place): (loss, n_iter, n_evals, status).",
              py::arg("X").noconvert(), py::arg("Y"), py::arg("sample_weight"), py::arg("params"),
              py::arg("units"), py::arg("hidden"), py::arg("output"), py::arg("loss"),
              py::arg("alpha"), py::arg("max_iter"), py::arg("max_fun"), py::arg("tol"),
              py::arg("ftol"), py::arg("n_threads"));
}
