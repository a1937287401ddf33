"""The AMSGrad regret bounds: printed forms, Corollary 1 vs Theorem 4, Tran & Phong, traces.

The printed forms are written here again, independently of the modules, from the sources:
Reddi et al.'s Theorem 4 as quoted in Phuong & Phong (IEEE Access 2019, Theorem A), their
Corollary 1 (ICLR 2018 text; first term as the camera-ready Theorem 4), and Tran & Phong's
Theorem 4.1 (arXiv:1904.03590v4).
"""

import numpy as np
import pytest
import sympy as sp

from analysis.theorems import THEOREMS, lemma43_t0
from analysis.trace import Trace

T, d, t0 = sp.symbols("T d t0", positive=True, integer=True)
D, G, al, b1, b2, lam = sp.symbols("D_inf G_inf alpha beta1 beta2 lam", positive=True)
Sv, Sg, Sm = sp.symbols("S_vhat S_g S_mom", nonnegative=True)
gam = b1 / sp.sqrt(b2)
_t = sp.Symbol("t")
SQRT_SUM_T0 = sp.Sum(sp.sqrt(_t), (_t, 1, t0))
THIRD = al * sp.sqrt(1 + sp.log(T)) / ((1 - b1) ** 2 * (1 - gam) * sp.sqrt(1 - b2)) * Sg

PRINTED = {
    "amsgrad_regret_reddi2018":
        D**2 * sp.sqrt(T) / (al * (1 - b1)) * Sv + D**2 / (2 * (1 - b1)) * Sm + THIRD,
    "amsgrad_regret_reddi2018_cor1":
        D**2 * sp.sqrt(T) / (al * (1 - b1)) * Sv
        + b1 * D**2 * G / (2 * (1 - b1) * (1 - lam) ** 2) + THIRD,
    "amsgrad_regret_corrected_tran2019":
        d * D**2 * G / (2 * al * (1 - b1)) * (SQRT_SUM_T0 + sp.sqrt(T))
        + d * D**2 * G / (2 * al * (1 - b1) * (1 - lam) ** 2) + THIRD,
}  # fmt: skip
NAMES = {s.name: s for s in (T, d, t0, D, G, al, b1, b2, lam, Sv, Sg, Sm)}


def _ours(th_id):
    """The module's printed form in this file's symbols (matched by name)."""
    expr = THEOREMS[th_id].printed_form
    return expr.xreplace({s: NAMES[s.name] for s in expr.free_symbols})


def _point(rng):
    b2v = rng.uniform(0.05, 0.999)
    return {T: int(rng.integers(1, 500)), d: int(rng.integers(1, 50)), t0: int(rng.integers(1, 30)),
            D: rng.uniform(0.1, 5), G: rng.uniform(0.1, 5), al: 10 ** rng.uniform(-3, 1),
            b1: rng.uniform(0, 0.99) * np.sqrt(b2v), b2: b2v, lam: rng.uniform(0, 0.99),
            Sv: rng.uniform(0, 5), Sg: rng.uniform(0, 50), Sm: rng.uniform(0, 50)}  # fmt: skip


@pytest.mark.parametrize("th_id", sorted(PRINTED))
def test_printed_form_identity(th_id):
    ours = _ours(th_id).replace(
        lambda f: f.func.__name__ == "sqrt_sum",
        lambda f: sp.Sum(sp.sqrt(_t), (_t, 1, f.args[0])),
    )
    assert sp.simplify(ours - PRINTED[th_id]) == 0
    rng = np.random.default_rng(7)
    for _ in range(5):
        p = _point(rng)
        a, b = (float(e.xreplace(p).doit().evalf(30)) for e in (_ours(th_id), PRINTED[th_id]))
        assert a == pytest.approx(b, rel=1e-12)


def test_corollary1_from_theorem4_lacks_the_factor_d_over_alpha():
    """Theorem 4's middle term with beta_1t = beta1 lam^(t-1), alpha_t = alpha/sqrt(t) and
    vhat^(1/2) <= G, bounded as the paper does (sum_t lam^(t-1) sqrt(t) <= 1/(1-lam)^2),
    is d/alpha times Corollary 1's printed middle term."""
    t = sp.Symbol("t", positive=True, integer=True)
    middle4 = (
        D**2 / (2 * (1 - b1)) * d * G * b1 / al * sp.Sum(lam ** (t - 1) * sp.sqrt(t), (t, 1, T))
    )
    derived = middle4.replace(lambda e: isinstance(e, sp.Sum), lambda e: 1 / (1 - lam) ** 2)
    printed = PRINTED["amsgrad_regret_reddi2018_cor1"] - PRINTED["amsgrad_regret_reddi2018"].subs(
        Sm, 0
    )
    assert sp.simplify(derived / printed - d / al) == 0
    assert sp.simplify((derived - printed).subs({d: 1, al: 1})) == 0  # agree only at d = alpha = 1
    # Tran & Phong's corrected momentum term is exactly the derived one (factor d/alpha kept)
    tran = d * D**2 * G / (2 * al * (1 - b1) * (1 - lam) ** 2)
    assert sp.simplify(tran - derived / b1) == 0  # theirs bounds beta1 by 1 as well


@pytest.mark.parametrize("lam_v", [0.0, 0.3, 0.9, 0.99])
def test_the_geometric_sum_bound_used_by_corollary1(lam_v):
    t = np.arange(1, 20001)
    assert np.sum(lam_v ** (t - 1) * np.sqrt(t)) <= 1 / (1 - lam_v) ** 2


def test_theorem4_and_corollary1_agree_without_momentum():
    th4, c1 = THEOREMS["amsgrad_regret_reddi2018"], THEOREMS["amsgrad_regret_reddi2018_cor1"]
    assert sp.simplify(th4.bound(beta1=0) - c1.bound(beta1=0)) == 0
    assert sp.simplify(th4.printed(beta1=0, S_mom=0) - c1.printed(beta1=0, lam=0.5)) == 0


# ---- a tiny hand-built run -------------------------------------------------------------------


def amsgrad_linear(c, alpha, beta1, beta2, lam=1.0):
    """1-D AMSGrad (Reddi et al., Algorithm 2: no bias correction, v_0 = vhat_0 = 0) on
    f_t(x) = c_t x over F = [-1, 1], from x_1 = 0, with alpha_t = alpha/sqrt(t),
    beta_1t = beta1 lam^(t-1). In 1-D the weighted projection is a clip."""
    c = np.asarray(c, dtype=np.float64)
    x, m, v, vh = 0.0, 0.0, 0.0, 0.0
    rows = []
    for t in range(1, len(c) + 1):
        g, b1t, at = c[t - 1], beta1 * lam ** (t - 1), alpha / np.sqrt(t)
        m = b1t * m + (1 - b1t) * g
        v = beta2 * v + (1 - beta2) * g * g
        vh = max(vh, v)
        rows.append((x, vh, at, b1t))
        x = float(np.clip(x - at * m / np.sqrt(vh), -1.0, 1.0))
    xs, vhs, als, b1s = map(np.array, zip(*rows))
    x_star = -1.0 if c.sum() > 0 else 1.0  # linear losses: the best point is a corner
    return Trace(x=xs[:, None], grads=c[:, None], v_hat=vhs[:, None], alpha=als, beta1=b1s,
                 losses=c * xs, comparator_losses=c * x_star, x_star=[x_star])  # fmt: skip


def reddi_losses(T=120, C=3.0):
    """Reddi et al.'s counterexample: f_t(x) = C x if t mod 3 = 1, else -x."""
    return np.where(np.arange(1, T + 1) % 3 == 1, C, -1.0)


RUNS = [  # (alpha, beta1, beta2, lam)
    (0.5, 0.9, 0.99, 0.99), (0.1, 0.5, 0.5, 0.5), (1.0, 0.0, 0.1, 0.9), (0.05, 0.8, 0.9, 0.999),
]  # fmt: skip


@pytest.mark.parametrize("th_id", sorted(PRINTED))
@pytest.mark.parametrize("run", RUNS)
def test_regret_is_below_the_data_dependent_bound(th_id, run):
    alpha, beta1, beta2, lam = run
    th = THEOREMS[th_id]
    geometric = th.algorithm["momentum_schedule"] == "geometric"
    tr = amsgrad_linear(reddi_losses(), alpha, beta1, beta2, lam if geometric else 1.0)
    by_hand = float(np.sum(reddi_losses() * (tr.x[:, 0] + 1.0)))  # x* = -1
    assert th.measured(tr) == pytest.approx(by_hand) == pytest.approx(tr.regret)
    consts = {"beta2": beta2, "lam": lam} if geometric else {"beta2": beta2}
    assert th.measured(tr) <= th.data_bound(tr, **consts)
    # the data-dependent form never exceeds the closed form at the same constants
    closed = th.bound(T=tr.T, d=1, D_inf=tr.D_inf(), G_inf=tr.G_inf(), alpha=alpha, beta1=beta1,
                      beta2=beta2, **({"lam": lam} if geometric else {}),
                      **({"t0": lemma43_t0(tr)} if "t0" in th.symbols else {}))  # fmt: skip
    assert th.data_bound(tr, **consts) <= float(closed.evalf(30)) * (1 + 1e-12)


def test_lemma43_t0_on_a_run():
    tr = amsgrad_linear(reddi_losses(60), 0.5, 0.9, 0.99, lam=0.5)
    t0v = lemma43_t0(tr)
    t = np.arange(1, tr.T + 1)
    side = np.sqrt(t * tr.v_hat[:, 0]) / (1 - tr.beta1)
    assert np.all(np.diff(side[t0v - 1 :]) >= -1e-12)
    assert t0v == 1 or side[t0v - 2] > side[t0v - 1]


def test_data_bound_needs_beta2_and_reports_missing_constants():
    tr = amsgrad_linear(reddi_losses(9), 0.5, 0.0, 0.5)
    with pytest.raises(ValueError, match="beta2"):
        THEOREMS["amsgrad_regret_reddi2018"].data_bound(tr)
    with pytest.raises(ValueError, match="lam"):  # beta1 = 0: lam cannot be read off the run
        THEOREMS["amsgrad_regret_corrected_tran2019"].data_bound(tr, beta2=0.5)
    # ... and Corollary 1 does not need it then: its lam-term is multiplied by beta1 = 0
    assert THEOREMS["amsgrad_regret_reddi2018_cor1"].data_bound(tr, beta2=0.5) > 0
