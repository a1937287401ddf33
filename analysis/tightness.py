r"""How tight the bounds of :data:`analysis.THEOREMS` are on simulated runs, at scale.

Online (regret) theorems: every online problem of :mod:`analysis.problems` (convex losses on a
box, bounded gradients: the setting of every regret theorem) is run by
:func:`analysis.simulate.run` with the theorem's ``algorithm`` and random constants inside its
assumptions (:func:`sample_constants`), on :math:`B` instances at once that differ in their
starting point (uniform in the box) and, for the stochastic problems, their seeds. Per
instance, :func:`check_online` records the regret, the closed form ``Theorem.numeric`` at the
observed :math:`D_\infty`, :math:`G_\infty` (and, for Tran & Phong, the run's :math:`t_0`) and,
on every ``data_every``-th instance, ``Theorem.data_bound`` (a sympy evaluation, some ms each).

Stochastic nonconvex theorems bound an *expectation*: :func:`check_nonconvex` runs their
algorithms (which :func:`~analysis.simulate.run` does not express: Défossez et al.'s unnormalised
moments and step :math:`\alpha_n`, AVGrad's :math:`\epsilon/t`) on :math:`B` seeds, unprojected,
and compares the seed mean of the stationarity measure with the mean bound (valid only while the
iterates stay in the box the constants hold on; runs that leave it are reported, not used).

:func:`tightest` returns the largest ratio measured/bound per theorem.

Example:
    >>> r = tightest(calls=1, B=2, T=20, seed=0, data_every=2, nonconvex_calls=1)
    >>> all(v["violations"] == 0 for k, v in r.items() if k != "amsgrad_regret_reddi2018")
    True
"""

from __future__ import annotations

import numpy as np

from .problems import (
    NoisyRosenbrock,
    OnlineLinear,
    OnlineLogistic,
    RandomQuadratics,
    SigmoidRegression,
    reddi3,
    reddi3_stochastic,
    reddi1010,
)
from .simulate import run
from .trace import Trace

PUBLISHED_AMSGRAD = ("amsgrad_regret_reddi2018", "amsgrad_regret_reddi2018_cor1",
                     "amsgrad_regret_corrected_tran2019")  # fmt: skip
RTOL, ATOL = 1e-9, 1e-9


def _theorems():
    from .theorems import THEOREMS

    return THEOREMS


def online_ids():
    return tuple(k for k, t in _theorems().items() if t.setting == "online-convex")


def nonconvex_ids():
    return tuple(k for k, t in _theorems().items() if t.setting == "stochastic-nonconvex")


def online_problem(name, B, rng):
    """One of the suite's online problems with random data and a random x0 per instance."""
    seed = int(rng.integers(2**31))
    if name == "linear":
        d, r = int(rng.integers(1, 5)), float(rng.uniform(0.5, 2.0))
        p = OnlineLinear(rng.normal(size=(B, 400, d)) * rng.uniform(0.1, 5.0, d), r)
    elif name == "reddi3":
        p = reddi3(C=float(rng.uniform(2.0, 10.0)), B=B)
    elif name == "reddi3_stochastic":
        C = float(rng.uniform(2.0, 10.0))
        p = reddi3_stochastic(C=C, delta=float(rng.uniform(0.0, C)), B=B, seed=seed)
    elif name == "reddi1010":
        p = reddi1010(B=B)
    elif name == "quadratics":
        p = RandomQuadratics(B=B, d=int(rng.integers(1, 5)), radius=float(rng.uniform(0.5, 2)),
                             c_max=float(rng.uniform(0.1, 3.0)), seed=seed)  # fmt: skip
    elif name == "logistic":
        A = rng.normal(size=(30, 3))
        p = OnlineLogistic(A, np.sign(A @ rng.normal(size=3) + 0.3 * rng.normal(size=30)),
                           float(rng.uniform(0.5, 2.0)), B=B)  # fmt: skip
    else:
        raise ValueError(f"unknown online problem {name!r}")
    p.x0 = rng.uniform(p.lo, p.hi, (B, p.d))
    return p


ONLINE_PROBLEMS = ("linear", "reddi3", "reddi3_stochastic", "reddi1010", "quadratics",
                   "logistic")  # fmt: skip


def sample_constants(th_id, T, rng):
    """alpha, beta1, beta2, lam (and rho where the theorem has one) inside its assumptions."""
    beta2 = float(rng.choice([rng.uniform(0.01, 0.999), 1 - 10 ** rng.uniform(-4, -1)]))
    c = {"alpha": float(10 ** rng.uniform(-2, 1)), "beta2": beta2,
         "lam": float(rng.uniform(0.01, 0.999))}  # fmt: skip
    if th_id in PUBLISHED_AMSGRAD:  # gamma = beta1 / sqrt(beta2) < 1
        c["beta1"] = float(rng.uniform(0.0, 0.999) * min(np.sqrt(beta2), 0.999))
    else:
        c["beta1"] = float(rng.choice([0.0, rng.uniform(0.0, 0.999)]))
    if th_id == "amsgrad_avgrad_interpolation_regret":
        c["rho"] = float(rng.choice([0.0, 1.0, rng.uniform()]))
    elif th_id == "adam_avgrad_interpolation_regret":  # rho <= beta2 / ((T-1)(1-beta2)), < 1
        top = min(beta2 / (max(T - 1, 1) * (1 - beta2)) * (1 - 1e-12), 0.999)
        c["rho"] = float(rng.choice([top, rng.uniform(0.0, top)]))
    return c


def check_online(th_id, problem, consts, T, data_every=1):
    """Per instance: measured regret, closed-form bound, data bound (NaN where skipped)."""
    from .theorems._online import lemma43_t0

    th = _theorems()[th_id]
    bt = run(problem, {**th.algorithm, **consts}, T)
    B = bt.B
    traces = [bt.trace(b) for b in range(B)]
    measured = np.array([th.measured(tr) for tr in traces])
    d_inf = np.max(np.abs(bt.x - bt.x_star[:, None]), axis=(1, 2))
    values = {"T": T, "d": problem.d, "D_inf": d_inf,
              "G_inf": np.max(np.abs(bt.grads), axis=(1, 2)), **consts}  # fmt: skip
    if "t0" in th.symbols:
        values["t0"] = np.array([lemma43_t0(tr) for tr in traces], dtype=np.float64)
    bound = th.numeric(**{n: values[n] for n in th.symbols})
    given = {k: v for k, v in consts.items() if k in ("beta2", "lam", "rho")
             and k in th.assumptions.names}  # fmt: skip
    data = np.full(B, np.nan)
    for b in range(0, B, data_every):
        data[b] = th.data_bound(traces[b], **given)
    return measured, bound, data


def _nonconvex_run(th_id, p, c, T):
    """The theorem's algorithm, unprojected, on p's B instances: (stationarity per instance
    via Theorem.measured, mask of the instances that stayed in the box)."""
    th = _theorems()[th_id]
    x = p.x0.copy()
    m, v, Sv = (np.zeros_like(x) for _ in range(3))
    b1, b2, a, eps = c["beta1"], c["beta2"], c["alpha"], c["eps"]
    xs, gs, fg, steps = [], [], [], []
    for n in range(1, T + 1):
        g = p.grad(n, x)
        xs.append(x), gs.append(g), fg.append(np.sum(p.full_grad(x) ** 2, axis=1))
        if th_id == "avgrad_nonconvex":
            v = b2 * v + (1 - b2) * g * g
            Sv += v
            an, step = a / np.sqrt(n), g / np.sqrt(eps / n + Sv / n)
        else:  # Défossez et al.: m_n = b1 m + g, v_n = b2 v + g^2 (Adagrad: b1 = 0, b2 = 1)
            m, v = b1 * m + g, b2 * v + g * g
            an = a * (1 - b1) * (np.sqrt((1 - b2**n) / (1 - b2)) if b2 < 1 else 1.0)
            step = m / np.sqrt(eps + v)
        steps.append(an)
        x = x - an * step
    X = np.stack(xs, 1)
    inside = np.all((X >= p.lo) & (X <= p.hi), axis=(1, 2)) & np.all(np.isfinite(X), (1, 2))
    G, FG, alphas = np.stack(gs, 1), np.stack(fg, 1), np.array(steps)
    meas = np.array([th.measured(Trace(x=X[b], grads=G[b], v_hat=np.zeros_like(G[b]),
                     alpha=alphas, beta1=np.full(T, b1), losses=np.zeros(T),
                     full_grad_sq_norms=FG[b])) for b in range(p.B)])  # fmt: skip
    return meas, inside


def check_nonconvex(th_id, problem, consts, T):
    """(mean stationarity over the seeds that stayed in the box, mean bound, number kept)."""
    th = _theorems()[th_id]
    meas, inside = _nonconvex_run(th_id, problem, consts, T)
    R = max(problem.G_inf, np.sqrt(consts["eps"]))
    delta = problem.full_loss(problem.x0) - problem.f_star
    vals = {"T": T, "d": problem.d, "R": R, "L": problem.L, "Delta": delta, **consts}
    bound = th.numeric(**{k: vals[k] for k in th.symbols})
    if not inside.any():
        return np.nan, np.nan, 0
    return float(meas[inside].mean()), float(bound[inside].mean()), int(inside.sum())


def nonconvex_setup(th_id, rng, B):
    """A nonconvex problem (B seeds) and constants inside the theorem's assumptions."""
    seed = int(rng.integers(2**31))
    if rng.uniform() < 0.5:
        p = NoisyRosenbrock(B=B, d=2, sigma=float(rng.uniform(0, 2)), radius=2.0, seed=seed)
        alpha = float(10 ** rng.uniform(-4, -2.5))
    else:
        p = SigmoidRegression(B=B, d=3, n=50, radius=3.0, seed=seed)
        alpha = float(10 ** rng.uniform(-2, -0.5))
    c = {"alpha": alpha, "eps": 1e-8, "beta1": 0.0, "beta2": float(rng.uniform(0.5, 0.999))}
    if th_id == "adam_nonconvex_defossez2022":
        c["beta1"] = float(rng.uniform(0, 0.9) * c["beta2"])
    elif th_id == "adagrad_nonconvex_defossez2022":
        c["beta2"] = 1.0
    return p, c


def tightest(calls=4, B=64, T=(20, 200), seed=0, data_every=1, nonconvex_calls=4):
    """Largest measured/bound (and measured/data_bound) per theorem over random runs.

    Online: ``calls`` simulate calls per (theorem, problem), ``B`` instances each, horizon
    uniform in ``T`` (or fixed). Nonconvex: ``nonconvex_calls`` configurations of ``B`` seeds,
    ratio of the seed means. Each entry: ratio, data_ratio, n (instances or seeds),
    violations (measured above a bound), worst (where the ratio was reached).
    """
    rng = np.random.default_rng(seed)
    out = {}
    for th_id in online_ids():
        e = {"ratio": -np.inf, "data_ratio": -np.inf, "n": 0, "violations": 0, "worst": None}
        for name in ONLINE_PROBLEMS:
            for _ in range(calls):
                t_max = int(rng.integers(T[0], T[1] + 1)) if np.ndim(T) else int(T)
                consts = sample_constants(th_id, t_max, rng)
                meas, bnd, data = check_online(th_id, online_problem(name, B, rng), consts,
                                               t_max, data_every)  # fmt: skip
                tol = RTOL * np.abs(bnd) + ATOL
                e["violations"] += int(np.sum(meas > bnd + tol))
                e["violations"] += int(np.nansum(meas > data + RTOL * np.abs(data) + ATOL))
                e["n"] += len(meas)
                k = int(np.argmax(meas / bnd))
                if meas[k] / bnd[k] > e["ratio"]:
                    e["ratio"], e["worst"] = float(meas[k] / bnd[k]), (name, t_max, consts)
                seen = ~np.isnan(data)
                e["data_ratio"] = max(e["data_ratio"], float(np.max(meas[seen] / data[seen])))
        out[th_id] = e
    for th_id in nonconvex_ids():
        e = {"ratio": -np.inf, "n": 0, "violations": 0, "left_box": 0, "worst": None}
        for _ in range(nonconvex_calls):
            p, consts = nonconvex_setup(th_id, rng, B)
            mean_meas, mean_bound, kept = check_nonconvex(th_id, p, consts, int(np.max(T)))
            e["n"] += kept
            e["left_box"] += p.B - kept
            if kept:
                e["violations"] += int(mean_meas > mean_bound * (1 + RTOL))
                if mean_meas / mean_bound > e["ratio"]:
                    e["ratio"], e["worst"] = mean_meas / mean_bound, (p.name, consts)
        out[th_id] = e
    return out
