r"""The statements of this package's own theorems as sympy expressions, public.

The theorem modules of ``analysis.THEOREMS``, the proofs in ``proofs`` (which must end
on exactly these expressions) and the training monitor share them. What several theorems
share (the :math:`W` forms, the regret terms and their worst cases) is written here; what
belongs to one theorem is written in its module, ``analysis/theorems/<id>.py``, and read from
there on first use (``AVGRAD_FORM`` is ``analysis.theorems.avgrad_regret.AVGRAD_FORM``). The
names are sympy expressions in :mod:`analysis.symbols`.

With :math:`\alpha_t = \alpha/\sqrt t`, every regret bound is written through
:math:`W_{t,i} = t\,\hat v_{t,i}`:

* ``W_avgrad``, ``W_amsgrad``, ``W_max_avg``, ``W_adam_avg``: :math:`W(t, i)` for AVGrad
  (:math:`Sv`), AMSGrad (:math:`t\,vmax`), :math:`\rho` max + :math:`(1-\rho)` average, and
  :math:`\rho v_t` + :math:`(1-\rho)` average (the :math:`\rho` MADA learns);
* ``regret_terms(W)``: the three terms of the decaying-momentum regret bound for that
  :math:`W`; ``data_form(W)``: their sum;
* ``AVGRAD_FORM``, ``AMSGRAD_FORM``, ``MAX_AVG_FORM``, ``ADAM_AVG_FORM``: ``data_form`` of
  each :math:`W` above, the data-dependent bounds;
* ``AVGRAD_BOUND``, ``MAX_AVG_BOUND``, ``ADAM_AVG_BOUND``: their worst cases, the sums of
  ``FIRST_WORST``, ``MOMENTUM_WORST`` and ``THIRD_WORST`` (the last over
  :math:`\sqrt{1-\rho}` for the Adam mix), with ``THIRD_COEFFICIENT`` the AdaGrad-type
  coefficient of the third term;
* ``RHO_MAX``: the largest :math:`\rho` for which :math:`t\hat v_t` of the Adam/AVGrad mix is
  non-decreasing on every run;
* ``CONSTANT_FORM``, ``CONSTANT_BOUND``: AVGrad's regret with a constant :math:`\beta_1`;
* ``NONCONVEX_BOUND``: stochastic nonconvex AVGrad, :math:`\beta_1 = 0`;
* ``GRAD_NORMS``: :math:`\sum_i \|g_{1:T,i}\|_2`.

Example:
    >>> from analysis.statements import AVGRAD_FORM, W_avgrad, data_form
    >>> data_form(W_avgrad) == AVGRAD_FORM
    True
"""

from __future__ import annotations

import importlib
import inspect

import sympy as sp

from . import symbols
from .symbols import (
    D_inf,
    G_inf,
    Sv,
    T,
    alpha,
    beta1,
    beta1t,
    beta2,
    d,
    g,
    i,
    lam,
    m,
    rho,
    t,
    v,
    vmax,
)


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


def sum_i(expr):
    return sp.Sum(expr, (i, 1, d))


def sum_ti(expr):
    return sp.Sum(sp.Sum(expr, (i, 1, d)), (t, 1, T))


def regret_terms(W):
    r"""The three terms of the decaying-momentum regret bound for :math:`t\hat v_t = W`:

    .. math::
        \frac{D_\infty^2}{2\alpha}\sum_i \sqrt{W_{T,i}}
        + \frac{D_\infty^2}{\alpha(1-\beta_1)}\sum_t \beta_{1t}\sum_i \sqrt{W_{t,i}}
        + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)}\sum_t\sum_i \frac{m_{t,i}^2}{\sqrt{W_{t,i}}}
    """
    first = D_inf**2 / (2 * alpha) * sum_i(sp.sqrt(W(T, i)))
    momentum = (
        D_inf**2 / (alpha * (1 - beta1)) * sp.Sum(beta1t(t) * sum_i(sp.sqrt(W(t, i))), (t, 1, T))
    )
    third = alpha * (1 + beta1) / (2 * (1 - beta1)) * sum_ti(m(t, i) ** 2 / sp.sqrt(W(t, i)))
    return first, momentum, third


def data_form(W):
    """The data-dependent regret bound (sum of :func:`regret_terms`)."""
    return sp.Add(*regret_terms(W))


#: Sum over coordinates of the column norms ||g_{1:T,i}||_2.
GRAD_NORMS = sum_i(sp.sqrt(sp.Sum(g(t, i) ** 2, (t, 1, T))))

#: The AdaGrad-type bound on the third term (lemma ``momentum_adagrad``): for every W with
#: W_t >= (1 - beta2) sum_{j<=t} g_j^2 (times 1/(1 - rho) for the Adam mix, see below).
THIRD_COEFFICIENT = alpha * (1 + beta1) / ((1 - beta1) ** 2 * sp.sqrt(1 - beta2))

#: Worst case of the first two terms with beta_1t = beta1 lam^(t-1), W_t <= t G_inf^2.
FIRST_WORST = d * D_inf**2 * G_inf * sp.sqrt(T) / (2 * alpha)
MOMENTUM_WORST = beta1 * d * D_inf**2 * G_inf / (alpha * (1 - beta1) * (1 - lam) ** 2)
THIRD_WORST = THIRD_COEFFICIENT * d * G_inf * sp.sqrt(T)


#: Each theorem's own statements, defined in its module (``analysis/theorems/<id>.py``) and
#: read from there on first use, so that the registry can import this module.
_OWNED = {
    "avgrad_regret": ("AVGRAD_FORM", "AVGRAD_BOUND"),
    "avgrad_regret_constant_beta1": ("CONSTANT_FORM", "CONSTANT_BOUND"),
    "amsgrad_avgrad_interpolation_regret": ("MAX_AVG_FORM", "MAX_AVG_BOUND", "AMSGRAD_FORM"),
    "adam_avgrad_interpolation_regret": ("ADAM_AVG_FORM", "ADAM_AVG_BOUND", "RHO_MAX"),
    "avgrad_nonconvex": ("NONCONVEX_BOUND",),
}
_HOME = {name: tid for tid, names in _OWNED.items() for name in names}


def __getattr__(name):
    if name in _HOME:
        value = getattr(importlib.import_module(f"analysis.theorems.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _defined_here(name, value):
    if name.startswith("_") or name in symbols.__all__:
        return False
    return isinstance(value, sp.Basic) or (inspect.isfunction(value)
                                           and value.__module__ == __name__)  # fmt: skip


__all__ = sorted({n for n, val in list(globals().items()) if _defined_here(n, val)} | set(_HOME))
