"""pytest-benchmark: KNeighborsClassifier brute-force predict, scratchlearn vs scikit-learn.

Run: pytest benchmarks/ --benchmark-only   (groups pair the two libraries per workload)
"""

import numpy as np
import pytest

from scratchlearn.bench._neighbors import _data

CASES = [(20000, 5000, 50, np.float64), (20000, 5000, 50, np.float32)]


def _fit(lib, data):
    if lib == "scratchlearn":
        from scratchlearn.neighbors import KNeighborsClassifier
    else:
        from sklearn.neighbors import KNeighborsClassifier
    return KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(data["X"], data["y"])


@pytest.mark.parametrize("lib", ["scratchlearn", "sklearn"])
@pytest.mark.parametrize("n_train,n_query,d,dtype", CASES, ids=["f64", "f32"])
def test_knn_predict(benchmark, lib, n_train, n_query, d, dtype):
    data = _data(n_train, n_query, d, dtype)
    model = _fit(lib, data)
    benchmark.group = f"knn predict {n_query}q vs {n_train}x{d} {np.dtype(dtype).name}"
    pred = benchmark.pedantic(model.predict, args=(data["Q"],), rounds=5, warmup_rounds=1)
    assert np.mean(pred == data["yq"]) > 0.5
