r"""One seeded training run: a task, an optimizer, an optional bound monitor, checkpoints.

:func:`train` runs ``steps`` steps of ``optimizer`` on ``task`` (:mod:`.tasks`,
:mod:`.optimizers`), the learning rate set every step by ``schedule`` (:mod:`.schedule`:
constant, or warmup and cosine). Every ``eval_every`` steps it appends a
record to the history: the mean training loss since the last record, the validation loss,
the optimizer's coefficients and, with ``monitor=True``, the :class:`.monitor.BoundMonitor`
record (observed constants and the streamed data-dependent bounds). A monitored run also
gets, at the end, the *measured* side: ``regret_vs_final`` of each record is
:math:`\sum_{s \le t} f_s(x_s) - f_s(x_T)` with :math:`f_s` the loss on step s's batch and
:math:`x_T` the final weights (each batch is evaluated again at :math:`x_T`). It is the
online-learning regret against one fixed comparator, so a lower estimate of the regret
against the best fixed point.

**As nanoGPT trains on a GPU.** ``dtype="bf16"`` runs the model's forward (training and
validation) under ``torch.autocast(dtype=torch.bfloat16)``; the weights stay float32 (the
master copy the optimizer updates) and so does the optimizer's state. ``compile=True``
trains through ``torch.compile(model)`` (the first steps compile; the checkpoint holds the
plain model). ``model`` overrides the task's size table (:func:`.tasks.check_model`).
``grad_accum=k`` averages the gradients of k batches per step (micro-batch j of step s is the
task's batch ``(s - 1) k + j``). ``weight_decay`` (a number) puts the tensors of dim >= 2 in
a group decayed by it and the others in one without decay (:func:`.optimizers.decay_groups`).
``final`` records ``tokens_per_s`` (tokens: characters for chargpt, images for digits, over
the training steps' wall time, validation and checkpoints excluded) and
``peak_memory_bytes`` (``torch.cuda.max_memory_allocated`` on CUDA, None on the CPU).

**Determinism and exact resume.** The model's initial weights and the batch of every step are
functions of ``seed`` (and ``step``) only, so a run needs no random state beyond its weights.
With ``checkpoint=PATH`` the run writes, every ``checkpoint_every`` steps, the model, the
optimizer's and the monitor's state dicts, the history and the partial loss sums to
``PATH`` atomically (a temporary file in the same folder, then ``os.replace``). A later call
with the same configuration resumes from that file; on the same device and threads the final
result is bit for bit the one of an uninterrupted run (``tests/analysis/experiments``). A
checkpoint holds tensors and plain Python values only and is read with
``torch.load(weights_only=True)``, so loading one can never execute code; one written for a
different configuration is refused, and so, with one short reason each, is a file that is
empty, truncated, or not a plain-tensor checkpoint (:mod:`.checkpoint`).

**Names.** :func:`run_name` names a run by its task, optimizer and seed and a short hash of
its whole resolved configuration, so runs that differ in any setting never share a name.

**Divergence.** A step whose loss is not finite ends the run early with ``diverged=True``
and the final losses set to ``inf`` (the robustness grid maps such corners instead of
failing). MADA's own check (``nonfinite="raise"``) ends the run the same way.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, field, replace

from . import checkpoint as ckpt
from ._progress import progress_bar
from ._runtime import Clock, autocast_for, backward, regret_vs_final
from .optimizers import OPTIMIZERS, check_optimizer, coefficients, decay_groups, make_optimizer
from .schedule import check_schedule, default_warmup, lr_at, set_lr
from .tasks import TASKS, check_model, check_text, defaults, make_task

DTYPES = ("fp32", "bf16")


@dataclass(frozen=True)
class RunConfig:
    """What to train; ``None`` takes the task's default for its size."""

    task: str = "digits"
    optimizer: str = "mada"
    steps: int | None = None
    lr: float | None = None
    betas: tuple[float, float] | None = None
    seed: int = 0
    size: str = "default"
    text: str | None = None
    device: str | None = None
    eval_every: int | None = None  # default: steps // 10
    monitor: bool = False
    checkpoint: str | None = None
    checkpoint_every: int | None = None  # default: eval_every
    optimizer_options: dict = field(default_factory=dict)  # e.g. MADA's hyper_lr
    dtype: str = "fp32"  # "bf16": autocast forward, float32 weights and optimizer state
    compile: bool = False  # torch.compile the model
    model: dict = field(default_factory=dict)  # overrides of the task's size table
    grad_accum: int = 1  # batches per step
    schedule: str = "constant"  # or "cosine" (warmup, then cosine to lr / 10)
    warmup: int | None = None  # cosine's warmup steps (default steps // 20)
    weight_decay: float | None = None  # a number: decay and no-decay groups (nanoGPT)

    def check(self):
        """Raise ValueError naming the first argument out of its range."""
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}; got {self.task!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}"
            )
        settings = check_model(self.task, self.size, self.model)
        for name in ("steps", "eval_every", "checkpoint_every", "grad_accum"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):  # fmt: skip
                raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
        if self.lr is not None and not (isinstance(self.lr, (int, float)) and self.lr > 0
                                        and math.isfinite(self.lr)):  # fmt: skip
            raise ValueError(f"lr must be a finite number > 0; got {self.lr!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be an integer >= 0; got {self.seed!r}")
        if self.monitor and self.optimizer == "lion":
            raise ValueError("monitor: the bound monitor needs a second moment; lion has none")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {self.dtype!r}")
        if not isinstance(self.compile, bool):
            raise ValueError(f"compile must be True or False; got {self.compile!r}")
        check_schedule(self.schedule, self.warmup, self.steps or settings["steps"])
        if self.weight_decay is not None and not (
            isinstance(self.weight_decay, (int, float)) and not isinstance(self.weight_decay, bool)
            and math.isfinite(self.weight_decay) and self.weight_decay >= 0):  # fmt: skip
            raise ValueError(f"weight_decay must be a finite number >= 0; got "
                             f"{self.weight_decay!r}")  # fmt: skip
        check_text(self.text, self.task, self.size, settings.get("block_size"))
        check_optimizer(self.optimizer, lr=self.lr or defaults(self.task, self.size)[1],
                        betas=self.betas, **self.optimizer_options)  # fmt: skip
        if self.checkpoint is not None:
            ckpt.check_path(self.checkpoint)


def check_checkpoint(config):
    """Raise ValueError unless ``config.checkpoint`` can be written and, if it exists, is a
    readable checkpoint of this very run (see the module docstring)."""
    config.check()
    if config.checkpoint and os.path.exists(config.checkpoint):
        ckpt.load(config.checkpoint, _plain(resolved(config)))


@dataclass
class RunResult:
    """The outcome of :func:`train`: ``history`` records and the ``final`` summary."""

    config: dict
    info: dict
    history: list[dict]
    final: dict

    def to_dict(self):
        return {"config": self.config, "info": self.info, "history": self.history,
                "final": self.final}  # fmt: skip


def resolved(config):
    """``config`` with the task's defaults filled in (steps, lr, eval_every, ...)."""
    steps, lr = defaults(config.task, config.size)
    steps = config.steps or steps
    every = config.eval_every or max(1, steps // 10)
    warmup = config.warmup
    if config.schedule == "cosine" and warmup is None:
        warmup = default_warmup(steps)
    return replace(config, steps=steps, lr=config.lr or lr, eval_every=every, warmup=warmup,
                   checkpoint_every=config.checkpoint_every or every)  # fmt: skip


def run_name(config):
    """``{task}_{optimizer}_seed{seed}_{hash}``, the hash (8 hex digits) of every setting of
    the resolved ``config`` that can change the result.

    >>> run_name(RunConfig(optimizer="adam", steps=60, size="quick"))  # doctest: +ELLIPSIS
    'digits_adam_seed0_...'
    >>> run_name(RunConfig(size="quick")) == run_name(RunConfig(size="quick", steps=60))
    True
    """
    plain = _plain(resolved(config))
    digest = hashlib.sha256(json.dumps(plain, sort_keys=True).encode("utf-8")).hexdigest()
    return f"{config.task}_{config.optimizer}_seed{config.seed}_{digest[:8]}"


def _plain(config):
    """The configuration as plain values (JSON and weights_only-safe), without file paths
    that do not change the result."""
    out = asdict(config)
    out.pop("checkpoint")
    out.pop("checkpoint_every")
    out["betas"] = list(config.betas) if config.betas is not None else None
    out["model"] = {k: list(v) if isinstance(v, (list, tuple)) else v
                    for k, v in sorted(config.model.items())}  # fmt: skip
    return out


def train(config, *, progress=True, callback=None):
    """Run ``config`` (a :class:`RunConfig`) and return a :class:`RunResult`.

    ``callback(step, loss)`` is called after every step (tests use it to interrupt a run).
    """
    config.check()
    config = resolved(config)
    plain = _plain(config)
    ck = None
    if config.checkpoint and os.path.exists(config.checkpoint):
        ck = ckpt.load(config.checkpoint, plain)
    task = make_task(config.task, seed=config.seed, size=config.size, device=config.device,
                     text=config.text, **config.model)  # fmt: skip
    if config.compile:
        task.compile()
    params = task.model.parameters()
    if config.weight_decay is not None:
        params = decay_groups(task.model, config.weight_decay)
    opt = make_optimizer(config.optimizer, params, lr=config.lr, betas=config.betas,
                         **config.optimizer_options)  # fmt: skip
    monitor = None
    if config.monitor:
        from .monitor import BoundMonitor

        monitor = BoundMonitor(opt, every=config.eval_every)
    history, sums, start, diverged = [], {"loss": 0.0, "n": 0}, 1, False
    step_losses = []  # f_s(x_s), kept for the measured regret of a monitored run
    if ck is not None:
        task.model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        if monitor is not None:
            monitor.load_state_dict(ck["monitor"])
        history, sums, start = list(ck["history"]), dict(ck["sums"]), ck["step"] + 1
        step_losses = list(ck["step_losses"])
    autocast = autocast_for(config.dtype, task.device)
    clock = Clock(task.device)
    steps = range(start, config.steps + 1)
    bar = _bar(steps, config, progress)
    for step in bar:
        set_lr(opt, lr_at(step, lr=config.lr, steps=config.steps, schedule=config.schedule,
                          warmup=config.warmup))  # fmt: skip
        opt.zero_grad(set_to_none=True)
        value = backward(task, step, config.grad_accum, autocast)
        try:
            if not math.isfinite(value):
                raise FloatingPointError(f"loss {value} at step {step}")
            opt.step()
        except FloatingPointError:
            diverged = True
            history.append(_record(step, math.inf, None, opt, None))
            break
        if monitor is not None:
            monitor.observe(step)
        sums["loss"] += value
        sums["n"] += 1
        clock.steps += 1
        if monitor is not None:
            step_losses.append(value)
        if step % config.eval_every == 0 or step == config.steps:
            with clock.paused(), autocast:
                val_loss = task.evaluate()
            history.append(_record(step, sums["loss"] / sums["n"], val_loss, opt, monitor))
            sums = {"loss": 0.0, "n": 0}
            bar.set_postfix(loss=f"{history[-1]['train_loss']:.4f}")
        if config.checkpoint and (step % config.checkpoint_every == 0 or step == config.steps):
            with clock.paused():
                ckpt.save_atomic({"format": ckpt.FORMAT, "config": plain, "step": step,
                                  "model": task.model.state_dict(),
                                  "optimizer": opt.state_dict(),
                                  "monitor": monitor.state_dict() if monitor else None,
                                  "history": history, "sums": sums,
                                  "step_losses": step_losses}, config.checkpoint)  # fmt: skip
        if callback is not None:
            callback(step, value)
    bar.close()
    seconds = clock.stop()
    if monitor is not None and not diverged and step_losses:
        with autocast:
            regret_vs_final(task, step_losses, history, config.grad_accum)
    last = history[-1] if history else {}
    tokens = clock.steps * config.grad_accum * task.batch_size * task.info.get("block_size", 1)
    final = {
        "steps": last.get("step", 0), "diverged": diverged,
        "train_loss": math.inf if diverged else last.get("train_loss"),
        "val_loss": math.inf if diverged else last.get("val_loss"),
        "coefficients": coefficients(opt),
        "seconds": seconds,  # of this call's training steps (a resumed run: since the resume)
        "tokens_per_s": tokens / seconds if seconds > 0 else None,
        "peak_memory_bytes": clock.peak_memory(),
    }  # fmt: skip
    return RunResult(plain, dict(task.info), history, final)


def _record(step, train_loss, val_loss, opt, monitor):
    rec = {"step": step, "train_loss": train_loss, "val_loss": val_loss,
           "coefficients": coefficients(opt)}  # fmt: skip
    if monitor is not None:
        rec["monitor"] = monitor.record()
    return rec


def _bar(steps, config, progress):
    return progress_bar(steps, enabled=progress, total=config.steps,
                        initial=steps.start - 1 if len(steps) else 0,
                        desc=f"{config.task}/{config.optimizer}", leave=False)  # fmt: skip


__all__ = ["DTYPES", "RunConfig", "RunResult", "progress_bar", "resolved", "run_name", "train"]
