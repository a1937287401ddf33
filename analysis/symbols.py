r"""The sympy vocabulary of the theorems, public: what ``proofs/``, the monitor and users use.

The statements in ``analysis.THEOREMS`` and the proofs in ``proofs`` are sympy
expressions in the names below. They are defined here, once: the registry, the proofs and
the monitor all take them from this module.

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

import sympy as sp

# ---- constants: one table, named as in the papers (Défossez et al.'s N is T here) --------
T = sp.Symbol("T", positive=True, integer=True)  # horizon: rounds / iterations
d = sp.Symbol("d", positive=True, integer=True)  # dimension
D_inf = sp.Symbol("D_inf", nonnegative=True)  # l_inf diameter of the feasible set
G_inf = sp.Symbol("G_inf", nonnegative=True)  # l_inf bound on the gradients
alpha = sp.Symbol("alpha", positive=True)  # base step size
beta1 = sp.Symbol("beta1", nonnegative=True)
beta2 = sp.Symbol("beta2", positive=True)
eps = sp.Symbol("eps", positive=True)
L = sp.Symbol("L", nonnegative=True)  # smoothness constant
R = sp.Symbol("R", positive=True)  # a.s. l_inf bound on stochastic gradients (Défossez)
Delta = sp.Symbol("Delta", nonnegative=True)  # F(x_0) - F_*
lam = sp.Symbol("lam", nonnegative=True)  # beta_1t = beta1 * lam**(t-1)
t0 = sp.Symbol("t0", positive=True, integer=True)  # Tran & Phong's index of Lemma 4.3
rho = sp.Symbol("rho", nonnegative=True)  # MADA's interpolation coefficient
delta = sp.Symbol("delta", nonnegative=True)  # a witness's gradient ratio g_2 / g_1
# aggregates of a run, for printed data-dependent forms
S_vhat = sp.Symbol("S_vhat", nonnegative=True)  # sum_i vhat_{T,i}^{1/2}
S_g = sp.Symbol("S_g", nonnegative=True)  # sum_i ||g_{1:T,i}||_2
S_mom = sp.Symbol("S_mom", nonnegative=True)  # sum_t sum_i beta_1t vhat_{t,i}^{1/2} / alpha_t

SYMBOLS = {s.name: s for s in (T, d, D_inf, G_inf, alpha, beta1, beta2, eps, L, R, Delta,
                               lam, t0, S_vhat, S_g, S_mom, rho, delta)}  # fmt: skip
LATEX_NAMES = {
    D_inf: r"D_{\infty}",
    G_inf: r"G_{\infty}",
    eps: r"\epsilon",
    lam: r"\lambda",
    beta1: r"\beta_1",
    beta2: r"\beta_2",
    t0: "t_0",
    Delta: r"\Delta",
    S_vhat: r"\sum_{i=1}^d \hat v_{T,i}^{1/2}",
    S_g: r"\sum_{i=1}^d \|g_{1:T,i}\|_2",
    S_mom: r"\sum_{t=1}^T \sum_{i=1}^d \frac{\beta_{1t} \hat v_{t,i}^{1/2}}{\alpha_t}",
}

# ---- indices and run data (rows t = 1..T) ---------------------------------------------------
t = sp.Symbol("t", positive=True, integer=True)  # step index of a sum
i = sp.Symbol("i", positive=True, integer=True)  # coordinate index of a sum

g = sp.Function("g", real=True)  # the gradient g_{t,i}
m = sp.Function("m", real=True)  # m_{t,i}
v = sp.Function("v", nonnegative=True)  # v_t = beta2 v_{t-1} + (1 - beta2) g_t^2, v_0 = 0
Sv = sp.Function("Sv", nonnegative=True)  # sum_{s<=t} v_s = t vbar_t (AVGrad's accumulator)
vmax = sp.Function("vmax", nonnegative=True)  # max_{s<=t} v_s (AMSGrad's long memory)
beta1t = sp.Function("beta1t", nonnegative=True)  # the momentum coefficient beta_1t <= beta1

RUN_DATA = (g, m, v, Sv, vmax, beta1t)

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
