r"""Lemma (the bias-corrected interpolation's proxy is at most :math:`R\alpha_t/\alpha`).

Setting: :math:`\epsilon > 0`, :math:`\sqrt\epsilon \le R`, :math:`\alpha > 0`,
:math:`B \ge 1`, :math:`\alpha_t^2 = \alpha^2 B`, :math:`X \ge 0` with
:math:`X \le (R - \sqrt\epsilon)^2 B`, :math:`b^2 = \epsilon + X`. Claim:

.. math:: \alpha^2 b^2 \le R^2\alpha_t^2 .

Used by :mod:`proofs.adam_avgrad_interpolation_nonconvex` with
:math:`B = (1-\beta_2^t)/(1-\beta_2)`, :math:`\alpha_t = \alpha\sqrt B` (Défossez et al.'s
bias-corrected step), :math:`X = q_{t,i} + c_t\sigma^2_{t,i}` (the predictable part of the
interpolated accumulator plus its expected new term), :math:`b = \tilde a_{t,i}`: then
:math:`\alpha_t/\tilde a_{t,i} \ge \alpha/R`. This is where Défossez et al.'s
:math:`|g| \le R - \sqrt\epsilon` enters: :math:`\epsilon + (R-\sqrt\epsilon)^2 B \le R^2 B`
for :math:`B \ge 1`.
"""

import sympy as sp

from analysis.symbols import R, alpha, eps

from ._core import EQ, LE, Domain, Proof, Step, eq, le

X = sp.Symbol("X", nonnegative=True)
b, al, B = sp.symbols("b alpha_t B", positive=True)

HB = eq(eps + X, b**2, "b^2 = eps + X")
HX = le(X, (R - sp.sqrt(eps)) ** 2 * B, "X <= (R - sqrt(eps))^2 B")
HB1 = le(1, B, "B >= 1")
HAL = eq(al**2, alpha**2 * B, "alpha_t^2 = alpha^2 B")
HR = le(sp.sqrt(eps), R, "sqrt(eps) <= R")

PROOF = Proof(
    id="lemma_adam_mix_proxy",
    title="Bias-corrected proxy: alpha^2 b^2 <= R^2 alpha_t^2",
    statement=le(alpha**2 * b**2, R**2 * al**2, "claim"),
    hypotheses=(HB, HX, HB1, HAL, HR),
    steps=(
        Step(EQ, alpha**2 * (eps + X), "definition of b", by=[(-(alpha**2), HB)]),
        Step(
            LE,
            alpha**2 * (eps + (R - sp.sqrt(eps)) ** 2 * B),
            "X <= (R - sqrt(eps))^2 B",
            by=[(alpha**2, HX)],
        ),
        Step(
            LE,
            alpha**2 * R**2 * B,
            "R^2 B - eps - (R - sqrt(eps))^2 B = 2 sqrt(eps)(R - sqrt(eps)) B + eps (B - 1)",
            by=[(2 * alpha**2 * sp.sqrt(eps) * B, HR), (alpha**2 * eps, HB1)],
        ),
        Step(EQ, R**2 * al**2, "alpha_t^2 = alpha^2 B", by=[(-(R**2), HAL)]),
    ),
    domain=Domain({B: (1, None)}),
)
