r"""Induction on an integer index: a certified base case and a certified step case.

:func:`induction_proofs` builds three proofs of a claim :math:`P(n)`, :math:`n \ge n_0`:

* ``<id>_base``: :math:`P(n_0)` from the base hypotheses;
* ``<id>_step``: :math:`P(n)` from the step hypotheses and the induction hypothesis
  :math:`P(n-1)`, for every :math:`n \ge n_0 + 1` (the step proof's Domain);
* ``<id>``: :math:`P(n)`, one step citing :func:`induction`, which joins the two.

The step hypotheses are needed at *every* :math:`n \ge n_0 + 1`, not only at the :math:`n`
the claim is used at: in ``<id>`` they are stated at a separate index :math:`k` (``K``),
quantified, so that a proof citing ``<id>`` at :math:`n = T` must establish them for every
:math:`k` (from its own hypotheses at :math:`k`), never just at :math:`T`.
"""

from __future__ import annotations

from ._algebra import is_zero
from ._core import Fact, Proof, Step
from ._domain import range_conditions, symbol_range
from ._rules import given


def _same(a, b, data):
    return a.rel == b.rel and is_zero(a.lhs - b.lhs, data) and is_zero(a.rhs - b.rhs, data)


def _at(fact, n, value, why=None):
    return Fact(fact.lhs.xreplace({n: value}), fact.rel, fact.rhs.xreplace({n: value}),
                why or fact.why)  # fmt: skip


def induction(base, step, n, start, k, why=None):
    r""":math:`P(n)` for every integer :math:`n \ge start` (the Fact; a rule).

    Side conditions (``ValueError`` when they fail; each checked by a test): ``base`` proves
    :math:`P(start)`; ``step`` proves :math:`P(n)` for :math:`n \ge start + 1` (its Domain)
    with :math:`P(n-1)` among its hypotheses. Obligations: ``base``'s hypotheses, and
    ``step``'s other hypotheses at the quantified index ``k`` (every :math:`k \ge start+1`),
    and the two proofs' ranges for their other symbols."""
    claim = step.statement
    data = tuple(step.data)
    if not _same(base.statement, _at(claim, n, start), data):
        raise ValueError(f"induction: {base.id} does not prove the claim at {n} = {start}")
    ih = _at(claim, n, n - 1)
    rest = [h for h in step.hypotheses if not _same(h, ih, data)]
    if len(rest) == len(step.hypotheses):
        raise ValueError(f"induction: {step.id} does not assume the claim at {n} - 1")
    if step.domain.ranges.get(n, (None, None))[0] != start + 1:
        raise ValueError(f"induction: {step.id} must be proved for {n} >= {start + 1} only")
    if symbol_range(k) != (start + 1, None):
        raise ValueError(f"induction: the index {k} must range over {n} >= {start + 1}")
    obligations = [(h, ()) for h in base.hypotheses]
    obligations += [(_at(h, n, k), ()) for h in rest]
    for proof in (base, step):
        syms = proof.statement.lhs.free_symbols | proof.statement.rhs.free_symbols
        obligations += [(c, ()) for s in sorted(syms - {n}, key=str)
                        for c in range_conditions(s, s, (), proof.domain)]  # fmt: skip
    return Fact(claim.lhs, claim.rel, claim.rhs,
                why or f"induction on {n} >= {start} ({base.id}, {step.id})",
                tuple(obligations), "lemma", over=((n, start, None),))  # fmt: skip


def induction_proofs(
    id_,
    title,
    claim,
    n,
    k,
    *,
    base_hypotheses,
    base_steps,
    step_hypotheses,
    step_steps,
    data=(),
    domain=None,
    notes="",
):
    """``(PROOF, (BASE, STEP))`` for :math:`P(n)`, :math:`n \\ge 0` (module docstring).

    ``step_hypotheses`` are stated at ``n``; the induction hypothesis is added here."""
    from ._algebra import Domain

    domain = domain or Domain()
    ih = _at(claim, n, n - 1, f"induction hypothesis: the claim at {n} - 1")
    base = Proof(
        f"{id_}_base",
        f"{title}: base case {n} = 0",
        _at(claim, n, 0, "claim"),
        tuple(base_hypotheses),
        tuple(base_steps),
        data=data,
        domain=domain,
    )
    step = Proof(
        f"{id_}_step",
        f"{title}: step case {n} - 1 -> {n}",
        claim,
        (*step_hypotheses, ih),
        tuple(step_steps),
        data=data,
        domain=type(domain)({**domain.ranges, n: (1, None)}),
    )
    hyps = (*base_hypotheses, *(_at(h, n, k) for h in step_hypotheses))
    fact = given(induction(base, step, n, 0, k), *hyps)
    proof = Proof(
        id_,
        title,
        claim,
        hyps,
        (Step(claim.rel, claim.rhs, f"induction on {n}", by=[fact]),),
        data=data,
        domain=domain,
        lemmas=(base.id, step.id),
        notes=notes,
    )
    return proof, (base, step)


__all__ = ["induction", "induction_proofs"]
