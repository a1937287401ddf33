r"""Lemma (a discounted running maximum stays below a bound of its inputs). For
:math:`x_0 = 0`, :math:`x_n = \max(\mu\,x_{n-1}, y_n)` with :math:`0 \le \mu \le 1` and
:math:`y_n \le B` for every :math:`n \ge 1` (:math:`B \ge 0`):

.. math:: x_n \le B \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`): :math:`\mu x_{n-1} \le \mu B \le
B` and :math:`y_n \le B`. One recurrence for both long-memory terms of the coefficient-path
theorem: :math:`\mu = 1` is AMSGrad's :math:`v^{\max}_t`, :math:`\mu = 0` is Adam's
:math:`v_t` (:math:`\max(0, v_t) = v_t`).
"""

import sympy as sp

from ._algebra import Domain
from ._core import EQ, LE, Step, eq, le
from ._ema import BASE_STEPS, IH, X0, Y_LE, B, k, n, x1, y1
from ._induction import induction_proofs
from ._rules import scale
from ._rules_constant import max_le

mu = sp.Symbol("mu", nonnegative=True)
REC = eq(x1(n), sp.Max(mu * x1(n - 1), y1(n)), "x_n = max(mu x_{n-1}, y_n) (n >= 1)")

PROOF, PARTS = induction_proofs(
    "lemma_path_max_bound",
    "A discounted running maximum stays below B",
    le(x1(n), B, "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=BASE_STEPS,
    step_hypotheses=(REC, Y_LE),
    step_steps=(
        Step(EQ, sp.Max(mu * x1(n - 1), y1(n)), "the recurrence", by=[REC]),
        Step(
            LE,
            B,
            "mu x_{n-1} <= mu B <= B (0 <= mu <= 1) and y_n <= B",
            by=[max_le(mu * x1(n - 1), y1(n), B, given=[scale(IH, mu), Y_LE])],
        ),
    ),
    data=(x1, y1),
    domain=Domain({mu: (0, 1)}),
)
