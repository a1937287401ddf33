r"""B(rho): the AMSGrad/AVGrad interpolation's data-dependent regret bound as a function of rho.

On a fixed gradient sequence (online linear losses) the run data do not depend on
:math:`\rho`, and :data:`analysis.statements.MAX_AVG_FORM` is, with :math:`k = (t, i)`,
:math:`S = Sv`, :math:`A = t\,vmax`, :math:`\Delta = A - S \ge 0` and :math:`W = S + \rho\Delta`,

.. math::
    B(\rho) = \sum_k p_k \sqrt{W_k} + \sum_k \frac{q_k}{\sqrt{W_k}},\qquad
    p_k = \frac{D_\infty^2}{2\alpha}[t = T] + \frac{D_\infty^2\beta_{1t}}{\alpha(1-\beta_1)},
    \quad q_k = \frac{\alpha(1+\beta_1)}{2(1-\beta_1)} m_k^2,

so :math:`B'(\rho) = \sum_k \frac{\Delta_k}{2\sqrt{W_k}}\big(p_k - q_k/W_k\big)`. Used by
``interpolation_improvement``; all functions are vectorised over a grid of :math:`\rho`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..sums import run_data


class Parts(NamedTuple):
    """p, q, S, Delta of B(rho), each (T, d)."""

    p: np.ndarray
    q: np.ndarray
    S: np.ndarray
    Delta: np.ndarray


def parts(grads, beta2, beta1t, D_inf, alpha, beta1=None):
    """The pieces of B(rho) for a run with these gradients; beta1 defaults to max(beta1t)."""
    data = run_data(grads, beta2, beta1t)
    b1t = data["beta1t"][:, None]
    b1 = float(np.max(b1t)) if beta1 is None else float(beta1)
    T = data["g"].shape[0]
    t = np.arange(1, T + 1, dtype=np.float64)[:, None]
    p = np.broadcast_to(D_inf**2 * b1t / (alpha * (1 - b1)), data["g"].shape).copy()
    p[-1] += D_inf**2 / (2 * alpha)
    q = alpha * (1 + b1) / (2 * (1 - b1)) * data["m"] ** 2
    return Parts(p, q, data["Sv"], t * data["vmax"] - data["Sv"])


def _over(parts_, rho):
    """W_k(rho) on a leading rho axis, and the mask of W > 0 (W = 0 forces m = 0: no term)."""
    r = np.asarray(rho, dtype=np.float64).reshape(-1, 1, 1)
    W = parts_.S[None] + r * parts_.Delta[None]
    return W, W > 0


def B(parts_, rho):
    """B(rho) for each rho (0/0 := 0)."""
    W, pos = _over(parts_, rho)
    root = np.sqrt(W)
    inv = np.divide(1.0, root, out=np.zeros_like(root), where=pos)
    return np.sum(parts_.p * root + parts_.q * inv, axis=(1, 2))


def dB(parts_, rho):
    """B'(rho) for each rho (where W > 0; elsewhere Delta = 0 and the term is 0)."""
    W, pos = _over(parts_, rho)
    safe = np.where(pos, W, 1.0)
    term = parts_.Delta / (2 * np.sqrt(safe)) * (parts_.p - parts_.q / safe)
    return np.sum(np.where(pos, term, 0.0), axis=(1, 2))


def regime(parts_):
    """The ends of the dichotomy: "avgrad" if q <= p S wherever Delta > 0 (B non-decreasing:
    rho = 0 is best), "amsgrad" if q >= p A there (B non-increasing: rho = 1 is best), else
    "undecided"."""
    moving = parts_.Delta > 0
    p, q, S = parts_.p[moving], parts_.q[moving], parts_.S[moving]
    if np.all(q <= p * S):
        return "avgrad"
    if np.all(q >= p * (S + parts_.Delta[moving])):
        return "amsgrad"
    return "undecided"


def witness_grads(T, delta, G_inf=1.0):
    """d = 1: g_1 = G_inf, g_t = delta G_inf for 2 <= t <= T."""
    g = np.full((T, 1), delta * G_inf, dtype=np.float64)
    g[0, 0] = G_inf
    return g


def numeric_witness(T, beta2, delta, alpha, D_inf=1.0, G_inf=1.0, grid=10001):
    """Minimise B over ``grid`` equally spaced rho in [0, 1] for the run ``witness_grads`` with
    beta1 = 0. Returns rho (the grid minimiser), B0, B1, Bmin and gain = (min(B0, B1) -
    Bmin) / min(B0, B1); on a grid the gain is a lower bound on the exact one."""
    prt = parts(witness_grads(T, delta, G_inf), beta2, np.zeros(T), D_inf, alpha)
    rhos = np.linspace(0.0, 1.0, grid)
    vals = B(prt, rhos)
    k = int(np.argmin(vals))
    best_end = min(vals[0], vals[-1])
    return {"rho": float(rhos[k]), "B0": float(vals[0]), "B1": float(vals[-1]),
            "Bmin": float(vals[k]), "gain": float((best_end - vals[k]) / best_end)}  # fmt: skip
