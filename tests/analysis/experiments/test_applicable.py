"""analysis.experiments.applicable: which nonconvex theorems a run meets, and their value."""

import math

import pytest
import torch

from analysis.experiments import applicable
from analysis.experiments.train import RunConfig, train
from analysis.theorems import THEOREMS


@pytest.fixture(scope="module")
def runs():
    out, threads = {}, torch.get_num_threads()
    torch.set_num_threads(1)  # tiny runs: one thread is faster, above all on a loaded machine
    try:
        for name in ("adam", "adamw", "mada", "avgrad"):
            cfg = RunConfig(task="digits", optimizer=name, size="quick", steps=12, monitor=True,
                            betas=(0.9, 0.95))  # fmt: skip
            out[name] = train(cfg, progress=False)
    finally:
        torch.set_num_threads(threads)
    return out


def _rows(result):
    return {row["theorem"]: row for row in applicable.assess(result)}


def test_every_nonconvex_theorem_is_assessed_and_no_online_one():
    ids = {t for t, th in THEOREMS.items() if th.setting == "stochastic-nonconvex"}
    assert ids and ids == {row["theorem"] for row in applicable.assess(_fake("adam"))}


def test_an_assumption_failing_at_the_runs_constants_is_a_reason():
    row = _rows(_fake("adam", G_inf=1.0))["adam_nonconvex_defossez2022"]
    assert not row["applies"] and row["bound"] is None
    assert "T > beta1/(1 - beta1)" in row["reasons"][0]  # T = 2 steps at beta1 = 0.9


def _fake(name, G_inf=None):
    from analysis.experiments.train import RunResult

    cfg = {"task": "digits", "optimizer": name, "seed": 0, "size": "quick", "text": None,
           "lr": 1e-3, "betas": [0.9, 0.95], "steps": 2, "optimizer_options": {}}  # fmt: skip
    hist = [{"step": 2, "coefficients": {}, "monitor": {"G_inf": G_inf}}]
    return RunResult(cfg, {"params": 10}, hist, {"steps": 2})


def test_adam_meets_defossez_theorem_4_evaluated_on_its_constants(runs):
    r = runs["adam"]
    row = _rows(r)["adam_nonconvex_defossez2022"]
    assert row["applies"] and not row["reasons"]
    c = row["constants"]
    mon = r.history[-1]["monitor"]
    assert (c["alpha"], c["beta1"], c["beta2"], c["T"], c["L"]) == (3e-3, 0.9, 0.95, 12, 0.0)
    assert c["R"] == mon["G_inf"] and c["d"] == r.info["params"]
    assert 0 < c["Delta"] < 5  # the initial validation cross-entropy (10 classes: ~ln 10)
    th = THEOREMS["adam_nonconvex_defossez2022"]
    assert row["bound"] == pytest.approx(float(th.numeric(**c)), rel=1e-9)
    assert row["trivial"] == pytest.approx(c["d"] * c["R"] ** 2)
    assert any("corrects m's bias" in x for x in row["caveats"])


def test_runs_that_the_theorems_do_not_analyse_get_reasons_not_numbers(runs):
    mada = _rows(runs["mada"])
    assert not any(row["applies"] for row in mada.values())
    assert all(any("learns" in x for x in row["reasons"]) for row in mada.values())
    adamw = _rows(runs["adamw"])["adam_nonconvex_defossez2022"]
    assert not adamw["applies"] and "decays its weights" in adamw["reasons"][-1]
    avgrad = _rows(runs["avgrad"])["avgrad_nonconvex"]
    assert "α/√t" in avgrad["reasons"][0] and avgrad["bound"] is None
    lion = applicable.reasons(THEOREMS["adam_nonconvex_defossez2022"],
                              applicable.run_facts(_fake("lion")))  # fmt: skip
    assert lion == ["the run is Lion's sign update (γ = 0): it keeps no second moment"]


def test_the_conclusion_says_vacuous_or_informative():
    row = {"bound": 10.0, "trivial": 5.0, "breakeven": math.inf}
    assert applicable.conclusion(row).startswith("vacuous: even at L = 0")
    assert "never" in applicable.conclusion(row)
    row = {"bound": 1.0, "trivial": 5.0, "breakeven": 3}
    assert applicable.conclusion(row).startswith("informative at L = 0")
