r"""The MADA update and its hypergradient partials, written once, pointwise.

Every path runs these functions: the for-loop path on one tensor, the foreach path on the
concatenation of a bucket's tensors, the fused path inside one ``torch.compile``-d kernel
per bucket, and :meth:`MADA.moments` out of place. Step t, from the state
:math:`S_{t-1}` and the gradient :math:`g_t` (the paper's equations, Ozkara et al. 2024):

.. math::
    \hat g_t &= g_t + \beta_3\delta_t,\quad \delta_t = g_t - g_{t-1},\quad
    n_t = \beta_3 n_{t-1} + (1-\beta_3)\delta_t,\quad m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t,\\
    \tilde g_t^2 &= c\,\hat g_t^2 + (1-c)\big(v_{t-1} + \hat g_t^2\,s_t\big),\quad
    s_t = \mathrm{sign}(\hat g_t^2 - v_{t-1}),\quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\tilde g_t^2,\\
    \bar v_t &= \tfrac{t-1}{t}\bar v_{t-1} + \tfrac1t v_t \text{ (or } \max(\bar v_{t-1}, v_t)),
    \quad \hat v_t = \frac{\rho v_t + (1-\rho)\bar v_t}{1-\beta_2^t},\quad
    A_t = \frac{m_t}{1-\beta_1^t} + \beta_3 n_t,\\
    d_t &= \gamma\frac{A_t}{\sqrt{\hat v_t}+\epsilon} + (1-\gamma)\,u_t,\quad
    u_t = \mathrm{sign}(\beta^L_1\ell_{t-1} + (1-\beta^L_1)g_t),\quad
    x_t = x_{t-1}(1-\alpha\lambda) - \alpha d_t.

:func:`partials` gives :math:`G\,\partial d_t/\partial q` elementwise for the learned q
(``mada/hyper.py`` sums them): the step-(t−1) state held fixed, the bias corrections
differentiated, sign(·) contributing 0, max(·) contributing :math:`1[v_t > \bar v_{t-1}]`,
and coordinates with :math:`\hat v_t = 0` contributing 0.

The safeguard (``safeguard=True``; ``coefficient_path_regret``'s safe set, see
:func:`guard`) replaces :math:`\hat v_t` by :math:`\max(\hat v_t, (\alpha_t/\alpha_{t-1})^2
\hat v_{t-1})`; its partials carry :math:`1[\hat v_t > (\alpha_t/\alpha_{t-1})^2\hat v_{t-1}]`
(the previous :math:`\hat v` held fixed, as all of step t−1's state).

The scalars ``S`` are Python floats (eager, nothing learned: the operations are then
torch.optim.Adam's, so the adam preset equals it bit for bit on CPU) or 0-d tensors on the
device (learned coefficients, fused kernels). Branches test the static
:class:`Structure` or the scalars' type, never a value.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

# Names of the per-parameter state buffers; each holds the quantity of the equations above.
BUFFERS = ("m", "n", "v", "v_bar", "guard", "ell", "g_prev")
STATE = ("m", "n", "v", "v_bar", "guard", "ell")  # the ones the update advances

# Layout of the scalar vector: the coefficients and every per-step factor of step t.
SCALARS = ("lr", "wd", "eps", "beta1", "beta2", "beta3", "rho", "c", "gamma", "lion_beta1",
           "lion_beta2", "bc1", "bc2", "sqrt_bc2", "avg_keep", "avg_new", "dbc1",
           "dbc2")  # fmt: skip


class Structure(NamedTuple):
    """What a bucket's update computes: static, one fused compilation per distinct value."""

    m: bool  # the adaptive part (m, v) is tracked
    n: bool  # the Adan part (n, g_prev)
    v_bar: bool  # the long memory
    ell: bool  # the Lion part
    long_memory: str
    yogi: bool  # c != 1 or c learned: the general second-moment rule
    safeguard: bool = False  # v̂_t = max(v̂_t, (lr_t/lr_{t-1})^2 v̂_{t-1}), see guard()
    partials: tuple = ()  # learned coefficients whose G dd/dq is formed


def scalars(q, t, *, lr, wd, eps, lion_betas, bias_correction):
    """The values of :data:`SCALARS` at step t; ``q`` holds floats or 0-d tensors."""
    b1, b2 = q["beta1"], q["beta2"]
    if bias_correction:
        bc1, bc2 = 1.0 - b1**t, 1.0 - b2**t
        # d(1/bc)/dbeta = t beta^(t-1) / bc^2: the bias corrections' share of the partials
        dbc1, dbc2 = t * b1 ** (t - 1) / bc1**2, t * b2 ** (t - 1) / bc2**2
    else:
        bc1, bc2, dbc1, dbc2 = 1.0, 1.0, 0.0, 0.0
    return dict(zip(SCALARS, (lr, wd, eps, b1, b2, q["beta3"], q["rho"], q["c"], q["gamma"],
                              *lion_betas, bc1, bc2, bc2**0.5, (t - 1) / t, 1.0 / t, dbc1,
                              dbc2)))  # fmt: skip


def _addcmul(x, y, z, value):
    """x + value * y * z: torch's fused op when ``value`` is a number (torch.optim's bits)."""
    if isinstance(value, float):
        return torch.addcmul(x, y, z, value=value)
    return x + value * y * z


def _addcdiv(x, y, z, value):
    if isinstance(value, float):
        return torch.addcdiv(x, y, z, value=value)
    return x + value * (y / z)


def _lerp(a, b, w):
    """a + w (b - a): ``torch.lerp`` (torch.optim's bits, one eager kernel), except inside a
    compiled kernel with a tensor ``w`` (learned coefficients, fused path): there a (1 - w)
    + b w, exact at w = 0 and w = 1 as lerp is, in three vector operations. Lerp's two-sided
    formula, compiled for a weight unknown at compile time, computes both sides and selects:
    measured, a fifth of the fused kernels' time on CPU."""
    if isinstance(w, float) or not torch.compiler.is_compiling():
        return torch.lerp(a, b, w)
    return a * (1.0 - w) + b * w


def forward(st, g, gp, S, k):
    """Step t's state from ``st`` (S_{t-1}) and ``g``; plus the terms the partials read.

    ``gp`` is g_{t-1} where the Adan part is tracked. Returns a dict with the new state
    under :data:`STATE`'s names and the intermediates (``u``, ``ghat``, ``root``, ``den``...).
    """
    f = {}
    if k.ell:  # Lion: the sign uses ell_{t-1}, then ell is updated
        f["u"] = torch.sign(_lerp(st["ell"], g, 1.0 - S["lion_beta1"]))
        f["ell"] = _lerp(st["ell"], g, 1.0 - S["lion_beta2"])
    if not k.m:
        return f
    b2, b3 = S["beta2"], S["beta3"]
    ghat = g
    if k.n:
        f["delta"] = g - gp
        ghat = g + b3 * f["delta"]
        f["n"] = _lerp(st["n"], f["delta"], 1.0 - b3)
    f["ghat"] = ghat
    f["m"] = _lerp(st["m"], g, 1.0 - S["beta1"])
    if k.yogi:
        f["ghat2"] = ghat * ghat
        f["s"] = torch.sign(f["ghat2"] - st["v"])
        f["gt2"] = _lerp(st["v"] + f["s"] * f["ghat2"], f["ghat2"], S["c"])
        f["v"] = st["v"] * b2 + (1.0 - b2) * f["gt2"]
    else:  # c == 1: Adam's arithmetic, as torch.optim.Adam does it
        f["v"] = _addcmul(st["v"] * b2, ghat, ghat, 1.0 - b2)
    if k.v_bar:
        if k.long_memory == "average":
            f["v_bar"] = st["v_bar"] * S["avg_keep"] + S["avg_new"] * f["v"]
        else:
            f["v_bar"] = torch.maximum(st["v_bar"], f["v"])
    f["w"] = w = mix(f, S, k)
    if k.safeguard:
        f["vt"], f["floor"], vhat, f["guard"] = guard(w / S["bc2"], st["guard"], S["lr"])
        f["root"] = torch.sqrt(vhat)
    else:
        # sqrt(v̂): divided as torch.optim.Adam divides (float scalars: its bits), else by a
        # product with the reciprocal (tensor scalars: one vector division less per element)
        sb = S["sqrt_bc2"]
        f["root"] = torch.sqrt(w) / sb if isinstance(sb, float) else torch.sqrt(w) * (1.0 / sb)
    f["den"] = f["root"] + S["eps"]
    f["a1"] = f["m"] + (b3 * S["bc1"]) * f["n"] if k.n else f["m"]  # A_t (1 - beta1^t)
    return f


def apply(p, f, S, k):
    """x_t = x_{t-1}(1 - lr wd) - lr d_t: the adaptive and the Lion part added separately."""
    lr, gamma = S["lr"], S["gamma"]
    x = p * (1.0 - lr * S["wd"])
    if k.m:
        x = _addcdiv(x, f["a1"], f["den"], -(lr * gamma) / S["bc1"])
    if k.ell:
        x = x + (-(lr * (1.0 - gamma))) * f["u"]
    return x


def guard(vt, u_prev, lr):
    r"""The safeguard: :math:`\hat v_t = \max(\tilde v_t, (\alpha_t/\alpha_{t-1})^2\hat
    v_{t-1})`, with :math:`\tilde v_t` the unguarded (bias-corrected) :math:`\hat v_t` and
    :math:`\alpha_t` the lr of step t. It makes :math:`\sqrt{\hat v_t}/\alpha_t`
    non-decreasing per coordinate, the safe set's S1 (AMSGrad's max at a constant lr).

    The buffer holds :math:`u_t = \hat v_t/\alpha_t^2` instead of :math:`\hat v_t`, so
    that :math:`(\alpha_t/\alpha_{t-1})^2\hat v_{t-1} = \alpha_t^2 u_{t-1}` needs no
    earlier lr: each parameter's own previous step is the one compared with, whatever the
    group's lr did in between, and the learned path (one step behind) needs nothing more.
    A step with lr = 0 moves nothing; there :math:`\hat v_t = \tilde v_t` and
    :math:`u` is kept. Returns (ṽ_t, the floor α_t² u_{t-1}, v̂_t, u_t).
    """
    lr2 = lr * lr
    floor = u_prev * lr2
    vhat = torch.maximum(vt, floor)
    if isinstance(lr2, float):
        u = vhat / lr2 if lr2 > 0.0 else u_prev
    else:
        u = torch.where(lr2 > 0.0, vhat / lr2, u_prev)
    return vt, floor, vhat, u


def mix(st, S, k):
    """rho v_t + (1 - rho) v̄_t (v_t alone when the long memory is off)."""
    return _lerp(st["v_bar"], st["v"], S["rho"]) if k.v_bar else st["v"]


def moments(st, S, k):
    """(m̂_t, v̂_t) of the step-t state ``st``: m_t / (1 - beta1^t), mixed v / (1 - beta2^t)
    (safeguarded: its max with α_t² u_t, which is v̂_t; ``S["lr"]`` is step t's lr)."""
    vt = mix(st, S, k) / S["bc2"]
    if k.safeguard:
        vt = guard(vt, st["guard"], S["lr"])[2]
    return st["m"] / S["bc1"], vt


def partials(st, g, f, G, S, k):
    """[G * dd_t/dq for q in ``k.partials``], elementwise; ``st``, ``g``: step t's inputs."""
    b2, b3, c, gamma = S["beta2"], S["beta3"], S["c"], S["gamma"]
    if not k.m:  # d = u depends on gamma only
        return [-G * f["u"] if q == "gamma" else torch.zeros_like(G) for q in k.partials]
    # Products by reciprocals where the forward pass divides: two vector divisions per
    # element instead of ten (the fused reduction kernel is bound by its arithmetic).
    inv_bc1, inv_bc2 = 1.0 / S["bc1"], 1.0 / S["bc2"]
    r = 1.0 / f["den"]
    gd = G * r
    a = f["a1"] * inv_bc1
    # G K with K = dd/dv̂ = -gamma A / (2 sqrt(v̂) (sqrt(v̂) + eps)^2), 0 where v̂ = 0
    gk = torch.where(f["root"] > 0, (-0.5 * gamma) * gd * a * r / f["root"], 0.0)
    if k.safeguard:  # where the floor wins, v̂_t does not depend on step t's coefficients
        gk = torch.where(f["vt"] > f["floor"], gk, 0.0)
    if not k.v_bar:
        M = 1.0
    elif k.long_memory == "average":  # M = d(rho v + (1 - rho) v̄)/dv
        M = S["rho"] + (1.0 - S["rho"]) * S["avg_new"]
    else:
        M = S["rho"] + (1.0 - S["rho"]) * (f["v"] > st["v_bar"]).to(G.dtype)
    gt2 = f["gt2"] if k.yogi else f["ghat"] * f["ghat"]
    out = []
    for q in k.partials:
        if q == "gamma":
            term = gd * a - G * f["u"] if k.ell else gd * a
        elif q == "beta1":
            term = gamma * gd * ((st["m"] - g) * inv_bc1 + f["m"] * S["dbc1"])
        elif q == "beta3":
            slope = c + (1.0 - c) * f["s"] if k.yogi else 1.0
            dv = (1.0 - b2) * slope * 2.0 * f["ghat"] * f["delta"]
            term = gamma * gd * (f["n"] + b3 * (st["n"] - f["delta"])) + gk * M * dv * inv_bc2
        elif q == "c":
            dgt2 = f["ghat2"] - st["v"] - f["s"] * f["ghat2"]
            term = gk * M * (1.0 - b2) * dgt2 * inv_bc2
        elif q == "beta2":
            term = gk * (M * (st["v"] - gt2) * inv_bc2 + f["w"] * S["dbc2"])
        else:  # rho
            term = gk * (f["v"] - f["v_bar"]) * inv_bc2
        out.append(term)
    return out


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
    need["guard"] = need["v"] and group.get("safeguard", False)
    need["g_prev"] = need["n"]
    return tuple(k for k in BUFFERS if need[k])


def present(state):
    """The buffers of :data:`BUFFERS` a parameter's state holds."""
    return tuple(filter(state.__contains__, BUFFERS))


def structure(group, present, partials=()):
    """The :class:`Structure` of a bucket whose state holds the buffers ``present``."""
    return Structure(
        m="m" in present, n="n" in present, v_bar="v_bar" in present, ell="ell" in present,
        long_memory=group["long_memory"], yogi=group["c"] != 1.0 or "c" in group["learn"],
        safeguard="guard" in present and bool(group.get("safeguard", False)),
        partials=tuple(partials),
    )  # fmt: skip


def check_buffers(group, states):
    """Every state of ``states`` holds the buffers the group's coefficients now need."""
    need = required_buffers(group)
    missing = sorted({k for state in states for k in need if k not in state}, key=need.index)
    if missing:
        raise RuntimeError(
            f"the coefficients now need state {missing} that was not tracked from step 1 "
            "(a coefficient left its off value after state was created); start with the "
            "component on, e.g. rho=0.999 rather than 1, or learn the coefficient"
        )
