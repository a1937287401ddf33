r"""The headline comparison: AdamW, Adam, Lion, Adan, HyperAdam, AVGrad and MADA, several seeds.

:func:`compare` trains every optimizer of :data:`COMPARED` on one task for the same number of
steps on each of ``seeds`` seeds and returns a :class:`CompareResult`: the final validation
loss (mean ± std, min–max), the per-seed difference to AdamW, and the paper's metric, the
validation gain over Adam (Ozkara et al. 2024, v2 abstract: on GPT-2, MADA's gain over Adam is
"3×" the other optimizers'; the released logs give MADA's gain as 2.8958 → 2.881, the others'
numbers were not published).

**Fairness.** Every optimizer starts from the Adam control's :data:`BETAS` = (0.9, 0.95), the
paper's GPT-2 setting; Lion has no second moment, so its pair (the sign's interpolation and
momentum) stays Lion's own (0.95, 0.98). Each optimizer gets its own learning rate: the one of
:data:`LR_FACTORS` × the task's base rate (Lion: :data:`LION_LR_FACTORS`, 3–30× smaller, as
Lion's authors advise) with the lowest final validation loss on a **separate sweep seed**
(``seed + seeds``), never on a reported seed. A best rate at the edge of the candidates gets
one more candidate :data:`EXTEND` = 3× beyond that edge (once); a rate still at the edge is
flagged in the output. The sweep runs the reported budget (``gpu``: a third of it). Weight
decay: each optimizer's default (AdamW 0.01, the others 0) on the CPU; 0.1 for all at ``gpu``
(nanoGPT's and the paper's).

**Scales** (:data:`SCALES`): ``quick`` (char-GPT ``quick`` size, one thread: about a minute
on 2 CPU cores), ``default`` (the report's CPU size, ``default``), ``gpu`` (char-GPT ``gpu``
size, bf16 autocast, ``torch.compile``, warmup + cosine schedule, on CUDA; the fields of
:class:`.train.RunConfig` named in ``notes/CONTRACT16.md``). Runs go seed by seed, each seed
through every optimizer, so a drift in the machine's load spreads over all optimizers; the
wall-clock column is the median over seeds, and "× AdamW" the median of per-seed ratios.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import statistics
import time

from .optimizers import coefficients, learns, make_optimizer
from .train import progress_bar, train

COMPARED = ("adamw", "adam", "lion", "adan", "hyperadam", "avgrad", "mada")
REQUIRED = ("adamw", "adam", "mada")  # the baseline of the differences, of the gains; the subject
BETAS = (0.9, 0.95)
LR_FACTORS = (1 / 3, 1.0, 3.0)
LION_LR_FACTORS = (1 / 30, 1 / 10, 1 / 3)
EXTEND = 3.0  # a best rate at the edge of the candidates gets one more, this factor beyond
GPU_FIELDS = {"dtype": "bf16", "compile": True, "schedule": "cosine", "weight_decay": 0.1}
SCALES = {
    "quick": {"task": "chargpt", "size": "quick", "seeds": 3, "eval_every": 3, "sweep_div": 1,
              "threads": 1, "device": None, "fields": {}},
    "default": {"task": "chargpt", "size": "default", "seeds": 3, "eval_every": 5,
                "sweep_div": 1, "threads": 1, "device": None, "fields": {}},
    "gpu": {"task": "chargpt", "size": "gpu", "seeds": 3, "eval_every": 10, "sweep_div": 3,
            "threads": None, "device": "cuda", "fields": GPU_FIELDS},
}  # fmt: skip
#: The paper's figure beside ours: MADA's gain over Adam relative to the other optimizers'.
PAPER_RATIO = 3.0
PAPER_SOURCE = ("Ozkara et al. 2024, arXiv 2401.08893v2 abstract: MADA gives 3× the validation "
                "gain over Adam that other popular optimizers do on GPT-2 (124M, OpenWebText, "
                "100K steps; MADA 2.881 vs Adam 2.8958 in the released logs)")  # fmt: skip


def plan_of(scale):
    """A copy of :data:`SCALES` ``[scale]``; ValueError naming ``scale`` otherwise."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    return {**SCALES[scale], "fields": dict(SCALES[scale]["fields"])}


def make_config(fields):
    """``RunConfig(**fields)``; a field this checkout's RunConfig lacks is a clear error."""
    from .train import RunConfig

    missing = sorted(set(fields) - {f.name for f in dataclasses.fields(RunConfig)})
    if missing:
        raise ValueError(f"this checkout's RunConfig has no field(s) {missing}, needed by the "
                         "gpu scale (the GPU harness of notes/CONTRACT16.md)")  # fmt: skip
    return RunConfig(**fields)


def lr_candidates(optimizer, base):
    """The sweep's learning rates of ``optimizer`` around the task's ``base`` rate."""
    factors = LION_LR_FACTORS if optimizer == "lion" else LR_FACTORS
    return [base * f for f in factors]


def run_fields(plan, optimizer, seed, lr, *, steps, eval_every, text=None, device=None,
               options=None):  # fmt: skip
    """The :class:`.train.RunConfig` fields of one run of the comparison."""
    return {"task": plan["task"], "optimizer": optimizer, "steps": steps, "lr": lr,
            "betas": None if optimizer == "lion" else BETAS, "seed": seed,
            "size": plan["size"], "text": text, "device": device or plan["device"],
            "eval_every": eval_every,
            "optimizer_options": dict(options or {}) if learns(optimizer) else {},
            **plan["fields"]}  # fmt: skip


def initial_coefficients(optimizer, lr, options=None):
    """The coefficients ``optimizer`` starts from in the comparison (its step 0)."""
    import torch

    w = [torch.nn.Parameter(torch.zeros(1))]
    opts = dict(options or {}) if learns(optimizer) else {}
    betas = None if optimizer == "lion" else BETAS
    return coefficients(make_optimizer(optimizer, w, lr=lr, betas=betas, **opts))


@contextlib.contextmanager
def torch_threads(n):
    """``with torch_threads(n) as used:`` torch runs on ``n`` threads (None: unchanged); the
    previous count is restored on exit."""
    import torch

    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def prepare(scale="default", *, optimizers=COMPARED, seeds=None, seed=0, steps=None,
            text=None, device=None, options=None):  # fmt: skip
    """Check every input of :func:`compare` (ValueError naming the first bad one) and
    return its plan: the settings and ``config(optimizer, seed, lr, steps, eval_every)``."""
    from .tasks import defaults

    plan = plan_of(scale)
    n = plan["seeds"] if seeds is None else seeds
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"seeds must be an integer >= 2 (a spread needs two); got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    optimizers = list(dict.fromkeys(optimizers))
    for name in REQUIRED:
        if name not in optimizers:
            raise ValueError(f"optimizers must include {', '.join(REQUIRED)} (the baselines "
                             f"and the subject); got {optimizers}")  # fmt: skip
    steps_default, base = defaults(plan["task"], plan["size"])
    steps = steps or steps_default
    kw = {"text": text, "device": device, "options": options}

    def config(o, s, lr, n_steps, every):
        return make_config(run_fields(plan, o, s, lr, steps=n_steps, eval_every=every, **kw))

    out = {**plan, "n": n, "optimizers": optimizers, "steps": steps, "base": base,
           "sweep_steps": max(1, steps // plan["sweep_div"]), "config": config,
           "every": max(1, min(plan["eval_every"], steps // 10 or 1))}  # fmt: skip
    for o in optimizers:  # every setting, before the first run
        for lr in lr_candidates(o, base):
            config(o, seed + n, lr, out["sweep_steps"], out["sweep_steps"]).check()
    return out


def compare(scale="default", *, optimizers=COMPARED, seeds=None, seed=0, steps=None, text=None,
            device=None, options=None, threads=None, progress=True):  # fmt: skip
    """Sweep, then train every optimizer on ``seeds`` seeds (default the scale's, >= 2);
    returns a :class:`CompareResult`. Seeds ``seed .. seed + seeds - 1`` are reported, seed
    ``seed + seeds`` picks the learning rates. Every input is checked first (:func:`prepare`).
    ``threads`` (default: the scale's; None keeps torch's) is restored afterwards."""
    p = prepare(scale, optimizers=optimizers, seeds=seeds, seed=seed, steps=steps, text=text,
                device=device, options=options)  # fmt: skip
    n, optimizers, config, base = p["n"], p["optimizers"], p["config"], p["base"]
    steps, sweep_steps, every = p["steps"], p["sweep_steps"], p["every"]
    t0 = time.perf_counter()
    total = len(optimizers) * (len(LR_FACTORS) + n)
    bar = progress_bar(total=total, enabled=progress, desc="compare")
    with torch_threads(threads if threads is not None else p["threads"]) as used:
        table = {o: {} for o in optimizers}

        def sweep(o, lr):
            cfg = config(o, seed + n, lr, sweep_steps, sweep_steps)
            table[o][lr] = train(cfg, progress=False).final["val_loss"]
            bar.update()

        for o in optimizers:
            cands = lr_candidates(o, base)
            for lr in cands:
                sweep(o, lr)
            best = min(table[o], key=lambda lr, o=o: (table[o][lr], lr))
            if best in (cands[0], cands[-1]):  # at an edge: one more candidate beyond it
                sweep(o, best * EXTEND if best == cands[-1] else best / EXTEND)
        lrs = {o: min(table[o], key=lambda lr, o=o: (table[o][lr], lr)) for o in optimizers}
        runs = {o: [] for o in optimizers}
        for s in range(seed, seed + n):
            for o in optimizers:
                runs[o].append(train(config(o, s, lrs[o], steps, every), progress=False))
                bar.update()
    bar.close()
    return CompareResult(scale=scale, task=p["task"], size=p["size"], steps=steps,
                         seeds=list(range(seed, seed + n)), sweep_seed=seed + n,
                         sweep_steps=sweep_steps, base_lr=base, lrs=lrs, sweep=table, runs=runs,
                         threads=used, seconds=time.perf_counter() - t0,
                         start={o: initial_coefficients(o, lrs[o], options)
                                for o in optimizers})  # fmt: skip


def _stats(xs):
    finite = [x for x in xs if math.isfinite(x)]
    if len(finite) < len(xs):
        return {"mean": math.inf, "std": math.nan, "min": min(xs), "max": max(xs),
                "diverged": len(xs) - len(finite)}  # fmt: skip
    return {"mean": statistics.fmean(xs), "std": statistics.stdev(xs), "min": min(xs),
            "max": max(xs), "diverged": 0}  # fmt: skip


@dataclasses.dataclass
class CompareResult:
    """What :func:`compare` measured; ``runs[optimizer]`` holds one RunResult per seed."""

    scale: str
    task: str
    size: str
    steps: int
    seeds: list
    sweep_seed: int
    sweep_steps: int
    base_lr: float  # the task's rate; the sweep's candidates are multiples of it
    lrs: dict
    sweep: dict  # optimizer -> {lr: final val loss on the sweep seed}
    runs: dict
    threads: int
    seconds: float
    start: dict  # optimizer -> its initial coefficients (step 0)

    @property
    def optimizers(self):
        return list(self.runs)

    def final(self, optimizer, key="val_loss"):
        return [r.final[key] for r in self.runs[optimizer]]

    def stats(self, optimizer):
        """Final validation loss over seeds: mean, std (n - 1), min, max, diverged runs."""
        return _stats(self.final(optimizer))

    def paired(self, optimizer, baseline="adamw"):
        """Per seed ``val(optimizer) - val(baseline)`` and its mean, std and wins (< 0)."""
        d = [a - b for a, b in zip(self.final(optimizer), self.final(baseline))]
        return {"per_seed": d, **_stats(d), "wins": sum(x < 0 for x in d)}

    def gain(self, optimizer):
        """The paper's metric: validation gain over Adam, ``val(adam) - val(optimizer)``."""
        d = [b - a for a, b in zip(self.final(optimizer), self.final("adam"))]
        return {"per_seed": d, **_stats(d)}

    def ratio(self):
        """MADA's mean gain over Adam divided by the best other optimizer's (None when no
        other optimizer gains, so the ratio has no meaning), and that optimizer."""
        others = {o: self.gain(o)["mean"] for o in self.optimizers if o not in ("adam", "mada")}
        best = max(others, key=others.get)
        mada = self.gain("mada")["mean"]
        ok = others[best] > 0 and math.isfinite(others[best]) and math.isfinite(mada)
        return {"best_other": best, "ratio": mada / others[best] if ok else None}

    def seconds_median(self, optimizer):
        """Median over seeds of the run's wall time, and of its ratio to AdamW's same seed."""
        own = self.final(optimizer, "seconds")
        ratios = [a / b for a, b in zip(own, self.final("adamw", "seconds"))]
        return statistics.median(own), statistics.median(ratios)

    def ranking(self):
        return sorted(self.optimizers, key=lambda o: self.stats(o)["mean"])

    def verdict(self):
        """MADA against AdamW in one plain sentence, with the spread."""
        p, n = self.paired("mada"), len(self.seeds)
        delta = f"Δ = {_pm(p)} over {n} seeds (MADA − AdamW, final validation loss)"
        if p["diverged"]:
            return f"MADA or AdamW diverged on {p['diverged']} of {n} seeds at this scale."
        if p["mean"] < 0 and p["wins"] == n:
            return f"MADA beats AdamW on every seed at this scale: {delta}."
        if p["mean"] < 0:
            return (f"MADA is ahead of AdamW on average but not on every seed ({p['wins']} of "
                    f"{n}) at this scale: {delta}.")  # fmt: skip
        return f"MADA does not beat AdamW at this scale: {delta}."

    def summary(self):
        """One line: who won, by how much over the runner-up, with what spread; the verdict."""
        first, second = self.ranking()[:2]
        p = self.paired(first, second)
        s = self.stats(first)
        return (f"{first} has the lowest final validation loss ({_num(s['mean'])} ± "
                f"{_num(s['std'])} over {len(self.seeds)} seeds), {_num(-p['mean'])} ± "
                f"{_num(p['std'])} below {second}, ahead on {p['wins']} of {len(self.seeds)} "
                f"seeds. {self.verdict()}")  # fmt: skip

    def to_dict(self):
        out = {k: v for k, v in self.__dict__.items() if k != "runs"}
        out["sweep"] = {o: [[lr, v] for lr, v in t.items()] for o, t in self.sweep.items()}
        out["summary"] = self.summary()
        out["ratio"] = self.ratio()
        out["runs"] = {o: [r.to_dict() for r in rs] for o, rs in self.runs.items()}
        return out


def _num(x):
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.4f}"


def _pm(s):
    return f"{_num(s['mean'])} ± {_num(s['std'])}"
