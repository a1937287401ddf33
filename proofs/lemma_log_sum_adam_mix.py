r"""Lemma (Défossez et al.'s Lemma 5.2 for a denominator at least :math:`\rho\,v_t`).

For a coordinate :math:`i`, :math:`\epsilon > 0`, :math:`0 < \beta_2 < 1`,
:math:`0 < \rho \le 1`, Adam's unnormalised second moment :math:`v_t = \beta_2 v_{t-1} +
g_t^2`, :math:`v_0 = 0`, :math:`v_T \le R^2/(1-\beta_2)`, and any :math:`w_t \ge \rho\,v_t`
(the interpolated accumulator :math:`w_t = \rho_t v_t + (1-\rho_t)\bar v_t` with
:math:`\rho_t \ge \rho`):

.. math::
    \rho\sum_{t=1}^T \frac{g_{t,i}^2}{\epsilon + w_{t,i}}
      \le \ln\Big(1 + \frac{\rho R^2}{(1-\beta_2)\epsilon}\Big) - T\ln\beta_2 .

At :math:`\rho = 1`, :math:`w = v` this is Défossez et al.'s Lemma 5.2. Proof:
:math:`w_t \ge \rho v_t`; :math:`\rho g_t^2 = \rho v_t - \rho\beta_2 v_{t-1}`, so
:math:`\rho g_t^2/(\epsilon + \rho v_t) = 1 - (\epsilon + \rho\beta_2 v_{t-1})/(\epsilon +
\rho v_t) \le \ln(\epsilon + \rho v_t) - \ln(\epsilon + \rho\beta_2 v_{t-1})`
(:math:`1 - 1/x \le \ln x`); :math:`\epsilon + \rho\beta_2 v \ge \beta_2(\epsilon + \rho v)`;
telescoping; :math:`\ln` is increasing. Used by
:mod:`proofs.adam_avgrad_interpolation_nonconvex`, pointwise, before the expectation.
"""

import sympy as sp

from analysis.symbols import R, T, beta2, eps, g, i, rho, t, v

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, given, log_ratio, scale, telescope, termwise
from ._rules_expectation import identity

#: the interpolated accumulator w_t (unnormalised, as v), at least rho v_t
w = sp.Function("w", nonnegative=True)

V_UPD = eq(v(t, i), beta2 * v(t - 1, i) + g(t, i) ** 2, "v_t = beta2 v_{t-1} + g_t^2")
V0 = eq(v(0, i), 0, "v_0 = 0")
VT = le(v(T, i), R**2 / (1 - beta2), "v_T <= R^2/(1 - beta2) (|g| <= R)")
W_LO = le(rho * v(t, i), w(t, i), "w_t >= rho v_t (rho_t >= rho, the average is >= 0)")

_A = eps + rho * v(t, i)
_P = eps + rho * v(t - 1, i)
_B = eps + rho * beta2 * v(t - 1, i)
_LOG = sp.log(1 + rho * R**2 / ((1 - beta2) * eps))


def _st(x):
    return sp.Sum(x, (t, 1, T))


PROOF = Proof(
    id="lemma_log_sum_adam_mix",
    title="Log sum of normalised squared gradients for a denominator >= rho v_t (Adam's v)",
    statement=le(rho * _st(g(t, i) ** 2 / (eps + w(t, i))), _LOG - T * sp.log(beta2), "claim"),
    hypotheses=(V_UPD, V0, VT, W_LO),
    steps=(
        Step(
            LE,
            _st(rho * g(t, i) ** 2 / _A),
            "w_t >= rho v_t",
            by=[
                termwise(scale(W_LO, rho * g(t, i) ** 2 / ((eps + w(t, i)) * _A)), t, 1, T),
                (
                    -1,
                    termwise(
                        identity(
                            rho * g(t, i) ** 2 / _A - rho * g(t, i) ** 2 / (eps + w(t, i)),
                            rho * g(t, i) ** 2 * (w(t, i) - rho * v(t, i)) / ((eps + w(t, i)) * _A),
                        ),
                        t,
                        1,
                        T,
                    ),
                ),
            ],
        ),
        Step(
            LE,
            _st(sp.log(_A) - sp.log(_B)),
            "rho g_t^2/(eps + rho v_t) = 1 - (eps + rho beta2 v_{t-1})/(eps + rho v_t) <= "
            "ln(eps + rho v_t) - ln(eps + rho beta2 v_{t-1})",
            by=[
                termwise(log_ratio(_A, _B), t, 1, T),
                (-1, termwise(scale(V_UPD, rho / _A), t, 1, T)),
                termwise(identity(eps / _A + rho * v(t, i) / _A, 1), t, 1, T),
            ],
        ),
        Step(
            LE,
            _st(sp.log(_A) - sp.log(_P)) - T * sp.log(beta2),
            "eps + rho beta2 v_{t-1} >= beta2 (eps + rho v_{t-1}): ln of it >= ln beta2 + "
            "ln(eps + rho v_{t-1})",
            by=[
                termwise(log_ratio(_B, beta2 * _P), t, 1, T),
                (-1, termwise(identity(1 - beta2 * _P / _B, eps * (1 - beta2) / _B), t, 1, T)),
            ],
        ),
        Step(
            EQ,
            sp.log(eps + rho * v(T, i)) - sp.log(eps + rho * v(0, i)) - T * sp.log(beta2),
            "telescoping",
            by=[telescope(lambda k: sp.log(eps + rho * v(k, i)), t, 1, T)],
        ),
        Step(
            EQ,
            sp.log(eps + rho * v(T, i)) - sp.log(eps) - T * sp.log(beta2),
            "v_0 = 0",
            by=[(-1, apply(V0, lambda x: sp.log(eps + rho * x)))],
        ),
        Step(
            LE,
            sp.log(eps + rho * R**2 / (1 - beta2)) - sp.log(eps) - T * sp.log(beta2),
            "ln is increasing, v_T <= R^2/(1 - beta2) (which also makes the log's argument "
            "> 0: eps + rho v_T > 0)",
            by=[
                given(
                    log_ratio(eps + rho * R**2 / (1 - beta2), eps + rho * v(T, i)), scale(VT, rho)
                ),
                (rho / (eps + rho * R**2 / (1 - beta2)), VT),
            ],
        ),
        Step(EQ, _LOG - T * sp.log(beta2), "ln(eps + x) - ln(eps) = ln(1 + x/eps)"),
    ),
    data=(g, v, w),
    domain=Domain({beta2: (0, 1), rho: (0, 1)}),
    notes="Stated multiplied by rho > 0 (the checker's normal form fuses scalar divisors into "
    "data denominators).",
)
