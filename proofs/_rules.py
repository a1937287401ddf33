r"""Standard inequalities and bookkeeping rules, as Fact constructors.

Each returns a :class:`~proofs._core.Fact` that is true by a named standard argument; where
the argument needs a condition (a positive Young weight, a ratio below one) the Fact
carries it as an obligation that the citing proof must establish. Every docstring lists the
rule's side conditions under "Side conditions"; each is an obligation (or, where it is
structural, a ``ValueError`` at construction) and :mod:`proofs._mutants_side` breaks each.

Sums follow sympy's (Karr's) convention :math:`\sum_{k=lo}^{hi} = -\sum_{k=hi+1}^{lo-1}`
for :math:`hi < lo - 1`, which the checker's normal form also uses; under it the
bookkeeping identities (peeling, shifting, splitting, telescoping) hold for all integer
limits, so they need no condition, while summing an *inequality* does (:func:`termwise`).
"""

from __future__ import annotations

import sympy as sp

from ._core import EQ, LE, LT, Fact


def _fact(lhs, rel, rhs, why, *conditions):
    obligations = tuple((c, ()) for c in conditions)
    return Fact(sp.sympify(lhs), rel, sp.sympify(rhs), why, obligations, "rule")


def _nonneg(x):
    return Fact(sp.S.Zero, LE, sp.sympify(x), "condition")


def _pos(x):
    return Fact(sp.S.Zero, LT, sp.sympify(x), "condition")


def young(x, y, lam):
    r"""Young: :math:`xy \le \frac{\lambda}{2}x^2 + \frac{1}{2\lambda}y^2`.

    Side conditions: :math:`\lambda > 0` (a weight, and a divisor)."""
    return _fact(x * y, LE, lam * x**2 / 2 + y**2 / (2 * lam), "Young's inequality", _pos(lam))


def am_gm(a, b):
    r"""AM-GM: :math:`\sqrt{ab} \le (a + b)/2`.

    Side conditions: :math:`a \ge 0`, :math:`b \ge 0` (real square roots)."""
    return _fact(sp.sqrt(a) * sp.sqrt(b), LE, (a + b) / 2, "AM-GM", _nonneg(a), _nonneg(b))


def cauchy_schwarz(a, b, k, lo, hi):
    r"""Cauchy-Schwarz: :math:`(\sum_k a_k b_k)^2 \le (\sum_k a_k^2)(\sum_k b_k^2)`.

    Side conditions: none (real terms; for :math:`hi < lo - 1` both sides change sign
    together under Karr's convention)."""
    lhs = sp.Sum(a * b, (k, lo, hi)) ** 2
    rhs = sp.Sum(a**2, (k, lo, hi)) * sp.Sum(b**2, (k, lo, hi))
    return _fact(lhs, LE, rhs, "Cauchy-Schwarz")


def telescope(F, k, lo, hi):
    r"""Telescoping: :math:`\sum_{k=lo}^{hi} (F(k) - F(k-1)) = F(hi) - F(lo - 1)`.

    Side conditions: none (an identity for all integer limits under Karr's convention)."""
    return _fact(sp.Sum(F(k) - F(k - 1), (k, lo, hi)), EQ, F(hi) - F(lo - 1), "telescoping")


def peel_last(f, k, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} f(k) = \sum_{k=lo}^{hi-1} f(k) + f(hi)`.

    Side conditions: none (Karr's convention; with the empty-sum reading, :math:`hi \ge lo`)."""
    return _fact(sp.Sum(f(k), (k, lo, hi)), EQ, sp.Sum(f(k), (k, lo, hi - 1)) + f(hi),
                 "splitting off the last term of a sum")  # fmt: skip


def peel_first(f, k, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} f(k) = f(lo) + \sum_{k=lo+1}^{hi} f(k)`.

    Side conditions: none (Karr's convention; with the empty-sum reading, :math:`hi \ge lo`)."""
    return _fact(sp.Sum(f(k), (k, lo, hi)), EQ, f(lo) + sp.Sum(f(k), (k, lo + 1, hi)),
                 "splitting off the first term of a sum")  # fmt: skip


def shift(f, k, lo, hi, by):
    r"""Index shift: :math:`\sum_{k=lo}^{hi} f(k) = \sum_{k=lo-by}^{hi-by} f(k + by)`.

    Side conditions: ``by`` free of ``k`` (a ``ValueError`` otherwise)."""
    if sp.sympify(by).has(k):
        raise ValueError("shift: the offset must not depend on the index")
    return _fact(sp.Sum(f(k), (k, lo, hi)), EQ, sp.Sum(f(k + by), (k, lo - by, hi - by)),
                 "shifting the summation index")  # fmt: skip


def swap(f, j, t, T):
    r"""Exchange of a triangular double sum:
    :math:`\sum_{t=1}^T\sum_{j=1}^t f(j, t) = \sum_{j=1}^T \sum_{t=j}^T f(j, t)`.

    Side conditions: ``T`` free of ``j`` and ``t`` (a ``ValueError`` otherwise)."""
    if sp.sympify(T).has(j) or sp.sympify(T).has(t):
        raise ValueError("swap: the upper limit must not depend on the indices")
    lhs = sp.Sum(sp.Sum(f(j, t), (j, 1, t)), (t, 1, T))
    rhs = sp.Sum(sp.Sum(f(j, t), (t, j, T)), (j, 1, T))
    return _fact(lhs, EQ, rhs, "exchanging the order of summation")


def termwise(fact, k, lo, hi, why=None):
    r"""Summing ``fact`` over :math:`k = lo, \dots, hi`.

    Side conditions (checked by the citing proof): ``lo`` and ``hi`` lie in the range of
    :math:`k` for which ``fact`` holds (:mod:`proofs._domain`); :math:`k` is quantified in a
    hypothesis (not a parameter of the proof); for an inequality, :math:`lo - 1 \le hi` (a
    sum with :math:`hi < lo - 1` is minus a sum under Karr's convention, which flips it)."""
    conditions = () if fact.rel == EQ else ((_cond(lo - 1, hi, "the summation range is "
                                                  "not reversed"), ()),)  # fmt: skip
    return Fact(sp.Sum(fact.lhs, (k, lo, hi)), fact.rel, sp.Sum(fact.rhs, (k, lo, hi)),
                why or f"summing over {k} = {lo}..{hi}: {fact.why}",
                fact.obligations + conditions, "derived", fact,
                bind=(k, sp.sympify(lo), sp.sympify(hi)))  # fmt: skip


def scale(fact, c, why=None):
    r""":math:`c \cdot` lhs vs :math:`c \cdot` rhs.

    Side conditions: :math:`c \ge 0` for an inequality (any :math:`c` for an identity)."""
    conditions = () if fact.rel == EQ else ((_nonneg(c), ()),)
    return Fact(c * fact.lhs, fact.rel, c * fact.rhs, why or fact.why,
                fact.obligations + conditions, "derived", fact)  # fmt: skip


def apply(fact, fn, why=None):
    r"""From :math:`a = b`, :math:`f(a) = f(b)`.

    Side conditions: ``fact`` is an identity (a ``ValueError`` otherwise); none on ``fn``
    (equal arguments give equal values, defined or not)."""
    if fact.rel != EQ:
        raise ValueError("apply needs an identity; for inequalities use a monotone rule")
    return Fact(fn(fact.lhs), EQ, fn(fact.rhs), why or fact.why, fact.obligations, "derived",
                fact)  # fmt: skip


def substitute(fact, subs, why=None):
    r"""A fact with some of its free symbols replaced (``{t: T}``).

    Side conditions (checked by the citing proof, :mod:`proofs._domain`): each replaced
    symbol is quantified in ``fact`` (a hypothesis about the proof's own :math:`\beta_1`
    says nothing about another value); each value lies in the symbol's range (and is an
    integer for an integer symbol). The fact's own conditions are substituted too."""
    subs = {k: sp.sympify(v) for k, v in dict(subs).items()}

    def sub(e):
        return sp.sympify(e).xreplace(subs)

    def moved(g):
        return substitute(g, subs) if _free(g) & set(subs) else g

    obligations = tuple(
        (Fact(sub(h.lhs), h.rel, sub(h.rhs), h.why), tuple(moved(g) for g in given))
        for h, given in fact.obligations
    )
    return Fact(sub(fact.lhs), fact.rel, sub(fact.rhs), why or fact.why, obligations,
                "derived", fact, subs=tuple((k, v) for k, v in subs.items()
                                            if k in _free(fact)))  # fmt: skip


def _free(fact):
    return sp.sympify(fact.lhs).free_symbols | sp.sympify(fact.rhs).free_symbols


def _cond(lhs, rhs, why="condition"):
    return Fact(sp.sympify(lhs), LE, sp.sympify(rhs), why)


def log_ratio(a, b):
    r""":math:`1 - b/a \le \ln a - \ln b` (i.e. :math:`1 - 1/x \le \ln x`).

    Side conditions: :math:`a > 0` (a divisor and a logarithm), :math:`b > 0` (a
    logarithm)."""
    return _fact(1 - b / a, LE, sp.log(a) - sp.log(b), "1 - 1/x <= ln x", _pos(a), _pos(b))


def log_quotient(a, b, q):
    r""":math:`\ln a - \ln b = \ln q` for :math:`q = a/b` (checked by ``sympy.cancel``).

    Side conditions: :math:`a > 0`, :math:`b > 0` (real logarithms); :math:`q = a/b` (a
    ``ValueError`` otherwise)."""
    if sp.cancel(sp.together(sp.sympify(q) - sp.sympify(a) / b)) != 0:
        raise ValueError(f"log_quotient: {q} is not {a}/({b})")
    return _fact(sp.log(a) - sp.log(b), EQ, sp.log(q), "ln a - ln b = ln(a/b)", _pos(a),
                 _pos(b))  # fmt: skip


def geometric(r, k, lo, hi):
    r""":math:`\sum_{k=lo}^{hi} r^{k-lo} \le 1/(1-r)`.

    Side conditions: :math:`r \ge 0`, :math:`1 - r > 0` (the ratio below one; a divisor),
    :math:`lo - 1 \le hi` (a partial sum of the series)."""
    return _fact(sp.Sum(r ** (k - lo), (k, lo, hi)), LE, 1 / (1 - r), "geometric series",
                 _nonneg(r), _pos(1 - r), _cond(lo - 1, hi))  # fmt: skip


def nonneg(x, why):
    r"""A non-negativity fact :math:`0 \le x`, stated (so it must be a hypothesis)."""
    return Fact(sp.S.Zero, LE, sp.sympify(x), why)


__all__ = [
    "am_gm",
    "apply",
    "cauchy_schwarz",
    "geometric",
    "given",
    "log_quotient",
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
    r""":math:`\sqrt x \le \sqrt y`.

    Side conditions: :math:`0 \le x` (a real square root), :math:`x \le y`."""
    return _fact(sp.sqrt(x), LE, sp.sqrt(y), "the square root is increasing", _nonneg(x),
                 _cond(x, y))  # fmt: skip


def given(fact, *facts):
    """``fact`` with ``facts`` offered to establish each of its conditions (obligations)."""
    obligations = tuple((h, tuple(g) + facts) for h, g in fact.obligations)
    return Fact(fact.lhs, fact.rel, fact.rhs, fact.why, obligations, fact.origin, fact.base,
                fact.over, fact.subs, fact.bind)  # fmt: skip
