"""Matplotlib figures of training runs, coefficients, the robustness grid and the bounds.

Every function takes results (:class:`.train.RunResult`, :class:`.grid.GridResult`), draws
with the non-interactive Agg canvas (no display needed) and writes a PNG atomically. Each
returns the path written.
"""

from __future__ import annotations

import io
import math

from .results import write_atomic

COEFFICIENTS = ("beta1", "beta2", "beta3", "rho", "c", "gamma")


def _figure(ncols, nrows=1, width=4.2, height=3.2):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def _save(fig, path):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return write_atomic(buf.getvalue(), path)


def _series(result, key):
    steps = [r["step"] for r in result.history if r.get(key) is not None]
    values = [r[key] for r in result.history if r.get(key) is not None]
    return steps, values


def loss_curves(results, path, title=None):
    """Training and validation loss against the step, one line per run."""
    fig, axes = _figure(2)
    for ax, key, name in zip(axes[0], ("train_loss", "val_loss"), ("training", "validation")):
        for k, res in enumerate(results):
            steps, values = _series(res, key)
            ax.plot(steps, values, color=f"C{k % 10}", label=res.config["optimizer"])
        ax.set_xlabel("step")
        ax.set_ylabel(f"{name} loss")
        ax.set_yscale("log")
    handles, labels = axes[0][1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=7, frameon=False)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def coefficient_trajectories(results, path):
    """The six coefficients against the step for every run (as in the paper's figure of ρ,
    the β's and c over training). Runs whose coefficients move (learned) are drawn thick;
    fixed corners thin and dotted. Each run keeps its colour in every panel."""
    fig, axes = _figure(3, 2, width=3.6, height=2.8)
    for k, res in enumerate(results):
        learned = len({tuple(sorted(r["coefficients"].items())) for r in res.history}) > 1
        style = {"color": f"C{k % 10}", "label": res.config["optimizer"],
                 **({"lw": 2.0} if learned else {"lw": 0.8, "ls": ":"})}  # fmt: skip
        for ax, name in zip(axes.flat, COEFFICIENTS):
            pts = [(r["step"], r["coefficients"][name]) for r in res.history
                   if name in r["coefficients"]]  # fmt: skip
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], **style)
    for ax, name in zip(axes.flat, COEFFICIENTS):
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("step")
        ax.set_ylabel(name)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=7, frameon=False)
    return _save(fig, path)


def robustness_heatmaps(grid, path, key="train"):
    """Final loss over the grid of initial (β1, β2), one panel per optimizer, one colour scale.

    As in the paper's contour figure the colour scale is clipped (here at Tukey's upper
    fence, Q3 + 1.5 IQR of all finite entries), so that one bad corner does not flatten the
    rest; the number in each cell is the unclipped loss, diverged runs (inf) read "div"."""
    table = getattr(grid, key)
    finite = sorted(x for o in grid.optimizers for row in table[o] for x in row
                    if math.isfinite(x))  # fmt: skip
    lo, hi = (finite[0], finite[-1]) if finite else (0.0, 1.0)
    if len(finite) >= 4:
        q1, q3 = finite[len(finite) // 4], finite[(3 * len(finite)) // 4]
        hi = min(hi, q3 + 1.5 * (q3 - q1)) if q3 > q1 else hi
    fig, axes = _figure(len(grid.optimizers), width=3.6, height=3.2)
    image = None
    for ax, o in zip(axes[0], grid.optimizers):
        data = [[min(x, hi) for x in row] for row in table[o]]
        # rows: beta2 (y), columns: beta1 (x), as in the paper's contour plot
        z = [[data[j][k] for j in range(len(grid.beta1s))] for k in range(len(grid.beta2s))]
        image = ax.imshow(z, origin="lower", vmin=lo, vmax=hi, cmap="viridis", aspect="auto")
        for k in range(len(grid.beta2s)):
            for j in range(len(grid.beta1s)):
                x = table[o][j][k]
                bright = min(x, hi) - lo > 0.6 * (hi - lo)  # viridis: light top, dark bottom
                ax.text(j, k, f"{x:.3g}" if math.isfinite(x) else "div", ha="center",
                        va="center", fontsize=7, color="black" if bright else "white")  # fmt: skip
        ax.set_xticks(range(len(grid.beta1s)), [f"{b:g}" for b in grid.beta1s])
        ax.set_yticks(range(len(grid.beta2s)), [f"{b:g}" for b in grid.beta2s])
        ax.set_xlabel("initial β1")
        ax.set_ylabel("initial β2")
        ax.set_title(o)
    if image is not None:
        clipped = finite and hi < finite[-1]
        label = f"final {key} loss" + (f" (colour clipped at {hi:.3g})" if clipped else "")
        fig.colorbar(image, ax=list(axes[0]), label=label)
    return _save(fig, path)


def bound_vs_measured(result, path):
    """Left: the training loss. Middle: each streamed online convex bound and the measured
    regret against the final iterate (a lower estimate of the regret). Right: the terms of
    the smallest final bound. The bounds are those of the *analysed* algorithm (α/√t, no
    bias correction) on this run's gradients, on a nonconvex loss: the title says so, as an
    illustration whose assumptions the run does not meet."""
    recs = [r for r in result.history if r.get("monitor")]
    fig, axes = _figure(3, width=3.8, height=3.4)
    steps, values = _series(result, "train_loss")
    axes[0][0].plot(steps, values, color="C0")
    axes[0][0].set_xlabel("step")
    axes[0][0].set_ylabel("training loss")
    axes[0][0].set_title("the run", fontsize=9)
    ax = axes[0][1]
    ids = sorted({i for r in recs for i in r["monitor"].get("bounds", {})})
    for theorem in ids:
        pts = [(r["step"], r["monitor"]["bounds"][theorem]["total"]) for r in recs
               if theorem in r["monitor"].get("bounds", {})]  # fmt: skip
        ax.plot([p[0] for p in pts], [p[1] for p in pts], label=theorem)
    pts = [(r["step"], r["regret_vs_final"]) for r in result.history
           if r.get("regret_vs_final") is not None]  # fmt: skip
    if pts:
        ax.plot([p[0] for p in pts], [max(p[1], 1e-12) for p in pts], "k--",
                label="measured regret vs final iterate")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("regret bound / measured regret")
    ax.set_title("online convex bounds", fontsize=9)
    ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    _bound_terms(axes[0][2], recs)
    cfg = result.config
    fig.suptitle(f"{cfg['task']} / {cfg['optimizer']} run: online convex regret bounds of the "
                 "analysed algorithm (α/√t, no bias correction) on this run's gradients\n"
                 "illustration: assumptions not met (nonconvex loss, constant lr, bias "
                 "correction)", fontsize=9)  # fmt: skip
    return _save(fig, path)


def _bound_terms(ax, recs):
    """The terms of the smallest final bound (the tightest the run admits), against t."""
    ax.set_xlabel("step t")
    ax.set_ylabel("term of the bound")
    final = recs[-1]["monitor"].get("bounds", {}) if recs else {}
    if not final:
        ax.set_title("no bound evaluated", fontsize=9)
        return
    theorem = min(final, key=lambda k: final[k]["total"])
    for term in final[theorem]["terms"]:
        pts = [(r["step"], r["monitor"]["bounds"][theorem]["terms"][term]) for r in recs
               if theorem in r["monitor"].get("bounds", {})]  # fmt: skip
        ax.plot([p[0] for p in pts], [max(p[1], 1e-12) for p in pts], label=term)
    ax.set_yscale("log")
    ax.set_title(f"terms of {theorem}", fontsize=9)
    ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
