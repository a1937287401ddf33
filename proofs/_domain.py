r"""Where a fact's free symbols may range, and the obligations a use of the fact creates.

A fact holds for every value of its *quantified* symbols in their ranges; every other free
symbol is a parameter fixed by the proof that states it. A range is, in order of priority:
the fact's own ``over`` entry, the citing proof's :class:`~proofs._algebra.Domain`, or the
symbol's sympy assumptions (a positive integer is :math:`\ge 1`, a non-negative symbol
:math:`\ge 0`, a positive one :math:`> 0`). An integer symbol ranges over integers only.

Putting a value :math:`v` in for a symbol :math:`s` (``substitute``, a lemma instance, a
termwise sum) is allowed only where :func:`range_conditions` holds: :math:`lo \le v \le hi`
(strict :math:`0 < v` for a positive non-integer symbol), and :math:`v` an integer when
:math:`s` is one.
"""

from __future__ import annotations

import sympy as sp

LE, EQ, LT = "<=", "=", "<"


def symbol_range(s, over=(), domain=None):
    """``(lo, hi)`` of symbol ``s`` (``None`` for an open side)."""
    for sym, lo, hi in over:
        if sym == s:
            return lo, hi
    if domain is not None and s in domain.ranges:
        return domain.ranges[s]
    if s.is_integer and s.is_positive:
        return 1, None
    if s.is_integer and s.is_nonnegative:
        return 0, None
    if s.is_nonnegative:
        return 0, None
    return None, None


def _cond(lhs, rel, rhs, why):
    from ._core import Fact

    return Fact(sp.sympify(lhs), rel, sp.sympify(rhs), why)


def range_conditions(s, v, over=(), domain=None, why=""):
    """The facts ``v`` must satisfy to stand for ``s`` (module docstring)."""
    lo, hi = symbol_range(s, over, domain)
    v = sp.sympify(v)
    tag = f"{s} = {v} in the range of {s}" + (f" ({why})" if why else "")
    out = []
    if s.is_integer and v.is_integer is not True:
        out.append(_cond(1, LE, 0, f"{tag}: {v} is not known to be an integer"))
    if lo is not None:
        strict = s.is_positive and not s.is_integer and sp.sympify(lo) == 0
        out.append(_cond(lo, LT if strict else LE, v, tag))
    if hi is not None:
        out.append(_cond(v, LE, hi, tag))
    return out


def sum_range_conditions(k, lo, hi, over=(), domain=None):
    r"""What summing a fact over :math:`k = lo..hi` needs: the fact holds at every index the
    sum uses (:math:`lo..hi`, or :math:`hi+1..lo-1` when reversed under Karr's convention),
    i.e. :math:`lo_k \le lo`, :math:`lo - 1 \le hi_k`, :math:`lo_k - 1 \le hi`,
    :math:`hi \le hi_k` for the range :math:`[lo_k, hi_k]` of :math:`k`; integer limits for an
    integer index."""
    lo_k, hi_k = symbol_range(k, over, domain)
    tag = f"{k} = {lo}..{hi} within the range of {k}"
    out = [
        _cond(1, LE, 0, f"{tag}: {e} is not known to be an integer")
        for e in (sp.sympify(lo), sp.sympify(hi))
        if k.is_integer and e.is_integer is not True
    ]
    if lo_k is not None:
        out += [_cond(lo_k, LE, lo, tag), _cond(sp.sympify(lo_k) - 1, LE, hi, tag)]
    if hi_k is not None:
        out += [_cond(sp.sympify(lo) - 1, LE, hi_k, tag), _cond(hi, LE, hi_k, tag)]
    return out


def quantified(fact, params):
    """The symbols a stated fact holds for every value of: its ``over`` symbols, and its
    integer (index) symbols that are not parameters of the proof (``params``)."""
    declared = {s for s, _, _ in fact.over}
    free = sp.sympify(fact.lhs).free_symbols | sp.sympify(fact.rhs).free_symbols
    return declared | {s for s in free if s.is_integer and s not in params}


def fact_over(fact):
    """The ``over`` entries in force for ``fact``, through derived facts down to the root
    (a substituted or summed-over symbol no longer ranges)."""
    if fact.origin != "derived" or fact.base is None:
        return tuple(fact.over)
    inner = fact_over(fact.base)
    gone = {s for s, _ in fact.subs} | ({fact.bind[0]} if fact.bind else set())
    own = {s for s, _, _ in fact.over}
    return tuple(fact.over) + tuple(e for e in inner if e[0] not in gone | own)
