"""measured <= data_bound and measured <= bound on >= 10^4 random online instances
(analysis.tightness); nonconvex theorems: the seed mean of the stationarity measure is below
the mean bound."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.tightness import nonconvex_ids, online_ids, tightest


@pytest.fixture(scope="module")
def results():
    return tightest(calls=3, B=80, T=(20, 200), seed=0, data_every=10, nonconvex_calls=3)


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
