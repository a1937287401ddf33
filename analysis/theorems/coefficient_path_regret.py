r"""Regret of the meta-optimizer along a learned coefficient path (this package's own theorem).

**Setting** (online convex, as ``avgrad_regret``): convex :math:`f_t` on a box
:math:`\mathcal F` with :math:`\|x - x^\star\|_\infty \le D_\infty`,
:math:`\|\nabla f_t\|_\infty \le G_\infty`.

**Algorithm** (MADA's interpolations with learned coefficients, :math:`c_t = 1`,
:math:`\beta_{3t} = 0`, no bias correction, :math:`\epsilon = 0`; run by
:mod:`analysis._simulate_path`): any sequence :math:`\beta_{2t}, \rho_t`, chosen adaptively
(it may depend on all past gradients, e.g. a hypergradient rule), and

.. math::
    m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t,\quad
    v_t = \beta_{2t} v_{t-1} + (1-\beta_{2t}) g_t^2,\quad
    \tilde v_t = \rho_t \ell_t + (1-\rho_t)\bar v_t,\quad
    \hat v_t = \max\big(\tilde v_t, (\alpha_t/\alpha_{t-1})^2\hat v_{t-1}\big),

:math:`x_{t+1} = \Pi_{\mathcal F,\sqrt{\hat V_t}}(x_t - \alpha_t m_t/\sqrt{\hat v_t})`,
:math:`\alpha_t = \alpha/\sqrt t`, :math:`\beta_{1t} = \beta_1\lambda^{t-1}`,
:math:`\bar v_t = \frac1t\sum_{s\le t} v_s`, :math:`\ell_t = \max_{s\le t} v_s` (AMSGrad/AVGrad
interpolation) or :math:`\ell_t = v_t` (MADA's Adam/AVGrad interpolation). The last
assignment is the **safeguard** (:func:`analysis.simulate.safeguard`).

**Safe set S** (what the proof uses of :math:`W_{t,i} = t\hat v_{t,i}`, ``proofs/
coefficient_path_regret.py``): (S1) :math:`\sqrt{\hat v_{t,i}}/\alpha_t` non-decreasing;
(S2) :math:`W_{t,i} \ge (1-\beta_2)\sum_{s\le t}g_{s,i}^2`; (S3) :math:`W_{t,i} \le
tG_\infty^2`. For a **coefficient box** :math:`\beta_{2t} \le \beta_{2,hi} < 1` and
:math:`\rho_t \le \rho_{hi} < 1` (the weight of the forgetful :math:`v_t`; any
:math:`\rho_t \in [0, 1]` for the AMSGrad/AVGrad interpolation, :math:`\rho_{hi} = 0`),
the bound's :math:`\beta_2` is the **effective** :math:`\beta_2 = 1 - (1-\rho_{hi})(1 -
\beta_{2,hi})` (:func:`effective_beta2`). The safeguarded iteration lies in S for **every**
path in that box: S1 is the max; S2: :math:`\hat v_t \ge \tilde v_t \ge (1-\rho_t)\bar v_t`
(resp. :math:`\ge \bar v_t` as :math:`\max \ge` average) and :math:`t\bar v_t = \sum_s v_s
\ge \sum_s (1-\beta_{2s}) g_s^2`; S3: :math:`v_t, \ell_t, \bar v_t \le G_\infty^2` (convex
combinations), and :math:`t\hat v_t = \max((t-1)\hat v_{t-1}, t\tilde v_t) \le tG_\infty^2`
by induction. The S3 induction is machine-checked (``proofs/lemma_safeguard_bound.py``,
from :math:`t\tilde v_t \le tG_\infty^2`); S1, S2 and :math:`\tilde v_t \le G_\infty^2` are
argued here (S1, S2 are hypotheses of the proof: the framework has no rule
:math:`\max(a, b) \ge a`). An unguarded path is covered only where it satisfies S1 itself
(then the max changes nothing; e.g. :math:`\rho_t` non-decreasing for the AMSGrad/AVGrad
interpolation at constant :math:`\beta_2`).

**Bound** (an **upper** bound; data-dependent form: ``_own.data_form`` at :math:`W` =
``Wpath``):

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1)\, d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}} .

Special cases (tested symbolically): it is ``avgrad_regret``'s and
``amsgrad_avgrad_interpolation_regret``'s bound; at :math:`\beta_2 =`
``effective_beta2(beta2, rho)`` it is ``adam_avgrad_interpolation_regret``'s (which needs
no safeguard only for :math:`\rho \le \beta_2/((T-1)(1-\beta_2))`).

**What S excludes, and why.** (i) A path breaking S1: ``analysis.problems.reddi3_switching``
(:math:`\rho_t \in \{0, 0.9\}` by the sign of the hypergradient :math:`g_t m_{t-1}`,
:math:`\beta_2 = 0.1`, :math:`C = 3`) stays in the box yet has regret/T = 0.666 at
:math:`T = 2\cdot 10^4` (0.0046 with the safeguard; ``tests/analysis/test_problems_paths.py``).
So the box alone is not a safe set. (ii) :math:`\rho_{hi} = 1` (pure Adam's :math:`v_t`):
S2 fails (effective :math:`\beta_2 = 1`, the bound is infinite); Reddi et al.'s
counterexample is the witness for the unguarded path. (iii) A constant :math:`\alpha`:
no :math:`o(T)` regret, safeguard or not, on ``reddi3_switching`` (measured, not proved:
safeguarded regret/T = 0.293 at :math:`T = 2\cdot 10^4` and 0.2928 at :math:`10^5` for
:math:`\alpha = 0.5`; the safeguard is then AMSGrad's max and the step never shrinks).
(iv) Bias correction: not covered, not simulated for paths.

**Measured tightness** (no run exceeded the bound): 0 violations over 10^4 seeded
instances with random paths in the box, safeguarded, :math:`T = 60`; largest regret/bound
0.054 on the closed form, 0.456 on the data form (200 runs, :math:`T = 80`)
(``tests/analysis/test_theorems_coefficient_path.py``). ``analysis.tightness`` and
``verify`` run it with constant coefficients only (its ``algorithm``: safeguarded AVGrad);
they do not yet draw coefficient paths.

**Status.** Proved in this package from S1, S2 and the safeguard (source:
``proofs/coefficient_path_regret.py``, :mod:`proofs._regret_chain` at an abstract
accumulator; S3 by induction); that the safeguarded iteration satisfies S1, S2 is argued
above, not machine-checked.

References:
    [1] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.
    [2] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["coefficient_path_regret"]
    >>> th.rate()
    sqrt(T)
    >>> th.bound(T=1, d=1, D_inf=1, G_inf=1, alpha=1, beta1=0, lam=0,
    ...          beta2=effective_beta2(sp.Rational(1, 2), sp.Rational(1, 2)))
    5/2
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from . import _own
from ._core import Assumptions, Theorem, in_range
from ._online import OLO_LOWER, REGRET, regret
from ._own_online import (
    OWN_ONLINE_CONSTRAINTS,
    STATUS,
    own_online_values,
    own_run_data,
    source,
)

#: t * vhat_t of the (safeguarded) path, read from the trace's v_hat
Wpath = sp.Function("Wpath", positive=True)

ALGORITHM = {
    "name": "MADA interpolation with a learned coefficient path, safeguarded",
    "long_memory": "average",
    "rho": 0.0,
    "lr_schedule": "inv_sqrt",
    "momentum_schedule": "geometric",
    "bias_correction": False,
    "eps": 0.0,
    "safeguard": True,
    "v_hat": "vhat_t = max(rho_t l_t + (1 - rho_t) avg_t, (alpha_t/alpha_{t-1})^2 vhat_{t-1})",
}


def effective_beta2(beta2_hi, rho_hi):
    """The bound's beta2 for a coefficient box beta_2t <= beta2_hi, rho_t <= rho_hi."""
    return 1 - (1 - rho_hi) * (1 - beta2_hi)


def _data(trace, c):
    out = own_run_data(trace, c)
    v_hat = np.asarray(trace.v_hat, dtype=np.float64)
    out["Wpath"] = np.arange(1, v_hat.shape[-2] + 1)[:, None] * v_hat
    return out


THEOREM = Theorem(
    id="coefficient_path_regret",
    title="Regret along a learned coefficient path in the safe set S (safeguarded MADA)",
    setting="online-convex",
    source=source("coefficient_path_regret"),
    status=STATUS,
    assumptions=Assumptions((*OWN_ONLINE_CONSTRAINTS, in_range("lam", 0, 1, hi_open=True))),
    algorithm=ALGORITHM,
    printed_form=_own.data_form(Wpath),
    worst_case={},
    closed_form=_own.AVGRAD_BOUND,
    run_values=own_online_values,
    measure=regret,
    measured_quantity=REGRET,
    run_data=_data,
    lower_bound=OLO_LOWER,
)
