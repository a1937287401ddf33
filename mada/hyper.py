r"""One-step hypergradient descent on the MADA coefficients, on the device.

At step :math:`t+1` every learned :math:`q \in \{\beta_1,\beta_2,\beta_3,\rho,c,\gamma\}` of a
coefficient set takes

.. math::
    h_q = -\sum_{\text{groups}} \alpha_{t,\text{group}} \sum_{\text{params}}
          \langle g_{t+1}, \partial d_t / \partial q \rangle,
    \qquad b_q \leftarrow \mu_q b_q + \mathrm{clip}(h_q), \qquad
    q \leftarrow \min(hi_q, \max(lo_q, q - \eta_q b_q)),

the inner products formed from :func:`mada._update.partials`. A set is the whole model's
(``coefficient_scope="model"``, as the paper learns them: every group's term weighted by its
own lr) or one group's (``"group"``). The coefficients :math:`q`, the momentum :math:`b`, the
last :math:`h` and the clip, momentum and clamp steps all live on the device as float64
6-vectors in ``COEFFICIENTS`` order; a non-finite :math:`h_q` moves nothing (decided there,
with ``torch.where``). Nothing here reads a tensor value back to the host.

Distributed: with replicated parameters (DDP) every rank holds the same gradients, hence the
same :math:`h`, and no collective is needed. With sharded parameters (each rank holds a part
of every tensor) pass ``process_group``: the partial sums are summed over it, one
``all_reduce`` of a 7-vector per set and step, issued on every step so that ranks without a
gradient stay in step with the others.
"""

from __future__ import annotations

import functools

import torch
import torch.distributed as dist

from . import _validate

COEFFICIENTS = _validate.COEFFICIENTS
HYPER_KEYS = ("learn", "hyper_lr", "hyper_momentum", "hyper_clip", "bounds")
_F64 = torch.float64


def coefficients(group):
    """The group's own coefficient values (for a learned one: its start value)."""
    b1, b2 = group["betas"]
    return {"beta1": b1, "beta2": b2, "beta3": group["beta3"], "rho": group["rho"],
            "c": group["c"], "gamma": group["gamma"]}  # fmt: skip


def check_group(group):
    """Validate the hypergradient settings of a group."""
    v = _validate
    learned = v.learn_names(group["learn"])
    group["learn"] = learned
    group["hyper_lr"] = v.per_coefficient(
        "hyper_lr", group["hyper_lr"], v.DEFAULT_HYPER_LR, learned, v.nonnegative
    )
    mom = group["hyper_momentum"]
    mom = v.DEFAULT_HYPER_MOMENTUM if mom is None else mom
    group["hyper_momentum"] = v.per_coefficient(
        "hyper_momentum", mom, dict.fromkeys(v.COEFFICIENTS, 0.0), learned, v.momentum
    )
    if group["hyper_clip"] is not None:
        group["hyper_clip"] = v.nonnegative("hyper_clip", group["hyper_clip"])
    group["bounds"] = v.bounds(group["bounds"], learned, coefficients(group))
    group.setdefault("lr_prev", None)


def settings(group):
    """The hashable hypergradient settings of a group: groups sharing a set must agree."""
    return tuple(
        tuple(sorted(group[k].items())) if isinstance(group[k], dict) else group[k]
        for k in HYPER_KEYS
    )


def new_set(group, device):
    """A coefficient set starting at ``group``'s coefficients, on ``device``."""
    q = torch.tensor([coefficients(group)[k] for k in COEFFICIENTS], dtype=_F64, device=device)
    zeros = torch.zeros(len(COEFFICIENTS), dtype=_F64, device=device)
    seen = torch.zeros((), dtype=torch.bool, device=device)  # any hyper-step taken yet
    return {"q": q, "q_prev": q.clone(), "buf": zeros, "h": zeros.clone(), "seen": seen}


def values(group, cset, prev=False):
    """name -> value for the step: a 0-d device tensor where learned, else the group's float."""
    q = cset["q_prev" if prev else "q"] if cset is not None else None
    own = coefficients(group)
    return {k: q[i] if k in group["learn"] else own[k] for i, k in enumerate(COEFFICIENTS)}


@functools.lru_cache(maxsize=64)
def _constants(key, device):
    """(learned mask, eta, mu, lo, hi) as device tensors, built once per settings."""
    learn, hyper_lr, hyper_momentum, _, bounds = key
    lr, mom, bnd = dict(hyper_lr), dict(hyper_momentum), dict(bounds)
    rows = [[float(k in learn) for k in COEFFICIENTS],
            [lr.get(k, 0.0) for k in COEFFICIENTS], [mom.get(k, 0.0) for k in COEFFICIENTS],
            [bnd.get(k, (0.0, 1.0))[0] for k in COEFFICIENTS],
            [bnd.get(k, (0.0, 1.0))[1] for k in COEFFICIENTS]]  # fmt: skip
    table = torch.tensor(rows, dtype=_F64, device=device)
    return table[0] > 0, table[1], table[2], table[3], table[4]


def scatter(group, sums, device):
    """The 6-vector of a group's sums (``sums`` in ``group["learn"]`` order), zeros elsewhere."""
    idx = _index(group["learn"], device)
    return torch.zeros(len(COEFFICIENTS), dtype=_F64, device=device).index_copy_(0, idx, sums)


@functools.lru_cache(maxsize=64)
def _index(learn, device):
    return torch.tensor([COEFFICIENTS.index(k) for k in learn], device=device)


def update(cset, group, terms, process_group=None, ok=None, inplace=False):
    """One hyper-step of ``cset`` (settings from ``group``) from [(lr_prev, 6-vector,
    real)], ``real`` a 0-d bool: whether the term is one (a zero vector where not).

    ``terms`` may be empty (nothing pending on this rank); with a ``process_group`` the
    collective runs anyway and the step happens if any rank contributed. ``ok`` (a 0-d
    bool, or None): the step's finiteness flag; where false nothing changes. ``inplace``:
    the set's tensors are written in place (``capturable``: a captured graph must write
    the tensors the next replay reads), else replaced.
    """
    device = cset["q"].device
    if not terms and process_group is None:
        return
    h = torch.zeros(len(COEFFICIENTS) + 1, dtype=_F64, device=device)  # last: contributed
    for lr_prev, vec, real in terms:
        h[:-1] -= lr_prev * vec
        h[-1] += real.to(_F64)
    if process_group is not None:
        dist.all_reduce(h, op=dist.ReduceOp.SUM, group=process_group)
    h, contributed = h[:-1], h[-1] > 0
    if ok is not None:
        contributed = contributed & ok
    learned, eta, mu, lo, hi = _constants(settings(group), device)
    clip = group["hyper_clip"]
    hc = h if clip is None else h.clamp(-clip, clip)
    buf = mu * cset["buf"] + hc
    q = torch.minimum(hi, torch.maximum(lo, cset["q"] - eta * buf))
    move = learned & contributed & torch.isfinite(h)  # a non-finite h moves nothing
    new = {"buf": torch.where(move, buf, cset["buf"]), "q": torch.where(move, q, cset["q"]),
           "h": torch.where(learned & contributed, h, cset["h"]),
           "seen": cset["seen"] | contributed}  # fmt: skip
    for name, x in new.items():
        if inplace:
            cset[name].copy_(x)
        else:
            cset[name] = x


def lr_of_step(group, ok, cset, capturable):
    """The lr of the step just taken, for the next step's fold and hyper-step (learned
    mode) and for :meth:`MADA.moments`. Where the skip is decided on the device a learning
    group keeps it there, selected by the flag: a skipped step keeps the lr of the step
    still pending; ``capturable`` keeps every group's there, written in place. (Else a
    group learning nothing keeps a float: it reads the lr only in ``moments`` with
    ``safeguard``, and only if the lr changed at a skipped step.)"""
    lr = group["lr"]
    new = lr.clone() if torch.is_tensor(lr) else float(lr)
    if not capturable and (ok is None or cset is None):
        return new
    device = group["params"][0].device
    new = (new.to(device, torch.float64) if torch.is_tensor(new)
           else torch.full((), new, dtype=torch.float64, device=device))  # fmt: skip
    old = group["lr_prev"]
    if ok is not None and torch.is_tensor(old):
        new = torch.where(ok.to(device), new, old)
    if capturable and torch.is_tensor(old):
        return old.copy_(new)
    return new


def readout(group, cset):
    """Host copies (this syncs): coefficients, last hypergradients and momentum buffers."""
    q = values(group, cset)
    out = {"coefficients": {k: float(v) for k, v in q.items()}, "hypergradients": {},
           "momentum": {}}  # fmt: skip
    if cset is not None:
        h, buf = cset["h"].tolist(), cset["buf"].tolist()
        learned = [(i, k) for i, k in enumerate(COEFFICIENTS) if k in group["learn"]]
        if bool(cset["seen"]):
            out["hypergradients"] = {k: h[i] for i, k in learned}
        out["momentum"] = {k: buf[i] for i, k in learned}
    return out


def check_loadable(groups, saved_groups):
    """Refuse state saved while learning coefficients this optimizer does not learn."""
    for i, (g, s) in enumerate(zip(groups, saved_groups)):
        extra = set(s.get("learn", ())) - set(g["learn"])
        if extra:
            raise ValueError(
                f"param group {i} of the state_dict learned {sorted(extra)}, which this "
                f"optimizer does not learn (learn={g['learn']}); construct it with those "
                "coefficients in learn to resume"
            )
