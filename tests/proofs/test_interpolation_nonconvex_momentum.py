"""The proof of adam_avgrad_interpolation_nonconvex_momentum and its new lemmas: each checks,
all steps symbolic; broken variants do not check; the momentum inequality still stated as a
hypothesis (MOM; its core is certified and checked by Monte Carlo) and the certified SUM2,
SUM3 and UN hold numerically on random and adversarial gradient sequences."""

from dataclasses import replace

import numpy as np
import pytest
import sympy as sp

from proofs import adam_avgrad_interpolation_nonconvex_momentum as main
from proofs import le
from proofs import lemma_momentum_double_sum as dsum
from proofs import lemma_momentum_power_weights as power
from proofs import lemma_momentum_proxy_mix as core
from proofs import lemma_momentum_sqrt_weights as weights
from proofs import lemma_momentum_triple_sum as triple
from proofs import lemma_momentum_un as unl

MODULES = (main, core, dsum, weights, unl, power, triple)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.PROOF.id)
def test_checks_symbolically(module):
    report = module.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["interval"] == report.counts()["random"] == 0


def test_main_halved_bound_rejected():
    p = main.PROOF
    assert not replace(p, statement=le(p.statement.lhs, p.statement.rhs / 2, "claim")).check().ok


def test_main_lists_the_uncertified_hypotheses():
    uncertified = [h for h in main.PROOF.hypotheses if h.why.startswith("NOT CERTIFIED")]
    assert uncertified == [main.MOM]
    assert "MOM is not certified" in main.PROOF.notes


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
