"""Shared by the examples: where figures go, whether to run at a small size (the test sets
SCRATCHLEARN_EXAMPLES_SMALL=1), and a headless matplotlib."""

import os

import matplotlib

matplotlib.use("Agg")  # write files; no screen needed
import matplotlib.pyplot as plt  # noqa: E402

SMALL = os.environ.get("SCRATCHLEARN_EXAMPLES_SMALL") == "1"


def save(fig, name):
    """Write the figure to NAME.png in the working directory and say so."""
    path = f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    print(f"wrote {path}")
    return path
