"""proofs._rules_sum: a sum of non-negative terms is >= 0 only over a range that is not
reversed; cited over a reversed range, with a negative term, or below a termwise sum whose
range does not give the condition, the checker refuses it, and whatever it certifies with
numeric limits is >= 0 when evaluated (Karr's convention)."""

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs import LE, Proof, Step, _rules_sum, le
from proofs._rules import scale, termwise
from proofs._rules_sum import sum_nonneg

t = sp.Symbol("t", positive=True, integer=True)
k = sp.Symbol("k", positive=True, integer=True)
l = sp.Symbol("l", positive=True, integer=True)  # noqa: E741
X = sp.Function("X", nonnegative=True)
y = sp.Function("y", real=True)


def _one(rhs, fact, data=(X,)):
    """The claim 0 <= rhs, in one step that rests on ``fact`` alone: the remainder is
    rhs minus the fact's gap, zero here, so only the fact's conditions decide."""
    statement = le(0, rhs, "claim")
    return Proof("claim", "claim", statement, (), (Step(LE, rhs, "sum", by=[(1, fact)]),),
                 data=data).check().ok  # fmt: skip


def test_rule_states_its_side_conditions():
    for name in _rules_sum.__all__:
        assert "side conditions" in getattr(_rules_sum, name).__doc__.lower()


def test_true_instances_are_certified():
    assert _one(sp.Sum(X(t), (t, 1, k)), sum_nonneg(X, t, 1, k))
    assert _one(sp.Sum(X(t), (t, k + 1, k)), sum_nonneg(X, t, k + 1, k))  # the empty sum
    # below a termwise sum over 1 <= l <= k, the range 1..k-l is not reversed
    inner = termwise(sum_nonneg(X, t, 1, k - l), l, 1, k)
    assert _one(sp.Sum(sp.Sum(X(t), (t, 1, k - l)), (l, 1, k)), inner)
    weighted = scale(sum_nonneg(X, t, 1, k), 2)
    assert _one(2 * sp.Sum(X(t), (t, 1, k)), weighted)


def test_reversed_ranges_and_negative_terms_are_refused():
    # sum_{t=k+3}^{k} X_t = -(X_{k+1} + X_{k+2}) under Karr's convention
    assert not _one(sp.Sum(X(t), (t, k + 3, k)), sum_nonneg(X, t, k + 3, k))
    assert not _one(-sp.Sum(X(t), (t, 1, k)), sum_nonneg(lambda s: -X(s), t, 1, k))
    assert not _one(sp.Sum(y(t), (t, 1, k)), sum_nonneg(y, t, 1, k), data=(y,))
    # l up to k + 2 makes 1..k-l reversed for l = k + 2
    wide = termwise(sum_nonneg(X, t, 1, k - l), l, 1, k + 2)
    assert not _one(sp.Sum(sp.Sum(X(t), (t, 1, k - l)), (l, 1, k + 2)), wide)


@settings(max_examples=60, deadline=None)
@given(st.integers(-4, 4), st.integers(-4, 4), st.integers(-3, 3))
def test_never_certifies_a_negative_sum(lo, hi, c):
    """With numeric limits and the non-negative terms (t - c)^2: certified exactly when the
    range is not reversed, and then the evaluated sum is >= 0."""
    f = lambda s: (s - c) ** 2  # noqa: E731
    s = sp.Symbol("s", integer=True)
    ok = _one(sp.Sum(f(s), (s, lo, hi)), sum_nonneg(f, s, lo, hi), data=())
    assert ok == (hi >= lo - 1)
    if ok:
        assert sp.Sum(f(s), (s, lo, hi)).doit() >= 0
