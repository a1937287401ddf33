"""Checkpoints: state_dict() / load_state_dict() mid-training continue bit for bit (float64).

Each round trip trains N steps, checkpoints (a deep copy of the state_dict, or torch.save to a
BytesIO and torch.load(weights_only=True) back), keeps training the original for M more steps,
and trains a fresh optimizer loaded from the checkpoint on parameters restored from the same
point with the same gradients: parameters, state and coefficients must be torch.equal.
"""

from __future__ import annotations

import copy
import io
import math

import pytest
import torch

from mada import MADA
from tests.conftest import DEVICES, EXACT_ATOL, EXACT_RTOL, HYPER_RTOL
from tests.mada.autograd_reference import COEFFICIENTS, Reference

SHAPES = ((3, 4), (5,), (2, 3))
N_BEFORE, N_AFTER = 7, 8
INTERIOR = dict(betas=(0.9, 0.95), beta3=0.3, rho=0.5, c=0.6, gamma=0.7)

# name -> (preset or None, kwargs); "groups" splits the params into two groups.
CASES = {
    "adam": ("adam", dict(lr=1e-2)),
    "amsgrad": ("amsgrad", dict(lr=1e-2)),
    "avgrad": ("avgrad", dict(lr=1e-2)),
    "yogi": ("yogi", dict(lr=1e-2)),
    "adan": ("adan", dict(lr=1e-2)),
    "lion": ("lion", dict(lr=1e-2)),
    "interior-fixed": (None, dict(INTERIOR, lr=1e-2, weight_decay=0.1)),
    "hyperadam": ("hyperadam", dict(lr=1e-2, hyper_lr=0.02)),
    "mada": ("mada", dict(lr=1e-2)),
    "interior-learned": (
        None,
        dict(
            INTERIOR,
            lr=1e-2,
            weight_decay=0.1,
            learn=True,
            hyper_lr=0.01,
            hyper_momentum=0.9,
            hyper_clip=None,
            long_memory="max",
        ),
    ),
    "groups": (None, None),
}
LEARNED = ("hyperadam", "mada", "interior-learned", "groups")


def make_params(dtype=torch.float64, seed=1, device="cpu"):
    gen = torch.Generator().manual_seed(seed)
    return [
        torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float64).to(device, dtype))
        for s in SHAPES
    ]


def clone_params(params):
    return [torch.nn.Parameter(p.detach().clone()) for p in params]


def build(case, params, foreach):
    preset, kwargs = CASES[case]
    if case == "groups":
        groups = [
            dict(params=params[:2], **INTERIOR, learn=("beta3", "gamma"), hyper_momentum=0.5),
            dict(params=params[2:], betas=(0.9, 0.95), lr=3e-2, learn=("beta1",)),
        ]
        return MADA(groups, lr=1e-2, foreach=foreach, coefficient_scope="group")
    if preset is None:
        return MADA(params, foreach=foreach, **kwargs)
    return MADA.preset(preset, params, foreach=foreach, **kwargs)


def grad_stream(steps, seed, dtype=torch.float64, device="cpu"):
    gen = torch.Generator().manual_seed(seed)
    return [
        [torch.randn(s, generator=gen, dtype=torch.float64).to(device, dtype) for s in SHAPES]
        for _ in range(steps)
    ]


def train(opt, params, stream, skip=()):
    """``skip``: (step index, param index) pairs that get no gradient."""
    for k, grads in enumerate(stream):
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            p.grad = None if (k, i) in skip else g.clone()
        opt.step()


def checkpoint(opt, via):
    if via == "deepcopy":
        return copy.deepcopy(opt.state_dict())
    buf = io.BytesIO()
    torch.save(opt.state_dict(), buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def snapshot(opt):
    """Everything that must survive a round trip, as comparable Python/tensor values."""
    out = {"groups": [], "state": []}
    for group in opt.param_groups:
        out["groups"].append({k: copy.deepcopy(v) for k, v in group.items() if k != "params"})
        for p in group["params"]:
            st = opt.state.get(p, {})
            out["state"].append(
                {k: v.clone() if torch.is_tensor(v) else copy.deepcopy(v) for k, v in st.items()}
            )
    return out


def assert_same_snapshot(a, b):
    assert a["groups"] == b["groups"]
    assert len(a["state"]) == len(b["state"])
    for sa, sb in zip(a["state"], b["state"], strict=True):
        assert set(sa) == set(sb)
        for k in sa:
            if torch.is_tensor(sa[k]):
                assert sa[k].dtype == sb[k].dtype, k
                assert torch.equal(sa[k], sb[k]), k
            else:
                assert sa[k] == sb[k], k


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("via", ["deepcopy", "bytes"])
@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
@pytest.mark.parametrize("case", list(CASES))
def test_round_trip_continues_bit_for_bit(case, foreach, via, device):
    skip = {(N_BEFORE - 1, 1), (3, 0), (N_BEFORE + 2, 2)} if case in LEARNED else set()
    stream = grad_stream(N_BEFORE + N_AFTER, seed=2, device=device)
    params = make_params(device=device)
    opt = build(case, params, foreach)
    train(opt, params, stream[:N_BEFORE], skip)
    saved_params = clone_params(params)
    saved = checkpoint(opt, via)
    at_checkpoint = snapshot(opt)
    later = [(k - N_BEFORE, i) for k, i in skip if k >= N_BEFORE]
    train(opt, params, stream[N_BEFORE:], later)

    resumed_params = clone_params(saved_params)
    resumed = build(case, resumed_params, foreach)
    resumed.load_state_dict(saved)
    # learned coefficients, hyper-momentum buffers, last hypergradients, step counts
    assert_same_snapshot(snapshot(resumed), at_checkpoint)
    train(resumed, resumed_params, stream[N_BEFORE:], later)

    for p, q in zip(params, resumed_params, strict=True):
        assert torch.equal(p.detach(), q.detach())
    assert_same_snapshot(snapshot(resumed), snapshot(opt))
    if case in LEARNED:
        assert resumed.hypergradients
        assert resumed.coefficients == opt.coefficients


@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
def test_state_with_fewer_learned_loads_into_more(foreach):
    """adam preset at rho=0.5, beta3=0.2 learning nothing -> learn=('beta1', 'beta2').

    After loading, training continues exactly as the reference started from the loaded state
    (no hyper-update at the first step: nothing is pending), learning beta1 and beta2 with the
    new optimizer's hyper settings and keeping the saved fixed coefficients.
    """
    fixed = dict(betas=(0.9, 0.95), rho=0.5, beta3=0.2, lr=1e-2)
    stream = grad_stream(N_BEFORE + 30, seed=4)
    params = make_params()
    opt = MADA.preset("adam", params, foreach=foreach, **fixed)
    train(opt, params, stream[:N_BEFORE])
    saved = checkpoint(opt, "bytes")

    new_params = clone_params(params)
    learn_kw = dict(learn=("beta1", "beta2"), hyper_lr=0.02, hyper_clip=None)
    new = MADA.preset("adam", new_params, foreach=foreach, **fixed, **learn_kw)
    new.load_state_dict(saved)
    group = new.param_groups[0]
    assert group["learn"] == ("beta1", "beta2")
    assert group["hyper_lr"] == {"beta1": 0.02, "beta2": 0.02}
    assert [new.state[p]["step"] for p in new_params] == [N_BEFORE] * len(SHAPES)

    ref = Reference(params, **fixed, **learn_kw)
    for i in range(len(params)):
        st = saved["state"][i]
        ref.state[i] = {k: st[k].clone() for k in ("m", "v", "v_bar", "n", "g_prev")}
        ref.state[i]["ell"] = torch.zeros_like(st["m"])
        ref.steps[i] = st["step"]
    for k, grads in enumerate(stream[N_BEFORE:]):
        for p, g in zip(new_params, grads, strict=True):
            p.grad = g.clone()
        h = ref.step(grads)
        new.step()
        if k == 0:
            assert h is None and new.hypergradients == {}
        else:
            for q in ("beta1", "beta2"):
                err = abs(new.hypergradients[q] - h[q])
                assert err <= HYPER_RTOL * max(abs(h[q]), 1e-5 * ref.scales[q]), (k, q)
        for q in COEFFICIENTS:
            assert math.isclose(
                new.coefficients[q], ref.q[q], rel_tol=EXACT_RTOL, abs_tol=EXACT_ATOL
            ), (k, q)
        for p, x in zip(new_params, ref.params, strict=True):
            torch.testing.assert_close(p.detach(), x, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    coeffs = new.coefficients
    assert coeffs["rho"] == 0.5 and coeffs["beta3"] == 0.2
    assert coeffs["beta1"] != 0.9 and coeffs["beta2"] != 0.95
    assert all(torch.isfinite(p).all() for p in new_params)


def test_loaded_fixed_coefficients_come_from_the_state_dict():
    """As torch.optim: the saved group's coefficients win over the constructor's."""
    stream = grad_stream(5, seed=6)
    params = make_params()
    opt = MADA.preset("adam", params, betas=(0.85, 0.95), rho=0.5)
    train(opt, params, stream)
    new = MADA.preset("adam", clone_params(params), betas=(0.9, 0.95), rho=0.5, learn=("beta1",))
    new.load_state_dict(checkpoint(opt, "deepcopy"))
    assert new.coefficients["beta1"] == 0.85


@pytest.mark.parametrize(
    ("saved_preset", "new_kwargs", "extra"),
    [
        ("mada", dict(learn=("beta1", "beta2")), ["beta3", "c", "gamma", "rho"]),
        ("mada", dict(learn=()), ["beta1", "beta2"]),
        ("hyperadam", dict(learn=()), ["beta1", "beta2"]),
        ("hyperadam", dict(learn=("beta1", "rho")), ["beta2"]),
    ],
)
def test_state_that_learned_more_raises(saved_preset, new_kwargs, extra):
    stream = grad_stream(4, seed=7)
    params = make_params()
    opt = MADA.preset(saved_preset, params, lr=1e-2)
    train(opt, params, stream)
    saved = checkpoint(opt, "bytes")
    new_params = clone_params(params)
    new = MADA(new_params, lr=1e-2, betas=(0.9, 0.95), **new_kwargs)
    before = snapshot(new)
    with pytest.raises(ValueError, match="learn") as info:
        new.load_state_dict(saved)
    for name in extra:
        assert repr(name) in str(info.value) or name in str(info.value), (name, info.value)
    assert_same_snapshot(snapshot(new), before)  # a failed load changes nothing
    train(new, new_params, stream)  # and the optimizer still works


def test_state_lacking_a_needed_buffer_raises():
    stream = grad_stream(4, seed=8)
    params = make_params()
    opt = MADA.preset("adam", params, betas=(0.9, 0.95))
    train(opt, params, stream)
    new = MADA.preset("adam", clone_params(params), betas=(0.9, 0.95), learn=("beta3",))
    with pytest.raises(ValueError, match=r"n.*g_prev|g_prev.*n"):
        new.load_state_dict(checkpoint(opt, "deepcopy"))


@pytest.mark.parametrize("case", ["adam", "mada"])
def test_bf16_state_stays_float32(case):
    stream = grad_stream(N_BEFORE + N_AFTER, seed=9, dtype=torch.bfloat16)
    params = make_params(torch.bfloat16)
    opt = build(case, params, foreach=False)
    train(opt, params, stream[:N_BEFORE])
    saved_params = clone_params(params)
    saved = checkpoint(opt, "bytes")
    train(opt, params, stream[N_BEFORE:])

    resumed_params = clone_params(saved_params)
    resumed = build(case, resumed_params, foreach=False)
    resumed.load_state_dict(saved)
    for p in resumed_params:
        tensors = {k: v for k, v in resumed.state[p].items() if torch.is_tensor(v) and k != "step"}
        assert tensors and all(v.dtype == torch.float32 for v in tensors.values()), tensors
        assert resumed.state[p]["step"].dtype == torch.float64  # the counter, any param dtype
    train(resumed, resumed_params, stream[N_BEFORE:])
    for p, q in zip(params, resumed_params, strict=True):
        assert p.dtype == q.dtype == torch.bfloat16
        assert torch.equal(p.detach(), q.detach())
    for p in resumed_params:
        assert all(
            v.dtype == torch.float32
            for k, v in resumed.state[p].items()
            if torch.is_tensor(v) and k != "step"
        )


@pytest.mark.parametrize("case", ["adam", "mada", "groups"])
def test_state_saved_with_int_steps_loads(case):
    """State dicts saved before the step counters were tensors (``step`` a Python int)
    resume bit for bit; the counters come back as shared float64 tensors."""
    skip = {(3, 0)}
    stream = grad_stream(N_BEFORE + N_AFTER, seed=4)
    params = make_params()
    opt = build(case, params, foreach=True)
    train(opt, params, stream[:N_BEFORE], skip)
    saved = copy.deepcopy(opt.state_dict())
    for st in saved["state"].values():
        if "step" in st:
            st["step"] = int(st["step"])
    resumed_params = clone_params(params)
    resumed = build(case, resumed_params, foreach=True)
    resumed.load_state_dict(saved)
    steps = [resumed.state[p]["step"] for p in resumed_params]
    assert all(s.dtype == torch.float64 for s in steps)
    assert len({id(s) for s in steps}) == len({float(s) for s in steps})
    train(opt, params, stream[N_BEFORE:])
    train(resumed, resumed_params, stream[N_BEFORE:])
    for p, q in zip(params, resumed_params, strict=True):
        assert torch.equal(p.detach(), q.detach())
