r"""Lemma (second-order upper model of :math:`p\sqrt W + q/\sqrt W`, one term).

For :math:`c > 0`, :math:`u, w \ge 0`, :math:`p, q \ge 0`, with :math:`a = c + u`,
:math:`b = c + w` (so :math:`a, b \ge c`; in use :math:`a^2 = W(\rho)`, :math:`b^2 =
W(\rho_0)`, :math:`c^2 = S \le` both):

.. math::
    p a + \frac q a \le p b + \frac q b + (a^2 - b^2)\Big(\frac{p}{2b} - \frac{q}{2b^3}\Big)
      + \frac{3q}{8}\,\frac{(a^2 - b^2)^2}{c^5} .

Proof: :math:`\sqrt{\cdot}` is concave, :math:`b + (a^2 - b^2)/(2b) - a = (a - b)^2/(2b)`;
and :math:`1/a - 1/b + (a^2 - b^2)/(2b^3) = (a - b)^2(a + 2b)/(2ab^3) \le \frac38 (a-b)^2
(a+b)^2/c^5`, because :math:`3ab^3(a+b)^2 \ge 4c^5(a + 2b)` for :math:`a, b \ge c` (a
polynomial in :math:`c, u, w` with non-negative coefficients). Used termwise by
:mod:`proofs.lemma_interpolation_model`.
"""

import sympy as sp

from ._core import LE, Domain, Proof, Step, le
from ._rules import nonneg

c = sp.Symbol("c", positive=True)
u, w, p, q = sp.symbols("u w p q", nonnegative=True)
a, b = c + u, c + w

_D = a**2 - b**2
_CURV = sp.Rational(3, 8) * q * _D**2 / c**5

PROOF = Proof(
    id="lemma_interpolation_taylor",
    title="p sqrt(W) + q/sqrt(W) below its tangent at W(rho0) plus (3/8) q dW^2 / S^(5/2)",
    statement=le(
        p * a + q / a, p * b + q / b + _D * (p / (2 * b) - q / (2 * b**3)) + _CURV, "claim"
    ),
    hypotheses=(nonneg(p, "p >= 0"), nonneg(q, "q >= 0")),
    steps=(
        Step(
            LE,
            p * b + p * _D / (2 * b) + q / a,
            "sqrt is concave: a <= b + (a^2 - b^2)/(2b), the gap is (a - b)^2/(2b)",
        ),
        Step(
            LE,
            p * b + q / b + _D * (p / (2 * b) - q / (2 * b**3)) + _CURV,
            "1/a - 1/b + (a^2 - b^2)/(2b^3) = (a - b)^2 (a + 2b)/(2ab^3) <= (3/8)(a^2 - b^2)^2"
            "/c^5, as 3ab^3(a + b)^2 >= 4c^5(a + 2b) for a, b >= c",
        ),
    ),
    domain=Domain({c: (0, None), u: (0, None), w: (0, None), p: (0, None), q: (0, None)}),
)
