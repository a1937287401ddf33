r"""Lemma (AM-GM for :math:`c_1 w + c_2/w`). For :math:`c_1, c_2 \ge 0` and :math:`w > 0`,

.. math:: 2\sqrt{c_1}\sqrt{c_2} \le c_1 w + \frac{c_2}{w},

with equality iff :math:`w^2 = c_2/c_1`. Used with :math:`w = \sqrt{W_2(\rho)}` in
:mod:`proofs.interpolation_improvement`.
"""

import sympy as sp

from ._core import LE, Domain, Proof, Step, le
from ._rules import am_gm, nonneg

c1, c2 = sp.symbols("c1 c2", nonnegative=True)
w = sp.Symbol("w", positive=True)

PROOF = Proof(
    id="lemma_interpolation_amgm",
    title="AM-GM: 2 sqrt(c1 c2) <= c1 w + c2 / w",
    statement=le(2 * sp.sqrt(c1) * sp.sqrt(c2), c1 * w + c2 / w, "claim"),
    hypotheses=(nonneg(c1, "c1 >= 0"), nonneg(c2, "c2 >= 0"), nonneg(w, "w > 0")),
    steps=(
        Step(
            LE,
            c1 * w + c2 / w,
            "AM-GM with a = c1 w, b = c2 / w: sqrt(ab) = sqrt(c1 c2)",
            by=[(2, am_gm(c1 * w, c2 / w))],
        ),
    ),
    domain=Domain({c1: (0, None), c2: (0, None), w: (0, None)}),
)
