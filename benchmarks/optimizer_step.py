r"""Per-step time and state memory: torch Adam, MADA, and the paper's autograd hypergradients.

Four implementations are measured side by side in one process, on the same parameters and
the same gradients:

==================== =====================================================================
impl                 what runs
==================== =====================================================================
torch_adam           ``torch.optim.Adam(foreach=True)``: the baseline on CPU
torch_adam_fused     ``torch.optim.Adam(fused=True)``: the baseline on CUDA
mada_adam            ``MADA.preset("adam", fused=True)``: nothing learned
mada_full            ``MADA.preset("mada", fused=True)``: all six coefficients learned,
                     hypergradients computed analytically
                     (``--mada-path foreach`` measures both with ``foreach=True`` instead)
autograd_reference   :class:`AutogradMADA` (``autograd_mada.py``): the same update and
                     hypergradients the way the paper's code gets them, by back-propagating
                     through a graph of the step that is held from one step to the next
==================== =====================================================================

Parameter sets: one 1M-parameter tensor, one 10M-parameter tensor, the parameters of a
small transformer (``nn.TransformerEncoder``, d_model=256, 4 layers, 4 heads, feed-forward
1024: 3.16M parameters in 48 tensors), 148 tensors of 64 elements (the time is all
dispatch: the CPU proxy for the launch count), and on CUDA (or with ``--gpt2``) the
parameter shapes of GPT-2 124M (148 tensors; ``autograd_reference`` is left out there).

Bandwidth: each step's traffic is modelled as bytes per parameter (Adam and the adam preset:
read p, g, m, v and write p, m, v, 28 B in fp32; all six learned: read p, g and 7 state
buffers, write p and 7, 64 B) and reported as GB/s against the device's copy bandwidth,
measured in the same run (``dst.copy_(src)``, read + write).

The gradients are two fixed random sets that alternate step by step, so the hypergradients
are not trivial. No forward or backward pass of a model is timed: only
``optimizer.step()`` (and setting ``.grad``).

Timing: every implementation first takes a few warm-up steps. Then, in each repeat, every
implementation runs a few steps, in an order that rotates from repeat to repeat
(round-robin), so machine noise hits all of them alike. The reported time per step is the
median over the repeats. On CUDA the device is synchronized around every timed block.

State bytes: the sum of ``nbytes`` of the distinct tensors in ``opt.state`` (torch's Adam
keeps its ``step`` as a 0-dim float32 tensor, 4 bytes per parameter tensor; MADA keeps one
float64 counter tensor per bucket, shared by its parameters). For the autograd reference:
every distinct storage it keeps alive between steps, namely its state buffers, its
coefficient tensors and every tensor that the held graph saved for backward, minus the
parameters themselves.

Clock: wall time by default. ``--clock process`` times each block in CPU time of the process
(``time.process_time``, all its threads): on a machine loaded by other work the wall time
mostly measures the scheduler, the CPU time the work. Use it with ``--threads 1``; with more
threads it also counts OpenMP workers spinning at barriers.

CPU caveat: with glibc's malloc, an implementation that allocates and frees many
parameter-sized temporaries every step (MADA's learned path does) can spend much of its step
in page faults on freshly mapped memory, and how many it takes depends on the heap's history.
Running with ``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296`` (or
another allocator) shows the cost of the arithmetic alone. The header line says which
setting the run used. The same holds for the baseline: measured in one process after MADA's
steps, torch Adam(foreach)'s own median on the transformer case ranged from 5.9 to 19.1 ms under
the default setting, depending on what had been freed before it.

Usage::

    python benchmarks/optimizer_step.py                 # full run (a few minutes on 2 cores)
    python benchmarks/optimizer_step.py --quick         # 1M + transformer, under a minute
    python benchmarks/optimizer_step.py --json out.json --device auto
    python benchmarks/optimizer_step.py --check         # only the hypergradient self-check

Every run first performs the self-check (:func:`self_check`): on small float64 problems the
autograd reference's hypergradients must agree with ``MADA(learn=True).hypergradients`` to
1e-6 relative, so the baseline computes the same thing as the optimizer it is compared with.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling autograd_mada.py
from _timing import round_robin
from autograd_mada import CHECK_RTOL, AutogradMADA, self_check

from analysis.experiments.results import write_atomic
from mada import MADA, preset_kwargs

IMPLS = ("torch_adam", "torch_adam_fused", "mada_adam", "mada_full", "autograd_reference")
# Modelled traffic per fp32 parameter and step (module docstring).
BYTES_PER_PARAM = {"torch_adam": 28, "torch_adam_fused": 28, "mada_adam": 28, "mada_full": 64}

# Each timed block runs an implementation for about block_s seconds (at least 1, at most
# MAX_STEPS steps, counted from a timed warm-up step), so fast and slow steps are both timed
# over a measurable interval while the slow ones do not dominate the run time.
FULL = {"warmup": 5, "repeats": 15, "block_s": 0.05}
QUICK = {"warmup": 3, "repeats": 5, "block_s": 0.02}
MAX_STEPS = 20
CLOCKS = {"wall": time.perf_counter, "process": time.process_time}


def gpt2_shapes(n_layer=12, d=768, vocab=50304, block=1024):
    """The parameter shapes of GPT-2 124M (nanoGPT's layout, wte tied to the head)."""
    per_block = [(d,), (d,), (3 * d, d), (3 * d,), (d, d), (d,), (d,), (d,), (4 * d, d),
                 (4 * d,), (d, 4 * d), (d,)]  # fmt: skip
    return [(vocab, d), (block, d)] + per_block * n_layer + [(d,), (d,)]


def param_sets(quick=False, gpt2=False):
    """(label, list of shapes) of the parameter sets measured."""
    layer = torch.nn.TransformerEncoderLayer(256, 4, 1024, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
    shapes = [tuple(p.shape) for p in model.parameters()]
    numel = sum(math.prod(s) for s in shapes)
    transformer = (f"transformer ({numel / 1e6:.2f}M, {len(shapes)} tensors)", shapes)
    sets = [("1M (1 tensor)", [(1000, 1000)])]
    if not quick:
        sets.append(("10M (1 tensor)", [(10_000, 1000)]))
    sets.append(transformer)
    sets.append(("148 x 64 (dispatch)", [(64,)] * 148))
    if gpt2:
        sets.append(("gpt2-124m (148 tensors)", gpt2_shapes()))
    return sets


def optimizer_state_bytes(opt):
    """Sum of ``nbytes`` of every distinct tensor in ``opt.state`` (a tensor shared by
    several params, as MADA's step counter, counts once)."""
    tensors = {id(v): v for state in opt.state.values() for v in state.values()
               if torch.is_tensor(v)}  # fmt: skip
    return sum(v.nbytes for v in tensors.values())


class _Optimizer:
    """A torch optimizer over its own copy of the parameters."""

    def __init__(self, impl, x0, mada_path="fused"):
        self.params = [torch.nn.Parameter(x.clone()) for x in x0]
        path = {mada_path: True}  # fused=True or foreach=True
        if impl == "torch_adam":
            self.opt = torch.optim.Adam(self.params, foreach=True)
        elif impl == "torch_adam_fused":
            self.opt = torch.optim.Adam(self.params, fused=True)
        elif impl == "mada_adam":
            self.opt = MADA.preset("adam", self.params, **path)
        elif impl == "mada_full":
            self.opt = MADA.preset("mada", self.params, **path)
        else:
            raise ValueError(impl)

    def step(self, grads):
        for p, g in zip(self.params, grads, strict=True):
            p.grad = g
        self.opt.step()

    def state_bytes(self):
        return optimizer_state_bytes(self.opt)


class _Reference:
    """The autograd reference at the ``"mada"`` preset's point (all six learned)."""

    def __init__(self, x0):
        self.ref = AutogradMADA(x0, **preset_kwargs("mada"))

    def step(self, grads):
        self.ref.step(grads)

    def track(self):
        self.ref.track_saved_tensors()

    def state_bytes(self):
        return self.ref.kept_bytes()


def make_runner(impl, x0, mada_path="fused"):
    return _Reference(x0) if impl == "autograd_reference" else _Optimizer(impl, x0, mada_path)


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure_case(
    label,
    shapes,
    device,
    *,
    warmup,
    repeats,
    block_s=0.05,
    steps=None,
    impls=IMPLS,
    seed=0,
    mada_path="fused",
    clock=time.perf_counter,
):
    """Time and state bytes of each implementation on one parameter set; a list of cases.

    Each implementation takes ``warmup`` steps, the last one timed to choose its steps per
    timed block (``steps`` fixes them instead), then one more step after which its state is
    measured. Then ``repeats`` rounds time one block of each implementation, the order
    rotating by one every round.
    """
    device = torch.device(device)
    gen = torch.Generator().manual_seed(seed)
    x0 = [torch.randn(s, generator=gen).to(device) for s in shapes]
    grad_sets = [[torch.randn(s, generator=gen).to(device) for s in shapes] for _ in range(2)]
    runners = {impl: make_runner(impl, x0, mada_path) for impl in impls}
    calls = dict.fromkeys(impls, 0)

    def run(impl, n):
        _sync(device)
        start = clock()
        for _ in range(n):
            runners[impl].step(grad_sets[calls[impl] % 2])
            calls[impl] += 1
        _sync(device)
        return (clock() - start) / n

    state_bytes, block = {}, {}
    for impl, runner in runners.items():
        if warmup > 1:
            run(impl, warmup - 1)
        estimate = run(impl, 1)
        block[impl] = steps or max(1, min(MAX_STEPS, math.ceil(block_s / estimate)))
        if isinstance(runner, _Reference):
            runner.track()  # this step records what the graph it holds has saved
        run(impl, 1)
        state_bytes[impl] = runner.state_bytes()

    times = round_robin(impls, run, repeats, block)
    numel = sum(math.prod(s) for s in shapes)
    spread = {impl: (1e3 * min(t), 1e3 * max(t)) for impl, t in times.items()}
    return [
        {
            "params": label,
            "impl": impl,
            "step_ms": 1e3 * statistics.median(times[impl]),
            "state_bytes": int(state_bytes[impl]),
            "numel": numel,
            "tensors": len(shapes),
            "steps_per_repeat": block[impl],
            "step_ms_min_max": spread[impl],
            "model_bytes": BYTES_PER_PARAM.get(impl, 0) * numel,
        }
        for impl in impls
    ]


def pick_device(name):
    if name == "cuda" or (name == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda: CUDA is not available")
        return torch.device("cuda")
    return torch.device("cpu")


def run_benchmark(
    sets,
    device="cpu",
    *,
    warmup,
    repeats,
    block_s=0.05,
    steps=None,
    impls=IMPLS,
    log=None,
    mada_path="fused",
    clock="wall",
):
    """Measure every parameter set; return the JSON document (a dict)."""
    device = torch.device(device)
    cases = []
    for label, shapes in sets:
        use = [i for i in impls if not (i == "autograd_reference" and label.startswith("gpt2"))]
        t0 = time.perf_counter()
        cases += measure_case(
            label,
            shapes,
            device,
            warmup=warmup,
            repeats=repeats,
            block_s=block_s,
            steps=steps,
            impls=use,
            mada_path=mada_path,
            clock=CLOCKS[clock],
        )
        if log:
            log(f"  {label}: {time.perf_counter() - t0:.1f} s")
        gc.collect()
    return {
        "cases": cases,
        "copy_gbps": copy_bandwidth(device),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "settings": {
            "warmup": warmup,
            "repeats": repeats,
            "block_s": block_s,
            "steps": steps,
            "mada_path": mada_path,
            "clock": clock,
        },
    }


def copy_bandwidth(device, numel=None, repeats=9):
    """GB/s of ``dst.copy_(src)`` on ``device`` (bytes read + written), median of repeats."""
    device = torch.device(device)
    numel = numel or (1 << 26 if device.type == "cuda" else 1 << 24)
    src = torch.ones(numel, device=device)
    dst = torch.empty_like(src)
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        dst.copy_(src)
        _sync(device)
        times.append(time.perf_counter() - start)
    return 2 * src.nbytes / statistics.median(times) / 1e9


def baseline(doc):
    """The implementation the ratios are to: Adam fused on CUDA, Adam foreach on CPU."""
    impls = {c["impl"] for c in doc["cases"]}
    cuda = doc["device"] != "cpu"
    return "torch_adam_fused" if cuda and "torch_adam_fused" in impls else "torch_adam"


def markdown_table(doc):
    name = baseline(doc)
    lines = [
        f"| params | impl | step ms (median) | min-max ms | ratio to {name} "
        f"| GB/s (% of copy {doc['copy_gbps']:.0f}) | state MB | state / {name} |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    base = {c["params"]: c for c in doc["cases"] if c["impl"] == name}
    for c in doc["cases"]:
        b = base.get(c["params"])
        ratio_t = f"{c['step_ms'] / b['step_ms']:.2f}" if b else "-"
        ratio_m = f"{c['state_bytes'] / b['state_bytes']:.2f}" if b else "-"
        lo, hi = c["step_ms_min_max"]
        gbps = c["model_bytes"] / c["step_ms"] / 1e6
        bw = f"{gbps:.1f} ({100 * gbps / doc['copy_gbps']:.0f}%)" if c["model_bytes"] else "-"
        lines.append(
            f"| {c['params']} | {c['impl']} | {c['step_ms']:.3f} | {lo:.3f}-{hi:.3f} | "
            f"{ratio_t} | {bw} | {c['state_bytes'] / 1e6:.1f} | {ratio_m} |"
        )
    return "\n".join(lines)


def write_json(doc, path):
    """Write ``doc`` to ``path`` atomically (:func:`analysis.experiments.results.write_atomic`)."""
    write_atomic(json.dumps(doc, indent=2) + "\n", path)


def _print_check(report, verbose):
    ok = report["max_rel_err"] <= CHECK_RTOL
    print(
        f"self-check {'ok' if ok else 'FAILED'}: autograd reference vs MADA hypergradients, "
        f"max relative error {report['max_rel_err']:.2e} (tolerance {CHECK_RTOL:g}), "
        f"parameters {report['max_param_rel_err']:.2e}"
    )
    if verbose or not ok:
        print("| point | step | q | MADA h | autograd h | rel. err |")
        print("|---|---:|---|---:|---:|---:|")
        for name, t, k, a, b, e in report["rows"]:
            if verbose or e > CHECK_RTOL:
                print(f"| {name} | {t} | {k} | {a:.12e} | {b:.12e} | {e:.1e} |")
    return ok


def allocator():
    """The malloc settings of this run, for the header: they change the CPU baseline."""
    names = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
    fixed = [f"{k}={os.environ[k]}" for k in names if k in os.environ]
    return "malloc " + (" ".join(fixed) if fixed else "default (glibc: dynamic mmap threshold)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1M + transformer, fewer repeats")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--device", choices=("cpu", "cuda", "auto"), default="auto")
    parser.add_argument("--check", action="store_true", help="run only the self-check")
    parser.add_argument(
        "--gpt2",
        action="store_true",
        help="add GPT-2 124M's shapes (default on CUDA; 4.5 GB per optimizer)",
    )
    parser.add_argument("--impls", default=",".join(IMPLS), help="comma-separated subset")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's); 1 is robust to other load on the machine",
    )
    parser.add_argument(
        "--mada-path",
        choices=("fused", "foreach"),
        default="fused",
        help="MADA's implementation path (default: fused)",
    )
    parser.add_argument(
        "--clock",
        choices=tuple(CLOCKS),
        default="wall",
        help="wall time, or the process's CPU time (robust to other load; use --threads 1)",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)

    ok = _print_check(self_check(device), verbose=args.check)
    if args.check or not ok:
        return 0 if ok else 1

    settings = QUICK if args.quick else FULL
    print(
        f"device {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"median of {settings['repeats']} repeats (blocks of ~{settings['block_s']} s, "
        f"round-robin) after {settings['warmup']} warm-up steps; MADA path {args.mada_path}; "
        f"{args.clock} clock; {allocator()}",
        flush=True,
    )
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    impls = tuple(args.impls.split(","))
    if not set(impls) <= set(IMPLS):
        parser.error(f"--impls must be among {IMPLS}, got {args.impls!r}")
    sets = param_sets(args.quick, gpt2=args.gpt2 or device.type == "cuda")
    doc = run_benchmark(
        sets, device, **settings, impls=impls, log=log, mada_path=args.mada_path, clock=args.clock
    )
    doc["quick"] = args.quick
    if args.json:
        write_json(doc, args.json)
    print(markdown_table(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
