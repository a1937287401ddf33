r"""Plot the paper's toy: Adam, AMSGrad, AVGrad and MADA on Reddi et al.'s online problem.

Problem (Reddi, Kale & Kumar, ICLR 2018, §5): on :math:`[-1, 1]`,

.. math::
    f_t(x) = 1010\,x \ \text{if}\ t \bmod 101 = 1, \qquad f_t(x) = -10\,x \ \text{otherwise},

with :math:`x^\star = -1`. Every optimizer starts at :math:`x_0 = 0`, uses betas (0.9, 0.99),
a constant learning rate and no bias correction, and the iterate is clamped onto [-1, 1]
after every step. MADA starts at Adam's point (beta3=0, rho=1, c=1, gamma=1) and learns
beta3, rho and c with the paper's hyper_lr 0.1 and hyper_momentum 0.9. The three panels
show the iterate :math:`x_t`, the average regret :math:`R_t/t` with
:math:`R_t = \sum_{s \le t} f_s(x_s) - f_s(-1)`, and :math:`\rho_t`.

Usage::

    python benchmarks/reddi_toy_plot.py                          # 20000 steps, reddi_toy.png
    python benchmarks/reddi_toy_plot.py --steps 100000 --out /tmp/toy.png

The learned step costs about 0.4-1 ms on a 2-core CPU, so 1e5 steps take a minute or two;
the paper's figure ran 1e6 steps. The PNG is written atomically (a temporary file in the
target directory, then ``os.replace``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import torch

from mada import MADA

PERIOD = 101
BETAS = (0.9, 0.99)
CORNERS = {
    "Adam": dict(rho=1.0),
    "AMSGrad": dict(rho=0.0, long_memory="max"),
    "AVGrad": dict(rho=0.0, long_memory="average"),
    "MADA (learns beta3, rho, c)": dict(rho=1.0, beta3=0.0, c=1.0, gamma=1.0, learn=True),
}


def gradient(t):
    return 1010.0 if t % PERIOD == 1 else -10.0


def run(name, steps, lr, hyper_lr, hyper_momentum):
    """Return x_t, R_t/t and rho_t after each of ``steps`` steps, and the final coefficients."""
    kwargs = dict(CORNERS[name])
    if kwargs.pop("learn", False):
        kwargs.update(learn=("beta3", "rho", "c"), hyper_lr=hyper_lr, hyper_momentum=hyper_momentum)
    x = torch.nn.Parameter(torch.zeros((), dtype=torch.float64))
    opt = MADA([x], lr=lr, betas=BETAS, bias_correction=False, **kwargs)
    group = opt.param_groups[0]
    x.grad = torch.zeros((), dtype=torch.float64)
    xs, avg_regret, rhos = [], [], []
    regret = 0.0
    for t in range(1, steps + 1):
        g = gradient(t)
        regret += g * (x.item() + 1.0)
        x.grad.fill_(g)
        opt.step()
        with torch.no_grad():
            x.clamp_(-1.0, 1.0)
        xs.append(x.item())
        avg_regret.append(regret / t)
        rhos.append(group["rho"])
    return {"x": xs, "avg_regret": avg_regret, "rho": rhos, "coefficients": opt.coefficients}


def plot(results, steps, lr, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = range(1, steps + 1)
    fig, axes = plt.subplots(3, 1, figsize=(7, 9), sharex=True)
    for name, r in results.items():
        axes[0].plot(t, r["x"], label=name, lw=1)
        axes[1].plot(t, r["avg_regret"], label=name, lw=1)
        axes[2].plot(t, r["rho"], label=name, lw=1)
    axes[0].set_ylabel("$x_t$")
    axes[0].set_ylim(-1.05, 1.05)
    axes[1].set_ylabel("$R_t / t$")
    skip = min(steps - 1, 5 * PERIOD)  # R_1/1 = 1010: leave the first periods off the scale
    late = [v for r in results.values() for v in r["avg_regret"][skip:]]
    axes[1].set_ylim(min(0.0, *late), 1.2 * max(late))
    axes[2].set_ylabel(r"$\rho_t$")
    axes[2].set_ylim(-0.05, 1.05)
    axes[2].set_xlabel("step $t$")
    axes[0].legend(fontsize=8)
    axes[0].set_title(f"Reddi et al. toy, lr={lr:g}, betas={BETAS}, no bias correction")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    _save_atomically(fig, out)
    plt.close(fig)


def _save_atomically(fig, out):
    out = os.path.abspath(out)
    fd, tmp = tempfile.mkstemp(prefix=".reddi_toy.", suffix=".png", dir=os.path.dirname(out))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; give it a normal file's mode
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=120)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20000, help="T (default 20000)")
    parser.add_argument("--out", default="reddi_toy.png", help="PNG path (default ./reddi_toy.png)")
    parser.add_argument("--lr", type=float, default=0.01, help="constant lr (default 0.01)")
    parser.add_argument("--hyper-lr", type=float, default=0.1, help="MADA's hyper_lr (0.1)")
    parser.add_argument("--hyper-momentum", type=float, default=0.9, help="MADA's (0.9)")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be >= 1")

    results = {}
    print(f"{'optimizer':<30}{'x_T':>9}{'R_T/T':>9}{'rho_T':>8}{'seconds':>9}")
    for name in CORNERS:
        start = time.perf_counter()
        r = run(name, args.steps, args.lr, args.hyper_lr, args.hyper_momentum)
        results[name] = r
        print(f"{name:<30}{r['x'][-1]:>+9.4f}{r['avg_regret'][-1]:>9.4f}{r['rho'][-1]:>8.4f}"
              f"{time.perf_counter() - start:>9.1f}", flush=True)  # fmt: skip
    print("MADA's final coefficients:", results[list(CORNERS)[-1]]["coefficients"])
    plot(results, args.steps, args.lr, args.out)
    print(f"wrote {os.path.abspath(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
