"""The report, train and grid subcommands: outputs, and one-line errors for bad input."""

import os

import pytest

from analysis.cli import main
from analysis.experiments.results import read_json


@pytest.mark.parametrize(
    ("argv", "named"),
    [(["train", "--optimizer", "sgd"], "--optimizer"),
     (["train", "--task", "mnist"], "--task"),
     (["train", "--lr", "-1"], "--lr"),
     (["train", "--lr", "nan"], "--lr"),
     (["train", "--beta1", "1.5", "--beta2", "0.9"], "--beta1"),
     (["train", "--beta1", "0.5"], "--beta1"),
     (["train", "--steps", "0"], "--steps"),
     (["train", "--text", "/no/such/file.txt"], "--text"),
     (["train", "--device", "tpu"], "--device"),
     (["train", "--optimizer", "lion", "--monitor"], "--monitor"),
     (["grid", "--beta2s", "0.9", "2"], "--beta2s"),
     (["grid", "--optimizers", "adam", "nope"], "--optimizers"),
     (["report", "--seed", "-1"], "--seed")],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(capsys, argv, named):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    assert named in err[-1], err[-1]


def test_a_file_that_is_not_text_is_refused(tmp_path, capsys):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(SystemExit) as exc:
        main(["train", "--task", "chargpt", "--size", "quick", "--text", str(blob)])
    assert exc.value.code == 2
    assert "text" in capsys.readouterr().err.strip().splitlines()[-1]


def test_train_writes_json_csv_and_figures(tmp_path, capsys):
    out = tmp_path / "runs"
    code = main(["train", "--size", "quick", "--steps", "6", "--optimizer", "avgrad",
                 "--monitor", "--no-progress", "--out", str(out)])  # fmt: skip
    assert code == 0
    (run,) = os.listdir(out)
    assert run.startswith("digits_avgrad_seed0_")
    assert sorted(os.listdir(out / run)) == ["bounds.png", "history.csv", "loss.png",
                                             "result.json"]  # fmt: skip
    res = read_json(out / run / "result.json")
    assert res["final"]["steps"] == 6 and res["config"]["optimizer"] == "avgrad"
    assert "train loss" in capsys.readouterr().out


def test_grid_writes_json_and_heatmap(tmp_path):
    out = tmp_path / "g"
    code = main(["grid", "--size", "quick", "--steps", "3", "--optimizers", "adam",
                 "--beta1s", "0.9", "--beta2s", "0.9", "0.99", "--no-progress",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    g = read_json(out / "grid.json")
    assert g["beta2s"] == [0.9, 0.99] and len(g["train"]["adam"][0]) == 2
    assert os.path.exists(out / "grid.png")


@pytest.mark.slow
def test_quick_report_has_every_section_and_no_violation(tmp_path):
    out, corpus = tmp_path / "report", tmp_path / "corpus.txt"
    corpus.write_text("the quick brown fox jumps over the lazy dog.\n" * 200, encoding="utf-8")
    argv = ["report", "--quick", "--no-progress", "--out", str(out), "--text", str(corpus)]
    assert main(argv) == 0
    text = (out / "index.md").read_text(encoding="utf-8")
    assert "### digits" in text and "### chargpt" in text and "corpus.txt" in text
    for head in (
        "## Bounds",
        "## Numeric checks",
        "## Training runs",
        "## Robustness grid",
        "No measured run exceeded any bound",
    ):
        assert head in text
    for link in [line.split("](")[1].rstrip(")") for line in text.splitlines()
                 if line.startswith("![")]:  # fmt: skip
        assert (out / link).is_file(), link
    assert {"results.json", "history.csv", "grid.json", "index.md"} <= set(os.listdir(out))
