"""``MADA.load_state_dict`` beyond torch.optim: resuming with more learned coefficients,
and float32 state for low-precision params."""

from __future__ import annotations

import torch

from . import _update, hyper


def check_resumable(groups, saved):
    """Fail, before anything changes, on state this optimizer cannot continue from.

    Returns each group's hypergradient settings, which survive the load.
    """
    hyper.check_loadable(groups, saved["param_groups"])
    mine = [{k: g[k] for k in hyper.HYPER_KEYS} for g in groups]
    for gi, (sg, cur) in enumerate(zip(saved["param_groups"], mine)):
        need = _update.required_buffers({**sg, **cur})
        for pid in sg["params"]:
            st = saved["state"].get(pid)  # params without state are created lazily
            missing = [k for k in need if st is not None and k not in st]
            if missing:
                raise ValueError(
                    f"state_dict param group {gi} lacks state {missing} that learn="
                    f"{cur['learn']} needs; it cannot be resumed with these coefficients"
                )
    return mine


def adopt_learning(groups, mine, state):
    """Keep this optimizer's ``learn`` where the saved one learned fewer coefficients."""
    for group, cur in zip(groups, mine):
        if tuple(group["learn"]) == tuple(cur["learn"]):
            continue
        was_direct = not group["learn"]
        group.update(cur)
        for p in group["params"]:
            st = state.get(p)
            if st and was_direct:  # direct state is S_t with nothing pending
                st["g"] = torch.zeros_like(st["m"] if "m" in st else st["ell"])
                st["pending"] = False


def restore_float32(groups, saved, state, low_precision):
    """torch.optim casts state to the param dtype on load; keep float32 state float32."""
    ids = (i for g in saved["param_groups"] for i in g["params"])
    for pid, p in zip(ids, (p for g in groups for p in g["params"])):
        if p.dtype in low_precision and pid in saved["state"]:
            for k, v in saved["state"][pid].items():
                if torch.is_tensor(v) and k != "step":
                    state[p][k] = v.to(device=p.device, dtype=torch.float32)


def share_counters(groups, saved, state, new_count):
    """Step counters as float64 tensors on the param's device, shared as they were saved
    (params sharing a counter form one bucket; torch.optim's load makes one copy per param,
    and float32 where a group says ``fused``). State saved with int steps (before counters
    were tensors) loads too, ints of one value sharing a counter. Reads each value: a host
    sync, at load time only."""
    ids = (i for g in saved["param_groups"] for i in g["params"])
    shared = {}
    for pid, p in zip(ids, (p for g in groups for p in g["params"])):
        old = saved["state"].get(pid, {}).get("step")
        if old is None:
            continue
        key = (p.device, id(old) if torch.is_tensor(old) else float(old))
        if key not in shared:
            shared[key] = new_count(p.device) + float(old)
        state[p]["step"] = shared[key]
