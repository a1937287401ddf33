"""What :func:`.train.train` does around the model: the step's micro-batches and backward
pass, bf16 autocast, the clock of the training steps and the peak device memory, and the
measured regret of a monitored run."""

from __future__ import annotations

import contextlib
import time

import torch


def batches(step, grad_accum):
    """The task's batch indices of step ``step``: micro-batches ``(step - 1) k + 1 ... step k``."""
    return range((step - 1) * grad_accum + 1, step * grad_accum + 1)


def backward(task, step, grad_accum, autocast):
    """Accumulate the mean gradient of step ``step``'s micro-batches; their mean loss."""
    total = None
    for index in batches(step, grad_accum):
        with autocast:
            loss = task.loss(task.batch(index))
        (loss / grad_accum if grad_accum > 1 else loss).backward()
        total = loss.detach() if total is None else total + loss.detach()
    return float(total) / grad_accum


def autocast_for(dtype, device):
    if dtype == "bf16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


class Clock:
    """Wall time of the training steps (the device synchronised at each reading), with
    evaluation and checkpoints paused out, and the device's peak memory."""

    def __init__(self, device):
        self.device, self.steps, self.total = device, 0, 0.0
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        self._since = self._now()

    def _now(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return time.perf_counter()

    @contextlib.contextmanager
    def paused(self):
        self.total += self._now() - self._since
        try:
            yield
        finally:
            self._since = self._now()

    def stop(self):
        self.total += self._now() - self._since
        self._since = self._now()
        return self.total

    def peak_memory(self):
        if self.device.type != "cuda":
            return None
        return int(torch.cuda.max_memory_allocated(self.device))


def regret_vs_final(task, step_losses, history, grad_accum):
    """Add ``regret_vs_final`` to every record: the cumulative f_s(x_s) - f_s(x_T)."""
    with torch.no_grad():
        at_final = [sum(float(task.loss(task.batch(i))) for i in batches(s, grad_accum))
                    / grad_accum for s in range(1, len(step_losses) + 1)]  # fmt: skip
    total, cumulative = 0.0, []
    for now, final in zip(step_losses, at_final):
        total += now - final
        cumulative.append(total)
    for rec in history:
        rec["regret_vs_final"] = cumulative[rec["step"] - 1]
