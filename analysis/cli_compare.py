"""``mada-analysis compare``: the headline comparison over seeds (:mod:`.experiments.compare`).

Writes ``OUT/index.md`` (the summary line, the table, the paper's metric, the sweep),
``OUT/compare.json``, ``OUT/history.csv`` and ``OUT/figures/*.png``; the folder is built under
a temporary name and renamed at the end. Every input is checked before any compute; errors
name the argument (exit status 2).
"""

from __future__ import annotations

from .cli_experiments import (
    _OPTIMIZER_FLAGS,
    _STEPS,
    _check,
    _check_out,
    _given,
    _number,
    _options,
    _shared,
)
from .experiments.compare import COMPARED, REQUIRED, SCALES
from .experiments.optimizers import OPTIMIZERS

_SEEDS = _number(2, 100, integer=True)
_THREADS = _number(1, 1024, integer=True)


def add_parser(sub):
    c = sub.add_parser("compare", help="AdamW, Adam, Lion, Adan, HyperAdam, AVGrad, MADA over "
                       "seeds, each at its own swept lr -> OUT/index.md")  # fmt: skip
    c.add_argument("--scale", choices=SCALES, default="default",
                   help="quick: about a minute on 2 CPU cores; default: the report's CPU "
                   "size; gpu: char-GPT 32M, bf16, compiled, on CUDA (default: "
                   "default)")  # fmt: skip
    c.add_argument("--seeds", type=_SEEDS, help="number of reported seeds in [2, 100] "
                   "(default 3); the lr sweep runs on one more, separate seed")  # fmt: skip
    c.add_argument("--steps", type=_STEPS, help="training steps (default: the scale's)")
    c.add_argument("--optimizers", nargs="+", choices=OPTIMIZERS, default=list(COMPARED),
                   help=f"default: {' '.join(COMPARED)}; must include "
                   f"{', '.join(REQUIRED)}")  # fmt: skip
    c.add_argument("--threads", type=_THREADS, help="torch threads in [1, 1024] (default: "
                   "1 at the CPU scales, where tiny models gain nothing from more; torch's "
                   "at gpu)")  # fmt: skip
    c.add_argument("--out", default="compare", help="output folder (default compare/), "
                   "replaced as a whole at the end")  # fmt: skip
    _shared(c)
    c.set_defaults(error=c.error, run=run)


def command(args):
    """The command line that reproduces ``args`` (for the output's header)."""
    parts = ["mada-analysis compare", f"--scale {args.scale}", f"--seed {args.seed}"]
    for flag in ("seeds", "steps", "threads", "text", "device", "hyper_lr"):
        value = getattr(args, flag)
        if value is not None:
            parts.append(f"--{flag.replace('_', '-')} {value}")
    if args.optimizers != list(COMPARED):
        parts.append("--optimizers " + " ".join(args.optimizers))
    parts += [f"--bounds {k}={lo:g}:{hi:g}" for k, (lo, hi) in args.bounds]
    return " ".join([*parts, f"--out {args.out}"])


def run(args):
    import torch

    from .experiments import compare_report
    from .experiments.compare import compare
    from .experiments.results import staged_output

    missing = [o for o in REQUIRED if o not in args.optimizers]
    if missing:
        args.error(f"--optimizers: must include {', '.join(REQUIRED)}; missing "
                   f"{', '.join(missing)}")  # fmt: skip
    device = args.device or SCALES[args.scale]["device"]
    if device and device.startswith("cuda") and not torch.cuda.is_available():
        args.error(f"--scale {args.scale}: runs on CUDA and no CUDA device is available here "
                   "(use --scale quick or default on the CPU)")  # fmt: skip
    options = _options(args, args.optimizers)
    _check_out(args, args.out, "compare.json")
    kw = {"optimizers": args.optimizers, "seeds": args.seeds, "seed": args.seed,
          "steps": args.steps, "text": args.text, "device": args.device, "options": options,
          "threads": args.threads, "progress": not args.no_progress}  # fmt: skip
    flags = {"--text": "text", **_given(args, _OPTIMIZER_FLAGS)}
    with staged_output(args.out, "compare.json", "--out") as stage:
        result = _check(args, flags, compare, args.scale, **kw)
        compare_report.write(result, stage, command(args))
    print(result.summary())
    print(f"results in {args.out}/index.md")
    return 0
