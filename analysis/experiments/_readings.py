"""What :class:`.monitor.BoundMonitor` reads from an optimizer and from a theorem: the
constants (with each interpolation theorem's own reading of rho), the coefficients, the
optimizer's own sqrt(vhat), and the named top-level terms of a data-dependent form."""

from __future__ import annotations

import math

import sympy as sp
import torch

from analysis.theorems import THEOREMS

CONSTANTS = ("alpha", "beta1", "beta2", "rho", "D_inf", "G_inf", "lam")


def _theorem_ids(theorems):
    ids = (theorems,) if isinstance(theorems, str) else tuple(theorems)
    bad = [t for t in ids if t not in THEOREMS or THEOREMS[t].run_data is None]
    if bad or not ids:
        known = sorted(k for k, th in THEOREMS.items() if th.run_data is not None)
        raise ValueError(f"theorems: unknown or without a data form: {bad}; known: {known}")
    return ids


def _needs(th):
    return {s.name for s in th.printed_form.free_symbols} & set(CONSTANTS)


def _named_terms(form):
    """Top-level terms by role: distance (sqrt W at T), momentum (beta1t), adaptive (the sum
    of steps over t), final_momentum (m at T); ``term<k>`` otherwise or on a repeat."""
    out = {}
    terms = form.args if isinstance(form, sp.Add) else (form,)
    for k, term in enumerate(terms):
        fns = {f.func.__name__ for f in term.atoms(sp.core.function.AppliedUndef)}
        over_t = any(lim[0].name == "t" for s in term.atoms(sp.Sum) for lim in s.limits)
        if "beta1t" in fns:
            name = "momentum"
        elif over_t:
            name = "adaptive"
        elif "m" in fns:
            name = "final_momentum"
        elif fns & {"v", "Sv", "vmax"}:
            name = "distance"
        else:
            name = f"term{k}"
        out[name if name not in out else f"{name}{k}"] = term
    return out


def _coefficients(opt):
    if opt is None:
        return {}
    if hasattr(opt, "coefficients"):
        return {k: float(v) for k, v in opt.coefficients.items()}
    betas = opt.param_groups[0].get("betas")
    return {} if betas is None else {"beta1": float(betas[0]), "beta2": float(betas[1])}


def _constants(opt, given):
    given = dict(given or {})
    unknown = set(given) - set(CONSTANTS)
    if unknown:
        raise ValueError(f"constants: unknown {sorted(unknown)}; known: {list(CONSTANTS)}")
    out = {}
    if opt is not None:
        group = opt.param_groups[0]
        out["alpha"] = float(group["lr"])
        out.update({k: v for k, v in _coefficients(opt).items() if k == "beta2"})
    out.update({k: float(v) for k, v in given.items()})
    return out


def _second_moment_mix(opt):
    """(weight of v_t, long memory) of the optimizer's vhat: MADA's (rho, long_memory);
    torch Adam (1, None); torch Adam with amsgrad (0, "max")."""
    group = opt.param_groups[0]
    if "long_memory" in group:
        return float(group["rho"]), group["long_memory"]
    return (0.0, "max") if group.get("amsgrad") else (1.0, None)


def _theorem_constants(tid, opt, constants):
    """The constants of theorem ``tid`` for this run, and a reason to skip it (or None).

    The two interpolation theorems read rho differently: the Adam/AVGrad mix's rho is the
    weight of v_t against the running average (MADA's rho with ``long_memory="average"``);
    the max/average mix's rho is the weight of the running max against the average, which
    a run has only at MADA's rho = 0 corners (AMSGrad: 1, AVGrad: 0). A rho in
    ``constants`` is used as given."""
    out = dict(constants)
    if "rho" not in _needs(THEOREMS[tid]) or "rho" in out:
        return out, None
    if opt is None:
        return out, "constants: give rho (there is no optimizer to read it from)"
    weight_v, memory = _second_moment_mix(opt)
    if tid == "adam_avgrad_interpolation_regret":
        if memory != "average":
            return out, f"{tid}: the run's vhat has no running average (long memory {memory})"
        out["rho"] = weight_v
    elif weight_v == 0.0 and memory in ("max", "average"):
        out["rho"] = 1.0 if memory == "max" else 0.0
    else:
        return out, (f"{tid}: the run's vhat mixes v_t (weight {weight_v}) with the "
                     f"{memory}; this theorem mixes the max with the average")  # fmt: skip
    return out, None


def _sqrt_vhat(opt):
    """[(sqrt(vhat) of a param, its step count t, its lr)] from the optimizer's state, or
    None when it keeps no second moment."""
    out, found = [], False
    for group in opt.param_groups:
        for p in group["params"]:
            st = opt.state.get(p, {})
            root, t = _mada_root(group, st) if "v" in st else _torch_root(group, st)
            found = found or root is not None
            out.append((torch.zeros_like(p) if root is None else root, t, float(group["lr"])))
    return out if found else None


def _mada_root(group, st):
    from mada import _kernel, hyper
    from mada._ops import LOOP

    t = int(st["step"])
    if group.get("learn") and st.get("pending"):  # the state lags: fold g_t in, out of place
        q = group["q_prev"]
        buf = {k: ([st[k]] if k in st else None) for k in _kernel.BUFFERS}
        fwd = _kernel.advance(LOOP, buf, [st["g"]], buf["g_prev"], q, t,
                              long_memory=group["long_memory"], lion_betas=group["lion_betas"],
                              inplace=False, learned=group["learn"])  # fmt: skip
        v, vbar = fwd.v[0], None if fwd.v_bar is None else fwd.v_bar[0]
    else:
        q, v, vbar = hyper.coefficients(group), st["v"], st.get("v_bar")
    w = v if vbar is None or q["rho"] == 1.0 else torch.lerp(vbar, v, q["rho"])
    root = w.sqrt()
    if group["bias_correction"] and t > 0:
        root = root / math.sqrt(1.0 - q["beta2"] ** t)
    return root, t


def _torch_root(group, st):
    key = "max_exp_avg_sq" if group.get("amsgrad") else "exp_avg_sq"
    if key not in st or "betas" not in group:
        return None, 0
    t = int(st["step"])
    return st[key].sqrt() / math.sqrt(1.0 - group["betas"][1] ** t), t
