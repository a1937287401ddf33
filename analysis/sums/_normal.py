"""The normal form of a Sum expression, in which proofs compare and certify expressions.

:func:`normalize` distributes sums over additions and pulls index-free factors out of sums, so
that two ways of writing the same linear combination of sums compare equal term by term. Ranges
follow Karr's convention, :math:`\\sum_{k=lo}^{hi} f = -\\sum_{k=hi+1}^{lo-1} f` for
:math:`hi < lo - 1` (sympy's ``Sum.doit``), under which :math:`\\sum_{k=lo}^{hi} c = (hi - lo
+ 1)\\,c` for every pair of limits, and which :func:`analysis.sums.evaluate` follows.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import sympy as sp


def normalize(expr):
    """Distribute sums over additions, pull index-free factors out of sums, expand.

    >>> from analysis.symbols import T, g, i, t
    >>> normalize(sp.Sum(2 * g(t, i) + g(1, i), (t, 1, T)))
    T*g(1, i) + 2*Sum(g(t, i), (t, 1, T))
    """
    return _normalize(sp.sympify(expr))


@lru_cache(maxsize=65536)  # proofs and their mutants share most expressions
def _normalize(expr):
    expr = sp.expand(expr)
    return sp.Add(*[_term(a) for a in sp.Add.make_args(expr)])


def _term(term):
    out = [_sum(f) if isinstance(f, sp.Sum) else f for f in sp.Mul.make_args(term)]
    return sp.expand(sp.Mul(*out))


def _sum(s):
    """Each limit in turn, innermost first (sympy flattens nested sums into one object)."""
    result = s.function
    for k, lo, hi in s.limits:
        result = _single(result, k, lo, hi)
    return result


def _single(f, k, lo, hi):
    result = sp.S.Zero
    for term in sp.Add.make_args(normalize(f)):
        indep, dep = term.as_independent(k, as_Add=False)
        result += indep * (hi - lo + 1) if dep == 1 else indep * sp.Sum(dep, (k, lo, hi))
    return sp.expand(result)


def is_scalar(e, data):
    """True when ``e`` has no Sum and none of the run functions ``data``."""
    return not e.has(sp.Sum) and not any(e.has(f) for f in data)


def split(expr, data):
    """Normal form as {structural part: scalar coefficient}; key 1 holds the scalar part.

    >>> from analysis.symbols import T, alpha, g, i, t
    >>> split(alpha * sp.Sum(g(t, i) * (T + 1), (t, 1, T)), [g])
    {Sum(g(t, i), (t, 1, T)): T*alpha + alpha}
    """
    groups = defaultdict(lambda: sp.S.Zero)
    for term in sp.Add.make_args(normalize(expr)):
        scalar, struct = [], []
        for f in sp.Mul.make_args(term):
            (scalar if is_scalar(f, data) else struct).append(f)
        groups[sp.Mul(*struct)] += sp.Mul(*scalar)
    return dict(groups)
