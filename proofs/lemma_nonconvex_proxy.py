r"""Lemma (the predictable proxy denominator is at most :math:`\sqrt{\epsilon + T R^2}`).

Setting: :math:`c = 1 - \beta_2 \in (0, 1]`; :math:`1 \le n \le T`; :math:`S \le (n-1) R^2`,
:math:`0 \le w \le R^2`, :math:`0 \le \sigma^2 \le R^2`; :math:`b^2 = \epsilon + S +
(1 - c) w + c\,\sigma^2`. Claim: :math:`b^2 \le \epsilon + T R^2`.

Used by :mod:`proofs.avgrad_nonconvex` with :math:`n = t`, :math:`S = Sv_{t-1,i}`,
:math:`w = v_{t-1,i}`, :math:`\sigma^2 = \mathbb E_{t-1} g_{t,i}^2`,
:math:`b = \tilde a_{t,i}`, so that :math:`1/\tilde a_{t,i} \ge 1/\sqrt{\epsilon + T R^2}`.
"""

import sympy as sp

from analysis.symbols import R, T, eps

from ._core import EQ, LE, Domain, Proof, Step, eq, le

S, w, s2 = sp.symbols("S w sigma2", nonnegative=True)
b = sp.Symbol("b", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
c = sp.Symbol("c", positive=True)  # 1 - beta2

HB = eq(eps + S + (1 - c) * w + c * s2, b**2, "b^2 = eps + S + beta2 w + (1-beta2) sigma^2")
HS = le(S, (n - 1) * R**2, "S <= (n - 1) R^2")
HW = le(w, R**2, "w <= R^2")
HSIG = le(s2, R**2, "sigma^2 <= R^2")
HN = le(n, T, "n <= T")

PROOF = Proof(
    id="lemma_nonconvex_proxy",
    title="The predictable proxy: b^2 <= eps + T R^2",
    statement=le(b**2, eps + T * R**2, "claim"),
    hypotheses=(HB, HS, HW, HSIG, HN),
    steps=(
        Step(EQ, eps + S + (1 - c) * w + c * s2, "definition of b", by=[(-1, HB)]),
        Step(
            LE,
            eps + (n - 1) * R**2 + (1 - c) * R**2 + c * R**2,
            "S <= (n-1)R^2, w <= R^2, sigma^2 <= R^2 (weights 1, beta2, 1 - beta2 >= 0)",
            by=[HS, (1 - c, HW), (c, HSIG)],
        ),
        Step(LE, eps + T * R**2, "(n - 1) + beta2 + (1 - beta2) = n <= T", by=[(R**2, HN)]),
    ),
    domain=Domain({c: (0, 1)}),
)
