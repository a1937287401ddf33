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


def alternating_constant_step(alpha=0.1, G=1.0, D=1.0, beta2_hi=0.5, B=1):
    r"""The constant-step counterexample: :math:`f_t(x) = G x` for odd :math:`t`, :math:`-Gx`
    for even :math:`t`, on :math:`[-D, D]`, :math:`x_1 = 0`, with ``config``: the
    coefficient-path iteration at a **constant** :math:`\alpha_t = \alpha`,
    :math:`\beta_1 = 0`, safeguarded (add a ``path`` in the box :math:`\beta_{2t} \le
    \beta_{2,hi}`, any :math:`\rho_t \in [0, 1]`).

    **Proposition** (no :math:`o(T)` regret with a constant step, whatever the path). If
    :math:`2\alpha \le D\sqrt{1-\beta_{2,hi}}`, then for every such path and every :math:`T`

    .. math:: R_T \ge \lfloor T/2 \rfloor\,\alpha G \quad
              (:func:`constant_step_regret_lower`).

    Proof. Every :math:`\hat v_t` is a maximum of convex combinations of quantities
    :math:`\le G^2`, so :math:`\hat v_t \le G^2`; at a constant step the safeguard is
    AMSGrad's max, so :math:`\hat v_t` is non-decreasing and the steps
    :math:`a_t = \alpha G/\sqrt{\hat v_t}` are non-increasing, with :math:`a_1 = \alpha
    G/\sqrt{(1-\beta_{21})G^2} \le \alpha/\sqrt{1-\beta_{2,hi}}`. Unprojected,
    :math:`x_{2k+1} = -\sum_{j \le k}(a_{2j-1} - a_{2j}) \in [-a_1, 0]` and :math:`x_{2k} =
    x_{2k-1} - a_{2k-1} \in [-2a_1, 0] \subset [-D, D]`: the projection never acts. Against
    any comparator a pair of rounds costs 0 (:math:`\sum_t g_t = 0` over the pair), while
    the iterates pay :math:`G(x_{2k-1} - x_{2k}) = G a_{2k-1} \ge \alpha G` (as
    :math:`\hat v \le G^2`); a last odd round pays :math:`G x_T \cdot 1 - G x^\star \ge
    0` against :math:`x^\star = -D`. So the regret grows linearly and no bound of order
    :math:`\sqrt T` holds with a constant :math:`\alpha` (``coefficient_path_regret``
    needs :math:`\alpha_t = \alpha/\sqrt t`). It is the online-gradient-descent fact
    that a fixed step cannot track alternating losses; the adaptive preconditioner cannot
    shrink the step below :math:`\alpha/G` because :math:`\hat v \le G^2`.

        >>> p = alternating_constant_step()
        >>> p.name, p.config["lr_schedule"], constant_step_regret_lower(5, 0.1, 1.0)
        ('alternating_constant_step(alpha=0.1, G=1)', 'constant', 0.2)
    """
    if not 2 * alpha <= D * np.sqrt(1 - beta2_hi):
        raise ValueError(f"alpha must be at most D sqrt(1 - beta2_hi)/2 = "
                         f"{D * np.sqrt(1 - beta2_hi) / 2:g} (iterates inside the box), "
                         f"got {alpha}")  # fmt: skip
    from .online import OnlineLinear

    sign = float(G) * np.array([[1.0], [-1.0]])
    p = OnlineLinear(lambda t: np.broadcast_to(sign[(t - 1) % 2], (B, 1)), float(D), B=B,
                     d=1, G_inf=float(G), name=f"alternating_constant_step(alpha={alpha:g}, "
                     f"G={G:g})", x0=np.zeros((B, 1)))  # fmt: skip
    p.config = {"alpha": float(alpha), "beta1": 0.0, "beta2": float(beta2_hi),
                "lr_schedule": "constant", "long_memory": "average", "rho": 0.0,
                "safeguard": True}  # fmt: skip
    return p


def constant_step_regret_lower(T, alpha, G):
    r"""The proposition's :math:`\lfloor T/2 \rfloor\,\alpha G`
    (:func:`alternating_constant_step`)."""
    return (int(T) // 2) * float(alpha) * float(G)
