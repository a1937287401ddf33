r"""Lemma (an exponential moving average stays below a bound of its inputs). For
:math:`x_0 = 0`, :math:`x_n = b\,x_{n-1} + (1-b)\,y_n` with :math:`0 \le b \le 1` and
:math:`y_n \le B` for every :math:`n \ge 1` (:math:`B \ge 0`):

.. math:: x_n \le B \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`): :math:`x_0 = 0 \le B`;
:math:`x_n = b x_{n-1} + (1-b) y_n \le bB + (1-b)B = B`. With :math:`x = v`,
:math:`b = \beta_2`, :math:`y = g^2`, :math:`B = G_\infty^2`: :math:`v_t \le G_\infty^2`, and
with it :math:`\bar v_t = Sv_t/t \le G_\infty^2` (:mod:`proofs.lemma_avgrad_accumulator`).
"""

from analysis.symbols import beta2

from ._algebra import Domain
from ._core import EQ, LE, Step, eq, le
from ._ema import BASE_STEPS, IH, X0, Y_LE, B, k, n, x1, y1
from ._induction import induction_proofs

b = beta2  # the theorems' beta2 (a positive symbol); 0 <= b <= 1 is this lemma's Domain
REC = eq(x1(n), b * x1(n - 1) + (1 - b) * y1(n), "x_n = b x_{n-1} + (1 - b) y_n (n >= 1)")

PROOF, PARTS = induction_proofs(
    "lemma_ema_bound",
    "An exponential moving average stays below B",
    le(x1(n), B, "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=BASE_STEPS,
    step_hypotheses=(REC, Y_LE),
    step_steps=(
        Step(EQ, b * x1(n - 1) + (1 - b) * y1(n), "the recurrence", by=[REC]),
        Step(
            LE,
            B,
            "x_{n-1} <= B (weight b >= 0), y_n <= B (weight 1 - b >= 0)",
            by=[(b, IH), (1 - b, Y_LE)],
        ),
    ),
    data=(x1, y1),
    domain=Domain({b: (0, 1)}),
)
