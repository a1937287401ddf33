"""The constant-beta1 regret proof, the interpolation witness proofs, and broken variants."""

import dataclasses

import pytest
import sympy as sp

from proofs import (
    Step,
    interpolation_improvement,
    lemma_constant_accumulator_lower,
    lemma_constant_convex_square,
    lemma_constant_momentum,
    lemma_constant_momentum_step,
    lemma_interpolation_amgm,
    lemma_interpolation_window,
)
from proofs import avgrad_regret_constant_beta1 as cb

MODULES = [
    lemma_constant_convex_square,
    lemma_constant_momentum_step,
    lemma_constant_momentum,
    lemma_constant_accumulator_lower,
    cb,
    lemma_interpolation_amgm,
    interpolation_improvement,
    lemma_interpolation_window,
]


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__)
def test_proof_ok(mod):
    report = mod.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["random"] == 0


def _halve_rhs(proof):
    st = proof.statement
    return dataclasses.replace(
        proof, statement=dataclasses.replace(st, rhs=st.rhs / 2), target=None, milestones=()
    )


def _flip_step(proof, k, rhs):
    steps = list(proof.steps)
    steps[k] = dataclasses.replace(steps[k], rhs=sp.sympify(rhs))
    return dataclasses.replace(proof, steps=tuple(steps))


def _drop_facts(proof, k):
    steps = list(proof.steps)
    old = steps[k]
    steps[k] = Step(old.rel, old.rhs, old.why, by=(), lhs=old.lhs)
    return dataclasses.replace(proof, steps=tuple(steps))


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__)
def test_halved_statement_rejected(mod):
    assert not _halve_rhs(mod.PROOF).check().ok


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__)
def test_uncited_step_rejected(mod):
    """Without its citations the first step is rejected (or, for a true scalar inequality,
    only passes by random sampling, which is not a certificate)."""
    k = 1 if mod is lemma_interpolation_window else 0
    if mod is lemma_interpolation_window:
        # an identity chain cites nothing: break a constant instead
        assert not _flip_step(mod.PROOF, k, mod.PROOF.steps[k].rhs * 2).check().ok
    else:
        report = _drop_facts(mod.PROOF, k).check()
        assert not report.ok or report.counts()["random"] > 0


def test_constant_wrong_coefficient_rejected():
    """The m-term coefficient (1 + beta1)/(2(1 - beta1)) replaced by 1/2 at the milestone."""
    from analysis.symbols import alpha, beta1

    proof = cb.PROOF
    wrong = proof.steps[6].rhs.subs(alpha * (1 + beta1) / (2 * (1 - beta1)), alpha / 2)
    assert not _flip_step(proof, 6, wrong).check().ok


def test_momentum_lemma_outside_assumptions_rejected():
    """Citing the contraction without the monotonicity of Sv fails."""
    proof = lemma_constant_momentum.PROOF
    hyps = tuple(h for h in proof.hypotheses if "non-decreasing" not in h.why)
    inst = lemma_constant_momentum_step.PROOF.instance({}, given=list(hyps))
    step = dataclasses.replace(proof.steps[0], by=((proof.steps[0].by[0][0], inst),))
    bad = dataclasses.replace(proof, hypotheses=hyps, steps=(step,))
    assert not bad.check().ok


def test_interpolation_wrong_lower_bound_rejected():
    """3 sqrt(c1 c2) + c0 is not below B(rho)."""
    p = interpolation_improvement.PROOF
    st = p.statement
    lhs = (
        3 * sp.sqrt(interpolation_improvement.c1 * interpolation_improvement.c2)
        + interpolation_improvement.C0
    )
    bad = dataclasses.replace(p, statement=dataclasses.replace(st, lhs=lhs))
    assert not bad.check().ok
