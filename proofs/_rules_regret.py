r"""Standard facts used by the regret proofs that :mod:`proofs._rules` does not provide.

Each constructor returns a :class:`~proofs._core.Fact` true by a named standard argument;
its conditions are obligations, and unlike :func:`proofs._rules.sqrt_monotone` the caller
passes the facts (``given``) from which the citing proof's checker must derive them.

* :func:`sqrt_le`, :func:`inv_sqrt_le`: monotonicity of :math:`\sqrt{\cdot}` and
  :math:`1/\sqrt{\cdot}`;
* :func:`square_nonneg`: :math:`0 \le y^2`;
* :func:`trans`: transitivity;
* :func:`scale_given`: :math:`c\,x \le c\,y` from :math:`x \le y` and :math:`c \ge 0`;
* :func:`swap_rect`: Fubini for a finite rectangular double sum;
* :func:`pull_out`: a constant factor out of a sum;
* :func:`rename`: renaming the bound index of a sum (alpha-equivalence);
* :func:`split_sum`: :math:`\sum_{lo}^{hi} = \sum_{lo}^{mid} + \sum_{mid+1}^{hi}`
  (:math:`lo - 1 \le mid \le hi`);
* :func:`pow_peel`: :math:`x^{e+1} = x\,x^e`;
"""

from __future__ import annotations

import sympy as sp

from ._core import EQ, LE, Fact
from ._rules import given as _given
from ._rules import sqrt_monotone
from ._rules_constant import exchange, inv_sqrt_monotone, square_nonneg


def _cond(lhs, rhs, given):
    return (Fact(sp.sympify(lhs), LE, sp.sympify(rhs), "condition"), tuple(given))


def trans(x, y, z, given=()):
    r"""Transitivity: :math:`x \le z` from :math:`x \le y` and :math:`y \le z`.

    Side conditions: :math:`x \le y` and :math:`y \le z` (from ``given``)."""
    return Fact(sp.sympify(x), LE, sp.sympify(z), "transitivity of <=",
                (_cond(x, y, given), _cond(y, z, given)), "rule")  # fmt: skip


def scale_given(fact, c, given=(), why=None):
    r""":math:`c \cdot` lhs :math:`\le c \cdot` rhs.

    Side conditions: :math:`c \ge 0` for an inequality (from ``given``)."""
    extra = () if fact.rel == EQ else (_cond(0, c, given),)
    return Fact(c * fact.lhs, fact.rel, c * fact.rhs, why or fact.why, fact.obligations + extra,
                "derived", fact)  # fmt: skip


def rename(f, k, j, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} f(k) = \sum_{j=lo}^{hi} f(j)` (the bound index is a dummy).

    Side conditions: ``j`` occurs in neither ``f(k)`` nor the limits (no capture; a
    ``ValueError`` otherwise)."""
    if sp.sympify(f(k)).has(j) or sp.sympify(lo).has(j) or sp.sympify(hi).has(j):
        raise ValueError("rename: the new index must be fresh")
    return Fact(sp.Sum(f(k), (k, lo, hi)), EQ, sp.Sum(f(j), (j, lo, hi)),
                "renaming the summation index", (), "rule")  # fmt: skip


def pull_out(f, k, lo, hi, c):
    r"""Linearity: :math:`\sum_{k} c\,f(k) = c \sum_k f(k)` for :math:`c` free of :math:`k`
    (the normaliser misses it when :math:`c` sits in a denominator next to :math:`f`).

    Side conditions: :math:`c` free of :math:`k` (a ``ValueError`` otherwise)."""
    if sp.sympify(c).has(k):
        raise ValueError("pull_out: the factor must not depend on the index")
    return Fact(sp.Sum(c * f(k), (k, lo, hi)), EQ, c * sp.Sum(f(k), (k, lo, hi)),
                "a constant factor comes out of a sum", (), "rule")  # fmt: skip


def split_sum(f, k, lo, mid, hi):
    r""":math:`\sum_{k=lo}^{hi} f(k) = \sum_{k=lo}^{mid} f(k) + \sum_{k=mid+1}^{hi} f(k)`.

    Side conditions: none (Karr's convention, :mod:`proofs._rules`; with the empty-sum
    reading, :math:`lo - 1 \le mid \le hi`)."""
    return Fact(sp.Sum(f(k), (k, lo, hi)), EQ,
                sp.Sum(f(k), (k, lo, mid)) + sp.Sum(f(k), (k, mid + 1, hi)),
                "splitting a sum at an intermediate index", (), "rule")  # fmt: skip


def pow_peel(x, e, given=()):
    r""":math:`x^{e+1} = x \cdot x^e` (sympy keeps both forms when :math:`x` may be 0).

    Side conditions: :math:`e \ge 0` (from ``given``); :math:`e` an integer (a
    ``ValueError`` when sympy does not know it is one)."""
    if sp.sympify(e).is_integer is not True:
        raise ValueError(f"pow_peel: the exponent {e} must be an integer")
    return Fact(x ** (e + 1), EQ, x * x**e, "x^(e+1) = x x^e for integer e >= 0",
                (_cond(0, e, given),), "rule")  # fmt: skip


# Shared rules under the names the regret proofs use (one implementation each).
def sqrt_le(x, y, given=()):
    r""":math:`\sqrt x \le \sqrt y` (:func:`._rules.sqrt_monotone`, whose side conditions
    :math:`0 \le x \le y` are discharged from ``given``)."""
    return _given(sqrt_monotone(x, y), *given)


def inv_sqrt_le(x, y, given=()):
    r""":math:`1/\sqrt y \le 1/\sqrt x` for :math:`0 < x \le y`
    (:func:`._rules_constant.inv_sqrt_monotone` with :math:`c = 1`; side conditions
    :math:`x > 0`, :math:`x \le y`, from ``given``)."""
    return inv_sqrt_monotone(x, y, 1, given)


def swap_rect(f, i, ilo, ihi, t, tlo, thi):
    r""":math:`\sum_t\sum_i f(t, i) = \sum_i\sum_t f(t, i)` (:func:`._rules_constant.exchange`;
    side conditions: a rectangle)."""
    return exchange(f, t, tlo, thi, i, ilo, ihi)


__all__ = ["inv_sqrt_le", "pow_peel", "pull_out", "rename", "scale_given", "split_sum", "sqrt_le",
           "square_nonneg", "swap_rect", "trans"]  # fmt: skip
