"""Progress off a terminal: plain lines (one per run, or one per 10% of a long one), never
tqdm's carriage-return frames; tqdm on a terminal; nothing with progress off."""

import io
import os
import subprocess
import sys

import pytest

from analysis.experiments import _progress
from analysis.experiments.train import RunConfig, progress_bar, train

QUICK = {"task": "digits", "size": "quick", "steps": 20, "eval_every": 5, "optimizer": "adam"}


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_run_writes_one_line_off_a_terminal(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    train(RunConfig(**QUICK), progress=True)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and "\r" not in err.getvalue()
    assert lines[0].startswith("digits/adam: 20/20 in ") and "loss=" in lines[0]


def test_a_long_run_writes_a_line_per_tenth(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(_progress, "QUIET_INTERVAL_S", 0.0)  # as if every step took long
    bar = progress_bar(total=50, desc="work")
    for _ in range(50):
        bar.update()
    bar.close()
    bar.close()  # closing twice writes once
    done = [line.split(" in ")[0] for line in err.getvalue().splitlines()]
    assert done == [f"work: {n}/50" for n in range(5, 51, 5)]


def test_a_terminal_gets_tqdm_and_disabled_progress_writes_nothing(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    from tqdm import tqdm

    assert isinstance(progress_bar(range(3)), tqdm)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert list(progress_bar(range(3), enabled=False)) == [0, 1, 2]
    train(RunConfig(**QUICK), progress=False)
    assert err.getvalue() == ""


@pytest.mark.slow
def test_the_train_command_logs_one_line_to_a_file(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    argv = [sys.executable, "-m", "analysis.cli", "train", "--size", "quick", "--steps", "30",
            "--out", str(tmp_path)]  # fmt: skip
    with open(tmp_path / "log", "w") as log:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=log, env=env, check=True)
    text = (tmp_path / "log").read_text()
    assert len(text.splitlines()) == 1 and "\r" not in text, text
