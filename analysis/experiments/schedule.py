r"""Learning-rate schedules of a training run, applied by setting each group's ``lr``.

==========  ==============================================================================
schedule    :math:`\mathrm{lr}_t` at step :math:`t = 1, \dots, T` for a peak ``lr``
==========  ==============================================================================
constant    ``lr``
cosine      linear warmup :math:`\mathrm{lr}\cdot t/w` for :math:`t \le w`, then a cosine
            from ``lr`` down to ``lr / 10`` at :math:`t = T` (nanoGPT's ``get_lr``, with
            its floor ``min_lr = lr / 10``, as in the paper's GPT-2 runs)
==========  ==============================================================================

:func:`set_lr` writes the step's value into every param group before ``optimizer.step()``:
torch's optimizers and :class:`mada.MADA` read ``group["lr"]`` at each step (MADA keeps the
previous step's lr for its hypergradient), so no scheduler object and no state is needed, and
a resumed run recomputes the same values.

>>> [round(lr_at(t, lr=1.0, steps=10, schedule="cosine", warmup=2), 3) for t in (1, 2, 6, 10)]
[0.5, 1.0, 0.55, 0.1]
"""

from __future__ import annotations

import math

SCHEDULES = ("constant", "cosine")
FLOOR = 0.1  # cosine ends at FLOOR * lr


def default_warmup(steps):
    """The warmup of ``"cosine"`` when none is given: 5% of the steps."""
    return steps // 20


def check_schedule(schedule, warmup, steps):
    """Raise ValueError naming ``schedule`` or ``warmup`` when out of range."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {schedule!r}")
    if warmup is None:
        return
    if schedule != "cosine":
        raise ValueError(f"warmup applies only to schedule='cosine'; got warmup={warmup!r} "
                         f"with schedule={schedule!r}")  # fmt: skip
    if isinstance(warmup, bool) or not isinstance(warmup, int) or not 0 <= warmup <= steps:
        raise ValueError(f"warmup must be an integer in [0, steps] = [0, {steps}]; "
                         f"got {warmup!r}")  # fmt: skip


def lr_at(step, *, lr, steps, schedule="constant", warmup=None):
    """The learning rate of step ``step`` (1-based) of ``steps``; see the module docstring."""
    if schedule == "constant":
        return lr
    warmup = default_warmup(steps) if warmup is None else warmup
    if step <= warmup:
        return lr * step / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    floor = FLOOR * lr
    return floor + 0.5 * (lr - floor) * (1.0 + math.cos(math.pi * progress))


def set_lr(optimizer, lr):
    """Set every param group's ``lr`` to ``lr``."""
    for group in optimizer.param_groups:
        group["lr"] = lr
