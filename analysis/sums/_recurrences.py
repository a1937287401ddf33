r"""The run data's recurrences, written once: :data:`RECURRENCES` says how each array follows
from the gradients, :func:`run_data` runs them over a stored run (all steps at once) and
:class:`analysis.sums.RunState` one step at a time while training.

From :math:`x_0 = 0`, with :math:`\beta_2` fixed and :math:`\beta_{1t}` per step:

* ``m``: :math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`;
* ``v``: :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`;
* ``Sv``: :math:`Sv_t = \sum_{s \le t} v_s`; ``vmax``: :math:`vmax_t = \max_{s \le t} v_s`.

Both runners apply the same operations in the same order to each entry (a product, then a
sum), so they differ only where the batched scan groups the products of coefficients
differently (:func:`linear_scan`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: The float type of the run data and of every batched sum: long double when it is the x87
#: extended format (a 15-bit exponent), else float64.
WIDE = np.longdouble if np.finfo(np.longdouble).maxexp >= 16384 else np.float64


@dataclass(frozen=True)
class Recurrence:
    """``"linear"``: :math:`x_t = c_t x_{t-1} + drive(g_t, c_t)` with :math:`c` the
    coefficient named ``coef``; ``"sum"`` / ``"max"``: the running sum / max of ``of``."""

    kind: str
    coef: str | None = None
    drive: Callable | None = None
    of: str | None = None


RECURRENCES = {  # in an order in which every array follows the ones it reads
    "m": Recurrence("linear", coef="beta1t", drive=lambda g, c: (1 - c) * g),
    "v": Recurrence("linear", coef="beta2", drive=lambda g, c: (1 - c) * g * g),
    "Sv": Recurrence("sum", of="v"),
    "vmax": Recurrence("max", of="v"),
}


def closure(names):
    """``names`` with every array they are computed from (v for Sv, vmax)."""
    out = set(names)
    for name in reversed(RECURRENCES):
        if name in out and RECURRENCES[name].of:
            out.add(RECURRENCES[name].of)
    return out


def linear_scan(a, b):
    r""":math:`x_t = a_t x_{t-1} + b_t` along axis 0 with :math:`x_0 = 0`, for all t at once.

    Hillis-Steele doubling: :math:`\lceil \log_2 T \rceil` vectorised passes, only products
    and sums of the inputs (stable for coefficients in [0, 1], no division).

    >>> linear_scan(np.full(4, 0.5), np.array([1.0, 0.0, 2.0, 0.0])).astype(float).tolist()
    [1.0, 0.5, 2.25, 1.125]
    """
    x = np.array(b, dtype=WIDE)
    coef = np.array(np.broadcast_to(a, x.shape), dtype=WIDE)
    k = 1
    while k < x.shape[0]:
        x[k:] = coef[k:] * x[:-k] + x[k:]
        coef[k:] = coef[k:] * coef[:-k]
        k *= 2
    return x


def run_data(grads, beta2, beta1t):
    r"""The run data from the gradients ``(T, d)`` or ``(B, T, d)``, :math:`\beta_2` and the
    momentum coefficients ``beta1t`` ``(T,)``: g, m, v, Sv, vmax and beta1t, every array in
    :data:`WIDE`, by :data:`RECURRENCES` with :func:`linear_scan` (no Python loop over t).

    >>> data = run_data(np.array([[1.0, 2.0], [3.0, 0.0]]), beta2=0.5, beta1t=np.zeros(2))
    >>> data["v"].astype(float).tolist(), data["Sv"].astype(float).tolist()
    ([[0.5, 2.0], [4.75, 1.0]], [[0.5, 2.0], [5.25, 3.0]])
    """
    g = np.asarray(grads, dtype=WIDE)
    b1 = np.asarray(beta1t, dtype=WIDE)
    if g.ndim not in (2, 3) or b1.shape != g.shape[-2:-1]:
        raise ValueError(f"grads must be (T, d) or (B, T, d) and beta1t (T,), got {g.shape}, "
                         f"{b1.shape}")  # fmt: skip
    gt = np.moveaxis(g, -2, 0)  # the scans run along axis 0
    coefs = {"beta2": WIDE(float(beta2)), "beta1t": b1.reshape((-1,) + (1,) * (gt.ndim - 1))}
    out = {"g": g}
    for name, r in RECURRENCES.items():
        if r.kind == "linear":
            c = coefs[r.coef]
            out[name] = np.moveaxis(linear_scan(c, r.drive(gt, c)), 0, -2)
        else:
            running = np.cumsum if r.kind == "sum" else np.maximum.accumulate
            out[name] = running(out[r.of], axis=-2)
    return {**out, "beta1t": b1}
