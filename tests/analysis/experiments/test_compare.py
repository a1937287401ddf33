"""analysis.experiments.compare: the fair set-up, the statistics, the verdict, a real run."""

import dataclasses
import math

import numpy as np
import pytest
import torch

from analysis.experiments import compare as cmp
from analysis.experiments.train import RunConfig, RunResult


def _run(optimizer, seed, val, seconds=1.0):
    hist = [{"step": s, "train_loss": val + 1 / s, "val_loss": val + 0.5 / s,
             "coefficients": {"beta1": 0.9, "beta2": 0.95}} for s in (2, 4)]  # fmt: skip
    cfg = {"task": "chargpt", "optimizer": optimizer, "seed": seed, "lr": 1e-3}
    return RunResult(cfg, {}, hist, {"val_loss": val, "seconds": seconds, "steps": 4})


def _result(vals, seconds=None):
    """A CompareResult with final validation losses ``vals[optimizer][seed]``."""
    n = len(next(iter(vals.values())))
    runs = {o: [_run(o, s, v, (seconds or {}).get(o, [1.0] * n)[s]) for s, v in enumerate(vs)]
            for o, vs in vals.items()}  # fmt: skip
    return cmp.CompareResult(scale="quick", task="chargpt", size="quick", steps=4,
                             seeds=list(range(n)), sweep_seed=n, sweep_steps=4, base_lr=1e-3,
                             lrs=dict.fromkeys(vals, 1e-3), sweep={o: {1e-3: 1.0} for o in vals},
                             runs=runs, threads=1, seconds=1.0,
                             start={o: {"beta1": 0.9} for o in vals})  # fmt: skip


VALS = {"adamw": [2.0, 2.1, 2.2], "adam": [2.1, 2.1, 2.3], "lion": [2.5, 2.6, 2.4],
        "mada": [1.9, 2.0, 2.25]}  # fmt: skip


def test_paired_differences_gains_and_ratio_match_numpy():
    r = _result(VALS)
    d = np.array(VALS["mada"]) - np.array(VALS["adamw"])
    p = r.paired("mada")
    assert p["per_seed"] == pytest.approx(d.tolist())
    assert p["mean"] == pytest.approx(d.mean()) and p["std"] == pytest.approx(d.std(ddof=1))
    assert p["wins"] == 2
    s = r.stats("lion")
    assert (s["min"], s["max"]) == (2.4, 2.6)
    assert s["std"] == pytest.approx(np.std(VALS["lion"], ddof=1))
    gain = {o: np.mean(np.array(VALS["adam"]) - np.array(VALS[o])) for o in VALS}
    assert r.gain("adamw")["mean"] == pytest.approx(gain["adamw"])
    ratio = r.ratio()
    assert ratio["best_other"] == "adamw"  # lion loses to adam; adamw gains 0.0667
    assert ratio["ratio"] == pytest.approx(gain["mada"] / gain["adamw"])


def test_the_ratio_is_undefined_when_no_other_optimizer_gains_over_adam():
    r = _result({"adamw": [2.2, 2.3], "adam": [2.0, 2.1], "mada": [1.9, 2.0]})
    assert r.ratio()["ratio"] is None


@pytest.mark.parametrize(("mada", "start"), [
    ([1.9, 2.0, 2.1], "MADA beats AdamW on every seed"),
    ([1.9, 2.0, 2.3], "MADA is ahead of AdamW on average but not on every seed (2 of 3)"),
    ([2.1, 2.1, 2.2], "MADA does not beat AdamW at this scale: Δ = 0.0333 ± 0.0577"),
])  # fmt: skip
def test_the_verdict_says_plainly_who_wins_with_the_spread(mada, start):
    r = _result({**VALS, "mada": mada})
    assert r.verdict().startswith(start)
    assert "over 3 seeds" in r.verdict()


def test_a_diverged_run_is_reported_not_averaged():
    r = _result({**VALS, "mada": [1.9, math.inf, 2.0]})
    assert r.stats("mada")["diverged"] == 1 and math.isinf(r.stats("mada")["mean"])
    assert "diverged on 1 of 3 seeds" in r.verdict()
    assert r.ranking()[-1] == "mada"


def test_summary_names_the_winner_the_margin_and_the_spread():
    r = _result(VALS)
    text = r.summary()
    assert text.startswith("mada has the lowest final validation loss (2.0500 ± 0.1803")
    assert "below adamw" in text and r.verdict() in text


def test_wall_time_is_the_median_over_seeds_and_of_per_seed_ratios():
    secs = {"adamw": [1.0, 2.0, 10.0], "mada": [3.0, 4.0, 11.0]}
    r = _result(VALS, seconds={**{o: [1.0] * 3 for o in VALS}, **secs})
    median, rel = r.seconds_median("mada")
    assert median == 4.0 and rel == pytest.approx(2.0)  # ratios 3, 2, 1.1


def test_every_optimizer_but_lion_starts_from_the_adam_controls_betas():
    plan = cmp.plan_of("quick")
    for o in cmp.COMPARED:
        f = cmp.run_fields(plan, o, 0, 1e-3, steps=5, eval_every=1)
        assert f["betas"] == (None if o == "lion" else cmp.BETAS)
        start = cmp.initial_coefficients(o, 1e-3)
        if o == "lion":  # the sign update's own pair; its moments are off (gamma = 0)
            assert (start["lion_beta1"], start["lion_beta2"], start["gamma"]) == (0.95, 0.98, 0)
        else:
            assert (start["beta1"], start["beta2"]) == cmp.BETAS


def test_lions_candidates_are_3_to_30_times_smaller():
    adam, lion = cmp.lr_candidates("adam", 3e-3), cmp.lr_candidates("lion", 3e-3)
    assert max(lion) == pytest.approx(3e-3 / 3) and min(lion) == pytest.approx(3e-3 / 30)
    assert min(adam) < 3e-3 < max(adam)


def test_the_gpu_scale_is_built_as_the_contract_says():
    plan = cmp.plan_of("gpu")
    f = cmp.run_fields(plan, "mada", 1, 6e-4, steps=300, eval_every=10)
    assert (f["size"], f["device"], f["dtype"], f["compile"]) == ("gpu", "cuda", "bf16", True)
    assert (f["schedule"], f["weight_decay"], f["betas"]) == ("cosine", 0.1, cmp.BETAS)
    names = {x.name for x in dataclasses.fields(RunConfig)}
    if set(cmp.GPU_FIELDS) <= names:  # the GPU harness is merged: the config is valid
        cfg = cmp.make_config(f)
        assert (cfg.dtype, cfg.compile, cfg.size) == ("bf16", True, "gpu")
        cfg.check()
    else:
        with pytest.raises(ValueError, match=r"no field.*'compile'.*gpu scale"):
            cmp.make_config(f)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"scale": "huge"}, "scale must be one of quick, default, gpu"),
    ({"seeds": 1}, "seeds must be an integer >= 2"),
    ({"optimizers": ("adam", "mada")}, "optimizers must include adamw, adam, mada"),
    ({"seed": -1}, "seed must be an integer >= 0"),
])  # fmt: skip
def test_bad_input_is_refused_before_any_run(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cmp.prepare(**{"scale": "quick", **kwargs})


def test_a_real_comparison_sweeps_on_a_separate_seed_and_restores_threads():
    before = torch.get_num_threads()
    r = cmp.compare("quick", optimizers=("adamw", "adam", "mada"), seeds=2, seed=5, steps=4,
                    progress=False)  # fmt: skip
    assert torch.get_num_threads() == before and r.threads == 1
    assert r.seeds == [5, 6] and r.sweep_seed == 7
    for o in r.optimizers:
        assert [x.config["seed"] for x in r.runs[o]] == [5, 6]
        assert {x.config["lr"] for x in r.runs[o]} == {r.lrs[o]}
        assert r.lrs[o] == min(r.sweep[o], key=r.sweep[o].get)
        assert len(r.sweep[o]) in (3, 4)  # one more candidate when an edge wins
        assert all(x.config["steps"] == 4 for x in r.runs[o])
    assert r.start["mada"]["rho"] == 1.0 and r.start["adamw"] == {"beta1": 0.9, "beta2": 0.95}
    assert math.isfinite(r.paired("mada")["mean"])
