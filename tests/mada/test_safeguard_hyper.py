r"""The hypergradients of the safeguarded step are exact: autograd through the max.

The reference below is written from the equations (``mada/_update.py``'s docstring plus the
safeguard :math:`\hat v_t = \max(\tilde v_t, (\alpha_t/\alpha_{t-1})^2\hat v_{t-1})`), with
the previous :math:`\hat v` held fixed as all of step t−1's state (one-step truncation), and
differentiated by ``torch.autograd``. It follows the optimizer's coefficients (read after each
step), so it needs no hyper-step of its own; it checks
:math:`h_q = -\alpha_t\langle g_{t+1}, \partial d_t/\partial q\rangle` for all six.
"""

from __future__ import annotations

import pytest
import torch

from mada import MADA
from tests.conftest import HYPER_RTOL

NAMES = ("beta1", "beta2", "beta3", "rho", "c", "gamma")
LION = (0.95, 0.98)
EPS = 1e-8
LRS = [0.1, 0.07, 0.05, 0.08, 0.04, 0.03, 0.03, 0.02, 0.025, 0.02, 0.015]


def direction(q, st, g, t, lr, long_memory, bias_correction):
    """d_t (a graph in ``q``), the new state (detached) and where the floor won."""
    b1, b2, b3, rho, c, gamma = (q[k] for k in NAMES)
    diff = g - st["g_prev"]
    ghat2 = (g + b3 * diff) ** 2
    gt2 = c * ghat2 + (1 - c) * (st["v"] + ghat2 * torch.sign(ghat2.detach() - st["v"]))
    m = b1 * st["m"] + (1 - b1) * g
    n = b3 * st["n"] + (1 - b3) * diff
    v = b2 * st["v"] + (1 - b2) * gt2
    if long_memory == "average":
        v_bar = ((t - 1) * st["v_bar"] + v) / t
    else:
        v_bar = torch.where(v > st["v_bar"], v, st["v_bar"])
    bc1, bc2 = (1 - b1**t, 1 - b2**t) if bias_correction else (1.0, 1.0)
    vt = (rho * v + (1 - rho) * v_bar) / bc2
    floor = (lr / st["lr"]) ** 2 * st["vhat"] if st["lr"] else torch.zeros_like(vt)
    vhat = torch.maximum(vt, floor)  # the safeguard; floor is step t-1's state: fixed
    u = torch.sign(LION[0] * st["ell"] + (1 - LION[0]) * g)
    d = gamma * (m / bc1 + b3 * n) / (torch.sqrt(vhat) + EPS) + (1 - gamma) * u
    new = {"m": m, "n": n, "v": v, "v_bar": v_bar, "vhat": vhat, "g_prev": g, "lr": lr,
           "ell": LION[1] * st["ell"] + (1 - LION[1]) * g}  # fmt: skip
    new = {k: x.detach() if torch.is_tensor(x) else x for k, x in new.items()}
    return d, new, (floor > vt.detach())


@pytest.mark.parametrize("long_memory", ["average", "max"])
@pytest.mark.parametrize("bias_correction", [True, False])
@pytest.mark.parametrize("foreach", [False, True])
def test_hypergradients_through_the_max(long_memory, bias_correction, foreach):
    torch.manual_seed(3)
    x = torch.nn.Parameter(torch.randn(40, dtype=torch.float64))
    start = dict(betas=(0.9, 0.99), beta3=0.3, rho=0.5, c=0.7, gamma=0.8)
    opt = MADA([x], lr=LRS[0], **start, eps=EPS, lion_betas=LION, long_memory=long_memory,
               bias_correction=bias_correction, safeguard=True, learn=True, hyper_lr=0.01,
               foreach=foreach)  # fmt: skip
    st = {k: torch.zeros(40, dtype=torch.float64) for k in ("m", "n", "v", "v_bar", "ell",
                                                           "g_prev", "vhat")}  # fmt: skip
    st["lr"] = None
    gen = torch.Generator().manual_seed(4)
    pending, floor_won, checked = None, [], 0
    for t, lr in enumerate(LRS, start=1):
        g = torch.randn(40, generator=gen, dtype=torch.float64) * (3.0 if t % 3 == 0 else 0.5)
        opt.param_groups[0]["lr"] = lr
        x.grad = g.clone()
        opt.step()
        if pending is not None:
            d, leaves, lr_prev = pending
            want = torch.autograd.grad((d * g).sum(), leaves, retain_graph=True)
            got = opt.hypergradients
            for k, w in zip(NAMES, want):
                # rounding scale: lr sum_i |g_i| (|dd_i/dq| + |d_i|); |d_i| bounds the size of
                # the partial's intermediate terms, which cancel where it is 0 (beta1 at t = 1
                # with bias correction: m_1/(1 - beta1) = g_1 whatever beta1)
                terms = [torch.autograd.grad(d[i], leaves[NAMES.index(k)], retain_graph=True)[0]
                         for i in range(40)]  # fmt: skip
                size = torch.stack(terms).abs() + d.detach().abs()
                scale = lr_prev * float((g.abs() * size).sum())
                assert abs(got[k] - (-lr_prev * float(w))) <= HYPER_RTOL * scale, (
                    t,
                    k,
                    got[k],
                    -lr_prev * float(w),
                )
                checked += 1
        q = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
             for k, v in opt.coefficients.items()}  # fmt: skip
        d, st, won = direction(q, st, g, t, lr, long_memory, bias_correction)
        floor_won.append(won)
        pending = (d, [q[k] for k in NAMES], lr)
        torch.testing.assert_close(opt.moments(x).v_hat, st["vhat"], rtol=1e-12, atol=0)
    assert checked == 6 * (len(LRS) - 1)
    won = torch.stack(floor_won[1:])
    assert won.any() and not won.all(), "the floor must win on some coordinates, not all"
