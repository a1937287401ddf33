"""What :func:`analysis.simulate.run`'s loops record, for both the online and the nonconvex
iterations (:mod:`analysis._simulate_nonconvex`): every step (``full``) or running aggregates.
"""

from __future__ import annotations

import numpy as np


class Recorder:
    """Records a run of ``T`` steps on ``B`` instances in ``d`` dimensions.

    ``full``: per-step x, g, f_t(x_t), :math:`\\|\\nabla F(x_t)\\|^2` (when ``full_grad`` is
    given), :math:`\\hat v_t` and :math:`v_t`; else the loss sum, the observed
    :math:`G_\\infty`, :math:`D_\\infty` (when ``x_star`` is given) and the sum of the full
    gradients' squared norms. :meth:`result` gives the fields for ``BatchTrace``/``Final``.
    """

    def __init__(self, B, T, d, full, full_grad=None, x_star=None):
        self.full, self.T, self.full_grad, self.x_star = full, T, full_grad, x_star
        if full:
            self.xs, self.gs, self.vhs, self.vs = (np.empty((B, T, d)) for _ in range(4))
            self.losses = np.empty((B, T))
            self.fg = np.empty((B, T)) if full_grad is not None else None
        else:
            self.loss_sum, self.g_inf = np.zeros(B), np.zeros(B)
            self.d_inf = np.zeros(B) if x_star is not None else None
            self.fg_sum = np.zeros(B) if full_grad is not None else None

    def step(self, i, x, g, loss):
        """Record step ``i`` (0-based): the iterate x_t, its gradient g_t and loss f_t(x_t)."""
        if self.full:
            self.xs[:, i], self.gs[:, i], self.losses[:, i] = x, g, loss
            if self.fg is not None:
                self.fg[:, i] = np.sum(self.full_grad(x) ** 2, axis=1)
        else:
            self.loss_sum += loss
            np.maximum(self.g_inf, np.max(np.abs(g), axis=1), out=self.g_inf)
            if self.d_inf is not None:
                np.maximum(self.d_inf, np.max(np.abs(x - self.x_star), axis=1), out=self.d_inf)
            if self.fg_sum is not None:
                self.fg_sum += np.sum(self.full_grad(x) ** 2, axis=1)

    def moments(self, i, v_hat, v):
        """Record step ``i``'s second moments (full records only)."""
        if self.full:
            self.vhs[:, i], self.vs[:, i] = v_hat, v

    def result(self, x, v_hat):
        """The recorded fields; ``x``, ``v_hat``: the last iterate and moment (final records)."""
        if self.full:
            return {"x": self.xs, "grads": self.gs, "v_hat": self.vhs, "v": self.vs,
                    "losses": self.losses, "full_grad_sq_norms": self.fg}  # fmt: skip
        out = {"x": x, "v_hat": v_hat, "loss_sum": self.loss_sum, "G_inf": self.g_inf}
        if self.d_inf is not None:
            out["D_inf"] = self.d_inf
        fg_sum = self.fg_sum
        out["mean_full_grad_sq"] = None if fg_sum is None else fg_sum / self.T
        return out
