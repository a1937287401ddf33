"""Pieces shared by this package's own regret theorems (AVGrad and its interpolations)."""

from __future__ import annotations

import numpy as np

from ._core import in_range, whole_at_least
from ._evaluate import run_data

OWN_ONLINE_CONSTRAINTS = (
    in_range("alpha", 0, lo_open=True),
    in_range("beta1", 0, 1, hi_open=True),
    in_range("beta2", 0, 1, lo_open=True, hi_open=True),  # no condition beta1 < sqrt(beta2)
    in_range("D_inf", 0),
    in_range("G_inf", 0),
    whole_at_least("T"),
    whole_at_least("d"),
)

AVGRAD = {
    "name": "AVGrad (MADA's rho = 0 corner, long_memory='average'), no bias correction",
    "long_memory": "average",  # vhat_t = (1/t) sum_{s<=t} v_s, v_0 = 0
    "rho": 0.0,  # MADA's interpolation coefficient at the AVGrad corner
    "lr_schedule": "inv_sqrt",  # alpha_t = alpha / sqrt(t)
    "bias_correction": False,
    "eps": 0.0,  # the analysis has no epsilon (0/0 := 0 while all gradients are 0)
    "projection": "x_{t+1} = Pi_{F, sqrt(Vhat_t)}(x_t - alpha_t m_t / sqrt(vhat_t))",
    "first_moment": "m_t = beta_1t m_{t-1} + (1 - beta_1t) g_t, 0 <= beta_1t <= beta1 < 1",
    "second_moment": "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2",
    "v_hat": "vhat_t = (1/t) sum_{s<=t} v_s",
}


def source(theorem_id):
    return f"this package: proofs/{theorem_id}.py"


STATUS = "proved in this package (proof: see source)"


def own_online_values(trace, c, needs=()):
    """Observed constants of a run; ``c`` overrides any of them.

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
    """g, m, v, Sv, vmax, beta1t from ``trace.grads``, ``c["beta2"]`` and ``trace.beta1``."""
    return run_data(trace.grads, float(c["beta2"]), trace.beta1)
