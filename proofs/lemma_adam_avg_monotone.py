r"""Lemma (the Adam/average mix is monotone for small :math:`\rho`). With
:math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`, :math:`S^v_t = S^v_{t-1} + v_t`,
:math:`W_t = \rho\, t\, v_t + (1-\rho) S^v_t` (:math:`= t\hat v_t`), :math:`2 \le t \le T` and
:math:`0 \le \rho \le \beta_2 / ((T-1)(1-\beta_2))`:

.. math::
    W_t - W_{t-1} = (\rho t + 1 - \rho) v_t - \rho (t-1) v_{t-1}
    \ge [\beta_2 - \rho (t-1)(1-\beta_2)]\, v_{t-1} \ge 0 .

(:math:`v_t \ge \beta_2 v_{t-1}`;
:math:`\rho(t-1)(1-\beta_2) \le \rho(T-1)(1-\beta_2) \le \beta_2`.)
Used by :mod:`proofs.adam_avgrad_interpolation_regret`; the threshold is
``analysis.statements.RHO_MAX``.
"""

from analysis.statements import RHO_MAX, W_adam_avg
from analysis.symbols import Sv, T, beta2, g, i, rho, t, v

from ._core import LE, Domain, Proof, Step, eq, le

VREC = eq(v(t, i), beta2 * v(t - 1, i) + (1 - beta2) * g(t, i) ** 2, "the EMA of g^2")
SV_REC = eq(Sv(t, i), Sv(t - 1, i) + v(t, i), "Sv_t = Sv_{t-1} + v_t")
RHO = le(rho, RHO_MAX, "rho <= beta2 / ((T - 1)(1 - beta2))")
T_RANGE = le(t, T, "t <= T")
B2 = le(beta2, 1, "beta2 < 1")

PROOF = Proof(
    id="lemma_adam_avg_monotone",
    title="The Adam/average mix t * vhat_t is non-decreasing for rho <= RHO_MAX",
    statement=le(W_adam_avg(t - 1, i), W_adam_avg(t, i), "claim"),
    hypotheses=(VREC, SV_REC, RHO, T_RANGE, B2),
    steps=(
        Step(
            LE,
            W_adam_avg(t, i),
            "Sv_t - Sv_{t-1} = v_t; v_t >= beta2 v_{t-1} (weight rho t + 1 - rho >= 0); "
            "rho (t-1)(1-beta2) <= beta2",
            by=[
                (-(1 - rho), SV_REC),
                (-(rho * t + 1 - rho), VREC),
                ((T - 1) * (1 - beta2) * v(t - 1, i), RHO),
                (rho * (1 - beta2) * v(t - 1, i), T_RANGE),
                ((rho * t + 1 - rho) * g(t, i) ** 2, B2),
            ],
        ),
    ),
    data=(g, v, Sv),
    domain=Domain({rho: (0, 1), beta2: (0, 1)}),
    parameters=(T,),
)
