"""The checker: every step of a chain, its cited facts, the ends, and the target."""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ._algebra import is_zero, nonnegative, normalize, split
from ._core import EQ, LE, Fact, Report, StepResult, discharged
from ._domain import fact_over, quantified, range_conditions, sum_range_conditions
from ._interval import smoke
from ._smt import confirm


def _verify(fact, proof, ctx=(), obls=None, bound=frozenset()):
    """A problem with ``fact``'s provenance or conditions, or "".

    Walks the derivation down to its root (a rule, a lemma instance, or a hypothesis of
    ``proof``). Each condition is discharged where it arose: below a termwise sum over
    :math:`k = lo..hi`, with :math:`lo \\le k \\le hi` in ``ctx``. A substitution or a sum
    must put values in the range of the symbol it replaces (:mod:`proofs._domain`).
    """
    obls = fact.obligations if obls is None else obls
    base = fact.base if fact.origin == "derived" else None
    if base is None:
        return (
            _root_ok(fact, proof)
            or _over_ok(fact, proof, ctx, bound)
            or _discharge(fact, obls, proof, ctx)
        )
    if fact.subs:
        problem = _replaced_ok(fact, base, fact.subs, proof, ctx) or _discharge(
            fact, obls, proof, ctx
        )
        return problem or _verify(base, proof, ctx, (), bound | {s for s, _ in fact.subs})
    n = len(base.obligations)
    problem = _discharge(fact, obls[n:], proof, ctx)
    if not fact.bind:
        return problem or _verify(base, proof, ctx, obls[:n], bound)
    k, lo, hi = fact.bind
    inner = (*ctx, Fact(lo, LE, k, "summation range"), Fact(k, LE, hi, "summation range"))
    return (
        problem
        or _replaced_ok(fact, base, ((k, None),), proof, ctx)
        or _verify(base, proof, inner, obls[:n], bound | {k})
    )


#: (id(given fact), id(proof), the context's inequalities) -> problem: a given fact is
#: offered to many conditions and its verdict depends on nothing else; cleared per proof,
#: so every fact keyed by id is alive (part of the proof) while its entry is
_GIVEN = {}


def _verify_given(g, proof, ctx):
    key = (id(g), id(proof), tuple((c.lhs, c.rel, c.rhs) for c in ctx))
    if key not in _GIVEN:
        _GIVEN[key] = _verify(g, proof, ctx)
    return _GIVEN[key]


def _root(fact):
    while fact.origin == "derived" and fact.base is not None:
        fact = fact.base
    return fact


def _replaced_ok(fact, base, pairs, proof, ctx):
    """Each (symbol, value) put into ``base`` is quantified there and lies in its range
    (value None: the symbol is summed over ``fact.bind``'s range)."""
    params = proof.params
    root = _root(base)
    over = fact_over(base)
    for s, v in pairs:
        if (
            root.origin == "stated"
            and s in root.lhs.free_symbols | root.rhs.free_symbols
            and s not in quantified(replace(root, over=over), params)
        ):
            return (f"{fact.why}: {s} is a parameter of hypothesis {root.why!r}, which holds "
                    f"at this proof's {s} only")  # fmt: skip
        conds = (
            range_conditions(s, v, over, proof.domain)
            if v is not None
            else sum_range_conditions(s, *fact.bind[1:], over, proof.domain)
        )
        for c in conds:
            if not discharged(c, ctx, proof.data, proof.domain):
                return f"{fact.why}: {c.why} ({c.lhs} {c.rel} {c.rhs}) not established"
    return ""


def _over_ok(fact, proof, ctx, bound):
    """A root fact stated for a range of a symbol, used at the symbol itself."""
    for s, _, _ in fact.over:
        if s in bound:
            continue
        for c in range_conditions(s, s, fact.over, proof.domain):
            if not discharged(c, ctx, proof.data, proof.domain):
                return f"{fact.why!r} is used outside its range ({c.lhs} {c.rel} {c.rhs})"
    return ""


def _discharge(fact, obls, proof, ctx):
    """Each condition follows from a ``given`` fact (of sound provenance), the context, or
    holds on its own."""
    params = proof.params
    for h, given in obls:
        fixed = {q for q, _, _ in h.over} & params
        if fixed:
            return (
                f"{fact.why}: hypothesis {h.lhs} {h.rel} {h.rhs} is needed for every "
                f"{', '.join(map(str, sorted(fixed, key=str)))}, a parameter here"
            )
        for g in given:
            problem = _verify_given(g, proof, ctx)
            if problem:
                return f"{fact.why}: {problem}"
        if not discharged(h, tuple(given) + tuple(ctx), proof.data, proof.domain):
            return f"{fact.why}: hypothesis {h.lhs} {h.rel} {h.rhs} not established"
    return ""


def _nonneg_given(x, proof, step):
    """x >= 0 on its own, or as a non-negative multiple of a hypothesis' or cited gap."""
    if nonnegative(x, proof.data, proof.domain) == "symbolic":
        return True
    facts = [h for h in proof.hypotheses if h.rel == LE] + [f for _, f in step.by]
    for f in facts:
        if f.rel == LE and f.gap != 0:
            ratio = sp.cancel(sp.together(x / f.gap))
            if nonnegative(ratio, proof.data, proof.domain) == "symbolic":
                return True
    return False


def _root_ok(fact, proof):
    """A cited fact must come from a rule, a lemma, or a hypothesis of this proof."""
    if fact.origin in ("rule", "lemma"):
        return ""
    for h in proof.hypotheses:
        if h is fact or (h.rel == fact.rel and is_zero(h.lhs - fact.lhs, proof.data)
                         and is_zero(h.rhs - fact.rhs, proof.data)):  # fmt: skip
            return ""
    return f"{fact.why!r} is neither a hypothesis, a rule nor a lemma"


def check_step(step, lhs, proof):
    """(ok, method, message, twice) for ``lhs step.rel step.rhs`` given the step's facts;
    ``twice``: z3 proved the remainder too (:mod:`proofs._smt`)."""
    rem = step.rhs - lhs
    for coef, fact in step.by:
        problem = _verify(fact, proof)
        if problem:
            return False, None, problem, False
        if fact.rel == LE:
            if step.rel == EQ:
                return (
                    False,
                    None,
                    f"an equality cannot rest on the inequality {fact.why!r}",
                    False,
                )
            if not _nonneg_given(coef, proof, step):
                return (
                    False,
                    None,
                    f"coefficient {coef} of {fact.why!r} is not provably >= 0",
                    False,
                )
        rem -= coef * fact.gap
    if step.rel == EQ:
        if not is_zero(rem, proof.data):
            return False, None, "the two sides differ", False
        how = "symbolic"
    else:
        how = nonnegative(rem, proof.data, proof.domain)
        if how is None:
            return (False, None, "remainder not certified >= 0" + _smoke_note(rem, proof), False)
    second = confirm(
        rem.replace(sp.Sum, lambda *a: normalize(sp.Sum(*a))), step.rel, proof.domain
    )  # sums in normal form, the scalar arithmetic left to z3
    if second == "refuted":
        return False, None, "sympy certifies the remainder but z3 refutes it", False
    return True, how, "", second == "z3"


def _smoke_note(rem, proof):
    """What sampling says about a rejected scalar remainder (a report, not a verdict)."""
    parts = split(rem, proof.data)
    if set(parts) != {1}:
        return ""
    point = smoke(parts[1], proof.domain)
    if point is None:
        return "; sampling found no counterexample (that certifies nothing)"
    return f"; sampling found it negative at {point}"


def check_proof(proof) -> Report:
    _GIVEN.clear()
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
        ok, method, msg, twice = check_step(step, lhs, proof)
        report.steps.append(StepResult(k, ok, method, msg, twice))
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
