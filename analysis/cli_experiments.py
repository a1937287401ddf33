"""The ``report``, ``train`` and ``grid`` subcommands of ``mada-analysis`` (see :mod:`.cli`).

Every input is checked before any compute: the numbers by argparse, then the corpus
(``--text``), every optimizer setting (built on a dummy parameter, so MADA's own rules
apply), the checkpoint and the output folder. Argument errors end with one line naming the
argument on stderr and exit status 2 (argparse's convention); a report whose bounds fail
exits with 1. Outputs appear all at once: each command builds its folder under a temporary
name and renames it at the end (:func:`.experiments.results.staged_output`).
"""

from __future__ import annotations

import argparse
import math
import os
import re
from dataclasses import replace

from .experiments.figures import COEFFICIENTS
from .experiments.grid import BETA1S, BETA2S, GRID_OPTIMIZERS, check_points
from .experiments.optimizers import OPTIMIZERS, check_optimizer, learned_bounds, learns
from .experiments.results import prepare_output, staged_output
from .experiments.schedule import SCHEDULES
from .experiments.tasks import SIZES, TASKS, check_model, check_text

MAX_SEED = 2**63 - 1  # torch.manual_seed takes 64-bit seeds


def _shown(text):
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text)} characters)"


def _number(lo=None, hi=None, *, lo_open=False, hi_open=False, integer=False):
    kind = "an integer" if integer else "a number"
    lo_s = "" if lo is None else f"{'>' if lo_open else '>='} {lo}"
    hi_s = "" if hi is None else f"{'<' if hi_open else '<='} {hi}"
    rng = " and ".join(s for s in (lo_s, hi_s) if s)

    def parse(text):
        try:
            value = int(text) if integer else float(text)
        except ValueError:  # also an integer of more than 4300 digits
            raise argparse.ArgumentTypeError(f"must be {kind} {rng}, got {_shown(text)}") from None
        bad = (not math.isfinite(value)
               or (lo is not None and (value <= lo if lo_open else value < lo))
               or (hi is not None and (value >= hi if hi_open else value > hi)))  # fmt: skip
        if bad:
            raise argparse.ArgumentTypeError(f"must be {kind} {rng}, got {_shown(text)}")
        return value

    return parse


_STEPS = _number(1, integer=True)
_SEED = _number(0, MAX_SEED, integer=True)
_BETA = _number(0, 1, hi_open=True)
_LR = _number(0, lo_open=True)
_HYPER_LR = _number(0)
_WARMUP = _number(0, integer=True)
_DECAY = _number(0)
_MODEL_FLAGS = {"--n-layer": "n_layer", "--n-head": "n_head", "--n-embd": "n_embd",
                "--block-size": "block_size", "--batch-size": "batch_size"}  # fmt: skip


def _bound(text):
    """NAME=LO:HI -> (NAME, [LO, HI]); the ranges themselves are MADA's to check."""
    name, sep, rest = text.partition("=")
    lo, colon, hi = rest.partition(":")
    if not sep or not colon or name not in COEFFICIENTS:
        raise argparse.ArgumentTypeError(
            f"must be NAME=LO:HI with NAME one of {', '.join(COEFFICIENTS)}, got {_shown(text)}"
        )
    number = _number(0, 1)
    try:
        return name, [number(lo), number(hi)]
    except argparse.ArgumentTypeError as err:
        raise argparse.ArgumentTypeError(f"{name}: {err}") from None


def _bounds_help():
    default = " ".join(f"{k}={lo:g}:{hi:g}" for k, (lo, hi) in learned_bounds("mada").items())
    return ("clamp range of a learned coefficient, NAME=LO:HI (repeatable) with LO <= HI, "
            "HI < 1 for beta1, beta2, beta3 and HI <= 1 for rho, c, gamma; the initial value "
            f"must lie inside. Default (MADA's): {default}")  # fmt: skip


def _text_file(text):
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"no such file: {_shown(text)}")
    return text


def _device(text):
    import torch

    try:
        dev = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(
            f"must be cpu, cuda or cuda:N, got {_shown(text)}"
        ) from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise argparse.ArgumentTypeError(f"{text!r}: no CUDA device is available here")
    if dev.type not in ("cpu", "cuda"):
        raise argparse.ArgumentTypeError(f"must be cpu, cuda or cuda:N, got {_shown(text)}")
    return text


def _shared(p):
    p.add_argument("--seed", type=_SEED, default=0,
                   help=f"random seed in [0, {MAX_SEED}] (default 0)")  # fmt: skip
    p.add_argument("--text", type=_text_file, help="UTF-8 text file for chargpt")
    p.add_argument("--device", type=_device, help="cpu or cuda (default: cuda if available)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--hyper-lr", type=_HYPER_LR, metavar="X",
                   help="hypergradient learning rate >= 0 of every learned coefficient, "
                   "for hyperadam and mada (default: MADA's per coefficient; grid: "
                   "2.5e-3)")  # fmt: skip
    p.add_argument("--bounds", type=_bound, action="append", default=[], metavar="NAME=LO:HI",
                   help=_bounds_help())  # fmt: skip


def _common(p, size_help):
    p.add_argument("--task", choices=TASKS, default="digits", help="task (default digits)")
    p.add_argument("--size", choices=SIZES, default="default", help=size_help)
    p.add_argument("--steps", type=_STEPS, help="training steps (default: the task's)")
    _shared(p)


def add_parsers(sub):
    r = sub.add_parser("report", help="bounds, numeric checks, training runs, grid -> OUT/index.md")
    r.add_argument("--out", default="report",
                   help="output folder (default report/), replaced as a whole at the "
                   "end")  # fmt: skip
    r.add_argument("--quick", action="store_true",
                   help="a reduced report (about 25 s on 2 CPU cores; the default: "
                   "5 min)")  # fmt: skip
    _shared(r)
    r.set_defaults(error=r.error, run=_run_report)
    t = sub.add_parser("train", help="one training run (results as JSON and CSV)")
    _common(t, "model/batch size (default: default)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="mada", help="default mada")
    t.add_argument("--lr", type=_LR, help="learning rate > 0 (default: the task's)")
    for k in ("beta1", "beta2"):
        t.add_argument(f"--{k}", type=_BETA, help=f"initial {k} in [0, 1); for hyperadam and "
                       "mada inside its --bounds range")  # fmt: skip
    _gpu_flags(t)
    t.add_argument("--eval-every", type=_STEPS, help="steps between records")
    t.add_argument("--monitor", action="store_true", help="enable the bound monitor")
    t.add_argument("--checkpoint", help="checkpoint file: written atomically, resumed if present")
    t.add_argument("--checkpoint-every", type=_STEPS, help="steps between checkpoints")
    t.add_argument("--out", default="runs",
                   help="output folder (default runs/); each run gets its own "
                   "subfolder")  # fmt: skip
    t.set_defaults(error=t.error, run=_run_train)
    g = sub.add_parser("grid", help="robustness grid over initial (beta1, beta2)")
    _common(g, "model size (default: default)")
    g.add_argument("--optimizers", nargs="+", choices=OPTIMIZERS, default=list(GRID_OPTIMIZERS))
    for k in ("beta1", "beta2"):
        g.add_argument(f"--{k}s", nargs="+", type=_BETA, help=f"initial {k} values in [0, "
                       "1); for hyperadam and mada inside the --bounds range")  # fmt: skip
    g.add_argument("--out", default="grid",
                   help="output folder (default grid/), replaced as a whole at the "
                   "end")  # fmt: skip
    g.set_defaults(error=g.error, run=_run_grid)


def _gpu_flags(t):
    """The nanoGPT-style settings of a run (:class:`.experiments.train.RunConfig`)."""
    t.add_argument("--dtype", choices=("fp32", "bf16"), default="fp32",
                   help="bf16: autocast forward, float32 weights and optimizer state "
                   "(default fp32)")  # fmt: skip
    t.add_argument("--compile", action="store_true", help="torch.compile the model")
    for flag, key in _MODEL_FLAGS.items():
        t.add_argument(flag, type=_STEPS, metavar="N",
                       help=f"{key}, an integer >= 1 (default: the --size's)")  # fmt: skip
    t.add_argument("--grad-accum", type=_STEPS, default=1, metavar="K",
                   help="batches averaged per step, an integer >= 1 (default 1)")  # fmt: skip
    t.add_argument("--schedule", choices=SCHEDULES, default="constant",
                   help="learning rate: constant, or cosine (linear warmup, then cosine to "
                   "lr/10; default constant)")  # fmt: skip
    t.add_argument("--warmup", type=_WARMUP, metavar="N",
                   help="cosine's warmup steps in [0, steps] (default steps // 20)")  # fmt: skip
    t.add_argument("--weight-decay", type=_DECAY, metavar="X",
                   help="decoupled weight decay >= 0 of the tensors of dim >= 2, none for "
                   "biases and norms (nanoGPT's groups; default: the optimizer's own, on "
                   "every tensor)")  # fmt: skip


# ---- checks before compute ---------------------------------------------------------------
def _options(args, optimizers):
    """MADA options from --hyper-lr and --bounds; refused when no optimizer learns."""
    options = {}
    if args.hyper_lr is not None:
        options["hyper_lr"] = args.hyper_lr
    if args.bounds:
        options["bounds"] = dict(args.bounds)
    if options and not any(learns(o) for o in optimizers):
        flag = "--hyper-lr" if args.hyper_lr is not None else "--bounds"
        learners = " and ".join(o for o in OPTIMIZERS if learns(o))
        args.error(f"{flag}: {', '.join(optimizers)} learn{'s' if len(optimizers) == 1 else ''}"
                   f" no coefficient; only {learners} do")  # fmt: skip
    return options


def _refuse(args, err, flags):
    """``args.error`` naming, among ``flags`` (flag -> word in a message), those the
    message mentions (all of them if none), with MADA's keyword advice put as CLI options."""
    msg = " ".join(str(err).split())
    msg = re.sub(r"bounds=\{'(\w+)': \(lo, hi\)\}", r"--bounds \1=LO:HI", msg)
    reason = msg.split(": ", 1)[-1]  # past "mada: " or "grid point (...) refused by X: "
    named = [f for f, word in flags.items() if re.search(rf"\b{word}\b", reason)] or list(flags)
    args.error(f"{'/'.join(named)}: {msg}")


def _check(args, flags, fn, *a, **kw):
    try:
        return fn(*a, **kw)
    except ValueError as err:
        _refuse(args, err, flags)


def _check_out(args, out, marker):
    """The output folder, checked by making (and removing) its staging folder."""
    try:
        os.rmdir(prepare_output(out, marker, "--out"))
    except ValueError as err:
        args.error(str(err))


_OPTIMIZER_FLAGS = {"--beta1": "beta1", "--beta2": "beta2", "--bounds": "bounds",
                    "--hyper-lr": "hyper_lr", "--lr": "lr"}  # fmt: skip


def _given(args, flags):
    return {f: w for f, w in flags.items()
            if getattr(args, f[2:].replace("-", "_"), None) not in (None, [])}  # fmt: skip


# ---- the commands ------------------------------------------------------------------------
def _run_report(args):
    from .report import PLANS, report
    from .report import check as check_report

    options = _options(args, OPTIMIZERS)
    plan = PLANS["quick" if args.quick else "default"]
    _check(args, {"--text": "text", **_given(args, _OPTIMIZER_FLAGS)}, check_report, plan,
           args.seed, args.text, args.device, options)  # fmt: skip
    _check_out(args, args.out, "index.md")
    path, violations = report(args.out, quick=args.quick, seed=args.seed, text=args.text,
                              device=args.device, options=options,
                              progress=not args.no_progress)  # fmt: skip
    print(f"report written to {path}")
    for v in violations:
        print(f"BOUND EXCEEDED: {v}")
    return 1 if violations else 0


def _run_train(args):
    from .experiments import figures
    from .experiments.results import write_csv, write_json
    from .experiments.train import RunConfig, check_checkpoint, run_name, train

    if (args.beta1 is None) != (args.beta2 is None):
        args.error("--beta1 and --beta2 go together")
    betas = None if args.beta1 is None else (args.beta1, args.beta2)
    if args.optimizer == "lion" and args.monitor:
        args.error("--monitor: lion keeps no second moment; monitor another optimizer")
    options = _options(args, [args.optimizer])
    model = {key: getattr(args, key) for key in _MODEL_FLAGS.values()
             if getattr(args, key) is not None}  # fmt: skip
    model_flags = {"--size": "size", **_given(args, _MODEL_FLAGS)}
    _check(args, model_flags, check_model, args.task, args.size, model)
    _check(args, {"--text": "text"}, check_text, args.text, args.task, args.size,
           model.get("block_size"))  # fmt: skip
    _check(args, _given(args, _OPTIMIZER_FLAGS), check_optimizer, args.optimizer,
           lr=args.lr or 1e-3, betas=betas, **options)  # fmt: skip
    cfg = RunConfig(task=args.task, optimizer=args.optimizer, steps=args.steps, lr=args.lr,
                    betas=betas, seed=args.seed, size=args.size, text=args.text,
                    device=args.device, eval_every=args.eval_every, monitor=args.monitor,
                    checkpoint=args.checkpoint, checkpoint_every=args.checkpoint_every,
                    optimizer_options=options, dtype=args.dtype, compile=args.compile,
                    model=model, grad_accum=args.grad_accum, schedule=args.schedule,
                    warmup=args.warmup, weight_decay=args.weight_decay)  # fmt: skip
    _check(args, {"--warmup": "warmup", "--schedule": "schedule"},
           replace(cfg, checkpoint=None).check)  # fmt: skip
    _check(args, {"--checkpoint": "checkpoint"}, check_checkpoint, cfg)
    folder = os.path.join(args.out, run_name(cfg))
    with staged_output(folder, "result.json", "--out") as stage:  # checks --out first
        res = train(cfg, progress=not args.no_progress)
        write_json(res.to_dict(), f"{stage}/result.json")
        write_csv(res.history, f"{stage}/history.csv")
        figures.loss_curves([res], f"{stage}/loss.png")
        if args.monitor:
            figures.bound_vs_measured(res, f"{stage}/bounds.png")
    f = res.final
    print(f"{args.task}/{args.optimizer}: {f['steps']} steps, train loss {f['train_loss']:.4g}, "
          f"val loss {f['val_loss']:.4g}{' (diverged)' if f['diverged'] else ''}, "
          f"{f['tokens_per_s'] or 0:.4g} tokens/s; "
          f"results in {folder}{os.sep}")  # fmt: skip
    return 0


def _run_grid(args):
    from .experiments import figures
    from .experiments.grid import robustness_grid
    from .experiments.results import write_json

    options = _options(args, args.optimizers)
    _check(args, {"--size": "size"}, check_model, args.task, args.size)
    _check(args, {"--text": "text"}, check_text, args.text, args.task, args.size)
    size = args.size if args.size in BETA1S else "quick"
    beta1s, beta2s = args.beta1s or BETA1S[size], args.beta2s or BETA2S[size]
    flags = {"--beta1s": "beta1", "--beta2s": "beta2", **_given(args, _OPTIMIZER_FLAGS)}
    _check(args, flags, check_points, args.optimizers, beta1s, beta2s, options)
    with staged_output(args.out, "grid.json", "--out") as stage:  # checks --out first
        g = robustness_grid(args.task, size=args.size, optimizers=args.optimizers,
                            beta1s=beta1s, beta2s=beta2s, steps=args.steps, seed=args.seed,
                            text=args.text, device=args.device, options=options,
                            progress=not args.no_progress)  # fmt: skip
        write_json(g.to_dict(), f"{stage}/grid.json")
        figures.robustness_heatmaps(g, f"{stage}/grid.png")
    for o, s in g.summary().items():
        print(
            f"{o}: mean {s['mean']:.4g}, median {s['median']:.4g}, worst {s['worst']:.4g}, "
            f"within 5% of best {s['near_best']:.0%}"
        )
    print(f"results in {args.out}/grid.json, figure {args.out}/grid.png")
    return 0
