r"""Adam, AMSGrad and AVGrad on Reddi, Kale & Kumar's counterexample (ICLR 2018, Thm. 1).

Setting: online convex optimisation on :math:`\mathcal F = [-1, 1]` with

.. math::
    f_t(x) = \begin{cases} C x & t \bmod 3 = 1 \\ -x & \text{otherwise,} \end{cases}
    \qquad C > 2,

so :math:`x^\star = -1`. With :math:`\beta_1 = 0`, :math:`\beta_2 = 1/(1+C^2)` and
:math:`\alpha_t = \alpha/\sqrt t`, Adam drifts to :math:`x = +1` and its average regret
:math:`R_T/T` stays bounded away from 0; AMSGrad's max and AVGrad's average both keep
:math:`\sqrt{\hat v_t}/\alpha_t` non-decreasing and converge to :math:`x^\star`.
The algorithms run through :class:`mada.MADA` (no bias correction, as analysed), with
the iterate projected onto :math:`[-1, 1]` after every step.

Example:
    >>> rows = run(steps=3000)
    >>> [r["optimizer"] for r in rows]
    ['adam', 'amsgrad', 'avgrad']
    >>> rows[0]["x_T"] > 0.9 and rows[1]["x_T"] < -0.9 and rows[2]["x_T"] < -0.9
    True
"""

from __future__ import annotations

import math

import torch

from mada import MADA

CORNERS = {
    "adam": {"rho": 1.0},
    "amsgrad": {"rho": 0.0, "long_memory": "max"},
    "avgrad": {"rho": 0.0, "long_memory": "average"},
}


def run(steps=30000, C=3.0, alpha=0.5):
    """Final iterate and average regret R_T/T of each corner after ``steps`` steps."""
    if not C > 2:
        raise ValueError(f"C must be > 2 for the counterexample, got {C!r}")
    beta2 = 1.0 / (1.0 + C * C)
    rows = []
    for name, corner in CORNERS.items():
        x = torch.zeros((), dtype=torch.float64, requires_grad=True)
        opt = MADA([x], lr=alpha, betas=(0.0, beta2), bias_correction=False, **corner)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1.0 / math.sqrt(k + 1))
        regret = 0.0
        for t in range(1, steps + 1):
            c = C if t % 3 == 1 else -1.0
            regret += c * (x.item() - (-1.0))  # f_t(x_t) - f_t(x*), x* = -1
            x.grad = torch.tensor(c, dtype=torch.float64)
            opt.step()
            sched.step()
            with torch.no_grad():
                x.clamp_(-1.0, 1.0)
        rows.append({"optimizer": name, "x_T": x.item(), "avg_regret": regret / steps})
    return rows


def format_rows(rows, steps, C):
    lines = [f"Reddi et al. counterexample, C={C:g}, T={steps}, beta1=0, beta2=1/(1+C^2), "
             "alpha_t = alpha/sqrt(t); x* = -1",
             f"{'optimizer':<10}{'x_T':>10}{'R_T/T':>12}"]  # fmt: skip
    lines += [f"{r['optimizer']:<10}{r['x_T']:>10.4f}{r['avg_regret']:>12.4f}" for r in rows]
    return "\n".join(lines)
