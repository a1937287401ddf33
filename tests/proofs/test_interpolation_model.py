"""The class theorem behind interpolation_improvement: the one-term second-order model and
its sum over a run check symbolically; weakened constants do not."""

from dataclasses import replace

import pytest

from proofs import le
from proofs import lemma_interpolation_gain as gain
from proofs import lemma_interpolation_gain_avgrad as gain0
from proofs import lemma_interpolation_model as model
from proofs import lemma_interpolation_taylor as taylor


@pytest.mark.parametrize("module", (taylor, model, gain, gain0), ids=lambda m: m.PROOF.id)
def test_checks_symbolically(module):
    report = module.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["interval"] == report.counts()["random"] == 0


def _claim(proof, rhs):
    steps = (*proof.steps[:-1], replace(proof.steps[-1], rhs=rhs))
    return replace(proof, statement=le(proof.statement.lhs, rhs, "claim"), steps=steps)


def test_taylor_with_a_smaller_curvature_constant_rejected():
    p = taylor.PROOF
    assert not _claim(p, p.statement.rhs - taylor._CURV / 2).check().ok


def test_taylor_without_the_curvature_term_rejected():
    assert not _claim(taylor.PROOF, taylor.PROOF.statement.rhs - taylor._CURV).check().ok


def test_model_with_half_the_curvature_rejected():
    half = model.MODEL - (model.rho - model.rho0) ** 2 / 4 * model.M
    assert not _claim(model.PROOF, half).check().ok


@pytest.mark.parametrize("module", (gain, gain0), ids=lambda m: m.PROOF.id)
def test_gain_of_a_full_step_rejected(module):
    """h s (instead of h s/2) does not follow from h M <= s."""
    p = module.PROOF
    full_step = 2 * p.statement.rhs - p.statement.rhs.xreplace({gain.h: 0})  # B(end) - h s
    assert not _claim(p, full_step).check().ok


def test_gain_at_amsgrad_needs_h_at_most_one():
    p = gain.PROOF
    hyps = tuple(h for h in p.hypotheses if h.why != "h <= 1")
    assert len(hyps) == len(p.hypotheses) - 1
    assert not replace(p, hypotheses=hyps).check().ok
