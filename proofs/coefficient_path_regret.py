r"""Theorem (regret along a learned coefficient path in the safe set S).

Any accumulator path :math:`W_{t,i} = t\,\hat v_{t,i}` (learned :math:`\beta_{2t}, \rho_t`,
adaptively chosen; an unguarded path that keeps S1 is its own safeguard) with, for
:math:`1 \le t \le T`,

* (S1) :math:`W_{t-1,i} \le W_{t,i}`, i.e. :math:`\sqrt{\hat v_{t,i}}/\alpha_t` non-decreasing
  (what :func:`analysis.simulate.safeguard` enforces);
* (S2) :math:`(1-\beta_2)\sum_{s\le t} g_{s,i}^2 \le W_{t,i}` (for a box
  :math:`\beta_{2t} \le \beta_{2,hi}`, :math:`\rho_t \le \rho_{hi}` on the forgetful
  :math:`v_t`: :math:`1 - \beta_2 = (1-\rho_{hi})(1-\beta_{2,hi})`);
* (S3) :math:`W_{t,i} \le t\,G_\infty^2`, **proved** here for the safeguarded path
  :math:`W_t = \max(W_{t-1}, t\tilde v_t)`, :math:`W_0 = 0`, from :math:`t\tilde v_{t,i} \le
  tG_\infty^2` by induction (:mod:`proofs.lemma_safeguard_bound`),

and :math:`\beta_{1t} = \beta_1\lambda^{t-1}`, :math:`\alpha_t = \alpha/\sqrt t`, has

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1) d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}} .

The proof is :mod:`proofs._regret_chain` at the abstract :math:`W` = ``Wpath``: S1, S2 and
S3 are the three facts it needs of an accumulator (the chain never uses how :math:`W` was
computed). S1 and S2 are hypotheses (for the safeguarded path they follow from
:math:`\max(a, b) \ge a, b`, which the framework has no rule for; the argument is in
:mod:`analysis.theorems.coefficient_path_regret`'s docstring).
"""

import dataclasses

import sympy as sp

from analysis.theorems._core import G_inf, beta2
from analysis.theorems._own import AVGRAD_BOUND, data_form, g, i, t
from analysis.theorems.coefficient_path_regret import Wpath

from . import lemma_safeguard_bound as sg
from ._core import eq, le
from ._regret_chain import domain, regret_proof, s
from ._rules import substitute

#: t * vtilde_t, the path's accumulator before the safeguard
Wraw = sp.Function("Wraw", nonnegative=True)

MONO = le(Wpath(t - 1, i), Wpath(t, i), "S1: W_{t-1,i} <= W_{t,i} (sqrt(vhat)/alpha_t "
          "non-decreasing)")  # fmt: skip
LOWER = le((1 - beta2) * sp.Sum(g(s, i) ** 2, (s, 1, t)), Wpath(t, i),
           "S2: (1 - beta2) sum_{s<=t} g_s^2 <= W_t, 1 - beta2 = (1 - rho_hi)(1 - beta2_hi)")
#: the safeguard in W = t vhat (alpha_t = alpha/sqrt t): W_t = max(W_{t-1}, t vtilde_t)
SAFEGUARD = eq(Wpath(t, i), sp.Max(Wpath(t - 1, i), Wraw(t, i)),
               "safeguard: t vhat_t = max((t-1) vhat_{t-1}, t vtilde_t)")  # fmt: skip
W0 = eq(Wpath(0, i), 0, "W_0 = 0")
RAW_UPPER = le(Wraw(t, i), t * G_inf**2, "t vtilde_t <= t G_inf^2 (v, max, average <= G^2)")


def upper(k):
    """S3, W_k <= k G_inf^2, by induction through the safeguard (lemma_safeguard_bound)."""
    return sg.PROOF.instance({sg.x1: lambda a: Wpath(a, i), sg.y1: lambda a: Wraw(a, i),
                              sg.B: G_inf**2, sg.n: k},
                             given=[W0, substitute(SAFEGUARD, {t: sg.k}),
                                    substitute(RAW_UPPER, {t: sg.k})])  # fmt: skip

_PROOF = regret_proof(
    "coefficient_path_regret", Wpath,
    title="Regret along a learned coefficient path in the safe set",
    hypotheses=(MONO, LOWER, SAFEGUARD, W0, RAW_UPPER),
    mono=MONO,
    upper=upper,
    lower=LOWER,
    c=sp.sqrt(1 - beta2),
    form=data_form(Wpath), bound=AVGRAD_BOUND, domain=domain(),
    lemmas=("lemma_safeguard_bound",),
    notes="S1-S3 are the safe set (hypotheses); the safeguard and the coefficient box give "
          "them (see the theorem module).",
)  # fmt: skip
PROOF = dataclasses.replace(_PROOF, data=(*_PROOF.data, Wpath, Wraw))
