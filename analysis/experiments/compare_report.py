"""The comparison as Markdown, and its output folder (:func:`write`).

:func:`markdown` renders a :class:`.compare.CompareResult` as a report section: the summary
line, the table (final validation loss mean ± std and min–max, the paired difference to AdamW,
the paper's gain over Adam, wall time), the paper's ratio beside ours, the learning-rate sweep
and the figures. :func:`write` puts ``compare.json``, ``history.csv`` (one row per record, the
key (task, optimizer, seed, step) unique), ``index.md`` and ``figures/*.png`` into a folder.
"""

from __future__ import annotations

import math

from . import figures_seeds
from .compare import BETAS, EXTEND, LION_LR_FACTORS, LR_FACTORS, PAPER_RATIO, PAPER_SOURCE
from .results import history_rows, write_atomic, write_csv, write_json

FIGURES = {"curves": "compare_curves.png", "finals": "compare_finals.png",
           "coefficients": "compare_coefficients.png"}  # fmt: skip


def _num(x, spec=".4f"):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return format(x, spec)


def _pm(s):
    if s["diverged"]:
        return f"diverged on {s['diverged']} seed(s)"
    return f"{_num(s['mean'])} ± {_num(s['std'])}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _edge(result, o):
    cands = sorted(result.sweep[o])
    return " (edge of the sweep)" if result.lrs[o] in (cands[0], cands[-1]) else ""


def rows(result):
    """The table's rows, best mean first."""
    out = []
    for o in result.ranking():
        s, p, g = result.stats(o), result.paired(o), result.gain(o)
        secs, rel = result.seconds_median(o)
        out.append((o, f"{result.lrs[o]:.3g}", _pm(s), f"{_num(s['min'])}–{_num(s['max'])}",
                    "0 (baseline)" if o == "adamw" else _pm(p),
                    "—" if o == "adamw" else f"{p['wins']}/{len(result.seeds)}",
                    "0 (baseline)" if o == "adam" else _pm(g), f"{secs:.2f}",
                    f"{rel:.2f}×"))  # fmt: skip
    return out


def paper_line(result):
    """MADA's gain over Adam relative to the best other optimizer's, beside the paper's."""
    r, g = result.ratio(), result.gain("mada")
    best = result.gain(r["best_other"])
    head = (f"The paper's metric (validation gain over Adam, per seed, mean ± std): MADA "
            f"{_pm(g)}; the best other, {r['best_other']}, {_pm(best)}. ")  # fmt: skip
    if r["ratio"] is None:
        ours = ("No other optimizer gains over Adam on average here, so the ratio MADA/best "
                "other is not defined.")  # fmt: skip
    else:
        ours = f"MADA's gain is {r['ratio']:.2f}× the best other's"
        ours += " (MADA gains less than Adam: negative)." if r["ratio"] < 0 else "."
    return (f"{head}{ours} The paper reports about {PAPER_RATIO:g}× ({PAPER_SOURCE}); ours is "
            f"a {result.task} model of the `{result.size}` size trained {result.steps} steps, "
            "far from that regime.")  # fmt: skip


def sweep_table(result):
    out = []
    for o in result.optimizers:
        cands = "; ".join(f"{lr:.3g}: {_num(v)}" for lr, v in sorted(result.sweep[o].items()))
        out.append((o, cands, f"{result.lrs[o]:.3g}{_edge(result, o)}"))
    return _table(("optimizer", "lr: final val loss (sweep seed)", "chosen"), out)


def markdown(result, figures="figures", level=2):
    """The comparison section; figure links relative to ``figures``."""
    import torch

    h = "#" * level
    n = len(result.seeds)
    factors = ", ".join(f"{f:.3g}" for f in LR_FACTORS)
    lion = ", ".join(f"{f:.3g}" for f in LION_LR_FACTORS)
    setup = (f"Task `{result.task}` (size `{result.size}`), {result.steps} steps, seeds "
             f"{result.seeds[0]}–{result.seeds[-1]}; every optimizer but Lion starts from "
             f"(β1, β2) = {BETAS} (Lion keeps its own pair: it has no second moment). Learning "
             f"rates: per optimizer, the best of × ({factors}) the task's rate "
             f"{result.base_lr:g} (Lion: × ({lion})), plus one candidate {EXTEND:g}× beyond "
             f"an edge that wins, by final validation loss on the separate seed "
             f"{result.sweep_seed} ({result.sweep_steps} steps). Wall time: median over the "
             f"{n} seeds; × AdamW: median of per-seed ratios. {result.threads} torch "
             f"thread(s), torch {torch.__version__}; the whole comparison took "
             f"{result.seconds:.0f} s.")  # fmt: skip
    header = ("optimizer", "lr", "final val loss (mean ± std)", "min–max",
              "Δ vs AdamW (mean ± std)", "seeds ahead of AdamW", "gain over Adam (mean ± std)",
              "seconds (median)", "× AdamW")  # fmt: skip
    return "\n\n".join([
        f"{h} Comparison: {len(result.optimizers)} optimizers × {n} seeds "
        f"(`{result.scale}` scale)",
        f"**{result.summary()}**",
        setup,
        _table(header, rows(result)),
        paper_line(result),
        f"{h}# Learning-rate sweep\n\n" + sweep_table(result),
        f"![validation and training loss, mean and min–max over seeds]({figures}/"
        f"{FIGURES['curves']})",
        f"![final validation loss per seed, and the difference to AdamW]({figures}/"
        f"{FIGURES['finals']})",
        f"![learned coefficients, mean and min–max over seeds]({figures}/"
        f"{FIGURES['coefficients']})",
    ])  # fmt: skip


def draw(result, folder):
    """The comparison's three figures in ``folder``."""
    title = f"{result.task} ({result.size}), {len(result.seeds)} seeds"
    figures_seeds.seed_curves(result.runs, f"{folder}/{FIGURES['curves']}", title=title)
    figures_seeds.final_points(result, f"{folder}/{FIGURES['finals']}", title=title)
    figures_seeds.coefficient_bands(result.runs, result.start,
                                    f"{folder}/{FIGURES['coefficients']}", title=title)  # fmt: skip


def write(result, stage, command):
    """``index.md``, ``compare.json``, ``history.csv`` and the figures into ``stage``."""
    runs = [r for rs in result.runs.values() for r in rs]
    write_json(result.to_dict(), f"{stage}/compare.json")
    write_csv(history_rows(runs), f"{stage}/history.csv")
    draw(result, f"{stage}/figures")
    text = (
        f"# mada-analysis compare\n\n`{command}`\n\n"
        + markdown(result)
        + "\n\nRaw results: [compare.json](compare.json), [history.csv](history.csv).\n"
    )
    write_atomic(text, f"{stage}/index.md")
