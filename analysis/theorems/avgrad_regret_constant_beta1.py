r"""Regret of AVGrad with constant momentum, online convex (this package's own theorem).

**Setting** (online convex optimisation, as ``avgrad_regret``):
:math:`\|x - x^\star\|_\infty \le D_\infty`, :math:`\|\nabla f_t(x)\|_\infty \le G_\infty`.

**Algorithm** (AVGrad as in ``avgrad_regret``, no bias correction, :math:`\epsilon = 0`), with
a **constant** momentum coefficient :math:`\beta_{1t} = \beta_1 \in [0, 1)`, as MADA runs it:

.. math::
    m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
    \hat v_t = \frac1t \sum_{s=1}^t v_s,\quad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t m_t / \sqrt{\hat v_t}\big),

:math:`\alpha_t = \alpha/\sqrt t`, :math:`0 < \beta_2 < 1`; no condition on
:math:`\beta_1/\sqrt{\beta_2}`.

**Bound** (an **upper** bound). With :math:`Sv_{t,i} = t\,\hat v_{t,i}`, for all :math:`T \ge 1`
(data-dependent form, :data:`analysis.statements.CONSTANT_FORM`):

.. math::
    R_T \le \frac{D_\infty^2}{2\alpha}\sum_{i=1}^d \sqrt{Sv_{T,i}}
    + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)} \sum_{t=1}^T\sum_{i=1}^d
      \frac{m_{t,i}^2}{\sqrt{Sv_{t,i}}}
    + \frac{\beta_1 D_\infty}{1-\beta_1}\sum_{i=1}^d |m_{T,i}|,

and in the worst case (:data:`analysis.statements.CONSTANT_BOUND`)

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty \sqrt T}{2\alpha}
    + \frac{\alpha(1+\beta_1)\, d G_\infty \sqrt T}{(1-\beta_1)\sqrt{1-\beta_2}}
    + \frac{\beta_1 d D_\infty G_\infty}{1-\beta_1},

rate :math:`\sqrt T` with constant :math:`\beta_1` (Reddi et al.'s Theorem 4 gives
:math:`T^{3/2}` there, and ``avgrad_regret``'s momentum term grows like :math:`T^{3/2}` too).
Why it holds (an argument in the style of Alacaoglu et al. [2], whose exact statement is not
encoded): :math:`g_t = (m_t - \beta_1 m_{t-1})/(1-\beta_1)` turns the regret into
:math:`\sum_t\langle m_t, x_t - x^\star\rangle + \frac{\beta_1}{1-\beta_1}\langle m_T, x_T -
x^\star\rangle + \frac{\beta_1}{1-\beta_1}\sum_t \langle m_{t-1}, x_{t-1} - x_t\rangle`; the
first sum is the momentum-free AVGrad argument (no :math:`1/(1-\beta_{1t})` to telescope), the
last is at most :math:`\alpha_{t-1}\|\hat V_{t-1}^{-1/4} m_{t-1}\|^2` per step (the weighted
projection is non-expansive). With constant :math:`\beta_1` the weights of :math:`m_t` are
:math:`(1-\beta_1)\beta_1^{t-j}`, so :math:`m_{t,i}^2 \le (1-\beta_1)\sum_{j\le t}
\beta_1^{t-j} g_{j,i}^2` and the second term is at most
:math:`\frac{\alpha(1+\beta_1)}{(1-\beta_1)\sqrt{1-\beta_2}}\sum_i\|g_{1:T,i}\|_2`: one factor
:math:`1-\beta_1` fewer than ``avgrad_regret``'s third term.

**Status.** Proved in this package (source: ``proofs/avgrad_regret_constant_beta1.py``).

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.339 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.946 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.734 and 1.000. The 0.946 is the corner scan's alternating :math:`\pm 1` losses from the
corner of the box, :math:`T = 20000`, :math:`\alpha = 30`, :math:`\beta_1 = 0`, :math:`\beta_2
= 10^{-4}` (issue 13's independent search: 0.945); the data ratio 1.000 (to 4 digits, never
above) is :math:`T = 1`, :math:`\alpha = D_\infty\sqrt{1-\beta_2}`, where the data form is the
regret.

**Tightness from below**: as ``avgrad_regret`` (the two closed forms agree at :math:`\beta_1 =
0`: 0.832 at :math:`T = 2000`, 0.946 at :math:`T = 20000`, :math:`\alpha = 30`, :math:`\beta_2
= 10^{-4}`), except at :math:`\beta_1 = 0.9`, :math:`\alpha = 1`, :math:`\beta_2 = 0.999`,
where blocks of 50 reach 0.017 (one factor :math:`1-\beta_1` fewer than ``avgrad_regret``'s).

References:
    [1] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
    [2] A. Alacaoglu, Y. Malitsky, P. Mertikopoulos, V. Cevher. A New Regret Analysis for
    Adam-type Algorithms. ICML 2020 (arXiv:2003.09729).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["avgrad_regret_constant_beta1"]
    >>> th.rate(), th.rate(beta1=0)
    (sqrt(T), sqrt(T))
    >>> from sympy import Rational
    >>> th.bound(T=1, d=1, D_inf=1, G_inf=1, alpha=1, beta1=Rational(1, 2), beta2=Rational(3, 4))
    15/2
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..statements import FIRST_WORST, sum_i, sum_ti
from ..symbols import D_inf, G_inf, Sv, T, alpha, beta1, beta2, d, i, m, t
from ._assumptions import Assumptions
from ._core import OWN_STATUS, Theorem, own_source
from ._online import (
    AVGRAD,
    OLO_LOWER,
    OWN_ONLINE_CONSTRAINTS,
    own_online_readers,
    own_online_values,
)

#: The data-dependent bound with beta_1t = beta1 (``analysis.statements.CONSTANT_FORM``).
CONSTANT_FORM = (
    D_inf**2 / (2 * alpha) * sum_i(sp.sqrt(Sv(T, i)))
    + alpha * (1 + beta1) / (2 * (1 - beta1)) * sum_ti(m(t, i) ** 2 / sp.sqrt(Sv(t, i)))
    + beta1 * D_inf / (1 - beta1) * sum_i(sp.Abs(m(T, i)))
)
#: Its worst case (``analysis.statements.CONSTANT_BOUND``).
CONSTANT_BOUND = (
    FIRST_WORST
    + alpha * (1 + beta1) * d * G_inf * sp.sqrt(T) / ((1 - beta1) * sp.sqrt(1 - beta2))
    + beta1 * d * D_inf * G_inf / (1 - beta1)
)


def _run_values(trace, c):
    if np.ptp(trace.beta1) > 0:
        raise ValueError("avgrad_regret_constant_beta1 needs a constant beta_1t; the trace's "
                         "varies (see avgrad_regret)")  # fmt: skip
    return own_online_values(trace, c)


THEOREM = Theorem(
    id="avgrad_regret_constant_beta1",
    title="AVGrad regret, alpha/sqrt(t), constant beta1",
    setting="online-convex",
    source=own_source("avgrad_regret_constant_beta1"),
    status=OWN_STATUS,
    assumptions=Assumptions(OWN_ONLINE_CONSTRAINTS),
    algorithm=AVGRAD,  # beta_1t = beta1, constant
    printed_form=CONSTANT_FORM,
    worst_case={},
    closed_form=CONSTANT_BOUND,
    **own_online_readers(run_values=_run_values),
    lower_bound=OLO_LOWER,
)
