r"""The sympy vocabulary of the theorems, public: what ``proofs/``, the monitor and users use.

The statements in ``analysis.THEOREMS`` and the proofs in ``proofs`` are sympy
expressions in the names below. They are defined once, in the registry's implementation, and
re-exported here so that other packages need no private import; a symbol taken from here is
the very object the theorems use (sympy compares symbols by name and assumptions).

Constants of a setting (sympy symbols; ``SYMBOLS`` maps each name to its symbol):

* ``T`` (horizon), ``d`` (dimension), ``t0`` (Tran & Phong's index of Lemma 4.3): positive
  integers;
* ``alpha`` (base step size), ``beta1``, ``beta2``, ``eps``, ``lam`` (:math:`\beta_{1t} =
  \beta_1\lambda^{t-1}`), ``rho`` (MADA's interpolation coefficient);
* ``D_inf``, ``G_inf`` (:math:`\ell_\infty` diameter and gradient bound), ``L`` (smoothness),
  ``R`` (a.s. :math:`\ell_\infty` bound on stochastic gradients), ``Delta``
  (:math:`F(x_0) - F_*`), ``delta`` (a witness's gradient ratio);
* ``S_vhat``, ``S_g``, ``S_mom``: a run's aggregates in the published data-dependent bounds
  (:math:`\sum_i \hat v_{T,i}^{1/2}`, :math:`\sum_i \|g_{1:T,i}\|_2`,
  :math:`\sum_t\sum_i \beta_{1t}\hat v_{t,i}^{1/2}/\alpha_t`).

``LATEX_NAMES`` gives the LaTeX of the symbols whose name is not their LaTeX.

Indices and run data (this package's own theorems sum over them):

* ``t``, ``i``: the step and coordinate indices of a ``Sum``;
* ``g(t, i)``, ``m(t, i)``, ``v(t, i)``, ``Sv(t, i)`` (:math:`\sum_{s\le t} v_{s,i}`),
  ``vmax(t, i)`` (:math:`\max_{s\le t} v_{s,i}`), ``beta1t(t)``: undefined sympy functions
  for the run's gradients, moments and accumulators; ``RUN_DATA`` lists them.

Example:
    >>> from analysis.symbols import SYMBOLS, T, Sv, i, t
    >>> SYMBOLS["T"] is T
    True
    >>> Sv(t, i).func is Sv
    True
"""

from __future__ import annotations

from .theorems._core import (
    LATEX_NAMES,
    SYMBOLS,
    D_inf,
    Delta,
    G_inf,
    L,
    R,
    S_g,
    S_mom,
    S_vhat,
    T,
    alpha,
    beta1,
    beta2,
    d,
    delta,
    eps,
    lam,
    rho,
    t0,
)
from .theorems._own import RUN_DATA, Sv, beta1t, g, i, m, t, v, vmax

__all__ = [
    "LATEX_NAMES",
    "RUN_DATA",
    "SYMBOLS",
    "D_inf",
    "Delta",
    "G_inf",
    "L",
    "R",
    "S_g",
    "S_mom",
    "S_vhat",
    "Sv",
    "T",
    "alpha",
    "beta1",
    "beta1t",
    "beta2",
    "d",
    "delta",
    "eps",
    "g",
    "i",
    "lam",
    "m",
    "rho",
    "t",
    "t0",
    "v",
    "vmax",
]
