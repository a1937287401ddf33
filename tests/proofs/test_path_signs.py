"""proofs.lemma_path_signs: the signs declared for the coefficient-path data (v, Sv, ell,
Wraw, Wpath >= 0) are certified from the theorem's own recurrences on sign-free copies."""

import dataclasses

import numpy as np
import pytest

from analysis.problems import RandomQuadratics
from analysis.simulate import run
from analysis.symbols import Sv, v
from analysis.theorems.coefficient_path_regret import Wpath
from proofs import LEMMAS, PROOFS
from proofs import lemma_path_signs as ps
from proofs._path import Wraw, ell

SIGNS = LEMMAS["lemma_path_signs"]
PARTS = ("lemma_path_signs", "lemma_path_ema_nonneg", "lemma_path_ema_nonneg_base",
         "lemma_path_ema_nonneg_step")  # fmt: skip
COPIES = {ps.vr: v, ps.Svr: Sv, ps.ellr: ell, ps.Wrawr: Wraw, ps.Wpathr: Wpath}


@pytest.mark.parametrize("pid", PARTS)
def test_certified(pid):
    rep = LEMMAS[pid].check()
    assert rep.ok, rep.summary()


def test_the_copies_carry_no_sign_and_the_theorem_data_does():
    for free, declared in COPIES.items():
        assert free(1, 1).is_nonnegative is None
        assert declared(1, 1).is_nonnegative


@pytest.mark.parametrize("dropped", ps.ALGORITHM, ids=[h.why[:24] for h in ps.ALGORITHM])
def test_each_algorithm_fact_is_needed(dropped):
    hyps = tuple(h for h in SIGNS.hypotheses if h is not dropped)
    assert not dataclasses.replace(SIGNS, hypotheses=hyps).check().ok


def test_its_hypotheses_are_the_theorems_own_algorithm():
    """With the copies replaced by the theorem's data, every hypothesis of the sign lemma is
    one of coefficient_path_regret's: the signs are instantiated for that very run data."""

    def back(e):
        for free, declared in COPIES.items():
            e = e.replace(free, declared)
        return e

    theirs = {(h.lhs, h.rel, h.rhs) for h in PROOFS["coefficient_path_regret"].hypotheses}
    for h in SIGNS.hypotheses:
        assert (back(h.lhs), h.rel, back(h.rhs)) in theirs, h.why


def test_proved_signs_hold_in_the_simulator_and_zero_only_with_zero_gradients():
    """W_t = t vhat_t >= 0 along random safeguarded paths; W_t = 0 only where every gradient
    so far is 0 (the 0/0 convention that the strict sign stands for)."""
    p, T, rng = RandomQuadratics(B=4, d=3, seed=2), 60, np.random.default_rng(0)
    path = {"beta2": rng.random((T, 4, 3)) * 0.9, "rho": rng.random((T, 4, 3)) * 0.9}
    cfg = {"alpha": 0.3, "beta1": 0.0, "beta2": 0.9, "lr_schedule": "inv_sqrt",
           "long_memory": "average", "rho": 0.0, "safeguard": True, "path": path}  # fmt: skip
    bt = run(p, cfg, T)
    W = np.arange(1, T + 1)[:, None] * np.asarray(bt.trace(0).v_hat)
    assert np.all(W >= 0)
    seen = np.cumsum(np.asarray(bt.trace(0).grads) ** 2, axis=0)
    assert np.all((W == 0) == (seen == 0))
