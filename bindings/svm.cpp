// Bindings for the support vector machines (cpp/src/svm/): kernel SMO training, decision values,
// probabilities by pairwise coupling, kernel matrices, and liblinear-style dual coordinate descent.
#include <cstdint>
#include <string>

#include "common.hpp"
#include "scratchlearn/svm.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

template <class T>
py::dict fit(carray<T> X, carray<double> y, const py::object& sample_weight,
             const py::object& class_weight, int n_class, const SvmParams& params, int n_threads) {
    check_ndim(X, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    auto Y = as_vector<double>(y, n, "y");
    carray<double> sw_h, cw_h;
    const double* sw = optional_vector<double>(sample_weight, n, "sample_weight", sw_h);
    const double* cw = optional_vector<double>(class_weight, std::max(n_class, 0), "class_weight", cw_h);
    SvmModel m;
    {
        CoreCall release;
        m = svm_fit<T>(X.data(), n, d, Y.data(), sw, cw, n_class, params, n_threads);
    }
    const py::ssize_t n_sv = static_cast<py::ssize_t>(m.support.size());
    py::array_t<double> dual({static_cast<py::ssize_t>(m.n_class - 1), n_sv});
    std::copy(m.dual_coef.begin(), m.dual_coef.end(), dual.mutable_data());
    py::dict out;
    out["support"] = to_numpy(m.support);
    out["n_support"] = to_numpy(m.n_support);
    out["dual_coef"] = dual;
    out["rho"] = to_numpy(m.rho);
    out["prob_a"] = to_numpy(m.prob_a);
    out["prob_b"] = to_numpy(m.prob_b);
    out["n_iter"] = to_numpy(m.n_iter);
    out["fit_status"] = m.fit_status;
    return out;
}

template <class T>
py::array_t<T> decision(carray<T> Xq, carray<T> SV, carray<std::int64_t> support,
                        carray<double> dual_coef, const py::object& n_support, int n_class,
                        carray<double> rho, const SvmKernelParams& kernel, int n_threads) {
    check_ndim(Xq, 2, "X");
    check_ndim(SV, 2, "support_vectors");
    check_ndim(dual_coef, 2, "dual_coef");
    const index_t m = Xq.shape(0), d = Xq.shape(1);
    const index_t n_sv = dual_coef.shape(1);
    const bool pre = kernel.kernel == SvmKernel::precomputed;
    if (!pre && (SV.shape(0) != n_sv || SV.shape(1) != d))
        throw std::invalid_argument("svm: support vectors do not match the dual coefficients or X");
    auto sup = as_vector<std::int64_t>(support, n_sv, "support");
    carray<std::int32_t> ns_h;
    const std::int32_t* ns = nullptr;
    index_t n_pairs = 1;
    if (!n_support.is_none()) {
        ns_h = as_vector<std::int32_t>(n_support, n_class, "n_support");
        ns = ns_h.data();
        n_pairs = index_t(n_class) * (n_class - 1) / 2;
        if (dual_coef.shape(0) != n_class - 1)
            throw std::invalid_argument("svm: dual_coef must have n_classes - 1 rows");
    } else if (dual_coef.shape(0) != 1) {
        throw std::invalid_argument("svm: dual_coef must have one row");
    }
    auto R = as_vector<double>(rho, n_pairs, "rho");
    py::array_t<T> out({m, n_pairs});
    {
        CoreCall release;
        svm_decision<T>(Xq.data(), m, d, SV.data(), n_sv, sup.data(), dual_coef.data(), ns, n_class,
                        R.data(), kernel, out.mutable_data(), n_threads);
    }
    return out;
}

template <class T>
py::array_t<T> probability(carray<T> dec, int n_class, carray<double> prob_a, carray<double> prob_b,
                           int n_threads) {
    check_ndim(dec, 2, "decision");
    const index_t m = dec.shape(0);
    const index_t n_pairs = index_t(n_class) * (n_class - 1) / 2;
    if (n_class < 2 || dec.shape(1) != n_pairs)
        throw std::invalid_argument("svm: decision values must have n_classes * (n_classes - 1) / 2 columns");
    auto A = as_vector<double>(prob_a, n_pairs, "probA");
    auto B = as_vector<double>(prob_b, n_pairs, "probB");
    py::array_t<T> out({m, index_t(n_class)});
    {
        CoreCall release;
        svm_probability<T>(dec.data(), m, n_class, A.data(), B.data(), out.mutable_data(), n_threads);
    }
    return out;
}

template <class T>
py::array_t<T> kernel_matrix(carray<T> A, carray<T> B, const SvmKernelParams& kernel, int n_threads) {
    check_ndim(A, 2, "X");
    check_ndim(B, 2, "Y");
    if (A.shape(1) != B.shape(1)) throw std::invalid_argument("svm: X and Y have different numbers of features");
    py::array_t<T> out({A.shape(0), B.shape(0)});
    {
        CoreCall release;
        svm_kernel_matrix<T>(A.data(), A.shape(0), B.data(), B.shape(0), A.shape(1), kernel,
                             out.mutable_data(), n_threads);
    }
    return out;
}

template <class T>
py::tuple linear_fit(carray<T> X, carray<double> Y, carray<double> Cw, const LinearSvmParams& params,
                     bool dual, int n_threads) {
    check_ndim(X, 2, "X");
    check_ndim(Y, 2, "Y");
    check_ndim(Cw, 2, "Cw");
    const index_t n = X.shape(0), d = X.shape(1), k = Y.shape(0);
    if (Y.shape(1) != n || Cw.shape(0) != k || Cw.shape(1) != n)
        throw std::invalid_argument("linear svm: Y and Cw must be n_problems x n_samples");
    py::array_t<double> W({k, d + 1});
    py::array_t<long long> iters(k);
    {
        CoreCall release;
        linear_svm_fit_many<T>(X.data(), n, d, k, Y.data(), Cw.data(), params, dual, W.mutable_data(),
                               iters.mutable_data(), n_threads);
    }
    return py::make_tuple(W, iters);
}

template <class T>
py::tuple linear_fit_cs(carray<T> X, carray<double> y, carray<double> Cw, int n_class,
                        const LinearSvmParams& params) {
    check_ndim(X, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    auto yv = as_vector<double>(y, n, "y");
    auto cv = as_vector<double>(Cw, n, "Cw");
    py::array_t<double> W({index_t(std::max(n_class, 0)), d + 1});
    long long it = 0;
    {
        py::gil_scoped_release release;
        it = linear_svm_cs_fit<T>(X.data(), n, d, yv.data(), cv.data(), n_class, params, W.mutable_data());
    }
    return py::make_tuple(W, it);
}

py::tuple sigmoid_train(carray<double> dec, carray<double> labels) {
    check_ndim(dec, 1, "decision");
    auto L = as_vector<double>(labels, dec.shape(0), "labels");
    std::pair<double, double> ab;
    {
        CoreCall release;
        ab = svm_sigmoid_train(dec.shape(0), dec.data(), L.data());
    }
    return py::make_tuple(ab.first, ab.second);
}

}  // namespace

void register_svm(py::module_& m) {
    auto s = family_module(m, "svm", "Support vector machines: SMO, kernels, decision values (cpp/src/svm/).");
    py::enum_<SvmKernel>(s, "Kernel")
        .value("linear", SvmKernel::linear)
        .value("poly", SvmKernel::poly)
        .value("rbf", SvmKernel::rbf)
        .value("sigmoid", SvmKernel::sigmoid)
        .value("precomputed", SvmKernel::precomputed);
    py::enum_<SvmType>(s, "SvmType")
        .value("c_svc", SvmType::c_svc)
        .value("nu_svc", SvmType::nu_svc)
        .value("one_class", SvmType::one_class)
        .value("epsilon_svr", SvmType::epsilon_svr)
        .value("nu_svr", SvmType::nu_svr);
    py::class_<SvmKernelParams>(s, "KernelParams")
        .def(py::init<>())
        .def_readwrite("kernel", &SvmKernelParams::kernel)
        .def_readwrite("degree", &SvmKernelParams::degree)
        .def_readwrite("gamma", &SvmKernelParams::gamma)
        .def_readwrite("coef0", &SvmKernelParams::coef0);
    py::class_<SvmParams>(s, "Params")
        .def(py::init<>())
        .def_readwrite("type", &SvmParams::type)
        .def_readwrite("kernel", &SvmParams::kernel)
        .def_readwrite("C", &SvmParams::C)
        .def_readwrite("nu", &SvmParams::nu)
        .def_readwrite("epsilon", &SvmParams::epsilon)
        .def_readwrite("tol", &SvmParams::tol)
        .def_readwrite("shrinking", &SvmParams::shrinking)
        .def_readwrite("cache_size", &SvmParams::cache_size)
        .def_readwrite("max_iter", &SvmParams::max_iter)
        .def_readwrite("probability", &SvmParams::probability)
        .def_readwrite("seed", &SvmParams::seed);

    def_float(s, "fit", &fit<float>, &fit<double>,
              "Train a kernel SVM: dict of support, n_support, dual_coef, rho, prob_a, prob_b, n_iter, fit_status.",
              py::arg("X").noconvert(), py::arg("y"), py::arg("sample_weight"), py::arg("class_weight"),
              py::arg("n_class"), py::arg("params"), py::arg("n_threads"));
    def_float(s, "decision", &decision<float>, &decision<double>,
              "Decision values (n_queries x n_pairs) of a model in libsvm's layout.",
              py::arg("X").noconvert(), py::arg("support_vectors"), py::arg("support"), py::arg("dual_coef"),
              py::arg("n_support"), py::arg("n_class"), py::arg("rho"), py::arg("kernel"), py::arg("n_threads"));
    def_float(s, "probability", &probability<float>, &probability<double>,
              "Class probabilities from pairwise decision values (Platt sigmoids, pairwise coupling).",
              py::arg("decision").noconvert(), py::arg("n_class"), py::arg("prob_a"), py::arg("prob_b"),
              py::arg("n_threads"));
    def_float(s, "kernel_matrix", &kernel_matrix<float>, &kernel_matrix<double>,
              "The kernel matrix K(X, Y).", py::arg("X").noconvert(), py::arg("Y"), py::arg("kernel"),
              py::arg("n_threads"));
    py::enum_<LinearSvmLoss>(s, "LinearLoss")
        .value("hinge", LinearSvmLoss::hinge)
        .value("squared_hinge", LinearSvmLoss::squared_hinge)
        .value("epsilon_insensitive", LinearSvmLoss::epsilon_insensitive)
        .value("squared_epsilon_insensitive", LinearSvmLoss::squared_epsilon_insensitive);
    py::class_<LinearSvmParams>(s, "LinearParams")
        .def(py::init<>())
        .def_readwrite("loss", &LinearSvmParams::loss)
        .def_readwrite("C", &LinearSvmParams::C)
        .def_readwrite("epsilon", &LinearSvmParams::epsilon)
        .def_readwrite("tol", &LinearSvmParams::tol)
        .def_readwrite("max_iter", &LinearSvmParams::max_iter)
        .def_readwrite("fit_intercept", &LinearSvmParams::fit_intercept)
        .def_readwrite("intercept_scaling", &LinearSvmParams::intercept_scaling)
        .def_readwrite("seed", &LinearSvmParams::seed)
        .def_readwrite("l1_penalty", &LinearSvmParams::l1_penalty);
    def_float(s, "linear_fit_cs", &linear_fit_cs<float>, &linear_fit_cs<double>,
              "Crammer & Singer's multi-class linear SVM: (W (n_class x (d+1)), n_iter).",
              py::arg("X").noconvert(), py::arg("y"), py::arg("Cw"), py::arg("n_class"), py::arg("params"));
    def_float(s, "linear_fit", &linear_fit<float>, &linear_fit<double>,
              "Linear SVMs (one problem per row of Y): (W (k x (d+1)), n_iter (k)).",
              py::arg("X").noconvert(), py::arg("Y"), py::arg("Cw"), py::arg("params"), py::arg("dual"),
              py::arg("n_threads"));
    s.def("sigmoid_train", &sigmoid_train, "Platt's sigmoid (A, B) fitted to decision values and +-1 labels.",
          py::arg("decision"), py::arg("labels"));
}
