"""The stochastic nonconvex AVGrad proof and its lemmas: each checks, broken variants do not."""

from dataclasses import replace

import pytest
import sympy as sp

from analysis import statements
from proofs import LE, Step, le
from proofs import avgrad_nonconvex as main
from proofs import lemma_avgrad_accumulator as acc
from proofs import lemma_defossez_descent as dfz
from proofs import lemma_log_sum as logsum
from proofs import lemma_nonconvex_proxy as proxy
from proofs._rules import termwise
from proofs._rules_expectation import E, expectation, identity

MODULES = (main, acc, proxy, dfz, logsum)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.PROOF.id)
def test_checks(module):
    report = module.PROOF.check()
    assert report.ok, report.summary()
    assert report.counts()["random"] == 0


def _claim_rhs(proof, rhs):
    """The statement and the last step both claim ``rhs`` (a consistent but false claim)."""
    steps = (*proof.steps[:-1], replace(proof.steps[-1], rhs=rhs))
    statement = le(proof.statement.lhs, rhs, "claim")
    return replace(proof, statement=statement, steps=steps, target=None)


def _rejected(proof):
    report = proof.check()
    assert not report.ok
    return report


def test_main_halved_delta_term_rejected():
    p = main.PROOF
    _rejected(_claim_rhs(p, statements.NONCONVEX_BOUND.subs(main.Delta, main.Delta / 2)))
    # the target alone catches a statement that no longer matches the registry bound
    _rejected(replace(p, statement=le(p.statement.lhs, p.statement.rhs / 2, "claim")))


def test_main_halved_noise_constant_rejected():
    bound = statements.NONCONVEX_BOUND.subs(4 * main.R, 2 * main.R)
    assert bound != statements.NONCONVEX_BOUND
    _rejected(_claim_rhs(main.PROOF, bound))


def test_main_needs_the_conditional_moments():
    """Without E_{t-1} g = G (tower property) the expected descent step does not follow."""
    p = main.PROOF

    def no_moments(fact):
        return expectation(fact, main.DATA)

    step2 = p.steps[1]
    (c1, _), (c2, _), tel = step2.by
    broken = replace(step2, by=[(c1, termwise(no_moments(main.DESCENT), main.t, 1, main.T)),
                                (c2, termwise(no_moments(termwise(main.DFZ, main.i, 1, main.d)),
                                              main.t, 1, main.T)), tel])  # fmt: skip
    report = _rejected(replace(p, steps=(p.steps[0], broken, *p.steps[2:])))
    assert not report.steps[1].ok


def test_main_flipped_step_rejected():
    p = main.PROOF
    first = replace(p.steps[0], rhs=p.steps[0].rhs / 2)
    report = _rejected(replace(p, steps=(first, *p.steps[1:])))
    assert not report.steps[0].ok


def test_defossez_halved_constant_rejected():
    p = dfz.PROOF
    bad = dfz._HEAD + sp.sqrt(dfz.c) * dfz.R * dfz.g**2 / dfz.a**2
    report = _rejected(_claim_rhs(p, bad))
    assert not report.steps[-1].ok


def test_defossez_outside_assumptions_rejected():
    """sigma^2 <= R^2 must be established by the citing proof."""
    subs = {dfz.G: main.Gf(main.t, main.i), dfz.g: main.g(main.t, main.i),
            dfz.s2: main.sigma2(main.t, main.i), dfz.a: main.sp.sqrt(main._a2),
            dfz.b: main.at(main.t, main.i), dfz.Q: main._Q}  # fmt: skip
    assert dfz.PROOF.instance(subs, given=[main.SV_STEP, main.AT_DEF, main.SIG]) == main.DFZ
    inst = dfz.PROOF.instance(subs, given=[main.SV_STEP, main.AT_DEF])
    step = main.PROOF.steps[0]
    bad = replace(step, by=[*step.by, (0, inst)])
    report = replace(main.PROOF, steps=(bad, *main.PROOF.steps[1:])).check()
    assert not report.steps[0].ok
    assert "sigma2(t, i) <= R**2 not established" in report.steps[0].message


def test_log_sum_halved_rejected():
    _rejected(_claim_rhs(logsum.PROOF, logsum._LOG / 2))


def test_proxy_and_accumulator_tightened_rejected():
    _rejected(_claim_rhs(proxy.PROOF, proxy.eps + (proxy.T - 1) * proxy.R**2))
    _rejected(_claim_rhs(acc.PROOF, (acc.n - 1) * acc.R**2))


def test_expectation_rule():
    g, Gf, s2 = main.g(main.t, main.i), main.Gf(main.t, main.i), main.sigma2(main.t, main.i)
    fact = le(Gf * g / main.at(main.t, main.i), Gf * g**2 / s2, "x")
    out = main._E(fact)
    assert out.lhs == E(Gf**2 / main.at(main.t, main.i))
    assert out.rhs == E(Gf)  # g^2 -> sigma^2, then sigma^2/sigma^2 cancels
    assert out.origin == "derived" and out.base is fact
    # a random denominator at step t blocks the moment: E[G g / a_t] stays as it is
    a = sp.sqrt(main.eps + main.Sv(main.t, main.i))
    assert main._E(le(Gf * g / a, 0, "y")).lhs == E(Gf * g / a)


def test_identity_rule_refuses_non_identities():
    x = main.Sv(main.t, main.i)
    identity(main.eps / (main.eps + x) + x / (main.eps + x), 1)
    with pytest.raises(ValueError):
        identity(main.eps / (main.eps + x), 1)


def test_step_rel():
    assert all(s.rel in (LE, "=") for s in main.PROOF.steps)
    assert isinstance(main.PROOF.steps[0], Step)
