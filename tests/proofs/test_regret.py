"""The decaying-momentum regret proofs (AVGrad and the two interpolations) and their lemmas:
each checks, and broken variants of each are rejected."""

from dataclasses import replace

import pytest
import sympy as sp

from proofs import all_proofs

MINE = [
    "lemma_momentum_jensen", "lemma_momentum_square", "lemma_momentum_adagrad",
    "lemma_momentum_step", "lemma_regret_chain", "lemma_interpolation_monotone",
    "lemma_adam_avg_monotone", "lemma_avgrad_accumulator", "lemma_geometric_sqrt",
    "avgrad_regret", "amsgrad_avgrad_interpolation_regret", "adam_avgrad_interpolation_regret",
]  # fmt: skip
THEOREMS = MINE[-3:]


@pytest.fixture(scope="module")
def proofs():
    return all_proofs()


@pytest.mark.parametrize("pid", MINE)
def test_checks(proofs, pid):
    report = proofs[pid].check()
    assert report.ok, report.summary()
    assert report.counts()["random"] == 0


@pytest.mark.parametrize("pid", MINE)
def test_halved_statement_rejected(proofs, pid):
    p = proofs[pid]
    bad = replace(p, statement=replace(p.statement, rhs=p.statement.rhs / 2), target=None)
    assert not bad.check().ok


def _flip_first_inequality(p):
    steps = list(p.steps)
    for k, s in enumerate(steps):
        lhs = p.statement.lhs if k == 0 else steps[k - 1].rhs
        if s.rel == "<=" and sp.simplify(s.rhs - lhs) != 0:
            steps[k] = replace(s, rhs=2 * lhs - s.rhs)
            return replace(p, steps=tuple(steps))
    return None


@pytest.mark.parametrize("pid", MINE)
def test_flipped_step_rejected(proofs, pid):
    bad = _flip_first_inequality(proofs[pid])
    if bad is not None:
        assert not bad.check().ok


@pytest.mark.parametrize("pid", [*THEOREMS, "lemma_regret_chain", "lemma_momentum_adagrad"])
def test_lemma_outside_assumptions_rejected(proofs, pid):
    """Without the facts offered to discharge the cited lemmas' hypotheses, the chain fails."""
    p = proofs[pid]
    steps = tuple(replace(s, by=tuple((c, replace(f, obligations=tuple((h, ()) for h, _ in
                                                                       f.obligations)))
                                      for c, f in s.by)) for s in p.steps)  # fmt: skip
    assert not replace(p, steps=steps).check().ok


def test_adam_mix_needs_rho_bound(proofs):
    """Dropping rho <= beta2/((T-1)(1-beta2)) breaks monotonicity, hence the proof."""
    from proofs import lemma_adam_avg_monotone as mono

    p = proofs["adam_avgrad_interpolation_regret"]
    hyps = tuple(h for h in p.hypotheses if h is not mono.RHO)
    assert len(hyps) == len(p.hypotheses) - 1
    assert not replace(p, hypotheses=hyps).check().ok


def test_worst_case_milestone_is_the_data_form(proofs):
    from analysis import statements

    p = proofs["avgrad_regret"]
    assert sp.simplify(p.steps[0].rhs - statements.AVGRAD_FORM) == 0
