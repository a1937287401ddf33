"""Pieces shared by the stochastic nonconvex theorems of Défossez, Bottou, Bach & Usunier."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..algorithm import Algorithm
from ._assumptions import Constraint, in_range, whole_at_least

DEFOSSEZ_CONSTRAINTS = (
    in_range("alpha", 0, lo_open=True),
    in_range("eps", 0, lo_open=True),
    Constraint("R", "R >= sqrt(eps)", ("R", "eps"), lambda r, e: r >= sp.sqrt(e)),
    in_range("L", 0),
    in_range("Delta", 0),
    whole_at_least("T"),
    whole_at_least("d"),
)

#: Défossez et al.'s iteration: weighted sums m_n = beta1 m_{n-1} + g_n and
#: v_n = beta2 v_{n-1} + g_n^2 (no (1 - beta) factors), x_n = x_{n-1} - alpha_n m_n /
#: sqrt(eps + v_n), unprojected; each theorem fixes its step size and constants.
DEFOSSEZ = Algorithm("Défossez et al.'s Adam/Adagrad iteration", moments="sum",
                     eps_placement="inside", projected=False)  # fmt: skip

STATIONARITY = (
    "E||grad F(x_tau)||_2^2 with tau in {0..T-1}, P[tau = j] proportional to "
    "1 - beta1**(T - j) (uniform when beta1 = 0), from Trace.full_grad_sq_norms"
)


def nonconvex_run_values(trace, c, *, alpha_from_step):
    """Observed constants of a run; ``c`` overrides. L, Delta and eps must be given.

    R defaults to max(Trace.G_inf(), sqrt(eps)) (the paper asks R >= sqrt(eps)); beta1 to
    ``trace.beta1[0]``; alpha to ``alpha_from_step(trace.alpha[0], beta1)``.
    """
    missing = [n for n in ("L", "Delta", "eps") if n not in c]
    if missing:
        raise ValueError(f"data_bound needs {missing} (the trace does not record them)")
    b1 = float(c.get("beta1", trace.beta1[0]))
    vals = {"T": trace.T, "d": trace.d, "beta1": b1,
            "R": max(trace.G_inf(), math.sqrt(float(c["eps"]))),
            "alpha": alpha_from_step(float(trace.alpha[0]), b1)}  # fmt: skip
    vals.update(c)
    return vals


def stationarity(trace, c):
    """Weighted mean of ||grad F(x_j)||^2, j = 0..T-1, weights 1 - beta1**(T - j).

    The weights are Défossez et al.'s sampling of tau as remembered (its display equation
    could not be read; its prose matches: uniform for beta1 = 0, the last ~1/(1 - beta1)
    iterates rarely sampled).
    """
    if trace.full_grad_sq_norms is None:
        raise ValueError("the stationarity measure needs full_grad_sq_norms")
    b1 = float(c.get("beta1", trace.beta1[0]))
    w = 1.0 - b1 ** (trace.T - np.arange(trace.T, dtype=np.float64))
    return float(np.sum(w * trace.full_grad_sq_norms) / np.sum(w))
