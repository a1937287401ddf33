"""Induction: the rule's own conditions, the algorithm facts it proves, and the simulator."""

from dataclasses import replace

import numpy as np
import pytest

from analysis.problems.online import OnlineLinear
from analysis.simulate import run
from analysis.theorems import AVGRAD
from proofs import LEMMAS, PROOFS, le
from proofs import lemma_ema_bound as ema
from proofs._induction import induction

INDUCTIONS = ("lemma_ema_bound", "lemma_ema_nonneg", "lemma_momentum_bound", "lemma_vmax_bound")


@pytest.mark.parametrize("pid", INDUCTIONS)
def test_each_induction_has_checked_base_and_step(pid):
    for part in (pid, f"{pid}_base", f"{pid}_step"):
        assert LEMMAS[part].check().ok, LEMMAS[part].check().summary()


def test_induction_refuses_a_wrong_base_a_missing_hypothesis_or_a_wrong_range():
    base, step = LEMMAS["lemma_ema_bound_base"], LEMMAS["lemma_ema_bound_step"]
    assert induction(base, step, ema.n, 0, ema.k).over == ((ema.n, 0, None),)
    with pytest.raises(ValueError, match="base"):
        wrong = replace(base, statement=le(ema.x1(1), ema.B, "claim"))
        induction(wrong, step, ema.n, 0, ema.k)
    with pytest.raises(ValueError, match="assume the claim"):
        induction(base, replace(step, hypotheses=step.hypotheses[:-1]), ema.n, 0, ema.k)
    with pytest.raises(ValueError, match=">= 1 only"):
        induction(base, replace(step, domain=base.domain), ema.n, 0, ema.k)
    with pytest.raises(ValueError, match="index"):
        induction(base, step, ema.n, 0, ema.n)


def test_the_algorithm_facts_are_no_longer_hypotheses():
    whys = [h.why for p in PROOFS.values() for h in p.hypotheses]
    assert not any(w.startswith(("v_t <= G_inf^2", "v_t <= R^2", "|m_{T,i}| <= G_inf",
                                 "vmax_t is one of")) for w in whys)  # fmt: skip


def _costs():
    rng = np.random.default_rng(0)
    c = rng.uniform(-1.0, 1.0, size=(3, 40, 3))
    c[:, :10, 0] = 0.0  # a coordinate whose gradients are zero for a while
    c[:, :, 2] = 0.0  # and one that never sees a gradient
    return c


def test_proved_facts_and_the_zero_over_zero_convention_hold_in_the_simulator():
    """v_t <= G^2 and v_t >= 0 (lemma_ema_bound, lemma_ema_nonneg); Sv_{t,i} = 0 exactly
    where every gradient so far is zero, and there the iterate does not move (0/0 := 0, the
    convention SV_POS and G_POS state)."""
    costs = _costs()
    tr = run(OnlineLinear(costs), {**AVGRAD, "alpha": 0.3, "beta1": 0.9, "beta2": 0.99},
             T=40)  # fmt: skip
    G2 = np.max(costs**2)
    assert np.all(tr.v <= G2) and np.all(tr.v >= 0) and np.all(tr.v_hat >= 0)
    sv = np.cumsum(tr.v, axis=1)
    unseen = np.cumsum(tr.grads**2, axis=1) == 0
    assert np.array_equal(sv == 0, unseen) and unseen.any()
    still = tr.x[:, 1:] == tr.x[:, :-1]
    assert np.all(still[unseen[:, :-1]]) and np.all(np.isfinite(tr.x))
