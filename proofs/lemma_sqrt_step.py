r"""Lemma (one step of the square-root sum): for :math:`0 \le p \le q`, :math:`q > 0`,

.. math:: \frac{q^2 - p^2}{q} \le 2 (q - p).

Used with :math:`p = \sqrt{A_{t-1}}`, :math:`q = \sqrt{A_t}` in
:mod:`proofs.lemma_sqrt_sum`. Upper bound; tight at :math:`p = q`.
"""

import sympy as sp

from ._core import LE, Domain, Proof, Step, le
from ._rules import nonneg

p, q = sp.symbols("p q", nonnegative=True)

HYPOTHESES = (nonneg(p, "p >= 0"), le(p, q, "p <= q"))

PROOF = Proof(
    id="lemma_sqrt_step",
    title="One step of the square-root sum",
    statement=le((q**2 - p**2) / q, 2 * (q - p), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step("=", (q - p) * (q + p) / q, "difference of squares"),
        Step(
            LE,
            (q - p) * 2 * q / q,
            "q + p <= 2q, times (q - p)/q >= 0",
            by=[((q - p) / q, HYPOTHESES[1])],
        ),
        Step("=", 2 * (q - p), "cancel q"),
    ),
    domain=Domain({p: (0, None), q: (0, None)}),
)
