"""adam_avgrad_interpolation_nonconvex: the reduction to Défossez et al. at rho = 1, the
numeric twin, and no violation on the nonconvex problems (constant rho and learned rho_t)."""

import numpy as np
import pytest
import sympy as sp

from analysis import tightness
from analysis.problems import DigitsMLP, NoisyRosenbrock, SigmoidRegression
from analysis.simulate import run
from analysis.symbols import SYMBOLS
from analysis.theorems import THEOREMS
from analysis.theorems import adam_nonconvex_defossez2022 as defossez

TH = THEOREMS["adam_avgrad_interpolation_nonconvex"]
rho = SYMBOLS["rho"]


def test_rho_one_is_defossez_theorem_2_exactly():
    assert sp.simplify(TH.bound(rho=1).rewrite(sp.log) - defossez.THEOREM2) == 0
    # and Défossez et al.'s Theorem 4 at beta1 = 0 only differs by 4 d R^2 -> 12 d R^2
    thm4 = THEOREMS["adam_nonconvex_defossez2022"].bound(beta1=0)
    assert sp.simplify(thm4 - TH.bound(rho=1)) != 0


def test_bound_grows_as_rho_falls_and_is_infinite_at_zero():
    vals = dict(T=100, d=2, R=2, eps=1e-8, alpha=1e-2, L=3, Delta=1, beta2=0.9)
    b = [float(TH.bound(rho=r, **vals)) for r in (1, 0.5, 0.1, 0.01)]
    assert b == sorted(b) and b[-1] > 10 * b[0]
    assert sp.limit(TH.bound(**vals), rho, 0, "+") == sp.oo
    with pytest.raises(ValueError, match="rho"):
        TH.bound(rho=0)
    with pytest.raises(ValueError, match="beta1"):
        TH.bound(beta1=0.5)


def test_numeric_twin_equals_the_bound():
    vals = dict(T=50, d=3, R=1.5, eps=1e-6, alpha=0.1, L=2.0, Delta=0.7, beta2=0.95, rho=0.3)
    assert TH.numeric(**vals) == pytest.approx(float(TH.bound(**vals)), rel=1e-12)


def test_data_bound_reads_R_as_max_g_plus_sqrt_eps():
    p = SigmoidRegression(B=1, d=3, n=40, radius=3.0, seed=2)
    bt = run(p, {**TH.algorithm, "alpha": 0.05, "beta2": 0.9, "eps": 1e-4, "rho": 0.5}, 30)
    tr = bt.trace(0)
    got = TH.data_bound(tr, L=p.L, Delta=1.0, eps=1e-4, beta2=0.9, rho=0.5)
    want = TH.bound(T=30, d=3, R=tr.G_inf() + 1e-2, L=p.L, Delta=1.0, eps=1e-4,
                    beta2=0.9, rho=0.5, alpha=0.05)  # fmt: skip
    assert got == pytest.approx(float(want), rel=1e-12)


def _problems():
    return [NoisyRosenbrock(B=8, d=2, sigma=1.0, radius=2.0, seed=3),
            SigmoidRegression(B=8, d=3, n=50, radius=3.0, seed=3),
            DigitsMLP(B=4, hidden=4, n=100, batch=8, radius=1.0, seed=3)]  # fmt: skip


@pytest.mark.parametrize("problem", _problems(), ids=lambda p: p.name.split("(")[0])
@pytest.mark.parametrize("rho_", [1.0, 0.2, "learned"])
def test_no_violation_on_the_nonconvex_problems(problem, rho_):
    """Seed mean of the stationarity below the bound (the theorem bounds an expectation).
    "learned": rho_t in [0.2, 1] moved by the sign of v_t - vbar_t's trend (a stand-in for
    MADA's hypergradient: any predictable rho_t in [rho, 1] is covered)."""
    T = 40 if problem.name.startswith("digits") else 150
    rho_lo = 0.2 if rho_ == "learned" else rho_
    schedule = 0.2 + 0.8 * (0.5 + 0.5 * np.sin(np.arange(T) / 7.0)) if rho_ == "learned" else rho_
    alpha = 1e-3 if problem.name.startswith("rosenbrock") else 1e-2
    consts = {"alpha": alpha, "beta2": 0.9, "eps": 1e-8, "beta1": 0.0}
    bt = run(problem, {**TH.algorithm, **consts, "rho": schedule}, T)
    assert bt.inside.all()
    meas = np.array([TH.measured(bt.trace(b)) for b in range(bt.B)])
    R = problem.G_inf + np.sqrt(consts["eps"])
    delta = problem.full_loss(problem.x0) - problem.f_star
    bound = TH.numeric(T=T, d=problem.d, R=R, L=problem.L, Delta=delta, rho=rho_lo,
                       alpha=alpha, beta2=0.9, eps=1e-8)  # fmt: skip
    assert meas.mean() < bound.mean()
    assert np.all(meas < bound)  # here even every seed


def test_tightness_checks_it_with_rho_in_range():
    rng = np.random.default_rng(0)
    p, consts = tightness.nonconvex_setup(TH.id, rng, 4, "sigmoid")
    assert 0 < consts["rho"] <= 1
    meas, bound, inside = tightness.check_nonconvex(TH.id, p, consts, 30)
    assert inside.all() and meas.mean() < bound.mean()
