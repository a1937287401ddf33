r"""A recorded optimizer run: what a theorem's data-dependent bound and its measure read.

A simulator (a later issue) produces a :class:`Trace`; the theorems in
:mod:`analysis.theorems` evaluate their data-dependent form on it
(``Theorem.data_bound``) and the quantity they bound (``Theorem.measured``).

Indexing follows the online-learning papers: row ``t - 1`` of every array belongs to step
:math:`t = 1, \dots, T`, and :math:`x_t` is the iterate *used* at step :math:`t` (the point at
which :math:`g_t` and :math:`f_t(x_t)` are evaluated). For Défossez et al.'s indexing
(:math:`x_0, \dots, x_{N-1}`, gradients :math:`\nabla f_n(x_{n-1})`) row ``n - 1`` holds
:math:`x_{n-1}`: the same rows, shifted names.

Example (three hand-written steps of a 1-D run on :math:`f_t(x) = c_t x` over
:math:`[-1, 1]`, :math:`c = (2, -1, -1)`, best point :math:`x^\star = -1`):

    >>> import numpy as np
    >>> tr = Trace(x=[[0.0], [-0.5], [-0.2]], grads=[[2.0], [-1.0], [-1.0]],
    ...            v_hat=[[0.4], [0.4], [0.4]], alpha=[0.5, 0.35, 0.29], beta1=[0.0] * 3,
    ...            losses=[0.0, 0.5, 0.2], comparator_losses=[-2.0, 1.0, 1.0], x_star=[-1.0])
    >>> tr.T, tr.d, tr.regret
    (3, 1, 0.7)
    >>> tr.G_inf(), tr.D_inf()
    (2.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

_MATRICES = ("x", "grads", "v_hat", "v")
_VECTORS = ("alpha", "beta1", "losses", "comparator_losses", "full_grad_sq_norms")


@dataclass(frozen=True)
class Trace:
    """One run of :math:`T` steps in dimension :math:`d`; every array is float64.

    ``x`` (T, d): :math:`x_t`, the iterate used at step t.
    ``grads`` (T, d): :math:`g_t = \\nabla f_t(x_t)`.
    ``v_hat`` (T, d): the :math:`\\hat v_t` used in the step, without eps and without bias
    correction unless the algorithm itself used it.
    ``alpha`` (T,): the step size :math:`\\alpha_t`. ``beta1`` (T,): :math:`\\beta_{1t}`.
    ``losses`` (T,): :math:`f_t(x_t)`.
    ``comparator_losses`` (T,), optional: :math:`f_t(x^\\star)` for the best fixed point in
    hindsight (needed for the regret).
    ``full_grad_sq_norms`` (T,), optional: :math:`\\|\\nabla F(x_t)\\|_2^2` (nonconvex theorems).
    ``x_star`` (d,), optional: :math:`x^\\star`.
    ``v`` (T, d), optional: the second moment :math:`v_t` itself (before any long memory,
    eps or bias correction), where the algorithm has one.
    """

    x: np.ndarray
    grads: np.ndarray
    v_hat: np.ndarray
    alpha: np.ndarray
    beta1: np.ndarray
    losses: np.ndarray
    comparator_losses: np.ndarray | None = None
    full_grad_sq_norms: np.ndarray | None = None
    x_star: np.ndarray | None = None
    v: np.ndarray | None = None

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                arr = np.array(value, dtype=np.float64)  # a copy: the trace owns its data
                arr.setflags(write=False)
                object.__setattr__(self, f.name, arr)
        if self.x.ndim != 2:
            raise ValueError(f"x must be a (T, d) array, got shape {self.x.shape}")
        shape = self.x.shape
        for name in _MATRICES:
            if getattr(self, name) is not None and getattr(self, name).shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {getattr(self, name).shape}")
        for name in _VECTORS:
            arr = getattr(self, name)
            if arr is not None and arr.shape != (shape[0],):
                raise ValueError(f"{name} must have shape ({shape[0]},), got {arr.shape}")
        if self.x_star is not None and self.x_star.shape != (shape[1],):
            raise ValueError(f"x_star must have shape ({shape[1]},), got {self.x_star.shape}")

    @property
    def T(self) -> int:
        return self.x.shape[0]

    @property
    def d(self) -> int:
        return self.x.shape[1]

    @property
    def regret(self) -> float:
        r""":math:`R_T = \sum_t f_t(x_t) - \sum_t f_t(x^\star)`."""
        if self.comparator_losses is None:
            raise ValueError("the regret needs comparator_losses (f_t(x*) for every t)")
        return float(np.sum(self.losses) - np.sum(self.comparator_losses))

    def G_inf(self) -> float:
        r"""Observed :math:`G_\infty = \max_{t,i} |g_{t,i}|`."""
        return float(np.max(np.abs(self.grads)))

    def D_inf(self, reference: str = "x_star") -> float:
        r"""Observed :math:`D_\infty`.

        ``reference="x_star"`` (default): :math:`\max_t \|x_t - x^\star\|_\infty`, the quantity
        the regret proofs of Reddi et al. and Tran & Phong actually use (they bound
        :math:`(x_{t,i} - x^\star_i)^2 \le D_\infty^2`). ``reference="pairs"``:
        :math:`\max_{t,s} \|x_t - x_s\|_\infty` over the iterates and :math:`x^\star` when
        known, a lower bound on the feasible set's diameter.
        """
        if reference == "x_star":
            if self.x_star is None:
                raise ValueError("D_inf(reference='x_star') needs x_star")
            return float(np.max(np.abs(self.x - self.x_star)))
        if reference == "pairs":
            pts = self.x if self.x_star is None else np.vstack([self.x, self.x_star])
            return float(np.max(pts.max(axis=0) - pts.min(axis=0)))
        raise ValueError(f"reference must be 'x_star' or 'pairs', got {reference!r}")

    def sum_sqrt_vhat_T(self) -> float:
        r""":math:`\sum_i \hat v_{T,i}^{1/2}`."""
        return float(np.sum(np.sqrt(self.v_hat[-1])))

    def sum_grad_norms(self) -> float:
        r""":math:`\sum_i \|g_{1:T,i}\|_2`, the column norms of the gradient matrix (each
        column scaled by its largest entry first, so that :math:`g^2` cannot underflow)."""
        top = np.max(np.abs(self.grads), axis=0)
        scale = np.where(top > 0, top, 1.0)
        return float(np.sum(top * np.sqrt(np.sum((self.grads / scale) ** 2, axis=0))))

    def momentum_sum(self) -> float:
        r""":math:`\sum_{t=1}^T \sum_i \beta_{1t} \hat v_{t,i}^{1/2} / \alpha_t`."""
        return float(np.sum(self.beta1[:, None] * np.sqrt(self.v_hat) / self.alpha[:, None]))
