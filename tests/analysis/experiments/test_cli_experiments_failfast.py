"""Issue 18 on report, train and grid: every input is checked before any compute, errors are
one line naming the argument (exit 2), and outputs appear all at once or not at all."""

import os

import pytest

from analysis import report as report_module
from analysis.cli import main
from analysis.experiments import figures, grid
from analysis.experiments import train as train_module
from analysis.experiments.optimizers import check_optimizer, learned_bounds
from analysis.experiments.results import read_json
from tests.analysis.experiments.conftest import tree

TRAIN = ["train", "--size", "quick", "--steps", "2", "--no-progress"]
GRID = ["grid", "--size", "quick", "--steps", "2", "--no-progress"]


@pytest.fixture
def no_compute(monkeypatch):
    """Any training, grid or report section that starts fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("compute started before every input was checked")

    for module, name in [(train_module, "train"), (grid, "train"),
                         (report_module, "bounds_section")]:  # fmt: skip
        monkeypatch.setattr(module, name, refuse)


def _refused(capsys, argv, flag):
    """``argv`` ends with exit status 2 and one error line naming ``flag``; returns it."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err
    lines = [ln for ln in err.splitlines() if "error:" in ln]
    assert len(lines) == 1 and lines[0] == err.splitlines()[-1], err
    assert f"error: {flag}" in lines[0], lines[0]
    return lines[0]


def _leftovers(folder):
    return [n for n in os.listdir(folder) if n.startswith(".")]


# ---- outputs: checked first ------------------------------------------------------------------
@pytest.mark.parametrize("command", [["train", "--size", "quick"], ["grid"], ["report", "--quick"]])
def test_an_output_that_is_a_file_is_refused_before_compute(tmp_path, capsys, no_compute, command):
    blocker = tmp_path / "F"
    blocker.write_text("not a folder")
    _refused(capsys, [*command, "--out", str(blocker)], "--out")
    assert blocker.read_text() == "not a folder" and not _leftovers(tmp_path)


@pytest.mark.parametrize("command", [["train", "--size", "quick"], ["grid"], ["report", "--quick"]])
def test_an_unwritable_output_is_refused_before_compute(capsys, no_compute, unwritable, command):
    line = _refused(capsys, [*command, "--out", f"{unwritable}/out"], "--out")
    assert "cannot be written" in line


def test_a_folder_of_other_files_is_not_replaced(tmp_path, capsys, no_compute):
    (tmp_path / "thesis.tex").write_text("mine")
    _refused(capsys, ["grid", "--out", str(tmp_path)], "--out")
    assert os.listdir(tmp_path) == ["thesis.tex"]


def test_an_unwritable_checkpoint_is_refused_before_compute(tmp_path, capsys, no_compute,
                                                            unwritable):  # fmt: skip
    _refused(capsys, [*TRAIN, "--checkpoint", f"{unwritable}/ck.pt", "--out", str(tmp_path)],
             "--checkpoint")  # fmt: skip
    _refused(capsys, [*TRAIN, "--checkpoint", str(tmp_path), "--out", str(tmp_path)],
             "--checkpoint")  # fmt: skip


@pytest.mark.parametrize("content", ["", "x" * 7, "0123456789"])
def test_a_checkpoint_that_is_no_checkpoint_is_refused_in_one_short_line(tmp_path, capsys,
                                                                         content):  # fmt: skip
    ck = tmp_path / "ck.pt"
    ck.write_text(content)
    line = _refused(capsys, [*TRAIN, "--checkpoint", str(ck), "--out", str(tmp_path / "r")],
                    "--checkpoint")  # fmt: skip
    assert ("is empty" if not content else "not a plain-tensor checkpoint") in line
    assert "weights_only" not in line and len(line) < 250


# ---- the other inputs: checked first ---------------------------------------------------------
BINARY = bytes(range(256)) * 8


@pytest.mark.parametrize("command", [["report", "--quick"], ["train", "--task", "chargpt"],
                                     ["grid", "--task", "chargpt"]])  # fmt: skip
@pytest.mark.parametrize(("content", "needle"), [(b"ten chars.", "has 10"), (BINARY, "not UTF-8")])
def test_a_bad_text_is_refused_before_compute_and_writes_nothing(tmp_path, capsys, no_compute,
                                                                 command, content,
                                                                 needle):  # fmt: skip
    text = tmp_path / "t.txt"
    text.write_bytes(content)
    line = _refused(capsys, [*command, "--text", str(text), "--out", str(tmp_path / "o")],
                    "--text")  # fmt: skip
    assert needle in line
    assert sorted(os.listdir(tmp_path)) == ["t.txt"]


def test_text_for_a_task_without_text_is_refused(tmp_path, capsys, no_compute):
    text = tmp_path / "t.txt"
    text.write_text("x" * 5000)
    _refused(capsys, [*TRAIN, "--text", str(text)], "--text")


@pytest.mark.parametrize(
    ("argv", "flag"),
    [(["--bounds", "beta2=0.5:0.99", "--beta2s", "0.999", "0.9"], "--beta2s"),
     (["--bounds", "beta1=0.01:0.99", "--beta1s", "0.0"], "--beta1s")])  # fmt: skip
def test_a_grid_point_a_learner_refuses_is_refused_before_any_run(tmp_path, capsys, no_compute,
                                                                  argv, flag):  # fmt: skip
    """Adam takes every point; the learners refuse a start outside the bounds given."""
    line = _refused(capsys, [*GRID, *argv, "--out", str(tmp_path / "g")], flag)
    assert "--bounds" in line  # the way out, as a CLI option
    assert os.listdir(tmp_path) == []


def test_a_start_outside_the_learned_bounds_is_refused_or_widened(tmp_path, capsys):
    argv = [*TRAIN, "--optimizer", "mada", "--beta1", "0.9", "--beta2", "0.999"]
    assert "--bounds beta2=LO:HI" in _refused(
        capsys, [*argv, "--bounds", "beta2=0.5:0.99", "--out", str(tmp_path)], "--beta2"
    )
    out = tmp_path / "wide"
    assert main([*argv, "--bounds", "beta2=0.5:0.9999", "--out", str(out)]) == 0
    (run,) = os.listdir(out)
    config = read_json(out / run / "result.json")["config"]
    assert config["optimizer_options"] == {"bounds": {"beta2": [0.5, 0.9999]}}


def test_hyper_lr_reaches_the_learners_and_is_refused_for_the_others(tmp_path, capsys):
    _refused(capsys, [*TRAIN, "--optimizer", "adam", "--hyper-lr", "0.1"], "--hyper-lr")
    _refused(capsys, [*GRID, "--optimizers", "adam", "--bounds", "beta1=0:0.5"], "--bounds")
    _refused(capsys, [*TRAIN, "--hyper-lr", "-1"], "argument --hyper-lr")
    assert main([*TRAIN, "--optimizer", "mada", "--hyper-lr", "0", "--out", str(tmp_path)]) == 0
    (run,) = os.listdir(tmp_path)
    res = read_json(tmp_path / run / "result.json")
    start = {"beta1": 0.9, "beta2": 0.95, "beta3": 0.0, "rho": 1.0, "c": 1.0, "gamma": 1.0}
    final = res["final"]["coefficients"]
    assert {k: final[k] for k in start} == start  # hyper_lr 0: learned, never moved


@pytest.mark.parametrize("name", ["beta1", "beta2", "beta3", "rho", "c", "gamma"])
def test_bounds_help_tells_the_range_mada_enforces(capsys, name):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "HI < 1 for beta1, beta2, beta3 and HI <= 1 for rho, c, gamma" in text
    lo, hi = learned_bounds("mada")[name]
    assert f"{name}={lo:g}:{hi:g}" in text  # the default shown is MADA's
    if name in ("rho", "c", "gamma"):
        check_optimizer("mada", bounds={name: (0.0, 1.0)})  # HI <= 1
    else:
        check_optimizer("mada", bounds={name: (0.0, 0.999)})
        with pytest.raises(ValueError, match=r"must be in \[0, 1\)"):  # HI < 1
            check_optimizer("mada", bounds={name: (0.0, 1.0)})
    with pytest.raises(ValueError, match="lo <= hi"):
        check_optimizer("mada", bounds={name: (0.5, 0.4)})
    with pytest.raises(ValueError, match=r"must be in \[0, 1"):  # 0 <= LO
        check_optimizer("mada", bounds={name: (-0.1, 0.5)})


# ---- all or nothing, and names that keep every run -------------------------------------------
def test_runs_that_differ_in_any_setting_keep_their_own_results(tmp_path):
    for b1, b2 in ((0.8, 0.9), (0.5, 0.9), (0.8, 0.9)):
        assert main([*TRAIN, "--optimizer", "adam", "--beta1", str(b1), "--beta2", str(b2),
                     "--out", str(tmp_path)]) == 0  # fmt: skip
    runs = sorted(os.listdir(tmp_path))
    assert len(runs) == 2 and all(r.startswith("digits_adam_seed0_") for r in runs)
    betas = sorted(read_json(tmp_path / r / "result.json")["config"]["betas"] for r in runs)
    assert betas == [[0.5, 0.9], [0.8, 0.9]]


@pytest.mark.parametrize("command", ["train", "grid"])
def test_an_interrupted_run_leaves_the_previous_output_untouched(tmp_path, capsys, monkeypatch,
                                                                 command):  # fmt: skip
    argv = ([*TRAIN, "--optimizer", "adam"] if command == "train" else
            [*GRID, "--optimizers", "adam", "--beta1s", "0.9", "--beta2s", "0.99"])  # fmt: skip
    argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 0
    before = tree(tmp_path / "out")

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt  # as Ctrl-C while the figure is drawn

    monkeypatch.setattr(figures, "loss_curves" if command == "train" else "robustness_heatmaps",
                        interrupt)  # fmt: skip
    assert main(argv) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "mada-analysis: interrupted"
    assert tree(tmp_path / "out") == before and not _leftovers(tmp_path)


def test_a_failing_report_leaves_the_previous_report_untouched(tmp_path, monkeypatch):
    out = tmp_path / "rep"
    (out / "figures").mkdir(parents=True)
    (out / "index.md").write_text("# mada-analysis report (default)")
    (out / "figures" / "loss_digits.png").write_bytes(b"previous figure")
    before = tree(out)
    monkeypatch.setattr(report_module, "bounds_section", lambda: "## Bounds")
    monkeypatch.setattr(report_module, "numeric_section", lambda *a: ("## Numeric", [], {}))

    def training_then_crash(plan, stage, *args):
        figures_dir = os.path.join(stage, "figures")
        os.makedirs(figures_dir)
        with open(os.path.join(figures_dir, "loss_digits.png"), "wb") as f:
            f.write(b"half of a new report")
        raise RuntimeError("killed halfway")

    monkeypatch.setattr(report_module, "training_section", training_then_crash)
    with pytest.raises(RuntimeError, match="killed halfway"):
        report_module.report(str(out), quick=True, progress=False)
    assert tree(out) == before and os.listdir(tmp_path) == ["rep"]
