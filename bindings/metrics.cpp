// _core.metrics: the metrics' loops (cpp/src/metrics/): the ranking behind ROC / PR curves and AUC,
// the label counting behind confusion matrices and reports, the silhouette's cluster sums.
#include "common.hpp"
#include "scratchlearn/metrics.hpp"

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

using iarray = carray<std::int64_t>;

template <class T>
py::tuple bind_binary_curve(const typed<T>& score_in, const carray<std::uint8_t>& y_in,
                       const py::object& w_in, int n_threads) {
    carray<T> score = c_order(score_in, 1, "y_score");
    const index_t n = score.shape(0);
    carray<std::uint8_t> y = as_vector<std::uint8_t>(y_in, n, "y_true");
    carray<double> wh;
    const double* pw = optional_vector<double>(w_in, n, "sample_weight", wh);
    std::vector<double> fps, tps;
    std::vector<T> thr;
    {
        py::gil_scoped_release release;
        scratchlearn::binary_curve<T>(score.data(), y.data(), pw, n, fps, tps, thr, n_threads);
    }
    const auto m = static_cast<py::ssize_t>(thr.size());
    py::array_t<double> f(m), t(m);
    py::array_t<T> th(m);
    std::copy(fps.begin(), fps.end(), f.mutable_data());
    std::copy(tps.begin(), tps.end(), t.mutable_data());
    std::copy(thr.begin(), thr.end(), th.mutable_data());
    return py::make_tuple(f, t, th);
}

template <class T>
double bind_binary_auc(const typed<T>& score_in, const carray<std::uint8_t>& y_in,
                       const py::object& w_in, int n_threads) {
    carray<T> score = c_order(score_in, 1, "y_score");
    const index_t n = score.shape(0);
    carray<std::uint8_t> y = as_vector<std::uint8_t>(y_in, n, "y_true");
    carray<double> wh;
    const double* pw = optional_vector<double>(w_in, n, "sample_weight", wh);
    py::gil_scoped_release release;
    return scratchlearn::binary_auc<T>(score.data(), y.data(), pw, n, n_threads);
}

py::tuple bind_int_min_max(const iarray& y_in, int n_threads) {
    iarray y = as_array<std::int64_t>(y_in, 1, "y");
    if (y.shape(0) < 1) throw std::invalid_argument("int_min_max: empty input");
    std::int64_t lo = 0, hi = 0;
    {
        py::gil_scoped_release release;
        scratchlearn::int_min_max(y.data(), y.shape(0), lo, hi, n_threads);
    }
    return py::make_tuple(lo, hi);
}

py::array bind_confusion_counts(const iarray& t_in, const iarray& p_in, std::int64_t lo, index_t K,
                           const py::object& w_in, int n_threads) {
    iarray t = as_array<std::int64_t>(t_in, 1, "y_true");
    const index_t n = t.shape(0);
    iarray p = as_vector<std::int64_t>(p_in, n, "y_pred");
    carray<double> wh;
    const double* pw = optional_vector<double>(w_in, n, "sample_weight", wh);
    if (K < 1 || K > (1 << 13)) throw std::invalid_argument("confusion_counts: K must be in [1, 8192]");
    py::array_t<double> out({K, K});
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        scratchlearn::confusion_counts(t.data(), p.data(), n, lo, K, pw, po, n_threads);
    }
    return out;
}

py::tuple bind_encode_fixed_width(const carray<std::uint8_t>& bytes_in) {
    carray<std::uint8_t> bytes = as_array<std::uint8_t>(bytes_in, 2, "items");
    const index_t n = bytes.shape(0), width = bytes.shape(1);
    py::array_t<std::int64_t> codes(n);
    std::int64_t* pc = codes.mutable_data();
    std::vector<std::int64_t> firsts;
    {
        py::gil_scoped_release release;
        firsts = scratchlearn::encode_fixed_width(bytes.data(), n, width, pc);
    }
    py::array_t<std::int64_t> f(static_cast<py::ssize_t>(firsts.size()));
    std::copy(firsts.begin(), firsts.end(), f.mutable_data());
    return py::make_tuple(codes, f);
}

template <class T>
py::array bind_silhouette_sums(const typed<T>& x_in, const iarray& lab_in, index_t K, Metric metric,
                          double p, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    iarray lab = as_vector<std::int64_t>(lab_in, n, "labels");
    if (K < 1) throw std::invalid_argument("silhouette_sums: K must be >= 1");
    py::array_t<double> out({n, K});
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        scratchlearn::silhouette_sums<T>(X.data(), n, d, lab.data(), K, metric, p, po, n_threads);
    }
    return out;
}

}  // namespace

void register_metrics(py::module_& m) {
    auto f = family_module(m, "metrics", "Metrics kernels (cpp/src/metrics/).");
    def_float(f, "binary_curve", &bind_binary_curve<float>, &bind_binary_curve<double>,
              "(fps, tps, thresholds) at every distinct score, scores in decreasing order.",
              py::arg("y_score").noconvert(), py::arg("y_true"), py::arg("sample_weight"),
              py::arg("n_threads"));
    def_float(f, "binary_auc", &bind_binary_auc<float>, &bind_binary_auc<double>,
              "Area under the ROC curve of the ranking binary_curve walks.",
              py::arg("y_score").noconvert(), py::arg("y_true"), py::arg("sample_weight"),
              py::arg("n_threads"));
    f.def("int_min_max", &bind_int_min_max, "(min, max) of an int64 vector.", py::arg("y"),
          py::arg("n_threads"));
    f.def("confusion_counts", &bind_confusion_counts,
          "K x K (weighted) counts of (y_true - lo, y_pred - lo) pairs (float64).", py::arg("y_true"),
          py::arg("y_pred"), py::arg("lo"), py::arg("n_labels"), py::arg("sample_weight"),
          py::arg("n_threads"));
    f.def("encode_fixed_width", &bind_encode_fixed_width,
          "(codes, firsts) of n fixed-width items (an n x width uint8 array): each item's number "
          "among the distinct items, numbered in order of first appearance, and their first indices.",
          py::arg("items"));
    def_float(f, "silhouette_sums", &bind_silhouette_sums<float>, &bind_silhouette_sums<double>,
              "n x K sums of each sample's distances to each cluster's members.",
              py::arg("X").noconvert(), py::arg("labels"), py::arg("n_labels"), py::arg("metric"),
              py::arg("p"), py::arg("n_threads"));
}
