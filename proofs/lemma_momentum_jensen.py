r"""Lemma (one step of the momentum square). Let
:math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`
with :math:`0 \le \beta_{1t} \le \beta_1` and :math:`\beta_{1t} \le 1`. Then

.. math:: m_t^2 \le \beta_1 m_{t-1}^2 + g_t^2 .

Proof: convexity of the square, :math:`(b x + (1-b) y)^2 = b x^2 + (1-b) y^2 - b(1-b)(x-y)^2`,
written with Young's :math:`2xy \le x^2 + y^2` weighted by :math:`b(1-b) \ge 0`; then
:math:`b \le \beta_1` and :math:`1 - b \le 1`. Used (telescoped) by
:mod:`proofs.lemma_momentum_square`. One coordinate; the sequences are data functions of t.
"""

import sympy as sp

from analysis.symbols import beta1

from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import young

t = sp.Symbol("t", positive=True, integer=True)
g1 = sp.Function("g1", real=True)
m1 = sp.Function("m1", real=True)
b = sp.Function("b", nonnegative=True)

MOM = eq(m1(t), b(t) * m1(t - 1) + (1 - b(t)) * g1(t), "momentum update")
B_LE = le(b(t), beta1, "beta_1t <= beta1")
B_LE1 = le(b(t), 1, "beta_1t <= 1")

_X = b(t) * m1(t - 1) + (1 - b(t)) * g1(t)

PROOF = Proof(
    id="lemma_momentum_jensen",
    title="One step of the momentum square",
    statement=le(m1(t) ** 2, beta1 * m1(t - 1) ** 2 + g1(t) ** 2, "claim"),
    hypotheses=(MOM, B_LE, B_LE1),
    steps=(
        Step("=", _X**2, "the momentum update (difference of squares)", by=[(m1(t) + _X, MOM)]),
        Step(
            LE,
            b(t) * m1(t - 1) ** 2 + (1 - b(t)) * g1(t) ** 2,
            "convexity of the square: Young 2xy <= x^2 + y^2 weighted by b(1-b) >= 0",
            by=[(2 * b(t) * (1 - b(t)), young(m1(t - 1), g1(t), 1))],
        ),
        Step(
            LE,
            beta1 * m1(t - 1) ** 2 + g1(t) ** 2,
            "b <= beta1 and (1 - b) g^2 <= g^2",
            by=[(m1(t - 1) ** 2, B_LE)],
        ),
    ),
    data=(g1, m1, b),
    domain=Domain({beta1: (0, 1)}),
)
