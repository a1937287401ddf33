r"""A bound monitor: this package's data-dependent regret bounds, evaluated along a training run.

:class:`BoundMonitor` is a hook any run can enable: ``mon = BoundMonitor(opt)``, then after
every ``loss.backward(); opt.step()`` a call ``mon.observe(step)``. It reads the gradients
:math:`g_t` just used (``p.grad`` of the optimizer's parameters, flattened over all of them
into :math:`d` coordinates) and the new iterate, and keeps, with no stored trace:

* ``G_inf``: the observed :math:`\max_{s\le t,i}|g_{s,i}|`; ``D_inf``: the observed
  :math:`\ell_\infty` diameter of the iterates, :math:`\max_i(\max_s x_{s,i} - \min_s
  x_{s,i})` over :math:`x_1, \dots, x_{t+1}` (a **plug-in** for the theorems' :math:`D_\infty`,
  which bounds :math:`\|x_t - x^\star\|_\infty` over a feasible set the net does not have);
* ``grad_norm_sum``: :math:`\sum_i \|g_{1:t,i}\|_2` (streamed
  :data:`analysis.statements.GRAD_NORMS`);
* ``sqrt_vhat_sum``: :math:`\sum_i \sqrt{\hat v_{t,i}}` of the optimizer's *own* state:
  MADA's :math:`(\rho v_t + (1-\rho)\bar v_t)/(1-\beta_2^t)` (the bias correction only when
  the optimizer applies it; in learned mode the pending step is folded in out of place),
  torch Adam/AdamW's ``exp_avg_sq`` (``max_exp_avg_sq`` with ``amsgrad``) divided by
  :math:`1-\beta_2^t` as torch does; None when there is no second moment (Lion, SGD);
* ``safe_set``: where the run stands against the safe set S of the learned-coefficient
  theorem ``coefficient_path_regret`` (:mod:`.safe_set`): the steps and (coordinate, step)
  pairs outside S, the first such step, the counts per condition (S1: :math:`\sqrt{\hat
  v_{t,i}}/\alpha_t` non-decreasing with :math:`\alpha_t = \mathrm{lr}_t/\sqrt t`; S2, S3),
  the coefficient box and how the optimizer differs from the theorem's algorithm. In one
  sentence: a step outside S (or a box with :math:`\rho_{hi}` or :math:`\beta_{2,hi}` = 1)
  is where that theorem, and the own regret proofs that rest on the same monotonicity, stop
  covering the run; MADA's safeguard keeps a run inside;
* ``coefficients``: ``opt.coefficients`` for MADA, ``beta1``/``beta2`` for torch optimizers;
* ``bounds``: for each theorem of :data:`DEFAULT_THEOREMS` (or the ids given), its printed
  data-dependent form at :math:`T = t`: every top-level term (distance, momentum, adaptive,
  ...) and the total, compiled by :class:`analysis.sums.StreamingForm` into per-step
  accumulators. Streamed are
  this package's four own online theorems (:mod:`analysis.statements`) and Reddi et
  al.'s AMSGrad Theorem 4 and Corollary 1 (``amsgrad_regret_reddi2018[_cor1]``), whose
  aggregates S_vhat, S_g, S_mom are replaced by their run-data sums
  (:data:`._readings.AGGREGATE_FORMS`). Reddi et al.'s statements are streamed **as
  published**; their proof is flawed (see the theorem modules). Tran & Phong's corrected
  bound is not streamable (its :math:`t_0` is a property of the whole run).

**Conventions.** The bounds are those of the *analysed* algorithm (no bias correction,
:math:`\epsilon = 0`, :math:`\alpha_t = \alpha/\sqrt t`) run on the observed gradient
stream: :math:`v, Sv, vmax, m` are recomputed from the gradients with the theorems'
recurrences, exactly as ``Theorem.data_bound`` does on a trace. Constants: ``alpha`` = group
0's lr, ``beta2`` and ``rho`` = the optimizer's **initial** coefficients (read at
construction; the theorems assume them fixed and the accumulators are built with them from
step 1). Each interpolation theorem reads ``rho`` in its own sense: the Adam/AVGrad mix as
the weight of :math:`v_t` against the running average (MADA's :math:`\rho` with
``long_memory="average"``), the max/average mix as the weight of the max (1 for AMSGrad, 0
for AVGrad; other runs skip it);
:math:`\beta_{1t}` = the optimizer's **current** beta1 at step t and the constant ``beta1`` =
:math:`\max_{s\le t}\beta_{1s}`, as :func:`analysis.theorems.own_online_values` reads a trace.
Corollary 1's :math:`\lambda` = :math:`\beta_{1,2}/\beta_{1,1}` once two steps are seen with
:math:`\beta_{1,1} > 0` (as ``online_run_values`` reads a trace; skipped before).
``constants`` overrides any of alpha, beta1, beta2, rho, D_inf, G_inf, lam. A theorem whose
assumptions fail for these constants is skipped (left out of ``bounds``, its reason under
``skipped``); e.g. the Adam/AVGrad mix once :math:`\rho > \beta_2/((T-1)(1-\beta_2))`, or the
constant-momentum theorem once :math:`\beta_{1t}` has varied (Reddi et al.'s Theorem 4 allows
any :math:`\beta_{1t} \le \beta_1`), Corollary 1 at constant momentum (``lam``: :math:`\lambda
= 1`), Reddi et al.'s once :math:`\gamma = \beta_1/\sqrt{\beta_2} \ge 1`. These are online
*convex* regret bounds; on a nonconvex network they illustrate the quantities the proofs
control, **not a guarantee** about the training loss.

**Cost, and no device reads between evaluations.** Per observe: one flattening of the
gradients and iterates, the recurrences, the accumulator summands and the safe-set
comparisons (a few elementwise float64 passes over :math:`d`). Every accumulator lives on the
optimizer's device; the current :math:`\beta_{1t}` is read as a 0-d device tensor where MADA
learns it, and its range and schedule check stay on the device too, so ``observe`` never
synchronises with the device (tested under ``torch.cuda.set_sync_debug_mode("error")``).
``every=k`` evaluates the bounds (a few reductions, and the reads of the skip checks) only
every k steps; ``record()`` reads the device.
Memory: about ten vectors of length :math:`d`, float64 on every device by default
(``dtype=torch.float32`` halves it on a GPU, at float32 rounding of the per-coordinate state;
scalar sums stay float64). ``record()`` also gives ``D_inf``, ``bounds_step`` (the step of
the last evaluation) and ``skipped`` (theorem id -> reason). Use :class:`BoundMonitor` with
``optimizer=None`` and ``observe(step, grads=..., params=..., beta1t=...)`` to drive it by hand.

Example (AVGrad, no bias correction, on a 2-D quadratic):

    >>> import torch
    >>> from mada import MADA
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = MADA([w], lr=0.1, rho=0.0, bias_correction=False)
    >>> mon = BoundMonitor(opt)
    >>> for step in range(1, 6):
    ...     opt.zero_grad()
    ...     (w**2).sum().backward()
    ...     opt.step()
    ...     mon.observe(step)
    >>> rec = mon.record()
    >>> rec["step"], rec["safe_set"]["outside_steps"], sorted(rec["bounds"])[0]
    (5, 0, 'adam_avgrad_interpolation_regret')
    >>> b = rec["bounds"]["avgrad_regret"]
    >>> abs(b["total"] - sum(b["terms"].values())) < 1e-9 * b["total"]
    True
"""

from __future__ import annotations

import math

import torch

from analysis import statements, symbols
from analysis.sums import StreamingForm
from analysis.theorems import THEOREMS

from ._beta1 import Beta1Track
from ._readings import (
    AGGREGATE_FORMS,
    CONSTANTS,
    _coefficients,
    _constants,
    _data_form,
    _live_beta1,
    _named_terms,
    _needs,
    _observed_lam,
    _skip_reason,
    _theorem_constants,
    _theorem_ids,
    _vhat,
)
from .safe_set import SafeSet

DEFAULT_THEOREMS = (
    "avgrad_regret",
    "avgrad_regret_constant_beta1",
    "amsgrad_avgrad_interpolation_regret",
    "adam_avgrad_interpolation_regret",
    "amsgrad_regret_reddi2018",
    "amsgrad_regret_reddi2018_cor1",
)
_GRAD_NORMS = ("grad_norm_sum", "")


class BoundMonitor:
    """Streams the data-dependent bounds of ``theorems`` along a run (module docstring)."""

    def __init__(self, optimizer=None, *, theorems=DEFAULT_THEOREMS, every=1, constants=None,
                 params=None, dtype=torch.float64):  # fmt: skip
        self.optimizer = optimizer
        if optimizer is not None:
            params = [p for g in optimizer.param_groups for p in g["params"]]
        if not params:
            raise ValueError("params: give an optimizer or the parameters to watch")
        self.params = list(params)
        self.theorems = _theorem_ids(theorems)
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a whole number >= 1, got {every!r}")
        self.every, self.dtype = every, dtype
        self.device = self.params[0].device
        self.d = sum(p.numel() for p in self.params)
        self.constants = _constants(optimizer, constants)
        self.skipped: dict[str, str] = {}
        self.terms, self.forms = {}, {}  # id -> term names, id -> data form (AGGREGATE_FORMS)
        forms = {_GRAD_NORMS: statements.GRAD_NORMS}
        self.theorem_constants = {}
        for tid in self.theorems:
            th = THEOREMS[tid]
            consts, reason = _theorem_constants(tid, optimizer, self.constants)
            if reason is None:
                try:
                    th.assumptions.check(**{"d": self.d, **consts})
                except ValueError as err:
                    reason = str(err)
            if reason is not None:
                self.skipped[tid] = reason
                continue
            self.theorem_constants[tid] = consts
            missing = _needs(th) - set(consts) - {"beta1", "D_inf", "G_inf", "lam"}
            if missing:
                raise ValueError(f"constants: {tid} needs {sorted(missing)} (the optimizer "
                                 "does not give them)")  # fmt: skip
            self.forms[tid] = _data_form(th)
            named = _named_terms(self.forms[tid])
            self.terms[tid] = tuple(named)
            rho = {symbols.rho: consts["rho"]} if "rho" in consts else {}  # this theorem's rho
            forms.update({(tid, name): term.xreplace(rho) for name, term in named.items()})
        if self.terms and "beta2" not in self.constants:
            raise ValueError("constants: give beta2 (the optimizer has no second moment)")
        statics = {k: v for k, v in self.constants.items() if k in ("alpha", "beta2")}
        statics.update({k: self.constants[k] for k in ("beta1", "D_inf", "G_inf")
                        if k in self.constants})  # fmt: skip
        # every streamable theorem's terms are of degree 1 in the gradients (tested), so the
        # stream may keep them rescaled against underflow, unless G_inf is a fixed constant
        self.stream = StreamingForm(forms, statics, self.d, device=self.device, dtype=dtype,
                                    homogeneous="G_inf" not in statics)  # fmt: skip
        x = self._flat([p.detach() for p in self.params])
        f64 = {"device": self.device, "dtype": torch.float64}
        self._s = {"x_min": x.clone(), "x_max": x.clone(), "G_inf": torch.zeros((), **f64),
                   "sqrt_vhat_sum": None}  # fmt: skip
        self.safe = SafeSet(optimizer, self.d, self.device) if optimizer is not None else None
        self.step, self.coefficients = None, _coefficients(optimizer)
        self._b1 = Beta1Track(self.constants.get("lam"), self.device)
        self._consts: dict[float, torch.Tensor] = {}  # a constant beta1t, copied once
        self._bounds, self._bounds_step = {}, None

    # ---------------------------------------------------------------- observing
    def observe(self, step, *, grads=None, params=None, beta1t=None):
        """Record step ``step`` (call right after ``optimizer.step()``); reads nothing from
        the device.

        ``grads``/``params``: the g_t used and the new iterate, one tensor per watched
        parameter (default: ``p.grad`` and ``p``). ``beta1t``: default the optimizer's
        current beta1 (a device tensor where MADA learns it), else ``constants["beta1"]``,
        else 0.
        """
        if self.step is not None and step <= self.step:
            raise ValueError(f"step must increase: got {step} after {self.step}")
        self.step = int(step)
        grads = [p.grad for p in self.params] if grads is None else list(grads)
        g = self._flat([torch.zeros_like(p) if gr is None else gr
                        for p, gr in zip(self.params, grads, strict=True)])  # fmt: skip
        if beta1t is None:
            beta1t = _live_beta1(self.optimizer)
        if beta1t is None:
            beta1t = self.constants.get("beta1", 0.0)
        beta1t = self._device_scalar(beta1t)
        self.stream.update(g, beta1t)
        self._b1.update(beta1t, self.stream.step)
        s = self._s
        torch.maximum(s["G_inf"], g.abs().max(), out=s["G_inf"])
        x = self._flat([p.detach() for p in self.params] if params is None else params)
        torch.minimum(s["x_min"], x, out=s["x_min"])
        torch.maximum(s["x_max"], x, out=s["x_max"])
        self._second_moment(g)
        if self.stream.step % self.every == 0:
            self._evaluate()

    def _device_scalar(self, x):
        """``x`` as a 0-d float64 tensor on the monitor's device (a float: copied once)."""
        if torch.is_tensor(x):
            return x.detach().to(device=self.device, dtype=torch.float64).reshape(())
        x = float(x)
        if x not in self._consts:
            self._consts[x] = torch.tensor(x, device=self.device, dtype=torch.float64)
        return self._consts[x]

    def _flat(self, tensors):
        return torch.cat([torch.as_tensor(t).reshape(-1) for t in tensors]).to(
            device=self.device, dtype=self.dtype)  # fmt: skip

    def _second_moment(self, g):
        vhats = _vhat(self.optimizer) if self.optimizer is not None else None
        if vhats is None:
            return
        self._s["sqrt_vhat_sum"] = sum(v.sqrt().sum(dtype=torch.float64) for v, _, _ in vhats)
        self.safe.update(self.stream.step, vhats, g, self._s["G_inf"])

    def _evaluate(self):
        s, T = self._s, self.stream.step
        beta1t_range, first, lam_break = self._b1.host()
        lam = _observed_lam(self.constants, first)
        dyn = {"D_inf": self.constants.get("D_inf", (s["x_max"] - s["x_min"]).max()),
               "G_inf": self.constants.get("G_inf", s["G_inf"]),
               "beta1": self.constants.get("beta1", beta1t_range[1]),
               "lam": math.nan if lam is None else lam}  # fmt: skip
        active = {}
        for tid, names in self.terms.items():
            reason = _skip_reason(tid, self.forms[tid], self.theorem_constants[tid], d_=self.d,
                                  T_=T, beta1=dyn["beta1"], lam_=lam,
                                  beta1t_range=beta1t_range, lam_break=lam_break)  # fmt: skip
            if reason:
                self.skipped[tid] = reason
            else:
                self.skipped.pop(tid, None)
                active[tid] = names
        keys = [_GRAD_NORMS] + [(tid, n) for tid, names in active.items() for n in names]
        vals = self.stream.evaluate(keys, **dyn)  # one pass: shared subterms computed once
        bounds = {}
        for tid, names in active.items():
            terms = {n: vals[(tid, n)] for n in names}
            bounds[tid] = {"total": sum(terms.values()), "terms": terms}
        self._grad_norm_sum = vals[_GRAD_NORMS]
        self._bounds, self._bounds_step = bounds, self.step

    # ---------------------------------------------------------------- reading
    def record(self) -> dict:
        """The current values as JSON-serialisable Python numbers (module docstring); this
        reads the device."""
        s = self._s
        if self.optimizer is not None:
            self.coefficients = _coefficients(self.optimizer)
        d_inf = self.constants.get("D_inf", (s["x_max"] - s["x_min"]).max())
        bounds = {tid: {"total": float(b["total"]),
                        "terms": {n: float(v) for n, v in b["terms"].items()}}
                  for tid, b in self._bounds.items()}  # fmt: skip
        gns = getattr(self, "_grad_norm_sum", None)
        svs = s["sqrt_vhat_sum"]
        return {"step": self.step, "G_inf": float(s["G_inf"]), "D_inf": float(d_inf),
                "grad_norm_sum": None if gns is None else float(gns),
                "sqrt_vhat_sum": None if svs is None else float(svs),
                "safe_set": None if self.safe is None else self.safe.record(),
                "coefficients": dict(self.coefficients), "bounds": bounds,
                "bounds_step": self._bounds_step, "skipped": dict(self.skipped)}  # fmt: skip

    def state_dict(self) -> dict:
        """Tensors and plain Python values only (loads with ``torch.load(weights_only=True)``)."""
        rec = self.record()
        return {"theorems": list(self.theorems), "constants": dict(self.constants),
                "d": self.d, "step": self.step, "stream": self.stream.state_dict(),
                "tensors": {k: None if v is None else v.clone() for k, v in self._s.items()},
                "beta1": self._b1.state_dict(),
                "safe_set": None if self.safe is None else self.safe.state_dict(),
                "coefficients": rec["coefficients"], "bounds": rec["bounds"],
                "bounds_step": self._bounds_step, "grad_norm_sum": rec["grad_norm_sum"],
                "skipped": rec["skipped"]}  # fmt: skip

    def load_state_dict(self, sd):
        """Restore :meth:`state_dict`; the theorems, constants and size must match."""
        for key, mine in (("theorems", list(self.theorems)), ("d", self.d),
                          ("constants", self.constants)):  # fmt: skip
            if sd[key] != mine:
                raise ValueError(f"{key}: the saved monitor has {sd[key]!r}, this one {mine!r}")
        self.stream.load_state_dict(sd["stream"])
        here = {"device": self.device}
        self._s = {k: None if v is None else v.to(**here) for k, v in sd["tensors"].items()}
        self.step = sd["step"]
        self._b1.load_state_dict(sd["beta1"])
        if self.safe is not None and sd["safe_set"] is not None:
            self.safe.load_state_dict(sd["safe_set"], self.device)
        self.coefficients, self._bounds = dict(sd["coefficients"]), sd["bounds"]
        self._bounds_step, self.skipped = sd["bounds_step"], dict(sd["skipped"])
        self._grad_norm_sum = sd["grad_norm_sum"]


__all__ = ["AGGREGATE_FORMS", "CONSTANTS", "DEFAULT_THEOREMS", "BoundMonitor"]
