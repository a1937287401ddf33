"""measured <= data_bound (every instance, batched) and measured <= bound on >= 10^4 random
online instances (analysis.tightness); nonconvex theorems (noisy Rosenbrock, a sigmoid
regression, DigitsMLP): the seed mean of the stationarity measure is below the mean bound on
every configuration whose seeds all stayed in the box."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from analysis import tightness
from analysis.simulate import run
from analysis.theorems import THEOREMS, data_bounds
from analysis.tightness import nonconvex_ids, online_ids, tightest

_TICKS = []


@pytest.fixture(scope="module")
def results():
    return tightest(calls=3, B=80, T=(20, 200), seed=0, nonconvex_calls=3,
                    progress=_TICKS.append)  # fmt: skip


def test_progress_is_called_once_per_simulate_call(results):
    assert sum(_TICKS) == tightness.calls_of(calls=3, nonconvex_calls=3) > 0


@pytest.mark.parametrize("th_id", online_ids())
def test_batched_data_bound_equals_per_trace(th_id):
    th, rng = THEOREMS[th_id], np.random.default_rng(7)
    for name in ("reddi3_stochastic", "quadratics", "linear"):
        consts = tightness.sample_constants(th_id, 60, rng)
        bt = run(tightness.online_problem(name, 6, rng), {**th.algorithm, **consts}, 60)
        traces = [bt.trace(b) for b in range(bt.B)]
        given = {k: v for k, v in consts.items() if k in ("beta2", "lam", "rho")
                 and k in th.assumptions.names}  # fmt: skip
        ref = np.array([th.data_bound(tr, **given) for tr in traces])
        np.testing.assert_allclose(data_bounds(th, traces, **given), ref, rtol=1e-12, atol=0)


@pytest.mark.parametrize("th_id", nonconvex_ids())
def test_batched_data_bound_equals_per_trace_nonconvex(th_id):
    th, rng = THEOREMS[th_id], np.random.default_rng(8)
    p, consts = tightness.nonconvex_setup(th_id, rng, 5, "sigmoid")
    bt = run(p, {**th.algorithm, **consts}, 30)
    traces = [bt.trace(b) for b in range(bt.B)]
    given = {"L": p.L, "Delta": 1.5, **consts}
    given = {k: v for k, v in given.items() if k in th.assumptions.names and k != "alpha"}
    ref = np.array([th.data_bound(tr, **given) for tr in traces])
    np.testing.assert_allclose(data_bounds(th, traces, **given), ref, rtol=1e-12, atol=0)


@pytest.mark.slow
def test_at_least_ten_thousand_online_instances(results):
    assert sum(results[k]["n"] for k in online_ids()) >= 10_000


@pytest.mark.slow
@pytest.mark.parametrize("th_id", online_ids())
def test_regret_below_data_bound_and_bound(results, th_id):
    e = results[th_id]
    assert e["violations"] == 0, e
    assert 0 < e["ratio"] <= 1 and 0 < e["data_ratio"] <= 1 and np.isfinite(e["ratio"])


@pytest.mark.slow
@pytest.mark.parametrize("th_id", nonconvex_ids())
def test_mean_stationarity_below_bound(results, th_id):
    e = results[th_id]
    assert e["n"] > 0 and e["violations"] == 0 and 0 < e["ratio"] <= 1, e
    assert e["left_box"] >= 0 and e["excluded"] <= 3 * len(tightness.NONCONVEX_PROBLEMS)


@pytest.mark.slow
def test_digits_runs_are_checked():
    for th_id in nonconvex_ids():  # one stream per theorem: draws do not shift as ids are added
        rng = np.random.default_rng(zlib.crc32(th_id.encode()))
        p, consts = tightness.nonconvex_setup(th_id, rng, 80, "digits")
        meas, bound, inside = tightness.check_nonconvex(th_id, p, consts, tightness.DIGITS_T)
        assert p.B == tightness.DIGITS_B and inside.all()
        assert 0 < meas.mean() <= bound.mean()
