"""A theorem's assumptions: named constants, their ranges and the relations between them.

A :class:`Constraint` is one assumption as written (``"0 <= beta1 < 1"``) with a sympy truth
value; :class:`Assumptions` checks a set of them and raises only when a violation is certain
(a symbol of unknown sign passes). :func:`in_range`, :func:`whole_at_least` and
:func:`equals` build the usual ones.

Example:
    >>> a = Assumptions((in_range("beta1", 0, 1, hi_open=True), whole_at_least("T")))
    >>> a.check(beta1=0.9, T=10)
    >>> a.check(beta1=1.0)
    Traceback (most recent call last):
    ...
    ValueError: beta1: assumption 0 <= beta1 < 1 is violated (beta1=1.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from ..symbols import SYMBOLS


@dataclass(frozen=True)
class Constraint:
    """One assumption: ``holds(*values of params)`` is a sympy truth value, maybe undecided."""

    name: str  # the constant (or derived quantity, e.g. "gamma") the message names
    text: str  # the assumption as written, e.g. "0 <= beta1 < 1"
    params: tuple[str, ...]  # the constants it reads, in the order holds takes them
    holds: Callable[..., sp.Basic]


def in_range(name, lo=None, hi=None, *, lo_open=False, hi_open=False):
    """Constraint ``lo <(=) name <(=) hi``; None leaves a side open."""
    left = "" if lo is None else f"{lo} {'<' if lo_open else '<='} "
    right = "" if hi is None else f" {'<' if hi_open else '<='} {hi}"

    def holds(v):
        conds = []
        if lo is not None:
            conds.append(v > lo if lo_open else v >= lo)
        if hi is not None:
            conds.append(v < hi if hi_open else v <= hi)
        return sp.And(*conds)

    return Constraint(name, f"{left}{name}{right}", (name,), holds)


def whole_at_least(name, lo=1):
    """Constraint: ``name`` is a whole number >= lo (floats like 1e6 pass)."""

    def holds(v):
        if v.is_number:
            return sp.And(v >= lo, sp.true if (v - sp.floor(v)).is_zero else sp.false)
        return sp.And(v >= lo, sp.false if v.is_integer is False else sp.true)

    return Constraint(name, f"{name} is a whole number >= {lo}", (name,), holds)


def equals(name, value, why):
    """Constraint: the algorithm fixes ``name = value``."""
    return Constraint(name, f"{name} = {value} ({why})", (name,), lambda v: sp.Eq(v, value))


@dataclass(frozen=True)
class Assumptions:
    """Named constants, their ranges and the relations between them.

    ``check`` raises only when a violation is certain (sympy's three-valued logic: a symbol
    of unknown sign passes).
    """

    constraints: tuple[Constraint, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(p for c in self.constraints for p in c.params)

    def check(self, **values):
        """Raise ValueError naming the assumption if one is certainly violated; else None."""
        env = dict(SYMBOLS)
        for k, v in values.items():
            env[k] = _value(k, v)
        for c in self.constraints:
            try:
                truth = c.holds(*(env[p] for p in c.params))
            except TypeError:  # e.g. a comparison with zoo: leave it to the range checks
                continue
            if truth == sp.false:
                given = ", ".join(f"{p}={values[p]}" for p in c.params if p in values)
                raise ValueError(f"{c.name}: assumption {c.text} is violated ({given})")


def _value(name, v):
    """``v`` as a sympy object."""
    try:
        v = sp.sympify(v)
    except (sp.SympifyError, TypeError) as err:
        raise ValueError(f"{name}: cannot read {v!r} as a number or symbol") from err
    if v.is_number and (v.is_extended_real is False or not v.is_finite):
        raise ValueError(f"{name} must be a finite real number, got {v}")
    return v


def exact_value(name, v):
    """``v`` as a sympy object; a float (Python, NumPy or sympy) as its exact binary value."""
    v = _value(name, v)
    return sp.Rational(v) if v.is_Float else v
