"""The proof checker: every proof passes, every mutant fails, rendered proofs say so."""

import functools
import re
import subprocess
import sys
from dataclasses import replace

import pytest
import sympy as sp

from proofs import LE, LEMMAS, PROOFS, Domain, Fact, Proof, Step, all_proofs, le, mutants
from proofs._algebra import is_zero, nonnegative, normalize
from proofs._interval import interval_nonnegative, smoke
from proofs._mutants_side import side_mutants
from proofs._render import render
from proofs._rules import telescope, young

ALL = all_proofs()


@functools.cache
def report_of(pid):
    return ALL[pid].check()


x, y, lam = sp.symbols("x y lam", positive=True)
t = sp.Symbol("t", positive=True, integer=True)
T = sp.Symbol("T", positive=True, integer=True)
f = sp.Function("f", nonnegative=True)


@pytest.mark.parametrize("pid", sorted(ALL))
def test_every_proof_checks(pid):
    report = report_of(pid)
    assert report.ok, report.summary()


def test_no_step_rests_on_sampling():
    assert all(report_of(pid).counts()["random"] == 0 for pid in ALL)


MUTANTS = mutants()


@pytest.mark.parametrize("desc,k,proof", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_every_mutant_is_rejected(desc, k, proof):
    report = proof.check()
    assert not report.ok
    # the rejection comes from the mutated step itself, not only from the chain's ends
    assert not report.steps[k - 1].ok, report.summary()


def test_mutants_cover_every_kind():
    kinds = {m[0].split(": ", 1)[1].split(" (")[0] for m in MUTANTS}
    assert {"flipped inequality", "dropped term", "wrong constant",
            "lemma outside its assumptions"} <= kinds  # fmt: skip
    assert {m[2].id for m in MUTANTS} >= set(PROOFS)  # every theorem proof is mutated
    assert sum("side condition" in m[0] for m in MUTANTS) == len(side_mutants())


@pytest.mark.parametrize("pid", sorted(ALL))
def test_rendered_proof_says_ok_and_links_only_to_proofs(pid):
    # rendered at docs build time (tests/test_docs.py builds them), no longer committed
    text = render(ALL[pid], report_of(pid))
    assert text.startswith(f"# {ALL[pid].title}\n") and "**ok**" in text
    assert set(re.findall(r"\]\(([a-z0-9_]+)\.md\)", text)) <= set(ALL)


def test_cli_check_prints_counts_and_exit_status():
    out = subprocess.run([sys.executable, "-m", "proofs", "check"], capture_output=True,
                         text=True, check=False)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == len(ALL) + 1
    assert "symbolic," in lines[-1] and "interval," in lines[-1] and "0 random" in lines[-1]
    assert "certified twice" in lines[-1] and "sympy only" in lines[-1]


def test_at_least_ninety_percent_of_steps_are_certified_twice():
    tiers = [report_of(pid).tiers() for pid in ALL]
    twice = sum(t["twice"] for t in tiers)
    assert twice >= 0.9 * (twice + sum(t["sympy only"] for t in tiers))


def test_registry_keys_are_theorem_ids():
    from analysis import THEOREMS

    assert set(PROOFS) <= set(THEOREMS)
    assert all(k.startswith("lemma_") for k in LEMMAS)


# ---- the machinery on small cases ------------------------------------------------------
def test_normalize_distributes_sums():
    a = sp.Sum(2 * f(t) + x * f(t) ** 2, (t, 1, T))
    b = 2 * sp.Sum(f(t), (t, 1, T)) + x * sp.Sum(f(t) ** 2, (t, 1, T))
    assert is_zero(a - b, (f,))
    assert normalize(sp.Sum(x, (t, 1, T))) == T * x


def test_sign_certificates():
    dom = Domain({lam: (0, 1)})
    assert nonnegative((x - y) ** 2 / x) == "symbolic"
    assert nonnegative(1 - lam, (), dom) == "symbolic"
    assert nonnegative(x - y) is None
    assert nonnegative(sp.Sum(f(t) ** 2, (t, 1, T)), (f,)) == "symbolic"


def test_interval_proves_and_refuses():
    s = sp.Symbol("s")
    dom = Domain({s: (0, 1)})
    assert interval_nonnegative(s**2 - s + sp.Rational(1, 4) + sp.Rational(1, 100), dom)
    assert not interval_nonnegative(s**2 - s + sp.Rational(1, 5), dom)
    assert smoke((s - sp.Rational(1, 2)) ** 2, dom) is None
    assert smoke(s - sp.Rational(1, 2), dom)[s] < 0.5


def _tiny(step, hyps=()):
    return Proof("tiny", "tiny", le(x * y, lam * x**2 / 2 + y**2 / (2 * lam), "claim"),
                 hyps, (step,))  # fmt: skip


def test_young_step_and_unsupported_fact():
    good = Step(LE, lam * x**2 / 2 + y**2 / (2 * lam), "Young", by=[young(x, y, lam)])
    assert _tiny(good).check().ok
    bogus = Fact(x * y, LE, lam * x**2 / 2 + y**2 / (2 * lam), "I say so")
    assert not _tiny(Step(LE, good.rhs, "stated", by=[bogus])).check().ok
    assert _tiny(Step(LE, good.rhs, "stated", by=[bogus]), (bogus,)).check().ok


def test_telescope_rule():
    fact = telescope(lambda k: f(k), t, 1, T)
    assert fact.rhs == f(T) - f(0)


def test_given_facts_need_provenance():
    from proofs import lemma_sqrt_step as ls

    a, b = sp.symbols("a b", nonnegative=True)
    claim = (b**2 - a**2) / b
    trusted = le(a, b, "a <= b, unsupported")
    inst = ls.PROOF.instance({ls.p: a, ls.q: b}, given=[trusted])
    step = Step(LE, 2 * (b - a), "lemma", by=[inst])
    proof = Proof("g", "g", le(claim, 2 * (b - a), "claim"), (), (step,))
    assert not proof.check().ok
    assert replace(proof, hypotheses=(trusted,)).check().ok


def test_instance_must_respect_declared_signs():
    a = sp.Symbol("a", nonnegative=True)
    lemma = Proof("lemma_tiny", "tiny", le(0, a, "claim"), (), (Step(LE, a, "a >= 0"),))
    assert lemma.check().ok

    def citing(value):
        fact = lemma.instance({a: value})
        return Proof("c", "c", le(0, value, "claim"), (), (Step(LE, value, "lemma", by=[fact]),))

    assert citing(x**2).check().ok
    assert not citing(x - y).check().ok  # a non-negative symbol replaced by a signed one


# ---- side conditions that are structural: refused when the fact is built --------------
def test_structural_side_conditions_raise():
    from proofs._rules import apply, shift
    from proofs._rules_constant import exchange
    from proofs._rules_regret import pow_peel, pull_out, rename

    j = sp.Symbol("j", positive=True, integer=True)
    with pytest.raises(ValueError, match="fresh"):
        rename(lambda k: f(k) * j, t, j, 1, T)  # j would be captured
    with pytest.raises(ValueError, match="index"):
        pull_out(f, t, 1, T, t)
    with pytest.raises(ValueError, match="offset"):
        shift(f, t, 1, T, t)
    with pytest.raises(ValueError, match="rectangle"):
        exchange(lambda a, b: f(a) * f(b), t, 1, j, j, 1, T)
    with pytest.raises(ValueError, match="integer"):
        pow_peel(x, sp.Rational(1, 2))
    with pytest.raises(ValueError, match="identity"):
        apply(le(x, y, "x <= y"), sp.sqrt)


def test_rejected_scalar_step_reports_a_sampled_counterexample():
    s = sp.Symbol("s")
    proof = Proof("p", "p", le(s, 0, "claim"), (), (Step(LE, 0, "false"),),
                  domain=Domain({s: (0, 1)}))  # fmt: skip
    report = proof.check()
    assert not report.ok and "sampling found it negative" in report.steps[0].message


def test_every_rule_states_its_side_conditions():
    from proofs import _rules, _rules_constant, _rules_expectation, _rules_regret

    not_rules = {"given", "nonneg", "E"}  # a helper, a stated fact, the expectation symbol
    for module in (_rules, _rules_constant, _rules_regret, _rules_expectation):
        for name in set(module.__all__) - not_rules:
            doc = getattr(module, name).__doc__ or ""
            assert "side conditions" in doc.lower(), f"{module.__name__}.{name}"
