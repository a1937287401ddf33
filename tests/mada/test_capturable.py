"""``capturable=True``: every step scalar on the device and every write in place, so that a
step can be captured in a CUDA graph. On CPU: no value is read back during a step, every
state tensor keeps its storage from step to step (what a replayed graph needs), and the run
equals the ordinary one. On CUDA: captured, replayed, and compared with eager steps."""

import math

import pytest
import torch

from mada import MADA
from tests.conftest import CUDA, EXACT_RTOL, FLOAT32_ATOL, FLOAT32_RTOL
from tests.mada.host_reads import HostReads

CONFIGS = {
    "adam": dict(),
    "interior": dict(betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5, safeguard=True),
    "learned": dict(betas=(0.9, 0.95), learn=True),
    "learned-interior": dict(
        betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5, learn=True, safeguard=True
    ),
}
SHAPES = ((3, 2), (4,), ())


def _storages(opt):
    """(state key, data_ptr) of every tensor the optimizer keeps, and each group's lr_prev."""
    out = {(i, k): v.data_ptr() for i, st in enumerate(opt.state.values())
           for k, v in st.items() if torch.is_tensor(v)}  # fmt: skip
    for i, g in enumerate(opt.param_groups):
        out["lr_prev", i] = g["lr_prev"].data_ptr()
    return out


def _run(config, path, capturable, steps=7, bad_at=(4,)):
    gen = torch.Generator().manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float64))
              for s in SHAPES]  # fmt: skip
    opt = MADA(params, lr=0.01, foreach=path == "foreach", fused=path == "fused",
               capturable=capturable, **CONFIGS[config])  # fmt: skip
    reads, kept = 0, None
    for t in range(steps):
        for p in params:
            p.grad = torch.randn(p.shape, generator=gen, dtype=torch.float64)
        if t in bad_at:
            params[1].grad[0] = math.nan
        if path == "fused" or t < 2:  # (compiling; the first steps create state)
            opt.step()
            continue
        with HostReads() as mode:
            opt.step()
        reads += mode.reads
        if capturable:
            kept = kept or _storages(opt)
            assert _storages(opt) == kept, f"step {t}: a state tensor moved"
    return params, opt, reads


@pytest.mark.parametrize(
    ("config", "path"),
    [(c, p) for c in CONFIGS for p in ("loop", "foreach")] + [("learned-interior", "fused")],
)
def test_capturable_step_reads_nothing_and_equals_the_ordinary_step(config, path):
    """A NaN at step 4 is skipped on the device. The capturable run reads no value back
    from step 2 on, writes every state tensor in place, and equals the ordinary run (to
    rounding: its scalars are tensors, which changes the eager arithmetic)."""
    cap, opt_cap, reads = _run(config, path, True)
    ref, opt_ref, _ = _run(config, path, False)
    assert reads == 0
    for p, q in zip(cap, ref, strict=True):
        torch.testing.assert_close(p, q, rtol=EXACT_RTOL, atol=0)
        assert opt_cap.state[p]["step"] == opt_ref.state[q]["step"] == 6
    if "learn" in CONFIGS[config]:
        got, want = opt_cap.coefficients, opt_ref.coefficients
        assert got == pytest.approx(want, rel=EXACT_RTOL)


def test_capturable_validated():
    p = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(ValueError, match="capturable"):
        MADA([p], capturable="yes")
    with pytest.raises(ValueError, match=r"capturable=True.*nonfinite='raise'"):
        MADA([p], capturable=True, nonfinite="raise")


@CUDA
@pytest.mark.cuda
@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_cuda_graph_capture_and_replay_equal_eager_steps(config, fused):
    """torch's test_optim pattern: warm up on a side stream, capture one step, replay it
    with new gradients copied into the captured ones, and compare with eager steps."""
    gen = torch.Generator().manual_seed(0)
    x0 = [torch.randn(s, generator=gen) for s in ((64, 32), (32,), (7,))]
    grads = [[torch.randn(x.shape, generator=gen) for x in x0] for _ in range(8)]
    grads[5][1][0] = math.nan  # a skipped step, replayed
    kw = dict(lr=1e-2, foreach=True, fused=fused, **CONFIGS[config])
    eager = [torch.nn.Parameter(x.cuda()) for x in x0]
    opt_eager = MADA(eager, capturable=True, **kw)
    params = [torch.nn.Parameter(x.cuda()) for x in x0]
    opt = MADA(params, capturable=True, **kw)
    static = [torch.zeros_like(p) for p in params]
    for p, g in zip(params, static, strict=True):
        p.grad = g
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for t in range(3):
            for g, new in zip(static, grads[t], strict=True):
                g.copy_(new)
            opt.step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        opt.step()
    for t in range(len(grads)):
        for p, new in zip(eager, grads[t], strict=True):
            p.grad = new.cuda()
        opt_eager.step()
        if t >= 3:
            for g, new in zip(static, grads[t], strict=True):
                g.copy_(new)
            graph.replay()
            for p, q in zip(params, eager, strict=True):
                torch.testing.assert_close(p, q, rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL)
