"""Shared symbols of the coefficient-path proofs (no proof here): the learned coefficients
as run data, their box, and the safeguarded accumulator's raw input."""

import sympy as sp

beta2t = sp.Function("beta2t", nonnegative=True)  # the learned beta_2t (a path, >= 0)
rhot = sp.Function("rhot", nonnegative=True)  # the learned rho_t, the weight of ell_t
ell = sp.Function("ell", nonnegative=True)  # the long-memory term: max(mu ell_{t-1}, v_t)
#: t * vtilde_t, the path's accumulator before the safeguard
Wraw = sp.Function("Wraw", nonnegative=True)
beta2_hi = sp.Symbol("beta2_hi", nonnegative=True)
rho_hi = sp.Symbol("rho_hi", nonnegative=True)
