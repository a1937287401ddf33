r"""Does a run stay where the learned-coefficient regret theorem applies? Read on the device.

``coefficient_path_regret`` (:mod:`analysis.theorems.coefficient_path_regret`) bounds the
regret of MADA's interpolations along *any* learned coefficient path that stays in its safe
set S, for each coordinate i and step t, with :math:`W_{t,i} = t\hat v_{t,i}`:

* **S1** :math:`\sqrt{\hat v_{t,i}}/\alpha_t` is non-decreasing, :math:`\alpha_t =
  \mathrm{lr}_t/\sqrt t` (t the optimizer's step count, :math:`\mathrm{lr}_t` the group's lr
  at that step);
* **S2** :math:`W_{t,i} \ge (1-\beta_2)\sum_{s\le t} g_{s,i}^2`, with the box's effective
  :math:`\beta_2` = ``effective_beta2(beta2_hi, rho_hi)``;
* **S3** :math:`W_{t,i} \le t G_\infty^2`, with the observed :math:`G_\infty = \max_{s\le
  t,i}|g_{s,i}|`;

and inside a **coefficient box** :math:`\beta_{2t} \le \beta_{2,hi} < 1`, :math:`\rho_t \le
\rho_{hi} < 1` (:math:`\rho` the weight of Adam's forgetful :math:`v_t`; any :math:`\rho`
with the max long memory, where :math:`\rho_{hi}` counts as 0). The box is read from the
optimizer's group 0: a learned coefficient's upper bound, a fixed one's value. The
comparisons allow a relative slack of 8 machine epsilons of the state's dtype.

**What the reading means.** ``outside_steps > 0`` says that from ``first_outside`` on the
theorem no longer covers this run (its proof needs every step in S), and ``box["inside"]``
false says it never did; a run with neither, no bias correction and ``algorithm`` empty is
one the theorem covers (an online *convex* bound: on a network it says which assumptions
the run meets, not a guarantee on its loss).

Cost: a few elementwise passes per step and one float64 vector of length d
(:math:`\sum_s g_s^2`); the counts are device tensors, read only by :meth:`SafeSet.record`.
"""

from __future__ import annotations

import math

import torch

from analysis.theorems.coefficient_path_regret import effective_beta2

SLACK_EPS = 8  # relative slack of the comparisons, in machine epsilons of the state's dtype


def coefficient_box(opt):
    """{beta2_hi, rho_hi, effective_beta2, inside, why} of group 0, and the list of ways the
    optimizer's algorithm differs from the theorem's (bias correction, c, beta3, gamma,
    weight decay)."""
    group = opt.param_groups[0]
    beta2 = float(group["betas"][1])
    if "learn" not in group:  # torch Adam/AdamW: rho = 1 unless amsgrad (the running max)
        rho, max_memory, learned, bounds = (0.0 if group.get("amsgrad") else 1.0), bool(
            group.get("amsgrad")), (), {}  # fmt: skip
        algorithm = ["bias correction"]
    else:
        learned, bounds = tuple(group["learn"]), dict(group["bounds"] or {})
        rho, max_memory = float(group["rho"]), group["long_memory"] == "max"
        algorithm = ["bias correction"] if group["bias_correction"] else []
        fixed = {"c": 1.0, "beta3": 0.0, "gamma": 1.0}  # the theorem's c_t, beta_3t, gamma
        algorithm += [f"{k} = {group[k]:g} (learned: {k in learned})" for k, want in
                      fixed.items() if k in learned or float(group[k]) != want]  # fmt: skip
    if any(float(g.get("weight_decay", 0.0)) > 0 for g in opt.param_groups):
        algorithm.append("weight decay")
    beta2_hi = float(bounds["beta2"][1]) if "beta2" in learned else beta2
    rho_hi = 0.0 if max_memory else (float(bounds["rho"][1]) if "rho" in learned else rho)
    why = [f"{name} = {v:g} is not < 1" for name, v in
           (("beta2_hi", beta2_hi), ("rho_hi", rho_hi)) if v >= 1]  # fmt: skip
    box = {"beta2_hi": beta2_hi, "rho_hi": rho_hi,
           "effective_beta2": effective_beta2(beta2_hi, rho_hi), "inside": not why,
           "why": "; ".join(why) or None}  # fmt: skip
    return box, algorithm


class SafeSet:
    """Counts of steps and coordinates outside S, on ``device`` (module docstring)."""

    def __init__(self, opt, d, device):
        self.box, self.algorithm = coefficient_box(opt)
        self.c2 = 1.0 - self.box["effective_beta2"]
        self.steps_read = 0  # steps with a second moment to read (none for Lion)
        i64 = {"device": device, "dtype": torch.int64}
        self.s = {"sum_g2": torch.zeros(d, device=device, dtype=torch.float64),
                  "prev_q": None, "outside_steps": torch.zeros((), **i64),
                  "outside_coordinate_steps": torch.zeros((), **i64),
                  "first_outside": torch.zeros((), **i64),
                  **{k: torch.zeros((), **i64) for k in ("S1", "S2", "S3")}}  # fmt: skip

    def update(self, step, vhats, g, G_inf):
        """Step ``step``: ``vhats`` = [(vhat, t, lr)] per parameter (:func:`._readings._vhat`),
        ``g`` the flat float gradient, ``G_inf`` the observed max |g| (a 0-d tensor)."""
        s = self.s
        self.steps_read += 1
        s["sum_g2"].add_(g.to(torch.float64).square())
        vhat = torch.cat([v.reshape(-1) for v, _, _ in vhats])
        slack = SLACK_EPS * torch.finfo(vhat.dtype).eps
        q = torch.cat([(v.sqrt() * (math.sqrt(t) / lr if lr else math.inf)).reshape(-1)
                       for v, t, lr in vhats])  # fmt: skip
        steps = torch.cat([torch.full((v.numel(),), float(t), device=v.device,
                                      dtype=torch.float64) for v, t, _ in vhats])  # fmt: skip
        w = vhat.to(torch.float64) * steps
        out = {
            "S2": w < self.c2 * s["sum_g2"] * (1.0 - slack),
            "S3": vhat.to(torch.float64) > G_inf.to(torch.float64).square() * (1.0 + slack),
        }
        if s["prev_q"] is not None and s["prev_q"].shape == q.shape:
            out["S1"] = q < s["prev_q"] * (1.0 - slack)
        s["prev_q"] = q
        outside = out["S2"] | out["S3"] | out.get("S1", torch.zeros_like(out["S2"]))
        for k, mask in out.items():
            s[k] += mask.sum()
        count = outside.sum()
        s["outside_coordinate_steps"] += count
        s["outside_steps"] += (count > 0).to(torch.int64)
        first = s["first_outside"]
        first.copy_(torch.where((first == 0) & (count > 0), torch.full_like(first, step), first))

    def record(self):
        """Python numbers (this reads the device)."""
        s = self.s
        first = int(s["first_outside"])
        return {"steps_read": self.steps_read, "outside_steps": int(s["outside_steps"]),
                "outside_coordinate_steps": int(s["outside_coordinate_steps"]),
                "first_outside": first or None,
                "by_condition": {k: int(s[k]) for k in ("S1", "S2", "S3")},
                "box": dict(self.box), "algorithm": list(self.algorithm)}  # fmt: skip

    def state_dict(self):
        return {
            "steps_read": self.steps_read,
            "tensors": {k: None if v is None else v.clone() for k, v in self.s.items()},
        }

    def load_state_dict(self, sd, device):
        self.steps_read = int(sd["steps_read"])
        self.s = {k: None if v is None else v.to(device) for k, v in sd["tensors"].items()}


def describe(reading):
    """One sentence for a reader: what ``reading`` (:meth:`SafeSet.record`) means for the
    coverage of ``coefficient_path_regret``.

    >>> describe({"steps_read": 5, "outside_steps": 0, "outside_coordinate_steps": 0,
    ...           "first_outside": None, "box": {"inside": True, "why": None},
    ...           "algorithm": []})  # doctest: +NORMALIZE_WHITESPACE
    'Safe set S of coefficient_path_regret: the run stayed in S for all 5 steps, inside its
    coefficient box, with the analysed algorithm: the theorem covers it.'
    """
    head = "Safe set S of coefficient_path_regret: "
    if reading is None or not reading["steps_read"]:
        return head + "not read (the optimizer keeps no second moment)."
    n, out = reading["steps_read"], reading["outside_steps"]
    problems = [] if reading["box"]["inside"] else [
        f"its coefficient box is open ({reading['box']['why']})"]  # fmt: skip
    if reading["algorithm"]:
        problems.append(f"it is not the analysed algorithm ({', '.join(reading['algorithm'])})")
    if out:
        where = (f"the run left S at {out} of {n} steps ({reading['outside_coordinate_steps']}"
                 f" coordinate-steps, first at step {reading['first_outside']})")  # fmt: skip
    else:
        where = f"the run stayed in S for all {n} steps"
    if problems:
        return f"{head}{where}; {'; '.join(problems)}; so the theorem does not cover it."
    if out:
        return f"{head}{where}, so from that step on the theorem does not cover it."
    return (f"{head}{where}, inside its coefficient box, with the analysed algorithm: the "
            "theorem covers it.")  # fmt: skip
