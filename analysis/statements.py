r"""The statements of this package's own theorems as sympy expressions, public.

The theorem modules of ``analysis.THEOREMS``, the proofs in ``proofs`` (which must end
on exactly these expressions) and the training monitor share them; they are written once, in
the registry's implementation, and re-exported here so that no other package imports a private
module. The names are sympy expressions in :mod:`analysis.symbols`.

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

from .theorems._own import (
    ADAM_AVG_BOUND,
    ADAM_AVG_FORM,
    AMSGRAD_FORM,
    AVGRAD_BOUND,
    AVGRAD_FORM,
    CONSTANT_BOUND,
    CONSTANT_FORM,
    FIRST_WORST,
    GRAD_NORMS,
    MAX_AVG_BOUND,
    MAX_AVG_FORM,
    MOMENTUM_WORST,
    NONCONVEX_BOUND,
    RHO_MAX,
    THIRD_COEFFICIENT,
    THIRD_WORST,
    W_adam_avg,
    W_amsgrad,
    W_avgrad,
    W_max_avg,
    data_form,
    regret_terms,
)

__all__ = [
    "ADAM_AVG_BOUND",
    "ADAM_AVG_FORM",
    "AMSGRAD_FORM",
    "AVGRAD_BOUND",
    "AVGRAD_FORM",
    "CONSTANT_BOUND",
    "CONSTANT_FORM",
    "FIRST_WORST",
    "GRAD_NORMS",
    "MAX_AVG_BOUND",
    "MAX_AVG_FORM",
    "MOMENTUM_WORST",
    "NONCONVEX_BOUND",
    "RHO_MAX",
    "THIRD_COEFFICIENT",
    "THIRD_WORST",
    "W_adam_avg",
    "W_amsgrad",
    "W_avgrad",
    "W_max_avg",
    "data_form",
    "regret_terms",
]
