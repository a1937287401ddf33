r"""Regret of the AMSGrad/AVGrad interpolation, online convex (this package's own theorem).

**Setting** (online convex optimisation, as ``avgrad_regret``):
:math:`\|x - x^\star\|_\infty \le D_\infty`, :math:`\|\nabla f_t(x)\|_\infty \le G_\infty`.

**Algorithm** (as ``avgrad_regret``, no bias correction, :math:`\epsilon = 0`,
:math:`\alpha_t = \alpha/\sqrt t`, :math:`0 \le \beta_{1t} \le \beta_1 < 1`,
:math:`0 < \beta_2 < 1`), with the long memory a fixed mix of AMSGrad's maximum and
AVGrad's average, :math:`\rho \in [0, 1]`:

.. math::
    \hat v_t = \rho \max_{s \le t} v_s + (1-\rho)\,\frac1t\sum_{s=1}^t v_s,\qquad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t m_t / \sqrt{\hat v_t}\big).

:math:`\rho = 0` is AVGrad, :math:`\rho = 1` is AMSGrad. (MADA itself mixes :math:`v_t`, not
the maximum, with the average: ``adam_avgrad_interpolation_regret``.)

**Bound** (an **upper** bound). With :math:`W_{t,i} = t\hat v_{t,i} = \rho\, t\, vmax_{t,i} +
(1-\rho) Sv_{t,i}` (data-dependent form, :data:`.statements.MAX_AVG_FORM`):

.. math::
    R_T \le \frac{D_\infty^2}{2\alpha}\sum_{i=1}^d \sqrt{W_{T,i}}
    + \frac{D_\infty^2}{\alpha(1-\beta_1)} \sum_{t=1}^T \beta_{1t}\sum_{i=1}^d \sqrt{W_{t,i}}
    + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)} \sum_{t=1}^T\sum_{i=1}^d
      \frac{m_{t,i}^2}{\sqrt{W_{t,i}}},

and with :math:`\beta_{1t} = \beta_1\lambda^{t-1}` the worst case of ``avgrad_regret``
(:data:`.statements.MAX_AVG_BOUND`, equal to :data:`.statements.AVGRAD_BOUND`):

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty \sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1)}{(1-\beta_1)^2\sqrt{1-\beta_2}}\, d G_\infty \sqrt T .

Why it holds: both :math:`t\,vmax_t` and :math:`Sv_t` are non-decreasing, so :math:`W_t` is,
and :math:`t\,vmax_t \ge Sv_t \ge (1-\beta_2)\sum_{j\le t} g_j^2`, so the proof of
``avgrad_regret`` goes through word for word; :math:`W_{t,i} \le tG_\infty^2` for every
:math:`\rho`. **The worst case cannot see** :math:`\rho`: the closed form is the same for all
:math:`\rho \in [0, 1]`, and any advantage of an interior :math:`\rho` lives in the data
form only (``interpolation_improvement``). At :math:`\rho = 1` the data form is
:data:`.statements.AMSGRAD_FORM`: a regret bound for AMSGrad with no :math:`\log T` and no
condition :math:`\beta_1 < \sqrt{\beta_2}`, unlike ``amsgrad_regret_corrected_tran2019``.

**Status.** Proved in this package (source:
``proofs/amsgrad_avgrad_interpolation_regret.py``).

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.495 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.946 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.796 and 1.000. The 0.946 is the corner scan's alternating :math:`\pm 1` losses from the
corner of the box, :math:`T = 20000`, :math:`\alpha = 30`, :math:`\beta_1 = 0`, :math:`\beta_2
= 10^{-4}` (issue 13's independent search: 0.945); the data ratio 1.000 (to 4 digits, never
above) is :math:`T = 1`, :math:`\alpha = D_\infty\sqrt{1-\beta_2}`, where the data form is the
regret.

**Tightness from below**: the closed form is ``avgrad_regret``'s, and so are its witnesses at
:math:`\rho = 0`; at :math:`\rho = 1` (AMSGrad) the same family reaches 0.946 at :math:`\alpha
= 30`, :math:`\beta_2 = 10^{-4}` and 0.044 at :math:`\alpha = 1`, :math:`\beta_2 = 0.999`
(:math:`T = 20000`).

References:
    [1] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
    [2] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> from analysis import statements, symbols
    >>> th = THEOREMS["amsgrad_avgrad_interpolation_regret"]
    >>> th.printed(rho=1) == statements.AMSGRAD_FORM, th.printed(rho=0) == statements.AVGRAD_FORM
    (True, True)
    >>> th.rate(), "rho" in th.symbols
    (sqrt(T), False)
    >>> th.bound(rho=2)
    Traceback (most recent call last):
    ...
    ValueError: rho: assumption 0 <= rho <= 1 is violated (rho=2)
"""

from __future__ import annotations

from ..statements import W_amsgrad, W_max_avg, data_form
from ._assumptions import Assumptions, in_range
from ._core import OWN_STATUS, Theorem, own_source
from ._online import AVGRAD, OLO_LOWER, OWN_ONLINE_CONSTRAINTS, own_online_readers
from .avgrad_regret import AVGRAD_BOUND

#: The data-dependent bound (``analysis.statements.MAX_AVG_FORM``).
MAX_AVG_FORM = data_form(W_max_avg)
#: Its worst case cannot see rho (``analysis.statements.MAX_AVG_BOUND``).
MAX_AVG_BOUND = AVGRAD_BOUND
#: At rho = 1: AMSGrad's bound without log T (``analysis.statements.AMSGRAD_FORM``).
AMSGRAD_FORM = data_form(W_amsgrad)

THEOREM = Theorem(
    id="amsgrad_avgrad_interpolation_regret",
    title="Regret of vhat = rho * max + (1 - rho) * average (AMSGrad to AVGrad)",
    setting="online-convex",
    source=own_source("amsgrad_avgrad_interpolation_regret"),
    status=OWN_STATUS,
    assumptions=Assumptions(
        (
            *OWN_ONLINE_CONSTRAINTS,
            in_range("lam", 0, 1, hi_open=True),
            in_range("rho", 0, 1),
        )
    ),
    algorithm=AVGRAD.replace(
        name="AMSGrad/AVGrad interpolation, no bias correction",
        long_memory="max+average",
        momentum_schedule="geometric",
        rho=None,
    ),  # the theorem's constant rho, in [0, 1]
    printed_form=MAX_AVG_FORM,
    worst_case={},
    closed_form=MAX_AVG_BOUND,
    **own_online_readers(needs=("rho",)),
    lower_bound=OLO_LOWER,
)
