r"""The algorithm a theorem analyses, as a typed value the simulators run.

An :class:`Algorithm` names each choice of the MADA family's iteration with a field (an enum
or a bool), and the constants the algorithm itself fixes (AVGrad's :math:`\rho = 0`,
Adagrad's :math:`\beta_2 = 1`, the analysis's :math:`\epsilon = 0`); every other constant
(:math:`\alpha`, :math:`\beta_1`, ...) is given with the run. ``Theorem.algorithm`` is one,
:func:`analysis.simulate.run` dispatches on its fields, and :meth:`Algorithm.describe`
renders it for the docs and the report.

The iteration, per coordinate, :math:`m_0 = v_0 = 0`:

* ``moments``: :attr:`Moments.EMA`, :math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`,
  :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`; :attr:`Moments.SUM` (Défossez et al.'s
  unnormalised moments), :math:`m_t = \beta_1 m_{t-1} + g_t`,
  :math:`v_t = \beta_2 v_{t-1} + g_t^2`;
* ``long_memory`` (:class:`LongMemory`) and ``rho``: :math:`\hat v_t` is :math:`v_t`, or
  :math:`\rho v_t + (1-\rho)\ell_t` with :math:`\ell_t = \max_{s\le t} v_s` (``MAX``) or
  :math:`\frac1t\sum_{s\le t} v_s` (``AVERAGE``), or :math:`\rho\max + (1-\rho)` average
  (``MAX_AVERAGE``);
* ``lr_schedule`` (:class:`LrSchedule`): :math:`\alpha_t = \alpha`, :math:`\alpha/\sqrt t`, or
  Défossez et al.'s :math:`\alpha(1-\beta_1)\sqrt{(1-\beta_2^t)/(1-\beta_2)}`;
  ``momentum_schedule`` (:class:`MomentumSchedule`): :math:`\beta_{1t} = \beta_1` or
  :math:`\beta_1\lambda^{t-1}`;
* ``eps_placement`` (:class:`EpsPlacement`): :math:`\sqrt{\hat v_t} + \epsilon`,
  :math:`\sqrt{\hat v_t + \epsilon}`, or :math:`\sqrt{\hat v_t + \epsilon/t}` (AVGrad's
  nonconvex step :math:`\alpha m_t/\sqrt{\epsilon + t\hat v_t}`);
* ``bias_correction``: :math:`m_t/(1-\beta_1^t)`, :math:`\hat v_t/(1-\beta_2^t)`;
  ``safeguard``: :math:`\hat v_t \leftarrow \max(\hat v_t, (\alpha_t/\alpha_{t-1})^2
  \hat v_{t-1})`; ``projected``: :math:`x_{t+1} = \Pi_{\mathcal F, \sqrt{\hat V_t}}(\cdot)`.

An ``Algorithm`` also reads as a mapping of its settings and fixed constants, so that
``{**algorithm, **constants}`` is a flat config for :func:`analysis.simulate.run` (the form
the notebooks write by hand); :meth:`Algorithm.from_config` reads one back.

Example:
    >>> avgrad = Algorithm("AVGrad", long_memory="average", rho=0.0, lr_schedule="inv_sqrt",
    ...                    eps=0.0)
    >>> avgrad.long_memory is LongMemory.AVERAGE
    True
    >>> print(avgrad.describe())
    AVGrad
      m_t = beta_1t m_{t-1} + (1 - beta_1t) g_t, beta_1t = beta1
      v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
      vhat_t = (1/t) sum_{s<=t} v_s
      x_{t+1} = Pi_F(x_t - alpha_t m_t / sqrt(vhat_t)), alpha_t = alpha / sqrt(t)
      fixed: rho = 0, eps = 0
    >>> Algorithm.from_config({**avgrad, "alpha": 0.5})[1]
    {'rho': 0.0, 'eps': 0.0, 'alpha': 0.5}
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


class LongMemory(enum.StrEnum):
    NONE = "none"
    MAX = "max"
    AVERAGE = "average"
    MAX_AVERAGE = "max+average"


class LrSchedule(enum.StrEnum):
    CONSTANT = "constant"
    INV_SQRT = "inv_sqrt"
    DEFOSSEZ_ADAM = "defossez_adam"


class MomentumSchedule(enum.StrEnum):
    CONSTANT = "constant"
    GEOMETRIC = "geometric"


class EpsPlacement(enum.StrEnum):
    OUTSIDE = "outside"
    INSIDE = "inside"
    INSIDE_OVER_T = "inside/t"


class Moments(enum.StrEnum):
    EMA = "ema"
    SUM = "sum"


_ENUMS = {"long_memory": LongMemory, "lr_schedule": LrSchedule,
          "momentum_schedule": MomentumSchedule, "eps_placement": EpsPlacement,
          "moments": Moments}  # fmt: skip
#: The constants an algorithm may fix; None: given with the run.
FIXED = ("rho", "beta1", "beta2", "eps")


@dataclass(frozen=True)
class Algorithm:
    """One member of the MADA family (see the module docstring for each field)."""

    name: str
    long_memory: LongMemory = LongMemory.NONE
    lr_schedule: LrSchedule = LrSchedule.CONSTANT
    momentum_schedule: MomentumSchedule = MomentumSchedule.CONSTANT
    eps_placement: EpsPlacement = EpsPlacement.OUTSIDE
    moments: Moments = Moments.EMA
    bias_correction: bool = False
    safeguard: bool = False
    projected: bool = True
    rho: float | None = None
    beta1: float | None = None
    beta2: float | None = None
    eps: float | None = None
    notes: tuple[str, ...] = ()  # what the fields cannot say (e.g. the losses of a witness)

    def __post_init__(self):
        for key, kind in _ENUMS.items():
            value = getattr(self, key)
            try:
                object.__setattr__(self, key, kind(value))
            except ValueError:
                allowed = ", ".join(repr(k.value) for k in kind)
                raise ValueError(f"{key} must be one of {allowed}, got {value!r}") from None
        for key in ("bias_correction", "safeguard", "projected"):
            if not isinstance(getattr(self, key), bool):
                raise ValueError(f"{key} must be True or False, got {getattr(self, key)!r}")
        object.__setattr__(self, "notes", tuple(self.notes))

    # ---- the flat-config view: {**algorithm, **constants} --------------------------------
    def keys(self):
        return [f.name for f in fields(self)
                if f.name != "notes" and getattr(self, f.name) is not None]  # fmt: skip

    def __getitem__(self, key):
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key) if key in self.keys() else default

    @classmethod
    def from_config(cls, config: Mapping) -> tuple[Algorithm, dict]:
        """Split a flat config into (its Algorithm's settings, the constants): a fixed
        constant (``rho``, ...) is a constant there like any other.

        ``long_memory="mix"`` with ``mix="max_avg"`` or ``"adam_avg"`` reads as
        ``"max+average"`` or ``"average"`` (the notebooks' spelling).
        """
        own = {f.name for f in fields(cls)} - {"notes"}
        c = dict(config)
        if c.get("long_memory") == "mix":
            mix = c.pop("mix", None)
            if mix not in ("max_avg", "adam_avg"):
                raise ValueError(f"mix must be 'max_avg' or 'adam_avg', got {mix!r}")
            if c.get("rho") is None:
                raise ValueError("a mix needs rho")
            c["long_memory"] = "max+average" if mix == "max_avg" else "average"
        elif c.get("mix") is not None:
            raise ValueError("mix is read only with long_memory='mix'")
        c.pop("mix", None)
        if c.get("long_memory") is None:
            c.pop("long_memory", None)
        settings = {k: c.pop(k) for k in list(c) if k in own and k not in FIXED}
        return cls(**{"name": "config", **settings}), c

    def replace(self, **changes) -> Algorithm:
        """A copy with ``changes`` (field names) applied; e.g. a theorem's schedule of
        beta_1t on a shared base algorithm."""
        return replace(self, **changes)

    # ---- rendering ------------------------------------------------------------------------
    def describe(self) -> str:
        """The iteration in words and formulas, one line per part."""
        b1t = "beta1 lam^(t-1)" if self.momentum_schedule is MomentumSchedule.GEOMETRIC \
            else "beta1"  # fmt: skip
        if self.moments is Moments.SUM:
            first = "m_t = g_t (beta1 = 0)" if self.beta1 == 0 else "m_t = beta1 m_{t-1} + g_t"
            lines = [first, "v_t = beta2 v_{t-1} + g_t^2 (unnormalised)"]
        else:
            lines = [f"m_t = beta_1t m_{{t-1}} + (1 - beta_1t) g_t, beta_1t = {b1t}",
                     "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2"]  # fmt: skip
        avg, mx = "(1/t) sum_{s<=t} v_s", "max_{s<=t} v_s"
        lm = {LongMemory.NONE: "v_t", LongMemory.MAX: mx, LongMemory.AVERAGE: avg,
              LongMemory.MAX_AVERAGE: f"rho {mx} + (1 - rho) {avg}"}[self.long_memory]  # fmt: skip
        if self.long_memory in (LongMemory.MAX, LongMemory.AVERAGE) and self.rho != 0:
            lm = f"rho v_t + (1 - rho) {lm}"
        fixed = ", ".join(f"{k} = {getattr(self, k):g}" for k in FIXED
                          if getattr(self, k) is not None)  # fmt: skip
        lines.append(f"vhat_t = {lm}")
        if self.safeguard:
            lines.append("vhat_t <- max(vhat_t, (alpha_t / alpha_{t-1})^2 vhat_{t-1})")
        root = {EpsPlacement.OUTSIDE: "sqrt(vhat_t) + eps", EpsPlacement.INSIDE:
                "sqrt(vhat_t + eps)", EpsPlacement.INSIDE_OVER_T:
                "sqrt(vhat_t + eps / t)"}[self.eps_placement]  # fmt: skip
        if self.eps == 0 and self.eps_placement is EpsPlacement.OUTSIDE:
            root = "sqrt(vhat_t)"
        step = {
            LrSchedule.CONSTANT: "alpha",
            LrSchedule.INV_SQRT: "alpha / sqrt(t)",
            LrSchedule.DEFOSSEZ_ADAM: "alpha (1 - beta1) sqrt((1 - beta2^t) / (1 - beta2))",
        }
        if self.bias_correction:
            lines.append("bias correction: m_t / (1 - beta1^t), vhat_t / (1 - beta2^t)")
        move = "x_t - alpha_t m_t / " + (f"({root})" if root.endswith("eps") else root)
        move = f"Pi_F({move})" if self.projected else f"{move} (unprojected)"
        lines.append(f"x_{{t+1}} = {move}, alpha_t = {step[self.lr_schedule]}")
        if fixed:
            lines.append(f"fixed: {fixed}")
        return "\n".join([self.name, *("  " + s for s in (*lines, *self.notes))])


__all__ = [
    "FIXED",
    "Algorithm",
    "EpsPlacement",
    "LongMemory",
    "LrSchedule",
    "Moments",
    "MomentumSchedule",
]  # fmt: skip
