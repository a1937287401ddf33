r"""``fused=True``: each phase of a step as one ``torch.compile``-d elementwise kernel.

The eager kernel (``mada/_kernel.py``) makes one pass over memory per operation, about
seventy in learned mode against Adam's seven. Here inductor fuses a whole phase into one
loop (C++/OpenMP on CPU, Triton on CUDA) that reads each buffer once. The equations are
the same; the arithmetic is regrouped, so results agree with the eager paths to rounding,
not bit for bit (as torch's fused Adam). Coefficients, the learning rate and the step enter
as one float64 tensor, so learned coefficients never trigger a recompilation; structure
(which buffers exist, what is learned) is static, one compilation per combination and
dtype. Tensors are passed as 1-D aliases of their storage, so one compilation serves all
sizes and ranks. Tensors too small to repay a compiled call (``MIN_NUMEL``,
``MIN_NUMEL_DIRECT``) or non-contiguous ones take the foreach path instead.
"""

from __future__ import annotations

import functools
import types
from typing import NamedTuple

import torch
from torch.utils.weak import WeakIdKeyDictionary

# Layout of the scalar tensor ``s``: the coefficients and every per-step factor, computed
# once in float64 so that the kernels multiply where the equations divide by a scalar.
SCALARS = ("lr", "wd", "eps", "beta1", "beta2", "beta3", "rho", "c", "gamma", "lion_beta1",
           "lion_beta2", "inv_bc1", "inv_bc2", "inv_sqrt_bc2", "avg_keep", "avg_new",
           "dbc1", "dbc2")  # fmt: skip


# Below these sizes a tensor takes the foreach path even with fused=True: a compiled call
# costs ~0.1 ms of Python dispatch on CPU. Learned mode replaces ~70 eager ops per step and
# pays off from 32k elements; with nothing learned the eager step is Adam's ~7 ops, and the
# crossover measured on the transformer case of benchmarks/optimizer_step.py is near 1M.
MIN_NUMEL = 1 << 15
MIN_NUMEL_DIRECT = 1 << 20


def fits(x, learned):
    """Whether the fused kernels take ``x``: contiguous and large enough to pay off."""
    return x.is_contiguous() and x.numel() >= (MIN_NUMEL if learned else MIN_NUMEL_DIRECT)


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
    dtype: torch.dtype  # with device: one code object per dtype and device
    device: str


def scalars(q, t, *, lr, wd, eps, lion_betas, bias_correction, device):
    b1, b2 = q["beta1"], q["beta2"]
    bc1, bc2 = (1.0 - b1**t, 1.0 - b2**t) if bias_correction else (1.0, 1.0)
    # d(1/bc)/dbeta = t beta^(t-1) / bc^2: the bias corrections' share of the partials
    dbc1, dbc2 = (
        (t * b1 ** (t - 1) / bc1**2, t * b2 ** (t - 1) / bc2**2) if bias_correction else (0.0, 0.0)
    )
    vals = (lr, wd, eps, b1, b2, q["beta3"], q["rho"], q["c"], q["gamma"], *lion_betas,
            1.0 / bc1, 1.0 / bc2, bc2**-0.5, (t - 1) / t, 1.0 / t, dbc1, dbc2)  # fmt: skip
    return torch.tensor(vals, dtype=torch.float64, device=device)


def _forward(st, g, gp, S, k):
    """The step-t equations; returns the new state and the terms the partials need."""
    f = {}
    if k.ell:
        lb1, lb2 = S["lion_beta1"], S["lion_beta2"]
        f["u"] = torch.sign(lb1 * st["ell"] + (1 - lb1) * g)
        f["ell"] = lb2 * st["ell"] + (1 - lb2) * g
    if not k.m:
        return f
    b1, b2, b3, rho, c = S["beta1"], S["beta2"], S["beta3"], S["rho"], S["c"]
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
            f["v_bar"] = S["avg_keep"] * st["v_bar"] + S["avg_new"] * f["v"]
            f["M"] = rho + (1 - rho) * S["avg_new"]  # d(rho v + (1 - rho) v̄)/dv
        else:
            f["v_bar"] = torch.maximum(st["v_bar"], f["v"])
            f["M"] = rho + (1 - rho) * (f["v"] > st["v_bar"]).to(g.dtype)
        w = rho * f["v"] + (1 - rho) * f["v_bar"]
    f["w"], f["root"] = w, torch.sqrt(w) * S["inv_sqrt_bc2"]
    f["inv_den"] = 1 / (f["root"] + S["eps"])
    f["A"] = f["m"] * S["inv_bc1"] + (b3 * f["n"] if k.n else 0.0)
    return f


def _direction(f, S, k):
    gamma = S["gamma"]
    if not k.m:
        return f["u"]
    d = gamma * f["A"] * f["inv_den"]
    return d + (1 - gamma) * f["u"] if k.ell else d


def _store(st, f):
    for key in ("m", "n", "v", "v_bar", "ell"):
        if st.get(key) is not None:
            st[key].copy_(f[key])


def _step(p, g, st, gp, g_out, s, *, k, keep_state):
    """Advance, x <- x(1 - lr wd) - lr d, then g_out <- g. ``keep_state``: leave ``st``."""
    S = dict(zip(SCALARS, s.unbind()))
    f = _forward(st, g, gp, S, k)
    p.copy_(p * (1 - S["lr"] * S["wd"]) - S["lr"] * _direction(f, S, k))
    if not keep_state:
        _store(st, f)
    if g_out is not None:
        g_out.copy_(g)


def _fold_step(p, G, st, g, gp, g_out, s_prev, s, *, k):
    """Fold the pending step t into the state (S_{t-1} -> S_t, coefficients ``s_prev``),
    then take step t+1 from S_t with gradient G: one pass over memory for both."""
    f0 = _forward(st, g, gp, dict(zip(SCALARS, s_prev.unbind())), k)
    S = dict(zip(SCALARS, s.unbind()))
    f = _forward(f0, G, g, S, k)
    p.copy_(p * (1 - S["lr"] * S["wd"]) - S["lr"] * _direction(f, S, k))
    _store(st, f0)
    g_out.copy_(G)


def _fold(g, st, gp, s, *, k):
    """Advance the stored state in place by the pending gradient (pointwise only)."""
    _store(st, _forward(st, g, gp, dict(zip(SCALARS, s.unbind())), k))


def _sums(G, g, st, gp, s, *, k):
    """[sum G dd/dq for q in k.partials] (float64), the state untouched.

    Reductions only: mixing them with the stores of ``_fold`` makes inductor materialise
    the intermediates, which costs more than recomputing the forward in ``_fold``.
    """
    S = dict(zip(SCALARS, s.unbind()))
    b2, b3, c, gamma = S["beta2"], S["beta3"], S["c"], S["gamma"]
    inv_bc1, inv_bc2 = S["inv_bc1"], S["inv_bc2"]
    f = _forward(st, g, gp, S, k)
    out = []
    if k.m:
        gd = G * f["inv_den"]
        # G K with K = dd/dv̂ = -gamma A / (2 sqrt(v̂) (sqrt(v̂) + eps)^2), 0 where v̂ = 0
        gk = torch.where(f["root"] > 0, -0.5 * gamma * gd * f["A"] * f["inv_den"] / f["root"], 0.0)
        M = f.get("M", 1.0)
    for q in k.partials:
        if not k.m:
            term = G * (-f["u"]) if q == "gamma" else torch.zeros_like(G)
        elif q == "gamma":
            term = gd * f["A"] - (G * f["u"] if k.ell else 0.0)
        elif q == "beta1":
            term = gamma * gd * ((st["m"] - g) * inv_bc1 + f["m"] * S["dbc1"])  # st: step t-1
        elif q == "beta3":
            slope = c + (1 - c) * f["s"] if k.yogi else 1.0
            dv = (1 - b2) * slope * 2 * f["ghat"] * f["delta"]
            term = gamma * gd * (f["n"] + b3 * (st["n"] - f["delta"])) + gk * M * dv * inv_bc2
        elif q == "c":
            term = gk * M * (1 - b2) * (f["ghat2"] - st["v"] - f["s"] * f["ghat2"]) * inv_bc2
        elif q == "beta2":
            term = gk * (M * (st["v"] - f["gt2"]) * inv_bc2 + f["w"] * S["dbc2"])
        else:  # rho
            term = gk * (f["v"] - f["v_bar"]) * inv_bc2
        out.append(term.sum().to(torch.float64))
    return torch.stack(out)


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
def fold_step_kernel(k):
    fn = _specialise(_fold_step, f"mada_fold_step_{abs(hash(k))}", k=k)
    return torch.compile(fn, dynamic=True, fullgraph=True)


@functools.cache
def fold_kernel(k):
    fn = _specialise(_fold, f"mada_fold_{abs(hash(k))}", k=k)
    return torch.compile(fn, dynamic=True, fullgraph=True)


@functools.cache
def sums_kernel(k):
    fn = _specialise(_sums, f"mada_sums_{abs(hash(k))}", k=k)
    return torch.compile(fn, dynamic=True, fullgraph=True)


# ---------------------------------------------------------------- optimizer glue
_ALIASES = WeakIdKeyDictionary()  # tensor -> its flat alias; an entry dies with its tensor


def _flat(x):
    """A 1-D alias of contiguous ``x``'s storage: with ``dynamic=True`` one compilation
    serves every size and rank (a ``view`` would carry its base's shape into the guards).
    Cached per tensor, and rebuilt if the tensor's memory moved."""
    alias = _ALIASES.get(x)
    if alias is None or alias.data_ptr() != x.data_ptr() or alias.numel() != x.numel():
        alias = x.new_empty(0).set_(x.untyped_storage(), x.storage_offset(), (x.numel(),), (1,))
        _ALIASES[x] = alias
    return alias


def _flat_state(state):
    return {k: _flat(state[k]) for k in ("m", "n", "v", "v_bar", "ell") if k in state}


def _structure(group, state, partials):
    learned = group["learn"]
    return Structure(
        m="m" in state, n="n" in state, v_bar="v_bar" in state, ell="ell" in state,
        long_memory=group["long_memory"], yogi=group["c"] != 1.0 or "c" in learned,
        bias_correction=group["bias_correction"], partials=tuple(partials),
        dtype=_any_buffer(state).dtype, device=str(_any_buffer(state).device),
    )  # fmt: skip


def _any_buffer(state):
    return next(v for v in state.values() if torch.is_tensor(v))


@functools.lru_cache(maxsize=64)
def _cached_scalars(key, device):
    q, t, lr, wd, eps, lion_betas, bias_correction = key
    return scalars(dict(q), t, lr=lr, wd=wd, eps=eps, lion_betas=lion_betas,
                   bias_correction=bias_correction, device=device)  # fmt: skip


def _scalars(group, q, t, lr, device):
    """The scalar tensor, built once per distinct (coefficients, step, settings, device)."""
    key = (tuple(q.items()), t, lr, group["weight_decay"], group["eps"], group["lion_betas"],
           group["bias_correction"])  # fmt: skip
    return _cached_scalars(key, device)


def step(group, state, item, q, t):
    """Step t of one parameter; a pending step t-1 (learned mode) is folded in on the way."""
    _, _, p_work, grad = item
    learned = bool(group["learn"])
    gp = _flat(state["g_prev"]) if "g_prev" in state else None
    k = _structure(group, state, ())
    s = _scalars(group, q, t, group["lr"], p_work.device)
    p, G, st = _flat(p_work), _flat(grad.contiguous()), _flat_state(state)
    if learned and state["pending"]:
        s_prev = _scalars(group, group["q_prev"], t - 1, group["lr_prev"], p_work.device)
        g = _flat(state["g"])
        fold_step_kernel(k)(p, G, st, g, gp, gp if gp is not None else g, s_prev, s)
        if gp is not None:  # g_{t-1} becomes g_prev; its old buffer now holds the new g
            state["g_prev"], state["g"] = state["g"], state["g_prev"]
    else:
        step_kernel(k, learned)(p, G, st, gp, _flat(state["g"]) if learned else gp, s)
    torch.autograd.graph.increment_version(p_work)  # written through an alias


def replay(group, state, item, partials, t):
    """{q: sum G dd/dq} for q in ``partials`` (the fold happens in ``step``); with no
    ``partials`` (a param without gradient) fold the pending step into the state now."""
    gp = _flat(state["g_prev"]) if "g_prev" in state else None
    s = _scalars(group, group["q_prev"], t, group["lr_prev"], state["g"].device)
    g, st = _flat(state["g"]), _flat_state(state)
    if not partials:
        fold_kernel(_structure(group, state, ()))(g, st, gp, s)
        return {}
    k = _structure(group, state, partials)
    sums = sums_kernel(k)(_flat(item[3].contiguous()), g, st, gp, s)
    return {q: sums[i].reshape(1) for i, q in enumerate(partials)}
