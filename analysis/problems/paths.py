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

:func:`reddi3_momentum_switching` is the same rule on :math:`\beta_1` instead: it shows that
no safe set can contain a learned :math:`\beta_{1t} \in [0, \beta_{1,hi}]`,
:math:`\beta_{1,hi} > 1/2`, even with the safeguard (its docstring has the proof).
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


def sign_switching_beta1(beta1_hi=0.9):
    r"""The path :math:`\beta_{1t} = \beta_{1,hi}` if :math:`g_t m_{t-1} < 0`, else 0 (per
    coordinate): trust the momentum when the gradient reverses, as :func:`sign_switching_rho`
    raises :math:`\rho`."""
    if not 0 <= beta1_hi < 1:
        raise ValueError(f"beta1_hi must lie in [0, 1), got {beta1_hi}")

    def path(t, g, m):
        return {"beta1": np.where(g * m < 0, float(beta1_hi), 0.0)}

    return path


def reddi3_momentum_switching(C=3.0, beta1_hi=0.9, alpha=0.5, beta2=0.1, B=1, period=3):
    r"""Reddi's losses one phase later, :math:`f_t(x) = Cx` if :math:`t \bmod 3 = 0`, else
    :math:`-x`, on :math:`[-1, 1]` from :math:`x_1 = 0` (:math:`x^\star = -1` for
    :math:`C > 2`), with ``config``: the **safeguarded** AVGrad path (:math:`\rho_t = 0`, the
    most conservative :math:`\hat v`; any :math:`\beta_{2t}, \rho_t` in the box do the same),
    :math:`\alpha_t = \alpha/\sqrt t` and :math:`\beta_{1t}` from
    :func:`sign_switching_beta1`.

    **Proposition** (a learned :math:`\beta_{1t}` in a box is not safe). If :math:`2 < C <
    \beta_{1,hi}/(1-\beta_{1,hi})` (so :math:`\beta_{1,hi} > 2/3`), then safeguarded or not
    :math:`x_t = 1` for all :math:`t \ge t_0` and :math:`R_T/T \to 2(C-2)/3`
    (:func:`momentum_switching_regret_rate`). Period :math:`n` (:math:`n-1` gradients
    :math:`-1`, then :math:`C`) works the same way whenever :math:`n - 1 < C <
    \beta_{1,hi}/(1-\beta_{1,hi})`, with limit :math:`2(C-n+1)/n`: with :math:`n = 2`, for
    every :math:`\beta_{1,hi} > 1/2` (``period=2``; measured 0.300 at :math:`\beta_{1,hi} =
    0.6`, :math:`C = 1.3`, :math:`T = 4000` and :math:`16000`).

    Proof. :math:`m_t < 0` for every :math:`t` by induction: :math:`m_0 = 0`, so
    :math:`\beta_{11} = 0` and :math:`m_1 = -1`; after a :math:`-1` gradient
    :math:`g_t m_{t-1} > 0`, so :math:`\beta_{1t} = 0` and :math:`m_t = -1`; at a :math:`C`
    gradient :math:`m_{t-1} = -1`, :math:`\beta_{1t} = \beta_{1,hi}` and :math:`m_t =
    -\beta_{1,hi} + (1-\beta_{1,hi})C < 0`. With :math:`\hat v_t \le C^2` (S3 of the box,
    safeguard or not) every step moves :math:`x` up by at least :math:`\alpha_t
    \min(1, \beta_{1,hi} - (1-\beta_{1,hi})C)/C` until the projection holds it at 1, and
    :math:`\sum_t \alpha/\sqrt t` diverges: :math:`x_t = 1` from some :math:`t_0` on.
    Each later period then costs :math:`(C - 2)\cdot 2` against :math:`x^\star = -1`. The
    path never leaves the coefficient box, and the safeguard acts on :math:`\hat v` only, so
    it cannot help: the momentum's sign is wrong for ever. It is the regret chain's momentum
    step that fails: ``coefficient_path_regret`` needs :math:`\beta_{1t} = \beta_1
    \lambda^{t-1}` (``avgrad_regret_constant_beta1``: a constant :math:`\beta_1`), and on
    these losses a constant :math:`\beta_1 = \beta_{1,hi}` converges to :math:`x^\star`.
    The rule keeps whatever sign the momentum starts with: in Reddi's own phase the first
    gradient is :math:`C`, :math:`m` stays positive and the run converges, so the phase
    (the adversary's choice) is part of the construction.

        >>> p = reddi3_momentum_switching()
        >>> p.name, p.config["safeguard"], momentum_switching_regret_rate(3.0)
        ('reddi3_momentum_switching(C=3, beta1_hi=0.9)', True, 0.6666666666666666)
    """
    if not (isinstance(period, int) and period >= 2):
        raise ValueError(f"period must be an integer >= 2, got {period!r}")
    if not period - 1 < C < beta1_hi / (1 - beta1_hi):
        raise ValueError(f"C must lie in (period - 1, beta1_hi/(1 - beta1_hi)) = "
                         f"({period - 1}, {beta1_hi / (1 - beta1_hi):g}), got {C}")  # fmt: skip
    from .online import OnlineLinear

    C = float(C)
    suffix = "" if period == 3 else f", period={period}"
    p = OnlineLinear(lambda t: C if t % period == 0 else -1.0, 1.0, B=B, d=1, G_inf=max(C, 1.0),
                     name=f"reddi3_momentum_switching(C={C:g}, beta1_hi={beta1_hi:g}{suffix})",
                     x0=np.zeros((B, 1)))  # fmt: skip
    p.config = {"alpha": float(alpha), "beta1": 0.0, "beta2": float(beta2),
                "lr_schedule": "inv_sqrt", "long_memory": "average", "rho": 0.0,
                "safeguard": True, "path": sign_switching_beta1(beta1_hi)}  # fmt: skip
    return p


def momentum_switching_regret_rate(C, period=3):
    r"""The limit :math:`2(C-n+1)/n` of :math:`R_T/T` in :func:`reddi3_momentum_switching`
    (period :math:`n`)."""
    return 2.0 * (float(C) - period + 1.0) / period
