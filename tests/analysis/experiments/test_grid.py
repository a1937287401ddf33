"""analysis.experiments.grid: the robustness grid over initial (beta1, beta2)."""

import math

import pytest

from analysis.experiments import grid
from analysis.experiments.grid import GRID_OPTIMIZERS, check_points, robustness_grid
from analysis.experiments.optimizers import check_optimizer
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


def _no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a run started before every point was checked")

    monkeypatch.setattr(grid, "train", refuse)


def _mada_refuses(betas):
    """Whether MADA itself refuses to learn from ``betas`` with its default bounds (it may
    instead clamp the start into them); the grid's check must agree either way."""
    try:
        check_optimizer("hyperadam", betas=betas)
    except ValueError:
        return True
    return False


@pytest.mark.parametrize(("beta1s", "beta2s"), [([0.9], [0.999, 0.9]), ([0.0], [0.9])])
def test_every_point_is_checked_for_every_optimizer_before_any_run(monkeypatch, beta1s,
                                                                   beta2s):  # fmt: skip
    _no_training(monkeypatch)
    bad = (beta1s[0], beta2s[0])
    if not _mada_refuses(bad):
        check_points(GRID_OPTIMIZERS, beta1s, beta2s)  # MADA takes the point: so does the grid
        return
    needle = rf"\(beta1={bad[0]:g}, beta2={bad[1]:g}\) is refused by hyperadam"
    with pytest.raises(ValueError, match=needle):
        robustness_grid("digits", size="quick", beta1s=beta1s, beta2s=beta2s, progress=False)


def test_bad_learner_options_are_refused_before_any_run(monkeypatch):
    _no_training(monkeypatch)
    with pytest.raises(ValueError, match=r"refused by hyperadam: .*bounds\['beta1'\]"):
        robustness_grid("digits", size="quick", options={"bounds": {"beta1": (0.9, 0.1)}},
                        progress=False)  # fmt: skip
    check_points(["adam"], [0.0], [0.999])  # Adam learns nothing: any point in [0, 1)
    wide = {"bounds": {"beta1": (0.0, 0.9), "beta2": (0.5, 0.9999)}}
    check_points(["mada"], [0.0], [0.999], wide)
    with pytest.raises(ValueError, match=r"\(beta1=0.95, beta2=0.9\) is refused by mada"):
        check_points(["adam", "mada"], [0.5, 0.95], [0.9], wide)  # above beta1's 0.9
