"""Break-even horizons (analysis.theorems._vacuity): exact checks of T_b - 1 and T_b with
sympy, the closed-form crossing of issue 14's example, "never" where the rate is not below the
trivial bound's, and the trivial bounds themselves on simulated runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from analysis.problems import OnlineLinear
from analysis.simulate import run
from analysis.symbols import SYMBOLS
from analysis.theorems import BREAKEVEN_CONSTANTS, THEOREMS, trivial
from analysis.theorems._asymptotics import leading_order

REF = BREAKEVEN_CONSTANTS

WITH_T = sorted(k for k, th in THEOREMS.items() if "T" in th.symbols and th.setting in REF)


def _ratio(th, T):
    """bound / trivial at T and the reference constants, exactly (sympy, 30 digits)."""
    c = {k: sp.Rational(v) for k, v in REF[th.setting].items()}
    b = th.bound(T=T, **{k: c[k] for k in th.symbols if k != "T"})
    tv = trivial(th).xreplace({SYMBOLS[k]: c[k] for k in c} | {SYMBOLS["T"]: T})
    return float((b / tv).evalf(30))


@pytest.mark.parametrize("th_id", WITH_T)
def test_breakeven_is_the_exact_crossing_or_never(th_id):
    th = THEOREMS[th_id]
    Tb = th.breakeven(**REF[th.setting])
    if Tb == math.inf:  # vacuous for all T: the bound grows at least as fast as the trivial one
        T = SYMBOLS["T"]
        consts = {k: sp.Rational(v) for k, v in REF[th.setting].items() if k in th.symbols}
        rate_ratio = leading_order(th.bound(**consts) / trivial(th).subs(consts), T)
        assert sp.limit(rate_ratio, T, sp.oo) != 0
        assert _ratio(th, 10**6) >= 1 and _ratio(th, 10**18) >= 1
        return
    assert _ratio(th, Tb) < 1 <= _ratio(th, Tb - 1) if Tb > 1 else _ratio(th, 1) < 1
    assert all(_ratio(th, k * Tb) < 1 for k in (2, 10, 1000))


def test_issue_14_example_crossing_in_closed_form():
    """avgrad_regret at beta1 = 0.9, beta2 = 0.999, lam = 0.99, alpha = 1, D = 2, G = d = 1:
    a sqrt(T) + b < 2T from sqrt(T) = (a + sqrt(a^2 + 8b)) / 4 on."""
    a = 2 + 1.9 / (0.1**2 * math.sqrt(0.001))
    b = 0.9 * 4 / (0.1 * 0.01**2)
    crossing = ((a + math.sqrt(a * a + 8 * b)) / 4) ** 2
    Tb = THEOREMS["avgrad_regret"].breakeven(**REF["online-convex"])
    assert Tb == math.floor(crossing) + 1 and 9.3e6 < Tb < 9.5e6


def test_never_and_errors():
    assert THEOREMS["amsgrad_regret_reddi2018"].breakeven(**REF["online-convex"]) == math.inf
    with pytest.raises(ValueError, match=r"needs \['D_inf'"):
        THEOREMS["avgrad_regret"].breakeven(alpha=1)
    with pytest.raises(ValueError, match="no break-even"):
        THEOREMS["interpolation_improvement"].breakeven()
    with pytest.raises(ValueError, match=r"^beta1"):
        THEOREMS["avgrad_regret"].breakeven(**{**REF["online-convex"], "beta1": 1.5})


def test_a_horizon_cuts_the_adam_mix_off():
    """rho > 0: the theorem holds only up to T = 1 + beta2/(rho(1 - beta2)), so there is no T
    from which on it beats the trivial bound; at rho = 0 it is AVGrad's crossing."""
    th = THEOREMS["adam_avgrad_interpolation_regret"]
    assert th.breakeven(**{**REF["online-convex"], "rho": 1e-5}) == math.inf
    assert th.breakeven(**REF["online-convex"]) == 9387558


def test_the_trivial_regret_bound_holds_on_random_runs():
    rng = np.random.default_rng(5)
    for _ in range(4):
        d, T = int(rng.integers(1, 4)), int(rng.integers(5, 80))
        costs = rng.normal(size=(16, T, d)) * rng.uniform(0.1, 3, d)
        bt = run(OnlineLinear(costs, 1.0, x0=rng.uniform(-1, 1, (16, d))),
                 {**THEOREMS["avgrad_regret"].algorithm, "alpha": 3.0, "beta1": 0.5,
                  "beta2": 0.9, "lam": 0.9}, T)  # fmt: skip
        for b in range(bt.B):
            tr = bt.trace(b)
            assert tr.regret <= d * tr.D_inf() * tr.G_inf() * T
