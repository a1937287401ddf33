"""analysis.experiments.figures: every figure is a PNG written atomically."""

import math
import os

from analysis.experiments import figures
from analysis.experiments.grid import GridResult
from analysis.experiments.train import RunResult

PNG = b"\x89PNG\r\n\x1a\n"


def _run(name, monitor=False):
    hist = []
    for step in (5, 10, 15):
        rec = {
            "step": step,
            "train_loss": 2.0 / step,
            "val_loss": 2.5 / step,
            "coefficients": {"beta1": 0.9 - step / 100, "beta2": 0.95, "rho": 1.0},
        }
        if monitor:
            rec["monitor"] = {
                "bounds": {"avgrad_regret": {"total": 10.0 * step, "terms": {"first": 5.0 * step}}}
            }
            rec["regret_vs_final"] = 0.5 * step
        hist.append(rec)
    return RunResult({"task": "digits", "optimizer": name, "seed": 0}, {}, hist, {})


def _is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == PNG


def test_each_figure_writes_a_png_and_nothing_else(tmp_path):
    runs = [_run("adam"), _run("mada", monitor=True)]
    grid = GridResult("digits", "quick", 5, [0.1, 0.9], [0.99], ["adam", "mada"],
                      {"adam": [[1.0], [math.inf]], "mada": [[0.5], [0.7]]},
                      {"adam": [[1.0], [math.inf]], "mada": [[0.5], [0.7]]})  # fmt: skip
    paths = [
        figures.loss_curves(runs, str(tmp_path / "loss.png")),
        figures.coefficient_trajectories(runs, str(tmp_path / "coef.png")),
        figures.robustness_heatmaps(grid, str(tmp_path / "grid.png")),
        figures.bound_vs_measured(runs[1], str(tmp_path / "bounds.png")),
    ]
    assert all(_is_png(p) for p in paths)
    assert sorted(os.listdir(tmp_path)) == ["bounds.png", "coef.png", "grid.png", "loss.png"]
