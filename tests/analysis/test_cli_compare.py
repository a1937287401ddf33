"""``mada-analysis compare``: one-line errors before compute, and a real (tiny) run."""

import os

import pytest
import torch

from analysis.cli import main
from analysis.experiments.results import read_json


@pytest.mark.parametrize(("argv", "named"), [
    (["--seeds", "1"], "--seeds"),
    (["--scale", "huge"], "--scale"),
    (["--optimizers", "adam", "mada"], "--optimizers"),
    (["--threads", "0"], "--threads"),
    (["--steps", "0"], "--steps"),
    (["--seed", "-1"], "--seed"),
    (["--hyper-lr", "-1"], "--hyper-lr"),
    (["--text", "/no/such/file.txt"], "--text"),
])  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(capsys, argv, named):
    with pytest.raises(SystemExit) as exc:
        main(["compare", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err) and named in err[-1], err[-1]


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal without CUDA")
def test_the_gpu_scale_without_cuda_is_refused_before_compute(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--scale", "gpu", "--out", str(tmp_path / "c")])
    assert exc.value.code == 2
    assert "no CUDA device" in capsys.readouterr().err
    assert not os.listdir(tmp_path)


def test_an_output_folder_of_other_files_is_refused(capsys, tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(SystemExit):
        main(["compare", "--scale", "quick", "--out", str(tmp_path)])
    assert "--out" in capsys.readouterr().err and os.listdir(tmp_path) == ["mine.txt"]


def test_a_tiny_comparison_writes_its_folder_and_prints_the_summary(capsys, tmp_path):
    out = tmp_path / "cmp"
    argv = ["compare", "--scale", "quick", "--steps", "3", "--seeds", "2", "--optimizers",
            "adamw", "adam", "mada", "--no-progress", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    data = read_json(out / "compare.json")
    assert data["seeds"] == [0, 1] and data["sweep_seed"] == 2 and data["steps"] == 3
    printed = capsys.readouterr().out
    assert data["summary"] in printed
    text = (out / "index.md").read_text(encoding="utf-8")
    assert "`mada-analysis compare --scale quick --seed 0 --seeds 2 --steps 3" in text
    assert sorted(os.listdir(out / "figures")) == [
        "compare_coefficients.png",
        "compare_curves.png",
        "compare_finals.png",
    ]
