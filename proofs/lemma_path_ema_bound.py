r"""Lemma (an EMA with a time-varying weight stays below a bound of its inputs). For
:math:`x_0 = 0`, :math:`x_n = b_n x_{n-1} + (1-b_n) y_n` with :math:`0 \le b_n \le 1` and
:math:`y_n \le B` for every :math:`n \ge 1` (:math:`B \ge 0`):

.. math:: x_n \le B \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`), as :mod:`proofs.lemma_ema_bound`
with the weight :math:`b_n` read at each step. With :math:`x = v`, :math:`b_n = \beta_{2n}`
(a learned path), :math:`y = g^2`: :math:`v_t \le G_\infty^2` along any path in the box
(:mod:`proofs.coefficient_path_regret`).
"""

import sympy as sp

from ._core import EQ, LE, Step, eq, le
from ._ema import BASE_STEPS, IH, X0, Y_LE, B, k, n, x1, y1
from ._induction import induction_proofs

b1 = sp.Function("b1", nonnegative=True)  # the weight path (b_n >= 0 by its sign)
REC = eq(x1(n), b1(n) * x1(n - 1) + (1 - b1(n)) * y1(n),
         "x_n = b_n x_{n-1} + (1 - b_n) y_n (n >= 1)")  # fmt: skip
B_LE1 = le(b1(n), 1, "b_n <= 1 (n >= 1)")

PROOF, PARTS = induction_proofs(
    "lemma_path_ema_bound",
    "An EMA with a weight path stays below B",
    le(x1(n), B, "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=BASE_STEPS,
    step_hypotheses=(REC, B_LE1, Y_LE),
    step_steps=(
        Step(EQ, b1(n) * x1(n - 1) + (1 - b1(n)) * y1(n), "the recurrence", by=[REC]),
        Step(
            LE,
            B,
            "x_{n-1} <= B (weight b_n >= 0), y_n <= B (weight 1 - b_n >= 0)",
            by=[(b1(n), IH), (1 - b1(n), Y_LE)],
        ),
    ),
    data=(x1, y1, b1),
)
