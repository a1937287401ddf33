r"""Lemma (convexity of the square, two points). For :math:`b, c \ge 0` with
:math:`b + c = 1` and :math:`r = b\,p + c\,q`,

.. math:: r^2 \le b\,p^2 + c\,q^2,

since :math:`b p^2 + c q^2 - (bp + cq)^2 = bc\,(p - q)^2` when :math:`b + c = 1`.
Used with :math:`b = \beta_1`, :math:`c = 1 - \beta_1`, :math:`p = m_{t-1,i}`,
:math:`q = g_{t,i}`, :math:`r = m_{t,i}` (the momentum update) in
:mod:`proofs.lemma_constant_momentum_step`: :math:`m_t^2 \le \beta_1 m_{t-1}^2 +
(1-\beta_1) g_t^2`. Tight at :math:`p = q`.
"""

import sympy as sp

from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import nonneg

p, q, r = sp.symbols("p q r", real=True)
b, c = sp.symbols("b c", nonnegative=True)

MIX = eq(r, b * p + c * q, "r = b p + c q")
UNIT = eq(b + c, 1, "b + c = 1")
HYPOTHESES = (MIX, UNIT, nonneg(b, "b >= 0"), nonneg(c, "c >= 0"))

PROOF = Proof(
    id="lemma_constant_convex_square",
    title="Convexity of the square between two points",
    statement=le(r**2, b * p**2 + c * q**2, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step("=", (b * p + c * q) ** 2, "r = b p + c q", by=[(r + b * p + c * q, MIX)]),
        Step(
            LE,
            b * p**2 + c * q**2,
            "b p^2 + c q^2 - (b p + c q)^2 = b c (p - q)^2 + (b p^2 + c q^2)(1 - b - c)"
            " >= 0 with b + c = 1",
            by=[(b * p**2 + c * q**2, UNIT)],
        ),
    ),
    domain=Domain({b: (0, None), c: (0, None)}),
)
