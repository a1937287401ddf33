r"""Regret of AMSGrad: Reddi, Kale & Kumar, ICLR 2018, Theorem 4 (as published; proof flawed).

**Setting** (online convex optimisation). Convex losses :math:`f_t` on a feasible set
:math:`\mathcal F \subset \mathbb R^d` of :math:`\ell_\infty` diameter :math:`D_\infty`
(:math:`\|x - y\|_\infty \le D_\infty`), with :math:`\|\nabla f_t(x)\|_\infty \le G_\infty`.

**Algorithm** (AMSGrad, no bias correction, :math:`v_0 = \hat v_0 = 0`):

.. math::
    m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t,\quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
    \hat v_t = \max(\hat v_{t-1}, v_t),\quad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t m_t / \sqrt{\hat v_t}\big),

with :math:`\alpha_t = \alpha/\sqrt t`, :math:`\beta_{11} = \beta_1`, :math:`\beta_{1t} \le
\beta_1` and :math:`\gamma = \beta_1/\sqrt{\beta_2} < 1`.

**Bound** (an **upper** bound; [1, Theorem 4], as quoted verbatim in [2, Theorem A]):

.. math::
    R_T \le \frac{D_\infty^2 \sqrt T}{\alpha(1-\beta_1)} \sum_{i=1}^d \hat v_{T,i}^{1/2}
    + \frac{D_\infty^2}{2(1-\beta_1)} \sum_{t=1}^T \sum_{i=1}^d
      \frac{\beta_{1t} \hat v_{t,i}^{1/2}}{\alpha_t}
    + \frac{\alpha \sqrt{1 + \log T}}{(1-\beta_1)^2 (1-\gamma)\sqrt{1-\beta_2}}
      \sum_{i=1}^d \|g_{1:T,i}\|_2 .

``bound()`` is this with the run's sums at their worst case under the assumptions:
:math:`\hat v_{t,i}^{1/2} \le G_\infty`, :math:`\|g_{1:T,i}\|_2 \le G_\infty \sqrt T`, and the
constant schedule :math:`\beta_{1t} = \beta_1` (the worst case of :math:`\beta_{1t} \le
\beta_1`, and what MADA runs), so the middle sum is at most
:math:`d G_\infty \beta_1 \sum_{t \le T} \sqrt t / \alpha`. Its rate is therefore
:math:`T^{3/2}` for :math:`\beta_1 > 0`: with constant momentum Theorem 4 does not give
sublinear regret (the paper asks for a decreasing :math:`\beta_{1t}`, Corollary 1).

**Status.** As published. The proof is flawed: it treats :math:`1-\beta_{1,t}` and
:math:`1-\beta_{1,t+1}` as equal in a telescoping step [2]. The ICLR OpenReview submission
text prints :math:`D_\infty^2\sqrt T/(1-\beta_1)` (no :math:`\alpha`) in the first term;
the camera-ready, as quoted in [2], has :math:`\alpha`, as here. The authors' 2019 arXiv
revision (1904.09237) changes the second term's factor to :math:`D_\infty^2/(1-\beta_1)^2`
(reported by a Lean transcription; not encoded). See ``amsgrad_regret_corrected_tran2019``.

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.082 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.500 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.091 and 0.500. The 0.5 is :math:`T = 1`, :math:`\alpha = 1`, :math:`\beta_2 = 10^{-6}`.

References:
    [1] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
    https://openreview.net/forum?id=ryQu7f-RZ
    [2] T. T. Phuong, L. T. Phong. On the Convergence Proof of AMSGrad and a New Version.
    IEEE Access 7, 2019 (arXiv:1904.03590). https://ieeexplore.ieee.org/document/8713445

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["amsgrad_regret_reddi2018"]
    >>> th.rate()
    T**(3/2)
    >>> th.rate(beta1=0)
    sqrt(T)*sqrt(log(T))
    >>> th.bound(T=1, d=1, D_inf=2, G_inf=1, alpha=1, beta1=0, beta2=sp.Rational(1, 4))
    2*sqrt(3)/3 + 4
"""

from __future__ import annotations

import sympy as sp

from ..symbols import S_g, S_mom, S_vhat, T, alpha, beta1, d
from . import _online
from ._assumptions import Assumptions
from ._core import Theorem, sqrt_sum
from ._online import AMSGRAD, AMSGRAD_CONSTRAINTS, REGRET, D_inf, G_inf, online_run_values, regret
from ._online import third_coefficient as _third

PRINTED = (D_inf**2 * sp.sqrt(T) / (alpha * (1 - beta1)) * S_vhat
           + D_inf**2 / (2 * (1 - beta1)) * S_mom
           + _third(T) * S_g)  # fmt: skip

THEOREM = Theorem(
    id="amsgrad_regret_reddi2018",
    title="AMSGrad regret, decreasing step alpha/sqrt(t), beta_1t <= beta1",
    setting="online-convex",
    source="Reddi, Kale & Kumar, On the Convergence of Adam and Beyond, ICLR 2018, Theorem 4",
    status="as published (proof flawed: Phuong & Phong 2019; "
    "see amsgrad_regret_corrected_tran2019)",
    assumptions=Assumptions(AMSGRAD_CONSTRAINTS),
    algorithm=AMSGRAD,  # beta_1t = beta1, constant
    printed_form=PRINTED,
    worst_case={
        S_vhat: d * G_inf,
        S_g: d * G_inf * sp.sqrt(T),
        S_mom: beta1 * d * G_inf * sqrt_sum(T) / alpha,
    },
    run_values=online_run_values,
    measure=regret,
    measured_quantity=REGRET,
    lower_bound=_online.OLO_LOWER,
)
