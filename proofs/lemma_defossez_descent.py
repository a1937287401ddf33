r"""Lemma (generalised Défossez et al. 2022, Lemma 5.1; one coordinate, pointwise).

Setting: reals :math:`G, g`; :math:`\sigma^2 > 0` with :math:`\sigma^2 \le R^2`; :math:`c > 0`;
:math:`Q \ge 0`; :math:`a, b > 0` with

.. math:: a^2 = Q + c\,g^2, \qquad b^2 = Q + c\,\sigma^2 .

Claim (a pointwise inequality, no expectation yet):

.. math::
    \frac{G g}{b} - \frac{G g}{a} \le \frac{G^2}{4b} + \frac{G^2 g^2}{4 b \sigma^2}
      + 2\sqrt c\,R\,\frac{g^2}{a^2}.

Use (:mod:`proofs.avgrad_nonconvex`): :math:`G = \nabla_i F(x_{t-1})`, :math:`g = g_{t,i}`,
:math:`\sigma^2 = \mathbb E_{t-1} g_{t,i}^2`, :math:`c = 1 - \beta_2`, :math:`Q = \epsilon +
Sv_{t-1,i} + \beta_2 v_{t-1,i}`, so :math:`a = \sqrt{\epsilon + Sv_{t,i}}` is AVGrad's
denominator and :math:`b = \tilde a_{t,i}` its predictable proxy. Taking
:math:`\mathbb E_{t-1}` (:math:`G, b, \sigma^2` predictable, :math:`\mathbb E_{t-1} g = G`,
:math:`\mathbb E_{t-1} g^2 = \sigma^2`) gives :math:`\mathbb E_{t-1}[Gg/a] \ge G^2/(2b) -
2\sqrt c R\,\mathbb E_{t-1}[g^2/a^2]`.

Proof: :math:`1/b - 1/a = (a^2 - b^2)/(ab(a+b)) = c(g^2 - \sigma^2)/(ab(a+b))`; Young's
inequality on each of the two products, then :math:`c g^2 \le a^2 \le (a+b)^2`,
:math:`c\sigma^2 \le b^2 \le (a+b)^2`, :math:`c\sigma^2/b \le \sqrt{c\sigma^2}` (as
:math:`\sqrt{c\sigma^2} \le b`) and :math:`\sqrt{\sigma^2} \le R`.
"""

import sympy as sp

from analysis.symbols import R

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import given, nonneg, sqrt_monotone, young

G, g = sp.symbols("G g", real=True)
s2, a, b, c = sp.symbols("sigma2 a b c", positive=True)
Q = sp.Symbol("Q", nonnegative=True)

HA = eq(Q + c * g**2, a**2, "a^2 = Q + c g^2")
HB = eq(Q + c * s2, b**2, "b^2 = Q + c sigma^2")
HQ = nonneg(Q, "Q >= 0")
HC = nonneg(c, "c >= 0")
HS = le(s2, R**2, "sigma^2 <= R^2")
HYPOTHESES = (HA, HB, HQ, HC, HS)

_W = G * g / (a * b * (a + b))
_T1 = c**2 * g**4 * s2 / (a**2 * b * (a + b) ** 2)
_T2 = c**2 * g**2 * s2**2 / (a**2 * b * (a + b) ** 2)
_HEAD = G**2 * g**2 / (4 * b * s2) + G**2 / (4 * b)

PROOF = Proof(
    id="lemma_defossez_descent",
    title="Generalised Défossez Lemma 5.1 (pointwise, one coordinate)",
    statement=le(G * g / b - G * g / a, _HEAD + 2 * sp.sqrt(c) * R * g**2 / a**2, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            EQ,
            G * g * c * g**2 / (a * b * (a + b)) - G * g * c * s2 / (a * b * (a + b)),
            "1/b - 1/a = (a^2 - b^2)/(ab(a+b)) and a^2 - b^2 = c(g^2 - sigma^2)",
            by=[(-_W, HA), (_W, HB)],
        ),
        Step(
            LE,
            _HEAD + _T1 + _T2,
            "Young (xy <= x^2/4 + y^2) with x = Gg/sqrt(b sigma^2), y = c g^2 sqrt(sigma^2)/"
            "(a sqrt(b)(a+b)), and with x = -G/sqrt(b), y = c g sigma^2/(a sqrt(b)(a+b))",
            by=[
                young(
                    G * g / (sp.sqrt(b) * sp.sqrt(s2)),
                    c * g**2 * sp.sqrt(s2) / (a * sp.sqrt(b) * (a + b)),
                    sp.Rational(1, 2),
                ),
                young(-G / sp.sqrt(b), c * g * s2 / (a * sp.sqrt(b) * (a + b)), sp.Rational(1, 2)),
            ],
        ),
        Step(
            LE,
            _HEAD + 2 * c * s2 * g**2 / (a**2 * b),
            "c g^2 = a^2 - Q <= (a+b)^2 and c sigma^2 = b^2 - Q <= (a+b)^2",
            by=[
                (c * s2 * g**2 / (a**2 * b * (a + b) ** 2), HA),
                (c * s2 * g**2 / (a**2 * b * (a + b) ** 2), HB),
            ],
        ),
        Step(
            LE,
            _HEAD + 2 * sp.sqrt(c) * sp.sqrt(s2) * g**2 / a**2,
            "c sigma^2 / b <= sqrt(c sigma^2), as sqrt(c sigma^2) <= b",
            by=[(2 * g**2 * sp.sqrt(c * s2) / (a**2 * b), given(sqrt_monotone(c * s2, b**2), HB))],
        ),
        Step(
            LE,
            _HEAD + 2 * sp.sqrt(c) * R * g**2 / a**2,
            "sqrt(sigma^2) <= R",
            by=[(2 * sp.sqrt(c) * g**2 / a**2, given(sqrt_monotone(s2, R**2), HS))],
        ),
    ),
    domain=Domain({Q: (0, None), c: (0, None), s2: (0, None), a: (0, None), b: (0, None)}),
    notes="Signs of G g are never split: Young's inequality holds for all reals.",
)
