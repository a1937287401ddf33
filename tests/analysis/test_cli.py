"""The command line: the demo's numbers and one-line errors for bad input."""

import subprocess
import sys

import pytest

from analysis import cli, demo


def test_demo_reproduces_the_counterexample():
    rows = {r["optimizer"]: r for r in demo.run(steps=3000)}
    assert rows["adam"]["x_T"] == pytest.approx(1.0)  # the wrong corner
    assert rows["amsgrad"]["x_T"] < -0.9 and rows["avgrad"]["x_T"] < -0.9
    # Adam pays about (C - 2)/3 * 2 per step at x = +1; the corrected methods far less
    assert rows["adam"]["avg_regret"] > 0.5
    assert max(rows["amsgrad"]["avg_regret"], rows["avgrad"]["avg_regret"]) < 0.1


def test_main_prints_the_table(capsys):
    assert cli.main(["--steps", "30"]) == 0
    out = capsys.readouterr().out
    assert "adam" in out and "avgrad" in out and "amsgrad" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--steps", "0"], "--steps"), (["--steps", "x"], "--steps"), (["--C", "1.5"], "--C"),
     (["demo", "--C", "nan"], "--C"), (["--C", "1e309"], "--C"), (["nosuch"], "invalid choice")],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args, needle):
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    error_lines = [ln for ln in proc.stderr.splitlines() if "error" in ln]
    assert len(error_lines) == 1 and needle in error_lines[0]


def test_run_rejects_c_at_most_two():
    with pytest.raises(ValueError, match="C must be > 2"):
        demo.run(steps=3, C=2.0)
