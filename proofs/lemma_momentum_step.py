r"""Lemma (one round of the decaying-momentum regret argument, scalar form).

With :math:`b = \beta_{1t} \le \beta_1 < 1` and the per-round quantities (all for one round t)
:math:`\mathrm{gd} = \langle g_t, \delta_t\rangle`, :math:`M = \langle m_t, \delta_t\rangle`,
:math:`N = \langle m_{t-1}, \delta_t\rangle`, :math:`A = \|\delta_t\|^2_{w_t}/(2\alpha_t)`,
:math:`B = \|\delta_{t+1}\|^2_{w_t}/(2\alpha_t)`, :math:`C = \frac{\alpha_t}{2}\|m_t\|^2_{1/w_t}`,
:math:`C' = \frac{\alpha_{t-1}}{2}\|m_{t-1}\|^2_{1/w_{t-1}}`,
:math:`E = \|\delta_t\|^2_{w_{t-1}}/(2\alpha_{t-1})`: from the momentum identity
:math:`(1-b)\,\mathrm{gd} = M - bN`, the projection bound :math:`M \le A - B + C` and Young's
:math:`-N \le C' + E`,

.. math:: \mathrm{gd} \le A - B + \frac{bA + C + bC' + bE}{1-\beta_1}.

Proof: divide by :math:`1-b > 0`; split :math:`\frac{1}{1-b} = 1 + \frac{b}{1-b}` on
:math:`A - B` and drop :math:`-\frac{b}{1-b}B \le 0`; then
:math:`\frac{1}{1-b} \le \frac{1}{1-\beta_1}`.
Used for every round by :mod:`proofs.lemma_regret_chain`.
"""

import sympy as sp

from analysis.symbols import beta1

from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import scale
from ._rules_regret import scale_given

b, A, B, C, Cp, E = sp.symbols("b A B C Cp E", nonnegative=True)
gd, M, N = sp.symbols("gd M N", real=True)

POSB = le(0, 1 / (1 - b), "b <= beta1 < 1, so 1/(1 - b) > 0")
POS1 = le(0, 1 / (1 - beta1), "beta1 < 1, so 1/(1 - beta1) > 0")
IDENTITY = eq((1 - b) * gd, M - b * N, "momentum identity (1-b) g = m_t - b m_{t-1}")
PROJ = le(M, A - B + C, "projection bound")
YOUNG = le(-N, Cp + E, "Young's inequality")
B_LE = le(b, beta1, "beta_1t <= beta1")
HYPOTHESES = (POSB, POS1, IDENTITY, PROJ, YOUNG, B_LE)

_X = b * A + C + b * Cp + b * E

PROOF = Proof(
    id="lemma_momentum_step",
    title="One round of the decaying-momentum regret argument",
    statement=le(gd, A - B + _X / (1 - beta1), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            "=",
            (M - b * N) / (1 - b),
            "divide the momentum identity by 1 - b > 0",
            by=[(1 / (1 - b), IDENTITY)],
        ),
        Step(
            LE,
            (A - B + C + b * Cp + b * E) / (1 - b),
            "projection bound (weight 1/(1-b)) and Young (weight b/(1-b))",
            by=[(1 / (1 - b), PROJ), (b / (1 - b), YOUNG)],
        ),
        Step(
            LE,
            A - B + _X / (1 - b),
            "1/(1-b) = 1 + b/(1-b) on A - B; drop -b B/(1-b) <= 0",
            by=[(b * B, POSB)],
        ),
        Step(
            LE,
            A - B + _X / (1 - beta1),
            "1/(1-b) <= 1/(1-beta1) since b <= beta1",
            by=[
                scale_given(
                    scale_given(B_LE, 1 / (1 - b), given=[POSB]),
                    _X / (1 - beta1),
                    given=[scale(POS1, _X)],
                )
            ],
        ),
    ),
    domain=Domain({beta1: (0, 1), b: (0, 1)}),
)
