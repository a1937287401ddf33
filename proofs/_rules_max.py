r"""The maximum's two defining inequalities, as Fact constructors.

:func:`proofs._rules_constant.max_le` gives the upper side (:math:`\max(a, b) \le c` from
:math:`a, b \le c`); these give the lower side, which the safeguard
:math:`W_t = \max(W_{t-1}, t\tilde v_t)` and AMSGrad's running maximum need: the maximum
dominates each argument. With them the safe set's S1 (:math:`W_{t-1} \le W_t`) and S2
(:math:`W_t \ge t\tilde v_t \ge \dots`) are certified steps, not hypotheses
(:mod:`proofs.lemma_safeguard_monotone`, :mod:`proofs.lemma_safeguard_lower`).
"""

from __future__ import annotations

import sympy as sp

from ._core import LE, Fact


def le_max_left(a, b):
    r""":math:`a \le \max(a, b)`.

    Side conditions: none (real :math:`a, b`; every expression here is real)."""
    return Fact(sp.sympify(a), LE, sp.Max(a, b), "a <= max(a, b)", (), "rule")


def le_max_right(a, b):
    r""":math:`b \le \max(a, b)`.

    Side conditions: none (real :math:`a, b`; every expression here is real)."""
    return Fact(sp.sympify(b), LE, sp.Max(a, b), "b <= max(a, b)", (), "rule")


__all__ = ["le_max_left", "le_max_right"]
