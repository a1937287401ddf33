r"""Theorem (regret of the Adam/average interpolation MADA learns, decaying momentum). With
:math:`\hat v_t = \rho\,v_t + (1-\rho)\bar v_t`
(:math:`W_{t,i} = \rho\,t\,v_{t,i} + (1-\rho)Sv_{t,i}`)
and :math:`0 \le \rho \le \min(1, \beta_2/((T-1)(1-\beta_2)))`, :math:`\rho < 1` (so that
:math:`W` is non-decreasing, :mod:`proofs.lemma_adam_avg_monotone`):

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1) d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}\sqrt{1-\rho}} .

Data-dependent form ``analysis.statements.ADAM_AVG_FORM`` (step 1), worst case
``analysis.statements.ADAM_AVG_BOUND``.
Lower bound :math:`W_t \ge (1-\rho)Sv_t \ge (1-\rho)(1-\beta_2)\sum_{s\le t} g_s^2`, hence
:math:`c = \sqrt{1-\rho}\sqrt{1-\beta_2}` in :mod:`proofs.lemma_momentum_adagrad`.
"""

import sympy as sp

from analysis.statements import ADAM_AVG_BOUND, ADAM_AVG_FORM, W_adam_avg
from analysis.symbols import Sv, beta2, g, i, rho, t

from . import lemma_adam_avg_monotone as mono
from ._core import le
from ._regret_chain import (
    SV_LOWER,
    SV_REC,
    VREC,
    domain,
    interpolation_upper,
    regret_proof,
    s,
    v_bound,
)
from ._rules_regret import scale_given, trans

RHO1 = le(rho, 1, "rho < 1")
HYPS = (mono.RHO, mono.T_RANGE, mono.B2, RHO1)


def _upper(k):
    return interpolation_upper(W_adam_avg, k, v_bound, RHO1)


PROOF = regret_proof(
    "adam_avgrad_interpolation_regret", W_adam_avg,
    title="Regret of the Adam/average interpolation with decaying momentum",
    hypotheses=HYPS,
    mono=mono.PROOF.instance({}, given=[VREC, SV_REC, mono.RHO, mono.T_RANGE, mono.B2]),
    upper=_upper,
    lower=trans((1 - rho) * (1 - beta2) * sp.Sum(g(s, i) ** 2, (s, 1, t)), (1 - rho) * Sv(t, i),
                W_adam_avg(t, i), given=[scale_given(SV_LOWER, 1 - rho, given=[RHO1])]),
    c=sp.sqrt(1 - rho) * sp.sqrt(1 - beta2),
    form=ADAM_AVG_FORM, bound=ADAM_AVG_BOUND, domain=domain({rho: (0, 1)}),
    lemmas=("lemma_adam_avg_monotone",),
    notes="v_t <= G_inf^2 is proved by induction (lemma_ema_bound). rho <= RHO_MAX and "
          "t <= T are the monotonicity conditions.",
)  # fmt: skip
