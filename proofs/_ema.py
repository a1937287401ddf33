"""Shared symbols of the induction lemmas on the optimiser's recurrences (no proof here)."""

import sympy as sp

n = sp.Symbol("n", nonnegative=True, integer=True)  # the step the claim is about
k = sp.Symbol("k", positive=True, integer=True)  # every step the recurrence holds at
x1 = sp.Function("x1", real=True)  # the recurrence's state (no sign assumed)
y1 = sp.Function("y1", real=True)  # its input
b, c = sp.symbols("b c", nonnegative=True)
B = sp.Symbol("B", nonnegative=True)
