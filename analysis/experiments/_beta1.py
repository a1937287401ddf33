"""The momentum coefficient beta_1t along a monitored run, tracked on the device: its range,
its first two values (lam = beta_1t(2)/beta_1t(1)) and the first step whose beta_1t exceeds
the geometric schedule beta_11 lam^(t-1) that a form in lam (Reddi et al.'s Corollary 1)
assumes. Values are 0-d float64 tensors; :meth:`Beta1Track.host` reads them."""

from __future__ import annotations

import torch


class Beta1Track:
    """``lam``: a given lam (``constants["lam"]``), else None (observed from steps 1, 2)."""

    def __init__(self, lam, device):
        self.lam, self.device = lam, device
        self.lo = self.hi = self.break_step = self.brk = None
        self.first: list[torch.Tensor] = []

    def update(self, beta1t, T):
        """Step ``T``'s ``beta1t`` (a 0-d float64 tensor on the device); reads nothing."""
        if self.lo is None:
            self.lo, self.hi = beta1t.clone(), beta1t.clone()
            self.break_step = torch.zeros((), device=self.device, dtype=torch.int64)
            self.brk = torch.zeros(2, device=self.device, dtype=torch.float64)
        torch.minimum(self.lo, beta1t, out=self.lo)
        torch.maximum(self.hi, beta1t, out=self.hi)
        if len(self.first) < 2:
            self.first.append(beta1t.clone())
        first = self.first[0]
        if self.lam is not None:
            lam, valid = self.lam, True
        elif len(self.first) == 2:  # lam needs beta_1t(1) > 0, as online_run_values reads it
            lam, valid = self.first[1] / torch.where(first > 0, first, 1.0), first > 0
        else:
            return
        cap = first * lam ** (T - 1)
        new = (self.break_step == 0) & (beta1t > cap * (1 + 1e-9)) & valid
        self.break_step.copy_(torch.where(new, torch.full_like(self.break_step, T),
                                          self.break_step))  # fmt: skip
        self.brk.copy_(torch.where(new, torch.stack([beta1t, cap]), self.brk))

    def host(self):
        """(range, first values, (step, beta_1t, cap) of the break or None) as Python
        numbers; this reads the device."""
        if self.lo is None:
            return None, [], None
        step = int(self.break_step)
        brk = (step, *map(float, self.brk)) if step else None
        return (float(self.lo), float(self.hi)), [float(x) for x in self.first], brk

    def state_dict(self):
        keep = {"lo": self.lo, "hi": self.hi, "break_step": self.break_step, "brk": self.brk}
        return {**{k: None if v is None else v.clone() for k, v in keep.items()},
                "first": [x.clone() for x in self.first]}  # fmt: skip

    def load_state_dict(self, sd):
        for k in ("lo", "hi", "break_step", "brk"):
            setattr(self, k, None if sd[k] is None else sd[k].to(self.device))
        self.first = [x.to(self.device) for x in sd["first"]]
