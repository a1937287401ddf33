"""adam_avgrad_interpolation_nonconvex_momentum: the reduction to Défossez et al.'s Theorem 4
at rho = 1, its assumptions, the numeric twin, the data bound, and no violation on the
nonconvex problems with beta1 > 0 (constant rho and a fixed rho_n schedule)."""

import numpy as np
import pytest
import sympy as sp

from analysis import tightness
from analysis.problems import DigitsMLP, NoisyRosenbrock, SigmoidRegression
from analysis.simulate import run
from analysis.symbols import SYMBOLS
from analysis.theorems import THEOREMS
from analysis.theorems import adam_nonconvex_defossez2022 as defossez

TH = THEOREMS["adam_avgrad_interpolation_nonconvex_momentum"]
rho, beta1 = SYMBOLS["rho"], SYMBOLS["beta1"]


def test_rho_one_is_defossez_theorem_4_exactly():
    assert sp.simplify((TH.bound(rho=1) - defossez.PRINTED).rewrite(sp.log)) == 0
    assert TH.symbols == tuple(sorted({*THEOREMS["adam_nonconvex_defossez2022"].symbols, "rho"}))


def test_beta1_zero_is_the_momentum_free_theorem_with_defossez_factor_3():
    """At beta1 = 0 the bound is adam_avgrad_interpolation_nonconvex's with 4dR^2 -> 12dR^2
    (Défossez et al.'s own price for momentum), so it is larger, never smaller."""
    free = THEOREMS["adam_avgrad_interpolation_nonconvex"]
    R, d, b2 = SYMBOLS["R"], SYMBOLS["d"], SYMBOLS["beta2"]
    gap = TH.bound(beta1=0) - free.bound()
    log = sp.log(1 + rho * R**2 / ((1 - b2) * SYMBOLS["eps"])) / SYMBOLS["T"] - sp.log(b2)
    assert sp.simplify((gap - 8 * d * R**2 / (sp.sqrt(1 - b2) * rho) * log).rewrite(sp.log)) == 0


def test_assumptions_name_the_argument():
    vals = dict(T=100, d=2, R=2, eps=1e-8, alpha=1e-2, L=3, Delta=1, beta2=0.9)
    with pytest.raises(ValueError, match="beta1 < beta2"):
        TH.bound(beta1=0.9, rho=0.5, **vals)
    with pytest.raises(ValueError, match="rho"):
        TH.bound(beta1=0.5, rho=0, **vals)
    with pytest.raises(ValueError, match="T > beta1"):
        TH.bound(**{**vals, "T": 8}, beta1=0.89, rho=0.5)


def test_bound_falls_in_rho_and_grows_in_beta1():
    vals = dict(T=500, d=2, R=2, eps=1e-8, alpha=1e-2, L=3, Delta=1, beta2=0.99)
    by_rho = [TH.numeric(rho=r, beta1=0.9, **vals) for r in (1, 0.5, 0.1)]
    by_b1 = [TH.numeric(rho=0.5, beta1=b, **vals) for b in (0, 0.5, 0.9)]
    assert by_rho == sorted(by_rho) and by_b1 == sorted(by_b1)
    assert sp.limit(TH.bound(beta1=0.5, **vals), rho, 0, "+") == sp.oo


def test_numeric_twin_equals_the_bound():
    vals = dict(T=50, d=3, R=1.5, eps=1e-6, alpha=0.1, L=2.0, Delta=0.7, beta2=0.95, rho=0.3,
                beta1=0.9)  # fmt: skip
    assert TH.numeric(**vals) == pytest.approx(float(TH.bound(**vals)), rel=1e-12)


def test_data_bound_reads_alpha_and_R_from_the_run():
    p = SigmoidRegression(B=1, d=3, n=40, radius=3.0, seed=2)
    c = {"alpha": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-4, "rho": 0.5}
    tr = run(p, {**TH.algorithm, **c}, 30).trace(0)
    got = TH.data_bound(tr, L=p.L, Delta=1.0, eps=1e-4, beta2=0.9, rho=0.5)
    want = TH.bound(T=30, d=3, R=tr.G_inf() + 1e-2, L=p.L, Delta=1.0, eps=1e-4, beta2=0.9,
                    rho=0.5, alpha=0.05, beta1=0.8)  # fmt: skip
    assert got == pytest.approx(float(want), rel=1e-12)


def _problems():
    return [NoisyRosenbrock(B=8, d=2, sigma=1.0, radius=2.0, seed=3),
            SigmoidRegression(B=8, d=3, n=50, radius=3.0, seed=3),
            DigitsMLP(B=4, hidden=4, n=100, batch=8, radius=1.0, seed=3)]  # fmt: skip


@pytest.mark.parametrize("problem", _problems(), ids=lambda p: p.name.split("(")[0])
@pytest.mark.parametrize("rho_", [1.0, 0.2, "schedule"])
@pytest.mark.parametrize("b1", [0.5, 0.89])
def test_no_violation_on_the_nonconvex_problems(problem, rho_, b1):
    """Seed means (and here every seed) of Défossez et al.'s weighted stationarity stay
    below the bound. "schedule": a deterministic rho_n in [0.2, 1], fixed in advance."""
    T = 40 if problem.name.startswith("digits") else 150
    rho_lo = 0.2 if rho_ == "schedule" else rho_
    schedule = 0.2 + 0.8 * (0.5 + 0.5 * np.sin(np.arange(T) / 7.0)) if rho_ == "schedule" else rho_
    alpha = 1e-3 if problem.name.startswith("rosenbrock") else 1e-2
    consts = {"alpha": alpha, "beta1": b1, "beta2": 0.9, "eps": 1e-8}
    bt = run(problem, {**TH.algorithm, **consts, "rho": schedule}, T)
    assert bt.inside.all()
    meas = np.array([TH.measured(bt.trace(b)) for b in range(bt.B)])
    R = problem.G_inf + np.sqrt(consts["eps"])
    delta = problem.full_loss(problem.x0) - problem.f_star
    bound = TH.numeric(T=T, d=problem.d, R=R, L=problem.L, Delta=delta, rho=rho_lo, **consts)
    assert meas.mean() < bound.mean()
    assert np.all(meas < bound)


def test_tightness_draws_beta1_and_rho_in_range_and_checks_it():
    rng = np.random.default_rng(0)
    p, consts = tightness.nonconvex_setup(TH.id, rng, 4, "sigmoid")
    assert 0 < consts["rho"] <= 1 and 0 <= consts["beta1"] < consts["beta2"]
    assert TH.id in tightness.nonconvex_ids()
    meas, bound, inside = tightness.check_nonconvex(TH.id, p, consts, 30)
    assert inside.all() and meas.mean() < bound.mean()
