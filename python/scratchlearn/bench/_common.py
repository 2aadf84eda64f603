"""The interface every benchmark family implements, and the timing helpers.

A family is a module ``scratchlearn/bench/_<family>.py`` with a function::

    def workloads(quick: bool) -> list[Workload]

It is found automatically. Each Workload builds its synthetic data once (``setup``), optionally
prepares untimed state per library (``prepare_ours`` / ``prepare_peer``, e.g. a fit before a timed
predict), and times ``ours(data, state)`` against ``peer(data, state)``. ``peer`` must import
scikit-learn inside the function body: the runner executes it in a separate process, which for the
``sklearnex`` peer first patches scikit-learn with Intel's extension. ``score(data, result)`` turns
either side's return value into a quality number (accuracy, R², inertia...) named ``metric``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np


@dataclass
class Workload:
    name: str                                   # unique, e.g. "knn_predict_f64"
    family: str                                 # e.g. "neighbors"
    description: str                            # e.g. "KNeighborsClassifier predict 5000 q vs 20000x50"
    setup: Callable[[], dict]                   # deterministic synthetic data
    ours: Callable[[dict, Any], Any]            # timed: scratchlearn
    peer: Callable[[dict, Any], Any]            # timed: scikit-learn (imports inside)
    score: Callable[[dict, Any], float]         # quality of a result
    metric: str = "score"
    prepare_ours: Optional[Callable[[dict], Any]] = None   # untimed, before ours
    prepare_peer: Optional[Callable[[dict], Any]] = None   # untimed, before peer
    repeats: int = 3                            # the median of this many timed runs is reported
    extra: dict = field(default_factory=dict)   # e.g. {"flops": 2*m*n*k} for GFLOP/s columns


def time_call(fn, data, state, repeats):
    """(median seconds, last result) of ``repeats`` calls."""
    times, result = [], None
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        result = fn(data, state)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), result
