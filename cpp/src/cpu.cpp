// CPU feature detection (cpuid + xgetbv) and the run-time choice of the kernel path.
#include "scratchlearn/cpu.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

#if defined(SCRATCHLEARN_X86) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define SCRATCHLEARN_HAVE_CPUID 1
#endif

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace scratchlearn {
namespace {

#ifdef SCRATCHLEARN_HAVE_CPUID
struct Regs {
    unsigned a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(unsigned leaf, unsigned sub) {
    Regs r;
    __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
    return r;
}

// XCR0: which register states the OS saves on context switches. Inline assembly so that this file
// needs no -mxsave flag.
unsigned long long xgetbv0() {
    unsigned eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<unsigned long long>(edx) << 32) | eax;
}
#endif

long sysconf_or_zero(int name) {
#if defined(__linux__)
    const long v = sysconf(name);
    return v > 0 ? v : 0;
#else
    (void)name;
    return 0;
#endif
}

CpuFeatures detect() {
    CpuFeatures f;
#ifdef SCRATCHLEARN_HAVE_CPUID
    const Regs r0 = cpuid(0, 0);
    const unsigned max_leaf = r0.a;
    char vendor[13] = {};
    std::memcpy(vendor, &r0.b, 4);
    std::memcpy(vendor + 4, &r0.d, 4);
    std::memcpy(vendor + 8, &r0.c, 4);
    f.vendor = vendor;
    if (max_leaf >= 1) {
        const Regs r1 = cpuid(1, 0);
        f.sse2 = (r1.d >> 26) & 1;
        f.fma = (r1.c >> 12) & 1;
        const bool osxsave = (r1.c >> 27) & 1;
        f.avx = (r1.c >> 28) & 1;
        if (osxsave) {
            const unsigned long long xcr0 = xgetbv0();
            f.os_ymm = (xcr0 & 0x6) == 0x6;
            f.os_zmm = f.os_ymm && (xcr0 & 0xE0) == 0xE0;
        }
    }
    if (max_leaf >= 7) {
        const Regs r7 = cpuid(7, 0);
        f.avx2 = (r7.b >> 5) & 1;
        f.avx512f = (r7.b >> 16) & 1;
        f.avx512dq = (r7.b >> 17) & 1;
        f.avx512bw = (r7.b >> 30) & 1;
        f.avx512vl = (r7.b >> 31) & 1;
    }
    const Regs e0 = cpuid(0x80000000u, 0);
    if (e0.a >= 0x80000004u) {
        char brand[49] = {};
        for (unsigned i = 0; i < 3; ++i) {
            const Regs r = cpuid(0x80000002u + i, 0);
            std::memcpy(brand + 16 * i, &r.a, 4);
            std::memcpy(brand + 16 * i + 4, &r.b, 4);
            std::memcpy(brand + 16 * i + 8, &r.c, 4);
            std::memcpy(brand + 16 * i + 12, &r.d, 4);
        }
        std::string s = brand;
        const auto first = s.find_first_not_of(' ');
        const auto last = s.find_last_not_of(' ');
        f.brand = first == std::string::npos ? "" : s.substr(first, last - first + 1);
    }
#endif
#if defined(__linux__) && defined(_SC_LEVEL1_DCACHE_SIZE)
    f.l1d = sysconf_or_zero(_SC_LEVEL1_DCACHE_SIZE);
    f.l2 = sysconf_or_zero(_SC_LEVEL2_CACHE_SIZE);
    f.l3 = sysconf_or_zero(_SC_LEVEL3_CACHE_SIZE);
#else
    (void)&sysconf_or_zero;
#endif
    return f;
}

Isa isa_from_env() {
    const char* env = std::getenv("SCRATCHLEARN_ISA");
    if (env == nullptr || *env == '\0') return best_isa();
    Isa isa;
    try {
        isa = parse_isa(env);
    } catch (const std::invalid_argument&) {
        throw std::runtime_error(std::string("SCRATCHLEARN_ISA='") + env +
                                 "' is not a kernel path: use generic, avx2 or avx512 (or unset it)");
    }
    const std::string why = isa_unavailable_reason(isa);
    if (!why.empty())
        throw std::runtime_error(std::string("SCRATCHLEARN_ISA=") + env + " cannot be used: " + why +
                                 " (unset SCRATCHLEARN_ISA to use the best available path, " +
                                 isa_name(best_isa()) + ")");
    return isa;
}

std::atomic<int> g_isa{-1};
std::mutex g_isa_mutex;

}  // namespace

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = detect();
    return features;
}

std::string isa_unavailable_reason(Isa isa) {
    const CpuFeatures& f = cpu_features();
    (void)f;  // unused off x86
    switch (isa) {
        case Isa::Generic:
            return "";
        case Isa::Avx2:
#ifndef SCRATCHLEARN_X86
            return "this build has no x86 kernels (not an x86-64 CPU)";
#else
            if (!f.avx2) return "the CPU lacks AVX2";
            if (!f.fma) return "the CPU lacks FMA";
            if (!f.os_ymm) return "the operating system does not enable the AVX (YMM) register state";
            return "";
#endif
        case Isa::Avx512:
#ifndef SCRATCHLEARN_X86
            return "this build has no x86 kernels (not an x86-64 CPU)";
#else
            if (!f.avx512f) return "the CPU lacks AVX-512F";
            if (!f.avx512dq || !f.avx512bw || !f.avx512vl)
                return "the CPU lacks one of AVX-512DQ/BW/VL";
            if (!f.os_zmm)
                return "the operating system does not enable the AVX-512 (ZMM/opmask) register state";
            return "";
#endif
    }
    return "unknown path";
}

bool isa_supported(Isa isa) { return isa_unavailable_reason(isa).empty(); }

Isa best_isa() {
    if (isa_supported(Isa::Avx512)) return Isa::Avx512;
    if (isa_supported(Isa::Avx2)) return Isa::Avx2;
    return Isa::Generic;
}

Isa active_isa() {
    int v = g_isa.load(std::memory_order_acquire);
    if (v >= 0) return static_cast<Isa>(v);
    std::lock_guard<std::mutex> lock(g_isa_mutex);
    v = g_isa.load(std::memory_order_relaxed);
    if (v < 0) {
        v = static_cast<int>(isa_from_env());  // throws on a bad SCRATCHLEARN_ISA; retried next call
        g_isa.store(v, std::memory_order_release);
    }
    return static_cast<Isa>(v);
}

void set_isa(Isa isa) {
    const std::string why = isa_unavailable_reason(isa);
    if (!why.empty())
        throw std::runtime_error(std::string("kernel path '") + isa_name(isa) +
                                 "' cannot be used: " + why);
    std::lock_guard<std::mutex> lock(g_isa_mutex);
    g_isa.store(static_cast<int>(isa), std::memory_order_release);
}

const char* isa_name(Isa isa) {
    switch (isa) {
        case Isa::Generic: return "generic";
        case Isa::Avx2: return "avx2";
        case Isa::Avx512: return "avx512";
    }
    return "unknown";
}

Isa parse_isa(const std::string& name) {
    std::string s = name;
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (s == "generic") return Isa::Generic;
    if (s == "avx2") return Isa::Avx2;
    if (s == "avx512") return Isa::Avx512;
    throw std::invalid_argument("unknown kernel path '" + name + "': use generic, avx2 or avx512");
}

}  // namespace scratchlearn
