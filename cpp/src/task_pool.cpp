// The late-tolerant task pool (see scratchlearn/task_pool.hpp for why it exists).
//
// One job at a time. Its whole state that workers race on is one 64-bit ticket:
//   generation (16 bits) | participants (8) | task count (20) | next task (20).
// A thread claims task `next` by a compare-and-swap of the ticket to next + 1; the swap succeeds
// only while the ticket still holds that job, so a worker that wakes late can never claim a task
// of an old job, nor of a new one under the old job's function. The job's function and context
// are plain fields written before the ticket is published and read only after a successful
// claim; the caller rewrites them only for its next job, after counting every task of this one
// done, so no claimed task can see them change.
//
// Workers spin for kPoolSpinMicros after a job, then sleep on a condition variable. The caller
// wakes sleepers only when there are some (a counter both sides update in sequentially
// consistent order, so a wake-up is never lost), then works the counter itself.
#include "scratchlearn/task_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SCRATCHLEARN_PAUSE() _mm_pause()
#else
#define SCRATCHLEARN_PAUSE() std::this_thread::yield()
#endif

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define SCRATCHLEARN_HAVE_ATFORK 1
#endif
#if defined(__linux__)
#include <sched.h>
#define SCRATCHLEARN_HAVE_SCHED_CPU 1
#endif

namespace scratchlearn {
namespace {

constexpr int kNextBits = 20, kCountBits = 20, kPartBits = 8, kGenBits = 16;
constexpr std::uint64_t kNextMask = (std::uint64_t(1) << kNextBits) - 1;
constexpr std::uint64_t kCountMask = (std::uint64_t(1) << kCountBits) - 1;
constexpr std::uint64_t kPartMask = (std::uint64_t(1) << kPartBits) - 1;
constexpr std::uint64_t kGenMask = (std::uint64_t(1) << kGenBits) - 1;
constexpr int kCountShift = kNextBits, kPartShift = kCountShift + kCountBits,
              kGenShift = kPartShift + kPartBits;

inline std::uint64_t next_of(std::uint64_t v) { return v & kNextMask; }
inline std::uint64_t count_of(std::uint64_t v) { return (v >> kCountShift) & kCountMask; }
inline std::uint64_t parts_of(std::uint64_t v) { return (v >> kPartShift) & kPartMask; }
inline std::uint64_t gen_of(std::uint64_t v) { return (v >> kGenShift) & kGenMask; }

int spin_micros() {
    static const int v = [] {
        const char* e = std::getenv("SCRATCHLEARN_POOL_SPIN_US");
        return e ? std::atoi(e) : kPoolSpinMicros;
    }();
    return v;
}

#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
// `set` without `cpu`, if that leaves another core to run on.
bool without_cpu(cpu_set_t& set, int cpu) {
    if (cpu < 0 || !CPU_ISSET(cpu, &set)) return false;
    CPU_CLR(cpu, &set);
    return CPU_COUNT(&set) > 0;
}
#endif

struct Pool {
    std::atomic<std::uint64_t> ticket{0};
    std::atomic<std::int64_t> done{0};
    std::atomic<int> sleepers{0};
    std::atomic<bool> busy{false};
    std::atomic<int> running{0};  // workers that have entered their loop
    std::atomic<int> caller_cpu{-1};  // the core the caller published the current job from
    PoolTaskFn fn = nullptr;  // the current job (see the file comment)
    void* ctx = nullptr;
    std::mutex mutex;
    std::condition_variable wake;
    int workers = 0;
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
    // Steering a sleeping worker off the caller's core before waking it (see steer_sleepers).
    struct Steer {
        pthread_t handle{};
        std::atomic<bool> asleep{false}, steered{false};
        cpu_set_t own{};  // the worker's affinity before it slept (written by the worker only)
    };
    std::unique_ptr<Steer[]> steer;

    // A thread woken from sleep is queued by the kernel on the core of the thread that woke it
    // often enough, and there it waits while the caller works (measured: jobs ran at one thread's
    // speed for tens of milliseconds after a pause). Before waking a sleeping worker the caller
    // takes its own core out of that worker's affinity, so the kernel wakes it elsewhere; the
    // worker puts its affinity back as soon as it runs.
    void steer_sleepers(int cpu, int n) {
        if (cpu < 0) return;
        for (int i = 0; i < n; ++i) {
            Steer& w = steer[i];
            if (!w.asleep.load(std::memory_order_acquire)) continue;
            cpu_set_t set;
            if (pthread_getaffinity_np(w.handle, sizeof(set), &set) != 0 || !without_cpu(set, cpu)) continue;
            w.steered.store(true, std::memory_order_release);
            pthread_setaffinity_np(w.handle, sizeof(set), &set);
        }
    }
    void unsteer(int index) {
        Steer& w = steer[index];
        if (w.steered.exchange(false, std::memory_order_acq_rel))
            sched_setaffinity(0, sizeof(w.own), &w.own);
    }
#endif

    // Claims and runs tasks of generation `gen` until none is left.
    void work(std::uint64_t gen, int slot) {
        std::uint64_t v = ticket.load(std::memory_order_acquire);
        while (gen_of(v) == gen && next_of(v) < count_of(v)) {
            if (ticket.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel,
                                             std::memory_order_acquire)) {
                fn(ctx, static_cast<std::int64_t>(next_of(v)), slot);
                done.fetch_add(1, std::memory_order_release);
                v = ticket.load(std::memory_order_acquire);
            }
        }
    }

    // A worker woken from sleep is often queued on the core of the thread that woke it, and one
    // that runs often is never moved by the kernel's balancing (it counts as cache-hot): it then
    // shares the caller's core while another core idles, and every job runs at one thread's
    // speed. Seeing that, the worker moves itself: its affinity without that core for an instant
    // (the kernel migrates it at once), then its own affinity back.
    void leave_callers_core() {
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
        const int cpu = caller_cpu.load(std::memory_order_relaxed);
        if (cpu < 0 || sched_getcpu() != cpu) return;
        cpu_set_t mine;
        if (sched_getaffinity(0, sizeof(mine), &mine) != 0) return;
        cpu_set_t others = mine;
        if (without_cpu(others, cpu) && sched_setaffinity(0, sizeof(others), &others) == 0)
            sched_setaffinity(0, sizeof(mine), &mine);
#endif
    }

    void worker_loop(int index) {
        running.fetch_add(1, std::memory_order_release);
        std::uint64_t seen = gen_of(ticket.load(std::memory_order_acquire));
        for (;;) {
            std::uint64_t v = ticket.load(std::memory_order_acquire);
            if (gen_of(v) == seen) {
                // Wait a while awake (back-to-back products find the worker running on its own
                // core), then sleep. (A PAUSE loop: calling sched_yield here, measured on this
                // project's virtual machines, kept the worker off its core for whole 4 ms ticks.)
                const auto until = std::chrono::steady_clock::now() +
                                   std::chrono::microseconds(spin_micros());
                for (;;) {
                    for (int j = 0; j < 16; ++j) SCRATCHLEARN_PAUSE();
                    v = ticket.load(std::memory_order_acquire);
                    if (gen_of(v) != seen || std::chrono::steady_clock::now() > until) break;
                }
                if (gen_of(v) == seen) {
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
                    if (sched_getaffinity(0, sizeof(steer[index].own), &steer[index].own) == 0)
                        steer[index].asleep.store(true, std::memory_order_release);
#endif
                    std::unique_lock<std::mutex> lock(mutex);
                    sleepers.fetch_add(1, std::memory_order_seq_cst);
                    while (gen_of(ticket.load(std::memory_order_seq_cst)) == seen) wake.wait(lock);
                    sleepers.fetch_sub(1, std::memory_order_seq_cst);
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
                    lock.unlock();
                    steer[index].asleep.store(false, std::memory_order_release);
                    unsteer(index);
#endif
                }
                continue;
            }
            seen = gen_of(v);
            if (static_cast<std::uint64_t>(index) + 1 < parts_of(v)) {
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
                unsteer(index);  // steered while it was on its way to sleep
#endif
                leave_callers_core();
                work(seen, index + 1);
            }
        }
    }
};

std::atomic<Pool*> g_pool{nullptr};

#ifdef SCRATCHLEARN_HAVE_ATFORK
// A forked child has none of the parent's threads: it starts a pool of its own when it needs one
// (the parent's object is left as it was, unreferenced).
void forget_pool_in_child() { g_pool.store(nullptr, std::memory_order_relaxed); }
#endif

Pool* get_pool() {
    Pool* p = g_pool.load(std::memory_order_acquire);
    if (p) return p;
    const unsigned hw = std::thread::hardware_concurrency();
    const int workers = static_cast<int>(std::min<unsigned>(hw > 1 ? hw - 1 : 0, kPartMask - 1));
    if (workers == 0) return nullptr;
    Pool* fresh = new Pool;
    fresh->workers = workers;
    Pool* expected = nullptr;
    if (!g_pool.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
        delete fresh;  // another thread installed its pool first (no threads were started)
        return expected;
    }
#ifdef SCRATCHLEARN_HAVE_ATFORK
    static const int registered = pthread_atfork(nullptr, nullptr, forget_pool_in_child);
    (void)registered;
#endif
    // The pool lives as long as the process: its threads sleep when idle and end with it.
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
    fresh->steer.reset(new Pool::Steer[workers]);
#endif
    for (int i = 0; i < workers; ++i) {
        std::thread t([fresh, i] { fresh->worker_loop(i); });
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
        fresh->steer[i].handle = t.native_handle();
#endif
        t.detach();
    }
    return fresh;
}

}  // namespace

int pool_start(int max_wait_ms) {
    Pool* p = get_pool();
    if (!p) return 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_wait_ms);
    while (p->running.load(std::memory_order_acquire) < p->workers &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    return p->running.load(std::memory_order_acquire);
}

bool pool_run(int n_threads, std::int64_t count, PoolTaskFn fn, void* ctx) {
    if (n_threads <= 1 || count <= 1 || count > kPoolMaxTasks) return false;
#ifdef _OPENMP
    if (omp_in_parallel()) return false;
#endif
    Pool* p = get_pool();
    if (!p || p->busy.exchange(true, std::memory_order_acquire)) return false;
    const std::uint64_t parts =
        std::uint64_t(std::min<std::int64_t>({std::int64_t(n_threads), std::int64_t(p->workers) + 1, count}));
    p->fn = fn;
    p->ctx = ctx;
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
    const int cpu = sched_getcpu();
    p->caller_cpu.store(cpu, std::memory_order_relaxed);
#endif
    p->done.store(0, std::memory_order_relaxed);
    const std::uint64_t gen = (gen_of(p->ticket.load(std::memory_order_relaxed)) + 1) & kGenMask;
    p->ticket.store((gen << kGenShift) | (parts << kPartShift) |
                        (static_cast<std::uint64_t>(count) << kCountShift),
                    std::memory_order_seq_cst);
    if (p->sleepers.load(std::memory_order_seq_cst) > 0) {
#ifdef SCRATCHLEARN_HAVE_SCHED_CPU
        p->steer_sleepers(cpu, int(parts) - 1);
#endif
        { std::lock_guard<std::mutex> lock(p->mutex); }
        p->wake.notify_all();
    }
    p->work(gen, 0);
    // Only tasks a worker has claimed are left: wait for them (yielding, in case that worker
    // shares this core).
    // After ~0.1 ms of PAUSEs, yield every 256: the worker may be queued behind this thread.
    for (long spins = 1; p->done.load(std::memory_order_acquire) < count; ++spins) {
        SCRATCHLEARN_PAUSE();
        if (spins >= 8192 && spins % 256 == 0) std::this_thread::yield();
    }
    p->busy.store(false, std::memory_order_release);
    return true;
}

std::vector<std::int64_t> pool_task_runs(std::int64_t count, int n_threads, std::int64_t fail_at) {
    std::vector<std::int64_t> runs(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)), 0);
    parallel_tasks(n_threads, count, [&](std::int64_t t) {
        runs[static_cast<std::size_t>(t)] += 1;
        require(t != fail_at, "pool_tasks: task " + std::to_string(t) + " failed");
    });
    return runs;
}

}  // namespace scratchlearn
