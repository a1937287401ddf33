"""The bucket engine: the work per step does not grow with the number of tensors, and a
step makes no host sync on CUDA (default policy, or ``nonfinite=None`` when learning)."""

import math
from collections import Counter
from copy import deepcopy

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from mada import COEFFICIENTS, MADA, _engine, _update
from tests.conftest import CUDA, SUM_BLOCK, SUM_BLOCK_RTOL

# Metadata-only ops: they launch no kernel, and the scatter makes one per tensor.
VIEWS = {"view", "_unsafe_view", "reshape", "alias", "as_strided", "detach", "split_with_sizes",
         "select", "slice", "narrow", "t", "expand"}  # fmt: skip
CASES = {
    "adam": dict(),
    "mada": dict(betas=(0.9, 0.95), learn=True),
    "interior-learned": dict(betas=(0.9, 0.95), beta3=0.3, rho=0.5, c=0.6, gamma=0.7, learn=True),
    "mada-safeguard": dict(betas=(0.9, 0.95), rho=0.5, learn=True, safeguard=True),
}


class _Ops(TorchDispatchMode):
    """Counts the aten calls that may launch a kernel."""

    def __init__(self):
        super().__init__()
        self.calls = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name not in VIEWS:
            self.calls[name] += 1
        return func(*args, **(kwargs or {}))


def _ops_per_step(n, kw, device="cpu", nonfinite="raise"):
    ps = [torch.nn.Parameter(torch.randn(8, device=device)) for _ in range(n)]
    opt = MADA(ps, lr=1e-2, foreach=True, nonfinite=nonfinite, **kw)
    for _ in range(3):  # past the first steps: a pending step is folded in every step
        for p in ps:
            p.grad = torch.randn_like(p)
        opt.step()
    for p in ps:
        p.grad = torch.randn_like(p)
    with _Ops() as ops:
        opt.step()
    return ops.calls


@pytest.mark.parametrize("case", list(CASES))
def test_ops_per_step_do_not_grow_with_the_number_of_tensors(case):
    few, many = _ops_per_step(4, CASES[case]), _ops_per_step(64, CASES[case])
    assert few == many, {k: (few[k], many[k]) for k in few.keys() | many.keys()}


# The default non-finite policy ("skip") is decided on the device, learned or not.
SYNC_FREE = [(c, None) for c in CASES] + [(c, "default") for c in CASES]


@CUDA
@pytest.mark.cuda
@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize(("case", "nonfinite"), SYNC_FREE)
def test_step_makes_no_host_sync_on_cuda(case, nonfinite, fused):
    ps = [torch.nn.Parameter(torch.randn(s, device="cuda")) for s in ((64, 32), (32,), (7,))]
    policy = {} if nonfinite == "default" else {"nonfinite": nonfinite}
    opt = MADA(ps, lr=1e-2, fused=fused, foreach=True, **policy, **CASES[case])
    for step in range(4):
        for p in ps:
            p.grad = torch.randn_like(p)
        if step == 2:  # compiled and warmed: from here on no step may sync
            torch.cuda.synchronize()
            torch.cuda.set_sync_debug_mode("error")
        try:
            opt.step()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    assert all(torch.isfinite(p).all() for p in ps)


@pytest.mark.parametrize("case", list(CASES))
def test_state_stays_one_flat_tensor_per_buffer(case):
    """Params initialised together keep each buffer as views of one flat tensor, so their
    bucket updates it in place (no gather, no scatter); a reload falls back to copies."""
    ps = [torch.nn.Parameter(torch.randn(s)) for s in ((3, 4), (5,), ())]
    opt = MADA(ps, lr=1e-2, foreach=True, **CASES[case])
    for _ in range(4):
        for p in ps:
            p.grad = torch.randn_like(p)
        opt.step()
    for name in opt.state[ps[0]]:
        if name == "step":  # one counter tensor shared by the bucket
            assert all(opt.state[p]["step"] is opt.state[ps[0]]["step"] for p in ps)
        elif torch.is_tensor(opt.state[ps[0]][name]):
            flat = _engine.flat_of([opt.state[p][name] for p in ps])
            assert flat is not None and flat.numel() == 18, name
    copy = MADA([torch.nn.Parameter(p.detach().clone()) for p in ps], lr=1e-2, foreach=True,
                **CASES[case])  # fmt: skip
    copy.load_state_dict(deepcopy(opt.state_dict()))
    (q, *_) = copy.param_groups[0]["params"]
    assert _engine.flat_of([copy.state[p]["m"] for p in copy.param_groups[0]["params"]]) is None
    assert copy.state[q]["step"] == 4


def _lion_sums(G, fused):
    """The sums of a Lion-only bucket with ell = 0, g = 1: its one term is -G exactly (the
    sign is exactly 1), so the reference sum is exact in float64."""
    k = _update.Structure(m=False, n=False, v_bar=False, ell=True, long_memory="average",
                          yogi=False, partials=("gamma",))  # fmt: skip
    S = _update.scalars({q: 0.5 for q in _update.SCALARS if q in COEFFICIENTS}, 3, lr=0.1,
                        wd=0.0, eps=1e-8, lion_betas=(0.9, 0.99), bias_correction=True)  # fmt: skip
    S = _engine.scalar_vector(S, G.device) if fused else S
    st = {"ell": torch.zeros_like(G)}
    return _engine.run(_engine.sums, fused, G, torch.ones_like(G), None, st, S, k)


@pytest.mark.parametrize("fused", [False, True])
def test_float32_sums_are_blocked(fused):
    """A float32 sum of 2^20 copies of 0.1 (plus a tail) is within the blocked bound of the
    exact sum; summed one vector lane at a time, as a plain float32 reduction kernel does,
    it would be off by ~1e-3 relative, far above the bound (1.5e-5)."""
    assert _engine.BLOCK <= SUM_BLOCK
    G = torch.full(((1 << 20) + 77,), 0.1, dtype=torch.float32)
    got = _lion_sums(G, fused)
    exact = -G.double().sum()
    assert got.dtype == torch.float64
    assert abs(float(got[0] - exact)) <= SUM_BLOCK_RTOL * float(G.double().abs().sum())
    # The same sum one float32 lane at a time (8 lanes; numpy's cumsum is sequential).
    lanes = np.cumsum(G.numpy()[: 1 << 20].reshape(-1, 8), axis=0, dtype=np.float32)[-1]
    lane_sum, lane_exact = lanes.astype(np.float64).sum(), G[: 1 << 20].double().sum()
    assert abs(lane_sum - float(lane_exact)) > 10 * SUM_BLOCK_RTOL * float(lane_exact)


@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), None])
@pytest.mark.parametrize("at", [3, 770])  # in a float32 block, in the float64 tail
def test_sums_end_with_the_finiteness_of_G(fused, bad, at):
    """The last sum is sum(G - G): exactly 0 for a finite G, NaN when one entry is NaN or
    +-inf, wherever it is (the step's skip policy reads it instead of a pass of its own).
    Compiled, nothing may simplify G - G to 0."""
    G = torch.randn(3 * _engine.BLOCK + 10, generator=torch.Generator().manual_seed(1))
    if bad is not None:
        G[at] = bad
    last = _lion_sums(G, fused)[-1]
    assert float(last) == 0.0 if bad is None else math.isnan(float(last))


@pytest.mark.parametrize("n", [5, 256, 1000, 40_000])
def test_sums_same_bits_every_call(n):
    """The fused reduction gives the same bits for the same input (per-block partials, then
    a fixed second pass), and equals the eager path within the blocked bound."""
    G = torch.randn(n, generator=torch.Generator().manual_seed(n))
    first, again = _lion_sums(G, True), _lion_sums(G.clone(), True)
    assert torch.equal(first, again)
    eager = _lion_sums(G, False)
    assert abs(float(first[0] - eager[0])) <= 2 * SUM_BLOCK_RTOL * float(G.abs().double().sum())
