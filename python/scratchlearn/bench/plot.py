"""The speedup chart of a bench run: one group of bars per workload, one bar per peer (the
speedup of scratchlearn over it), on a log scale with the 1x line (matplotlib, optional)."""

from __future__ import annotations

import numpy as np


def plot_speedups(results, peers, path):
    """Write the chart of ``results`` (the runner's rows) to ``path`` (PNG, SVG, PDF by its
    extension); returns the matplotlib figure."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("--plot needs matplotlib: pip install matplotlib "
                          f"(import failed: {e}).") from e
    peers = [p for p in peers if any(r.get(f"{p}_s") for r in results)]
    names = [r["name"] for r in results]
    width = 0.8 / max(1, len(peers))
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(names) + 2), 4.5))
    x = np.arange(len(names))
    for i, peer in enumerate(peers):
        speedups = [r[f"{peer}_s"] / r["ours_s"] if r.get(f"{peer}_s") else np.nan
                    for r in results]
        ax.bar(x + (i - (len(peers) - 1) / 2) * width, speedups, width,
               label=f"vs {peer}")
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("speedup of scratchlearn (x, log scale)")
    ax.set_title("scratchlearn speedup per workload")
    if peers:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    return fig
