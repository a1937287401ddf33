"""proofs._rules_momentum: linearity of E over a finite sum and the index reversal are
identities the checker accepts as stated and refuses when a proof misuses them (a wrong
coefficient, a random weight, a captured index), and reflect holds numerically for every
integer range, reversed ones included (Karr's convention)."""

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs import EQ, Proof, Step, _rules_momentum, eq
from proofs._rules_expectation import E
from proofs._rules_momentum import expect_sum, reflect

t = sp.Symbol("t", positive=True, integer=True)
k = sp.Symbol("k", positive=True, integer=True)
j = sp.Symbol("j", integer=True)
b = sp.Symbol("b", positive=True)
X = sp.Function("X", real=True)


def _one(lhs, rhs, fact, coef=1, data=(X, E)):
    """The claim lhs = rhs in one step resting on ``fact`` with coefficient ``coef``."""
    return Proof("claim", "claim", eq(lhs, rhs, "claim"), (),
                 (Step(EQ, rhs, "rule", by=[(coef, fact)]),), data=data).check().ok  # fmt: skip


def test_rules_state_their_side_conditions():
    for name in _rules_momentum.__all__:
        assert "side conditions" in getattr(_rules_momentum, name).__doc__.lower()


def test_expect_sum_true_instances_are_certified():
    fact = expect_sum(lambda x: b**x, lambda x: X(x), k, 1, t, (X,))
    lhs, rhs = E(sp.Sum(b**k * X(k), (k, 1, t))), sp.Sum(b**k * E(X(k)), (k, 1, t))
    assert _one(lhs, rhs, fact)


def test_expect_sum_misuse_is_refused():
    fact = expect_sum(lambda x: b**x, lambda x: X(x), k, 1, t, (X,))
    lhs = E(sp.Sum(b**k * X(k), (k, 1, t)))
    assert not _one(lhs, 2 * sp.Sum(b**k * E(X(k)), (k, 1, t)), fact)
    # a random weight cannot leave the expectation; neither may the limits use the index
    with pytest.raises(ValueError, match="deterministic"):
        expect_sum(lambda x: X(x), lambda x: X(x + 1), k, 1, t, (X,))
    with pytest.raises(ValueError, match="expectation"):
        expect_sum(lambda x: 1, lambda x: E(X(x)), k, 1, t, (X,))
    with pytest.raises(ValueError, match="limits"):
        expect_sum(lambda x: 1, lambda x: X(x), k, 1, k, (X,))


def test_reflect_true_and_false_instances():
    fact = reflect(lambda x: b**x * X(t - x), k, 1, t, t, j)
    lhs = sp.Sum(b**k * X(t - k), (k, 1, t))
    assert _one(lhs, sp.Sum(b ** (t - j) * X(j), (j, 0, t - 1)), fact)
    # the range shifted by one is not the reflection
    assert not _one(lhs, sp.Sum(b ** (t - j) * X(j), (j, 1, t)), fact)
    with pytest.raises(ValueError, match="fresh"):
        reflect(lambda x: X(x + j), k, 1, t, t, j)
    with pytest.raises(ValueError, match="centre"):
        reflect(lambda x: X(x), k, 1, t, k, j)


@settings(max_examples=80, deadline=None)
@given(st.integers(-5, 5), st.integers(-5, 5), st.integers(-4, 4))
def test_reflect_holds_for_every_integer_range(lo, hi, c):
    """Evaluated with sympy's own (Karr) convention, reversed ranges included."""
    f = lambda x: x**3 - 2 * x + 7  # noqa: E731
    n = sp.Symbol("n", integer=True)  # any sign: the limits may be negative
    fact = reflect(f, n, lo, hi, c, j)
    assert fact.lhs.doit() == fact.rhs.doit()
