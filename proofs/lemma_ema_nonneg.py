r"""Lemma (a recurrence with non-negative weights and inputs stays non-negative). For
:math:`x_0 = 0`, :math:`x_n = b\,x_{n-1} + c\,y_n` with :math:`b, c \ge 0` and
:math:`y_n \ge 0` for every :math:`n \ge 1`:

.. math:: 0 \le x_n \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`). It proves the signs the theorems
declare for their run data: :math:`v_t \ge 0` (:math:`b = \beta_2`, :math:`c = 1 - \beta_2`,
:math:`y = g^2`), :math:`Sv_t \ge 0` (:math:`b = c = 1`, :math:`y = v \ge 0`), hence
:math:`\hat v \ge 0` for Adam (:math:`v`), AVGrad (:math:`Sv_t/t`) and their interpolations
(non-negative combinations); :mod:`proofs.lemma_vmax_bound` covers AMSGrad's maximum.
"""

from ._core import EQ, LE, Step, eq, le
from ._ema import b, c, k, n, x1, y1
from ._induction import induction_proofs

X0 = eq(x1(0), 0, "x_0 = 0")
REC = eq(x1(n), b * x1(n - 1) + c * y1(n), "x_n = b x_{n-1} + c y_n (n >= 1)")
Y_NONNEG = le(0, y1(n), "y_n >= 0 (n >= 1)")
IH = le(0, x1(n - 1), "induction hypothesis")

PROOF, PARTS = induction_proofs(
    "lemma_ema_nonneg",
    "A non-negative recurrence stays non-negative",
    le(0, x1(n), "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=(Step(EQ, x1(0), "x_0 = 0", by=[(-1, X0)]),),
    step_hypotheses=(REC, Y_NONNEG),
    step_steps=(
        Step(
            LE,
            b * x1(n - 1) + c * y1(n),
            "b x_{n-1} >= 0 and c y_n >= 0",
            by=[(b, IH), (c, Y_NONNEG)],
        ),
        Step(EQ, x1(n), "the recurrence", by=[(-1, REC)]),
    ),
    data=(x1, y1),
)
