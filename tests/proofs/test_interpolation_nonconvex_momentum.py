"""The proof of adam_avgrad_interpolation_nonconvex_momentum and its new lemmas: each checks,
all steps symbolic; broken variants do not check (a hypothesis dropped, a constant cut); no
hypothesis is left uncertified (MOM is lemma_momentum_mom, its LIPU lemma_momentum_lipu from
L-smoothness at two iterates, the update and alpha non-decreasing); MOM's core, LIPU, the
unrolled momentum and the lag decay hold numerically, and the certified SUM2, SUM3 and UN on
random and adversarial gradient sequences."""

from dataclasses import replace

import numpy as np
import pytest
import sympy as sp

from proofs import LE, Step, le
from proofs import adam_avgrad_interpolation_nonconvex_momentum as main
from proofs import lemma_momentum_al_mono as almono
from proofs import lemma_momentum_displacement as disp
from proofs import lemma_momentum_double_sum as dsum
from proofs import lemma_momentum_gu as gul
from proofs import lemma_momentum_lag_decay as lag
from proofs import lemma_momentum_lipu as lipu
from proofs import lemma_momentum_mom as mom
from proofs import lemma_momentum_power_weights as power
from proofs import lemma_momentum_proxy_mix as core
from proofs import lemma_momentum_sqrt_weights as weights
from proofs import lemma_momentum_triple_sum as triple
from proofs import lemma_momentum_un as unl
from proofs import lemma_momentum_unroll as unroll
from proofs._rules import termwise

MODULES = (main, core, dsum, weights, unl, power, triple, mom, gul, unroll, lag, lipu, disp,
           almono)  # fmt: skip


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.PROOF.id)
def test_checks_symbolically(module):
    report = module.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["interval"] == report.counts()["random"] == 0


def test_main_halved_bound_rejected():
    p = main.PROOF
    assert not replace(p, statement=le(p.statement.lhs, p.statement.rhs / 2, "claim")).check().ok


def test_main_has_no_uncertified_hypothesis():
    assert not [h for h in main.PROOF.hypotheses if "NOT CERTIFIED" in h.why]
    assert not hasattr(main, "MOM")
    assert "lemma_momentum_mom" in main.PROOF.lemmas
    assert "lemma_momentum_lipu" in mom.PROOF.lemmas
    assert not hasattr(mom, "LIPU")  # derived now, no longer stated
    for h in (mom.SMOOTH, mom.X_UPD, mom.AL_ALL, mom.BT_ALL):  # LIPU's ingredients, stated
        assert h in main.PROOF.hypotheses


def _without(proof, hypothesis):
    return replace(proof, hypotheses=tuple(h for h in proof.hypotheses if h is not hypothesis))


@pytest.mark.parametrize("name", ["M0", "W_LO", "M_UPD", "V_UPD", "E2_DEF"])
def test_un_needs_each_hypothesis(name):
    """m_0 = 0, w >= rho v, the two recurrences and q's name are each used."""
    assert not _without(unl.PROOF, getattr(unl, name)).check().ok


@pytest.mark.parametrize("module", [unl, power, triple], ids=lambda m: m.PROOF.id)
def test_new_lemmas_reject_a_smaller_constant(module):
    """UN's 1/((1 - beta1)(1 - q)) cannot lose the factor 1 - beta1; the t^(3/2) weights'
    proof reaches 3q/2 e^(-5/2), so the constant q e^(-5/2) is refused."""
    p = module.PROOF
    cut = p.statement.rhs * (unl.e1 if module is unl else sp.Rational(1, 4))
    assert not replace(p, statement=le(p.statement.lhs, cut, "claim")).check().ok


@pytest.mark.parametrize("q", [0.0, 0.3, 0.9, 0.99])
def test_power_weights_and_triple_sum_numerically(q):
    """sum_t q^t t^(3/2) <= 4q/(1-q)^(5/2) (and > q/(1-q)^(5/2)/4 near q = 1: the constant is
    not loose by more than 16), and the triple sum against random X >= 0 and X = 1."""
    t = np.arange(1, 40000)
    s = np.sum(q**t * t**1.5)
    assert s <= 4 * q / (1 - q) ** 2.5 * (1 + 1e-12)
    if q >= 0.9:
        assert s > q / (1 - q) ** 2.5 / 4
    rng = np.random.default_rng(int(q * 100))
    for X in (rng.exponential(size=60), np.ones(60), np.r_[np.zeros(59), 1.0]):
        T = len(X)
        lhs = sum(q**k * np.sqrt(k) * X[n - k - 1 : n - 1].sum()
                  for n in range(1, T + 1) for k in range(1, n))  # fmt: skip
        assert lhs <= 4 * q / (1 - q) ** 2.5 * X.sum() * (1 + 1e-12) + 1e-300


def test_core_needs_the_noise_bound():
    """S <= K R^2 (k + 1 noisy terms) is what costs sqrt(k + 1)."""
    p = core.PROOF
    hyps = tuple(h for h in p.hypotheses if h is not core.HS)
    assert not replace(p, hypotheses=hyps).check().ok


def test_core_in_conditional_expectation_by_monte_carlo():
    """E[Gg/a] >= G^2/(2b) - 2 sqrt(K) R E[g^2/a^2] for w linear in k + 1 squared gradients
    with weights c_j in [0, 1] (the lemma's use), on a random discrete distribution."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        K, R, n = int(rng.integers(1, 6)), 1.0, 4000
        gs = rng.choice([-R, -0.3 * R, 0.1 * R, R], size=(n, K), p=rng.dirichlet(np.ones(4)))
        cj = rng.uniform(0, 1, K)
        Q = 10 ** rng.uniform(-8, 1)
        a = np.sqrt(Q + gs**2 @ cj)
        S = (gs**2).mean(axis=0) @ cj  # E P, exactly for the empirical distribution
        b = np.sqrt(Q + S)
        G, g = gs[:, 0].mean(), gs[:, 0]
        lhs = np.mean(G * g / a)
        assert lhs >= G**2 / (2 * b) - 2 * np.sqrt(K) * R * np.mean(g**2 / a**2) - 1e-12


def _run(g, b1, b2, eps, rho_n):
    """Défossez et al.'s m, v and MADA's w_n; u_n, ||U_n||^2 (at eps/rho, times rho)."""
    T, _ = g.shape
    v = np.zeros_like(g[0])
    m, Sv, un, Un = np.zeros_like(v), np.zeros_like(v), np.zeros(T), np.zeros(T)
    for n in range(T):
        v = b2 * v + g[n] ** 2
        m = b1 * m + g[n]
        Sv = Sv + v
        w = rho_n[n] * v + (1 - rho_n[n]) * Sv / (n + 1)
        un[n] = np.sum(m**2 / (eps + w))
        Un[n] = np.sum(rho_n.min() * g[n] ** 2 / (eps + rho_n.min() * v))
    return un, Un


@pytest.mark.parametrize("seed", range(6))
def test_momentum_hypotheses_hold_on_random_sequences(seed):
    rng = np.random.default_rng(seed)
    T, d = 120, 3
    b2 = float(rng.choice([0.5, 0.9, 0.999]))
    b1 = float(rng.uniform(0, 0.99)) * b2
    eps, rho = 10 ** rng.uniform(-8, 0), float(rng.uniform(0.05, 1))
    g = rng.standard_normal((T, d)) * np.where(rng.random((T, d)) < 0.1, 30.0, 1.0)
    g[rng.integers(T // 2, T)] = 0.0  # a silent step, then spikes: the adversarial shape
    rho_n = rho + (1 - rho) * rng.random(T)  # a fixed schedule in [rho, 1]
    rho_n[0] = rho
    un, Un = _run(g, b1, b2, eps, rho_n)
    q = b1 / b2
    k = np.arange(T)
    P2 = np.array([np.sum(q ** k[: n + 1] * np.sqrt(k[: n + 1] + 1) * Un[n::-1]) for n in range(T)])
    cum = np.concatenate([[0.0], np.cumsum(un)])  # sum_{l=1}^k u_{n-l} = cum[n] - cum[n-k]
    P3 = np.array([sum(b1**kk * np.sqrt(kk) * (cum[n] - cum[n - kk]) for kk in range(1, n + 1))
                   for n in range(T)])  # fmt: skip
    rho_lo = rho_n.min()
    assert un.sum() <= Un.sum() / (rho_lo * (1 - b1) * (1 - q)) * (1 + 1e-12)  # UN
    assert P2.sum() <= 2 / (1 - q) ** 1.5 * Un.sum() * (1 + 1e-12)  # SUM2
    assert P3.sum() <= 4 * b1 / (1 - b1) ** 2.5 * un.sum() * (1 + 1e-12) + 1e-300  # SUM3


def test_sqrt_weights_constant_is_sharp_enough_and_not_below_truth():
    """The certified (1 - q)^(-3/2) holds numerically and a smaller constant 1/2 would not."""
    for q in (0.0, 0.5, 0.9, 0.99):
        k = np.arange(1, 20000)
        s = np.sum(q ** (k - 1) * np.sqrt(k))
        assert s <= (1 - q) ** -1.5
    assert np.sum(0.99 ** (k - 1) * np.sqrt(k)) > 0.5 * (1 - 0.99) ** -1.5
    p = weights.PROOF
    assert not replace(p, statement=le(p.statement.lhs, p.statement.rhs / 2, "claim")).check().ok


@pytest.mark.parametrize("index", range(len(main.MOM_HYPOTHESES)))
def test_main_needs_each_hypothesis_of_mom(index):
    assert not _without(main.PROOF, main.MOM_HYPOTHESES[index]).check().ok


@pytest.mark.parametrize(
    "name",
    ["SMOOTH", "X_UPD", "UN_DEF", "AL_ALL", "BT_ALL", "S_LE", "X_LE", "W_SPLIT", "B_DEF", "AL_DEF",
     "R1_DEF", "GS_DEF", "P3_DEF"],
)  # fmt: skip
def test_mom_needs_each_hypothesis(name):
    """The noise bound S <= (h+1)R^2, the proxy's size, the split of w_t, L-smoothness at two
    iterates, the update, alpha non-decreasing and the definitions are each used."""
    assert not _without(mom.PROOF, getattr(mom, name)).check().ok


@pytest.mark.parametrize("cut", ["3R -> 2R", "L^2 term halved", "left side doubled"])
def test_mom_rejects_a_smaller_constant(cut):
    """3 = 2 (proxy) + 1 (Young) is spent exactly; the Lipschitz weight cannot be halved."""
    p, st = mom.PROOF, mom.PROOF.statement
    lhs, rhs = st.lhs, st.rhs
    if cut == "3R -> 2R":
        rhs = rhs.subs(3 * mom.R, 2 * mom.R)
    elif cut == "L^2 term halved":
        rhs = rhs - mom.C3 / 2 * mom.al(mom.t) ** 3 * mom.E(mom.P3(mom.t))
    else:
        lhs = 2 * lhs
    assert (lhs, rhs) != (st.lhs, st.rhs)
    assert not replace(p, statement=le(lhs, rhs, "claim")).check().ok


@pytest.mark.parametrize("name", ["SMOOTH", "UN_DEF", "AL_ALL", "BT_ALL"])
def test_lipu_needs_each_hypothesis(name):
    assert not _without(lipu.PROOF, getattr(lipu, name)).check().ok


def test_al_mono_needs_the_definitions_and_is_not_reversed():
    """alpha_r^2 <= alpha_{r+q}^2 uses both definitions; neither the reverse nor a factor 2
    is certified."""
    for h in (almono.AL_ALL, almono.BT_ALL):
        assert not _without(almono.PROOF, h).check().ok
    st = almono.PROOF.statement
    for lhs, rhs in ((st.rhs, st.lhs), (2 * st.lhs, st.rhs)):
        assert not replace(almono.PROOF, statement=le(lhs, rhs, "claim")).check().ok


def test_lipu_needs_the_update():
    assert not _without(lipu.PROOF, disp.X_UPD).check().ok
    assert not _without(disp.PROOF, disp.X_UPD).check().ok


@pytest.mark.parametrize("factor", [sp.Rational(1, 2), (lipu.k - 1) / lipu.k])
def test_lipu_rejects_a_smaller_constant(factor):
    """Cauchy-Schwarz costs the factor k (not k/2, not k - 1), smoothness L^2 (not L^2/2)."""
    p, st = lipu.PROOF, lipu.PROOF.statement
    rhs = st.rhs * factor
    assert not replace(p, statement=le(st.lhs, rhs, "claim")).check().ok


def test_lipu_is_not_cited_before_the_first_iterate():
    """At p = t - k the lemma needs k <= t - 1: summed over k = 1..t it is refused (p = 0
    would name x_{-1})."""
    ok = {}
    for name, hi in (("bad", mom.t), ("good", mom.t - 1)):
        f = termwise(mom._LIPU, mom.k, 1, hi)
        step = Step(LE, f.rhs, "LIPU summed over k", by=[f])
        ok[name] = replace(mom.PROOF, statement=le(f.lhs, f.rhs, "claim"), steps=(step,)).check().ok
    assert ok == {"bad": False, "good": True}


def test_unroll_and_lag_decay_reject_weakened_variants():
    assert not _without(unroll.PROOF, unroll.M0).check().ok
    assert not _without(lag.PROOF, lag.RANGE).check().ok  # j <= t: the sum is not reversed
    assert not _without(lag.PROOF, lag.W_LO).check().ok
    st = lag.PROOF.statement  # beta2^(t-j-1) (one step less of decay) is refused
    stronger = le(st.lhs / mom.beta2, st.rhs, "claim")
    assert not replace(lag.PROOF, statement=stronger).check().ok


@pytest.mark.parametrize("seed", range(4))
def test_unroll_lag_decay_and_lipu_numerically(seed):
    """On F(x) = x^T A x/2 (||A|| = L) with noisy gradients, MADA's momentum run has
    m_t = sum_j beta1^(t-j) g_j, beta2^(t-j)(eps + rho v_j) <= eps + w_t, LIPU:
    ||G_t - G_{t-k}||^2 <= alpha_t^2 L^2 k sum_{l<=k} ||u_{t-l}||^2, and alpha_t grows."""
    rng = np.random.default_rng(seed)
    T, d, L = 60, 4, 2.0
    b2 = float(rng.choice([0.5, 0.9, 0.999]))
    b1, eps, rho = float(rng.uniform(0, 0.99)) * b2, 10 ** rng.uniform(-6, 0), 0.3
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = Q @ np.diag(L * rng.uniform(-1, 1, d)) @ Q.T
    A *= L / np.abs(np.linalg.eigvalsh(A)).max()
    x, m, v, Sv = rng.standard_normal(d), np.zeros(d), np.zeros(d), np.zeros(d)
    gs, vs, Gs, us, als = [], [], [], [], []
    for n in range(1, T + 1):
        G = A @ x
        g = G + rng.standard_normal(d) * np.where(rng.random(d) < 0.1, 10.0, 1.0)
        v, m = b2 * v + g**2, b1 * m + g
        Sv = Sv + v
        rho_n = rho + (1 - rho) * (n % 3) / 2  # a fixed schedule in [rho, 1]
        w = rho_n * v + (1 - rho_n) * Sv / n
        al = 0.05 * (1 - b1) * np.sqrt((1 - b2**n) / (1 - b2))
        u = m / np.sqrt(eps + w)
        x = x - al * u
        gs.append(g), vs.append(v.copy()), Gs.append(G), us.append(u), als.append(al)
        unrolled = sum(b1 ** (n - j) * gs[j - 1] for j in range(1, n + 1))
        assert np.allclose(m, unrolled, rtol=1e-9, atol=1e-9)
        for j in range(1, n + 1):
            assert np.all(b2 ** (n - j) * (eps + rho * vs[j - 1]) <= (eps + w) * (1 + 1e-12))
        for k in range(1, n):
            lhs = np.sum((G - Gs[n - 1 - k]) ** 2)
            rhs = al**2 * L**2 * k * sum(np.sum(us[n - 1 - lag_] ** 2) for lag_ in range(1, k + 1))
            assert lhs <= rhs * (1 + 1e-9) + 1e-300
    assert np.all(np.diff(als) >= 0)  # alpha_t = alpha (1 - beta1) sqrt(B_t) grows
