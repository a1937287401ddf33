r"""When a bound says something: the trivial bound of each setting and the break-even horizon.

**Trivial bounds** (true for *any* algorithm under the theorem's own assumptions, at every T):

* ``online-convex`` (regret): :math:`R_T \le d\,D_\infty G_\infty T`. Convexity gives
  :math:`f_t(x_t) - f_t(x^\star) \le \langle g_t, x_t - x^\star\rangle \le \|g_t\|_1
  \|x_t - x^\star\|_\infty \le d\,G_\infty D_\infty` per round, with the theorems' own
  :math:`\|x_t - x^\star\|_\infty \le D_\infty` and :math:`\|g_t\|_\infty \le G_\infty`. (With
  :math:`D_\infty = 2`, :math:`G_\infty = d = 1` this is issue 14's :math:`2GT`.)
* ``stochastic-nonconvex`` (:math:`\mathbb E\|\nabla F(x_\tau)\|_2^2`): :math:`d R^2`, since
  :math:`\nabla F = \mathbb E \nabla f` and :math:`\|\nabla f\|_\infty \le R` almost surely give
  :math:`\|\nabla F(x)\|_2^2 \le d\|\nabla F(x)\|_\infty^2 \le dR^2` at every point. (A theorem
  stated with :math:`G_\infty` in place of :math:`R` gets :math:`dG_\infty^2`.)

**Break-even** (:func:`breakeven`): the smallest whole :math:`T` from which on the closed form
is strictly below the trivial bound (and its assumptions hold), searched up to ``T_max``;
``math.inf`` if there is none up to ``T_max`` (the bound is vacuous there, or, like the Adam
mix at :math:`\rho > 0`, the theorem stops holding at a horizon before it wins). The ratio
bound/trivial is scanned on a geometric grid of :math:`T` and the crossing located by bisection
on whole numbers, which assumes the ratio crosses 1 once between two grid points (true for
every registered bound: a sum of powers of :math:`T` and of :math:`\log T`; the tests check
:math:`T_b - 1` and :math:`T_b` exactly).

Example (issue 14's constants: the closed AVGrad bound beats :math:`2GT` from about
:math:`9.39 \cdot 10^6` on):

    >>> from analysis.theorems import THEOREMS
    >>> THEOREMS["avgrad_regret"].breakeven(**BREAKEVEN_CONSTANTS["online-convex"])
    9387558
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..symbols import D_inf, G_inf, R, T, d
from ._core import SYMBOLS

#: The trivial bound of each setting, by the bounded-gradient constant its theorems name.
TRIVIAL = {
    "online-convex": {"G_inf": d * D_inf * G_inf * T},
    "stochastic-nonconvex": {"R": d * R**2, "G_inf": d * G_inf**2},
}

#: Constants at which the report states the break-even horizon: issue 14's (beta1 = 0.9,
#: beta2 = 0.999, lam = 0.99, alpha = 1, D_inf = 2, G_inf = 1, d = 1) for regret, rho = 0 (no
#: horizon for the Adam mix), t0 = 1; nonconvex: R = L = Delta = 1, eps = 1e-8, alpha = 0.01.
BREAKEVEN_CONSTANTS = {
    "online-convex": {
        "d": 1,
        "D_inf": 2,
        "G_inf": 1,
        "alpha": 1,
        "beta1": 0.9,
        "beta2": 0.999,
        "lam": 0.99,
        "rho": 0,
        "t0": 1,
    },
    "stochastic-nonconvex": {
        "d": 1,
        "R": 1,
        "G_inf": 1,
        "L": 1,
        "Delta": 1,
        "eps": 1e-8,
        "alpha": 0.01,
        "beta1": 0.9,
        "beta2": 0.999,
        "rho": 1,
    },
}


def trivial(theorem):
    """The trivial bound (a sympy expression) for ``theorem``'s setting; ValueError if the
    setting has none or the theorem names none of its gradient bounds."""
    table = TRIVIAL.get(theorem.setting)
    if table is None:
        raise ValueError(f"{theorem.id}: no trivial bound for the setting {theorem.setting!r}")
    names = set(theorem.symbols) | theorem.assumptions.names
    for name, expr in table.items():
        if name in names:
            return expr
    raise ValueError(f"{theorem.id}: names none of {sorted(table)}")


def breakeven(theorem, T_max=10**18, **constants):
    """The smallest whole T <= T_max from which on ``theorem``'s closed form is below the
    trivial bound of its setting (see the module), or ``math.inf``. ``constants``: every
    constant of the closed form and of the trivial bound but T (others are ignored)."""
    if "T" not in theorem.symbols:
        raise ValueError(f"{theorem.id}: the bound does not depend on T; no break-even")
    triv = trivial(theorem)
    need = (set(theorem.symbols) | {s.name for s in triv.free_symbols}) - {"T"}
    missing = sorted(need - set(constants))
    if missing:
        raise ValueError(f"{theorem.id}.breakeven needs {missing}")
    fixed = {k: constants[k] for k in need}
    theorem.bound(**{k: v for k, v in fixed.items() if k in theorem.symbols})  # the checks
    triv_fn = sp.lambdify([SYMBOLS[n] for n in sorted(need | {"T"})], triv, "numpy")
    at_T = [n for n in theorem.symbols if n != "T"]
    T_at = sorted({n for c in theorem.assumptions.constraints if "T" in c.params
                   for n in c.params if n in fixed})  # fmt: skip

    def beats(Ts):
        Ts = np.asarray(Ts, dtype=np.float64)
        args = {n: float(fixed[n]) for n in at_T}
        b = theorem.numeric(T=Ts, **args)
        tv = triv_fn(**{n: (Ts if n == "T" else float(fixed[n])) for n in sorted(need | {"T"})})
        ok = b < tv * np.ones_like(Ts)
        if T_at:  # an assumption that ties T to other constants (Défossez's N~, rho <= ...)
            ok &= np.array([_holds(theorem, T=int(x), **{k: fixed[k] for k in T_at})
                            for x in Ts])  # fmt: skip
        return ok

    grid = np.unique(np.round(np.logspace(0, math.log10(T_max), 400)))
    good = beats(grid)
    if not good[-1]:
        return math.inf
    bad = np.nonzero(~good)[0]
    if bad.size == 0:
        return 1
    lo, hi = int(grid[bad[-1]]), int(grid[bad[-1] + 1])  # beats(lo) fails, beats(hi) holds
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if beats([mid])[0] else (mid, hi)
    return hi


def _holds(theorem, **values):
    try:
        theorem.assumptions.check(**values)
    except ValueError:
        return False
    return True
