"""Synthetic datasets: every generator takes scikit-learn's parameters and, for a given ``random_state``,
always returns the same arrays."""

from __future__ import annotations

import numbers

import numpy as np

from ..utils import check_random_state


def _positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _nonneg(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def _shuffle_rows(rng, *arrays):
    order = rng.permutation(arrays[0].shape[0])
    return tuple(a[order] for a in arrays)


def _two_parts(n_samples, name):
    """Split n_samples into (outer, inner) as an int (outer gets the smaller half) or a 2-tuple."""
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n = _positive_int(n_samples, "n_samples")
        return n // 2, n - n // 2
    try:
        outer, inner = n_samples
    except (TypeError, ValueError):
        raise ValueError(f"n_samples for {name} must be an int or a two-element tuple, got {n_samples!r}.") from None
    return _positive_int(outer, "n_samples[0]", 0), _positive_int(inner, "n_samples[1]", 0)


def make_moons(n_samples=100, *, shuffle=True, noise=None, random_state=None):
    """Two interleaving half circles in 2-D: a classic non-linearly-separable problem.

    Returns X (n_samples, 2) and y (0 for the upper moon, 1 for the lower).
    """
    n_out, n_in = _two_parts(n_samples, "make_moons")
    rng = check_random_state(random_state)
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    if shuffle:
        X, y = _shuffle_rows(rng, X, y)
    if noise is not None:
        X = X + rng.normal(scale=_nonneg(noise, "noise"), size=X.shape)
    return X, y


def make_circles(n_samples=100, *, shuffle=True, noise=None, random_state=None, factor=0.8):
    """A large circle holding a smaller one (radius ``factor``) in 2-D; y is 0 outside, 1 inside."""
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 <= factor < 1:
        raise ValueError(f"factor must be a number in [0, 1), got {factor!r}.")
    n_out, n_in = _two_parts(n_samples, "make_circles")
    rng = check_random_state(random_state)
    t_out = np.linspace(0.0, 2.0 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2.0 * np.pi, n_in, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    if shuffle:
        X, y = _shuffle_rows(rng, X, y)
    if noise is not None:
        X = X + rng.normal(scale=_nonneg(noise, "noise"), size=X.shape)
    return X, y


def make_blobs(n_samples=100, n_features=2, *, centers=None, cluster_std=1.0, center_box=(-10.0, 10.0),
               shuffle=True, random_state=None, return_centers=False):
    """Isotropic Gaussian blobs, for clustering and classification.

    ``n_samples`` is the total (split as evenly as possible) or a list of per-blob counts; ``centers`` is the
    number of blobs (default 3) or their coordinates; ``cluster_std`` one standard deviation or one per
    blob. Returns X, y (the blob of each row) and, with ``return_centers``, the centres.
    """
    rng = check_random_state(random_state)
    n_features = _positive_int(n_features, "n_features")
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n_total = _positive_int(n_samples, "n_samples")
        per_blob = None
    else:
        per_blob = [_positive_int(c, "each entry of n_samples", 0) for c in n_samples]
        if not per_blob:
            raise ValueError("n_samples must be an int or a non-empty list of per-blob counts.")
    low, high = center_box
    if centers is None or (isinstance(centers, numbers.Integral) and not isinstance(centers, bool)):
        n_centers = len(per_blob) if (centers is None and per_blob is not None) else (3 if centers is None else centers)
        n_centers = _positive_int(n_centers, "centers")
        centers_arr = rng.uniform(low, high, size=(n_centers, n_features))
    else:
        centers_arr = np.atleast_2d(np.asarray(centers, dtype=np.float64))
        if centers_arr.ndim != 2:
            raise ValueError("centers must be an int or an array of shape (n_centers, n_features).")
        n_features = centers_arr.shape[1]
        n_centers = centers_arr.shape[0]
    if per_blob is not None and len(per_blob) != n_centers:
        raise ValueError(f"n_samples lists {len(per_blob)} blobs but there are {n_centers} centers.")
    if per_blob is None:
        per_blob = [n_total // n_centers + (1 if i < n_total % n_centers else 0) for i in range(n_centers)]
    stds = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (n_centers,)) if np.ndim(cluster_std) <= 1 else None
    if stds is None or np.any(stds < 0) or not np.all(np.isfinite(stds)):
        raise ValueError("cluster_std must be a finite number >= 0 or one such number per centre.")
    parts, labels = [], []
    for i, (count, std) in enumerate(zip(per_blob, stds)):
        parts.append(rng.normal(loc=centers_arr[i], scale=std, size=(count, n_features)))
        labels.append(np.full(count, i, dtype=np.int64))
    X = np.vstack(parts)
    y = np.concatenate(labels)
    if shuffle:
        X, y = _shuffle_rows(rng, X, y)
    if return_centers:
        return X, y, centers_arr
    return X, y


def _hypercube_vertices(n_vertices, dim, rng):
    """``n_vertices`` distinct corners of the {0, 1}^dim cube, as a float array (n_vertices, dim)."""
    if n_vertices > 2.0 ** dim:
        raise ValueError(
            f"n_classes * n_clusters_per_class ({n_vertices}) must be at most 2**n_informative ({2 ** dim})."
        )
    seen, rows = set(), []
    while len(rows) < n_vertices:
        bits = rng.randint(2, size=dim)
        key = bits.tobytes()
        if key not in seen:
            seen.add(key)
            rows.append(bits)
    return np.asarray(rows, dtype=np.float64)


def make_classification(n_samples=100, n_features=20, *, n_informative=2, n_redundant=2, n_repeated=0,
                        n_classes=2, n_clusters_per_class=2, weights=None, flip_y=0.01, class_sep=1.0,
                        hypercube=True, shift=0.0, scale=1.0, shuffle=True, random_state=None):
    """A random classification problem (Guyon's design, as in the NIPS 2003 feature-selection challenge).

    Each class is ``n_clusters_per_class`` Gaussian clusters placed on vertices of a hypercube of side
    ``2 * class_sep`` in the ``n_informative`` dimensions, each cluster given random covariance; then
    ``n_redundant`` features are random linear combinations of the informative ones, ``n_repeated`` copies
    of them, the rest noise. ``flip_y`` of the labels are reassigned at random. Returns X and y.
    """
    rng = check_random_state(random_state)
    n_samples = _positive_int(n_samples, "n_samples")
    n_features = _positive_int(n_features, "n_features")
    n_informative = _positive_int(n_informative, "n_informative")
    n_redundant = _positive_int(n_redundant, "n_redundant", 0)
    n_repeated = _positive_int(n_repeated, "n_repeated", 0)
    n_classes = _positive_int(n_classes, "n_classes")
    n_clusters_per_class = _positive_int(n_clusters_per_class, "n_clusters_per_class")
    n_useless = n_features - n_informative - n_redundant - n_repeated
    if n_useless < 0:
        raise ValueError("n_informative + n_redundant + n_repeated must be at most n_features.")
    n_clusters = n_classes * n_clusters_per_class
    if weights is None:
        weights = np.full(n_classes, 1.0 / n_classes)
    else:
        weights = np.asarray(weights, dtype=np.float64)
        if weights.size == n_classes - 1:
            weights = np.append(weights, 1.0 - weights.sum())
        if weights.size != n_classes:
            raise ValueError(f"weights must have n_classes ({n_classes}) or n_classes - 1 entries.")
    per_cluster = [int(n_samples * weights[k % n_classes] / n_clusters_per_class) for k in range(n_clusters)]
    for i in range(n_samples - sum(per_cluster)):
        per_cluster[i % n_clusters] += 1

    centroids = _hypercube_vertices(n_clusters, n_informative, rng) * (2.0 * class_sep) - class_sep
    if not hypercube:
        centroids *= rng.uniform(size=(n_clusters, 1))
        centroids *= rng.uniform(size=(1, n_informative))

    X = np.zeros((n_samples, n_features))
    y = np.zeros(n_samples, dtype=np.int64)
    X[:, :n_informative] = rng.standard_normal(size=(n_samples, n_informative))
    start = 0
    for k, centroid in enumerate(centroids):
        stop = start + per_cluster[k]
        y[start:stop] = k % n_classes
        mixing = 2.0 * rng.uniform(size=(n_informative, n_informative)) - 1.0
        X[start:stop, :n_informative] = X[start:stop, :n_informative] @ mixing + centroid
        start = stop
    if n_redundant:
        combo = 2.0 * rng.uniform(size=(n_informative, n_redundant)) - 1.0
        X[:, n_informative:n_informative + n_redundant] = X[:, :n_informative] @ combo
    if n_repeated:
        n_source = n_informative + n_redundant
        picks = rng.randint(n_source, size=n_repeated)
        X[:, n_source:n_source + n_repeated] = X[:, picks]
    if n_useless:
        X[:, n_features - n_useless:] = rng.standard_normal(size=(n_samples, n_useless))
    if flip_y > 0:
        flip = rng.uniform(size=n_samples) < flip_y
        y[flip] = rng.randint(n_classes, size=int(flip.sum()))
    if shift is None:
        shift = (2.0 * rng.uniform(size=n_features) - 1.0) * class_sep
    X += shift
    if scale is None:
        scale = 1.0 + 100.0 * rng.uniform(size=n_features)
    X *= scale
    if shuffle:
        X, y = _shuffle_rows(rng, X, y)
        X = X[:, rng.permutation(n_features)]
    return X, y


def _low_rank_matrix(n_samples, n_features, effective_rank, tail_strength, rng):
    """A matrix with a bell-shaped singular value profile of about ``effective_rank`` strong directions."""
    k = min(n_samples, n_features)
    u, _ = np.linalg.qr(rng.standard_normal(size=(n_samples, k)))
    v, _ = np.linalg.qr(rng.standard_normal(size=(n_features, k)))
    i = np.arange(k, dtype=np.float64)
    singular = (1.0 - tail_strength) * np.exp(-((i / effective_rank) ** 2)) + tail_strength * np.exp(-0.1 * i / effective_rank)
    return (u * singular) @ v.T


def make_regression(n_samples=100, n_features=100, *, n_informative=10, n_targets=1, bias=0.0,
                    effective_rank=None, tail_strength=0.5, noise=0.0, shuffle=True, coef=False,
                    random_state=None):
    """A random linear regression problem: y = X @ w + bias + noise with ``n_informative`` non-zero weights.

    X is standard normal, or low-rank with ``effective_rank`` strong directions. Returns X, y and, with
    ``coef``, the true weights (n_features,) or (n_features, n_targets).
    """
    rng = check_random_state(random_state)
    n_samples = _positive_int(n_samples, "n_samples")
    n_features = _positive_int(n_features, "n_features")
    n_targets = _positive_int(n_targets, "n_targets")
    n_informative = min(_positive_int(n_informative, "n_informative", 0), n_features)
    noise = _nonneg(noise, "noise")
    if effective_rank is None:
        X = rng.standard_normal(size=(n_samples, n_features))
    else:
        X = _low_rank_matrix(n_samples, n_features, float(effective_rank), float(tail_strength), rng)
    w = np.zeros((n_features, n_targets))
    w[:n_informative] = 100.0 * rng.uniform(size=(n_informative, n_targets))
    y = X @ w + bias
    if noise > 0:
        y = y + rng.normal(scale=noise, size=y.shape)
    if shuffle:
        X, y = _shuffle_rows(rng, X, y)
        order = rng.permutation(n_features)
        X = X[:, order]
        w = w[order]
    if n_targets == 1:
        y = y[:, 0]
        w = w[:, 0]
    if coef:
        return X, y, w
    return X, y
