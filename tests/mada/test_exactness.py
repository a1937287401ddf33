"""MADA's iterates against independent references: torch.optim and a NumPy float64 reference.

Gradient streams are random with wildly different scales: each step's scale is
10**uniform(-6, 6) and each coordinate carries its own fixed scale 10**uniform(-3, 3), so
every term of the update (eps, the Yogi sign, the long memory) is exercised at every size.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mada import MADA, AVGrad, preset_kwargs
from tests.conftest import (
    CUDA,
    DEVICES,
    EXACT_ATOL,
    EXACT_RTOL,
    FLOAT32_ATOL,
    FLOAT32_DEVICE_FACTOR,
    FLOAT32_RTOL,
    HYPER_RTOL,
)
from tests.reference_numpy import reference_trajectory

STEPS = 100
SHAPES = [(), (1,), (7,), (3, 4), (2, 3, 5)]
DIRECT_PRESETS = ["adam", "amsgrad", "avgrad", "yogi", "adan", "lion"]
ALL_PRESETS = [*DIRECT_PRESETS, "hyperadam", "mada"]
INTERIOR = dict(betas=(0.9, 0.99), beta3=0.3, rho=0.4, c=0.6, gamma=0.7, lion_betas=(0.9, 0.99))
INTERIOR_POINTS = [
    pytest.param({**INTERIOR, "long_memory": lm, "bias_correction": bc, "weight_decay": wd}, id=i)
    for lm in ("average", "max")
    for bc in (True, False)
    for wd in (0.0, 0.05)
    for i in [f"{lm}-bc{int(bc)}-wd{wd}"]
]


# ----------------------------------------------------------------------------- helpers
def grad_stream(rng, shape, steps=STEPS, log_range=6.0, coord_log_range=3.0):
    """Gradients g_1..g_T: N(0, 1) times a per-step and a fixed per-coordinate scale."""
    coord = 10.0 ** rng.uniform(-coord_log_range, coord_log_range, size=shape)
    return [
        np.asarray(10.0 ** rng.uniform(-log_range, log_range) * coord * rng.standard_normal(shape))
        for _ in range(steps)
    ]


def problem(seed, shapes=SHAPES, steps=STEPS, **kw):
    """Initial points and one gradient stream per parameter tensor."""
    rng = np.random.default_rng(seed)
    x0s = [np.asarray(rng.standard_normal(s)) for s in shapes]
    return x0s, [grad_stream(rng, s, steps, **kw) for s in shapes]


def run_torch(make_opt, x0s, streams, dtype=torch.float64, device="cpu"):
    """Iterates of ``make_opt(params)``: a list over steps of lists of param clones."""
    params = [torch.nn.Parameter(torch.tensor(x, dtype=dtype, device=device)) for x in x0s]
    opt = make_opt(params)
    traj = []
    for t in range(len(streams[0])):
        for p, s in zip(params, streams, strict=True):
            p.grad = None if s[t] is None else torch.tensor(s[t], dtype=dtype, device=device)
        opt.step()
        traj.append([p.detach().clone() for p in params])
    return traj, opt, params


def assert_matches_reference(traj, x0s, streams, coefficients):
    """Every param's whole trajectory equals the NumPy reference within the exact tolerances."""
    for i, (x0, grads) in enumerate(zip(x0s, streams, strict=True)):
        expected = torch.from_numpy(np.stack(reference_trajectory(x0, grads, **coefficients)))
        actual = torch.stack([step[i] for step in traj])
        torch.testing.assert_close(
            actual,
            expected,
            rtol=EXACT_RTOL,
            atol=EXACT_ATOL,
            msg=lambda m, i=i: f"param {i} (shape {tuple(x0s[i].shape)}): {m}",
        )


def assert_trajectories_equal(a, b):
    for t, (pa, pb) in enumerate(zip(a, b, strict=True)):
        for i, (x, y) in enumerate(zip(pa, pb, strict=True)):
            assert torch.equal(x, y), f"step {t + 1}, param {i}: {x} != {y}"


def assert_states_equal(opt_a, params_a, opt_b, params_b):
    """The same keys, equal 'step' and bit-equal tensors, param by param."""
    for i, (pa, pb) in enumerate(zip(params_a, params_b, strict=True)):
        sa, sb = opt_a.state[pa], opt_b.state[pb]
        assert sorted(sa) == sorted(sb), f"param {i}: state keys {sorted(sa)} != {sorted(sb)}"
        for k in sa:
            if torch.is_tensor(sa[k]):
                assert sa[k].dtype == sb[k].dtype, f"param {i} state {k!r}: dtype differs"
                assert torch.equal(sa[k], sb[k]), f"param {i} state {k!r} differs"
            else:
                assert sa[k] == sb[k], f"param {i} state {k!r}: {sa[k]!r} != {sb[k]!r}"


def with_gaps(streams):
    """Drop some gradients (None): periodic gaps, and the last param starts at step 11."""
    out = []
    for i, s in enumerate(streams):
        out.append([None if (t + i) % 7 == 3 else g for t, g in enumerate(s)])
    out[-1] = [None] * 10 + out[-1][10:]
    return out


# ----------------------------------------------------------------------------- torch.optim
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("foreach", [False, True])
def test_adam_preset_matches_torch_adam(foreach, device):
    x0s, streams = problem(1)
    ours, *_ = run_torch(lambda p: MADA.preset("adam", p, lr=1e-2, foreach=foreach), x0s, streams,
                         device=device)  # fmt: skip
    theirs, *_ = run_torch(lambda p: torch.optim.Adam(p, lr=1e-2, foreach=False), x0s, streams,
                           device=device)  # fmt: skip
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    if device == "cpu":
        assert_trajectories_equal(ours, theirs)  # bit for bit (same kernels, same order)


@pytest.mark.parametrize("foreach", [False, True])
def test_adam_preset_with_weight_decay_matches_torch_adamw(foreach):
    x0s, streams = problem(2)
    kw = dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
    ours, *_ = run_torch(lambda p: MADA.preset("adam", p, **kw, foreach=foreach), x0s, streams)
    theirs, *_ = run_torch(lambda p: torch.optim.AdamW(p, **kw, foreach=False), x0s, streams)
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    assert_trajectories_equal(ours, theirs)


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("foreach", [False, True])
def test_amsgrad_preset_matches_torch_amsgrad(foreach, weight_decay):
    x0s, streams = problem(3)
    kw = dict(lr=1e-2, weight_decay=weight_decay)
    ours, *_ = run_torch(lambda p: MADA.preset("amsgrad", p, **kw, foreach=foreach), x0s, streams)
    theirs, *_ = run_torch(
        lambda p: torch.optim.AdamW(p, **kw, amsgrad=True, foreach=False), x0s, streams
    )
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    assert_trajectories_equal(ours, theirs)


# ----------------------------------------------------------------------------- NumPy reference
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("name", DIRECT_PRESETS)
def test_preset_matches_reference(name, foreach, device):
    x0s, streams = problem(10 + DIRECT_PRESETS.index(name))
    lr = 1e-3 if name == "lion" else 1e-2
    traj, *_ = run_torch(lambda p: MADA.preset(name, p, lr=lr, foreach=foreach), x0s, streams,
                         device=device)  # fmt: skip
    traj = [[x.cpu() for x in step] for step in traj]
    assert_matches_reference(traj, x0s, streams, {**preset_kwargs(name), "lr": lr})


@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
@pytest.mark.parametrize("bias_correction", [True, False])
def test_avgrad_class_matches_reference(bias_correction, weight_decay):
    x0s, streams = problem(20)
    kw = dict(lr=1e-2, betas=(0.85, 0.995), eps=1e-7, weight_decay=weight_decay)
    traj, *_ = run_torch(lambda p: AVGrad(p, **kw, bias_correction=bias_correction), x0s, streams)
    expected = {**kw, "rho": 0.0, "long_memory": "average", "bias_correction": bias_correction}
    assert_matches_reference(traj, x0s, streams, expected)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("coefficients", INTERIOR_POINTS)
def test_interior_point_matches_reference(coefficients, foreach, device):
    x0s, streams = problem(30)
    kw = {**coefficients, "lr": 1e-2}
    traj, *_ = run_torch(lambda p: MADA(p, **kw, foreach=foreach), x0s, streams, device=device)
    traj = [[x.cpu() for x in step] for step in traj]
    assert_matches_reference(traj, x0s, streams, kw)


@pytest.mark.parametrize(
    "coefficients",
    [
        dict(betas=(0.5, 0.9), beta3=0.9, rho=0.9, c=0.1, gamma=0.2, long_memory="max"),
        dict(betas=(0.0, 0.0), beta3=0.5, rho=0.5, c=0.5, gamma=0.5, lion_betas=(0.0, 0.0)),
        dict(betas=(0.99, 0.9999), beta3=0.05, rho=0.95, c=0.95, gamma=0.95, eps=0.0),
        dict(rho=0.0, c=0.0, gamma=1.0, long_memory="max", bias_correction=False),
        dict(beta3=0.7, gamma=0.0, weight_decay=0.3),
    ],
)
def test_other_points_match_reference(coefficients):
    x0s, streams = problem(31)
    kw = {**coefficients, "lr": 3e-3}
    traj, *_ = run_torch(lambda p: MADA(p, **kw), x0s, streams)
    assert_matches_reference(traj, x0s, streams, kw)


@pytest.mark.parametrize("foreach", [False, True])
def test_missing_gradients_skip_the_param(foreach):
    """A param whose grad is None is left alone, state and step count included."""
    x0s, streams = problem(40)
    streams = with_gaps(streams)
    kw = {**INTERIOR, "lr": 1e-2, "long_memory": "max", "weight_decay": 0.05}
    traj, opt, params = run_torch(lambda p: MADA(p, **kw, foreach=foreach), x0s, streams)
    assert_matches_reference(traj, x0s, streams, kw)
    for p, s in zip(params, streams, strict=True):
        assert opt.state[p]["step"] == sum(g is not None for g in s)


# ----------------------------------------------------------------------------- param groups
GROUP_A = dict(betas=(0.8, 0.99), beta3=0.2, rho=0.3, c=0.4, gamma=0.9, long_memory="max")
GROUP_B = dict(lr=3e-3, rho=0.0, c=0.0, gamma=0.5, lion_betas=(0.9, 0.95), weight_decay=0.1)
GROUP_C = dict(lr=1e-3, gamma=0.0, bias_correction=False, eps=1e-6)


@pytest.mark.parametrize("foreach", [False, True])
def test_param_groups_behave_like_separate_optimizers(foreach):
    x0s, streams = problem(50, shapes=[(), (7,), (3, 4), (2, 3, 5), (5,)])
    split = [(GROUP_A, [0, 1]), (GROUP_B, [2, 3]), (GROUP_C, [4])]

    def grouped(params):
        groups = [{"params": [params[i] for i in idx], **kw} for kw, idx in split]
        return MADA(groups, lr=1e-2, foreach=foreach)

    together, *_ = run_torch(grouped, x0s, streams)
    for kw, idx in split:
        sub_x0s, sub_streams = [x0s[i] for i in idx], [streams[i] for i in idx]
        alone, *_ = run_torch(
            lambda p, kw=kw: MADA(p, **{"lr": 1e-2, **kw}, foreach=foreach), sub_x0s, sub_streams
        )
        assert_trajectories_equal([[step[i] for i in idx] for step in together], alone)
        sub_traj = [[step[i] for i in idx] for step in together]
        assert_matches_reference(sub_traj, sub_x0s, sub_streams, {"lr": 1e-2, **kw})


# ----------------------------------------------------------------------------- foreach
def _foreach_cases():
    cases = [pytest.param(preset_kwargs(n), id=n) for n in ALL_PRESETS]
    cases += [INTERIOR_POINTS[i] for i in (1, 2, 5, 6)]  # both memories, bc on/off, wd on/off
    return cases


@pytest.mark.parametrize("gaps", [False, True], ids=["dense", "gaps"])
@pytest.mark.parametrize("coefficients", _foreach_cases())
def test_foreach_equals_loop_bit_for_bit_float64(coefficients, gaps):
    x0s, streams = problem(60)
    if gaps:
        streams = with_gaps(streams)
    runs = [
        run_torch(lambda p, f=f: MADA(p, lr=1e-2, **coefficients, foreach=f), x0s, streams)
        for f in (False, True)
    ]
    (loop, opt_l, params_l), (fe, opt_f, params_f) = runs
    if not coefficients.get("learn"):
        assert_trajectories_equal(loop, fe)
        assert_states_equal(opt_l, params_l, opt_f, params_f)
        return
    # Learned: the hypergradient sums are reduced per bucket (the foreach path's bucket is
    # the concatenation of all tensors, the for-loop's one tensor), so h differs in its last
    # bits and the runs agree to rounding, not bit for bit.
    for a, b in zip(loop, fe, strict=True):
        torch.testing.assert_close(a, b, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    for k, v in opt_l.coefficients.items():
        assert math.isclose(opt_f.coefficients[k], v, rel_tol=EXACT_RTOL, abs_tol=EXACT_ATOL)
    h_l, h_f = opt_l.hypergradients, opt_f.hypergradients
    assert h_l.keys() == h_f.keys() and h_l
    for k, v in h_l.items():
        assert math.isclose(h_f[k], v, rel_tol=HYPER_RTOL, abs_tol=HYPER_RTOL * abs(v)), k


@pytest.mark.parametrize("coefficients", _foreach_cases())
def test_foreach_equals_loop_float32(coefficients):
    x0s, streams = problem(61, log_range=4.0, coord_log_range=2.0)
    streams = with_gaps(streams)
    runs = [
        run_torch(
            lambda p, f=f: MADA(p, lr=1e-2, **coefficients, foreach=f),
            x0s,
            streams,
            dtype=torch.float32,
        )
        for f in (False, True)
    ]
    (loop, opt_l, params_l), (fe, opt_f, params_f) = runs
    for a, b in zip(loop, fe, strict=True):
        torch.testing.assert_close(a, b, rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL)
    for pl, pf in zip(params_l, params_f, strict=True):
        sl, sf = opt_l.state[pl], opt_f.state[pf]
        assert sorted(sl) == sorted(sf)
        for k in sl:
            if k == "step":  # the step counter: float64 whatever the params
                assert torch.equal(sl[k], sf[k])
            elif torch.is_tensor(sl[k]):
                assert sl[k].dtype == sf[k].dtype == torch.float32
                torch.testing.assert_close(sl[k], sf[k], rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL)
            else:
                assert sl[k] == sf[k]


# ----------------------------------------------------------------------------- CUDA
def _max_error(traj, ref):
    """Per param, the largest |x - x_ref| over the run (float64, on the CPU)."""
    return [
        torch.stack(
            [(a[i].cpu().double() - b[i]).abs() for a, b in zip(traj, ref, strict=True)]
        ).amax(0)
        for i in range(len(ref[0]))
    ]


@CUDA
@pytest.mark.cuda
@pytest.mark.parametrize("foreach", [None, False, True])
@pytest.mark.parametrize("coefficients", _foreach_cases())
def test_cuda_matches_cpu(coefficients, foreach):
    """float64: CUDA equals the CPU run to the exact tolerances. float32: the CUDA run is
    within FLOAT32_DEVICE_FACTOR times the CPU float32 run's own error against float64
    (the derivation is in tests/conftest.py)."""
    x0s, streams = problem(70, log_range=4.0, coord_log_range=2.0)
    streams = with_gaps(streams)

    def run(dtype, device, f):
        make = lambda p: MADA(p, lr=1e-2, **coefficients, foreach=f)  # noqa: E731
        return run_torch(make, x0s, streams, dtype, device=device)

    ref, *_ = run(torch.float64, "cpu", False)
    gpu, opt, params = run(torch.float64, "cuda", foreach)
    for a, b in zip(gpu, ref, strict=True):
        torch.testing.assert_close([x.cpu() for x in a], b, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    cpu32, *_ = run(torch.float32, "cpu", False)
    gpu32, opt32, params32 = run(torch.float32, "cuda", foreach)
    allowed = _max_error(cpu32, ref)
    for i, (err, cap) in enumerate(zip(_max_error(gpu32, ref), allowed, strict=True)):
        scale = torch.stack([step[i].abs() for step in ref]).amax(0)
        limit = FLOAT32_DEVICE_FACTOR * cap + FLOAT32_RTOL * scale
        assert bool((err <= limit).all()), f"param {i}: {float((err - limit).max())} over"
    for o, ps, dtype in ((opt, params, torch.float64), (opt32, params32, torch.float32)):
        for p in ps:
            for v in o.state[p].values():
                if torch.is_tensor(v):
                    assert v.is_cuda and v.dtype == dtype


# ----------------------------------------------------------------------------- low precision
LOW_PRECISION_POINTS = [
    pytest.param(preset_kwargs("adam"), id="adam"),
    pytest.param(preset_kwargs("adan"), id="adan"),
    pytest.param({**INTERIOR, "long_memory": "max", "weight_decay": 0.1}, id="interior"),
]


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("coefficients", LOW_PRECISION_POINTS)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_low_precision_param_rounds_once_per_step(dtype, coefficients, foreach):
    """Documented choice: float32 state and arithmetic, the param rounded once per step.

    A bf16/fp16 param after a step equals MADA run on a float32 copy of the param with the
    rounded gradient, cast back to the low dtype; the state equals that float32 run's state.
    Over several steps this holds when the float32 copy is re-synced to the rounded param.
    """
    gen = torch.Generator().manual_seed(80)
    shapes = [(), (5, 7), (11,)]
    low = [torch.nn.Parameter(torch.randn(s, generator=gen).to(dtype)) for s in shapes]
    f32 = [torch.nn.Parameter(p.detach().float()) for p in low]
    kw = dict(lr=1e-2, **coefficients)
    opt_low, opt_f32 = MADA(low, **kw, foreach=foreach), MADA(f32, **kw, foreach=foreach)
    for step in range(5):
        for pl, pf in zip(low, f32, strict=True):
            g = (torch.randn(pl.shape, generator=gen) * 10.0 ** (step - 2)).to(dtype)
            pl.grad, pf.grad = g, g.float()
            pf.data.copy_(pl.detach().float())  # re-sync: a no-op before the first step
        opt_low.step()
        opt_f32.step()
        for i, (pl, pf) in enumerate(zip(low, f32, strict=True)):
            assert pl.dtype == dtype
            assert torch.equal(pl.detach(), pf.detach().to(dtype)), f"step {step + 1}, param {i}"
            for k, v in opt_low.state[pl].items():
                if torch.is_tensor(v):
                    want = torch.float64 if k == "step" else torch.float32  # (the counter)
                    assert v.dtype == want, f"state {k!r} is {v.dtype}"
                    assert torch.equal(v, opt_f32.state[pf][k]), f"state {k!r} differs"


# ----------------------------------------------------------------------------- hypothesis
# A decay is 0 or at least 1e-6: a decay of ~1e-300 rounds 1-β to exactly 1, and the rounding
# of β·ℓ + (1-β)·g versus a lerp (1e-306 versus 0) is then flipped into ±1 by Lion's sign(·).
unit = st.one_of(st.just(0.0), st.floats(1e-6, 0.999))
closed_unit = st.floats(0.0, 1.0)
COEFFICIENTS = st.fixed_dictionaries(
    {
        "lr": st.floats(1e-4, 0.3),
        "betas": st.tuples(unit, unit),
        "beta3": st.one_of(st.just(0.0), st.floats(1e-6, 0.99)),
        "rho": closed_unit,
        "c": closed_unit,
        "gamma": closed_unit,
        "eps": st.floats(1e-10, 1e-2),
        "weight_decay": st.floats(0.0, 0.5),
        "long_memory": st.sampled_from(["average", "max"]),
        "lion_betas": st.tuples(unit, unit),
        "bias_correction": st.booleans(),
    }
)


@given(
    coefficients=COEFFICIENTS,
    seed=st.integers(0, 2**32 - 1),
    shapes=st.lists(st.sampled_from([(), (3,), (2, 2)]), min_size=1, max_size=3),
    steps=st.integers(1, 20),
    log_range=st.floats(0.0, 6.0),
    zeros=st.booleans(),
    foreach=st.booleans(),
)
def test_random_coefficients_match_reference(
    coefficients, seed, shapes, steps, log_range, zeros, foreach
):
    x0s, streams = problem(seed, shapes=shapes, steps=steps, log_range=log_range)
    if zeros:  # exact zeros exercise sign(0) in the Yogi and Lion terms
        rng = np.random.default_rng(seed + 1)
        streams = [[g * (rng.random(g.shape) < 0.7) for g in s] for s in streams]
    traj, *_ = run_torch(lambda p: MADA(p, **coefficients, foreach=foreach), x0s, streams)
    assert_matches_reference(traj, x0s, streams, coefficients)
