"""The coefficient-path iteration (analysis._simulate_path) against independent NumPy loops."""

import numpy as np
import pytest

from analysis.problems import RandomQuadratics, reddi3
from analysis.simulate import run, safeguard
from tests.conftest import EXACT_ATOL, EXACT_RTOL


def _reference(problem, alpha, b1, b2, rho, T, guard, long_memory):
    """The written equations, one instance, coefficients given per step as arrays (T, d)."""
    x = np.array(problem.x0[0], dtype=float)
    m = v = vmax = vavg = vh = np.zeros(problem.d)
    xs = []
    for t in range(1, T + 1):
        xs.append(x.copy())
        g = problem.grad(t, x[None])[0]
        m = b1[t - 1] * m + (1 - b1[t - 1]) * g
        v = b2[t - 1] * v + (1 - b2[t - 1]) * g * g
        vmax, vavg = np.maximum(vmax, v), vavg * (t - 1) / t + v / t
        new = rho[t - 1] * (vmax if long_memory == "max+average" else v) + (1 - rho[t - 1]) * vavg
        if guard and t > 1:
            new = np.maximum(new, (t - 1) / t * vh)  # (alpha_t/alpha_{t-1})^2 = (t-1)/t
        vh = new
        step = np.divide(m, np.sqrt(vh), out=np.zeros_like(m), where=vh > 0)
        x = np.clip(x - alpha / np.sqrt(t) * step, problem.lo, problem.hi)
    return np.array(xs)


@pytest.mark.parametrize("guard", [False, True])
@pytest.mark.parametrize("long_memory", ["average", "max+average"])
def test_path_iteration_equals_the_written_equations(guard, long_memory):
    T, d = 60, 3
    rng = np.random.default_rng(0)
    b1, b2, rho = rng.uniform(0, 0.9, (T, d)), rng.uniform(0.1, 0.99, (T, d)), rng.random((T, d))
    p = RandomQuadratics(B=1, d=d, seed=1)
    path = {"beta1": b1[:, None], "beta2": b2[:, None], "rho": rho[:, None]}
    cfg = {"alpha": 0.3, "beta2": 0.5, "lr_schedule": "inv_sqrt", "long_memory": long_memory,
           "path": path, "safeguard": guard}  # fmt: skip
    got = run(p, cfg, T).x[0]
    ref = _reference(p, 0.3, b1, b2, rho, T, guard, long_memory)
    np.testing.assert_allclose(got, ref, rtol=EXACT_RTOL, atol=EXACT_ATOL)


def test_constant_path_equals_the_fixed_coefficient_run():
    p, T = reddi3(C=3, B=2), 300
    fixed = {"alpha": 0.5, "beta1": 0.3, "beta2": 0.6, "lr_schedule": "inv_sqrt",
             "long_memory": "max+average", "rho": 0.4}  # fmt: skip
    pathed = {**fixed, "path": lambda t, g, m: {"rho": 0.4, "beta1": 0.3}}
    np.testing.assert_allclose(run(p, pathed, T).x, run(p, fixed, T).x, rtol=EXACT_RTOL,
                               atol=EXACT_ATOL)  # fmt: skip


def test_safeguard_makes_sqrt_vhat_over_alpha_non_decreasing():
    rng = np.random.default_rng(2)
    p = RandomQuadratics(B=4, d=5, seed=3)
    cfg = {"alpha": 0.2, "beta2": 0.5, "lr_schedule": "inv_sqrt", "long_memory": "average",
           "path": lambda t, g, m: {"rho": rng.random(g.shape), "beta2": rng.random(g.shape)},
           "safeguard": True}  # fmt: skip
    bt = run(p, cfg, 200)
    ratio = np.sqrt(bt.v_hat) / bt.alpha[None, :, None]
    assert np.all(np.diff(ratio, axis=1) >= -1e-12 * ratio[:, 1:])
    unguarded = run(p, {**cfg, "safeguard": False}, 200)
    r2 = np.sqrt(unguarded.v_hat) / unguarded.alpha[None, :, None]
    assert np.any(np.diff(r2, axis=1) < 0)  # the safeguard is what makes it monotone


def test_safeguard_without_a_path_keeps_avgrad_which_is_already_monotone():
    p, T = RandomQuadratics(B=3, d=2, seed=4), 100
    cfg = {
        "alpha": 0.4,
        "beta1": 0.5,
        "lam": 0.9,
        "momentum_schedule": "geometric",
        "beta2": 0.7,
        "lr_schedule": "inv_sqrt",
        "long_memory": "average",
        "rho": 0.0,
    }
    np.testing.assert_allclose(run(p, {**cfg, "safeguard": True}, T).x, run(p, cfg, T).x,
                               rtol=EXACT_RTOL, atol=EXACT_ATOL)  # fmt: skip


def test_safeguard_is_amsgrad_max_at_constant_step():
    a, b = np.array([1.0, 5.0]), np.array([3.0, 2.0])
    assert safeguard(a, b, 0.1, 0.1).tolist() == [3.0, 5.0]


@pytest.mark.parametrize("bad, match", [
    ({"path": lambda t, g, m: {"rho": 1.5}}, "rho"),
    ({"path": lambda t, g, m: {"beta2": 1.0}}, "beta2"),
    ({"path": lambda t, g, m: {"gamma": 0.1}}, "unknown"),
    ({"path": {"rho": np.ones(10)}, "bias_correction": True}, "bias correction"),
    ({"path": {"rho": np.ones(10)}, "long_memory": "max"}, "long_memory"),
])  # fmt: skip
def test_bad_paths_are_refused(bad, match):
    cfg = {"alpha": 0.1, "beta2": 0.5, "long_memory": "average", **bad}
    with pytest.raises(ValueError, match=match):
        run(reddi3(), cfg, 10)
