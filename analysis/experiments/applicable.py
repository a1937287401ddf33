r"""Which stochastic-nonconvex theorems a training run can meet, evaluated on its constants.

A network's training loss is nonconvex, so the online *convex* regret bounds say nothing about
it; the theorems of :data:`analysis.theorems.THEOREMS` in the setting
``"stochastic-nonconvex"`` bound :math:`\mathbb E\|\nabla F(x_\tau)\|^2` instead, for a
specific algorithm. :func:`assess` compares a run (a :class:`.train.RunResult` of a monitored
run) with each theorem's ``algorithm`` and returns, per theorem, the reasons it does not
apply (empty when it does), the details in which the run still differs from the analysed
iteration, and, where it applies, the bound at the run's constants:

* :math:`\alpha` = the run's learning rate, :math:`\beta_1, \beta_2` its (fixed) betas,
  :math:`\epsilon` its optimizer's, :math:`d` its parameter count, :math:`T` its steps;
* :math:`R` = the observed :math:`\max_{t,i}|g_{t,i}|` (the monitor's ``G_inf``): the
  theorem needs an almost-sure bound, the run gives what it saw;
* :math:`\Delta = F(x_0) - F_*` at most the initial validation loss (cross-entropy is
  :math:`\ge 0`), measured on the run's own initial weights;
* :math:`L = 0`: a network's smoothness constant is unknown (and large); the bound grows
  with :math:`L`, so its value at :math:`L = 0` is the **smallest** the theorem can give.
  If even that is above the trivial bound :math:`dR^2` (:func:`analysis.theorems.trivial`),
  the theorem says nothing about this run, whatever :math:`L` is.

``breakeven`` is the horizon from which on the bound (at these constants) beats the trivial
one (:meth:`analysis.theorems.Theorem.breakeven`).
"""

from __future__ import annotations

import math

SETTING = "stochastic-nonconvex"
ADAM_FAMILY = {"beta3": 0.0, "c": 1.0, "gamma": 1.0}  # MADA's coefficients of Adam/AVGrad


def _learned(result, start):
    """Coefficient names whose value moved from ``start`` during the run."""
    return sorted(k for k in start if any(r["coefficients"].get(k, start[k]) != start[k]
                                          for r in result.history))  # fmt: skip


def run_facts(result):
    """The run's algorithm in the theorems' terms."""
    import torch

    from .optimizers import coefficients, make_optimizer

    cfg = result.config
    opt = make_optimizer(cfg["optimizer"], [torch.nn.Parameter(torch.zeros(1))], lr=cfg["lr"],
                         betas=cfg["betas"], **cfg.get("optimizer_options", {}))  # fmt: skip
    group, coeffs = opt.param_groups[0], coefficients(opt)  # the run's start
    return {"optimizer": cfg["optimizer"], "schedule": cfg.get("schedule", "constant"),
            "alpha": cfg["lr"], "beta1": coeffs.get("beta1"), "beta2": coeffs.get("beta2"),
            "coefficients": coeffs, "learned": _learned(result, coeffs), "eps": group.get("eps"),
            "weight_decay": group.get("weight_decay", 0.0) or cfg.get("weight_decay") or 0.0,
            "T": result.final.get("steps") or cfg["steps"],
            "d": result.info.get("params")}  # fmt: skip


def reasons(theorem, facts):
    """Why the run does not meet ``theorem``'s algorithm (empty: it does)."""
    alg, out = theorem.algorithm, []
    if theorem.setting != SETTING:
        return [f"an {theorem.setting} theorem; a network's loss is nonconvex"]
    if facts["coefficients"].get("gamma", 1.0) == 0:
        return ["the run is Lion's sign update (γ = 0): it keeps no second moment"]
    if alg.get("lr_schedule") == "inv_sqrt":
        out.append("the theorem's step is α/√t; the run's is constant")
    elif facts["schedule"] != "constant":
        out.append(f"the run's step follows a {facts['schedule']} schedule; the theorem's "
                   "is constant")  # fmt: skip
    if facts["learned"]:
        out.append(f"the run learns {', '.join(facts['learned'])} (time-varying); the "
                   "theorem fixes them")  # fmt: skip
    if alg.get("beta1") == 0.0 and facts["beta1"] != 0:
        out.append(f"the theorem needs β1 = 0; the run's β1 = {facts['beta1']:g}")
    if alg.get("beta2") == 1.0 and facts["beta2"] != 1:
        out.append(f"the theorem is Adagrad's (β2 = 1); the run's β2 = {facts['beta2']:g}")
    off = {k: v for k, v in ADAM_FAMILY.items()
           if k in facts["coefficients"] and facts["coefficients"][k] != v}  # fmt: skip
    if off:
        out.append("the theorem analyses Adam/AVGrad (β3 = 0, c = 1, γ = 1); the run has "
                   + ", ".join(f"{k} = {v:g}" for k, v in
                               ((k, facts["coefficients"][k]) for k in off)))  # fmt: skip
    rho = facts["coefficients"].get("rho", 1.0)
    if alg.get("rho") is not None and rho != alg["rho"]:
        out.append(f"the theorem needs ρ = {alg['rho']:g}; the run's ρ = {rho:g}")
    if facts["weight_decay"]:
        out.append(f"the run decays its weights ({facts['weight_decay']:g}); the theorem "
                   "analyses the plain loss")  # fmt: skip
    return out


def caveats(theorem, facts):
    """Details in which a run that meets ``theorem`` still differs from the analysed
    iteration (stated beside the number, not hidden)."""
    if theorem.algorithm.get("lr_schedule") != "defossez_adam":
        return []
    b1 = facts["beta1"] or 0.0
    out = ["ε outside the root (the theorem: inside)"]
    if b1 > 0:
        out.insert(0, f"the run also corrects m's bias, so its first steps are up to "
                      f"1/(1 − β1) = {1 / (1 - b1):.3g}× the analysed ones")  # fmt: skip
    return out


def initial_loss(result):
    """The validation loss at the run's initial weights (an upper estimate of Δ)."""
    from .tasks import make_task

    cfg = result.config
    task = make_task(cfg["task"], seed=cfg["seed"], size=cfg["size"], device="cpu",
                     text=cfg["text"], **cfg.get("model", {}))  # fmt: skip
    return task.evaluate()


def assess(result, theorems=None):
    """``[{theorem, applies, reasons, caveats, constants, bound, trivial, breakeven}]`` for
    every stochastic-nonconvex theorem (``theorems``: ids, default all)."""
    from analysis.theorems import THEOREMS, trivial

    facts = run_facts(result)
    mon = next((r["monitor"] for r in reversed(result.history) if r.get("monitor")), {})
    ids = theorems or sorted(t for t, th in THEOREMS.items() if th.setting == SETTING)
    out, delta = [], None
    for tid in ids:
        th = THEOREMS[tid]
        why = reasons(th, facts)
        row = {"theorem": tid, "applies": not why, "reasons": why,
               "caveats": caveats(th, facts) if not why else [], "constants": None,
               "bound": None, "trivial": None, "breakeven": None}  # fmt: skip
        if not why and mon.get("G_inf"):
            delta = initial_loss(result) if delta is None else delta
            c = {"alpha": facts["alpha"], "beta1": facts["beta1"], "beta2": facts["beta2"],
                 "eps": facts["eps"], "d": facts["d"], "T": facts["T"], "R": mon["G_inf"],
                 "Delta": delta, "L": 0.0,
                 "rho": facts["coefficients"].get("rho", 1.0)}  # fmt: skip
            c = {k: v for k, v in c.items() if k in th.symbols or k in th.assumptions.names}
            try:
                row["bound"] = float(th.bound(**c))
            except ValueError as err:  # an assumption on the constants fails (T too short)
                row.update(applies=False, reasons=[str(err)], caveats=[])
                out.append(row)
                continue
            row["constants"] = c
            triv = trivial(th)
            row["trivial"] = float(triv.subs({s: c[s.name] for s in triv.free_symbols}))
            row["breakeven"] = th.breakeven(**{k: v for k, v in c.items() if k != "T"})
        out.append(row)
    return out


def conclusion(row):
    """What the reader should take from one applicable row."""
    if row["bound"] is None:
        return "not evaluated (no observed gradient bound)"
    if row["bound"] >= row["trivial"]:
        be = row["breakeven"]
        when = "never (up to T = 1e18)" if math.isinf(be) else f"only from T ≈ {be:.3g}"
        return (f"vacuous: even at L = 0 the bound is {row['bound']:.3g} ≥ the trivial "
                f"d·R² = {row['trivial']:.3g}; it beats that {when}")  # fmt: skip
    return (f"informative at L = 0: {row['bound']:.3g} < d·R² = {row['trivial']:.3g} "
            "(a larger L, the network's true one, raises it)")  # fmt: skip
