"""analysis.tightness: the theorem filter, and the coefficient-path theorem's seeded instances
(the adversary picks the path in the box) never exceed its bounds."""

import pytest

from analysis import tightness

PATH = "coefficient_path_regret"


def test_theorems_filter_runs_only_the_named_ones_and_counts_their_calls():
    r = tightness.tightest(calls=1, B=2, T=20, seed=0, nonconvex_calls=1, theorems=[PATH])
    assert set(r) == {PATH}
    assert tightness.calls_of(calls=3, nonconvex_calls=5, theorems=PATH) == 3 * len(
        tightness.ONLINE_PROBLEMS
    )
    assert tightness.calls_of() > tightness.calls_of(theorems=[PATH])


def test_theorems_filter_names_an_unknown_id():
    with pytest.raises(ValueError, match="theorems: unknown id"):
        tightness.tightest(calls=1, B=2, T=20, theorems=["no_such_theorem"])


def test_coefficient_paths_never_exceed_the_bound():
    """784 seeded instances (random, bang-bang, sign-rule and hill-climbed paths on the seven
    online problems); the docstring's 25,088-instance run is the same call at calls=32,
    B=64."""
    r = tightness.tightest(calls=4, B=16, seed=0, theorems=[PATH])[PATH]
    assert r["n"] == 7 * (3 * 16 + (tightness.PATH_ROUNDS + 1) * 16)
    assert r["violations"] == 0
    assert r["ratio"] > 0 and r["data_ratio"] > 0  # the runs were measured
