"""The proof of adam_avgrad_interpolation_nonconvex_momentum and its new lemmas: each checks,
all steps symbolic; broken variants do not check; the momentum inequalities that are stated
as hypotheses (SUM3, UN; MOM's core is certified and checked by Monte Carlo) and the
certified SUM2 hold numerically on random and adversarial gradient sequences."""

from dataclasses import replace

import numpy as np
import pytest

from proofs import adam_avgrad_interpolation_nonconvex_momentum as main
from proofs import le
from proofs import lemma_momentum_double_sum as dsum
from proofs import lemma_momentum_proxy_mix as core
from proofs import lemma_momentum_sqrt_weights as weights

MODULES = (main, core, dsum, weights)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.PROOF.id)
def test_checks_symbolically(module):
    report = module.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["interval"] == report.counts()["random"] == 0


def test_main_halved_bound_rejected():
    p = main.PROOF
    assert not replace(p, statement=le(p.statement.lhs, p.statement.rhs / 2, "claim")).check().ok


def test_main_lists_the_uncertified_hypotheses():
    hyps = {h.why.split(":")[0] for h in main.PROOF.hypotheses}
    assert "NOT CERTIFIED" in hyps
    assert sum(h.why.startswith("NOT CERTIFIED") for h in main.PROOF.hypotheses) == 3


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
