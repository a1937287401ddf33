r"""Lemma (a running maximum never falls). For :math:`x_n = \max(x_{n-1}, y_n)` (:math:`n \ge 1`):

.. math:: x_{n-1} \le x_n .

With :math:`x = W = t\hat v_t` and :math:`y = t\tilde v_t` this is the safe set's (S1) for
the safeguarded path, :math:`\sqrt{\hat v_{t,i}}/\alpha_t` non-decreasing
(:mod:`proofs.coefficient_path_regret`); with :math:`x = v^{\max}`, :math:`y = v` it is
AMSGrad's monotone maximum. Proof: the maximum dominates its first argument
(:func:`proofs._rules_max.le_max_left`).
"""

import sympy as sp

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._ema import x1, y1
from ._rules_max import le_max_left

n = sp.Symbol("n", positive=True, integer=True)
REC = eq(x1(n), sp.Max(x1(n - 1), y1(n)), "x_n = max(x_{n-1}, y_n)")

PROOF = Proof(
    id="lemma_safeguard_monotone",
    title="A running maximum never falls: x_{n-1} <= max(x_{n-1}, y_n) = x_n",
    statement=le(x1(n - 1), x1(n), "claim"),
    hypotheses=(REC,),
    steps=(
        Step(
            LE,
            sp.Max(x1(n - 1), y1(n)),
            "the maximum dominates its first argument",
            by=[le_max_left(x1(n - 1), y1(n))],
        ),
        Step(EQ, x1(n), "the recurrence", by=[(-1, REC)]),
    ),
    data=(x1, y1),
    domain=Domain(),
)
