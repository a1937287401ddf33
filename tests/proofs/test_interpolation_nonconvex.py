"""The proof of adam_avgrad_interpolation_nonconvex and its lemmas: each checks, all steps
symbolic; broken variants do not check."""

from dataclasses import replace

import pytest

from proofs import adam_avgrad_interpolation_nonconvex as main
from proofs import le
from proofs import lemma_adam_mix_proxy as proxy
from proofs import lemma_log_sum_adam_mix as logsum

MODULES = (main, proxy, logsum)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.PROOF.id)
def test_checks_symbolically(module):
    report = module.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["interval"] == report.counts()["random"] == 0


def _claim_rhs(proof, rhs):
    steps = (*proof.steps[:-1], replace(proof.steps[-1], rhs=rhs))
    return replace(proof, statement=le(proof.statement.lhs, rhs, "claim"), steps=steps,
                   target=None)  # fmt: skip


def test_main_halved_bound_rejected():
    p = main.PROOF
    assert not _claim_rhs(p, p.statement.rhs / 2).check().ok
    assert not replace(p, statement=le(p.statement.lhs, p.statement.rhs / 2, "claim")).check().ok


def test_main_without_sqrt_c_le_1_rejected():
    """sqrt(c_t) <= 1 is needed: c_t is the weight of g_t^2 in the interpolated accumulator."""
    p = main.PROOF
    step3 = p.steps[2]
    broken = replace(step3, by=step3.by[1:])
    report = replace(p, steps=(*p.steps[:2], broken, *p.steps[3:])).check()
    assert not report.ok and not report.steps[2].ok


def test_log_sum_rho_is_needed():
    """At rho < 1 the log sum is not Défossez's: without the factor rho it is false."""
    p = logsum.PROOF
    st = p.statement
    assert not replace(p, statement=le(st.lhs / logsum.rho, st.rhs, "claim")).check().ok


def test_proxy_needs_sqrt_eps_below_R():
    p = proxy.PROOF
    hyps = tuple(h for h in p.hypotheses if h is not proxy.HR)
    assert not replace(p, hypotheses=hyps).check().ok
