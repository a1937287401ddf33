r"""Theorem (regret of the max/average interpolation, decaying momentum). With
:math:`\hat v_t = \rho\,v^{\max}_t + (1-\rho)\bar v_t`, :math:`0 \le \rho \le 1`,
(:math:`W_{t,i} = \rho\,t\,v^{\max}_{t,i} + (1-\rho) Sv_{t,i}`), the data-dependent regret bound
``analysis.statements.MAX_AVG_FORM`` holds, and its worst case is AVGrad's
(``analysis.statements.MAX_AVG_BOUND``):

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1) d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}} .

Monotonicity: :mod:`proofs.lemma_interpolation_monotone`; upper: :math:`v^{\max} \le G_\infty^2`,
:math:`Sv_t \le tG_\infty^2`; lower: :math:`t\,v^{\max}_t \ge Sv_t` (the max dominates the
mean: lemma_max_dominates_mean, by induction), so
:math:`W_t \ge Sv_t \ge (1-\beta_2)\sum_{s \le t} g_s^2`.
"""

import sympy as sp

from analysis.statements import MAX_AVG_BOUND, MAX_AVG_FORM, W_max_avg
from analysis.symbols import G_inf, R, Sv, T, beta2, g, i, rho, t, v, vmax

from . import lemma_interpolation_monotone as mono
from . import lemma_max_dominates_mean as mdm
from . import lemma_safeguard_monotone as smono
from ._algorithm import K, max_bound
from ._core import eq, le
from ._regret_chain import (
    SV0,
    SV_LOWER,
    SV_REC,
    domain,
    interpolation_upper,
    regret_proof,
    s,
    v_bound,
)
from ._rules import scale, substitute
from ._rules_regret import trans

VMAX_REC = eq(vmax(t, i), sp.Max(vmax(t - 1, i), v(t, i)), "vmax_t = max(vmax_{t-1}, v_t)")
VMAX0 = eq(vmax(0, i), 0, "vmax_0 = 0")
#: vmax_{t-1} <= vmax_t from the recurrence (the max dominates its first argument)
VMAX_MONO = smono.PROOF.instance({smono.x1: lambda a: vmax(a, i), smono.y1: lambda a: v(a, i),
                                  smono.n: t}, given=[VMAX_REC])  # fmt: skip


def _vmax_bound(k):
    """vmax_{k,i} <= G_inf^2 by induction (lemma_vmax_bound), its input bound v <= G_inf^2
    by induction too (lemma_ema_bound)."""
    return max_bound(
        lambda a: vmax(a, i),
        lambda a: v(a, i),
        G_inf**2,
        k,
        start=VMAX0,
        rec=VMAX_REC,
        y_le=v_bound(K),
    )


RHO1 = le(rho, 1, "rho <= 1")

#: Sv_t <= t vmax_t (the running max dominates the mean, by induction)
_SV_LE_TVMAX = mdm.PROOF.instance(
    {mdm.x1: lambda a: vmax(a, i), mdm.y1: lambda a: v(a, i), mdm.S1: lambda a: Sv(a, i),
     mdm.n: t},
    given=[VMAX0, SV0, substitute(VMAX_REC, {t: mdm.k}),
           substitute(SV_REC, {t: mdm.k})])  # fmt: skip


def _upper(k):
    return interpolation_upper(W_max_avg, k, _vmax_bound, RHO1)


PROOF = regret_proof(
    "amsgrad_avgrad_interpolation_regret", W_max_avg,
    title="Regret of the max/average interpolation with decaying momentum",
    hypotheses=(VMAX_REC, VMAX0, RHO1),
    mono=mono.PROOF.instance({}, given=[VMAX_MONO, SV_REC]),
    upper=_upper,
    lower=trans((1 - beta2) * sp.Sum(g(s, i) ** 2, (s, 1, t)), Sv(t, i), W_max_avg(t, i),
                given=[SV_LOWER, scale(_SV_LE_TVMAX, rho)]),
    c=sp.sqrt(1 - beta2),
    form=MAX_AVG_FORM, bound=MAX_AVG_BOUND, domain=domain({rho: (0, 1)}),
    lemmas=("lemma_interpolation_monotone", "lemma_vmax_bound", "lemma_safeguard_monotone",
            "lemma_max_dominates_mean"),
    notes="v_t <= G_inf^2 and vmax_t <= G_inf^2 are proved by induction (lemma_ema_bound, "
          "lemma_vmax_bound), vmax's monotonicity from its recurrence "
          "(lemma_safeguard_monotone), Sv_t <= t vmax_t by induction "
          "(lemma_max_dominates_mean).",
)  # fmt: skip
_ = (R, T)
