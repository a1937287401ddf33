r"""Standard facts used by the constant-:math:`\beta_1` regret proof and its lemmas.

Each constructor returns a :class:`~proofs._core.Fact` true by a named standard argument;
its conditions are obligations that the citing proof must discharge, optionally from the
``given`` facts passed here (a hypothesis of the citing proof, typically).
"""

from __future__ import annotations

import sympy as sp

from ._core import EQ, LE, LT, Fact


def _cond(lhs, rhs, rel=LE):
    return Fact(sp.sympify(lhs), rel, sp.sympify(rhs), "condition")


def _fact(lhs, rel, rhs, why, conditions=(), given=()):
    obligations = tuple((c, tuple(given)) for c in conditions)
    return Fact(sp.sympify(lhs), rel, sp.sympify(rhs), why, obligations, "rule")


def exchange(f, k, lo, hi, j, lo2, hi2):
    r"""Finite Fubini: :math:`\sum_{k=lo}^{hi}\sum_{j=lo_2}^{hi_2} f(k, j)
    = \sum_{j=lo_2}^{hi_2}\sum_{k=lo}^{hi} f(k, j)`.

    Side conditions: a rectangular index set, limits free of ``k`` and ``j`` (a
    ``ValueError`` otherwise)."""
    for lim in (lo, hi, lo2, hi2):
        if sp.sympify(lim).has(k) or sp.sympify(lim).has(j):
            raise ValueError("exchange: the index set must be a rectangle")
    lhs = sp.Sum(sp.Sum(f(k, j), (j, lo2, hi2)), (k, lo, hi))
    rhs = sp.Sum(sp.Sum(f(k, j), (k, lo, hi)), (j, lo2, hi2))
    return _fact(lhs, EQ, rhs, "exchanging the order of a finite rectangular double sum")


def empty_sum(f, k, lo):
    r""":math:`\sum_{k=lo}^{lo-1} f(k) = 0` (the empty sum).

    Side conditions: none."""
    return _fact(sp.Sum(f(k), (k, lo, lo - 1)), EQ, 0, "the empty sum is zero")


def abs_product(a, b):
    r""":math:`ab \le |a|\,|b|` for real :math:`a, b`
    (:math:`y \le |y|` and :math:`|ab| = |a||b|`).

    Side conditions: none (every expression here is real)."""
    return _fact(a * b, LE, sp.Abs(a) * sp.Abs(b), "ab <= |a| |b|")


def inv_sqrt_monotone(x, y, c=1, given=()):
    r""":math:`1/\sqrt{y} \le 1/(\sqrt c\,\sqrt x)` (the map :math:`s \mapsto s^{-1/2}`
    decreases on :math:`(0,\infty)`, and :math:`\sqrt{cx} = \sqrt c\sqrt x`).

    Side conditions: :math:`c > 0`, :math:`x > 0` (divisors under square roots),
    :math:`c\,x \le y`."""
    return _fact(
        1 / sp.sqrt(y),
        LE,
        1 / (sp.sqrt(c) * sp.sqrt(x)),
        "1/sqrt is decreasing on (0, oo)",
        (_cond(0, c, LT), _cond(0, x, LT), _cond(c * x, y)),
        given,
    )


__all__ = ["abs_product", "empty_sum", "exchange", "inv_sqrt_monotone"]


def square_nonneg(x):
    r""":math:`0 \le x^2` for real :math:`x`.

    Side conditions: none."""
    return _fact(0, LE, x**2, "a real square is non-negative")


__all__ += ["square_nonneg"]


def max_le(a, b, c, given=()):
    r""":math:`\max(a, b) \le c` from :math:`a \le c` and :math:`b \le c`.

    Side conditions: :math:`a \le c`, :math:`b \le c` (from ``given``)."""
    return _fact(
        sp.Max(a, b), LE, c, "max(a, b) <= c when a, b <= c", (_cond(a, c), _cond(b, c)), given
    )


__all__ += ["max_le"]
