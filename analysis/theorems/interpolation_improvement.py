r"""When an interior rho gives a smaller regret bound than AMSGrad and AVGrad (own theorem).

**Setting** (online, the gradients do not depend on the iterates, e.g. linear losses
:math:`f_t(x) = \langle g_t, x\rangle`; :math:`\|x - x^\star\|_\infty \le D_\infty`). Then
the run data :math:`v, vmax, Sv, m` are the same for every :math:`\rho`, and the
data-dependent regret bound of the AMSGrad/AVGrad interpolation
``amsgrad_avgrad_interpolation_regret`` (:data:`analysis.statements.MAX_AVG_FORM`, valid at every
:math:`\rho \in [0, 1]`, AMSGrad at 1, AVGrad at 0) is a function of :math:`\rho` alone:

.. math::
    B(\rho) = \sum_k p_k\sqrt{W_k(\rho)} + \frac{q_k}{\sqrt{W_k(\rho)}},\qquad
    W_k(\rho) = S_k + \rho\Delta_k,

over :math:`k = (t, i)` with :math:`S_k > 0`, :math:`S = Sv`, :math:`\Delta = t\,vmax - Sv
\ge 0` and :math:`p, q \ge 0` as in :mod:`._interpolation` (:math:`\Delta_{T,i} = T(vmax_{T,i}
- \bar v_{T,i})`: how far the long memory sits above the running average at the end).

**Algorithm** (``amsgrad_avgrad_interpolation_regret``): :math:`\hat v_t = \rho\max_{s\le
t} v_s + (1-\rho)\frac1t\sum_{s\le t} v_s`, :math:`\alpha_t = \alpha/\sqrt t`, no bias
correction, :math:`\epsilon = 0`, :math:`\beta_{1t} \le \beta_1`.

**Bound** (the class theorem; :math:`B(\rho)` is an **upper** bound on the regret of the
:math:`\rho`-run, and so is the model of item 1). For every such gradient sequence (any
:math:`d`, :math:`T`, :math:`\beta_1`), with the sequence's statistics
:math:`s_0 = -B'(0)`, :math:`s_1 = B'(1)`, :math:`M = \frac34\sum_k q_k\Delta_k^2/S_k^{5/2}`
(:func:`model`):

1. (proved, :mod:`proofs.lemma_interpolation_model`) for all :math:`\rho, \rho_0 \in [0, 1]`,
   :math:`B(\rho) \le B(\rho_0) + (\rho - \rho_0)B'(\rho_0) + (\rho - \rho_0)^2 M/2`;
2. (proved, :mod:`proofs.lemma_interpolation_gain` and
   :mod:`proofs.lemma_interpolation_gain_avgrad`: :math:`B(1-h) \le B(1) - hs_1/2` and
   :math:`B(h) \le B(0) - hs_0/2` for :math:`h = \min(1, s/M)`) hence if :math:`s_0 > 0`
   and :math:`s_1 > 0`, the minimum of :math:`B` on :math:`[0, 1]` is below both ends, so
   its minimiser :math:`\rho^*` is interior and, with
   :math:`\gamma(s) = \frac s2\min(1, s/M)`,

   .. math::
       \min(B(0), B(1)) - B(\rho^*) \ge
       \max\big(\gamma(s_{j^*}),\ \gamma(s_{1-j^*}) - |B(1) - B(0)|\big) > 0,

   :math:`j^*` the better end (take :math:`\rho = 1 - \min(1, s_1/M)` or
   :math:`\min(1, s_0/M)` in 1.);
3. on the convex class :math:`3q_k \ge p_k(S_k + \Delta_k)` wherever :math:`\Delta_k > 0`
   (then every term :math:`pW^{1/2} + qW^{-1/2}` is convex in :math:`W \le S + \Delta`, so
   :math:`B` is convex) the condition is also necessary: an interior :math:`\rho` beats both
   ends iff :math:`s_0 > 0` and :math:`s_1 > 0` (:func:`model` reports ``convex``). Outside
   it, :func:`._interpolation.regime` gives the sufficient conditions for either end.

Items 1 and 2 are machine-checked; 3 is one line of calculus (not in ``proofs/``).

**Witnesses of the bound** (``_interpolation.numeric_witness``, :math:`T = 200`,
:math:`g_1 = 1`, :math:`g_t = \delta`): at :math:`\beta_2 = 0.5` the proven guarantee is
0.106 (2.5% of the better end) against the actual 0.475 (11.1%); at :math:`\beta_2 = 0.9`,
0.033 against 0.111; at :math:`\beta_2 = 0.99`, 0.0049 against 0.0079 (Example).

**Measured regret** (not a bound; MADA's Adam/AVGrad interpolation
:math:`\hat v = \rho v + (1-\rho)\bar v`, :math:`\beta_1 = 0`, :math:`\alpha_t =
\alpha/\sqrt t`, no bias correction). On ``problems.reddi_two_phase(C=3, G=10, K=10,
delta=0.1)`` (one coordinate needs AVGrad's memory, the other Adam's forgetting),
:math:`\beta_2 = 0.5`, :math:`\alpha = 0.25`, :math:`T = 3000`: regret 114.4 at
:math:`\rho = 0` (AVGrad), 418.2 at :math:`\rho = 1` (Adam) and 57.3 at :math:`\rho = 0.65`,
a margin of 50% below the better end; at :math:`T = 10^4`: 134.0, 1142.0 and 79.3 (41%).
With :math:`\delta = 0.02`, :math:`\alpha = 0.5`, :math:`T = 3000`: 35.4, 80.5 and 14.9
at :math:`\rho = 0.85` (58%).
At :math:`T = 1000` AVGrad is still best (11.5), so the gain needs the long horizon.
The AMSGrad/AVGrad interpolation does *not* gain there (:math:`\rho = 0` is best in its
regret and in :math:`B`: :math:`B'(0) > 0`), and the Adam/AVGrad regret bound
(``adam_avgrad_interpolation_regret``) only holds for :math:`\rho \le \beta_2/((T-1)
(1-\beta_2))`: no theorem of this package explains the measured gain yet.

**Status.** Items 1 and 2 proved in this package (``proofs/lemma_interpolation_model.py``,
``proofs/lemma_interpolation_gain.py``, ``proofs/lemma_interpolation_gain_avgrad.py``).
The registry entry keeps its earlier closed form, the exact :math:`B(\rho)` of the
:math:`T = 2` witness (:func:`witness_bound`; ``proofs/interpolation_improvement.py``
proves its minimum by AM-GM): it is a valid regret bound for that sequence and keeps the
registry's closed-form interface. ``data_bound`` evaluates :math:`B(\rho)` on a recorded
run with :math:`\beta_1 = 0`. No rate (``rate()`` raises).

References:
    [1] K. Ozkara et al. MADA: Meta-Adaptive Optimizers through hyper-gradient Descent.
    ICML 2024 (arXiv:2401.08893).
    [2] S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018.

Example:
    The guarantee of item 2 against the grid minimum, on the longer witness:

    >>> import numpy as np
    >>> from analysis.theorems.interpolation_improvement import parts, witness_grads
    >>> for b2, dl, a in [(0.5, 0.1, 2.8), (0.9, 0.1, 1.96), (0.99, 0.22, 0.61)]:
    ...     r = model(parts(witness_grads(200, dl), b2, np.zeros(200), 1.0, a))
    ...     print(b2, r["interior"], round(r["guaranteed"], 4), round(r["gain"], 4))
    0.5 True 0.1061 0.4749
    0.9 True 0.0327 0.1114
    0.99 True 0.0049 0.0079

    Exact, the :math:`T = 2` witness at :math:`\beta_2 = 1/2`, :math:`\delta = 1/4`,
    :math:`\alpha = 15/4`, :math:`D_\infty = G_\infty = 1`:

    >>> from sympy import Rational as Q
    >>> w = dict(delta=Q(1, 4), alpha=Q(15, 4), D_inf=1, G_inf=1, beta2=Q(1, 2))
    >>> optimal_rho(**w), round(float(improvement(**w)), 8)
    (25/56, 0.00014943)
    >>> THEOREM.rate()
    Traceback (most recent call last):
    ...
    ValueError: interpolation_improvement: the bound does not depend on T; it has no rate
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..algorithm import Algorithm
from ..symbols import D_inf, G_inf, alpha, beta2, delta, rho
from . import _interpolation
from ._assumptions import Assumptions, Constraint, equals, in_range
from ._core import OWN_STATUS, Theorem, own_source

# B(rho) and its witnesses, public here (notebooks, tests); implemented in _interpolation.
from ._interpolation import B, Parts, dB, numeric_witness, parts, regime, witness_grads  # noqa: F401
from ._online import own_online_readers
from .amsgrad_avgrad_interpolation_regret import MAX_AVG_FORM


def model(parts_, grid=10001):
    """B(0), B(1), s0 = -B'(0), s1 = B'(1), the curvature bound M, whether B is convex (item
    3), whether the minimiser is certainly interior (s0, s1 > 0), the proven ``guaranteed``
    gain of item 2 (0 when not interior), and the ``gain`` min(B(0), B(1)) - min B on a grid
    of ``grid`` rho (a lower bound on the exact one)."""
    moving = parts_.Delta > 0
    p, q, S, dl = (a[moving] for a in parts_)
    M = 0.75 * float(np.sum(q * dl**2 / S**2.5))
    s0, s1 = -float(_interpolation.dB(parts_, 0.0)[0]), float(_interpolation.dB(parts_, 1.0)[0])
    vals = _interpolation.B(parts_, np.linspace(0.0, 1.0, grid))
    B0, B1 = float(vals[0]), float(vals[-1])

    def gamma(s):
        return s * min(1.0, s / M) / 2 if s > 0 else 0.0

    interior = s0 > 0 and s1 > 0
    near, far = (gamma(s0), gamma(s1)) if B0 <= B1 else (gamma(s1), gamma(s0))
    return {"B0": B0, "B1": B1, "s0": s0, "s1": s1, "M": M,
            "convex": bool(np.all(3 * q >= p * (S + dl))), "interior": interior,
            "guaranteed": max(near, far - abs(B1 - B0)) if interior else 0.0,
            "gain": min(B0, B1) - float(np.min(vals))}  # fmt: skip


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
    title="Interior rho beats AMSGrad and AVGrad in the data-dependent bound (a class; the "
    "T = 2 witness as closed form)",
    setting="interpolation",
    source=own_source("interpolation_improvement"),
    status=OWN_STATUS,
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
    algorithm=Algorithm(
        "AMSGrad/AVGrad interpolation on linear losses, no momentum",
        long_memory="max+average",
        lr_schedule="inv_sqrt",
        beta1=0.0,
        eps=0.0,  # rho: the argument of B(rho)
        notes=("losses: linear, f_t(x) = <g_t, x>, g_1 = G_inf, g_t = delta G_inf (t >= 2)",),
    ),
    printed_form=MAX_AVG_FORM,
    worst_case={},
    closed_form=witness_bound(),
    **own_online_readers(needs=("rho",)),
)
