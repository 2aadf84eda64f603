// Threading helpers shared by every kernel family.
//
// Every parallel region in scratchlearn takes its thread count explicitly (`n_threads`), and any
// exception thrown inside a region is caught there, stored, and rethrown on the calling thread once
// the region has ended (an exception must never escape an OpenMP structured block).
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace scratchlearn {

// Number of threads an OpenMP region would use by default (honours OMP_NUM_THREADS).
inline int default_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

inline bool have_openmp() {
#ifdef _OPENMP
    return true;
#else
    return false;
#endif
}

// Clamp a requested thread count to [1, work_items] so tiny problems do not spawn idle threads.
inline int threads_for(int n_threads, long long work_items) {
    if (n_threads < 1) n_threads = 1;
    if (work_items < 1) work_items = 1;
    if (static_cast<long long>(n_threads) > work_items) n_threads = static_cast<int>(work_items);
    return n_threads;
}

// Collects the first exception thrown by any thread of a parallel region.
//
//     ExceptionSlot slot;
//     #pragma omp parallel for num_threads(n)
//     for (...) slot.run([&] { body(); });
//     slot.rethrow();
class ExceptionSlot {
public:
    template <class F>
    void run(F&& f) noexcept {
        if (failed_.load(std::memory_order_relaxed)) return;  // at worst one more iteration runs
        try {
            f();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
            failed_.store(true, std::memory_order_relaxed);
        }
    }
    void rethrow() {
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::mutex mutex_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};  // read by every thread while one may set it
};

// ---- Interrupts (Ctrl-C) ---------------------------------------------------------------------
//
// A long core loop calls check_interrupt() once per outer iteration (an epoch, a k-means pass, a
// batch of solver steps), outside any parallel region. It throws Interrupted when a SIGINT arrived
// during a core call that the binding marked interruptible (bindings/common.hpp's CoreCall, on
// Python's main thread: it sets `interruptible()` on the calling thread and the signal handler sets
// `interrupt_requested()`); the binding turns Interrupted into Python's KeyboardInterrupt. Anywhere
// else (another thread, inside a parallel region, a core used without Python) it does nothing. The
// cost is a thread-local read.
struct Interrupted : std::exception {
    const char* what() const noexcept override { return "interrupted (SIGINT)"; }
};

inline std::atomic<bool>& interrupt_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

inline bool& interruptible() {
    thread_local bool on = false;
    return on;
}

inline void check_interrupt() {
    if (!interruptible() || !interrupt_requested().load(std::memory_order_relaxed)) return;
#ifdef _OPENMP
    if (omp_in_parallel()) return;  // an exception must not leave a parallel region
#endif
    throw Interrupted();
}

// ValueError(message) unless ok. A literal message is taken as const char*, so a check inside a
// loop costs a comparison, not the construction of a std::string each time.
inline void require(bool ok, const char* message) {
    if (!ok) throw std::invalid_argument(message);
}
inline void require(bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
}

}  // namespace scratchlearn
