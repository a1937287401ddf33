"""Normal forms and sign certificates for the expressions proofs are written in.

Expressions are sympy, with nested single-index ``Sum`` objects over undefined functions
(the run's data). :func:`normalize` distributes sums over additions and pulls index-free
factors out, so that two ways of writing the same linear combination of sums compare equal
term by term. :func:`nonnegative` returns how ``expr >= 0`` was certified, or None:

* ``"symbolic"``: zero after normalisation, or every term of the normal form is a
  non-negative scalar times a product of non-negative sums and data (a sum of non-negative
  terms counts only when each range is certified not reversed, :math:`lo - 1 \\le hi`:
  under Karr's convention a reversed sum is minus a sum), by sympy's assumptions,
  a factorisation, or a polynomial with non-negative coefficients after the substitution
  of every bounded variable ``x = lo + (hi - lo) u/(1 + u)``, ``u >= 0``);
* ``"interval"``: a scalar remainder, proved on the whole (closed) box of its variables by
  interval branch and bound (:mod:`proofs._interval`).

Random sampling certifies nothing: :func:`proofs._interval.smoke` only reports a sampled
counterexample for a step that failed. :func:`positive` certifies a strict ``expr > 0`` (a
side condition such as a non-zero divisor) the same two ways.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

# The normal form is the Sum language's own (analysis.sums), shared with its evaluators;
# normalize is read from here by the checker, the rules and their tests.
from analysis.sums import is_scalar as _is_scalar
from analysis.sums import normalize, split  # noqa: F401


def is_zero(expr, data=()):
    """True when ``expr`` normalises to zero (coefficients simplified per structure)."""
    return _is_zero(sp.sympify(expr), tuple(data))


@lru_cache(maxsize=65536)
def _is_zero(expr, data):
    return all(_scalar_zero(c) for c in split(expr, data).values())


def _scalar_zero(c):
    if c == 0:
        return True
    c = sp.cancel(sp.together(c))
    if c == 0:
        return True
    return sp.simplify(c) == 0


class Domain:
    """Ranges of the scalar symbols: ``{symbol: (lo, hi)}``, ``None`` for an open side.

    The bounds are closed; a strict assumption (``beta1 < 1``) is written with the closed
    bound and the certificates below never use the endpoint's value as a witness.
    """

    def __init__(self, ranges=None):
        self.ranges = dict(ranges or {})
        self._key = frozenset(self.ranges.items())

    def __eq__(self, other):
        return isinstance(other, Domain) and self._key == other._key

    def __hash__(self):
        return hash(self._key)

    def box(self, symbols):
        return {s: self.ranges.get(s, (None, None)) for s in symbols}


def nonnegative(expr, data=(), domain=None):
    """How ``expr >= 0`` is certified ("symbolic" | "interval"), or None."""
    return _nonnegative(sp.sympify(expr), tuple(data), domain or Domain())


def positive(expr, data=(), domain=None):
    """True when ``expr > 0`` is certified: by sympy's assumptions, by strictly positive
    factors on the domain's interior (:func:`_polya` with ``strict``), or by interval
    arithmetic on the closed box (a scalar only)."""
    return _positive(sp.sympify(expr), tuple(data), domain or Domain())


@lru_cache(maxsize=65536)
def _positive(expr, data, domain):
    if expr.is_positive:
        return True
    if not _is_scalar(expr, data):
        return False
    c = sp.factor(sp.cancel(sp.together(expr)))
    if c.is_positive:
        return True
    num, den = sp.fraction(c)
    if all(_positive_factor(f, domain) for f in (*sp.Mul.make_args(num), *sp.Mul.make_args(den))):
        return True
    from ._interval import interval_positive

    return interval_positive(c, domain)


@lru_cache(maxsize=65536)
def _positive_factor(f, domain):
    """f > 0: by assumptions, a closed Polya certificate, or a real power of such a base."""
    if f.is_positive or _polya(f, domain, True, closed=True):
        return True
    base, exp = f.as_base_exp()
    return exp != 1 and bool(exp.is_real) and _positive_factor(sp.factor(base), domain)


@lru_cache(maxsize=65536)
def _nonnegative(expr, data, domain):
    if expr.is_nonnegative:  # sympy's assumptions, before expanding squares away
        return "symbolic"
    groups = split(expr, data)
    methods = []
    for struct, coef in groups.items():
        if _scalar_zero(coef):
            continue
        if struct != 1 and not _struct_nonneg(struct, data, domain):
            return None
        how = scalar_nonnegative(coef, domain)
        if how is None:
            return None
        methods.append(how)
    return "interval" if "interval" in methods else "symbolic"


def _struct_nonneg(struct, data, domain):
    for f in sp.Mul.make_args(struct):
        if isinstance(f, sp.Pow) and f.exp.is_even:
            continue
        if (
            isinstance(f, sp.Pow)
            and f.exp.is_real
            and (isinstance(f.base, sp.Sum) or f.base.is_nonnegative)
        ):
            f = f.base  # a power of a non-negative base (positive where it is defined)
        if isinstance(f, sp.Sum):
            if not _ranges_not_reversed(f.limits, domain):
                return False  # Karr's convention: a reversed sum is minus a sum
            if f.function.is_nonnegative:
                continue
            if nonnegative(f.function, data, domain) != "symbolic":
                return False
            continue
        if f.is_nonnegative:
            continue
        if scalar_nonnegative(f, domain) == "symbolic":
            continue
        return False
    return True


def _ranges_not_reversed(limits, domain):
    """Every ``lo - 1 <= hi`` of a (flattened, innermost-first) Sum's limits.

    A limit may depend on outer indices of the same Sum. Where it is linear in one, the
    condition holds on the outer range when it holds at both ends of that range."""
    for j, (_, lo, hi) in enumerate(limits):
        cases = [hi - lo + 1]
        for k, lo_k, hi_k in limits[j + 1 :]:
            split_ = [c for c in cases if c.has(k)]
            if any(sp.degree(c, k) > 1 for c in split_ if c.is_polynomial(k)) or any(
                not c.is_polynomial(k) for c in split_
            ):
                return False
            cases = [c for c in cases if not c.has(k)] + [
                c.subs(k, end) for c in split_ for end in (lo_k, hi_k)
            ]
        if not all(_symbolic_nonneg(sp.expand(c), domain) for c in cases):
            return False
    return True


def scalar_nonnegative(c, domain):
    """Certify a scalar ``c >= 0`` on the domain; the weakest method that was needed."""
    return _scalar_nonnegative(sp.sympify(c), domain)


@lru_cache(maxsize=65536)
def _scalar_nonnegative(c, domain):
    if _symbolic_nonneg(c, domain):
        return "symbolic"
    from ._interval import interval_nonnegative

    if interval_nonnegative(c, domain):
        return "interval"
    return None


def _symbolic_nonneg(c, domain):
    if c.is_nonnegative:
        return True
    c = sp.factor(sp.cancel(sp.together(c)))
    if c.is_nonnegative:
        return True
    num, den = sp.fraction(c)
    if _factors_sign_ok(num, domain) and _factors_sign_ok(den, domain, strict=True):
        return True
    num, den = sp.fraction(sp.together(c))
    return any(_polya(s * num, domain, False) and _polya(s * den, domain, True)
               for s in (1, -1))  # fmt: skip


def _factors_sign_ok(e, domain, strict=False):
    for f in sp.Mul.make_args(e):
        base, exp = f.as_base_exp()
        if exp.is_even and not strict:
            continue
        if (f.is_positive if strict else f.is_nonnegative) or base.is_positive:
            continue
        if not _polya(base, domain, strict):
            return False
    return True


def _polya(p, domain, strict, closed=False):
    """p >= 0 (> 0) when, after mapping every bounded variable onto u >= 0, the numerator has
    only non-negative coefficients (and a positive one where strict).

    The map :math:`lo + (hi - lo)u/(1+u)` covers :math:`[lo, hi)`; ``strict`` alone gives
    :math:`p > 0` for :math:`u > 0` (the interior), ``closed`` also at :math:`u = 0` (a
    positive constant term): :math:`p > 0` on :math:`[lo, hi)`."""
    if p.is_number:
        return bool(p > 0) if strict or closed else bool(p >= 0)
    if not p.free_symbols or (p.has(sp.Function) and not p.free_symbols):
        return False
    subs, us = {}, []
    for s in p.free_symbols:
        lo, hi = domain.ranges.get(s, (0 if s.is_nonnegative else None, None))
        if lo is None:
            return False
        u = sp.Symbol(f"_u_{s.name}", nonnegative=True)
        us.append(u)
        subs[s] = lo + u if hi is None else lo + (hi - lo) * u / (1 + u)
    num, den = sp.fraction(sp.together(p.xreplace(subs)))
    try:
        pn, pd = sp.Poly(sp.expand(num), *us), sp.Poly(sp.expand(den), *us)
    except (sp.PolynomialError, sp.polys.polyerrors.GeneratorsNeeded):
        return False
    coeffs = pn.coeffs() + pd.coeffs()
    if not all(c.is_number for c in coeffs) or any(c < 0 for c in coeffs):
        return False
    if closed:
        return pn.eval({u_: 0 for u_ in us}) > 0 and pd.eval({u_: 0 for u_ in us}) > 0
    return not (strict and pn.is_zero)  # a non-zero such polynomial is > 0 for u > 0
