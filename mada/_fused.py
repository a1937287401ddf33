r"""``fused=True``: each phase of a step as one ``torch.compile``-d elementwise kernel.

The eager kernel (``mada/_kernel.py``) makes one pass over memory per operation, about
seventy in learned mode against Adam's seven. Here inductor fuses a whole phase into one
loop (C++/OpenMP on CPU, Triton on CUDA) that reads each buffer once. The equations are
the same; the arithmetic is regrouped, so results agree with the eager paths to rounding,
not bit for bit (as torch's fused Adam). Coefficients, the learning rate and the step enter
as one float64 tensor, so learned coefficients never trigger a recompilation; structure
(which buffers exist, what is learned) is static, one compilation per combination and
dtype. Parameters are passed as flat views, so one compilation serves all sizes.
"""

from __future__ import annotations

import functools
import types
from typing import NamedTuple

import torch

# Layout of the scalar tensor ``s``.
SCALARS = ("lr", "wd", "eps", "beta1", "beta2", "beta3", "rho", "c", "gamma",
           "lion_beta1", "lion_beta2", "t", "bc1", "bc2")  # fmt: skip


class Structure(NamedTuple):
    """The static part of a kernel: compiled once per distinct value."""

    m: bool
    n: bool
    v_bar: bool
    ell: bool
    long_memory: str
    yogi: bool  # c != 1 or c learned: the general second-moment rule
    bias_correction: bool
    partials: tuple  # learned coefficients whose h is formed (replay only)


def scalars(q, t, *, lr, wd, eps, lion_betas, bias_correction, device):
    bc1, bc2 = (1.0 - q["beta1"] ** t, 1.0 - q["beta2"] ** t) if bias_correction else (1.0, 1.0)
    vals = (lr, wd, eps, q["beta1"], q["beta2"], q["beta3"], q["rho"], q["c"], q["gamma"],
            lion_betas[0], lion_betas[1], float(t), bc1, bc2)  # fmt: skip
    return torch.tensor(vals, dtype=torch.float64, device=device)


def _forward(st, g, gp, s, k):
    """The step-t equations; returns the new state and the terms the partials need."""
    _, _, eps, b1, b2, b3, rho, c, _, lb1, lb2, t, bc1, bc2 = s.unbind()
    f = {}
    if k.ell:
        f["u"] = torch.sign(lb1 * st["ell"] + (1 - lb1) * g)
        f["ell"] = lb2 * st["ell"] + (1 - lb2) * g
    if not k.m:
        return f
    ghat = g
    if k.n:
        f["delta"] = g - gp
        ghat = g + b3 * f["delta"]
        f["n"] = b3 * st["n"] + (1 - b3) * f["delta"]
    f["ghat"], ghat2 = ghat, ghat * ghat
    gt2 = ghat2
    if k.yogi:
        f["s"] = torch.sign(ghat2 - st["v"])
        gt2 = c * ghat2 + (1 - c) * (st["v"] + f["s"] * ghat2)
    f["ghat2"], f["gt2"] = ghat2, gt2
    f["m"] = b1 * st["m"] + (1 - b1) * g
    f["v"] = b2 * st["v"] + (1 - b2) * gt2
    w = f["v"]
    if k.v_bar:
        if k.long_memory == "average":
            f["v_bar"] = ((t - 1) * st["v_bar"] + f["v"]) / t
            f["M"] = rho + (1 - rho) / t  # d(rho v + (1 - rho) v̄)/dv
        else:
            f["v_bar"] = torch.maximum(st["v_bar"], f["v"])
            f["M"] = rho + (1 - rho) * (f["v"] > st["v_bar"]).to(g.dtype)
        w = rho * f["v"] + (1 - rho) * f["v_bar"]
    f["w"], f["root"] = w, torch.sqrt(w / bc2)
    f["den"] = f["root"] + eps
    f["A"] = f["m"] / bc1 + (b3 * f["n"] if k.n else 0.0)
    return f


def _direction(f, s, k):
    gamma = s[8]
    if not k.m:
        return f["u"]
    d = gamma * f["A"] / f["den"]
    return d + (1 - gamma) * f["u"] if k.ell else d


def _store(st, f):
    for key in ("m", "n", "v", "v_bar", "ell"):
        if st.get(key) is not None:
            st[key].copy_(f[key])


def _step(p, g, st, gp, g_out, s, *, k, keep_state):
    """Advance, x <- x(1 - lr wd) - lr d, then g_out <- g. ``keep_state``: leave ``st``."""
    f = _forward(st, g, gp, s, k)
    p.copy_(p * (1 - s[0] * s[1]) - s[0] * _direction(f, s, k))
    if not keep_state:
        _store(st, f)
    if g_out is not None:
        g_out.copy_(g)


def _replay(G, g, st, gp, s, *, k):
    """Advance in place and return [sum G dd/dq for q in k.partials] (float64)."""
    _, _, _, b1, b2, b3, _, c, gamma, _, _, t, bc1, bc2 = s.unbind()
    f = _forward(st, g, gp, s, k)
    out = []
    if k.m:
        gd = G / f["den"]
        # G K with K = dd/dv̂ = -gamma A / (2 sqrt(v̂) (sqrt(v̂) + eps)^2), 0 where v̂ = 0
        gk = torch.where(f["root"] > 0, -gamma * gd * f["A"] / (2 * f["root"] * f["den"]), 0.0)
        dbc1 = t * b1 ** (t - 1) / bc1**2 if k.bias_correction else 0.0
        dbc2 = t * b2 ** (t - 1) / bc2**2 if k.bias_correction else 0.0
        M = f.get("M", 1.0)
    for q in k.partials:
        if not k.m:
            term = G * (-f["u"]) if q == "gamma" else torch.zeros_like(G)
        elif q == "gamma":
            term = gd * f["A"] - (G * f["u"] if k.ell else 0.0)
        elif q == "beta1":
            term = gamma * gd * ((st["m"] - g) / bc1 + f["m"] * dbc1)  # st holds step t-1
        elif q == "beta3":
            slope = c + (1 - c) * f["s"] if k.yogi else 1.0
            dv = (1 - b2) * slope * 2 * f["ghat"] * f["delta"]
            term = gamma * gd * (f["n"] + b3 * (st["n"] - f["delta"])) + gk * M * dv / bc2
        elif q == "c":
            term = gk * M * (1 - b2) * (f["ghat2"] - st["v"] - f["s"] * f["ghat2"]) / bc2
        elif q == "beta2":
            term = gk * (M * (st["v"] - f["gt2"]) / bc2 + f["w"] * dbc2)
        else:  # rho
            term = gk * (f["v"] - f["v_bar"]) / bc2
        out.append(term.sum(dtype=torch.float64))
    _store(st, f)
    return torch.stack(out) if out else G.new_zeros(0, dtype=torch.float64)


def _specialise(fn, name, **static):
    """A copy of ``fn`` with its own code object and ``static`` bound as keyword defaults.

    Dynamo caches compilations per code object under a small recompile limit; one code
    object per structure keeps the variants from evicting each other.
    """
    code = fn.__code__.replace(co_name=name)
    out = types.FunctionType(code, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    out.__kwdefaults__ = static
    return out


@functools.cache
def step_kernel(k, keep_state):
    fn = _specialise(_step, f"mada_step_{abs(hash((k, keep_state)))}", k=k, keep_state=keep_state)
    return torch.compile(fn, dynamic=True, fullgraph=True)


@functools.cache
def replay_kernel(k):
    fn = _specialise(_replay, f"mada_replay_{abs(hash(k))}", k=k)
    return torch.compile(fn, dynamic=True, fullgraph=True)


# ---------------------------------------------------------------- optimizer glue
def _flat(x):
    """A 1-D alias of contiguous ``x``'s storage, marked dynamic: one compilation serves
    every size and rank (a ``view`` would carry its base's shape into dynamo's guards)."""
    alias = x.new_empty(0).set_(x.untyped_storage(), x.storage_offset(), (x.numel(),), (1,))
    torch._dynamo.mark_dynamic(alias, 0)
    return alias


def _flat_state(state):
    return {k: _flat(state[k]) for k in ("m", "n", "v", "v_bar", "ell") if k in state}


def _structure(group, state, partials):
    learned = group["learn"]
    return Structure(
        m="m" in state, n="n" in state, v_bar="v_bar" in state, ell="ell" in state,
        long_memory=group["long_memory"], yogi=group["c"] != 1.0 or "c" in learned,
        bias_correction=group["bias_correction"], partials=tuple(partials),
    )  # fmt: skip


def _scalars(group, q, t, lr, device):
    return scalars(
        q, t, lr=lr, wd=group["weight_decay"], eps=group["eps"],
        lion_betas=group["lion_betas"], bias_correction=group["bias_correction"], device=device,
    )  # fmt: skip


def step(group, state, item, q, t):
    _, _, p_work, grad = item
    learned = bool(group["learn"])
    gp = _flat(state["g_prev"]) if "g_prev" in state else None
    g_out = _flat(state["g"]) if learned else gp
    kernel = step_kernel(_structure(group, state, ()), learned)
    s = _scalars(group, q, t, group["lr"], p_work.device)
    kernel(_flat(p_work), _flat(grad.contiguous()), _flat_state(state), gp, g_out, s)
    torch.autograd.graph.increment_version(p_work)  # written through an alias


def replay(group, state, item, partials, t):
    gp = _flat(state["g_prev"]) if "g_prev" in state else None
    kernel = replay_kernel(_structure(group, state, partials))
    s = _scalars(group, group["q_prev"], t, group["lr_prev"], state["g"].device)
    G = _flat(item[3].contiguous()) if item[3] is not None else _flat(torch.zeros_like(state["g"]))
    sums = kernel(G, _flat(state["g"]), _flat_state(state), gp, s)
    return {q: sums[i].reshape(1) for i, q in enumerate(partials)}
