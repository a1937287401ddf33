"""proofs.coefficient_path_regret: certified, ends on the registry's bound, and rests on the
safeguarded recurrence and the coefficient box only (S1-S3 are certified, not assumed)."""

import dataclasses

import pytest
import sympy as sp

from analysis.theorems import THEOREMS
from proofs import LEMMAS, PROOFS
from proofs._regret_chain import VREC
from proofs.coefficient_path_regret import ALGORITHM
from proofs.lemma_coefficient_path_max import ALGORITHM as ALGORITHM_MAX

PROOF = PROOFS["coefficient_path_regret"]
MAX = LEMMAS["lemma_coefficient_path_max"]  # the AMSGrad/AVGrad case, any rho_t in [0, 1]
NEW_LEMMAS = ["lemma_coefficient_path_max", "lemma_safeguard_lower_max",
              "lemma_max_dominates_mean", "lemma_safeguard_monotone", "lemma_safeguard_lower",
              "lemma_safeguard_raw", "lemma_path_accumulator_lower", "lemma_path_ema_bound",
              "lemma_path_max_bound", "lemma_safeguard_bound"]  # fmt: skip


def test_certified_all_symbolic():
    rep = PROOF.check()
    assert rep.ok, rep.summary()
    assert rep.counts()["interval"] == 0


@pytest.mark.parametrize("lemma", NEW_LEMMAS)
def test_lemmas_certified(lemma):
    assert set(NEW_LEMMAS) <= {MAX.id, *PROOF.lemmas, *MAX.lemmas}
    rep = LEMMAS[lemma].check()
    assert rep.ok, rep.summary()


def test_statement_is_the_registry_bound():
    for proof in (PROOF, MAX):
        assert sp.simplify(proof.statement.rhs - THEOREMS["coefficient_path_regret"].bound()) == 0


def test_no_safe_set_condition_and_no_constant_beta2_is_assumed():
    for proof in (PROOF, MAX):
        whys = " ".join(h.why for h in proof.hypotheses)
        assert "S1" not in whys and "S2" not in whys and "vmax_t >= v_s" not in whys
        assert VREC not in proof.hypotheses


CASES = [(PROOF, h) for h in ALGORITHM] + [(MAX, h) for h in ALGORITHM_MAX]


@pytest.mark.parametrize(("proof", "dropped"), CASES,
                         ids=[f"{p.id[:9]}-{h.why[:20]}" for p, h in CASES])  # fmt: skip
def test_each_algorithm_fact_is_needed_by_the_proof(proof, dropped):
    hyps = tuple(h for h in proof.hypotheses if h is not dropped)
    assert len(hyps) == len(proof.hypotheses) - 1
    assert not dataclasses.replace(proof, hypotheses=hyps).check().ok
