"""The optimizers the experiments compare: torch's AdamW and MADA's named corners.

==========  ===========================================================================
name        optimizer
==========  ===========================================================================
adamw       ``torch.optim.AdamW`` (the baseline), weight decay 0.01 (torch's default)
adam        ``MADA.preset("adam")``: equals ``torch.optim.Adam``
amsgrad     ``MADA.preset("amsgrad")``: equals ``torch.optim.Adam(amsgrad=True)``
avgrad      ``MADA.preset("avgrad")``
yogi        ``MADA.preset("yogi")``
adan        ``MADA.preset("adan")``: betas (0.98, 0.99), beta3 0.92
lion        ``MADA.preset("lion")``: gamma 0, Lion's betas (0.95, 0.98)
hyperadam   ``MADA.preset("hyperadam")``: Adam at (0.9, 0.95), learning beta1, beta2
mada        ``MADA.preset("mada")``: Adam's point at (0.9, 0.95), learning all six
==========  ===========================================================================

``betas`` replaces the initial (beta1, beta2) of every optimizer, except ``lion``: its
first and second moments are off (gamma = 0), so there ``betas`` sets Lion's own
``lion_betas`` (interpolation and momentum), the pair that acts. ``weight_decay=None`` keeps
each optimizer's default (AdamW 0.01, MADA 0, both decoupled); a number is passed to all.
``fused=None`` keeps each optimizer's default path (MADA: for-loop on the CPU, foreach on
CUDA; AdamW: torch's choice); ``True`` / ``False`` is passed through.

:func:`check_optimizer` builds an optimizer on a dummy parameter, so that a caller can refuse
settings (betas outside the learned bounds, bad bounds) before any compute, with MADA's own
rules and message, whatever MADA's defaults are.

>>> import torch
>>> w = torch.nn.Parameter(torch.ones(3))
>>> opt = make_optimizer("hyperadam", [w], lr=1e-3, betas=(0.8, 0.9))
>>> {k: round(v, 3) for k, v in coefficients(opt).items()}
{'beta1': 0.8, 'beta2': 0.9, 'beta3': 0.0, 'rho': 1.0, 'c': 1.0, 'gamma': 1.0}
>>> coefficients(make_optimizer("adamw", [w], lr=1e-3))
{'beta1': 0.9, 'beta2': 0.999}
"""

from __future__ import annotations

import math
import warnings
from numbers import Real

import torch

from mada import MADA

OPTIMIZERS = ("adam", "adamw", "amsgrad", "avgrad", "yogi", "adan", "lion", "hyperadam", "mada")
ADAMW_WEIGHT_DECAY = 0.01  # torch.optim.AdamW's default


def _is_real(x):
    return isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(x)


def check_betas(betas):
    """``betas`` as a (float, float) pair in [0, 1); ValueError naming ``betas`` otherwise."""
    try:
        pair = tuple(betas)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(_is_real(b) and 0 <= b < 1 for b in pair):
        raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
    return float(pair[0]), float(pair[1])


def make_optimizer(name, params, *, lr, betas=None, weight_decay=None, fused=None, **options):
    """The optimizer ``name`` (one of ``OPTIMIZERS``) over ``params``; see the module docstring.

    ``options`` go to :class:`mada.MADA` (e.g. ``hyper_lr``, ``hyper_momentum``); AdamW takes
    none."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")
    if options and name == "adamw":
        raise ValueError(f"options {sorted(options)} are MADA's; adamw takes none")
    if not (_is_real(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    if weight_decay is not None and not (_is_real(weight_decay) and weight_decay >= 0):
        raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
    if fused not in (None, True, False):
        raise ValueError(f"fused must be None, True or False, got {fused!r}")
    kwargs = {"lr": float(lr)}
    if betas is not None:
        kwargs["lion_betas" if name == "lion" else "betas"] = check_betas(betas)
    if weight_decay is not None:
        kwargs["weight_decay"] = float(weight_decay)
    if fused is not None:
        kwargs["fused"] = fused
    if name == "adamw":
        kwargs.setdefault("weight_decay", ADAMW_WEIGHT_DECAY)
        return torch.optim.AdamW(params, **kwargs)
    return MADA.preset(name, params, **kwargs, **options)


def decay_groups(model, weight_decay):
    """nanoGPT's two param groups of ``model``: every tensor of dim >= 2 (matmul weights,
    embeddings) with ``weight_decay``, the rest (biases, layernorm gains) with none. A tied
    tensor appears once; an empty group is left out.

    >>> groups = decay_groups(torch.nn.Linear(3, 2), 0.1)
    >>> [(len(g["params"]), g["weight_decay"]) for g in groups]
    [(1, 0.1), (1, 0.0)]
    """
    if not (_is_real(weight_decay) and weight_decay >= 0):
        raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
    params = [p for p in dict(model.named_parameters()).values() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": float(weight_decay)},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]  # fmt: skip
    return [g for g in groups if g["params"]]


def learns(name):
    """Whether optimizer ``name`` learns coefficients (takes ``hyper_lr`` and ``bounds``)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return name != "adamw" and bool(_learned(make_optimizer(name, _dummy(), lr=1e-3)))


def _learned(optimizer):
    """The names group 0 learns: MADA validates ``learn`` into a tuple of names."""
    return tuple(optimizer.param_groups[0].get("learn", ()))


def _dummy():
    return [torch.nn.Parameter(torch.zeros(1))]


def check_optimizer(name, *, lr=1e-3, betas=None, **options):
    """Build ``name`` (as :func:`make_optimizer`) on a dummy parameter; ValueError with the
    optimizer's own message if it refuses the settings. Warnings are left to the real run."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_optimizer(name, _dummy(), lr=lr, betas=betas, **options)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: {err}") from None


def learned_bounds(name="mada"):
    """The clamp ranges ``name`` uses by default for the coefficients it learns."""
    return dict(make_optimizer(name, _dummy(), lr=1e-3).param_groups[0]["bounds"])


def coefficients(optimizer) -> dict[str, float]:
    """Current coefficients of group 0: MADA's six (plus Lion's betas when its sign part is
    on); for torch optimizers beta1 and beta2 from ``betas`` (others absent)."""
    if isinstance(optimizer, MADA):
        out = dict(optimizer.coefficients)
        group = optimizer.param_groups[0]
        if out["gamma"] < 1 or "gamma" in _learned(optimizer):
            out["lion_beta1"], out["lion_beta2"] = map(float, group["lion_betas"])
        return out
    group = optimizer.param_groups[0]
    if "betas" not in group:
        return {}
    beta1, beta2 = group["betas"]
    return {"beta1": float(beta1), "beta2": float(beta2)}
