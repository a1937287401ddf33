r"""Adam with heavy-ball momentum, nonconvex: Défossez, Bottou, Bach & Usunier, TMLR 2022, Thm. 4.

**Setting** (stochastic nonconvex). :math:`F \ge F_*` with :math:`L`-Lipschitz gradient;
unbiased i.i.d. stochastic gradients with :math:`\|\nabla f(x)\|_\infty \le R` almost surely,
:math:`R \ge \sqrt\epsilon`; :math:`\Delta = F(x_0) - F_*`. The paper's :math:`N` is ``T``.

**Algorithm** (Adam without the first-moment correction; the second-moment correction is
folded into the step size), :math:`m_0 = v_0 = 0`:

.. math::
    m_n = \beta_1 m_{n-1} + \nabla f_n(x_{n-1}),\quad
    v_n = \beta_2 v_{n-1} + (\nabla f_n(x_{n-1}))^2,\quad
    x_n = x_{n-1} - \alpha_n \frac{m_n}{\sqrt{\epsilon + v_n}},\quad
    \alpha_n = \alpha(1-\beta_1)\sqrt{\frac{1-\beta_2^n}{1-\beta_2}},

with :math:`0 < \beta_2 < 1`, :math:`0 \le \beta_1 < \beta_2`, :math:`\alpha > 0`.

**Bound** (an **upper** bound; [1, Theorem 4]): for :math:`N > \beta_1/(1-\beta_1)`, with
:math:`\tilde N = N - \beta_1/(1-\beta_1)`,

.. math::
    \mathbb E\|\nabla F(x_\tau)\|^2 \le \frac{2R\Delta}{\alpha\tilde N}
    + E\Big(\frac1{\tilde N}\ln\Big(1 + \frac{R^2}{(1-\beta_2)\epsilon}\Big)
            - \frac{N}{\tilde N}\ln\beta_2\Big),

.. math::
    E = \frac{\alpha d R L (1-\beta_1)}{(1-\beta_1/\beta_2)(1-\beta_2)}
      + \frac{12 d R^2 \sqrt{1-\beta_1}}{(1-\beta_1/\beta_2)^{3/2}\sqrt{1-\beta_2}}
      + \frac{2\alpha^2 d L^2 \beta_1}{(1-\beta_1/\beta_2)(1-\beta_2)^{3/2}} .

For fixed :math:`\beta_2` the bound tends to :math:`-E\ln\beta_2 > 0` (rate :math:`1`, a
noise floor); with :math:`\alpha \propto 1/\sqrt N`, :math:`1-\beta_2 = 1/N` it is
:math:`O(d\ln N/\sqrt N)`. At :math:`\beta_1 = 0` it is Theorem 2 (:data:`THEOREM2`) with
:math:`4dR^2` replaced by :math:`12dR^2`, as the paper says ("up to a factor 3 in the terms
of the form :math:`dR^2`"); tested.

**Status.** As published. Provenance: theorem number, hypotheses and step size read in the
paper's text (TMLR version, HTML-to-markdown copy whose display equations were lost); the
display formulas are from D. Davis's STAT-4830 lecture notes (github.com/damek/STAT-4830,
``section/9/notes.md``), which quote this theorem, and agree with every relation the paper's
prose states (the factor 3 at :math:`\beta_1 = 0`; :math:`E = 4dR^2N^{b/2} + dRLN^{b-a}` in its
rate analysis of Theorem 2). The measured quantity's weights for :math:`\tau` are remembered,
not read (see :func:`analysis.theorems._nonconvex.stationarity`).

**Measured tightness**: largest mean stationarity / bound = 7.5e-6 over 544 seeds on noisy
Rosenbrock, a sigmoid regression and a tanh MLP on digits, no configuration excluded, with eps
down to 1e-12 and beta2 from 0.01 to 1 - 1e-6 (``analysis.tightness.tightest(calls=4, B=64,
seed=0)``); the bound holds in expectation and is very loose on these problems (see
``breakeven``: against the trivial bound d R^2).

References:
    [1] A. Défossez, L. Bottou, F. Bach, N. Usunier. A Simple Convergence Proof of Adam and
    Adagrad. TMLR 2022. arXiv:2003.02395.

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["adam_nonconvex_defossez2022"]
    >>> th.rate()
    1
    >>> th.algorithm.lr_schedule.value
    'defossez_adam'
"""

from __future__ import annotations

import sympy as sp

from ..symbols import Delta, L, R, T, alpha, beta1, beta2, d, eps
from ._assumptions import Assumptions, Constraint, in_range
from ._core import Theorem
from ._nonconvex import (
    DEFOSSEZ,
    DEFOSSEZ_CONSTRAINTS,
    STATIONARITY,
    nonconvex_run_values,
    stationarity,
)

N_tilde = T - beta1 / (1 - beta1)
_LOG = sp.log(1 + R**2 / ((1 - beta2) * eps))
_3_2 = sp.Rational(3, 2)
E = (
    alpha * d * R * L * (1 - beta1) / ((1 - beta1 / beta2) * (1 - beta2))
    + 12 * d * R**2 * sp.sqrt(1 - beta1) / ((1 - beta1 / beta2) ** _3_2 * sp.sqrt(1 - beta2))
    + 2 * alpha**2 * d * L**2 * beta1 / ((1 - beta1 / beta2) * (1 - beta2) ** _3_2)
)
PRINTED = 2 * R * Delta / (alpha * N_tilde) + E * (_LOG / N_tilde - T / N_tilde * sp.log(beta2))

#: Theorem 2 of the paper (Adam, beta1 = 0, alpha_n = alpha sqrt((1 - beta2^n)/(1 - beta2))).
E2 = 4 * d * R**2 / sp.sqrt(1 - beta2) + alpha * d * R * L / (1 - beta2)
THEOREM2 = 2 * R * Delta / (alpha * T) + E2 * (_LOG / T - sp.log(beta2))

THEOREM = Theorem(
    id="adam_nonconvex_defossez2022",
    title="Adam with heavy-ball momentum, smooth nonconvex, a.s. bounded gradients",
    setting="stochastic-nonconvex",
    source="Défossez, Bottou, Bach & Usunier, A Simple Convergence Proof of Adam and Adagrad, "
    "TMLR 2022 (arXiv:2003.02395), Theorem 4 (Theorem 2 at beta1 = 0, up to 4dR^2 -> 12dR^2)",
    status="as published",
    assumptions=Assumptions(
        (
            *DEFOSSEZ_CONSTRAINTS,
            in_range("beta2", 0, 1, lo_open=True, hi_open=True),
            in_range("beta1", 0, 1, hi_open=True),  # implied by beta1 < beta2 < 1
            Constraint("beta1", "beta1 < beta2", ("beta1", "beta2"), lambda b1, b2: b1 < b2),
            Constraint(
                "T", "T > beta1/(1 - beta1)", ("T", "beta1"), lambda n, b1: n > b1 / (1 - b1)
            ),
        )
    ),
    algorithm=DEFOSSEZ.replace(
        name="Adam (Défossez et al. variant: no correction on m, v's folded into alpha_n)",
        lr_schedule="defossez_adam",
        rho=1.0,  # MADA's Adam corner
    ),
    printed_form=PRINTED,
    worst_case={},
    run_values=lambda tr, c: nonconvex_run_values(
        tr, c, alpha_from_step=lambda a1, b1: a1 / (1.0 - b1)
    ),  # alpha_1 = alpha (1 - beta1)
    measure=stationarity,
    measured_quantity=STATIONARITY,
)
