"""The MLP core (_core.neural_network) against scikit-learn's own backpropagation: the loss and
every gradient for each activation, output layer, loss and dtype, with and without sample weights;
one epoch of SGD/Adam against scikit-learn's optimisers; bitwise thread-count independence; and the
core's own precondition checks."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scratchlearn import _core

nn = _core.neural_network
import sklearn.neural_network as sknn  # noqa: E402  (test dependency: a missing one is an error, not a skip)
import sklearn.neural_network._stochastic_optimizers as opt_mod  # noqa: E402


def _net(rng, units, activation, dtype):
    coefs = [rng.uniform(-0.5, 0.5, (a, b)).astype(dtype) for a, b in zip(units[:-1], units[1:])]
    ints = [rng.uniform(-0.5, 0.5, b).astype(dtype) for b in units[1:]]
    return coefs, ints


def _pack(coefs, ints):
    return np.concatenate([c.ravel() for c in coefs] + [b.ravel() for b in ints])


def _sk_backprop(coefs, ints, X, Y, sw, activation, out, loss, alpha):
    """scikit-learn's _backprop on the given weights."""
    if loss == "squared_error" or loss == "poisson":
        m = sknn.MLPRegressor(activation=activation, alpha=alpha, loss=loss)
    else:
        m = sknn.MLPClassifier(activation=activation, alpha=alpha)
    m.coefs_ = [c.copy() for c in coefs]
    m.intercepts_ = [b.copy() for b in ints]
    m.n_layers_ = len(coefs) + 1
    m.out_activation_ = out
    L = len(coefs)
    acts = [X] + [None] * L
    deltas = [None] * L
    cg = [np.empty_like(c) for c in coefs]
    ig = [np.empty_like(b) for b in ints]
    f, cg, ig = m._backprop(X, Y, sw, acts, deltas, cg, ig)
    return f, _pack(cg, ig), acts[-1]


CASES = [
    ("relu", "softmax", "log_loss", 4),
    ("tanh", "logistic", "binary_log_loss", 1),
    ("logistic", "logistic", "binary_log_loss", 3),
    ("identity", "identity", "squared_error", 2),
    ("relu", "identity", "squared_error", 1),
    ("tanh", "exp", "poisson", 2),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation,out,loss,k", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_grad_matches_sklearn_backprop(dtype, activation, out, loss, k, weighted):
    rng = np.random.RandomState(3)
    n, units = 57, [5, 7, 6, k]
    X = rng.normal(size=(n, units[0])).astype(dtype)
    if loss in ("log_loss", "binary_log_loss"):
        if out == "softmax":
            Y = np.eye(k, dtype=dtype)[rng.randint(0, k, n)]
        else:
            Y = (rng.uniform(size=(n, k)) < 0.4).astype(dtype)
    elif loss == "poisson":
        Y = rng.poisson(2.0, size=(n, k)).astype(dtype)
    else:
        Y = rng.normal(size=(n, k)).astype(dtype)
    sw = rng.uniform(0.2, 2.0, n).astype(dtype) if weighted else None
    coefs, ints = _net(rng, units, activation, dtype)
    f_ref, g_ref, p_ref = _sk_backprop(coefs, ints, X, Y, sw, activation, out, loss, 0.3)
    params = _pack(coefs, ints)
    kw = dict(units=units, hidden=getattr(nn.Activation, activation), output=getattr(nn.Activation, out))
    f, g = nn.loss_grad(X, Y, sw, params, loss=getattr(nn.Loss, loss), alpha=0.3, n_threads=1, **kw)
    P = nn.predict(X, params, n_threads=1, **kw)
    assert g.dtype == dtype and P.dtype == dtype
    rtol = 1e-12 if dtype == np.float64 else 2e-5
    assert_allclose(P, p_ref, rtol=rtol, atol=rtol)
    assert_allclose(f, f_ref, rtol=rtol)
    assert_allclose(g, g_ref, rtol=rtol * 10, atol=rtol * np.abs(g_ref).max())


def test_softmax_and_logistic_outputs_are_stable_for_huge_inputs():
    units = [2, 3]
    params = np.array([1e3, -1e3, 0, -1e3, 1e3, 0, 0, 0, 0], dtype=np.float64)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [800.0, 0.0]])
    P = nn.predict(X, params, units=units, hidden=nn.Activation.relu, output=nn.Activation.softmax,
                   n_threads=1)
    assert np.isfinite(P).all()
    assert_allclose(P.sum(axis=1), 1.0)
    Y = np.eye(3)[[1, 0, 2]]
    f, g = nn.loss_grad(X, Y, None, params, units=units, hidden=nn.Activation.relu,
                        output=nn.Activation.softmax, loss=nn.Loss.log_loss, alpha=0.0, n_threads=1)
    assert np.isfinite(f) and np.isfinite(g).all()
    # clipped at eps: -log(eps) per hopelessly wrong sample
    assert_allclose(f, (-np.log(np.finfo(np.float64).eps) * 3) / 3, rtol=1e-12)


def _epoch(X, Y, params, s1, s2, solver, units, order=None, batch_size=10, n_threads=1, t=0,
           lr=0.01, nesterov=True):
    return nn.epoch(X, Y, None, order, params, s1, s2, units=units, hidden=nn.Activation.tanh,
                    output=nn.Activation.identity, loss=nn.Loss.squared_error, alpha=1e-3,
                    batch_size=batch_size, solver=getattr(nn.Solver, solver),
                    learning_rate_init=lr, learning_rate=lr, momentum=0.9, nesterov=nesterov,
                    beta_1=0.9, beta_2=0.999, epsilon=1e-8, t=t, n_threads=n_threads)


@pytest.mark.parametrize("solver,nesterov", [("sgd", True), ("sgd", False), ("adam", True)])
def test_one_epoch_matches_sklearn_optimizer(solver, nesterov):
    rng = np.random.RandomState(0)
    n, units = 45, [4, 6, 2]
    X = rng.normal(size=(n, 4))
    Y = rng.normal(size=(n, 2))
    coefs, ints = _net(rng, units, "tanh", np.float64)
    order = rng.permutation(n).astype(np.int64)
    # reference: scikit-learn's backprop and optimiser, batch by batch in the same order
    m = sknn.MLPRegressor(activation="tanh", alpha=1e-3)
    m.coefs_, m.intercepts_ = [c.copy() for c in coefs], [b.copy() for b in ints]
    m.n_layers_, m.out_activation_ = 3, "identity"
    params_ref = m.coefs_ + m.intercepts_
    if solver == "sgd":
        o = opt_mod.SGDOptimizer(params_ref, 0.01, "constant", 0.9, nesterov, 0.5)
    else:
        o = opt_mod.AdamOptimizer(params_ref, 0.01, 0.9, 0.999, 1e-8)
    acc = 0.0
    for s in range(0, n, 10):
        idx = order[s:s + 10]
        acts = [X[idx]] + [None] * 2
        f, cg, ig = m._backprop(X[idx], Y[idx], None, acts, [None] * 2,
                                [np.empty_like(c) for c in coefs], [np.empty_like(b) for b in ints])
        acc += f * len(idx)
        o.update_params(params_ref, cg + ig)
    params = _pack(coefs, ints)
    s1, s2 = np.zeros_like(params), np.zeros_like(params)
    loss, t = _epoch(X, Y, params, s1, s2 if solver == "adam" else s1, solver, units, order=order,
                     nesterov=nesterov)
    assert_allclose(loss, acc / n, rtol=1e-12)
    assert_allclose(params, _pack(m.coefs_, m.intercepts_), rtol=1e-11, atol=1e-13)
    assert t == (5 if solver == "adam" else 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_epoch_is_bitwise_independent_of_threads(dtype):
    rng = np.random.RandomState(1)
    n, units = 3000, [40, 300, 120, 3]
    X = rng.normal(size=(n, units[0])).astype(dtype)
    Y = rng.normal(size=(n, 3)).astype(dtype)
    coefs, ints = _net(rng, units, "tanh", dtype)
    out = []
    for nt in (1, 2, 3):
        p = _pack(coefs, ints).astype(dtype)
        s1, s2 = np.zeros_like(p), np.zeros_like(p)
        f, _ = _epoch(X, Y, p, s1, s2, "adam", units, batch_size=600, n_threads=nt)
        out.append((f, p))
    for f, p in out[1:]:
        assert f == out[0][0]
        assert_array_equal(p, out[0][1])


def test_core_rejects_bad_inputs():
    X = np.zeros((5, 3))
    Y = np.zeros((5, 2))
    p = np.zeros(3 * 4 + 4 * 2 + 4 + 2)
    kw = dict(hidden=nn.Activation.relu, output=nn.Activation.identity)
    with pytest.raises(ValueError, match="at least one unit"):
        nn.predict(X, np.zeros(3), units=[3, 0, 2], n_threads=1, **kw)
    with pytest.raises(ValueError, match="hidden activation"):
        nn.predict(X, p, units=[3, 4, 2], hidden=nn.Activation.softmax, output=nn.Activation.identity,
                   n_threads=1)
    with pytest.raises(ValueError, match="params has 3 entries"):
        nn.predict(X, np.zeros(3), units=[3, 4, 2], n_threads=1, **kw)
    with pytest.raises(ValueError, match="wrong number of features"):
        nn.predict(np.zeros((5, 4)), p, units=[3, 4, 2], n_threads=1, **kw)
    with pytest.raises(ValueError, match="order holds an index out of range"):
        nn.epoch(X, Y, None, np.array([0, 1, 2, 3, 7]), p, p.copy(), p.copy(), units=[3, 4, 2],
                 loss=nn.Loss.squared_error, alpha=0.0, batch_size=2, solver=nn.Solver.adam,
                 learning_rate_init=0.1, learning_rate=0.1, momentum=0.9, nesterov=True,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, t=0, n_threads=1, **kw)
    with pytest.raises(ValueError, match="writeable C-contiguous"):
        nn.epoch(X, Y, None, None, p.astype(np.float32), p.copy(), p.copy(), units=[3, 4, 2],
                 loss=nn.Loss.squared_error, alpha=0.0, batch_size=2, solver=nn.Solver.adam,
                 learning_rate_init=0.1, learning_rate=0.1, momentum=0.9, nesterov=True,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, t=0, n_threads=1, **kw)
    with pytest.raises(ValueError, match="Y has shape"):
        nn.loss_grad(X, np.zeros((4, 2)), None, p, units=[3, 4, 2], loss=nn.Loss.squared_error,
                     alpha=0.0, n_threads=1, **kw)
    with pytest.raises(ValueError, match="max_iter and max_fun"):
        nn.lbfgs(X, Y, None, p.copy(), units=[3, 4, 2], loss=nn.Loss.squared_error, alpha=0.0,
                 max_iter=0, max_fun=10, tol=1e-4, ftol=1e-9, n_threads=1, **kw)
