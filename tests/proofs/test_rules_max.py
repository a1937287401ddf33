"""proofs._rules_max: the maximum dominates each argument; used the wrong way round, or
for a claim that is false at some point, the checker refuses it (sympy and z3)."""

import itertools

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs import LE, Domain, Proof, Step, _rules_max, le
from proofs._rules_max import le_max_left, le_max_right
from proofs._smt import confirm

x, y = sp.symbols("x y", real=True)
BOX = Domain({x: (-1, 1), y: (-1, 1)})
GRID = [sp.Rational(k, 4) for k in range(-4, 5)]


def _one(statement, fact):
    return Proof("claim", "claim", statement, (), (Step(LE, statement.rhs, "max", by=[fact]),),
                 domain=BOX).check().ok  # fmt: skip


def test_rules_state_their_side_conditions():
    for name in _rules_max.__all__:
        assert "side conditions" in getattr(_rules_max, name).__doc__.lower()


def test_true_instances_are_certified():
    assert _one(le(x, sp.Max(x, y), "claim"), le_max_left(x, y))
    assert _one(le(y, sp.Max(x, y), "claim"), le_max_right(x, y))
    assert _one(le(x - 1, sp.Max(x, y), "claim"), le_max_left(x, y))


def test_false_instances_are_refused():
    # the mirror image (max <= its argument), and the other argument, are false on the box
    assert not _one(le(sp.Max(x, y), x, "claim"), le_max_left(x, y))
    assert not _one(le(y, sp.Max(x, y), "claim"), le_max_left(x, y))
    assert not _one(le(x + 1, sp.Max(x, y), "claim"), le_max_right(x, y))


coefficients = st.tuples(*[st.integers(-2, 2)] * 4)


@settings(max_examples=60, deadline=None)
@given(coefficients)
def test_never_certifies_a_false_claim_about_a_max(c):
    """a x + b y + e <= max(x, y) + f, cited with either rule: refused whenever a grid point
    of the box violates it, and z3 never confirms such a remainder."""
    a, b, e, f = c
    lhs, rhs = a * x + b * y + e, sp.Max(x, y) + f
    violated = any((lhs - rhs).xreplace({x: p, y: q}) > 0 for p, q in
                   itertools.product(GRID, GRID))  # fmt: skip
    for rule in (le_max_left, le_max_right):
        if violated:
            assert not _one(le(lhs, rhs, "claim"), rule(x, y)), (lhs, rhs)
            fact = rule(x, y)
            assert confirm(rhs - lhs - fact.gap, LE, BOX) != "z3", (lhs, rhs)
