r"""The paper's robustness grid, scaled down: final loss over a grid of *initial* (β1, β2).

Ozkara et al. (2024, §5, the Shakespeare-char contour figure) train a character-level GPT from
every initial :math:`(\beta_1, \beta_2)` of a 25 × 11 grid with Adam (fixed β's), HyperAdam
(β1, β2 learned) and MADA (all six learned from Adam's corner, hypergradient learning rate
2.5e-3 with momentum 0.5), and map the final training loss. A robust optimizer has a wide
low-loss region. Here the same protocol runs on :mod:`.tasks` at a size a CPU finishes in
minutes; the grids below are coarse subsets of the paper's.

======== ========================================= =================================
size     initial β1                                initial β2
======== ========================================= =================================
default  0.1, 0.5, 0.8, 0.9, 0.99                  0.501, 0.8, 0.95, 0.99
quick    0.1, 0.9, 0.99                            0.501, 0.99
======== ========================================= =================================

A run that diverges maps to ``inf`` (drawn as the worst colour), not to an error. A grid
point that an optimizer refuses (say β1 = 0 below MADA's learned bound on β1) is an error,
raised by :func:`check_points` before the first run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .optimizers import check_optimizer, learns
from .train import RunConfig, progress_bar, train

GRID_OPTIMIZERS = ("adam", "hyperadam", "mada")
BETA1S = {"default": (0.1, 0.5, 0.8, 0.9, 0.99), "quick": (0.1, 0.9, 0.99)}
BETA2S = {"default": (0.501, 0.8, 0.95, 0.99), "quick": (0.501, 0.99)}
#: The paper's hypergradient settings for the Shakespeare grid (research notes §4.4).
PAPER_HYPER = {"hyper_lr": 2.5e-3, "hyper_momentum": 0.5}


@dataclass
class GridResult:
    """Final losses, ``train[optimizer][j][k]`` at ``beta1s[j]``, ``beta2s[k]``."""

    task: str
    size: str
    steps: int
    beta1s: list
    beta2s: list
    optimizers: list
    train: dict
    val: dict

    def to_dict(self):
        return dict(self.__dict__)

    def summary(self):
        """Per optimizer: mean, median and worst final training loss over the grid, and the
        fraction of grid points within 5% of the best loss any optimizer reached."""
        finite = [x for o in self.optimizers for row in self.train[o] for x in row
                  if math.isfinite(x)]  # fmt: skip
        best = min(finite) if finite else math.inf
        out = {}
        for o in self.optimizers:
            xs = sorted(x for row in self.train[o] for x in row)
            out[o] = {"mean": sum(xs) / len(xs), "median": xs[len(xs) // 2], "worst": xs[-1],
                      "near_best": sum(x <= 1.05 * best for x in xs) / len(xs)}  # fmt: skip
        return out


def _check_betas(name, values):
    if not values or not all(isinstance(b, (int, float)) and 0 <= b < 1 for b in values):
        raise ValueError(f"{name} must be a non-empty list of numbers in [0, 1); got {values!r}")
    return [float(b) for b in values]


def _options(name, options):
    return {**PAPER_HYPER, **(options or {})} if learns(name) else {}


def check_points(optimizers, beta1s, beta2s, options=None):
    """Raise ValueError naming the first grid point an optimizer refuses, built on a dummy
    parameter with MADA's own rules (so the check follows MADA's defaults)."""
    for o in optimizers:
        for b1 in beta1s:
            for b2 in beta2s:
                try:
                    check_optimizer(o, betas=(b1, b2), **_options(o, options))
                except ValueError as err:
                    raise ValueError(f"grid point (beta1={b1:g}, beta2={b2:g}) is refused by "
                                     f"{err}") from None  # fmt: skip


def robustness_grid(
    task="digits",
    *,
    size="quick",
    optimizers=GRID_OPTIMIZERS,
    beta1s=None,
    beta2s=None,
    steps=None,
    seed=0,
    text=None,
    device=None,
    options=None,
    progress=True,
):
    """Train every optimizer from every initial (β1, β2) and collect the final losses.

    ``options`` (e.g. ``hyper_lr``, ``bounds``) go, over :data:`PAPER_HYPER`, to the
    optimizers that learn; every point is checked (:func:`check_points`) before any run."""
    grid_size = size if size in BETA1S else "quick"
    beta1s = _check_betas("beta1s", beta1s if beta1s is not None else BETA1S[grid_size])
    beta2s = _check_betas("beta2s", beta2s if beta2s is not None else BETA2S[grid_size])
    if not optimizers:
        raise ValueError("optimizers must name at least one optimizer")
    check_points(optimizers, beta1s, beta2s, options)
    points = [(o, j, k) for o in optimizers for j in range(len(beta1s))
              for k in range(len(beta2s))]  # fmt: skip
    train_loss = {o: [[math.inf] * len(beta2s) for _ in beta1s] for o in optimizers}
    val_loss = {o: [[math.inf] * len(beta2s) for _ in beta1s] for o in optimizers}
    used_steps = steps
    for o, j, k in progress_bar(points, enabled=progress, desc=f"grid {task}"):
        cfg = RunConfig(task=task, optimizer=o, steps=steps, betas=(beta1s[j], beta2s[k]),
                        seed=seed, size=size, text=text, device=device,
                        optimizer_options=_options(o, options))  # fmt: skip
        res = train(cfg, progress=False)
        used_steps = res.config["steps"]
        train_loss[o][j][k] = res.final["train_loss"]
        val_loss[o][j][k] = res.final["val_loss"]
    return GridResult(task, size, used_steps, beta1s, beta2s, list(optimizers), train_loss,
                      val_loss)  # fmt: skip
