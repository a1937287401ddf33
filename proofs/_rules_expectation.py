r"""Expectation and a few bookkeeping identities for the stochastic (nonconvex) proofs.

Expectations are modelled by an opaque real function :data:`E` of a random term. The rule
:func:`expectation` turns a pointwise (almost sure) fact ``lhs <= rhs`` (or ``=``) into
``E[lhs] <= E[rhs]`` by three standard properties of the (total) expectation:

* **monotonicity and linearity**: :math:`X \le Y` a.s. gives :math:`\mathbb E X \le
  \mathbb E Y`; expectation commutes with finite sums and with deterministic factors (those
  free of run data), so ``E`` is pushed through ``Sum`` and constants;
* **tower property, taking out what is known**: for a step :math:`t` with past
  :math:`\mathcal F_{t-1}`, a term :math:`h\,Z` with :math:`h` :math:`\mathcal
  F_{t-1}`-measurable and :math:`Z` one of the given *moments* has :math:`\mathbb E[hZ] =
  \mathbb E[h\,\mathbb E_{t-1}Z]`; here :math:`\mathbb E_{t-1} g_t = \nabla F(x_{t-1})` and
  :math:`\mathbb E_{t-1} g_t^2 = \sigma_t^2` (coordinatewise). ``current`` lists the atoms
  revealed at step :math:`t` (:math:`g_t, v_t, Sv_t, F(x_t)`); a factor is treated as
  :math:`\mathcal F_{t-1}`-measurable exactly when it contains none of them, so every other
  data term (indexed :math:`t-1`, or predictable by definition) must be measurable -- the
  caller lists ``current`` accordingly.

Every remaining random product :math:`X` becomes ``E(X)`` (a sympy function, opaque to the
normal form), so terms only cancel when they are literally the same random product. A finite
sum :math:`\sum_k c\,d_k X_k` (deterministic :math:`c` free of :math:`k`, deterministic
:math:`d_k`) becomes :math:`c\,\mathbb E[\sum_k d_k X_k]` term by term: only factors free
of the bound index leave the sum, and the sum stays *inside* ``E`` (so the checker never sees
a nested double ``Sum``, which its normaliser cannot handle; see :func:`swap_expect`). All
random variables here are bounded (``|g| <= R``, denominators :math:`\ge \sqrt\epsilon`), so
every expectation exists. Also: :func:`identity` (a rational identity between data terms,
checked by sympy's ``cancel``) and :func:`swap_expect` (Fubini under ``E``).
"""

from __future__ import annotations

import sympy as sp

from ._algebra import normalize
from ._core import EQ, LT, Fact

#: The expectation of a random term (opaque to the checker's normal form).
E = sp.Function("E", real=True)


def _has_data(e, data):
    return any(e.has(f) for f in data)


def _split(term, data):
    scalar, random = [], []
    for f in sp.Mul.make_args(term):
        (random if _has_data(f, data) else scalar).append(f)
    return sp.Mul(*scalar), random


def _known(random, current, moments):
    """The random product, with E_{t-1} applied to its step-t part where a moment is given."""
    now = [f for f in random if any(f.has(c) for c in current)]
    z = sp.Mul(*now)
    if now and z in moments:
        return sp.Mul(*[f for f in random if f not in now]) * moments[z]
    return sp.Mul(*random)


def _expect(expr, data, current, moments):
    out = sp.S.Zero
    for term in sp.Add.make_args(normalize(expr)):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if not sums:
            scalar, random = _split(term, data)
            x = _known(random, current, moments) if random else sp.S.One
            out += scalar * (E(x) if _has_data(x, data) else x)
            continue
        outer, rest = _split(term, data)
        if len(sums) > 1 or rest != [sums[0]] or len(sums[0].limits) != 1:
            raise ValueError(f"expectation: cannot split the product {term}")
        s = sums[0]
        k = s.limits[0][0]
        for inner in sp.Add.make_args(normalize(s.function)):
            if inner.has(sp.Sum):
                raise ValueError(f"expectation: nested sum in {term}")
            scalar, random = _split(inner, data)
            # only factors free of the bound index leave the Sum (and E); a weight c_k
            # stays in the body, else k would be left free outside its Sum
            free = [f for f in sp.Mul.make_args(scalar) if not f.has(k)]
            bound = [f for f in sp.Mul.make_args(scalar) if f.has(k)]
            x = _known(random, current, moments) if random else sp.S.One
            body = sp.Sum(sp.Mul(*bound) * x, *s.limits)
            out += outer * sp.Mul(*free) * (E(body) if _has_data(x, data) else body)
    return out


def expectation(fact, data, current=(), moments=None, why=None):
    r"""``E[fact.lhs] (rel) E[fact.rhs]`` for a fact that holds almost surely.

    ``data``: the run's random functions; ``current``: atoms revealed at the step whose
    conditional moments ``moments`` (``{Z: E_{t-1} Z}``) are used (module docstring).

    Side conditions: the fact's own; structural ones (a splittable product, no nested sum)
    raise ``ValueError``. Trusted, not checked: that ``current`` lists every atom revealed
    at the step (measurability) and that ``moments`` are the true conditional moments.
    """
    moments = dict(moments or {})
    lhs = _expect(fact.lhs, data, current, moments)
    rhs = _expect(fact.rhs, data, current, moments)
    return Fact(lhs, fact.rel, rhs, why or f"expectation of: {fact.why}", fact.obligations,
                "derived", fact)  # fmt: skip


def identity(lhs, rhs, why="algebraic identity"):
    r"""``lhs = rhs`` for two rational expressions equal after ``sympy.cancel`` (checked here;
    the checker's normal form does not cancel fractions whose terms contain run data).

    Side conditions: every denominator of ``lhs`` and ``rhs`` is non-zero (obligations
    :math:`0 < q^2`: cancelling :math:`q/q` is only valid there); the identity itself
    (a ``ValueError`` otherwise)."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if sp.cancel(sp.together(lhs - rhs)) != 0:
        raise ValueError(f"not an identity: {lhs} = {rhs}")
    dens = {sp.fraction(sp.together(a))[1] for side in (lhs, rhs)
            for a in sp.Add.make_args(sp.expand(side))}  # fmt: skip
    conditions = tuple((Fact(sp.S.Zero, LT, q**2, f"the divisor {q} is not zero"), ())
                       for q in sorted(dens, key=str) if q != 1)  # fmt: skip
    return Fact(lhs, EQ, rhs, why, conditions, "rule")


def swap_expect(x, i, ilo, ihi, t, tlo, thi):
    r"""Linearity of expectation over finite sums and Fubini:
    :math:`\sum_t \mathbb E[\sum_i x_{t,i}] = \mathbb E[\sum_t\sum_i x_{t,i}]
    = \sum_i \mathbb E[\sum_t x_{t,i}]`.

    Side conditions: none (finite sums of bounded terms)."""
    lhs = sp.Sum(E(sp.Sum(x, (i, ilo, ihi))), (t, tlo, thi))
    rhs = sp.Sum(E(sp.Sum(x, (t, tlo, thi))), (i, ilo, ihi))
    return Fact(lhs, EQ, rhs, "linearity of expectation over finite sums; exchanging the "
                "order of a finite double sum", (), "rule")  # fmt: skip


__all__ = ["E", "expectation", "identity", "swap_expect"]
