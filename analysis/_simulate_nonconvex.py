r"""The nonconvex theorems' iterations, for :func:`analysis.simulate.run`.

Two families, chosen by the :class:`~analysis.algorithm.Algorithm` (a theorem's
``algorithm``):

``moments=SUM`` (:math:`\epsilon` inside the root): Défossez, Bottou, Bach & Usunier's
Adam/Adagrad, unnormalised moments, :math:`m_0 = v_0 = 0`:

.. math::
    m_n = \beta_1 m_{n-1} + g_n,\quad v_n = \beta_2 v_{n-1} + g_n^2,\quad
    x_n = x_{n-1} - \alpha_n \frac{m_n}{\sqrt{\epsilon + w_n}},

:math:`w_n = v_n`, or with ``long_memory="average"`` MADA's interpolation
:math:`w_n = \rho_n v_n + (1-\rho_n)\frac1n\sum_{s\le n} v_s`
(``adam_avgrad_interpolation_nonconvex``; ``rho`` a number or one per step, in (0, 1]);

:math:`\alpha_n = \alpha(1-\beta_1)\sqrt{(1-\beta_2^n)/(1-\beta_2)}` (``lr_schedule``
``DEFOSSEZ_ADAM``) or :math:`\alpha` (``CONSTANT``; Adagrad is :math:`\beta_1 = 0`,
:math:`\beta_2 = 1`). The trace's ``v_hat`` is :math:`w_n`, ``v`` is :math:`v_n`, ``alpha``
is :math:`\alpha_n`.

``eps_placement=INSIDE_OVER_T``: avgrad_nonconvex's AVGrad (``long_memory=AVERAGE``, ``rho`` 0,
``lr_schedule=INV_SQRT``), :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`,
:math:`Sv_t = \sum_{s\le t} v_s`, :math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`
(:math:`m_t = g_t` at :math:`\beta_1 = 0`, the theorem's case) and
:math:`x_t = x_{t-1} - \alpha m_t / \sqrt{\epsilon + Sv_t}`
(:math:`= x_{t-1} - \frac{\alpha}{\sqrt t} m_t / \sqrt{\epsilon/t + Sv_t/t}`). The trace's
``alpha`` is :math:`\alpha/\sqrt t`, ``v_hat`` is :math:`Sv_t/t`, ``v`` is :math:`v_t`.

Neither theorem's iteration projects, so neither does this: the iterates are free, and
``inside`` (B,) records whether every iterate, the final one included, stayed finite and in
the problem's box, where its constants (``G_inf``, ``L``) hold.
"""

from __future__ import annotations

import numpy as np

from ._recorder import Recorder
from .algorithm import EpsPlacement, LongMemory, LrSchedule, Moments, MomentumSchedule

_TINY = np.finfo(np.float64).smallest_subnormal


def normalise(alg, c):
    """Check a nonconvex algorithm and its constants (completed with the simulator's
    defaults); return (alg, c) with ``rho`` as an array for the interpolated iteration."""
    lm, rho = alg.long_memory, c["rho"]
    if alg.bias_correction:
        raise ValueError("the nonconvex iterations have no bias correction (it is folded "
                         "into alpha_n)")  # fmt: skip
    if alg.projected:
        raise ValueError("the nonconvex iterations are unprojected (projected=False)")
    if alg.moments is Moments.SUM:
        if alg.eps_placement is not EpsPlacement.INSIDE:
            raise ValueError("Défossez et al.'s iteration has eps inside the root")
        if lm is LongMemory.AVERAGE:
            rho = np.asarray(rho if rho is not None else np.nan, dtype=np.float64)
            if rho.ndim > 1 or not np.all((rho > 0) & (rho <= 1)):
                raise ValueError("the interpolated iteration needs rho (a number or one per "
                                 "step) in (0, 1]")  # fmt: skip
        elif lm is not LongMemory.NONE or rho not in (None, 1, 1.0):
            raise ValueError("Défossez et al.'s iteration has no long memory but 'average' "
                             "(rho in (0, 1]); without it rho is 1 or None")  # fmt: skip
        if alg.lr_schedule not in (LrSchedule.CONSTANT, LrSchedule.DEFOSSEZ_ADAM):
            raise ValueError("Défossez et al.'s lr_schedule is 'constant' or 'defossez_adam'")
        if alg.momentum_schedule is not MomentumSchedule.CONSTANT:
            raise ValueError("Défossez et al.'s iteration has a constant beta1")
        if not (0 <= c["beta1"] < 1 and 0 < c["beta2"] <= 1):
            raise ValueError("Défossez et al.'s iteration needs 0 <= beta1 < 1, 0 < beta2 <= 1")
        if alg.lr_schedule is LrSchedule.DEFOSSEZ_ADAM and c["beta2"] == 1:
            raise ValueError("lr_schedule 'defossez_adam' needs beta2 < 1")
        return alg, {**c, "rho": rho}
    if (lm is not LongMemory.AVERAGE or rho not in (None, 0, 0.0)
            or alg.lr_schedule is not LrSchedule.INV_SQRT):  # fmt: skip
        raise ValueError("eps/t inside the root is AVGrad's: long_memory 'average', "
                         "rho 0, lr_schedule 'inv_sqrt'")  # fmt: skip
    if not 0 <= c["beta2"] < 1:
        raise ValueError("AVGrad's nonconvex iteration needs 0 <= beta2 < 1")
    return alg, c


def alphas(alg, c, T):
    """The step sizes recorded in the trace (alpha_n or alpha / sqrt(t)), t = 1..T."""
    n = np.arange(1, T + 1, dtype=np.float64)
    a, b1, b2 = float(c["alpha"]), float(c["beta1"]), float(c["beta2"])
    if alg.moments is Moments.EMA:  # AVGrad's eps/t iteration
        return a / np.sqrt(n)
    if alg.lr_schedule is LrSchedule.DEFOSSEZ_ADAM:
        return a * (1.0 - b1) * np.sqrt((1.0 - b2**n) / (1.0 - b2))
    return np.full(T, a)


def _in_box(problem, x):
    ok = np.all(np.isfinite(x), axis=1)
    if getattr(problem, "lo", None) is not None:
        ok &= np.all((x >= problem.lo) & (x <= problem.hi), axis=1)
    return ok


def iterate(problem, alg, c, T, betas, full):
    """Run ``alg``'s family; return a dict of arrays (per-step ones when ``full``,
    else aggregates) for :func:`analysis.simulate.run` to wrap."""
    B, d = problem.B, problem.d
    steps = alphas(alg, c, T)
    b1, b2, eps, a = float(c["beta1"]), float(c["beta2"]), float(c["eps"]), float(c["alpha"])
    defossez = alg.moments is Moments.SUM
    mixed = defossez and alg.long_memory is LongMemory.AVERAGE
    rho_t = np.broadcast_to(c["rho"], (T,)) if mixed else None
    x = np.array(problem.x0, dtype=np.float64)
    m, v, Sv = (np.zeros((B, d)) for _ in range(3))
    inside = _in_box(problem, x)
    out = {"alpha": steps, "inside": inside}
    rec = Recorder(B, T, d, full, getattr(problem, "full_grad", None))
    for t in range(1, T + 1):
        i = t - 1
        g = problem.grad(t, x)
        rec.step(i, x, g, problem.loss(t, x))
        if defossez:
            m = b1 * m + g
            v = b2 * v + g * g
            vh = v
            if rho_t is not None:
                Sv = Sv + v
                vh = rho_t[i] * v + (1.0 - rho_t[i]) * (Sv / t)
            x = x - steps[i] * m / np.maximum(np.sqrt(eps + vh), _TINY)
        else:
            bt = betas[i]
            m = g if bt == 0 else bt * m + (1.0 - bt) * g
            v = b2 * v + (1.0 - b2) * (g * g)
            Sv = Sv + v
            x = x - a * m / np.maximum(np.sqrt(eps + Sv), _TINY)
            vh = Sv / t
        inside &= _in_box(problem, x)
        rec.moments(i, vh, v)
    out.update(rec.result(x, vh))
    return out
