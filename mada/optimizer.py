r"""``MADA``: the meta-adaptive optimizer family of Ozkara et al. (ICML 2024) as a torch optimizer.

The update and its hypergradient partials are written once, in ``mada/_update.py``; the
buckets that run it in ``mada/_engine.py``, driven by ``mada/_steps.py``; the hyper-step in
``mada/hyper.py``. This module holds the torch.optim plumbing: argument checks, the public
readings, the step's outline, checkpoints and the non-finite guard.

State buffers (per parameter, created on first use, only for active or learned parts):

====================  ===============================================  ==================
key                   quantity                                         needed when
====================  ===============================================  ==================
``m``                 first moment :math:`m_t`                         γ > 0 or γ learned
``v``                 second moment :math:`v_t`                        γ > 0 or γ learned
``v_bar``             long memory :math:`\bar v_t` (average or max)    ρ < 1 or ρ learned
``n``, ``g_prev``     Adan difference EMA :math:`n_t`, :math:`g_{t-1}`   β3 > 0 or β3 learned
``ell``               Lion momentum :math:`\ell_t`                     γ < 1 or γ learned
``guard``             :math:`\hat v_t/\alpha_t^2`, the safeguard's     ``safeguard=True``
                      memory of :math:`\hat v_t` (one buffer)           and ``v`` tracked
``g``                 pending gradient (learned mode only, below)      any coefficient learned
====================  ===============================================  ==================

In learned mode the moments are stored one step behind (:math:`S_{t-1}`, :math:`g_{t-1}`,
plus the pending :math:`g_t`). The next step recomputes step t while contracting
:math:`\partial d_t/\partial q` with :math:`g_{t+1}`, so no per-coefficient buffer is kept;
:meth:`MADA.moments` folds the pending step in, out of place, to read the current moments.
The learned coefficients live on the device, in ``state["coefficient_set.<i>"]``.
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from typing import NamedTuple

import torch
from torch.optim import Optimizer

from . import _checkpoint, _update, _validate, hyper
from ._steps import LOW_PRECISION as _LOW_PRECISION
from ._steps import SET_KEY, BucketSteps, learned_skip_on_device, new_count, step_number


class Moments(NamedTuple):
    """A parameter's current bias-corrected moments (see :meth:`MADA.moments`)."""

    m_hat: torch.Tensor
    v_hat: torch.Tensor


class MADA(BucketSteps, Optimizer):
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
        safeguard: ``True`` replaces :math:`\hat v_t` (bias-corrected when
            ``bias_correction``) by :math:`\max(\hat v_t, (\alpha_t/\alpha_{t-1})^2\hat
            v_{t-1})`, :math:`\alpha_t` the lr of step t: AMSGrad's max generalised, which
            keeps every path of learned coefficients in the safe set S of the theorem
            ``coefficient_path_regret`` (``analysis.simulate.safeguard`` is the same
            equation). One extra full-size buffer (``guard``). The theorem covers
            ``bias_correction=False``, ``eps=0``, :math:`\beta_{2t}, \rho_t` inside its box
            and :math:`\alpha_t = \alpha/\sqrt t`; the max makes the effective step
            :math:`\alpha_t/\sqrt{\hat v_t}` non-increasing, so an lr warm-up is undone.
        learn: ``()``, ``True`` (all six) or names among beta1, beta2, beta3, rho, c, gamma.
        hyper_lr, hyper_momentum: float or dict name -> float, per learned coefficient.
        hyper_clip: clip each hypergradient to [-clip, clip]; ``None`` disables it.
        bounds: dict name -> (lo, hi) clamp range of a learned coefficient.
        nonfinite: ``"skip"`` (default: leave everything unchanged), ``"raise"``
            (``FloatingPointError``, nothing changed) or ``None`` (no check, as torch.optim)
            when a gradient holds inf or NaN. ``"skip"`` is decided on the device, as
            GradScaler's found_inf: one ``aminmax`` per bucket (a learning bucket's is the
            sum of G - G its hypergradient sums form: 0, or NaN), ``torch.where`` selects the
            old bits of everything the step writes, and the per-parameter step counters (float64
            tensors, as torch's Adam keeps ``step``) advance by the flag; no host sync. A
            skipped first step leaves zero state at step 0. Learned coefficients too, on
            CUDA: the hyper-step is masked by the flag, a learning group's ``lr_prev`` is a
            device tensor selected by it, and where the pending gradient's buffers swap names
            after the step the kernel swaps their contents back on a skipped one (one more
            gradient-sized write). On CPU, where reading a value is no sync, learning groups
            read the flag and skip on the host instead: measured, 8% of the learned step
            saved. ``"raise"`` reads the flag back (one host sync per step); ``None`` checks
            nothing, and a non-finite hypergradient still moves no coefficient.
        coefficient_scope: ``"model"`` (default): one coefficient set learned for every
            group that learns, as the paper does, its hypergradient summed over the groups
            with each term weighted by the group's lr (the learning groups must then agree
            on ``learn`` and the hyper settings); ``"group"``: one set per group.
        process_group: for sharded parameters (each rank holds a part of every tensor), the
            group whose ranks' partial hypergradient sums are summed. Leave ``None`` for
            replicated parameters (DDP): their hypergradients agree without a collective.
        foreach: run each bucket of like tensors as one update on their concatenation
            (``mada/_engine.py``): a constant number of kernels per bucket, whatever the
            number of tensors. Default: when all params are on CUDA.
        fused: as ``foreach``, but each phase of the update is one ``torch.compile``-d
            kernel per bucket: the fast path, equal to the others up to rounding. The
            first step per structure compiles (tens of seconds on CPU; needs a C++
            compiler there). Default off.
        capturable: every scalar of a step on the device and every write in place, so that
            ``step()`` can be captured in a CUDA graph and replayed, as torch's Adam with
            ``capturable=True``: the step scalars are built from the step counter tensors,
            the counters, the coefficient set and each group's ``lr_prev`` (a device tensor)
            are updated in place, and learned mode's gradient buffers keep their roles (one
            more gradient-sized write per step). A float ``lr`` is baked into the captured
            graph; pass a tensor to change it between replays. Capture after at least two
            warm-up steps, with the same params holding gradients as in the replays (the
            first step and a param's pending step run other code). Needs ``nonfinite``
            ``"skip"`` or ``None`` (``"raise"`` reads a flag back). Default off.

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
        safeguard=False,
        learn=(),
        hyper_lr=None,
        hyper_momentum=None,
        hyper_clip=_validate.DEFAULT_HYPER_CLIP,
        bounds=None,
        coefficient_scope="model",
        process_group=None,
        nonfinite="skip",
        foreach=None,
        fused=None,
        capturable=False,
    ):
        self.nonfinite = _validate.choice("nonfinite", nonfinite, ("raise", "skip", None))
        self.capturable = _validate.choice("capturable", capturable, (True, False))
        if capturable and nonfinite == "raise":
            raise ValueError(
                "capturable=True needs a step without host reads, and nonfinite='raise' reads "
                "the finiteness flag back; pass nonfinite='skip' (decided on the device) or None"
            )
        self.coefficient_scope = _validate.choice(
            "coefficient_scope", coefficient_scope, ("model", "group")
        )
        self.process_group = process_group
        self._step_cache = {}
        self._workspace = self._workspace_next = {}  # see BucketSteps._gather
        defaults = dict(
            lr=lr, betas=betas, beta3=beta3, rho=rho, c=c, gamma=gamma, eps=eps,
            weight_decay=weight_decay, long_memory=long_memory, lion_betas=lion_betas,
            bias_correction=bias_correction, safeguard=safeguard, learn=learn, hyper_lr=hyper_lr,
            hyper_momentum=hyper_momentum, hyper_clip=hyper_clip, bounds=bounds,
            foreach=foreach, fused=fused,
        )  # fmt: skip
        _check_group(dict(defaults))  # fail before torch touches params
        super().__init__(params, defaults)

    def add_param_group(self, param_group):
        """As torch.optim, validating the group before it is appended."""
        trial = {**self.defaults, **{k: v for k, v in param_group.items() if k != "params"}}
        _check_group(trial)
        if trial["learn"]:
            self._set_index(trial, self.param_groups)
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        _check_group(group)
        group["coefficient_set"] = None
        if group["learn"]:
            group["coefficient_set"] = self._set_index(group, self.param_groups[:-1])

    def _set_index(self, group, others):
        learning = [g for g in others if g["learn"]]
        if self.coefficient_scope == "group":
            return len(learning)
        for g in learning:
            if hyper.settings(g) != hyper.settings(group):
                raise ValueError(
                    "coefficient_scope='model' learns one coefficient set, so every group "
                    "that learns must agree on learn, hyper_lr, hyper_momentum, hyper_clip "
                    f"and bounds; got {hyper.settings(g)} and {hyper.settings(group)}. Pass "
                    "coefficient_scope='group' for one set per group"
                )
        return 0

    @classmethod
    def preset(cls, name, params, **overrides):
        """Build the named corner (see ``mada.presets``); keyword overrides win."""
        from .presets import preset_kwargs

        return cls(params, **{**preset_kwargs(name), **overrides})

    # ---------------------------------------------------------------- readings (may sync)
    def hyper_state(self, group=0):
        """Group ``group``'s coefficients, last hypergradients and hyper momentum buffers,
        as Python floats (this reads the device)."""
        g = self.param_groups[group]
        return hyper.readout(g, self._set(g))

    @property
    def coefficients(self):
        """Group 0's current coefficients as Python floats."""
        return self.hyper_state()["coefficients"]

    @property
    def hypergradients(self):
        """Group 0's last hypergradients h_q (empty before the first hyper-update)."""
        return self.hyper_state()["hypergradients"]

    @torch.no_grad()
    def moments(self, p):
        """``Moments(m_hat, v_hat)`` of ``p`` after its last step: m_t / (1 - beta1^t) and
        (rho v_t + (1 - rho) v̄_t) / (1 - beta2^t) (with ``safeguard``: the guarded v̂_t the
        step divided by), new tensors in the state's dtype.

        In learned mode the stored state lags one step; the pending step is folded in here,
        out of place, by the same update. ``None`` before the first step or when the
        adaptive part is off (gamma = 0).
        """
        group = next(g for g in self.param_groups if any(p is q for q in g["params"]))
        st = self.state.get(p)
        if not st or "m" not in st or not float(st["step"]):  # (a skipped first step: 0)
            return None
        t = step_number(st["step"])
        k = _update.structure(group, _update.present(st))
        buffers = {name: st[name] for name in _update.STATE if name in st}
        if st.get("pending"):
            S = self._new_scalars(group, t, True, None)
            buffers = _update.forward(buffers, st["g"], st.get("g_prev"), S, k)
        else:
            S = self._new_scalars(group, t, False, None)
        if group["lr_prev"] is not None:  # the lr of step t (a scheduler may have moved lr)
            S = {**S, "lr": group["lr_prev"]}
        return Moments(*_update.moments(buffers, S, k))

    # ---------------------------------------------------------------- step
    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._step_cache, self._workspace_next = {}, {}
        _warn_if_overwritten(self.param_groups)
        work = [self._collect(group) for group in self.param_groups]
        # The pending sums come first: they write nothing, and their pass over each
        # gradient also tells whether it is finite (so those need no check of their own).
        terms, flags, ids = defaultdict(list), [], set()
        for group, items in zip(self.param_groups, work):
            if group["learn"]:
                t, f, i = self._pending_sums(group, items)
                terms[group["coefficient_set"]] += t
                flags += f
                ids |= i
        device = self.param_groups[0]["params"][0].device
        ok = None  # "skip": decided on the device, no host read
        learning = any(g["learn"] for g in self.param_groups)
        on_device = self.capturable or learned_skip_on_device(device)
        if self.nonfinite == "skip" and (not learning or on_device):
            ok = self._agreed_finite(work, device, (flags, ids))
        elif self.nonfinite is not None and not bool(
            self._agreed_finite(work, device, (flags, ids))
        ):
            if self.nonfinite == "raise":
                raise FloatingPointError(
                    "MADA.step got a non-finite gradient; pass nonfinite='skip' to skip such "
                    "steps or nonfinite=None to apply them"
                )
            return loss
        for group, items in zip(self.param_groups, work):  # state only once the step is on
            new = [p for _, p, _ in items if not self.state[p]]
            self._init_states(group, new)
            _update.check_buffers(group, [self.state[p] for _, p, _ in items])
            if group["learn"]:
                self._fold_idle(group, items)
        for index, group in self._set_owners().items():
            hyper.update(self._set(group), group, terms[index], self.process_group, ok,
                         inplace=self.capturable)  # fmt: skip
        for group, items in zip(self.param_groups, work):
            self._advance(group, items, ok)
        for group in self.param_groups:
            group["lr_prev"] = hyper.lr_of_step(group, ok, self._set(group), self.capturable)
        for group in self._set_owners().values():
            cset = self._set(group)
            if self.capturable:  # in place: the same tensors from step to step
                cset["q_prev"].copy_(cset["q"])
            else:
                cset["q_prev"] = cset["q"]
        self._step_cache, self._workspace = {}, self._workspace_next
        return loss

    def _agreed_finite(self, work, device, checked):
        """Whether every gradient is finite (:meth:`_finite`), a 0-d bool on ``device``.
        With a ``process_group`` the flag is agreed over it (an all_reduce, no host read),
        so that all ranks skip (or raise) together and their collectives stay in step."""
        ok = self._finite(work, device, checked)
        if self.process_group is not None:
            ok = ok.to(torch.float32)
            torch.distributed.all_reduce(ok, op=torch.distributed.ReduceOp.MIN,
                                         group=self.process_group)  # fmt: skip
            ok = ok > 0
        return ok

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
        _checkpoint.share_counters(self.param_groups, saved, self.state, new_count)
        for index, group in self._set_owners().items():  # the sets live with the params
            cset = self.state.get(SET_KEY.format(index))
            if cset is not None:
                device = group["params"][0].device
                cset.update({k: v.to(device) for k, v in cset.items()})
                cset["q_prev"] = cset["q_prev"].clone()  # (saved aliased to q: see step)
        for group in self.param_groups:  # (a learning group's lr_prev may be a tensor)
            if torch.is_tensor(group.get("lr_prev")) and group["params"]:
                group["lr_prev"] = group["lr_prev"].to(group["params"][0].device)


def _check_group(group):
    _validate.check_group(group)
    hyper.check_group(group)
    group["start"] = hyper.coefficients(group)


def _warn_if_overwritten(groups):
    """A learned coefficient is the coefficient set's; a scheduler (or anyone) writing it into
    the group changes nothing, so say so, once per change."""
    for i, group in enumerate(groups):
        own = hyper.coefficients(group)
        moved = [k for k in group["learn"] if own[k] != group["start"][k]]
        if moved:
            warnings.warn(
                f"param group {i}: {moved} changed in the group (a scheduler?), but they are "
                "learned, so the change is ignored; read them with opt.coefficients",
                stacklevel=3,
            )
            group["start"] = own
