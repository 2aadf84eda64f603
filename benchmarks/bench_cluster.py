"""pytest-benchmark: KMeans and MiniBatchKMeans fits, scratchlearn vs scikit-learn.

The headline workload: KMeans on 200,000 × 20, 16 clusters, 50 Lloyd iterations from the same
initial centres (n_init=1, tol=0), so both libraries do the same work and must reach the same
inertia. Run: pytest benchmarks/bench_cluster.py --benchmark-only
"""

import numpy as np
import pytest

from scratchlearn.bench._cluster import _data

N, D, K, MAX_ITER = 200_000, 20, 16, 50


def _module(lib):
    if lib == "scratchlearn":
        import scratchlearn.cluster as m
    else:
        import sklearn.cluster as m
    return m


@pytest.fixture(scope="module", params=[np.float64, np.float32], ids=["f64", "f32"])
def fixed_data(request):
    return _data(N, D, K, request.param)


_inertia = {}


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_kmeans_fit_fixed_iterations(benchmark, lib, fixed_data):
    X, init = fixed_data["X"], fixed_data["init"]
    KMeans = _module(lib).KMeans
    benchmark.group = f"KMeans fit {N}x{D} k={K} {MAX_ITER} iters {X.dtype.name}"
    model = benchmark.pedantic(
        lambda: KMeans(K, init=init, n_init=1, tol=0.0, max_iter=MAX_ITER).fit(X),
        rounds=5, warmup_rounds=1)
    assert model.n_iter_ == MAX_ITER
    key = X.dtype.name
    if key in _inertia:  # same run, same start: same inertia
        rtol = 1e-6 if X.dtype == np.float64 else 1e-4
        assert model.inertia_ == pytest.approx(_inertia[key], rel=rtol)
    _inertia[key] = model.inertia_


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_kmeans_fit_default(benchmark, lib):
    data = _data(N // 2, D, K, np.float64, seed=1)
    KMeans = _module(lib).KMeans
    benchmark.group = f"KMeans default fit (k-means++) {N // 2}x{D} k={K}"
    model = benchmark.pedantic(lambda: KMeans(K, random_state=0).fit(data["X"]), rounds=3,
                               warmup_rounds=1)
    assert model.inertia_ > 0


@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_minibatch_kmeans_fit(benchmark, lib):
    data = _data(N, D, K, np.float64, seed=2)
    MiniBatchKMeans = _module(lib).MiniBatchKMeans
    benchmark.group = f"MiniBatchKMeans fit {N}x{D} k={K}"
    model = benchmark.pedantic(lambda: MiniBatchKMeans(K, random_state=0).fit(data["X"]),
                               rounds=3, warmup_rounds=1)
    assert model.inertia_ > 0


# Shapes beyond the headline one: k from 2 to 256 and d from 2 to 100, both dtypes, Lloyd and
# Elkan from the same centres (same inertia), and k-means++ seeding (the same seeds for float64).
SWEEP_N, SWEEP_ITER = 50_000, 10
SWEEP = [(2, 2), (2, 256), (10, 20), (10, 128), (50, 8), (50, 64), (100, 256)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("d,k", SWEEP, ids=[f"d{d}-k{k}" for d, k in SWEEP])
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_kmeans_sweep(benchmark, lib, algorithm, d, k, dtype):
    data = _data(SWEEP_N, d, k, dtype, seed=3)
    KMeans = _module(lib).KMeans
    benchmark.group = f"KMeans {algorithm} {SWEEP_N}x{d} k={k} {SWEEP_ITER} iters {np.dtype(dtype).name}"
    model = benchmark.pedantic(
        lambda: KMeans(k, init=data["init"], n_init=1, tol=0.0, max_iter=SWEEP_ITER,
                       algorithm=algorithm).fit(data["X"]), rounds=3, warmup_rounds=1)
    assert model.inertia_ > 0


@pytest.mark.parametrize("d,k", [(2, 8), (20, 64), (100, 256)], ids=["d2-k8", "d20-k64", "d100-k256"])
@pytest.mark.parametrize("lib", ["sklearn", "scratchlearn"])
def test_kmeans_plusplus_seeding(benchmark, lib, d, k):
    data = _data(SWEEP_N, d, k, np.float64, seed=5)
    kmeans_plusplus = _module(lib).kmeans_plusplus
    benchmark.group = f"kmeans_plusplus {SWEEP_N}x{d} k={k}"
    _, idx = benchmark.pedantic(lambda: kmeans_plusplus(data["X"], k, random_state=0), rounds=3,
                                warmup_rounds=1)
    assert len(idx) == k
