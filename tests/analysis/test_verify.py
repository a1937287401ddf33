"""Adversarial search for bound violations (analysis.verify) and ``mada-analysis verify``."""

import dataclasses

import numpy as np
import pytest

pytest.importorskip("scipy")

from analysis import cli
from analysis.theorems import THEOREMS
from analysis.verify import constants_for, corners, online_theorems, search, verify

OWN = ("avgrad_regret", "avgrad_regret_constant_beta1", "amsgrad_avgrad_interpolation_regret",
       "adam_avgrad_interpolation_regret")  # fmt: skip
SMALL = {"T_choices": (5, 20), "d_choices": (1, 2), "corner_T": (), "long": None}


def test_online_theorems_are_the_regret_ones():
    ids = online_theorems()
    assert set(OWN) <= set(ids) and "amsgrad_regret_reddi2018" in ids
    assert "avgrad_nonconvex" not in ids


def test_small_budget_run_holds_for_own_theorems():
    report = verify(list(OWN), budget=40, seed=1, **SMALL)
    assert [r.theorem for r in report.results] == list(OWN)
    for r in report.results:
        assert r.evaluations == 40 and r.rejected == 0
        assert 0 < r.data_ratio <= 1 and r.closed_ratio <= 1
    assert not report.violations and "VIOLATION" not in report.table()


def test_search_improves_on_its_random_start():
    th = THEOREMS["avgrad_regret_constant_beta1"]
    result = search(th, 150, np.random.default_rng(3), restart_evals=150,
                    T_choices=SMALL["T_choices"], d_choices=SMALL["d_choices"])  # fmt: skip
    assert result.data_ratio > 1.2 * result.start_data_ratio


def test_constants_stay_inside_the_assumptions():
    rng = np.random.default_rng(0)
    for tid in online_theorems():
        th = THEOREMS[tid]
        for _ in range(20):
            T = int(rng.choice([1, 3, 200]))
            c = constants_for(th, rng.normal(0, 3, 5), T)
            assert set(c) <= th.assumptions.names
            th.assumptions.check(T=T, d=1, **c)  # raises if violated


def test_a_broken_bound_is_caught():
    th = THEOREMS["avgrad_regret"]
    broken = dataclasses.replace(th, id="avgrad_regret_broken_for_test",
                                 printed_form=th.printed_form / 1000,
                                 closed_form=th.closed_form / 1000)  # fmt: skip
    report = verify([broken], budget=30, seed=0, **{**SMALL, "corner_T": (2,)})
    (r,) = report.results
    assert r.violated and r.data_ratio > 1 and r.closed_ratio > 1
    assert report.violations == (r,)
    assert "VIOLATION avgrad_regret_broken_for_test" in report.table()


def test_cli_verify_prints_the_table(capsys):
    assert cli.main(["verify", "--theorem", "avgrad_regret", "--budget", "15"]) == 0
    captured = capsys.readouterr()
    assert "worst data ratio" in captured.out and "avgrad_regret" in captured.out
    assert "15" in captured.err  # the progress bar


def test_cli_verify_exit_1_on_a_violation(monkeypatch, capsys):
    from analysis import verify as module

    th = THEOREMS["avgrad_regret"]
    broken = dataclasses.replace(th, id="avgrad_regret_broken_cli", printed_form=th.printed_form
                                 / 1000, closed_form=th.closed_form / 1000)  # fmt: skip
    monkeypatch.setattr(module, "online_theorems", lambda: ["avgrad_regret_broken_cli"])
    monkeypatch.setitem(THEOREMS, "avgrad_regret_broken_cli", broken)
    assert cli.main(["verify", "--budget", "10"]) == 1
    assert "VIOLATION" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--budget", "0"], "--budget"), (["--budget", "x"], "--budget"),
     (["--seed", "-1"], "--seed"), (["--theorem", "avgrad_nonconvex"], "avgrad_regret"),
     (["--theorem", "nosuch"], "choose from")],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args, needle, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["verify", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    error_lines = [ln for ln in err.splitlines() if "error" in ln]
    assert len(error_lines) == 1 and needle in error_lines[0]
    assert "Traceback" not in err


def test_corner_scan_finds_the_step_size_witness_and_no_violation():
    """The independent search's point (alternating losses, alpha = 30, beta1 = 0, beta2 = 1e-4,
    T = 20,000) reaches 0.946 of the closed form; the corners at T <= 50 stay below 1."""
    th = THEOREMS["avgrad_regret_constant_beta1"]
    data, closed, where, runs = corners(th, T_choices=(1, 50))
    assert 0.94 < closed <= 1 and "T = 20000" in where and "alternating" in where
    assert data <= 1 and runs == 8 * (2 * 4 * 2 * 3 + 2)
    report = verify([th.id], budget=20, seed=0, T_choices=(5,), corner_T=(2,), long=None)
    (r,) = report.results
    assert r.corner_closed <= r.closed_ratio <= 1 and r.corner_worst


def test_search_and_corners_pick_the_coefficient_path():
    th = THEOREMS["coefficient_path_regret"]
    result = search(th, 60, np.random.default_rng(7), T_choices=(5, 20), d_choices=(1, 2))
    assert result.rejected == 0 and 0 < result.data_ratio <= 1 and result.closed_ratio <= 1
    worst = result.worst_closed
    assert "path" in worst.extra and worst.where.startswith("searched path")
    assert "searched path" in worst.describe()
    data, closed, _, runs = corners(th, T_choices=(2, 20), d=1, long=None)
    assert 0 < data <= 1 and 0 < closed <= 1
    plain = corners(THEOREMS["avgrad_regret"], T_choices=(2, 20), d=1, long=None)[3]
    assert runs == 9 * plain  # the constant run and 8 corner paths per grid point
