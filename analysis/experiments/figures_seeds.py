"""Figures of runs repeated over seeds: a line for the mean, a band for the min–max.

``runs`` is ``{optimizer: [RunResult, ...]}`` (one per seed, equal eval steps), as in
:class:`.compare.CompareResult`. Every optimizer keeps its colour in every figure
(:func:`colour`); legends sit outside the axes, so they never cover a line; every panel has
both axis labels. Each function writes a PNG atomically and returns its path.
"""

from __future__ import annotations

import math

from .figures import COEFFICIENTS, _figure, _save

ORDER = ("adamw", "adam", "lion", "adan", "hyperadam", "avgrad", "mada", "amsgrad", "yogi")


def colour(name):
    """A fixed colour per optimizer name (tab10 order of :data:`ORDER`)."""
    return f"C{ORDER.index(name) % 10}" if name in ORDER else "C9"


def band(results, key):
    """``(steps, mean, lo, hi)`` of history ``key`` over the runs, at the steps all share
    with a finite value in every run."""
    per_run = [{r["step"]: r[key] for r in res.history
                if r.get(key) is not None and math.isfinite(r[key])}
               for res in results]  # fmt: skip
    steps = sorted(set.intersection(*(set(p) for p in per_run))) if per_run else []
    cols = [[p[s] for p in per_run] for s in steps]
    return (steps, [sum(c) / len(c) for c in cols], [min(c) for c in cols],
            [max(c) for c in cols])  # fmt: skip


def _draw_band(ax, steps, mean, lo, hi, name, **style):
    ax.fill_between(steps, lo, hi, color=colour(name), alpha=0.2, lw=0)
    return ax.plot(steps, mean, color=colour(name), label=name, **style)[0]


def _legend(fig, handles):
    fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False)


def far_above(means):
    """The names whose value lies far above the rest: more than 4 times the median's
    distance from the best (so one failed optimizer does not flatten the others), or not
    finite."""
    finite = sorted(v for v in means.values() if math.isfinite(v))
    off = {k for k, v in means.items() if not math.isfinite(v)}
    if len(finite) < 3:
        return off
    best, median = finite[0], finite[len(finite) // 2]
    return off | {k for k, v in means.items() if v > best + 4 * (median - best)}


def seed_curves(runs, path, title=None):
    """Training loss, validation loss, and the validation loss over the second half of
    training (zoomed: the runs differ by less than the first steps' drop; an optimizer far
    above the others is left out of the zoom and named in its title)."""
    fig, axes = _figure(3, width=3.6, height=3.0)
    handles = []
    bands = {name: {k: band(rs, k) for k in ("train_loss", "val_loss")}
             for name, rs in runs.items()}  # fmt: skip
    last = {name: (b["val_loss"][1][-1] if b["val_loss"][1] else math.inf)
            for name, b in bands.items()}  # fmt: skip
    off = far_above(last)
    panels = (
        ("train_loss", "training loss (mean since last record)", False),
        ("val_loss", "validation loss", False),
        ("val_loss", "validation loss", True),
    )
    for ax, (key, label, zoom) in zip(axes[0], panels):
        for name in runs:
            steps, mean, lo, hi = bands[name][key]
            if zoom:
                if name in off:
                    continue
                half = max(steps) / 2 if steps else 0
                keep = [i for i, s in enumerate(steps) if s >= half]
                steps, mean, lo, hi = ([xs[i] for i in keep] for xs in (steps, mean, lo, hi))
            line = _draw_band(ax, steps, mean, lo, hi, name, lw=1.4)
            if not zoom and key == "val_loss":
                handles.append(line)
        ax.set_xlabel("step")
        ax.set_ylabel(label)
        zoom_title = "second half (zoom)" + (f"; not shown: {', '.join(sorted(off))}"
                                             if off else "")  # fmt: skip
        ax.set_title(zoom_title if zoom else label, fontsize=9)
    _legend(fig, handles)
    fig.suptitle((title + ": " if title else "") + "mean over seeds, band = min–max",
                 fontsize=10)  # fmt: skip
    return _save(fig, path)


def final_points(result, path, title=None):
    """Left: every seed's final validation loss per optimizer (ranked), with mean ± std.
    Right: per seed, the difference to AdamW (below 0: better than AdamW). An optimizer far
    above the others (:func:`far_above`) is written at the top edge, not plotted."""
    fig, axes = _figure(2, width=4.4, height=3.2)
    names = result.ranking()
    off = far_above({n: result.stats(n)["mean"] for n in names})
    for ax, paired in zip(axes[0], (False, True)):
        for x, name in enumerate(names):
            ys = result.paired(name)["per_seed"] if paired else result.final(name)
            ys = [y for y in ys if math.isfinite(y)]
            if name in off or not ys:
                what = f"{sum(ys) / len(ys):+.3g}" if paired and ys else (
                    f"{sum(ys) / len(ys):.3g}" if ys else "diverged")  # fmt: skip
                ax.annotate(f"↑ {what}", (x, 1), xycoords=("data", "axes fraction"),
                            xytext=(0, -4), textcoords="offset points", ha="center",
                            va="top", fontsize=7, color=colour(name))  # fmt: skip
                continue
            jitter = [x + 0.08 * (k - (len(ys) - 1) / 2) for k in range(len(ys))]
            ax.scatter(jitter, ys, s=14, color=colour(name), zorder=3)
            mean = sum(ys) / len(ys)
            std = (sum((y - mean) ** 2 for y in ys) / (len(ys) - 1)) ** 0.5 if len(ys) > 1 else 0
            ax.errorbar([x + 0.3], [mean], yerr=[std], fmt="_", color="black", capsize=3)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_xlim(-0.5, len(names) - 0.5)
        ax.set_xlabel("optimizer (ranked by mean)")
        if paired:
            ax.axhline(0.0, color="grey", lw=0.8, ls="--")
            ax.set_ylabel("final val loss − AdamW's (same seed)")
        else:
            ax.set_ylabel("final validation loss")
    axes[0][0].set_title("per seed (dots), mean ± std (bar)" + (
        "; ↑ off scale, mean" if off else ""), fontsize=9)  # fmt: skip
    axes[0][1].set_title("paired difference to AdamW", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def coefficient_bands(runs, start, path, title=None):
    """The coefficients of the optimizers that learn them, from step 0 (``start``: each
    optimizer's initial coefficients), mean over seeds and min–max band; one panel per
    coefficient that moves. Optimizers with fixed coefficients are left out (flat lines)."""
    learned = {}
    for name, results in runs.items():
        first = start[name]
        moving = {k for res in results for k in COEFFICIENTS if k in first
                  and any(r["coefficients"].get(k, first[k]) != first[k]
                          for r in res.history)}  # fmt: skip
        if moving:
            learned[name] = moving
    shown = [k for k in COEFFICIENTS if any(k in m for m in learned.values())] or ["beta1"]
    ncols = min(3, len(shown))
    nrows = -(-len(shown) // ncols)
    fig, axes = _figure(ncols, nrows, width=3.4, height=2.6)
    handles = {}
    for ax, key in zip(axes.flat, shown):
        for name in (n for n in learned if key in learned[n]):
            per_run = [[(0, start[name][key])] + [(r["step"], r["coefficients"].get(key))
                                                  for r in res.history]
                       for res in runs[name]]  # fmt: skip
            cols = list(zip(*[[v for _, v in run] for run in per_run]))  # diverged: shorter
            steps = [s for s, _ in per_run[0]][: len(cols)]
            handles[name] = _draw_band(ax, steps, [sum(c) / len(c) for c in cols],
                                       [min(c) for c in cols], [max(c) for c in cols], name,
                                       lw=1.4)  # fmt: skip
        ax.set_xlabel("step")
        ax.set_ylabel(key)
    for ax in list(axes.flat)[len(shown) :]:
        ax.set_visible(False)
    _legend(fig, list(handles.values()))
    fig.suptitle((title + ": " if title else "") + "learned coefficients from step 0, "
                 "mean over seeds, band = min–max", fontsize=10)  # fmt: skip
    return _save(fig, path)
