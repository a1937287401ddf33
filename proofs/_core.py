r"""Proofs as chains of certified steps.

A :class:`Proof` states ``lhs <= rhs`` (or ``=``) under hypotheses and proves it by a chain
of :class:`Step`\ s: step k goes from the previous right side (or from an explicitly stated
left side) to a new right side. A step cites :class:`Fact`\ s -- hypotheses, lemma instances,
standard inequalities, rules (telescoping, peeling a sum, a termwise sum) -- and the checker
verifies that

.. math:: (r - l) - \sum_k c_k\,(r_k - l_k) \ge 0

(:math:`l, r`: the step's sides; :math:`l_k, r_k`: the sides of cited fact :math:`k`)

with every coefficient :math:`c_k \ge 0` on an inequality fact (any sign on an identity).
The remainder's sign is certified symbolically or by interval arithmetic (never by
random sampling); :mod:`proofs._algebra` says how. Cited facts carry the ranges of their
symbols and the side conditions of their rules (:mod:`proofs._domain`,
:mod:`proofs._check`). The chain's ends must equal the statement, and a theorem's
statement must equal its bound in :data:`analysis.THEOREMS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from ._algebra import Domain, is_zero, nonnegative, positive
from ._domain import EQ, LE, LT, range_conditions


@dataclass(frozen=True)
class Fact:
    """A known ``lhs <= rhs`` or ``lhs = rhs``; ``why`` says where it comes from."""

    lhs: sp.Expr
    rel: str
    rhs: sp.Expr
    why: str
    #: hypotheses of a cited lemma, instantiated, with the facts offered to discharge them;
    #: the citing proof's checker discharges them under its own data and domain.
    obligations: tuple = ()
    #: "stated" (must be a hypothesis of the proof citing it), "rule" (a standard
    #: inequality or bookkeeping identity from proofs._rules), "lemma" (a lemma instance),
    #: or "derived" (from ``base`` by summing, scaling or applying a function)
    origin: str = "stated"
    base: object = None
    #: ((symbol, lo, hi), ...): the fact holds for every value of these symbols in [lo, hi]
    #: (``None``: open side); see :mod:`proofs._domain` for the symbols not listed here
    over: tuple = ()
    #: a derived fact made by ``substitute``: ((symbol, value), ...) put into ``base``
    subs: tuple = ()
    #: a derived fact made by ``termwise``: (index, lo, hi) summed over
    bind: tuple = ()

    def __post_init__(self):
        if self.rel not in (LE, EQ, LT):
            raise ValueError(f"rel must be {LE!r}, {EQ!r} or {LT!r}, got {self.rel!r}")

    @property
    def gap(self):
        return self.rhs - self.lhs

    def scaled(self, c):
        return (c, self)


def _over(over):
    return tuple((s, lo, hi) for s, (lo, hi) in dict(over or {}).items())


def le(lhs, rhs, why, over=None):
    """``lhs <= rhs``; ``over={t: (lo, hi)}``: for every t in [lo, hi] (None: open side)."""
    return Fact(sp.sympify(lhs), LE, sp.sympify(rhs), why, over=_over(over))


def lt(lhs, rhs, why, over=None):
    """``lhs < rhs`` (a strict condition, e.g. a divisor's sign); ``over`` as for :func:`le`."""
    return Fact(sp.sympify(lhs), LT, sp.sympify(rhs), why, over=_over(over))


def eq(lhs, rhs, why, over=None):
    """``lhs = rhs``; ``over`` as for :func:`le`."""
    return Fact(sp.sympify(lhs), EQ, sp.sympify(rhs), why, over=_over(over))


def _uses(by):
    """Normalise ``by``: a Fact, (coef, Fact) pairs, or a list of either."""
    if isinstance(by, Fact):
        return ((sp.S.One, by),)
    out = []
    for u in by:
        out.append((sp.S.One, u) if isinstance(u, Fact) else (sp.sympify(u[0]), u[1]))
    return tuple(out)


@dataclass(frozen=True)
class Step:
    """``[lhs] rel rhs``, justified by ``why`` and the cited facts ``by``."""

    rel: str
    rhs: sp.Expr
    why: str
    by: tuple = ()
    lhs: sp.Expr | None = None  # stated only where the chain is recombined explicitly

    def __post_init__(self):
        object.__setattr__(self, "by", _uses(self.by))
        object.__setattr__(self, "rhs", sp.sympify(self.rhs))


@dataclass
class StepResult:
    index: int
    ok: bool
    method: str | None  # "symbolic" | "interval" | None when it failed
    message: str = ""
    twice: bool = False  # z3 proved the remainder too (proofs._smt)


@dataclass
class Report:
    proof_id: str
    steps: list[StepResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.ok for s in self.steps)

    def counts(self):
        """Steps per certificate; "random" stays 0 (sampling certifies nothing) and is kept
        so that readers of the counts (the notebooks) see the tier is empty."""
        c = {"symbolic": 0, "interval": 0, "random": 0}
        for s in self.steps:
            if s.ok:
                c[s.method] += 1
        return c

    def tiers(self):
        """Certified steps: "twice" (sympy and z3 agree) or "sympy only"."""
        ok = [s for s in self.steps if s.ok]
        twice = sum(s.twice for s in ok)
        return {"twice": twice, "sympy only": len(ok) - twice}

    def summary(self) -> str:
        c, t = self.counts(), self.tiers()
        state = "ok" if self.ok else "FAILED"
        line = (f"{self.proof_id}: {state} ({len(self.steps)} steps: {c['symbolic']} symbolic, "
                f"{c['interval']} interval, {c['random']} random; {t['twice']} certified "
                f"twice, {t['sympy only']} sympy only)")  # fmt: skip
        bad = [f"step {s.index}: {s.message}" for s in self.steps if not s.ok] + self.problems
        return line + "".join(f"\n    {b}" for b in bad)


@dataclass(frozen=True)
class Proof:
    """``statement`` proved from ``hypotheses`` by ``steps``.

    ``data``: the undefined functions standing for run data (treated as opaque, with the
    signs their sympy assumptions declare). ``domain``: ranges of the scalar symbols.
    ``target``: a callable returning the expression the statement's right side must equal
    (e.g. a registry theorem's bound), checked by sympy; ``lemmas``: ids of proofs used.
    """

    id: str
    title: str
    statement: Fact
    hypotheses: tuple[Fact, ...]
    steps: tuple[Step, ...]
    data: tuple = ()
    domain: Domain = field(default_factory=Domain)
    target: object = None
    target_name: str = ""
    lemmas: tuple[str, ...] = ()
    notes: str = ""
    #: (step number k >= 1, callable, name): step k's right side must equal callable()
    #: (e.g. a theorem's data-dependent form, on the way to its worst case)
    milestones: tuple = ()
    #: index symbols that are fixed though the statement does not show them (a horizon T in
    #: a hypothesis t <= T); every other index of a hypothesis ranges (proofs._domain)
    parameters: tuple = ()

    @cached_property
    def params(self):
        """The symbols this proof fixes: its statement's, and ``parameters``."""
        return _free(self.statement) | set(self.parameters)

    def instance(self, subs=None, why=None, given=()):
        """The statement with ``subs`` applied (symbols, or functions replaced by callables).

        Each hypothesis, instantiated, becomes an obligation of the returned Fact: the proof
        that cites it must derive it from ``given`` or certify it on its own; otherwise the
        lemma is used outside its assumptions and the citing step fails.
        """
        subs = dict(subs or {})
        st = _subs_fact(self.statement, subs)
        hyps = tuple(self.hypotheses) + _sign_conditions(self, subs) + _range_conditions(self, subs)
        params = self.params
        own = set(self.hypotheses)
        obligations = tuple((_quantify(_subs_fact(h, subs), _free(h) - params, subs)
                             if h in own else _subs_fact(h, subs), tuple(given))
                            for h in hyps)  # fmt: skip
        return Fact(st.lhs, st.rel, st.rhs, why or f"lemma {self.id}", obligations, "lemma")

    def check(self) -> Report:
        from ._check import check_proof

        return check_proof(self)


def _sign_conditions(proof, subs):
    """A replaced symbol or function declared non-negative in the lemma must be replaced by
    something non-negative: each becomes a hypothesis of the instance."""
    exprs = [proof.statement.lhs, proof.statement.rhs]
    exprs += [e for h in proof.hypotheses for e in (h.lhs, h.rhs)]
    out = []
    for key in subs:
        if isinstance(key, sp.FunctionClass):
            apps = {a for e in exprs for a in e.atoms(sp.Function) if a.func == key}
            out += [Fact(sp.S.Zero, LE, a, f"{key} >= 0 in {proof.id}") for a in
                    sorted(apps, key=str) if a.is_nonnegative]  # fmt: skip
        elif key.is_nonnegative:
            out.append(Fact(sp.S.Zero, LE, key, f"{key} >= 0 in {proof.id}"))
    return tuple(out)


def _range_conditions(proof, subs):
    """Every parameter of the lemma (a symbol of its statement, or a non-index symbol of a
    hypothesis), substituted or not, must take a value in the lemma's range for it: its
    Domain entry, else its assumptions (:mod:`proofs._domain`)."""
    st = proof.statement
    syms = set().union(*(sp.sympify(e).free_symbols for e in (st.lhs, st.rhs)))
    syms |= {
        s
        for h in proof.hypotheses
        for e in (h.lhs, h.rhs)
        for s in sp.sympify(e).free_symbols
        if not s.is_integer
    }
    out = []
    for s in sorted(syms, key=str):
        value = subs.get(s, s)
        out += [
            Fact(c.lhs, c.rel, c.rhs, f"{c.why} in {proof.id}")
            for c in range_conditions(s, value, (), proof.domain)
        ]
    return tuple(out)


def _free(fact):
    return sp.sympify(fact.lhs).free_symbols | sp.sympify(fact.rhs).free_symbols


def _quantify(h, quantified, subs):
    """A lemma hypothesis must hold for every value of its symbols that the lemma's statement
    does not fix (an index the lemma's proof uses at many values): they stay symbols, marked
    in ``over`` so that the citing proof cannot discharge them from its own parameters."""
    names = [sp.sympify(subs.get(q, q)) for q in sorted(quantified, key=str) if q.is_integer]
    if not all(isinstance(q, sp.Symbol) and q.is_integer for q in names):
        return Fact(sp.S.One, LE, sp.S.Zero, f"{h.why}: an index it holds for every value of "
                    "may only be renamed, not given a value")  # fmt: skip
    return Fact(
        h.lhs, h.rel, h.rhs, h.why, h.obligations, over=tuple((q, None, None) for q in names)
    )


def _subs_fact(f, subs):
    def sub(e):
        e = sp.sympify(e)
        for k, v in subs.items():
            e = sp.sympify(e.replace(k, v) if isinstance(k, sp.FunctionClass)
                           else e.xreplace({k: v}))  # fmt: skip
        return e

    return Fact(sub(f.lhs), f.rel, sub(f.rhs), f.why, f.obligations)


def discharged(h, given, data, domain):
    """Whether hypothesis instance ``h`` follows from one of ``given`` (or from nothing)."""
    gap = h.rhs - h.lhs
    if h.rel == LT:
        return positive(gap, data, domain) or any(
            (g.rel == LT and nonnegative(gap - g.gap, data, domain) == "symbolic")
            or positive(gap - g.gap, data, domain)
            for g in given
        )
    if h.rel == EQ:
        return is_zero(gap, data) or any(g.rel == EQ and is_zero(gap - g.gap, data) for g in given)
    if nonnegative(gap, data, domain) == "symbolic":
        return True
    return any(nonnegative(gap - g.gap, data, domain) == "symbolic"
               for g in given)  # fmt: skip


__all__ = ["EQ", "LE", "LT", "Domain", "Fact", "Proof", "Report", "Step", "eq", "le", "lt"]
