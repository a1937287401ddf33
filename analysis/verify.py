r"""Adversarial search for violations of the online-convex regret bounds.

For each theorem of :data:`analysis.theorems.THEOREMS` with setting ``"online-convex"``,
:func:`verify` searches over online linear losses :math:`f_t(x) = \langle c_t, x\rangle` on
:math:`[-1, 1]^d` (:class:`~analysis.problems.OnlineLinear`, small :math:`d` and :math:`T`),
over the start point :math:`x_1` and over the algorithm's constants inside the theorem's
assumptions (``alpha``, ``beta1``, ``beta2``, ``lam``, ``rho``), and maximises

* the **data ratio** ``measured(trace) / data_bound(trace)`` (the printed form on the run),
* the **closed ratio** ``measured(trace) / bound`` (the closed form at the run's observed
  :math:`D_\infty`, :math:`G_\infty`, :math:`T`, :math:`d` and the constants; evaluated with
  ``Theorem.numeric``, confirmed with the exact ``Theorem.bound`` at the worst point).

A sequence is parametrised with few numbers (:math:`c_t = \tanh z_k`, :math:`z` of shape
(K, d), repeated with period K or held on K equal blocks of the horizon), so that
Nelder-Mead (scipy, an optional dependency: the ``test`` extra) can move it; random
restarts share the budget (the total number of objective evaluations per theorem). The
constants range over alpha in [1e-3, 1e3] and beta2 in [1e-6, 1 - 1e-6] (logit scale).

For ``coefficient_path_regret`` the adversary also chooses the coefficient path inside the
theorem's box (:mod:`analysis._path_adversary`): Nelder-Mead moves K values per coefficient
(and the box split) together with the losses, and the corner scan adds bang-bang paths at the
box's corners, in and against the losses' phase, and the hypergradient sign rule.

The search is local and its horizons short, so :func:`corners` also runs structured sequences
(alternating :math:`\pm 1`, constant, Reddi et al.'s 3-periodic, random signs) from the
centre and a corner of the box at the extreme constants (:data:`CORNER_CONSTANTS`) and long
horizons (:data:`CORNER_T`; :data:`LONG` adds the horizon 20,000 at beta2 = 1e-4). Any ratio
above 1 is a bound that fails on a concrete run: a bug in the bound, its proof or its
encoding (or, for ``amsgrad_regret_reddi2018*``, the known flaw of the published proof).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from ._path_adversary import LONG_MEMORY, PATH_THEOREMS, corner_paths, from_params, n_params
from .problems import OnlineLinear
from .simulate import run

T_CHOICES = (3, 10, 20, 50, 100, 200)
D_CHOICES = (1, 2, 3)
K_CHOICES = (1, 2, 3, 4, 6, 8)
SEARCHED = ("alpha", "beta1", "beta2", "lam", "rho")


class _BudgetSpent(Exception):
    pass


@dataclass(frozen=True)
class Point:
    """One evaluated run: its arguments and both ratios."""

    T: int
    d: int
    costs: np.ndarray  # (T, d)
    x0: np.ndarray  # (d,)
    constants: dict
    measured: float
    data_bound: float
    closed_bound: float
    extra: dict = field(default_factory=dict)  # a coefficient path (config entries), if any
    where: str = ""  # the path, described

    @property
    def data_ratio(self):
        return _ratio(self.measured, self.data_bound)

    @property
    def closed_ratio(self):
        return _ratio(self.measured, self.closed_bound)

    def describe(self):
        cons = ", ".join(f"{k}={v:.6g}" for k, v in sorted(self.constants.items()))
        cons += f"; {self.where}" if self.where else ""
        return (f"T={self.T}, d={self.d}, {cons}; regret={self.measured:.6g}, "
                f"data_bound={self.data_bound:.6g}, bound={self.closed_bound:.6g}")  # fmt: skip


@dataclass(frozen=True)
class Result:
    """Worst case found for one theorem."""

    theorem: str
    worst_data: Point | None
    worst_closed: Point | None
    evaluations: int
    rejected: int  # evaluations whose constants the theorem refused (should be 0)
    start_data_ratio: float  # data ratio at the first random start point

    corner_data: float = -np.inf  # worst data ratio of the corner scan (:func:`corners`)
    corner_closed: float = -np.inf
    corner_worst: str = ""  # where the corner scan's closed ratio was reached

    @property
    def data_ratio(self):
        found = -np.inf if self.worst_data is None else self.worst_data.data_ratio
        return max(found, self.corner_data)

    @property
    def closed_ratio(self):
        found = -np.inf if self.worst_closed is None else self.worst_closed.closed_ratio
        return max(found, self.corner_closed)

    @property
    def violated(self):
        return self.data_ratio > 1 or self.closed_ratio > 1


@dataclass(frozen=True)
class Report:
    budget: int
    seed: int
    results: tuple[Result, ...] = field(default_factory=tuple)

    @property
    def violations(self):
        return tuple(r for r in self.results if r.violated)

    def table(self):
        rows = [("theorem", "worst data ratio", "worst closed ratio", "evaluations")]
        for r in self.results:
            flag = "  VIOLATED" if r.violated else ""
            rows.append((r.theorem, f"{r.data_ratio:.6g}", f"{r.closed_ratio:.6g}",
                         f"{r.evaluations}{flag}"))  # fmt: skip
        widths = [max(len(row[k]) for row in rows) for k in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        for r in self.violations:
            for label, p in (("data", r.worst_data), ("closed", r.worst_closed)):
                ratio = getattr(p, f"{label}_ratio")
                if ratio > 1:
                    lines.append(f"VIOLATION {r.theorem} ({label} ratio {ratio:.6g}): "
                                 f"{p.describe()}")  # fmt: skip
            if max(r.corner_data, r.corner_closed) > 1:  # the corner scan alone may find it
                lines.append(f"VIOLATION {r.theorem} (corner scan, data ratio "
                             f"{r.corner_data:.6g}, closed ratio {r.corner_closed:.6g}): "
                             f"{r.corner_worst}")  # fmt: skip
        return "\n".join(lines)


def _ratio(measured, bound):
    if bound > 0:
        return measured / bound
    return np.inf if measured > 1e-12 else 0.0


def online_theorems():
    """Ids of the online-convex theorems, sorted."""
    from .theorems import THEOREMS

    return sorted(k for k, th in THEOREMS.items() if th.setting == "online-convex")


def _unit(u, lo, hi):
    return lo + (hi - lo) * 0.5 * (1.0 + np.tanh(u))


def constants_for(theorem, u, T):
    """Map 5 free numbers ``u`` to constants inside ``theorem``'s assumptions (those of
    :data:`SEARCHED` it names): alpha log-uniform in [1e-3, 1e3], beta2 in [1e-6, 1 - 1e-6]
    (uniform in log10(beta2 / (1 - beta2))),
    beta1 in [0, 0.99] (below sqrt(beta2) under a gamma < 1 assumption), lam in
    [1e-3, 0.999], rho in [0, 1] (rho < 1 and rho <= beta2/((T-1)(1-beta2)) if assumed)."""
    names = theorem.assumptions.names
    params = {(c.name, c.params): c.params for c in theorem.assumptions.constraints}
    b2 = 1.0 / (1.0 + 10.0 ** -_unit(u[1], -6.0, 6.0))  # logit scale: 1e-6 .. 1 - 1e-6
    c = {"alpha": float(10.0 ** _unit(u[0], -3.0, 3.0)), "beta2": float(b2)}
    hi = 0.99 * np.sqrt(c["beta2"]) if any(n == "gamma" for n, _ in params) else 0.99
    c["beta1"] = float(_unit(u[2], 0.0, hi))
    c["lam"] = float(_unit(u[3], 1e-3, 0.999))
    rho_hi = 1.0
    if ("rho", "beta2", "T") in params.values():  # adam_avgrad's rho <= RHO_MAX
        rho_hi = 0.999 if T <= 1 else min(0.999, c["beta2"] / ((T - 1) * (1 - c["beta2"])))
    c["rho"] = float(_unit(u[4], 0.0, rho_hi))
    return {k: v for k, v in c.items() if k in names}


def _costs(z, T, periodic):
    K = z.shape[0]
    idx = np.arange(T) % K if periodic else (np.arange(T) * K) // T
    return np.tanh(z[idx])


class _Search:
    def __init__(self, theorem, budget, progress):
        self.th, self.budget, self.progress = theorem, budget, progress
        self.evals = self.rejected = 0
        self.worst_data = self.worst_closed = None
        self.start = None

    def evaluate(self, T, d, costs, x0, constants, extra=None, where=""):
        if self.evals >= self.budget:
            raise _BudgetSpent
        self.evals += 1
        if self.progress is not None:
            self.progress(1)
        th = self.th
        try:
            trace = run(OnlineLinear(costs[None], 1.0, x0=x0), th.algorithm, T,
                        **constants, **(extra or {})).trace(0)  # fmt: skip
            measured = th.measured(trace, **constants)
            data = th.data_bound(trace, **constants)
            vals = th.run_values(trace, dict(constants))
            closed = float(th.numeric(**{n: vals[n] for n in th.symbols}))
        except ValueError:
            self.rejected += 1
            return None
        p = Point(T, d, costs, np.array(x0), dict(constants), measured, data, closed,
                  dict(extra or {}), where)  # fmt: skip
        if self.start is None:
            self.start = p.data_ratio
        if self.worst_data is None or p.data_ratio > self.worst_data.data_ratio:
            self.worst_data = p
        if self.worst_closed is None or p.closed_ratio > self.worst_closed.closed_ratio:
            self.worst_closed = p
        return p


def search(theorem, budget, rng, *, T_choices=T_CHOICES, d_choices=D_CHOICES,
           restart_evals=None, progress: Callable[[int], None] | None = None):  # fmt: skip
    """Nelder-Mead with random restarts on ``theorem``; ``budget`` evaluations in all.
    Returns a :class:`Result`."""
    from scipy.optimize import minimize

    s = _Search(theorem, budget, progress)
    per = restart_evals or max(30, budget // 8)
    n_restart = 0
    while s.evals < budget:
        T, d = int(rng.choice(T_choices)), int(rng.choice(d_choices))
        K, periodic = int(rng.choice(K_CHOICES)), bool(rng.integers(2))
        target = "data_ratio" if n_restart % 2 == 0 else "closed_ratio"
        n_restart += 1
        n_path = n_params(K) if theorem.id in PATH_THEOREMS else 0  # the path is searched too
        lm = str(rng.choice(LONG_MEMORY))

        def objective(w, T=T, d=d, K=K, periodic=periodic, target=target, n_path=n_path, lm=lm):
            z, x0 = w[: K * d].reshape(K, d), np.tanh(w[K * d : K * d + d])
            c = constants_for(theorem, w[-5:], T)
            extra, where = (from_params(w[K * d + d : K * d + d + n_path], c["beta2"], T, K,
                                        periodic, lm) if n_path else (None, ""))  # fmt: skip
            p = s.evaluate(T, d, _costs(z, T, periodic), x0, c, extra, where)
            r = -1e300 if p is None else getattr(p, target)
            return -r if np.isfinite(r) else (-1e300 if r > 0 else 1e300)

        w0 = np.concatenate([rng.normal(0, 1.5, K * d), rng.normal(0, 1, d),
                             rng.normal(0, 1.5, n_path), rng.normal(0, 1, 5)])  # fmt: skip
        try:
            minimize(objective, w0, method="Nelder-Mead",
                     options={"maxfev": min(per, budget - s.evals), "xatol": 1e-6,
                              "fatol": 1e-10, "adaptive": True})  # fmt: skip
        except _BudgetSpent:
            break
    return Result(theorem.id, s.worst_data, s.worst_closed, s.evals, s.rejected,
                  np.nan if s.start is None else s.start)  # fmt: skip


CORNER_T = (1, 2, 50, 2000)
#: alpha, beta1 (as a fraction of its largest value), beta2 at the corners; lam = 0.99; rho at
#: 0 and its largest value.
CORNER_CONSTANTS = {"alpha": (1e-3, 1.0, 30.0, 1e3), "beta1": (0.0, 0.99),
                    "beta2": (1e-6, 0.5, 1 - 1e-6)}  # fmt: skip
#: The independent search's point (issue 13): alternating losses, beta1 = 0, beta2 = 1e-4.
LONG = {"T": 20000, "alpha": (3.0, 30.0), "beta1": 0.0, "beta2": 1e-4}


def corner_sequences(T, d):
    """(4, T, d) costs: alternating +-1, constant +1, Reddi et al.'s 3-periodic (1, -1/2,
    -1/2) and random signs (seed 0), every coordinate alike."""
    t = np.arange(T)
    alt = np.where(t % 2 == 0, 1.0, -1.0)
    reddi = np.where(t % 3 == 0, 1.0, -0.5)
    signs = np.random.default_rng(0).choice([-1.0, 1.0], T)
    return np.stack([alt, np.ones(T), reddi, signs])[:, :, None] * np.ones(d)


def _corner_grid(theorem, T_choices, long):
    names = theorem.assumptions.names
    gamma = any(c.name == "gamma" for c in theorem.assumptions.constraints)
    rho_T = any(c.params == ("rho", "beta2", "T") for c in theorem.assumptions.constraints)
    for T in T_choices:
        for a in CORNER_CONSTANTS["alpha"]:
            for f1 in CORNER_CONSTANTS["beta1"]:
                for b2 in CORNER_CONSTANTS["beta2"]:
                    b1 = f1 * (np.sqrt(b2) if gamma else 1.0)
                    rho_hi = 1.0
                    if rho_T:  # the Adam mix: rho < 1, rho <= beta2/((T-1)(1-beta2))
                        top = b2 / ((T - 1) * (1 - b2)) * (1 - 1e-12) if T > 1 else 1.0
                        rho_hi = min(0.999, top)
                    for r in (0.0, rho_hi) if "rho" in names else (None,):
                        c = {"alpha": a, "beta1": b1, "beta2": b2, "lam": 0.99, "rho": r}
                        yield T, {k: v for k, v in c.items() if k in names}
    for a in long["alpha"] if long else ():
        c = {"alpha": a, "beta1": long["beta1"], "beta2": long["beta2"], "lam": 0.99, "rho": 0.0}
        yield long["T"], {k: v for k, v in c.items() if k in names}


def corners(theorem, T_choices=CORNER_T, d=2, long=LONG):
    """Worst data and closed ratios of :func:`corner_sequences` from x_1 = 0 and from the
    corner x_1 = (1, ..., 1) of [-1, 1]^d, over the extreme constants (and ``long``, None: not
    run); returns (data ratio, closed ratio, where the closed ratio was reached, runs)."""
    from .tightness import check_online

    worst_data, worst_closed, where, runs = -np.inf, -np.inf, "", 0
    rng = np.random.default_rng(0)
    for T, c in _corner_grid(theorem, T_choices, long):
        costs = np.concatenate([corner_sequences(T, d)] * 2)
        x0 = np.concatenate([np.zeros((4, d)), np.ones((4, d))])
        paths = [({}, "")]
        if theorem.id in PATH_THEOREMS:  # the adversary picks the path at the box's corners
            paths += list(corner_paths(c["beta2"], costs, rng))
        for extra, how in paths:
            meas, bound, data = check_online(theorem, OnlineLinear(costs, 1.0, x0=x0),
                                             {**c, **extra}, T)  # fmt: skip
            runs += len(meas)
            worst_data = max(worst_data, float(np.max(meas / data)))
            k = int(np.argmax(meas / bound))
            if meas[k] / bound[k] > worst_closed:
                worst_closed = float(meas[k] / bound[k])
                seq = ("alternating", "constant", "reddi3", "signs")[k % 4]
                where = f"{seq}, x1 = {'corner' if k >= 4 else '0'}, T = {T}, {c}"
                where += f", {how}" if how else ""
    return worst_data, worst_closed, where, runs


def confirm_closed(theorem, point):
    """The exact closed-form bound (``Theorem.bound``, sympy) at ``point``'s run."""
    problem = OnlineLinear(point.costs[None], 1.0, x0=point.x0)
    trace = run(problem, theorem.algorithm, point.T, **point.constants, **point.extra).trace(0)
    vals = theorem.run_values(trace, dict(point.constants))
    expr = theorem.bound(**{n: vals[n] for n in theorem.symbols})
    return float(sp.N(expr, 30))


def verify(theorems=None, budget=2000, seed=0, *, progress=None, corner_T=CORNER_T, long=LONG,
           **kwargs) -> Report:  # fmt: skip
    """Search every theorem in ``theorems`` (ids or Theorem objects; default: all online
    ones) with ``budget`` evaluations each, and scan its :func:`corners` at the horizons
    ``corner_T`` and ``long`` (``()`` and None: no scan); see :func:`search` for
    ``kwargs``."""
    from .theorems import THEOREMS

    ids = online_theorems()
    chosen = ids if theorems is None else theorems
    results = []
    for i, th in enumerate(chosen):
        if isinstance(th, str):
            if th not in ids:
                raise ValueError(f"unknown online theorem {th!r}; choose from {', '.join(ids)}")
            th = THEOREMS[th]
        rng = np.random.default_rng([seed, i])
        found = search(th, budget, rng, progress=progress, **kwargs)
        if corner_T or long:
            data, closed, where, _ = corners(th, corner_T, long=long)
            found = replace(found, corner_data=data, corner_closed=closed, corner_worst=where)
        results.append(found)
    return Report(budget, seed, tuple(results))


__all__ = ["CORNER_CONSTANTS", "CORNER_T", "LONG", "Point", "Report", "Result", "confirm_closed",
           "constants_for", "corner_sequences", "corners", "online_theorems", "search",
           "verify"]  # fmt: skip
