// The binding kit: what every bindings/<family>.cpp is written with.
//
// A binding file is a table of one-line registrations over thin typed wrappers:
//
//     template <class T>
//     py::array predict(typed<T> X, carray<T> coef, int n_threads) {
//         auto x = c_order(X, 2, "X");                 // GIL held: convert inputs ...
//         py::array_t<T> out(x.shape(0));              // ... and allocate outputs,
//         py::gil_scoped_release release;              // then run the core without the GIL;
//         core_predict<T>(x.data(), ..., out.mutable_data(), n_threads);
//         return out;                                  // (preconditions: `require` in the core)
//     }
//
//     void register_family(py::module_& m) {
//         auto f = family_module(m, "family", "what it holds");
//         def_float(f, "predict", &predict<float>, &predict<double>, "doc",
//                   py::arg("X").noconvert(), py::arg("coef"), py::arg("n_threads"));
//     }
//
// def_float binds one Python name to both instantiations. The dtype-defining argument is a
// `typed<T>` marked `.noconvert()`: it loads only from an array whose dtype is exactly T (any
// layout), so a float32 array reaches the float overload and a float64 one the double overload and
// the user's data is never cast behind their back; the other array arguments (`carray<T>`) are
// converted to that T. Any other dtype falls through to a last overload that raises a ValueError
// naming the function and the dtype it got. Enumerations are `py::enum_`s defined once (def_enum)
// and accepted as the enum or its name (enum_arg); option structs are `py::class_`es with one
// field per option, built with keyword arguments (options_class). Entry points only tests call go
// in testing_module(m).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <signal.h>
#endif

#include "scratchlearn/parallel.hpp"

namespace scratchlearn::bind {

namespace py = pybind11;

// An input converted (once, if needed) to a C-contiguous array of T.
template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// A 2-d array whose rows are contiguous and equally spaced (C order, or a view selecting a block of
// rows and columns of one): pointer, shape and leading dimension, without a copy.
template <class T>
struct RowView {
    T* ptr;
    std::ptrdiff_t rows, cols, ld;
};

template <class T>
std::optional<RowView<T>> row_view(const py::array& a) {
    if (a.ndim() != 2 || !a.dtype().equal(py::dtype::of<T>())) return std::nullopt;
    const std::ptrdiff_t rows = a.shape(0), cols = a.shape(1);
    const std::ptrdiff_t isz = static_cast<std::ptrdiff_t>(sizeof(T));
    if (rows == 0 || cols == 0)  // nothing is read or written: any strides will do
        return RowView<T>{static_cast<T*>(const_cast<void*>(a.data())), rows, cols,
                          std::max<std::ptrdiff_t>(1, cols)};
    if (cols > 1 && a.strides(1) != isz) return std::nullopt;
    std::ptrdiff_t ld = std::max<std::ptrdiff_t>(1, cols);
    if (rows > 1) {
        const std::ptrdiff_t s0 = a.strides(0);
        if (s0 <= 0 || s0 % isz != 0 || s0 / isz < cols) return std::nullopt;
        ld = std::max<std::ptrdiff_t>(ld, s0 / isz);
    }
    return RowView<T>{static_cast<T*>(const_cast<void*>(a.data())), rows, cols, ld};
}

// An input of the product: in place when its rows are contiguous, else converted once to C order
// (kept alive by `keep`).
template <class T>
RowView<T> input_view(const py::array& a, py::array& keep, const char* who, const char* what) {
    keep = a;
    auto v = row_view<T>(keep);
    if (v) return *v;
    keep = carray<T>::ensure(a);
    if (keep) v = row_view<T>(keep);
    if (!v) throw std::invalid_argument(std::string(who) + ": " + what + " could not be converted");
    return *v;
}

// The dtype-defining argument of a def_float function: dtype exactly T, any layout (with
// .noconvert(), never converted by pybind11; c_order makes it C-contiguous).
template <class T>
using typed = py::array_t<T>;

// Raises ValueError unless `a` has `ndim` dimensions.
inline void check_ndim(const py::array& a, int ndim, const char* name) {
    if (a.ndim() != ndim)
        throw std::invalid_argument(std::string(name) + " must be " + std::to_string(ndim) +
                                    "-dimensional, got " + std::to_string(a.ndim()) + " dimensions");
}

// `a` as a C-contiguous array of T with `ndim` dimensions (converted once if it is not one
// already); ValueError naming `name` otherwise.
template <class T>
carray<T> as_array(const py::handle& a, int ndim, const char* name) {
    carray<T> out = carray<T>::ensure(a);
    if (!out) throw std::invalid_argument(std::string(name) + " could not be converted to an array of numbers");
    check_ndim(out, ndim, name);
    return out;
}

// The dtype-defining argument in C order (a copy only when it is not C-contiguous already).
template <class T>
carray<T> c_order(const typed<T>& a, int ndim, const char* name) {
    return as_array<T>(a, ndim, name);
}

// A square 2-d array, checked (ValueError "<name> must be square").
template <class T>
const carray<T>& as_square(const carray<T>& a, const char* name) {
    check_ndim(a, 2, name);
    if (a.shape(0) != a.shape(1)) throw std::invalid_argument(std::string(name) + " must be square");
    return a;
}

// A 1-d array of exactly `len` entries.
template <class T>
carray<T> as_vector(const py::handle& a, std::ptrdiff_t len, const char* name) {
    carray<T> out = as_array<T>(a, 1, name);
    if (out.shape(0) != len)
        throw std::invalid_argument(std::string(name) + " has " + std::to_string(out.shape(0)) +
                                    " entries, expected " + std::to_string(len));
    return out;
}

// An optional 1-d array of `len` entries (e.g. sample weights): nullptr when `a` is None, else its
// data, kept alive by `holder`.
template <class T>
const T* optional_vector(const py::object& a, std::ptrdiff_t len, const char* name, carray<T>& holder) {
    if (a.is_none()) return nullptr;
    holder = as_vector<T>(a, len, name);
    return holder.data();
}

// A new array holding a copy of `a`: outputs that start from an initial value.
template <class T>
py::array_t<T> copy_of(const carray<T>& a) {
    py::array_t<T> out(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()));
    std::copy(a.data(), a.data() + a.size(), out.mutable_data());
    return out;
}

// ---- def_float ------------------------------------------------------------------------------

namespace detail {

template <class E>
constexpr bool is_arg = std::is_base_of_v<py::arg, E>;  // py::arg and py::arg_v (with a default)

// Any Python object, but only in pybind11's second (converting) pass over the overloads: the
// fallback overload made of these runs after every real overload has failed with conversions too.
struct AnyArg {
    py::object obj;
};
template <std::size_t>
using AnyArgAt = AnyArg;

// What the caller passed as the dtype-defining argument, for the error message.
inline std::string describe(const py::handle& h) {
    if (py::isinstance<py::array>(h)) return "an array of dtype " + py::str(h.attr("dtype")).cast<std::string>();
    return "an object of type " + py::str(py::type::handle_of(h).attr("__name__")).cast<std::string>();
}

// The fallback's extras: the same argument names and defaults, none .noconvert(); its own doc.
template <class E>
auto relaxed(const E& e) {
    if constexpr (is_arg<E>) {
        E c = e;
        c.flag_noconvert = false;
        return c;
    } else {
        return py::doc("(Any other dtype of the dtype-defining argument raises ValueError.)");
    }
}

template <std::size_t... Is>
auto fallback(std::string head, std::string typed_arg, std::size_t typed_pos, std::index_sequence<Is...>) {
    return [head, typed_arg, typed_pos](const AnyArgAt<Is>&... a) -> py::object {
        const py::object values[] = {a.obj..., py::object()};
        const py::object& got = values[typed_pos];
        if (py::isinstance<py::array>(got)) {
            const py::dtype dt = got.attr("dtype");
            if (dt.equal(py::dtype::of<float>()) || dt.equal(py::dtype::of<double>()))
                throw py::type_error(head + "the other arguments do not match the " +
                                     py::str(dt).cast<std::string>() + " signature");
        }
        throw std::invalid_argument(head + typed_arg + " must be a float32 or float64 array, got " +
                                    describe(got));
    };
}

}  // namespace detail
}  // namespace scratchlearn::bind

namespace pybind11::detail {
template <>
struct type_caster<scratchlearn::bind::detail::AnyArg> {
    PYBIND11_TYPE_CASTER(scratchlearn::bind::detail::AnyArg, const_name("object"));
    bool load(handle src, bool convert) {
        if (!convert) return false;
        value.obj = reinterpret_borrow<object>(src);
        return true;
    }
    static handle cast(const scratchlearn::bind::detail::AnyArg& v, return_value_policy, handle) {
        return v.obj.inc_ref();
    }
};
}  // namespace pybind11::detail

namespace scratchlearn::bind {

// Binds `f32` and `f64` (the float and double instantiations of one wrapper) under one name; the
// argument marked .noconvert() picks the overload by its dtype. pybind11 tries every overload
// without conversions, then again with them (never for a .noconvert() argument), so a float32
// array reaches the float overload and a float64 one the double overload with the other
// arguments converted. A third overload, reached only when both fail with conversions (any other
// dtype), raises ValueError: "<name>(<args>): <arg> must be a float32 or float64 array, got an
// array of dtype int64".
template <class F32, class F64, class... Extra>
void def_float(py::module_& m, const char* name, F32 f32, F64 f64, const Extra&... extra) {
    m.def(name, f64, extra...);
    m.def(name, f32, extra...);
    // The argument names (for the message) and which one is the dtype-defining (.noconvert()) one.
    std::string args, typed_arg;
    std::size_t typed_pos = 0, pos = 0;
    auto note = [&](const auto& e) {
        if constexpr (detail::is_arg<std::decay_t<decltype(e)>>) {
            args += (args.empty() ? "" : ", ") + std::string(e.name);
            if (typed_arg.empty() && e.flag_noconvert) {
                typed_arg = e.name;
                typed_pos = pos;
            }
            ++pos;
        }
    };
    (note(extra), ...);
    constexpr std::size_t n_args = (std::size_t(0) + ... + std::size_t(detail::is_arg<Extra>));
    m.def(name,
          detail::fallback(std::string(name) + "(" + args + "): ", typed_arg, typed_pos,
                           std::make_index_sequence<n_args>{}),
          detail::relaxed(extra)...);
}

// ---- interrupts (Ctrl-C) ----------------------------------------------------------------------
//
// A core call wrapped in CoreCall (instead of a bare py::gil_scoped_release) runs without the GIL
// and can be interrupted: on Python's main thread it marks the call interruptible for the core's
// check_interrupt() (scratchlearn/parallel.hpp); a SIGINT meanwhile sets the core's request flag
// (install_interrupts' handler, which then calls Python's own handler, so Python sees the signal
// as usual), the core's next check throws Interrupted, and the translator raises
// KeyboardInterrupt. Calls from other threads run as before, uninterrupted.

namespace detail {

inline std::atomic<bool>& main_call_active() {
    static std::atomic<bool> active{false};
    return active;
}

inline unsigned long& main_thread_ident() {
    static unsigned long ident = 0;
    return ident;
}

#ifndef _WIN32
inline struct sigaction& previous_sigint() {
    static struct sigaction previous {};
    return previous;
}

inline void on_sigint(int sig) {
    if (main_call_active().load()) interrupt_requested().store(true);
    const struct sigaction& prev = previous_sigint();
    if (prev.sa_flags & SA_SIGINFO) {
        if (prev.sa_sigaction) {
            siginfo_t info{};
            info.si_signo = sig;
            prev.sa_sigaction(sig, &info, nullptr);
        }
    } else if (prev.sa_handler != SIG_IGN && prev.sa_handler != SIG_DFL && prev.sa_handler) {
        prev.sa_handler(sig);
    } else if (prev.sa_handler == SIG_DFL) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}
#endif

}  // namespace detail

// Installs the SIGINT hook (chained before the handler already there, normally Python's) and the
// Interrupted -> KeyboardInterrupt translator; called once when _core is imported.
inline void install_interrupts() {
    py::module_ threading = py::module_::import("threading");
    if (!threading.attr("main_thread")().is(threading.attr("current_thread")())) return;
    detail::main_thread_ident() = PyThread_get_thread_ident();
#ifndef _WIN32
    struct sigaction sa {};
    sa.sa_handler = detail::on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGINT, &sa, &detail::previous_sigint());
#endif
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Interrupted&) {
            interrupt_requested().store(false);
            if (PyErr_CheckSignals() != 0) return;  // Python's handler raised (KeyboardInterrupt)
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        }
    });
}

// Releases the GIL for a core call that Ctrl-C may interrupt (see above).
class CoreCall {
public:
    CoreCall() : main_(detail::main_thread_ident() != 0 && PyThread_get_thread_ident() == detail::main_thread_ident()) {
        if (main_) {
            interrupt_requested().store(false);
            interruptible() = true;
            detail::main_call_active().store(true);
        }
    }
    ~CoreCall() {
        if (main_) {
            detail::main_call_active().store(false);
            interruptible() = false;
            interrupt_requested().store(false);
        }
    }
    CoreCall(const CoreCall&) = delete;
    CoreCall& operator=(const CoreCall&) = delete;

private:
    bool main_;
    py::gil_scoped_release release_;
};

// ---- results ---------------------------------------------------------------------------------

// A 1-d numpy array holding a copy of a core result vector (or any contiguous container).
template <class V>
py::array_t<typename V::value_type> to_numpy(const V& v) {
    py::array_t<typename V::value_type> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

// ---- modules --------------------------------------------------------------------------------

// The submodule `_core.<name>` of one kernel family (named as the family's Python package).
inline py::module_ family_module(py::module_& m, const char* name, const char* doc) {
    return m.def_submodule(name, doc);
}

// `_core._testing`: entry points that only the tests call (shared by every family).
inline py::module_ testing_module(py::module_& m) {
    if (py::hasattr(m, "_testing")) return m.attr("_testing").cast<py::module_>();
    return m.def_submodule("_testing", "Test-only entry points of the core; not part of the API.");
}

// ---- enumerations ---------------------------------------------------------------------------

// A C++ enumeration exposed once as `<module>.<name>`, its members named as scikit-learn names the
// options ("hinge", "log_loss", ...). Python passes a member or its name (see enum_arg).
template <class E>
py::enum_<E> def_enum(py::module_& m, const char* name, const char* doc,
                      std::initializer_list<std::pair<const char*, E>> values) {
    py::enum_<E> e(m, name, doc);
    for (const auto& v : values) e.value(v.first, v.second);
    return e;
}

// An enum argument given as a member of E's py::enum_ or as a member's name; ValueError otherwise:
// "<what>: <name> must be 'a' or 'b'" (or "one of 'a', 'b', 'c'").
template <class E>
E enum_arg(const py::handle& v, const char* name, const char* what) {
    const py::handle type = py::detail::get_type_handle(typeid(E), true);  // the py::enum_ of E
    if (py::isinstance(v, type)) return v.cast<E>();
    const py::dict members = type.attr("__members__");
    if (py::isinstance<py::str>(v) && members.contains(v)) return members[v].cast<E>();
    std::vector<std::string> names;
    for (const auto& kv : members) names.push_back(kv.first.cast<std::string>());
    std::string allowed;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) allowed += (i + 1 == names.size()) ? " or " : ", ";
        allowed += "'" + names[i] + "'";
    }
    throw std::invalid_argument(std::string(what) + ": " + name + " must be " +
                                (names.size() > 2 ? "one of " : "") + allowed + ", got " +
                                py::repr(v).cast<std::string>());
}

// ---- option structs -------------------------------------------------------------------------

// A plain C++ options struct S as `<module>.<name>`: default-constructible, built with keyword
// arguments (`SgdOptions(loss="hinge", alpha=1e-4)`; an unknown keyword is a TypeError), one
// read-write attribute per field (add them with .def_readwrite or enum_field).
template <class S>
py::class_<S> options_class(py::module_& m, const char* name, const char* doc) {
    py::class_<S> c(m, name, doc);
    c.def(py::init([](const py::kwargs& kw) {
              py::object o = py::cast(S{});
              for (const auto& kv : kw) {
                  if (!py::hasattr(o, kv.first))
                      throw py::type_error("unknown option '" + kv.first.cast<std::string>() + "'");
                  py::setattr(o, kv.first, kv.second);
              }
              return o.cast<S>();
          }),
          "Options with their defaults, then the keyword arguments.");
    return c;
}

// A field of enum type E, readable as the member and settable from a member or its name.
template <class S, class E>
void enum_field(py::class_<S>& c, const char* name, E S::*field) {
    c.def_property(
        name, [field](const S& s) { return s.*field; },
        [field, name](S& s, const py::object& v) { s.*field = enum_arg<E>(v, name, "options"); });
}

}  // namespace scratchlearn::bind
