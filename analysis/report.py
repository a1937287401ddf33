"""``mada-analysis report``: the bound table, the numeric checks, training runs and the grid.

:func:`report` writes ``OUT/index.md`` (Markdown with the tables and links to the figures),
``OUT/figures/*.png``, and the raw results ``OUT/results.json``, ``OUT/history.csv`` (the
comparison's runs), ``OUT/monitor.csv`` (the monitored runs; each CSV has the key (task,
optimizer, seed, step) unique) and ``OUT/grid.json``. The whole folder is built in a hidden
sibling staging folder and renamed into place at the end
(:func:`analysis.experiments.results.staged_output`): a report that fails or is killed leaves
the previous one untouched. Every input is checked before any compute. At the top: the
comparison's one-line summary (who won, by how much, with what spread). Sections:

1. **Bounds**: every theorem of :data:`analysis.THEOREMS`, its rate in T and its closed form.
2. **Numeric checks**: :func:`analysis.tightness.tightest` (seeded random instances, measured
   over bound) and :func:`analysis.verify.verify` (an adversarial search). A ratio above 1
   would be a false bound: the report then says so at the top and the CLI exits with 1.
3. **Comparison**: :func:`analysis.experiments.compare.compare` at the plan's scale (seven
   optimizers, three seeds, a learning-rate sweep on a separate seed).
4. **Bounds on training runs**: Adam, AVGrad and MADA with the bound monitor; per run, the
   nonconvex theorems it meets, evaluated on its constants
   (:mod:`analysis.experiments.applicable`), and the online convex bounds marked as an
   illustration.
5. **Robustness grid**: :func:`analysis.experiments.grid.robustness_grid`.

Sizes are in :data:`PLANS` (the quick plan scans the adversary's corners only to T = 50);
the measured times of each section are written into the report.
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
from .report_bounds import BOUNDS_INTRO, monitor_text

PLANS = {
    "quick": {"tightness": {"calls": 1, "B": 8, "T": (20, 40), "nonconvex_calls": 1},
              "verify_budget": 40, "verify_scan": {"corner_T": (1, 2, 50), "long": None},
              "tasks": ("digits", "chargpt"), "size": "quick",
              "grid_task": "digits", "grid_size": "quick", "compare": "quick"},
    "default": {"tightness": {"calls": 2, "B": 32, "T": (20, 200), "nonconvex_calls": 2},
                "verify_budget": 300, "verify_scan": {},
                "tasks": ("digits", "chargpt"), "size": "default",
                "grid_task": "chargpt", "grid_size": "default", "compare": "default"},
}  # fmt: skip
MONITORED = ("adam", "avgrad", "mada")


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
    note = (
        "Break-even: the horizon T from which on the closed bound is below the trivial "
        "bound of its setting (regret: d·D_inf·G_inf·T; nonconvex: d·R²; see "
        f'`Theorem.breakeven`), at {consts}; "never": not up to T = 1e18.\n\n'
    )
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
    rep = verify.verify(ids, budget=plan["verify_budget"], seed=seed, progress=bar.update,
                        **plan["verify_scan"])  # fmt: skip
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
            f"per theorem; corner scan: {plan['verify_scan'] or 'full'}):\n\n"
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
    """The monitored runs of the report, by task: :data:`MONITORED` from the comparison's
    starting point (β's of the Adam control), the task's learning rate."""
    from .experiments.compare import BETAS
    from .experiments.optimizers import learns
    from .experiments.train import RunConfig

    out = {}
    for task in plan["tasks"]:
        corpus = text if task == "chargpt" else None  # --text is the char-GPT's corpus
        out[task] = [RunConfig(task=task, optimizer=name, seed=seed, size=plan["size"],
                               text=corpus, device=device, monitor=True, betas=BETAS,
                               optimizer_options=dict(options) if learns(name) else {})
                     for name in MONITORED]  # fmt: skip
    return out


def training_section(plan, out, seed, text, device, progress, options=None):
    """The comparison (:mod:`.experiments.compare`, at the plan's scale), then the monitored
    runs: per run the nonconvex theorems it can meet, and the online convex bounds as a
    marked illustration. Returns ``(text, CompareResult, monitored RunResults)``."""
    from .experiments import compare_report
    from .experiments.compare import SCALES, compare, torch_threads
    from .experiments.train import train

    compared = compare(plan["compare"], seed=seed, text=text, device=device, options=options,
                       progress=progress)  # fmt: skip
    compare_report.draw(compared, f"{out}/figures")
    results = []
    parts = [compare_report.markdown(compared), "## Training runs: the bounds that apply",
             BOUNDS_INTRO]  # fmt: skip
    for task, configs in _configs(plan, seed, text, device, options or {}).items():
        with torch_threads(SCALES[plan["compare"]]["threads"]):  # tiny models: see compare's scales
            done = [train(cfg, progress=progress) for cfg in configs]
        results += done
        parts.append(f"### {task}\n\nTask: `{done[0].info}`; lr {done[0].config['lr']:g}, "
                     f"constant; (β1, β2) start at {tuple(done[0].config['betas'])}.")  # fmt: skip
        for r in done:
            name = f"bounds_{task}_{r.config['optimizer']}.png"
            figures.bound_vs_measured(r, f"{out}/figures/{name}")
            parts.append(monitor_text(r, name))
    return "\n\n".join(parts), compared, results


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
    from .experiments.compare import prepare
    from .experiments.grid import BETA1S, BETA2S, GRID_OPTIMIZERS, check_points

    for configs in _configs(plan, seed, text, device, options).values():
        for cfg in configs:
            cfg.check()
    prepare(plan["compare"], seed=seed, text=text, device=device, options=options)
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
    training, compared, monitored = timed("training", training_section, plan, stage, seed,
                                          text, device, progress, options)  # fmt: skip
    sections.append(training)
    sections.append(timed("grid", grid_section, plan, stage, seed, text, device, progress,
                          options))  # fmt: skip
    write_json({"numeric": raw, "comparison": compared.to_dict(),
                "monitored": [r.to_dict() for r in monitored]},
               f"{stage}/results.json")  # fmt: skip
    # one table per kind of run, so that (task, optimizer, seed, step) is a key of each
    runs = [r for rs in compared.runs.values() for r in rs]
    write_csv(history_rows(runs), f"{stage}/history.csv")
    write_csv(history_rows(monitored), f"{stage}/monitor.csv")
    import torch

    head = [f"# mada-analysis report ({'quick' if quick else 'default'})", "",
            f"`mada-analysis report{' --quick' if quick else ''} --out {out}` (seed {seed}"
            + "".join(f", {k} {v}" for k, v in options.items()) + "); "
            f"Python {platform.python_version()}, torch {torch.__version__}, "
            f"{platform.machine()}, {torch.get_num_threads()} torch threads (the comparison and "
            f"the monitored runs: {compared.threads}); total "
            f"{time.perf_counter() - t0:.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ").", "",
            f"**Summary.** {compared.summary()}", ""]  # fmt: skip
    if violations:
        head += ["**A BOUND WAS EXCEEDED** (a bug in a bound or its proof):", ""]
        head += [f"- {v}" for v in violations] + [""]
    else:
        head += ["No measured run exceeded any bound.", ""]
    head.append("Raw results: [results.json](results.json), [history.csv](history.csv) (the "
                "comparison's runs), [monitor.csv](monitor.csv) (the monitored runs), "
                "[grid.json](grid.json).")  # fmt: skip
    write_atomic("\n".join(head) + "\n\n" + "\n\n".join(sections) + "\n",
                 f"{stage}/index.md")  # fmt: skip
    return violations
