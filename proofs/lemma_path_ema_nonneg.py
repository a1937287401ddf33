r"""Lemma (an EMA with a time-varying weight and non-negative inputs stays non-negative). For
:math:`x_0 = 0`, :math:`x_n = b_n x_{n-1} + (1-b_n) y_n` with :math:`0 \le b_n \le 1` and
:math:`y_n \ge 0` for every :math:`n \ge 1`:

.. math:: 0 \le x_n \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`), as :mod:`proofs.lemma_ema_nonneg`
with the weight :math:`b_n` read at each step. With :math:`x = v`, :math:`b_n = \beta_{2n}`
(a learned path), :math:`y = g^2`: the sign :math:`v_t \ge 0` that the coefficient-path
theorem declares for its data (:mod:`proofs.lemma_path_signs`).
"""

import sympy as sp

from ._core import EQ, LE, Step, eq, le
from ._ema import k, n, x1, y1
from ._induction import induction_proofs

b1 = sp.Function("b1", nonnegative=True)  # the weight path (b_n >= 0 by its sign)
X0 = eq(x1(0), 0, "x_0 = 0")
REC = eq(x1(n), b1(n) * x1(n - 1) + (1 - b1(n)) * y1(n),
         "x_n = b_n x_{n-1} + (1 - b_n) y_n (n >= 1)")  # fmt: skip
B_LE1 = le(b1(n), 1, "b_n <= 1 (n >= 1)")
Y_NONNEG = le(0, y1(n), "y_n >= 0 (n >= 1)")
IH = le(0, x1(n - 1), "induction hypothesis")

PROOF, PARTS = induction_proofs(
    "lemma_path_ema_nonneg",
    "An EMA with a weight path and non-negative inputs stays non-negative",
    le(0, x1(n), "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=(Step(EQ, x1(0), "x_0 = 0", by=[(-1, X0)]),),
    step_hypotheses=(REC, B_LE1, Y_NONNEG),
    step_steps=(
        Step(
            LE,
            b1(n) * x1(n - 1) + (1 - b1(n)) * y1(n),
            "x_{n-1} >= 0 (weight b_n >= 0), y_n >= 0 (weight 1 - b_n >= 0)",
            by=[(b1(n), IH), (1 - b1(n), Y_NONNEG)],
        ),
        Step(EQ, x1(n), "the recurrence", by=[(-1, REC)]),
    ),
    data=(x1, y1, b1),
)
