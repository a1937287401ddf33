"""analysis.experiments.grid: the robustness grid over initial (beta1, beta2)."""

import math

import pytest

from analysis.experiments.grid import robustness_grid
from analysis.experiments.train import RunConfig, train


def test_grid_entries_are_the_final_losses_of_the_single_runs():
    g = robustness_grid("digits", size="quick", optimizers=("adam", "mada"), beta1s=[0.5, 0.9],
                        beta2s=[0.99], steps=6, progress=False)  # fmt: skip
    assert g.steps == 6 and len(g.train["adam"]) == 2 and len(g.train["adam"][0]) == 1
    single = train(RunConfig(task="digits", size="quick", optimizer="adam", steps=6,
                             betas=(0.9, 0.99)), progress=False)  # fmt: skip
    assert g.train["adam"][1][0] == single.final["train_loss"]
    assert g.val["adam"][1][0] == single.final["val_loss"]
    s = g.summary()
    assert set(s) == {"adam", "mada"} and all(math.isfinite(v["mean"]) for v in s.values())
    assert 0 < max(v["near_best"] for v in s.values()) <= 1


@pytest.mark.parametrize("bad", [[], [1.0], [-0.1], ["x"]])
def test_bad_betas_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="beta1s"):
        robustness_grid("digits", size="quick", beta1s=bad, progress=False)
