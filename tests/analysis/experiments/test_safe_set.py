"""The safe set S of coefficient_path_regret read along a run: counts against a NumPy
reference computed from the optimizer's own state step by step, the coefficient box, the
schedule's lr_t in S1, MADA's safeguard, and no device read between evaluations (CUDA)."""

import inspect

import numpy as np
import pytest
import torch

from analysis.experiments.monitor import BoundMonitor
from analysis.experiments.safe_set import coefficient_box, describe
from analysis.experiments.schedule import lr_at, set_lr
from analysis.theorems.coefficient_path_regret import effective_beta2
from mada import MADA
from tests.conftest import CUDA, DEVICES

SLACK = 8 * np.finfo(np.float32).eps


def _run(opt, w, steps, mon, lrs=None):
    """Shrinking gradients (Adam's sqrt(vhat)/alpha_t falls) and, per step, the reference
    inputs: (t, lr_t, vhat, g) read from the optimizer on the host."""
    trace = []
    for step in range(1, steps + 1):
        if lrs is not None:
            set_lr(opt, lrs[step - 1])
        opt.zero_grad()
        scale = 1.0 if step < 4 else 0.01
        target = torch.arange(w.numel(), dtype=w.dtype, device=w.device)
        (scale * ((w - target) ** 2).sum()).backward()
        g = w.grad.detach().double().cpu().numpy().copy()
        opt.step()
        mon.observe(step)
        vhat = opt.moments(w).v_hat.double().cpu().numpy()
        trace.append((step, opt.param_groups[0]["lr"], vhat, g))
    return trace


def _reference(trace, beta2_eff):
    """NumPy: (steps outside, coordinate-steps outside, first step, S1, S2, S3)."""
    prev, sum_g2, g_inf = None, 0.0, 0.0
    steps = coords = s1 = s2 = s3 = 0
    first = None
    for t, lr, vhat, g in trace:
        sum_g2 = sum_g2 + g * g
        g_inf = max(g_inf, np.abs(g).max())
        q = np.sqrt(vhat) * np.sqrt(t) / lr
        o1 = q < prev * (1 - SLACK) if prev is not None else np.zeros_like(q, bool)
        o2 = t * vhat < (1 - beta2_eff) * sum_g2 * (1 - SLACK)
        o3 = vhat > g_inf**2 * (1 + SLACK)
        prev = q
        out = o1 | o2 | o3
        s1, s2, s3 = s1 + o1.sum(), s2 + o2.sum(), s3 + o3.sum()
        coords += out.sum()
        if out.any():
            steps += 1
            first = first or t
    return steps, coords, first, s1, s2, s3


CASES = [  # (make, lr schedule): unguarded mixes of Adam's v_t leave S1; AVGrad stays
    (lambda w: MADA([w], lr=0.1, betas=(0.9, 0.5), rho=0.5, bias_correction=False), None),
    (lambda w: MADA([w], lr=0.1, rho=0.0, bias_correction=False), None),
    (lambda w: MADA([w], lr=0.1, rho=0.0, bias_correction=False), "cosine"),
    (lambda w: MADA([w], lr=0.1, betas=(0.9, 0.9), rho=0.3, learn=("beta2", "rho"),
                    bounds={"beta2": (0.5, 0.95), "rho": (0.0, 0.6)}), None),
]  # fmt: skip


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("make", "schedule"), CASES)
def test_counts_equal_a_numpy_reference(make, schedule, device):
    w = torch.nn.Parameter(torch.zeros(5, device=device))
    opt = make(w)
    lrs = None
    if schedule:  # warmup: alpha_t rises, so S1 (sqrt(vhat)/alpha_t non-decreasing) can fail
        lrs = [lr_at(t, lr=0.1, steps=12, schedule=schedule, warmup=4) for t in range(1, 13)]
    mon = BoundMonitor(opt, every=4)
    trace = _run(opt, w, 12, mon, lrs)
    rec = mon.record()["safe_set"]
    box, _ = coefficient_box(opt)
    want = _reference(trace, box["effective_beta2"])
    got = (rec["outside_steps"], rec["outside_coordinate_steps"], rec["first_outside"],
           *rec["by_condition"].values())  # fmt: skip
    assert got == want
    assert rec["steps_read"] == 12


def test_the_reading_can_fail_and_can_pass():
    # the case list holds both outcomes, so the comparison above is not vacuous
    outcomes = []
    for make, _ in CASES[:2]:
        w = torch.nn.Parameter(torch.zeros(5))
        opt = make(w)
        mon = BoundMonitor(opt)
        _run(opt, w, 12, mon)
        outcomes.append(mon.record()["safe_set"]["outside_steps"])
    assert outcomes[0] > 0 and outcomes[1] == 0


def test_the_coefficient_box():
    w = torch.nn.Parameter(torch.zeros(2))
    box, algorithm = coefficient_box(torch.optim.Adam([w], betas=(0.9, 0.99)))
    assert box["rho_hi"] == 1.0 and not box["inside"] and "rho_hi" in box["why"]
    assert algorithm == ["bias correction"]
    box, _ = coefficient_box(torch.optim.Adam([w], betas=(0.9, 0.99), amsgrad=True))
    assert box["inside"] and box["effective_beta2"] == 0.99
    opt = MADA([w], betas=(0.9, 0.9), rho=0.3, learn=("beta2", "rho"), bias_correction=False,
               bounds={"beta2": (0.5, 0.95), "rho": (0.0, 0.6)})  # fmt: skip
    box, algorithm = coefficient_box(opt)
    assert (box["beta2_hi"], box["rho_hi"]) == (0.95, 0.6) and algorithm == []
    assert box["effective_beta2"] == pytest.approx(effective_beta2(0.95, 0.6))
    _, algorithm = coefficient_box(MADA.preset("mada", [w], bias_correction=False))
    assert any(a.startswith("gamma") for a in algorithm)  # MADA learns gamma: not the theorem's


@pytest.mark.skipif(
    "safeguard" not in inspect.signature(MADA).parameters,
    reason="MADA has no safeguard option yet",
)
@pytest.mark.parametrize("device", DEVICES)
def test_a_safeguarded_run_never_leaves_the_safe_set(device):
    for safeguard, leaves in ((False, True), (True, False)):
        w = torch.nn.Parameter(torch.zeros(5, device=device))
        opt = MADA([w], lr=0.1, betas=(0.9, 0.5), rho=0.5, bias_correction=False,
                   safeguard=safeguard)  # fmt: skip
        mon = BoundMonitor(opt)
        _run(opt, w, 12, mon)
        assert (mon.record()["safe_set"]["outside_steps"] > 0) == leaves


@CUDA
@pytest.mark.cuda
def test_observe_reads_nothing_from_the_device_between_evaluations():
    w = torch.nn.Parameter(torch.randn(64, device="cuda"))
    opt = MADA([w], lr=0.01, betas=(0.9, 0.95), rho=0.3, learn=True, nonfinite=None)
    mon = BoundMonitor(opt, every=5)
    for step in range(1, 10):
        opt.zero_grad()
        (w**4).sum().backward()
        opt.step()
        if step % 5:
            torch.cuda.set_sync_debug_mode("error")
        try:
            mon.observe(step)
        finally:
            torch.cuda.set_sync_debug_mode("default")
    assert mon.record()["step"] == 9 and mon.record()["bounds_step"] == 5


def test_the_reading_in_one_sentence():
    texts = []
    for make in (
        lambda w: MADA([w], lr=0.1, rho=0.0, bias_correction=False),
        lambda w: torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.5)),
        lambda w: MADA([w], lr=0.1, betas=(0.9, 0.5), rho=0.5, bias_correction=False),
    ):
        w = torch.nn.Parameter(torch.zeros(5))
        opt = make(w)
        mon = BoundMonitor(opt)
        _run(opt, w, 12, mon) if isinstance(opt, MADA) else _run_torch(opt, w, mon)
        texts.append(describe(mon.record()["safe_set"]))
    assert texts[0].endswith("stayed in S for all 12 steps, inside its coefficient box, with "
                             "the analysed algorithm: the theorem covers it.")  # fmt: skip
    assert "rho_hi = 1 is not < 1" in texts[1] and "does not cover it" in texts[1]
    assert "first at step" in texts[2] and texts[2].endswith("does not cover it.")
    assert describe(None).endswith("not read (the optimizer keeps no second moment).")


def _run_torch(opt, w, mon):
    for step in range(1, 13):
        opt.zero_grad()
        (((w - 1.0) ** 2).sum() * (1.0 if step < 4 else 0.01)).backward()
        opt.step()
        mon.observe(step)
