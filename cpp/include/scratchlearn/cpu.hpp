// CPU feature detection and the choice of the kernel path (instruction set) at run time.
//
// One wheel serves every x86-64 CPU: the hot kernels exist in a portable C++ version and in
// AVX2+FMA and AVX-512 versions compiled in their own translation units. At first use the best
// path the CPU *and the operating system* support is chosen (cpuid for the instruction sets,
// xgetbv for the OS saving YMM/ZMM registers). The environment variable
//     SCRATCHLEARN_ISA=generic|avx2|avx512
// forces a path; forcing one the CPU lacks is an error (std::runtime_error, with the reason).
#pragma once

#include <string>

namespace scratchlearn {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

struct CpuFeatures {
    std::string vendor;      // e.g. "AuthenticAMD" ("" off x86)
    std::string brand;       // e.g. "AMD EPYC 7B13" ("" when unknown)
    bool sse2 = false, avx = false, fma = false, avx2 = false;
    bool avx512f = false, avx512dq = false, avx512bw = false, avx512vl = false;
    bool os_ymm = false;     // the OS saves YMM state (XCR0 bits 1, 2)
    bool os_zmm = false;     // the OS saves ZMM and opmask state (XCR0 bits 5, 6, 7)
    long l1d = 0, l2 = 0, l3 = 0;  // data cache sizes per core in bytes (0 when unknown)
};

// Detected once, then cached.
const CpuFeatures& cpu_features();

// Whether the CPU and OS can run a path (and this build contains it).
bool isa_supported(Isa isa);
// The fastest supported path.
Isa best_isa();
// The path in use. The first call reads SCRATCHLEARN_ISA (if set) and throws std::runtime_error
// when it names an unknown path or one this CPU cannot run.
Isa active_isa();
// Switch path at run time (tests force each path in turn). Throws std::runtime_error when the CPU
// lacks it. Not meant to be called while another thread is inside a kernel (each kernel reads the
// path once at entry, so such a call is safe but takes effect from the next call on).
void set_isa(Isa isa);

const char* isa_name(Isa isa);
// "generic" / "avx2" / "avx512" (case-insensitive) → Isa; throws std::invalid_argument otherwise.
Isa parse_isa(const std::string& name);
// Why a path is unavailable ("" when it is available), e.g. "the CPU lacks AVX-512F".
std::string isa_unavailable_reason(Isa isa);

}  // namespace scratchlearn
