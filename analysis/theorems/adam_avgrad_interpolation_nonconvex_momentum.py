r"""MADA's Adam/AVGrad interpolation with heavy-ball momentum, constant step, stochastic
nonconvex (own; Défossez et al.'s Theorem 4 at :math:`\rho = 1`).

**Setting** (Défossez, Bottou, Bach & Usunier 2022). :math:`F \ge F_*` with
:math:`L`-Lipschitz gradient, :math:`\Delta = F(x_0) - F_*`; unbiased stochastic gradients
:math:`g_n = \nabla f_n(x_{n-1})` with :math:`\|g_n\|_\infty \le R - \sqrt\epsilon` almost
surely (``data_bound`` takes :math:`R = \max|g| + \sqrt\epsilon`); :math:`\epsilon > 0`,
:math:`0 < \beta_2 < 1`, :math:`0 \le \beta_1 < \beta_2`, a constant :math:`\alpha > 0`,
:math:`0 < \rho \le 1`, :math:`N = T > \beta_1/(1-\beta_1)`.

**Algorithm** (coordinate-wise, unnormalised moments, :math:`m_0 = v_0 = 0`):

.. math::
    m_n = \beta_1 m_{n-1} + g_n,\quad v_n = \beta_2 v_{n-1} + g_n^2,\quad
    w_n = \rho_n v_n + (1-\rho_n)\frac1n\sum_{s\le n} v_s,\quad
    x_n = x_{n-1} - \alpha_n\frac{m_n}{\sqrt{\epsilon + w_n}},\quad
    \alpha_n = \alpha(1-\beta_1)\sqrt{\frac{1-\beta_2^n}{1-\beta_2}},

with a **deterministic** :math:`\rho_n \in [\rho, 1]` (a constant, or a schedule fixed in
advance). The second-moment bias correction is folded into :math:`\alpha_n` as in Défossez
et al.: :math:`\alpha_n/\sqrt{\epsilon + w_n} = \alpha(1-\beta_1)/\sqrt{\epsilon_n + \hat
v_n}` with MADA's :math:`\hat v_n = (1-\beta_2)w_n/(1-\beta_2^n)`, :math:`\epsilon_n =
\epsilon(1-\beta_2)/(1-\beta_2^n)`; like theirs, :math:`m` has no correction.

**Bound** (an **upper** bound), :math:`\tilde N = N - \beta_1/(1-\beta_1)`, :math:`\tau \in
\{0..N-1\}` with :math:`P[\tau = j] \propto 1 - \beta_1^{N-j}` (Défossez et al.'s; uniform
at :math:`\beta_1 = 0`):

.. math::
    \mathbb E\|\nabla F(x_\tau)\|^2 \le \frac{2R\Delta}{\alpha\tilde N}
    + \frac{E}{\rho}\Big(\frac1{\tilde N}\ln\Big(1 + \frac{\rho R^2}{(1-\beta_2)\epsilon}\Big)
      - \frac N{\tilde N}\ln\beta_2\Big),

with Défossez et al.'s :math:`E` (``adam_nonconvex_defossez2022.E``). At :math:`\rho = 1` it
**is** the encoded ``adam_nonconvex_defossez2022`` bound (sympy test), under the stronger
:math:`|g| \le R - \sqrt\epsilon`.

Why it holds (``proofs/adam_avgrad_interpolation_nonconvex_momentum.py``): Défossez et al.'s
momentum argument needs of the denominator only (i) :math:`w_n = Q + \sum_{j=n-k}^n c_{n,j}
g_j^2` with :math:`Q \ge 0` known at step :math:`n-k-1` and deterministic
:math:`0 \le c_{n,j} \le 1`, which gives the generalised Lemma A.2 core
(:mod:`proofs.lemma_momentum_proxy_mix`, the noise of :math:`k+1` steps costing
:math:`2R\sqrt{k+1}`); (ii) a proxy at most :math:`(R-\sqrt\epsilon)^2(1-\beta_2^n)/(1-
\beta_2)` (:mod:`proofs.lemma_adam_mix_proxy`); (iii) :math:`w_n \ge \rho\beta_2^k v_{n-k}`,
so every :math:`g_{n-k}^2/(\epsilon + w_n)` is at most :math:`\beta_2^{-k}/\rho` times Adam's
:math:`U_{n-k}^2` at :math:`\epsilon/\rho`, whose log sum is
:mod:`proofs.lemma_log_sum_adam_mix`. Hence :math:`E/\rho` and :math:`\epsilon/\rho`.

**Not covered.**

* A *learned* (adapted) :math:`\rho_n`: the proxy of step :math:`n` must be known :math:`k+1`
  steps earlier, which a :math:`\rho_n` chosen at step :math:`n-1` is not
  (``adam_avgrad_interpolation_nonconvex`` covers learned :math:`\rho_t` at
  :math:`\beta_1 = 0`).
* :math:`\rho = 0`: the bound is :math:`+\infty`.
* **Modelling hypotheses.** Besides the definitions and the algorithm's own bounds, the
  machine-checked proof assumes :math:`L`-smoothness twice: the descent lemma
  (``DESCENT``) and the smoothness inequality at pairs of iterates (``SMOOTH``,
  :math:`\|G_{p+k} - G_p\|^2 \le L^2\|x_{p+k-1} - x_{p-1}\|^2`, the definition of
  :math:`L`-smooth gradients). :math:`\|G_n - G_{n-k}\|^2 \le \alpha_n^2L^2k\sum_{l=1}^k
  \|u_{n-l}\|^2` is certified from it (:mod:`proofs.lemma_momentum_lipu`) with the update
  :math:`x_r = x_{r-1} - \alpha_r u_r` and the definitions of :math:`\alpha_n` and
  :math:`B_n` (so :math:`\alpha_{n-l} \le \alpha_n`). The rule ``expectation`` is trusted
  with each lag's conditional moments :math:`\mathbb E_{n-k-1}g_{n-k} = G_{n-k}`, which is where
  :math:`\rho_n` must be deterministic.

**Status.** Proved in this package and machine-checked: every step is certified, the
generalised Lemma A.2 in expectation included (:mod:`proofs.lemma_momentum_mom`, from
:mod:`proofs.lemma_momentum_proxy_mix`, :mod:`proofs.lemma_momentum_gu`,
:mod:`proofs.lemma_momentum_unroll`, :mod:`proofs.lemma_momentum_lag_decay` and
:mod:`proofs.lemma_momentum_lipu`), as are the
double and triple sums (``SUM2``, ``SUM3``) and the size of the momentum step (``UN``)
(:mod:`proofs.lemma_momentum_double_sum`, :mod:`proofs.lemma_momentum_triple_sum`,
:mod:`proofs.lemma_momentum_un`).

**Measured tightness**: mean stationarity / bound at most 4.1e-6, no violation, over 24
configurations (none excluded, 320 seeds) on noisy Rosenbrock, a sigmoid regression and the
digits MLP, beta1 uniform in [0, 0.99 beta2], rho uniform in [0.05, 1], beta2 and eps as
:func:`analysis.tightness.nonconvex_setup` draws them (``python -c "from analysis import
tightness; print(tightness.tightest(calls=1, B=16, T=200, seed=0, nonconvex_calls=8)
['adam_avgrad_interpolation_nonconvex_momentum'])"``); looser than Défossez et al.'s own
bound on these problems (5.6e-5 in the same run). :mod:`analysis.verify` searches the
online theorems only; it does not reach this one.

References:
    [1] A. Défossez, L. Bottou, F. Bach, N. Usunier. A Simple Convergence Proof of Adam and
    Adagrad. TMLR 2022. arXiv:2003.02395.
    [2] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["adam_avgrad_interpolation_nonconvex_momentum"]
    >>> th.rate()
    1
    >>> th.bound(rho=1, beta1=0.95, beta2=0.9)
    Traceback (most recent call last):
    ...
    ValueError: beta1: assumption beta1 < beta2 is violated (beta1=0.95, beta2=0.9)
"""

from __future__ import annotations

import math

import sympy as sp

from ..symbols import Delta, R, T, alpha, beta1, beta2, eps, rho
from ._assumptions import Assumptions, Constraint, in_range
from ._core import Theorem
from ._core import own_source as source
from ._nonconvex import (
    DEFOSSEZ,
    DEFOSSEZ_CONSTRAINTS,
    STATIONARITY,
    nonconvex_run_values,
    stationarity,
)
from .adam_nonconvex_defossez2022 import E

N_tilde = T - beta1 / (1 - beta1)
BOUND = 2 * R * Delta / (alpha * N_tilde) + E / rho * (
    sp.log(1 + rho * R**2 / ((1 - beta2) * eps)) / N_tilde - T / N_tilde * sp.log(beta2)
)
STATUS = (
    "proved in this package and machine-checked (Défossez et al.'s Lemma A.2 in expectation "
    "included; modelling hypotheses: L-smoothness as DESCENT and as the smoothness inequality "
    "at pairs of iterates; see source)"
)


def _run_values(trace, c):
    """As Défossez et al.'s Theorem 4 (alpha_1 = alpha (1 - beta1)); R = max|g| + sqrt(eps)."""
    vals = nonconvex_run_values(trace, c, alpha_from_step=lambda a1, b1: a1 / (1.0 - b1))
    if "R" not in c:
        vals["R"] = trace.G_inf() + math.sqrt(float(c["eps"]))
    return vals


THEOREM = Theorem(
    id="adam_avgrad_interpolation_nonconvex_momentum",
    title="MADA's rho v + (1 - rho) vbar with heavy-ball momentum, constant alpha, smooth "
    "nonconvex",
    setting="stochastic-nonconvex",
    source=source("adam_avgrad_interpolation_nonconvex_momentum"),
    status=STATUS,
    assumptions=Assumptions(
        (
            *DEFOSSEZ_CONSTRAINTS,
            in_range("beta2", 0, 1, lo_open=True, hi_open=True),
            in_range("beta1", 0, 1, hi_open=True),
            Constraint("beta1", "beta1 < beta2", ("beta1", "beta2"), lambda b1, b2: b1 < b2),
            Constraint(
                "T", "T > beta1/(1 - beta1)", ("T", "beta1"), lambda n, b1: n > b1 / (1 - b1)
            ),
            in_range("rho", 0, 1, lo_open=True),
        )
    ),
    algorithm=DEFOSSEZ.replace(
        name="MADA's Adam/AVGrad interpolation with heavy-ball momentum (Défossez et al.'s "
        "unnormalised moments)",
        long_memory="average",
        lr_schedule="defossez_adam",  # bias correction folded into alpha_n, as Défossez et al.
        notes=(
            "deterministic rho_n in [rho, 1]: rho given with the constants, a number or a "
            "fixed schedule",
        ),
    ),
    printed_form=BOUND,
    worst_case={},
    run_values=_run_values,
    measure=stationarity,
    measured_quantity=STATIONARITY,
)
