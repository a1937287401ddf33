r"""The sign of a sum of non-negative terms, as a Fact constructor with its range condition.

Under Karr's convention (:mod:`proofs._rules`) a sum whose range is reversed,
:math:`hi < lo - 1`, is minus a sum: :math:`\sum_{k=4}^{1} 1 = -2`. A proof that drops a
sum of non-negative terms from a remainder therefore needs :math:`lo - 1 \le hi`, which
:func:`sum_nonneg` makes an obligation; below a termwise sum it is discharged from the
summation range (e.g. :math:`l \le k` gives :math:`\sum_{s=1}^{k-l} X_s \ge 0`), as in
:mod:`proofs.lemma_momentum_triple_sum`.
"""

from __future__ import annotations

import sympy as sp

from ._core import LE, Fact


def sum_nonneg(f, k, lo, hi):
    r""":math:`0 \le \sum_{k=lo}^{hi} f(k)`.

    Side conditions: :math:`f(s) \ge 0` at a fresh integer :math:`s` (every term, judged on
    its own: nothing about :math:`s`'s range or the citing proof's indices is assumed);
    :math:`lo - 1 \le hi` (the range is not reversed)."""
    s = sp.Dummy("s", integer=True)
    conditions = (
        (Fact(sp.S.Zero, LE, sp.sympify(f(s)), "every term is non-negative"), ()),
        (Fact(sp.sympify(lo) - 1, LE, sp.sympify(hi), "the summation range is not reversed"), ()),
    )
    return Fact(sp.S.Zero, LE, sp.Sum(f(k), (k, lo, hi)), "a sum of non-negative terms",
                conditions, "rule")  # fmt: skip


__all__ = ["sum_nonneg"]
