// A pool of worker threads for short, independent tasks whose caller must never wait for a
// thread that is late.
//
// Why not an OpenMP region: a region ends at a barrier, so the caller waits for every thread of
// the team, including one that has not even started. On a small or shared machine (a virtual
// machine whose second core sleeps between calls, a BLAS library's threads still spinning after a
// numpy call) a woken thread can take 1-8 ms to run, and a product worth 50 us then costs 2.5 ms,
// measured here after each pause of a few milliseconds. In this pool the caller takes tasks
// itself from a shared counter and waits only for tasks that a worker has actually begun; a
// worker that wakes after the work is gone finds nothing and goes back to sleep. The worst case
// is therefore the single-thread time, never a scheduler's time slice.
//
//     parallel_tasks(n_threads, count, [&](std::int64_t t) { ...task t... });
//
// runs every task t in [0, count) exactly once, on up to n_threads threads (the caller is one of
// them), and returns when all are done; the first exception of any task is rethrown on the
// caller. Which thread runs which task is not fixed, so a task must not depend on it (each one
// writes its own part of the output). Called from inside an OpenMP region, with one thread, or
// while another thread is using the pool (Python threads running products at once), it falls
// back to an OpenMP region over the same counter or to a plain loop.
#pragma once

#include <atomic>
#include <cstdint>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

using PoolTaskFn = void (*)(void* ctx, std::int64_t task);

// Runs fn(ctx, t) for t in [0, count) on the pool; false (nothing run) when the pool cannot take
// the job: nested in a parallel region, the pool busy with another caller, count too large.
bool pool_run(int n_threads, std::int64_t count, PoolTaskFn fn, void* ctx);

// Starts the pool's threads if they are not running yet and waits (sleeping, at most
// max_wait_ms) until they have all begun; returns how many have.
int pool_start(int max_wait_ms);

// Workers that sleep between jobs after spinning this long without work (microseconds).
constexpr int kPoolSpinMicros = 2000;

template <class F>
void parallel_tasks(int n_threads, std::int64_t count, F&& body) {
    if (count <= 0) return;
    ExceptionSlot slot;
    auto task = [&](std::int64_t t) { slot.run([&] { body(t); }); };
    if (n_threads <= 1 || count == 1) {
        for (std::int64_t t = 0; t < count; ++t) task(t);
    } else if (!pool_run(n_threads, count,
                         [](void* ctx, std::int64_t t) { (*static_cast<decltype(task)*>(ctx))(t); },
                         &task)) {
        std::atomic<std::int64_t> next{0};
        const int nt = threads_for(n_threads, count);
#pragma omp parallel num_threads(nt)
        {
            for (std::int64_t t = next++; t < count; t = next++) task(t);
        }
    }
    slot.rethrow();
}

}  // namespace scratchlearn
