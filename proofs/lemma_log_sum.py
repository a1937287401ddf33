r"""Lemma (the logarithmic sum of AVGrad's normalised squared gradients). For a coordinate
:math:`i`, :math:`\epsilon > 0`, :math:`0 \le \beta_2 < 1`, :math:`v_{t} = \beta_2 v_{t-1} +
(1-\beta_2) g_t^2` (written with :math:`c = 1 - \beta_2`), :math:`Sv_t = Sv_{t-1} + v_t`,
:math:`Sv_0 = 0`, :math:`Sv_T \le T R^2`:

.. math::
    (1 - \beta_2)\sum_{t=1}^T \frac{g_{t,i}^2}{\epsilon + Sv_{t,i}}
      \le \ln\Big(1 + \frac{T R^2}{\epsilon}\Big).

Proof: :math:`(1-\beta_2) g_t^2 \le v_t`; :math:`v_t/(\epsilon + Sv_t) = 1 - (\epsilon +
Sv_{t-1})/(\epsilon + Sv_t) \le \ln(\epsilon + Sv_t) - \ln(\epsilon + Sv_{t-1})`
(:math:`1 - 1/x \le \ln x`); telescoping; :math:`\ln` is increasing. Used by
:mod:`proofs.avgrad_nonconvex` (the noise and curvature terms), pointwise, before the
expectation is taken.
"""

import sympy as sp

from analysis.symbols import R, Sv, T, eps, g, i, t, v

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, log_quotient, log_ratio, scale, telescope, termwise
from ._rules_expectation import identity

#: c = 1 - beta2, a name (positive: beta2 < 1), so that v_t = (1 - c) v_{t-1} + c g_t^2
c = sp.Symbol("c", positive=True)

V_UPD = eq(v(t, i), (1 - c) * v(t - 1, i) + c * g(t, i) ** 2,
           "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2, with c = 1 - beta2")  # fmt: skip
SV_UPD = eq(Sv(t, i), Sv(t - 1, i) + v(t, i), "Sv_t = Sv_{t-1} + v_t")
SV0 = eq(Sv(0, i), 0, "Sv_0 = 0")
SVT = le(Sv(T, i), T * R**2, "Sv_T <= T R^2")

_A = eps + Sv(t, i)
_LOG = sp.log(1 + T * R**2 / eps)

PROOF = Proof(
    id="lemma_log_sum",
    title="Log sum of AVGrad's normalised squared gradients",
    statement=le(c * sp.Sum(g(t, i) ** 2 / _A, (t, 1, T)), _LOG, "claim"),
    hypotheses=(V_UPD, SV_UPD, SV0, SVT),
    steps=(
        Step(
            LE,
            sp.Sum(v(t, i) / _A, (t, 1, T)),
            "c g_t^2 = v_t - beta2 v_{t-1} <= v_t",
            by=[(-1, termwise(scale(V_UPD, 1 / _A), t, 1, T))],
        ),
        Step(
            LE,
            sp.Sum(sp.log(_A) - sp.log(eps + Sv(t - 1, i)), (t, 1, T)),
            "v_t/(eps + Sv_t) = 1 - (eps + Sv_{t-1})/(eps + Sv_t) <= ln(eps + Sv_t) - "
            "ln(eps + Sv_{t-1})",
            by=[
                termwise(log_ratio(_A, eps + Sv(t - 1, i)), t, 1, T),
                (-1, termwise(scale(SV_UPD, 1 / _A), t, 1, T)),
                termwise(identity(eps / _A + Sv(t, i) / _A, 1), t, 1, T),
            ],
        ),
        Step(
            EQ,
            sp.log(eps + Sv(T, i)) - sp.log(eps + Sv(0, i)),
            "telescoping",
            by=[telescope(lambda k: sp.log(eps + Sv(k, i)), t, 1, T)],
        ),
        Step(
            EQ,
            sp.log(eps + Sv(T, i)) - sp.log(eps),
            "Sv_0 = 0",
            by=[(-1, apply(SV0, lambda x: sp.log(eps + x)))],
        ),
        Step(
            LE,
            sp.log(eps + T * R**2) - sp.log(eps),
            "ln is increasing, Sv_T <= T R^2",
            by=[log_ratio(eps + T * R**2, eps + Sv(T, i)), (1 / (eps + T * R**2), SVT)],
        ),
        Step(
            EQ,
            _LOG,
            "ln(eps + T R^2) - ln(eps) = ln(1 + T R^2/eps)",
            by=[log_quotient(eps + T * R**2, eps, 1 + T * R**2 / eps)],
        ),
    ),
    data=(g, v, Sv),
    domain=Domain({c: (0, 1)}),
    notes="Stated multiplied by c = 1 - beta2 > 0 (the checker's normal form fuses scalar "
    "divisors into data denominators); 1 - c = beta2 >= 0.",
)
