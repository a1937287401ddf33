r"""MADA's Adam/AVGrad interpolation, constant step, bias correction, stochastic nonconvex (own).

**Setting** (stochastic nonconvex, Défossez, Bottou, Bach & Usunier 2022). :math:`F \ge F_*`
with :math:`L`-Lipschitz gradient, :math:`\Delta = F(x_0) - F_*`; unbiased stochastic
gradients :math:`g_t = \nabla f_t(x_{t-1})` with :math:`\|g_t\|_\infty \le R - \sqrt\epsilon`
almost surely (so that :math:`\sqrt{\epsilon + v} \le R\sqrt{B_t}`; the form in which, as
remembered, Défossez et al. state their assumption; ``adam_nonconvex_defossez2022`` reads
:math:`|g| \le R`, :math:`R \ge \sqrt\epsilon`). ``data_bound`` takes
:math:`R = \max|g| + \sqrt\epsilon`. :math:`\epsilon > 0`, :math:`0 < \beta_2 < 1`,
:math:`\beta_1 = 0`, a constant :math:`\alpha > 0`.

**Algorithm** (coordinate-wise, unnormalised moments as Défossez et al.'s, :math:`v_0 = 0`):

.. math::
    v_t = \beta_2 v_{t-1} + g_t^2,\quad \bar v_t = \frac1t\sum_{s\le t} v_s,\quad
    w_t = \rho_t v_t + (1-\rho_t)\bar v_t,\quad
    x_t = x_{t-1} - \alpha_t\frac{g_t}{\sqrt{\epsilon + w_t}},\quad
    \alpha_t = \alpha\sqrt{\frac{1-\beta_2^t}{1-\beta_2}} .

The step is MADA's bias-corrected one: with :math:`\hat v_t = (1-\beta_2) w_t/(1-\beta_2^t)`
(MADA's :math:`(\rho v_t + (1-\rho)\bar v_t)/(1-\beta_2^t)` in its normalised moments),
:math:`\alpha_t/\sqrt{\epsilon + w_t} = \alpha/\sqrt{\epsilon_t + \hat v_t}`,
:math:`\epsilon_t = \epsilon(1-\beta_2)/(1-\beta_2^t)`. :math:`\rho_t` may be *learned*:
any :math:`\mathcal F_{t-1}`-measurable :math:`\rho_t \in [\rho, 1]` (a constant
:math:`\rho_t = \rho` is the special case).

**Bound** (an **upper** bound), :math:`\tau` uniform on :math:`\{0, \dots, T-1\}`,
:math:`0 < \rho \le 1`:

.. math::
    \mathbb E\|\nabla F(x_\tau)\|^2 \le \frac{2R\Delta}{\alpha T}
    + \frac{E}{\rho}\Big(\frac1T\ln\Big(1 + \frac{\rho R^2}{(1-\beta_2)\epsilon}\Big)
      - \ln\beta_2\Big),\qquad
    E = \frac{4dR^2}{\sqrt{1-\beta_2}} + \frac{\alpha d R L}{1-\beta_2} .

At :math:`\rho = 1` (Adam) it is **exactly** Défossez et al.'s Theorem 2, the encoded
``adam_nonconvex_defossez2022.THEOREM2`` (tested with sympy). Like Adam's bound it has the
noise floor :math:`-E\ln(\beta_2)/\rho` for a fixed :math:`\beta_2`.

Why it holds: :math:`w_t = q_t + c_t g_t^2` with a predictable :math:`q_t \ge 0` and
:math:`c_t = \rho_t + (1-\rho_t)/t \in (0, 1]`, so Défossez et al.'s Lemma 5.1
(:mod:`proofs.lemma_defossez_descent`, with :math:`\sqrt{c_t} \le 1`) applies; the
predictable proxy satisfies :math:`q_t + c_t\sigma_t^2 \le (R-\sqrt\epsilon)^2(1-\beta_2^t)/(1-
\beta_2)` (both :math:`v` and its average are), hence :math:`\alpha_t/\tilde a_t \ge \alpha/R`
(:mod:`proofs.lemma_adam_mix_proxy`); and :math:`w_t \ge \rho v_t` gives the log sum
(:mod:`proofs.lemma_log_sum_adam_mix`).

**Not covered.**

* :math:`\beta_1 > 0`. Défossez et al.'s momentum proof (Theorem 4) needs their Lemmas A.1-A.3
  on sums :math:`\sum_k\beta_1^k\sqrt{k+1}\,\|U_{n-k}\|^2`; they are not yet in ``proofs/``,
  so this theorem has no momentum.
* :math:`\rho = 0` (AVGrad): the bound is :math:`+\infty`. With a constant step AVGrad's
  average is not a denominator that the log-sum argument controls (``avgrad_nonconvex``
  needs :math:`\alpha/\sqrt t` and :math:`\epsilon/t`).
* :math:`\epsilon` outside the root (torch's and MADA's placement): here, as in Défossez et
  al., it sits inside, as :math:`\epsilon_t = \epsilon(1-\beta_2)/(1-\beta_2^t)` in MADA's
  normalisation.
* The bound decreases in :math:`\rho`: as a worst-case statement it prefers Adam. When an
  interior :math:`\rho` helps is the subject of ``interpolation_improvement``.

**Status.** Proved in this package (source: ``proofs/adam_avgrad_interpolation_nonconvex.py``).

**Measured tightness**: mean stationarity / bound at most 1.3e-4 (no violation) over 11
configurations, rho uniform in [0.05, 1], 16 seeds each (digits: 8 seeds, T = 40; else
T = 200), on noisy Rosenbrock, a sigmoid regression and a tanh MLP on digits
(:func:`analysis.tightness.nonconvex_setup` with ``numpy.random.default_rng(0)``, 4 per
problem, then :func:`analysis.tightness.check_nonconvex`; one configuration left the box and
is excluded); very loose, as Défossez et al.'s own bound is on these problems.

References:
    [1] A. Défossez, L. Bottou, F. Bach, N. Usunier. A Simple Convergence Proof of Adam and
    Adagrad. TMLR 2022. arXiv:2003.02395.
    [2] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["adam_avgrad_interpolation_nonconvex"]
    >>> th.rate()
    1
    >>> th.bound(rho=0)
    Traceback (most recent call last):
    ...
    ValueError: rho: assumption 0 < rho <= 1 is violated (rho=0)
"""

from __future__ import annotations

import math

import sympy as sp

from ..symbols import Delta, L, R, T, alpha, beta2, d, eps, rho
from ._assumptions import Assumptions, equals, in_range
from ._core import OWN_STATUS, Theorem, own_source
from ._nonconvex import (
    DEFOSSEZ,
    DEFOSSEZ_CONSTRAINTS,
    STATIONARITY,
    nonconvex_run_values,
    stationarity,
)

E = 4 * d * R**2 / sp.sqrt(1 - beta2) + alpha * d * R * L / (1 - beta2)
BOUND = 2 * R * Delta / (alpha * T) + E / rho * (
    sp.log(1 + rho * R**2 / ((1 - beta2) * eps)) / T - sp.log(beta2)
)


def _run_values(trace, c):
    """As Défossez et al.'s (alpha_1 = alpha), but R defaults to max|g| + sqrt(eps)."""
    vals = nonconvex_run_values(trace, c, alpha_from_step=lambda a1, b1: a1)
    if "R" not in c:
        vals["R"] = trace.G_inf() + math.sqrt(float(c["eps"]))
    return vals


THEOREM = Theorem(
    id="adam_avgrad_interpolation_nonconvex",
    title="MADA's rho v + (1 - rho) vbar, constant alpha, bias correction, smooth nonconvex",
    setting="stochastic-nonconvex",
    source=own_source("adam_avgrad_interpolation_nonconvex"),
    status=OWN_STATUS,
    assumptions=Assumptions(
        (
            *DEFOSSEZ_CONSTRAINTS,
            in_range("beta2", 0, 1, lo_open=True, hi_open=True),
            in_range("rho", 0, 1, lo_open=True),
            equals("beta1", 0, "the theorem has no momentum"),
        )
    ),
    algorithm=DEFOSSEZ.replace(
        name="MADA's Adam/AVGrad interpolation (Défossez et al.'s unnormalised moments)",
        long_memory="average",
        lr_schedule="defossez_adam",  # bias correction folded into alpha_t, as Défossez et al.
        beta1=0.0,
        notes=("rho_t in [rho, 1]: rho given with the constants, a number or one per step",),
    ),
    printed_form=BOUND,
    worst_case={},
    run_values=_run_values,
    measure=stationarity,
    measured_quantity=STATIONARITY,
)
