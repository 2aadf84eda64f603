// _core.preprocessing: the scalers' and imputers' kernels (cpp/src/preprocessing/): column moments,
// min/max, selection quantiles, column-wise affine transforms and filling of missing values.
#include "common.hpp"
#include "scratchlearn/preprocessing.hpp"

#include <cmath>

namespace py = pybind11;
using namespace scratchlearn;
using namespace scratchlearn::bind;

namespace {

// The missing-value marker: None or NaN means NaN only (always skipped), a number adds that value.
inline bool missing_value(const py::object& m, double& value) {
    if (m.is_none()) return false;
    value = m.cast<double>();
    return !std::isnan(value);
}

template <class T>
py::tuple moments(const typed<T>& x_in, const py::object& sw_in, const py::object& missing,
                  int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    carray<T> swh;
    const T* pw = optional_vector<T>(sw_in, n, "sample_weight", swh);
    double mv = 0.0;
    const bool has = missing_value(missing, mv);
    py::array_t<double> count(d), mean(d), m2(d);
    const T* px = X.data();
    double *pc = count.mutable_data(), *pm = mean.mutable_data(), *pq = m2.mutable_data();
    bool inf;
    {
        py::gil_scoped_release release;
        inf = column_moments<T>(px, n, d, pw, has, mv, pc, pm, pq, n_threads);
    }
    return py::make_tuple(count, mean, m2, inf);
}

template <class T>
py::tuple minmax(const typed<T>& x_in, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    py::array_t<double> mn(d), mx(d), count(d);
    const T* px = X.data();
    double *a = mn.mutable_data(), *b = mx.mutable_data(), *c = count.mutable_data();
    bool inf;
    {
        py::gil_scoped_release release;
        inf = column_minmax<T>(px, n, d, a, b, c, n_threads);
    }
    return py::make_tuple(mn, mx, count, inf);
}

template <class T>
py::array quantiles(const typed<T>& x_in, const carray<double>& qs_in, const py::object& missing,
                    bool midpoint_median, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    check_ndim(qs_in, 1, "quantiles");
    const index_t n = X.shape(0), d = X.shape(1), nq = qs_in.shape(0);
    double mv = 0.0;
    const bool has = missing_value(missing, mv);
    py::array_t<double> out({nq, d});
    const T* px = X.data();
    const double* pq = qs_in.data();
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        column_quantiles<T>(px, n, d, pq, nq, has, mv, midpoint_median, po, n_threads);
    }
    return out;
}

// a, b: None or d float64 values. inplace: write into X itself (X must be C-contiguous).
template <class T>
py::tuple affine(const typed<T>& x_in, const py::object& a_in, const py::object& b_in, int mode,
                 bool clip, double lo, double hi, bool inplace, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    carray<double> ah, bh;
    const double* pa = optional_vector<double>(a_in, d, "a", ah);
    const double* pb = optional_vector<double>(b_in, d, "b", bh);
    const bool same = inplace && X.ptr() == x_in.ptr() && X.writeable();
    py::array_t<T> out = same ? py::array_t<T>(X) : py::array_t<T>({n, d});
    const T* px = X.data();
    T* po = out.mutable_data();
    bool inf;
    {
        py::gil_scoped_release release;
        inf = column_affine<T>(px, n, d, pa, pb, mode, clip, lo, hi, po, n_threads);
    }
    return py::make_tuple(out, inf);
}

template <class T>
py::tuple fill(const typed<T>& x_in, const py::object& missing, const carray<T>& fill_in,
               bool inplace, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    carray<T> fv = as_vector<T>(fill_in, d, "fill");
    double mv = 0.0;
    const bool has = missing_value(missing, mv);
    const bool same = inplace && X.ptr() == x_in.ptr() && X.writeable();
    py::array_t<T> out = same ? py::array_t<T>(X) : py::array_t<T>({n, d});
    const T* px = X.data();
    const T* pf = fv.data();
    T* po = out.mutable_data();
    long long replaced;
    {
        py::gil_scoped_release release;
        replaced = fill_missing<T>(px, n, d, has, mv, pf, po, n_threads);
    }
    return py::make_tuple(out, replaced);
}

// The columns of X that hold a missing entry: a bool array of d.
template <class T>
py::array_t<bool> missing_cols(const typed<T>& x_in, const py::object& missing) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    double mv = 0.0;
    const bool has = missing_value(missing, mv);
    static_assert(sizeof(bool) == 1, "numpy's bool is one byte");
    py::array_t<bool> out(d);
    const T* px = X.data();
    std::uint8_t* po = reinterpret_cast<std::uint8_t*>(out.mutable_data());
    {
        py::gil_scoped_release release;
        missing_columns<T>(px, n, d, has, mv, po);
    }
    return out;
}

// X filled, with the indicators of `columns` after it: (n × (d + m) array, count replaced).
template <class T>
py::tuple fill_indicator(const typed<T>& x_in, const py::object& missing, const carray<T>& fill_in,
                         const carray<std::int64_t>& columns_in, int n_threads) {
    carray<T> X = c_order(x_in, 2, "X");
    const index_t n = X.shape(0), d = X.shape(1);
    carray<T> fv = as_vector<T>(fill_in, d, "fill");
    carray<std::int64_t> cols = as_array<std::int64_t>(columns_in, 1, "columns");
    const index_t m = cols.shape(0);
    double mv = 0.0;
    const bool has = missing_value(missing, mv);
    py::array_t<T> out({n, d + m});
    const T* px = X.data();
    const T* pf = fv.data();
    const std::int64_t* pc = cols.data();
    T* po = out.mutable_data();
    long long replaced;
    {
        py::gil_scoped_release release;
        replaced = fill_missing_indicator<T>(px, n, d, has, mv, pf, pc, m, po, n_threads);
    }
    return py::make_tuple(out, replaced);
}

// The ones of the dense one-hot matrix written into `out` (n × n_out zeros, C-contiguous), from
// the encoded columns (n × d int64, offsets added).
template <class T>
void one_hot(const carray<std::int64_t>& cols_in, const py::object& keep_in, const typed<T>& out_in,
             int n_threads) {
    typed<T> out = out_in;  // a new reference to the caller's array (written in place)
    carray<std::int64_t> cols = as_array<std::int64_t>(cols_in, 2, "cols");
    const index_t n = cols.shape(0), d = cols.shape(1);
    carray<unsigned char> keep;
    if (!keep_in.is_none()) {
        keep = as_array<unsigned char>(keep_in, 2, "keep");
        if (keep.shape(0) != n || keep.shape(1) != d)
            throw std::invalid_argument("one_hot: keep must have the shape of cols");
    }
    check_ndim(out, 2, "out");
    if (out.shape(0) != n || !out.writeable() ||
        !(out.flags() & py::array::c_style))
        throw std::invalid_argument("one_hot: out must be a writeable C-contiguous array of n rows");
    const index_t n_out = out.shape(1);
    const std::int64_t* pc = cols.data();
    const unsigned char* pk = keep_in.is_none() ? nullptr : keep.data();
    T* po = out.mutable_data();
    py::gil_scoped_release release;
    one_hot_dense<T>(pc, pk, n, d, n_out, po, n_threads);
}

}  // namespace

void register_preprocessing(py::module_& m) {
    auto f = family_module(m, "preprocessing", "Scaler and imputer kernels (cpp/src/preprocessing/).");
    def_float(f, "moments", &moments<float>, &moments<double>,
              "(count, mean, m2, saw_inf) of every column, skipping NaN and `missing`.",
              py::arg("X").noconvert(), py::arg("sample_weight"), py::arg("missing"), py::arg("n_threads"));
    def_float(f, "minmax", &minmax<float>, &minmax<double>,
              "(min, max, count, saw_inf) of every column, ignoring NaN.", py::arg("X").noconvert(),
              py::arg("n_threads"));
    def_float(f, "quantiles", &quantiles<float>, &quantiles<double>,
              "nq × d quantiles of the columns (numpy's linear rule), skipping NaN and `missing`.",
              py::arg("X").noconvert(), py::arg("q"), py::arg("missing"), py::arg("midpoint_median"),
              py::arg("n_threads"));
    def_float(f, "affine", &affine<float>, &affine<double>,
              "((x − a) / b (mode 0) or x·a + b (mode 1), clipped if asked; saw_inf).",
              py::arg("X").noconvert(), py::arg("a"), py::arg("b"), py::arg("mode"), py::arg("clip"),
              py::arg("lo"), py::arg("hi"), py::arg("inplace"), py::arg("n_threads"));
    def_float(f, "fill_missing", &fill<float>, &fill<double>,
              "(X with NaN / `missing` replaced by fill[j], count replaced).", py::arg("X").noconvert(),
              py::arg("missing"), py::arg("fill"), py::arg("inplace"), py::arg("n_threads"));
    def_float(f, "missing_columns", &missing_cols<float>, &missing_cols<double>,
              "Bool per column of X: does it hold NaN / `missing`? (stops once every column has).",
              py::arg("X").noconvert(), py::arg("missing"));
    def_float(f, "fill_missing_indicator", &fill_indicator<float>, &fill_indicator<double>,
              "(X filled as fill_missing, then a 0/1 column per entry of `columns`: 1 where that "
              "column of X is missing; count replaced).",
              py::arg("X").noconvert(), py::arg("missing"), py::arg("fill"), py::arg("columns"),
              py::arg("n_threads"));
    def_float(f, "one_hot", &one_hot<float>, &one_hot<double>,
              "Writes the ones of the dense one-hot matrix of encoded columns into out (zeros).",
              py::arg("cols"), py::arg("keep"), py::arg("out").noconvert(), py::arg("n_threads"));
}
