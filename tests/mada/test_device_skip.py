"""``nonfinite="skip"`` decided on the device, run on the CPU as on CUDA: the step scalars
built from the step counter tensors (the CUDA path, :func:`mada._steps.device_step_number`),
the learned mode's skip on the device too (:func:`mada._steps.learned_skip_on_device`), and
no value read back to the host during a step, which on CUDA would be a sync."""

import math

import pytest
import torch

from mada import MADA, _steps, optimizer
from tests.conftest import EXACT_RTOL
from tests.mada.host_reads import HostReads

CONFIGS = {
    "adam": dict(),
    "interior": dict(betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5),
    "safeguard": dict(rho=0.5, safeguard=True),
    # learned: the pending gradient, its buffers' swap and lr_prev are kept on the device
    "learned": dict(betas=(0.9, 0.95), learn=True),
    "learned-interior": dict(
        betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5, learn=True, safeguard=True
    ),
}
SHAPES = ((3, 2), (4,))


def _grads(bad_at, steps=6):
    """Per step the gradients of SHAPES; the second param's carry a NaN at ``bad_at``."""
    gen = torch.Generator().manual_seed(1)
    out = []
    for t in range(steps):
        gs = [torch.randn(s, generator=gen, dtype=torch.float64) for s in SHAPES]
        if t in bad_at:
            gs[1][1] = math.nan
        out.append(gs)
    return out


def _run(config, path, grads, device_scalars, monkeypatch):
    if device_scalars:
        monkeypatch.setattr(_steps, "step_number", _steps.device_step_number)
        monkeypatch.setattr(optimizer, "learned_skip_on_device", lambda device: True)
    gen = torch.Generator().manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float64))
              for s in SHAPES]  # fmt: skip
    opt = MADA(params, lr=0.01, foreach=path == "foreach", fused=path == "fused",
               **CONFIGS[config])  # fmt: skip
    reads = 0
    for gs in grads:
        for p, g in zip(params, gs, strict=True):
            p.grad = g.clone()
        if path == "fused":  # torch.compile refuses a dispatch mode: no count there
            opt.step()
            continue
        with HostReads() as mode:
            opt.step()
        reads += mode.reads
    monkeypatch.undo()
    return params, opt, reads


@pytest.mark.parametrize(
    ("config", "path"),
    [(c, p) for c in CONFIGS for p in ("loop", "foreach")]
    + [("interior", "fused"), ("learned-interior", "fused")],
)
def test_device_decided_skip_reads_nothing_back_and_skips(config, path, monkeypatch):
    """Steps 0 and 3 carry a NaN. With the scalars built on the device no step reads a
    value back (not counted for the fused kernels: a dispatch mode stops torch.compile);
    that run equals (to rounding: tensor scalars change the eager arithmetic)
    the run with host-built scalars, which equals bit for bit a run given only the finite
    steps' gradients."""
    grads = _grads({0, 3})
    dev, opt_dev, reads = _run(config, path, grads, True, monkeypatch)
    host, _, host_reads = _run(config, path, grads, False, monkeypatch)
    clean, _, _ = _run(config, path, [g for t, g in enumerate(grads) if t not in {0, 3}],
                       False, monkeypatch)  # fmt: skip
    if path != "fused":
        assert reads == 0 and host_reads > 0  # (the host-built scalars read the counter)
    for p, q, r in zip(dev, host, clean, strict=True):
        torch.testing.assert_close(p, q, rtol=EXACT_RTOL, atol=0)
        assert torch.equal(q, r)
    for p in dev:
        assert opt_dev.state[p]["step"] == 4 and torch.isfinite(p).all()
    if "learn" in CONFIGS[config]:  # the coefficients learned the finite steps only
        _, opt_host, _ = _run(config, path, grads, False, monkeypatch)
        _, opt_clean, _ = _run(config, path, [g for t, g in enumerate(grads) if t not in {0, 3}],
                               False, monkeypatch)  # fmt: skip
        assert opt_host.hyper_state() == opt_clean.hyper_state()
        learned = set(opt_dev.param_groups[0]["learn"])
        assert opt_dev.hyper_state()["hypergradients"].keys() == learned
