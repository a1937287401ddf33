"""``fused=True`` (one torch.compile-d kernel per bucket and phase) against the eager paths."""

import pytest
import torch

from mada import MADA
from tests.conftest import DEVICES, HYPER_RTOL

# The fused kernels regroup the arithmetic; float64 agreement is to rounding.
FUSED_RTOL, FUSED_ATOL = 1e-11, 1e-13


POINTS = {
    "adam": {},
    "interior": {"beta3": 0.3, "rho": 0.4, "c": 0.6, "gamma": 0.7, "weight_decay": 0.1},
    "lion": {"gamma": 0.0},
    "learn_all": {"betas": (0.9, 0.95), "beta3": 0.3, "rho": 0.5, "c": 0.6, "gamma": 0.7,
                  "learn": True, "hyper_lr": 1e-3, "hyper_clip": None},
    "learn_from_adam": {"betas": (0.9, 0.95), "learn": True, "hyper_lr": 1e-2},
}  # fmt: skip


def _params(dtype=torch.float64, device="cpu"):
    shapes = [(), (7,), (3, 4), (2, 3, 5)]
    ps = [torch.randn(s, dtype=dtype).to(device).requires_grad_() for s in shapes]
    ps.append(torch.randn(4, 6, dtype=dtype).to(device).t().requires_grad_())  # non-contiguous
    return ps


def _run(kw, fused, steps=25, long_memory="average", bias_correction=True, device="cpu"):
    torch.manual_seed(1)
    ps = _params(device=device)
    grads = [[torch.randn_like(p) * 10.0 ** torch.randint(-3, 3, ()).item() for p in ps]
             for _ in range(steps)]  # fmt: skip
    opt = MADA(ps, lr=0.01, long_memory=long_memory, bias_correction=bias_correction,
               fused=fused, **kw)  # fmt: skip
    hist = []
    for t, gs in enumerate(grads):
        for i, (p, g) in enumerate(zip(ps, gs)):
            p.grad = None if (t == 5 and i == 2) else g.clone()  # one skipped gradient
        opt.step()
        hist.append(dict(opt.hypergradients))
    return ps, opt, hist


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("long_memory", ["average", "max"])
@pytest.mark.parametrize("point", list(POINTS))
def test_fused_matches_eager(point, long_memory, device):
    bias_correction = point != "interior"  # one point without bias correction
    ref, ref_opt, ref_h = _run(POINTS[point], False, long_memory=long_memory,
                               bias_correction=bias_correction, device=device)  # fmt: skip
    out, opt, h = _run(POINTS[point], True, long_memory=long_memory,
                       bias_correction=bias_correction, device=device)  # fmt: skip
    for p, q in zip(ref, out):
        torch.testing.assert_close(q, p, rtol=FUSED_RTOL, atol=FUSED_ATOL)
        assert q.grad_fn is None and q.is_leaf
    for p, q in zip(ref, out):
        for k, v in ref_opt.state[p].items():
            if torch.is_tensor(v):
                torch.testing.assert_close(opt.state[q][k], v, rtol=FUSED_RTOL, atol=FUSED_ATOL)
            else:
                assert opt.state[q][k] == v
    # Relative, except where h_q vanishes in exact arithmetic (e.g. beta1 at step 2, where
    # both paths return rounding noise): there the floor is 1e-6 of h_q's size in the run.
    scale = {k: max(abs(a[k]) for a in ref_h if k in a) for k in ref_h[-1]}
    for a, b in zip(ref_h, h):
        assert a.keys() == b.keys()
        for k in a:
            floor = 1e-6 * scale[k]
            assert abs(a[k] - b[k]) <= HYPER_RTOL * max(abs(a[k]), floor), (k, a[k], b[k])
    for k, v in ref_opt.coefficients.items():
        assert opt.coefficients[k] == pytest.approx(v, rel=1e-9, abs=1e-12)


def test_fused_does_not_recompile_when_coefficients_or_sizes_change():
    ps = [torch.randn(n, dtype=torch.float64, requires_grad=True) for n in (3, 11)]
    opt = MADA.preset("mada", ps, lr=0.01, hyper_lr=1e-2, fused=True)
    for p in ps:
        p.grad = torch.randn_like(p)
    opt.step()
    opt.step()  # both kernels compiled: step (first), replay (second)
    more = [torch.randn(n, dtype=torch.float64, requires_grad=True) for n in (5, 2, 9)]
    opt.add_param_group({"params": more})
    with torch._dynamo.config.patch(error_on_recompile=True):
        for _ in range(4):
            for p in ps + more:
                p.grad = torch.randn_like(p)
            opt.step()
    assert opt.coefficients != {"beta1": 0.9, "beta2": 0.95, "beta3": 0.0, "rho": 1.0,
                                "c": 1.0, "gamma": 1.0}  # fmt: skip


def test_fused_low_precision_keeps_float32_state():
    p = torch.randn(6, dtype=torch.bfloat16, requires_grad=True)
    q = p.detach().float().requires_grad_()
    opt, ref = MADA([p], lr=0.1, fused=True), MADA([q], lr=0.1)
    g = torch.randn(6, dtype=torch.bfloat16)
    p.grad, q.grad = g, g.float()
    opt.step()
    ref.step()
    state = opt.state[p]
    assert all(
        v.dtype == torch.float32 for k, v in state.items() if torch.is_tensor(v) and k != "step"
    )
    torch.testing.assert_close(p, q.to(torch.bfloat16), rtol=0, atol=0)


def test_fused_is_deterministic():
    """The device-side hypergradient sums: the same input gives the same bits."""
    a, opt_a, h_a = _run(POINTS["learn_all"], True)
    b, opt_b, h_b = _run(POINTS["learn_all"], True)
    assert h_a == h_b and opt_a.coefficients == opt_b.coefficients
    assert all(torch.equal(x, y) for x, y in zip(a, b))
