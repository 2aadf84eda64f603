"""pytest-benchmark: nearest neighbours, scratchlearn vs scikit-learn side by side.

- KNeighborsClassifier brute-force predict (50 features);
- KNeighborsClassifier predict with algorithm='auto' in low dimension (both pick the kd-tree) at
  several (n, d, k);
- radius queries (NearestNeighbors.radius_neighbors, RadiusNeighborsClassifier.predict).

Run: pytest benchmarks/ --benchmark-only   (groups pair the two libraries per workload)
"""

import numpy as np
import pytest

from scratchlearn.bench._neighbors import _data, _uniform

CASES = [(20000, 5000, 50, np.float64), (20000, 5000, 50, np.float32)]
LOWDIM = [(100000, 20000, 2, 5), (100000, 20000, 6, 5), (100000, 20000, 10, 5), (100000, 20000, 6, 15)]
RADIUS = [(100000, 10000, 3), (100000, 10000, 6)]


def _fit(lib, data, algorithm="brute", k=5):
    if lib == "scratchlearn":
        from scratchlearn.neighbors import KNeighborsClassifier
    else:
        from sklearn.neighbors import KNeighborsClassifier
    return KNeighborsClassifier(n_neighbors=k, algorithm=algorithm).fit(data["X"], data["y"])


@pytest.mark.parametrize("lib", ["scratchlearn", "sklearn"])
@pytest.mark.parametrize("n_train,n_query,d,dtype", CASES, ids=["f64", "f32"])
def test_knn_predict(benchmark, lib, n_train, n_query, d, dtype):
    data = _data(n_train, n_query, d, dtype)
    model = _fit(lib, data)
    benchmark.group = f"knn predict {n_query}q vs {n_train}x{d} {np.dtype(dtype).name}"
    pred = benchmark.pedantic(model.predict, args=(data["Q"],), rounds=5, warmup_rounds=1)
    assert np.mean(pred == data["yq"]) > 0.5


@pytest.mark.parametrize("lib", ["scratchlearn", "sklearn"])
@pytest.mark.parametrize("n_train,n_query,d,k", LOWDIM, ids=[f"n{n}_d{d}_k{k}" for n, _, d, k in LOWDIM])
def test_knn_lowdim_predict(benchmark, lib, n_train, n_query, d, k):
    data = _data(n_train, n_query, d, np.float64)
    model = _fit(lib, data, algorithm="auto", k=k)
    benchmark.group = f"knn auto predict {n_query}q vs {n_train}x{d} k={k}"
    pred = benchmark.pedantic(model.predict, args=(data["Q"],), rounds=3, warmup_rounds=1)
    assert np.mean(pred == data["yq"]) > 0.15


@pytest.mark.parametrize("lib", ["scratchlearn", "sklearn"])
@pytest.mark.parametrize("n_train,n_query,d", RADIUS, ids=[f"n{n}_d{d}" for n, _, d in RADIUS])
def test_radius_neighbors(benchmark, lib, n_train, n_query, d):
    data = _uniform(n_train, n_query, d, np.float64, 10)
    if lib == "scratchlearn":
        from scratchlearn import neighbors as nb
    else:
        from sklearn import neighbors as nb
    nn = nb.NearestNeighbors(radius=data["radius"]).fit(data["X"])
    clf = nb.RadiusNeighborsClassifier(radius=data["radius"], outlier_label="most_frequent").fit(data["X"], data["y"])
    benchmark.group = f"radius_neighbors {n_query}q vs {n_train}x{d} (~10 per ball)"
    dist, ind = benchmark.pedantic(nn.radius_neighbors, args=(data["Q"],), rounds=3, warmup_rounds=1)
    assert 5 < np.mean([len(r) for r in ind]) < 20
    assert np.mean(clf.predict(data["Q"][:1000]) == data["yq"][:1000]) > 0.5
