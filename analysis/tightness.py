r"""How tight the bounds of :data:`analysis.THEOREMS` are on simulated runs, at scale.

Online (regret) theorems: every online problem of :mod:`analysis.problems` (convex losses on a
box, bounded gradients: the setting of every regret theorem), and losses alternating in blocks
(:func:`block_costs`, the step-size term's witness), is run by
:func:`analysis.simulate.run` with the theorem's ``algorithm`` and random constants inside its
assumptions (:func:`sample_constants`), on :math:`B` instances at once that differ in their
starting point (uniform in the box) and, for the stochastic problems, their seeds. Per
instance, :func:`check_online` records the regret, the closed form ``Theorem.numeric`` at the
observed :math:`D_\infty`, :math:`G_\infty` (and, for Tran & Phong, the run's :math:`t_0`) and
``Theorem.data_bound``, on every instance (batched:
:func:`analysis.theorems.data_bounds`). For ``coefficient_path_regret`` the adversary
also picks the coefficient path inside the theorem's box (:mod:`analysis._path_adversary`):
the calls cycle through random, bang-bang (the box's corners), the hypergradient sign rule
and a greedy hill climb (:data:`PATH_ROUNDS` rounds), with a random box split and
interpolation, from a stream of their own (the other theorems' samples do not move).

Stochastic nonconvex theorems bound an *expectation*: :func:`check_nonconvex` runs their
iterations (:func:`~analysis.simulate.run` with the theorem's ``algorithm``: Défossez et al.'s
unnormalised moments and step :math:`\alpha_n`, AVGrad's :math:`\epsilon/t`; unprojected, as
the theorems' iterations are) on :math:`B` seeds of noisy Rosenbrock, a sigmoid regression and
a small MLP on the digits (:data:`NONCONVEX_PROBLEMS`), and compares the seed mean of the
stationarity measure with the mean bound at the problem's constants. Those hold on the box
only: a configuration in which some seed left it is not checked, and is counted
(``left_box`` seeds, ``excluded`` configurations).

:func:`tightest` returns the largest ratio measured/bound per theorem.

Example:
    >>> r = tightest(calls=1, B=2, T=20, seed=0, nonconvex_calls=1)
    >>> all(v["violations"] == 0 for k, v in r.items() if k != "amsgrad_regret_reddi2018")
    True
"""

from __future__ import annotations

import numpy as np

from ._path_adversary import KINDS, PATH_THEOREMS, adversary_call
from .problems import (
    DigitsMLP,
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

PUBLISHED_AMSGRAD = ("amsgrad_regret_reddi2018", "amsgrad_regret_reddi2018_cor1",
                     "amsgrad_regret_corrected_tran2019")  # fmt: skip
RTOL, ATOL = 1e-9, 1e-9
PATH_ROUNDS = 3  # hill-climbing rounds of a greedy coefficient-path call


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
    elif name == "alternating":  # +-c in blocks of L steps: the step-size term's witness
        d, L = int(rng.integers(1, 4)), int(rng.choice([1, 1, 2, 5, 20]))
        costs = block_costs(400, d, L) * rng.uniform(0.1, 5.0, d)
        p = OnlineLinear(np.broadcast_to(costs, (B, 400, d)), 1.0)
    elif name == "logistic":
        A = rng.normal(size=(30, 3))
        p = OnlineLogistic(A, np.sign(A @ rng.normal(size=3) + 0.3 * rng.normal(size=30)),
                           float(rng.uniform(0.5, 2.0)), B=B)  # fmt: skip
    else:
        raise ValueError(f"unknown online problem {name!r}")
    p.x0 = rng.uniform(p.lo, p.hi, (B, p.d))
    return p


ONLINE_PROBLEMS = ("linear", "reddi3", "reddi3_stochastic", "reddi1010", "quadratics",
                   "logistic", "alternating")  # fmt: skip


def sample_constants(th_id, T, rng):
    """alpha, beta1, beta2, lam (and rho where the theorem has one) inside its assumptions;
    alpha log-uniform in [1e-3, 1e3], beta2 one of uniform in [0.01, 0.999], 1 - 10^U(-6, -1)
    and 10^U(-6, -2)."""
    beta2 = float(rng.choice([rng.uniform(0.01, 0.999), 1 - 10 ** rng.uniform(-6, -1),
                              10 ** rng.uniform(-6, -2)]))  # fmt: skip
    c = {"alpha": float(10 ** rng.uniform(-3, 3)), "beta2": beta2,
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


def block_costs(T, d, L):
    """(T, d) costs +1 on blocks of L steps, then -1 on the next L, ... (L = 1: alternating)."""
    sign = np.where((np.arange(T) // L) % 2 == 0, 1.0, -1.0)
    return np.repeat(sign[:, None], d, axis=1)


BLOCKS = (1, 2, 5, 10, 20, 50, 200)


def witness(th_id, consts, T, blocks=BLOCKS, d=1):
    r"""Lower-bound witness of an online theorem at fixed constants: the largest regret /
    closed bound over the block-alternating losses :func:`block_costs` (block lengths
    ``blocks``) on :math:`[-1, 1]^d`, from :math:`x_1 = 0` and from the corner
    :math:`x_1 = (1, \dots, 1)`. Returns (ratio, block length, start).

    Why this family: with :math:`eta_1 = 0` a step moves :math:`lpha/\sqrt{t}` (the
    gradient is normalised by :math:`\sqrt{\hat v_t} pprox |g|`), and every pair of blocks
    costs :math:`Llpha/\sqrt t` against :math:`x^\star = 0`: the regret is about
    :math:`lpha G\sqrt T` per coordinate, the closed bound's step-size term. Longer blocks
    let momentum build up before the sign flips.
    """
    n = len(blocks)
    costs = np.stack([block_costs(T, d, L) for L in blocks] * 2)
    x0 = np.concatenate([np.zeros((n, d)), np.ones((n, d))])
    meas, bound, _ = check_online(th_id, OnlineLinear(costs, 1.0, x0=x0), consts, T)
    k = int(np.argmax(meas / bound))
    return float(meas[k] / bound[k]), blocks[k % n], "corner" if k >= n else "0"


def check_online(th_id, problem, consts, T):
    """Per instance: measured regret, closed-form bound, data bound (every instance, batched:
    :func:`analysis.theorems._evaluate.data_bounds`). ``th_id``: an id or a Theorem."""
    from .theorems import data_bounds, lemma43_t0

    th = _theorems()[th_id] if isinstance(th_id, str) else th_id
    bt = run(problem, th.algorithm, T, **consts)
    traces = [bt.trace(b) for b in range(bt.B)]
    measured = np.array([th.measured(tr) for tr in traces])
    d_inf = np.max(np.abs(bt.x - bt.x_star[:, None]), axis=(1, 2))
    values = {"T": T, "d": problem.d, "D_inf": d_inf,
              "G_inf": np.max(np.abs(bt.grads), axis=(1, 2)), **consts}  # fmt: skip
    if "t0" in th.symbols:
        values["t0"] = np.array([lemma43_t0(tr) for tr in traces], dtype=np.float64)
    bound = th.numeric(**{n: values[n] for n in th.symbols})
    given = {k: v for k, v in consts.items() if k in ("beta2", "lam", "rho")
             and k in th.assumptions.names}  # fmt: skip
    return measured, bound, data_bounds(th, traces, **given)


def check_nonconvex(th_id, problem, consts, T):
    """Run the theorem's iteration (:func:`~analysis.simulate.run`, unprojected, as the
    theorem's) on the B seeds; per seed: stationarity (``Theorem.measured``), the bound
    (``Theorem.numeric`` at the problem's box constants R = G_inf + sqrt(eps), L and
    Delta = F(x_0) - F_*) and whether every iterate stayed in the box (``inside``)."""
    th = _theorems()[th_id]
    bt = run(problem, th.algorithm, T, **consts)
    meas = np.array([th.measured(bt.trace(b)) for b in range(bt.B)])
    R = problem.G_inf + np.sqrt(consts["eps"])  # |g| <= R - sqrt(eps), as Défossez et al.
    delta = problem.full_loss(problem.x0) - problem.f_star
    vals = {"T": T, "d": problem.d, "R": R, "L": problem.L, "Delta": delta, **consts}
    bound = th.numeric(**{k: vals[k] for k in th.symbols})
    return meas, bound, np.asarray(bt.inside, dtype=bool)


NONCONVEX_PROBLEMS = ("rosenbrock", "sigmoid", "digits")
DIGITS_B, DIGITS_T = 8, 40  # DigitsMLP (d = 310) runs on few seeds and steps


def nonconvex_setup(th_id, rng, B, name="rosenbrock"):
    """A nonconvex problem (B seeds) and constants inside the theorem's assumptions: eps 1e-8
    or 10^U(-12, 0), beta2 uniform in [0.5, 0.999], 1 - 10^U(-6, -3) or uniform in
    [0.01, 0.5], Défossez et al.'s beta1 uniform in [0, 0.99 beta2]."""
    seed = int(rng.integers(2**31))
    if name == "rosenbrock":
        p = NoisyRosenbrock(B=B, d=2, sigma=float(rng.uniform(0, 2)), radius=2.0, seed=seed)
        alpha = float(10 ** rng.uniform(-4, -2.5))
    elif name == "sigmoid":
        p = SigmoidRegression(B=B, d=3, n=50, radius=3.0, seed=seed)
        alpha = float(10 ** rng.uniform(-2, -0.5))
    elif name == "digits":
        p = DigitsMLP(B=min(B, DIGITS_B), hidden=4, n=100, batch=8, radius=1.0, seed=seed)
        alpha = float(10 ** rng.uniform(-3.5, -2))
    else:
        raise ValueError(f"unknown nonconvex problem {name!r}")
    eps = float(rng.choice([1e-8, 10 ** rng.uniform(-12, 0)]))
    beta2 = float(rng.choice([rng.uniform(0.5, 0.999), 1 - 10 ** rng.uniform(-6, -3),
                              rng.uniform(0.01, 0.5)]))  # fmt: skip
    c = {"alpha": alpha, "eps": eps, "beta1": 0.0, "beta2": beta2}
    if th_id == "adam_nonconvex_defossez2022":
        c["beta1"] = float(rng.uniform(0, 0.99) * c["beta2"])
    elif th_id == "adagrad_nonconvex_defossez2022":
        c["beta2"] = 1.0
    elif th_id == "adam_avgrad_interpolation_nonconvex":
        c["rho"] = float(rng.uniform(0.05, 1))
    elif th_id == "adam_avgrad_interpolation_nonconvex_momentum":
        c["beta1"] = float(rng.uniform(0, 0.99) * c["beta2"])
        c["rho"] = float(rng.uniform(0.05, 1))
    return p, c


def _selected(ids, theorems):
    """``ids`` restricted to ``theorems`` (None: all), in registry order; an unknown id is an
    error."""
    if theorems is None:
        return ids
    theorems = (theorems,) if isinstance(theorems, str) else tuple(theorems)
    unknown = set(theorems) - set(online_ids()) - set(nonconvex_ids())
    if unknown:
        raise ValueError(f"theorems: unknown id(s) {sorted(unknown)}; choose from "
                         f"{sorted(online_ids() + nonconvex_ids())}")  # fmt: skip
    return tuple(k for k in ids if k in theorems)


def calls_of(calls=4, nonconvex_calls=4, theorems=None, **_):
    """How many simulate calls :func:`tightest` makes with these settings (for a progress
    bar)."""
    return (len(_selected(online_ids(), theorems)) * len(ONLINE_PROBLEMS) * calls
            + len(_selected(nonconvex_ids(), theorems)) * len(NONCONVEX_PROBLEMS)
            * nonconvex_calls)  # fmt: skip


def _record(e, th_id, problem, consts, T, name, extra=None, where=""):
    """Run one call (``extra``: path entries of the config), add its instances to the
    entry ``e``; returns the (B,) closed ratios."""
    meas, bnd, data = check_online(th_id, problem, {**consts, **(extra or {})}, T)
    tol = RTOL * np.abs(bnd) + ATOL
    e["violations"] += int(np.sum(meas > bnd + tol))
    e["violations"] += int(np.sum(meas > data + RTOL * np.abs(data) + ATOL))
    e["n"] += len(meas)
    k = int(np.argmax(meas / bnd))
    if meas[k] / bnd[k] > e["ratio"]:
        e["ratio"] = float(meas[k] / bnd[k])
        e["worst"] = (name, T, consts, where) if where else (name, T, consts)
    e["data_ratio"] = max(e["data_ratio"], float(np.max(meas / data)))
    return meas / bnd


def tightest(calls=4, B=64, T=(20, 200), seed=0, nonconvex_calls=4, progress=None, theorems=None):
    """Largest measured/bound (and measured/data_bound) per theorem over random runs.

    Online: ``calls`` simulate calls per (theorem, problem), ``B`` instances each, horizon
    uniform in ``T`` (or fixed); the data bound on every instance. Nonconvex:
    ``nonconvex_calls`` configurations per (theorem, problem of :data:`NONCONVEX_PROBLEMS`),
    ``B`` seeds each (DigitsMLP: ``DIGITS_B`` seeds, at most ``DIGITS_T`` steps), horizon
    ``max(T)``, ratio of the seed means. A configuration in which some seed left the box
    (where G_inf and L hold) is not checked: its seed mean is not the expectation the theorem
    bounds, and dropping only the seeds that left would condition on the outcome.
    Each entry: ratio, n (instances or seeds checked), violations (measured above a bound),
    worst (where the ratio was reached); online also data_ratio; nonconvex also left_box
    (seeds that left the box) and excluded (configurations not checked).
    ``progress(n)``, if given, is called after every simulate call (of :func:`calls_of`).
    ``theorems``: ids to check (None: every theorem); the draws then start at the first
    selected theorem, so its figures differ from a full run's at the same seed.
    """
    tick = progress or (lambda n: None)
    rng = np.random.default_rng(seed)
    path_rng = np.random.default_rng([seed, 13])  # its own stream: the others' draws unchanged
    out = {}
    for th_id in _selected(online_ids(), theorems):
        e = {"ratio": -np.inf, "data_ratio": -np.inf, "n": 0, "violations": 0, "worst": None}
        for name in ONLINE_PROBLEMS:
            for call in range(calls):
                t_max = int(rng.integers(T[0], T[1] + 1)) if np.ndim(T) else int(T)
                consts = sample_constants(th_id, t_max, rng)
                problem = online_problem(name, B, rng)
                args = (e, th_id, problem, consts, t_max, name)
                if th_id in PATH_THEOREMS:  # the adversary also picks the coefficient path
                    adversary_call(lambda x, w, a=args: _record(*a, x, w),
                                   KINDS[call % len(KINDS)], consts["beta2"], t_max, problem.B,
                                   problem.d, path_rng, PATH_ROUNDS)  # fmt: skip
                else:
                    _record(*args)
                tick(1)
        out[th_id] = e
    t_nc = int(np.max(T))
    for th_id in _selected(nonconvex_ids(), theorems):
        e = {"ratio": -np.inf, "n": 0, "violations": 0, "left_box": 0, "excluded": 0,
             "worst": None}  # fmt: skip
        for name in NONCONVEX_PROBLEMS:
            for _ in range(nonconvex_calls):
                p, consts = nonconvex_setup(th_id, rng, B, name)
                steps = min(t_nc, DIGITS_T) if name == "digits" else t_nc
                meas, bound, inside = check_nonconvex(th_id, p, consts, steps)
                tick(1)
                e["left_box"] += int(np.sum(~inside))
                if not inside.all():
                    e["excluded"] += 1
                    continue
                e["n"] += p.B
                ratio = float(meas.mean() / bound.mean())
                e["violations"] += int(ratio > 1 + RTOL)
                if ratio > e["ratio"]:
                    e["ratio"], e["worst"] = ratio, (p.name, steps, consts)
        out[th_id] = e
    return out
