"""Shared symbols of the coefficient-path proofs (no proof here): the learned coefficients
as run data, their box, the safeguarded accumulator's raw input, and the safeguard's two
definitions that the S2 lemmas share."""

import sympy as sp

from analysis.symbols import Sv, g, i
from analysis.theorems.coefficient_path_regret import Wpath

from ._core import eq

beta2t = sp.Function("beta2t", nonnegative=True)  # the learned beta_2t (a path, >= 0)
rhot = sp.Function("rhot", nonnegative=True)  # the learned rho_t, the weight of ell_t
ell = sp.Function("ell", nonnegative=True)  # the long-memory term: max(mu ell_{t-1}, v_t)
#: t * vtilde_t, the path's accumulator before the safeguard
Wraw = sp.Function("Wraw", nonnegative=True)
beta2_hi = sp.Symbol("beta2_hi", nonnegative=True)
rho_hi = sp.Symbol("rho_hi", nonnegative=True)

s = sp.Symbol("s", positive=True, integer=True)  # a dummy step index
n = sp.Symbol("n", positive=True, integer=True)
GSUM = sp.Sum(g(s, i) ** 2, (s, 1, n))
SAFE = eq(Wpath(n, i), sp.Max(Wpath(n - 1, i), Wraw(n, i)),
          "safeguard: W_n = max(W_{n-1}, n vtilde_n)")  # fmt: skip
RAW = eq(Wraw(n, i), rhot(n) * n * ell(n, i) + (1 - rhot(n)) * Sv(n, i),
         "n vtilde_n = rho_n n ell_n + (1 - rho_n) Sv_n (Sv_n = n avg_n)")  # fmt: skip
