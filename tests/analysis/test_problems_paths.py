"""The coefficient-path counterexample (analysis.problems.paths) and the safeguard on it."""

import numpy as np
import pytest

from analysis._path_adversary import LONG_MEMORY, path
from analysis.problems import (
    alternating_constant_step,
    constant_step_regret_lower,
    momentum_switching_regret_rate,
    reddi3,
    reddi3_momentum_switching,
    reddi3_switching,
    reddi1010,
    sign_switching_beta1,
    sign_switching_rho,
)
from analysis.simulate import run


def test_switching_rho_gives_linear_regret_and_the_safeguard_removes_it():
    """Measured (T = 20000): regret/T = 0.666 unguarded (x_T = +1, the worst corner),
    0.0046 with the safeguard."""
    p, T = reddi3_switching(C=3.0), 20000
    bad = run(p, p.config, T, record="final")
    good = run(p, {**p.config, "safeguard": True}, T, record="final")
    assert bad.regret[0] / T > 0.6 and bad.x[0, 0] > 0.99
    assert good.regret[0] / T < 0.01 and good.x[0, 0] < -0.99


def test_switching_path_stays_in_its_coefficient_box():
    bt = run(reddi3_switching(rho_hi=0.9), reddi3_switching().config, 300)
    rho = sign_switching_rho(0.9)(2, bt.grads[:, 1:], bt.grads[:, :-1])["rho"]
    assert set(np.unique(rho)) == {0.0, 0.9}


def test_regret_per_step_grows_linearly_under_the_switching_path():
    """regret/T does not fall from T = 6000 to 18000 without the safeguard."""
    p = reddi3_switching(C=3.0)
    r = [run(p, p.config, T, record="final").regret[0] / T for T in (6000, 18000)]
    assert r[1] > 0.6 and r[1] >= 0.95 * r[0]


def test_constant_step_has_linear_regret_even_safeguarded():
    """Item C, measured (not proved): with a constant alpha the safeguard is AMSGrad's max and
    the step never shrinks; regret/T = 0.2945 (T = 2000), 0.293 (T = 20000), 0.2928
    (T = 1e5) at alpha = 0.5; 0.044, 0.031, 0.030 at alpha = 0.05. Unguarded: 0.90."""
    p = reddi3_switching()
    cfg = {**p.config, "lr_schedule": "constant", "safeguard": True}
    r = [run(p, cfg, T, record="final").regret[0] / T for T in (2000, 20000)]
    assert r[0] > 0.25 and r[1] > 0.95 * r[0]


@pytest.mark.slow
def test_safeguard_on_reddi1010_moves_to_the_right_corner():
    """Measured (alpha = 0.5, beta2 = 0.1, T = 1e5): the switching path 0.217 (x_T = +1),
    Adam's path (rho = 1) 0.209 (x_T = +1); safeguarded 0.122 and 0.124, x_T < 0, and
    falling (0.194, 0.196 at T = 2e4). Regret/T at x = +1 for ever is 20/101 = 0.198.
    Instance 0 follows the switching path, instance 1 Adam's."""
    p, switching = reddi1010(B=2), sign_switching_rho(0.9)

    def path(t, g, m):
        return {"rho": np.where(np.arange(2)[:, None] == 0, switching(t, g, m)["rho"], 1.0)}

    cfg = {**reddi3_switching().config, "alpha": 0.5, "beta2": 0.1, "path": path}
    bad = run(p, cfg, 100000, record="final")
    assert np.all(bad.regret / 1e5 > 0.2) and np.all(bad.x[:, 0] > 0.99)
    short, long = (run(p, {**cfg, "safeguard": True}, T, record="final") for T in (20000, 100000))
    assert np.all(long.regret / 1e5 < 0.13) and np.all(short.regret / 2e4 > 0.13)
    assert np.all(long.x[:, 0] < 0)


def test_bad_rho_hi_is_refused():
    with pytest.raises(ValueError, match="rho_hi"):
        sign_switching_rho(1.5)


@pytest.mark.parametrize("kind", ["random", "bangbang", "sign"])
def test_constant_step_regret_is_linear_for_every_path_in_the_box(kind):
    """The proposition of alternating_constant_step: R_T >= floor(T/2) alpha G for every
    safeguarded path with beta2_t <= beta2_hi and any rho_t in [0, 1], both interpolations;
    here 64 instances per kind (alpha at its largest allowed value, and 10x smaller)."""
    rng = np.random.default_rng(["random", "bangbang", "sign"].index(kind))
    b2_hi, T, B = 0.9, 301, 64
    for alpha in (np.sqrt(1 - b2_hi) / 2, np.sqrt(1 - b2_hi) / 20):
        p = alternating_constant_step(alpha=alpha, G=2.0, beta2_hi=b2_hi, B=B)
        for lm in LONG_MEMORY:
            cfg = {**p.config, "long_memory": lm,
                   "path": path(kind, T, B, 1, b2_hi, 1.0, rng)}  # fmt: skip
            bt = run(p, cfg, T, record="final")
            lower = constant_step_regret_lower(T, alpha, 2.0)
            assert np.all(bt.regret >= lower * (1 - 1e-12)), np.min(bt.regret) / lower
            assert np.min(bt.regret) / T >= alpha * 2.0 * 0.49  # bounded away from 0


def test_constant_step_counterexample_refuses_an_alpha_that_leaves_the_box():
    with pytest.raises(ValueError, match="alpha must be at most"):
        alternating_constant_step(alpha=1.0, beta2_hi=0.5)


@pytest.mark.parametrize("long_memory,rho", [("average", 0.0), ("max+average", 1.0)])
@pytest.mark.parametrize("safeguard", [True, False])
def test_switching_beta1_gives_linear_regret_even_safeguarded(long_memory, rho, safeguard):
    """A learned beta_1t in [0, 0.9] (the sign rule): x_T = +1 and regret/T at its limit
    2(C - 2)/3 = 0.667 (measured 0.6671 at T = 3000, 0.6668 at 12000, every variant)."""
    p, T = reddi3_momentum_switching(C=3.0, beta1_hi=0.9), 3000
    bt = run(p, {**p.config, "long_memory": long_memory, "rho": rho, "safeguard": safeguard},
             T, record="final")  # fmt: skip
    assert bt.x[0, 0] == 1.0
    assert bt.regret[0] / T > 0.99 * momentum_switching_regret_rate(3.0)


def test_switching_beta1_with_period_2_needs_only_beta1_hi_above_one_half():
    p, T = reddi3_momentum_switching(C=1.3, beta1_hi=0.6, period=2), 4000
    bt = run(p, p.config, T, record="final")
    assert bt.x[0, 0] == 1.0
    assert bt.regret[0] / T > 0.99 * momentum_switching_regret_rate(1.3, period=2) > 0.29


def test_switching_beta1_keeps_the_momentum_negative_inside_its_box():
    """The proof's induction, measured: m_t < 0 at every step, beta_1t in {0, beta1_hi}."""
    p = reddi3_momentum_switching(C=3.0, beta1_hi=0.9)
    rule, m, seen = p.config["path"], np.zeros((1, 1)), set()
    for t in range(1, 301):
        b1 = rule(t, p.grad(t, np.zeros((1, 1))), m)["beta1"]
        m = b1 * m + (1 - b1) * p.grad(t, np.zeros((1, 1)))
        seen.add(float(b1[0, 0]))
        assert m[0, 0] < 0
    assert seen == {0.0, 0.9}


def test_a_constant_beta1_on_the_same_losses_converges():
    """The switching, not the momentum itself, breaks it: constant beta_1 = 0.9 reaches
    x* = -1 (measured regret/T 0.0053 at T = 3000, 0.0013 at 12000)."""
    p, T = reddi3_momentum_switching(C=3.0, beta1_hi=0.9), 3000
    cfg = {k: v for k, v in p.config.items() if k != "path"}
    bt = run(p, {**cfg, "beta1": 0.9}, T, record="final")
    assert bt.x[0, 0] < -0.9 and bt.regret[0] / T < 0.05


def test_switching_beta1_refuses_a_loss_scale_that_keeps_the_momentum_right():
    with pytest.raises(ValueError, match="C must lie in"):
        reddi3_momentum_switching(C=3.0, beta1_hi=0.7)
    with pytest.raises(ValueError, match="period must be"):
        reddi3_momentum_switching(C=3.0, period=1)
    with pytest.raises(ValueError, match="beta1_hi must lie in"):
        sign_switching_beta1(1.0)


def test_switching_beta1_in_reddis_own_phase_converges():
    """The rule keeps the momentum's first sign: starting with the large gradient C, m > 0 and
    x_T = -1 (measured regret/T 0.0008 at T = 3000), so the phase is the adversary's."""
    p, T = reddi3(C=3.0), 3000
    cfg = {**reddi3_momentum_switching(C=3.0).config, "path": sign_switching_beta1(0.9)}
    bt = run(p, cfg, T, record="final")
    assert bt.x[0, 0] == -1.0 and bt.regret[0] / T < 0.01
