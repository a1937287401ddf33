r"""A bound monitor: this package's data-dependent regret bounds, evaluated along a training run.

:class:`BoundMonitor` is a hook any run can enable: ``mon = BoundMonitor(opt)``, then after
every ``loss.backward(); opt.step()`` a call ``mon.observe(step)``. It reads the gradients
:math:`g_t` just used (``p.grad`` of the optimizer's parameters, flattened over all of them
into :math:`d` coordinates) and the new iterate, and keeps, with no stored trace:

* ``G_inf``: the observed :math:`\max_{s\le t,i}|g_{s,i}|`; ``D_inf``: the observed
  :math:`\ell_\infty` diameter of the iterates, :math:`\max_i(\max_s x_{s,i} - \min_s
  x_{s,i})` over :math:`x_1, \dots, x_{t+1}` (a **plug-in** for the theorems' :math:`D_\infty`,
  which bounds :math:`\|x_t - x^\star\|_\infty` over a feasible set the net does not have);
* ``grad_norm_sum``: :math:`\sum_i \|g_{1:t,i}\|_2` (:data:`._own.GRAD_NORMS`, streamed);
* ``sqrt_vhat_sum``: :math:`\sum_i \sqrt{\hat v_{t,i}}` of the optimizer's *own* state:
  MADA's :math:`(\rho v_t + (1-\rho)\bar v_t)/(1-\beta_2^t)` (the bias correction only when
  the optimizer applies it; in learned mode the pending step is folded in out of place),
  torch Adam/AdamW's ``exp_avg_sq`` (``max_exp_avg_sq`` with ``amsgrad``) divided by
  :math:`1-\beta_2^t` as torch does; None when there is no second moment (Lion, SGD);
* ``monotone_violations``: the number of (coordinate, step) pairs where
  :math:`\sqrt{\hat v_{t,i}}/\alpha_t` decreased against step :math:`t-1`, with the
  theorems' :math:`\alpha_t = \mathrm{lr}_t/\sqrt t` (:math:`t` the optimizer's own step
  count, :math:`\mathrm{lr}_t` the group's current lr), up to a relative slack of 8 machine
  epsilons of the state's dtype (rounding of :math:`t\bar v_t`). Zero for AVGrad/AMSGrad
  without bias correction; this monotonicity is what every own regret proof rests on;
* ``coefficients``: ``opt.coefficients`` for MADA, ``beta1``/``beta2`` for torch optimizers;
* ``bounds``: for each theorem of :data:`DEFAULT_THEOREMS` (or the ids given), its printed
  data-dependent form at :math:`T = t`: every top-level term (distance, momentum, adaptive,
  ...) and the total, compiled by :mod:`._stream` into per-step accumulators. Streamed are
  this package's four own online theorems (:mod:`analysis.theorems._own`) and Reddi et
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
:math:`\max_{s\le t}\beta_{1s}`, as :func:`._own_online.own_online_values` reads a trace.
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

**Cost.** Per observe: one flattening of the gradients and iterates, the recurrences and the
accumulator summands (a few elementwise float64 passes over :math:`d`), no device
synchronisation; ``every=k`` evaluates the bounds (a few reductions) only every k steps.
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
    >>> rec["step"], rec["monotone_violations"], sorted(rec["bounds"])[0]
    (5, 0, 'adam_avgrad_interpolation_regret')
    >>> b = rec["bounds"]["avgrad_regret"]
    >>> abs(b["total"] - sum(b["terms"].values())) < 1e-9 * b["total"]
    True
"""

from __future__ import annotations

import math

import torch

from analysis.theorems import THEOREMS, _own

from ._readings import (
    AGGREGATE_FORMS,
    CONSTANTS,
    _coefficients,
    _constants,
    _data_form,
    _named_terms,
    _needs,
    _observed_lam,
    _skip_reason,
    _sqrt_vhat,
    _theorem_constants,
    _theorem_ids,
)
from ._stream import StreamingForm

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
        forms = {_GRAD_NORMS: _own.GRAD_NORMS}
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
            rho = {_own.rho: consts["rho"]} if "rho" in consts else {}  # this theorem's rho
            forms.update({(tid, name): term.xreplace(rho) for name, term in named.items()})
        if self.terms and "beta2" not in self.constants:
            raise ValueError("constants: give beta2 (the optimizer has no second moment)")
        statics = {k: v for k, v in self.constants.items() if k in ("alpha", "beta2")}
        statics.update({k: self.constants[k] for k in ("beta1", "D_inf", "G_inf")
                        if k in self.constants})  # fmt: skip
        self.stream = StreamingForm(forms, statics, self.d, device=self.device, dtype=dtype)
        x = self._flat([p.detach() for p in self.params])
        f64 = {"device": self.device, "dtype": torch.float64}
        self._s = {"x_min": x.clone(), "x_max": x.clone(), "G_inf": torch.zeros((), **f64),
                   "violations": torch.zeros((), device=self.device, dtype=torch.int64),
                   "sqrt_vhat_sum": None, "prev_q": None}  # fmt: skip
        self.step, self.beta1t_range, self.coefficients = None, None, _coefficients(optimizer)
        self.beta1t_first: list[float] = []  # beta_1t at steps 1 and 2 (for lam)
        self.lam_break = None  # (step, beta_1t, beta_11 lam^(t-1)) where the schedule broke
        self._bounds, self._bounds_step = {}, None

    # ---------------------------------------------------------------- observing
    def observe(self, step, *, grads=None, params=None, beta1t=None):
        """Record step ``step`` (call right after ``optimizer.step()``).

        ``grads``/``params``: the g_t used and the new iterate, one tensor per watched
        parameter (default: ``p.grad`` and ``p``). ``beta1t``: default the optimizer's
        current beta1, else ``constants["beta1"]``, else 0.
        """
        if self.step is not None and step <= self.step:
            raise ValueError(f"step must increase: got {step} after {self.step}")
        self.step = int(step)
        grads = [p.grad for p in self.params] if grads is None else list(grads)
        g = self._flat([torch.zeros_like(p) if gr is None else gr
                        for p, gr in zip(self.params, grads, strict=True)])  # fmt: skip
        self.coefficients = _coefficients(self.optimizer)
        if beta1t is None:
            beta1t = self.coefficients.get("beta1", self.constants.get("beta1", 0.0))
        beta1t = float(beta1t)
        lo, hi = self.beta1t_range or (beta1t, beta1t)
        self.beta1t_range = (min(lo, beta1t), max(hi, beta1t))
        if len(self.beta1t_first) < 2:
            self.beta1t_first.append(beta1t)
        self.stream.update(g, beta1t)
        self._check_schedule(beta1t)
        s = self._s
        torch.maximum(s["G_inf"], g.abs().max(), out=s["G_inf"])
        x = self._flat([p.detach() for p in self.params] if params is None else params)
        torch.minimum(s["x_min"], x, out=s["x_min"])
        torch.maximum(s["x_max"], x, out=s["x_max"])
        self._second_moment()
        if self.stream.step % self.every == 0:
            self._evaluate()

    def _check_schedule(self, beta1t):
        """Record the first step whose beta_1t exceeds beta_11 lam^(t-1): from there on a
        form in lam (Corollary 1's closed momentum term) no longer bounds the run's."""
        lam, T = _observed_lam(self.constants, self.beta1t_first), self.stream.step
        if self.lam_break is None and lam is not None:
            cap = self.beta1t_first[0] * lam ** (T - 1)
            if beta1t > cap * (1 + 1e-9):
                self.lam_break = (T, beta1t, cap)

    def _flat(self, tensors):
        return torch.cat([torch.as_tensor(t).reshape(-1) for t in tensors]).to(
            device=self.device, dtype=self.dtype)  # fmt: skip

    def _second_moment(self):
        roots = _sqrt_vhat(self.optimizer) if self.optimizer is not None else None
        if roots is None:
            return
        q = torch.cat([(r * (math.sqrt(t) / lr if lr else math.inf)).reshape(-1)
                       for r, t, lr in roots])  # fmt: skip
        s = self._s
        s["sqrt_vhat_sum"] = sum(r.sum(dtype=torch.float64) for r, _, _ in roots)
        if s["prev_q"] is not None and s["prev_q"].shape == q.shape:
            slack = 1.0 - 8 * torch.finfo(q.dtype).eps
            s["violations"] += (q < s["prev_q"] * slack).sum()
        s["prev_q"] = q

    def _evaluate(self):
        s, T = self._s, self.stream.step
        lam = _observed_lam(self.constants, self.beta1t_first)
        dyn = {"D_inf": self.constants.get("D_inf", (s["x_max"] - s["x_min"]).max()),
               "G_inf": self.constants.get("G_inf", s["G_inf"]),
               "beta1": self.constants.get("beta1", self.beta1t_range[1]),
               "lam": math.nan if lam is None else lam}  # fmt: skip
        active = {}
        for tid, names in self.terms.items():
            reason = _skip_reason(tid, self.forms[tid], self.theorem_constants[tid], d_=self.d,
                                  T_=T, beta1=dyn["beta1"], lam_=lam,
                                  beta1t_range=self.beta1t_range,
                                  lam_break=self.lam_break)  # fmt: skip
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
        """The current values as JSON-serialisable Python numbers (module docstring)."""
        s = self._s
        d_inf = self.constants.get("D_inf", (s["x_max"] - s["x_min"]).max())
        bounds = {tid: {"total": float(b["total"]),
                        "terms": {n: float(v) for n, v in b["terms"].items()}}
                  for tid, b in self._bounds.items()}  # fmt: skip
        gns = getattr(self, "_grad_norm_sum", None)
        svs = s["sqrt_vhat_sum"]
        return {"step": self.step, "G_inf": float(s["G_inf"]), "D_inf": float(d_inf),
                "grad_norm_sum": None if gns is None else float(gns),
                "sqrt_vhat_sum": None if svs is None else float(svs),
                "monotone_violations": int(s["violations"]),
                "coefficients": dict(self.coefficients), "bounds": bounds,
                "bounds_step": self._bounds_step, "skipped": dict(self.skipped)}  # fmt: skip

    def state_dict(self) -> dict:
        """Tensors and plain Python values only (loads with ``torch.load(weights_only=True)``)."""
        rec = self.record()
        return {"theorems": list(self.theorems), "constants": dict(self.constants),
                "d": self.d, "step": self.step, "stream": self.stream.state_dict(),
                "tensors": {k: None if v is None else v.clone() for k, v in self._s.items()},
                "beta1t_range": None if self.beta1t_range is None else list(self.beta1t_range),
                "beta1t_first": list(self.beta1t_first),
                "lam_break": None if self.lam_break is None else list(self.lam_break),
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
        self._s = {k: None if v is None else v.to(self.device) for k, v in sd["tensors"].items()}
        self.step = sd["step"]
        self.beta1t_range = None if sd["beta1t_range"] is None else tuple(sd["beta1t_range"])
        self.beta1t_first = [float(b) for b in sd.get("beta1t_first", ())]
        self.lam_break = None if sd.get("lam_break") is None else tuple(sd["lam_break"])
        self.coefficients, self._bounds = dict(sd["coefficients"]), sd["bounds"]
        self._bounds_step, self.skipped = sd["bounds_step"], dict(sd["skipped"])
        self._grad_norm_sum = sd["grad_norm_sum"]


__all__ = ["AGGREGATE_FORMS", "CONSTANTS", "DEFAULT_THEOREMS", "BoundMonitor"]
