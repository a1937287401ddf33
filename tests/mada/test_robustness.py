"""Robustness of MADA: the non-finite gradient guard and adversarial gradient streams.

* ``nonfinite="raise"`` raises ``FloatingPointError`` and changes nothing;
  ``nonfinite="skip"`` skips the step entirely (bit for bit, also for later steps);
  ``nonfinite=None`` applies the step, so the NaN reaches the parameters.
* Property (hypothesis): under adversarial gradient streams (magnitudes 1e-8 to 1e8 per step
  and per coordinate, exact zeros, sign flips, constant streams) and aggressive hyper
  settings (hyper_lr up to 10, clipping on or off), every learned coefficient stays inside
  its bounds and is never NaN after every step, and the parameters stay finite.
"""

from __future__ import annotations

import copy
import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mada import MADA
from tests.mada.autograd_reference import DEFAULT_BOUNDS  # the documented clamp ranges

NAMES = ("beta1", "beta2", "beta3", "rho", "c", "gamma")
# Starting points of the learned runs. "default" is MADA's own start (Adam's corner:
# beta3=0, rho=1, c=1, gamma=1) with beta2 inside its bound; "interior" switches every
# component on, so all state buffers and all partials are live.
STARTS = {
    "default": dict(betas=(0.9, 0.95)),
    "interior": dict(betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5),
}
# Configurations of the non-finite tests: direct (nothing learned) and learned.
CONFIGS = {
    "direct": dict(betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5),
    "learned-interior": dict(STARTS["interior"], learn=True, hyper_momentum=0.5),
    "learned-default": dict(STARTS["default"], learn=True, hyper_momentum=0.5),
}
BAD = {"nan": math.nan, "+inf": math.inf, "-inf": -math.inf}


# ---------------------------------------------------------------- helpers
def _make(config, nonfinite, dtype=torch.float64):
    gen = torch.Generator().manual_seed(1)
    params = [
        torch.nn.Parameter(torch.randn(3, 2, generator=gen, dtype=dtype)),
        torch.nn.Parameter(torch.randn(4, generator=gen, dtype=dtype)),
    ]
    opt = MADA(params, lr=0.01, nonfinite=nonfinite, **CONFIGS[config])
    return params, opt


def _grads(n, seed=2, dtype=torch.float64):
    gen = torch.Generator().manual_seed(seed)
    return [
        [torch.randn(3, 2, generator=gen, dtype=dtype), torch.randn(4, generator=gen, dtype=dtype)]
        for _ in range(n)
    ]


def _step(params, opt, grads):
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    opt.step()


def _bad_grads(kind, dtype=torch.float64):
    """Finite gradients with one non-finite entry in the second parameter."""
    grads = _grads(1, seed=3, dtype=dtype)[0]
    grads[1][2] = BAD[kind]
    return grads


def _bits(x):
    """A bit-exact, comparable form of tensors, numbers and containers of them."""
    if torch.is_tensor(x):
        t = x.detach().cpu().contiguous()
        return ("tensor", t.dtype, tuple(t.shape), t.numpy().tobytes())
    if isinstance(x, float):
        return ("float", x.hex())
    if isinstance(x, dict):
        return {k: _bits(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_bits(v) for v in x)
    return x


def _snapshot(params, opt):
    """Everything a step may touch: params, per-param state, group settings and hyper state."""
    groups = [
        {k: copy.deepcopy(v) for k, v in g.items() if k != "params"} for g in opt.param_groups
    ]
    state = [{k: v for k, v in opt.state[p].items()} if p in opt.state else None for p in params]
    return _bits({"params": list(params), "state": state, "groups": groups})


def _assert_same(before, after):
    assert before["params"] == after["params"], "params changed"
    assert before["state"] == after["state"], "optimizer state changed"
    assert before["groups"] == after["groups"], "coefficients / hyper state changed"


# ---------------------------------------------------------------- nonfinite="raise"
@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_raise_on_nonfinite_gradient_changes_nothing(config, kind):
    params, opt = _make(config, "raise")
    for g in _grads(4):
        _step(params, opt, g)
    before = _snapshot(params, opt)
    with pytest.raises(FloatingPointError):
        _step(params, opt, _bad_grads(kind))
    _assert_same(before, _snapshot(params, opt))


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("nonfinite", ["raise", "skip"])
def test_nonfinite_first_step(config, nonfinite):
    """A non-finite gradient at the very first step: ``"raise"``, and ``"skip"`` while a
    group learns (both decided on the host), leave the optimizer as constructed; ``"skip"``
    decided on the device leaves zero state at step 0. Either way the next steps equal those
    of a run that never saw the NaN."""
    params, opt = _make(config, nonfinite)
    fresh_params, fresh = _make(config, nonfinite)
    state_dict = copy.deepcopy(opt.state_dict())
    for p, g in zip(params, _bad_grads("nan"), strict=True):
        p.grad = g
    if nonfinite == "raise":
        with pytest.raises(FloatingPointError):
            opt.step()
    else:
        opt.step()
    if nonfinite == "raise" or "learn" in CONFIGS[config]:
        assert _bits(opt.state_dict()) == _bits(state_dict)
        assert len(opt.state) == 0, f"state was created by a refused step: {dict(opt.state)}"
    else:
        for p in params:
            st = opt.state[p]
            assert st["step"] == 0 and all(not v.any() for v in st.values()), st
    for g in _grads(3):
        _step(params, opt, g)
        _step(fresh_params, fresh, g)
        _assert_same(_snapshot(fresh_params, fresh), _snapshot(params, opt))


# ---------------------------------------------------------------- nonfinite="skip"
@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_skip_leaves_everything_bit_identical(config, kind):
    params, opt = _make(config, "skip")
    for g in _grads(4):
        _step(params, opt, g)
    before = _snapshot(params, opt)
    _step(params, opt, _bad_grads(kind))
    _assert_same(before, _snapshot(params, opt))
    assert {p: opt.state[p]["step"] for p in params} == dict.fromkeys(params, 4)


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_skipped_step_is_as_if_it_never_happened(config):
    """A run with a skipped step in the middle equals, bit for bit, a run without it."""
    grads = _grads(7)
    params_a, opt_a = _make(config, "skip")
    params_b, opt_b = _make(config, "skip")
    for i, g in enumerate(grads):
        if i == 3:
            _step(params_a, opt_a, _bad_grads("nan"))
        _step(params_a, opt_a, g)
        _step(params_b, opt_b, g)
        _assert_same(_snapshot(params_b, opt_b), _snapshot(params_a, opt_a))


# ---------------------------------------------------------------- nonfinite=None
@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_none_applies_the_nonfinite_step(config, kind):
    params, opt = _make(config, None)
    for g in _grads(4):
        _step(params, opt, g)
    _step(params, opt, _bad_grads(kind))  # no error
    assert torch.isnan(params[1]).any(), "the non-finite gradient was not applied"
    assert all(opt.state[p]["step"] == 5 for p in params)
    # the first parameter had a finite gradient and only sees its own state
    assert torch.isfinite(params[0]).all()


# ---------------------------------------------------------------- adversarial streams
MAGNITUDE = st.one_of(
    st.just(0.0),
    st.floats(min_value=-8.0, max_value=8.0).map(lambda e: 10.0**e),
    st.sampled_from([1e-8, 1e8]),
)
SIGNED = st.tuples(MAGNITUDE, st.sampled_from([-1.0, 1.0])).map(lambda ms: ms[0] * ms[1])
DIM = 3
STEPS = 30


@st.composite
def gradient_streams(draw):
    """A list of STEPS gradient vectors (length DIM) of one adversarial kind."""
    kind = draw(st.sampled_from(["free", "constant", "flip", "scaled", "zeros", "burst"]))
    base = draw(st.lists(SIGNED, min_size=DIM, max_size=DIM))
    if kind == "free":  # every step and every coordinate independent
        return draw(st.lists(st.lists(SIGNED, min_size=DIM, max_size=DIM), min_size=STEPS,
                             max_size=STEPS))  # fmt: skip
    if kind == "constant":
        return [base] * STEPS
    if kind == "flip":  # the same vector with alternating sign
        return [[s * x for x in base] for s in (1.0, -1.0) * (STEPS // 2)]
    if kind == "zeros":  # exact zeros, then a jump, then zeros again
        k = draw(st.integers(0, STEPS - 1))
        return [base if i == k else [0.0] * DIM for i in range(STEPS)]
    if kind == "burst":  # Reddi-like: rare huge gradients against a steady small pull
        period = draw(st.integers(2, 10))
        big, small = draw(MAGNITUDE), draw(MAGNITUDE)
        return [[big] * DIM if i % period == 0 else [-small] * DIM for i in range(STEPS)]
    scales = draw(st.lists(MAGNITUDE, min_size=STEPS, max_size=STEPS))  # per-step magnitude
    return [[s * x for x in base] for s in scales]


START_COEFFS = st.fixed_dictionaries({
    "beta1": st.sampled_from([0.01, 0.5, 0.9, 0.99]),
    "beta2": st.sampled_from([0.501, 0.9, 0.95, 0.99]),
    "beta3": st.sampled_from([0.0, 0.5, 0.99]),
    "rho": st.sampled_from([0.0, 0.5, 1.0]),
    "c": st.sampled_from([0.0, 0.5, 1.0]),
    "gamma": st.sampled_from([0.0, 0.5, 1.0]),
})  # fmt: skip
HYPER_LR = st.one_of(st.sampled_from([1e-3, 0.1, 1.0, 10.0]), st.floats(0.0, 10.0))


def _check_coefficients(opt, step):
    """Every learned coefficient of every group is a float inside its bounds, never NaN."""
    for i, group in enumerate(opt.param_groups):
        q = opt.hyper_state(i)["coefficients"]
        assert set(group["learn"]) == set(NAMES)
        for k in NAMES:
            lo, hi = group["bounds"][k]
            assert isinstance(q[k], float), f"step {step}: {k}={q[k]!r} is not a float"
            assert not math.isnan(q[k]), f"step {step}: {k} is NaN"
            assert lo <= q[k] <= hi, f"step {step}: {k}={q[k]!r} left its bounds ({lo}, {hi})"
            assert DEFAULT_BOUNDS[k] == (lo, hi)
    assert opt.coefficients == opt.hyper_state(0)["coefficients"]


@pytest.mark.parametrize("long_memory", ["average", "max"])
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    stream=gradient_streams(),
    start=START_COEFFS,
    hyper_lr=HYPER_LR,
    hyper_momentum=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
    hyper_clip=st.sampled_from([None, 10.0]),
    lr=st.sampled_from([1e-3, 0.1, 1.0]),
    bias_correction=st.booleans(),
)
def test_learned_coefficients_stay_in_bounds_under_adversarial_gradients(
    long_memory, stream, start, hyper_lr, hyper_momentum, hyper_clip, lr, bias_correction
):
    x = torch.nn.Parameter(torch.zeros(DIM, dtype=torch.float64))
    opt = MADA(
        [x], lr=lr, betas=(start["beta1"], start["beta2"]), beta3=start["beta3"],
        rho=start["rho"], c=start["c"], gamma=start["gamma"], long_memory=long_memory,
        bias_correction=bias_correction, learn=True, hyper_lr=hyper_lr,
        hyper_momentum=hyper_momentum, hyper_clip=hyper_clip,
    )  # fmt: skip
    _check_coefficients(opt, 0)
    for t, g in enumerate(stream, start=1):
        x.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        _check_coefficients(opt, t)
        assert torch.isfinite(x).all(), f"step {t}: non-finite params {x} from finite gradients"
        for k, h in opt.hypergradients.items():
            assert not math.isnan(h), f"step {t}: hypergradient of {k} is NaN"


@pytest.mark.parametrize("start", sorted(STARTS))
@pytest.mark.parametrize("long_memory", ["average", "max"])
def test_extreme_streams_with_huge_hyper_lr(start, long_memory):
    """Deterministic worst cases: hyper_lr 10, no clipping, 1e±8 swings and exact zeros."""
    streams = {
        "swing": [[1e8, -1e-8, 0.0] if t % 2 else [-1e-8, 1e8, 0.0] for t in range(STEPS)],
        "zeros-then-huge": [[0.0] * DIM] * 10 + [[1e8] * DIM] + [[0.0] * DIM] * 19,
        "reddi": [[1e8] * DIM if t % 5 == 0 else [-1e-8] * DIM for t in range(STEPS)],
        "tiny-constant": [[1e-8, -1e-8, 1e-8]] * STEPS,
    }
    for name, stream in streams.items():
        for clip in (None, 10.0):
            x = torch.nn.Parameter(torch.zeros(DIM, dtype=torch.float64))
            opt = MADA([x], lr=0.1, long_memory=long_memory, learn=True, hyper_lr=10.0,
                       hyper_momentum=0.9, hyper_clip=clip, **STARTS[start])  # fmt: skip
            for t, g in enumerate(stream, start=1):
                x.grad = torch.tensor(g, dtype=torch.float64)
                opt.step()
                _check_coefficients(opt, f"{name}/clip={clip}/{t}")
                assert torch.isfinite(x).all(), f"{name}, clip={clip}, step {t}: {x}"
