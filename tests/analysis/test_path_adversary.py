"""analysis._path_adversary: every path stays in its box, the box has the sampled effective
beta2, and the adversary's runs (tightness, hill climbing) never exceed the bound."""

import numpy as np
import pytest

from analysis import tightness
from analysis._path_adversary import (
    CORNER_PATHS,
    adversary_call,
    box,
    climb,
    corner_paths,
    from_params,
    mutate,
    path,
    sample,
)
from analysis.theorems.coefficient_path_regret import effective_beta2

TH = "coefficient_path_regret"


@pytest.mark.parametrize("beta2", [1e-6, 0.3, 0.999, 1 - 1e-6])
@pytest.mark.parametrize("frac", [0.0, 0.4, 1.0])
def test_box_has_the_effective_beta2_and_stays_inside(beta2, frac):
    b2_hi, rho_hi = box(beta2, frac)
    assert 0 <= b2_hi < 1 and 0 <= rho_hi < 1
    eff = rho_hi + (1 - rho_hi) * b2_hi  # = effective_beta2, without its cancellation
    assert eff <= beta2 * (1 + 1e-15) and eff == pytest.approx(beta2, rel=1e-11)
    assert effective_beta2(b2_hi, rho_hi) == pytest.approx(beta2, rel=1e-9)


def test_max_interpolation_box_takes_any_rho():
    assert box(0.3, 0.2, "max+average") == pytest.approx((0.3, 1.0), rel=1e-11)


def test_box_refuses_a_split_outside_0_1():
    with pytest.raises(ValueError, match="frac"):
        box(0.5, 1.5)


def _inside(p, b2_hi, rho_hi):
    return all(np.all(p[k] >= 0) and np.all(p[k] <= hi) for k, hi in
               (("beta2", b2_hi), ("rho", rho_hi)))  # fmt: skip


@pytest.mark.parametrize("kind", ["random", "bangbang", "greedy", "phase"])
def test_array_paths_stay_in_the_box(kind):
    rng = np.random.default_rng(0)
    costs = rng.choice([-1.0, 1.0], (4, 30, 2))
    p = path(kind, 30, 4, 2, 0.3, 0.2, rng, costs)
    assert _inside(p, 0.3, 0.2) and p["beta2"].shape == (30, 4, 2)
    if kind != "random":  # at the corners
        assert set(np.unique(p["beta2"])) <= {0.0, 0.3} and set(np.unique(p["rho"])) <= {0, 0.2}


def test_sign_rule_and_searched_paths_stay_in_the_box():
    rng = np.random.default_rng(1)
    rule = path("sign", 5, 3, 2, 0.3, 0.2, rng)
    got = rule(1, rng.normal(size=(3, 2)), rng.normal(size=(3, 2)))
    assert _inside(got, 0.3, 0.2)
    extra, desc = from_params(rng.normal(0, 3, 1 + 2 * 4), 0.7, 9, 4, True, "average")
    b2_hi, rho_hi = [float(x.split("=")[1]) for x in desc.split(", ")[2:]]
    assert _inside(extra["path"], b2_hi * (1 + 1e-5), rho_hi * (1 + 1e-5))
    assert extra["long_memory"] == "average"


def test_mutants_keep_the_best_path_first_and_stay_at_the_corners():
    rng = np.random.default_rng(2)
    best = {"beta2": np.full((20, 2), 0.3), "rho": np.zeros((20, 2))}
    out = mutate(best, 5, 0.3, 0.2, rng)
    assert np.array_equal(out["beta2"][:, 0], best["beta2"]) and _inside(out, 0.3, 0.2)


def test_climb_keeps_the_best_and_evaluates_every_round():
    rng = np.random.default_rng(3)
    first = path("greedy", 10, 4, 1, 0.5, 0.5, rng)
    rounds = climb(lambda p: p["beta2"].sum(axis=(0, 2)), first, 4, 0.5, 0.5, rng, 5)
    assert len(rounds) == 6
    best = np.maximum.accumulate([r.max() for r in rounds])
    assert all(r[0] == pytest.approx(b) for r, b in zip(rounds[1:], best[:-1], strict=True))


def test_corner_paths_cover_both_box_ends():
    costs = np.ones((2, 6, 1))
    got = list(corner_paths(0.5, costs, np.random.default_rng(0)))
    assert len(got) == 2 * len(CORNER_PATHS)
    assert any(d.endswith("rho_hi=0") for _, d in got) and any("beta2_hi=0," in d for _, d in got)
    assert all(d.endswith("rho_hi=1") for _, d in got if "max+average" in d)


@pytest.mark.parametrize("kind", ["random", "bangbang", "sign", "greedy"])
def test_adversary_runs_hold_the_bound(kind):
    """One tightness call per path kind on Reddi's problem and random linear losses."""
    rng = np.random.default_rng(4)
    for name in ("reddi3", "linear", "alternating"):
        e = {"ratio": -np.inf, "data_ratio": -np.inf, "n": 0, "violations": 0, "worst": None}
        consts = tightness.sample_constants(TH, 60, rng)
        problem = tightness.online_problem(name, 16, rng)
        args = (e, TH, problem, consts, 60, name)
        adversary_call(lambda x, w, a=args: tightness._record(*a, x, w), kind, consts["beta2"],
                       60, 16, problem.d, rng, tightness.PATH_ROUNDS)  # fmt: skip
        assert e["violations"] == 0 and 0 < e["ratio"] <= 1 and e["data_ratio"] <= 1
        assert e["n"] == 16 * (tightness.PATH_ROUNDS + 1 if kind == "greedy" else 1)
        assert "path" in e["worst"][3]


def test_sample_describes_its_box():
    extra, desc = sample(0.5, 10, 2, 1, np.random.default_rng(5), "random")
    assert desc.startswith("random path") and set(extra) == {"path", "long_memory"}
