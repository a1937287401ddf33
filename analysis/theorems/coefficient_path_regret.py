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
:math:`\bar v_t = \frac1t\sum_{s\le t} v_s`, :math:`\ell_t = \max(\mu\ell_{t-1}, v_t)`:
:math:`\mu = 1` is :math:`\max_{s\le t} v_s` (AMSGrad/AVGrad interpolation), :math:`\mu = 0`
is :math:`v_t` (MADA's Adam/AVGrad interpolation). The last assignment is the **safeguard**
(:func:`analysis.simulate.safeguard`).

**Safe set** (the largest proved here). A **coefficient box**: :math:`\beta_{2t} \le
\beta_{2,hi} < 1` and :math:`\rho_t \le \rho_{hi} < 1` (the weight of :math:`\ell_t`), with
the bound's :math:`\beta_2` the **effective** :math:`\beta_2 = 1 - (1-\rho_{hi})(1 -
\beta_{2,hi})` (:func:`effective_beta2`); for the AMSGrad/AVGrad interpolation (:math:`\mu =
1`) **any** :math:`\rho_t \in [0, 1]` at :math:`\beta_2 = \beta_{2,hi}` (the maximum never
weighs less than the mean). Every path in the box, safeguarded, has what the proof uses of
:math:`W_{t,i} = t\hat v_{t,i}`: (S1) :math:`\sqrt{\hat v_{t,i}}/\alpha_t` non-decreasing;
(S2) :math:`W_{t,i} \ge (1-\beta_2)\sum_{s\le t}g_{s,i}^2`; (S3) :math:`W_{t,i} \le
tG_\infty^2`. All three are **machine-checked** from the recurrences above
(``proofs/coefficient_path_regret.py``; the :math:`\mu = 1`, any-:math:`\rho_t` case
``proofs/lemma_coefficient_path_max.py``): S1 from :math:`\max(a, b) \ge a`, S2 from
:math:`\max(a, b) \ge b` and the path's accumulator, S3 by induction through the safeguard,
the discounted maximum and the path EMA. An unguarded path is covered where it satisfies S1
itself (then the max changes nothing).

**Bound** (an **upper** bound; data-dependent form: ``analysis.statements.data_form`` at :math:`W` =
``Wpath``):

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1)\, d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}} .

Special cases (tested symbolically): it is ``avgrad_regret``'s and
``amsgrad_avgrad_interpolation_regret``'s bound; at :math:`\beta_2 =`
``effective_beta2(beta2, rho)`` it is ``adam_avgrad_interpolation_regret``'s (which needs
no safeguard only for :math:`\rho \le \beta_2/((T-1)(1-\beta_2))`); and the proved
recurrence at a constant path is each of their accumulators.

**What the theorem does not cover, and why.** (i) A path breaking S1:
``analysis.problems.reddi3_switching`` (:math:`\rho_t \in \{0, 0.9\}` by the sign of the
hypergradient :math:`g_t m_{t-1}`, :math:`\beta_2 = 0.1`, :math:`C = 3`) stays in the box
yet has regret/T = 0.666 at :math:`T = 2\cdot 10^4` (0.0046 with the safeguard;
``tests/analysis/test_problems_paths.py``). So the box alone is not a safe set.
(ii) :math:`\rho_{hi} = 1` for the Adam mix: S2 fails (effective :math:`\beta_2 = 1`, the
bound is infinite); Reddi et al.'s counterexample is the witness. (iii) A **constant**
:math:`\alpha`: no :math:`o(T)` bound exists, safeguard or not:
``analysis.problems.alternating_constant_step`` states and proves :math:`R_T \ge \lfloor
T/2\rfloor \alpha G` for every safeguarded path in the box when :math:`2\alpha \le
D\sqrt{1-\beta_{2,hi}}` (alternating :math:`\pm G` losses; the proof is in its docstring,
not machine-checked; tested on random, bang-bang and sign-rule paths). (iv) **Bias
correction**: not covered, neither of :math:`\hat v` nor of :math:`\hat m`; the path
simulator refuses it. (Dividing :math:`\tilde v_t` by :math:`1 - \prod_{s\le t}\beta_{2s}
\ge 1 - \beta_{2,hi}` before the safeguard would keep S1 and S2 and change S3 to
:math:`W_t \le tG_\infty^2/(1-\beta_{2,hi})`; that variant is neither proved nor encoded.)
(v) A **learned** :math:`\beta_{1t}` (other than the schedule :math:`\beta_1\lambda^{t-1}`)
**cannot** be in S, safeguard or not: ``analysis.problems.reddi3_momentum_switching``
(:math:`\beta_{1t} \in \{0, \beta_{1,hi}\}` by the sign of :math:`g_t m_{t-1}`, on Reddi's
losses one phase later, with the safest :math:`\hat v` -- safeguarded AVGrad) keeps
:math:`m_t < 0` for ever, so :math:`x_t \to +1` and regret/T :math:`\to 2(C-2)/3` for every
:math:`\beta_{1,hi} > 2/3` (:math:`> 1/2` with period 2); proved in its docstring, measured
0.667 at :math:`T = 3000` and :math:`12000` for both interpolations, guarded or not
(``tests/analysis/test_problems_paths.py``), while a constant :math:`\beta_1 = 0.9` converges
on the same losses. So S is small in :math:`\beta_1` **because it must be**: the safeguard
acts on :math:`\hat v`, and no condition on :math:`\hat v` repairs a momentum whose sign the
path keeps wrong. (vi) :math:`c_t < 1` (Yogi) and :math:`\beta_{3t} > 0` (Adan): **not
covered, not refuted**. No counterexample is known for :math:`c_t`: Yogi's rule keeps
:math:`v_t \le \max(v_{t-1}, 2G_\infty^2)` for any :math:`c_t \in [0, 1]` and gives
:math:`\tilde g_t^2 \ge c_t g_t^2`, so :math:`c_t \ge c_{lo} > 0` should give the bound
with :math:`G_\infty^2 \to 2G_\infty^2` in S3 and :math:`1-\beta_2 \to c_{lo}(1-\beta_2)` in
S2 (a sketch: the case split on :math:`\mathrm{sign}(\hat g_t^2 - v_{t-1})` is not encoded;
the two facts are checked on random draws in ``tests/analysis/test_theorems_coefficient_path.py``).
:math:`\beta_{3t}` changes the step's direction to :math:`m_t + \beta_{3t} n_t`, the
momentum step the counterexample (v) breaks; a switching :math:`\beta_{3t}` (0 when
:math:`\delta_t = g_t - g_{t-1} < 0`, else :math:`\beta_{3,hi} = 0.99`) likewise holds
:math:`m_t + \beta_{3t}n_t < 0` at 2999 of the first 3000 steps on the same losses
(:math:`\beta_1 = 0`, :math:`C = 3`), so we expect no safe set with a learned
:math:`\beta_{3t}` either; that is a computation of the direction's sign only, not a run
of the iteration (the path simulator runs :math:`\beta_{3t} = 0`).

**Still assumed by the proof** (as by every regret theorem here): the chain's facts --
convexity, the momentum recursion, the box, the :math:`\sqrt{\hat V}`-weighted projection's
non-expansiveness -- and the declared signs of the run data. Of those, :math:`v_t, Sv_t,
\ell_t, t\tilde v_t, W_t \ge 0` are **certified** from the proof's own recurrences on
sign-free copies of the data (``proofs/lemma_path_signs.py``, with the induction
``proofs/lemma_path_ema_nonneg.py``; a test checks that its hypotheses are exactly the
theorem's); what stays declared is the strict :math:`W_t > 0` (the 0/0 convention:
:math:`W_t = 0` only when every gradient so far is 0 on that coordinate) and
:math:`\beta_{2t}, \rho_t \ge 0` (the box's lower ends, enforced by the simulator).

**Measured tightness** (no run exceeded the bound; the adversary also picks the path:
:mod:`analysis._path_adversary`): **0 violations over 25,088 seeded instances**, largest
regret / closed bound 0.849 and regret / data-dependent bound 0.906, on seven online problems,
:math:`T \in [20, 200]`, :math:`\alpha \in [10^{-3}, 10^3]`, the calls cycling through
random, bang-bang, sign-rule and hill-climbed paths (``analysis.tightness.tightest(
theorems=["coefficient_path_regret"], calls=32, B=64, seed=0)``, 71 s on a loaded 2-core
machine; the 0.849 is a hill-climbed path of the AMSGrad/AVGrad interpolation on alternating
losses, :math:`T = 100`, :math:`\alpha = 1.44`, :math:`\beta_1 = 0`, :math:`\beta_2 =
3.7\cdot 10^{-4}`; ``tests/analysis/test_tightness.py`` reruns it at ``calls=4, B=16``,
784 instances); at ``calls=128, B=64, seed=1``: **100,352 instances, 0 violations**, 0.834
(data 0.975; a hill-climbed max+average path on alternating losses, :math:`T = 94`), 7.6 min
on a loaded machine; 0.375 (data 0.642) over 3136 instances in the run of every theorem
(``analysis.tightness.tightest(calls=4, B=64, seed=0)``); and 0.946 (data 1.000) from the
adversarial search, which moves the path with the losses, with its corner scan of extreme
constants and box-corner paths (``analysis.verify.verify(["coefficient_path_regret"],
budget=300, seed=0)``, as ``mada-analysis verify --theorem coefficient_path_regret --budget
300 --seed 0``; 11 min on a loaded machine). The 0.946 is the path at the top of the box
(safeguarded AVGrad) on alternating :math:`\pm 1` losses from the corner, :math:`T = 20000`,
:math:`\alpha = 30`, :math:`\beta_1 = 0`, :math:`\beta_2 = 10^{-4}`, as for
``avgrad_regret``; no bang-bang, phase or sign-rule path did better, and
Nelder-Mead on the path reached 0.125. ``tests/analysis/test_theorems_coefficient_path.py``:
10^4 random paths, 0.054 closed, 0.456 data.

**Status.** Proved in this package from the safeguarded recurrence and the coefficient box
(source: ``proofs/coefficient_path_regret.py`` and ``proofs/lemma_coefficient_path_max.py``,
:mod:`proofs._regret_chain` at an abstract accumulator).

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

from ..statements import data_form
from ._assumptions import Assumptions, in_range
from ._core import OWN_STATUS, Theorem, own_source
from ._online import AVGRAD, OLO_LOWER, OWN_ONLINE_CONSTRAINTS, own_online_readers, own_run_data
from .avgrad_regret import AVGRAD_BOUND

#: t * vhat_t of the (safeguarded) path, read from the trace's v_hat
Wpath = sp.Function("Wpath", positive=True)

ALGORITHM = AVGRAD.replace(
    name="MADA interpolation with a learned coefficient path, safeguarded",
    momentum_schedule="geometric",
    safeguard=True,
    notes=(
        "vhat_t = max(rho_t l_t + (1 - rho_t) avg_t, (alpha_t/alpha_{t-1})^2 vhat_{t-1}) "
        "along a learned path beta_2t, rho_t (given to the simulator as path)",
    ),
)


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
    source=own_source("coefficient_path_regret"),
    status=OWN_STATUS,
    assumptions=Assumptions((*OWN_ONLINE_CONSTRAINTS, in_range("lam", 0, 1, hi_open=True))),
    algorithm=ALGORITHM,
    printed_form=data_form(Wpath),
    worst_case={},
    closed_form=AVGRAD_BOUND,
    **own_online_readers(run_data=_data),
    lower_bound=OLO_LOWER,
)
