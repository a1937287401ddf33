"""make_optimizer: every name steps, Adam's corner equals torch Adam, arguments are checked."""

from __future__ import annotations

import pytest
import torch

from analysis.experiments.optimizers import (
    OPTIMIZERS,
    check_optimizer,
    coefficients,
    learned_bounds,
    learns,
    make_optimizer,
)
from analysis.experiments.tasks import make_task
from mada import MADA
from tests.conftest import EXACT_ATOL, EXACT_RTOL


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_takes_steps_on_digits(name):
    task = make_task("digits", size="quick")
    opt = make_optimizer(name, task.model.parameters(), lr=task.lr)
    assert isinstance(opt, torch.optim.AdamW if name == "adamw" else MADA)
    before = [p.detach().clone() for p in task.model.parameters()]
    for step in (1, 2, 3):
        opt.zero_grad()
        loss = task.loss(task.batch(step))
        loss.backward()
        opt.step()
    assert torch.isfinite(loss)
    assert all(not torch.equal(a, p) for a, p in zip(before, task.model.parameters(), strict=True))
    coef = coefficients(opt)
    assert {"beta1", "beta2"} <= coef.keys()
    assert all(isinstance(v, float) for v in coef.values())


def _mlp():
    nn = torch.nn
    return nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3)).double()


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)])
def test_adam_matches_torch_adam(betas):
    model = _mlp()
    twin = _mlp()
    twin.load_state_dict(model.state_dict())
    ours = make_optimizer("adam", model.parameters(), lr=1e-2, betas=betas)
    ref = torch.optim.Adam(twin.parameters(), lr=1e-2, betas=betas)
    gen = torch.Generator().manual_seed(0)
    for _ in range(5):
        x = torch.randn(16, 5, generator=gen, dtype=torch.float64)
        for net, opt in ((model, ours), (twin, ref)):
            opt.zero_grad()
            net(x).pow(2).mean().backward()
            opt.step()
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=EXACT_RTOL, atol=EXACT_ATOL)


def test_adamw_defaults_and_overrides():
    w = torch.nn.Parameter(torch.ones(2))
    group = make_optimizer("adamw", [w], lr=1e-3).param_groups[0]
    assert group["weight_decay"] == 0.01 and group["betas"] == (0.9, 0.999)
    group = make_optimizer("adamw", [w], lr=1e-3, betas=(0.8, 0.9), weight_decay=0).param_groups[0]
    assert group["weight_decay"] == 0 and group["betas"] == (0.8, 0.9)


def test_betas_override_the_preset_and_lion_takes_them_as_lion_betas():
    w = torch.nn.Parameter(torch.ones(2))
    assert coefficients(make_optimizer("adan", [w], lr=1e-3))["beta1"] == 0.98
    adan = make_optimizer("adan", [w], lr=1e-3, betas=(0.7, 0.8))
    assert coefficients(adan)["beta1"] == 0.7 and coefficients(adan)["beta3"] == 0.92
    lion = coefficients(make_optimizer("lion", [w], lr=1e-3, betas=(0.9, 0.99)))
    assert (lion["lion_beta1"], lion["lion_beta2"], lion["gamma"]) == (0.9, 0.99, 0.0)
    assert "lion_beta1" not in coefficients(make_optimizer("adam", [w], lr=1e-3))
    assert make_optimizer("mada", [w], lr=1e-3, fused=False).param_groups[0]["fused"] is False


@pytest.mark.parametrize(
    "kwargs, match",
    [({"betas": (0.9,)}, "betas must be two numbers in"),
     ({"betas": (0.9, 1.0)}, "betas must be two numbers in"),
     ({"betas": (-0.1, 0.9)}, "betas must be two numbers in"),
     ({"betas": "ab"}, "betas must be two numbers in"),
     ({"lr": 0.0}, "lr must be a finite number > 0"),
     ({"lr": -1e-3}, "lr must be a finite number > 0"),
     ({"lr": float("nan")}, "lr must be a finite number > 0"),
     ({"weight_decay": -1.0}, "weight_decay must be"),
     ({"fused": "yes"}, "fused must be")],
)  # fmt: skip
def test_bad_arguments_name_the_argument(kwargs, match):
    w = torch.nn.Parameter(torch.ones(2))
    kwargs = {"lr": 1e-3, **kwargs}
    for name in ("adam", "adamw"):
        with pytest.raises(ValueError, match=match):
            make_optimizer(name, [w], **kwargs)


def test_unknown_optimizer_lists_the_choices():
    with pytest.raises(ValueError, match=r"optimizer must be one of \('adam', 'adamw'.*'mada'\)"):
        make_optimizer("sgd", [torch.nn.Parameter(torch.ones(1))], lr=1e-3)


def test_options_reach_mada_and_adamw_refuses_them():
    w = torch.nn.Parameter(torch.zeros(2))
    opt = make_optimizer("mada", [w], lr=1e-3, hyper_lr=2.5e-3, hyper_momentum=0.5)
    group = opt.param_groups[0]
    assert set(group["hyper_lr"].values()) == {2.5e-3}
    assert set(group["hyper_momentum"].values()) == {0.5}
    with pytest.raises(ValueError, match="adamw"):
        make_optimizer("adamw", [w], lr=1e-3, hyper_lr=1e-3)


def test_check_optimizer_uses_the_optimizers_own_rules_and_names_it():
    check_optimizer("adam", betas=(0.0, 0.999))
    with pytest.raises(ValueError, match=r"^mada: bounds\['beta2'\] must have lo <= hi"):
        check_optimizer("mada", bounds={"beta2": (0.9, 0.8)})
    with pytest.raises(ValueError, match=r"^mada: bounds\['beta1'\] must be in \[0, 1\)"):
        check_optimizer("mada", bounds={"beta1": (0.5, 1.0)})
    check_optimizer("mada", betas=(0.9, 0.999), bounds={"beta2": (0.5, 0.9999)})
    with pytest.raises(ValueError, match=r"^hyperadam: .*hyper_lr"):
        check_optimizer("hyperadam", hyper_lr=-1.0)
    with pytest.raises(ValueError, match=r"^adamw: .*adamw takes none"):
        check_optimizer("adamw", hyper_lr=1e-3)


def test_learners_and_their_default_bounds_come_from_mada():
    assert [n for n in OPTIMIZERS if learns(n)] == ["hyperadam", "mada"]
    w = torch.nn.Parameter(torch.zeros(1))
    assert learned_bounds("mada") == MADA.preset("mada", [w]).param_groups[0]["bounds"]
    assert set(learned_bounds("hyperadam")) == {"beta1", "beta2"}
