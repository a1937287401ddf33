"""The ``report``, ``train`` and ``grid`` subcommands of ``mada-analysis`` (see :mod:`.cli`).

Argument errors end with one line on stderr and exit status 2 (argparse's convention); a run
whose bounds fail (``report``) exits with 1.
"""

from __future__ import annotations

import argparse
import math
import os

from .experiments.grid import GRID_OPTIMIZERS
from .experiments.optimizers import OPTIMIZERS
from .experiments.tasks import SIZES, TASKS


def _number(lo=None, hi=None, *, lo_open=False, hi_open=False, integer=False):
    kind = "an integer" if integer else "a number"
    lo_s = "" if lo is None else f"{'>' if lo_open else '>='} {lo}"
    hi_s = "" if hi is None else f"{'<' if hi_open else '<='} {hi}"
    rng = " and ".join(s for s in (lo_s, hi_s) if s)

    def parse(text):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind} {rng}, got {text!r}") from None
        bad = (not math.isfinite(value)
               or (lo is not None and (value <= lo if lo_open else value < lo))
               or (hi is not None and (value >= hi if hi_open else value > hi)))  # fmt: skip
        if bad:
            raise argparse.ArgumentTypeError(f"must be {kind} {rng}, got {text!r}")
        return value

    return parse


_STEPS = _number(1, integer=True)
_SEED = _number(0, integer=True)
_BETA = _number(0, 1, hi_open=True)
_LR = _number(0, lo_open=True)


def _text_file(text):
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    return text


def _device(text):
    import torch

    try:
        dev = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(f"must be cpu, cuda or cuda:N, got {text!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise argparse.ArgumentTypeError(f"{text!r}: no CUDA device is available here")
    if dev.type not in ("cpu", "cuda"):
        raise argparse.ArgumentTypeError(f"must be cpu, cuda or cuda:N, got {text!r}")
    return text


def _common(p, size_help):
    p.add_argument("--task", choices=TASKS, default="digits", help="task (default digits)")
    p.add_argument("--size", choices=SIZES, default="default", help=size_help)
    p.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    p.add_argument("--text", type=_text_file, help="UTF-8 text file for chargpt")
    p.add_argument("--device", type=_device, help="cpu or cuda (default: cuda if available)")
    p.add_argument("--steps", type=_STEPS, help="training steps (default: the task's)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def add_parsers(sub):
    r = sub.add_parser("report", help="bounds, numeric checks, training runs, grid -> OUT/index.md")
    r.add_argument("--out", default="report", help="output folder (default report/)")
    r.add_argument("--quick", action="store_true", help="a reduced report (about a minute)")
    r.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    r.add_argument("--text", type=_text_file, help="UTF-8 text file for chargpt")
    r.add_argument("--device", type=_device, help="cpu or cuda (default: cuda if available)")
    r.add_argument("--no-progress", action="store_true", help="no progress bars")
    r.set_defaults(error=r.error, run=_run_report)
    t = sub.add_parser("train", help="one training run (results as JSON and CSV)")
    _common(t, "model/batch size (default: default)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="mada", help="default mada")
    t.add_argument("--lr", type=_LR, help="learning rate > 0 (default: the task's)")
    t.add_argument("--beta1", type=_BETA, help="initial beta1 in [0, 1)")
    t.add_argument("--beta2", type=_BETA, help="initial beta2 in [0, 1)")
    t.add_argument("--eval-every", type=_STEPS, help="steps between records")
    t.add_argument("--monitor", action="store_true", help="enable the bound monitor")
    t.add_argument("--checkpoint", help="checkpoint file: written atomically, resumed if present")
    t.add_argument("--checkpoint-every", type=_STEPS, help="steps between checkpoints")
    t.add_argument("--out", default="runs", help="output folder (default runs/)")
    t.set_defaults(error=t.error, run=_run_train)
    g = sub.add_parser("grid", help="robustness grid over initial (beta1, beta2)")
    _common(g, "model size (default: default)")
    g.add_argument("--optimizers", nargs="+", choices=OPTIMIZERS, default=list(GRID_OPTIMIZERS))
    g.add_argument("--beta1s", nargs="+", type=_BETA, help="initial beta1 values in [0, 1)")
    g.add_argument("--beta2s", nargs="+", type=_BETA, help="initial beta2 values in [0, 1)")
    g.add_argument("--out", default="grid", help="output folder (default grid/)")
    g.set_defaults(error=g.error, run=_run_grid)


def _run_report(args):
    from .report import report

    path, violations = report(args.out, quick=args.quick, seed=args.seed, text=args.text,
                              device=args.device, progress=not args.no_progress)  # fmt: skip
    print(f"report written to {path}")
    for v in violations:
        print(f"BOUND EXCEEDED: {v}")
    return 1 if violations else 0


def _run_train(args):
    from .experiments import figures
    from .experiments.results import write_csv, write_json
    from .experiments.train import RunConfig, train

    betas = None
    if (args.beta1 is None) != (args.beta2 is None):
        args.error("--beta1 and --beta2 go together")
    if args.beta1 is not None:
        betas = (args.beta1, args.beta2)
    if args.optimizer == "lion" and args.monitor:
        args.error("--monitor: lion keeps no second moment; monitor another optimizer")
    cfg = RunConfig(task=args.task, optimizer=args.optimizer, steps=args.steps, lr=args.lr,
                    betas=betas, seed=args.seed, size=args.size, text=args.text,
                    device=args.device, eval_every=args.eval_every, monitor=args.monitor,
                    checkpoint=args.checkpoint,
                    checkpoint_every=args.checkpoint_every)  # fmt: skip
    res = train(cfg, progress=not args.no_progress)
    stem = f"{args.out}/{args.task}_{args.optimizer}_seed{args.seed}"
    write_json(res.to_dict(), stem + ".json")
    write_csv(res.history, stem + ".csv")
    figures.loss_curves([res], stem + "_loss.png")
    if args.monitor:
        figures.bound_vs_measured(res, stem + "_bounds.png")
    f = res.final
    print(f"{args.task}/{args.optimizer}: {f['steps']} steps, train loss {f['train_loss']:.4g}, "
          f"val loss {f['val_loss']:.4g}{' (diverged)' if f['diverged'] else ''}; "
          f"results in {stem}.json")  # fmt: skip
    return 0


def _run_grid(args):
    from .experiments import figures
    from .experiments.grid import robustness_grid
    from .experiments.results import write_json

    g = robustness_grid(args.task, size=args.size, optimizers=args.optimizers,
                        beta1s=args.beta1s, beta2s=args.beta2s, steps=args.steps,
                        seed=args.seed, text=args.text, device=args.device,
                        progress=not args.no_progress)  # fmt: skip
    write_json(g.to_dict(), f"{args.out}/grid.json")
    figures.robustness_heatmaps(g, f"{args.out}/grid.png")
    for o, s in g.summary().items():
        print(
            f"{o}: mean {s['mean']:.4g}, median {s['median']:.4g}, worst {s['worst']:.4g}, "
            f"within 5% of best {s['near_best']:.0%}"
        )
    print(f"results in {args.out}/grid.json, figure {args.out}/grid.png")
    return 0
