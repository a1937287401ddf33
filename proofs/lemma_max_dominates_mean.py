r"""Lemma (a running maximum dominates the running mean). For :math:`x_0 = S_0 = 0`,
:math:`x_n = \max(x_{n-1}, y_n)` and :math:`S_n = S_{n-1} + y_n` for every :math:`n \ge 1`:

.. math:: S_n \le n\,x_n \quad (n \ge 0).

Proof: induction on :math:`n` (:mod:`proofs._induction`): :math:`S_n = S_{n-1} + y_n \le
(n-1)x_{n-1} + y_n \le (n-1)x_n + x_n`, as the maximum dominates both its arguments
(:mod:`proofs._rules_max`). With :math:`x = v^{\max}`, :math:`y = v`, :math:`S = Sv`:
:math:`t\,v^{\max}_t \ge Sv_t = t\bar v_t`, the fact that lets the AMSGrad/AVGrad
interpolation take any :math:`\rho_t \in [0, 1]` (:mod:`proofs.lemma_coefficient_path_max`).
"""

import sympy as sp

from ._core import EQ, LE, Step, eq, le
from ._ema import k, n, x1, y1
from ._induction import induction_proofs
from ._rules_max import le_max_left, le_max_right

S1 = sp.Function("S1", real=True)  # the running sum of the inputs
X0 = eq(x1(0), 0, "x_0 = 0")
S0 = eq(S1(0), 0, "S_0 = 0")
REC = eq(x1(n), sp.Max(x1(n - 1), y1(n)), "x_n = max(x_{n-1}, y_n) (n >= 1)")
SREC = eq(S1(n), S1(n - 1) + y1(n), "S_n = S_{n-1} + y_n (n >= 1)")
IH = le(S1(n - 1), (n - 1) * x1(n - 1), "induction hypothesis")

PROOF, PARTS = induction_proofs(
    "lemma_max_dominates_mean",
    "A running maximum dominates the running mean: S_n <= n x_n",
    le(S1(n), n * x1(n), "claim"),
    n,
    k,
    base_hypotheses=(X0, S0),
    base_steps=(Step(EQ, 0, "S_0 = 0", by=[S0]), Step(EQ, 0 * x1(0), "0 x_0 = 0")),
    step_hypotheses=(REC, SREC),
    step_steps=(
        Step(EQ, S1(n - 1) + y1(n), "the running sum", by=[SREC]),
        Step(LE, (n - 1) * x1(n - 1) + y1(n), "induction hypothesis", by=[IH]),
        Step(
            LE,
            n * x1(n),
            "x_{n-1} <= max = x_n (weight n - 1 >= 0) and y_n <= max = x_n",
            by=[
                (n - 1, le_max_left(x1(n - 1), y1(n))),
                le_max_right(x1(n - 1), y1(n)),
                (-n, REC),
            ],
        ),
    ),
    data=(x1, y1, S1),
)
