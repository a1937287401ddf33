r"""A vectorised NumPy simulator of the MADA family with the theorems' schedules.

:func:`run` runs one configuration on the :math:`B` instances of a problem
(:mod:`analysis.problems`) at once, in float64. At step :math:`t = 1, \dots, T`, with
:math:`m_0 = v_0 = 0`:

.. math::
    m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t,\quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t \hat m_t /
              (\sqrt{\hat v_t} + \epsilon)\big),

:math:`\alpha_t`, :math:`\beta_{1t}`, :math:`\hat v_t` (the long memory, mixed with
:math:`v_t` by MADA's :math:`\rho`), bias correction and the place of :math:`\epsilon` as the
:class:`~analysis.algorithm.Algorithm` says, the algorithm of a theorem
(``Theorem.algorithm``) or any member of the family: :func:`run` dispatches on its fields.
Bias correction divides :math:`m_t` by :math:`1-\beta_1^t` and the whole :math:`\hat v_t` by
:math:`1-\beta_2^t`, as MADA's update (``mada/_update.py``) does (long memory included).
Coordinates with a zero denominator do not move (0/0 := 0: there every gradient so far was 0,
so :math:`m_t = 0`). The interpolations and moment updates use torch's ``lerp`` arithmetic, so
the iterates equal :class:`mada.MADA`'s to rounding.

An algorithm with ``safeguard`` or a run given a ``path`` (learned coefficients
:math:`\beta_{1t}, \beta_{2t}, \rho_t`: a callable of the past or arrays) runs
:mod:`analysis._simulate_path`'s iteration; :func:`safeguard` is the projection onto the safe
set of ``coefficient_path_regret``.

The nonconvex theorems' iterations (``moments=SUM``: Défossez et al.'s Adam/Adagrad with
unnormalised moments and step :math:`\alpha_n`; ``eps_placement=INSIDE_OVER_T``:
avgrad_nonconvex's :math:`x_t = x_{t-1} - \alpha g_t/\sqrt{\epsilon + Sv_t}`) run unprojected
in :mod:`analysis._simulate_nonconvex`; their results carry ``inside``, whether each instance's
iterates stayed in the problem's box. Every full record has ``v``, the second moment
:math:`v_t` (for the online iterations the :math:`v_t` above, before long memory and bias
correction).

Example (AVGrad on Reddi et al.'s counterexample: it finds :math:`x^\star = -1`):

    >>> from analysis.problems import reddi3
    >>> from analysis.theorems import AVGRAD
    >>> cfg = {"alpha": 0.5, "beta1": 0.0, "beta2": 0.1}
    >>> bt = run(reddi3(C=3, B=2), AVGRAD, T=3000, **cfg)
    >>> bt.x.shape, bool(bt.x[0, -1, 0] < -0.9), bool(bt.regret[0] / 3000 < 0.2)
    ((2, 3000, 1), True, True)
    >>> fin = run(reddi3(C=3, B=2), {**AVGRAD, **cfg}, T=3000, record="final")
    >>> bool(np.allclose(fin.regret, bt.regret))
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _simulate_nonconvex as _nc
from . import _simulate_path as _path
from ._recorder import Recorder
from ._simulate_path import safeguard as safeguard  # public: the safe set's projection
from .algorithm import (
    Algorithm,
    EpsPlacement,
    LongMemory,
    LrSchedule,
    Moments,
    MomentumSchedule,
)
from .trace import Trace

_CONSTANTS = ("alpha", "beta1", "beta2", "eps", "lam", "rho", "path")
_DEFAULTS = {"beta1": 0.0, "eps": 0.0, "lam": 1.0, "rho": None, "path": None}
_TINY = np.finfo(np.float64).smallest_subnormal


def normalise(config, **constants):
    """(the :class:`~analysis.algorithm.Algorithm`, its constants completed with defaults),
    checked: ``config`` is an Algorithm or a flat config (see :func:`run`); ``constants``
    override the algorithm's fixed constants and settings (e.g. a path adversary's
    ``long_memory``). Raise on unknown keys and unsupported choices."""
    if isinstance(config, Algorithm):
        config = {**config, **constants}  # a keyword may also override a setting
        constants = {}
    alg, given = Algorithm.from_config(config)
    c = {**_DEFAULTS, **given, **constants}
    unknown = set(c) - set(_CONSTANTS)
    if unknown:
        known = sorted({*_CONSTANTS, *Algorithm.__dataclass_fields__} - {"notes"})
        raise ValueError(f"unknown config key(s) {sorted(unknown)}; known: {known}")
    for k in ("alpha", "beta2"):
        if c.get(k) is None:
            raise ValueError(f"config needs {k}")
    if alg.moments is Moments.SUM or alg.eps_placement is EpsPlacement.INSIDE_OVER_T:
        return _nc.normalise(alg, c)
    if not alg.projected:
        raise ValueError("unprojected runs are Défossez et al.'s (moments='sum') and AVGrad's "
                         "(eps_placement='inside/t') nonconvex iterations")  # fmt: skip
    if c["path"] is not None or alg.safeguard:  # no path: the config's constants
        return alg, {**c, "path": {} if c["path"] is None else c["path"]}
    if alg.lr_schedule is LrSchedule.DEFOSSEZ_ADAM:
        raise ValueError("lr_schedule 'defossez_adam' is Défossez et al.'s (moments='sum')")
    _, w = _long_memory(alg, c["rho"])
    if not 0 <= w <= 1:
        raise ValueError(f"rho must lie in [0, 1], got {c['rho']}")
    return alg, c


def _long_memory(alg, rho):
    """(the long memory in effect, the weight w of the interpolation): MAX or AVERAGE with
    rho = 1 is Adam's v_t; w is rho's weight of v_t (of the max for MAX_AVERAGE)."""
    lm = alg.long_memory
    if lm is LongMemory.MAX_AVERAGE:
        if rho is None:
            raise ValueError("long_memory 'max+average' needs rho (the weight of the max)")
        return lm, float(rho)
    if lm is LongMemory.NONE or rho == 1:
        return LongMemory.NONE, 1.0
    return lm, float(rho) if rho else 0.0


def schedules(alg, c, T):
    """(alpha_t, beta_1t) for t = 1..T."""
    t = np.arange(1, T + 1, dtype=np.float64)
    if alg.lr_schedule is LrSchedule.INV_SQRT:
        alphas = c["alpha"] / np.sqrt(t)
    else:
        alphas = np.full(T, c["alpha"])
    if alg.momentum_schedule is MomentumSchedule.GEOMETRIC:
        betas = c["beta1"] * float(c["lam"]) ** (t - 1)
    else:
        betas = np.full(T, float(c["beta1"]))
    return alphas, betas


def _lerp(a, b, w):
    """torch.lerp's arithmetic: a + w (b - a) for w < 1/2, else b - (b - a)(1 - w)."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1.0 - w)


@dataclass(frozen=True)
class BatchTrace:
    """:class:`~analysis.trace.Trace`'s fields with a leading B axis (``alpha``, ``beta1``
    are shared: (T,)); ``trace(b)`` is instance b's Trace. ``inside`` (B,), nonconvex
    iterations only: whether every iterate (the final one included) stayed in the box."""

    x: np.ndarray
    grads: np.ndarray
    v_hat: np.ndarray
    alpha: np.ndarray
    beta1: np.ndarray
    losses: np.ndarray
    comparator_losses: np.ndarray | None = None
    full_grad_sq_norms: np.ndarray | None = None
    x_star: np.ndarray | None = None
    v: np.ndarray | None = None
    inside: np.ndarray | None = None

    @property
    def B(self):
        return self.x.shape[0]

    @property
    def regret(self):
        """(B,) regrets; needs comparator_losses."""
        return self.losses.sum(axis=1) - self.comparator_losses.sum(axis=1)

    def trace(self, b):
        def pick(a):
            return None if a is None else a[b]

        return Trace(x=self.x[b], grads=self.grads[b], v_hat=self.v_hat[b], alpha=self.alpha,
                     beta1=self.beta1, losses=self.losses[b],
                     comparator_losses=pick(self.comparator_losses),
                     full_grad_sq_norms=pick(self.full_grad_sq_norms),
                     x_star=pick(self.x_star), v=pick(self.v))  # fmt: skip


@dataclass(frozen=True)
class Final:
    """Aggregates of a run (``record="final"``), each (B,) or (B, d).

    ``x``: :math:`x_{T+1}`; ``v_hat``: :math:`\\hat v_T`; ``loss_sum``: :math:`\\sum_t f_t(x_t)`;
    ``G_inf``: observed :math:`\\max_{t,i}|g_{t,i}|`; ``D_inf``: observed
    :math:`\\max_t\\|x_t - x^\\star\\|_\\infty` (online); ``regret`` (online);
    ``mean_full_grad_sq``: :math:`\\frac1T\\sum_t\\|\\nabla F(x_t)\\|^2` (nonconvex);
    ``inside``: as :class:`BatchTrace`'s (nonconvex iterations).
    """

    x: np.ndarray
    v_hat: np.ndarray
    loss_sum: np.ndarray
    G_inf: np.ndarray
    comparator_sum: np.ndarray | None = None
    x_star: np.ndarray | None = None
    D_inf: np.ndarray | None = None
    mean_full_grad_sq: np.ndarray | None = None
    inside: np.ndarray | None = None

    @property
    def regret(self):
        return None if self.comparator_sum is None else self.loss_sum - self.comparator_sum


def run(problem, config, T, record="full", **constants):
    """Run ``config`` for ``T`` steps on every instance of ``problem``.

    ``config``: an :class:`~analysis.algorithm.Algorithm` (``Theorem.algorithm``) with the
    run's ``constants`` (alpha, beta1, beta2, eps, lam, rho, path; a keyword naming a field of
    the Algorithm overrides it), or a flat config: a mapping of the Algorithm's fields and the
    constants, e.g. ``{**algorithm, "alpha": 0.5}``; the two are the same run.
    ``record="full"``: a :class:`BatchTrace` (memory B*T*d*4 floats); ``"final"``: a
    :class:`Final` with the aggregates only.
    """
    if record not in ("full", "final"):
        raise ValueError(f"record must be 'full' or 'final', got {record!r}")
    alg, c = normalise(config, **constants)
    T, B, d = int(T), problem.B, problem.d
    path = alg.safeguard or c["path"] is not None
    nonconvex = alg.moments is Moments.SUM or alg.eps_placement is EpsPlacement.INSIDE_OVER_T
    if path and not nonconvex and problem.setting != "online-convex":
        raise ValueError("a coefficient path runs on online-convex problems only")
    alphas, betas = schedules(alg, c, T)
    if nonconvex:
        r = _nc.iterate(problem, alg, c, T, betas, record == "full")
        if record == "full":
            return BatchTrace(beta1=betas, **r)
        return Final(**{k: val for k, val in r.items() if k != "alpha"})
    b2, eps, bc = float(c["beta2"]), float(c["eps"]), alg.bias_correction
    inside = alg.eps_placement is EpsPlacement.INSIDE
    online = problem.setting == "online-convex"
    full_grad = getattr(problem, "full_grad", None)
    full = record == "full"

    x_star = comp_sum = comp = None
    if online:
        if full:
            x_star, comp = problem.comparator(T)
        else:
            x_star, comp_sum = problem.comparator(T, aggregate=True)
    rec = Recorder(B, T, d, full, full_grad, x_star)
    if path:
        x, vh, betas = _path.iterate(problem, alg, c, T, alphas, betas, rec)
        if full:
            return BatchTrace(alpha=alphas, beta1=betas, comparator_losses=comp,
                              x_star=x_star, **rec.result(None, None))  # fmt: skip
        return Final(comparator_sum=comp_sum, x_star=x_star, **rec.result(x, vh))
    lm, w = _long_memory(alg, c["rho"])
    track_avg = lm in (LongMemory.AVERAGE, LongMemory.MAX_AVERAGE)
    track_max = lm in (LongMemory.MAX, LongMemory.MAX_AVERAGE)
    x = np.array(problem.x0, dtype=np.float64)
    m, v, vmax, vavg = (np.zeros((B, d)) for _ in range(4))
    for t in range(1, T + 1):
        i = t - 1
        g = problem.grad(t, x)
        rec.step(i, x, g, problem.loss(t, x))
        m = _lerp(m, g, 1.0 - betas[i])
        v = v * b2 + (1.0 - b2) * (g * g)
        if track_avg:
            vavg = vavg * ((t - 1) / t) + v * (1.0 / t)
        if track_max:
            vmax = np.maximum(vmax, v)
        long = vavg if lm is LongMemory.AVERAGE else vmax
        if lm is LongMemory.NONE:
            vh = v
        elif lm is LongMemory.MAX_AVERAGE:
            vh = _lerp(vavg, vmax, w)
        else:
            vh = long if w == 0 else _lerp(long, v, w)
        bc1 = 1.0 - c["beta1"] ** t if bc else 1.0
        bc2 = 1.0 - b2**t if bc else 1.0
        root = np.sqrt(vh) / bc2**0.5 if bc else np.sqrt(vh)
        den = np.sqrt(vh / bc2 + eps) if inside else root + eps
        step = m / np.maximum(den, _TINY)  # 0/0 := 0 (m = 0 wherever vhat = 0)
        x = problem.project(x - (alphas[i] / bc1) * step, root)
        if full:
            rec.moments(i, vh / bc2 if bc else vh, v)
    if full:
        return BatchTrace(alpha=alphas, beta1=betas, comparator_losses=comp, x_star=x_star,
                          **rec.result(None, None))  # fmt: skip
    return Final(comparator_sum=comp_sum, x_star=x_star, **rec.result(x, vh / bc2 if bc else vh))
