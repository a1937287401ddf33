r"""Lemma (the interpolated bound lies below its second-order model in :math:`\rho`).

Run data per :math:`k = (t, i)`: :math:`p_k, q_k \ge 0`, :math:`S_k > 0`,
:math:`\Delta_k \ge 0`; :math:`W_k(\rho) = S_k + \rho\Delta_k`, and
:math:`B(\rho) = \sum_{t \le T}\sum_{i \le d} p_k\sqrt{W_k(\rho)} + q_k/\sqrt{W_k(\rho)}`.
For all :math:`\rho, \rho_0 \ge 0`:

.. math::
    B(\rho) \le B(\rho_0) + (\rho - \rho_0) B'(\rho_0) + \frac{(\rho - \rho_0)^2}{2} M,
    \qquad M = \frac34\sum_k \frac{q_k\Delta_k^2}{S_k^{5/2}},

:math:`B'(\rho_0) = \sum_k \Delta_k\big(p_k/(2\sqrt{W_k}) - q_k/(2W_k^{3/2})\big)` at
:math:`\rho_0`. This is the data-dependent regret bound of the AMSGrad/AVGrad interpolation
(``amsgrad_avgrad_interpolation_regret``) with :math:`S = Sv`, :math:`\Delta = t\,vmax - Sv`
and :math:`p, q` of :mod:`analysis.theorems._interpolation`. Proof: termwise,
:mod:`proofs.lemma_interpolation_taylor` with :math:`c = \sqrt{S_k}`,
:math:`u = \sqrt{W_k(\rho)} - \sqrt{S_k}`, :math:`w = \sqrt{W_k(\rho_0)} - \sqrt{S_k}`.
"""

import sympy as sp

from analysis.symbols import T, d, i, t

from . import lemma_interpolation_taylor as taylor
from ._core import LE, Domain, Proof, Step, le
from ._rules import given, nonneg, sqrt_monotone, termwise

rho, rho0 = sp.symbols("rho rho0", nonnegative=True)
p = sp.Function("p", nonnegative=True)
q = sp.Function("q", nonnegative=True)
S = sp.Function("S", positive=True)
Dl = sp.Function("Dl", nonnegative=True)  # Delta
DATA = (p, q, S, Dl)


def W(r):
    return S(t, i) + r * Dl(t, i)


def _sum(x):
    return sp.Sum(sp.Sum(x, (i, 1, d)), (t, 1, T))


def B(r):
    """B(rho) as a double sum over the run data."""
    return _sum(p(t, i) * sp.sqrt(W(r)) + q(t, i) / sp.sqrt(W(r)))


#: B'(rho0)
SLOPE = _sum(
    Dl(t, i) * (p(t, i) / (2 * sp.sqrt(W(rho0))) - q(t, i) / (2 * W(rho0) ** sp.Rational(3, 2)))
)
#: the curvature bound M
M = sp.Rational(3, 4) * _sum(q(t, i) * Dl(t, i) ** 2 / S(t, i) ** sp.Rational(5, 2))
MODEL = B(rho0) + (rho - rho0) * SLOPE + (rho - rho0) ** 2 / 2 * M

_P, _Q = nonneg(p(t, i), "p >= 0"), nonneg(q(t, i), "q >= 0")
_ROOTS = [sqrt_monotone(S(t, i), W(r)) for r in (rho, rho0)]
TERM = taylor.PROOF.instance(
    {taylor.c: sp.sqrt(S(t, i)), taylor.u: sp.sqrt(W(rho)) - sp.sqrt(S(t, i)),
     taylor.w: sp.sqrt(W(rho0)) - sp.sqrt(S(t, i)), taylor.p: p(t, i), taylor.q: q(t, i)},
    given=[_P, _Q, *_ROOTS])  # fmt: skip

PROOF = Proof(
    id="lemma_interpolation_model",
    title="B(rho) <= B(rho0) + (rho - rho0) B'(rho0) + (rho - rho0)^2 M / 2",
    statement=le(B(rho), MODEL, "claim"),
    hypotheses=(_P, _Q),
    steps=(
        Step(
            LE,
            MODEL,
            "lemma_interpolation_taylor for each (t, i), summed",
            by=[termwise(termwise(given(TERM, *_ROOTS), i, 1, d), t, 1, T)],
        ),
    ),
    data=DATA,
    domain=Domain({rho: (0, None), rho0: (0, None)}),
    lemmas=("lemma_interpolation_taylor",),
)
