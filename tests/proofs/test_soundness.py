"""The checker's own soundness: random scalar inequalities, true and false, and z3's verdicts.

A claim ``lhs <= rhs`` is put to the checker as a one-step proof citing nothing. It is
known false when an exact rational point of the domain violates it; the checker must never
certify such a claim, neither by sympy nor by z3.
"""

import itertools

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs import LE, Domain, Proof, Step, eq, le
from proofs._rules_expectation import E, expectation
from proofs._smt import confirm

x, y = sp.symbols("x y", real=True)
BOX = Domain({x: (0, 1), y: (0, 1)})
GRID = [sp.Rational(k, 4) for k in range(5)]
MONOMIALS = [sp.S.One, x, y, x * y, x**2, y**2, x**2 * y, sp.sqrt(x), 1 / (1 + y)]


def _violated(expr):
    return any(expr.xreplace({x: a, y: b}) < 0 for a, b in itertools.product(GRID, GRID))


def _certified(expr):
    proof = Proof("claim", "claim", le(0, expr, "claim"), (), (Step(LE, expr, "claimed"),),
                  domain=BOX)  # fmt: skip
    return proof.check().ok


coefficients = st.lists(st.integers(-3, 3), min_size=len(MONOMIALS), max_size=len(MONOMIALS))


@settings(max_examples=60, deadline=None)
@given(coefficients, st.integers(0, 2))
def test_never_certifies_a_false_inequality(coefs, square):
    expr = sum((c * m for c, m in zip(coefs, MONOMIALS, strict=True)), sp.S.Zero)
    expr += square * (x - y) ** 2  # some claims that need a square to be seen
    if _violated(expr):
        assert not _certified(expr), expr
        assert confirm(expr, LE, BOX) != "z3", expr


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 3), st.integers(1, 3), st.integers(-2, 2))
def test_true_inequalities_are_certified_and_their_negations_are_not(a, b, c):
    expr = (b * x - c * y) ** 2 + a * x * y + sp.Rational(a, 2)  # >= 0 on the box
    assert _certified(expr)
    assert confirm(expr, LE, BOX) == "z3"
    if not _violated(-expr - 1):
        return
    assert not _certified(-expr - 1)
    assert confirm(-expr - 1, LE, BOX) == "refuted"


def test_z3_takes_roots_and_divisors_through_their_axioms():
    b = sp.Symbol("b", nonnegative=True)
    unit = Domain({b: (0, 1)})
    assert confirm(sp.sqrt(b) ** 2 - b, "=", unit) == "z3"
    assert confirm(sp.sqrt(b) - b, LE, unit) == "z3"  # sqrt(b) >= b on [0, 1]
    assert confirm(1 / (1 - b) - 1 - b, LE, unit) == "z3"
    assert confirm(b - sp.sqrt(b), LE, unit) == "refuted"
    assert confirm(sp.log(1 + b) - b / 2, LE, unit) == "unknown"  # a logarithm: opaque


def test_z3_splits_a_symbolic_exponent_and_keeps_its_sign():
    lam = sp.Symbol("lam", nonnegative=True)
    T = sp.Symbol("T", positive=True, integer=True)
    unit = Domain({lam: (0, 1)})
    assert confirm(lam ** (T + 1) - lam * lam**T, "=", unit) == "z3"
    assert confirm(lam**T - lam ** (T + 1), LE, unit) == "z3"  # lam^T (1 - lam) >= 0
    assert confirm(lam ** (T + 1) - lam**T, LE, unit) != "z3"


X = sp.Function("X", nonnegative=True)
n, k, j = sp.symbols("n k j", integer=True, positive=True)


def _sum_certified(s):
    """``0 <= s`` as a one-step proof over the non-negative data X."""
    proof = Proof("claim", "claim", le(0, s, "claim"), (), (Step(LE, s, "a sum"),), data=(X,))
    return proof.check().ok


def test_a_reversed_sum_of_nonnegative_terms_is_not_certified():
    """Karr's convention: sum_{t=k+3}^{k} X_t = -X_{k+1} - X_{k+2} (a hole, now closed)."""
    t = sp.Symbol("t", integer=True)
    assert not _sum_certified(sp.Sum(X(t), (t, k + 3, k)))
    assert _sum_certified(sp.Sum(X(t), (t, 1, n)))
    assert _sum_certified(sp.Sum(X(t), (t, k + 1, k)))  # empty, not reversed
    # an inner range linear in the outer index: non-reversed at both ends of j's range
    assert _sum_certified(sp.Sum(X(t), (t, 1, k - j), (j, 0, k)))
    assert not _sum_certified(sp.Sum(X(t), (t, 1, k - j), (j, 0, k + 1)))


@settings(max_examples=40, deadline=None)
@given(st.integers(-4, 4), st.integers(-4, 4))
def test_a_sum_is_certified_exactly_when_its_range_is_not_reversed(lo, hi):
    t = sp.Symbol("t", integer=True)
    s = sp.Sum(X(t), (t, n + lo, n + hi))
    assert _sum_certified(s) == (lo - 1 <= hi)
    if _sum_certified(s):  # with X = 1 the sum counts its terms, >= 0 when certified
        assert s.replace(X, lambda _: sp.S.One).doit() >= 0


def test_expectation_keeps_an_index_dependent_weight_inside_its_sum():
    """E[sum_k b^k X_k] once became b^k E[sum_k X_k], leaving k free (a hole, now closed):
    only a factor free of the bound index may leave the sum and E."""
    t, b = sp.Symbol("t", positive=True, integer=True), sp.Symbol("b", positive=True)
    out = expectation(eq(sp.Sum(b**k * X(k), (k, 1, t)), 0, "x"), (X,)).lhs
    assert k not in out.free_symbols
    assert out == E(sp.Sum(b**k * X(k), (k, 1, t)))
    mixed = expectation(eq(sp.Sum(3 * b * k * X(k), (k, 1, t)), 0, "x"), (X,)).lhs
    assert k not in mixed.free_symbols
    assert mixed == 3 * b * E(sp.Sum(k * X(k), (k, 1, t)))
