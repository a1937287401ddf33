"""proofs.coefficient_path_regret: certified, ends on the registry's bound, and rests on the
safeguarded recurrence and the coefficient box only (S1-S3 are certified, not assumed)."""

import dataclasses

import pytest
import sympy as sp

from analysis.theorems import THEOREMS
from proofs import LEMMAS, PROOFS
from proofs._regret_chain import VREC
from proofs.coefficient_path_regret import ALGORITHM

PROOF = PROOFS["coefficient_path_regret"]
NEW_LEMMAS = ["lemma_safeguard_monotone", "lemma_safeguard_lower", "lemma_safeguard_raw",
              "lemma_path_accumulator_lower", "lemma_path_ema_bound", "lemma_path_max_bound",
              "lemma_safeguard_bound"]  # fmt: skip


def test_certified_all_symbolic():
    rep = PROOF.check()
    assert rep.ok, rep.summary()
    assert rep.counts()["interval"] == 0


@pytest.mark.parametrize("lemma", NEW_LEMMAS)
def test_lemmas_certified(lemma):
    assert set(NEW_LEMMAS) <= set(PROOF.lemmas)
    rep = LEMMAS[lemma].check()
    assert rep.ok, rep.summary()


def test_statement_is_the_registry_bound():
    assert sp.simplify(PROOF.statement.rhs - THEOREMS["coefficient_path_regret"].bound()) == 0


def test_no_safe_set_condition_and_no_constant_beta2_is_assumed():
    whys = " ".join(h.why for h in PROOF.hypotheses)
    assert "S1" not in whys and "S2" not in whys
    assert VREC not in PROOF.hypotheses


@pytest.mark.parametrize("dropped", ALGORITHM, ids=lambda h: h.why[:24])
def test_each_algorithm_fact_is_needed_by_the_proof(dropped):
    hyps = tuple(h for h in PROOF.hypotheses if h is not dropped)
    assert len(hyps) == len(PROOF.hypotheses) - 1
    assert not dataclasses.replace(PROOF, hypotheses=hyps).check().ok
