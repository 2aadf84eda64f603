"""Build and runtime configuration: OpenMP threads, CPU features and the kernel path chosen."""

from __future__ import annotations


def config_dict():
    """The facts ``show_config`` prints, as a dict.

    Keys: ``openmp`` (built with OpenMP), ``threads`` (default thread count, honouring
    OMP_NUM_THREADS), ``omp_wait`` (how idle OpenMP threads wait), and from the core's CPU detection: ``cpu``, ``cpu_features``,
    ``os_avx_state`` / ``os_avx512_state`` (the OS saves those registers), ``caches``,
    ``isa_available``, ``isa`` (the kernel path in use; ``SCRATCHLEARN_ISA`` forces one) and
    ``gemm_f32`` / ``gemm_f64`` (the matrix product's register tile and cache blocking).
    """
    from . import _core

    info = {
        "openmp": bool(_core.have_openmp()),
        "threads": int(_core.default_threads()),
    }
    from . import _omp_spin_set

    # the spin count of idle OpenMP threads: ours (set when the core was loaded) or the user's
    info["omp_wait"] = (
        f"GOMP_SPINCOUNT={_omp_spin_set} (scratchlearn's default)"
        if _omp_spin_set is not None
        else "set by the environment (OMP_WAIT_POLICY / GOMP_SPINCOUNT)"
    )
    if hasattr(_core, "cpu_info"):
        info.update(_core.cpu_info())
    return info


def show_config(file=None):
    """Print the detected CPU features, the chosen kernel path and the OpenMP thread count."""
    import sys

    out = file or sys.stdout
    info = config_dict()
    for key, value in info.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        print(f"{key:>16}: {value}", file=out)
