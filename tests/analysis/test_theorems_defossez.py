"""Défossez, Bottou, Bach & Usunier (TMLR 2022): printed forms, the beta1 = 0 reduction,
rates, assumptions and a tiny hand-built run.

The printed forms are written here again, independently of the modules (Theorems 1, 2, 4 as
quoted in D. Davis's STAT-4830 notes; N is T).
"""

import numpy as np
import pytest
import sympy as sp

from analysis.theorems import THEOREMS
from analysis.trace import Trace

T, d = sp.symbols("T d", positive=True, integer=True)
al, b1, b2, eps, R, L, Dl = sp.symbols("alpha beta1 beta2 eps R L Delta", positive=True)
NAMES = {s.name: s for s in (T, d, al, b1, b2, eps, R, L, Dl)}
LOGB = sp.log(1 + R**2 / ((1 - b2) * eps))

ADAGRAD_T1 = 2 * R * Dl / (al * sp.sqrt(T)) + (4 * d * R**2 + al * d * R * L) * sp.log(
    1 + T * R**2 / eps) / sp.sqrt(T)  # fmt: skip
ADAM_T2 = 2 * R * Dl / (al * T) + (4 * d * R**2 / sp.sqrt(1 - b2) + al * d * R * L / (1 - b2)) * (
    LOGB / T - sp.log(b2))  # fmt: skip
Nt = T - b1 / (1 - b1)
E4 = (al * d * R * L * (1 - b1) / ((1 - b1 / b2) * (1 - b2))
      + 12 * d * R**2 * sp.sqrt(1 - b1) / ((1 - b1 / b2) ** sp.Rational(3, 2) * sp.sqrt(1 - b2))
      + 2 * al**2 * d * L**2 * b1 / ((1 - b1 / b2) * (1 - b2) ** sp.Rational(3, 2)))  # fmt: skip
ADAM_T4 = 2 * R * Dl / (al * Nt) + E4 * (LOGB / Nt - T / Nt * sp.log(b2))


def _ours(expr):
    """``expr`` in this file's symbols (matched by name), log1p(x) written as log(1 + x)."""
    return expr.rewrite(sp.log).xreplace({s: NAMES[s.name] for s in expr.free_symbols})


def _point(rng):
    b2v = rng.uniform(0.5, 0.9999)
    return {T: int(rng.integers(20, 10**6)), d: int(rng.integers(1, 100)),
            al: 10 ** rng.uniform(-4, 0), b1: rng.uniform(0, 0.95) * b2v, b2: b2v,
            eps: 10 ** rng.uniform(-10, -4), R: rng.uniform(0.01, 10), L: rng.uniform(0, 10),
            Dl: rng.uniform(0, 10)}  # fmt: skip


@pytest.mark.parametrize(
    ("th_id", "printed"),
    [("adam_nonconvex_defossez2022", ADAM_T4), ("adagrad_nonconvex_defossez2022", ADAGRAD_T1)],
)
def test_printed_form_identity(th_id, printed):
    ours = _ours(THEOREMS[th_id].printed_form)
    assert sp.simplify(ours - printed) == 0
    rng = np.random.default_rng(3)
    for _ in range(5):
        p = _point(rng)
        ref = float(printed.xreplace(p).evalf(30))
        assert float(ours.xreplace(p).evalf(30)) == pytest.approx(ref, rel=1e-12)


def test_momentum_theorem_at_beta1_zero_is_theorem2_up_to_the_factor_3():
    """The paper: "Taking beta1 = 0 in those theorems gives us almost exactly the bound without
    heavy-ball momentum from Theorems 1 and 2, up to a factor 3 in the terms of the form dR^2"."""
    from analysis.theorems.adam_nonconvex_defossez2022 import THEOREM2

    at0 = ADAM_T4.subs(b1, 0)
    assert sp.simplify(at0.subs(12 * d * R**2, 4 * d * R**2) - ADAM_T2) == 0
    assert sp.simplify(_ours(THEOREM2) - ADAM_T2) == 0
    ours0 = THEOREMS["adam_nonconvex_defossez2022"].bound(beta1=0)
    extra = 8 * d * R**2 / sp.sqrt(1 - b2) * (LOGB / T - sp.log(b2))  # >= 0 for 0 < beta2 < 1
    assert sp.simplify(_ours(ours0) - ADAM_T2 - extra) == 0


def test_rates():
    adam, adagrad = (
        THEOREMS["adam_nonconvex_defossez2022"],
        THEOREMS["adagrad_nonconvex_defossez2022"],
    )
    assert adagrad.rate() == sp.log(T) / sp.sqrt(T)
    assert adam.rate() == 1  # fixed beta2: the noise floor -E ln(beta2)
    tuned = {"alpha": 1 / sp.sqrt(T), "beta2": 1 - 1 / T}  # the paper's finite-horizon choice
    assert sp.simplify(adam.rate(**tuned) - sp.log(T) / sp.sqrt(T)) == 0


@pytest.mark.parametrize(
    ("values", "needle"),
    [(dict(beta1=1.5), "beta1"), (dict(beta1=0.9, beta2=0.8), "beta1"), (dict(beta2=1), "beta2"),
     (dict(R=1e-5, eps=1e-8), "R"), (dict(T=9, beta1=0.9, beta2=0.99), "T"), (dict(L=-1), "L"),
     (dict(Delta=-1), "Delta"), (dict(eps=0), "eps")],
)  # fmt: skip
def test_adam_assumption_errors(values, needle):
    with pytest.raises(ValueError, match=f"^{needle}"):
        THEOREMS["adam_nonconvex_defossez2022"].bound(**values)


@pytest.mark.parametrize(
    ("values", "needle"), [(dict(beta1=0.5), "beta1"), (dict(beta2=0.999), "beta2")]
)
def test_adagrad_fixes_its_momentum_parameters(values, needle):
    th = THEOREMS["adagrad_nonconvex_defossez2022"]
    with pytest.raises(ValueError, match=f"^{needle}"):
        th.bound(**values)
    assert th.bound(beta1=0, beta2=1) == th.bound()


# ---- a tiny hand-built run -------------------------------------------------------------------


def defossez_run(x0, T, alpha, beta1, beta2, eps=1e-8):
    """Défossez et al.'s iteration, full batch (f_n = F), on F(x) = 1 - cos(x) in 1-D:
    L = 1, F_* = 0, |F'| <= 1. m_n = beta1 m_{n-1} + g, v_n = beta2 v_{n-1} + g^2,
    x_n = x_{n-1} - alpha_n m_n / sqrt(eps + v_n), alpha_n = alpha (1 - beta1) sqrt((1 -
    beta2^n)/(1 - beta2)) (Adagrad: beta2 = 1, alpha_n = alpha). Row n-1 holds x_{n-1}."""
    x, m, v, rows = x0, 0.0, 0.0, []
    for n in range(1, T + 1):
        g = np.sin(x)
        an = alpha * (1 - beta1) * (np.sqrt((1 - beta2**n) / (1 - beta2)) if beta2 < 1 else 1.0)
        m, v = beta1 * m + g, beta2 * v + g * g
        rows.append((x, g, v, an, 1 - np.cos(x)))
        x = x - an * m / np.sqrt(eps + v)
    xs, gs, vs, ans, fs = map(np.array, zip(*rows))
    return Trace(x=xs[:, None], grads=gs[:, None], v_hat=vs[:, None], alpha=ans,
                 beta1=np.full(T, beta1), losses=fs, full_grad_sq_norms=gs**2)  # fmt: skip


@pytest.mark.parametrize(("beta1", "beta2"), [(0.0, 0.99), (0.5, 0.9), (0.9, 0.999)])
def test_adam_stationarity_is_below_the_bound(beta1, beta2):
    th = THEOREMS["adam_nonconvex_defossez2022"]
    tr = defossez_run(2.0, 200, 0.1, beta1, beta2)
    consts = dict(L=1, Delta=1 - np.cos(2.0), eps=1e-8, beta2=beta2)
    w = 1 - beta1 ** (200 - np.arange(200))
    assert th.measured(tr) == pytest.approx(np.sum(w * np.sin(tr.x[:, 0]) ** 2) / np.sum(w))
    assert th.measured(tr) <= th.data_bound(tr, **consts)
    assert th.data_bound(tr, **consts) == pytest.approx(float(th.bound(
        T=200, d=1, alpha=0.1, beta1=beta1, beta2=beta2, eps=1e-8, L=1,
        Delta=1 - np.cos(2.0), R=max(tr.G_inf(), 1e-4)).evalf(30)))  # fmt: skip


def test_adagrad_stationarity_is_below_the_bound():
    th = THEOREMS["adagrad_nonconvex_defossez2022"]
    tr = defossez_run(-2.5, 300, 0.3, 0.0, 1.0)
    assert th.measured(tr) == pytest.approx(np.mean(np.sin(tr.x[:, 0]) ** 2))
    assert th.measured(tr) <= th.data_bound(tr, L=1, Delta=1 - np.cos(-2.5), eps=1e-8)
    with pytest.raises(ValueError, match="L"):
        th.data_bound(tr, Delta=1.0, eps=1e-8)
