r"""Lemma (the core of Défossez et al.'s Lemma A.2 for any accumulator linear in the last
:math:`k+1` squared gradients; one coordinate, pointwise).

Setting: reals :math:`G, g`; :math:`Q \ge 0`, :math:`P \ge 0`, :math:`S > 0`,
:math:`K \ge 1` with :math:`S \le K R^2`; :math:`a, b > 0` with

.. math:: a^2 = Q + P, \qquad b^2 = Q + S .

Claim (pointwise, no expectation yet):

.. math::
    \frac{G g}{b} - \frac{G g}{a} \le \frac{G^2}{4b} + \frac{G^2 P}{4 b S}
      + 2\sqrt K\,R\,\frac{g^2}{a^2}.

Use (:mod:`proofs.adam_avgrad_interpolation_nonconvex_momentum`): step :math:`n`, lag
:math:`k`, :math:`G = \nabla_i F(x_{n-k-1})`, :math:`g = g_{n-k,i}`, :math:`a =
\sqrt{\epsilon + w_{n,i}}` with MADA's :math:`w_n = \rho_n v_n + (1-\rho_n)\bar v_n`,
:math:`P = \sum_{j=n-k}^n c_{n,j} g_{j,i}^2` (the part of :math:`w_n` the last :math:`k+1`
gradients write, :math:`0 \le c_{n,j} \le 1` deterministic), :math:`S = \mathbb
E_{n-k-1}P`, :math:`Q = \epsilon +` the rest (known at step :math:`n-k-1`), :math:`K = k+1`,
so :math:`b = \tilde a_{n,k+1,i}` is the proxy and :math:`S \le (k+1)R^2`. Taking
:math:`\mathbb E_{n-k-1}` (:math:`G, b, S` known, :math:`\mathbb E g = G`, :math:`\mathbb E P
= S`) gives :math:`\mathbb E_{n-k-1}[Gg/a] \ge G^2/(2b) - 2\sqrt{k+1}R\,\mathbb
E_{n-k-1}[g^2/a^2]`: Défossez et al.'s Lemma A.2 step for the interpolation. At :math:`k = 0`,
:math:`P = c g^2` it is :mod:`proofs.lemma_defossez_descent`.

Proof: :math:`1/b - 1/a = (P - S)/(ab(a+b))`; Young on each of the two products, then
:math:`P \le a^2 \le (a+b)^2`, :math:`S \le b^2 \le (a+b)^2`, :math:`S/b \le \sqrt S` (as
:math:`\sqrt S \le b`) and :math:`\sqrt S \le \sqrt K R`.
"""

import sympy as sp

from analysis.symbols import R

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import given, nonneg, sqrt_monotone, young

G, g = sp.symbols("G g", real=True)
S, a, b = sp.symbols("S a b", positive=True)
P, Q = sp.symbols("P Q", nonnegative=True)
K = sp.Symbol("K", positive=True)

HA = eq(Q + P, a**2, "a^2 = Q + P")
HB = eq(Q + S, b**2, "b^2 = Q + S")
HQ = nonneg(Q, "Q >= 0")
HP = nonneg(P, "P >= 0")
HS = le(S, K * R**2, "S <= K R^2 (k + 1 terms, each c E g^2 <= R^2)")
HYPOTHESES = (HA, HB, HQ, HP, HS)

_W = G * g / (a * b * (a + b))
_HEAD = G**2 * P / (4 * b * S) + G**2 / (4 * b)

PROOF = Proof(
    id="lemma_momentum_proxy_mix",
    title="Défossez Lemma A.2's core for an accumulator linear in k + 1 squared gradients",
    statement=le(G * g / b - G * g / a, _HEAD + 2 * sp.sqrt(K) * R * g**2 / a**2, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            EQ,
            G * g * P / (a * b * (a + b)) - G * g * S / (a * b * (a + b)),
            "1/b - 1/a = (a^2 - b^2)/(ab(a+b)) and a^2 - b^2 = P - S",
            by=[(-_W, HA), (_W, HB)],
        ),
        Step(
            LE,
            _HEAD
            + g**2 * P * S / (a**2 * b * (a + b) ** 2)
            + g**2 * S**2 / (a**2 * b * (a + b) ** 2),
            "Young (xy <= x^2/4 + y^2) with x = G sqrt(P)/sqrt(b S), y = g sqrt(P S)/"
            "(a sqrt(b)(a+b)), and with x = -G/sqrt(b), y = g S/(a sqrt(b)(a+b))",
            by=[
                young(
                    G * sp.sqrt(P) / (sp.sqrt(b) * sp.sqrt(S)),
                    g * sp.sqrt(P) * sp.sqrt(S) / (a * sp.sqrt(b) * (a + b)),
                    sp.Rational(1, 2),
                ),
                young(-G / sp.sqrt(b), g * S / (a * sp.sqrt(b) * (a + b)), sp.Rational(1, 2)),
            ],
        ),
        Step(
            LE,
            _HEAD + 2 * S * g**2 / (a**2 * b),
            "P = a^2 - Q <= (a+b)^2 and S = b^2 - Q <= (a+b)^2",
            by=[
                (S * g**2 / (a**2 * b * (a + b) ** 2), HA),
                (S * g**2 / (a**2 * b * (a + b) ** 2), HB),
            ],
        ),
        Step(
            LE,
            _HEAD + 2 * sp.sqrt(S) * g**2 / a**2,
            "S / b <= sqrt(S), as sqrt(S) <= b",
            by=[(2 * g**2 * sp.sqrt(S) / (a**2 * b), given(sqrt_monotone(S, b**2), HB))],
        ),
        Step(
            LE,
            _HEAD + 2 * sp.sqrt(K) * R * g**2 / a**2,
            "sqrt(S) <= sqrt(K) R",
            by=[(2 * g**2 / a**2, given(sqrt_monotone(S, K * R**2), HS))],
        ),
    ),
    domain=Domain(
        {Q: (0, None), P: (0, None), S: (0, None), a: (0, None), b: (0, None), K: (1, None)}
    ),
    notes="The signs of G g are never split: Young's inequality holds for all reals.",
)
