r"""A vectorised NumPy simulator of the MADA family with the theorems' schedules.

:func:`run` runs one configuration on the :math:`B` instances of a problem
(:mod:`analysis.problems`) at once, in float64. At step :math:`t = 1, \dots, T`, with
:math:`m_0 = v_0 = 0`:

.. math::
    m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t,\quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
    x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}\big(x_t - \alpha_t \hat m_t /
              (\sqrt{\hat v_t} + \epsilon)\big),

:math:`\alpha_t = \alpha` or :math:`\alpha/\sqrt t` (``lr_schedule`` "constant" |
"inv_sqrt"), :math:`\beta_{1t} = \beta_1` or :math:`\beta_1\lambda^{t-1}`
(``momentum_schedule`` "constant" | "geometric", key ``lam``). The long memory
(``long_memory``): ``"none"`` (Adam, :math:`\hat v_t = v_t`), ``"max"``
(:math:`\max_{s\le t} v_s`), ``"average"`` (:math:`\frac1t\sum_{s\le t} v_s`), each mixed with
:math:`v_t` as MADA does when ``rho`` (MADA's :math:`\rho`, the weight of :math:`v_t`) is in
(0, 1]; ``"max+average"`` (or ``"mix"`` with ``mix="max_avg"``):
:math:`\rho\max + (1-\rho)\,\mathrm{average}`; ``"mix"`` with ``mix="adam_avg"``:
:math:`\rho v_t + (1-\rho)\,\mathrm{average}` (= ``"average"`` with that ``rho``).
``bias_correction=True`` divides :math:`m_t` by :math:`1-\beta_1^t` and the whole
:math:`\hat v_t` by :math:`1-\beta_2^t`, as MADA's update (``mada/_update.py``) does (long
memory included).
``eps`` (default 0) is added to :math:`\sqrt{\hat v_t}` (``eps_placement="outside"``) or to
:math:`\hat v_t` (``"inside"``); coordinates with a zero denominator do not move (0/0 := 0:
there every gradient so far was 0, so :math:`m_t = 0`). The interpolations and moment
updates use torch's ``lerp`` arithmetic, so the iterates equal :class:`mada.MADA`'s to
rounding. A ``config`` may be a ``Theorem.algorithm`` dict plus the constants: its
descriptive string keys (``name``, ``projection``, ...) are ignored.

A config with ``path`` (learned coefficients :math:`\beta_{1t}, \beta_{2t}, \rho_t`: a callable
of the past or arrays) and ``safeguard`` runs :mod:`analysis._simulate_path`'s iteration;
:func:`safeguard` is the projection onto the safe set of ``coefficient_path_regret``.

The nonconvex theorems' iterations (``eps_placement`` ``"inside_sqrt"``: Défossez et al.'s
Adam/Adagrad with unnormalised moments and step :math:`\alpha_n`; ``"inside_sqrt, eps/t"``:
avgrad_nonconvex's :math:`x_t = x_{t-1} - \alpha g_t/\sqrt{\epsilon + Sv_t}`) run unprojected
in :mod:`analysis._simulate_nonconvex`; their results carry ``inside``, whether each instance's
iterates stayed in the problem's box. Every full record has ``v``, the second moment
:math:`v_t` (for the online iterations the :math:`v_t` above, before long memory and bias
correction).

Example (AVGrad on Reddi et al.'s counterexample: it finds :math:`x^\star = -1`):

    >>> from analysis.problems import reddi3
    >>> from analysis.theorems._own_online import AVGRAD
    >>> cfg = {**AVGRAD, "alpha": 0.5, "beta1": 0.0, "beta2": 0.1}
    >>> bt = run(reddi3(C=3, B=2), cfg, T=3000)
    >>> bt.x.shape, bool(bt.x[0, -1, 0] < -0.9), bool(bt.regret[0] / 3000 < 0.2)
    ((2, 3000, 1), True, True)
    >>> fin = run(reddi3(C=3, B=2), cfg, T=3000, record="final")
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
from .trace import Trace

_DESCRIPTIVE = frozenset({"name", "projection", "first_moment", "second_moment", "v_hat",
                          "update", "step_size"})  # fmt: skip
_DEFAULTS = {"alpha": None, "beta1": 0.0, "beta2": None, "eps": 0.0, "eps_placement": "outside",
             "lr_schedule": "constant", "momentum_schedule": "constant", "lam": 1.0,
             "bias_correction": False, "long_memory": "none", "rho": None, "mix": None,
             "path": None, "safeguard": False}  # fmt: skip
_TINY = np.finfo(np.float64).smallest_subnormal


def normalise(config):
    """Complete ``config`` with defaults; add ``kind`` (adam, max, average, adam_max,
    adam_avg, max_avg) and ``w`` (the interpolation weight). Raise on unknown keys."""
    unknown = set(config) - set(_DEFAULTS) - _DESCRIPTIVE
    if unknown:
        raise ValueError(f"unknown config key(s) {sorted(unknown)}; known: {sorted(_DEFAULTS)}")
    c = {**_DEFAULTS, **{k: v for k, v in config.items() if k in _DEFAULTS}}
    for k in ("alpha", "beta2"):
        if c[k] is None:
            raise ValueError(f"config needs {k}")
    if c["eps_placement"] in _nc.FAMILIES:
        return _nc.normalise(c)
    if c["path"] is not None or c["safeguard"]:  # no path: the config's constants
        return {**c, "path": {} if c["path"] is None else c["path"], "kind": "path", "w": None}
    lm, rho = c["long_memory"] or "none", c["rho"]
    if lm == "mix":
        if c["mix"] not in ("max_avg", "adam_avg"):
            raise ValueError(f"mix must be 'max_avg' or 'adam_avg', got {c['mix']!r}")
        lm = "max+average" if c["mix"] == "max_avg" else "average"
        if rho is None:
            raise ValueError("a mix needs rho")
    if lm == "none" or (lm in ("max", "average") and rho == 1):
        kind, w = "adam", 1.0
    elif lm in ("max", "average"):
        mixed = "adam_avg" if lm == "average" else "adam_max"
        kind, w = (mixed, float(rho)) if rho else (lm, 0.0)
    elif lm == "max+average":
        if rho is None:
            raise ValueError("long_memory 'max+average' needs rho (the weight of the max)")
        kind, w = "max_avg", float(rho)
    else:
        raise ValueError(f"long_memory must be none, max, average, max+average or mix, got {lm!r}")
    for key, ok in (("lr_schedule", ("constant", "inv_sqrt")), ("eps_placement", ("outside",
                    "inside")), ("momentum_schedule", ("constant", "geometric"))):  # fmt: skip
        if c[key] not in ok:
            raise ValueError(f"{key} must be one of {ok}, got {c[key]!r}")
    if not 0 <= w <= 1:
        raise ValueError(f"rho must lie in [0, 1], got {rho}")
    return {**c, "kind": kind, "w": w}


def schedules(c, T):
    """(alpha_t, beta_1t) for t = 1..T."""
    t = np.arange(1, T + 1, dtype=np.float64)
    alphas = c["alpha"] / np.sqrt(t) if c["lr_schedule"] == "inv_sqrt" else np.full(T, c["alpha"])
    if c["momentum_schedule"] == "geometric":
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


def run(problem, config, T, record="full"):
    """Run ``config`` for ``T`` steps on every instance of ``problem``.

    ``record="full"``: a :class:`BatchTrace` (memory B*T*d*4 floats); ``"final"``: a
    :class:`Final` with the aggregates only.
    """
    if record not in ("full", "final"):
        raise ValueError(f"record must be 'full' or 'final', got {record!r}")
    c = normalise(config)
    T, B, d = int(T), problem.B, problem.d
    if c["kind"] == "path" and problem.setting != "online-convex":
        raise ValueError("a coefficient path runs on online-convex problems only")
    alphas, betas = schedules(c, T)
    if c["kind"] in ("defossez", "defossez_mix", "avgrad_eps_t"):
        r = _nc.iterate(problem, c, T, betas, record == "full")
        if record == "full":
            return BatchTrace(beta1=betas, **r)
        return Final(**{k: val for k, val in r.items() if k != "alpha"})
    kind, w, b2 = c["kind"], c["w"], float(c["beta2"])
    eps, inside, bc = float(c["eps"]), c["eps_placement"] == "inside", c["bias_correction"]
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
    if kind == "path":
        x, vh, betas = _path.iterate(problem, c, T, alphas, betas, rec)
        if full:
            return BatchTrace(alpha=alphas, beta1=betas, comparator_losses=comp,
                              x_star=x_star, **rec.result(None, None))  # fmt: skip
        return Final(comparator_sum=comp_sum, x_star=x_star, **rec.result(x, vh))
    x = np.array(problem.x0, dtype=np.float64)
    m, v, vmax, vavg = (np.zeros((B, d)) for _ in range(4))
    for t in range(1, T + 1):
        i = t - 1
        g = problem.grad(t, x)
        rec.step(i, x, g, problem.loss(t, x))
        m = _lerp(m, g, 1.0 - betas[i])
        v = v * b2 + (1.0 - b2) * (g * g)
        if kind in ("average", "adam_avg", "max_avg"):
            vavg = vavg * ((t - 1) / t) + v * (1.0 / t)
        if kind in ("max", "adam_max", "max_avg"):
            vmax = np.maximum(vmax, v)
        if kind == "adam":
            vh = v
        elif kind in ("average", "max"):
            vh = vavg if kind == "average" else vmax
        elif kind == "max_avg":
            vh = _lerp(vavg, vmax, w)
        else:
            vh = _lerp(vavg if kind == "adam_avg" else vmax, v, w)
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
