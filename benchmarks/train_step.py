r"""Time per full training step of the char-GPT: MADA (all six learned) against torch AdamW.

A training step here is what a training loop pays: forward, backward, ``optimizer.step()``
and ``zero_grad(set_to_none=True)``, on the ``chargpt`` task of
``analysis.experiments.tasks`` (nanoGPT-style model, batches of this interpreter's
standard-library sources). The implementations are measured side by side in one process:

============  ===========================================================================
impl          optimizer
============  ===========================================================================
adamw         ``torch.optim.AdamW(lr, weight_decay=0.01)``, torch's default path
adamw_fused   the same with ``fused=True``: the baseline on CUDA (measured there only)
mada_fused    ``MADA.preset("mada", fused=True)``: all six coefficients learned, one
              compiled kernel per bucket of like tensors and phase
mada_foreach  ``MADA.preset("mada", foreach=True)``: the same update run eagerly on
              each bucket's concatenation
============  ===========================================================================

Each implementation trains its own copy of the same initial model on the same batches.
Timing: every implementation first takes ``warmup`` steps (the fused path compiles on its
first step; that is not timed). Then in each repeat every implementation runs a block of
``steps`` training steps, in an order rotating from repeat to repeat (round-robin), so that
machine noise hits all alike; the reported time is the median over repeats of the mean
step time of a block, and the ratio is that median over AdamW's; the paired ratio is the
median over repeats of the block time over AdamW's block time in the same repeat (robust
to slow drifts of the machine's speed). On CUDA the device is
synchronized around every timed block. The ratios are to ``adamw_fused`` on CUDA (the
issue's target: ``mada_fused`` <= 1.10x) and to ``adamw`` on CPU.

Usage::

    python benchmarks/train_step.py                  # 4 layers, n_embd 256, block 128, batch 16
    python benchmarks/train_step.py --threads 2 --n-layer 6 --n-embd 384
    python benchmarks/train_step.py --quick          # tiny model, a few seconds
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling _timing.py
from _timing import round_robin

from analysis.experiments.optimizers import make_optimizer
from analysis.experiments.tasks import make_task, resolve_device

IMPLS = ("adamw", "adamw_fused", "mada_fused", "mada_foreach")
MODEL = {"n_layer": 4, "n_head": 4, "n_embd": 256, "block_size": 128, "batch_size": 16}
QUICK_MODEL = {"n_layer": 1, "n_head": 2, "n_embd": 32, "block_size": 32, "batch_size": 4}
FULL = {"warmup": 3, "repeats": 7, "steps": 2}
QUICK = {"warmup": 1, "repeats": 3, "steps": 1}
LR = 3e-4


def make_optimizer_for(impl, params):
    if impl in ("adamw", "adamw_fused"):
        return make_optimizer("adamw", params, lr=LR, fused=impl == "adamw_fused" or None)
    if impl == "mada_fused":
        return make_optimizer("mada", params, lr=LR, fused=True)
    if impl == "mada_foreach":
        opt = make_optimizer("mada", params, lr=LR, fused=False)
        for group in opt.param_groups:
            group["foreach"] = True
        return opt
    raise ValueError(f"impl must be one of {IMPLS}, got {impl!r}")


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def run_benchmark(model=MODEL, device="cpu", *, warmup, repeats, steps, impls=IMPLS, log=None):
    """Time every implementation on the char-GPT of size ``model``; the JSON-able result."""
    device = resolve_device(device)
    runners, params = {}, None
    for impl in impls:
        task = make_task("chargpt", seed=0, device=device, **model)  # same init for all
        runners[impl] = (task, make_optimizer_for(impl, task.model.parameters()))
        params = task.info["params"]
    calls = dict.fromkeys(impls, 0)

    def run(impl, n):
        task, opt = runners[impl]
        _sync(device)
        start = time.perf_counter()
        for _ in range(n):
            calls[impl] += 1
            task.loss(task.batch(calls[impl])).backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
        _sync(device)
        return (time.perf_counter() - start) / n

    for impl in impls:
        t0 = time.perf_counter()
        run(impl, warmup)
        if log:
            log(f"  warm-up {impl}: {time.perf_counter() - t0:.1f} s")
    times = round_robin(impls, run, repeats, dict.fromkeys(impls, steps))
    median = {impl: 1e3 * statistics.median(t) for impl, t in times.items()}
    # paired: each repeat's ratio to the baseline block of the same repeat (drifts cancel)
    base = times.get(baseline(impls))
    paired = {impl: statistics.median(a / b for a, b in zip(t, base)) if base else None
              for impl, t in times.items()}  # fmt: skip
    cases = [{"impl": i, "step_ms": median[i], "paired_ratio": paired[i]} for i in impls]
    return {
        "cases": cases,
        "model": dict(model),
        "params": params,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "settings": {"warmup": warmup, "repeats": repeats, "steps": steps},
    }


def baseline(impls):
    """The implementation the ratios are to: fused AdamW where it is measured (CUDA)."""
    return "adamw_fused" if "adamw_fused" in impls else "adamw"


def markdown_table(doc):
    name = baseline([c["impl"] for c in doc["cases"]])
    base = {c["impl"]: c["step_ms"] for c in doc["cases"]}.get(name)
    lines = [f"| impl | step ms (median) | ratio to {name} | paired ratio (median) |",
             "|---|---:|---:|---:|"]  # fmt: skip
    for c in doc["cases"]:
        ratio = f"{c['step_ms'] / base:.2f}" if base else "-"
        paired = f"{c['paired_ratio']:.2f}" if c.get("paired_ratio") is not None else "-"
        lines.append(f"| {c['impl']} | {c['step_ms']:.1f} | {ratio} | {paired} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny model, few repeats (smoke)")
    parser.add_argument("--device", choices=("cpu", "cuda", "auto"), default="auto")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    for key in MODEL:
        parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--impls", default=None, help="comma-separated subset (default: all; "
                        "adamw_fused on CUDA only)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: CUDA is not available")
    device = resolve_device(args.device)
    default = [i for i in IMPLS if i != "adamw_fused" or device.type == "cuda"]
    impls = tuple(args.impls.split(",")) if args.impls else tuple(default)
    if not set(impls) <= set(IMPLS):
        parser.error(f"--impls must be among {IMPLS}, got {args.impls!r}")
    model = dict(QUICK_MODEL if args.quick else MODEL)
    model.update({k: getattr(args, k) for k in MODEL if getattr(args, k) is not None})
    settings = dict(QUICK if args.quick else FULL)
    if args.repeats is not None:
        settings["repeats"] = args.repeats
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    doc = run_benchmark(model, device, **settings, impls=impls, log=log)
    print(
        f"device {doc['device']}, torch {doc['torch']}, {doc['threads']} threads; char-GPT "
        f"{doc['params'] / 1e6:.2f}M params, {model}; median of {settings['repeats']} "
        f"round-robin repeats of {settings['steps']} steps after {settings['warmup']} warm-up"
    )
    print(markdown_table(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
