"""Shared symbols of the induction lemmas on the optimiser's recurrences (no proof here),
and the pieces every "a recurrence stays below B" induction shares: x_0 = 0, y_n <= B,
the induction hypothesis and the base case."""

import sympy as sp

from ._core import EQ, LE, Step, eq, le

n = sp.Symbol("n", nonnegative=True, integer=True)  # the step the claim is about
k = sp.Symbol("k", positive=True, integer=True)  # every step the recurrence holds at
x1 = sp.Function("x1", real=True)  # the recurrence's state (no sign assumed)
y1 = sp.Function("y1", real=True)  # its input
b, c = sp.symbols("b c", nonnegative=True)
B = sp.Symbol("B", nonnegative=True)

X0 = eq(x1(0), 0, "x_0 = 0")
Y_LE = le(y1(n), B, "y_n <= B (n >= 1)")
IH = le(x1(n - 1), B, "induction hypothesis")
BASE_STEPS = (Step(EQ, 0, "x_0 = 0", by=[X0]), Step(LE, B, "B >= 0"))
