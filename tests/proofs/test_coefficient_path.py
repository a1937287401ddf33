"""proofs.coefficient_path_regret: certified, ends on the registry's bound, and needs S1, S2,
the safeguard and the raw upper bound (S3 is derived from the last two)."""

import dataclasses

import pytest
import sympy as sp

from analysis.theorems import THEOREMS
from proofs import PROOFS
from proofs.coefficient_path_regret import LOWER, MONO, RAW_UPPER, SAFEGUARD

PROOF = PROOFS["coefficient_path_regret"]


def test_certified_all_symbolic():
    rep = PROOF.check()
    assert rep.ok, rep.summary()
    assert rep.counts()["interval"] == 0


def test_statement_is_the_registry_bound():
    assert sp.simplify(PROOF.statement.rhs - THEOREMS["coefficient_path_regret"].bound()) == 0


@pytest.mark.parametrize("dropped", [MONO, LOWER, SAFEGUARD, RAW_UPPER],
                         ids=["S1", "S2", "safeguard", "raw upper"])
def test_each_safe_set_condition_is_needed_by_the_proof(dropped):
    hyps = tuple(h for h in PROOF.hypotheses if h is not dropped)
    assert len(hyps) == len(PROOF.hypotheses) - 1
    assert not dataclasses.replace(PROOF, hypotheses=hyps).check().ok
