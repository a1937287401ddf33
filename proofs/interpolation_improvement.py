r"""Theorem (the interpolation witness: a lower bound on :math:`B(\rho)` for every :math:`\rho`).

Setting (``analysis.theorems.interpolation_improvement``): online linear losses, :math:`d = 1`,
:math:`\beta_1 = 0`, :math:`T = 2`, :math:`g_1 = G_\infty`, :math:`g_2 = \delta G_\infty`,
:math:`\delta^2 \le 1 - \beta_2`; :math:`W_1 = (1-\beta_2)G_\infty^2`,
:math:`W_2(\rho) = (1-\beta_2)G_\infty^2[1+\beta_2+\delta^2 + \rho(1-\beta_2-\delta^2)]`, and
the data-dependent bound (``MAX_AVG_FORM`` on this sequence)

.. math:: B(\rho) = c_1\sqrt{W_2(\rho)} + \frac{c_2}{\sqrt{W_2(\rho)}}
   + \frac{\alpha G_\infty}{2\sqrt{1-\beta_2}},
   \quad c_1 = \frac{D_\infty^2}{2\alpha},\ c_2 = \frac{\alpha\delta^2G_\infty^2}{2}.

Claim: for every :math:`\rho \in [0, 1]` (with :math:`G_\infty > 0`, :math:`\beta_2 < 1`, so
:math:`W_2 > 0`),

.. math:: 2\sqrt{c_1c_2} + \frac{\alpha G_\infty}{2\sqrt{1-\beta_2}} \le B(\rho),

by AM-GM (:mod:`proofs.lemma_interpolation_amgm`), with equality iff :math:`W_2(\rho) =
c_2/c_1`; :mod:`proofs.lemma_interpolation_window` shows that inside the window
:math:`(1-\beta_2)(1+\beta_2+\delta^2) < \alpha^2\delta^2/D_\infty^2 < 2(1-\beta_2)` the
value :math:`\rho^*` attains it, so :math:`\min_{[0,1]} B = 2\sqrt{c_1c_2} + c_0`.
The statement's right side is the registry's closed form ``bound()``.
"""

import sympy as sp

from analysis.symbols import D_inf, G_inf, alpha, beta2, delta, rho

from . import lemma_interpolation_amgm as amgm
from ._core import LE, Domain, Proof, Step, le, lt


def W2(rho_=rho):
    return (1 - beta2) * G_inf**2 * (1 + beta2 + delta**2 + rho_ * (1 - beta2 - delta**2))


c1 = D_inf**2 / (2 * alpha)
c2 = alpha * delta**2 * G_inf**2 / 2
C0 = alpha * G_inf / (2 * sp.sqrt(1 - beta2))
LOWER = 2 * sp.sqrt(c1 * c2) + C0

W2_POS = lt(0, sp.sqrt(W2()), "W_2(rho) > 0 (G_inf > 0, beta2 < 1, rho in [0, 1])")
WITNESS = le(delta**2, 1 - beta2, "delta^2 <= 1 - beta2 (so vmax_2 = v_1)")

_AMGM = amgm.PROOF.instance({amgm.c1: c1, amgm.c2: c2, amgm.w: sp.sqrt(W2())}, given=[W2_POS])


def _theorem():
    from analysis.theorems import THEOREMS

    return THEOREMS["interpolation_improvement"]


PROOF = Proof(
    id="interpolation_improvement",
    title="The interpolation witness: B(rho) >= 2 sqrt(c1 c2) + c0 for every rho in [0, 1]",
    statement=le(LOWER, c1 * sp.sqrt(W2()) + c2 / sp.sqrt(W2()) + C0, "claim"),
    hypotheses=(W2_POS, WITNESS),
    steps=(
        Step(
            LE,
            c1 * sp.sqrt(W2()) + c2 / sp.sqrt(W2()) + C0,
            "AM-GM: 2 sqrt(c1 c2) <= c1 w + c2 / w with w = sqrt(W_2(rho)) > 0",
            by=[_AMGM],
        ),
    ),
    domain=Domain(
        {
            rho: (0, 1),
            beta2: (0, 1),
            delta: (0, 1),
            alpha: (0, None),
            D_inf: (0, None),
            G_inf: (0, None),
        }
    ),
    target=lambda: _theorem().bound(),
    target_name="THEOREMS['interpolation_improvement'].bound()",
    lemmas=("lemma_interpolation_amgm",),
)
