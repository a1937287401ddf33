"""``mada-analysis report``: the bound table, the numeric checks, training runs and the grid.

:func:`report` writes ``OUT/index.md`` (Markdown with the tables and links to the figures),
``OUT/figures/*.png``, and the raw results ``OUT/results.json``, ``OUT/history.csv`` and
``OUT/grid.json``. The whole folder is built in a hidden sibling staging folder and renamed
into place at the end (:func:`analysis.experiments.results.staged_output`): a report that
fails or is killed leaves the previous one untouched. Every input is checked before any
compute. Sections:

1. **Bounds**: every theorem of :data:`analysis.THEOREMS`, its rate in T and its closed form.
2. **Numeric checks**: :func:`analysis.tightness.tightest` (seeded random instances, measured
   over bound) and :func:`analysis.verify.verify` (an adversarial search). A ratio above 1
   would be a false bound: the report then says so at the top and the CLI exits with 1.
3. **Training**: every optimizer of :mod:`analysis.experiments.optimizers` on the tasks of
   the size chosen, one seed; MADA and AVGrad again with the bound monitor.
4. **Robustness grid**: :func:`analysis.experiments.grid.robustness_grid`.

Sizes (``quick``: about 25 s on 2 CPU cores; ``default``: about 5 minutes) are in
:data:`PLANS`; the measured times of each section are written into the report.
"""

from __future__ import annotations

import platform
import time

from .experiments import figures
from .experiments.results import (
    history_rows,
    staged_output,
    write_atomic,
    write_csv,
    write_json,
)
from .experiments.train import progress_bar

PLANS = {
    "quick": {"tightness": {"calls": 1, "B": 8, "T": (20, 40), "nonconvex_calls": 1},
              "verify_budget": 40, "tasks": ("digits", "chargpt"), "size": "quick",
              "grid_task": "digits", "grid_size": "quick"},
    "default": {"tightness": {"calls": 2, "B": 32, "T": (20, 200), "nonconvex_calls": 2},
                "verify_budget": 300, "tasks": ("digits", "chargpt"), "size": "default",
                "grid_task": "chargpt", "grid_size": "default"},
}  # fmt: skip
MONITORED = ("avgrad", "mada")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt(x, spec=".4g"):
    return "—" if x is None else format(x, spec)


def bounds_section():
    from .cli import _theorem_ids, bounds_rows
    from .theorems import BREAKEVEN_CONSTANTS, THEOREMS

    rows = []
    for tid, setting, rate, bound in bounds_rows(_theorem_ids(), {}, latex=True):
        rate = rate.replace("**", "^").replace("*", "·")
        try:
            T_b = THEOREMS[tid].breakeven(**BREAKEVEN_CONSTANTS.get(setting, {}))
            T_b = "never" if T_b == float("inf") else f"{T_b:.3g}"
        except ValueError:  # no T (a fixed-horizon witness) or no trivial bound
            T_b = "-"
        rows.append((f"`{tid}`", setting, THEOREMS[tid].source, rate, T_b, f"${bound}$"))
    consts = "; ".join(f"{s}: " + ", ".join(f"{k} = {v}" for k, v in c.items())
                       for s, c in BREAKEVEN_CONSTANTS.items())  # fmt: skip
    note = ("Break-even: the horizon T from which on the closed bound is below the trivial "
            "bound of its setting (regret: d·D_inf·G_inf·T; nonconvex: d·R²; see "
            f"`Theorem.breakeven`), at {consts}; \"never\": not up to T = 1e18.\n\n")
    return "## Bounds\n\n" + note + _table(("id", "setting", "source", "rate", "break-even T",
                                             "bound"), rows)  # fmt: skip


def numeric_section(plan, seed, progress):
    from . import tightness, verify

    bar = progress_bar(total=tightness.calls_of(**plan["tightness"]), desc="tightness",
                       enabled=progress)  # fmt: skip
    found = tightness.tightest(seed=seed, progress=bar.update, **plan["tightness"])
    bar.close()
    rows, violations = [], []
    for tid, e in found.items():
        rows.append((f"`{tid}`", e["n"], _fmt(e["ratio"]), _fmt(e.get("data_ratio")),
                     e["violations"]))  # fmt: skip
        if e["violations"]:
            violations.append(f"{tid}: {e['violations']} instance(s) above the bound")
    ids = verify.online_theorems()
    bar = progress_bar(total=plan["verify_budget"] * len(ids), desc="verify", enabled=progress)
    rep = verify.verify(ids, budget=plan["verify_budget"], seed=seed, progress=bar.update)
    bar.close()
    vrows = [(f"`{r.theorem}`", _fmt(r.data_ratio), _fmt(r.closed_ratio), r.evaluations)
             for r in rep.results]  # fmt: skip
    violations += [f"{r.theorem}: adversarial ratio above 1" for r in rep.violations]
    text = ("## Numeric checks\n\nSeeded random instances (`analysis.tightness.tightest"
            f"(seed={seed}, {plan['tightness']})`): the largest measured/bound ratio per "
            "theorem (online: per instance; nonconvex: ratio of seed means).\n\n"
            + _table(("theorem", "instances", "worst ratio (closed bound)",
                      "worst ratio (data bound)", "violations"), rows)
            + f"\n\nAdversarial search (`analysis.verify`, budget {plan['verify_budget']} "
            "per theorem):\n\n"
            + _table(("theorem", "worst data ratio", "worst closed ratio", "evaluations"),
                     vrows))  # fmt: skip
    return (
        text,
        violations,
        {
            "tightness": found,
            "verify": [
                {
                    "theorem": r.theorem,
                    "data_ratio": r.data_ratio,
                    "closed_ratio": r.closed_ratio,
                    "evaluations": r.evaluations,
                }
                for r in rep.results
            ],
        },
    )


def _configs(plan, seed, text, device, options):
    """Every training run of the report, by task: the nine optimizers, then the monitored."""
    from .experiments.optimizers import OPTIMIZERS, learns
    from .experiments.train import RunConfig

    out = {}
    for task in plan["tasks"]:
        corpus = text if task == "chargpt" else None  # --text is the char-GPT's corpus
        out[task] = [RunConfig(task=task, optimizer=name, seed=seed, size=plan["size"],
                               text=corpus, device=device, monitor=monitor,
                               optimizer_options=dict(options) if learns(name) else {})
                     for monitor, names in ((False, OPTIMIZERS), (True, MONITORED))
                     for name in names]  # fmt: skip
    return out


def training_section(plan, out, seed, text, device, progress, options=None):
    from .experiments.train import train

    results, parts = [], ["## Training runs"]
    for task, configs in _configs(plan, seed, text, device, options or {}).items():
        done = [train(cfg, progress=progress) for cfg in configs]
        runs = [r for r in done if not r.config["monitor"]]
        monitored = [r for r in done if r.config["monitor"]]
        results += runs + monitored
        info = runs[0].info
        rows = [(r.config["optimizer"], r.config["steps"], _fmt(r.final["train_loss"]),
                 _fmt(r.final["val_loss"]), "yes" if r.final["diverged"] else "no",
                 f"{r.final['seconds']:.1f}") for r in runs]  # fmt: skip
        figures.loss_curves(runs, f"{out}/figures/loss_{task}.png", title=task)
        figures.coefficient_trajectories(runs, f"{out}/figures/coefficients_{task}.png")
        parts.append(f"### {task}\n\nTask: `{info}`; lr {runs[0].config['lr']:g}, constant.\n\n"
                     + _table(("optimizer", "steps", "final train loss", "final val loss",
                               "diverged", "seconds"), rows)
                     + f"\n\n![loss](figures/loss_{task}.png)\n\n"
                     f"![coefficients](figures/coefficients_{task}.png)")  # fmt: skip
        for r in monitored:
            name = f"bounds_{task}_{r.config['optimizer']}.png"
            figures.bound_vs_measured(r, f"{out}/figures/{name}")
            parts.append(_monitor_text(r, name))
    return "\n\n".join(parts), results


def _monitor_text(result, figure):
    from .experiments.safe_set import describe as describe_safe_set

    last = next(r for r in reversed(result.history) if r.get("monitor"))
    mon = last["monitor"]
    rows = [(f"`{tid}`", _fmt(b["total"]), ", ".join(f"{k} {_fmt(v)}" for k, v in
                                                     b["terms"].items()))
            for tid, b in mon.get("bounds", {}).items()]  # fmt: skip
    skipped = mon.get("skipped", {})
    return (f"#### Bound monitor: {result.config['optimizer']} at step {last['step']}\n\n"
            f"Observed G_inf {_fmt(mon.get('G_inf'))}, Σ_i‖g_1:T,i‖₂ "
            f"{_fmt(mon.get('grad_norm_sum'))}, Σ_i √v̂_T,i {_fmt(mon.get('sqrt_vhat_sum'))}, "
            f"measured regret against the final iterate {_fmt(last.get('regret_vs_final'))}. "
            f"{describe_safe_set(mon.get('safe_set'))} The online "
            "convex bounds are evaluated on this nonconvex run's gradients as an "
            "illustration, not a guarantee.\n\n"
            + _table(("theorem", "data bound", "terms"), rows)
            + ("\n\nSkipped: " + "; ".join(f"`{tid}` ({why.removeprefix(tid + ': ')})"
                                             for tid, why in skipped.items())
               if skipped else "")
            + f"\n\n![bounds]({'figures/' + figure})")  # fmt: skip


def grid_section(plan, out, seed, text, device, progress, options=None):
    from .experiments.grid import PAPER_HYPER, robustness_grid

    corpus = text if plan["grid_task"] == "chargpt" else None
    g = robustness_grid(plan["grid_task"], size=plan["grid_size"], seed=seed, text=corpus,
                        device=device, options=options, progress=progress)  # fmt: skip
    figures.robustness_heatmaps(g, f"{out}/figures/grid.png")
    write_json(g.to_dict(), f"{out}/grid.json")
    rows = [(o, _fmt(s["mean"]), _fmt(s["median"]), _fmt(s["worst"]), f"{s['near_best']:.0%}")
            for o, s in g.summary().items()]  # fmt: skip
    hyper = {**PAPER_HYPER, **(options or {})}
    return (f"## Robustness grid\n\nFinal training loss on `{g.task}` ({g.size} size, "
            f"{g.steps} steps) from every initial (β1, β2), β1 ∈ {g.beta1s}, β2 ∈ {g.beta2s}; "
            "HyperAdam and MADA learn with hypergradient settings "
            + ", ".join(f"{k} {v}" for k, v in hyper.items())
            + " (the paper's: hyper_lr 2.5e-3, momentum 0.5).\n\n"
            + _table(("optimizer", "mean", "median", "worst", "within 5% of best"), rows)
            + "\n\n![grid](figures/grid.png)")  # fmt: skip


def check(plan, seed, text, device, options):
    """Raise ValueError naming the first input the report cannot use, before any compute."""
    from .experiments.grid import BETA1S, BETA2S, GRID_OPTIMIZERS, check_points

    for configs in _configs(plan, seed, text, device, options).values():
        for cfg in configs:
            cfg.check()
    if plan["grid_task"] == "chargpt":
        from .experiments.tasks import check_text

        check_text(text, "chargpt", plan["grid_size"])
    check_points(GRID_OPTIMIZERS, BETA1S[plan["grid_size"]], BETA2S[plan["grid_size"]],
                 options)  # fmt: skip


def report(
    out="report", *, quick=False, seed=0, text=None, device=None, options=None, progress=True
):
    """Write the report to ``out``; returns ``(path of index.md, violations)``.

    ``options`` (e.g. ``hyper_lr``, ``bounds``) go to the optimizers that learn coefficients,
    in the training runs and (over the paper's settings) in the grid."""
    plan = PLANS["quick" if quick else "default"]
    options = dict(options or {})
    check(plan, seed, text, device, options)
    with staged_output(out, "index.md", "out") as stage:
        violations = _write(stage, out, plan, quick, seed, text, device, options, progress)
    return f"{out}/index.md", violations


def _write(stage, out, plan, quick, seed, text, device, options, progress):
    t0, timings, sections = time.perf_counter(), {}, []

    def timed(name, fn, *args):
        start = time.perf_counter()
        value = fn(*args)
        timings[name] = time.perf_counter() - start
        return value

    sections.append(timed("bounds", bounds_section))
    numeric, violations, raw = timed("numeric checks", numeric_section, plan, seed, progress)
    sections.append(numeric)
    training, results = timed("training", training_section, plan, stage, seed, text, device,
                              progress, options)  # fmt: skip
    sections.append(training)
    sections.append(timed("grid", grid_section, plan, stage, seed, text, device, progress,
                          options))  # fmt: skip
    write_json({"numeric": raw, "runs": [r.to_dict() for r in results]},
               f"{stage}/results.json")  # fmt: skip
    write_csv(history_rows(results), f"{stage}/history.csv")
    import torch

    head = [f"# mada-analysis report ({'quick' if quick else 'default'})", "",
            f"`mada-analysis report{' --quick' if quick else ''} --out {out}` (seed {seed}"
            + "".join(f", {k} {v}" for k, v in options.items()) + "); "
            f"Python {platform.python_version()}, torch {torch.__version__}, "
            f"{platform.machine()}, {torch.get_num_threads()} threads; total "
            f"{time.perf_counter() - t0:.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ").", ""]  # fmt: skip
    if violations:
        head += ["**A BOUND WAS EXCEEDED** (a bug in a bound or its proof):", ""]
        head += [f"- {v}" for v in violations] + [""]
    else:
        head += ["No measured run exceeded any bound.", ""]
    head.append("Raw results: [results.json](results.json), [history.csv](history.csv), "
                "[grid.json](grid.json).")  # fmt: skip
    write_atomic("\n".join(head) + "\n\n" + "\n\n".join(sections) + "\n",
                 f"{stage}/index.md")  # fmt: skip
    return violations
