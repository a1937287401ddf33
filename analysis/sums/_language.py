"""What every interpreter of the Sum language shares: the indices and their axes, the run
functions, the elementary functions and how a product splits into numerator and denominator.

Names, not objects, identify indices and run functions (sympy compares symbols by name and
assumptions, so the registry's ``t`` and a user's ``Symbol("t")`` differ as objects); this
also keeps this package free of an import of :mod:`analysis.theorems`, which imports it.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

#: A summation index's name -> its axis in the run data (``(T, d)``; a batch axis may lead).
AXES = {"t": -2, "i": -1}
#: The run functions of ``(t, i)``; ``beta1t`` is of ``(t,)`` alone.
PER_COORDINATE = ("g", "m", "v", "Sv", "vmax")
RUN_FUNCTIONS = (*PER_COORDINATE, "beta1t")


def _sqrt_sum_numpy(n):
    from analysis.theorems._asymptotics import sqrt_sum_numpy  # it imports this package

    return sqrt_sum_numpy(n)


#: A function's sympy name -> (NumPy twin, math twin, name of the torch twin); the streaming
#: interpreter has no twin of ``sqrt_sum``.
FUNCTIONS = {
    "Abs": (np.abs, abs, "abs"),
    "log": (np.log, math.log, "log"),
    "exp": (np.exp, math.exp, "exp"),
    "log1p": (np.log1p, math.log1p, "log1p"),
    "sqrt_sum": (_sqrt_sum_numpy, None, None),
}


def function_name(e):
    """The :data:`FUNCTIONS` key of ``e``'s head, or None (not an elementary function)."""
    name = type(e).__name__
    return name if name in FUNCTIONS and len(e.args) == 1 else None


def log1p_argument(e):
    """``x`` when ``e`` is :math:`\\ln(1 + x)`, else None: both interpreters evaluate it as
    ``log1p(x)`` (forming :math:`1 + x` rounds away an ``x`` below the precision, which made
    a bound falsely smaller than a positive measurement)."""
    if e.func == sp.log and e.args[0].is_Add and sp.S.One in e.args[0].args:
        return e.args[0] - 1
    return None


def canonical(e):
    """``e`` rebuilt bottom-up, so that sympy's automatic rewrites hold at every node: a tree
    built in steps may hold ``Abs(1/v)`` where a rebuild (any substitution) gives
    ``1/Abs(v)``, a denominator that 0/0 := 0 applies to. Both interpreters read this form."""
    return e.func(*[canonical(a) for a in e.args]) if e.args else e


def fraction(e):
    """A product as (numerator factors, denominator [(base, positive exponent)]): a factor
    with a negative number as exponent divides. Both interpreters read 0/0 as 0: a step with
    :math:`W_{t,i} = 0` has :math:`g_{s,i} = 0` for all :math:`s \\le t`, so the term it
    divides is absent."""
    num, den = [], []
    for f in e.args:
        if f.is_Pow and f.exp.is_number and f.exp.is_negative:
            den.append((f.base, -f.exp))
        else:
            num.append(f)
    return num, den


def limits(e: sp.Sum):
    """``e``'s limits, innermost first, with their index names checked."""
    for var, lo, hi in e.limits:
        if var.name not in AXES:
            raise NotImplementedError(f"no axis for the summation index {var}")
        yield var, lo, hi
