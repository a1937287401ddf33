r"""Lemma (the safeguard's input stays below :math:`nG_\infty^2`). For :math:`n \ge 1`, a
coordinate :math:`i`, :math:`n\tilde v_n = \rho_n\,n\,\ell_n + (1-\rho_n) Sv_n` with
:math:`0 \le \rho_n \le 1`, :math:`\ell_n \le G_\infty^2` and :math:`Sv_n \le nG_\infty^2`:

.. math:: n\tilde v_{n,i} \le n G_\infty^2 .

Proof: a convex combination of two terms below :math:`nG_\infty^2`. With
:mod:`proofs.lemma_safeguard_bound` it gives the safe set's (S3) for the safeguarded path
(:mod:`proofs.coefficient_path_regret`).
"""

import sympy as sp

from analysis.symbols import G_inf, Sv, i

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._path import Wraw, ell, rhot

n = sp.Symbol("n", positive=True, integer=True)
RAW = eq(Wraw(n, i), rhot(n) * n * ell(n, i) + (1 - rhot(n)) * Sv(n, i),
         "n vtilde_n = rho_n n ell_n + (1 - rho_n) Sv_n")  # fmt: skip
RHO_LE1 = le(rhot(n), 1, "rho_n <= 1")
ELL_LE = le(ell(n, i), G_inf**2, "ell_n <= G_inf^2")
SV_LE = le(Sv(n, i), n * G_inf**2, "Sv_n <= n G_inf^2")

PROOF = Proof(
    id="lemma_safeguard_raw",
    title="The safeguard's input: n vtilde_n <= n G_inf^2",
    statement=le(Wraw(n, i), n * G_inf**2, "claim"),
    hypotheses=(RAW, RHO_LE1, ELL_LE, SV_LE),
    steps=(
        Step(EQ, rhot(n) * n * ell(n, i) + (1 - rhot(n)) * Sv(n, i), "the definition", by=[RAW]),
        Step(
            LE,
            n * G_inf**2,
            "ell_n <= G^2 (weight rho_n n), Sv_n <= n G^2 (weight 1 - rho_n)",
            by=[(rhot(n) * n, ELL_LE), (1 - rhot(n), SV_LE)],
        ),
    ),
    data=(Sv, Wraw, ell, rhot),
    domain=Domain(),
)
