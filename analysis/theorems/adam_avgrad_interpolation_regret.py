r"""Regret of MADA's Adam/AVGrad interpolation, online convex (this package's own theorem).

**Setting** (online convex optimisation, as ``avgrad_regret``):
:math:`\|x - x^\star\|_\infty \le D_\infty`, :math:`\|\nabla f_t(x)\|_\infty \le G_\infty`.

**Algorithm** (as ``avgrad_regret``, no bias correction, :math:`\epsilon = 0`,
:math:`\alpha_t = \alpha/\sqrt t`, :math:`0 \le \beta_{1t} \le \beta_1 < 1`,
:math:`0 < \beta_2 < 1`), with the long memory MADA learns: a mix of Adam's :math:`v_t` and
AVGrad's average, :math:`0 \le \rho < 1`,

.. math::
    \hat v_t = \rho\, v_t + (1-\rho)\,\frac1t\sum_{s=1}^t v_s,\qquad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t m_t / \sqrt{\hat v_t}\big),

under the condition (:data:`.statements.RHO_MAX`; none for :math:`T = 1`)

.. math:: \rho \le \frac{\beta_2}{(T-1)(1-\beta_2)} .

**Bound** (an **upper** bound). With :math:`W_{t,i} = t\hat v_{t,i} = \rho\, t\, v_{t,i} +
(1-\rho) Sv_{t,i}` (data-dependent form, :data:`.statements.ADAM_AVG_FORM`):

.. math::
    R_T \le \frac{D_\infty^2}{2\alpha}\sum_{i=1}^d \sqrt{W_{T,i}}
    + \frac{D_\infty^2}{\alpha(1-\beta_1)} \sum_{t=1}^T \beta_{1t}\sum_{i=1}^d \sqrt{W_{t,i}}
    + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)} \sum_{t=1}^T\sum_{i=1}^d
      \frac{m_{t,i}^2}{\sqrt{W_{t,i}}},

and with :math:`\beta_{1t} = \beta_1\lambda^{t-1}` (:data:`.statements.ADAM_AVG_BOUND`)

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty \sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1)}{(1-\beta_1)^2\sqrt{(1-\beta_2)(1-\rho)}}\, d G_\infty \sqrt T .

Why it holds: the proof of ``avgrad_regret`` needs :math:`W_t` non-decreasing and
:math:`W_t \ge c \sum_{j \le t} g_j^2`. Here (``proofs/lemma_adam_avg_monotone.py``)

.. math::
    W_t - W_{t-1} = (\rho t + 1 - \rho) v_t - \rho (t-1) v_{t-1}
    \ge \big[\beta_2 - \rho(t-1)(1-\beta_2)\big] v_{t-1} \ge 0,

using only :math:`v_t \ge \beta_2 v_{t-1}`; the condition is tight for this argument
(:math:`g_t = 0` gives :math:`v_t = \beta_2 v_{t-1}`). And :math:`W_t \ge (1-\rho)Sv_t \ge
(1-\rho)(1-\beta_2)\sum_{j\le t} g_j^2`, whence the factor :math:`1/\sqrt{1-\rho}` in the
third term; :math:`W_{t,i} \le tG_\infty^2`. The rate is :math:`\sqrt T`, but for a fixed
:math:`\rho > 0` the theorem only reaches the horizon :math:`T \le 1 + \beta_2/(\rho(1 -
\beta_2))` (e.g. :math:`\beta_2 = 0.999`, :math:`\rho = 0.1`: :math:`T \le 9991`); for
:math:`T \to \infty` it asks :math:`\rho \to 0`, AVGrad. Adam itself (:math:`\rho = 1`) is
outside it, as it must be (Reddi et al.'s counterexample).

**Status.** Proved in this package (source: ``proofs/adam_avgrad_interpolation_regret.py``).

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.299 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.946 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.441 and 1.000. The 0.946 is the corner scan's alternating :math:`\pm 1` losses from the
corner of the box, :math:`T = 20000`, :math:`\alpha = 30`, :math:`\beta_1 = 0`, :math:`\beta_2
= 10^{-4}` (issue 13's independent search: 0.945); the data ratio 1.000 (to 4 digits, never
above) is :math:`T = 1`, :math:`\alpha = D_\infty\sqrt{1-\beta_2}`, where the data form is the
regret.

**Tightness from below**: at :math:`\rho = 0` the closed form and its witnesses are
``avgrad_regret``'s (0.946 at :math:`T = 20000`, :math:`\alpha = 30`, :math:`\beta_2 =
10^{-4}`); for :math:`\rho > 0` the theorem only reaches :math:`T \le 1 +
\beta_2/(\rho(1-\beta_2))`.

References:
    [1] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).
    [2] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.

Example:
    >>> from analysis.theorems import THEOREMS
    >>> from analysis import statements, symbols
    >>> from sympy import Rational
    >>> th = THEOREMS["adam_avgrad_interpolation_regret"]
    >>> th.printed(rho=0) == statements.AVGRAD_FORM, th.rate()
    (True, sqrt(T))
    >>> th.assumptions.check(rho=0.99, T=1, beta2=0.5)  # T = 1: no condition
    >>> th.bound(rho=0.5, T=100, beta2=0.9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: rho: assumption rho <= beta2/((T-1)(1-beta2)) is violated (rho=0.5, ...)
    >>> statements.RHO_MAX.subs({symbols.T: 100, symbols.beta2: Rational(9, 10)})
    1/11
"""

from __future__ import annotations

import sympy as sp

from ..statements import FIRST_WORST, MOMENTUM_WORST, THIRD_WORST, W_adam_avg, data_form
from ..symbols import T, beta2, rho
from ._assumptions import Assumptions, Constraint, in_range
from ._core import OWN_STATUS, Theorem, own_source
from ._online import AVGRAD, OLO_LOWER, OWN_ONLINE_CONSTRAINTS, own_online_readers

#: The data-dependent bound (``analysis.statements.ADAM_AVG_FORM``).
ADAM_AVG_FORM = data_form(W_adam_avg)
#: Its worst case, beta_1t = beta1 lam^(t-1) (``analysis.statements.ADAM_AVG_BOUND``).
ADAM_AVG_BOUND = FIRST_WORST + MOMENTUM_WORST + THIRD_WORST / sp.sqrt(1 - rho)
#: The largest rho for which t * vhat_t is non-decreasing for the Adam/AVGrad mix on every
#: run, using only v_t >= beta2 v_{t-1} (lemma ``adam_avg_monotone``;
#: ``analysis.statements.RHO_MAX``).
RHO_MAX = beta2 / ((T - 1) * (1 - beta2))

#: rho <= RHO_MAX, multiplied out so that T = 1 needs nothing (lemma_adam_avg_monotone).
RHO_CONDITION = Constraint(
    "rho",
    "rho <= beta2/((T-1)(1-beta2))",
    ("rho", "beta2", "T"),
    lambda r, b2, n: r * (n - 1) * (1 - b2) <= b2,
)

THEOREM = Theorem(
    id="adam_avgrad_interpolation_regret",
    title="Regret of vhat = rho * v + (1 - rho) * average (MADA's rho), rho <= RHO_MAX",
    setting="online-convex",
    source=own_source("adam_avgrad_interpolation_regret"),
    status=OWN_STATUS,
    assumptions=Assumptions(
        (
            *OWN_ONLINE_CONSTRAINTS,
            in_range("lam", 0, 1, hi_open=True),
            in_range("rho", 0, 1, hi_open=True),
            RHO_CONDITION,
        )
    ),
    algorithm=AVGRAD.replace(
        name="MADA's Adam/AVGrad interpolation (c = 1, beta3 = 0, gamma = 1), no bias correction",
        momentum_schedule="geometric",
        rho=None,  # the theorem's constant rho, 0 <= rho <= RHO_MAX, rho < 1
    ),
    printed_form=ADAM_AVG_FORM,
    worst_case={},
    closed_form=ADAM_AVG_BOUND,
    **own_online_readers(needs=("rho",)),
    lower_bound=OLO_LOWER,
)
