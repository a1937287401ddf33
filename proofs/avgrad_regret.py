r"""Theorem (AVGrad regret, decaying momentum). AVGrad (:math:`\hat v_t` = running average of
:math:`v`, :math:`W_{t,i} = t\hat v_{t,i} = Sv_{t,i}`) with :math:`\alpha_t = \alpha/\sqrt t`,
:math:`\beta_{1t} = \beta_1\lambda^{t-1}`, on an online convex problem with
:math:`\|g_t\|_\infty \le G_\infty`, :math:`|x_i - x^*_i| \le D_\infty`:

.. math::
    R_T \le \frac{D_\infty^2}{2\alpha}\sum_i\sqrt{Sv_{T,i}} + \dots
    \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1) d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}} .

Step 1 reaches the data-dependent form (``analysis.statements.AVGRAD_FORM``), the last step
the worst case (``analysis.statements.AVGRAD_BOUND``). Monotonicity:
:math:`Sv_t - Sv_{t-1} = v_t \ge 0`; upper: :math:`Sv_t \le t G_\infty^2`; lower:
:math:`Sv_t \ge (1-\beta_2)\sum_{s\le t} g_s^2`.
"""

import sympy as sp

from analysis.statements import AVGRAD_BOUND, AVGRAD_FORM, W_avgrad
from analysis.symbols import beta2, t

from ._regret_chain import SV_LOWER, SV_REC, SV_UPPER, domain, regret_proof
from ._rules import scale, substitute

PROOF = regret_proof(
    "avgrad_regret", W_avgrad,
    title="AVGrad regret with decaying momentum",
    hypotheses=(),
    mono=scale(SV_REC, -1),
    upper=lambda k: substitute(SV_UPPER, {t: k}),
    lower=SV_LOWER,
    c=sp.sqrt(1 - beta2),
    form=AVGRAD_FORM, bound=AVGRAD_BOUND, domain=domain(), lemmas=(),
    notes="v_t <= G_inf^2 is proved by induction (lemma_ema_bound).",
)  # fmt: skip
