r"""Regret of AMSGrad with geometric momentum decay: Reddi, Kale & Kumar, ICLR 2018, Corollary 1.

**Setting.** As Theorem 4 (``amsgrad_regret_reddi2018``): online convex optimisation,
:math:`\ell_\infty` diameter :math:`D_\infty`, :math:`\|\nabla f_t\|_\infty \le G_\infty`.

**Algorithm.** AMSGrad with :math:`\alpha_t = \alpha/\sqrt t`,
:math:`\gamma = \beta_1/\sqrt{\beta_2} < 1` and the geometric schedule

.. math:: \beta_{1t} = \beta_1 \lambda^{t-1}, \qquad 0 \le \lambda < 1 .

**Bound** (an **upper** bound; [1, Corollary 1]):

.. math::
    R_T \le \frac{D_\infty^2 \sqrt T}{\alpha(1-\beta_1)} \sum_{i=1}^d \hat v_{T,i}^{1/2}
    + \frac{\beta_1 D_\infty^2 G_\infty}{2(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha \sqrt{1 + \log T}}{(1-\beta_1)^2 (1-\gamma)\sqrt{1-\beta_2}}
      \sum_{i=1}^d \|g_{1:T,i}\|_2 .

``bound()`` uses :math:`\hat v_{T,i}^{1/2} \le G_\infty` and
:math:`\|g_{1:T,i}\|_2 \le G_\infty\sqrt T`; rate :math:`\sqrt T \sqrt{\log T}`.

**Status.** As published, with two caveats. (i) The middle term is not what Theorem 4 gives:
bounding Theorem 4's middle term the way the paper does
(:math:`\hat v_{t,i}^{1/2} \le G_\infty`, :math:`\sum_t \lambda^{t-1}\sqrt t \le 1/(1-\lambda)^2`)
yields :math:`d\beta_1 D_\infty^2 G_\infty / (2\alpha(1-\beta_1)(1-\lambda)^2)`: the printed
term lacks the factor :math:`d/\alpha` (tested in ``tests/analysis/test_theorems_amsgrad.py``).
(ii) Provenance: the middle term is verbatim from the ICLR OpenReview submission text; that
text omits :math:`\alpha` in the first term of both Theorem 4 and Corollary 1, which the
camera-ready Theorem 4 (quoted in [2]) restores; the camera-ready corollary itself could not
be read, so the first term follows the camera-ready Theorem 4. It inherits Theorem 4's
flawed proof [2]; the corrected statement for this schedule is
``amsgrad_regret_corrected_tran2019``.

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.224 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.500 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.226 and 0.500. The 0.5 is :math:`T = 1`, :math:`\alpha = 1`, :math:`\beta_2 = 10^{-6}`.

References:
    [1] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
    [2] T. T. Phuong, L. T. Phong. On the Convergence Proof of AMSGrad and a New Version.
    IEEE Access 7, 2019.

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["amsgrad_regret_reddi2018_cor1"]
    >>> th.rate()
    sqrt(T)*sqrt(log(T))
    >>> th.printed(beta1=0, lam=sp.Rational(1, 2)) == th.printed(beta1=0, lam=0)
    True
"""

from __future__ import annotations

import sympy as sp

from ..symbols import S_g, S_vhat, T, alpha, beta1, d, lam
from . import _online
from ._assumptions import Assumptions, in_range
from ._core import Theorem
from ._online import AMSGRAD, AMSGRAD_CONSTRAINTS, REGRET, D_inf, G_inf, online_run_values, regret
from ._online import third_coefficient as _third

PRINTED = (D_inf**2 * sp.sqrt(T) / (alpha * (1 - beta1)) * S_vhat
           + beta1 * D_inf**2 * G_inf / (2 * (1 - beta1) * (1 - lam) ** 2)
           + _third(T) * S_g)  # fmt: skip

THEOREM = Theorem(
    id="amsgrad_regret_reddi2018_cor1",
    title="AMSGrad regret, beta_1t = beta1 * lam**(t-1)",
    setting="online-convex",
    source="Reddi, Kale & Kumar, On the Convergence of Adam and Beyond, ICLR 2018, Corollary 1",
    status="as published (middle term lacks the factor d/alpha that Theorem 4 gives; "
    "inherits Theorem 4's flawed proof)",
    assumptions=Assumptions((*AMSGRAD_CONSTRAINTS, in_range("lam", 0, 1, hi_open=True))),
    algorithm=AMSGRAD.replace(momentum_schedule="geometric"),
    printed_form=PRINTED,
    worst_case={S_vhat: d * G_inf, S_g: d * G_inf * sp.sqrt(T)},
    run_values=online_run_values,
    measure=regret,
    measured_quantity=REGRET,
    lower_bound=_online.OLO_LOWER,
)
