"""Adding a theorem is one module: ``toy_theorem.py``, written with the public construction
API only, is registered and goes through the registry's machinery (bound, numeric,
data_bound, the batched data bounds, verify and tightness)."""

import types

import numpy as np
import pytest
import sympy as sp

from analysis import tightness
from analysis.algorithm import Algorithm
from analysis.problems import OnlineLinear
from analysis.simulate import run
from analysis.symbols import D_inf, G_inf, T, d
from analysis.theorems import THEOREMS, Assumptions, Theorem, data_bounds, register
from analysis.verify import online_theorems, verify
from tests.analysis import toy_theorem
from tests.conftest import EXACT_RTOL

CONSTS = {"alpha": 0.4, "beta1": 0.6, "beta2": 0.9, "lam": 0.8}


@pytest.fixture
def toy():
    theorem = register(toy_theorem)
    yield theorem
    del THEOREMS[theorem.id]


def _problem(B=3, T_=25, d_=2, seed=0):
    rng = np.random.default_rng(seed)
    return OnlineLinear(rng.uniform(-1, 1, (B, T_, d_)), 1.0, x0=rng.uniform(-1, 1, (B, d_)))


def test_the_toy_is_not_registered_until_registered(toy):
    assert THEOREMS["toy_theorem"] is toy is toy_theorem.THEOREM
    assert "toy_theorem" in online_theorems() and "toy_theorem" in tightness.online_ids()


def test_the_toy_leaves_the_registry_as_it_was():
    assert "toy_theorem" not in THEOREMS


def test_registering_twice_or_under_another_name_fails(toy):
    with pytest.raises(ValueError, match="already registered"):
        register(toy_theorem)
    other = types.ModuleType("other_name")
    other.THEOREM = toy
    with pytest.raises(ImportError, match="defines theorem id 'toy_theorem'"):
        register(other)
    with pytest.raises(ImportError, match="no THEOREM"):
        register(types.ModuleType("empty"))


def test_bound_and_numeric(toy):
    assert toy.bound() == d * D_inf * G_inf * T
    assert toy.bound(T=10, d=2, D_inf=1, G_inf=3) == 60
    assert toy.symbols == ("D_inf", "G_inf", "T", "d")
    got = toy.numeric(T=np.array([1.0, 1e6]), d=3.0, D_inf=0.5, G_inf=np.array([2.0, 4.0]))
    np.testing.assert_allclose(got, [3.0, 6e6], rtol=EXACT_RTOL)
    with pytest.raises(ValueError, match="beta1: assumption 0 <= beta1 < 1"):
        toy.bound(beta1=1.0)


def test_data_bound_is_the_written_sum_and_holds(toy):
    bt = run(_problem(), toy.algorithm, 25, **CONSTS)
    for b in range(bt.B):
        tr = bt.trace(b)
        direct = tr.D_inf("x_star") * np.sum(np.abs(tr.grads))
        got = toy.data_bound(tr, beta2=CONSTS["beta2"])
        np.testing.assert_allclose(got, direct, rtol=EXACT_RTOL)
        assert toy.measured(tr) <= got * (1 + EXACT_RTOL)
        vals = toy.run_values(tr, {"beta2": 0.9})
        assert got <= float(toy.numeric(**{n: vals[n] for n in toy.symbols}))
    traces = [bt.trace(b) for b in range(bt.B)]
    batched = data_bounds(toy, traces, beta2=CONSTS["beta2"])
    np.testing.assert_allclose(batched, [toy.data_bound(tr, beta2=0.9) for tr in traces],
                               rtol=EXACT_RTOL)  # fmt: skip


def test_verify_and_tightness_check_the_toy(toy):
    pytest.importorskip("scipy")
    report = verify([toy], budget=30, seed=0, T_choices=(5, 20), d_choices=(1, 2),
                    corner_T=(10,), long=None)  # fmt: skip
    (r,) = report.results
    assert r.theorem == "toy_theorem" and r.evaluations == 30 and r.rejected == 0
    assert 0 < r.data_ratio <= 1 and 0 < r.corner_data <= 1 and not report.violations
    found = tightness.tightest(calls=1, B=4, T=20, seed=0, theorems=["toy_theorem"])
    e = found["toy_theorem"]
    assert e["n"] == 4 * len(tightness.ONLINE_PROBLEMS) and e["violations"] == 0
    assert 0 < e["data_ratio"] <= 1 and e["ratio"] <= e["data_ratio"] * (1 + EXACT_RTOL)


def test_a_theorem_needs_a_typed_algorithm_and_known_symbols():
    kw = {k: getattr(toy_theorem.THEOREM, k) for k in ("id", "title", "setting", "source",
          "status", "printed_form", "worst_case", "run_values", "measure",
          "measured_quantity")}  # fmt: skip
    with pytest.raises(TypeError, match=r"algorithm must be an analysis\.algorithm\.Algorithm"):
        Theorem(**kw, assumptions=Assumptions(()), algorithm={"long_memory": "average"})
    with pytest.raises(ValueError, match=r"outside analysis\.symbols\.SYMBOLS"):
        Theorem(**{**kw, "printed_form": sp.Symbol("zeta")}, assumptions=Assumptions(()),
                algorithm=Algorithm("x"))  # fmt: skip
