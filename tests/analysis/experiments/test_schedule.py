"""analysis.experiments.schedule: the values, and MADA following lr changes between steps
exactly as torch.optim.Adam does."""

import math

import pytest
import torch

from analysis.experiments.schedule import check_schedule, lr_at, set_lr
from mada import MADA
from tests.conftest import DEVICES, EXACT_ATOL, EXACT_RTOL


def test_cosine_values_against_the_closed_form():
    lr, steps, warmup = 3e-3, 50, 5
    for t in range(1, steps + 1):
        if t <= warmup:
            want = lr * t / warmup
        else:
            want = lr / 10 + (lr - lr / 10) * (1 + math.cos(math.pi * (t - warmup) / 45)) / 2
        assert lr_at(t, lr=lr, steps=steps, schedule="cosine", warmup=warmup) == pytest.approx(
            want, rel=EXACT_RTOL
        )
    assert lr_at(7, lr=lr, steps=steps) == lr  # constant
    no_warmup = lr / 10 + 0.9 * lr * (1 + math.cos(math.pi / steps)) / 2  # step 1 decays already
    assert lr_at(1, lr=lr, steps=steps, schedule="cosine", warmup=0) == pytest.approx(no_warmup)
    assert lr_at(steps, lr=lr, steps=steps, schedule="cosine") == pytest.approx(lr / 10)


@pytest.mark.parametrize("device", DEVICES)
def test_mada_follows_a_changing_lr_as_torch_adam_does(device):
    w0 = torch.randn(4, 3, dtype=torch.float64, device=device)
    ws = [torch.nn.Parameter(w0.clone()) for _ in range(2)]
    opts = [MADA.preset("adam", [ws[0]], lr=1.0), torch.optim.Adam([ws[1]], lr=1.0)]
    for t in range(1, 21):
        g = torch.randn(4, 3, dtype=torch.float64, device=device)
        for w, opt in zip(ws, opts):
            set_lr(opt, lr_at(t, lr=0.05, steps=20, schedule="cosine", warmup=4))
            w.grad = g.clone()
            opt.step()
    torch.testing.assert_close(ws[0], ws[1], rtol=EXACT_RTOL, atol=EXACT_ATOL)


def test_errors():
    with pytest.raises(ValueError, match="schedule must be one of constant, cosine"):
        check_schedule("step", None, 10)
    with pytest.raises(ValueError, match="warmup applies only to schedule='cosine'"):
        check_schedule("constant", 3, 10)
    with pytest.raises(ValueError, match=r"warmup must be an integer in \[0, steps\]"):
        check_schedule("cosine", 11, 10)
