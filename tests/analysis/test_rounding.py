"""The rounding contract of ``Theorem`` (bound, numeric, data_bound): the two false violations
of issue 14 as regressions, and every closed form against an independent mpmath evaluation
over magnitudes 1e-300 to 1e300 (hypothesis)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.problems import OnlineLinear
from analysis.simulate import run
from analysis.symbols import SYMBOLS
from analysis.theorems import ROUNDING_RTOL, THEOREMS
from analysis.theorems._asymptotics import sqrt_sum
from analysis.trace import Trace

OWN_ONLINE = ("avgrad_regret", "avgrad_regret_constant_beta1",
              "amsgrad_avgrad_interpolation_regret",
              "adam_avgrad_interpolation_regret")  # fmt: skip
TINY, HUGE = 2.3e-308, 1.7e308  # float64's smallest normal and (about) its largest


# ---- issue 14, first false violation: ln(1 + T R^2/eps) at T R^2/eps = 1e-16 ---------------
def _quadratic_one_step():
    """F = x^2/2, x_0 = 1e-8, one step: g = R = 1e-8, Delta = 5e-17, ||grad F(x_0)||^2 = 1e-16."""
    x0 = 1e-8
    return Trace(x=[[x0]], grads=[[x0]], v_hat=[[x0 * x0]], alpha=[100.0], beta1=[0.0],
                 losses=[x0 * x0 / 2], full_grad_sq_norms=[x0 * x0]), x0  # fmt: skip


def test_nonconvex_data_bound_keeps_log1p_of_a_tiny_argument():
    th = THEOREMS["avgrad_nonconvex"]
    tr, x0 = _quadratic_one_step()
    consts = {"L": 1.0, "Delta": x0 * x0 / 2, "eps": 1.0, "beta2": 0.0}
    with mpmath.workdps(60):
        R, Delta = mpmath.mpf(x0), mpmath.mpf(x0 * x0 / 2)
        root = mpmath.sqrt(1 + R**2)
        exact = float(2 * root * Delta / 100 + root * (4 * R + 100) * mpmath.log1p(R**2))
    assert exact == pytest.approx(1e-14, rel=1e-6)  # the exact value
    data = th.data_bound(tr, **consts)
    assert th.measured(tr) == pytest.approx(1e-16) and data >= th.measured(tr)
    assert data == pytest.approx(exact, rel=ROUNDING_RTOL)
    at = {"T": 1, "d": 1, "R": x0, "alpha": 100.0, **consts}
    assert float(th.bound(**at)) == pytest.approx(exact, rel=ROUNDING_RTOL)
    assert th.numeric(**at) == pytest.approx(exact, rel=ROUNDING_RTOL)


# ---- issue 14, second false violation: g^2 underflows -------------------------------------
def _scaled(tr, s):
    """The same run with every gradient and loss times s: the iterates of every own online
    theorem's algorithm are unchanged (the step m/sqrt(vhat) is scale-free), the regret and the
    data bounds scale by s (they recompute v from the gradients: v_hat is not read)."""
    return Trace(x=tr.x, grads=tr.grads * s, v_hat=np.zeros_like(tr.x), alpha=tr.alpha,
                 beta1=tr.beta1, losses=tr.losses * s, comparator_losses=tr.comparator_losses * s,
                 x_star=tr.x_star)  # fmt: skip


def _own_run(th_id, seed, T=12, d=2):
    rng = np.random.default_rng(seed)
    th = THEOREMS[th_id]
    consts = {"alpha": float(rng.uniform(0.1, 3)), "beta1": float(rng.uniform(0, 0.9)),
              "beta2": float(rng.uniform(0.5, 0.99)), "lam": 0.9, "rho": 0.0}  # fmt: skip
    if th_id == "amsgrad_avgrad_interpolation_regret":
        consts["rho"] = 0.5
    consts = {k: v for k, v in consts.items() if k in th.assumptions.names}
    costs = np.tanh(rng.normal(size=(1, T, d)))
    tr = run(OnlineLinear(costs, 1.0, x0=rng.uniform(-1, 1, d)), {**th.algorithm, **consts},
             T).trace(0)  # fmt: skip
    return th, tr, {k: v for k, v in consts.items() if k in ("beta2", "rho")}


@pytest.mark.parametrize("th_id", OWN_ONLINE)
def test_own_data_bounds_do_not_vanish_when_g_squared_underflows(th_id):
    th, tr, given_ = _own_run(th_id, 3)
    ref = th.data_bound(tr, **given_)
    small = _scaled(tr, 1e-170)  # (1e-170)^2 underflows in float64
    assert np.all(small.grads**2 == 0) and small.regret > 0
    data = th.data_bound(small, **given_)
    assert small.regret <= data and data == pytest.approx(1e-170 * ref, rel=ROUNDING_RTOL)


@settings(max_examples=30, deadline=None)
@given(th_id=st.sampled_from(OWN_ONLINE), seed=st.integers(0, 2**16),
       k=st.floats(-300.0, 300.0))  # fmt: skip
def test_own_data_bounds_scale_exactly_over_600_decades(th_id, seed, k):
    th, tr, given_ = _own_run(th_id, seed)
    s = 2.0 ** round(k * math.log2(10))  # a power of 2: the scaled run is exact
    ref = th.data_bound(tr, **given_) * s
    data = th.data_bound(_scaled(tr, s), **given_)
    if ref > HUGE:
        assert data == math.inf
    elif ref > TINY:
        assert data == pytest.approx(ref, rel=ROUNDING_RTOL)
        assert tr.regret * s <= data * (1 + ROUNDING_RTOL)


def test_sum_of_gradient_norms_does_not_underflow():
    g = np.array([[3e-170, 0.0], [4e-170, 0.0]])
    tr = Trace(x=np.zeros((2, 2)), grads=g, v_hat=np.zeros((2, 2)), alpha=[1.0, 1.0],
               beta1=[0.0, 0.0], losses=[0.0, 0.0])  # fmt: skip
    assert tr.sum_grad_norms() == pytest.approx(5e-170, rel=1e-15)


# ---- every closed form against mpmath, magnitudes 1e-300 .. 1e300 ---------------------------
SCALES = ("D_inf", "G_inf", "alpha", "eps", "L", "Delta")


def _mp_sqrt_sum(n):
    """The sum itself (the sampler keeps T <= 2000 where the bound has one)."""
    return mpmath.fsum(mpmath.sqrt(k) for k in range(1, int(n) + 1))


@st.composite
def _constants(draw, th_id):
    """Constants inside th_id's assumptions; the scales log-uniform in 1e-300..1e300."""
    th = THEOREMS[th_id]
    mag = st.floats(-300.0, 300.0)
    c = {n: 10.0 ** draw(mag) for n in SCALES}
    b2 = draw(st.floats(1e-3, 0.999))
    c.update(beta2=b2, beta1=draw(st.floats(0, 0.99)) * min(b2, math.sqrt(b2)),
             lam=draw(st.floats(1e-3, 0.999)), d=float(draw(st.integers(1, 10**6))),
             rho=draw(st.floats(0, 1)),
             # (1 - 2^-40): sqrt(1 - b2) rounded up squares to above 1 - b2
             delta=draw(st.floats(0, 1)) * math.sqrt(1 - b2) * (1 - 2.0**-40))  # fmt: skip
    c["R"] = math.sqrt(c["eps"]) * 10.0 ** draw(st.floats(0, 10))
    T = draw(st.integers(1, 2000 if th.bound().has(sqrt_sum) else 10**9))
    T = max(T, math.ceil(2 * c["beta1"] / (1 - c["beta1"])) + 1)  # Défossez: N~ >= N/2
    c.update(T=float(T), t0=float(draw(st.integers(1, T))))
    if "rho" in th.symbols and "T" in th.symbols:  # the Adam mix: rho <= RHO_MAX
        c["rho"] *= min(1.0, b2 / (max(T - 1, 1) * (1 - b2))) * 0.999
    if th_id == "adagrad_nonconvex_defossez2022":
        c.update(beta1=0.0, beta2=1.0)
    if th_id.startswith("adam_avgrad_interpolation_nonconvex"):  # 0 < rho <= 1 (inf at 0)
        c["rho"] = 1e-3 + (1 - 1e-3) * c["rho"]
    return {n: c[n] for n in th.symbols}


def _mp_reference(th, c):
    f = sp.lambdify([SYMBOLS[n] for n in th.symbols], th.bound(),  # the closed form, as written
                    modules=[{"sqrt_sum": _mp_sqrt_sum}, "mpmath"])  # fmt: skip
    with mpmath.workdps(700):  # 1 + 1e-600 is still not 1
        return f(*(mpmath.mpf(c[n]) for n in th.symbols))


@pytest.mark.parametrize("th_id", sorted(THEOREMS))
def test_closed_forms_match_mpmath_over_600_decades(th_id):
    th = THEOREMS[th_id]

    @settings(max_examples=25, deadline=None)
    @given(c=_constants(th_id))
    def check(c):
        th.assumptions.check(**c)
        exact = _mp_reference(th, c)
        assume(exact > TINY)
        fast = float(th.numeric(**c))
        slow = float(th.bound(**c))
        for value in (fast, slow):
            if exact > HUGE:
                assert value == math.inf
            else:
                assert value == pytest.approx(float(exact), rel=ROUNDING_RTOL)

    check()
