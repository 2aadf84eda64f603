// Build and runtime facts: OpenMP, threads, CPU features and the kernel path (instruction set).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"
#include "scratchlearn/cpu.hpp"
#include "scratchlearn/gemm.hpp"
#include "scratchlearn/parallel.hpp"

namespace py = pybind11;
using namespace scratchlearn;

namespace {

std::string blocking_text(const GemmBlocking& b) {
    return std::to_string(b.mr) + "x" + std::to_string(b.nr) + " tile, mc=" + std::to_string(b.mc) +
           " kc=" + std::to_string(b.kc) + " nc=" + std::to_string(b.nc);
}

py::dict cpu_info() {
    const CpuFeatures& f = cpu_features();
    std::string feats;
    auto add = [&](bool on, const char* name) {
        if (!on) return;
        if (!feats.empty()) feats += ' ';
        feats += name;
    };
    add(f.sse2, "sse2");
    add(f.avx, "avx");
    add(f.fma, "fma");
    add(f.avx2, "avx2");
    add(f.avx512f, "avx512f");
    add(f.avx512dq, "avx512dq");
    add(f.avx512bw, "avx512bw");
    add(f.avx512vl, "avx512vl");
    std::vector<std::string> avail;
    for (Isa i : {Isa::Generic, Isa::Avx2, Isa::Avx512})
        if (isa_supported(i)) avail.emplace_back(isa_name(i));
    py::dict d;
    d["cpu"] = f.brand.empty() ? f.vendor : f.brand;
    d["cpu_features"] = feats;
    d["os_avx_state"] = f.os_ymm;
    d["os_avx512_state"] = f.os_zmm;
    d["caches"] = "L1d " + std::to_string(f.l1d / 1024) + "K, L2 " + std::to_string(f.l2 / 1024) +
                  "K, L3 " + std::to_string(f.l3 / 1024) + "K";
    d["isa_available"] = avail;
    d["isa"] = isa_name(active_isa());
    d["gemm_f32"] = blocking_text(gemm_blocking<float>());
    d["gemm_f64"] = blocking_text(gemm_blocking<double>());
    GemmThreadCost tc;
    {
        py::gil_scoped_release release;  // the first call times the machine
        tc = gemm_thread_cost();
    }
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "pool hand-off %.1f us, f32 kernel %.1f GFLOP/s; threads from %.0fK (f32) / %.0fK "
                  "(f64) multiply-adds each",
                  tc.team_seconds * 1e6, 2e-9 * tc.f32_madds_per_second, tc.min_work_f32 / 1e3,
                  tc.min_work_f64 / 1e3);
    d["gemm_threads"] = std::string(buf);
    return d;
}

}  // namespace

void register_config(py::module_& m) {
    // Choose the kernel path now: a bad SCRATCHLEARN_ISA makes the import fail (ImportError) with
    // the reason, rather than the first product.
    active_isa();
    scratchlearn::bind::install_interrupts();  // Ctrl-C reaches the core's long loops (common.hpp, CoreCall)
    m.def("have_openmp", &scratchlearn::have_openmp, "Whether the core was built with OpenMP.");
    m.def("default_threads", &scratchlearn::default_threads,
          "Threads an OpenMP region uses by default (honours OMP_NUM_THREADS).");
    m.def("cpu_info", &cpu_info,
          "Detected CPU, features, caches, the available and active kernel paths and the GEMM "
          "blocking, as a dict.");
    m.def(
        "get_isa", [] { return std::string(isa_name(active_isa())); },
        "The kernel path in use: 'generic', 'avx2' or 'avx512'.");
    m.def(
        "set_isa", [](const std::string& name) { set_isa(parse_isa(name)); }, py::arg("name"),
        "Switch the kernel path ('generic', 'avx2', 'avx512'; ValueError for an unknown name, "
        "RuntimeError for one this CPU cannot run). For tests and benchmarks.");
}
