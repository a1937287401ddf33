"""The bucket machinery of :class:`mada.MADA`'s step (a mixin): lazy flat state, the
coefficient sets, the step scalars, the buckets, the hyper phase and the update phase.

Each phase runs ``mada/_engine.py``'s bucket functions, which run ``mada/_update.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

import torch

from . import _engine, _update, hyper

LOW_PRECISION = (torch.float16, torch.bfloat16)
SET_KEY = "coefficient_set.{}"  # opt.state key of learned coefficient set i


class Item(NamedTuple):
    """A parameter to step: its index in the group, itself and its gradient."""

    index: int
    param: torch.Tensor
    grad: torch.Tensor | None


class BucketSteps:
    """Methods of :class:`mada.MADA` that run a step bucket by bucket."""

    def _collect(self, group):
        """(index, param, grad) for the params with a gradient."""
        items = []
        for i, p in enumerate(group["params"]):
            if p.grad is None:
                continue
            if p.grad.is_sparse:
                raise TypeError("MADA does not support sparse gradients; use dense gradients")
            if p.is_complex():
                raise TypeError("MADA does not support complex parameters; use view_as_real")
            items.append(Item(i, p, p.grad))
        return items

    def _init_states(self, group, params):
        """Zero state for ``params``: per buffer one flat tensor per (device, dtype), each
        param's state a view of it, so that their bucket updates it in place."""
        like = defaultdict(list)
        for p in params:
            like[p.device, _work_dtype(p)].append(p)
        names = _update.required_buffers(group) + (("g",) if group["learn"] else ())
        for (_, dtype), ps in like.items():
            for name in names:
                for p, x in zip(ps, _engine.allocate(ps, dtype)):
                    self.state[p][name] = x
            count = new_count(ps[0].device)
            for p in ps:
                self.state[p]["step"] = count
                if group["learn"]:
                    self.state[p]["pending"] = False

    def _set_owners(self):
        """set index -> the first group that learns into it (its settings are the set's)."""
        out = {}
        for g in self.param_groups:
            if g["learn"]:
                out.setdefault(g["coefficient_set"], g)
        return out

    def _set(self, group):
        """The group's coefficient set (created on first use next to its first param)."""
        if not group["learn"]:
            return None
        key = SET_KEY.format(group["coefficient_set"])
        if key not in self.state:
            owner = self._set_owners()[group["coefficient_set"]]
            self.state[key] = hyper.new_set(owner, group["params"][0].device)
        return self.state[key]

    def _scalars(self, group, count, prev=False, device=None):
        """The scalars of ``group`` for the pending step (``prev``: step ``count``) or the
        next (step ``count`` + 1), ``count`` a state's step counter; a float64 vector on
        ``device`` when given (fused kernels), else a dict. Cached for the step
        (``_step_cache``), as every bucket sharing a counter shares them."""
        key = (id(group), id(count), prev, device)
        if key not in self._step_cache:
            ahead = 0 if prev else 1
            t = device_step_number(count, ahead) if self.capturable else step_number(count, ahead)
            self._step_cache[key] = self._new_scalars(group, t, prev, device)
        return self._step_cache[key]

    def _new_scalars(self, group, t, prev, device):
        S = _update.scalars(
            hyper.values(group, self._set(group), prev), t,
            lr=group["lr_prev"] if prev else group["lr"], wd=group["weight_decay"],
            eps=group["eps"], lion_betas=group["lion_betas"],
            bias_correction=group["bias_correction"],
        )  # fmt: skip
        return S if device is None else _engine.scalar_vector(S, device)

    def _buckets(self, group, items):
        """Lists of items updated together: one per param (for-loop) or per like bucket."""
        foreach = group["foreach"] or group["fused"]
        if foreach is None:
            foreach = bool(items) and all(p.is_cuda for _, p, _ in items)
        if not foreach:
            return [[it] for it in items]
        buckets = defaultdict(list)
        for it in items:
            s = self.state.get(it.param, {})  # .get: checking the gradients creates no state
            key = (it.param.device, it.param.dtype, id(s.get("step")), s.get("pending"),
                   _update.present(s))  # fmt: skip
            buckets[key].append(it)
        return list(buckets.values())

    def _bucket(self, group, bucket, prev, partials=()):
        """(states, flat buffers, structure, scalars) of a bucket; scalars of the pending
        step with ``prev``, else of the next step. The flat buffers are gathered once per
        step: the hyper phase writes no buffer of a param with a gradient."""
        states = [self.state[p] for _, p, _ in bucket]
        key = ("flat", *(id(p) for _, p, _ in bucket))
        if key not in self._step_cache:
            dtype, names = _work_dtype(bucket[0].param), (*_update.BUFFERS, "g")
            self._step_cache[key] = {k: _engine.gather([s[k] for s in states], dtype)
                                     for k in names if k in states[0]}  # fmt: skip
        flat = self._step_cache[key]
        k = _update.structure(group, _update.present(states[0]), partials)
        device = bucket[0].param.device if group["fused"] else None
        return states, flat, k, self._scalars(group, states[0]["step"], prev, device)

    def _grads(self, bucket):
        """The bucket's gradients, flat in the state's dtype (gathered once per step)."""
        key = ("grad", *(id(p) for _, p, _ in bucket))
        if key not in self._step_cache:
            xs = [g for _, _, g in bucket]
            self._step_cache[key] = self._gather(key, xs, _work_dtype(bucket[0].param))
        return self._step_cache[key]

    def _gather(self, key, xs, dtype):
        """:func:`_engine.gather` of ``xs``; on CPU a copy goes into a buffer kept from one
        step to the next (``_workspace``, dropped when a step no longer uses it), as a
        caching allocator would: glibc returns large freed blocks to the system, and a fresh
        bucket-sized copy then pays a page fault per 4 KiB every step (measured: 9 ms of a
        45 ms learned step on the transformer case, 1 thread). CUDA's caching allocator
        already reuses the memory, so nothing is kept there; nor for buckets below
        ``_engine.SERIAL_NUMEL`` elements, whose copies come from the heap (glibc maps only
        blocks of 128 KiB and up) and where the one-call copy is cheaper."""
        n = sum(x.numel() for x in xs)
        if xs[0].device.type != "cpu" or n < _engine.SERIAL_NUMEL or not _engine.needs_copy(xs):
            return _engine.gather(xs, dtype)
        out = self._workspace.get(key)
        if out is None or out.numel() != n or out.dtype != dtype:
            out = torch.empty(n, dtype=dtype)
        self._workspace_next[key] = out
        return _engine.gather(xs, dtype, out)

    def _finite(self, work, device, checked):
        """A 0-d bool on ``device``: every gradient of ``work`` (items per group) is finite.
        ``checked`` is (flags, ids): 0-d bools already formed, by the pending sums
        (:meth:`_pending_sums`), for the params whose ids are given. The rest take one
        ``aminmax`` per bucket, on its flat gradient (gathered here once for the step): NaN
        propagates through min and max, +-inf shows in one of them, nothing overflows."""
        flags, ids = checked
        flags = [torch.ones((), dtype=torch.bool, device=device), *flags]
        for group, items in zip(self.param_groups, work):
            rest = [it for it in items if id(it.param) not in ids]
            for bucket in self._buckets(group, rest) if rest else ():
                G = self._grads(bucket)
                if G.numel():
                    flags.append(torch.stack(torch.aminmax(G)).isfinite().all().to(device))
        return torch.stack(flags).all()

    def _fold_idle(self, group, items):
        """Fold the pending steps of the group's params that have no gradient (``items``
        are those with one). The folds do not wait for the step's finiteness flag: folding
        a pending step changes how the state is stored, not what it is
        (:meth:`MADA.moments` reads the same), and it uses the pending step's own
        coefficients and lr."""
        with_grad = {id(p) for _, p, _ in items}
        idle = [Item(i, p, None) for i, p in enumerate(group["params"])
                if self.state.get(p, {}).get("pending") and id(p) not in with_grad]  # fmt: skip
        for bucket in self._buckets(group, idle) if idle else ():
            states, flat, k, S = self._bucket(group, bucket, prev=True)
            st = _state(flat)
            _engine.run(_engine.fold, group["fused"], flat["g"], flat.get("g_prev"), st, S, k)
            _engine.write_back([([s[n] for s in states], x) for n, x in st.items()])
            _rotate_gradients(states)

    def _pending_sums(self, group, items):
        """The hypergradient sums of the pending steps of ``items`` (params with a
        gradient); nothing is written. Returns ([(lr_prev, sums, real)] or [], the
        finiteness flags of the gradients summed against, the ids of their params).
        ``real`` is a 0-d bool on the device: whether the pending step is one that was
        taken (its counter is past 0; after a skipped first step it is a zero gradient kept
        so that the host's bookkeeping does not depend on the skip). (The pending steps are
        folded in by the update phase's kernel, which reads their buffers anyway: measured,
        folding them here instead made the reduction kernel slower by more than it
        saved.)"""
        total, real, flags, ids = None, None, [], set()
        pending = [it for it in items if self.state.get(it.param, {}).get("pending")]
        for bucket in self._buckets(group, pending) if pending else ():
            states, flat, k, S = self._bucket(group, bucket, prev=True, partials=group["learn"])
            G = self._grads(bucket)
            vec = _engine.run(_engine.sums, group["fused"], G, flat["g"], flat.get("g_prev"),
                              _state(flat), S, k)  # fmt: skip
            device = self._set(group)["q"].device
            flags.append((vec[-1] == 0).to(device))
            ids.update(id(it.param) for it in bucket)
            taken = (states[0]["step"] > 0).to(device)
            vec = torch.where(taken, vec[:-1].to(device), 0.0)
            total = vec if total is None else total + vec
            real = taken if real is None else real | taken
        if total is None:
            return [], flags, ids
        return [(group["lr_prev"], hyper.scatter(group, total, total.device), real)], flags, ids

    def _advance(self, group, items, ok=None):
        """Step every param with a gradient, folding in pending steps first. In learned
        mode the new state is not stored: the gradient stays pending until the next step
        folds it in, with the coefficients that step has learned. ``ok`` (a 0-d bool on
        the device, or None) selects, on the device, between the new and the old values of
        everything written: a skipped step leaves the bits as they were, and the step
        counters advance by ``ok``."""
        learned = bool(group["learn"])
        for bucket in self._buckets(group, items):
            states, flat, k, S = self._bucket(group, bucket, prev=False)
            pending = states[0].get("pending", False)
            device = bucket[0].param.device if group["fused"] else None
            S_prev = self._scalars(group, states[0]["step"], True, device) if pending else None
            params = [p for _, p, _ in bucket]
            G = self._grads(bucket)
            p_flat = self._gather(("param", *map(id, params)), params, G.dtype)
            st = _state(flat)
            # The buffer the next step reads G from: the pending g's after the swap below
            # (g_prev's, whose old g_{t-1} the fold has read by then), else g's / g_prev's.
            keep = "g_prev" if not learned or (pending and "g_prev" in flat) else "g"
            rotate = learned and pending and "g_prev" in flat
            # capturable: the gradient buffers keep their roles (shift), else their names
            # swap after the step (_rotate_gradients below)
            shift, swap = rotate and self.capturable, rotate and not self.capturable
            _engine.run(
                _engine.step, group["fused"], p_flat, G, flat.get("g_prev"), st, S, k,
                g=flat["g"] if pending else None, S_prev=S_prev,
                keep_state=learned and not pending, g_out=None if shift else flat.get(keep),
                ok=ok, swap=swap, shift=shift,
            )  # fmt: skip
            out = [(params, p_flat)]
            if not (learned and not pending):
                out += [([s[n] for s in states], x) for n, x in st.items()]
            both = shift or (swap and ok is not None)
            for name in {keep, "g"} if both else {keep}:
                if name in flat:
                    out.append(([s[name] for s in states], flat[name]))
            _engine.write_back(out)
            if pending and not shift:
                _rotate_gradients(states)
            self._count(states, ok)
            if learned:
                for s in states:
                    s["pending"] = True

    def _count(self, states, ok):
        """Advance the bucket's shared step counter by ``ok`` (1 when None). Out of place,
        a new tensor shared by the bucket (its bucket key), unless ``capturable``: there in
        place, so that a captured graph advances the tensor the next replay reads, when no
        param outside the bucket shares it (else it splits off, out of place, once)."""
        count = states[0]["step"]
        inc = 1.0 if ok is None else ok.to(count.dtype)
        if self.capturable:
            key = "counter refs"
            if key not in self._step_cache:
                refs = Counter(id(s["step"]) for s in self.state.values() if "step" in s)
                self._step_cache[key] = refs
            if self._step_cache[key][id(count)] == len(states):
                count.add_(inc)
                return
        count = count + inc
        for s in states:
            s["step"] = count


def new_count(device):
    """A step counter: a float64 0-d tensor on the params' device (as torch's Adam keeps
    ``step`` as a tensor), so that a step skipped on the device does not count."""
    return torch.zeros((), dtype=torch.float64, device=device)


def learned_skip_on_device(device):
    """Whether ``nonfinite="skip"`` decides on the device while coefficients are learned:
    not on CPU, where reading the flag is no sync and the host skip saves the masked stores
    (swapped in by the tests to run the device path on CPU)."""
    return device.type != "cpu"


def step_number(count, ahead=0):
    """t = ``count`` + ``ahead`` for the scalars: a Python int on CPU (reading it is free
    there, and float scalars keep torch.optim's arithmetic), else :func:`device_step_number`."""
    if count.device.type == "cpu":
        return max(int(count) + ahead, 1)
    return device_step_number(count, ahead)


def device_step_number(count, ahead=0):
    """t = ``count`` + ``ahead`` as a tensor, at least 1 (the scalars of a step that may be
    skipped before the first): the scalars are then built on the device, no host read."""
    return (count + ahead).clamp(min=1.0)


def _rotate_gradients(states):
    """After folding g_t in: g_t becomes g_prev and the old g_prev buffer holds the next g."""
    for s in states:
        if "g_prev" in s:
            s["g_prev"], s["g"] = s["g"], s["g_prev"]
        s["pending"] = False


def _work_dtype(p):
    return torch.float32 if p.dtype in LOW_PRECISION else p.dtype


def _state(flat):
    return {n: flat[n] for n in _update.STATE if n in flat}
