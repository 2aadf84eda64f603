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
// while another thread is using the pool (Python threads running products at once), the calling
// thread runs the tasks alone.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scratchlearn/parallel.hpp"

namespace scratchlearn {

// fn(ctx, task, slot): slot is the running thread's place in the job, in [0, participants):
// 0 for the caller, 1, 2, ... for workers; per-thread scratch is indexed by it.
using PoolTaskFn = void (*)(void* ctx, std::int64_t task, int slot);

// Runs fn(ctx, t, slot) for t in [0, count) on the pool; false (nothing run) when the pool cannot take
// the job: nested in a parallel region, the pool busy with another caller, count too large.
bool pool_run(int n_threads, std::int64_t count, PoolTaskFn fn, void* ctx);

// Starts the pool's threads if they are not running yet and waits (sleeping, at most
// max_wait_ms) until they have all begun; returns how many have.
int pool_start(int max_wait_ms);

// Workers sleep after spinning this long without work (microseconds; SCRATCHLEARN_POOL_SPIN_US
// overrides it, a tuning aid). Long enough for back-to-back calls from Python (gaps of a few
// microseconds); short, because a spinning worker takes the core from whatever OpenMP region
// comes next: measured on the quick bench's lasso, linear regression and PCA rows, 100 us
// gave 0.8 / 1.7 / 5.3 ms where 2000 us gave 3.9 / 5.9 / 7.5 ms, the products alike.
constexpr int kPoolSpinMicros = 100;

// Tasks one pool job can hold; parallel_tasks groups more into runs of consecutive tasks.
constexpr std::int64_t kPoolMaxTasks = (std::int64_t(1) << 20) - 1;

// body(task, slot), slot in [0, min(n_threads, count)): the running thread's own index, for
// per-thread scratch allocated by the caller (the tasks of one slot never run at once).
template <class F>
void parallel_tasks_slots(int n_threads, std::int64_t count, F&& body) {
    if (count <= 0) return;
    ExceptionSlot slot;
    const std::int64_t per = (count + kPoolMaxTasks - 1) / kPoolMaxTasks;  // 1 unless huge
    const std::int64_t jobs = (count + per - 1) / per;
    auto task = [&](std::int64_t j, int s) {
        slot.run([&] {
            for (std::int64_t t = j * per, end = std::min(count, t + per); t < end; ++t) body(t, s);
        });
    };
    if (n_threads <= 1 || jobs == 1 ||
        !pool_run(n_threads, jobs,
                  [](void* ctx, std::int64_t j, int s) { (*static_cast<decltype(task)*>(ctx))(j, s); },
                  &task)) {
        // One thread, or nested in a parallel region, or the pool busy with another caller
        // (whose threads already have the cores): this thread alone.
        for (std::int64_t j = 0; j < jobs; ++j) task(j, 0);
    }
    slot.rethrow();
}

template <class F>
void parallel_tasks(int n_threads, std::int64_t count, F&& body) {
    parallel_tasks_slots(n_threads, count, [&](std::int64_t t, int) { body(t); });
}

// body(i) for every i in [0, n), in contiguous runs of indices (4 per thread, at most n) taken
// from the pool's counter: the pool's form of an OpenMP parallel loop with a static schedule,
// for a loop whose iterations are independent.
template <class I, class F>
void parallel_for(int n_threads, I n, F&& body) {
    if (n <= 0) return;
    const std::int64_t total = static_cast<std::int64_t>(n);
    const std::int64_t runs = n_threads <= 1 ? 1 : std::min<std::int64_t>(total, 4 * std::int64_t(n_threads));
    parallel_tasks(n_threads, runs, [&](std::int64_t r) {
        const std::int64_t i0 = total * r / runs, i1 = total * (r + 1) / runs;
        for (std::int64_t i = i0; i < i1; ++i) body(static_cast<I>(i));
    });
}

// body(i) for every i in [0, n), one task per index (the `schedule(dynamic, 1)` of a loop whose
// iterations are uneven blocks of work).
template <class I, class F>
void parallel_for_each(int n_threads, I n, F&& body) {
    parallel_tasks(n_threads, static_cast<std::int64_t>(n), [&](std::int64_t i) { body(static_cast<I>(i)); });
}

// Per-thread state for a job on the pool: one State per slot, made (and initialised by init)
// the first time a thread of that slot asks, kept for the object's life (across jobs).
//
//     PerSlot<Scratch> scratch(nt);
//     parallel_tasks_slots(nt, count, [&](std::int64_t t, int slot) {
//         Scratch& s = scratch.get(slot, [&](Scratch& fresh) { fresh.buf.resize(n); });
//         ...
//     });
template <class State>
class PerSlot {
public:
    explicit PerSlot(int n_threads) : states_(static_cast<std::size_t>(n_threads < 1 ? 1 : n_threads)) {}
    template <class Init>
    State& get(int slot, Init&& init) {
        std::unique_ptr<State>& p = states_[static_cast<std::size_t>(slot)];
        if (!p) {
            p.reset(new State);
            init(*p);
        }
        return *p;
    }

private:
    std::vector<std::unique_ptr<State>> states_;
};

// Testing aid: runs `count` tasks on the pool (task `fail_at` throws std::invalid_argument);
// per task, how many times it ran. Bound as _core._testing.pool_tasks.
std::vector<std::int64_t> pool_task_runs(std::int64_t count, int n_threads, std::int64_t fail_at);

}  // namespace scratchlearn
