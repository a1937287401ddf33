r"""Lemma (AMSGrad's running maximum stays below the bound of its inputs). For
:math:`x_0 = 0`, :math:`x_n = \max(x_{n-1}, y_n)` with :math:`y_n \le B` for every
:math:`n \ge 1` (:math:`B \ge 0`):

.. math:: x_n \le B \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`): :math:`x_0 = 0 \le B`;
:math:`\max(x_{n-1}, y_n) \le B` as both are. With :math:`x = v_{\max}`, :math:`y = v \le
G_\infty^2` (:mod:`proofs.lemma_ema_bound`): :math:`v_{\max,t} \le G_\infty^2`.
"""

import sympy as sp

from ._core import EQ, LE, Step, eq, le
from ._ema import B, k, n, x1, y1
from ._induction import induction_proofs
from ._rules_constant import max_le

X0 = eq(x1(0), 0, "x_0 = 0")
REC = eq(x1(n), sp.Max(x1(n - 1), y1(n)), "x_n = max(x_{n-1}, y_n) (n >= 1)")
Y_LE = le(y1(n), B, "y_n <= B (n >= 1)")
IH = le(x1(n - 1), B, "induction hypothesis")

PROOF, PARTS = induction_proofs(
    "lemma_vmax_bound",
    "A running maximum stays below B",
    le(x1(n), B, "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=(Step(EQ, 0, "x_0 = 0", by=[X0]), Step(LE, B, "B >= 0")),
    step_hypotheses=(REC, Y_LE),
    step_steps=(
        Step(EQ, sp.Max(x1(n - 1), y1(n)), "the recurrence", by=[REC]),
        Step(
            LE,
            B,
            "both arguments of the max are <= B",
            by=[max_le(x1(n - 1), y1(n), B, given=[IH, Y_LE])],
        ),
    ),
    data=(x1, y1),
)
