r"""Online convex problems, batched over B instances, on boxes.

Each has ``comparator(T, aggregate=False)``: the best fixed point in hindsight
:math:`x^\star = \arg\min_{x \in \mathcal F} \sum_{t \le T} f_t(x)` per instance (B, d) and
its losses :math:`f_t(x^\star)` (B, T), or their sums (B,) with ``aggregate=True``.

Example (Reddi et al.'s counterexample, :math:`x^\star = -1`):

    >>> p = reddi3(C=3, B=2)
    >>> p.grad(1, p.x0).tolist(), p.grad(2, p.x0).tolist()
    ([[3.0], [3.0]], [[-1.0], [-1.0]])
    >>> x_star, losses = p.comparator(4)
    >>> x_star.tolist(), losses[0].tolist()
    ([[-1.0], [-1.0]], [-3.0, 1.0, 1.0, -3.0])
"""

from __future__ import annotations

import numpy as np

from ._base import BoxProblem, rng_at, sigmoid


class OnlineLinear(BoxProblem):
    r""":math:`f_t(x) = \langle c_t, x\rangle` on :math:`[-r, r]^d`.

    ``costs``: a (B, T, d) array, or a callable ``t -> (B, d)`` (then ``G_inf`` is needed).
    The comparator is :math:`x^\star_i = -r\,\mathrm{sign}(\sum_t c_{t,i})` (0 on ties).
    """

    def __init__(self, costs, radius=1.0, *, B=None, d=None, G_inf=None, name="linear",
                 x0=None):  # fmt: skip
        if callable(costs):
            if B is None or d is None or G_inf is None:
                raise ValueError("callable costs need B, d and G_inf")
            self._costs, self._table = costs, None
        else:
            table = np.asarray(costs, dtype=np.float64)
            if table.ndim != 3:
                raise ValueError(f"costs must be (B, T, d), got shape {table.shape}")
            B, _, d = table.shape
            self._table, self._costs = table, lambda t: table[:, t - 1, :]
            G_inf = float(np.max(np.abs(table))) if G_inf is None else G_inf
        self._init_box(name, "online-convex", B, d, -radius, radius, x0)
        self.radius, self.G_inf = float(radius), float(G_inf)

    def cost(self, t):
        return np.broadcast_to(self._costs(t), (self.B, self.d))

    def loss(self, t, x):
        return np.sum(self.cost(t) * x, axis=1)

    def grad(self, t, x):
        return np.array(self.cost(t), dtype=np.float64)

    def comparator(self, T, aggregate=False):
        if self._table is not None and T > self._table.shape[1]:
            raise ValueError(f"the cost table has {self._table.shape[1]} steps, asked for {T}")
        c = np.stack([self.cost(t) for t in range(1, T + 1)], axis=1)  # (B, T, d)
        x_star = -self.radius * np.sign(c.sum(axis=1))
        losses = np.einsum("btd,bd->bt", c, x_star)
        return x_star, (losses.sum(axis=1) if aggregate else losses)


def reddi3(C=3.0, B=1, d=1):
    r"""Reddi et al. (2018), Thm. 1: :math:`f_t(x) = Cx` if :math:`t \bmod 3 = 1`, else
    :math:`-x`, on :math:`[-1, 1]^d`; :math:`G_\infty = C`, :math:`D_\infty = 2`."""
    C = float(C)
    return OnlineLinear(lambda t: C if t % 3 == 1 else -1.0, 1.0, B=B, d=d, G_inf=max(C, 1.0),
                        name=f"reddi3(C={C:g})")  # fmt: skip


def reddi1010(B=1, d=1):
    r""":math:`f_t(x) = 1010x` if :math:`t \bmod 101 = 1`, else :math:`-10x`, on :math:`[-1, 1]`."""
    return OnlineLinear(lambda t: 1010.0 if t % 101 == 1 else -10.0, 1.0, B=B, d=d,
                        G_inf=1010.0, name="reddi1010")  # fmt: skip


def reddi3_stochastic(C=3.0, delta=0.1, B=1, d=1, seed=0):
    r"""Reddi et al. (2018), Thm. 3: :math:`f_t(x) = Cx` w.p. :math:`p = (1+\delta)/(C+1)`,
    else :math:`-x`; :math:`\mathbb E f_t(x) = \delta x`. Each instance draws its own signs;
    the comparator is the best point for the realised costs."""
    C, p = float(C), (1.0 + delta) / (C + 1.0)
    if not 0 <= p <= 1:
        raise ValueError(f"p = (1 + delta)/(C + 1) must lie in [0, 1], got {p}")

    def costs(t):
        return np.where(rng_at(seed, t).random((B, d)) < p, C, -1.0)

    return OnlineLinear(costs, 1.0, B=B, d=d, G_inf=max(C, 1.0),
                        name=f"reddi3_stochastic(C={C:g}, delta={delta:g})")  # fmt: skip


def reddi_two_phase(C=3.0, G=10.0, K=10, delta=0.1, B=1):
    r"""Two coordinates on :math:`[-1, 1]^2` that want opposite memories.

    Coordinate 1 is Reddi et al.'s counterexample (:math:`C` when :math:`t \bmod 3 = 1`, else
    :math:`-1`): forgetting the rare large gradient (Adam) sends it to the wrong corner.
    Coordinate 2 is :math:`G` for :math:`t \le K`, then :math:`-\delta`: AVGrad's average keeps
    :math:`G^2` and crawls back to :math:`x^\star_2 = 1` (for :math:`T > K(1 + G/\delta)`).
    MADA's interpolation with an interior :math:`\rho` can keep enough memory for the first
    and still move the second (``interpolation_improvement``).
    """
    C, G, delta = float(C), float(G), float(delta)

    def costs(t):
        return np.array([C if t % 3 == 1 else -1.0, G if t <= K else -delta])

    name = f"reddi_two_phase(C={C:g}, G={G:g}, K={K}, delta={delta:g})"
    return OnlineLinear(costs, 1.0, B=B, d=2, G_inf=max(C, G, 1.0), name=name)


class RandomQuadratics(BoxProblem):
    r""":math:`f_t(x) = \tfrac12 (x - c_t)^\top \mathrm{diag}(a_t) (x - c_t)` on :math:`[-r, r]^d`,
    :math:`a_{t,i} \sim U[a_{lo}, a_{hi}]`, :math:`c_{t,i} \sim U[-c_{max}, c_{max}]` drawn per
    (seed, t) and instance. :math:`G_\infty = a_{hi}(r + c_{max})`. A huge ``radius`` makes
    the problem unconstrained in practice (the projection never acts)."""

    def __init__(self, B=1, d=2, radius=1.0, a_range=(0.5, 2.0), c_max=1.0, seed=0, x0=None):
        self._init_box(f"quadratics(d={d}, r={radius:g})", "online-convex", B, d, -radius,
                       radius, x0)  # fmt: skip
        self.a_range, self.c_max, self.seed = tuple(map(float, a_range)), float(c_max), seed
        self.G_inf = self.a_range[1] * (float(radius) + self.c_max)
        self._last = (None, None, None)

    def draw(self, t):
        if self._last[0] != t:
            rng = rng_at(self.seed, t)
            a = rng.uniform(*self.a_range, size=(self.B, self.d))
            c = rng.uniform(-self.c_max, self.c_max, size=(self.B, self.d))
            self._last = (t, a, c)
        return self._last[1], self._last[2]

    def loss(self, t, x):
        a, c = self.draw(t)
        return 0.5 * np.sum(a * (x - c) ** 2, axis=1)

    def grad(self, t, x):
        a, c = self.draw(t)
        return a * (x - c)

    def comparator(self, T, aggregate=False):
        """Separable 1-D quadratics: clip the weighted mean of the centres to the box."""
        sa, sac = np.zeros((self.B, self.d)), np.zeros((self.B, self.d))
        for t in range(1, T + 1):
            a, c = self.draw(t)
            sa += a
            sac += a * c
        x_star = self.project(sac / sa)
        losses = np.stack([self.loss(t, x_star) for t in range(1, T + 1)], axis=1)
        return x_star, (losses.sum(axis=1) if aggregate else losses)


class OnlineLogistic(BoxProblem):
    r"""Online logistic regression: :math:`f_t(x) = \log(1 + e^{-y_j a_j^\top x})`,
    :math:`j = (t-1) \bmod n`, on :math:`[-r, r]^d`; the same data for every instance.

    :math:`G_\infty = \max_{j,i}|a_{j,i}|\,\sigma(r \max_j \|a_j\|_1)`. The comparator is
    found by accelerated projected gradient descent (to about 1e-10 in the objective).
    """

    def __init__(self, features, labels, radius=1.0, B=1, name="logistic", x0=None):
        self.A = np.asarray(features, dtype=np.float64)
        self.y = np.asarray(labels, dtype=np.float64)
        if self.A.ndim != 2 or self.y.shape != (self.A.shape[0],):
            raise ValueError("features must be (n, d) and labels (n,)")
        if not np.all(np.abs(self.y) == 1):
            raise ValueError("labels must be +1 or -1")
        self._init_box(name, "online-convex", B, self.A.shape[1], -radius, radius, x0)
        self.n, self.radius = self.A.shape[0], float(radius)
        self.G_inf = float(np.max(np.abs(self.A)) * sigmoid(radius * np.max(np.abs(self.A).sum(1))))

    def _sample(self, t):
        j = (t - 1) % self.n
        return self.A[j], self.y[j]

    def loss(self, t, x):
        a, y = self._sample(t)
        return np.logaddexp(0.0, -y * (x @ a))

    def grad(self, t, x):
        a, y = self._sample(t)
        return (-y * sigmoid(-y * (x @ a)))[:, None] * a

    def comparator(self, T, aggregate=False, iters=20000):
        k = np.bincount(np.arange(T) % self.n, minlength=self.n).astype(np.float64)
        Ay = self.A * self.y[:, None]
        lip = 0.25 * float(np.sum(k * np.sum(self.A**2, axis=1)))
        x = z = np.zeros(self.d)
        s = 1.0
        for _ in range(iters):  # FISTA on sum_j k_j f_j over the box
            g = -(k * sigmoid(-(Ay @ z))) @ Ay
            x_new = np.clip(z - g / lip, -self.radius, self.radius)
            s_new = 0.5 * (1 + np.sqrt(1 + 4 * s * s))
            z, x, s = x_new + (s - 1) / s_new * (x_new - x), x_new, s_new
        x_star = np.broadcast_to(x, (self.B, self.d)).copy()
        losses = np.stack([self.loss(t, x_star) for t in range(1, T + 1)], axis=1)
        return x_star, (losses.sum(axis=1) if aggregate else losses)


def breast_cancer_logistic(radius=1.0, B=1):
    """:class:`OnlineLogistic` on scikit-learn's bundled breast-cancer data (569 x 30),
    features standardised, labels mapped to +-1. Needs scikit-learn."""
    try:
        from sklearn.datasets import load_breast_cancer
    except ImportError as err:
        raise ImportError("breast_cancer_logistic needs scikit-learn (pip install "
                          "scikit-learn); the other problems do not") from err  # fmt: skip
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return OnlineLogistic(X, 2.0 * y - 1.0, radius, B=B, name="breast_cancer_logistic")
