r"""The batched problem protocol and the box machinery the problems share.

A problem holds :math:`B` independent instances of one optimisation problem in dimension
:math:`d`; every point is a ``(B, d)`` float64 array. Steps are numbered
:math:`t = 1, \dots, T`. Stochastic draws come from ``numpy.random.default_rng((seed, t))``,
so ``grad(t, x)`` called twice gives the same value and the runs are reproducible.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

SETTINGS = ("online-convex", "stochastic-nonconvex")


@runtime_checkable
class Problem(Protocol):
    r"""What :func:`analysis.simulate.run` needs from a problem (B instances, dimension d).

    ``lo``, ``hi``: the box (``(d,)`` arrays) or None (unconstrained); ``D_inf`` its
    :math:`\ell_\infty` diameter (None without a box); ``G_inf`` a bound on
    :math:`\|\nabla f_t(x)\|_\infty` over the box; ``L`` the smoothness of :math:`F` on the
    box (nonconvex problems) or None; ``f_star`` :math:`\min F` where known, else None.
    Online problems also have ``comparator(T, aggregate=False)``; nonconvex ones
    ``full_loss(x)`` and ``full_grad(x)`` (the expected loss :math:`F` and its gradient).
    """

    name: str
    setting: str
    d: int
    B: int
    x0: np.ndarray
    lo: np.ndarray | None
    hi: np.ndarray | None
    D_inf: float | None
    G_inf: float
    L: float | None
    f_star: float | None

    def loss(self, t: int, x: np.ndarray) -> np.ndarray: ...

    def grad(self, t: int, x: np.ndarray) -> np.ndarray: ...

    def project(self, x: np.ndarray, weights: np.ndarray) -> np.ndarray: ...


class BoxProblem:
    """Box bookkeeping: ``lo``/``hi``/``D_inf``, ``x0`` broadcast to (B, d), clipping."""

    L = None
    f_star = None

    def _init_box(self, name, setting, B, d, lo, hi, x0):
        if setting not in SETTINGS:
            raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}")
        self.name, self.setting, self.B, self.d = name, setting, int(B), int(d)
        if (lo is None) != (hi is None):
            raise ValueError("give both lo and hi, or neither")
        if lo is None:
            self.lo = self.hi = self.D_inf = None
        else:
            self.lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), (self.d,)).copy()
            self.hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), (self.d,)).copy()
            if np.any(self.lo > self.hi):
                raise ValueError("the box needs lo <= hi")
            self.D_inf = float(np.max(self.hi - self.lo))
        x0 = np.zeros(self.d) if x0 is None else np.asarray(x0, dtype=np.float64)
        self.x0 = np.array(np.broadcast_to(x0, (self.B, self.d)), dtype=np.float64)

    def project(self, x, weights=None):
        """Weighted projection onto the box: coordinate-wise clipping, whatever the weights."""
        if self.lo is None:
            return x
        return np.clip(x, self.lo, self.hi)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}: B={self.B}, d={self.d}>"


def rng_at(seed, t):
    """The generator of step ``t`` (t = 0: the problem's own set-up draws)."""
    return np.random.default_rng((int(seed), int(t)))


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|
