r"""Lemma (the interpolation witness attains the AM-GM bound inside the window).

Setting and notation of :mod:`proofs.interpolation_improvement`
(:math:`W_2(\rho)`, :math:`c_1 = D_\infty^2/(2\alpha)`, :math:`c_2 = \alpha\delta^2G_\infty^2/2`,
:math:`c_0 = \alpha G_\infty/(2\sqrt{1-\beta_2})`), with :math:`D_\infty, G_\infty, \delta > 0`.
Let :math:`W^* = c_2/c_1 = \alpha^2\delta^2G_\infty^2/D_\infty^2` and

.. math:: \rho^* = \frac{W^*/((1-\beta_2)G_\infty^2) - 1 - \beta_2 - \delta^2}
                          {1 - \beta_2 - \delta^2}.

Inside the window :math:`(1-\beta_2)(1+\beta_2+\delta^2) < \alpha^2\delta^2/D_\infty^2 <
2(1-\beta_2)` one has :math:`\delta^2 < 1 - \beta_2` and :math:`\rho^* \in (0, 1)`
(:math:`W_2(0) < W^* < W_2(1)`), and the identity

.. math:: B(\rho^*) = c_1\sqrt{W_2(\rho^*)} + \frac{c_2}{\sqrt{W_2(\rho^*)}} + c_0
          = 2\sqrt{c_1c_2} + c_0 = D_\infty\delta G_\infty + c_0

holds (:math:`W_2(\rho^*) = W^*` and :math:`c_1\sqrt{W^*} = c_2/\sqrt{W^*} = \sqrt{c_1c_2}`):
the lower bound of :mod:`proofs.interpolation_improvement` is attained, so it is the minimum
of :math:`B` over :math:`[0, 1]`. (The identity needs only :math:`\delta^2 \ne 1 - \beta_2`;
the window is what places :math:`\rho^*` in :math:`[0, 1]`.)
"""

import sympy as sp

from analysis.symbols import D_inf, G_inf, alpha, beta2, delta

from ._core import EQ, Domain, Proof, Step, eq, le
from .interpolation_improvement import C0, W2, c1, c2

W_STAR = alpha**2 * delta**2 * G_inf**2 / D_inf**2
RHO_STAR = (W_STAR / ((1 - beta2) * G_inf**2) - 1 - beta2 - delta**2) / (1 - beta2 - delta**2)
WINDOW_LO = le(
    (1 - beta2) * (1 + beta2 + delta**2),
    alpha**2 * delta**2 / D_inf**2,
    "(1 - beta2)(1 + beta2 + delta^2) < alpha^2 delta^2 / D^2 (window, lower end)",
)
WINDOW_HI = le(
    alpha**2 * delta**2 / D_inf**2,
    2 * (1 - beta2),
    "alpha^2 delta^2 / D^2 < 2 (1 - beta2) (window, upper end)",
)

PROOF = Proof(
    id="lemma_interpolation_window",
    title="Inside the window, B(rho*) = 2 sqrt(c1 c2) + c0",
    statement=eq(
        c1 * sp.sqrt(W2(RHO_STAR)) + c2 / sp.sqrt(W2(RHO_STAR)) + C0,
        2 * sp.sqrt(c1 * c2) + C0,
        "claim",
    ),
    hypotheses=(WINDOW_LO, WINDOW_HI),
    steps=(
        Step(
            EQ,
            c1 * sp.sqrt(W_STAR) + c2 / sp.sqrt(W_STAR) + C0,
            "W_2(rho*) = (1 - beta2) G^2 (1 + beta2 + delta^2) + W* - (1 - beta2) G^2 "
            "(1 + beta2 + delta^2) = W*",
        ),
        Step(
            EQ,
            D_inf * delta * G_inf / 2 + D_inf * delta * G_inf / 2 + C0,
            "sqrt(W*) = alpha delta G / D: c1 sqrt(W*) = c2 / sqrt(W*) = D delta G / 2",
        ),
        Step(EQ, 2 * sp.sqrt(c1 * c2) + C0, "2 sqrt(c1 c2) = D delta G"),
    ),
    domain=Domain(
        {beta2: (0, 1), delta: (0, 1), alpha: (0, None), D_inf: (0, None), G_inf: (0, None)}
    ),
)
