"""analysis.problems: the protocol, gradients, constants and comparators of every problem."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from analysis.problems import (
    SETTINGS,
    NoisyRosenbrock,
    OnlineLinear,
    OnlineLogistic,
    Problem,
    RandomQuadratics,
    SigmoidRegression,
    breast_cancer_logistic,
    reddi3,
    reddi3_stochastic,
    reddi1010,
)


def logistic(B=2, d=3, n=7, radius=1.5):
    rng = np.random.default_rng(0)
    return OnlineLogistic(rng.standard_normal((n, d)), np.where(rng.random(n) < 0.5, -1.0, 1.0),
                          radius, B=B)  # fmt: skip


PROBLEMS = {
    "reddi3": lambda: reddi3(C=3, B=2, d=2),
    "reddi3_stochastic": lambda: reddi3_stochastic(C=3, delta=0.2, B=3, seed=1),
    "reddi1010": lambda: reddi1010(B=2),
    "linear_table": lambda: OnlineLinear(np.random.default_rng(1).normal(size=(2, 9, 3)), 2.0),
    "quadratics": lambda: RandomQuadratics(B=2, d=3, radius=1.0, c_max=1.5, seed=3),
    "logistic": logistic,
    "rosenbrock": lambda: NoisyRosenbrock(B=2, d=3, sigma=0.5, radius=1.5, seed=2),
    "sigmoid_regression": lambda: SigmoidRegression(B=3, d=4, n=50, seed=4),
}


def box_points(p, rng, k=1):
    return rng.uniform(p.lo, p.hi, size=(k, p.B, p.d))


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_protocol(name):
    p = PROBLEMS[name]()
    assert isinstance(p, Problem) and p.setting in SETTINGS
    assert p.x0.shape == (p.B, p.d) and p.lo.shape == p.hi.shape == (p.d,)
    assert p.D_inf == pytest.approx(np.max(p.hi - p.lo)) and p.G_inf > 0
    rng = np.random.default_rng(0)
    for t, x in zip((1, 2, 3, 7), box_points(p, rng, 4)):
        g, f = p.grad(t, x), p.loss(t, x)
        assert g.shape == (p.B, p.d) and f.shape == (p.B,) and g.dtype == np.float64
        np.testing.assert_array_equal(g, p.grad(t, x))  # deterministic per (seed, t)
        np.testing.assert_array_equal(f, p.loss(t, x))
        assert np.max(np.abs(g)) <= p.G_inf
    far = 10 * p.hi * np.ones((p.B, p.d))
    clipped = p.project(far, np.ones_like(far))
    np.testing.assert_array_equal(clipped, np.broadcast_to(p.hi, far.shape))
    if p.setting == "online-convex":
        x_star, comp = p.comparator(6)
        assert x_star.shape == (p.B, p.d) and comp.shape == (p.B, 6)
        np.testing.assert_allclose(p.comparator(6, aggregate=True)[1], comp.sum(axis=1))
        assert np.all(x_star >= p.lo) and np.all(x_star <= p.hi)
    else:
        assert p.L > 0 and p.full_grad(p.x0).shape == (p.B, p.d)


def assert_gradients_match_finite_differences(p, atol=1e-6, h=1e-6):
    """Stochastic gradients at a few steps (and the full gradient, if any) vs central
    differences of the matching loss, at a random point inside the box."""
    rng = np.random.default_rng(1)
    pairs = [(p.loss, p.grad, t) for t in (1, 2, 4)]
    if hasattr(p, "full_grad"):
        pairs.append((lambda t, x: p.full_loss(x), lambda t, x: p.full_grad(x), 0))
    for loss, grad, t in pairs:
        x = box_points(p, rng)[0] * 0.9
        fd = np.empty_like(x)
        for i in range(p.d):
            e = np.zeros(p.d)
            e[i] = h
            fd[:, i] = (loss(t, x + e) - loss(t, x - e)) / (2 * h)
        np.testing.assert_allclose(grad(t, x), fd, rtol=1e-6, atol=atol)


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_gradients_match_finite_differences(name):
    assert_gradients_match_finite_differences(PROBLEMS[name]())


ONE_D = {
    "reddi3": lambda: reddi3(C=3, B=1),
    "reddi3_stochastic": lambda: reddi3_stochastic(C=3, delta=0.1, B=2, seed=7),
    "reddi1010": lambda: reddi1010(),
    "quadratics": lambda: RandomQuadratics(B=2, d=1, radius=0.3, c_max=1.0, seed=5),
    "logistic": lambda: logistic(B=1, d=1, n=5, radius=2.0),
}


@pytest.mark.parametrize("name", list(ONE_D))
@pytest.mark.parametrize("T", [1, 5, 40])
def test_comparator_beats_a_grid(name, T):
    p = ONE_D[name]()
    _, comp = p.comparator(T)
    grid = np.linspace(p.lo[0], p.hi[0], 401)
    for b in range(p.B):
        total = [sum(p.loss(t, np.full((p.B, 1), z))[b] for t in range(1, T + 1)) for z in grid]
        assert comp[b].sum() <= min(total) + 1e-9


def test_comparator_linear_closed_form():
    c = np.array([[[2.0, -1.0], [-1.0, -1.0], [0.5, 3.0]]])  # (1, 3, 2)
    x_star, comp = OnlineLinear(c, radius=2.0).comparator(3)
    np.testing.assert_array_equal(x_star, [[-2.0, -2.0]])
    np.testing.assert_allclose(comp, [[-2.0, 4.0, -7.0]])


def test_reddi3_stochastic_mean_is_delta():
    p = reddi3_stochastic(C=3, delta=0.5, B=2000, seed=0)
    mean = np.mean([p.grad(t, p.x0).mean() for t in range(1, 21)])
    assert mean == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize("name", ["rosenbrock", "sigmoid_regression"])
def test_nonconvex_constants(name):
    p = PROBLEMS[name]()
    rng = np.random.default_rng(3)
    x, y = box_points(p, rng, 2)
    lhs = np.linalg.norm(p.full_grad(x) - p.full_grad(y), axis=1)
    assert np.all(lhs <= p.L * np.linalg.norm(x - y, axis=1))
    corner = np.broadcast_to(p.hi, (p.B, p.d)) * np.where(rng.random((p.B, p.d)) < 0.5, -1, 1)
    assert np.max(np.abs(p.grad(1, corner))) <= p.G_inf
    noise = np.mean([p.grad(t, x) - p.full_grad(x) for t in range(1, 401)], axis=0)
    assert np.max(np.abs(noise)) < 0.2 * p.G_inf  # zero-mean noise (loose)


def test_sigmoid_regression_is_realisable():
    p = SigmoidRegression(B=1, d=4, n=50, seed=4)
    assert p.f_star == 0.0 and p.full_loss(p.w_true[None])[0] == pytest.approx(0.0, abs=1e-15)


def test_breast_cancer_logistic():
    pytest.importorskip("sklearn")
    p = breast_cancer_logistic(radius=0.5)
    assert (p.d, p.n) == (30, 569) and p.G_inf > 0


def test_breast_cancer_without_sklearn_says_so(monkeypatch):
    for name in ("sklearn", "sklearn.datasets"):
        monkeypatch.setitem(sys.modules, name, None)  # import of these now fails
    with pytest.raises(ImportError, match="needs scikit-learn"):
        breast_cancer_logistic()
