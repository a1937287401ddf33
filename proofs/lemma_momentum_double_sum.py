r"""Lemma (Défossez et al.'s momentum double sum, exchanged). For :math:`0 \le q < 1`,
:math:`e = 1 - q` and any :math:`X_1, \dots, X_T \ge 0`,

.. math::
    \sum_{n=1}^T\sum_{j=1}^n q^{n-j}\sqrt{n-j+1}\,X_j \le \frac{2}{e^{3/2}}\sum_{j=1}^T X_j .

Proof: exchange the triangular sum; shift the inner index (:math:`s = n - j + 1`);
:mod:`proofs.lemma_momentum_sqrt_weights` gives :math:`\sum_{s=1}^{T-j+1}q^{s-1}\sqrt s \le
e^{-3/2}`; and :math:`1 \le 2` (Défossez et al.'s constant, kept so that
:mod:`proofs.adam_avgrad_interpolation_nonconvex_momentum` meets their bound at
:math:`\rho = 1`). Used there with :math:`q = \beta_1/\beta_2` and :math:`X_j = \mathbb
E\|U_j\|^2`: the hypothesis ``SUM2``.
"""

import sympy as sp

from analysis.symbols import T

from . import lemma_momentum_sqrt_weights as W
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, scale, shift, swap, termwise

q, t = W.q, W.t
j = sp.Symbol("j", positive=True, integer=True)
e = sp.Symbol("e", positive=True)
X = sp.Function("X", nonnegative=True)

E_DEF = eq(e, 1 - q, "e = 1 - q (a name; q < 1)")
RANGE = le(j, T, "range of the outer index: j <= T")


def _w(tt, jj):
    return q ** (tt - jj) * sp.sqrt(tt - jj + 1) * X(jj)


_INNER = sp.Sum(q ** (t - 1) * sp.sqrt(t), (t, 1, T - j + 1))
_SHIFT = termwise(shift(lambda k: _w(k, j), t, j, T, j - 1), j, 1, T)
_LEMMA = W.PROOF.instance({W.M: T - j + 1}, given=[RANGE])
_E32 = apply(E_DEF, lambda x: X(j) / x ** sp.Rational(3, 2))

PROOF = Proof(
    id="lemma_momentum_double_sum",
    title="Momentum double sum with sqrt weights, exchanged",
    statement=le(
        sp.Sum(sp.Sum(_w(t, j), (j, 1, t)), (t, 1, T)),
        2 / e ** sp.Rational(3, 2) * sp.Sum(X(j), (j, 1, T)),
        "claim",
    ),
    hypotheses=(E_DEF, RANGE),
    steps=(
        Step(
            EQ,
            sp.Sum(sp.Sum(_w(t, j), (t, j, T)), (j, 1, T)),
            "exchanging the sums",
            by=[swap(lambda j_, t_: _w(t_, j_), j, t, T)],
        ),
        Step(
            EQ,
            sp.Sum(X(j) * _INNER, (j, 1, T)),
            "shifting the inner index: s = n - j + 1",
            by=[_SHIFT],
        ),
        Step(
            LE,
            sp.Sum(X(j) / e ** sp.Rational(3, 2), (j, 1, T)),
            "lemma_momentum_sqrt_weights with M = T - j + 1, times X_j >= 0; 1 - q = e",
            by=[termwise(scale(_LEMMA, X(j)), j, 1, T), (-1, termwise(_E32, j, 1, T))],
        ),
        Step(LE, 2 / e ** sp.Rational(3, 2) * sp.Sum(X(j), (j, 1, T)), "1 <= 2, X_j >= 0"),
    ),
    data=(X,),
    domain=Domain({q: (0, 1)}),
    lemmas=("lemma_momentum_sqrt_weights",),
)
