"""Pay for what you use: full-size state buffers per parameter, per preset and learned set.

A full-size buffer is a tensor state entry with the parameter's numel; it is counted in units
of the parameter's element size (a float32 buffer of a float32 param counts 1). Components that
are off allocate nothing; learning adds only the pending gradient ``g`` (one step behind) plus
the buffers of the components the learned coefficients switch on.
"""

from __future__ import annotations

import pytest
import torch

from mada import MADA, PRESETS

SHAPE = (4, 5)
STEPS = 4

# Measured once, asserted exactly: (units, buffer keys) after a few steps, float32 params.
PRESET_BUFFERS = {
    "adam": (2, {"m", "v"}),
    "amsgrad": (3, {"m", "v", "v_bar"}),
    "avgrad": (3, {"m", "v", "v_bar"}),
    "yogi": (2, {"m", "v"}),
    "adan": (4, {"m", "v", "n", "g_prev"}),
    "lion": (1, {"ell"}),
    "hyperadam": (3, {"m", "v", "g"}),
    "mada": (7, {"m", "v", "v_bar", "n", "g_prev", "ell", "g"}),
}

# Learned sets from Adam's point (betas=(0.9, 0.95), nothing else on).
LEARNED_BUFFERS = {
    (): (2, {"m", "v"}),
    ("beta1",): (3, {"m", "v", "g"}),
    ("beta2",): (3, {"m", "v", "g"}),
    ("beta3",): (5, {"m", "v", "n", "g_prev", "g"}),
    ("rho",): (4, {"m", "v", "v_bar", "g"}),
    ("c",): (3, {"m", "v", "g"}),
    ("gamma",): (4, {"m", "v", "ell", "g"}),
    ("beta1", "beta2"): (3, {"m", "v", "g"}),
    ("beta3", "rho"): (6, {"m", "v", "n", "g_prev", "v_bar", "g"}),
    ("beta1", "beta2", "beta3", "rho", "c", "gamma"): (
        7,
        {"m", "v", "v_bar", "n", "g_prev", "ell", "g"},
    ),
}

# Fixed (not learned) coefficients switching components on one at a time.
FIXED_BUFFERS = {
    "rho<1": (dict(rho=0.5), 3, {"m", "v", "v_bar"}),
    "beta3>0": (dict(beta3=0.3), 4, {"m", "v", "n", "g_prev"}),
    "0<gamma<1": (dict(gamma=0.5), 3, {"m", "v", "ell"}),
    "gamma=0": (dict(gamma=0.0), 1, {"ell"}),
    "c<1": (dict(c=0.3), 2, {"m", "v"}),
    "all on": (
        dict(beta3=0.3, rho=0.5, c=0.3, gamma=0.5),
        6,
        {"m", "v", "v_bar", "n", "g_prev", "ell"},
    ),
}


def full_size(opt, p):
    """(units of p's element size, keys) of the full-size tensor state of p."""
    units, keys = 0.0, set()
    for key, value in opt.state[p].items():
        if key != "step" and torch.is_tensor(value) and value.numel() == p.numel():
            units += value.numel() * value.element_size() / (p.numel() * p.element_size())
            keys.add(key)
    return units, keys


def train(opt, params, steps=STEPS):
    gen = torch.Generator().manual_seed(3)
    for _ in range(steps):
        for p in params:
            p.grad = torch.randn(p.shape, generator=gen).to(p.dtype)
        opt.step()


def _params(dtype=torch.float32, n=2):
    return [torch.nn.Parameter(torch.randn(SHAPE, dtype=dtype)) for _ in range(n)]


def test_preset_table_covers_every_preset():
    assert set(PRESET_BUFFERS) == set(PRESETS)


@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
@pytest.mark.parametrize("name", list(PRESET_BUFFERS))
def test_preset_buffers(name, foreach):
    params = _params()
    opt = MADA.preset(name, params, foreach=foreach)
    train(opt, params)
    units, keys = PRESET_BUFFERS[name]
    for p in params:
        assert full_size(opt, p) == (units, keys), name


def test_adam_preset_matches_torch_adam():
    params = _params()
    opt = MADA.preset("adam", params)
    train(opt, params)
    ref_params = _params()
    ref = torch.optim.Adam(ref_params)
    train(ref, ref_params)
    ours, theirs = full_size(opt, params[0])[0], full_size(ref, ref_params[0])[0]
    assert ours <= 2 and ours <= theirs


def test_all_six_learned_at_most_nine():
    params = _params()
    opt = MADA(params, betas=(0.9, 0.95), beta3=0.3, rho=0.5, c=0.6, gamma=0.7, learn=True)
    train(opt, params)
    for p in params:
        assert full_size(opt, p)[0] <= 9
        assert full_size(opt, p) == PRESET_BUFFERS["mada"]


@pytest.mark.parametrize("learn", list(LEARNED_BUFFERS), ids=lambda s: "+".join(s) or "none")
def test_learned_set_buffers(learn):
    params = _params()
    opt = MADA(params, betas=(0.9, 0.95), learn=learn)
    train(opt, params)
    for p in params:
        assert full_size(opt, p) == LEARNED_BUFFERS[learn]


@pytest.mark.parametrize("case", list(FIXED_BUFFERS))
def test_fixed_component_buffers(case):
    kwargs, units, keys = FIXED_BUFFERS[case]
    params = _params()
    opt = MADA(params, **kwargs)
    train(opt, params)
    for p in params:
        assert full_size(opt, p) == (units, keys)


def test_off_components_allocate_nothing():
    p = _params(n=1)
    lion = MADA.preset("lion", p)
    train(lion, p)
    assert not {"m", "v", "v_bar", "n", "g_prev", "g"} & set(lion.state[p[0]])
    q = _params(n=1)
    adam = MADA.preset("adam", q)
    train(adam, q)
    assert not {"v_bar", "n", "g_prev", "ell", "g"} & set(adam.state[q[0]])


def test_state_is_lazy_and_skips_params_without_grad():
    params = _params(n=3)
    opt = MADA(params, betas=(0.9, 0.95), learn=True)
    assert len(opt.state) == 0
    for _ in range(3):
        params[0].grad = torch.randn(SHAPE)
        params[1].grad = None
        params[2].grad = torch.randn(SHAPE)
        opt.step()
    assert not opt.state.get(params[1])
    assert full_size(opt, params[0])[0] == full_size(opt, params[2])[0] == 7


def test_no_growth_over_many_steps():
    params = _params()
    opt = MADA.preset("mada", params, foreach=True)
    train(opt, params, steps=2)
    before = [full_size(opt, p) for p in params]
    train(opt, params, steps=20)
    assert [full_size(opt, p) for p in params] == before
    # the hyper state is one set of 6-vectors on the params' device
    cset = opt.state["coefficient_set.0"]
    for key in ("q", "q_prev", "buf", "h"):
        assert cset[key].shape == (6,) and cset[key].device == params[0].device, key


def test_low_precision_params_keep_float32_state():
    """bf16 params: the adam state is two float32 buffers (4 units of bf16)."""
    params = _params(dtype=torch.bfloat16)
    opt = MADA.preset("adam", params)
    train(opt, params)
    for p in params:
        tensors = {k: v for k, v in opt.state[p].items() if torch.is_tensor(v) and k != "step"}
        assert set(tensors) == {"m", "v"}
        assert opt.state[p]["step"].shape == () and opt.state[p]["step"].dtype == torch.float64
        assert all(v.dtype == torch.float32 for v in tensors.values())
        assert full_size(opt, p)[0] == 4
