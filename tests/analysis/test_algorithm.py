"""The typed algorithm (analysis.algorithm): its fields, the flat-config view, the rendering, and
that the simulators run a theorem's Algorithm and its flat config alike."""

import dataclasses

import numpy as np
import pytest

from analysis import statements
from analysis.algorithm import Algorithm, EpsPlacement, LongMemory, LrSchedule, Moments
from analysis.problems import OnlineLinear, SigmoidRegression
from analysis.simulate import normalise, run
from analysis.theorems import AVGRAD, THEOREMS


def test_strings_become_enums_and_bad_values_name_the_field():
    a = Algorithm("a", long_memory="max+average", lr_schedule="inv_sqrt", moments="sum")
    assert a.long_memory is LongMemory.MAX_AVERAGE and a.lr_schedule is LrSchedule.INV_SQRT
    assert a.moments is Moments.SUM and a.eps_placement is EpsPlacement.OUTSIDE
    with pytest.raises(ValueError, match="long_memory must be one of 'none', 'max', 'average'"):
        Algorithm("a", long_memory="mix")
    with pytest.raises(ValueError, match="safeguard must be True or False"):
        Algorithm("a", safeguard=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.rho = 0.5


def test_flat_config_round_trip():
    alg = AVGRAD.replace(momentum_schedule="geometric", notes=("n",))
    flat = {**alg, "alpha": 0.5, "lam": 0.9}
    assert "notes" not in flat and flat["rho"] == 0.0 and "beta1" not in flat
    back, consts = Algorithm.from_config(flat)
    assert back == dataclasses.replace(alg, rho=None, eps=None, notes=())
    assert consts == {"rho": 0.0, "eps": 0.0, "alpha": 0.5, "lam": 0.9}
    mix, c = Algorithm.from_config({"long_memory": "mix", "mix": "max_avg", "rho": 0.2})
    assert mix.long_memory is LongMemory.MAX_AVERAGE and c == {"rho": 0.2}
    with pytest.raises(ValueError, match="mix must be"):
        Algorithm.from_config({"long_memory": "mix", "mix": "avg", "rho": 0.2})
    with pytest.raises(ValueError, match="mix is read only"):
        Algorithm.from_config({"mix": "max_avg"})
    assert alg.get("beta1") is None and alg.get("beta1", 1) == 1
    with pytest.raises(KeyError):
        alg["beta1"]


def test_keywords_override_constants_and_settings():
    alg, c = normalise(AVGRAD, alpha=1.0, beta2=0.5, long_memory="max", eps=1e-3)
    assert alg.long_memory is LongMemory.MAX and c["eps"] == 1e-3 and c["rho"] == 0.0
    with pytest.raises(ValueError, match=r"unknown config key\(s\) \['zeta'\]"):
        normalise(AVGRAD, alpha=1.0, beta2=0.5, zeta=1)


@pytest.mark.parametrize("th_id", sorted(THEOREMS))
def test_every_theorem_renders_its_algorithm(th_id):
    alg = THEOREMS[th_id].algorithm
    text = alg.describe()
    assert text.splitlines()[0] == alg.name and "x_{t+1} = " in text
    assert ("unprojected" in text) == (not alg.projected)
    for note in alg.notes:
        assert note in text


@pytest.mark.parametrize("th_id", sorted(THEOREMS))
def test_typed_and_flat_configs_run_the_same_iterates(th_id):
    th = THEOREMS[th_id]
    if th.setting == "stochastic-nonconvex":
        p = SigmoidRegression(B=2, d=3, n=20, radius=3.0, seed=2)
        c = {"alpha": 0.05, "beta2": 0.9, "eps": 1e-6}
        if "beta1" not in th.algorithm.keys() and th.algorithm.rho != 1.0:
            c["beta1"] = 0.3 if th_id.endswith("momentum") else 0.0
        if th.algorithm.beta2 == 1.0:
            c["beta2"] = 1.0
        if th.algorithm.long_memory is LongMemory.AVERAGE and th.algorithm.rho is None:
            c["rho"] = 0.5
    else:
        p = OnlineLinear(np.random.default_rng(1).uniform(-1, 1, (2, 15, 2)), 1.0)
        c = {"alpha": 0.3, "beta1": 0.0 if th.algorithm.beta1 == 0 else 0.5, "beta2": 0.8,
             "lam": 0.9}  # fmt: skip
        if th.algorithm.rho is None:
            c["rho"] = 0.05
    typed = run(p, th.algorithm, 15, **c)
    flat = run(p, {**th.algorithm, **c}, 15)
    np.testing.assert_array_equal(typed.x, flat.x)
    np.testing.assert_array_equal(typed.v_hat, flat.v_hat)


def test_the_public_statements_are_the_registrys():
    """Each theorem's own statements, re-exported by analysis.statements, are the very
    expressions its registry entry evaluates."""
    pairs = {"avgrad_regret": ("AVGRAD_FORM", "AVGRAD_BOUND"),
             "avgrad_regret_constant_beta1": ("CONSTANT_FORM", "CONSTANT_BOUND"),
             "amsgrad_avgrad_interpolation_regret": ("MAX_AVG_FORM", "MAX_AVG_BOUND"),
             "adam_avgrad_interpolation_regret": ("ADAM_AVG_FORM", "ADAM_AVG_BOUND"),
             "avgrad_nonconvex": ("NONCONVEX_BOUND", "NONCONVEX_BOUND")}  # fmt: skip
    for th_id, (form, bound) in pairs.items():
        th = THEOREMS[th_id]
        assert th.printed_form == getattr(statements, form)
        assert th.bound() == getattr(statements, bound)
    for name in statements.__all__:
        assert getattr(statements, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'NOPE'"):
        statements.NOPE  # noqa: B018
