r"""Two bookkeeping identities for the momentum proofs, as Fact constructors.

* :func:`expect_sum`: linearity of the expectation over a finite sum with deterministic
  weights, :math:`\mathbb E[\sum_k c_k X_k] = \sum_k c_k\,\mathbb E X_k`. The rule
  :func:`proofs._rules_expectation.expectation` keeps a sum *inside* ``E`` (one opaque
  atom); this rule opens it when the terms are needed one by one (Défossez et al.'s Lemma
  A.2 treats each lag of the momentum with its own conditional expectation).
* :func:`reflect`: the index reversal :math:`\sum_{k=lo}^{hi} f(k) = \sum_{j=c-hi}^{c-lo}
  f(c-j)` (lag :math:`k = t - j` against step :math:`j`).

Both are identities for all integer limits under Karr's convention (:mod:`proofs._rules`):
a reversed sum is minus a sum on both sides (for :func:`reflect`: :math:`hi < lo - 1` iff
:math:`c - lo < c - hi - 1`, and the two negated ranges are reflections of each other), so
they need no range condition. Tests: ``tests/proofs/test_rules_momentum.py``.
"""

from __future__ import annotations

import sympy as sp

from ._core import EQ, Fact
from ._rules_expectation import E


def expect_sum(c, x, k, lo, hi, data):
    r""":math:`\mathbb E[\sum_{k=lo}^{hi} c(k)\,x(k)] = \sum_{k=lo}^{hi} c(k)\,\mathbb E[x(k)]`.

    ``c(k)``: a deterministic weight; ``x(k)``: a random term (it may be a finite sum).

    Side conditions (a ``ValueError`` when they fail): ``c(k)`` contains no run data (no
    function of ``data``) and no expectation; ``x(k)`` contains no expectation; neither limit
    depends on ``k``. Every random term is bounded here (the module docstring of
    :mod:`proofs._rules_expectation`), so each expectation exists."""
    w, body = sp.sympify(c(k)), sp.sympify(x(k))
    if w.has(E) or any(w.has(f) for f in data):
        raise ValueError(f"expect_sum: the weight {w} must be deterministic")
    if body.has(E):
        raise ValueError(f"expect_sum: the term {body} must not contain an expectation")
    if sp.sympify(lo).has(k) or sp.sympify(hi).has(k):
        raise ValueError("expect_sum: the limits must not depend on the index")
    return Fact(E(sp.Sum(w * body, (k, lo, hi))), EQ, sp.Sum(w * E(body), (k, lo, hi)),
                "linearity of the expectation over a finite sum", (), "rule")  # fmt: skip


def reflect(f, k, lo, hi, c, j):
    r""":math:`\sum_{k=lo}^{hi} f(k) = \sum_{j=c-hi}^{c-lo} f(c-j)`.

    Side conditions (a ``ValueError`` when they fail): ``j`` is fresh (in neither ``f(k)``,
    the limits nor ``c``; no capture); ``c`` and the limits are free of ``k``."""
    if any(sp.sympify(e).has(j) for e in (f(k), lo, hi, c)):
        raise ValueError("reflect: the new index must be fresh")
    if any(sp.sympify(e).has(k) for e in (lo, hi, c)):
        raise ValueError("reflect: the limits and the centre must not depend on the index")
    return Fact(sp.Sum(f(k), (k, lo, hi)), EQ, sp.Sum(f(c - j), (j, c - hi, c - lo)),
                "reversing the summation index", (), "rule")  # fmt: skip


__all__ = ["expect_sum", "reflect"]
