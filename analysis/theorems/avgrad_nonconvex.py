r"""AVGrad without momentum, stochastic nonconvex, Défossez-style (this package's own theorem).

**Setting** (stochastic nonconvex, as ``adagrad_nonconvex_defossez2022``). :math:`F \ge F_*`
with :math:`L`-Lipschitz gradient, :math:`\Delta = F(x_0) - F_*`; unbiased stochastic
gradients :math:`g_t = \nabla f_t(x_{t-1})` with :math:`\|g_t\|_\infty \le R` almost surely.
Constants :math:`\epsilon > 0`, :math:`0 \le \beta_2 < 1`, :math:`\beta_1 = 0`,
:math:`\alpha > 0` (no condition :math:`R \ge \sqrt\epsilon`).

**Algorithm** (AVGrad with :math:`\alpha_t = \alpha/\sqrt t` and :math:`\epsilon/t` inside the
square root, coordinate-wise, :math:`v_0 = 0`):

.. math::
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad Sv_t = \sum_{s \le t} v_s = t\,\bar v_t,
    \quad x_t = x_{t-1} - \frac{\alpha}{\sqrt t}\frac{g_t}{\sqrt{\epsilon/t + \bar v_t}}
    = x_{t-1} - \alpha\frac{g_t}{\sqrt{\epsilon + Sv_t}} .

**Bound** (an **upper** bound; :data:`analysis.statements.NONCONVEX_BOUND`), :math:`\tau` uniform on
:math:`\{0, \dots, T-1\}`:

.. math::
    \mathbb E\|\nabla F(x_\tau)\|^2 \le \frac{2\sqrt{\epsilon + TR^2}\,\Delta}{\alpha T}
    + \frac{d\sqrt{\epsilon + TR^2}\,\big(4R\sqrt{1-\beta_2} + \alpha L\big)}{(1-\beta_2)\,T}
      \ln\Big(1 + \frac{TR^2}{\epsilon}\Big),

rate :math:`\ln(T)/\sqrt T`. The bound has no run aggregates: its data-dependent and worst-case
forms coincide (``data_bound`` reads the observed :math:`R = \max|g|`, :math:`T`, :math:`d`).

Why it holds (Défossez et al.'s Adagrad proof, generalised):
:math:`Sv_t = Sv_{t-1} + \beta_2 v_{t-1} + (1-\beta_2) g_t^2` is a predictable part plus
:math:`c\,g_t^2`, :math:`c = 1-\beta_2`. Their Lemma 5.1 with this :math:`c` gives, per
coordinate, with :math:`a_t = \sqrt{\epsilon + Sv_t}` and :math:`\tilde a_t` its value with
:math:`g_t^2` replaced by :math:`\mathbb E_{t-1} g_t^2`,
:math:`\mathbb E_{t-1}[G g/a] \ge G^2/(2\tilde a) - 2\sqrt c R\, \mathbb E_{t-1}[g^2/a^2]`.
The log lemma with :math:`Sv_t \ge (1-\beta_2)\sum_{j\le t} g_j^2` gives
:math:`\sum_t g_t^2/(\epsilon + Sv_t) \le \ln(1 + TR^2/\epsilon)/(1-\beta_2)`, and
:math:`\tilde a_t \le \sqrt{\epsilon + TR^2}`. Summing the descent lemma over :math:`t` ends on
the bound. At :math:`\beta_2 = 0`, :math:`Sv_t = \sum_{s\le t} g_s^2` (Adagrad) and the bound
is Défossez et al.'s Theorem 1 with :math:`R\sqrt T` replaced by :math:`\sqrt{\epsilon +
TR^2}` (a little larger; their :math:`R \ge \sqrt\epsilon` is not needed here).

**Status.** Proved in this package (source: ``proofs/avgrad_nonconvex.py``).

**Measured tightness**: largest mean stationarity / bound = 1.0e-4 over 472 seeds on noisy
Rosenbrock, a sigmoid regression and a tanh MLP on digits, 2 configurations whose seeds left
the box (72 seeds) excluded, with eps down to 1e-12 and beta2 from 0.01 to 1 - 1e-6
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``); the bound holds in expectation and is
very loose on these problems (see ``breakeven``: against the trivial bound d R^2).

References:
    [1] A. Défossez, L. Bottou, F. Bach, N. Usunier. A Simple Convergence Proof of Adam and
    Adagrad. TMLR 2022. arXiv:2003.02395.
    [2] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["avgrad_nonconvex"]
    >>> th.rate()
    log(T)/sqrt(T)
    >>> th.bound(T=1, d=1, R=1, eps=1, alpha=1, L=0, Delta=0, beta2=0)
    4*sqrt(2)*log(2)
    >>> th.bound(beta2=1)
    Traceback (most recent call last):
    ...
    ValueError: beta2: assumption 0 <= beta2 < 1 is violated (beta2=1)
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..algorithm import Algorithm
from ..symbols import Delta, L, R, T, alpha, beta2, d, eps
from ._assumptions import Assumptions, equals, in_range, whole_at_least
from ._core import OWN_STATUS, Theorem, own_source
from ._nonconvex import STATIONARITY, stationarity

#: The bound (``analysis.statements.NONCONVEX_BOUND``).
NONCONVEX_BOUND = 2 * sp.sqrt(eps + T * R**2) * Delta / (alpha * T) + d * sp.sqrt(
    eps + T * R**2
) * (4 * R * sp.sqrt(1 - beta2) + alpha * L) * sp.log(1 + T * R**2 / eps) / ((1 - beta2) * T)


def _run_values(trace, c):
    """Observed constants; L, Delta, eps and beta2 must be given. R defaults to max|g|,
    alpha to ``trace.alpha[0]`` (alpha_1 = alpha), beta1 to ``max(trace.beta1)``."""
    missing = [n for n in ("L", "Delta", "eps", "beta2") if n not in c]
    if missing:
        raise ValueError(f"data_bound needs {missing} (the trace does not record them)")
    vals = {"T": trace.T, "d": trace.d, "R": trace.G_inf(), "alpha": float(trace.alpha[0]),
            "beta1": float(np.max(trace.beta1))}  # fmt: skip
    vals.update(c)
    return vals


THEOREM = Theorem(
    id="avgrad_nonconvex",
    title="AVGrad (no momentum), alpha/sqrt(t), eps/t in the root, smooth nonconvex",
    setting="stochastic-nonconvex",
    source=own_source("avgrad_nonconvex"),
    status=OWN_STATUS,
    assumptions=Assumptions(
        (
            in_range("alpha", 0, lo_open=True),
            in_range("eps", 0, lo_open=True),
            in_range("R", 0, lo_open=True),
            in_range("L", 0),
            in_range("Delta", 0),
            in_range("beta2", 0, 1, hi_open=True),
            equals("beta1", 0, "the theorem has no momentum"),
            whole_at_least("T"),
            whole_at_least("d"),
        )
    ),
    algorithm=Algorithm(
        "AVGrad (coordinate-wise), no momentum",
        long_memory="average",
        lr_schedule="inv_sqrt",
        eps_placement="inside/t",
        projected=False,
        rho=0.0,
        beta1=0.0,
    ),
    printed_form=NONCONVEX_BOUND,
    worst_case={},
    run_values=_run_values,
    measure=stationarity,
    measured_quantity=STATIONARITY,
)
