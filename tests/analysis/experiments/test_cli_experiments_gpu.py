"""The train command's nanoGPT-style flags: they reach the run, and bad values are refused
before any compute with one line naming the flag (exit 2)."""

import os

import pytest

from analysis.cli import main
from analysis.experiments import grid
from analysis.experiments import train as train_module
from analysis.experiments.results import read_json
from tests.analysis.experiments.test_cli_experiments_failfast import _refused

TRAIN = ["train", "--task", "chargpt", "--size", "quick", "--steps", "3", "--no-progress"]


@pytest.fixture
def no_compute(monkeypatch):
    """Any training that starts fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("compute started before every input was checked")

    monkeypatch.setattr(train_module, "train", refuse)
    monkeypatch.setattr(grid, "train", refuse)


def test_flags_reach_the_run(tmp_path, capsys):
    argv = [*TRAIN, "--dtype", "bf16", "--n-layer", "2", "--n-embd", "16", "--n-head", "2",
            "--block-size", "8", "--batch-size", "4", "--grad-accum", "2", "--schedule",
            "cosine", "--warmup", "1", "--weight-decay", "0.1", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    assert "tokens/s" in capsys.readouterr().out
    (run,) = os.listdir(tmp_path)
    res = read_json(tmp_path / run / "result.json")
    cfg = res["config"]
    got = (cfg["dtype"], cfg["grad_accum"], cfg["schedule"], cfg["warmup"])
    assert got == ("bf16", 2, "cosine", 1)
    assert cfg["weight_decay"] == 0.1 and cfg["compile"] is False
    assert cfg["model"] == {"batch_size": 4, "block_size": 8, "n_embd": 16, "n_head": 2,
                            "n_layer": 2}  # fmt: skip
    assert res["final"]["tokens_per_s"] > 0 and res["final"]["peak_memory_bytes"] is None


@pytest.mark.parametrize(
    ("extra", "flag"),
    [(["--dtype", "fp16"], "argument --dtype"),
     (["--n-layer", "0"], "argument --n-layer"),
     (["--grad-accum", "1.5"], "argument --grad-accum"),
     (["--weight-decay", "-0.1"], "argument --weight-decay"),
     (["--warmup", "-1"], "argument --warmup"),
     (["--schedule", "step"], "argument --schedule"),
     (["--n-head", "3"], "--n-head"),
     (["--warmup", "2"], "--warmup"),  # constant schedule: no warmup
     (["--schedule", "cosine", "--warmup", "4"], "--warmup"),  # > steps
     (["--task", "digits", "--size", "gpu"], "--size"),
     (["--task", "digits", "--n-embd", "8"], "--n-embd")],
)  # fmt: skip
def test_bad_values_are_refused_before_compute(tmp_path, capsys, no_compute, extra, flag):
    line = _refused(capsys, [*TRAIN, *extra, "--out", str(tmp_path / "o")], flag)
    assert not os.path.exists(tmp_path / "o"), line


def test_grid_refuses_a_size_the_task_lacks(tmp_path, capsys, no_compute):
    argv = ["grid", "--task", "digits", "--size", "gpu", "--out", str(tmp_path)]
    _refused(capsys, argv, "--size")
