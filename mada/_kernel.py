r"""The MADA update, written once against an op table (``mada/_ops.py``).

Per element, at step :math:`t \ge 1`, with the step-:math:`(t-1)` state held in ``st``:

.. math::
    \delta_t &= g_t - g_{t-1}, \qquad \hat g_t = g_t + \beta_3 \delta_t \\
    \tilde g_t^2 &= c\,\hat g_t^2
        + (1-c)\big(v_{t-1} + \hat g_t^2\,\mathrm{sign}(\hat g_t^2 - v_{t-1})\big) \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
    n_t = \beta_3 n_{t-1} + (1-\beta_3)\delta_t, \quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\tilde g_t^2 \\
    \bar v_t &= \tfrac{(t-1)\bar v_{t-1} + v_t}{t} \ \text{(average)} \quad\text{or}\quad
               \max(\bar v_{t-1}, v_t) \ \text{(max)} \\
    \hat v_t &= \big(\rho v_t + (1-\rho)\bar v_t\big) / (1-\beta_2^t), \qquad
    A_t = m_t/(1-\beta_1^t) + \beta_3 n_t \\
    u_t &= \mathrm{sign}\big(\beta^L_1 \ell_{t-1} + (1-\beta^L_1) g_t\big), \qquad
    \ell_t = \beta^L_2 \ell_{t-1} + (1-\beta^L_2) g_t \\
    d_t &= \gamma A_t / (\sqrt{\hat v_t} + \epsilon) + (1-\gamma) u_t, \qquad
    x_t = x_{t-1}(1 - \alpha\lambda) - \alpha d_t

``advance`` computes the step-:math:`t` state, ``precondition`` the denominator, ``apply``
the parameter update, and ``contract`` the one-step hypergradient sums
:math:`\sum_i g_{t+1,i}\,\partial d_{t,i}/\partial q` (see ``mada/hyper.py``).
Branches test coefficient *values* only, so two calls with the same coefficients perform
the same arithmetic; the learned mode relies on that to replay a step bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Names of the per-parameter state buffers; each holds the quantity of the equation above.
BUFFERS = ("m", "n", "v", "v_bar", "ell", "g_prev")


@dataclass
class Forward:
    """The step-t state and, when asked for, the step-t terms the partials need."""

    m: list | None = None
    n: list | None = None
    v: list | None = None
    v_bar: list | None = None
    ell: list | None = None
    u: list | None = None
    terms: dict = field(default_factory=dict)


def bias_corrections(q, t, bias_correction):
    if not bias_correction:
        return 1.0, 1.0
    return 1.0 - q["beta1"] ** t, 1.0 - q["beta2"] ** t


def _upd(ops, inplace, name, xs, *args):
    """``ops.<name>_`` on ``xs`` in place, or the out-of-place ``ops.<name>``."""
    if inplace:
        getattr(ops, name + "_")(xs, *args)
        return xs
    return getattr(ops, name)(xs, *args)


def advance(ops, st, g, gp, q, t, *, long_memory, lion_betas, inplace, learned=(), partials=()):
    """Advance the state ``st`` (dict of lists or None) by the gradients ``g``.

    ``gp`` holds g_{t-1} where the Adan part is tracked. With ``inplace`` the buffers of
    ``st`` are overwritten; otherwise new tensors are returned and ``st`` is untouched.
    Branches depend on ``q`` and ``learned`` only; ``partials`` (a subset of ``learned``)
    names the coefficients whose step-t terms are kept in ``Forward.terms``.
    """
    out = Forward()
    terms = out.terms
    b1, b2, b3, c = q["beta1"], q["beta2"], q["beta3"], q["c"]

    if st["ell"] is not None:  # Lion: the sign uses ell_{t-1}, then ell is updated
        out.u = ops.sign(ops.lerp(st["ell"], g, 1.0 - lion_betas[0]))
        out.ell = _upd(ops, inplace, "lerp", st["ell"], g, 1.0 - lion_betas[1])
    if st["m"] is None:
        return out

    ghat = g
    if st["n"] is not None:
        delta = ops.sub(g, gp)
        if b3 != 0.0 or "beta3" in learned:
            ghat = ops.add(g, delta, alpha=b3)
        if "beta3" in partials:
            terms["n_prev_minus_delta"] = ops.sub(st["n"], delta)
            terms["delta"] = delta
        out.n = _upd(ops, inplace, "lerp", st["n"], delta, 1.0 - b3)
    terms["ghat"] = ghat
    if "beta1" in partials:
        terms["m_prev_minus_g"] = ops.sub(st["m"], g)
    out.m = _upd(ops, inplace, "lerp", st["m"], g, 1.0 - b1)

    if c != 1.0 or "c" in learned:
        ghat2 = ops.mul(ghat, ghat)
        diff = ops.sub(ghat2, st["v"])  # ĝ² − v_{t−1}: its sign is Yogi's switch
        s = ops.sign(diff)
        s_ghat2 = ops.mul(s, ghat2)
        gt2 = ops.add(st["v"], s_ghat2)  # v_{t−1} + ĝ² sign(ĝ² − v_{t−1})
        ops.lerp_(gt2, ghat2, c)  # c ĝ² + (1 − c)(v_{t−1} + ĝ² sign(·))
        if "c" in partials:
            terms["dgt2_dc"] = ops.sub(diff, s_ghat2)
        if "beta3" in partials:  # d g̃²/d ĝ² = c + (1 − c) sign(·)
            terms["yogi_slope"] = ops.mul_scalar(s, 1.0 - c)
            ops.add_scalar_(terms["yogi_slope"], c)
        if "beta2" in partials:
            terms["v_prev_minus_gt2"] = ops.sub(st["v"], gt2)
        v = _upd(ops, inplace, "mul_scalar", st["v"], b2)
        ops.add_(v, gt2, alpha=1.0 - b2)
    else:  # c == 1: Adam's arithmetic, as torch.optim.Adam does it
        if "beta2" in partials:
            terms["v_prev_minus_gt2"] = ops.sub(st["v"], ops.mul(ghat, ghat))
        v = _upd(ops, inplace, "mul_scalar", st["v"], b2)
        ops.addcmul_(v, ghat, ghat, value=1.0 - b2)
    out.v = v

    if st["v_bar"] is not None:
        if long_memory == "average":
            vb = _upd(ops, inplace, "mul_scalar", st["v_bar"], (t - 1) / t)
            ops.add_(vb, v, alpha=1.0 / t)
        else:
            if {"beta2", "beta3", "c"} & set(partials):  # d max(v̄, v)/dv = 1[v > v̄]
                terms["max_taken"] = [(x > y).to(x.dtype) for x, y in zip(v, st["v_bar"])]
            vb = st["v_bar"] if inplace else ops.clone(st["v_bar"])
            ops.maximum_(vb, v)
        out.v_bar = vb
    return out


def precondition(ops, fwd, q, t, *, eps, bias_correction, keep_root=False):
    """Return (den, root) with den = sqrt(v̂) + eps; root = sqrt(v̂) when ``keep_root``."""
    _, bc2 = bias_corrections(q, t, bias_correction)
    rho = q["rho"]
    w = fwd.v if fwd.v_bar is None or rho == 1.0 else ops.lerp(fwd.v_bar, fwd.v, rho)
    root = ops.sqrt(w)
    if bc2 != 1.0:
        ops.div_scalar_(root, bc2**0.5)  # as torch.optim.Adam: sqrt(v) / sqrt(1 - beta2^t)
    if keep_root:
        den = ops.clone(root)
        ops.add_scalar_(den, eps)
        return den, root, w
    ops.add_scalar_(root, eps)
    return root, None, w


def numerator(ops, fwd, q, t, *, bias_correction):
    """Return (A1, bc1) with A_t = A1 / bc1, i.e. A1 = m_t + beta3 * bc1 * n_t."""
    bc1, _ = bias_corrections(q, t, bias_correction)
    if fwd.n is None or q["beta3"] == 0.0:
        return fwd.m, bc1
    return ops.add(fwd.m, fwd.n, alpha=q["beta3"] * bc1), bc1


def apply(ops, params, fwd, q, t, *, lr, weight_decay, eps, bias_correction):
    """x_t = x_{t-1}(1 - lr*wd) - lr*d_t, the adaptive and Lion parts added separately."""
    if weight_decay != 0.0:
        ops.mul_scalar_(params, 1.0 - lr * weight_decay)
    gamma = q["gamma"]
    if fwd.m is not None and gamma != 0.0:
        den, _, _ = precondition(ops, fwd, q, t, eps=eps, bias_correction=bias_correction)
        a1, bc1 = numerator(ops, fwd, q, t, bias_correction=bias_correction)
        ops.addcdiv_(params, a1, den, value=-lr * gamma / bc1)
    if fwd.u is not None and gamma != 1.0:
        ops.add_(params, fwd.u, alpha=-lr * (1.0 - gamma))


def required_buffers(group):
    """The buffers a group's coefficients need: active or learned components only."""
    learned = set(group["learn"])
    gamma, b3, rho = group["gamma"], group["beta3"], group["rho"]
    adaptive = gamma != 0.0 or "gamma" in learned
    need = {
        "m": adaptive,
        "v": adaptive,
        "v_bar": adaptive and (rho != 1.0 or "rho" in learned),
        "n": adaptive and (b3 != 0.0 or "beta3" in learned),
        "ell": gamma != 1.0 or "gamma" in learned,
    }
    need["g_prev"] = need["n"]
    return tuple(k for k in BUFFERS if need[k])


def present_buffers(state):
    return tuple(k for k in BUFFERS if k in state)


def check_buffers(group, state):
    missing = [k for k in required_buffers(group) if k not in state]
    if missing:
        raise RuntimeError(
            f"the coefficients now need state {missing} that was not tracked from step 1 "
            "(a coefficient left its off value after state was created); start with the "
            "component on, e.g. rho=0.999 rather than 1, or learn the coefficient"
        )
