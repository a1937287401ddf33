"""What :class:`.monitor.BoundMonitor` reads from an optimizer and from a theorem: the
constants (with each interpolation theorem's own reading of rho, and Corollary 1's lam), the
coefficients, the optimizer's own sqrt(vhat), a theorem's streamable data form (the published
forms through :data:`AGGREGATE_FORMS`), its skip reasons, and its named top-level terms."""

from __future__ import annotations

import sympy as sp
import torch

from analysis import statements, symbols
from analysis.symbols import S_g, S_mom, S_vhat, T, alpha, d, lam
from analysis.theorems import THEOREMS

CONSTANTS = ("alpha", "beta1", "beta2", "rho", "D_inf", "G_inf", "lam")

#: The aggregate symbols of the published printed forms (:mod:`analysis.symbols`) as
#: ``Sum`` forms in :mod:`analysis.symbols`'s run data, for AMSGrad as those theorems
#: analyse it: :math:`\alpha_t = \alpha/\sqrt t` and :math:`\hat v_t = \max_{s\le t} v_s`
#: with no bias correction (``vmax``), so :math:`\hat v_{t,i}^{1/2}/\alpha_t =
#: \sqrt{t\,vmax_{t,i}}/\alpha`. They equal :class:`analysis.trace.Trace`'s
#: ``sum_sqrt_vhat_T``, ``sum_grad_norms`` and ``momentum_sum`` (what
#: :func:`analysis.theorems._online.online_run_values` reads) on such a run. A published
#: theorem whose printed form is built from these (and the constants) is streamed by
#: substituting them into it (:func:`_data_form`).
_t, _i = symbols.t, symbols.i
_ROOT_W = sp.Sum(sp.sqrt(statements.W_amsgrad(_t, _i)), (_i, 1, d))  # sum_i sqrt(t vmax_{t,i})
AGGREGATE_FORMS = {
    S_vhat: sp.Sum(sp.sqrt(symbols.vmax(T, _i)), (_i, 1, d)),  # sum_i vhat_{T,i}^{1/2}
    S_g: statements.GRAD_NORMS,  # sum_i ||g_{1:T,i}||_2
    S_mom: sp.Sum(symbols.beta1t(_t) * _ROOT_W / alpha, (_t, 1, T)),  # sum_t beta_1t(..)/alpha_t
}
#: Symbols of printed forms that no running accumulator gives, with the reason.
UNSTREAMABLE = {
    "t0": "its t_0 (Tran & Phong's Lemma 4.3, analysis.theorems.lemma43_t0) is the "
    "smallest index after which an inequality holds at every later step of the whole run: "
    "a step beyond T can change it for all earlier T, so it cannot be streamed",
}


def _stream_reason(th):
    """None if ``th`` can be streamed (it has run data, or every aggregate of its printed
    form is in :data:`AGGREGATE_FORMS`), else why not."""
    if th.run_data is not None:
        return None
    free = {s.name for s in th.printed_form.free_symbols}
    blocked = sorted(free & set(UNSTREAMABLE))
    if blocked:
        return "; ".join(UNSTREAMABLE[n] for n in blocked)
    aggregates = {s.name for s in AGGREGATE_FORMS}
    other = sorted(free - aggregates - set(CONSTANTS) - {"T", "d"})
    if other or not free & aggregates:
        return f"no data form (its printed form reads {other or sorted(free)})"
    return None


def _theorem_ids(theorems):
    ids = (theorems,) if isinstance(theorems, str) else tuple(theorems)
    reasons = {t: "unknown" if t not in THEOREMS else _stream_reason(THEOREMS[t]) for t in ids}
    bad = {t: r for t, r in reasons.items() if r}
    if bad or not ids:
        known = sorted(k for k, th in THEOREMS.items() if _stream_reason(th) is None)
        why = "; ".join(f"{t}: {r}" for t, r in bad.items()) or "none given"
        raise ValueError(f"theorems: cannot stream {why}. Streamable: {known}")
    return ids


def _data_form(th):
    """The printed form with :data:`AGGREGATE_FORMS` substituted (own forms unchanged)."""
    return th.printed_form.xreplace(AGGREGATE_FORMS)


def _needs(th):
    return {s.name for s in th.printed_form.free_symbols} & set(CONSTANTS)


def _needs_constant_beta1(th, form):
    """Whether ``th`` holds only for a constant beta_1t: its schedule says so and its form
    does not read beta_1t (Reddi et al.'s Theorem 4 allows any beta_1t <= beta1 through
    S_mom, although its worst case assumes the constant schedule)."""
    reads = any(f.func == symbols.beta1t for f in form.atoms(sp.core.function.AppliedUndef))
    return th.algorithm.get("momentum_schedule") == "constant" and not reads


def _observed_lam(constants, beta1t_first):
    """lam: ``constants["lam"]``, else beta_1t(2)/beta_1t(1) once 2 steps are seen with
    beta_1t(1) > 0 (as ``online_run_values`` reads ``beta1[1]/beta1[0]``), else None."""
    if "lam" in constants:
        return constants["lam"]
    if len(beta1t_first) >= 2 and beta1t_first[0] > 0:
        return beta1t_first[1] / beta1t_first[0]
    return None


def _skip_reason(tid, form, consts, *, d_, T_, beta1, lam_, beta1t_range, lam_break=None):
    """Why theorem ``tid`` does not apply at step T_ (or None): a constant-momentum theorem
    on a varying beta_1t, beta_1t above beta1, no lam yet, a beta_1t above the geometric
    schedule beta_11 lam^(t-1) that a form in lam assumes, or a failed assumption."""
    th = THEOREMS[tid]
    lo, hi = beta1t_range
    if _needs_constant_beta1(th, form) and hi > lo:
        return f"{tid} needs a constant beta_1t; it varied in [{lo}, {hi}]"
    if hi > beta1:
        return f"beta_1t reached {hi} > beta1 = {beta1}"
    vals = {**consts, "d": d_, "T": T_, "beta1": beta1}
    vals = {k: v for k, v in vals.items() if k not in ("D_inf", "G_inf")}  # >= 0 observed
    if "lam" in _needs(th):
        if lam_ is None:
            return (f"lam: {tid} reads lam = beta_1t(2)/beta_1t(1), which needs 2 steps "
                    "and beta_1t(1) > 0 (or give constants['lam'])")  # fmt: skip
        vals["lam"] = lam_
        if lam_break is not None:
            step, b, cap = lam_break
            return (f"lam: {tid} assumes beta_1t <= beta_11 lam^(t-1); at step {step} "
                    f"beta_1t = {b:.6g} > {cap:.6g}")  # fmt: skip
    try:
        th.assumptions.check(**vals)
    except ValueError as err:
        return str(err)
    return None


def _named_terms(form):
    """Top-level terms by role: distance (sqrt W at T), momentum (beta1t, or no run data but
    lam: Corollary 1's closed momentum term), adaptive (the sum of steps over t; the
    published forms' S_g), final_momentum (m at T); ``term<k>`` otherwise or on a repeat."""
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
        elif not fns and lam in term.free_symbols:
            name = "momentum"
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
        return float(_coefficients(opt)["rho"]), group["long_memory"]
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


def _vhat(opt):
    """[(vhat of a param, its step count t, its lr)] from the optimizer's state, or None when
    it keeps no second moment. MADA gives its current vhat through its public
    ``moments(p)``; torch's Adam is read from its state. Nothing is read from the device."""
    out, found = [], False
    for group in opt.param_groups:
        for p in group["params"]:
            st = opt.state.get(p, {})
            if hasattr(opt, "moments"):
                mom = opt.moments(p)
                vhat, t = (None, 0) if mom is None else (mom.v_hat, int(st["step"]))
            else:
                vhat, t = _torch_vhat(group, st)
            found = found or vhat is not None
            out.append((torch.zeros_like(p) if vhat is None else vhat, t, float(group["lr"])))
    return out if found else None


def _torch_vhat(group, st):
    key = "max_exp_avg_sq" if group.get("amsgrad") else "exp_avg_sq"
    if key not in st or "betas" not in group:
        return None, 0
    t = int(st["step"])  # a CPU tensor unless capturable: no device read
    return st[key] / (1.0 - group["betas"][1] ** t), t


def _live_beta1(opt):
    """Group 0's current beta1 without reading the device: a float, or MADA's learned
    beta1 as a 0-d device tensor (its coefficient set, ``opt.state["coefficient_set.<k>"]``,
    through :func:`mada.hyper.values`); None without an optimizer or betas."""
    if opt is None:
        return None
    group = opt.param_groups[0]
    if "learn" in group and "beta1" in group["learn"]:
        from mada import hyper

        cset = opt.state.get(f"coefficient_set.{group['coefficient_set']}")
        if cset is not None:
            return hyper.values(group, cset)["beta1"]
    betas = group.get("betas")
    return None if betas is None else float(betas[0])
