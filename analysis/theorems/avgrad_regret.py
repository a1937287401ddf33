r"""Regret of AVGrad with decaying momentum, online convex (this package's own theorem).

**Setting** (online convex optimisation, as Reddi et al.'s Theorem 4,
``amsgrad_regret_reddi2018``). Convex losses :math:`f_t` on a feasible set
:math:`\mathcal F \subset \mathbb R^d` with :math:`\|x - x^\star\|_\infty \le D_\infty` and
:math:`\|\nabla f_t(x)\|_\infty \le G_\infty`.

**Algorithm** (AVGrad, MADA's :math:`\rho = 0` corner with ``long_memory="average"``; no bias
correction, :math:`\epsilon = 0`, :math:`m_0 = v_0 = 0`):

.. math::
    m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t,\quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
    \hat v_t = \frac1t \sum_{s=1}^t v_s,\quad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t m_t / \sqrt{\hat v_t}\big),

with :math:`\alpha_t = \alpha/\sqrt t`, :math:`0 \le \beta_{1t} \le \beta_1 < 1` and
:math:`0 < \beta_2 < 1`. **No condition** :math:`\beta_1 < \sqrt{\beta_2}` is needed.

**Bound** (an **upper** bound). Write :math:`Sv_{t,i} = \sum_{s \le t} v_{s,i} = t\,\hat
v_{t,i}`; then :math:`\sqrt{\hat v_{t,i}}/\alpha_t = \sqrt{Sv_{t,i}}/\alpha` and for all
:math:`T \ge 1` (data-dependent form, ``printed_form``, :data:`analysis.statements.AVGRAD_FORM`):

.. math::
    R_T \le \frac{D_\infty^2}{2\alpha}\sum_{i=1}^d \sqrt{Sv_{T,i}}
    + \frac{D_\infty^2}{\alpha(1-\beta_1)} \sum_{t=1}^T \beta_{1t}\sum_{i=1}^d \sqrt{Sv_{t,i}}
    + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)} \sum_{t=1}^T\sum_{i=1}^d
      \frac{m_{t,i}^2}{\sqrt{Sv_{t,i}}} .

With :math:`\beta_{1t} = \beta_1\lambda^{t-1}`, :math:`0 \le \lambda < 1` (worst case,
``bound()``, :data:`analysis.statements.AVGRAD_BOUND`):

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty \sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1)}{(1-\beta_1)^2\sqrt{1-\beta_2}}\, d G_\infty \sqrt T ,

rate :math:`\sqrt T`. Why it holds: (i) :math:`t\hat v_t = Sv_t` is non-decreasing, so
:math:`\sqrt{\hat v_{t,i}}/\alpha_t` is non-decreasing (what AMSGrad's max was introduced
for), and the distance terms telescope; (ii) :math:`Sv_t = \sum_{j \le t}(1 -
\beta_2^{t-j+1}) g_j^2 \ge (1-\beta_2)\sum_{j \le t} g_j^2`, so :math:`\alpha_t/\sqrt{\hat
v_t} \le \alpha/\sqrt{(1-\beta_2)\sum_{j\le t} g_j^2}`: an AdaGrad-type step. With
:math:`m_{t,i}^2 \le \sum_{j \le t}\beta_1^{t-j} g_{j,i}^2` (Jensen: the weights of
:math:`m_t` sum to at most 1) and the square-root-sum lemma, the third term is at most
:data:`analysis.statements.THIRD_COEFFICIENT` :math:`\sum_i \|g_{1:T,i}\|_2`
(``proofs/lemma_momentum_adagrad.py``; :data:`GRAD_NORM_FORM`); the worst case uses
:math:`Sv_{t,i} \le tG_\infty^2`, :math:`\|g_{1:T,i}\|_2 \le G_\infty\sqrt T` and
:math:`\sum_t \lambda^{t-1}\sqrt t \le (1-\lambda)^{-2}`.

**Comparison with** ``amsgrad_regret_reddi2018`` **term by term** (:data:`TERMS`, in Reddi et
al.'s aggregates :math:`S_{\hat v} = \sum_i \hat v_{T,i}^{1/2}`, :math:`S_{mom} = \sum_t\sum_i
\beta_{1t}\hat v_{t,i}^{1/2}/\alpha_t`, :math:`S_g = \sum_i\|g_{1:T,i}\|_2`, each for the
algorithm's own :math:`\hat v`): first term :math:`\frac{D_\infty^2\sqrt T}{2\alpha}S_{\hat
v}` against :math:`\frac{D_\infty^2\sqrt T}{\alpha(1-\beta_1)}S_{\hat v}`: ours is smaller by
the factor :math:`(1-\beta_1)/2`. Momentum term :math:`\frac{D_\infty^2}{1-\beta_1}S_{mom}`
against :math:`\frac{D_\infty^2}{2(1-\beta_1)}S_{mom}`: ours is **twice as large** (Reddi et
al.'s rests on the flawed telescoping step). Third term
:math:`\frac{\alpha(1+\beta_1)}{(1-\beta_1)^2\sqrt{1-\beta_2}}S_g` against
:math:`\frac{\alpha\sqrt{1+\log T}}{(1-\beta_1)^2(1-\gamma)\sqrt{1-\beta_2}}S_g`,
:math:`\gamma = \beta_1/\sqrt{\beta_2}`: the ratio ours/theirs is
:math:`(1+\beta_1)(1-\gamma)/\sqrt{1+\log T} \le 1-\beta_1^2 \le 1`, with no
:math:`\log T` and no condition :math:`\gamma < 1`.

**Status.** Proved in this package (source: ``proofs/avgrad_regret.py``). The same proof
covers AMSGrad (:math:`t\max_{s\le t} v_s \ge Sv_t`): see
``amsgrad_avgrad_interpolation_regret`` at :math:`\rho = 1`.

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.318 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.946 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.698 and 1.000. The 0.946 is the corner scan's alternating :math:`\pm 1` losses from the
corner of the box, :math:`T = 20000`, :math:`\alpha = 30`, :math:`\beta_1 = 0`, :math:`\beta_2
= 10^{-4}` (issue 13's independent search: 0.945); the data ratio 1.000 (to 4 digits, never
above) is :math:`T = 1`, :math:`\alpha = D_\infty\sqrt{1-\beta_2}`, where the data form is the
regret.

**Tightness from below** (:func:`analysis.tightness.witness`, measured in
``tests/analysis/test_lower_bounds.py``). Losses :math:`\pm 1` alternating in blocks, from the
corner of :math:`[-1, 1]`: at :math:`\alpha = 30`, :math:`\beta_1 = 0`, :math:`\beta_2 =
10^{-4}` the regret reaches 0.832 of the closed form at :math:`T = 2000` and 0.946 at :math:`T
= 20000`. On this family a step moves :math:`\alpha/\sqrt t` and the regret is about
:math:`\alpha G_\infty\sqrt T` per coordinate, so the ratio tends to
:math:`2\alpha^2\sqrt{1-\beta_2}/(D_\infty^2\sqrt{1-\beta_2} + 2\alpha^2)` (0.9994 here): the
closed form is tight when :math:`\alpha \gtrsim D_\infty` and :math:`\beta_2 \ll 1`. It is
loose elsewhere, measured at :math:`T = 20000`: 0.052 at :math:`\alpha = 1`, :math:`\beta_1 =
0`, :math:`\beta_2 = 0.999` (limit 0.031: the factor :math:`1/\sqrt{1-\beta_2}` from
:math:`Sv_t \ge (1-\beta_2)\sum_{j \le t} g_j^2` is attained only while :math:`t \lesssim
1/(1-\beta_2)`); 2.3e-4 at :math:`\beta_1 = 0.9` (the momentum factor
:math:`(1+\beta_1)/(1-\beta_1)^2`); 0.024 at :math:`\alpha = 0.1` (the distance term
:math:`D_\infty^2\sqrt T/(2\alpha)` has no witness in this family). The literature's lower
bound (``lower_bound``, Orabona's Theorem 5.1 per coordinate) is :math:`d D_\infty
G_\infty\sqrt T/(2\sqrt2)` for every algorithm; at :math:`\beta_1 = 0` the closed form
minimised over :math:`\alpha` is :math:`\sqrt2\, d D_\infty G_\infty\sqrt T(1-\beta_2)^{-1/4}`,
:math:`4(1-\beta_2)^{-1/4}` times it. Tightening the loose regimes would take a sharper
third-term lemma (:math:`Sv_t \ge \sum_j (1-\beta_2^{t-j+1}) g_j^2` turns
:math:`1/\sqrt{1-\beta_2}` into an additive term), the constant-:math:`\beta_1` Jensen step
:math:`m_t^2 \le (1-\beta_1)\sum_j \beta_1^{t-j} g_j^2` where :math:`\beta_{1t}` decays, and a
witness or a sharper telescoping for the distance term; each is a new step in ``proofs/``, not
made here.

References:
    [1] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
    [2] T. T. Phuong, L. T. Phong. On the Convergence Proof of AMSGrad and a New Version.
    IEEE Access 7, 2019 (arXiv:1904.03590).
    [3] K. Ozkara, C. Karakus, P. Raman, M. Hong, S. Sabach, B. Kveton, V. Cevher. MADA:
    Meta-Adaptive Optimizers through hyper-gradient Descent. ICML 2024 (arXiv:2401.08893).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["avgrad_regret"]
    >>> th.rate()
    sqrt(T)
    >>> th.bound(T=1, d=1, D_inf=1, G_inf=1, alpha=1, beta1=0, lam=0, beta2=sp.Rational(3, 4))
    5/2
    >>> th.assumptions.check(beta1=0.99, beta2=0.5)  # gamma = beta1/sqrt(beta2) > 1 is fine

    On a recorded run (AVGrad's two steps on :math:`f_t(x) = x`, :math:`\mathcal F = [-1, 1]`,
    :math:`\alpha = 1`, :math:`\beta_1 = 0`, :math:`\beta_2 = 1/2`):

    >>> from analysis.trace import Trace
    >>> tr = Trace(x=[[0.0], [-1.0]], grads=[[1.0], [1.0]], v_hat=[[0.5], [0.625]],
    ...            alpha=[1.0, 0.5**0.5], beta1=[0.0, 0.0], losses=[0.0, -1.0],
    ...            comparator_losses=[-1.0, -1.0], x_star=[-1.0])
    >>> th.measured(tr), round(th.data_bound(tr, beta2=0.5), 6)  # (5/4)^(1/2)/2 + ...
    (1.0, 1.713337)
"""

from __future__ import annotations

import sympy as sp

from ..statements import (
    FIRST_WORST,
    GRAD_NORMS,
    MOMENTUM_WORST,
    THIRD_COEFFICIENT,
    THIRD_WORST,
    W_avgrad,
    data_form,
    regret_terms,
)
from ..symbols import D_inf, S_g, S_mom, S_vhat, T, alpha, beta1
from ._assumptions import Assumptions, in_range
from ._core import OWN_STATUS, Theorem, own_source
from ._online import AVGRAD, OLO_LOWER, OWN_ONLINE_CONSTRAINTS, own_online_readers

#: The data-dependent bound (``analysis.statements.AVGRAD_FORM``).
AVGRAD_FORM = data_form(W_avgrad)
#: Its worst case for beta_1t = beta1 lam^(t-1), W_t <= t G_inf^2
#: (``analysis.statements.AVGRAD_BOUND``).
AVGRAD_BOUND = FIRST_WORST + MOMENTUM_WORST + THIRD_WORST

#: The three terms in Reddi et al.'s aggregates (the third: lemma_momentum_adagrad).
TERMS = (
    D_inf**2 * sp.sqrt(T) / (2 * alpha) * S_vhat,
    D_inf**2 / (1 - beta1) * S_mom,
    THIRD_COEFFICIENT * S_g,
)

#: The data form with its third term replaced by its gradient-norm bound.
GRAD_NORM_FORM = sp.Add(*regret_terms(W_avgrad)[:2], THIRD_COEFFICIENT * GRAD_NORMS)

THEOREM = Theorem(
    id="avgrad_regret",
    title="AVGrad regret, alpha/sqrt(t), beta_1t <= beta1 (decaying for the closed form)",
    setting="online-convex",
    source=own_source("avgrad_regret"),
    status=OWN_STATUS,
    assumptions=Assumptions((*OWN_ONLINE_CONSTRAINTS, in_range("lam", 0, 1, hi_open=True))),
    algorithm=AVGRAD.replace(momentum_schedule="geometric"),
    printed_form=AVGRAD_FORM,
    worst_case={},
    closed_form=AVGRAD_BOUND,
    **own_online_readers(),
    lower_bound=OLO_LOWER,
)
