"""analysis.experiments.train: records, divergence, atomic checkpoints and exact resume."""

import os
import pickle
import signal
import subprocess
import sys
import time

import pytest
import torch

from analysis.experiments.results import read_json
from analysis.experiments.train import RunConfig, train

QUICK = {"task": "digits", "size": "quick", "steps": 12, "eval_every": 3}
MEASURED = ("seconds", "tokens_per_s", "peak_memory_bytes")  # timings: not reproducible


class _Killed(Exception):
    pass


def _kill_at(k):
    def callback(step, loss):
        if step == k:
            raise _Killed

    return callback


@pytest.mark.parametrize("optimizer", ["mada", "adamw", "avgrad"])
def test_resume_gives_the_result_of_an_uninterrupted_run(tmp_path, optimizer):
    monitor = optimizer != "adamw"
    base = dict(QUICK, optimizer=optimizer, monitor=monitor, checkpoint_every=4)
    whole = train(RunConfig(**base, checkpoint=str(tmp_path / "a.pt")), progress=False)
    cfg = RunConfig(**base, checkpoint=str(tmp_path / "b.pt"))
    with pytest.raises(_Killed):
        train(cfg, progress=False, callback=_kill_at(6))  # last checkpoint: step 4
    assert torch.load(tmp_path / "b.pt", weights_only=True)["step"] == 4
    resumed = train(cfg, progress=False)
    assert resumed.history == whole.history
    assert {k: v for k, v in resumed.final.items() if k not in MEASURED} == {
        k: v for k, v in whole.final.items() if k not in MEASURED
    }
    a = torch.load(tmp_path / "a.pt", weights_only=True)
    b = torch.load(tmp_path / "b.pt", weights_only=True)
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    for pid, state in a["optimizer"]["state"].items():
        for key, value in state.items():
            other = b["optimizer"]["state"][pid][key]
            assert torch.equal(value, other) if torch.is_tensor(value) else value == other
    assert a["optimizer"]["param_groups"] == b["optimizer"]["param_groups"]


def test_records_have_losses_coefficients_and_the_measured_regret():
    res = train(RunConfig(**QUICK, optimizer="mada", monitor=True), progress=False)
    assert [r["step"] for r in res.history] == [3, 6, 9, 12]
    first, last = res.history[0], res.history[-1]
    assert last["train_loss"] < first["train_loss"]
    assert set(last["coefficients"]) >= {"beta1", "beta2", "beta3", "rho", "c", "gamma"}
    assert last["coefficients"] != first["coefficients"]  # MADA learns them
    assert "monitor" in last and "regret_vs_final" in last
    assert res.final["val_loss"] == last["val_loss"] and not res.final["diverged"]


def test_a_diverging_run_ends_early_with_infinite_loss():
    res = train(RunConfig(**QUICK, optimizer="adam", lr=1e20), progress=False)
    assert res.final["diverged"] and res.final["train_loss"] == float("inf")
    assert res.final["steps"] <= 12


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    path = str(tmp_path / "c.pt")
    train(RunConfig(**QUICK, optimizer="adam", checkpoint=path), progress=False)
    with pytest.raises(ValueError, match=r"another run.*lr"):
        train(RunConfig(**QUICK, optimizer="adam", lr=0.123, checkpoint=path), progress=False)


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_checkpoint_that_would_run_code_is_refused_unread(tmp_path):
    path, marker = tmp_path / "evil.pt", tmp_path / "pwned"
    with open(path, "wb") as f:
        pickle.dump({"format": 1, "payload": _Evil(marker)}, f, protocol=2)
    with pytest.raises(ValueError, match="refused: not a plain-tensor checkpoint") as err:
        train(RunConfig(**QUICK, optimizer="adam", checkpoint=str(path)), progress=False)
    assert "weights_only" not in str(err.value) and "\n" not in str(err.value)
    assert not marker.exists()  # the payload never ran
    with open(path, "rb") as f:  # while a plain unpickler would have run it
        pickle.load(f)
    assert marker.exists()


def test_a_torch_saved_checkpoint_with_code_is_refused_in_one_short_line(tmp_path):
    path, marker = tmp_path / "evil.pt", tmp_path / "pwned"
    torch.save({"format": 1, "payload": _Evil(marker)}, path)  # torch's own zip format
    with pytest.raises(ValueError, match=r"not a plain-tensor checkpoint \(it asks for "
                       r"\w+\.system\); nothing in it was run") as err:  # fmt: skip
        train(RunConfig(**QUICK, optimizer="adam", checkpoint=str(path)), progress=False)
    assert "weights_only" not in str(err.value) and "\n" not in str(err.value)
    assert not marker.exists()


@pytest.mark.parametrize(("cut", "needle"), [(0, "is empty"), (100, "truncated"),
                                             (0.5, "truncated")])  # fmt: skip
def test_an_empty_or_truncated_checkpoint_is_named_as_such(tmp_path, cut, needle):
    path = tmp_path / "c.pt"
    cfg = RunConfig(**{**QUICK, "steps": 3}, optimizer="adam", checkpoint=str(path))
    train(cfg, progress=False)
    data = path.read_bytes()
    path.write_bytes(data[: int(cut * len(data)) if isinstance(cut, float) else cut])
    with pytest.raises(ValueError, match=needle) as err:
        train(cfg, progress=False)
    assert len(str(err.value)) < 200 and "\n" not in str(err.value)


def test_a_checkpoint_that_cannot_be_written_is_refused_before_training(tmp_path, unwritable):
    with pytest.raises(ValueError, match=r"checkpoint .* cannot be written"):
        train(RunConfig(**QUICK, optimizer="adam", checkpoint=f"{unwritable}/ck.pt"),
              progress=False)  # fmt: skip
    with pytest.raises(ValueError, match=r"checkpoint .* is a folder"):
        train(RunConfig(**QUICK, optimizer="adam", checkpoint=str(tmp_path)), progress=False)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"checkpoint .* cannot be written"):
        train(RunConfig(**QUICK, optimizer="adam", checkpoint=str(blocker / "c.pt")),
              progress=False)  # fmt: skip


def test_checkpoints_leave_no_temporary_files(tmp_path):
    train(RunConfig(**QUICK, optimizer="yogi", checkpoint=str(tmp_path / "r.pt"),
                    checkpoint_every=2), progress=False)  # fmt: skip
    assert sorted(os.listdir(tmp_path)) == ["r.pt"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("task", "mnist"), ("optimizer", "sgd"), ("size", "huge"), ("steps", 0),
     ("eval_every", -1), ("lr", -1.0), ("lr", float("nan")), ("seed", -2)],
)  # fmt: skip
def test_bad_configurations_name_the_argument(field, value):
    with pytest.raises(ValueError, match=field):
        train(RunConfig(**{**QUICK, field: value}), progress=False)


@pytest.mark.slow
def test_a_killed_process_resumes_to_the_same_result(tmp_path):
    """SIGKILL a real training process mid-run, start it again, compare with a clean run."""
    args = [sys.executable, "-m", "analysis", "train", "--size", "quick", "--steps", "150",
            "--optimizer", "mada", "--checkpoint-every", "5", "--no-progress"]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    clean = subprocess.run([*args, "--out", str(tmp_path / "clean")], env=env, check=True,
                           capture_output=True)  # fmt: skip
    assert clean.returncode == 0
    ck = tmp_path / "run.pt"
    killed = [*args, "--out", str(tmp_path / "killed"), "--checkpoint", str(ck)]
    proc = subprocess.Popen(killed, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline:
        if ck.exists() and torch.load(ck, weights_only=True)["step"] >= 20:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    step = torch.load(ck, weights_only=True)["step"]
    assert 20 <= step < 150, "the process was not killed mid-run"
    subprocess.run(killed, env=env, check=True, capture_output=True)
    (name,) = os.listdir(tmp_path / "clean")  # the same run name: the checkpoint is no setting
    a = read_json(tmp_path / "clean" / name / "result.json")
    b = read_json(tmp_path / "killed" / name / "result.json")
    assert a["history"] == b["history"]
    assert a["final"]["coefficients"] == b["final"]["coefficients"]


def test_runs_without_progress_bars_never_load_tqdms_notebook_front_end():
    """tqdm.auto warns (TqdmWarning) in a notebook without ipywidgets, as notebook 04 did."""
    code = ("import sys\n"
            "from analysis.experiments.grid import robustness_grid\n"
            "from analysis.experiments.train import RunConfig, train\n"
            "train(RunConfig(size='quick', steps=2, optimizer='adam'), progress=False)\n"
            "robustness_grid('digits', size='quick', steps=1, optimizers=['adam'],\n"
            "                beta1s=[0.9], beta2s=[0.9], progress=False)\n"
            "print(sorted(m for m in sys.modules if m.startswith('tqdm.')))\n")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.strip()
    assert "tqdm.auto" not in loaded and "tqdm.notebook" not in loaded, loaded
