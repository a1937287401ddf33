"""This package's own theorems on recorded runs: the sum evaluator, the run data, data_bound
against a direct NumPy computation, and measured <= data_bound <= bound on simulated runs.

The reference computations here are written independently of :mod:`analysis.sums`
(plain loops over t).
"""

import numpy as np
import pytest
import sympy as sp

from analysis import statements as st
from analysis import symbols as sy
from analysis.sums import evaluate, linear_scan, run_data
from analysis.theorems import THEOREMS
from analysis.theorems.avgrad_regret import GRAD_NORM_FORM
from analysis.trace import Trace

ONLINE = ["avgrad_regret", "avgrad_regret_constant_beta1", "amsgrad_avgrad_interpolation_regret",
          "adam_avgrad_interpolation_regret"]  # fmt: skip


def moments(G, beta2, beta1t):
    """v and m by a plain loop over t, from 0."""
    v, m, V, M = np.zeros(G.shape[1]), np.zeros(G.shape[1]), [], []
    for g, b1 in zip(G, beta1t):
        v = beta2 * v + (1 - beta2) * g * g
        m = b1 * m + (1 - b1) * g
        V.append(v)
        M.append(m)
    return np.array(V), np.array(M)


def W_of(kind, G, beta2, rho=0.0):
    V, _ = moments(G, beta2, np.zeros(len(G)))
    t = np.arange(1, len(G) + 1)[:, None]
    Sv = np.cumsum(V, axis=0)
    return {"avg": Sv, "max": rho * t * np.maximum.accumulate(V) + (1 - rho) * Sv,
            "adam": rho * t * V + (1 - rho) * Sv}[kind]  # fmt: skip


def direct_bound(th_id, G, beta2, beta1t, D, alpha, rho=0.0):
    """The printed bound of th_id, evaluated directly (0/0 := 0)."""
    _, M = moments(G, beta2, beta1t)
    b1 = max(beta1t)
    kind = {"amsgrad_avgrad_interpolation_regret": "max",
            "adam_avgrad_interpolation_regret": "adam"}.get(th_id, "avg")  # fmt: skip
    W = W_of(kind, G, beta2, rho)
    third = np.sum(np.where(W > 0, M**2 / np.sqrt(np.where(W > 0, W, 1)), 0.0))
    coef = alpha * (1 + b1) / (2 * (1 - b1))
    first = D**2 / (2 * alpha) * np.sum(np.sqrt(W[-1]))
    if th_id == "avgrad_regret_constant_beta1":
        return first + coef * third + b1 * D / (1 - b1) * np.sum(np.abs(M[-1]))
    momentum = D**2 / (alpha * (1 - b1)) * np.sum(np.asarray(beta1t)[:, None] * np.sqrt(W))
    return first + momentum + coef * third


def hand_trace(beta1t):
    """Three steps in d = 3; coordinate 0 has no gradient until t = 3 (0/0 terms)."""
    G = np.array([[0.0, 1.0, -2.0], [0.0, -0.5, 1.0], [3.0, 0.25, 0.0]])
    x = np.array([[0.0, 0.0, 0.0], [0.2, -0.4, 0.1], [0.5, -0.9, -0.3]])
    return Trace(x=x, grads=G, v_hat=np.zeros_like(G), alpha=0.5 / np.sqrt([1.0, 2.0, 3.0]),
                 beta1=beta1t, losses=np.sum(G * x, axis=1), comparator_losses=-np.abs(G).sum(1),
                 x_star=[-1.0, 1.0, 1.0])  # fmt: skip


# ---- evaluator and run data --------------------------------------------------------------------


def test_linear_scan_and_run_data_match_a_loop():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 1, (37, 4)), rng.normal(size=(37, 4))
    x, ref = np.zeros(4), []
    for k in range(37):
        x = a[k] * x + b[k]
        ref.append(x)
    assert np.allclose(linear_scan(a, b), ref, rtol=1e-13, atol=1e-14)
    G, b1t = rng.normal(size=(50, 3)), 0.9 * 0.95 ** np.arange(50)
    data = run_data(G, 0.99, b1t)
    V, M = moments(G, 0.99, b1t)
    assert np.allclose(data["v"], V, rtol=1e-12) and np.allclose(data["m"], M, rtol=1e-12)
    assert np.allclose(data["Sv"], np.cumsum(V, axis=0)) and np.array_equal(data["g"], G)
    assert np.allclose(data["vmax"], np.maximum.accumulate(V, axis=0))


def test_evaluator_on_small_expressions():
    data = run_data(np.array([[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]), 0.5, np.array([0.5, 0.2, 0.1]))
    t, i, T, d = sy.t, sy.i, 3, 2
    g, Sv, b1t, m = sy.g, sy.Sv, sy.beta1t, sy.m
    cases = [
        (sp.Sum(sp.Sum(g(t, i) ** 2, (i, 1, d)), (t, 1, T)), 14.0),
        (sp.Sum(sp.sqrt(sp.Sum(g(t, i) ** 2, (t, 1, T))), (i, 1, d)), np.sqrt(10) + 2),
        (sp.Sum(b1t(t), (t, 1, T)) + sp.Sum(7, (i, 1, d)), 0.8 + 14),
        (sp.Sum(g(T - 2, i), (i, 1, d)) * sp.log(2) + sp.Abs(-g(1, 2)), 3 * np.log(2) + 2),
        # the shape of the third term (every Sv > 0 here; 0/0 is tested below)
        (sp.Sum(sp.Sum(m(t, i) ** 2 / sp.sqrt(Sv(t, i)), (i, 1, d)), (t, 1, T)),
         sum(data["m"][k, j] ** 2 / np.sqrt(data["Sv"][k, j]) for k in range(3) for j in range(2))),
    ]  # fmt: skip
    for expr, want in cases:
        assert evaluate(expr, data) == pytest.approx(want, rel=1e-13)
    zero = run_data(np.zeros((2, 1)), 0.5, np.zeros(2))
    assert evaluate(sp.Sum(m(t, 1) ** 2 / sp.sqrt(Sv(t, 1)), (t, 1, 2)), zero) == 0.0
    assert evaluate(1 / sp.sqrt(Sv(1, 1)), zero) == np.inf  # a bare 1/0 stays infinite


@pytest.mark.parametrize(
    ("expr", "needle"),
    [(sp.Symbol("rho") * sy.g(1, 1), "free symbol rho"), (sp.Function("h")(1, 1), "no run data"),
     (sy.g(3, 1), "outside"), (sy.g(1), "takes 2 indices"),
     (sp.Sum(sy.g(sy.t, 1), (sy.t, 1, sp.Rational(3, 2))), "whole numbers")],
)  # fmt: skip
def test_evaluator_errors(expr, needle):
    with pytest.raises(ValueError, match=needle):
        evaluate(expr, run_data(np.ones((2, 2)), 0.5, np.zeros(2)))


# ---- data_bound on a hand-made trace -----------------------------------------------------------

SCHEDULES = {"geometric": [0.9, 0.45, 0.225], "constant": [0.6, 0.6, 0.6], "none": [0.0] * 3}


@pytest.mark.parametrize(
    ("th_id", "schedule"),  # the constant-beta1 theorem rejects a varying schedule (below)
    [(th, s) for th in ONLINE for s in sorted(SCHEDULES)
     if (th, s) != ("avgrad_regret_constant_beta1", "geometric")],
)  # fmt: skip
def test_data_bound_equals_a_direct_computation(th_id, schedule):
    b1t = SCHEDULES[schedule]
    tr = hand_trace(b1t)
    rho = {"amsgrad_avgrad_interpolation_regret": 0.3, "adam_avgrad_interpolation_regret": 0.4}
    extra = {"rho": rho[th_id]} if th_id in rho else {}
    got = THEOREMS[th_id].data_bound(tr, beta2=0.5, **extra)
    want = direct_bound(th_id, tr.grads, 0.5, b1t, D=tr.D_inf(), alpha=0.5, **extra)
    assert np.isfinite(got) and got == pytest.approx(want, rel=1e-12)
    assert THEOREMS[th_id].measured(tr) == pytest.approx(tr.regret)


def test_data_bound_errors():
    tr = hand_trace(SCHEDULES["geometric"])
    with pytest.raises(ValueError, match="beta2"):
        THEOREMS["avgrad_regret"].data_bound(tr)
    with pytest.raises(ValueError, match="rho"):
        THEOREMS["amsgrad_avgrad_interpolation_regret"].data_bound(tr, beta2=0.5)
    with pytest.raises(ValueError, match="constant beta_1t"):
        THEOREMS["avgrad_regret_constant_beta1"].data_bound(tr, beta2=0.5)
    with pytest.raises(ValueError, match=r"^beta1"):  # the witness theorem has beta1 = 0
        THEOREMS["interpolation_improvement"].data_bound(tr, beta2=0.5, rho=0.5)
    with pytest.raises(ValueError, match=r"^rho"):  # RHO_MAX(T = 3, beta2 = 0.5) = 1/2
        THEOREMS["adam_avgrad_interpolation_regret"].data_bound(tr, beta2=0.5, rho=0.6)
    with pytest.raises(ValueError, match=r"\['L', 'Delta', 'beta2'\]"):
        THEOREMS["avgrad_nonconvex"].data_bound(tr, eps=1e-8)
    tr0 = hand_trace(SCHEDULES["none"])
    assert THEOREMS["interpolation_improvement"].data_bound(tr0, beta2=0.5, rho=0.3) == (
        THEOREMS["amsgrad_avgrad_interpolation_regret"].data_bound(tr0, beta2=0.5, rho=0.3)
    )


def test_third_term_is_below_its_gradient_norm_form():
    """lemma_momentum_adagrad on data: third term <= THIRD_COEFFICIENT sum_i ||g_{1:T,i}||."""
    rng = np.random.default_rng(4)
    for rho, W, slack in [(0.0, st.W_avgrad, 1), (0.7, st.W_max_avg, 1),
                          (0.3, st.W_adam_avg, 1 / sp.sqrt(1 - sy.rho))]:  # fmt: skip
        G = rng.normal(size=(200, 3)) * rng.uniform(0, 2, (200, 1))
        vals = {sy.T: 200, sy.d: 3, sy.rho: rho, sy.beta1: 0.9, sy.beta2: 0.99,
                sy.alpha: 0.1}  # fmt: skip
        data = run_data(G, 0.99, 0.9 * 0.99 ** np.arange(200))
        third = evaluate(st.regret_terms(W)[2].xreplace(vals), data)
        bound = evaluate((st.THIRD_COEFFICIENT * slack * st.GRAD_NORMS).xreplace(vals), data)
        assert 0 < third <= bound
    tr = hand_trace(SCHEDULES["geometric"])
    vals = {sy.T: 3, sy.d: 3, sy.beta1: 0.9, sy.beta2: 0.5, sy.alpha: 0.5,
            sy.D_inf: tr.D_inf()}  # fmt: skip
    norm_form = evaluate(GRAD_NORM_FORM.xreplace(vals), run_data(tr.grads, 0.5, tr.beta1))
    assert THEOREMS["avgrad_regret"].data_bound(tr, beta2=0.5) <= norm_form


# ---- simulated runs: measured <= data_bound <= bound -------------------------------------------


def simulate(c, alpha, beta1t, beta2, memory, rho=0.0):
    """The regret theorems' algorithm on f_t(x) = <c_t, x> over [-1, 1]^d (the weighted
    projection onto a box is a clip), from x_1 = 0, alpha_t = alpha/sqrt(t)."""
    T, d = c.shape
    x, m, v, vmax, Sv, rows = np.zeros(d), np.zeros(d), np.zeros(d), np.zeros(d), np.zeros(d), []
    for t in range(1, T + 1):
        g, b1 = c[t - 1], beta1t[t - 1]
        m, v = b1 * m + (1 - b1) * g, beta2 * v + (1 - beta2) * g * g
        vmax, Sv = np.maximum(vmax, v), Sv + v
        long = rho * vmax if memory == "max" else rho * v
        vh = long + (1 - rho) * Sv / t
        rows.append(x)
        step = np.where(vh > 0, m / np.sqrt(np.where(vh > 0, vh, 1.0)), 0.0)
        x = np.clip(x - alpha / np.sqrt(t) * step, -1.0, 1.0)
    xs, x_star = np.array(rows), -np.sign(c.sum(axis=0))
    return Trace(x=xs, grads=c, v_hat=np.zeros_like(c), alpha=alpha / np.sqrt(np.arange(1, T + 1)),
                 beta1=beta1t, losses=np.sum(c * xs, 1), comparator_losses=c @ x_star,
                 x_star=x_star)  # fmt: skip


def reddi_losses(T=120, C=3.0):
    return np.where(np.arange(1, T + 1) % 3 == 1, C, -1.0)[:, None]


RUNS = [  # (th_id, memory, rho, alpha, beta1, lam (None: constant), beta2)
    ("avgrad_regret", "max", 0.0, 0.5, 0.9, 0.99, 0.99),
    ("avgrad_regret", "max", 0.0, 0.1, 0.5, 0.5, 0.5),
    ("avgrad_regret_constant_beta1", "max", 0.0, 0.5, 0.9, None, 0.99),
    ("avgrad_regret_constant_beta1", "max", 0.0, 0.05, 0.99, None, 0.3),  # gamma > 1
    ("amsgrad_avgrad_interpolation_regret", "max", 1.0, 0.5, 0.9, 0.9, 0.99),  # AMSGrad
    ("amsgrad_avgrad_interpolation_regret", "max", 0.4, 1.0, 0.0, 0.5, 0.9),
    ("adam_avgrad_interpolation_regret", "adam", 0.5, 0.5, 0.9, 0.99, 0.99),
]


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("losses", ["reddi", "random"])
def test_regret_below_data_bound_below_closed_bound(run, losses):
    th_id, memory, rho, alpha, beta1, lam, beta2 = run
    th = THEOREMS[th_id]
    c = reddi_losses() if losses == "reddi" else np.random.default_rng(5).normal(size=(150, 3))
    b1t = beta1 * (lam ** np.arange(len(c)) if lam is not None else np.ones(len(c)))
    tr = simulate(c, alpha, b1t, beta2, memory, rho)
    given = {"beta2": beta2, **({"rho": rho} if "rho" in th.assumptions.names else {})}
    data = th.data_bound(tr, **given)
    closed = th.bound(**{k: val for k, val in dict(
        T=tr.T, d=tr.d, D_inf=tr.D_inf(), G_inf=tr.G_inf(), alpha=alpha, beta1=beta1, lam=lam,
        **given).items() if k in th.symbols})  # fmt: skip
    assert th.measured(tr) <= data <= float(closed.evalf(30)) * (1 + 1e-12)


def test_nonconvex_run_is_below_the_bound():
    """Full-batch AVGrad on F(x) = sum_i (1 - cos x_i): L = 1, F_* = 0, |grad| <= 1."""
    T, alpha, beta2, eps, x = 300, 0.5, 0.9, 1e-8, np.array([2.0, -2.5])
    v, Sv, rows = np.zeros(2), np.zeros(2), []
    for _ in range(T):
        g = np.sin(x)
        v = beta2 * v + (1 - beta2) * g * g
        Sv = Sv + v
        rows.append((x, g))
        x = x - alpha * g / np.sqrt(eps + Sv)
    xs, gs = map(np.array, zip(*rows))
    tr = Trace(x=xs, grads=gs, v_hat=np.zeros_like(xs), alpha=alpha / np.sqrt(np.arange(1, T + 1)),
               beta1=np.zeros(T), losses=np.sum(1 - np.cos(xs), 1),
               full_grad_sq_norms=np.sum(gs**2, 1))  # fmt: skip
    th = THEOREMS["avgrad_nonconvex"]
    consts = dict(L=1, Delta=float(np.sum(1 - np.cos([2.0, -2.5]))), eps=eps, beta2=beta2)
    assert th.measured(tr) == pytest.approx(np.mean(np.sum(gs**2, 1)))
    assert th.measured(tr) <= th.data_bound(tr, **consts)
    closed = th.bound(T=T, d=2, R=tr.G_inf(), alpha=alpha, **consts)
    assert th.data_bound(tr, **consts) == pytest.approx(float(closed.evalf(30)), rel=1e-12)
