r"""Lemma (the safeguard keeps :math:`t\hat v_t \le t\,G_\infty^2`). For :math:`x_0 = 0`,
:math:`x_n = \max(x_{n-1}, y_n)` with :math:`y_n \le nB` for every :math:`n \ge 1`
(:math:`B \ge 0`):

.. math:: x_n \le nB \quad (n \ge 0).

With :math:`\alpha_t = \alpha/\sqrt t` the safeguard :math:`\hat v_t = \max(\tilde v_t,
\frac{t-1}{t}\hat v_{t-1})` is, in :math:`W_t = t\hat v_t`, exactly
:math:`W_t = \max(W_{t-1}, t\tilde v_t)`; with :math:`y_t = t\tilde v_t \le tG_\infty^2` this is
the safe set's (S3) for the safeguarded path (:mod:`proofs.coefficient_path_regret`).
Proof: induction on :math:`n` (:mod:`proofs._induction`): :math:`x_0 = 0 = 0\cdot B`;
:math:`x_{n-1} \le (n-1)B \le nB` and :math:`y_n \le nB`, so their max is :math:`\le nB`.
"""

import sympy as sp

from ._core import EQ, LE, Step, eq, le
from ._ema import B, k, n, x1, y1
from ._induction import induction_proofs
from ._rules_constant import max_le

X0 = eq(x1(0), 0, "x_0 = 0")
REC = eq(x1(n), sp.Max(x1(n - 1), y1(n)), "x_n = max(x_{n-1}, y_n) (n >= 1)")
Y_LE = le(y1(n), n * B, "y_n <= n B (n >= 1)")
IH = le(x1(n - 1), (n - 1) * B, "induction hypothesis")

PROOF, PARTS = induction_proofs(
    "lemma_safeguard_bound",
    "The safeguard's t vhat_t stays below t B",
    le(x1(n), n * B, "claim"),
    n,
    k,
    base_hypotheses=(X0,),
    base_steps=(Step(EQ, 0, "x_0 = 0", by=[X0]),),
    step_hypotheses=(REC, Y_LE),
    step_steps=(
        Step(EQ, sp.Max(x1(n - 1), y1(n)), "the recurrence", by=[REC]),
        Step(
            LE,
            n * B,
            "x_{n-1} <= (n-1)B <= nB and y_n <= nB",
            by=[max_le(x1(n - 1), y1(n), n * B, given=[IH, Y_LE])],
        ),
    ),
    data=(x1, y1),
)
