"""Property tests (hypothesis) of the simulator's long memories and of the interpolation witness:
Reddi et al.'s counterexample, monotonicity of sqrt(vhat_t)/alpha_t, the rho condition of the
Adam/AVGrad mix and its sharpness, the interpolation_improvement witness."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.problems import OnlineLinear, reddi3
from analysis.simulate import run
from analysis.theorems import interpolation_improvement as ip
from analysis.theorems.interpolation_improvement import improvement, optimal_rho, witness_bound

Q = sp.Rational
FAST = settings(max_examples=25, deadline=None)


# ---- Reddi et al.'s 3-periodic instances ----------------------------------------------------
@settings(max_examples=6, deadline=None)
@given(C=st.floats(2.5, 10.0))
def test_reddi3_average_regret_adam_stays_up_avgrad_amsgrad_go_to_zero(C):
    T, early = 1500, 150
    avg = {}
    for lm in ("none", "max", "average"):
        cfg = {"alpha": 0.5, "beta1": 0.0, "beta2": 1 / (1 + C * C), "lr_schedule": "inv_sqrt",
               "long_memory": lm, "rho": 0.0}  # fmt: skip
        bt = run(reddi3(C=C), cfg, T)
        r = np.cumsum(bt.losses[0] - bt.comparator_losses[0])
        avg[lm] = (r[early - 1] / early, r[-1] / T)
    per_period = (2 * C - 4) / 3  # Adam sits at x = +1: (C - 2) - (2 - C) per 3 steps
    assert avg["none"][1] > 0.9 * per_period and avg["none"][1] >= 0.9 * avg["none"][0]
    for lm in ("max", "average"):
        early_avg, late_avg = avg[lm]
        assert late_avg < 0.5 * early_avg and late_avg < 0.05, (lm, avg[lm])


# ---- sqrt(vhat_t)/alpha_t = sqrt(t vhat_t)/alpha is non-decreasing --------------------------
def _grads(max_T=40, max_d=3):
    shape = st.tuples(st.integers(2, max_T), st.integers(1, max_d))
    scaled = st.floats(-100, 100, allow_subnormal=False) | st.just(0.0)
    return shape.flatmap(lambda s: arrays(np.float64, s, elements=scaled))


def _t_vhat(G, cfg):
    """t * vhat_t (T, d) of a run on f_t(x) = <g_t, x> (the gradients do not depend on x)."""
    T = G.shape[0]
    bt = run(OnlineLinear(G[None], radius=1.0), {"alpha": 1.0, "lr_schedule": "inv_sqrt",
                                                 **cfg}, T)  # fmt: skip
    return np.arange(1, T + 1)[:, None] * bt.v_hat[0]


def _non_decreasing(a, rtol=1e-12):
    return bool(np.all(a[1:] >= a[:-1] * (1 - rtol) - 1e-300))


@FAST
@given(G=_grads(), beta2=st.floats(0.0, 0.999), rho=st.floats(0.0, 1.0),
       pure=st.booleans())  # fmt: skip
def test_avgrad_and_max_average_mixes_are_monotone(G, beta2, rho, pure):
    cfg = ({"long_memory": "average", "rho": 0.0} if pure
           else {"long_memory": "max+average", "rho": rho})  # fmt: skip
    assert _non_decreasing(_t_vhat(G, {"beta2": beta2, **cfg}))


# ---- the Adam/AVGrad mix: the condition rho <= beta2/((T-1)(1-beta2)) is sharp ---------------
def _rho_max(T, beta2):
    return beta2 / ((T - 1) * (1 - beta2))


@FAST
@given(G=_grads(), beta2=st.floats(0.01, 0.999), frac=st.floats(0.0, 1.0))
def test_adam_average_mix_is_monotone_under_the_rho_condition(G, beta2, frac):
    rho = frac * min(_rho_max(G.shape[0], beta2), 1.0)
    cfg = {"beta2": beta2, "long_memory": "mix", "mix": "adam_avg", "rho": rho}
    assert _non_decreasing(_t_vhat(G, cfg))


@FAST
@given(T=st.integers(3, 60), beta2=st.floats(0.05, 0.95), excess=st.floats(1e-6, 1.0),
       seed=st.integers(0, 2**16))  # fmt: skip
def test_just_outside_the_rho_condition_a_zero_gradient_breaks_monotonicity(T, beta2, excess,
                                                                              seed):  # fmt: skip
    # rho above the condition at T but within it at T - 1, so steps 2..T-1 are covered
    top = _rho_max(T, beta2)
    rho = top + excess * (_rho_max(T - 1, beta2) - top) * (1 - 1e-9)
    if rho > 1:  # the condition is void there (rho <= 1 anyway)
        return
    rng = np.random.default_rng(seed)
    G = rng.uniform(0.5, 2.0, (T, 1)) * rng.choice([-1.0, 1.0], (T, 1))
    G[-1] = 0.0  # g_T = 0: v_T = beta2 v_{T-1}
    cfg = {"beta2": beta2, "long_memory": "mix", "mix": "adam_avg", "rho": rho}
    tv = _t_vhat(G, cfg)[:, 0]
    assert _non_decreasing(tv[:-1])  # up to T - 1 the condition (at T - 1) still holds
    assert tv[-1] < tv[-2] * (1 - 1e-12)  # ... and step T breaks it
    # exactly by the identity T vhat_T - (T-1) vhat_{T-1} = v_{T-1}(beta2 - rho(T-1)(1-beta2))
    v = np.zeros(T)
    for t in range(T):
        v[t] = beta2 * (v[t - 1] if t else 0.0) + (1 - beta2) * G[t, 0] ** 2
    assert tv[-1] - tv[-2] == pytest.approx(v[-2] * (beta2 - rho * (T - 1) * (1 - beta2)),
                                            rel=1e-9, abs=1e-12)  # fmt: skip


# ---- interpolation_improvement's witness ---------------------------------------------------
def test_t2_witness_exact_numbers():
    w = dict(delta=Q(1, 4), alpha=Q(15, 4), D_inf=1, G_inf=1, beta2=Q(1, 2))
    r = optimal_rho(**w)
    assert r == Q(25, 56)
    B0, B1, Bs = witness_bound(0, **w), witness_bound(1, **w), witness_bound(r, **w)
    assert sp.simplify(B0 - 197 * sp.sqrt(2) / 96) == 0
    assert sp.simplify(B1 - (Q(481, 1920) + 15 * sp.sqrt(2) / 8)) == 0
    assert sp.simplify(Bs - (Q(1, 4) + 15 * sp.sqrt(2) / 8)) == 0
    assert Bs < B0 < B1
    assert sp.simplify(improvement(**w) - (17 - 12 * sp.sqrt(2)) / 197) == 0
    num = ip.numeric_witness(T=2, beta2=0.5, delta=0.25, alpha=3.75, grid=5601)
    assert num["rho"] == pytest.approx(25 / 56, abs=1e-12)
    assert num["Bmin"] == pytest.approx(float(Bs), rel=1e-13)


@FAST
@given(beta2=st.floats(0.01, 0.95), dfrac=st.floats(0.05, 0.95), afrac=st.floats(0.02, 0.98),
       D=st.floats(0.5, 2.0), G=st.floats(0.5, 2.0))  # fmt: skip
def test_inside_the_window_interpolated_bound_beats_both_ends(beta2, dfrac, afrac, D, G):
    delta = dfrac * np.sqrt(1 - beta2)  # delta^2 < 1 - beta2
    lo, hi = (1 - beta2) * (1 + beta2 + delta**2), 2 * (1 - beta2)
    alpha = D / delta * np.sqrt(lo + afrac * (hi - lo))  # lo < alpha^2 delta^2 / D^2 < hi
    w = dict(delta=delta, alpha=alpha, D_inf=D, G_inf=G, beta2=beta2)
    r = float(optimal_rho(**w))
    assert 0 < r < 1
    B0, B1, Bs = (float(witness_bound(x, **w)) for x in (0, 1, r))
    assert Bs < min(B0, B1)
    assert Bs == pytest.approx(delta * G * D + alpha * G / (2 * np.sqrt(1 - beta2)), rel=1e-10)
    # the same B(rho) from the run data of the witness run (analysis.theorems._interpolation)
    prt = ip.parts(ip.witness_grads(2, delta, G), beta2, np.zeros(2), D, alpha)
    np.testing.assert_allclose(ip.B(prt, [0.0, r, 1.0]), [B0, Bs, B1], rtol=1e-10)
    assert ip.dB(prt, 0.0)[0] < 0 < ip.dB(prt, 1.0)[0]
