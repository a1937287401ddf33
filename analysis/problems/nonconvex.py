r"""Stochastic nonconvex problems, batched over B instances: :math:`F(x) = \mathbb E f(x;\xi)`.

Each has ``full_loss(x)`` (B,) and ``full_grad(x)`` (B, d); ``loss(t, x)``/``grad(t, x)``
are :math:`f(x; \xi_t)` and its gradient, :math:`\xi_t` drawn per (seed, t) and instance.
``G_inf`` bounds :math:`\|\nabla f(x;\xi)\|_\infty` on the box (Défossez et al.'s
:math:`R`), ``L`` the smoothness of :math:`F` (and of every :math:`f(\cdot;\xi)`) on the box.

Example:

    >>> p = NoisyRosenbrock(B=2, d=2, sigma=0.0, radius=1.0)
    >>> p.full_loss(np.ones((2, 2))).tolist(), p.L
    ([0.0, 0.0], 2602.0)
"""

from __future__ import annotations

import numpy as np

from ._base import BoxProblem, rng_at, sigmoid

#: max |sigma''| = 1/(6 sqrt 3); (sigma - y)^2 has |second derivative| <= 1/8 + 1/(3 sqrt 3).
_SIGMOID_LS_CURV = 0.125 + 1.0 / (3.0 * np.sqrt(3.0))


class NoisyRosenbrock(BoxProblem):
    r""":math:`F(x) = \sum_{i<d} 100(x_{i+1} - x_i^2)^2 + (1 - x_i)^2` on :math:`[-r, r]^d`,
    :math:`f(x; u) = F(x) + \sigma\langle u, x\rangle`, :math:`u \sim U[-1, 1]^d` (bounded,
    zero-mean noise). :math:`F^\star = 0` at :math:`x = \mathbf 1` (in the box for
    :math:`r \ge 1`). Constants on the box (Gershgorin on the Hessian's rows):
    :math:`L = 1200r^2 + 1200r + 202`,
    :math:`G_\infty = (400r + 200)(r + r^2) + 2(1 + r) + \sigma`.
    ``x0`` defaults to :math:`(-1.2, 1, -1.2, \dots)` plus a seeded U[-0.1, 0.1] shift.
    """

    def __init__(self, B=1, d=2, sigma=1.0, radius=2.0, seed=0, x0=None):
        if d < 2:
            raise ValueError("Rosenbrock needs d >= 2")
        if x0 is None:
            base = np.where(np.arange(d) % 2 == 0, -1.2, 1.0)
            x0 = np.clip(base + rng_at(seed, 0).uniform(-0.1, 0.1, (B, d)), -radius, radius)
        self._init_box(f"rosenbrock(d={d}, sigma={sigma:g})", "stochastic-nonconvex", B, d,
                       -radius, radius, x0)  # fmt: skip
        r = float(radius)
        self.sigma, self.seed = float(sigma), seed
        self.L = 1200 * r * r + 1200 * r + 202.0
        self.G_inf = (400 * r + 200) * (r + r * r) + 2 * (1 + r) + self.sigma
        self.f_star = 0.0 if r >= 1 else None

    def full_loss(self, x):
        return np.sum(100 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (1 - x[:, :-1]) ** 2, axis=1)

    def full_grad(self, x):
        g = np.zeros_like(x)
        inner = x[:, 1:] - x[:, :-1] ** 2
        g[:, :-1] = -400 * x[:, :-1] * inner - 2 * (1 - x[:, :-1])
        g[:, 1:] += 200 * inner
        return g

    def _noise(self, t):
        return rng_at(self.seed, t).uniform(-1.0, 1.0, (self.B, self.d))

    def loss(self, t, x):
        return self.full_loss(x) + self.sigma * np.sum(self._noise(t) * x, axis=1)

    def grad(self, t, x):
        return self.full_grad(x) + self.sigma * self._noise(t)


class SigmoidRegression(BoxProblem):
    r"""Nonconvex least squares :math:`F(w) = \frac1n\sum_j (\sigma(a_j^\top w) - y_j)^2`,
    :math:`f(w; j) = (\sigma(a_j^\top w) - y_j)^2` with :math:`j` uniform per step and
    instance, on :math:`[-r, r]^d`. Data: :math:`a_j \sim N(0, I)`,
    :math:`y_j = \sigma(a_j^\top w_{true})` (realisable: :math:`F^\star = 0` when
    :math:`\|w_{true}\|_\infty \le r`). Constants:
    :math:`G_\infty = \tfrac12\max_{j,i}|a_{j,i}|` (:math:`|\sigma - y| \le 1`,
    :math:`\sigma' \le 1/4`) and :math:`L = (1/8 + 1/(3\sqrt3))\max_j\|a_j\|_2^2`.
    """

    def __init__(self, B=1, d=5, n=200, radius=3.0, seed=0, x0=None):
        rng = rng_at(seed, 0)
        self.A = rng.standard_normal((n, d))
        self.w_true = rng.uniform(-1.0, 1.0, d)
        self.y = sigmoid(self.A @ self.w_true)
        self._init_box(f"sigmoid_regression(d={d}, n={n})", "stochastic-nonconvex", B, d,
                       -radius, radius, x0)  # fmt: skip
        self.n, self.seed = n, seed
        self.G_inf = 0.5 * float(np.max(np.abs(self.A)))
        self.L = _SIGMOID_LS_CURV * float(np.max(np.sum(self.A**2, axis=1)))
        self.f_star = 0.0 if np.max(np.abs(self.w_true)) <= radius else None

    def full_loss(self, x):
        return np.mean((sigmoid(x @ self.A.T) - self.y) ** 2, axis=1)

    def full_grad(self, x):
        s = sigmoid(x @ self.A.T)  # (B, n)
        return (2 * (s - self.y) * s * (1 - s)) @ self.A / self.n

    def _index(self, t):
        return rng_at(self.seed, t).integers(0, self.n, self.B)

    def loss(self, t, x):
        j = self._index(t)
        return (sigmoid(np.sum(x * self.A[j], axis=1)) - self.y[j]) ** 2

    def grad(self, t, x):
        j = self._index(t)
        s = sigmoid(np.sum(x * self.A[j], axis=1))
        return (2 * (s - self.y[j]) * s * (1 - s))[:, None] * self.A[j]
