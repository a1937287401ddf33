r"""The statements of this package's own theorems, written once for the registry and ``proofs/``.

A data-dependent bound is a sympy expression in the run's data, written with sums over the
step index :data:`t` and the coordinate :data:`i`, so that the proofs in :mod:`proofs` end on
exactly these expressions and ``Theorem.data_bound`` evaluates them on a recorded run.

Run data (undefined sympy functions, arguments ``(t, i)``; rows ``t = 1..T``):

* ``g(t, i)``: the gradient :math:`g_{t,i}`; ``m(t, i)``: :math:`m_{t,i}`;
* ``v(t, i)``: :math:`v_{t,i} = \beta_2 v_{t-1,i} + (1-\beta_2) g_{t,i}^2`, :math:`v_0 = 0`;
* ``Sv(t, i)``: :math:`\sum_{s \le t} v_{s,i} = t\,\bar v_{t,i}` (AVGrad's accumulator);
* ``vmax(t, i)``: :math:`\max_{s \le t} v_{s,i}` (AMSGrad's long memory);
* ``beta1t(t)``: the momentum coefficient :math:`\beta_{1t} \le \beta_1`.

With :math:`\alpha_t = \alpha/\sqrt t`, every regret bound below is written through
:math:`W_{t,i} = t\,\hat v_{t,i}`, because :math:`\sqrt{\hat v_{t,i}}/\alpha_t =
\sqrt{W_{t,i}}/\alpha` and :math:`\alpha_t/\sqrt{\hat v_{t,i}} = \alpha/\sqrt{W_{t,i}}`.
"""

from __future__ import annotations

import sympy as sp

from ._core import D_inf, G_inf, T, alpha, beta1, beta2, d, lam

t = sp.Symbol("t", positive=True, integer=True)  # step index of a sum
i = sp.Symbol("i", positive=True, integer=True)  # coordinate index of a sum
rho = sp.Symbol("rho", nonnegative=True)  # MADA's interpolation coefficient

g = sp.Function("g", real=True)
m = sp.Function("m", real=True)
v = sp.Function("v", nonnegative=True)
Sv = sp.Function("Sv", nonnegative=True)
vmax = sp.Function("vmax", nonnegative=True)
beta1t = sp.Function("beta1t", nonnegative=True)

RUN_DATA = (g, m, v, Sv, vmax, beta1t)


def W_avgrad(t_, i_):
    """t * vhat for AVGrad (vhat = running average of v)."""
    return Sv(t_, i_)


def W_amsgrad(t_, i_):
    """t * vhat for AMSGrad (vhat = running max of v)."""
    return t_ * vmax(t_, i_)


def W_max_avg(t_, i_):
    """t * vhat for vhat = rho * max + (1 - rho) * average."""
    return rho * t_ * vmax(t_, i_) + (1 - rho) * Sv(t_, i_)


def W_adam_avg(t_, i_):
    """t * vhat for vhat = rho * v_t + (1 - rho) * average (the rho MADA learns)."""
    return rho * t_ * v(t_, i_) + (1 - rho) * Sv(t_, i_)


def _sum_i(expr):
    return sp.Sum(expr, (i, 1, d))


def _sum_ti(expr):
    return sp.Sum(sp.Sum(expr, (i, 1, d)), (t, 1, T))


def regret_terms(W):
    r"""The three terms of the decaying-momentum regret bound for :math:`t\hat v_t = W`:

    .. math::
        \frac{D_\infty^2}{2\alpha}\sum_i \sqrt{W_{T,i}}
        + \frac{D_\infty^2}{\alpha(1-\beta_1)}\sum_t \beta_{1t}\sum_i \sqrt{W_{t,i}}
        + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)}\sum_t\sum_i \frac{m_{t,i}^2}{\sqrt{W_{t,i}}}
    """
    first = D_inf**2 / (2 * alpha) * _sum_i(sp.sqrt(W(T, i)))
    momentum = D_inf**2 / (alpha * (1 - beta1)) * sp.Sum(
        beta1t(t) * _sum_i(sp.sqrt(W(t, i))), (t, 1, T)
    )
    third = alpha * (1 + beta1) / (2 * (1 - beta1)) * _sum_ti(m(t, i) ** 2 / sp.sqrt(W(t, i)))
    return first, momentum, third


def data_form(W):
    """The data-dependent regret bound (sum of :func:`regret_terms`)."""
    return sp.Add(*regret_terms(W))


#: Sum over coordinates of the column norms ||g_{1:T,i}||_2.
GRAD_NORMS = _sum_i(sp.sqrt(sp.Sum(g(t, i) ** 2, (t, 1, T))))

#: The AdaGrad-type bound on the third term (lemma ``momentum_adagrad``): for every W with
#: W_t >= (1 - beta2) sum_{j<=t} g_j^2 (times 1/(1 - rho) for the Adam mix, see below).
THIRD_COEFFICIENT = alpha * (1 + beta1) / ((1 - beta1) ** 2 * sp.sqrt(1 - beta2))

#: Worst case of the first two terms with beta_1t = beta1 lam^(t-1), W_t <= t G_inf^2.
FIRST_WORST = d * D_inf**2 * G_inf * sp.sqrt(T) / (2 * alpha)
MOMENTUM_WORST = beta1 * d * D_inf**2 * G_inf / (alpha * (1 - beta1) * (1 - lam) ** 2)
THIRD_WORST = THIRD_COEFFICIENT * d * G_inf * sp.sqrt(T)

AVGRAD_FORM = data_form(W_avgrad)
AMSGRAD_FORM = data_form(W_amsgrad)
MAX_AVG_FORM = data_form(W_max_avg)
ADAM_AVG_FORM = data_form(W_adam_avg)

AVGRAD_BOUND = FIRST_WORST + MOMENTUM_WORST + THIRD_WORST
MAX_AVG_BOUND = AVGRAD_BOUND  # the worst case cannot see rho (module docstring of the theorem)
ADAM_AVG_BOUND = FIRST_WORST + MOMENTUM_WORST + THIRD_WORST / sp.sqrt(1 - rho)

#: The largest rho for which t * vhat_t is non-decreasing for the Adam/AVGrad mix on every
#: run, using only v_t >= beta2 v_{t-1} (lemma ``adam_avg_monotone``).
RHO_MAX = beta2 / ((T - 1) * (1 - beta2))

# ---- constant beta1 (beta_1t = beta1 for all t) -------------------------------------------
CONSTANT_FORM = (
    D_inf**2 / (2 * alpha) * _sum_i(sp.sqrt(Sv(T, i)))
    + alpha * (1 + beta1) / (2 * (1 - beta1)) * _sum_ti(m(t, i) ** 2 / sp.sqrt(Sv(t, i)))
    + beta1 * D_inf / (1 - beta1) * _sum_i(sp.Abs(m(T, i)))
)
CONSTANT_BOUND = (
    FIRST_WORST
    + alpha * (1 + beta1) * d * G_inf * sp.sqrt(T) / ((1 - beta1) * sp.sqrt(1 - beta2))
    + beta1 * d * D_inf * G_inf / (1 - beta1)
)

# ---- stochastic nonconvex AVGrad, beta1 = 0 ---------------------------------------------
from ._core import Delta, L, R, eps  # noqa: E402

NONCONVEX_BOUND = 2 * sp.sqrt(eps + T * R**2) * Delta / (alpha * T) + d * sp.sqrt(
    eps + T * R**2
) * (4 * R * sp.sqrt(1 - beta2) + alpha * L) * sp.log(1 + T * R**2 / eps) / ((1 - beta2) * T)

__all__ = [
    "ADAM_AVG_BOUND",
    "ADAM_AVG_FORM",
    "AMSGRAD_FORM",
    "AVGRAD_BOUND",
    "AVGRAD_FORM",
    "CONSTANT_BOUND",
    "CONSTANT_FORM",
    "GRAD_NORMS",
    "MAX_AVG_BOUND",
    "MAX_AVG_FORM",
    "NONCONVEX_BOUND",
    "RHO_MAX",
    "RUN_DATA",
    "THIRD_COEFFICIENT",
    "Sv",
    "W_adam_avg",
    "W_amsgrad",
    "W_avgrad",
    "W_max_avg",
    "beta1t",
    "data_form",
    "g",
    "i",
    "m",
    "regret_terms",
    "rho",
    "t",
    "v",
    "vmax",
]  # fmt: skip
