"""Build and runtime configuration: OpenMP threads (and, with the GEMM, the CPU path chosen)."""

from __future__ import annotations


def config_dict():
    from . import _core

    info = {
        "openmp": bool(_core.have_openmp()),
        "threads": int(_core.default_threads()),
    }
    if hasattr(_core, "cpu_info"):
        info.update(_core.cpu_info())
    return info


def show_config(file=None):
    """Print the detected CPU features, the chosen kernel path and the OpenMP thread count."""
    import sys

    out = file or sys.stdout
    info = config_dict()
    for key, value in info.items():
        print(f"{key:>16}: {value}", file=out)
