r"""Lemma (the displacement over :math:`k` steps; one coordinate, pointwise). For the update
:math:`x_r = x_{r-1} - \alpha_r u_r` (every :math:`r \ge 1`) and :math:`p, k \ge 1`,

.. math:: x_{p+k-1} - x_{p-1} = -\sum_{l=1}^k \alpha_{p+k-l}\,u_{p+k-l} .

Used by :mod:`proofs.lemma_momentum_lipu` (:math:`\|G_t - G_{t-k}\|^2` through
:math:`L`-smoothness, at :math:`p = t - k`).

Proof: the sum telescopes, :math:`\sum_{l=1}^k (x_{p+k-l} - x_{p+k-l-1}) = x_{p+k-1} -
x_{p-1}`, and each difference is :math:`-\alpha_r u_r` at :math:`r = p + k - l \ge p \ge 1`.
"""

import sympy as sp

from analysis.symbols import i

from ._core import EQ, Proof, Step, eq
from ._rules import substitute, telescope, termwise

p = sp.Symbol("p", positive=True, integer=True)  # the earlier step (t - k in the citing lemma)
k = sp.Symbol("k", positive=True, integer=True)  # the number of steps
l = sp.Symbol("l", positive=True, integer=True)  # noqa: E741 (the lag, Défossez et al.'s name)
r = sp.Symbol("r", positive=True, integer=True)  # the update's index (every r >= 1)
x = sp.Function("x", real=True)  # the iterate x_{r,i}
u = sp.Function("u", real=True)  # the direction u_{r,i}
al = sp.Function("al", positive=True)  # the step alpha_r

X_UPD = eq(x(r, i), x(r - 1, i) - al(r) * u(r, i), "x_r = x_{r-1} - alpha_r u_r (every r >= 1)")
HYPOTHESES = (X_UPD,)


def _F(y):
    return -x(p + k - 1 - y, i)  # F(l) - F(l-1) = x_{p+k-l} - x_{p+k-l-1}


PROOF = Proof(
    id="lemma_momentum_displacement",
    title="The displacement over k steps: x_{p+k-1} - x_{p-1} = -sum_l alpha u",
    statement=eq(x(p + k - 1, i) - x(p - 1, i),
                 -sp.Sum(al(p + k - l) * u(p + k - l, i), (l, 1, k)), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(EQ, sp.Sum(_F(l) - _F(l - 1), (l, 1, k)), "telescoping",
             by=[(-1, telescope(_F, l, 1, k))]),
        Step(EQ, -sp.Sum(al(p + k - l) * u(p + k - l, i), (l, 1, k)),
             "the update at r = p + k - l (>= p >= 1 for l <= k)",
             by=[termwise(substitute(X_UPD, {r: p + k - l}), l, 1, k)]),
    ),
    data=(x, u, al),
)  # fmt: skip
