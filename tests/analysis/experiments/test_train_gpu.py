"""analysis.experiments.train, the GPU-style settings: bf16 autocast with float32 master
weights and state, torch.compile, model overrides, gradient accumulation, the schedule, the
decay groups, tokens/s and peak memory, and the errors of every new setting."""

import math
import time

import pytest
import torch

from analysis.experiments.optimizers import make_optimizer
from analysis.experiments.schedule import lr_at
from analysis.experiments.tasks import make_task
from analysis.experiments.train import RunConfig, check_checkpoint, run_name, train
from tests.conftest import DEVICES, EXACT_ATOL, EXACT_RTOL

GPT = {"task": "chargpt", "size": "quick", "steps": 4, "eval_every": 2,
       "model": {"n_layer": 1, "n_embd": 16, "n_head": 2, "block_size": 16}}  # fmt: skip


def _checkpoint(tmp_path, **kw):
    path = str(tmp_path / "run.pt")
    res = train(RunConfig(**kw, checkpoint=path), progress=False)
    return res, torch.load(path, weights_only=True)


@pytest.mark.parametrize("device", DEVICES)
def test_bf16_autocasts_the_forward_and_keeps_float32_weights_and_state(tmp_path, device):
    fp32, _ = _checkpoint(tmp_path, **GPT, device=device, optimizer="mada")
    bf16, ck = _checkpoint(tmp_path / "b", **GPT, device=device, optimizer="mada", dtype="bf16")
    assert all(t.dtype == torch.float32 for t in ck["model"].values())
    # per-parameter state (MADA's learned coefficient set and its step counter are float64
    # by design: the counter must count exactly past 2**24 steps)
    state = [v for k, s in ck["optimizer"]["state"].items() if isinstance(k, int)
             for n, v in s.items() if torch.is_tensor(v) and v.is_floating_point()
             and n != "step"]  # fmt: skip
    assert state and all(v.dtype == torch.float32 for v in state)
    # the forward really ran in bfloat16: its losses differ from float32's at bf16's rounding
    a, b = fp32.final["val_loss"], bf16.final["val_loss"]
    assert a != b and abs(a - b) < 0.05 * a


def test_bf16_forward_matches_an_autocast_reference():
    task = make_task("chargpt", size="quick", device="cpu", **GPT["model"])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = task.model(task.batch(1)[0])
    assert logits.dtype == torch.bfloat16


@pytest.mark.slow
def test_compiled_run_equals_the_eager_run():
    t0 = time.perf_counter()
    eager = train(RunConfig(**GPT, optimizer="adamw"), progress=False)
    compiled = train(RunConfig(**GPT, optimizer="adamw", compile=True), progress=False)
    assert time.perf_counter() - t0 < 300
    for a, b in zip(eager.history, compiled.history):  # inductor fuses: rounding differs
        assert b["val_loss"] == pytest.approx(a["val_loss"], rel=1e-4)
    assert run_name(RunConfig(**GPT, compile=True)) != run_name(RunConfig(**GPT))


def test_grad_accum_averages_the_gradients_of_consecutive_batches(tmp_path):
    # reference: torch's AdamW on the mean loss of the task's batches 1, 2 (step 1), then 3, 4,
    # each micro-batch's loss / 2 backpropagated in turn as nanoGPT accumulates (the float32
    # sum of the gradients then rounds as the run's)
    kw = dict(GPT, steps=2, eval_every=1, optimizer="adamw", grad_accum=2)
    _, ck = _checkpoint(tmp_path, **kw)
    task = make_task("chargpt", size="quick", device="cpu", **GPT["model"])
    opt = make_optimizer("adamw", task.model.parameters(), lr=RunConfig(**kw).lr or 3e-3)
    for batches in ((1, 2), (3, 4)):
        opt.zero_grad()
        for i in batches:
            (task.loss(task.batch(i)) / 2).backward()
        opt.step()
    for name, value in task.model.state_dict().items():
        torch.testing.assert_close(ck["model"][name], value, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    assert run_name(RunConfig(**kw)) != run_name(RunConfig(**dict(kw, grad_accum=1)))


@pytest.mark.parametrize("optimizer", ["adamw", "mada"])
def test_cosine_schedule_sets_every_groups_lr_each_step(tmp_path, optimizer):
    kw = dict(GPT, steps=6, optimizer=optimizer, schedule="cosine", warmup=2, lr=1e-2,
              checkpoint=str(tmp_path / "c.pt"), checkpoint_every=1)  # fmt: skip
    seen = {}

    def read(step, loss):
        ck = torch.load(kw["checkpoint"], weights_only=True)
        seen[step] = [g["lr"] for g in ck["optimizer"]["param_groups"]]

    res = train(RunConfig(**kw, weight_decay=0.1), progress=False, callback=read)
    assert math.isfinite(res.final["val_loss"])
    for step, lrs in seen.items():
        want = lr_at(step, lr=1e-2, steps=6, schedule="cosine", warmup=2)
        assert lrs == [pytest.approx(want, rel=EXACT_RTOL, abs=EXACT_ATOL)] * 2
    assert seen[2][0] == pytest.approx(1e-2) and seen[6][0] == pytest.approx(1e-3)
    assert RunConfig(**dict(kw, warmup=None)).check() is None  # default warmup: steps // 20


def test_weight_decay_makes_nanogpt_decay_and_no_decay_groups(tmp_path):
    _, ck = _checkpoint(tmp_path, **GPT, optimizer="adamw", weight_decay=0.1)
    groups = ck["optimizer"]["param_groups"]
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0]
    task = make_task("chargpt", size="quick", device="cpu", **GPT["model"])
    params = list(dict(task.model.named_parameters()).values())  # the tied head once
    assert len(groups[0]["params"]) == sum(p.dim() >= 2 for p in params)
    assert len(groups[1]["params"]) == sum(p.dim() < 2 for p in params)


@pytest.mark.parametrize("device", DEVICES)
def test_tokens_per_second_and_peak_memory_are_recorded(device):
    res = train(RunConfig(**GPT, optimizer="adam", device=device), progress=False)
    f = res.final
    assert f["tokens_per_s"] == pytest.approx(4 * 8 * 16 / f["seconds"], rel=1e-9)
    if device == "cpu":
        assert f["peak_memory_bytes"] is None
    else:
        assert isinstance(f["peak_memory_bytes"], int) and f["peak_memory_bytes"] > 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("dtype", "fp16", r"dtype must be one of fp32, bf16; got 'fp16'"),
     ("compile", 1, r"compile must be True or False; got 1"),
     ("grad_accum", 0, r"grad_accum must be an integer >= 1; got 0"),
     ("grad_accum", 2.0, r"grad_accum must be an integer >= 1; got 2.0"),
     ("schedule", "linear", r"schedule must be one of constant, cosine; got 'linear'"),
     ("warmup", 5, r"warmup applies only to schedule='cosine'"),
     ("weight_decay", -0.1, r"weight_decay must be a finite number >= 0; got -0.1"),
     ("weight_decay", math.nan, r"weight_decay must be a finite number >= 0; got nan"),
     ("model", {"n_layer": 0}, r"n_layer must be an integer >= 1; got 0"),
     ("model", {"n_head": 3}, r"n_head must divide n_embd"),
     ("model", {"depth": 3}, r"model overrides for chargpt must be among"),
     ("size", "huge", r"size must be one of default, quick, gpu for chargpt")],
)  # fmt: skip
def test_bad_settings_are_refused_naming_the_argument(field, value, message):
    kw = {**GPT, field: value} if field != "model" else {**GPT, "model": value}
    with pytest.raises(ValueError, match=message):
        RunConfig(**kw).check()


@pytest.mark.parametrize("warmup", [-1, 5, True, 1.5])
def test_warmup_must_lie_in_zero_to_steps(warmup):
    with pytest.raises(ValueError, match=r"warmup must be an integer in \[0, steps\] = \[0, 4\]"):
        RunConfig(**GPT, schedule="cosine", warmup=warmup).check()


def test_a_checkpoint_of_another_precision_is_refused(tmp_path):
    path = str(tmp_path / "run.pt")
    train(RunConfig(**GPT, checkpoint=path), progress=False)
    with pytest.raises(ValueError, match="differs in dtype"):
        check_checkpoint(RunConfig(**GPT, checkpoint=path, dtype="bf16"))
    with pytest.raises(ValueError, match="differs in model"):
        check_checkpoint(RunConfig(**dict(GPT, model={"n_layer": 2}), checkpoint=path))


def test_resume_with_the_new_settings_gives_the_uninterrupted_run(tmp_path):
    kw = dict(GPT, steps=6, optimizer="mada", monitor=True, dtype="bf16", grad_accum=2,
              schedule="cosine", warmup=2, weight_decay=0.1, checkpoint_every=2)  # fmt: skip
    whole = train(RunConfig(**kw, checkpoint=str(tmp_path / "a.pt")), progress=False)
    cfg = RunConfig(**kw, checkpoint=str(tmp_path / "b.pt"))

    def stop(step, loss):
        if step == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(cfg, progress=False, callback=stop)  # last checkpoint: step 2
    resumed = train(cfg, progress=False)
    assert resumed.history == whole.history
    assert resumed.final["val_loss"] == whole.final["val_loss"]
