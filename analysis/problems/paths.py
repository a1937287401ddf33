r"""Coefficient-path counterexamples: a learned-coefficient rule and a Reddi-style loss
sequence on which the meta-optimizer's regret grows linearly.

:func:`sign_switching_rho` is bang-bang hypergradient descent on MADA's :math:`\rho` (the
weight of Adam's :math:`v_t` in :math:`\hat v_t = \rho_t v_t + (1-\rho_t)\bar v_t`): with
:math:`\beta_1 = 0` the hypergradient :math:`\partial f_t(x_t)/\partial\rho_{t-1}` is
:math:`g_t m_{t-1}` times :math:`\alpha_{t-1}(v_{t-1} - \bar v_{t-1})/(2\hat v_{t-1}^{3/2})`;
projected descent with a large meta step :math:`\kappa` saturates at an end of
:math:`[0, \rho_{hi}]`, here written with the sign of :math:`g_t m_{t-1}` alone (the rule
raises :math:`\rho` when the gradient reverses). Every :math:`\rho_t` lies in the box
:math:`[0, \rho_{hi}]`, :math:`\rho_{hi} < 1`, so each :math:`\hat v_t \ge (1-\rho_{hi})\bar v_t`;
what the path breaks is the safe set's monotonicity of :math:`\sqrt{\hat v_t}/\alpha_t`
(``coefficient_path_regret``): right after the large gradient :math:`\hat v` drops to the
average, and the two small wrong-way steps are long.

    >>> p = reddi3_switching()
    >>> p.name, p.config["path"](2, np.array([[-1.0]]), np.array([[3.0]])).get("rho").tolist()
    ('reddi3_switching(C=3, rho_hi=0.9)', [[0.9]])
"""

from __future__ import annotations

import numpy as np

from .online import reddi3


def sign_switching_rho(rho_hi=0.9):
    r"""The path :math:`\rho_t = \rho_{hi}` if :math:`g_t m_{t-1} < 0`, else 0 (per coordinate)."""
    if not 0 <= rho_hi <= 1:
        raise ValueError(f"rho_hi must lie in [0, 1], got {rho_hi}")

    def path(t, g, m):
        return {"rho": np.where(g * m < 0, float(rho_hi), 0.0)}

    return path


def reddi3_switching(C=3.0, rho_hi=0.9, alpha=0.5, beta2=0.1, B=1):
    r"""Reddi et al.'s :math:`f_t(x) = Cx` (:math:`t \bmod 3 = 1`), else :math:`-x`, on
    :math:`[-1, 1]`, with ``config``: MADA's Adam/AVGrad interpolation, :math:`\beta_1 = 0`,
    :math:`\alpha_t = \alpha/\sqrt t`, :math:`\rho_t` from :func:`sign_switching_rho`.
    Add ``"safeguard": True`` to the config for the safeguarded run."""
    p = reddi3(C=C, B=B)
    p.name = f"reddi3_switching(C={float(C):g}, rho_hi={float(rho_hi):g})"
    p.config = {"alpha": float(alpha), "beta1": 0.0, "beta2": float(beta2),
                "lr_schedule": "inv_sqrt", "long_memory": "average", "rho": 0.0,
                "path": sign_switching_rho(rho_hi)}  # fmt: skip
    return p
