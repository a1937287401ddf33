r"""Lemma (the momentum stays below the gradient bound). For :math:`m_0 = 0`,
:math:`m_n = b\,m_{n-1} + (1-b)\,g_n` with :math:`0 \le b \le 1` and
:math:`g_n^2 \le B` for every :math:`n \ge 1` (:math:`B \ge 0`):

.. math:: m_n^2 \le B \quad (n \ge 0),

so :math:`|m_n| \le G_\infty` for :math:`B = G_\infty^2` (the square root is increasing).
Proof: induction on :math:`n` (:mod:`proofs._induction`), the step by convexity of the square
(:mod:`proofs.lemma_constant_convex_square`): :math:`m_n^2 \le b m_{n-1}^2 + (1-b) g_n^2 \le B`.
"""

from analysis.symbols import beta1

from . import lemma_constant_convex_square as csq
from ._algebra import Domain
from ._core import EQ, LE, Step, eq, le
from ._ema import B, k, n, x1, y1
from ._induction import induction_proofs

b = beta1
M0 = eq(x1(0), 0, "m_0 = 0")
REC = eq(x1(n), b * x1(n - 1) + (1 - b) * y1(n), "m_n = b m_{n-1} + (1 - b) g_n (n >= 1)")
G_LE = le(y1(n) ** 2, B, "g_n^2 <= B (n >= 1)")
IH = le(x1(n - 1) ** 2, B, "induction hypothesis")
_CONVEX = csq.PROOF.instance({csq.p: x1(n - 1), csq.q: y1(n), csq.r: x1(n), csq.b: b,
                              csq.c: 1 - b},
                             given=[REC])  # fmt: skip

PROOF, PARTS = induction_proofs(
    "lemma_momentum_bound",
    "The momentum stays below the gradient bound",
    le(x1(n) ** 2, B, "claim"),
    n,
    k,
    base_hypotheses=(M0,),
    base_steps=(Step(EQ, 0, "m_0 = 0", by=[(x1(0), M0)]), Step(LE, B, "B >= 0")),
    step_hypotheses=(REC, G_LE),
    step_steps=(
        Step(
            LE, b * x1(n - 1) ** 2 + (1 - b) * y1(n) ** 2, "convexity of the square", by=[_CONVEX]
        ),
        Step(
            LE,
            B,
            "m_{n-1}^2 <= B (weight b), g_n^2 <= B (weight 1 - b)",
            by=[(b, IH), (1 - b, G_LE)],
        ),
    ),
    data=(x1, y1),
    domain=Domain({b: (0, 1)}),
)
