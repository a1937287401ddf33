r"""The second certificate: a step's remainder re-checked by the SMT solver z3.

The remainder, with each sum in sympy's normal form (:func:`proofs._algebra.normalize`:
distributed, index-free factors pulled out) and everything else as the proof wrote it
(unexpanded: z3 does the scalar arithmetic), must be :math:`\ge 0` (an inequality) or
:math:`= 0` (an identity). :func:`confirm` asks z3, which shares no code with sympy, to
prove it on the proof's domain, in nonlinear real arithmetic, with every sum and every
run-data term an opaque real (signed as sympy's assumptions sign it, a sum by its summand):

* a symbol is a real in its range (Domain entry, else its sympy sign assumption); an
  integer index is relaxed to a real, which only makes the claim stronger;
* a divisor :math:`q` becomes an auxiliary :math:`r` with :math:`q\,r = 1`, a root
  :math:`x^{p/n}` an auxiliary :math:`y \ge 0` with :math:`y^n = x`, raised to :math:`p`; so the
  remainder is checked wherever it is defined;
* :math:`|x|`, :math:`\max`, :math:`\min` are if-then-else terms;
* a power :math:`b^{s+n}` with a symbolic exponent is :math:`b^s\,b^n`, :math:`b^s` opaque;
* anything else (a logarithm, ...) is an opaque real with the sign sympy's assumptions give
  it: z3 rarely decides those, and such steps stay "sympy only".

The verdict is ``"z3"`` (proved), ``"refuted"`` (z3 found a point where a coefficient is
wrong: sympy and z3 disagree), or ``"unknown"`` (timeout, or a term z3 cannot take).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

#: per-step budget in milliseconds; a step z3 cannot settle in time stays "sympy only"
TIMEOUT_MS = 2000


class _Unsupported(Exception):
    pass


class _Encoder:
    def __init__(self, z3, domain):
        self.z3 = z3
        self.domain = domain
        self.vars = {}
        self.side = []

    def symbol(self, s):
        if s not in self.vars:
            v = self.vars[s] = self.z3.Real(f"s_{len(self.vars)}_{s.name}")
            lo, hi = self.domain.ranges.get(s, (None, None))
            if lo is None and s.is_nonnegative:
                lo = 0
            if lo is not None:
                self.side.append(v > self.num(lo) if s.is_positive and lo == 0 else
                                 v >= self.num(lo))  # fmt: skip
            if hi is not None:
                self.side.append(v <= self.num(hi))
        return self.vars[s]

    def num(self, q):
        q = sp.Rational(q) if sp.sympify(q).is_Rational else sp.sympify(q)
        if not q.is_Rational:
            return self.enc(q)
        return self.z3.RealVal(f"{q.p}/{q.q}")

    def aux(self, key, make):
        if key not in self.vars:
            self.vars[key] = make()
        return self.vars[key]

    def opaque(self, e):
        if e in self.vars:
            return self.vars[e]
        v = self.vars[e] = self.z3.Real(f"a_{len(self.vars)}")
        sign = e.function if isinstance(e, sp.Sum) else e
        if sign.is_positive and not isinstance(e, sp.Sum):
            self.side.append(v > 0)
        elif sign.is_nonnegative:
            self.side.append(v >= 0)
        return v

    def enc(self, e):
        z3 = self.z3
        if e.is_Rational:
            return self.num(e)
        if e.is_Symbol:
            return self.symbol(e)
        if e.is_Add:
            return sum((self.enc(a) for a in e.args[1:]), self.enc(e.args[0]))
        if e.is_Mul:
            out = self.enc(e.args[0])
            for a in e.args[1:]:
                out = out * self.enc(a)
            return out
        if isinstance(e, sp.Abs):
            x = self.enc(e.args[0])
            return z3.If(x >= 0, x, -x)
        if isinstance(e, (sp.Max, sp.Min)):
            out = self.enc(e.args[0])
            for a in e.args[1:]:
                y = self.enc(a)
                out = z3.If(out >= y, out, y) if isinstance(e, sp.Max) else z3.If(out <= y, out, y)
            return out
        if isinstance(e, sp.Sum):
            return self.opaque(e)
        if e.is_Pow and e.exp.is_Rational:
            return self.power(e.base, e.exp)
        if e.is_Pow:  # b^(s + n) = b^s b^n: one opaque b^s per symbolic exponent s
            n, rest = e.exp.as_coeff_Add()
            if n.is_integer and n != 0:
                return self.enc(e.base**rest) * self.power(e.base, n)
        if e.is_number:
            raise _Unsupported(str(e))
        return self.opaque(e)

    def power(self, base, exp):
        z3 = self.z3
        p, n = int(exp.p), int(exp.q)
        x = self.enc(base)
        if n != 1:

            def root():
                y = z3.Real(f"r_{len(self.vars)}")
                self.side += [y >= 0, _ipow(y, n) == x]
                return y

            x = self.aux(("root", base, n), root)
        if p >= 0:
            return _ipow(x, p)
        inner = _ipow(x, -p)

        def inverse():
            r = z3.Real(f"i_{len(self.vars)}")
            self.side.append(inner * r == 1)
            return r

        return self.aux(("inv", base, exp), inverse)


def _ipow(x, k):
    out = None
    for _ in range(k):
        out = x if out is None else out * x
    return 1 if out is None else out


def confirm(remainder, rel, domain):
    """z3's verdict on ``remainder >= 0`` (rel "<=") or ``= 0`` (rel "="), the remainder in
    normal form: "z3", "refuted" or "unknown"."""
    return _confirm(sp.sympify(remainder), rel, domain)


@lru_cache(maxsize=4096)
def _confirm(remainder, rel, domain):
    import z3

    enc = _Encoder(z3, domain)
    try:
        goal = enc.enc(remainder)
    except _Unsupported:
        return "unknown"
    claim = (goal >= 0) if rel == "<=" else (goal == 0)
    solver = z3.Solver()
    solver.set("timeout", TIMEOUT_MS)
    solver.add(*enc.side)
    solver.add(z3.Not(claim))
    verdict = solver.check()
    if verdict == z3.unsat:
        return "z3"
    if verdict == z3.sat and _exact(remainder):
        return "refuted"
    return "unknown"


def _exact(e):
    """Whether z3's model of ``e`` is a real counterexample: no opaque term, no sum, no
    integer symbol (relaxed to a real)."""
    return not any(s.is_integer for s in e.free_symbols) and not any(
        (isinstance(a, (sp.Sum, sp.Function)) and not isinstance(a, (sp.Abs, sp.Max, sp.Min)))
        or (a.is_Pow and not a.exp.is_Rational)
        for a in sp.preorder_traversal(e)
    )
