"""Pieces shared by the online-convex (regret) theorems: AMSGrad's (published) and AVGrad's
(this package's own): their constraint sets, algorithms, run readers and lower bound."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..algorithm import Algorithm
from ..symbols import D_inf, G_inf, T, alpha, beta1, beta2, d
from ._assumptions import Constraint, in_range, whole_at_least
from ._core import LowerBound
from ._evaluate import run_data

gamma = beta1 / sp.sqrt(beta2)

#: Minimax lower bound of online linear optimisation on a box, for any algorithm.
OLO_LOWER = LowerBound(
    expr=d * D_inf * G_inf * sp.sqrt(T) / (2 * sp.sqrt(2)),
    statement="For every algorithm playing in a box of l_inf side D_inf in R^d and every T there "
    "are linear losses with ||g_t||_inf <= G_inf whose regret is at least d D_inf G_inf "
    "sqrt(T) / (2 sqrt 2): with i.i.d. random signs g_{t,i} = +-G_inf the algorithm's expected "
    "loss is 0 and the comparator's is -(D_inf/2) G_inf sum_i E|sum_t eps_{t,i}| <= "
    "-(D_inf/2) G_inf d sqrt(T/2) (Khintchine's inequality with Szarek's constant 1/sqrt 2). "
    "Per coordinate (d = 1, where l_2 and l_inf agree) this is Orabona's Theorem 5.1, "
    "D L sqrt(2T)/4 with diameter D and ||g_t||_2 <= L; the box is a product of such "
    "problems and its comparator separates over coordinates.",
    source="F. Orabona, A Modern Introduction to Online Learning, arXiv:1912.13213, Thm 5.1 "
    "(lower bound for bounded OLO); J. Abernethy, P. Bartlett, A. Rakhlin, A. Tewari, Optimal "
    "strategies and minimax lower bounds for online convex games, COLT 2008",
)


#: Third term common to Reddi et al.'s Theorem 4 / Corollary 1 and Tran & Phong's Theorem 4.1
#: (the lemma bounding sum_t alpha_t ||V_t^{-1/4} m_t||^2), times sum_i ||g_{1:T,i}||_2.
def third_coefficient(T):
    return alpha * sp.sqrt(1 + sp.log(T)) / ((1 - beta1) ** 2 * (1 - gamma) * sp.sqrt(1 - beta2))


AMSGRAD_CONSTRAINTS = (
    in_range("alpha", 0, lo_open=True),
    in_range("beta1", 0, 1, hi_open=True),
    in_range("beta2", 0, 1, lo_open=True, hi_open=True),
    Constraint(
        "gamma",
        "gamma = beta1/sqrt(beta2) < 1",
        ("beta1", "beta2"),
        lambda b1, b2: b1 / sp.sqrt(b2) < 1,
    ),
    in_range("D_inf", 0),
    in_range("G_inf", 0),
    whole_at_least("T"),
    whole_at_least("d"),
)

#: Reddi et al.'s Algorithm 2 (vhat_t = max(vhat_{t-1}, v_t), v_0 = vhat_0 = 0), with MADA's
#: rho = 0 (the AMSGrad corner) and no epsilon in the analysis; the schedule of beta_1t is
#: each theorem's.
AMSGRAD = Algorithm("AMSGrad (Reddi et al. 2018, Algorithm 2)", long_memory="max",
                    lr_schedule="inv_sqrt", rho=0.0, eps=0.0)  # fmt: skip

#: This package's own regret theorems: no condition beta1 < sqrt(beta2).
OWN_ONLINE_CONSTRAINTS = (
    in_range("alpha", 0, lo_open=True),
    in_range("beta1", 0, 1, hi_open=True),
    in_range("beta2", 0, 1, lo_open=True, hi_open=True),
    in_range("D_inf", 0),
    in_range("G_inf", 0),
    whole_at_least("T"),
    whole_at_least("d"),
)

#: AVGrad (MADA's rho = 0 corner, vhat_t = (1/t) sum_{s<=t} v_s), alpha_t = alpha / sqrt(t),
#: no bias correction and no epsilon (0/0 := 0 while all gradients are 0).
AVGRAD = Algorithm("AVGrad (MADA's rho = 0 corner), no bias correction",
                   long_memory="average", lr_schedule="inv_sqrt", rho=0.0, eps=0.0)  # fmt: skip


def own_online_values(trace, c, needs=()):
    """Observed constants of a run for this package's own regret theorems; ``c`` overrides
    any of them.

    alpha defaults to ``trace.alpha[0]`` (alpha_1 = alpha / sqrt 1), beta1 to
    ``max(trace.beta1)`` (the theorems need beta_1t <= beta1), D_inf to
    ``trace.D_inf("x_star")``, G_inf to ``trace.G_inf()``. beta2 and the names in ``needs``
    (e.g. rho) must be given: the trace does not record them.
    """
    missing = [n for n in ("beta2", *needs) if n not in c]
    if missing:
        raise ValueError(f"data_bound needs {missing} (the trace does not record them)")
    vals = {"T": trace.T, "d": trace.d, "alpha": float(trace.alpha[0]),
            "beta1": float(np.max(trace.beta1)), "G_inf": trace.G_inf()}  # fmt: skip
    if trace.x_star is not None:
        vals["D_inf"] = trace.D_inf("x_star")
    vals.update(c)
    return vals


def own_run_data(trace, c):
    """g, m, v, Sv, vmax, beta1t (:data:`analysis.symbols.RUN_DATA`) from ``trace.grads``,
    ``c["beta2"]`` and ``trace.beta1``."""
    return run_data(trace.grads, float(c["beta2"]), trace.beta1)


def own_online_readers(needs=(), **override):
    """How this package's own regret theorems read a run, as ``Theorem`` keyword arguments:
    ``run_values`` (:func:`own_online_values`, asking for ``needs``), ``measure`` (the
    regret), ``measured_quantity`` and ``run_data`` (:func:`own_run_data`); ``override``
    replaces any of them."""

    def run_values(trace, c):
        return own_online_values(trace, c, needs=needs)

    return {"run_values": run_values if needs else own_online_values, "measure": regret,
            "measured_quantity": REGRET, "run_data": own_run_data, **override}  # fmt: skip


def online_run_values(trace, c):
    """Observed constants and aggregates of an AMSGrad run; ``c`` overrides any of them.

    alpha defaults to ``trace.alpha[0]`` (alpha_1 = alpha / sqrt 1), beta1 to
    ``trace.beta1[0]`` (beta_11 = beta1), D_inf to ``trace.D_inf("x_star")``, G_inf to
    ``trace.G_inf()``; lam (geometric schedules) to ``beta1[1] / beta1[0]``.
    beta2 must be given.
    """
    if "beta2" not in c:
        raise ValueError("data_bound needs beta2 (the trace does not record it)")
    vals = {
        "T": trace.T,
        "d": trace.d,
        "alpha": float(trace.alpha[0]),
        "beta1": float(trace.beta1[0]),
        "G_inf": trace.G_inf(),
        "S_vhat": trace.sum_sqrt_vhat_T(),
        "S_g": trace.sum_grad_norms(),
        "S_mom": trace.momentum_sum(),
    }
    if trace.x_star is not None:
        vals["D_inf"] = trace.D_inf("x_star")
    if trace.T >= 2 and trace.beta1[0] > 0:
        vals["lam"] = float(trace.beta1[1] / trace.beta1[0])
    vals.update(c)
    return vals


def regret(trace, c):
    return trace.regret


REGRET = "the regret R_T = sum_t f_t(x_t) - min_x sum_t f_t(x) (Trace.regret)"


def lemma43_t0(trace, rtol=1e-12):
    r"""Smallest :math:`t_0 \ge 1` with Tran & Phong's Lemma 4.3 inequality for every
    :math:`t_0 < t \le T` on this run:
    :math:`\sqrt{(t-1)\hat v_{t-1,i}}/(1-\beta_{1,t-1}) \le \sqrt{t\,\hat v_{t,i}}/(1-\beta_{1,t})`.
    """
    t = np.arange(1, trace.T + 1, dtype=np.float64)[:, None]
    side = np.sqrt(t * trace.v_hat) / (1.0 - trace.beta1[:, None])
    fails = np.any(side[:-1] > side[1:] * (1 + rtol), axis=1)  # row k: t = k + 2
    bad = np.nonzero(fails)[0]
    return 1 if bad.size == 0 else int(bad[-1] + 2)


__all__ = [
    "AMSGRAD",
    "AMSGRAD_CONSTRAINTS",
    "AVGRAD",
    "OLO_LOWER",
    "OWN_ONLINE_CONSTRAINTS",
    "REGRET",
    "gamma",
    "lemma43_t0",
    "online_run_values",
    "own_online_readers",
    "own_online_values",
    "own_run_data",
    "regret",
    "third_coefficient",
]  # fmt: skip
