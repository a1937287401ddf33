r"""Corrected regret of AMSGrad: Tran & Phong (Phuong & Phong), IEEE Access 2019, Theorem 4.1.

**Setting.** As Reddi et al.'s Theorem 4 (``amsgrad_regret_reddi2018``): online convex
optimisation, :math:`\ell_\infty` diameter :math:`D_\infty`,
:math:`\|\nabla f_t\|_\infty \le G_\infty`.

**Algorithm.** The original AMSGrad (no modification) with :math:`\alpha_t = \alpha/\sqrt t`,
:math:`\gamma = \beta_1/\sqrt{\beta_2} < 1` and :math:`\beta_{1t} = \beta_1\lambda^{t-1}`,
:math:`0 < \lambda < 1` (the same schedule as Reddi et al.'s Corollary 1).

**Bound** (an **upper** bound; [1, Theorem 4.1], the :math:`\lambda` case): there is
:math:`t_0 \ge 1` (from their Lemma 4.3, depending on the run) such that for all
:math:`T \ge 1`

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty}{2\alpha(1-\beta_1)}
        \Big(\sum_{t=1}^{t_0}\sqrt t + \sqrt T\Big)
    + \frac{d D_\infty^2 G_\infty}{2\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha\sqrt{1 + \log T}}{(1-\beta_1)^2 (1-\gamma)\sqrt{1-\beta_2}}
      \sum_{i=1}^d \|g_{1:T,i}\|_2 .

Lemma 4.3's :math:`t_0` makes
:math:`\sqrt{(t-1)\hat v_{t-1,i}}/(1-\beta_{1,t-1}) \le \sqrt{t\,\hat v_{t,i}}/(1-\beta_{1,t})`
hold for all :math:`t > t_0`: exactly the monotonicity Reddi et al.'s proof assumed for all
:math:`t`. ``bound()`` keeps ``t0`` as a constant (rate :math:`\sqrt T\sqrt{\log T}` for fixed
:math:`t_0`) and uses :math:`\|g_{1:T,i}\|_2 \le G_\infty\sqrt T`; ``data_bound`` takes the
smallest :math:`t_0` for which that inequality holds on the recorded run
(:func:`analysis.theorems.lemma43_t0`), unless ``t0`` is given.

**Status.** Corrected (the proof of Reddi et al.'s Theorem 4 / Corollary 1 equates
:math:`1-\beta_{1,t}` and :math:`1-\beta_{1,t+1}`; the corrected bound pays a
:math:`\sum_{t \le t_0}\sqrt t` term, its first term gets a factor :math:`dG_\infty/2` in place
of :math:`\sum_i \hat v_{T,i}^{1/2}`, and its momentum term gets the factor :math:`d/\alpha`
that Corollary 1 drops). Source: arXiv:1904.03590v4, Theorem 4.1, read through a Lean
transcription that proves it (public repository, ``Transformer/AMSGrad/Section4_Theorem``:
``mainthm_lambda``), not from the PDF itself; that transcription assumes
:math:`\gamma < 1` where the paper writes :math:`\gamma \le 1` while dividing by
:math:`1-\gamma`, as here. The :math:`\beta_{1t} = \beta_1/t` case of Theorem 4.1 and the
paper's AdamX variant (its Theorem 5.1) are not encoded.

**Measured tightness** (no run exceeded the bound): largest regret / closed bound 0.146 over
1792 random instances on seven online problems, alpha in [1e-3, 1e3]
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``, 35 s) and 0.283 from the adversarial
search with its corner scan of extreme constants (``analysis.verify.verify(budget=300,
seed=0)``, as ``mada-analysis verify --budget 300 --seed 0``); largest regret / data-dependent
bound 0.147 and 0.283. The 0.283 is the corner scan's alternating losses at :math:`T = 20000`,
:math:`\alpha = 30`, :math:`\beta_2 = 10^{-4}`.

References:
    [1] T. T. Phuong, L. T. Phong. On the Convergence Proof of AMSGrad and a New Version.
    IEEE Access 7:61706-61716, 2019. arXiv:1904.03590.

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["amsgrad_regret_corrected_tran2019"]
    >>> th.rate()
    sqrt(T)*sqrt(log(T))
    >>> th.bound(t0=1, T=1, d=1, D_inf=1, G_inf=1, alpha=1, beta1=0, lam=sp.Rational(1, 2),
    ...          beta2=sp.Rational(3, 4))
    5
"""

from __future__ import annotations

import sympy as sp

from ..symbols import S_g, T, alpha, beta1, d, lam, t0
from . import _online
from ._assumptions import Assumptions, in_range, whole_at_least
from ._core import Theorem, sqrt_sum
from ._online import AMSGRAD, AMSGRAD_CONSTRAINTS, REGRET, D_inf, G_inf, lemma43_t0, regret
from ._online import online_run_values as _online_values
from ._online import third_coefficient as _third

PRINTED = (d * D_inf**2 * G_inf / (2 * alpha * (1 - beta1)) * (sqrt_sum(t0) + sp.sqrt(T))
           + d * D_inf**2 * G_inf / (2 * alpha * (1 - beta1) * (1 - lam) ** 2)
           + _third(T) * S_g)  # fmt: skip


def _run_values(trace, c):
    vals = _online_values(trace, c)
    vals.setdefault("t0", lemma43_t0(trace))
    return vals


THEOREM = Theorem(
    id="amsgrad_regret_corrected_tran2019",
    title="AMSGrad regret, beta_1t = beta1 * lam**(t-1), corrected proof",
    setting="online-convex",
    source="Tran (Phuong) & Phong, On the Convergence Proof of AMSGrad and a New Version, "
    "IEEE Access 2019 (arXiv:1904.03590v4), Theorem 4.1",
    status="corrected (Reddi et al.'s proof equates 1 - beta_1t and 1 - beta_1,t+1; the fix "
    "adds a sum over t <= t0 of sqrt(t) and restores the factor d/alpha of the momentum term)",
    assumptions=Assumptions(
        (
            *AMSGRAD_CONSTRAINTS,
            in_range("lam", 0, 1, lo_open=True, hi_open=True),
            whole_at_least("t0"),
        )
    ),
    algorithm=AMSGRAD.replace(momentum_schedule="geometric"),
    printed_form=PRINTED,
    worst_case={S_g: d * G_inf * sp.sqrt(T)},
    run_values=_run_values,
    measure=regret,
    measured_quantity=REGRET,
    lower_bound=_online.OLO_LOWER,
)
