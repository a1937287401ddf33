r"""``MADA``: the meta-adaptive optimizer family of Ozkara et al. (ICML 2024) as a torch optimizer.

The update rule is written in ``mada/_kernel.py``; the hypergradient engine in
``mada/hyper.py``. This module holds the torch.optim plumbing: argument checks, lazy state,
the for-loop / foreach dispatch, checkpoints and the non-finite guard.

State buffers (per parameter, created on first use, only for active or learned parts):

====================  ===============================================  ==================
key                   quantity                                         needed when
====================  ===============================================  ==================
``m``                 first moment :math:`m_t`                         γ > 0 or γ learned
``v``                 second moment :math:`v_t`                        γ > 0 or γ learned
``v_bar``             long memory :math:`\bar v_t` (average or max)    ρ < 1 or ρ learned
``n``, ``g_prev``     Adan difference EMA :math:`n_t`, :math:`g_{t-1}`   β3 > 0 or β3 learned
``ell``               Lion momentum :math:`\ell_t`                     γ < 1 or γ learned
``g``                 pending gradient (learned mode only, below)      any coefficient learned
====================  ===============================================  ==================

In learned mode the moments are stored one step behind (:math:`S_{t-1}`, :math:`g_{t-1}`,
plus the pending :math:`g_t`). The next step replays step t (bit for bit on the eager
paths; inside the step kernel with ``fused=True``) while contracting
:math:`\partial d_t/\partial q` with :math:`g_{t+1}`, so no per-coefficient buffer is kept.
"""

from __future__ import annotations

import copy
from collections import defaultdict

import torch
from torch.optim import Optimizer

from . import _checkpoint, _fused, _kernel, _validate, hyper
from ._ops import FOREACH, LOOP

FUSED = "fused"  # marks a bucket for the compiled kernels of mada/_fused.py

_LOW_PRECISION = (torch.float16, torch.bfloat16)


class MADA(Optimizer):
    r"""Meta-adaptive optimizer: Adam, AMSGrad/AVGrad, Yogi, Adan and Lion in one update.

    Args:
        params: iterable of parameters or param-group dicts.
        lr: learning rate :math:`\alpha \ge 0`.
        betas: :math:`(\beta_1, \beta_2) \in [0,1)^2`, first and second moment decay.
        beta3: :math:`\beta_3 \in [0,1)`, Adan gradient-difference weight (0 turns it off).
        rho: :math:`\rho \in [0,1]`, 1 = Adam's :math:`v_t`, 0 = the long memory :math:`\bar v_t`.
        c: :math:`c \in [0,1]`, 1 = Adam's squared gradient, 0 = Yogi's additive rule.
        gamma: :math:`\gamma \in [0,1]`, 1 = adaptive direction, 0 = Lion's sign direction.
        eps: :math:`\epsilon \ge 0` added to :math:`\sqrt{\hat v_t}`.
        weight_decay: decoupled weight decay :math:`\lambda \ge 0` (as AdamW).
        long_memory: ``"average"`` (AVGrad) or ``"max"`` (AMSGrad) for :math:`\bar v_t`.
        lion_betas: :math:`(\beta^L_1, \beta^L_2)` of the Lion part, true Lion order. The
            paper's research code forms the sign from the *updated* :math:`\ell_t`; we use
            :math:`\ell_{t-1}` as Lion (Chen et al., 2023) does.
        bias_correction: divide by :math:`1-\beta_1^t` and :math:`1-\beta_2^t`. ``False`` is
            the form the regret theorems analyse.
        learn: ``()``, ``True`` (all six) or names among beta1, beta2, beta3, rho, c, gamma.
        hyper_lr, hyper_momentum: float or dict name -> float, per learned coefficient.
        hyper_clip: clip each hypergradient to [-clip, clip]; ``None`` disables it.
        bounds: dict name -> (lo, hi) clamp range of a learned coefficient.
        nonfinite: ``"raise"`` (default), ``"skip"`` (leave everything unchanged) or ``None``
            (no check, as torch.optim) when a gradient holds inf or NaN.
        foreach: use ``torch._foreach_*`` kernels; default: when all params are on CUDA.
        fused: run each phase of a step as one ``torch.compile``-d kernel per parameter
            (``mada/_fused.py``): the fast path, equal to the others up to rounding. The
            first step per structure compiles (tens of seconds on CPU; needs a C++
            compiler there). Default off.

    Low precision: for float16/bfloat16 parameters the state is float32 and the arithmetic
    runs in float32; the new parameter is rounded once to its dtype.

    Example:
        >>> import torch
        >>> from mada import MADA
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = MADA([w], lr=0.1, rho=0.0)  # AVGrad
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> sorted(opt.state[w])
        ['m', 'step', 'v', 'v_bar']
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        beta3=0.0,
        rho=1.0,
        c=1.0,
        gamma=1.0,
        eps=1e-8,
        weight_decay=0.0,
        *,
        long_memory="average",
        lion_betas=(0.95, 0.98),
        bias_correction=True,
        learn=(),
        hyper_lr=None,
        hyper_momentum=None,
        hyper_clip=_validate.DEFAULT_HYPER_CLIP,
        bounds=None,
        nonfinite="raise",
        foreach=None,
        fused=None,
    ):
        self.nonfinite = _validate.choice("nonfinite", nonfinite, ("raise", "skip", None))
        defaults = dict(
            lr=lr, betas=betas, beta3=beta3, rho=rho, c=c, gamma=gamma, eps=eps,
            weight_decay=weight_decay, long_memory=long_memory, lion_betas=lion_betas,
            bias_correction=bias_correction, learn=learn, hyper_lr=hyper_lr,
            hyper_momentum=hyper_momentum, hyper_clip=hyper_clip, bounds=bounds,
            foreach=foreach, fused=fused,
        )  # fmt: skip
        _check_group(dict(defaults))  # fail before torch touches params
        super().__init__(params, defaults)

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        _check_group(self.param_groups[-1])

    @classmethod
    def preset(cls, name, params, **overrides):
        """Build the named corner (see ``mada.presets``); keyword overrides win."""
        from .presets import preset_kwargs

        return cls(params, **{**preset_kwargs(name), **overrides})

    @property
    def coefficients(self):
        """Group 0's current coefficients as Python floats."""
        return hyper.coefficients(self.param_groups[0])

    @property
    def hypergradients(self):
        """Group 0's last hypergradients h_q (empty before the first hyper-update)."""
        return dict(self.param_groups[0]["hypergrad"])

    # ---------------------------------------------------------------- step
    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        work = [self._collect(group) for group in self.param_groups]
        if self.nonfinite is not None and not _all_finite(work):
            if self.nonfinite == "raise":
                raise FloatingPointError(
                    "MADA.step got a non-finite gradient; pass nonfinite='skip' to skip such "
                    "steps or nonfinite=None to apply them"
                )
            return loss
        for group, items in zip(self.param_groups, work):  # state only once the step is on
            for _, p, _, _ in items:
                state = self.state[p]
                if not state:
                    self._init_state(group, p, state)
                _kernel.check_buffers(group, state)
        sums = [self._replay(group, items) for group, items in zip(self.param_groups, work)]
        hyper.update(self.param_groups, sums)
        for group, items in zip(self.param_groups, work):
            self._advance_and_apply(group, items)
        return loss

    def _collect(self, group):
        """(index, param, compute-param, grad) for the params with a gradient."""
        items = []
        for i, p in enumerate(group["params"]):
            if p.grad is None:
                continue
            if p.grad.is_sparse:
                raise TypeError("MADA does not support sparse gradients; use dense gradients")
            if p.is_complex():
                raise TypeError("MADA does not support complex parameters; use view_as_real")
            low = p.dtype in _LOW_PRECISION
            items.append((i, p, p.float() if low else p, p.grad.float() if low else p.grad))
        return items

    def _init_state(self, group, p, state):
        dtype = torch.float32 if p.dtype in _LOW_PRECISION else p.dtype
        state["step"] = 0
        for key in _kernel.required_buffers(group) + (("g",) if group["learn"] else ()):
            state[key] = torch.zeros_like(p, dtype=dtype, memory_format=torch.preserve_format)
        if group["learn"]:
            state["pending"] = False

    def _buckets(self, group, items):
        """(kernel, items) pairs: per param (for-loop, fused) or per like bucket (foreach).

        With ``fused``, tensors below ``_fused.MIN_NUMEL`` (learned) or ``MIN_NUMEL_DIRECT``
        elements, or non-contiguous ones, take the foreach path: there one compiled call
        costs more than the batched eager ops.
        """
        if group["fused"]:
            learned, fused, rest = bool(group["learn"]), [], []
            for it in items:
                (fused if _fused.fits(it[2], learned) else rest).append(it)
            return [(FUSED, [it]) for it in fused] + self._foreach_buckets(rest)
        foreach = group["foreach"]
        if foreach is None:
            foreach = bool(items) and all(p.is_cuda for _, p, _, _ in items)
        if not foreach:
            return [(LOOP, [it]) for it in items]
        return self._foreach_buckets(items)

    def _foreach_buckets(self, items):
        buckets = defaultdict(list)
        for it in items:
            s = self.state[it[1]]
            present = _kernel.present_buffers(s)
            buckets[(it[2].device, it[2].dtype, s["step"], s.get("pending"), present)].append(it)
        return [(FOREACH, b) for b in buckets.values()]

    def _state_lists(self, bucket):
        states = [self.state[p] for _, p, _, _ in bucket]
        st = {k: ([s[k] for s in states] if k in states[0] else None) for k in _kernel.BUFFERS}
        return states, st

    def _replay(self, group, items):
        """Learned mode: fold the pending step into the state; return the h sums or None."""
        if not group["learn"]:
            return None
        with_grad = {id(p) for _, p, _, _ in items}
        pending = [
            (i, p, p, None) for i, p in enumerate(group["params"])
            if self.state.get(p, {}).get("pending") and id(p) not in with_grad
        ]  # fmt: skip
        contract = [it for it in items if self.state[it[1]]["pending"]]
        contributions = {}
        for todo, with_sums in ((pending, False), (contract, True)):
            for ops, bucket in self._buckets(group, todo):
                out = self._replay_bucket(ops, group, bucket, with_sums)
                for k, vec in out.items():
                    for (i, *_), val in zip(bucket, vec.unbind()):
                        contributions.setdefault(k, {})[i] = val
        if not contributions:
            return None
        return {k: torch.stack([d[i] for i in sorted(d)]).sum() for k, d in contributions.items()}

    def _replay_bucket(self, ops, group, bucket, with_sums):
        states, st = self._state_lists(bucket)
        g = [s["g"] for s in states]
        t = states[0]["step"]
        partials = group["learn"] if with_sums else ()
        if ops is FUSED:  # with sums, the fold is merged into the step kernel
            out = _fused.replay(group, states[0], bucket[0], partials, t)
            if not with_sums:
                _rotate_gradients(states)
            return out
        fwd = _kernel.advance(
            ops, st, g, st["g_prev"], group["q_prev"], t, long_memory=group["long_memory"],
            lion_betas=group["lion_betas"], inplace=True, learned=group["learn"],
            partials=partials,
        )  # fmt: skip
        out = {}
        if with_sums:
            out = hyper.contract(ops, fwd, [it[3] for it in bucket], group, t)
        _rotate_gradients(states)
        return out

    def _advance_and_apply(self, group, items):
        if not items:
            return
        q = hyper.coefficients(group)
        learned = bool(group["learn"])
        for ops, bucket in self._buckets(group, items):
            states, st = self._state_lists(bucket)
            params = [it[2] for it in bucket]
            grads = [it[3] for it in bucket]
            t = states[0]["step"] + 1
            if ops is FUSED:
                _fused.step(group, states[0], bucket[0], q, t)
            else:
                self._eager_step(ops, group, st, states, params, grads, q, t)
            for s in states:
                s["step"] = t
                if learned:
                    s["pending"] = True
        for _, p, p_work, _ in items:
            if p_work is not p:
                p.copy_(p_work)
        if learned:
            group["q_prev"], group["lr_prev"] = q, float(group["lr"])

    def _eager_step(self, ops, group, st, states, params, grads, q, t):
        learned = bool(group["learn"])
        fwd = _kernel.advance(
            ops, st, grads, st["g_prev"], q, t, long_memory=group["long_memory"],
            lion_betas=group["lion_betas"], inplace=not learned, learned=group["learn"],
        )  # fmt: skip
        _kernel.apply(
            ops, params, fwd, q, t, lr=group["lr"], weight_decay=group["weight_decay"],
            eps=group["eps"], bias_correction=group["bias_correction"],
        )  # fmt: skip
        if learned:  # the gradient stays pending until the next step folds it in
            ops.copy_([s["g"] for s in states], grads)
        elif st["g_prev"] is not None:
            ops.copy_(st["g_prev"], grads)

    # ---------------------------------------------------------------- checkpoints
    def load_state_dict(self, state_dict):
        """As torch.optim, with two additions.

        Float32 state of low-precision params stays float32. State saved while learning
        fewer coefficients loads into an optimizer that learns more: this optimizer keeps
        its ``learn`` and hyper settings and starts the new coefficients' momentum at 0;
        the reverse, or state lacking a buffer the new coefficients need, is a ValueError.
        """
        saved = copy.deepcopy(state_dict)
        mine = _checkpoint.check_resumable(self.param_groups, saved)
        super().load_state_dict(state_dict)
        _checkpoint.adopt_learning(self.param_groups, mine, self.state)
        _checkpoint.restore_float32(self.param_groups, saved, self.state, _LOW_PRECISION)


def _rotate_gradients(states):
    """After folding g_t in: g_t becomes g_prev and the old g_prev buffer holds the next g."""
    for s in states:
        if "g_prev" in s:
            s["g_prev"], s["g"] = s["g"], s["g_prev"]
        s["pending"] = False


def _check_group(group):
    _validate.check_group(group)
    hyper.check_group(group)


def _all_finite(work):
    """One reduction per gradient: a sum is finite unless an entry is (or it overflows,
    which the exact per-element check then rules out)."""
    grads = [g for items in work for _, _, _, g in items]
    if not grads:
        return True
    if bool(torch.stack([g.sum().to(grads[0].device) for g in grads]).isfinite().all()):
        return True
    return all(bool(g.isfinite().all()) for g in grads)
