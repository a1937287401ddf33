r"""``safeguard=True``: :math:`\hat v_t \leftarrow \max(\hat v_t, (\alpha_t/\alpha_{t-1})^2
\hat v_{t-1})` on every path, against a NumPy reference of that equation and an autograd
reference of its hypergradients (both written here from the equation, not from mada/).

The reference's convention for a step with :math:`\alpha_t = 0` (the optimizer's, documented
in ``mada._update.guard``): it moves nothing, :math:`\hat v_t` is the unguarded value, and the
next step compares with the last step whose lr was positive.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mada import MADA
from tests.conftest import DEVICES, EXACT_ATOL, EXACT_RTOL

SHAPES = [(4, 3), (5,)]
# lr per step: falling, rising (the guard then inflates v̂), a zero step, falling again
LRS = [0.1, 0.07, 0.05, 0.08, 0.0, 0.04, 0.03, 0.03, 0.02, 0.025]


def grads(shapes, steps, seed=1):
    """Gradients whose size swings, so that the floor wins on some steps and not on others."""
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) * (4.0 if t % 3 == 0 else 0.3) for s in shapes]
            for t in range(steps)]  # fmt: skip


def numpy_reference(x0, gs, lrs, *, betas, rho, eps, long_memory, bias_correction):
    """Adam with MADA's long memory (c = 1, beta3 = 0, gamma = 1) and the safeguard, float64.
    Returns the parameters and the v̂ of the last step."""
    b1, b2 = betas
    xs = [np.array(x, dtype=np.float64) for x in x0]
    m, v, vb = ([np.zeros_like(x) for x in xs] for _ in range(3))
    last = [None] * len(xs)  # (alpha, v̂) of the last step with alpha > 0
    vhat = [None] * len(xs)
    for t, (g_t, a) in enumerate(zip(gs, lrs), start=1):
        bc1, bc2 = (1 - b1**t, 1 - b2**t) if bias_correction else (1.0, 1.0)
        for i, g in enumerate(g_t):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vb[i] = (
                ((t - 1) * vb[i] + v[i]) / t
                if long_memory == "average"
                else np.maximum(vb[i], v[i])
            )
            vt = (rho * v[i] + (1 - rho) * vb[i]) / bc2
            if a > 0 and last[i] is not None:
                vt = np.maximum(vt, (a / last[i][0]) ** 2 * last[i][1])  # the safeguard
            vhat[i] = vt
            if a > 0:
                last[i] = (a, vt)
            xs[i] = xs[i] - a * (m[i] / bc1) / (np.sqrt(vt) + eps)
    return xs, vhat


def run_mada(x0, gs, lrs, device="cpu", **kwargs):
    params = [torch.nn.Parameter(torch.tensor(x, device=device)) for x in x0]
    opt = MADA(params, lr=lrs[0], safeguard=True, **kwargs)
    for g_t, a in zip(gs, lrs):
        opt.param_groups[0]["lr"] = a
        for p, g in zip(params, g_t):
            p.grad = torch.tensor(g, device=device)
        opt.step()
    return params, opt


PATHS = {"loop": dict(foreach=False), "foreach": dict(foreach=True)}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("long_memory", ["average", "max"])
@pytest.mark.parametrize("bias_correction", [True, False])
@pytest.mark.parametrize("rho", [1.0, 0.4])
def test_equals_the_numpy_equation(device, path, long_memory, bias_correction, rho):
    rng = np.random.default_rng(0)
    x0 = [rng.standard_normal(s) for s in SHAPES]
    gs = grads(SHAPES, len(LRS))
    kw = dict(betas=(0.9, 0.99), rho=rho, eps=1e-8, long_memory=long_memory,
              bias_correction=bias_correction)  # fmt: skip
    want, vhat = numpy_reference(x0, gs, LRS, **kw)
    params, opt = run_mada(x0, gs, LRS, device, **kw, **PATHS[path])
    for p, w, vh in zip(params, want, vhat):
        np.testing.assert_allclose(p.detach().cpu().numpy(), w, rtol=EXACT_RTOL, atol=EXACT_ATOL)
        got = opt.moments(p).v_hat.cpu().numpy()  # the guarded v̂ of the last step
        np.testing.assert_allclose(got, vh, rtol=EXACT_RTOL, atol=EXACT_ATOL)


def test_the_guard_acts_in_the_test_data():
    """The equation test above is not vacuous: the max changes the iterates."""
    rng = np.random.default_rng(0)
    x0 = [rng.standard_normal(s) for s in SHAPES]
    kw = dict(betas=(0.9, 0.99), rho=0.4, eps=1e-8, long_memory="average", bias_correction=True)
    guarded, _ = numpy_reference(x0, grads(SHAPES, len(LRS)), LRS, **kw)
    plain = [torch.nn.Parameter(torch.tensor(x)) for x in x0]
    opt = MADA(plain, **kw)
    for g_t, a in zip(grads(SHAPES, len(LRS)), LRS):
        opt.param_groups[0]["lr"] = a
        for p, g in zip(plain, g_t):
            p.grad = torch.tensor(g)
        opt.step()
    assert max(np.abs(p.detach().numpy() - w).max() for p, w in zip(plain, guarded)) > 1e-3


@pytest.mark.parametrize("learn", [(), True])
def test_fused_equals_foreach(learn):
    rng = np.random.default_rng(0)
    x0 = [rng.standard_normal(s) for s in SHAPES]
    gs = grads(SHAPES, len(LRS))
    kw = dict(betas=(0.9, 0.99), rho=0.5, learn=learn)
    ref, ref_opt = run_mada(x0, gs, LRS, foreach=True, **kw)
    got, opt = run_mada(x0, gs, LRS, fused=True, **kw)
    for p, q in zip(got, ref):
        torch.testing.assert_close(p, q, rtol=EXACT_RTOL, atol=EXACT_ATOL)
        torch.testing.assert_close(opt.moments(p).v_hat, ref_opt.moments(q).v_hat,
                                   rtol=EXACT_RTOL, atol=EXACT_ATOL)  # fmt: skip


@pytest.mark.parametrize("learn", [(), True])
def test_state_dict_round_trip(learn):
    rng = np.random.default_rng(0)
    x0 = [rng.standard_normal(s) for s in SHAPES]
    gs = grads(SHAPES, len(LRS))
    kw = dict(betas=(0.9, 0.99), rho=0.5, learn=learn)
    whole, _ = run_mada(x0, gs, LRS, **kw)
    half = len(LRS) // 2
    first, opt = run_mada(x0, gs[:half], LRS[:half], **kw)
    assert all("guard" in opt.state[p] for p in first)
    saved = opt.state_dict()
    params = [torch.nn.Parameter(p.detach().clone()) for p in first]
    resumed = MADA(params, safeguard=True, **kw)
    resumed.load_state_dict(saved)
    for g_t, a in zip(gs[half:], LRS[half:]):
        resumed.param_groups[0]["lr"] = a
        for p, g in zip(params, g_t):
            p.grad = torch.tensor(g)
        resumed.step()
    for p, q in zip(params, whole):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


@pytest.mark.parametrize("bad", [1, "yes", None, 0.0])
def test_safeguard_must_be_a_bool(bad):
    p = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(ValueError, match="safeguard must be one of"):
        MADA([p], safeguard=bad)


@pytest.mark.parametrize(("kwargs", "has_guard"), [
    (dict(safeguard=True), True), (dict(safeguard=False), False),
    (dict(safeguard=True, gamma=0.0), False),  # Lion alone: no v̂ to guard
])  # fmt: skip
def test_one_extra_buffer(kwargs, has_guard):
    p = torch.nn.Parameter(torch.zeros(3))
    opt = MADA([p], **kwargs)
    p.grad = torch.ones(3)
    opt.step()
    plain = MADA([torch.nn.Parameter(torch.zeros(3))], **{**kwargs, "safeguard": False})
    plain.param_groups[0]["params"][0].grad = torch.ones(3)
    plain.step()
    extra = set(opt.state[p]) - set(plain.state[plain.param_groups[0]["params"][0]])
    assert extra == ({"guard"} if has_guard else set())
