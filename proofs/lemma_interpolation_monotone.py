r"""Lemma (the max/average mix is monotone). With :math:`v^{\max}_{t}` non-decreasing,
:math:`S^v_t = S^v_{t-1} + v_t` (:math:`v_t \ge 0`) and :math:`0 \le \rho \le 1`, the quantity
:math:`W_t = \rho\, t\, v^{\max}_t + (1-\rho) S^v_t` (:math:`= t \hat v_t`) satisfies

.. math:: W_{t-1} \le W_t .

Proof: :math:`t v^{\max}_t - (t-1) v^{\max}_{t-1}
= t (v^{\max}_t - v^{\max}_{t-1}) + v^{\max}_{t-1} \ge 0`
and :math:`S^v_t - S^v_{t-1} = v_t \ge 0`. Used by the max/average regret theorem
(:mod:`proofs.amsgrad_avgrad_interpolation_regret`) for the monotonicity the chain needs.
"""

from analysis.statements import W_max_avg
from analysis.symbols import Sv, i, rho, t, v, vmax

from ._core import LE, Domain, Proof, Step, eq, le

VMAX_MONO = le(vmax(t - 1, i), vmax(t, i), "the running max is non-decreasing")
SV_REC = eq(Sv(t, i), Sv(t - 1, i) + v(t, i), "Sv_t = Sv_{t-1} + v_t")

PROOF = Proof(
    id="lemma_interpolation_monotone",
    title="The max/average mix t * vhat_t is non-decreasing",
    statement=le(W_max_avg(t - 1, i), W_max_avg(t, i), "claim"),
    hypotheses=(VMAX_MONO, SV_REC),
    steps=(
        Step(
            LE,
            W_max_avg(t, i),
            "rho t (vmax_t - vmax_{t-1}) >= 0, rho vmax_{t-1} >= 0, (1 - rho) v_t >= 0",
            by=[(rho * t, VMAX_MONO), (-(1 - rho), SV_REC)],
        ),
    ),
    data=(v, Sv, vmax),
    domain=Domain({rho: (0, 1)}),
)
