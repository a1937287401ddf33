r"""One-step hypergradient descent on the MADA coefficients, computed analytically.

At step :math:`t+1` every learned :math:`q \in \{\beta_1,\beta_2,\beta_3,\rho,c,\gamma\}` takes

.. math::
    h_q = \frac{\partial f(x_t;\xi_{t+1})}{\partial q}
        = -\alpha_t \sum_{\text{params}} \langle g_{t+1}, \partial d_t / \partial q \rangle,
    \qquad b_q \leftarrow \mu_q b_q + \mathrm{clip}(h_q), \qquad
    q \leftarrow \min(hi_q, \max(lo_q, q - \eta_q b_q)),

with :math:`d_t` differentiated through the step-t recurrences, the step-(t−1) state held
fixed, bias corrections differentiated, sign(·) contributing 0, and max(·) contributing
:math:`1[v_t > \bar v_{t-1}]`. With :math:`P = \gamma/(\sqrt{\hat v}+\epsilon)`,
:math:`K = -\gamma A /(2\sqrt{\hat v}(\sqrt{\hat v}+\epsilon)^2)` and
:math:`M = \partial(\rho v + (1-\rho)\bar v)/\partial v`:

.. math::
    \partial_\gamma d &= A/(\sqrt{\hat v}+\epsilon) - u, \qquad
    \partial_{\beta_1} d = P\Big(\tfrac{m_{t-1}-g_t}{1-\beta_1^t}
        + \tfrac{t\beta_1^{t-1} m_t}{(1-\beta_1^t)^2}\Big), \\
    \partial_{\beta_3} d &= P\big(n_t + \beta_3 (n_{t-1} - \delta_t)\big)
        + K M \tfrac{1-\beta_2}{1-\beta_2^t}\,(c + (1-c)s)\,2\hat g_t\delta_t, \\
    \partial_c d &= K M \tfrac{1-\beta_2}{1-\beta_2^t}\,(\hat g_t^2 - v_{t-1} - s\hat g_t^2), \qquad
    \partial_\rho d = K \tfrac{v_t - \bar v_t}{1-\beta_2^t}, \\
    \partial_{\beta_2} d &= K\Big(M\tfrac{v_{t-1} - \tilde g_t^2}{1-\beta_2^t}
        + \tfrac{t\beta_2^{t-1}(\rho v_t + (1-\rho)\bar v_t)}{(1-\beta_2^t)^2}\Big),

where :math:`s = \mathrm{sign}(\hat g_t^2 - v_{t-1})`. Coordinates with :math:`\hat v = 0`
contribute 0 (the square root has no derivative there). Under torch.distributed the
stacked hypergradients of all groups cost one all-reduce (mean) of a few scalars per step.
"""

from __future__ import annotations

import math

import torch
import torch.distributed as dist

from . import _kernel, _validate

HYPER_KEYS = ("learn", "hyper_lr", "hyper_momentum", "hyper_clip", "bounds")


def coefficients(group):
    b1, b2 = group["betas"]
    return {"beta1": b1, "beta2": b2, "beta3": group["beta3"], "rho": group["rho"],
            "c": group["c"], "gamma": group["gamma"]}  # fmt: skip


def _set(group, name, value):
    if name in ("beta1", "beta2"):
        b = list(group["betas"])
        b[name == "beta2"] = value
        group["betas"] = tuple(b)
    else:
        group[name] = value


def check_group(group):
    """Validate the hypergradient settings of a group; add its hyper state."""
    v = _validate
    learned = v.learn_names(group["learn"])
    group["learn"] = learned
    group["hyper_lr"] = v.per_coefficient(
        "hyper_lr", group["hyper_lr"], v.DEFAULT_HYPER_LR, learned, v.nonnegative
    )
    mom = group["hyper_momentum"]
    mom = v.DEFAULT_HYPER_MOMENTUM if mom is None else mom
    group["hyper_momentum"] = v.per_coefficient(
        "hyper_momentum", mom, dict.fromkeys(v.COEFFICIENTS, 0.0), learned, v.momentum
    )
    if group["hyper_clip"] is not None:
        group["hyper_clip"] = v.nonnegative("hyper_clip", group["hyper_clip"])
    group["bounds"] = v.bounds(group["bounds"], learned, coefficients(group))
    group.setdefault("hyper_buf", dict.fromkeys(learned, 0.0))
    group.setdefault("hypergrad", {})
    group.setdefault("q_prev", None)
    group.setdefault("lr_prev", None)


def contract(ops, fwd, G, group, t):
    """Per-tensor sums of G * dd_t/dq for the learned q (the -lr_t factor left out)."""
    q, learned = group["q_prev"], group["learn"]
    bc = group["bias_correction"]
    bc1, bc2 = _kernel.bias_corrections(q, t, bc)
    gamma, b1, b2, b3, rho = q["gamma"], q["beta1"], q["beta2"], q["beta3"], q["rho"]
    terms = fwd.terms

    def dots(xs, ys):
        return torch.stack(ops.dot(xs, ys))

    out = {}
    if fwd.m is None:  # gamma == 0 and not learned: d = u depends on nothing learned
        zero = torch.zeros(len(G), dtype=G[0].dtype, device=G[0].device)
        return {k: zero for k in learned}
    den, root, w = _kernel.precondition(ops, fwd, q, t, eps=group["eps"],
                                        bias_correction=bc, keep_root=True)  # fmt: skip
    a1, _ = _kernel.numerator(ops, fwd, q, t, bias_correction=bc)
    gd = ops.div(G, den)  # g_{t+1} / (sqrt(v̂) + eps)
    if "gamma" in learned:
        out["gamma"] = dots(gd, a1) / bc1
        if fwd.u is not None:
            out["gamma"] = out["gamma"] - dots(G, fwd.u)
    if "beta1" in learned:
        val = dots(gd, terms["m_prev_minus_g"]) / bc1
        if bc:
            val = val + dots(gd, fwd.m) * (t * b1 ** (t - 1) / bc1**2)
        out["beta1"] = gamma * val
    if "beta3" in learned:
        out["beta3"] = gamma * (dots(gd, fwd.n) + b3 * dots(gd, terms["n_prev_minus_delta"]))
    if not {"beta2", "beta3", "c", "rho"} & set(learned):
        return out

    # G*K = kfac * gk with gk = G A1 / (sqrt(v̂) (sqrt(v̂)+eps)^2), zero where sqrt(v̂) = 0
    kfac = -gamma / (2.0 * bc1)
    gk = ops.mul(gd, a1)
    ops.div_(gk, ops.mul(root, den))
    ops.zero_where_zero_(gk, root)
    if fwd.v_bar is None:
        m_scalar, gkm = 1.0, gk
    elif group["long_memory"] == "average":
        m_scalar, gkm = rho + (1.0 - rho) / t, gk
    else:
        m_scalar, gkm = 1.0, ops.mul(gk, terms["max_taken"]) if rho != 1.0 else gk
        if rho != 1.0:  # gk * (rho + (1 - rho) 1[v > v̄]) = rho gk + (1 - rho) gk 1[...]
            ops.mul_scalar_(gkm, 1.0 - rho)
            ops.add_(gkm, gk, alpha=rho)
    vscale = kfac * m_scalar * (1.0 - b2) / bc2
    if "c" in learned:
        out["c"] = vscale * dots(gkm, terms["dgt2_dc"])
    if "beta3" in learned:
        slope = ops.mul(terms["ghat"], terms["delta"])
        if "yogi_slope" in terms:
            ops.mul_(slope, terms["yogi_slope"])
        out["beta3"] = out["beta3"] + 2.0 * vscale * dots(gkm, slope)
    if "beta2" in learned:
        val = m_scalar * dots(gkm, terms["v_prev_minus_gt2"]) / bc2
        if bc:
            val = val + dots(gk, w) * (t * b2 ** (t - 1) / bc2**2)
        out["beta2"] = kfac * val
    if "rho" in learned:
        out["rho"] = kfac * dots(gk, ops.sub(fwd.v, fwd.v_bar)) / bc2
    return out


def update(groups, sums):
    """All-reduce the hypergradients, then one clipped momentum step per coefficient."""
    live = [(g, s) for g, s in zip(groups, sums) if s is not None]
    if not live:
        return
    device = next(iter(live[0][1].values())).device
    vec = torch.stack([
        (-g["lr_prev"] * s[k].to(device=device, dtype=torch.float64))
        for g, s in live for k in g["learn"]
    ])  # fmt: skip
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.all_reduce(vec, op=dist.ReduceOp.SUM)
        vec /= dist.get_world_size()
    values = iter(vec.tolist())
    for group, _ in live:
        clip = group["hyper_clip"]
        current = coefficients(group)
        for k in group["learn"]:
            h = next(values)
            group["hypergrad"][k] = h
            if not math.isfinite(h):
                continue  # a non-finite hypergradient moves nothing
            if clip is not None:
                h = min(clip, max(-clip, h))
            buf = group["hyper_momentum"][k] * group["hyper_buf"][k] + h
            group["hyper_buf"][k] = buf
            lo, hi = group["bounds"][k]
            _set(group, k, min(hi, max(lo, current[k] - group["hyper_lr"][k] * buf)))


def check_loadable(groups, saved_groups):
    """Refuse state saved while learning coefficients this optimizer does not learn."""
    for i, (g, s) in enumerate(zip(groups, saved_groups)):
        extra = set(s.get("learn", ())) - set(g["learn"])
        if extra:
            raise ValueError(
                f"param group {i} of the state_dict learned {sorted(extra)}, which this "
                f"optimizer does not learn (learn={g['learn']}); construct it with those "
                "coefficients in learn to resume"
            )
