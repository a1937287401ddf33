r"""Standard inequalities and bookkeeping rules, as Fact constructors.

Each returns a :class:`~proofs._core.Fact` that is true by a named standard argument; where
the argument needs a condition (a positive Young weight, a ratio below one) the Fact
carries it as an obligation that the citing proof must establish.
"""

from __future__ import annotations

import sympy as sp

from ._core import EQ, LE, Fact


def _fact(lhs, rel, rhs, why, *conditions):
    obligations = tuple((c, ()) for c in conditions)
    return Fact(sp.sympify(lhs), rel, sp.sympify(rhs), why, obligations, "rule")


def _nonneg(x):
    return Fact(sp.S.Zero, LE, sp.sympify(x), "condition")


def young(x, y, lam):
    r"""Young: :math:`xy \le \frac{\lambda}{2}x^2 + \frac{1}{2\lambda}y^2`, :math:`\lambda > 0`."""
    return _fact(x * y, LE, lam * x**2 / 2 + y**2 / (2 * lam), "Young's inequality", _nonneg(lam))


def am_gm(a, b):
    r"""AM-GM: :math:`\sqrt{ab} \le (a + b)/2` for :math:`a, b \ge 0`."""
    return _fact(sp.sqrt(a) * sp.sqrt(b), LE, (a + b) / 2, "AM-GM", _nonneg(a), _nonneg(b))


def cauchy_schwarz(a, b, k, lo, hi):
    r"""Cauchy-Schwarz: :math:`(\sum_k a_k b_k)^2 \le (\sum_k a_k^2)(\sum_k b_k^2)`."""
    lhs = sp.Sum(a * b, (k, lo, hi)) ** 2
    rhs = sp.Sum(a**2, (k, lo, hi)) * sp.Sum(b**2, (k, lo, hi))
    return _fact(lhs, LE, rhs, "Cauchy-Schwarz")


def telescope(F, k, lo, hi):
    r"""Telescoping: :math:`\sum_{k=lo}^{hi} (F(k) - F(k-1)) = F(hi) - F(lo - 1)`."""
    return _fact(sp.Sum(F(k) - F(k - 1), (k, lo, hi)), EQ, F(hi) - F(lo - 1), "telescoping")


def peel_last(f, k, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} f(k) = \sum_{k=lo}^{hi-1} f(k) + f(hi)` (for :math:`hi \ge lo`)."""
    return _fact(sp.Sum(f(k), (k, lo, hi)), EQ, sp.Sum(f(k), (k, lo, hi - 1)) + f(hi),
                 "splitting off the last term of a sum")  # fmt: skip


def peel_first(f, k, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} f(k) = f(lo) + \sum_{k=lo+1}^{hi} f(k)` (for :math:`hi \ge lo`)."""
    return _fact(sp.Sum(f(k), (k, lo, hi)), EQ, f(lo) + sp.Sum(f(k), (k, lo + 1, hi)),
                 "splitting off the first term of a sum")  # fmt: skip


def shift(f, k, lo, hi, by):
    r"""Index shift: :math:`\sum_{k=lo}^{hi} f(k) = \sum_{k=lo-by}^{hi-by} f(k + by)`."""
    return _fact(sp.Sum(f(k), (k, lo, hi)), EQ, sp.Sum(f(k + by), (k, lo - by, hi - by)),
                 "shifting the summation index")  # fmt: skip


def swap(f, j, t, T):
    r"""Exchange of a triangular double sum:
    :math:`\sum_{t=1}^T\sum_{j=1}^t f(j, t) = \sum_{j=1}^T \sum_{t=j}^T f(j, t)`."""
    lhs = sp.Sum(sp.Sum(f(j, t), (j, 1, t)), (t, 1, T))
    rhs = sp.Sum(sp.Sum(f(j, t), (t, j, T)), (j, 1, T))
    return _fact(lhs, EQ, rhs, "exchanging the order of summation")


def termwise(fact, k, lo, hi, why=None):
    r"""Summing ``fact`` (valid for every :math:`lo \le k \le hi`) over :math:`k`."""
    return Fact(sp.Sum(fact.lhs, (k, lo, hi)), fact.rel, sp.Sum(fact.rhs, (k, lo, hi)),
                why or f"summing over {k} = {lo}..{hi}: {fact.why}",
                fact.obligations, "derived", fact)  # fmt: skip


def scale(fact, c, why=None):
    r""":math:`c \cdot` lhs vs :math:`c \cdot` rhs for :math:`c \ge 0` (any c for an identity)."""
    conditions = () if fact.rel == EQ else ((_nonneg(c), ()),)
    return Fact(c * fact.lhs, fact.rel, c * fact.rhs, why or fact.why,
                fact.obligations + conditions, "derived", fact)  # fmt: skip


def apply(fact, fn, why=None):
    r"""From :math:`a = b`, :math:`f(a) = f(b)` (an identity only)."""
    if fact.rel != EQ:
        raise ValueError("apply needs an identity; for inequalities use a monotone rule")
    return Fact(fn(fact.lhs), EQ, fn(fact.rhs), why or fact.why, fact.obligations, "derived",
                fact)  # fmt: skip


def substitute(fact, subs, why=None):
    r"""A fact with its free symbols or index replaced (``{t: T}``): valid where the fact
    holds for every value of those symbols."""
    return Fact(fact.lhs.xreplace(subs), fact.rel, fact.rhs.xreplace(subs), why or fact.why,
                fact.obligations, "derived", fact)  # fmt: skip


def log_ratio(a, b):
    r""":math:`1 - b/a \le \ln a - \ln b` for :math:`a, b > 0` (i.e. :math:`1 - 1/x \le \ln x`)."""
    return _fact(1 - b / a, LE, sp.log(a) - sp.log(b), "1 - 1/x <= ln x", _nonneg(a),
                 _nonneg(b))  # fmt: skip


def geometric(r, k, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} r^{k-lo} \le 1/(1-r)` for :math:`0 \le r < 1`."""
    return _fact(sp.Sum(r ** (k - lo), (k, lo, hi)), LE, 1 / (1 - r), "geometric series",
                 _nonneg(r), _nonneg(1 - r))  # fmt: skip


def nonneg(x, why):
    r"""A non-negativity fact :math:`0 \le x`, stated (so it must be a hypothesis)."""
    return Fact(sp.S.Zero, LE, sp.sympify(x), why)


__all__ = [
    "am_gm",
    "apply",
    "cauchy_schwarz",
    "geometric",
    "given",
    "log_ratio",
    "nonneg",
    "peel_first",
    "peel_last",
    "scale",
    "shift",
    "sqrt_monotone",
    "substitute",
    "swap",
    "telescope",
    "termwise",
    "young",
]  # fmt: skip


def sqrt_monotone(x, y):
    r""":math:`\sqrt x \le \sqrt y` for :math:`0 \le x \le y`."""
    return _fact(sp.sqrt(x), LE, sp.sqrt(y), "the square root is increasing", _nonneg(x),
                 Fact(sp.sympify(x), LE, sp.sympify(y), "condition"))  # fmt: skip


def given(fact, *facts):
    """``fact`` with ``facts`` offered to establish each of its conditions (obligations)."""
    obligations = tuple((h, tuple(g) + facts) for h, g in fact.obligations)
    return Fact(fact.lhs, fact.rel, fact.rhs, fact.why, obligations, fact.origin, fact.base)
