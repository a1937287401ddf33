r"""When interpolating AMSGrad and AVGrad gives a better regret bound (this package's own theorem).

**Setting** (online *linear* losses :math:`f_t(x) = \langle g_t, x\rangle`,
:math:`\|x - x^\star\|_\infty \le D_\infty`, :math:`\|g_t\|_\infty \le G_\infty`). The gradients
do not depend on the iterates, so neither do :math:`v`, :math:`vmax`, :math:`Sv`, :math:`m`:
on a fixed gradient sequence the data-dependent bound :math:`B(\rho)` of
``amsgrad_avgrad_interpolation_regret`` (:data:`._own.MAX_AVG_FORM`) is a function of
:math:`\rho` alone. This makes the paper's claim, that an interpolated long memory can beat
both AMSGrad and AVGrad, precise as a statement about these **upper** bounds (not about the
regret itself).

**Algorithm** (``amsgrad_avgrad_interpolation_regret``):
:math:`\hat v_t = \rho\max_{s\le t} v_s + (1-\rho)\frac1t\sum_{s\le t} v_s`,
:math:`\alpha_t = \alpha/\sqrt t`, no bias correction, :math:`\epsilon = 0`; the witness below
has :math:`\beta_1 = 0`.

.. math::
    B(\rho) = \sum_k p_k\sqrt{S_k + \rho\Delta_k} + \sum_k \frac{q_k}{\sqrt{S_k + \rho\Delta_k}},
    \qquad
    B'(\rho) = \sum_k \frac{\Delta_k}{2\sqrt{W_k}}\Big(p_k - \frac{q_k}{W_k}\Big),

over :math:`k = (t, i)`, with :math:`S = Sv`, :math:`A = t\,vmax`, :math:`\Delta = A - S \ge 0`,
:math:`W = S + \rho\Delta` and :math:`p, q \ge 0` as in :mod:`._interpolation`. Hence:

* :math:`B'(0) < 0 < B'(1)` implies a minimiser :math:`\rho^* \in (0, 1)` with :math:`B(\rho^*)
  < \min(B(0), B(1))`;
* if :math:`q_k \le p_k S_k` for all :math:`k` with :math:`\Delta_k > 0`, :math:`B` is
  non-decreasing (AVGrad, :math:`\rho = 0`, is best); if :math:`q_k \ge p_k A_k` for all such
  :math:`k`, it is non-increasing (AMSGrad is best) (:func:`._interpolation.regime`);
* the worst-case bound (``MAX_AVG_BOUND``) is constant in :math:`\rho`: it cannot tell.

**Bound** (an **upper** bound on the regret of the :math:`\rho`-run; the closed form of this
entry). Witness family: :math:`d = 1`, :math:`\beta_1 = 0` (so :math:`m_t = g_t` and the
momentum term vanishes), :math:`T = 2`, :math:`g_1 = G_\infty`, :math:`g_2 = \delta
G_\infty`, :math:`0 \le \delta`, :math:`\delta^2 \le 1-\beta_2` (so :math:`vmax_2 = v_1`).
Then :math:`W_1 = (1-\beta_2)G_\infty^2` for every :math:`\rho`,
:math:`W_2(\rho) = (1-\beta_2)G_\infty^2\big[1+\beta_2+\delta^2 + \rho(1-\beta_2-\delta^2)\big]`
and

.. math::
    B(\rho) = \frac{D_\infty^2}{2\alpha}\sqrt{W_2(\rho)}
    + \frac{\alpha}{2}\Big(\frac{G_\infty^2}{\sqrt{W_1}}
    + \frac{\delta^2 G_\infty^2}{\sqrt{W_2(\rho)}}\Big).

As a function of :math:`W_2` this is :math:`c_1\sqrt W + c_2/\sqrt W + c_0`, least at
:math:`W^* = c_2/c_1 = \alpha^2\delta^2G_\infty^2/D_\infty^2`; the minimiser over
:math:`[0, 1]` is interior iff :math:`W_2(0) < W^* < W_2(1)`, i.e.

.. math::
    (1-\beta_2)(1+\beta_2+\delta^2) < \frac{\alpha^2\delta^2}{D_\infty^2} < 2(1-\beta_2),

and then :math:`\min_\rho B = 2\sqrt{c_1c_2} + c_0 = D_\infty\delta G_\infty +
\alpha G_\infty/(2\sqrt{1-\beta_2})` (:func:`witness_bound`, :func:`optimal_rho`,
:func:`improvement`). **The gains are small**: at :math:`T = 2` about :math:`10^{-4}` to
:math:`10^{-3}` relative; the longer witness :math:`g_1 = G_\infty`, :math:`g_t = \delta
G_\infty` (:math:`t \ge 2`), :math:`T = 200` (:func:`._interpolation.numeric_witness`) gives
about 11% at :math:`\beta_2 = 1/2`, 2% at :math:`\beta_2 = 0.9` and 0.1% at
:math:`\beta_2 = 0.99` (:math:`\delta` and :math:`\alpha/D_\infty` picked on a coarse
grid; the Example computes them).

**Status.** Proved in this package (source: ``proofs/interpolation_improvement.py``);
``data_bound`` evaluates :math:`B(\rho)` on a recorded run with :math:`\beta_1 = 0` (for
:math:`\beta_1 > 0` use ``amsgrad_avgrad_interpolation_regret``, the same form). No rate:
the closed form is a fixed-horizon witness (``rate()`` raises).

References:
    [1] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).
    [2] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.

Example:
    Exact, at :math:`\beta_2 = 1/2`, :math:`\delta = 1/4`, :math:`\alpha = 15/4`,
    :math:`D_\infty = G_\infty = 1`; then the longer witness (:math:`T = 200`):

    >>> from sympy import Rational as Q
    >>> w = dict(delta=Q(1, 4), alpha=Q(15, 4), D_inf=1, G_inf=1, beta2=Q(1, 2))
    >>> optimal_rho(**w), witness_bound(0, **w), witness_bound(1, **w)
    (25/56, 197*sqrt(2)/96, 481/1920 + 15*sqrt(2)/8)
    >>> witness_bound(optimal_rho(**w), **w), improvement(**w), round(float(improvement(**w)), 8)
    (1/4 + 15*sqrt(2)/8, 17/197 - 12*sqrt(2)/197, 0.00014943)
    >>> from analysis.theorems._interpolation import numeric_witness
    >>> for b2, dl, a in [(0.5, 0.1, 2.8), (0.9, 0.1, 1.96), (0.99, 0.22, 0.61)]:
    ...     r = numeric_witness(T=200, beta2=b2, delta=dl, alpha=a)
    ...     print(b2, round(r["rho"], 2), f"{r['gain']:.2%}")
    0.5 0.19 11.10%
    0.9 0.32 2.21%
    0.99 0.36 0.10%
    >>> THEOREM.rate()
    Traceback (most recent call last):
    ...
    ValueError: interpolation_improvement: the bound does not depend on T; it has no rate
"""

from __future__ import annotations

import sympy as sp

from . import _own
from ._core import (
    Assumptions,
    Constraint,
    D_inf,
    G_inf,
    Theorem,
    alpha,
    beta2,
    delta,
    equals,
    in_range,
    rho,
)
from ._online import REGRET, regret
from ._own_online import STATUS, own_online_values, own_run_data, source


def witness_W2(rho_, delta_, beta2_, G_inf_):
    """W_2(rho) = 2 vhat_2 of the witness."""
    return (1 - beta2_) * G_inf_**2 * (1 + beta2_ + delta_**2 + rho_ * (1 - beta2_ - delta_**2))


def witness_bound(rho=rho, delta=delta, alpha=alpha, D_inf=D_inf, G_inf=G_inf, beta2=beta2):
    """B(rho) of the witness (d = 1, beta1 = 0, T = 2, g = (G_inf, delta G_inf)), exact."""
    args = (rho, delta, alpha, D_inf, G_inf, beta2)
    rho, delta, alpha, D_inf, G_inf, beta2 = map(sp.sympify, args)
    W1 = (1 - beta2) * G_inf**2
    W2 = witness_W2(rho, delta, beta2, G_inf)
    return D_inf**2 / (2 * alpha) * sp.sqrt(W2) + alpha / 2 * (
        G_inf**2 / sp.sqrt(W1) + delta**2 * G_inf**2 / sp.sqrt(W2)
    )


def optimal_rho(delta=delta, alpha=alpha, D_inf=D_inf, G_inf=G_inf, beta2=beta2):
    """The minimiser of :func:`witness_bound` over [0, 1] (W_2(rho) = W*, clipped); it does
    not depend on G_inf (taken for a uniform signature)."""
    delta, alpha, D_inf, beta2 = map(sp.sympify, (delta, alpha, D_inf, beta2))
    inner = (alpha**2 * delta**2 / (D_inf**2 * (1 - beta2)) - 1 - beta2 - delta**2) / (
        1 - beta2 - delta**2
    )
    return sp.Min(1, sp.Max(0, inner))


def improvement(delta, alpha, D_inf, G_inf, beta2):
    """(min(B(0), B(1)) - min_rho B) / min(B(0), B(1)) for numbers, exact; 0 off the window."""
    vals = dict(delta=delta, alpha=alpha, D_inf=D_inf, G_inf=G_inf, beta2=beta2)
    if any(sp.sympify(v).free_symbols for v in vals.values()):
        raise ValueError("improvement needs numbers")
    THEOREM.assumptions.check(**vals)
    r = optimal_rho(**vals)
    ends = sp.Min(witness_bound(0, **vals), witness_bound(1, **vals))
    return sp.radsimp(sp.simplify((ends - witness_bound(r, **vals)) / ends))


THEOREM = Theorem(
    id="interpolation_improvement",
    title="Interior rho beats AMSGrad and AVGrad in the data-dependent bound (witness family)",
    setting="interpolation",
    source=source("interpolation_improvement"),
    status=STATUS,
    assumptions=Assumptions(
        (
            in_range("alpha", 0, lo_open=True),
            equals("beta1", 0, "the witness has no momentum"),
            in_range("beta2", 0, 1, lo_open=True, hi_open=True),
            in_range("rho", 0, 1),
            in_range("delta", 0),
            Constraint(
                "delta",
                "delta**2 <= 1 - beta2 (so vmax_2 = v_1)",
                ("delta", "beta2"),
                lambda dl, b2: dl**2 <= 1 - b2,
            ),
            in_range("D_inf", 0),
            in_range("G_inf", 0),
        )
    ),
    algorithm={
        "name": "AMSGrad/AVGrad interpolation on linear losses, no momentum",
        "losses": "linear: f_t(x) = <g_t, x>, g_1 = G_inf, g_t = delta G_inf (t >= 2)",
        "long_memory": "max+average",
        "rho": None,  # the argument of B(rho)
        "v_hat": "vhat_t = rho max_{s<=t} v_s + (1 - rho) (1/t) sum_{s<=t} v_s",
        "beta1": 0.0,
        "lr_schedule": "inv_sqrt",
        "momentum_schedule": "constant",
        "bias_correction": False,
        "eps": 0.0,
    },
    printed_form=_own.MAX_AVG_FORM,
    worst_case={},
    closed_form=witness_bound(),
    run_values=lambda trace, c: own_online_values(trace, c, needs=("rho",)),
    measure=regret,
    measured_quantity=REGRET,
    run_data=own_run_data,
)
