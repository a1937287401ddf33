"""The checker: every step of a chain, its cited facts, the ends, and the target."""

from __future__ import annotations

import sympy as sp

from ._algebra import is_zero, nonnegative
from ._core import EQ, LE, Report, StepResult, discharged


def _obligations_ok(fact, proof):
    """Each instantiated hypothesis of a cited lemma or rule must follow from a ``given``
    fact (itself of sound provenance) or hold on its own."""
    for h, given in fact.obligations:
        for g in given:
            problem = _root_ok(g, proof) or _obligations_ok(g, proof)
            if problem:
                return f"{fact.why}: {problem}"
        if not discharged(h, given, proof.data, proof.domain):
            return f"{fact.why}: hypothesis {h.lhs} {h.rel} {h.rhs} not established"
    return ""


def _nonneg_given(x, proof, step):
    """x >= 0 on its own, or as a non-negative multiple of a hypothesis' or cited gap."""
    if nonnegative(x, proof.data, proof.domain, allow_random=False) == "symbolic":
        return True
    facts = [h for h in proof.hypotheses if h.rel == LE] + [f for _, f in step.by]
    for f in facts:
        if f.rel == LE and f.gap != 0:
            ratio = sp.cancel(sp.together(x / f.gap))
            if nonnegative(ratio, proof.data, proof.domain, allow_random=False) == "symbolic":
                return True
    return False


def _root_ok(fact, proof):
    """A cited fact must come from a rule, a lemma, or a hypothesis of this proof."""
    while fact.origin == "derived":
        fact = fact.base
    if fact.origin in ("rule", "lemma"):
        return ""
    for h in proof.hypotheses:
        if h is fact or (h.rel == fact.rel and is_zero(h.lhs - fact.lhs, proof.data)
                         and is_zero(h.rhs - fact.rhs, proof.data)):  # fmt: skip
            return ""
    return f"{fact.why!r} is neither a hypothesis, a rule nor a lemma"


def check_step(step, lhs, proof):
    """(ok, method, message) for ``lhs step.rel step.rhs`` given the step's facts."""
    rem = step.rhs - lhs
    for coef, fact in step.by:
        problem = _root_ok(fact, proof) or _obligations_ok(fact, proof)
        if problem:
            return False, None, problem
        if fact.rel == LE:
            if step.rel == EQ:
                return False, None, f"an equality cannot rest on the inequality {fact.why!r}"
            if not _nonneg_given(coef, proof, step):
                return False, None, f"coefficient {coef} of {fact.why!r} is not provably >= 0"
        rem -= coef * fact.gap
    if step.rel == EQ:
        if is_zero(rem, proof.data):
            return True, "symbolic", ""
        return False, None, "the two sides differ"
    how = nonnegative(rem, proof.data, proof.domain)
    if how is None:
        return False, None, "remainder not certified >= 0"
    return True, how, ""


def check_proof(proof) -> Report:
    report = Report(proof.id)
    st = proof.statement
    current = None
    relation = EQ
    for k, step in enumerate(proof.steps, start=1):
        lhs = step.lhs
        if lhs is None:
            lhs = st.lhs if current is None else current
        elif current is not None and not _chains(lhs, current, proof):
            report.steps.append(StepResult(k, False, None, "stated left side does not "
                                           "continue the chain"))  # fmt: skip
            current = step.rhs
            continue
        ok, method, msg = check_step(step, lhs, proof)
        report.steps.append(StepResult(k, ok, method, msg))
        if step.rel == LE:
            relation = LE
        current = step.rhs
    if not proof.steps:
        report.problems.append("no steps")
        return report
    first = proof.steps[0].lhs if proof.steps[0].lhs is not None else st.lhs
    if not is_zero(first - st.lhs, proof.data):
        report.problems.append("the chain does not start at the statement's left side")
    if not is_zero(current - st.rhs, proof.data):
        report.problems.append("the chain does not end at the statement's right side")
    if relation == LE and st.rel == EQ:
        report.problems.append("the statement is an equality but the chain has an inequality")
    if proof.target is not None and not is_zero(sp.sympify(proof.target()) - st.rhs, proof.data):
        report.problems.append(f"the statement differs from {proof.target_name}")
    for k, target, name in proof.milestones:
        if not 1 <= k <= len(proof.steps):
            report.problems.append(f"milestone {name}: no step {k}")
        elif not is_zero(sp.sympify(target()) - proof.steps[k - 1].rhs, proof.data):
            report.problems.append(f"step {k} differs from {name}")
    return report


def _chains(lhs, current, proof):
    """An explicit left side must be the previous right side, rewritten."""
    return is_zero(lhs - current, proof.data)
