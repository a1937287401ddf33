"""An independent NumPy float64 reference of the MADA update, one line per equation.

Written from the update's equations alone (not from ``mada``'s code), per element, for
step t >= 1 with every state starting at 0 and g_0 = 0:

    ĝ    = g_t + β3 (g_t − g_{t−1})
    g̃²   = c ĝ² + (1−c) (v_{t−1} + ĝ² sign(ĝ² − v_{t−1}))
    m_t  = β1 m_{t−1} + (1−β1) g_t
    n_t  = β3 n_{t−1} + (1−β3) (g_t − g_{t−1})
    v_t  = β2 v_{t−1} + (1−β2) g̃²
    v̄_t  = ((t−1) v̄_{t−1} + v_t) / t          ("average", AVGrad)
         = max(v̄_{t−1}, v_t)                   ("max", AMSGrad)
    m̂    = m_t / (1−β1^t)
    v̂    = (ρ v_t + (1−ρ) v̄_t) / (1−β2^t)      (no divisions without bias correction)
    u    = sign(βL1 ℓ_{t−1} + (1−βL1) g_t)      (Lion, true order: sign first ...)
    ℓ_t  = βL2 ℓ_{t−1} + (1−βL2) g_t           (... then the momentum update)
    d    = γ (m̂ + β3 n_t) / (√v̂ + ε) + (1−γ) u
    x_t  = x_{t−1} (1 − lr λ) − lr d            (decoupled weight decay, as AdamW)
"""

from __future__ import annotations

import numpy as np


class MadaReference:
    """One parameter tensor's MADA trajectory in float64; ``step(g)`` returns x_t."""

    def __init__(
        self,
        x0,
        lr=1e-3,
        betas=(0.9, 0.999),
        beta3=0.0,
        rho=1.0,
        c=1.0,
        gamma=1.0,
        eps=1e-8,
        weight_decay=0.0,
        long_memory="average",
        lion_betas=(0.95, 0.98),
        bias_correction=True,
    ):
        if long_memory not in ("average", "max"):
            raise ValueError(f"long_memory must be 'average' or 'max', got {long_memory!r}")
        self.lr, self.eps, self.wd = float(lr), float(eps), float(weight_decay)
        self.b1, self.b2 = (float(b) for b in betas)
        self.b3, self.rho, self.c, self.gamma = float(beta3), float(rho), float(c), float(gamma)
        self.bl1, self.bl2 = (float(b) for b in lion_betas)
        self.long_memory, self.bias_correction = long_memory, bool(bias_correction)
        self.x = np.array(x0, dtype=np.float64)
        zero = np.zeros_like(self.x)
        self.m, self.n, self.v, self.v_bar, self.ell, self.g_prev = (zero.copy() for _ in "123456")
        self.t = 0

    def step(self, g):
        """Apply one step with gradient ``g``; ``None`` leaves everything unchanged."""
        if g is None:
            return self.x.copy()
        g = np.asarray(g, dtype=np.float64)
        self.t = t = self.t + 1
        b1, b2, b3, c, rho, gamma = self.b1, self.b2, self.b3, self.c, self.rho, self.gamma
        diff = g - self.g_prev
        g_hat = g + b3 * diff
        g_sq = c * g_hat**2 + (1 - c) * (self.v + g_hat**2 * np.sign(g_hat**2 - self.v))
        self.m = b1 * self.m + (1 - b1) * g
        self.n = b3 * self.n + (1 - b3) * diff
        self.v = b2 * self.v + (1 - b2) * g_sq
        if self.long_memory == "average":
            self.v_bar = ((t - 1) * self.v_bar + self.v) / t
        else:
            self.v_bar = np.maximum(self.v_bar, self.v)
        bc1, bc2 = (1 - b1**t, 1 - b2**t) if self.bias_correction else (1.0, 1.0)
        m_hat = self.m / bc1
        v_hat = (rho * self.v + (1 - rho) * self.v_bar) / bc2
        u = np.sign(self.bl1 * self.ell + (1 - self.bl1) * g)
        self.ell = self.bl2 * self.ell + (1 - self.bl2) * g
        d = gamma * (m_hat + b3 * self.n) / (np.sqrt(v_hat) + self.eps) + (1 - gamma) * u
        self.x = self.x * (1 - self.lr * self.wd) - self.lr * d
        self.g_prev = g
        return self.x.copy()


def reference_trajectory(x0, grads, **coefficients):
    """Iterates x_1, ..., x_T of one tensor under gradients g_1, ..., g_T (None skips)."""
    ref = MadaReference(x0, **coefficients)
    return [ref.step(g) for g in grads]
