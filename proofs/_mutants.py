r"""Deliberately broken variants of the real proofs; the checker must reject every one.

Four kinds, each changing one thing and leaving the rest of the proof as it was:

* ``flipped``: an inequality step claims the mirror image of its right side (the gap with
  the sign flipped), i.e. the inequality the other way round;
* ``dropped``: a step's right side loses one of its positive terms;
* ``constant``: the last step's right side (and the statement's bound) is halved, less 1
  (halving alone leaves a true claim where the left side is 0 and the bound :math:`B \ge 0`);
* ``outside``: a lemma is cited with a hypothesis that does not hold on its own and whose
  supporting ``given`` facts are removed: the lemma is applied outside its assumptions.

and :func:`proofs._mutants_side.side_mutants`: one small proof per side condition of a rule,
a substitution, a sum or a lemma instance, each violating it.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ._core import LE, Fact, Step, discharged


def _with_step(proof, k, step, kind):
    steps = list(proof.steps)
    steps[k] = step
    return (f"{proof.id}: {kind} (step {k + 1})", k + 1, replace(proof, steps=tuple(steps)))


def _lhs(proof, k):
    if proof.steps[k].lhs is not None:
        return proof.steps[k].lhs
    return proof.statement.lhs if k == 0 else proof.steps[k - 1].rhs


def _flipped(proof):
    for k, s in enumerate(proof.steps):
        lhs = _lhs(proof, k)
        if s.rel == LE and sp.simplify(s.rhs - lhs) != 0:
            return _with_step(proof, k, replace(s, rhs=2 * lhs - s.rhs), "flipped inequality")
    return None


def _positive_terms(expr):
    return [a for a in sp.Add.make_args(sp.expand(expr)) if not a.could_extract_minus_sign()]


def _dropped(proof):
    for k in range(len(proof.steps) - 1, -1, -1):
        s = proof.steps[k]
        terms = _positive_terms(s.rhs)
        if len(sp.Add.make_args(sp.expand(s.rhs))) > 1 and terms:
            return _with_step(proof, k, replace(s, rhs=sp.expand(s.rhs) - terms[-1]),
                              "dropped term")  # fmt: skip
    return None


def _constant(proof):
    st = proof.statement
    broken = Fact(st.lhs, st.rel, st.rhs / 2 - 1, st.why)
    last = proof.steps[-1]
    steps = (*proof.steps[:-1], replace(last, rhs=last.rhs / 2 - 1))
    return (
        f"{proof.id}: wrong constant (bound halved, less 1)",
        len(steps),
        replace(proof, statement=broken, steps=steps, target=None, milestones=()),
    )


def _outside(proof):
    for k, s in enumerate(proof.steps):
        for n, (coef, fact) in enumerate(s.by):
            if fact.bind:  # under a sum the range itself may discharge the hypothesis
                continue
            if any(
                given and not discharged(h, (), proof.data, proof.domain)
                for h, given in fact.obligations
            ):  # a hypothesis that needs its support
                naked = replace(fact, obligations=tuple((h, ()) for h, _ in fact.obligations))
                by = list(s.by)
                by[n] = (coef, naked)
                return _with_step(proof, k, Step(s.rel, s.rhs, s.why, tuple(by), s.lhs),
                                  "lemma outside its assumptions")  # fmt: skip
    return None


def mutants():
    """``[(description, mutated step number, Proof)]`` over every real proof."""
    from . import all_proofs
    from ._mutants_side import side_mutants

    out = side_mutants()
    for proof in all_proofs().values():
        for make in (_flipped, _dropped, _constant, _outside):
            m = make(proof)
            if m is not None:
                out.append(m)
    return out
