"""Principal component analysis: PCA.

How it works
------------
PCA finds the orthonormal directions of largest variance of the centred data X − μ.

* ``svd_solver='full'`` / ``'covariance_eigh'`` (and ``'arpack'``, answered exactly the same way):
  the core computes the column means and the scatter matrix S = (X − μ)ᵀ(X − μ) in one pass
  (``centred_scatter``, cpp/src/linalg/scatter.cpp): rows are taken a few dozen at a time, shifted
  by an estimate s of the mean into a block that stays in L1, and the block's outer products are
  added by a register-tiled AVX2 kernel; the exact mean comes out of the same pass and corrects the
  shift at the end (S = Σ(x − s)(x − s)ᵀ − n·δδᵀ with δ = μ − s small, so no digits cancel).
  Partial sums go to double every 4096 rows, in a fixed order: the data are never copied and the
  result does not depend on the thread count. Any NaN or infinity in X shows in S, so X's
  finiteness is checked through S rather than by a pass of its own. The covariance S/(n − 1) is
  then diagonalised by a symmetric
  eigensolver written for this project (cpp/src/linalg/eigen.cpp): Householder reduction to
  tridiagonal form and the implicit-shift QL iteration, in double precision. Eigenvalues are the
  explained variances, eigenvectors the components. Cost: O(n·d²) flops for S (a matrix product)
  plus O(d³) for the eigensolver; memory O(d²).
  Accuracy: forming S squares the condition number, so directions whose variance is below about
  eps·(largest variance) are resolved less accurately than by an SVD of X; the leading components
  and all explained variances of ordinary data agree with an SVD to working precision.
* ``svd_solver='randomized'``: Halko, Martinsson and Tropp's randomized range finder on the gemm: a
  Gaussian test matrix Ω (d × (k + n_oversamples), drawn from ``random_state`` exactly as
  scikit-learn draws it), power iterations Y = X·Q, Q = Xᵀ·Y normalised by LU (partial pivoting) or
  QR (Gram-Schmidt twice) in C++, a final orthonormal basis Q of X·Ω, then the small SVD of QᵀX by
  one-sided Jacobi rotations. Cost O(n·d·k·(2·iterated_power + 2)).

Components follow scikit-learn's sign convention (``svd_flip`` with ``u_based_decision=False``): the
entry of largest absolute value of every component is positive.

Deviations from scikit-learn: ``svd_solver='full'`` goes through the covariance matrix (see the
accuracy note above) rather than an SVD of X; ``'arpack'`` is accepted and solved exactly by the
eigensolver (its results equal ARPACK's up to its tolerance). Sparse input is not supported.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _core
from ..utils.validation import (
    _assert_finite,
    assert_finite_through,
    check_array,
    check_is_fitted,
    check_random_state,
    validate_data,
)
from ..base import BaseEstimator, TransformerMixin
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..linalg import gemm

__all__ = ["PCA"]

_SOLVERS = ("auto", "full", "covariance_eigh", "arpack", "randomized")
_NORMALIZERS = ("auto", "QR", "LU", "none")


def _svd_flip_rows(Vt):
    """Flip the sign of every row of Vt so that its entry of largest |value| is positive."""
    if Vt.shape[0] == 0 or Vt.shape[1] == 0:
        return Vt
    idx = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), idx])
    return Vt * signs[:, None]


def _assess_dimension(spectrum, rank, n_samples):
    """Minka's (2000) log-evidence of a PCA model of the given rank (spectrum descending)."""
    d = spectrum.shape[0]
    if spectrum[rank - 1] < 1e-15:
        return -np.inf
    # Prior over the Stiefel manifold.
    pu = -rank * math.log(2.0)
    for i in range(1, rank + 1):
        pu += math.lgamma((d - i + 1) / 2.0) - math.log(math.pi) * (d - i + 1) / 2.0
    pl = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0
    v = max(1e-15, float(np.sum(spectrum[rank:])) / (d - rank))
    pv = -math.log(v) * n_samples * (d - rank) / 2.0
    m = d * rank - rank * (rank + 1.0) / 2.0
    pp = math.log(2.0 * math.pi) * (m + rank) / 2.0
    # Laplace approximation of the Hessian's determinant.
    lam = spectrum.copy()
    lam[rank:] = v
    i, j = np.triu_indices(d, k=1)
    keep = i < rank
    i, j = i[keep], j[keep]
    pa = np.sum(np.log((spectrum[i] - spectrum[j]) * (1.0 / lam[j] - 1.0 / lam[i]))
                + math.log(n_samples))
    return pu + pl + pv + pp - pa / 2.0 - rank * math.log(n_samples) / 2.0


def _infer_dimension(spectrum, n_samples):
    ll = np.full(spectrum.shape[0], -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for rank in range(1, spectrum.shape[0]):
            ll[rank] = _assess_dimension(spectrum, rank, n_samples)
    return int(np.nanargmax(ll)) if np.any(np.isfinite(ll)) else 0


class PCA(TransformerMixin, BaseEstimator):
    """Principal component analysis.

    Parameters
    ----------
    n_components : int, float, 'mle' or None, default=None
        Number of components to keep: an int; a float in (0, 1) keeps the fewest components whose
        explained variance ratio exceeds it; 'mle' uses Minka's estimate; None keeps
        min(n_samples, n_features).
    copy : bool, default=True
        Accepted for compatibility; X is never modified.
    whiten : bool, default=False
        Scale the projections to unit variance.
    svd_solver : {'auto', 'full', 'covariance_eigh', 'arpack', 'randomized'}, default='auto'
        'auto' chooses as scikit-learn does: 'covariance_eigh' when n_features <= 1000 and
        n_samples >= 10·n_features, else 'full' for small data or 'mle', else 'randomized' when
        1 <= n_components < 0.8·min(X.shape), else 'full'.
    tol : float, default=0.0
        Accepted for 'arpack' compatibility (the eigensolver is exact).
    iterated_power : int or 'auto', default='auto'
        Power iterations of the randomized solver ('auto': 7 if n_components < 0.1·min(X.shape)
        else 4).
    n_oversamples : int, default=10
        Extra random vectors of the randomized solver.
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        Normalisation between power iterations ('auto': 'none' if iterated_power <= 2 else 'LU').
    random_state : int, RandomState instance or None, default=None
        Seed of the randomized solver's test matrix.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
    explained_variance_ : ndarray of shape (n_components_,)
    explained_variance_ratio_ : ndarray of shape (n_components_,)
    singular_values_ : ndarray of shape (n_components_,)
    mean_ : ndarray of shape (n_features,)
    n_components_ : int
    n_samples_ : int
    noise_variance_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    How it works
    ------------
    Scatter matrix of the centred data on the gemm (block-wise, never copying X), then a
    Householder + implicit QL symmetric eigensolver (cpp/src/linalg/); or a randomized
    range finder with power iterations. See the module docstring.
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(numbers.Integral, 0, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="neither"), StrOptions({"mle"}), None],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions(set(_SOLVERS))],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "iterated_power": [Interval(numbers.Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "n_oversamples": [Interval(numbers.Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions(set(_NORMALIZERS))],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, copy=True, whiten=False, svd_solver="auto", tol=0.0,
                 iterated_power="auto", n_oversamples=10, power_iteration_normalizer="auto",
                 random_state=None):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    # ------------------------------------------------------------------------------------ fit
    def fit(self, X, y=None):
        """Fit the model on X. Returns self."""
        self._fit(X)
        return self

    def _fit(self, X):
        self._validate_params()
        if hasattr(X, "tocsr") and hasattr(X, "nnz"):
            raise TypeError(
                "PCA does not support sparse input. Use '.toarray()' to convert to a dense array."
            )
        # The NaN/infinity check of X is done through the scatter matrix where there is one
        # (_fit_exact), and in full before the other solvers.
        X = validate_data(self, X, ensure_min_samples=2, ensure_all_finite=False)
        n, d = X.shape
        nc = self.n_components
        solver = self.svd_solver
        if nc is None:
            nc = min(n, d) if solver != "arpack" else min(n, d) - 1
        if solver == "auto":
            if d <= 1000 and n >= 10 * d:
                solver = "covariance_eigh"
            elif max(n, d) <= 500 or nc == "mle":
                solver = "full"
            elif 1 <= nc < 0.8 * min(n, d):
                solver = "randomized"
            else:
                solver = "full"
        self._fit_svd_solver = solver
        if not (solver in ("full", "covariance_eigh") and n >= d):
            _assert_finite(X, "X", self._n_threads())
        if solver in ("full", "covariance_eigh"):
            self._fit_exact(X, nc, solver)
        else:
            self._fit_truncated(X, nc, solver)
        return X

    def _fit_exact(self, X, nc, solver):
        n, d = X.shape
        if nc == "mle":
            if n < d:
                raise ValueError("n_components='mle' is only supported if n_samples >= n_features")
        elif not 0 <= nc <= min(n, d):
            raise ValueError(
                f"n_components={nc} must be between 0 and min(n_samples, n_features)={min(n, d)} "
                f"with svd_solver={solver!r}"
            )
        nt = self._n_threads()
        if solver == "full" and n < d:
            mean, w, V = _wide_eigen(X, nt)
        else:
            mean, S = _core.linalg.centred_scatter(X, None, None, True, nt)
            assert_finite_through((mean, S), X)
            S /= n - 1
            w, V = _core.linalg.symmetric_eigen(S)
            w[w < 0] = 0.0
            # 'full' reports min(n, d) values, as an SVD of X would; 'covariance_eigh' all d.
            keep = min(n, d) if solver == "full" else d
            w, V = w[:keep], V[:keep]
        V = _svd_flip_rows(V)
        total = w.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = w / total
        if nc == "mle":
            nc = _infer_dimension(w, n)
        elif 0 < nc < 1:
            nc = int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
            nc = min(nc, keep)
        nc = int(nc)
        dtype = X.dtype
        self.noise_variance_ = float(np.mean(w[nc:])) if nc < min(n, d) else 0.0
        self.mean_ = mean.astype(dtype)
        self.n_samples_ = n
        self.n_components_ = nc
        self.components_ = np.ascontiguousarray(V[:nc], dtype=dtype)
        self.explained_variance_ = w[:nc].astype(dtype)
        self.explained_variance_ratio_ = ratio[:nc].astype(dtype)
        self.singular_values_ = np.sqrt(w[:nc] * (n - 1)).astype(dtype)

    def _fit_truncated(self, X, nc, solver):
        n, d = X.shape
        if isinstance(nc, str):
            raise ValueError(f"n_components={nc!r} cannot be a string with svd_solver='{solver}'")
        if not (isinstance(nc, numbers.Integral) and 1 <= nc <= min(n, d)):
            raise ValueError(
                f"n_components={nc!r} must be between 1 and min(n_samples, n_features)="
                f"{min(n, d)} with svd_solver='{solver}'"
            )
        if solver == "arpack" and nc == min(n, d):
            raise ValueError(
                f"n_components={nc!r} must be strictly less than min(n_samples, n_features)="
                f"{min(n, d)} with svd_solver='{solver}'"
            )
        nc = int(nc)
        nt = self._n_threads()
        dtype = X.dtype
        if solver == "arpack":
            # Exact answer through the covariance eigensolver, truncated (X checked in _fit).
            mean, S = _core.linalg.centred_scatter(X, None, None, True, nt)
            S /= n - 1
            w, V = _core.linalg.symmetric_eigen(S)
            w[w < 0] = 0.0
            total_var = float(np.trace(S))
            ev = w[:nc]
            Vt = _svd_flip_rows(V[:nc])
        else:
            rs = check_random_state(self.random_state)
            # Column means and variances in one pass (the single-class case of the naive Bayes
            # moments kernel), then the explicitly centred copy the range finder multiplies.
            _, mean2, var2 = _core.naive_bayes.class_moments(X, np.zeros(n, np.int64), 1, None, nt)
            mean = mean2[0].astype(np.float64)
            total_var = float(np.sum(var2[0], dtype=np.float64)) * n / (n - 1)
            Xc = X - mean.astype(dtype)
            s, Vt = _randomized_svd(Xc, nc, self.n_oversamples, self.iterated_power,
                                    self.power_iteration_normalizer, rs, nt)
            Vt = _svd_flip_rows(Vt)
            ev = s.astype(np.float64) ** 2 / (n - 1)
        self.mean_ = mean.astype(dtype)
        self.n_samples_ = n
        self.n_components_ = nc
        self.components_ = np.ascontiguousarray(Vt, dtype=dtype)
        self.explained_variance_ = ev.astype(dtype)
        self.explained_variance_ratio_ = (ev / total_var).astype(dtype)
        self.singular_values_ = np.sqrt(ev * (n - 1)).astype(dtype)
        if nc < min(n, d):
            self.noise_variance_ = float((total_var - ev.sum()) / (min(n, d) - nc))
        else:
            self.noise_variance_ = 0.0

    # ------------------------------------------------------------------------------ transform
    def transform(self, X):
        """Project X on the components: (X − mean_)·components_ᵀ (whitened if asked)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        shift = -(self.mean_.astype(np.float64) @ self.components_.T.astype(np.float64))
        out = _core.linalg.affine(X, self.components_, shift.astype(X.dtype), True,
                               self._n_threads())
        if self.whiten:
            scale = np.sqrt(self.explained_variance_).astype(X.dtype)
            scale[scale < np.finfo(scale.dtype).eps] = np.finfo(scale.dtype).eps
            out /= scale
        return out

    def inverse_transform(self, X):
        """Map projections back to the input space: X·components_ + mean_."""
        check_is_fitted(self)
        X = check_array(X, input_name="X")
        if X.shape[1] != self.components_.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} components, but PCA has {self.components_.shape[0]}: "
                "inverse_transform takes the output of transform."
            )
        C = self.components_
        if self.whiten:
            C = np.sqrt(self.explained_variance_)[:, None] * C
        return _core.linalg.affine(X, C, self.mean_, False, self._n_threads())

    def get_covariance(self):
        """The model's data covariance: Wᵀ·diag(λ − σ²)·W + σ²·I."""
        check_is_fitted(self)
        C = self.components_.astype(np.float64)
        ev = self.explained_variance_.astype(np.float64)
        if self.whiten:
            C = C * np.sqrt(ev)[:, None]
        diff = np.where(ev > self.noise_variance_, ev - self.noise_variance_, 0.0)
        cov = (C.T * diff) @ C
        cov.flat[:: cov.shape[0] + 1] += self.noise_variance_
        return cov.astype(self.components_.dtype)

    def get_precision(self):
        """Inverse of get_covariance()."""
        return _inverse_covariance(self.get_covariance()).astype(self.components_.dtype)

    def score_samples(self, X):
        """Log-likelihood of every sample under the probabilistic PCA model."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        Xr = X.astype(np.float64) - self.mean_.astype(np.float64)
        d = X.shape[1]
        precision = _inverse_covariance(self.get_covariance())
        sign, logdet = np.linalg.slogdet(precision)
        if sign <= 0:
            logdet = -np.inf
        ll = -0.5 * np.sum(Xr * (Xr @ precision), axis=1)
        ll -= 0.5 * (d * math.log(2.0 * math.pi) - logdet)
        if not np.isfinite(ll).all():
            raise ValueError("The log-likelihood overflows: X has values too large (scale the "
                             "data down).")
        return ll.astype(X.dtype)

    def score(self, X, y=None):
        """Average log-likelihood of the samples."""
        return float(np.mean(self.score_samples(X)))

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        return np.asarray([f"pca{i}" for i in range(self.components_.shape[0])], dtype=object)

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags



def _wide_eigen(X, nt):
    """Mean, variances and components of wide data (n < d) through the n × n Gram matrix of the
    centred rows: Xc·Xcᵀ = U·diag(s²)·Uᵀ, components Vt = diag(1/s)·Uᵀ·Xc. Directions of zero
    variance (at least the last one, since centring removes a dimension) get an orthonormal
    completion, as an SVD would return some."""
    n, d = X.shape
    mean = X.mean(axis=0, dtype=np.float64)
    Xc = X.astype(np.float64) - mean
    G = gemm(Xc, Xc, trans_b=True, n_jobs=nt)
    w2, U = _core.linalg.symmetric_eigen(G)          # U: eigenvectors as rows
    w2[w2 < 0] = 0.0
    # Eigenvalues of the Gram matrix below ~ n·eps·(largest) are rounding noise: zero directions.
    r = int(np.sum(w2 > w2[0] * n * np.finfo(np.float64).eps * 100)) if n and w2[0] > 0 else 0
    s = np.sqrt(w2[:r])
    V = np.zeros((n, d))
    if r:
        V[:r] = gemm(U[:r], Xc, n_jobs=nt) / s[:, None]
    if r < n:
        # Complete with vectors orthogonal to the first r (from a fixed, seeded basis).
        V[r:] = np.random.RandomState(0).standard_normal((n - r, d))
        w2[r:] = 0.0
    # Re-orthonormalise in order (Gram-Schmidt by QR): the leading, well-determined directions are
    # unchanged to rounding; weak ones lose what rounding mixed into them.
    # (Cholesky-QR keeps R's diagonal positive, so no direction changes sign.)
    V = np.ascontiguousarray(_core.linalg.orthonormalize_columns(np.ascontiguousarray(V.T), nt).T)
    return mean, w2 / (n - 1), V


def _randomized_svd(A, k, n_oversamples, n_iter, normalizer, rs, nt):
    """(s, Vt) of the k leading singular triplets of the (centred) dense A, Halko et al. style,
    with scikit-learn's choices of test matrix, iteration count and normaliser."""
    n, d = A.shape
    l = k + n_oversamples
    if n_iter == "auto":
        n_iter = 7 if k < 0.1 * min(n, d) else 4
    if normalizer == "auto":
        normalizer = "none" if n_iter <= 2 else "LU"
    transpose = n < d
    dtype = A.dtype

    def mul(M):       # A·M (or Aᵀ·M when transposed)
        return gemm(A, M, trans_a=transpose, n_jobs=None)

    def rmul(M):      # Aᵀ·M (or A·M)
        return gemm(A, M, trans_a=not transpose, n_jobs=None)

    def normalise(M):
        if normalizer == "LU":
            return _core.linalg.lu_permuted_l(M, nt) if M.shape[0] >= M.shape[1] else M
        if normalizer == "QR":
            return _core.linalg.orthonormalize_columns(M, nt) if M.shape[0] >= M.shape[1] else M
        return M

    cols = n if transpose else d
    Q = rs.normal(size=(cols, l)).astype(dtype, copy=False)
    Q = np.ascontiguousarray(Q)
    for _ in range(int(n_iter)):
        Q = normalise(mul(Q))
        Q = normalise(rmul(Q))
    Y = mul(Q)
    if Y.shape[0] >= Y.shape[1]:
        Q = _core.linalg.orthonormalize_columns(Y, nt)
    else:
        Q = np.linalg.qr(Y.astype(np.float64))[0].astype(dtype)
    B = np.ascontiguousarray(gemm(Q, A if not transpose else A, trans_a=True, trans_b=transpose,
                                  n_jobs=None)).astype(np.float64)
    # B = Qᵀ·A (l × d), or Qᵀ·Aᵀ (l × n) when transposed.
    if B.shape[0] <= B.shape[1]:
        Uh, s, Vt = _core.linalg.jacobi_svd(B)
    else:
        Vt_T, s, U_T = _core.linalg.jacobi_svd(np.ascontiguousarray(B.T))
        Uh, Vt = U_T.T, Vt_T.T
    if transpose:
        # A' = Aᵀ = (Q·Uh)·diag(s)·Vt, so A = Vtᵀ·diag(s)·(Q·Uh)ᵀ: components are (Q·Uh)ᵀ.
        comps = (Q.astype(np.float64) @ Uh).T
        return s[:k], np.ascontiguousarray(comps[:k])
    return s[:k], np.ascontiguousarray(Vt[:k])


def _inverse_covariance(cov):
    """The inverse of the model covariance; ValueError when it is singular (data of zero variance
    in some direction, so no likelihood is defined)."""
    cov = cov.astype(np.float64)
    try:
        precision = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        precision = None
    if precision is None or not np.isfinite(precision).all():
        raise ValueError(
            "The PCA model's covariance is singular (the training data have zero variance in some "
            "direction, e.g. constant data), so its precision and log-likelihood are undefined.")
    return precision
